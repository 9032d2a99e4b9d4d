"""Camera walks for a live AI2-THOR scene, planned on ``GetReachablePositions``.

AI2-THOR's ``sceneBounds`` encloses the walls and whatever lies outside the
room, so it is not the floor (scenes.md, "Live capture details"). The
simulator itself says where the agent can stand: ``GetReachablePositions``
returns the points of a ``gridSize`` grid (0.25 m) where the agent's body
fits. The walk is planned on those points:

1. Points are joined to their 8 grid neighbours; the largest connected part
   is kept (a door left closed can split a house).
2. Targets, the tour and the spacing of the frames follow ``sims.walk`` (one
   target per angular sector near the edge of the walkable area, the
   shortest closed tour over grid paths, frames equally spaced in
   "effort", turning in place at corners), so a live capture and a
   geometric walk of the same room look alike.
3. Grid paths are shortened (string pulling) only where every point of the
   straight segment, checked every 5 cm, lies within ``0.75 gridSize`` of a
   reachable point: between neighbouring reachable points, never across an
   unreachable cell. Every planned position is thus on or beside the
   simulator's own walkable grid; a Teleport that is refused anyway is
   retried at the nearest reachable point by the capture loop.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from spatial_dsl.scenes.errors import SceneError

from .. import walk

__all__ = ["grid_step", "plan_on_reachable"]

COVER = 0.75  # a path point must be this many grid steps from a reachable point
CHECK = 0.05  # metres between the checked points of a straight segment


def grid_step(points: np.ndarray) -> float:
    """The spacing of the reachable grid: the median nearest-neighbour distance."""
    if len(points) < 2:
        return 0.25
    d, _ = cKDTree(points).query(points, k=2)
    return float(np.median(d[:, 1]))


def plan_on_reachable(points, frames: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(F, 2) positions (our x, y) and (F,) headings in degrees (CCW from +x)."""
    pts = np.unique(np.asarray(points, dtype=np.float64).reshape(-1, 2), axis=0)
    if len(pts) == 0:
        raise SceneError(["GetReachablePositions returned no positions: nowhere to walk"],
                         "capture")
    step = grid_step(pts)
    cells, graph = _largest_part(pts, step)
    rng = np.random.default_rng(seed)
    targets = walk._targets(cells, rng)
    legs = walk._grid_loop(cells, graph, targets)
    tree = cKDTree(pts)
    waypoints = _pull_strings(legs, tree, step)
    return walk._sample_along(waypoints, frames, rng)


def _largest_part(pts: np.ndarray, step: float):
    """The largest 8-connected part of the grid points and its weighted graph."""
    pairs = cKDTree(pts).query_pairs(step * math.sqrt(2) * 1.01, output_type="ndarray")
    n = len(pts)
    if len(pairs):
        w = np.hypot(*(pts[pairs[:, 0]] - pts[pairs[:, 1]]).T)
        rows, cols = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
        graph = coo_matrix((np.r_[w, w], (rows, cols)), shape=(n, n)).tocsr()
    else:
        graph = coo_matrix((n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    keep = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    return pts[keep], graph[keep][:, keep]


def _covered(tree: cKDTree, a: np.ndarray, b: np.ndarray, step: float) -> bool:
    n = max(2, int(math.ceil(float(np.hypot(*(b - a))) / CHECK)) + 1)
    t = np.linspace(0.0, 1.0, n)[:, None]
    d, _ = tree.query(a + t * (b - a))
    return bool((d <= COVER * step + 1e-9).all())


def _pull_strings(legs: list[np.ndarray], tree: cKDTree, step: float) -> np.ndarray:
    """The closed loop through the legs, each cut short wherever the cut stays covered."""
    out = [legs[0][0]]
    for leg in legs:
        i = 0
        while i < len(leg) - 1:
            j = i + 1
            while j + 1 < len(leg) and _covered(tree, leg[i], leg[j + 1], step):
                j += 1
            out.append(leg[j])
            i = j
    pts = [out[0]]
    for p in out[1:]:
        if np.hypot(*(p - pts[-1])) > 1e-9:
            pts.append(p)
    if len(pts) == 1:
        pts.append(pts[0])
    return np.array(pts)
