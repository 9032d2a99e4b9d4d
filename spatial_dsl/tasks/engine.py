"""``SceneEngine``: one scene's domains, the seeded walk over bindings in chunks, the
batched evaluation of ``where`` / ``answer`` / ``choices`` and the jitter stability check.
Turning an accepted binding into an item record is ``items.ItemWriter``'s."""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from spatial_dsl.lang.diagnostics import RejectionKind
from ..runtime.answers import same_element, same_elements
from ..runtime.eval import DEFAULT_LIMITS, Env, Evaluator, Limits
from ..runtime.jitter import jittered_scenes
from ..runtime.tables import ClauseTables, charge_bound
from ..runtime.worlds import (
    WorldStack, stack_worlds, stackable, to_world_rows, world_invariant, world_value,
)
from ..runtime.values import Abort, LimitExceeded, Rows, element, rows_of, stack_elements
from ..scenes.model import Scene, normalise_name
from ..seeds import derive_seed
from ..tolerances import STABLE_TOLERANCE
from .. import quality
from .items import _OBJECT_KINDS, ItemWriter, _bare
from .pool import (
    FIRST_CHUNK, MAX_EVALUATED, WHERE_CHUNK, GenerateOptions, TaskSceneStats, _Pool, _next_chunk,
)
from .templates import MODALITIES_WITH_FRAMES, ParamInfo, TaskTemplate


def _one_row(value, r: int):
    """Row ``r`` of a batch value, as a one-row value (what ``serialize`` takes)."""
    if isinstance(value, np.ndarray):
        return value[r:r + 1] if value.ndim and value.shape[0] > 1 else value
    if isinstance(value, list):
        return [value[r]] if len(value) > 1 else value
    return value


def _stable_tolerance(t: T.Type) -> float:
    """How far a jittered answer of type t may move (``answers.same_element``): 5 % for
    Number and the quantities (also in lists); Int (counts, frame indices) and everything
    else must stay equal."""
    if isinstance(t, T.ListType):
        return _stable_tolerance(t.elem)
    return STABLE_TOLERANCE if t == T.NUMBER or t in T.QUANTITIES else 0.0


def _stable_rows(value, live: np.ndarray, trials: list, tolerance: float, t: T.Type
                 ) -> np.ndarray | None:
    """``SceneEngine._stable``'s comparison as array operations (``answers.same_elements``),
    for the common case: one stacked evaluation (``_WorldRows``) of a scalar answer (a
    boolean, a number, a string, an object), original and jittered each one 1-D array
    (or one row broadcast). None for anything else, compared element by element."""
    k = len(live)
    stacked = trials[0].value if trials else None
    if not (isinstance(stacked, _WorldRows) and _is_column(value) and
            _is_column(stacked.value) and stacked.value.shape[0] in (1, k * len(trials))):
        return None
    expected = value[live] if value.shape[0] > 1 else np.repeat(value[:1], k)
    got = stacked.value if stacked.value.shape[0] > 1 else \
        np.repeat(stacked.value[:1], k * len(trials))
    if t == T.OBJECT:
        got = got % stacked.n  # the stacked object's row in its own world (world_value)
    stable = np.ones(k, dtype=bool)
    for trial in trials:
        world = trial.value
        if not isinstance(world, _WorldRows) or world.value is not stacked.value:
            return None
        same = same_elements(expected, got[world.offset:world.offset + k], tolerance)
        if same is None:
            return None
        stable &= same & ~trial.rejected
    return stable


def _stable_elements(value, live: np.ndarray, trials: list, tolerance: float) -> np.ndarray:
    """``SceneEngine._stable``'s comparison element by element (``answers.same_element``):
    a row is stable when no copy rejects it and every copy's answer is the same."""
    original = [element(value, int(r)) for r in live]
    stable = np.ones(len(live), dtype=bool)
    for trial in trials:
        for j in range(len(live)):
            if stable[j] and (trial.rejected[j] or not same_element(
                    original[j], trial.element(j), tolerance)):
                stable[j] = False
    return stable


def _is_column(value) -> bool:
    """A batch value of one scalar per row."""
    return isinstance(value, np.ndarray) and value.ndim == 1


