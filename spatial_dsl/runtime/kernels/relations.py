"""Kernels of the metric relations between objects and points (distance, gap, above, on,
inside, near, between...) and of directions around a point (bearing, direction, clock).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from spatial_dsl.lang import types as T
from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime import geometry as G
from spatial_dsl.runtime.values import stack_elements
from spatial_dsl.scenes.model import SUPPORT_NOT_RECORDED, SUPPORT_ON, Scene
from spatial_dsl.tolerances import SUPPORT_MIN_RISE, SUPPORT_MIN_SHARE, SUPPORT_TOLERANCE

from .call import DEGENERATE, Call, _rows, _volume, _z_range, box_of, kernel, point_of

# ------------------------------------------------------------ metric relations


@kernel("distance")
def k_distance(k: Call, a, b):
    return np.linalg.norm(point_of(k.scene, a) - point_of(k.scene, b), axis=-1)


@kernel("horizontal_distance")
def k_horizontal_distance(k: Call, a, b):
    d = point_of(k.scene, a) - point_of(k.scene, b)
    return np.hypot(d[..., 0], d[..., 1])


GAP_MEMO_MAX_OBJECTS = 2048  # an N x N memo of 8-byte floats: at most 32 MiB per scene


@lru_cache(maxsize=64)
def _gap_memo(scene: Scene) -> np.ndarray:
    """Gaps between object pairs already computed for this scene (NaN: not yet).

    Templates and checks ask for the same pairs again and again, and the exact gap of a
    tilted pair (GJK) is the costliest kernel; it is computed once per pair and scene."""
    return np.full((scene.n, scene.n), np.nan)


def _box_gap(scene: Scene, a, b) -> np.ndarray:
    c1, R1, s1, u1 = box_of(scene, a)
    c2, R2, s2, u2 = box_of(scene, b)
    return np.asarray(G.box_gap(c1, R1, s1, c2, R2, s2, u1, u2), dtype=float).reshape(-1)


def _each_pair_once(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (a, b) object pairs, ordered by (a, b), as two arrays: what the memos
    below decide for the pairs they miss. One integer key per pair is far cheaper to make
    unique than rows of two."""
    return np.divmod(np.unique(a * np.int64(n) + b), n)


@kernel("gap")
def k_gap(k: Call, a, b):
    if a.ndim != 1 or b.ndim != 1 or k.scene.n > GAP_MEMO_MAX_OBJECTS:
        return _box_gap(k.scene, a, b)
    a, b = _pair(a, b)
    memo = _gap_memo(k.scene)
    missing = np.isnan(memo[a, b])
    if missing.any():
        first, second = _each_pair_once(a[missing], b[missing], k.scene.n)
        gaps = _box_gap(k.scene, first, second)
        memo[first, second] = gaps
        memo[second, first] = gaps
    return memo[a, b]


@kernel("higher")
def k_higher(k: Call, a, b):
    return point_of(k.scene, a)[..., 2] > point_of(k.scene, b)[..., 2]


def _pair(a, b):
    """Both arguments broadcast to the same number of rows (Object indices or Vec3s)."""
    size = _rows(a, b)
    return (np.broadcast_to(a, (size,) + a.shape[1:]), np.broadcast_to(b, (size,) + b.shape[1:]))


@lru_cache(maxsize=64)
def _answer_memos(scene: Scene) -> dict[str, np.ndarray]:
    """Per relation, the answers already worked out for object pairs of this scene: an
    N x N table, -1 where not yet (0 false, 1 true). Like ``_gap_memo``: the templates
    ask `above(a, b)` for the same pairs in one `where` after another and again in the
    answers; each pair is decided once per scene (a jittered copy or a stack of them is
    a scene of its own, with its own tables)."""
    return {}


