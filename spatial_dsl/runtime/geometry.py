"""Vectorized geometry kernels behind the spatial builtins (language.md §4-5).

Conventions (scenes.md): world frame right-handed, z up, metres; user-facing
angles in degrees.  A box is ``center (...,3)``, ``R (...,3,3)`` whose COLUMNS
are the box's local x, y, z axes in world, and ``size (...,3)`` full extents.
A camera is ``position (...,3)`` and ``R (...,3,3)`` whose columns are the
OpenCV camera axes (x right, y down, z forward) in world.

Every function broadcasts over leading dimensions, so the runtime can evaluate
``gap(batch of k boxes, one box)`` as one call.  Results are numpy arrays of
the broadcast batch shape; a call on a single element returns a numpy scalar.

``refgeom.py`` holds naive per-element versions used as the test oracle; where
the exact meaning of a builtin is decided here (tolerances, labels on sector
boundaries, rounding), the same decision is written there.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

# Gaps below this are roundoff between touching boxes and are reported as 0,
# so `gap(a, b) > 0m` is false for boxes that touch (spec: exact to 1 mm).
GAP_SNAP = 1e-6
# point_in_box tolerance (inclusive boundary).
INSIDE_TOL = 1e-9
# footprints_overlap: the projections must overlap by more than this on every
# separating-axis candidate, so boxes that merely touch do not overlap.
OVERLAP_TOL = 1e-9
# Areas (m²) closer than this are equal: `on`'s "at least half of the footprint" counts an
# exact half as half whatever the rounding of the clipping.
AREA_SLACK = 1e-12
# footprints_overlap: "overlap with positive area" means more than this (m²; 0.1 mm²), so a
# sliver where two corners cross (4e-11 m²) is touching, not overlapping.
FOOTPRINT_MIN_AREA = 1e-10
# bearing: a horizontal vector shorter than 1 mm has no direction (Degenerate); route: a
# horizontal step shorter than ROUTE_MIN_STEP is "not moving" (the spec's numbers).
from ..tolerances import DEGENERATE_LENGTH as DEGENERATE_LEN  # noqa: E402
from ..tolerances import ROUTE_MIN_STEP, ROUTE_MIN_TURN  # noqa: E402,F401
ROUTE_REVERSAL_TOL = 1e-9  # degrees


def _out(x):
    """0-d results become numpy scalars; arrays stay arrays."""
    return x[()] if isinstance(x, np.ndarray) else x


# --------------------------------------------------------------------------
# Angles and rounding


def wrap_deg(x):
    """Wrap degrees to (-180, 180].  fmod is exact, so values already in range
    come back unchanged (bit for bit)."""
    y = np.fmod(np.asarray(x, dtype=float), 360.0)
    y = np.where(y > 180.0, y - 360.0, y)
    return _out(np.where(y <= -180.0, y + 360.0, y))


def round_half_away(x, n: int = 0):
    """Round to ``n`` decimals, halves away from zero (language.md `round`).

    The decision is made on the exact binary value of ``x`` (as Python's
    ``round`` and ``Decimal`` do): ``2.675`` is stored as 2.67499999... and
    rounds to 2.67.  Scaling by 10**n can blur a near-half case, so those few
    elements are re-decided exactly with ``Decimal``.
    """
    a = np.asarray(x, dtype=float)
    scale = 10.0 ** abs(n)
    y = np.abs(a) * scale if n >= 0 else np.abs(a) / scale
    whole = np.floor(y)
    frac = y - whole
    r = whole + (frac >= 0.5)
    out = r / scale if n >= 0 else r * scale
    out = np.copysign(out, a) + 0.0  # + 0.0 turns -0.0 into 0.0
    if n != 0:  # with n == 0 the scaling is exact and so is frac
        near = np.flatnonzero(np.isfinite(a) & (np.abs(frac - 0.5) < 1e-6))
        if near.size:
            out, flat_a = np.array(out, dtype=float).reshape(-1), a.reshape(-1)
            quantum = Decimal(1).scaleb(-n)
            for i in near:  # rare near-half elements only
                q = Decimal(float(flat_a[i])).quantize(quantum, rounding=ROUND_HALF_UP)
                out[i] = float(q) + 0.0
            out = out.reshape(a.shape)
    return _out(np.asarray(out))


def _deg_atan2(y, x):
    return wrap_deg(np.degrees(np.arctan2(y, x)))


# --------------------------------------------------------------------------
# Points and boxes


def _local(p, c, R):
    """Coordinates of p in the box frame: R^T (p - c)."""
    return np.einsum("...ji,...j->...i", R, np.asarray(p, float) - c)


def point_box_distance(p, c, R, s):
    """Distance from point p to the solid box (0 inside), broadcasting.
    Distances under GAP_SNAP are 0, as in box_gap (a point is a degenerate box)."""
    excess = np.maximum(np.abs(_local(p, c, R)) - 0.5 * np.asarray(s, float), 0.0)
    d = np.sqrt(np.sum(excess * excess, axis=-1))
    return _out(np.where(d < GAP_SNAP, 0.0, d))


def point_in_box(p, c, R, s):
    """True if p lies in the closed box (boundary included within 1e-9 m)."""
    half = 0.5 * np.asarray(s, float)
    return _out(np.all(np.abs(_local(p, c, R)) <= half + INSIDE_TOL, axis=-1))


def _z_extent(c, R, s):
    """(bottom, top): min / max z over the 8 corners."""
    hz = 0.5 * np.sum(np.abs(R[..., 2, :]) * s, axis=-1)
    return c[..., 2] - hz, c[..., 2] + hz


def _broadcast_boxes(c1, R1, s1, c2, R2, s2, *extra):
    """Broadcast two box batches (and per-pair extras) to one flat batch.
    Returns (batch_shape, [flat arrays])."""
    arrays = [np.asarray(a, float) for a in (c1, R1, s1, c2, R2, s2)]
    tails = [1, 2, 1, 1, 2, 1]
    shapes = [a.shape[: a.ndim - t] for a, t in zip(arrays, tails)]
    shapes += [np.shape(e) for e in extra]
    batch = np.broadcast_shapes(*shapes)
    n = int(np.prod(batch))
    flat = [np.broadcast_to(a, batch + a.shape[a.ndim - t :]).reshape((n,) + a.shape[a.ndim - t :])
            for a, t in zip(arrays, tails)]
    flat += [np.broadcast_to(e, batch).reshape(n) for e in extra]
    return batch, flat


# Largest horizontal part of a box's local z axis for which the 2-D prism
# distance is used: the footprint then differs from a rectangle by at most
# size_z * 1e-7 / 2 (0.5 µm for a 10 m box), far inside GAP_SNAP.
PRISM_MAX_TILT = 1e-7


def _vertical_z(R):
    """Local z axis vertical (up or down) to within PRISM_MAX_TILT."""
    return np.hypot(R[..., 0, 2], R[..., 1, 2]) <= PRISM_MAX_TILT


def box_gap(c1, R1, s1, c2, R2, s2, upright1=True, upright2=True):
    """Least distance between two solid oriented boxes, 0 if they touch or
    overlap (language.md `gap`).  Broadcasts; result float64 of the batch shape.

    A pair whose boxes both have a vertical local z axis is a pair of prisms:
    exact 2-D rectangle distance combined with the vertical gap.  Every other
    pair goes through GJK (exact for any orientation).  ``upright1/2`` (bool,
    broadcastable; the scene's `upright` column) are hints: False forces GJK,
    True still requires local z vertical to within PRISM_MAX_TILT, because a
    loose flag (|R[2,2]| > 1 - 1e-6 admits 0.08 deg of tilt) would cost up to
    ~1 mm on a tall box.  Distances under GAP_SNAP (1 µm) are 0.
    """
    batch, (c1, R1, s1, c2, R2, s2, u1, u2) = _broadcast_boxes(
        c1, R1, s1, c2, R2, s2, upright1, upright2)
    both = u1.astype(bool) & u2.astype(bool) & _vertical_z(R1) & _vertical_z(R2)
    if both.all():  # the common case: no masked copies
        gap = _prism_gap(c1, R1, s1, c2, R2, s2)
    else:
        gap = np.empty(len(c1))
        gap[both] = _prism_gap(c1[both], R1[both], s1[both], c2[both], R2[both], s2[both])
        tilt = ~both
        gap[tilt] = _gjk_distance(c1[tilt], R1[tilt], 0.5 * s1[tilt],
                                  c2[tilt], R2[tilt], 0.5 * s2[tilt])
    return _out(np.where(gap < GAP_SNAP, 0.0, gap).reshape(batch))


# ---- upright pairs: footprint rectangles + vertical interval

def _prism_gap(c1, R1, s1, c2, R2, s2):
    """Flat (m,) batch of upright pairs.  The distance between two prisms
    P1 x I1 and P2 x I2 is hypot(dist(P1, P2), dist(I1, I2)) exactly."""
    dxy = _rect_distance(_rect(c1, R1, s1), _rect(c2, R2, s2))
    b1, t1 = _z_extent(c1, R1, s1)
    b2, t2 = _z_extent(c2, R2, s2)
    dz = np.maximum(0.0, np.maximum(b1 - t2, b2 - t1))
    return np.hypot(dxy, dz)


# The 2-D work is written out on (m,) component arrays: einsum and (m,4)
# temporaries on tiny trailing axes were several times slower.


def _rect(c, R, s):
    """Footprint rectangle as (m,) columns: centre, unit axes u, v, half extents."""
    cols = (c[:, 0], c[:, 1], R[:, 0, 0], R[:, 1, 0], R[:, 0, 1], R[:, 1, 1])
    return tuple(np.ascontiguousarray(a) for a in cols) + (0.5 * s[:, 0], 0.5 * s[:, 1])


def _in_frame(r1, r2):
    """Rectangle 2 seen in rectangle 1's frame: centre t, half-axis vectors A, B."""
    ax, ay, ux, uy, vx, vy, _, _ = r1
    bx, by, px, py, qx, qy, hp, hq = r2
    dx, dy = bx - ax, by - ay
    t = (dx * ux + dy * uy, dx * vx + dy * vy)
    A = (hp * (px * ux + py * uy), hp * (px * vx + py * vy))
    B = (hq * (qx * ux + qy * uy), hq * (qx * vx + qy * vy))
    return t, A, B


def _corner_dist2(t, A, B, hu, hv):
    """Least squared distance from the corners t +- A +- B to the axis-aligned
    rectangle [-hu, hu] x [-hv, hv]."""
    best = None
    for sa in (1.0, -1.0):
        px, py = t[0] + sa * A[0], t[1] + sa * A[1]
        for sb in (1.0, -1.0):
            ex = np.maximum(np.abs(px + sb * B[0]) - hu, 0.0)
            ey = np.maximum(np.abs(py + sb * B[1]) - hv, 0.0)
            d2 = ex * ex + ey * ey
            best = d2 if best is None else np.minimum(best, d2)
    return best


def _separated(t, A, B, hu, hv):
    """Separating-axis test along rectangle 1's own two axes (in its frame)."""
    return (np.abs(t[0]) > hu + np.abs(A[0]) + np.abs(B[0])) | (
        np.abs(t[1]) > hv + np.abs(A[1]) + np.abs(B[1]))


def _rect_distance(r1, r2):
    """Distance between two oriented rectangles, 0 if they intersect.

    The separating-axis test on the 4 edge normals decides intersection.  For
    disjoint convex polygons the closest pair always includes a vertex of one
    of them, so the distance is the least corner-to-rectangle distance; each
    rectangle's corners are clamped in the other's frame.
    """
    t12, A12, B12 = _in_frame(r1, r2)
    t21, A21, B21 = _in_frame(r2, r1)
    separated = _separated(t12, A12, B12, r1[6], r1[7]) | _separated(t21, A21, B21, r2[6], r2[7])
    d2 = np.minimum(_corner_dist2(t12, A12, B12, r1[6], r1[7]),
                    _corner_dist2(t21, A21, B21, r2[6], r2[7]))
    return np.where(separated, np.sqrt(d2), 0.0)


# ---- tilted pairs: GJK on the Minkowski difference A - B

# The 15 faces of a 4-slot simplex: 4 vertices, 6 edges, 4 triangles, the tetrahedron.
_EDGES = np.array([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)])
_TRIS = np.array([(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)])
_MEMBERS = np.zeros((15, 4), dtype=bool)
_MEMBERS[np.arange(4), np.arange(4)] = True
_MEMBERS[4 + np.arange(6)[:, None], _EDGES] = True
_MEMBERS[10 + np.arange(4)[:, None], _TRIS] = True
_MEMBERS[14] = True
_TETRA = 14

