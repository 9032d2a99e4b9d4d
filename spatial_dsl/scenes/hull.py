"""The convex hull of 2-D points (Andrew's monotone chain), for the scene layer and above.

The pictures draw object footprints with it, and ``sims.geometry`` builds the upright box
of a mesh and the footprint of a tilted box on it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["convex_hull_2d"]


def _cross(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    return float((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]))


def convex_hull_2d(points) -> np.ndarray:
    """Counter-clockwise convex hull (H, 2) of 2-D points, without repeated end point.

    Collinear boundary points are dropped. Fewer than 3 distinct points (or
    all collinear) give the 1 or 2 extreme points. Points strictly inside the
    quadrilateral of the four axis-extreme points are discarded first, in
    numpy, so the Python loop only sees candidates near the boundary.
    """
    pts = np.unique(np.asarray(points, dtype=np.float64).reshape(-1, 2), axis=0)
    if len(pts) <= 2:
        return pts
    pts = _drop_interior(pts)
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    pts = pts[order]
    lower: list[np.ndarray] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[np.ndarray] = []
    for p in pts[::-1]:
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = np.array(lower[:-1] + upper[:-1])
    return hull if len(hull) else pts[:1]


def _drop_interior(pts: np.ndarray) -> np.ndarray:
    """Akl-Toussaint: drop points strictly inside the extreme-point quadrilateral."""
    if len(pts) < 64:
        return pts
    quad = pts[[np.argmin(pts[:, 0]), np.argmin(pts[:, 1]),
                np.argmax(pts[:, 0]), np.argmax(pts[:, 1])]]
    quad = np.unique(quad, axis=0)
    if len(quad) < 3:
        return pts
    center = quad.mean(axis=0)
    quad = quad[np.argsort(np.arctan2(quad[:, 1] - center[1], quad[:, 0] - center[0]))]
    inside = np.ones(len(pts), dtype=bool)
    for a, b in zip(quad, np.roll(quad, -1, axis=0)):
        inside &= (b[0] - a[0]) * (pts[:, 1] - a[1]) - (b[1] - a[1]) * (pts[:, 0] - a[0]) > 1e-12
    return pts[~inside]
