"""Averaging scores (``aggregate``): per-group and overall (micro, macro) means with
percentile bootstrap intervals, stratified by group and seeded by each group's name."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from .items import METRICS, ScoredItem

BOOTSTRAP_RESAMPLES = 1000


@dataclass
class GroupScore:
    name: str
    n: int
    score: float | None  # None: the predictor does not apply to any item (baselines)
    ci95: tuple[float, float] | None
    missing: int = 0
    unparsed: int = 0
    partial: float | None = None
    metrics: tuple[str, ...] = ()
    replicates: np.ndarray | None = field(default=None, repr=False)


@dataclass
class Report:
    by: str
    groups: dict[str, GroupScore]
    tasks: dict[str, GroupScore]
    n: int
    missing: int
    unparsed: int
    micro: float | None
    macro: float | None
    micro_ci: tuple[float, float] | None
    macro_ci: tuple[float, float] | None
    resamples: int
    seed: int
    unknown_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        def group(g: GroupScore) -> dict:
            out = {"n": g.n, "score": _r(g.score), "ci95": _ci(g.ci95), "missing": g.missing,
                   "unparsed": g.unparsed, "metric": "+".join(g.metrics)}
            if g.partial is not None:
                out["partial"] = _r(g.partial)
            return out
        data = {"overall": {"micro": _r(self.micro), "macro": _r(self.macro), "n": self.n,
                            "missing": self.missing, "unparsed": self.unparsed,
                            "micro_ci95": _ci(self.micro_ci), "macro_ci95": _ci(self.macro_ci),
                            "tasks": len(self.tasks),
                            "unknown_ids": len(self.unknown_ids)},
                "by": self.by,
                "tasks": {name: group(g) for name, g in self.tasks.items()},
                "bootstrap": {"resamples": self.resamples, "seed": self.seed,
                              "interval": "percentile, stratified by group"}}
        if self.by != "task":
            data[_PLURAL[self.by]] = {name: group(g) for name, g in self.groups.items()}
        return data


_PLURAL = {"task": "tasks", "scene": "scenes", "modality": "modalities"}


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _ci(ci) -> list[float] | None:
    return None if ci is None else [_r(ci[0]), _r(ci[1])]


def _replicates(scores: np.ndarray, name: str, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap means of ``scores`` (one per resample), seeded by the group's name."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    n = len(scores)
    out = np.empty(resamples)
    chunk = max(1, 2_000_000 // max(1, n))  # bound the index matrix to ~16 MB
    for start in range(0, resamples, chunk):
        stop = min(resamples, start + chunk)
        out[start:stop] = scores[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    return out


def _interval(replicates: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(replicates, [2.5, 97.5])
    return float(lo), float(hi)


def _group(name: str, items: list[ScoredItem], values: list[float | None], resamples: int,
           seed: int) -> GroupScore:
    scored = np.array([v for v in values if v is not None], dtype=float)
    partials = [it.partial for it in items if it.partial is not None]
    group = GroupScore(name, len(items), None, None,
                       sum(1 for it in items if it.status == "missing"),
                       sum(1 for it in items if it.status == "unparsed"),
                       float(np.mean(partials)) if partials else None,
                       tuple(sorted({METRICS[it.kind] for it in items})))
    if len(scored):
        group.n = len(scored)
        group.score = float(scored.mean())
        group.replicates = _replicates(scored, name, resamples, seed)
        group.ci95 = _interval(group.replicates)
    return group


def aggregate(items: list[ScoredItem], by: str = "task", values: list[float | None] | None = None,
              resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0,
              unknown_ids: list[str] | None = None) -> Report:
    """Per-group and overall scores with bootstrap intervals. ``values``: the score of each
    item when not ``item.score`` (None: the item does not count, for baselines that do not
    apply to it)."""
    values = [it.score for it in items] if values is None else values

    def grouped(attr: str) -> dict[str, GroupScore]:
        members: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            members.setdefault(getattr(it, attr), []).append(i)
        return {name: _group(name, [items[i] for i in idx], [values[i] for i in idx],
                             resamples, seed) for name, idx in sorted(members.items())}

    tasks = grouped("task")
    groups = tasks if by == "task" else grouped(by)
    scored = [g for g in tasks.values() if g.score is not None]
    total = sum(g.n for g in scored)
    micro = macro = micro_ci = macro_ci = None
    if scored:
        micro = sum(g.score * g.n for g in scored) / total
        macro = sum(g.score for g in scored) / len(scored)
        reps = np.stack([g.replicates for g in scored])
        weights = np.array([g.n for g in scored], dtype=float)
        micro_ci = _interval((reps * weights[:, None]).sum(axis=0) / total)
        macro_ci = _interval(reps.mean(axis=0))
    return Report(by, groups, tasks, sum(1 for v in values if v is not None),
                  sum(1 for it in items if it.status == "missing"),
                  sum(1 for it in items if it.status == "unparsed"),
                  micro, macro, micro_ci, macro_ci, resamples, seed, unknown_ids or [])