GJK_TOL = 1e-9  # stop when upper and lower distance bounds differ by less (metres)
GJK_MAX_ITER = 64


# GJK works component-major: a batch of points is (3, m, ...), so the x, y, z
# planes are contiguous and a dot product is three plain multiply-adds.


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return np.stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                     a[0] * b[1] - a[1] * b[0]])


def _support(c, R, h, d):
    """Box vertex farthest along d: c + R (sign(R^T d) * h).  c, h, d (3,m); R (3,3,m)."""
    local = _dot(R, d[:, None, :])  # (3,m): R^T d
    pick = np.where(local >= 0.0, h, -h)
    return c + R[:, 0] * pick[0] + R[:, 1] * pick[1] + R[:, 2] * pick[2]


def _gjk_distance(c1, R1, h1, c2, R2, h2):
    """Distance between boxes (flat (m,) batch, half extents h) by GJK.

    The loop runs over iterations, never over pairs; pairs that have converged
    are dropped from the working set.  Each iteration keeps a simplex of up to
    4 support points of A - B in fixed slots (with a `used` mask) and replaces
    it by the smallest face holding the point of its hull nearest the origin.
    Stops when |v| - (v.w)/|v| <= GJK_TOL (the upper bound |v| and the support
    plane lower bound agree) or when the origin is inside (distance 0).
    """
    m = len(c1)
    boxes = [np.ascontiguousarray(np.moveaxis(a, 0, -1)) for a in (c1, R1, h1, c2, R2, h2)]
    dist = np.zeros(m)
    idx = np.arange(m)
    simplex = np.zeros((3, m, 4))
    used = np.zeros((m, 4), dtype=bool)
    v = boxes[0] - boxes[3]  # a point of A - B
    for it in range(GJK_MAX_ITER):
        w = _support(*boxes[:3], -v) - _support(*boxes[3:], v)
        vv = _dot(v, v)
        norm = np.sqrt(vv)
        done = (vv - _dot(v, w) <= GJK_TOL * norm) | (norm <= GJK_TOL)
        dist[idx[done]] = norm[done]
        if done.all():
            return dist
        keep = ~done
        idx, used, w = idx[keep], used[keep], w[:, keep]
        simplex, boxes = simplex[:, keep], [b[..., keep] for b in boxes]
        slot = np.argmin(used, axis=1)  # a free slot exists: a kept simplex has <= 3 points
        rows = np.arange(idx.size)
        simplex[:, rows, slot] = w
        used[rows, slot] = True
        if it == 0:  # the simplex is the single point w: nothing to project
            v = w
            continue
        v, used, inside = _closest_on_simplex(simplex, used)
        dist[idx[inside]] = 0.0
        keep = ~inside
        idx, used, v = idx[keep], used[keep], v[:, keep]
        simplex, boxes = simplex[:, keep], [b[..., keep] for b in boxes]
    dist[idx] = np.sqrt(_dot(v, v))  # not converged: |v| is still an upper bound
    return dist


