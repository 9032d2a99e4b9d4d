"""The ``room``: the floor polygon, wall segments and height (scenes.md v0.2)."""

from __future__ import annotations

import math

from .checked import CheckedScene
from .checker import Checker
from .json_values import describe


def check_room(c: Checker, room: object, out: CheckedScene) -> None:
    if c.mapping(room, "room") is None:
        return
    floor = room.get("floor")
    if floor is not None:
        out.floor = _check_floor(c, floor, "room.floor")
    walls = room.get("walls")
    if walls is not None:
        out.walls = _check_walls(c, walls, "room.walls")
    height = room.get("height")
    if height is not None:
        h = c.length(height, "room.height")
        if h is not None and h <= 0:
            c.add("room.height", f"must be > 0, got {h:g}")
        elif h is not None:
            out.room_height = h


def _check_floor(c: Checker, floor: object, path: str) -> list[list[float]] | None:
    if not isinstance(floor, (list, tuple)) or len(floor) < 3:
        got = f"{len(floor)} points" if isinstance(floor, (list, tuple)) else describe(floor)
        c.add(path, f"expected a polygon of at least 3 [x, y] points, got {got}")
        return None
    pts = [c.point(p, f"{path}[{i}]", 2) for i, p in enumerate(floor)]
    if None in pts:
        return None
    if abs(shoelace(pts)) < 1e-12:
        c.add(path, "floor polygon has zero area")
        return None
    return pts


def _check_walls(c: Checker, walls: object, path: str) -> list[list[float]] | None:
    """Wall segments ``[x1, y1, x2, y2]``; an empty list means a room without walls."""
    if not isinstance(walls, (list, tuple)):
        c.add(path, f"expected a list of [x1, y1, x2, y2] segments, got {describe(walls)}")
        return None
    out = [c.vector(w, f"{path}[{i}]", 4) for i, w in enumerate(walls)]
    for i, w in enumerate(out):
        if w is not None and math.hypot(w[2] - w[0], w[3] - w[1]) < 1e-9:
            c.add(f"{path}[{i}]", "a wall needs two different end points")
            out[i] = None
    return None if None in out else out


def shoelace(pts) -> float:
    """Signed area of a polygon given as [x, y] points (positive if counter-clockwise)."""
    n = len(pts)
    return 0.5 * sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1]
                     for i in range(n))