def _memoized(scene: Scene, relation: str, decide, a, b) -> np.ndarray:
    """``decide(scene, a, b)`` (a relation whose answer for a pair of objects depends on
    that pair only) through the scene's table for ``relation``; Vec3 arguments and
    scenes too large for a table are decided directly."""
    n = scene.n
    if a.ndim != 1 or b.ndim != 1 or n > GAP_MEMO_MAX_OBJECTS:
        return decide(scene, a, b)
    a, b = _pair(a, b)  # one object against many, as the rules broadcast it
    tables = _answer_memos(scene)
    table = tables.get(relation)
    if table is None:
        table = tables[relation] = np.full((n, n), -1, dtype=np.int8)
    known = table[a, b]
    missing = known < 0
    if missing.any():
        first, second = _each_pair_once(a[missing], b[missing], n)
        table[first, second] = decide(scene, first, second)
        known = table[a, b]
    return known == 1


def above(scene: Scene, a, b):
    """`above` (language.md §5): level, centre over the top, footprints overlapping."""
    a, b = _pair(a, b)
    return _memoized(scene, "above", _decide_above, a, b)


def _decide_above(scene: Scene, a, b):
    bottom_a, _ = _z_range(scene, a)
    _, top_b = _z_range(scene, b)
    out = ((bottom_a >= top_b - SUPPORT_TOLERANCE) & (point_of(scene, a)[..., 2] > top_b)
           & ~_same_object(a, b))
    rows = np.flatnonzero(out)  # the separating-axis test only where the heights allow it
    if len(rows):
        c1, R1, s1, _ = box_of(scene, a[rows])
        c2, R2, s2, _ = box_of(scene, b[rows])
        out[rows] = np.asarray(G.footprints_overlap(c1, R1, s1, c2, R2, s2)).reshape(-1)
    return out


@kernel("above")
def k_above(k: Call, a, b):
    return above(k.scene, a, b)


@kernel("below")
def k_below(k: Call, a, b):
    return above(k.scene, b, a)


@kernel("on")
def k_on(k: Call, a, b):
    """`on` (language.md §5 v0.2, with the scene's `support` record, docs/reference.md
    "Decisions"): never `a` itself; a fixture rests on nothing; a recorded parent is
    the only support, unless the object is in it; otherwise the geometric rule, and
    containment is not support."""
    scene = k.scene
    a, b = _pair(a, b)
    rows = a.shape[0]
    objects = a.ndim == 1
    parent = scene.parent[a] if objects else np.full(rows, -1)
    support = scene.support[a] if objects else np.full(rows, SUPPORT_NOT_RECORDED)
    inside = k_inside(k, a, b)
    held = (parent == b) if b.ndim == 1 else np.zeros(rows, dtype=bool)
    held &= (support == SUPPORT_ON) | ((support == SUPPORT_NOT_RECORDED) & ~inside)
    geometric = np.zeros(rows, dtype=bool)
    free = np.flatnonzero((parent < 0) & (support == SUPPORT_NOT_RECORDED) & ~inside)
    if len(free):
        geometric[free] = rests_on(scene, a[free], b[free])
    return np.where(parent >= 0, held, geometric)


def rests_on(scene: Scene, a, b):
    """The geometric rule of `on`: `above`, bottom within the contact band of b's top,
    top clear of it, and at least half of a's footprint over b's."""
    return _memoized(scene, "rests_on", _decide_rests_on, a, b)


def _decide_rests_on(scene: Scene, a, b):
    bottom_a, top_a = _z_range(scene, a)
    _, top_b = _z_range(scene, b)
    near = ((np.abs(bottom_a - top_b) <= SUPPORT_TOLERANCE)
            & (top_a > top_b + SUPPORT_MIN_RISE))
    out = near & above(scene, a, b)
    rows = np.flatnonzero(out)  # the clipping only where everything else holds
    if len(rows):
        c1, R1, s1, _ = box_of(scene, a[rows])
        c2, R2, s2, _ = box_of(scene, b[rows])
        share = np.asarray(G.footprint_overlap_area(c1, R1, s1, c2, R2, s2)).reshape(-1)
        whole = np.asarray(G.footprint_area(c1, R1, s1)).reshape(-1)
        out[rows] = share >= SUPPORT_MIN_SHARE * whole - G.AREA_SLACK
    return out


@kernel("inside")
def k_inside(k: Call, a, b):
    a, b = _pair(a, b)
    out = _box_holds(k.scene, a, b)
    rests = _resting_rows(k.scene, a, b)
    if len(rests):  # containment passes through the support: a mug on a shelf in a cabinet
        support = k.scene.parent[a[rests]]
        out[rests] &= (support != b[rests]) & _box_holds(k.scene, support, b[rests])
    return out


