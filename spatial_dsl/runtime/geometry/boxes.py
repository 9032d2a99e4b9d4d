"""Points and oriented boxes: a point's distance to a box, point-in-box, and ``box_gap``
(the least distance between two solid boxes: footprint rectangles plus a vertical interval
for upright pairs, GJK for tilted ones).
"""

from __future__ import annotations

import numpy as np

from .angles import _out
from .gjk import _gjk_distance

# Gaps below this are roundoff between touching boxes and are reported as 0,
# so `gap(a, b) > 0m` is false for boxes that touch (spec: exact to 1 mm).
GAP_SNAP = 1e-6
# point_in_box tolerance (inclusive boundary).
INSIDE_TOL = 1e-9
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
    if len(shapes[0]) == 1 and all(shape == shapes[0] for shape in shapes):
        # already one flat batch (the kernels' case): nothing to broadcast or reshape
        return shapes[0], arrays + [np.asarray(e) for e in extra]
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
