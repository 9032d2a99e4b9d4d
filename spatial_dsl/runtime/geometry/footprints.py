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
    batch, (c1, R1, s1, c2, R2, s2) = _broadcast_boxes(c1, R1, s1, c2, R2, s2)
    g1 = [(s1[:, k] * R1[:, 0, k], s1[:, k] * R1[:, 1, k]) for k in range(3)]
    g2 = [(s2[:, k] * R2[:, 0, k], s2[:, k] * R2[:, 1, k]) for k in range(3)]
    ok = (_zonotope_area(g1) > 1e-12) & (_zonotope_area(g2) > 1e-12)
    for gx, gy in g1 + g2:
        length = np.hypot(gx, gy)
        real = length > 1e-12  # a vertical or zero edge gives no axis
        nx, ny = -gy / np.where(real, length, 1.0), gx / np.where(real, length, 1.0)
        w1, w2 = _zonotope_radius(g1, nx, ny), _zonotope_radius(g2, nx, ny)
        p1, p2 = c1[:, 0] * nx + c1[:, 1] * ny, c2[:, 0] * nx + c2[:, 1] * ny
        overlap = np.minimum(p1 + w1, p2 + w2) - np.maximum(p1 - w1, p2 - w2)
        ok &= (overlap > OVERLAP_TOL) | ~real
    # Overlapping on every axis can still be a sliver (two corners crossing): "positive
    # area" means more than FOOTPRINT_MIN_AREA, measured where the axes let it through.
    rows = np.flatnonzero(ok)
    if len(rows):
        area = footprint_overlap_area(c1[rows], R1[rows], s1[rows], c2[rows], R2[rows],
                                      s2[rows])
        ok[rows] = np.asarray(area).reshape(-1) > FOOTPRINT_MIN_AREA
    return _out(ok.reshape(batch))


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


def _zonotope_radius(g, nx, ny):
    """Half width, along unit n, of the Minkowski sum of the segments g_k."""
    return 0.5 * sum(np.abs(gx * nx + gy * ny) for gx, gy in g)


def _zonotope_area(g):
    """Area of the Minkowski sum of the three segments g_k: sum |g_i x g_j|."""
    def cross(i, j):
        return np.abs(g[i][0] * g[j][1] - g[i][1] * g[j][0])
    return cross(0, 1) + cross(0, 2) + cross(1, 2)
