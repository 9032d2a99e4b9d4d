"""GJK distance between convex shapes on the Minkowski difference A - B, batched and
component-major; ``box_gap`` uses it for pairs where a box is tilted.
"""

from __future__ import annotations

import numpy as np


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
