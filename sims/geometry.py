"""Small numpy geometry for walks, visibility and importers.

- ``convex_hull_2d`` (Andrew's monotone chain; ``spatial_dsl.scenes.hull``, which the
  pictures share) and ``min_area_rect``
  (rotating calipers over the hull's edge directions): the upright box of a
  mesh and the floor footprint of a tilted box;
- ``rect_distance`` / ``polygon_distance``: distances from many points to
  oriented rectangles (obstacle footprints) and to a polygon's boundary;
- ``box_surface_samples``: seeded points on box surfaces, spread over the
  faces by area, for the visibility estimate.
"""

from __future__ import annotations

import math

import numpy as np

from spatial_dsl.scenes.hull import convex_hull_2d
from spatial_dsl.scenes.rooms import segment_distance

__all__ = ["box_surface_samples", "convex_hull_2d", "min_area_rect",
           "polygon_distance", "rect_distance", "yaw_matrix"]


def yaw_matrix(angle_rad: float) -> np.ndarray:
    """Rotation about +z (columns: local axes in world)."""
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


# --------------------------------------------------------------------------- hulls


def min_area_rect(points) -> tuple[np.ndarray, np.ndarray, float]:
    """Minimum-area enclosing rectangle of 2-D points: (center, size, angle).

    ``size[0] >= size[1]``; ``angle`` (radians, in (-pi/2, pi/2]) is the
    direction of the side of length ``size[0]``. The optimal rectangle has a
    side on a hull edge (rotating calipers), so every hull edge direction is
    tried at once: project the hull on the edge and its normal, take the
    smallest area (ties: the smaller perimeter, then the first edge).
    """
    hull = convex_hull_2d(points)
    if len(hull) == 1:
        return hull[0].copy(), np.zeros(2), 0.0
    if len(hull) == 2:
        d = hull[1] - hull[0]
        return hull.mean(axis=0), np.array([float(np.hypot(*d)), 0.0]), _norm_angle(
            math.atan2(d[1], d[0]))
    edges = np.roll(hull, -1, axis=0) - hull
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    keep = lengths > 1e-12
    u = edges[keep] / lengths[keep, None]  # (E, 2) candidate directions
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)
    pu, pv = u @ hull.T, v @ hull.T  # (E, H)
    wu = pu.max(axis=1) - pu.min(axis=1)
    wv = pv.max(axis=1) - pv.min(axis=1)
    area, perimeter = wu * wv, wu + wv
    best = int(np.lexsort((perimeter, np.round(area, 12)))[0])
    mid_u = (pu[best].max() + pu[best].min()) / 2
    mid_v = (pv[best].max() + pv[best].min()) / 2
    center = mid_u * u[best] + mid_v * v[best]
    if wu[best] >= wv[best]:
        size, axis = np.array([wu[best], wv[best]]), u[best]
    else:
        size, axis = np.array([wv[best], wu[best]]), v[best]
    return center, size, _norm_angle(math.atan2(axis[1], axis[0]))


def _norm_angle(a: float) -> float:
    """A direction angle folded into (-pi/2, pi/2] (a rectangle's side has no sign)."""
    while a <= -math.pi / 2:
        a += math.pi
    while a > math.pi / 2:
        a -= math.pi
    return a


# --------------------------------------------------------------------------- distances


def rect_distance(points, centers, axes, half) -> np.ndarray:
    """Distances (M, K) from 2-D points (M, 2) to oriented rectangles (0 inside).

    ``centers`` (K, 2), ``axes`` (K, 2, 2) with columns the rectangle's unit
    axes, ``half`` (K, 2) half extents along them.
    """
    p = np.asarray(points, dtype=np.float64)
    c, a, h = np.asarray(centers), np.asarray(axes), np.asarray(half)
    dx = p[:, 0:1] - c[None, :, 0]  # (M, K)
    dy = p[:, 1:2] - c[None, :, 1]
    qu = np.maximum(np.abs(dx * a[None, :, 0, 0] + dy * a[None, :, 1, 0]) - h[None, :, 0], 0.0)
    qv = np.maximum(np.abs(dx * a[None, :, 0, 1] + dy * a[None, :, 1, 1]) - h[None, :, 1], 0.0)
    return np.sqrt(qu * qu + qv * qv)


def polygon_distance(points, polygon) -> np.ndarray:
    """Distance (M,) from points to the polygon's boundary (unsigned): to its edges."""
    a = np.asarray(polygon, dtype=np.float64)
    return segment_distance(points, np.hstack([a, np.roll(a, -1, axis=0)]))


# --------------------------------------------------------------------------- box surfaces

# Face k of a box: normal axis and sign; the two in-face axes.
_FACES = [(axis, sign) for axis in range(3) for sign in (-1.0, 1.0)]


def box_surface_samples(center, R, size, per_box: int, rng: np.random.Generator):
    """``per_box`` points on each box's surface: (points (N*n, 3), normals, owner).

    Points are allotted to the 6 faces in proportion to face area (largest
    remainders), then placed uniformly on each face with ``rng``. A normal is
    the face's outward unit normal in world; a box with no surface area (all
    extents but at most one zero) gets its points along its longest edge (or
    at its centre) with a zero normal, meaning "faces every way".
    """
    center = np.asarray(center, dtype=np.float64).reshape(-1, 3)
    R = np.asarray(R, dtype=np.float64).reshape(-1, 3, 3)
    size = np.asarray(size, dtype=np.float64).reshape(-1, 3)
    n = len(center)
    local = np.empty((n, per_box, 3))
    normals_local = np.zeros((n, per_box, 3))
    for i in range(n):
        local[i], normals_local[i] = _one_box_samples(size[i], per_box, rng)
    points = center[:, None, :] + np.einsum("nij,npj->npi", R, local)
    normals = np.einsum("nij,npj->npi", R, normals_local)
    owner = np.repeat(np.arange(n), per_box)
    return points.reshape(-1, 3), normals.reshape(-1, 3), owner


def _one_box_samples(size: np.ndarray, k: int, rng: np.random.Generator):
    h = size / 2
    areas = np.array([size[(a + 1) % 3] * size[(a + 2) % 3] for a, _ in _FACES])
    total = areas.sum()
    pts = np.zeros((k, 3))
    nrm = np.zeros((k, 3))
    if total <= 1e-12:  # a segment or a point: spread along the longest extent
        axis = int(np.argmax(size))
        pts[:, axis] = rng.uniform(-h[axis], h[axis], size=k)
        return pts, nrm
    share = areas / total * k
    counts = np.floor(share).astype(int)
    for j in np.argsort(-(share - counts), kind="stable")[: k - counts.sum()]:
        counts[j] += 1
    start = 0
    for (axis, sign), c in zip(_FACES, counts):
        if c == 0:
            continue
        u, v = (axis + 1) % 3, (axis + 2) % 3
        block = slice(start, start + c)
        pts[block, axis] = sign * h[axis]
        pts[block, u] = rng.uniform(-h[u], h[u], size=c)
        pts[block, v] = rng.uniform(-h[v], h[v], size=c)
        nrm[block, axis] = sign
        start += c
    return pts, nrm
