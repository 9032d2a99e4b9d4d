"""Per-scene tables of a `where` (runtime/tables.py) are invisible in what a row gets.

For every bundled task, batches of bindings evaluated with the tables give, row for row,
the value, the rejection (kind, message, span) and the `where` outcome of the evaluation
without them, also once entries are read back (later batches). A tabled expression's
step bound is at least what evaluating it charges; a batch that runs out of steps with
the tables runs out without them and the engine falls back to the evaluation without
them; an expression whose entries change dtype is evaluated as before.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.runtime import kernels as kernel_package
from spatial_dsl.runtime.eval import Env, Evaluator, Limits
from spatial_dsl.runtime.kernels import CHARGES_NOTHING, KERNEL_CHARGES, KERNELS
from spatial_dsl.runtime.tables import ClauseTables
from spatial_dsl.runtime.values import Abort, LimitExceeded, Rows
from spatial_dsl.scenes.format import scene_from_json, to_json_text
from spatial_dsl.scenes.sources import load_scene
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks
from spatial_dsl.tasks.templates import TaskTemplate

BATCHES = (48, 160, 400)  # successive batches of random bindings per task


@pytest.fixture(scope="module")
def scene():
    from sims.walk import WalkOptions, walk_scene_doc

    room = load_scene("ithor:FloorPlan201")
    return scene_from_json(to_json_text(walk_scene_doc(room, WalkOptions(frames=8))) + "\n")


@pytest.fixture(scope="module")
def templates():
    loaded, broken = load_tasks(["all"])
    assert not broken and len(loaded) >= 50
    return loaded


def _limits(rows: int) -> Limits:
    return Limits(steps=10**6 * rows, seconds=1e6)


def _outcome(checked, scene, node, names, size, tables=None, codes=None, limits=None):
    """(value, [(kind, message, span) or None per row]) of one batch."""
    evaluator = Evaluator(checked, scene, limits or _limits(size), tables=tables)
    env = Env(dict(names), size, Rows(size), codes=codes if tables is not None else None)
    try:
        value = evaluator.eval_node(node, env)
    except Abort:
        value = None
    found = [env.rows.rejection_of(r) if env.rows.rejected[r] else None for r in range(size)]
    return value, [None if f is None else (f.kind, f.message, f.span) for f in found]


def _batches(engine: SceneEngine, template: TaskTemplate, seed: int):
    """(names, codes, size) of random batches of bindings (repeats included)."""
    domains = [engine._domain(p) for p in template.params]
    sizes = [size for size, _ in domains]
    if not sizes or 0 in sizes:
        return domains, []
    rng = np.random.default_rng(seed)
    out = []
    for size in BATCHES:
        codes = {p.name: rng.integers(0, s, size) for p, s in zip(template.params, sizes)}
        names = {p.name: values[codes[p.name]] for p, (_, values) in
                 zip(template.params, domains)}
        out.append((names, codes, size))
    return domains, out


def _tables(engine, template, domains) -> ClauseTables:
    checked = template.checked
    return ClauseTables(checked, checked.typed.of(template.task.where), engine.scene,
                        {p.name: values for p, (_, values) in zip(template.params, domains)})


def _same_rows(a, b, rejected_a, rejected_b, label):
    assert rejected_a == rejected_b, label
    if a is None or b is None:
        assert a is None and b is None, label
        return
    a, b = np.broadcast_to(a, b.shape) if np.ndim(a) < np.ndim(b) else a, b
    for r, rejection in enumerate(rejected_a):
        if rejection is None:  # a rejected row's value is a filler nobody reads
            assert np.array_equal(np.asarray(a)[r if len(a) > 1 else 0],
                                  np.asarray(b)[r if len(b) > 1 else 0]), (label, r)


def test_every_task_s_where_reads_the_same_rows_from_its_tables(scene, templates):
    engine = SceneEngine(scene, GenerateOptions())
    read = 0
    for template in templates:
        if template.task.where is None:
            continue
        domains, batches = _batches(engine, template, seed=len(template.name))
        tables = _tables(engine, template, domains)
        for names, codes, size in batches:
            plain = _outcome(template.checked, scene, template.task.where, names, size)
            tabled = _outcome(template.checked, scene, template.task.where, names, size,
                              tables, codes)
            _same_rows(tabled[0], plain[0], tabled[1], plain[1], template.name)
        read += sum(t.known.sum() for t in tables.tables.values())
    assert read > 1000  # entries were kept and read back, not only evaluated


def test_a_tabled_expression_reports_each_row_s_own_rejection(scene):
    # `the(c)` rejects the rows of a repeated category (Ambiguous, its count in the message)
    # and of a category the scene lacks (NoMatch): each row, also when read from the
    # table on the later batches, reports what it reports without the table.
    source = ('task t\n  modality image\n  params c: Category, f: Frame\n'
              '  where clearly_visible(the(c), f) or c == "Bed"\n  ask "{c}?"\n  answer 1\n')
    checked = compile_source(source)
    assert checked.ok, checked.diagnostics
    node = checked.task.where
    categories = np.array(sorted(set(scene.categories)) + ["Unicorn"], dtype=object)
    frames = np.arange(scene.frames.count)
    tables = ClauseTables(checked, checked.typed.task["where"], scene,
                          {"c": categories, "f": frames})
    rng = np.random.default_rng(3)
    kinds = set()
    for size in BATCHES:
        codes = {"c": rng.integers(0, len(categories), size),
                 "f": rng.integers(0, len(frames), size)}
        names = {"c": categories[codes["c"]], "f": frames[codes["f"]]}
        plain = _outcome(checked, scene, node, names, size)
        tabled = _outcome(checked, scene, node, names, size, tables, codes)
        _same_rows(tabled[0], plain[0], tabled[1], plain[1], size)
        kinds |= {r[0] for r in plain[1] if r is not None}
    assert kinds == {"Ambiguous", "NoMatch"}
    assert any(t.rejections for t in tables.tables.values())


def test_a_tabled_expression_charges_at_least_what_evaluating_it_charges(scene, templates):
    engine = SceneEngine(scene, GenerateOptions())
    for template in templates:
        if template.task.where is None:
            continue
        domains, batches = _batches(engine, template, seed=1)
        tables = _tables(engine, template, domains)
        for table in tables.tables.values():
            for names, _, size in batches[:1]:
                evaluator = Evaluator(template.checked, scene, _limits(size))
                env = Env({p: names[p] for p in table.params}, size, Rows(size))
                try:
                    evaluator.eval_typed(table.t, env)
                except Abort:
                    continue
                assert evaluator.budget.steps <= table.bound * size, template.name


def test_a_batch_that_runs_out_with_its_tables_runs_out_without_them(scene, templates):
    template = next(t for t in templates if t.name == "image_facing_simple")
    engine = SceneEngine(scene, GenerateOptions())
    domains, batches = _batches(engine, template, seed=5)
    tables = _tables(engine, template, domains)
    names, codes, size = batches[0]
    plain_steps = Evaluator(template.checked, scene, _limits(size))
    plain_steps.eval_node(template.task.where, Env(dict(names), size, Rows(size)))
    steps = plain_steps.budget.steps
    # A budget the plain evaluation just fits in: the tabled one (charging its bounds)
    # may run out, never the other way round.
    for budget in (steps - 1, steps):
        outcomes = []
        for use in (False, True):
            try:
                _outcome(template.checked, scene, template.task.where, names, size,
                         tables if use else None, codes, Limits(steps=budget, seconds=1e6))
                outcomes.append(False)
            except LimitExceeded:
                outcomes.append(True)
        plain_ran_out, tabled_ran_out = outcomes
        assert tabled_ran_out or not plain_ran_out
    # The engine evaluates such a batch again without its tables: the same batch.
    batch = engine._evaluate(template.checked, template.task.where, names, size,
                             tables=tables, codes=codes)
    again = engine._evaluate(template.checked, template.task.where, names, size)
    assert batch.rejected.tolist() == again.rejected.tolist() and batch.kinds == again.kinds
    assert np.array_equal(batch.value, again.value)


def test_the_engine_falls_back_when_the_tables_run_out(scene, templates, monkeypatch):
    template = next(t for t in templates if t.name == "image_facing_simple")
    engine = SceneEngine(scene, GenerateOptions())
    domains, batches = _batches(engine, template, seed=6)
    tables = _tables(engine, template, domains)
    for table in tables.tables.values():
        table.bound = 10**9  # every read runs out of the batch's steps
    names, codes, size = batches[1]
    batch = engine._evaluate(template.checked, template.task.where, names, size,
                             tables=tables, codes=codes)
    plain = engine._evaluate(template.checked, template.task.where, names, size)
    assert batch.rejected.tolist() == plain.rejected.tolist() and batch.kinds == plain.kinds
    assert "LimitExceeded" not in plain.kinds
    assert np.array_equal(batch.value, plain.value)


def test_an_expression_whose_entries_change_dtype_is_evaluated_as_before(scene):
    # Entries of one table keep one dtype; an evaluation that gives another (here: a
    # table whose earlier entries were, by construction, float32) breaks the table and
    # the expression is evaluated as before, rows unchanged.
    source = ('task t\n  modality image\n  params c: Category\n'
              '  where count(find(c)) >= 2\n  ask "{c}?"\n  answer 1\n')
    checked = compile_source(source)
    assert checked.ok, checked.diagnostics
    categories = np.array(sorted(set(scene.categories)), dtype=object)
    tables = ClauseTables(checked, checked.typed.task["where"], scene, {"c": categories})
    (table,) = tables.tables.values()
    table.values = np.zeros(table.entries, dtype=np.float32)
    codes = {"c": np.arange(len(categories))[::-1].copy()}
    names = {"c": categories[codes["c"]]}
    size = len(categories)
    for _ in range(2):
        plain = _outcome(checked, scene, checked.task.where, names, size)
        tabled = _outcome(checked, scene, checked.task.where, names, size, tables, codes)
        _same_rows(tabled[0], plain[0], tabled[1], plain[1], "dtype")
        assert tabled[0].dtype == bool
    assert table.broken


def _charges_in(fn, seen: set) -> bool:
    """Whether ``fn``, or a function of the kernels package it calls, charges the budget."""
    if fn in seen or not inspect.isfunction(fn):
        return False
    seen.add(fn)
    if "charge" in inspect.getsource(fn):
        return True
    called = (fn.__globals__.get(name) for name in fn.__code__.co_names)
    return any(_charges_in(g, seen) for g in called if inspect.isfunction(g)
               and g.__module__.startswith(kernel_package.__name__))


def test_every_kernel_that_charges_the_budget_declares_it():
    undeclared = [key for key, fn in KERNELS.items()
                  if _charges_in(fn, set()) and KERNEL_CHARGES[key] == CHARGES_NOTHING]
    assert undeclared == []
    assert KERNEL_CHARGES[("find", 0)] != CHARGES_NOTHING


def test_the_and_count_of_a_name_read_the_find_table_as_the_kernels_read_masks(scene):
    # `the(c)` / `count(c)` of one world take a name's count and first member from the
    # scene's find table; the kernels on find(c)'s (B, N) masks must give the same values,
    # rejections (kind, message) and steps, for single, repeated and absent names.
    from spatial_dsl.runtime.kernels import Call, count_named, find_mask, the_named
    from spatial_dsl.runtime.kernels.sets import k_count, k_the
    from spatial_dsl.runtime.eval import Budget

    names = np.array(sorted(set(scene.categories)) + ["Unicorn", "Fridge"], dtype=object)
    names = names[np.random.default_rng(2).integers(0, len(names), 300)]
    out = []
    for by_name in (True, False):
        rows, budget = Rows(len(names)), Budget(_limits(len(names)))
        k = Call(scene, rows, None, len(names), budget, None, '"x"')
        if by_name:
            values = (the_named(k, names), count_named(k, names))
        else:
            masks = find_mask(scene, names)
            values = (k_the(k, masks), k_count(k, masks))
        found = [rows.rejection_of(r) for r in range(len(names))]
        out.append((values, [None if f is None else (f.kind, f.message) for f in found]))
    (a, ra), (b, rb) = out
    assert ra == rb and {r[0] for r in ra if r} == {"Ambiguous", "NoMatch"}
    assert all(np.array_equal(x, y) and x.dtype == y.dtype for x, y in zip(a, b))


def test_a_where_read_ahead_gives_each_chunk_its_own_rows(scene, templates, monkeypatch):
    # _WhereAhead evaluates a chunk's `where` together with the next chunk's when no row
    # can run out of steps; forced on for every chunk, the items and stats must be those
    # of the baseline (every row alone, no tables, no look-ahead).
    import json

    from spatial_dsl.tasks import engine as engine_module

    batch = engine_module._WhereAhead.batch
    monkeypatch.setattr(engine_module._WhereAhead, "batch",
                        lambda self, position, n, more: batch(self, position, n, True))
    picked = [t for t in templates if t.name in (
        "image_facing_simple", "image_above", "vsi_appearance_order", "image_nearby",
        "compound_count_near", "video_counting")]
    out = {}
    for batched in (True, False):
        engine = SceneEngine(scene, GenerateOptions(per_scene=6), batched=batched)
        out[batched] = json.dumps([(items, stats.to_json()) for items, stats in
                                   (engine.run_task(t) for t in picked)], sort_keys=True)
    assert out[True] == out[False]
    looked_ahead = [t.name for t in picked if engine_module._WhereAhead(
        SceneEngine(scene, GenerateOptions()), t, [], (), np.arange(0)).ahead]
    assert "image_facing_simple" in looked_ahead


def test_a_where_whose_steps_have_no_bound_is_not_read_ahead(scene):
    # A lambda over a list's items has no bound per row: chunks are evaluated as asked.
    from spatial_dsl.tasks import engine as engine_module
    from spatial_dsl.tasks.templates import compile_task

    source = ('task t\n  modality video\n  params a: Category\n'
              '  where len(map(map(find(a), o => o), o => o)) >= 1\n  ask "{a}?"\n  answer 1\n')
    template = compile_task(source.encode(), "t.sp")
    assert isinstance(template, TaskTemplate), template
    ahead = engine_module._WhereAhead(SceneEngine(scene, GenerateOptions()), template, [], (),
                                      np.arange(0))
    assert not ahead.ahead


def test_the_find_table_is_shared_safely_by_threads(scene):
    # `spdsl synth` runs units in threads over one Scene: names added to the scene's find
    # table at once must each get their own row (two at once once gave a code past the end
    # of `counts`: IndexError in the(name), an internal error in a unit)
    import threading

    from spatial_dsl.runtime.kernels.call import find_codes

    names = [f"{c}{i}" for i in range(400) for c in ("x", "y")] + list(scene.categories)
    start = threading.Barrier(8)
    errors = []

    def worker(offset: int) -> None:
        start.wait()
        try:
            for name in names[offset::8] + names:
                table, codes = find_codes(scene, np.array([name], dtype=object))
                assert table.masks[codes].shape == (1, scene.n)
                assert table.counts[codes][0] == table.masks[codes].sum()
        except Exception as exc:  # noqa: BLE001 -- reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    table, codes = find_codes(scene, np.array(names, dtype=object))
    assert len(set(codes.tolist())) == len(set(names))
    assert (table.counts[codes] == table.masks[codes].sum(axis=-1)).all()
