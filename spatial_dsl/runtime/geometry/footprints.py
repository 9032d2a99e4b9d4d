"""Footprints (x-y projections of boxes, zonotopes): whether two overlap with positive
area, a footprint's area and the area two footprints share (`above`, `on`).
"""

from __future__ import annotations

import numpy as np

from .angles import _out
from .boxes import _broadcast_boxes

# footprints_overlap: the projections must overlap by more than this on every
# separating-axis candidate, so boxes that merely touch do not overlap.
OVERLAP_TOL = 1e-9
# Areas (m²) closer than this are equal: `on`'s "at least half of the footprint" counts an
# exact half as half whatever the rounding of the clipping.
AREA_SLACK = 1e-12
# footprints_overlap: "overlap with positive area" means more than this (m²; 0.1 mm²), so a
# sliver where two corners cross (4e-11 m²) is touching, not overlapping.
FOOTPRINT_MIN_AREA = 1e-10
# ---- footprints


def footprints_overlap(c1, R1, s1, c2, R2, s2):
    """True where the x-y footprints overlap with positive area (`above`).

    A box's footprint is the x-y projection of the solid box, i.e. the convex
    hull of its 8 projected corners: the zonotope spanned by the projected
    edge vectors g_k = s_k * R[:2, k] (a rectangle for an upright box, at most
    a hexagon otherwise).  Its edges are parallel to the g_k, so the 2-D
    separating-axis test needs only the normals of the (up to 6) nonzero g_k.
    Interiors intersect iff the projections overlap by more than OVERLAP_TOL on
    every such axis; touching edges or corners do not count.  A footprint of
    zero area (e.g. a vertical sheet) overlaps nothing.
    """
    batch, boxes = _broadcast_boxes(c1, R1, s1, c2, R2, s2)
    return _out(_overlapping(*boxes).reshape(batch))


def _overlapping(c1, R1, s1, c2, R2, s2, shortcut: bool = True) -> np.ndarray:
    """``footprints_overlap`` of a flat batch.  ``shortcut=False`` measures every pair the
    axes let through by clipping (the tests compare the two)."""
    g1, g2 = _generator_arrays(R1, s1), _generator_arrays(R2, s2)
    ok = (_zonotope_area(_columns(g1)) > 1e-12) & (_zonotope_area(_columns(g2)) > 1e-12)
    axes = _Axes(c1, g1, c2, g2)
    ok &= ((axes.overlap > OVERLAP_TOL) | ~axes.real).all(axis=1)
    # Overlapping on every axis can still be a sliver (two corners crossing): "positive
    # area" means more than FOOTPRINT_MIN_AREA, measured where the axes let it through,
    # unless a disc of that much area surely fits in both footprints.
    rows = np.flatnonzero(ok)
    if shortcut and len(rows):
        rows = rows[~_surely_overlapping(axes, rows, c1, g1, c2, g2)]
    if len(rows):
        area = footprint_overlap_area(c1[rows], R1[rows], s1[rows], c2[rows], R2[rows],
                                      s2[rows])
        ok[rows] = np.asarray(area).reshape(-1) > FOOTPRINT_MIN_AREA
    return ok


def _generator_arrays(R, s):
    """The projected edge vectors g_k = s_k * R[:2, k] as (n, 3) arrays of x and y."""
    return s * R[:, 0, :], s * R[:, 1, :]


def _columns(g):
    """(n, 3) generator arrays as the list of (x, y) columns ``_generators`` gives."""
    return [(g[0][:, k], g[1][:, k]) for k in range(3)]


