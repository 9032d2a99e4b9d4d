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
# Which faces a simplex may use, by its used slots as a 4-bit code: a face needs all its
# members. (16, 15)
_USABLE = np.array([[all(code >> k & 1 for k in np.flatnonzero(members)) for members in _MEMBERS]
                    for code in range(16)])
_BITS = np.array([1, 2, 4, 8])

GJK_TOL = 1e-9  # stop when upper and lower distance bounds differ by less (metres)
GJK_MAX_ITER = 64


# GJK works component-major: a batch of points is (3, m, ...), so the x, y, z
# planes are contiguous and a dot product is three plain multiply-adds.


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return np.stack([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                     a[0] * b[1] - a[1] * b[0]])


# Each pair's data in one (_ROWS, m) array, so that dropping converged pairs is one
# indexing: both boxes' centres, axes, half extents and negated half extents (box 1 then
# box 2 in each), the simplex's 4 points and v.
_C, _R, _H, _NEG_H, _Y, _V, _ROWS = 0, 6, 24, 30, 36, 48, 51
# support directions: -v for box 1, +v for box 2 (multiplying by -1 is exact negation)
_SIGNS = np.array([[-1.0], [1.0]])


class _Pairs:
    """Views into the packed state of the pairs still running."""

    def __init__(self, data):
        m = data.shape[1]
        self.data = data
        self.c = data[_C:_R].reshape(3, 2, m)
        self.R = data[_R:_H].reshape(3, 3, 2, m)
        self.h = data[_H:_NEG_H].reshape(3, 2, m)
        self.neg_h = data[_NEG_H:_Y].reshape(3, 2, m)
        self.Y = data[_Y:_V].reshape(3, 4, m)
        self.v = data[_V:_ROWS]

    def support(self):
        """w = support of A along -v minus support of B along v, both boxes at once:
        each is c + R (sign(R^T d) * h), the box vertex farthest along d."""
        d = self.v[:, None, :] * _SIGNS  # (3, 2, m)
        R = self.R
        local = R[0] * d[0] + R[1] * d[1] + R[2] * d[2]  # (3, 2, m): R^T d
        pick = np.where(local >= 0.0, self.h, self.neg_h)
        s = self.c + R[:, 0] * pick[0] + R[:, 1] * pick[1] + R[:, 2] * pick[2]
        return s[:, 0] - s[:, 1]


def _pack(c1, R1, h1, c2, R2, h2):
    m = len(c1)
    data = np.zeros((_ROWS, m))
    pairs = _Pairs(data)
    pairs.c[:] = np.stack([c1, c2], axis=1).transpose(2, 1, 0)
    pairs.R[:] = np.stack([R1, R2], axis=1).transpose(2, 3, 1, 0)
    pairs.h[:] = np.stack([h1, h2], axis=1).transpose(2, 1, 0)
    pairs.neg_h[:] = -pairs.h
    pairs.v[:] = pairs.c[:, 0] - pairs.c[:, 1]  # a point of A - B
    return pairs


def _gjk_distance(c1, R1, h1, c2, R2, h2):
    """Distance between boxes (flat (m,) batch, half extents h) by GJK.

    The loop runs over iterations, never over pairs; pairs that have converged
    are dropped from the working set.  Each iteration keeps a simplex of up to
    4 support points of A - B in fixed slots (with a `used` mask) and replaces
    it by the smallest face holding the point of its hull nearest the origin.
    Stops when |v| - (v.w)/|v| <= GJK_TOL (the upper bound |v| and the support
    plane lower bound agree) or when the origin is inside (distance 0: then v is
    the origin and the next iteration's test stops the pair).
    """
    m = len(c1)
    pairs = _pack(c1, R1, h1, c2, R2, h2)
    dist = np.zeros(m)
    idx = np.arange(m)
    used = np.zeros((m, 4), dtype=bool)
    for it in range(GJK_MAX_ITER):
        w = pairs.support()
        v = pairs.v
        vv = _dot(v, v)
        norm = np.sqrt(vv)
        done = (vv - _dot(v, w) <= GJK_TOL * norm) | (norm <= GJK_TOL)
        if done.any():
            dist[idx[done]] = norm[done]
            if done.all():
                return dist
            keep = ~done
            idx, used, w = idx[keep], used[keep], w[:, keep]
            pairs = _Pairs(pairs.data[:, keep])
        slot = np.argmin(used, axis=1)  # a free slot exists: a kept simplex has <= 3 points
        rows = np.arange(idx.size)
        pairs.Y[:, slot, rows] = w
        used[rows, slot] = True
        if it == 0:  # the simplex is the single point w: nothing to project
            pairs.v[:] = w
            continue
        pairs.v[:], used = _closest_on_simplex(pairs.Y, used)
    dist[idx] = np.sqrt(_dot(pairs.v, pairs.v))  # not converged: |v| is still an upper bound
    return dist


