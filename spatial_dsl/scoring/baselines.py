"""Trivial predictors (`spdsl baseline`): chance, each task's most frequent answer and
each numeric task's mean answer, scored like a model's replies."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .items import THRESHOLDS, ScoredItem, as_decimal, item_kind, score_item


# The expected score of a uniformly random angle under ``angle_accuracy``: the mean over
# the thresholds of the share of the circle within (1 - θ) * 180 degrees.
CHANCE_ANGLE = float(sum((1 - t) for t in THRESHOLDS) / len(THRESHOLDS))


def _most_frequent(answers: list[str]) -> str:
    counts = Counter(answers)
    return min(counts, key=lambda a: (-counts[a], a))  # ties: the first in sort order


def _mean_answer(records: list[dict], kind: str) -> str | None:
    values = [float(v) for v in (as_decimal(r.get("answer")) for r in records) if v is not None]
    if not values:
        return None
    if kind == "angle":  # the circular mean: -170 and 170 average to 180, not 0
        radians = np.radians(values)
        mean = math.degrees(math.atan2(np.sin(radians).mean(), np.cos(radians).mean()))
    else:
        mean = float(np.mean(values))
    return f"{mean:.6g}"


def baseline_items(records: list[dict], kind: str, fit: list[dict] | None = None
                   ) -> tuple[list[ScoredItem], list[float | None], dict[str, str]]:
    """Score a trivial predictor on every item: (items, per-item values, what the predictor
    says per task). ``chance``: the expected score of a uniform guess (1/k for k options,
    1/2 for yes/no, CHANCE_ANGLE for angles; other items: not applicable, None).
    ``frequent``: each task's most frequent answer; ``mean``: each numeric task's mean
    answer (not applicable to other tasks). ``fit``: the records those answers are taken
    from (default: the scored records themselves, as VSI-Bench does)."""
    fit = records if fit is None else fit
    by_task: dict[str, list[dict]] = {}
    for r in fit:
        by_task.setdefault(str(r.get("task")), []).append(r)
    says: dict[str, str] = {}
    items: list[ScoredItem] = []
    values: list[float | None] = []
    for r in records:
        task, item_kind_ = str(r.get("task")), item_kind(r)
        if kind == "chance":
            value, said = _chance(r, item_kind_)
            item = score_item(r, None)
            item.status, item.score = "ok", value or 0.0
        else:
            said = _predictor(by_task.get(task, []), kind, item_kind_)
            item = score_item(r, said)
            value = item.score if said is not None else None
        if said is not None:
            says.setdefault(task, said)
        items.append(item)
        values.append(value)
    return items, values, says


def _chance(record: dict, kind: str) -> tuple[float | None, str | None]:
    if kind == "choice":
        k = len(record["choices"])
        return 1.0 / k, f"1/{k}"
    if kind == "bool":
        return 0.5, "1/2"
    if kind == "angle":
        return CHANCE_ANGLE, "uniform angle"
    return None, None


def _predictor(fit: list[dict], kind: str, item_kind_: str) -> str | None:
    if not fit:
        return None
    if kind == "frequent":
        return _most_frequent([str(r.get("answer")) for r in fit])
    if kind == "mean" and item_kind_ in ("number", "angle"):
        return _mean_answer(fit, item_kind_)
    return None