def _closest_on_simplex(Y, used):
    """Point of conv(Y[used]) nearest the origin, for a (3,m,4) batch.

    Every point of a simplex lies in the relative interior of exactly one face,
    and for that face the origin's projection onto its affine hull has strictly
    positive barycentric weights.  So: project onto every used face, keep the
    faces whose weights are all positive, take the nearest.  Returns the point
    (3,m), the new used mask (that face's members), and whether the origin is
    inside the tetrahedron.
    """
    m = Y.shape[1]
    pts = np.zeros((3, m, 15))
    d2 = np.full((m, 15), np.inf)
    pts[:, :, :4] = Y
    d2[:, :4] = np.where(used, _dot(Y, Y), np.inf)

    A, B = Y[:, :, _EDGES[:, 0]], Y[:, :, _EDGES[:, 1]]
    e = B - A
    ee = _dot(e, e)
    t = -_dot(A, e) / np.where(ee > 0.0, ee, 1.0)
    ok = used[:, _EDGES].all(axis=2) & (ee > 0.0) & (t > 0.0) & (t < 1.0)
    P = A + t * e
    pts[:, :, 4:10] = P
    d2[:, 4:10] = np.where(ok, _dot(P, P), np.inf)

    A, B, C = (Y[:, :, _TRIS[:, k]] for k in range(3))
    e1, e2 = B - A, C - A
    a11, a12, a22 = _dot(e1, e1), _dot(e1, e2), _dot(e2, e2)
    b1, b2 = -_dot(A, e1), -_dot(A, e2)
    det = a11 * a22 - a12 * a12
    good = det > 1e-12 * a11 * a22  # not (nearly) collinear
    safe = np.where(good, det, 1.0)
    s, t = (b1 * a22 - b2 * a12) / safe, (a11 * b2 - a12 * b1) / safe
    ok = used[:, _TRIS].all(axis=2) & good & (s > 0.0) & (t > 0.0) & (s + t < 1.0)
    P = A + s * e1 + t * e2
    pts[:, :, 10:14] = P
    d2[:, 10:14] = np.where(ok, _dot(P, P), np.inf)

    d2[:, _TETRA] = np.where(used.all(axis=1) & _origin_in_tetra(Y), 0.0, np.inf)

    best = np.argmin(d2, axis=1)
    rows = np.arange(m)
    return pts[:, rows, best], _MEMBERS[best], best == _TETRA