def _closest_on_simplex(Y, used):
    """Point of conv(Y[used]) nearest the origin, for a (3,4,m) batch.

    Every point of a simplex lies in the relative interior of exactly one face,
    and for that face the origin's projection onto its affine hull has strictly
    positive barycentric weights.  So: project onto every usable face, keep the
    faces whose weights are all positive, take the nearest.  Returns the point
    (3,m) and the new used mask (that face's members); the origin itself when it
    is inside the tetrahedron.  Triangles and the tetrahedron are skipped when no
    simplex of the batch has enough points for them.
    """
    m = Y.shape[2]
    usable = _USABLE[used @ _BITS].T  # (15, m)
    count = used.sum(axis=1)
    pts = np.zeros((3, 15, m))
    d2 = np.full((15, m), np.inf)
    pts[:, :4] = Y
    d2[:4] = np.where(usable[:4], _dot(Y, Y), np.inf)

    A, B = Y[:, _EDGES[:, 0]], Y[:, _EDGES[:, 1]]
    e = B - A
    ee = _dot(e, e)
    t = -_dot(A, e) / np.where(ee > 0.0, ee, 1.0)
    ok = usable[4:10] & (ee > 0.0) & (t > 0.0) & (t < 1.0)
    P = A + t * e
    pts[:, 4:10] = P
    d2[4:10] = np.where(ok, _dot(P, P), np.inf)

    if count.max() >= 3:
        A, B, C = (Y[:, _TRIS[:, k]] for k in range(3))
        e1, e2 = B - A, C - A
        a11, a12, a22 = _dot(e1, e1), _dot(e1, e2), _dot(e2, e2)
        b1, b2 = -_dot(A, e1), -_dot(A, e2)
        det = a11 * a22 - a12 * a12
        good = det > 1e-12 * a11 * a22  # not (nearly) collinear
        safe = np.where(good, det, 1.0)
        s, t = (b1 * a22 - b2 * a12) / safe, (a11 * b2 - a12 * b1) / safe
        ok = usable[10:14] & good & (s > 0.0) & (t > 0.0) & (s + t < 1.0)
        P = A + s * e1 + t * e2
        pts[:, 10:14] = P
        d2[10:14] = np.where(ok, _dot(P, P), np.inf)

    if count.max() == 4:
        d2[_TETRA] = np.where(usable[_TETRA] & _origin_in_tetra(Y), 0.0, np.inf)

    best = np.argmin(d2, axis=0)
    rows = np.arange(m)
    return pts[:, best, rows], _MEMBERS[best]


def _origin_in_tetra(Y):
    """Origin strictly inside the (non-flat) tetrahedron Y[:, 0..3]: Cramer's
    rule for the barycentric weights of the origin."""
    a = Y[:, 0]
    e1, e2, e3 = Y[:, 1] - a, Y[:, 2] - a, Y[:, 3] - a
    n23 = _cross(e2, e3)
    det = _dot(e1, n23)
    scale = np.sqrt(_dot(e1, e1) * _dot(e2, e2) * _dot(e3, e3))
    good = np.abs(det) > 1e-12 * scale
    safe = np.where(good, det, 1.0)
    l1 = -_dot(a, n23) / safe
    l2 = _dot(e1, _cross(-a, e3)) / safe
    l3 = _dot(e1, _cross(e2, -a)) / safe
    return good & (l1 > 0.0) & (l2 > 0.0) & (l3 > 0.0) & (l1 + l2 + l3 < 1.0)
