"""Plane geometry for rooms: rectangles, rectilinear polygons, point-in-polygon and
point-to-segment distances, all in the scene's x-y axes.
"""

from __future__ import annotations

import numpy as np

from .thresholds import EPS


def to_mm(value: float) -> float:
    """Rounded to the millimetre: the evidence is no finer, and scene files stay readable."""
    return round(float(value), 3) + 0.0


def rectangle_corners(lo, hi) -> list[tuple[float, float]]:
    return [(lo[0], lo[1]), (hi[0], lo[1]), (hi[0], hi[1]), (lo[0], hi[1])]


def polygon_edges(poly) -> list[list[float]]:
    return [[float(poly[k][0]), float(poly[k][1]),
             float(poly[(k + 1) % len(poly)][0]), float(poly[(k + 1) % len(poly)][1])]
            for k in range(len(poly))]


def rectangle_minus(rect_lo, rect_hi, cuts) -> list[tuple[float, float]]:
    """Counter-clockwise outline of the rectangle minus the cuts (coordinate compression).

    ``cuts`` are rectangles with ``lo`` and ``hi`` corners (``single.Cut``)."""
    xs = sorted({float(rect_lo[0]), float(rect_hi[0])}
                | {v for c in cuts for v in (c.lo[0], c.hi[0])})
    ys = sorted({float(rect_lo[1]), float(rect_hi[1])}
                | {v for c in cuts for v in (c.lo[1], c.hi[1])})
    xs = [x for x in xs if rect_lo[0] - EPS <= x <= rect_hi[0] + EPS]
    ys = [y for y in ys if rect_lo[1] - EPS <= y <= rect_hi[1] + EPS]
    inside = np.ones((len(xs) - 1, len(ys) - 1), dtype=bool)
    mx = (np.array(xs[:-1]) + np.array(xs[1:])) / 2
    my = (np.array(ys[:-1]) + np.array(ys[1:])) / 2
    for c in cuts:
        inside &= ~(((mx > c.lo[0]) & (mx < c.hi[0]))[:, None]
                    & ((my > c.lo[1]) & (my < c.hi[1]))[None, :])
    inside = _largest_part(inside)
    return _trace(inside, xs, ys)


def _largest_part(inside: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    labels, count = ndimage.label(inside)
    if count <= 1:
        return inside
    sizes = np.bincount(labels.ravel())[1:]
    return labels == int(np.argmax(sizes)) + 1


def _trace(inside: np.ndarray, xs, ys) -> list[tuple[float, float]]:
    """Boundary of the cells marked inside, as one counter-clockwise loop of corners."""
    nx, ny = inside.shape
    cell = np.zeros((nx + 2, ny + 2), dtype=bool)
    cell[1:-1, 1:-1] = inside
    nxt: dict[tuple[int, int], tuple[int, int]] = {}
    # Directed edges with the inside on the left (counter-clockwise), in grid-vertex indices.
    for i in range(nx):
        for j in range(ny):
            if not inside[i, j]:
                continue
            if not cell[i + 1, j]:  # bottom neighbour (y below) is outside: edge goes +x
                nxt[(i, j)] = (i + 1, j)
            if not cell[i + 2, j + 1]:  # right neighbour outside: edge goes +y
                nxt[(i + 1, j)] = (i + 1, j + 1)
            if not cell[i + 1, j + 2]:  # top neighbour outside: edge goes -x
                nxt[(i + 1, j + 1)] = (i, j + 1)
            if not cell[i, j + 1]:  # left neighbour outside: edge goes -y
                nxt[(i, j + 1)] = (i, j)
    start = min(nxt)
    loop = [start]
    while True:
        v = nxt[loop[-1]]
        if v == start:
            break
        loop.append(v)
    corners = [v for k, v in enumerate(loop) if _turns(loop[k - 1], v, loop[(k + 1) % len(loop)])]
    return [(xs[i], ys[j]) for i, j in corners]


def _turns(a, b, c) -> bool:
    return (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) != 0


def inside_polygon(points, polygon) -> np.ndarray:
    """(M,) bool, even-odd rule: which 2-D points lie inside the polygon (V, 2)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    a = np.asarray(polygon, dtype=np.float64)
    b = np.roll(a, -1, axis=0)
    x, y = p[:, None, 0], p[:, None, 1]
    straddle = (a[None, :, 1] > y) != (b[None, :, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (y - a[None, :, 1]) / (b[None, :, 1] - a[None, :, 1])
    cross_x = a[None, :, 0] + t * (b[None, :, 0] - a[None, :, 0])
    return ((straddle & (x < cross_x)).sum(axis=1) % 2) == 1


def segment_distance(points, segments) -> np.ndarray:
    """(M,) distance from each 2-D point to the nearest of the segments [x1, y1, x2, y2]."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    s = np.asarray(segments, dtype=np.float64).reshape(-1, 4)
    if not len(s):
        return np.full(len(p), np.inf)
    a, e = s[:, :2], s[:, 2:] - s[:, :2]
    len2 = np.maximum((e * e).sum(axis=1), 1e-300)
    w = p[:, None, :] - a[None]
    t = np.clip((w * e[None]).sum(axis=2) / len2[None], 0.0, 1.0)
    closest = a[None] + t[..., None] * e[None]
    return np.sqrt(((p[:, None, :] - closest) ** 2).sum(axis=2)).min(axis=1)