def _origin_in_tetra(Y):
    """Origin strictly inside the (non-flat) tetrahedron Y[:, :, 0..3]: Cramer's
    rule for the barycentric weights of the origin."""
    a = Y[:, :, 0]
    e1, e2, e3 = Y[:, :, 1] - a, Y[:, :, 2] - a, Y[:, :, 3] - a
    n23 = _cross(e2, e3)
    det = _dot(e1, n23)
    scale = np.sqrt(_dot(e1, e1) * _dot(e2, e2) * _dot(e3, e3))
    good = np.abs(det) > 1e-12 * scale
    safe = np.where(good, det, 1.0)
    l1 = -_dot(a, n23) / safe
    l2 = _dot(e1, _cross(-a, e3)) / safe
    l3 = _dot(e1, _cross(e2, -a)) / safe
    return good & (l1 > 0.0) & (l2 > 0.0) & (l3 > 0.0) & (l1 + l2 + l3 < 1.0)


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


# --------------------------------------------------------------------------
# Directions


def bearing(at, facing, target):
    """Signed horizontal angle from (facing - at) to (target - at), degrees in
    (-180, 180], positive = left (language.md `bearing`).

    Returns (bearing float64, degenerate bool): degenerate where either
    horizontal vector is shorter than 1 mm; the bearing there is finite but
    meaningless.
    """
    at = np.asarray(at, float)
    f = np.asarray(facing, float)[..., :2] - at[..., :2]
    r = np.asarray(target, float)[..., :2] - at[..., :2]
    cross = f[..., 0] * r[..., 1] - f[..., 1] * r[..., 0]
    dot = f[..., 0] * r[..., 0] + f[..., 1] * r[..., 1]
    degenerate = (np.hypot(f[..., 0], f[..., 1]) < DEGENERATE_LEN) | (
        np.hypot(r[..., 0], r[..., 1]) < DEGENERATE_LEN)
    return _deg_atan2(cross, dot), _out(degenerate)