def _box_holds(scene: Scene, a, b) -> np.ndarray:
    """The geometric `inside`: a's centre in b's box and a smaller than b."""
    return _memoized(scene, "holds", _decide_box_holds, a, b)


def _decide_box_holds(scene: Scene, a, b) -> np.ndarray:
    c2, R2, s2, _ = box_of(scene, b)
    within = np.asarray(G.point_in_box(point_of(scene, a), c2, R2, s2)).reshape(-1)
    return within & (_volume(scene, a) < _volume(scene, b))


def _resting_rows(scene: Scene, a, b) -> np.ndarray:
    """Rows whose object `a` is recorded resting on a parent (against object `b`)."""
    if a.ndim != 1 or b.ndim != 1:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((scene.parent[a] >= 0) & (scene.support[a] == SUPPORT_ON))


def _same_object(a, b):
    if a.ndim == 1 and b.ndim == 1:
        return a == b
    return np.zeros(_rows(a, b), dtype=bool)


def reject_negative(k: Call, value, name: str) -> None:
    """A negative threshold (`within=-1m`, `margin=-5deg`) means nothing: `Degenerate`."""
    bad = np.broadcast_to(np.asarray(value, dtype=float).reshape(-1) < 0, (k.size,))
    k.reject(bad, RejectionKind.DEGENERATE, negative_message(name))


def negative_message(name: str) -> str:
    return f"`{name}` is negative; it must be 0 or more"


@kernel("near")
def k_near(k: Call, a, b, within):
    reject_negative(k, within, "within")
    return (k_gap(k, a, b) <= within) & ~_same_object(a, b)


@kernel("between")
def k_between(k: Call, x, a, b, within):
    reject_negative(k, within, "within")
    px, pa, pb = (point_of(k.scene, v) for v in (x, a, b))
    ab = pb - pa
    length2 = np.sum(ab * ab, axis=-1)
    degenerate = length2 < DEGENERATE**2
    k.reject(degenerate, RejectionKind.DEGENERATE, "the two ends of `between` coincide")
    t = np.sum((px - pa) * ab, axis=-1) / np.where(degenerate, 1.0, length2)
    h = ab[..., :2]
    cross = h[..., 0] * (px - pa)[..., 1] - h[..., 1] * (px - pa)[..., 0]
    hlen = np.hypot(h[..., 0], h[..., 1])
    offset = np.where(hlen > 0, np.abs(cross) / np.where(hlen > 0, hlen, 1.0),
                      np.hypot(*(px - pa)[..., :2].T))
    return (t > 0) & (t < 1) & (offset <= within)


# ------------------------------------------------------------------ directions


def _bearing(k: Call, at, facing, target):
    b, degenerate = G.bearing(*(point_of(k.scene, v) for v in (at, facing, target)))
    degenerate = np.asarray(degenerate).reshape(-1)
    k.reject(degenerate, RejectionKind.DEGENERATE, "a direction is undefined: two points coincide")
    return np.asarray(b, dtype=float).reshape(-1)


def _sector(k: Call, bearing, sectors, margin):
    reject_negative(k, margin, "margin")
    labels, borderline = G.sector(bearing, int(np.asarray(sectors).reshape(-1)[0]),
                                  np.asarray(margin, dtype=float).reshape(-1))
    k.reject(np.asarray(borderline).reshape(-1), RejectionKind.BORDERLINE,
             "the direction is on (or within the margin of) a sector boundary")
    return stack_elements(T.STR, list(np.asarray(labels).reshape(-1)))


@kernel("bearing")
def k_bearing(k: Call, at, facing, target):
    return _bearing(k, at, facing, target)


@kernel("direction")
def k_direction(k: Call, at, facing, target, sectors, margin):
    return _sector(k, _bearing(k, at, facing, target), sectors, margin)


@kernel("clock")
def k_clock(k: Call, at, facing, target):
    return np.asarray(G.clock(_bearing(k, at, facing, target)), dtype=np.int64).reshape(-1)
