"""The margins a key's best member must clear over its runner-up, and the ranks between
the ends of a set (stack ranks, distance ranks) with their margins to both neighbours."""

from __future__ import annotations

import numpy as np

from spatial_dsl.tolerances import (
    DISTANCE_MARGIN_M, DISTANCE_MARGIN_REL, ELEVATION_MARGIN_M, EXTREME_MARGIN,
)


_ORDINALS = {2: "second", 3: "third"}


def _stack_ranks(z: np.ndarray) -> list[tuple[int, str, int]]:
    """Members of a set ranked between its highest and lowest by centre height, each
    at least ELEVATION_MARGIN_M from both neighbours in the ranking (so no jitter can
    swap it with one): ``(position, rank, index)`` where ``rank`` is "middle" (the
    centre of an odd set), "second-highest", "third-lowest", ... (counted from the
    nearer end, up to the third) and ``index`` its position in
    ``sort(set, o => o.center.z)``."""
    return _ranks(z, lambda low, high: high - low >= ELEVATION_MARGIN_M, "lowest", "highest",
                  middle="middle")


def _distance_ranks(d: np.ndarray) -> list[tuple[int, str, int]]:
    """Like ``_stack_ranks`` for distances to a landmark, with the nearest / farthest
    margins to both neighbours: "second-nearest", "third-farthest", ... The centre of
    an odd row is named from the near end ("third-nearest" of five), never "middle"."""
    return _ranks(d, _distance_margin, "nearest", "farthest", middle=None)


def _ranks(values: np.ndarray, apart, low: str, high: str,
           middle: str | None) -> list[tuple[int, str, int]]:
    """Members ranked strictly between the least and the greatest ``values``, each
    ``apart`` from both neighbours in the ranking: ``(position, rank, index)``, the
    rank counted from the nearer end up to the third ("second-<low>", "third-<high>";
    ``middle`` for the centre of an odd set, or with None the ordinal from the low end),
    ``index`` the member's position in the
    ascending ``sort``. None when two values are exactly equal (``sort`` rejects the
    tie as Borderline)."""
    n = len(values)
    if n < 3 or len(np.unique(values)) < n:
        return []
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    out = []
    for k in range(1, n - 1):
        if not (apart(ranked[k - 1], ranked[k]) and apart(ranked[k], ranked[k + 1])):
            continue
        from_low, from_high = k + 1, n - k
        if from_low == from_high and middle is not None:
            rank, index = middle, k
        elif from_high < from_low:
            rank, index = f"{_ORDINALS.get(from_high)}-{high}", k - n
        else:
            rank, index = f"{_ORDINALS.get(from_low)}-{low}", k
        if not rank.startswith("None"):
            out.append((int(order[k]), rank, index))
    return out


def _extreme_margin(best: float, second: float, maximise: bool, rule: str) -> bool:
    big, small = (best, second) if maximise else (second, best)
    if rule == "relative":
        return big >= (1 + EXTREME_MARGIN) * small
    return big - small >= ELEVATION_MARGIN_M


def _distance_margin(best: float, runner_up: float) -> bool:
    """Nearest / farthest and closest in a view: >= 0.3 m and >= 20 % of the smaller."""
    lo, hi = min(best, runner_up), max(best, runner_up)
    return hi - lo >= DISTANCE_MARGIN_M and hi - lo >= DISTANCE_MARGIN_REL * lo