class _Axes:
    """The separating-axis test of two batches of footprints on the unit normals of their
    6 generators (n, 6): where each footprint's projection lies (centre ``p1``, ``p2``,
    half width ``w1``, ``w2``) and by how much the two overlap.  ``real``: the generator
    has a length, so its normal is an axis (a vertical or zero edge gives none)."""

    def __init__(self, c1, g1, c2, g2):
        gx = np.concatenate([g1[0], g2[0]], axis=1)
        gy = np.concatenate([g1[1], g2[1]], axis=1)
        length = np.hypot(gx, gy)
        self.real = length > 1e-12
        unit = np.where(self.real, length, 1.0)
        self.nx, self.ny = -gy / unit, gx / unit
        self.w1, self.w2 = self._radius(g1), self._radius(g2)
        self.p1 = c1[:, 0, None] * self.nx + c1[:, 1, None] * self.ny
        self.p2 = c2[:, 0, None] * self.nx + c2[:, 1, None] * self.ny
        self.overlap = (np.minimum(self.p1 + self.w1, self.p2 + self.w2)
                        - np.maximum(self.p1 - self.w1, self.p2 - self.w2))

    def _radius(self, g):
        """Half width of the footprint spanned by g along each axis (``_zonotope_radius``,
        the same sum in the same order)."""
        gx, gy = g
        part = [np.abs(gx[:, k, None] * self.nx + gy[:, k, None] * self.ny) for k in range(3)]
        return 0.5 * (part[0] + part[1] + part[2])


# How much larger than FOOTPRINT_MIN_AREA a disc that fits in both footprints must be for
# their overlap to count without clipping, per square metre of coordinate magnitude: the
# clipping's rounding (a shoelace sum of ~12 products of coordinates, vertices made by a
# few additions) is below 1e-13 * scale^2, so 1e-12 * scale^2 leaves a factor of 10.
_SHORTCUT_MARGIN = 1e-12


def _surely_overlapping(axes: _Axes, rows, c1, g1, c2, g2) -> np.ndarray:
    """Of the pairs ``rows`` (which pass every axis), those whose intersection holds a
    disc whose area is far beyond FOOTPRINT_MIN_AREA plus the clipping's rounding, so
    clipping would find the same answer, True.

    A point q lies at depth min over the axes of w - |q.n - p| inside a footprint (the
    axes include all its edge normals; the other footprint's normals only lower the
    minimum), so the disc of that radius around q is in both. q is tried at both
    centres and at the centre of the overlap of the two footprints' x-y extents (the
    overlap itself when both are axis-aligned rectangles).
    """
    nx, ny, real = axes.nx[rows], axes.ny[rows], axes.real[rows]
    p1, p2, w1, w2 = axes.p1[rows], axes.p2[rows], axes.w1[rows], axes.w2[rows]
    a, b = c1[rows, :2], c2[rows, :2]
    half_a = _half_extents(g1, rows)
    half_b = _half_extents(g2, rows)
    lo, hi = np.maximum(a - half_a, b - half_b), np.minimum(a + half_a, b + half_b)
    middle = 0.5 * (lo + hi)
    depth = np.full(len(rows), -np.inf)
    for q in (a, b, middle):
        along = q[:, 0, None] * nx + q[:, 1, None] * ny
        inside = np.minimum(w1 - np.abs(along - p1), w2 - np.abs(along - p2))
        depth = np.maximum(depth, np.where(real, inside, np.inf).min(axis=1))
    scale = np.maximum(np.abs(a) + half_a, np.abs(b) + half_b).max(axis=1)
    disc = 3.0 * np.maximum(depth, 0.0) ** 2  # under pi r^2
    return disc > FOOTPRINT_MIN_AREA + _SHORTCUT_MARGIN * (1.0 + scale * scale)


def _half_extents(g, rows) -> np.ndarray:
    """(n, 2) half widths of the footprints along world x and y."""
    gx, gy = g[0][rows], g[1][rows]
    return 0.5 * np.stack([np.abs(gx).sum(axis=1), np.abs(gy).sum(axis=1)], axis=1)


def footprint_area(c, R, s):
    """Area of the box's x-y footprint (the zonotope of its projected edges)."""
    batch, (c, R, s, _, _, _) = _broadcast_boxes(c, R, s, c, R, s)
    return _out(_zonotope_area(_generators(R, s)).reshape(batch))


