"""The run options and per-(scene, task) statistics of the engine, the candidate pool
(balanced over answers) and the sizes of the chunks of bindings it walks."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ..runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS

OVERSAMPLE = 3  # pool size of a balanced task, in multiples of --per-scene
MAX_EVALUATED = 32_768  # bindings tried per (scene, task) at most
FIRST_CHUNK = 64  # bindings of the first batched `where` evaluation (at least 2 * pool)
WHERE_CHUNK = 4096  # bindings of one batched `where` evaluation at most


@dataclass(frozen=True)
class GenerateOptions:
    seed: int = 0
    per_scene: int = 10
    trials: int = DEFAULT_TRIALS
    radius: float = DEFAULT_RADIUS


@dataclass
class TaskSceneStats:
    bindings: int = 0
    evaluated: int = 0
    candidates: int = 0
    items: int = 0
    surplus: int = 0  # candidates of the pool not selected (balanced tasks)
    rejections: Counter = field(default_factory=Counter)
    skipped: str | None = None  # why the task did not run on this scene
    search_limited: bool = False

    def to_json(self) -> dict:
        out = {"bindings": self.bindings, "evaluated": self.evaluated,
               "candidates": self.candidates, "items": self.items, "surplus": self.surplus,
               "rejections": dict(sorted(self.rejections.items()))}
        if self.skipped:
            out["skipped"] = self.skipped
        if self.search_limited:
            out["search_limited"] = True
        return out


class _Pool:
    """The candidates of one (scene, task), in the seeded order.

    Full at ``cap`` (= --per-scene) candidates; a balanced task's pool goes on up to
    ``OVERSAMPLE * cap`` unless a round-robin pick of ``cap`` from what it already holds
    gives no answer more than half of them."""

    def __init__(self, cap: int, balanced: bool):
        self.cap = cap
        self.balanced = balanced
        self.limit = cap * (OVERSAMPLE if balanced else 1)
        self.items: list = []  # items._Candidate
        self.counts: Counter = Counter()

    def add(self, item) -> None:
        """Add a candidate (``items._Candidate``), counted by its answer text."""
        self.items.append(item)
        self.counts[item.answer.text] += 1

    @property
    def full(self) -> bool:
        n = len(self.items)
        if n >= self.limit:
            return True
        if n < self.cap:
            return False
        return _round_robin_max(list(self.counts.values()), self.cap) * 2 <= self.cap + 1

    @property
    def needed(self) -> int:
        """About how many more candidates the pool wants (sizes the next chunk)."""
        n = len(self.items)
        return max(1, self.cap - n) if n < self.cap else max(1, (self.limit - n) // 2)


def _round_robin_max(counts: list[int], cap: int) -> int:
    """The largest per-answer count when ``cap`` items are picked round-robin."""
    level = 0
    while sum(min(c, level) for c in counts) < min(cap, sum(counts)):
        level += 1
    return min(max(counts, default=0), level)


def _next_chunk(previous: int, remaining: int, accepted: int, used: int) -> int:
    """Size of the next chunk of bindings: enough for the remaining pool at the acceptance
    rate seen so far (plus a quarter), but at most 4 times the last one."""
    size = 4 * previous
    if accepted:
        size = min(size, math.ceil(1.25 * remaining * used / accepted) + 8)
    return max(FIRST_CHUNK // 4, min(WHERE_CHUNK, size))