_SECTORS = {
    # boundaries for np.digitize (b in [edges[i-1], edges[i]) -> labels[i]) and
    # every boundary on the circle (180 included) for the borderline test
    2: ([0.0], ["right", "left"], [0.0, 180.0]),
    4: ([-90.0, 0.0, 90.0], ["back-right", "front-right", "front-left", "back-left"],
        [-90.0, 0.0, 90.0, 180.0]),
    8: ([-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5],
        ["back", "back-right", "right", "front-right", "front", "front-left", "left",
         "back-left", "back"],
        [-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5]),
}


def sector(bearing_deg, sectors: int = 4, margin_deg=0.0):
    """Sector label of a bearing (language.md `direction` tables).

    ``margin_deg`` broadcasts with the bearings.  Returns (labels str array,
    borderline bool), both of the broadcast shape.  Borderline: exactly on a
    boundary for sectors 2 and 4, or strictly closer than ``margin_deg`` to any
    boundary (circularly; 180 is a boundary of 2 and 4).  "Within margin" is
    strict so that margin 0 adds nothing: the half-open 8-sector intervals
    make their boundaries unambiguous.  On an exact 2/4 boundary the label is
    the sector counter-clockwise of it (as the 8-sector intervals do: 0 ->
    "left"/"front-left", 90 -> "back-left", -90 -> "front-right",
    180 -> "left"/"back-left"); such bearings are borderline anyway.
    """
    if sectors not in _SECTORS:
        raise ValueError(f"sectors must be 2, 4 or 8, not {sectors}")
    edges, labels, bounds = _SECTORS[sectors]
    b, margin = np.broadcast_arrays(np.asarray(wrap_deg(bearing_deg), float),
                                    np.asarray(margin_deg, float))
    names = np.asarray(labels)[np.digitize(b, edges)]
    off = np.abs(b[..., None] - np.asarray(bounds))
    off = np.minimum(off, 360.0 - off)  # circular distance to each boundary
    borderline = np.any(off < margin[..., None], axis=-1)
    if sectors in (2, 4):
        borderline |= np.any(b[..., None] == np.asarray(bounds), axis=-1)
    return _out(names), _out(borderline)


