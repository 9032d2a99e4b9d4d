"""Reference builtins that read the camera frames: camera-relative views, visibility over
time (visible, seen, first_seen, appearance_order...) and camera motion (turn, move,
travel, route).
"""

from __future__ import annotations

import math

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime import refgeom as RG

from .relations import _sector
from .scene import Ctx, _box, _dot, _members, _point, _sub, ref

# ---------------------------------------------------------------- camera views


def _camera(c: Ctx, p, f: int):
    c.need_frames()
    s = c.scene
    return RG.to_camera(_point(s, p), s.frame_position[f], s.frame_R[f])


@ref("to_camera")
def r_to_camera(c: Ctx, p, f):
    return tuple(_camera(c, p, f))


@ref("depth")
def r_depth(c: Ctx, o, f):
    return _camera(c, o, f)[2]


@ref("camera_distance")
def r_camera_distance(c: Ctx, o, f):
    c.need_frames()
    d = _sub(_point(c.scene, o), c.scene.frame_position[f])
    return math.sqrt(_dot(d, d))


@ref("camera_gap")
def r_camera_gap(c: Ctx, o, f):
    c.need_frames()
    return RG.point_box_distance(c.scene.frame_position[f], *_box(c.scene, o))


@ref("view_bearing")
def r_view_bearing(c: Ctx, o, f):
    return RG.view_bearing(_camera(c, o, f))


@ref("view_direction")
def r_view_direction(c: Ctx, o, f, sectors, margin):
    return _sector(c, r_view_bearing(c, o, f), sectors, margin)


@ref("left_of")
def r_left_of(c: Ctx, a, b, f):
    return _camera(c, a, f)[0] < _camera(c, b, f)[0]


@ref("right_of")
def r_right_of(c: Ctx, a, b, f):
    return _camera(c, a, f)[0] > _camera(c, b, f)[0]


@ref("closer")
def r_closer(c: Ctx, a, b, f):
    return _camera(c, a, f)[2] < _camera(c, b, f)[2]


# --------------------------------------------------------- visibility and time


@ref("visible")
def r_visible(c: Ctx, o, f):
    c.need_frames()
    return o in c.scene.visible[f]


@ref("visibility")
def r_visibility(c: Ctx, o, f):
    c.need_frames()
    return float(c.scene.fractions[f].get(o, 0.0))


@ref("screen_size")
def r_screen_size(c: Ctx, o, f):
    c.need_frames()
    return c.scene.screen_size(o, f)


@ref("clearly_visible")
def r_clearly_visible(c: Ctx, o, f):
    c.need_frames()
    return c.scene.clearly_visible(o, f)


@ref("clearly_seen")
def r_clearly_seen(c: Ctx, o):
    c.need_frames()
    return any(c.scene.clearly_visible(o, f) for f in range(c.scene.frame_count))


@ref("in_view")
def r_in_view(c: Ctx, f):
    c.need_frames()
    return frozenset(o for o in range(c.scene.n) if o in c.scene.visible[f])


@ref("seen")
def r_seen(c: Ctx, o):
    c.need_frames()
    return bool(c.scene.seen_frames(o))


def _seen_index(c: Ctx, o: int, which: int) -> int:
    c.need_frames()
    rows = c.scene.seen_frames(o)
    if not rows:
        c.reject(RejectionKind.NOT_SEEN, f"{c.scene.labels[o]} is never seen")
    return c.scene.frame_index[rows[which]]


@ref("first_seen")
def r_first_seen(c: Ctx, o):
    return _seen_index(c, o, 0)


@ref("first_clearly_seen")
def r_first_clearly_seen(c: Ctx, o):
    c.need_frames()
    s = c.scene
    for f in range(s.frame_count):
        if s.clearly_visible(o, f):
            return s.frame_index[f]
    c.reject(RejectionKind.NOT_SEEN, f"{s.labels[o]} is never clearly seen")


@ref("last_seen")
def r_last_seen(c: Ctx, o):
    return _seen_index(c, o, -1)


@ref("co_visible")
def r_co_visible(c: Ctx, a, b):
    c.need_frames()
    s = c.scene
    return any(a in s.visible[f] and b in s.visible[f] for f in range(s.frame_count))


@ref("appearance_order")
def r_appearance_order(c: Ctx, xs):
    c.need_frames()
    members = list(xs) if isinstance(xs, list) else _members(xs)
    firsts = []
    for o in members:
        rows = c.scene.seen_frames(o)
        if not rows:
            c.reject(RejectionKind.NOT_SEEN, f"{c.scene.labels[o]} is never seen")
        firsts.append(c.scene.frame_index[rows[0]])
    if len(set(firsts)) < len(firsts):
        c.reject(RejectionKind.BORDERLINE, "two objects first appear in the same frame")
    return [o for _, o in sorted(zip(firsts, members), key=lambda pair: pair[0])]


# --------------------------------------------------------------- camera motion


def _path(f1: int, f2: int) -> list[int]:
    return list(range(f1, f2 + 1)) if f2 >= f1 else list(range(f1, f2 - 1, -1))


@ref("turn")
def r_turn(c: Ctx, f1, f2):
    c.need_frames()
    return RG.turn(c.scene.frame_R[f1], c.scene.frame_R[f2])


@ref("move")
def r_move(c: Ctx, f1, f2):
    c.need_frames()
    s = c.scene
    return tuple(RG.move(s.frame_position[f1], s.frame_R[f1], s.frame_position[f2]))


@ref("travel")
def r_travel(c: Ctx, f1, f2):
    c.need_frames()
    return float(RG.travel([c.scene.frame_position[f] for f in _path(f1, f2)]))


@ref("route")
def r_route(c: Ctx, f1, f2):
    c.need_frames()
    s = c.scene
    path = _path(f1, f2)
    return RG.route([s.frame_position[f] for f in path], [RG.heading(s.frame_R[f]) for f in path])