@dataclass
class _Batch:
    """Values and per-row rejection kinds of one batched evaluation."""

    value: object
    rejected: np.ndarray  # (k,) bool
    kinds: list[str | None]

    def element(self, row: int):
        if isinstance(self.value, _WorldRows):
            return self.value.element(row)
        return element(self.value, row)


@dataclass
class _WorldRows:
    """The rows of one world in a batch of worlds, in the scene's own object rows."""

    value: object  # the whole batch (worlds x k rows, world-major)
    offset: int  # the world's first row
    type: T.Type
    n: int  # objects per world

    def element(self, row: int):
        return world_value(element(self.value, self.offset + row), self.type, self.n)


class _RowList(list):
    """Row values of a batch evaluated row by row (None for rejected rows).

    A plain list of elements, which is what ``values.element`` reads for a List."""


class _WhereAhead:
    """A task's `where` on one scene, chunk by chunk as ``run_task`` asks, each batch also
    covering the next chunk (at most 4 times as long) when that cannot change a row: when
    every row's steps are bounded within its own budget (``tables.charge_bound``), no
    chunk runs out of its steps, and a row's outcome is its own whatever batch holds it.
    Fewer, larger batches: most of a batch's cost is per batch, not per row."""

    def __init__(self, engine: SceneEngine, template: TaskTemplate, domains, sizes, order):
        self.engine, self.template, self.domains, self.sizes = engine, template, domains, sizes
        self.order = order
        self.tables = engine._where_tables(template, domains)
        where, scene = template.task.where, engine.scene
        bound = None if where is None or not engine.batched else charge_bound(
            template.checked.typed.of(where), scene.n, scene.frames.count, self.tables.bounds)
        self.ahead = bound is not None and bound <= DEFAULT_LIMITS.steps
        self._done: tuple[int, _Batch] | None = None  # (first position, its batch)

    def batch(self, position: int, n: int, more: bool) -> _Batch | None:
        """The `where` of the chunk of ``n`` bindings at ``position`` of the order; with
        the next chunk's when ``more`` (it is likely to be asked for) and that is exact."""
        if self.template.task.where is None:
            return None
        if self._done is not None:
            start, done = self._done
            if start <= position and position + n <= start + len(done.rejected):
                return _rows_of_batch(done, position - start, n)
        size = n
        if self.ahead and more:
            size = min(len(self.order) - position, n + min(4 * n, WHERE_CHUNK))
        started = time.perf_counter()
        done = self._evaluate(self.order[position:position + size])
        self.engine.timings[self.template.name, "where"] += time.perf_counter() - started
        self._done = (position, done)
        return _rows_of_batch(done, 0, n)

    def _evaluate(self, bindings: np.ndarray) -> _Batch:
        template = self.template
        indices = list(np.unravel_index(bindings, self.sizes)) if self.sizes else []
        names = self.engine._names(template, self.domains, indices)
        codes = {p.name: ix for p, ix in zip(template.params, indices)}
        return self.engine._evaluate(template.checked, template.task.where, names,
                                     len(bindings), tables=self.tables, codes=codes)


def _rows_of_batch(batch: _Batch, start: int, n: int) -> _Batch:
    """Rows ``start:start + n`` of a batch (a broadcast value stays as it is)."""
    if start == 0 and n == len(batch.rejected):
        return batch
    value = batch.value
    if value is not None and rows_of(value) > 1:
        value = value[start:start + n]
    return _Batch(value, batch.rejected[start:start + n], batch.kinds[start:start + n])