def footprint_overlap_area(c1, R1, s1, c2, R2, s2):
    """Area of the intersection of the two boxes' x-y footprints (`on`'s support share).

    Each footprint is a convex polygon of at most 6 vertices (``_zonotope_vertices``);
    the first is clipped by the 6 edges of the second (Sutherland-Hodgman, every pair of
    the batch at once) and the result measured with the shoelace formula.
    """
    batch, (c1, R1, s1, c2, R2, s2) = _broadcast_boxes(c1, R1, s1, c2, R2, s2)
    poly = _zonotope_vertices(c1, _generators(R1, s1))
    clipper = _zonotope_vertices(c2, _generators(R2, s2))
    for j in range(clipper.shape[1]):
        poly = _clip_left_of(poly, clipper[:, j], clipper[:, (j + 1) % clipper.shape[1]])
    x, y = poly[..., 0], poly[..., 1]
    area = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))
    # a clipper of no area (a point's edges have no direction, so they cut nothing) meets
    # nothing with positive area; below AREA_SLACK its edges' cross products underflow
    # (a 1e-200 m wide sliver) and would cut nothing either
    area = np.where(_zonotope_area(_generators(R2, s2)) > AREA_SLACK, area, 0.0)
    return _out(area.reshape(batch))


def _generators(R, s):
    """The three projected edge vectors g_k = s_k * R[:2, k], shape (n, 3) twice."""
    return [(s[:, k] * R[:, 0, k], s[:, k] * R[:, 1, k]) for k in range(3)]


def _zonotope_vertices(c, g):
    """(n, 6, 2) counter-clockwise vertices of the footprint c + sum t_k g_k, |t_k| <= 1/2.

    With every g_k turned into the upper half-plane and sorted by angle, the boundary
    starts at the lowest vertex c - sum(g)/2 and adds g_1, g_2, g_3, then subtracts them
    in the same order. Zero or parallel generators give repeated vertices, which the
    clipping and the shoelace formula take in their stride.
    """
    gen = np.stack([np.stack(gk, axis=-1) for gk in g], axis=1)  # (n, 3, 2)
    flip = (gen[..., 1] < 0) | ((gen[..., 1] == 0) & (gen[..., 0] < 0))
    gen = np.where(flip[..., None], -gen, gen)
    order = np.argsort(np.arctan2(gen[..., 1], gen[..., 0]), axis=1, kind="stable")
    gen = np.take_along_axis(gen, order[..., None], axis=1)
    start = c[:, None, :2] - 0.5 * gen.sum(axis=1, keepdims=True)
    steps = np.concatenate([gen, -gen], axis=1)  # (n, 6, 2)
    return start + np.concatenate([np.zeros_like(start), np.cumsum(steps, axis=1)[:, :-1]],
                                  axis=1)


def _clip_left_of(poly, a, b):
    """The part of each convex polygon (n, V, 2) left of (or on) the line a -> b.

    Sutherland-Hodgman: every vertex inside is kept and every edge that crosses the line
    adds its crossing, in order; the kept points are moved to the front and the tail
    padded with the first one (a repeated vertex adds no area). A convex polygon is cut
    by a line at most twice, so V + 2 slots are enough.
    """
    # An edge of (almost) no length - a zero generator's repeated vertex, up to rounding
    # noise - has no direction worth trusting: it cuts nothing (else a 1e-17 m edge in a
    # random direction halves the polygon).
    real = np.hypot(b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]) > 1e-12

    def side(p):
        s = ((b[:, None, 0] - a[:, None, 0]) * (p[..., 1] - a[:, None, 1])
             - (b[:, None, 1] - a[:, None, 1]) * (p[..., 0] - a[:, None, 0]))
        return np.where(real[:, None], s, 1.0)

    nxt = np.roll(poly, -1, axis=1)
    sp, sq = side(poly), side(nxt)
    inside, crosses = sp >= 0, (sp >= 0) != (sq >= 0)
    t = sp / np.where(crosses, sp - sq, 1.0)
    crossing = poly + t[..., None] * (nxt - poly)
    points = np.stack([poly, crossing], axis=2).reshape(poly.shape[0], -1, 2)
    keep = np.stack([inside, crosses], axis=2).reshape(poly.shape[0], -1)
    order = np.argsort(~keep, axis=1, kind="stable")
    points = np.take_along_axis(points, order[..., None], axis=1)
    kept = np.take_along_axis(keep, order, axis=1)
    points = np.where(kept[..., None], points, points[:, :1])
    return points[:, : min(points.shape[1], poly.shape[1] + 2)]


def _zonotope_area(g):
    """Area of the Minkowski sum of the three segments g_k: sum |g_i x g_j|."""
    def cross(i, j):
        return np.abs(g[i][0] * g[j][1] - g[i][1] * g[j][0])
    return cross(0, 1) + cross(0, 2) + cross(1, 2)
