"""One iTHOR room: the pinned rectangle minus the cuts behind interior pins (steps 3-5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Scene, normalise_name
from .evidence import Pin, find_pins
from .planar import rectangle_corners, rectangle_minus
from .thresholds import EPS, HANG_TOL, MIN_SIDE, PARTITIONS, SIDE_TOL, WINDOW


def infer_single_room(scene: Scene, lo, hi, use, floors):
    """iTHOR: the pinned rectangle minus the cuts behind interior pins; walls = its edges."""
    rect_lo, rect_hi = _object_rectangle(lo, hi, use, scene)
    pins = find_pins(scene, lo, hi, rect_lo, rect_hi, use)
    rect_lo, rect_hi = _pinned_sides(pins, rect_lo, rect_hi, _floor_box(lo, hi, floors))
    if (rect_hi - rect_lo < MIN_SIDE).any():  # degenerate (a lone picture): its footprints
        mid, half = (lo[use].min(axis=0) + hi[use].max(axis=0)) / 2, (
            np.maximum(hi[use].max(axis=0) - lo[use].min(axis=0), MIN_SIDE) / 2)
        return rectangle_corners(mid - half, mid + half), None, [], {}
    partition = np.array([normalise_name(c) in PARTITIONS for c in scene.categories])
    cuts, unused = _notches(pins, lo, hi, use, partition, rect_lo, rect_hi)
    return rectangle_minus(rect_lo, rect_hi, cuts), None, cuts, unused


def _object_rectangle(lo, hi, use, scene: Scene):
    """Bounding rectangle of the footprints; a window counts only along its wall (it sits
    in the wall, so across the wall it may reach outside)."""
    window = np.array([normalise_name(c) == WINDOW for c in scene.categories]) & use
    inside = use & ~window if (use & ~window).any() else use
    r_lo, r_hi = lo[inside].min(axis=0).astype(float), hi[inside].max(axis=0).astype(float)
    for i in np.flatnonzero(window):
        along = int(np.argmax(hi[i] - lo[i]))
        r_lo[along] = min(r_lo[along], float(lo[i, along]))
        r_hi[along] = max(r_hi[along], float(hi[i, along]))
    return r_lo, r_hi


def _floor_box(lo, hi, floors):
    if not floors.any():
        return None
    return lo[floors].min(axis=0), hi[floors].max(axis=0)


def _pinned_sides(pins: list[Pin], rect_lo, rect_hi, floor_box=None):
    """Move each side to the outermost wall of the pins within SIDE_TOL of it or beyond it
    (a window with no furniture near it moves the side out). A side no pin decides ends
    at the floor box if that is nearer: what reaches past it pokes through the wall."""
    new_lo, new_hi = rect_lo.copy(), rect_hi.copy()
    if floor_box is not None:
        new_lo, new_hi = np.maximum(new_lo, floor_box[0]), np.minimum(new_hi, floor_box[1])
    for axis in (0, 1):
        highs = [p.wall for p in pins if p.axis == axis and p.back_high
                 and p.wall >= rect_hi[axis] - SIDE_TOL]
        lows = [p.wall for p in pins if p.axis == axis and not p.back_high
                and p.wall <= rect_lo[axis] + SIDE_TOL]
        if highs:
            new_hi[axis] = max(highs)
        if lows:
            new_lo[axis] = min(lows)
    return new_lo, new_hi


@dataclass(frozen=True)
class Cut:
    lo: tuple[float, float]
    hi: tuple[float, float]
    pin: int


def _notches(pins, lo, hi, use, partition, rect_lo, rect_hi) -> tuple[list[Cut], dict[int, str]]:
    cuts, unused = [], {}
    for p in pins:
        depth = (rect_hi[p.axis] - p.back) if p.back_high else (p.back - rect_lo[p.axis])
        if depth <= SIDE_TOL:
            continue  # on (or beyond) a side: it decided that side
        cut = _cut_behind(p, lo, hi, use, partition, rect_lo, rect_hi)
        if isinstance(cut, Cut):
            cuts.append(cut)
        else:
            unused[p.index] = cut
    return cuts, unused


def _cut_behind(p: Pin, lo, hi, use, partition, rect_lo, rect_hi) -> Cut | str:
    """The strip behind a pin's wall, along the wall until a footprint stops it; or why
    there is none (the pin hangs on an object, or objects stand behind it on both sides)."""
    a, b = p.axis, 1 - p.axis
    if p.back_high:
        beyond = hi[:, a] - p.back  # how far each footprint reaches behind the wall
        across = (p.back, float(rect_hi[a]))
    else:
        beyond = p.back - lo[:, a]
        across = (float(rect_lo[a]), p.back)
    s0, s1 = p.span
    others = use.copy()
    others[p.index] = False
    along = others & (lo[:, b] < s1 - EPS) & (hi[:, b] > s0 + EPS)
    behind = along & (beyond > HANG_TOL)
    gap = (lo[:, a] - p.back) if p.back_high else (p.back - hi[:, a])  # from its back face
    # It hangs on an object right behind it, or on a pane of glass at its back.
    hangs = (behind & (gap <= HANG_TOL)) | (along & partition & (beyond > -HANG_TOL)
                                             & (gap <= HANG_TOL))
    if hangs.any():
        return f"hangs on {int(np.flatnonzero(hangs)[0])}"
    if behind.any():  # on a partition with more room behind it (FloorPlan204's dining room)
        return f"stands in front of {int(np.flatnonzero(behind)[0])}"
    blockers = others & (beyond > SIDE_TOL)
    b_lo, b_hi = lo[blockers, b], hi[blockers, b]
    below = b_hi[b_hi <= s0 + EPS]
    above = b_lo[b_lo >= s1 - EPS]
    t0 = float(below.max()) if len(below) else float(rect_lo[b])
    t1 = float(above.min()) if len(above) else float(rect_hi[b])
    if t0 > rect_lo[b] + EPS and t1 < rect_hi[b] - EPS:
        return "objects stand behind it on both sides"  # a partition or a pillar
    c_lo, c_hi = [0.0, 0.0], [0.0, 0.0]
    c_lo[a], c_hi[a] = across
    c_lo[b], c_hi[b] = max(t0, float(rect_lo[b])), min(t1, float(rect_hi[b]))
    return Cut(tuple(c_lo), tuple(c_hi), p.index)
