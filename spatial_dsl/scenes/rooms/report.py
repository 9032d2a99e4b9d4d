"""What the inferred polygon leaves out, kept as the scene's ``source.room`` report:
stray and protruding objects, the cuts, unused pins and wall-mounted objects off the wall.
"""

from __future__ import annotations

import numpy as np

from ..model import Scene
from .evidence import wall_mounted
from .planar import inside_polygon, polygon_edges, segment_distance, to_mm
from .thresholds import EPS, PROTRUDE_TOL


def room_report(scene, lo, hi, use, floors, floor, walls, unused, cuts, robothor) -> dict:
    poly = np.asarray(floor, dtype=float)
    report: dict = {"method": "robothor-shell" if robothor else "pins-and-footprints"}
    stray = [scene.ids[i] for i in np.flatnonzero(~floors & ~use)]
    if stray:
        report["stray"] = stray
    outside = _outside_distance(poly, lo, hi)
    protruding = {scene.ids[i]: round(float(outside[i]), 3)
                  for i in np.flatnonzero(use & (outside > PROTRUDE_TOL))}
    if protruding:
        report["protruding"] = protruding
    if cuts:
        report["cuts"] = [{"pin": scene.ids[c.pin], "lo": [to_mm(v) for v in c.lo],
                           "hi": [to_mm(v) for v in c.hi]} for c in cuts]
    if unused:
        report["unused_pins"] = {scene.ids[i]: _named(scene, why)
                                 for i, why in sorted(unused.items())}
    walls = walls if walls is not None else polygon_edges(floor)
    off = _off_wall(scene, lo, hi, use, walls, unused)
    if off:
        report["off_wall"] = off
    return report


def _named(scene: Scene, why: str) -> str:
    """"hangs on 12" -> "hangs on <the id of object 12>" (same for "stands in front of")."""
    head, _, index = why.rpartition(" ")
    return f"{head} {scene.ids[int(index)]}" if index.isdigit() else why


def _off_wall(scene: Scene, lo, hi, use, walls, unused) -> dict[str, float]:
    """Wall-mounted objects further than PROTRUDE_TOL from every wall (and not already
    reported as unused pins), with that distance."""
    out = {}
    for i in np.flatnonzero(wall_mounted(scene) & use):
        if i in unused:
            continue
        d = float(segment_distance(_rectangle_outline(lo[i], hi[i]), walls).min())
        if d > PROTRUDE_TOL:
            out[scene.ids[i]] = to_mm(d)
    return out


def _rectangle_outline(lo, hi, step: float = 0.05) -> np.ndarray:
    """Points along a rectangle's outline, at most ``step`` apart, corners included.

    Enough for distances: a rectangle meets a rectilinear polygon without holes
    or its walls first and leaves it furthest on its outline.
    """
    k = np.maximum(np.ceil((hi - lo) / step).astype(int) + 1, 2)
    xs, ys = np.linspace(lo[0], hi[0], k[0]), np.linspace(lo[1], hi[1], k[1])
    return np.concatenate([np.stack([xs, np.full_like(xs, lo[1])], axis=1),
                           np.stack([xs, np.full_like(xs, hi[1])], axis=1),
                           np.stack([np.full_like(ys, lo[0]), ys], axis=1),
                           np.stack([np.full_like(ys, hi[0]), ys], axis=1)])


def _outside_distance(poly: np.ndarray, lo, hi) -> np.ndarray:
    """(N,) how far each footprint rectangle reaches outside the polygon (0 if inside).

    Sampled every 5 cm along each rectangle's outline (exact at its corners),
    only for rectangles that may leave the polygon.
    """
    edges = polygon_edges(poly)
    out = np.zeros(len(lo))
    corners = np.stack([lo, np.stack([hi[:, 0], lo[:, 1]], axis=1), hi,
                        np.stack([lo[:, 0], hi[:, 1]], axis=1)], axis=1)
    corners_in = inside_polygon(corners.reshape(-1, 2), poly).reshape(-1, 4).all(axis=1)
    # A rectangle with its corners inside a polygon is inside unless a polygon corner
    # pokes into it (then the polygon's boundary crosses it): only those are sampled.
    pokes = ((poly[None, :, 0] > lo[:, None, 0] + EPS) & (poly[None, :, 0] < hi[:, None, 0] - EPS)
             & (poly[None, :, 1] > lo[:, None, 1] + EPS)
             & (poly[None, :, 1] < hi[:, None, 1] - EPS)).any(axis=1)
    for i in np.flatnonzero(~corners_in | pokes):
        pts = _rectangle_outline(lo[i], hi[i])
        d = np.where(inside_polygon(pts, poly), 0.0, segment_distance(pts, edges))
        out[i] = d.max()
    return out
