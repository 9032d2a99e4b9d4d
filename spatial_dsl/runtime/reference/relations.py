"""Reference builtins of the metric relations (distance, gap, above, on, inside, near,
between...) and of directions around a point (bearing, direction, clock), one pair at a
time.
"""

from __future__ import annotations

import math

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime import refgeom as RG
from spatial_dsl.runtime.kernels import negative_message
from spatial_dsl.scenes.model import SUPPORT_FIXED, SUPPORT_IN, SUPPORT_NOT_RECORDED, SUPPORT_ON
from spatial_dsl.tolerances import SUPPORT_MIN_RISE, SUPPORT_MIN_SHARE, SUPPORT_TOLERANCE

from .scene import (
    BETWEEN_DEGENERATE, Ctx, RefScene, _bottom, _box, _dot, _is_object, _point, _sub, _top, _volume,
    ref,
)

# ------------------------------------------------------------ metric relations


@ref("distance")
def r_distance(c: Ctx, a, b):
    d = _sub(_point(c.scene, a), _point(c.scene, b))
    return math.sqrt(_dot(d, d))


@ref("horizontal_distance")
def r_horizontal_distance(c: Ctx, a, b):
    d = _sub(_point(c.scene, a), _point(c.scene, b))
    return math.hypot(d[0], d[1])


@ref("gap")
def r_gap(c: Ctx, a, b):
    return RG.box_gap(*_box(c.scene, a), *_box(c.scene, b))


@ref("higher")
def r_higher(c: Ctx, a, b):
    return _point(c.scene, a)[2] > _point(c.scene, b)[2]


def _above(s: RefScene, a, b) -> bool:
    if _is_object(a) and _is_object(b) and a == b:
        return False
    if not (_bottom(s, a) >= _top(s, b) - SUPPORT_TOLERANCE and _point(s, a)[2] > _top(s, b)):
        return False
    return RG.footprints_overlap(*_box(s, a), *_box(s, b))


@ref("above")
def r_above(c: Ctx, a, b):
    return _above(c.scene, a, b)


@ref("below")
def r_below(c: Ctx, a, b):
    return _above(c.scene, b, a)


@ref("on")
def r_on(c: Ctx, a, b):
    """language.md §5 v0.2 with the scene's `support` record, clause by clause."""
    s = c.scene
    if _is_object(a) and _is_object(b) and a == b:
        return False
    support = s.support[a] if _is_object(a) else SUPPORT_NOT_RECORDED
    if support == SUPPORT_FIXED:
        return False  # a fixture rests on nothing
    if _is_object(a) and s.parent[a] >= 0:
        if not (_is_object(b) and s.parent[a] == b):
            return False  # the recorded parent is the only support
        if support == SUPPORT_IN:
            return False  # containment is not support
        return support == SUPPORT_ON or not r_inside(c, a, b)
    if r_inside(c, a, b):
        return False
    return _rests_on(s, a, b)


def _rests_on(s: RefScene, a, b) -> bool:
    if not _above(s, a, b):
        return False
    if not abs(_bottom(s, a) - _top(s, b)) <= SUPPORT_TOLERANCE:
        return False
    if not _top(s, a) > _top(s, b) + SUPPORT_MIN_RISE:
        return False
    over = RG.footprint_intersection_area(*_box(s, a), *_box(s, b))
    whole = RG.footprint_area(*_box(s, a))
    return over >= SUPPORT_MIN_SHARE * whole - RG.AREA_SLACK


@ref("inside")
def r_inside(c: Ctx, a, b):
    s = c.scene
    if _is_object(a) and _is_object(b) and s.parent[a] >= 0 and s.support[a] == SUPPORT_ON:
        support = s.parent[a]  # resting on it: inside only what holds its support
        return support != b and _box_holds(s, support, b) and _box_holds(s, a, b)
    return _box_holds(s, a, b)


def _box_holds(s: RefScene, a, b) -> bool:
    return RG.point_in_box(_point(s, a), *_box(s, b)) and _volume(s, a) < _volume(s, b)


@ref("near")
def r_near(c: Ctx, a, b, within):
    _non_negative(c, within, "within")
    same = _is_object(a) and _is_object(b) and a == b
    return r_gap(c, a, b) <= within and not same


@ref("between")
def r_between(c: Ctx, x, a, b, within):
    _non_negative(c, within, "within")
    px, pa, pb = (_point(c.scene, v) for v in (x, a, b))
    ab, ax = _sub(pb, pa), _sub(px, pa)
    length2 = _dot(ab, ab)
    if length2 < BETWEEN_DEGENERATE ** 2:
        c.reject(RejectionKind.DEGENERATE, "the two ends of `between` coincide")
    t = _dot(ax, ab) / length2
    hlen = math.hypot(ab[0], ab[1])
    if hlen > 0:
        offset = abs(ab[0] * ax[1] - ab[1] * ax[0]) / hlen
    else:  # a vertical line: the horizontal distance to it is to its foot
        offset = math.hypot(ax[0], ax[1])
    return 0 < t < 1 and offset <= within


# ------------------------------------------------------------------ directions


def _bearing(c: Ctx, at, facing, target) -> float:
    s = c.scene
    b, degenerate = RG.bearing(_point(s, at), _point(s, facing), _point(s, target))
    if degenerate:
        c.reject(RejectionKind.DEGENERATE, "a direction is undefined: two points coincide")
    return b


def _non_negative(c: Ctx, value: float, name: str) -> None:
    if value < 0:
        c.reject(RejectionKind.DEGENERATE, negative_message(name))


def _sector(c: Ctx, b: float, sectors: int, margin: float) -> str:
    _non_negative(c, margin, "margin")
    label, borderline = RG.sector(b, sectors, margin)
    if borderline:
        c.reject(RejectionKind.BORDERLINE,
                 "the direction is on (or within the margin of) a sector boundary")
    return label


@ref("bearing")
def r_bearing(c: Ctx, at, facing, target):
    return _bearing(c, at, facing, target)


@ref("direction")
def r_direction(c: Ctx, at, facing, target, sectors, margin):
    return _sector(c, _bearing(c, at, facing, target), sectors, margin)


@ref("clock")
def r_clock(c: Ctx, at, facing, target):
    return RG.clock(_bearing(c, at, facing, target))
