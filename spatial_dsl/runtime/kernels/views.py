"""Kernels that read the camera frames: camera-relative views (to_camera, depth, left_of,
closer...), visibility over time (visible, seen, first_seen, co_visible,
appearance_order...) and camera motion between frames (turn, move, travel, route).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime import geometry as G
from spatial_dsl.scenes.model import Scene
from spatial_dsl.tolerances import VISIBLE_FRACTION

from .call import (
    CHARGES_PER_FRAME, CHARGES_PER_OBJECT, CHARGES_UNBOUNDED, Call, _clear_pairs, _rows,
    _screen_sizes, box_of, kernel, point_of,
)
from .relations import _sector

# ---------------------------------------------------------------- camera views


def _camera(k: Call, p, f):
    frames = k.frames()
    return np.asarray(G.to_camera(point_of(k.scene, p), frames.position[f], frames.R[f]))


@kernel("to_camera")
def k_to_camera(k: Call, p, f):
    return _camera(k, p, f).reshape(-1, 3)


@kernel("depth")
def k_depth(k: Call, o, f):
    return _camera(k, o, f).reshape(-1, 3)[:, 2]


@kernel("camera_distance")
def k_camera_distance(k: Call, o, f):
    return np.linalg.norm(point_of(k.scene, o) - k.frames().position[f], axis=-1)


@kernel("camera_gap")
def k_camera_gap(k: Call, o, f):
    c, R, s, _ = box_of(k.scene, o)
    return np.asarray(G.point_box_distance(k.frames().position[f], c, R, s)).reshape(-1)


@kernel("view_bearing")
def k_view_bearing(k: Call, o, f):
    return np.asarray(G.view_bearing(_camera(k, o, f)), dtype=float).reshape(-1)


@kernel("view_direction")
def k_view_direction(k: Call, o, f, sectors, margin):
    return _sector(k, k_view_bearing(k, o, f), sectors, margin)


@kernel("left_of")
def k_left_of(k: Call, a, b, f):
    return _camera(k, a, f).reshape(-1, 3)[:, 0] < _camera(k, b, f).reshape(-1, 3)[:, 0]


@kernel("right_of")
def k_right_of(k: Call, a, b, f):
    return _camera(k, a, f).reshape(-1, 3)[:, 0] > _camera(k, b, f).reshape(-1, 3)[:, 0]


@kernel("closer")
def k_closer(k: Call, a, b, f):
    return k_depth(k, a, f) < k_depth(k, b, f)


# --------------------------------------------------------- visibility and time


# Visibility is stored sparse (scenes/visibility.py); these kernels read it through its
# accessors, vectorized over the batch, and never build a frames x objects table.


@kernel("visible")
def k_visible(k: Call, o, f):
    return k.frames().visible.fraction(o, f) >= VISIBLE_FRACTION


@kernel("visibility")
def k_visibility(k: Call, o, f):
    return k.frames().visible.fraction(o, f).astype(float)


@kernel("screen_size")
def k_screen_size(k: Call, o, f):
    k.frames()
    return _screen_sizes(k.scene, o, f)


@kernel("clearly_visible")
def k_clearly_visible(k: Call, o, f):
    k.frames()
    return _clear_pairs(k.scene).fraction(o, f) > 0


@kernel("clearly_seen")
def k_clearly_seen(k: Call, o):
    k.frames()  # a scene without frames has no views: NoFrames, not "never seen"
    return _clear_pairs(k.scene).first_last()[0][o] >= 0


@kernel("in_view", charges=CHARGES_PER_OBJECT)
def k_in_view(k: Call, f):
    k.charge_masks(len(f))
    return k.own_world(k.frames().visible.in_frames(f, at_least=VISIBLE_FRACTION))


@kernel("seen")
def k_seen(k: Call, o):
    k.frames()
    first, _ = k.scene.frames.visible.first_last(VISIBLE_FRACTION)
    return first[o] >= 0


def _seen_index(k: Call, o, which: int):
    k.frames()
    first, last = k.scene.frames.visible.first_last(VISIBLE_FRACTION)
    return _frame_indices(k, o, (first if which == 0 else last)[o], "seen")


def _frame_indices(k: Call, o, rows, seen: str):
    """The frame indices of frame rows per object; a row < 0 rejects NotSeen."""
    never = rows < 0
    k.reject(never, RejectionKind.NOT_SEEN,
             lambda r: f"{k.scene.labels[int(o[r])]} is never {seen}")
    return k.scene.frames.index[np.where(never, 0, rows)].astype(np.int64) if len(
        k.scene.frames.index) else np.zeros(len(o), dtype=np.int64)


@kernel("first_seen")
def k_first_seen(k: Call, o):
    return _seen_index(k, o, 0)


@kernel("first_clearly_seen")
def k_first_clearly_seen(k: Call, o):
    k.frames()
    return _frame_indices(k, o, _clear_pairs(k.scene).first_last()[0][o], "clearly seen")


@kernel("last_seen")
def k_last_seen(k: Call, o):
    return _seen_index(k, o, -1)


@kernel("co_visible", charges=CHARGES_PER_FRAME)
def k_co_visible(k: Call, a, b):
    visible = k.frames().visible
    counts = visible.frame_counts(VISIBLE_FRACTION)
    k.budget.charge(int(counts[np.asarray(a).reshape(-1)].sum()), k.span)
    return visible.co_visible(a, b, VISIBLE_FRACTION)


@kernel("appearance_order", charges=CHARGES_UNBOUNDED)
def k_appearance_order(k: Call, xs):
    k.frames()
    rows = xs if isinstance(xs, list) else [list(np.flatnonzero(m)) for m in xs]
    out = []
    for r, members in enumerate(rows):
        k.budget.charge(len(members), k.span)
        out.append(_appearance(k, np.asarray(members, dtype=np.int64), r, len(rows)))
    return out


def _appearance(k: Call, members: np.ndarray, r: int, size: int) -> list:
    this_row = np.arange(size) == r
    if len(members) == 0:
        return []
    first = k.scene.frames.visible.first_last(VISIBLE_FRACTION)[0][members]
    if (first < 0).any():
        missing = members[first < 0][0]
        k.reject(this_row, RejectionKind.NOT_SEEN, f"{k.scene.labels[int(missing)]} is never seen")
        return []
    if len(np.unique(first)) < len(first):
        k.reject(this_row, RejectionKind.BORDERLINE, "two objects first appear in the same frame")
    return [int(m) for m in members[np.argsort(first, kind="stable")]]


# --------------------------------------------------------------- camera motion


@kernel("turn")
def k_turn(k: Call, f1, f2):
    frames = k.frames()
    return np.asarray(G.turn(frames.R[f1], frames.R[f2]), dtype=float).reshape(-1)


@kernel("move")
def k_move(k: Call, f1, f2):
    frames = k.frames()
    return np.asarray(G.move(frames.position[f1], frames.R[f1], frames.position[f2]),
                      dtype=float).reshape(-1, 3)


def _path(f1: int, f2: int) -> np.ndarray:
    """Frame rows from f1 to f2 inclusive, in that order (backwards if f2 < f1)."""
    step = 1 if f2 >= f1 else -1
    return np.arange(f1, f2 + step, step)


def _ends(k: Call, f1, f2):
    """(first, last) frame row of each row's path, after charging their total length
    (the work of `travel` and `route` is one step per frame of every path)."""
    size = _rows(f1, f2)
    a, b = np.broadcast_to(f1, (size,)), np.broadcast_to(f2, (size,))
    k.budget.charge(int(np.abs(a.astype(np.int64) - b).sum()) + size, k.span)
    for x, y in zip(a.tolist(), b.tolist()):
        k.budget.check_time(k.span)
        yield int(x), int(y)


def _paths(k: Call, f1, f2):
    """The frame rows of each row's path (charged as ``_ends`` charges them)."""
    for x, y in _ends(k, f1, f2):
        yield _path(x, y)


