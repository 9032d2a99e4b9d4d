"""RoboTHOR: the apartment shell shared by all 75 scenes, and each scene's inner walls."""

from __future__ import annotations

import math

import numpy as np

from ..model import Scene
from .evidence import Pin, find_pins, footprints
from .planar import polygon_edges, rectangle_corners
from .thresholds import CROSS_TOL, EPS, INNER_MERGE, INNER_REACH, JOIN_GAP, SIDE_TOL


def infer_apartment(scene: Scene, lo, hi, use, shell):
    """RoboTHOR: the shared shell, its edges and the inner walls behind interior pins."""
    rect_lo, rect_hi = (np.asarray(v, dtype=float) for v in shell)
    pins = find_pins(scene, lo, hi, rect_lo, rect_hi, use)
    floor = rectangle_corners(rect_lo, rect_hi)
    inner = _inner_walls(pins, lo, hi, use, rect_lo, rect_hi)
    return floor, polygon_edges(floor) + inner, {}


def robothor_shell(scenes: list[Scene]) -> tuple[np.ndarray, np.ndarray]:
    """The apartment shell shared by the RoboTHOR scenes, from their pins.

    Each side is the median wall coordinate of the pins within SIDE_TOL of the
    union of all footprint rectangles on that side (the outer walls).
    """
    lows, highs = [], []
    for scene in scenes:
        lo, hi = footprints(scene)
        lows.append(lo.min(axis=0))
        highs.append(hi.max(axis=0))
    u_lo, u_hi = np.median(lows, axis=0), np.median(highs, axis=0)
    walls = {(a, side): [] for a in (0, 1) for side in (False, True)}
    for scene in scenes:
        lo, hi = footprints(scene)
        use = np.ones(scene.n, dtype=bool)
        for p in find_pins(scene, lo, hi, u_lo, u_hi, use):
            edge = u_hi[p.axis] if p.back_high else u_lo[p.axis]
            if abs(p.wall - edge) <= SIDE_TOL:
                walls[(p.axis, p.back_high)].append(p.wall)
    shell_lo, shell_hi = u_lo.astype(float).copy(), u_hi.astype(float).copy()
    for (a, high), values in walls.items():
        if values:
            (shell_hi if high else shell_lo)[a] = float(np.median(values))
    return shell_lo, shell_hi


def _inner_walls(pins, lo, hi, use, rect_lo, rect_hi) -> list[list[float]]:
    segments = []
    for p in pins:
        edge = rect_hi[p.axis] if p.back_high else rect_lo[p.axis]
        if abs(p.wall - edge) <= SIDE_TOL:
            continue  # on the outer wall
        line = (lo[p.index, p.axis] + hi[p.index, p.axis]) / 2
        segments.append(_inner_segment(p, line, lo, hi, use, rect_lo, rect_hi))
    return _merge_segments(segments)


def _inner_segment(p: Pin, line: float, lo, hi, use, rect_lo, rect_hi):
    """(axis, line, t0, t1): the pin's span, extended along the line up to INNER_REACH until
    a footprint standing across the line stops it, and joined to the outer wall nearby.

    A footprint across the line within the pin's own span pokes through the wall (the
    wall is there: the picture hangs on it); it only keeps the wall from extending.
    """
    a, b = p.axis, 1 - p.axis
    crossing = use & (lo[:, a] < line - CROSS_TOL) & (hi[:, a] > line + CROSS_TOL)
    crossing[p.index] = False
    c_lo, c_hi = lo[crossing, b], hi[crossing, b]
    s0, s1 = p.span
    through = (c_lo < s1 - EPS) & (c_hi > s0 + EPS)
    below = c_hi[~through & (c_hi <= s0 + EPS)]
    above = c_lo[~through & (c_lo >= s1 - EPS)]
    t0 = s0 if (c_lo[through] < s0).any() else max(
        s0 - INNER_REACH, float(below.max()) if len(below) else -math.inf)
    t1 = s1 if (c_hi[through] > s1).any() else min(
        s1 + INNER_REACH, float(above.min()) if len(above) else math.inf)
    t0, t1 = max(t0, float(rect_lo[b])), min(t1, float(rect_hi[b]))
    if t0 - rect_lo[b] < JOIN_GAP and not (c_hi[c_hi <= t0 + EPS] > rect_lo[b]).any():
        t0 = float(rect_lo[b])
    if rect_hi[b] - t1 < JOIN_GAP and not (c_lo[c_lo >= t1 - EPS] < rect_hi[b]).any():
        t1 = float(rect_hi[b])
    return (a, float(line), t0, t1)


def _merge_segments(segments) -> list[list[float]]:
    """Overlapping segments within INNER_MERGE of one line become one, on their mean line."""
    groups: list[list[tuple]] = []
    for seg in sorted(segments):
        g = next((g for g in groups if g[0][0] == seg[0] and abs(g[0][1] - seg[1]) <= INNER_MERGE
                  and seg[2] <= max(s[3] for s in g) and seg[3] >= min(s[2] for s in g)), None)
        if g is None:
            groups.append([seg])
        else:
            g.append(seg)
    out = [(g[0][0], float(np.mean([s[1] for s in g])), min(s[2] for s in g),
            max(s[3] for s in g)) for g in groups]
    return [[line, t0, line, t1] if a == 0 else [t0, line, t1, line] for a, line, t0, t1 in out]