class SceneEngine(ItemWriter):
    """Instantiates task templates on one scene (built once per scene, reused per task)."""

    def __init__(self, scene: Scene, options: GenerateOptions, scene_file: str = "",
                 batched: bool = True):
        """``batched=False`` evaluates as the runtime did before batching (higher-order
        calls row by row, each jittered world alone): the same items, slower; the
        baseline ``bench/bench_generate.py`` and the tests compare with."""
        self.scene = scene
        self.batched = batched
        self.options = options
        self.scene_file = scene_file
        self._jittered: list[Scene] | None = None
        self._stack: WorldStack | bool | None = None  # False: the copies cannot be stacked
        self._invariants: dict[str, bool] = {}  # task name -> its answer is world-invariant
        self._printed: dict = {}  # task name -> items._Shared
        self._scene_renderings: dict = {}  # (kind, domain index) -> see items._rendering
        self._scene_lets: dict = {}  # (name, kind, domain index) -> see items._lets
        self._param_rows: dict[tuple[str, int], tuple] = {}  # see items._param_objects
        self._ref_index: dict[int, int] | None = None  # object row -> Ref domain index
        self._mention_sets: list[frozenset[int]] | None = None  # see items._mentioned
        self._refs: list[tuple[int, ast.Expr, str]] | None = None  # (row, expression, text)
        self._worded: list[tuple[int, ast.Expr, str]] = []  # the same, article kept
        self._object_names = None  # naming.ObjectNames, built on first use
        self._worded_choices: dict[T.Type, dict] = {}  # see items._choice_in_words
        self._ids: dict[str, int] | None = None  # object id -> row
        self._video_frames: list[int] | None = None  # see items._frame_indices
        self._mentions: np.ndarray | None = None
        self._rows: dict[str, np.ndarray] | None = None  # see _object_rows
        # (task name, phase) -> seconds; phases: where, answer, choices, jitter, items
        self.timings: Counter = Counter()
        self._categories = sorted(set(scene.categories))
        self._category_array = stack_elements(T.STR, self._categories)

    @property
    def jittered(self) -> list[Scene]:
        if self._jittered is None:
            seed = derive_seed(self.options.seed, self.scene.id, "jitter") % (2 ** 63)
            self._jittered = jittered_scenes(self.scene, self.options.trials,
                                             self.options.radius, seed)
        return self._jittered

    @property
    def references(self) -> list[tuple[int, ast.Expr, str]]:
        """The ``Ref`` domain of the scene: (object row, expression, text without its
        leading article), by object id order; searched once per scene."""
        if self._refs is None:
            from ..naming import reference_domain

            self._worded = reference_domain(self.scene, self.options.seed, self.jittered)
            self._refs = [(row, expression, _bare(text))
                          for row, expression, text in self._worded]
        return self._refs

    @property
    def names(self):
        """The words naming each object in answers and choices (``naming.ObjectNames``),
        from the same references the ``Ref`` domain holds."""
        if self._object_names is None:
            from ..naming import ObjectNames

            def worded() -> list[tuple[int, str, str]]:
                _ = self.references
                return self._worded

            self._object_names = ObjectNames(self.scene, worded)
        return self._object_names

    # ------------------------------------------------------------------ evaluation

    def _evaluate(self, checked: Checked, node: ast.Expr, names: dict, size: int,
                  scene: Scene | None = None, tables: ClauseTables | None = None,
                  codes: dict | None = None) -> _Batch:
        """One batched evaluation of ``node`` with ``size`` rows of bound names.

        The step budget and the time limit scale with the rows; if the batch still
        runs out, the rows are evaluated one by one under the default limits, so a
        row is rejected with LimitExceeded exactly when its own program would be.
        With ``tables`` (and each row's domain ``codes``), tabled sub-expressions are
        read from them; they charge at least the steps evaluating them would, so if the
        batch runs out it is evaluated again without them, and runs out exactly when it
        does without them (runtime/tables.py).
        """
        scene = scene or self.scene
        limits = Limits(steps=DEFAULT_LIMITS.steps * size,
                        seconds=DEFAULT_LIMITS.seconds * max(1, size))
        evaluator = Evaluator(checked, scene, limits, segmented=self.batched, tables=tables)
        env = Env(dict(names), size, Rows(size), codes=codes if tables is not None else None)
        try:
            value = evaluator.eval_node(node, env)
        except Abort:
            value = None
        except LimitExceeded:
            if tables is not None:
                return self._evaluate(checked, node, names, size, scene)
            if size == 1:
                return _Batch(None, np.ones(1, dtype=bool), [RejectionKind.LIMIT_EXCEEDED])
            return self._evaluate_rows(checked, node, names, size, scene)
        rejected = env.rows.rejected.copy()
        if value is None:
            rejected[:] = True
        kinds: list[str | None] = [None] * size
        for r in np.flatnonzero(rejected):
            found = env.rows.rejection_of(int(r))
            kinds[int(r)] = found.kind if found is not None else "Rejected"
        return _Batch(value, rejected, kinds)

    def _evaluate_rows(self, checked, node, names, size, scene) -> _Batch:
        parts = []
        for r in range(size):
            one = {k: _one_row(v, r) if rows_of(v) == size else v for k, v in names.items()}
            parts.append(self._evaluate(checked, node, one, 1, scene))
        rejected = np.array([p.rejected[0] for p in parts])
        kinds = [p.kinds[0] for p in parts]
        values = [element(p.value, 0) if p.value is not None and not p.rejected[0] else None
                  for p in parts]
        return _Batch(_RowList(values), rejected, kinds)

    # ---------------------------------------------------------------------- domains

    def _domain(self, param: ParamInfo) -> tuple[int, object]:
        """(size, run-time value array) of a parameter's domain on this scene."""
        if param.kind == "Category":
            return len(self._categories), self._category_array
        if param.kind == "Object":
            return self.scene.n, np.arange(self.scene.n, dtype=np.int64)
        if param.kind == "Frame":
            return self.scene.frames.count, np.arange(self.scene.frames.count, dtype=np.int64)
        if param.kind == "Ref":
            refs = self.references
            return len(refs), np.array([r[0] for r in refs], dtype=np.int64)
        return len(param.values), stack_elements(param.type, list(param.values))

    # ------------------------------------------------------------------------ tasks

    def run_task(self, template: TaskTemplate) -> tuple[list[dict], TaskSceneStats]:
        """The items of one task on this scene (already selected per scene) and its stats."""
        stats = TaskSceneStats()
        if template.skip_reason:
            stats.skipped = template.skip_reason
            return [], stats
        if template.modality in MODALITIES_WITH_FRAMES and self.scene.frames.count == 0:
            stats.skipped = "no frames"
            return [], stats
        domains = [self._domain(p) for p in template.params]
        sizes = tuple(size for size, _ in domains)
        total = math.prod(sizes)
        stats.bindings = total
        if total == 0:
            return [], stats
        opts = self.options
        rng = np.random.default_rng(derive_seed(opts.seed, self.scene.id, template.name))
        order = rng.choice(total, size=min(total, MAX_EVALUATED), replace=False)
        stats.search_limited = total > MAX_EVALUATED
        pool = _Pool(opts.per_scene, template.balanced)
        where = _WhereAhead(self, template, domains, sizes, order)
        position, chunk_size = 0, max(FIRST_CHUNK, 2 * pool.needed)
        while position < len(order) and not pool.full:
            chunk = order[position:position + chunk_size]
            # the next chunk is likely needed too if this one, at the rate seen so far,
            # will not fill the pool
            more = 0 < len(pool.items) * len(chunk) < pool.needed * stats.evaluated or (
                stats.evaluated > 0 and not pool.items)
            used = self._run_chunk(template, domains, sizes, chunk, pool, stats,
                                   where.batch(position, len(chunk), more))
            stats.evaluated += used
            position += len(chunk)
            chunk_size = _next_chunk(chunk_size, pool.needed, len(pool.items), stats.evaluated)
        stats.candidates = len(pool.items)
        items = [self._record(c) for c in self._select(template, pool.items)]
        stats.items = len(items)
        stats.surplus = len(pool.items) - len(items)
        return items, stats

    def _leaning(self, template: TaskTemplate, indices: list[np.ndarray]) -> np.ndarray | None:
        """Rows whose ``Ref`` names another parameter's object as a landmark by
        ``the("...")``, as in "could someone on the stool nearest the bowl reach the
        bowl?". None when the task has no such pair of parameters."""
        refs = [k for k, p in enumerate(template.params) if p.kind == "Ref"]
        others = [k for k, p in enumerate(template.params) if p.kind in _OBJECT_KINDS]
        if not refs or len(others) < 2:
            return None
        mentions = self._ref_mentions
        out = np.zeros(len(indices[0]), dtype=bool)
        for k in refs:
            for q in others:
                if q == k:
                    continue
                rows = self._object_rows(template.params[q], indices[q])
                known = rows >= 0
                out[known] |= mentions[indices[k][known], rows[known]]
        return out

    def _object_rows(self, param: ParamInfo, ix: np.ndarray) -> np.ndarray:
        """The object row each domain index names (-1: no single object)."""
        if param.kind == "Object":
            return ix.astype(np.int64)
        if self._rows is None:  # per Ref, and per category its only object or -1
            categories = np.full(len(self._categories), -1, dtype=np.int64)
            for j, category in enumerate(self._categories):
                mask = self.scene.name_index.get(normalise_name(category))
                if mask is not None and mask.sum() == 1:
                    categories[j] = int(np.flatnonzero(mask)[0])
            refs = np.array([r[0] for r in self.references], dtype=np.int64)
            self._rows = {"Category": categories, "Ref": refs}
        return self._rows[param.kind][ix]

    @property
    def _ref_mentions(self) -> np.ndarray:
        """(references, objects) bool: the objects a reference names by ``the("...")``
        (its landmarks; a multi-instance object's own category is a ``find``)."""
        if self._mentions is None:
            mentions = np.zeros((len(self.references), self.scene.n), dtype=bool)
            for j, (_, expression, _) in enumerate(self.references):
                mentions[j, quality.landmarks(self.scene, expression)] = True
                mentions[j, self.references[j][0]] = False  # `the("Fridge")` is itself
            self._mentions = mentions
        return self._mentions

    def _names(self, template: TaskTemplate, domains, indices: list[np.ndarray]) -> dict:
        return {p.name: values[ix] for p, (_, values), ix in zip(template.params, domains,
                                                                   indices)}

    def _where_tables(self, template: TaskTemplate, domains) -> ClauseTables | None:
        """The per-scene tables of the task's `where` (runtime/tables.py); batched only,
        so the baseline evaluates every row as before."""
        if not self.batched or template.task.where is None:
            return None
        checked = template.checked
        return ClauseTables(checked, checked.typed.of(template.task.where), self.scene,
                            {p.name: values for p, (_, values) in zip(template.params, domains)})

    def _run_chunk(self, template, domains, sizes, chunk, pool: _Pool, stats,
                   where: _Batch | None) -> int:
        """Process one chunk of bindings (in order), given its `where` (None: the task has
        none); returns how many were used."""
        indices = list(np.unravel_index(chunk, sizes)) if sizes else []
        n = len(chunk)
        if where is not None:
            ok = np.broadcast_to(np.asarray(where.value if where.value is not None
                                            else np.zeros(1, bool), dtype=bool), (n,))
            ok = ok & ~where.rejected
        else:
            ok = np.ones(n, dtype=bool)
        leaning = self._leaning(template, indices)
        if leaning is not None:
            leaning &= ok  # a row `where` filters is counted as filtered
            ok = ok & ~leaning
        passing = np.flatnonzero(ok)
        # Answer the passing bindings in sub-batches, stopping as soon as the pool is full.
        stop = n  # chunk rows [0, stop) are accounted for
        start = 0
        while start < len(passing) and not pool.full:
            want = pool.needed + max(4, pool.needed // 4)
            rows = passing[start:start + want]
            start += len(rows)
            filled_at = self._answer_rows(template, domains, indices, chunk, rows, pool,
                                          stats)
            if filled_at is not None:
                stop = int(filled_at) + 1
                break
        # Count the `where` outcomes of the rows used (a count is added only where it is
        # not zero: the stats list the outcomes that happened).
        filtered = ~ok[:stop]
        if leaning is not None:
            leaned = int(leaning[:stop].sum())
            if leaned:
                stats.rejections["filtered:ref names another parameter"] += leaned
            filtered &= ~leaning[:stop]
        kinds: Counter = Counter()
        plain = int(filtered.sum())  # rows `where` filtered without a rejection kind
        if where is not None:  # a row has a kind exactly when `where` rejected it
            rejected = np.flatnonzero(filtered & where.rejected[:stop])
            kinds.update(where.kinds[r] for r in rejected.tolist())
            plain -= len(rejected)
        if plain:
            kinds[None] += plain
        for kind, count in kinds.items():
            stats.rejections["filtered" if kind is None else f"filtered:{kind}"] += count
        return stop

    def _answer_rows(self, template, domains, indices, chunk, rows, pool: _Pool,
                     stats) -> int | None:
        """Answer, check and collect the bindings at chunk positions ``rows``.

        Returns the chunk position of the binding that filled the pool, if one did.
        """
        checked, task = template.checked, template.task
        k = len(rows)
        sub = [ix[rows] for ix in indices]
        names = self._names(template, domains, sub)
        clock = time.perf_counter()
        answers = self._evaluate(checked, task.answer.value, names, k)
        clock = self._tick(template.name, "answer", clock)
        choices = None
        if task.choices is not None:
            choices = self._evaluate(checked, task.choices, names, k)
            clock = self._tick(template.name, "choices", clock)
        alive = ~answers.rejected
        if choices is not None:
            alive &= ~choices.rejected
        live = np.flatnonzero(alive)
        stable = np.ones(k, dtype=bool)
        if len(live):
            live_names = {name: v[live] if rows_of(v) == k and rows_of(v) > 1 else v
                          for name, v in names.items()}
            stable[live] = self._stable(template, live_names, answers.value, live)
            clock = self._tick(template.name, "jitter", clock)
        for j in range(k):
            if answers.rejected[j]:
                stats.rejections[answers.kinds[j]] += 1
                continue
            if choices is not None and choices.rejected[j]:
                stats.rejections[f"choices:{choices.kinds[j]}"] += 1
                continue
            if not stable[j]:
                stats.rejections["Unstable"] += 1
                continue
            binding = int(chunk[rows[j]])
            item = self._item(template, domains, [int(ix[j]) for ix in sub], binding,
                              _one_row(answers.value, j),
                              element(choices.value, j) if choices is not None else None)
            if isinstance(item, str):
                stats.rejections[item] += 1
                continue
            pool.add(item)
            if pool.full:
                self._tick(template.name, "items", clock)
                return int(rows[j])
        self._tick(template.name, "items", clock)
        return None

    def _stable(self, template: TaskTemplate, names: dict, value, live: np.ndarray
                ) -> np.ndarray:
        """Whether the answer of each row ``live`` of the batch ``value`` (its original
        answer; ``names`` are bound for those rows) stays the same on every jittered copy.

        Batched, the copies are one evaluation over a stack of worlds (runtime/worlds.py),
        and none at all for an answer that reads nothing the jitter moves (a count of a
        category, a route of the camera: ``worlds.world_invariant``); where a stack cannot
        be (a room that moves, an Objects answer, a batch that runs out of its limits)
        each copy is evaluated alone, as the baseline always does."""
        k, t = len(live), template.answer_type
        tolerance = _stable_tolerance(t)
        stack = self._world_stack if self.batched and stackable(t) else None
        if stack is not None and self._invariant(template):
            return np.ones(k, dtype=bool)  # every copy gives the original answer
        trials = None
        if stack is not None:
            trials = self._evaluate_worlds(template, names, k, stack)
        if trials is None:
            trials = [self._evaluate(template.checked, template.task.answer.value, names, k,
                                     jscene) for jscene in self.jittered]
        stable = _stable_rows(value, live, trials, tolerance, t)
        return _stable_elements(value, live, trials, tolerance) if stable is None else stable

    def _evaluate_worlds(self, template: TaskTemplate, names: dict, k: int,
                         stack: WorldStack) -> list[_Batch] | None:
        """The answer on every jittered copy as one evaluation; None if it ran out of its
        limits (then the copies are evaluated one by one, as alone each would be)."""
        size = stack.worlds * k
        types = template.checked.task_params
        stacked = {name: to_world_rows(v, types.get(name), stack, k) for name, v in names.items()}
        # Object sets are `worlds` times wider on the stack, and charged per element.
        limits = Limits(steps=DEFAULT_LIMITS.steps * size * stack.worlds,
                        seconds=DEFAULT_LIMITS.seconds * size)
        evaluator = Evaluator(template.checked, stack.scene, limits, per_world=stack.n)
        world = np.repeat(np.arange(stack.worlds), k)
        env = Env(stacked, size, Rows(size), world)
        try:
            value = evaluator.eval_node(template.task.answer.value, env)
        except (Abort, LimitExceeded):
            return None
        out = []
        for w in range(stack.worlds):
            rows = slice(w * k, (w + 1) * k)
            out.append(_Batch(_WorldRows(value, w * k, template.answer_type, stack.n),
                              env.rows.rejected[rows].copy(), []))
        return out

    def _invariant(self, template: TaskTemplate) -> bool:
        if template.name not in self._invariants:
            self._invariants[template.name] = world_invariant(template.checked,
                                                              template.task.answer.value)
        return self._invariants[template.name]

    @property
    def _world_stack(self) -> WorldStack | None:
        if self._stack is None:
            self._stack = stack_worlds(self.jittered) or False
        return self._stack or None

    def _tick(self, task: str, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[task, phase] += now - since
        return now

    # ------------------------------------------------------------------------- items