def clock(bearing_deg):
    """Clock hour of a bearing: round(-b/30) mod 12 (half away from zero), 0 -> 12.
    int64; e.g. 0 -> 12, 15 -> 11 (-0.5 rounds to -1), -15 -> 1, 90 -> 9."""
    h = np.asarray(round_half_away(-np.asarray(bearing_deg, float) / 30.0)).astype(np.int64) % 12
    return _out(np.where(h == 0, 12, h))


# --------------------------------------------------------------------------
# Cameras and camera motion


def to_camera(p, cam_pos, cam_R):
    """World point(s) in camera coordinates: R^T (p - position), shape (...,3)."""
    return _out(_local(p, np.asarray(cam_pos, float), np.asarray(cam_R, float)))


# The 12 edges of a box: pairs of corners (ordered as scenes._build.CORNER_SIGNS, index bits
# x=4, y=2, z=1) that differ in one sign.
BOX_EDGES = np.array([(i, i | bit) for i in range(8) for bit in (4, 2, 1) if not i & bit])


def screen_size(corners, cam_pos, cam_R, fx, fy, cx, cy, width, height, near):
    """Shorter side in pixels of the image-clipped 2-D box of a box's projection.

    ``corners`` (...,8,3) world corners; the camera's pose and intrinsics broadcast
    against the leading dimensions. The box is first cut by the plane ``z = near`` in
    camera coordinates (its part behind stays out): the projected points are the corners
    in front and the points where edges cross that plane. 0 when nothing lies in front
    or the box misses the image.
    """
    pos = np.asarray(cam_pos, float)[..., None, :]
    R = np.asarray(cam_R, float)
    cam = np.einsum("...ji,...kj->...ki", R, np.asarray(corners, float) - pos)  # (...,8,3)
    z = cam[..., 2]
    front = z >= near
    a, b = cam[..., BOX_EDGES[:, 0], :], cam[..., BOX_EDGES[:, 1], :]  # (...,12,3)
    za, zb = a[..., 2], b[..., 2]
    crossing = (za - near) * (zb - near) < 0
    t = np.where(crossing, (near - za) / np.where(crossing, zb - za, 1.0), 0.0)
    cut = a + t[..., None] * (b - a)
    cut[..., 2] = near
    points = np.concatenate([cam, cut], axis=-2)  # (...,20,3)
    valid = np.concatenate([front, crossing], axis=-1)
    depth = np.where(valid, points[..., 2], 1.0)
    fx, fy, cx, cy, width, height = (np.asarray(v, float)[..., None]
                                     for v in (fx, fy, cx, cy, width, height))
    u = fx * points[..., 0] / depth + cx
    v = fy * points[..., 1] / depth + cy
    inf = np.inf
    u0 = np.maximum(np.where(valid, u, inf).min(axis=-1), 0.0)
    u1 = np.minimum(np.where(valid, u, -inf).max(axis=-1), width[..., 0])
    v0 = np.maximum(np.where(valid, v, inf).min(axis=-1), 0.0)
    v1 = np.minimum(np.where(valid, v, -inf).max(axis=-1), height[..., 0])
    side = np.minimum(u1 - u0, v1 - v0)
    return _out(np.where(valid.any(axis=-1) & (side > 0), side, 0.0))


def view_bearing(p_cam):
    """atan2(-x, z) in degrees, (-180, 180]; positive = left of the optical axis."""
    p = np.asarray(p_cam, float)
    return _deg_atan2(-p[..., 0], p[..., 2])


def heading(cam_R):
    """Horizontal heading of the camera's forward axis (column 2), degrees CCW
    from +x in (-180, 180].  Looking (within 1e-6) straight down, the forward
    axis has no horizontal part; the top of the image (-y axis) then points
    the way the camera was heading, so that is used (+y looking straight up).
    """
    R = np.asarray(cam_R, float)
    fwd = R[..., :2, 2]
    vertical = np.hypot(fwd[..., 0], fwd[..., 1]) < 1e-6
    up_in_image = np.where((R[..., 2, 2] < 0.0)[..., None], -R[..., :2, 1], R[..., :2, 1])
    d = np.where(vertical[..., None], up_in_image, fwd)
    return _deg_atan2(d[..., 1], d[..., 0])