@kernel("travel", charges=CHARGES_PER_FRAME)
def k_travel(k: Call, f1, f2):
    frames = k.frames()
    return np.array([float(G.travel(frames.position[path])) for path in _paths(k, f1, f2)])


@lru_cache(maxsize=64)
def _route_memo(scene: Scene) -> dict[tuple[int, int], tuple[str, ...]]:
    """Routes already worked out on this scene, by (first, last) frame row of the path.

    A task asks for the same route several times (`len(route(f1, f2))` twice in a
    `where`, then in its choices and its answer), and a route is a loop over the frames
    of its path; a scene's frames do not change, so each route is made once per scene
    (the charge to the budget stays per call, as without the memo)."""
    return {}


@lru_cache(maxsize=64)
def _headings(frames) -> np.ndarray:
    """The heading of every frame's camera (``G.heading``), made once per set of frames:
    a route reads the headings of every frame of its path, and the paths of a scene
    overlap. ``heading`` works element by element, so a path's slice of this array is
    what ``heading`` of that path's rotations gives."""
    return np.asarray(G.heading(frames.R), dtype=float).reshape(-1)


@kernel("route", charges=CHARGES_PER_FRAME)
def k_route(k: Call, f1, f2):
    frames = k.frames()
    memo = _route_memo(k.scene)
    rows, new = [], {}
    for ends in _ends(k, f1, f2):
        rows.append(ends)
        if ends not in memo and ends not in new:
            path = _path(*ends)
            new[ends] = G.route_ops(frames.position[path], _headings(frames)[path])
    # the new routes put in words together: their numbers are rounded in one call
    for ends, words in zip(new, G.route_words(list(new.values()))):
        memo[ends] = tuple(words)
    return [list(memo[ends]) for ends in rows]