def turn(R1, R2):
    """Signed heading change from camera 1 to camera 2, (-180, 180], left positive."""
    return wrap_deg(np.asarray(heading(R2)) - np.asarray(heading(R1)))


def move(pos1, R1, pos2):
    """Displacement pos2 - pos1 in camera 1's body frame: x forward (horizontal
    heading), y left, z world up.  Shape (...,3)."""
    h = np.radians(np.asarray(heading(R1)))
    d = np.asarray(pos2, float) - np.asarray(pos1, float)
    cos, sin = np.cos(h), np.sin(h)
    forward = cos * d[..., 0] + sin * d[..., 1]
    left = -sin * d[..., 0] + cos * d[..., 1]
    return _out(np.stack(np.broadcast_arrays(forward, left, d[..., 2]), axis=-1))


def travel(positions):
    """Sum of horizontal distances between consecutive positions (...,n,3) -> (...)."""
    step = np.diff(np.asarray(positions, float)[..., :2], axis=-2)
    return _out(np.sum(np.hypot(step[..., 0], step[..., 1]), axis=-1))


def route(positions, headings) -> list[str]:
    """The camera path as instructions (language.md `route`).

    positions (n,3), headings (n,) in degrees (see `heading`).  Start with h =
    headings[0]; for each consecutive pair with horizontal displacement d: if
    |d| >= 0.05 m, turn from h to the direction of d, go forward |d|, h = that
    direction; then turn from h to the next heading.  Turns are signed (left
    positive), wrapped to (-180, 180].  Then, in this order: merge each run of
    consecutive turns (sum, wrapped), drop merged turns with |t| < 1 degree,
    merge each run of consecutive forwards.  A turn within 1e-9 deg of -180
    is +180 (roundoff must not decide the side of an exact reversal).

    Decision (literal reading of the order of the three steps): forwards that
    become adjacent because a small turn between them was dropped ARE merged.
    Before the drop no two forwards are ever adjacent (every forward is
    followed by the turn to the next heading), so the forward merge could only
    mean this.  Degrees are rounded half away from zero to an integer (a turn
    of 179.6 reads "turn left 180 degrees", 1 degree reads "1 degrees"),
    metres to one decimal.
    """
    pos = np.asarray(positions, float)[:, :2]
    head = np.asarray(headings, float)
    steps = np.diff(pos, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    directions = np.degrees(np.arctan2(steps[:, 1], steps[:, 0]))
    ops: list[tuple[str, float]] = []
    h = float(head[0]) if len(head) else 0.0
    for i in range(len(steps)):  # one trajectory: the loop is over frames
        if lengths[i] >= ROUTE_MIN_STEP:
            ops += [("turn", _turn_angle(directions[i] - h)), ("forward", float(lengths[i]))]
            h = float(directions[i])
        ops.append(("turn", _turn_angle(head[i + 1] - h)))
        h = float(head[i + 1])
    ops = _merge_runs(ops, "turn")
    ops = [(k, x) for k, x in ops if k != "turn" or abs(x) >= ROUTE_MIN_TURN]
    ops = _merge_runs(ops, "forward")
    return [_instruction(k, x) for k, x in ops]


def _turn_angle(x) -> float:
    """Wrapped to (-180, 180]; within 1e-9 deg of -180 counts as +180, so an
    exact reversal reads "turn left 180 degrees" whatever the roundoff."""
    t = float(wrap_deg(x))
    return 180.0 if t <= -180.0 + ROUTE_REVERSAL_TOL else t


def _merge_runs(ops, kind):
    out: list[tuple[str, float]] = []
    for k, x in ops:
        if k == kind and out and out[-1][0] == kind:
            total = out[-1][1] + x
            out[-1] = (k, _turn_angle(total) if kind == "turn" else total)
        else:
            out.append((k, x))
    return out


def _instruction(kind, x):
    if kind == "forward":
        return f"go forward {float(round_half_away(x, 1)):.1f} meters"
    side = "left" if x > 0 else "right"
    return f"turn {side} {int(round_half_away(abs(x)))} degrees"
