"""Batched evaluation gives what evaluating each case alone gives.

Two batchings (runtime/worlds.py, runtime/segments.py) must be invisible in the answers:
- a batch of worlds: each row of world w of the stacked jittered copies answers exactly
  (same value, same rejection kind) what world w's own scene answers alone;
- segmented higher-order calls: a batch of bindings answers row for row what the
  row-by-row evaluation (``segmented=False``) answers.
Checked on every builtin's catalog example and on every bundled task's `where`, `answer`
and `choices` over the first bindings of a room, and end to end: `SceneEngine` with and
without batching produces the same items and stats.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spatial_dsl.lang import types as T
from spatial_dsl.lang.builtins.registry import BUILTINS
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.runtime.eval import DEFAULT_LIMITS, Env, Evaluator, Limits
from spatial_dsl.runtime.jitter import jittered_scenes
from spatial_dsl.runtime.values import Abort, LimitExceeded, Rows, element
from spatial_dsl.runtime.worlds import (
    WORLD_INVARIANT_BUILTINS, stack_worlds, to_world_rows, world_invariant, world_value,
)
from spatial_dsl.scenes.format import scene_from_json, to_json_text
from spatial_dsl.scenes.sources import load_scene
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks

BINDINGS = 24  # the first bindings of each task (row-major order) that are compared


@pytest.fixture(scope="module")
def scene():
    from sims.walk import WalkOptions, walk_scene_doc

    room = load_scene("ithor:FloorPlan1")
    return scene_from_json(to_json_text(walk_scene_doc(room, WalkOptions(frames=8))) + "\n")


@pytest.fixture(scope="module")
def worlds(scene):
    copies = jittered_scenes(scene, 4, 0.02, seed=7)
    stack = stack_worlds(copies)
    assert stack is not None  # FloorPlan1 has a floor polygon: its room does not move
    return copies, stack


def _run(evaluator: Evaluator, node, env: Env):
    """(value, rejected rows, kinds) of one evaluation; an abort rejects every row."""
    try:
        value = evaluator.eval_node(node, env)
    except Abort:
        value = None
    rejected = env.rows.rejected.copy() if value is not None else np.ones(env.size, bool)
    kinds = [env.rows.rejection_of(r).kind if rejected[r] and env.rows.rejection_of(r)
             else None for r in range(env.size)]
    return value, rejected, kinds


def _row(value, r: int, t: T.Type, n: int, world: int | None = None):
    """Row r of a value as plain data (an Objects set as the member rows of its world)."""
    if t == T.OBJECTS:
        members = np.flatnonzero(np.asarray(value)[r if np.shape(value)[0] > 1 else 0])
        return [int(m) % n for m in members] if world is not None else members.tolist()
    item = element(value, r)
    item = item.tolist() if isinstance(item, np.ndarray) else item
    return world_value(item, t, n) if world is not None else item


def _limits(rows: int) -> Limits:
    """The limits scaled to a batch of rows, as the engine scales them."""
    return Limits(steps=DEFAULT_LIMITS.steps * rows, seconds=DEFAULT_LIMITS.seconds * rows)


def _compare_worlds(checked, node, t, names: dict, k: int, copies, stack, what: str):
    size = stack.worlds * k
    types = checked.task_params if checked.task is not None else {}
    stacked = {name: to_world_rows(v, types.get(name), stack, k) for name, v in names.items()}
    env = Env(stacked, size, Rows(size), np.repeat(np.arange(stack.worlds), k))
    value, rejected, kinds = _run(Evaluator(checked, stack.scene, _limits(size * stack.worlds),
                                            per_world=stack.n), node, env)
    for w, copy in enumerate(copies):
        alone, alone_rejected, alone_kinds = _run(Evaluator(checked, copy, _limits(k)), node,
                                                  Env(dict(names), k, Rows(k)))
        rows = slice(w * k, (w + 1) * k)
        assert rejected[rows].tolist() == alone_rejected.tolist(), (what, w)
        assert kinds[rows] == alone_kinds, (what, w)
        for j in np.flatnonzero(~alone_rejected):
            assert _row(value, w * k + j, t, stack.n, w) == _row(alone, j, t, stack.n), \
                (what, w, j)


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_each_world_of_a_stack_answers_as_that_world_alone_builtin_example(name, worlds):
    copies, stack = worlds
    checked = compile_source(f"let v = {BUILTINS[name].example}\nanswer 0\n")
    assert not [d for d in checked.diagnostics if d.severity == "error"], name
    node = checked.program.statements[0].value
    _compare_worlds(checked, node, checked.type_of(node), {}, 1, copies, stack, name)


@pytest.fixture(scope="module")
def templates():
    loaded, broken = load_tasks(["all"])
    assert not broken and len(loaded) >= 50
    return loaded


def _bindings(engine: SceneEngine, template):
    domains = [engine._domain(p) for p in template.params]
    sizes = tuple(size for size, _ in domains)
    total = int(np.prod(sizes)) if sizes else 1
    chunk = np.arange(min(total, BINDINGS))
    indices = list(np.unravel_index(chunk, sizes)) if sizes else []
    return engine._names(template, domains, indices), len(chunk)


def _task_nodes(template):
    task = template.task
    out = [("answer", task.answer.value, template.answer_type)]
    if task.where is not None:
        out.append(("where", task.where, T.BOOL))
    if task.choices is not None:
        out.append(("choices", task.choices, template.checked.type_of(task.choices)))
    return out


def test_each_world_of_a_stack_answers_as_that_world_alone_on_every_task(scene, worlds,
                                                                          templates):
    copies, stack = worlds
    engine = SceneEngine(scene, GenerateOptions())
    for template in templates:
        names, k = _bindings(engine, template)
        if k == 0:
            continue
        for what, node, t in _task_nodes(template):
            _compare_worlds(template.checked, node, t, names, k, copies, stack,
                            f"{template.name} {what}")


def test_segmented_calls_answer_as_row_by_row_on_every_task(scene, templates):
    engine = SceneEngine(scene, GenerateOptions())
    for template in templates:
        names, k = _bindings(engine, template)
        if k == 0:
            continue
        for what, node, t in _task_nodes(template):
            results = []
            for segmented in (True, False):
                evaluator = Evaluator(template.checked, scene, _limits(k), segmented=segmented)
                try:
                    results.append(_run(evaluator, node, Env(dict(names), k, Rows(k))))
                except LimitExceeded:  # pragma: no cover - the default limits suffice here
                    pytest.fail(f"{template.name} {what}: limits")
            (v1, r1, k1), (v2, r2, k2) = results
            assert r1.tolist() == r2.tolist() and k1 == k2, (template.name, what)
            for j in np.flatnonzero(~r1):
                assert _row(v1, j, t, scene.n) == _row(v2, j, t, scene.n), (template.name, what)


def test_generation_batched_and_one_by_one_make_the_same_items(scene, templates):
    # The engine end to end: same items (bytes of their JSON) and the same stats.
    out = {}
    for batched in (True, False):
        engine = SceneEngine(scene, GenerateOptions(per_scene=4), batched=batched)
        out[batched] = json.dumps([(items, stats.to_json()) for items, stats in
                                   (engine.run_task(t) for t in templates)], sort_keys=True)
    assert out[True] == out[False]
    assert '"producer": "template"' in out[True]  # items were made at all


def test_a_room_that_moves_is_not_stacked():
    # Without a floor polygon the room is the objects' bounds and moves with them.
    from spatial_dsl.scenes.format import scene_from_json as load

    doc = {"format": "spdsl.scene/1", "id": "boxes", "objects": [
        {"id": "a", "category": "Box", "center": [0, 0, 0.5], "size": [1, 1, 1]},
        {"id": "b", "category": "Box", "center": [3, 0, 0.5], "size": [1, 1, 1]}]}
    copies = jittered_scenes(load(json.dumps(doc)), 3, 0.02, seed=1)
    assert stack_worlds(copies) is None


# For the builtins whose catalog example reads a moving attribute (`height`, `center`,
# a distance): the same call on attributes that do not move. FloorPlan1 has one sink and
# many cabinets, so these answer rather than reject.
INVARIANT_EXAMPLES = {
    "abs": 'abs(the("Sink").size.x - 1m)',
    "all": 'all("Cabinet", o => o.longest < 0.6m)',
    "any": 'any("Cabinet", o => o.longest > 0.6m)',
    "argmax": 'argmax("Cabinet", o => o.volume)',
    "argmin": 'argmin("Cabinet", o => o.longest)',
    "filter": 'filter(objects, o => o.longest > 1m)',
    "first": 'first(sort("Cabinet", o => o.volume))',
    "intersect": 'intersect("Cabinet", filter(objects, o => o.longest > 0.5m))',
    "labels": 'labels(sort("Cabinet", o => o.volume))',
    "last": 'last(sort("Cabinet", o => o.volume))',
    "map": 'map("Cabinet", o => o.footprint)',
    "max": 'max("Cabinet", o => o.longest)',
    "mean": 'mean("Cabinet", o => o.width)',
    "min": 'min("Cabinet", o => o.length)',
    "norm": 'norm(the("Sink").size)',
    "round": 'round(the("Sink").longest in m, 2)',
    "sort": 'sort("Cabinet", o => o.volume)',
}


@pytest.mark.parametrize("name", sorted(WORLD_INVARIANT_BUILTINS))
def test_a_world_invariant_builtin_answers_the_same_on_every_jittered_copy(name, scene,
                                                                          worlds):
    # The engine skips the stability evaluation of an answer built only from these; so
    # each one's catalog example must give the original scene's value on every copy.
    copies, _ = worlds
    example = INVARIANT_EXAMPLES.get(name, BUILTINS[name].example)
    checked = compile_source(f"let v = {example}\nanswer 0\n")
    node = checked.program.statements[0].value
    assert world_invariant(checked, node), name
    t = checked.type_of(node)
    expected = _run(Evaluator(checked, scene), node, Env({}, 1, Rows(1)))
    for copy in copies:
        got = _run(Evaluator(checked, copy), node, Env({}, 1, Rows(1)))
        assert got[1].tolist() == expected[1].tolist() and got[2] == expected[2], name
        if not expected[1][0]:
            assert _row(got[0], 0, t, scene.n) == _row(expected[0], 0, t, scene.n), name


def test_world_invariance_is_decided_by_what_an_answer_reads():
    invariant = compile_source('let v = count(find("Chair")) + len(route(frame(0), frame(1)))'
                               '\nanswer 0\n')
    moving = compile_source('let v = count(filter(objects, o => o.height > 1m))\nanswer 0\n')
    through_def = compile_source('def tall(o: Object) -> Bool: o.top > 1m\n'
                                 'let v = count(filter(objects, o => tall(o)))\nanswer 0\n')
    assert world_invariant(invariant, invariant.program.statements[0].value)
    # `height` is top - bottom of the moved box (the same up to rounding, not bit for bit)
    assert not world_invariant(moving, moving.program.statements[0].value)
    assert not world_invariant(through_def, through_def.program.statements[-2].value)


def test_reference_search_proves_the_same_references_on_a_stack_of_worlds(monkeypatch):
    # refer's jitter proof runs each candidate once over the stacked copies; the report
    # (references, rejection counts, their order) is the one copy-by-copy proving gives.
    import spatial_dsl.refer.search as search
    from spatial_dsl.refer import find_references

    room = load_scene("ithor:FloorPlan201")
    stacked = find_references(room, True)
    monkeypatch.setattr(search, "stack_worlds", lambda copies: None)
    one_by_one = find_references(room, True)
    stacked.seconds = one_by_one.seconds = 0
    assert stacked.objects and stacked.rejected
    assert stacked == one_by_one
    assert list(stacked.rejected.items()) == list(one_by_one.rejected.items())


# Higher-order calls whose lambda rejects for some members: the row-by-row evaluation is
# the reference for which rejection (kind and message) each row reports.
SEGMENTED_PROGRAMS = [
    'count(filter(objects, o => distance(o, the(c)) < 2m))',
    # members of one row reject with different messages ("2 objects match", "3 objects")
    'count(filter(objects, o => o.category != c and distance(o, the(o.category)) < 3m))',
    'any(objects, o => o.category != c and distance(o, the(o.category)) > 30m)',
    'argmin(find(c), o => distance(o, the(c)))',
    'any(objects, o => o.category == c and near(o, the(c)))',
    'all(find(c), o => count(filter(objects, p => near(o, p) and distance(p, the(c)) < 3m)) > 0)',
    'map(find(c), o => the(c).height - o.height)',
    'labels(sort(find(c), o => o.volume))',
    'sum(find(c), o => count(filter(objects, p => on(p, o) and p.height < the(c).height)))',
    'max(objects, o => if o.category == c then distance(o, the(c)) else 0m)',
    'map([the(c), the("Sink")], o => o.top)',
]


@pytest.mark.parametrize("program", SEGMENTED_PROGRAMS)
def test_segmented_calls_report_the_rejection_each_row_reports_alone(program, scene):
    checked = compile_source(f'task t\n  modality scene\n  params c: Category\n'
                             f'  ask "What about the {{c}}?"\n  answer {program}\n')
    assert not [d for d in checked.diagnostics if d.severity == "error"], program
    node = checked.task.answer.value
    t = checked.type_of(node)
    categories = sorted(set(scene.categories))
    names = {"c": np.array(categories, dtype=object)}
    k = len(categories)
    results = []
    for segmented in (True, False):
        env = Env(dict(names), k, Rows(k))
        value, rejected, kinds = _run(Evaluator(checked, scene, _limits(k),
                                                segmented=segmented), node, env)
        messages = [env.rows.rejection_of(r).message if rejected[r] else None
                    for r in range(k)]
        results.append((value, rejected.tolist(), kinds, messages))
    (v1, r1, k1, m1), (v2, r2, k2, m2) = results
    assert r1 == r2 and k1 == k2 and m1 == m2
    assert any(r1)  # rejections were compared (and the answers of the rows that have one)
    for j in range(k):
        if not r1[j]:
            assert _row(v1, j, t, scene.n) == _row(v2, j, t, scene.n), categories[j]


def test_a_program_run_on_the_stacked_copies_gives_each_copy_s_own_result(scene):
    # synth's stability check (Program.run_copies): every runtime golden program
    # (tests/cases/run, lets, asserts and all) on jittered copies of its scene and of
    # FloorPlan1, stacked against one by one: the same answers and the same rejections.
    from spatial_dsl.api import compile_program
    from spatial_dsl.scenes.sources import load_scene as load

    cases = sorted((Path(__file__).parent / "cases" / "run").glob("*.sp"))
    scenes = {"floorplan1": scene}
    stacked = 0
    for case in cases:
        text = case.read_text(encoding="utf-8")
        program = compile_program(text, case.name)
        own = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                   if line.startswith("# scene:"))
        if own not in scenes:
            path = case.parent / own
            scenes[own] = load(str(path) if path.exists() else own)
        for room in {id(s): s for s in (scenes[own], scene)}.values():
            if program.check_scene(room):
                continue  # the room lacks a name the program uses
            copies = jittered_scenes(room, 3, 0.02, seed=5)
            stacked += stack_worlds(copies) is not None
            expected = [program.run(copy).to_json() for copy in copies]
            assert [r.to_json() for r in program.run_copies(copies)] == expected, case.name
    assert stacked >= 50  # most of them ran on a stack (FloorPlan1's room has a floor)


def test_an_item_s_program_text_is_its_program_printed(scene, templates):
    # item_text prints the statements every item of a template shares once per template;
    # the text must stay what printing the item's whole program gives.
    from spatial_dsl.lang.printer import print_program

    engine = SceneEngine(scene, GenerateOptions())
    for template in templates:
        domains = [engine._domain(p) for p in template.params]
        sizes = tuple(size for size, _ in domains)
        for binding in range(min(3, int(np.prod(sizes)) if sizes else 1)):
            ix = [int(i) for i in np.unravel_index(binding, sizes)] if sizes else []
            text = engine.item_text(template, ix, np.random.default_rng(binding))[2]
            program = engine.item_program(template, ix, np.random.default_rng(binding))[2]
            assert text == print_program(program), template.name


def test_an_item_s_text_does_not_depend_on_the_bindings_rendered_before_it(scene, templates):
    # item_text renders and prints each (parameter, domain index) once per template and
    # scene; an item must read the same whether its parameters were rendered just now
    # (a fresh engine, bindings last to first) or earlier for other items (first to last).
    def texts(order):
        engine = SceneEngine(scene, GenerateOptions())
        out = {}
        for template in templates:
            domains = [engine._domain(p) for p in template.params]
            sizes = tuple(size for size, _ in domains)
            count = min(6, int(np.prod(sizes)) if sizes else 1)
            for binding in order(range(count)):
                ix = [int(i) for i in np.unravel_index(binding, sizes)] if sizes else []
                out[template.name, binding] = engine.item_text(
                    template, ix, np.random.default_rng(binding))
        return out

    assert texts(list) == texts(lambda r: list(reversed(r)))


def test_a_new_template_of_the_same_name_is_rendered_from_its_own_parameters(scene):
    # The per-template printing is held by task name; another template of that name (a
    # task file edited and loaded again) must not be printed from the first one's.
    from spatial_dsl.tasks import compile_task

    source = ('task two_sizes\n  modality scene\n  params x: one of [{a}, {b}]\n'
              '  ask "Is {{x}} positive?"\n  answer x > 0\n')
    first = compile_task(source.format(a=1, b=2).encode(), "two_sizes.sp")
    second = compile_task(source.format(a=3, b=4).encode(), "two_sizes.sp")
    engine = SceneEngine(scene, GenerateOptions())
    rng = np.random.default_rng
    assert "let x = 1\n" in engine.item_text(first, [0], rng(0))[2]
    assert "let x = 3\n" in engine.item_text(second, [0], rng(0))[2]
    assert engine.item_text(second, [0], rng(0))[1] == "Is 3 positive?"


def test_items_do_not_depend_on_the_tasks_run_before_them_on_the_scene(scene, templates):
    # The engine keeps, per scene, the words of choice values (shared by all tasks) and
    # the printing of parameters (per task); every task's items must be the same whether
    # the tasks run first to last or last to first on a fresh engine, and no two items
    # may share a list a later reader could edit.
    forward = SceneEngine(scene, GenerateOptions(per_scene=6))
    ahead = {t.name: forward.run_task(t)[0] for t in templates}
    backward = SceneEngine(scene, GenerateOptions(per_scene=6))
    for template in reversed(templates):
        assert backward.run_task(template)[0] == ahead[template.name], template.name
    lists = [ids for items in ahead.values() for item in items
             for ids in (item["choice_ids"] or []) if ids is not None]
    assert lists and len({id(ids) for ids in lists}) == len(lists)


def test_an_item_s_question_is_the_first_draw_of_its_own_generator(scene, templates):
    # The engine writes the question and program of the selected candidates only, and a
    # task without choices draws its paraphrase then rather than when the binding is
    # accepted; a multiple-choice item draws it before its choices. Either way the record
    # must read what writing it at once gives: item_text with a fresh item_rng (whose
    # first draw is the paraphrase), for items with and without choices.
    engine = SceneEngine(scene, GenerateOptions(per_scene=4))
    kinds = set()
    for template in templates:
        domains = [engine._domain(p) for p in template.params]
        sizes = tuple(size for size, _ in domains)
        for item in engine.run_task(template)[0]:
            binding = int(item["id"].rsplit("/", 1)[1])
            ix = [int(i) for i in np.unravel_index(binding, sizes)] if sizes else []
            _, question, program = engine.item_text(template, ix,
                                                    engine.item_rng(template, binding))
            assert (item["question"], item["program"]) == (question, program), item["id"]
            if len(template.task.asks) > 1:
                kinds.add(item["choices"] is not None)
    assert kinds == {True, False}  # both kinds of item were drawn from a paraphrase list


def test_restrict_keeps_each_row_s_own_world_only():
    # restrict copies each row's own block of columns; by its definition, column c of a
    # stack of W worlds of N objects belongs to world c // N, and a row keeps exactly the
    # columns of its world. Random sets, a one-row set broadcast to every row, and rows
    # of worlds in any order.
    from spatial_dsl.runtime.worlds import restrict

    rng = np.random.default_rng(3)
    worlds, n = 4, 7
    column_world = np.arange(worlds * n) // n
    for rows in (1, 5, 12):
        world = rng.integers(worlds, size=rows)
        for masks in (rng.random((rows, worlds * n)) < 0.5,
                      rng.random((1, worlds * n)) < 0.5):
            expected = np.broadcast_to(masks, (rows, worlds * n)) & \
                (column_world[None, :] == world[:, None])
            got = restrict(masks, world, n)
            assert got.shape == expected.shape and (got == expected).all()
    assert restrict(masks, None, n) is masks  # a single world is left as it is


def _scalar_columns(rng, kind: str, size: int) -> np.ndarray:
    """A column of answers of one kind with the awkward values in it (ties, 0, -0.0,
    inf, nan, values 5 % apart)."""
    if kind == "b":
        return rng.random(size) < 0.5
    if kind == "i":
        return rng.integers(-3, 4, size=size)
    if kind == "s":
        words = rng.choice(["left", "right", "behind"], size=size)
        return np.array([np.str_(w) if i % 2 else str(w) for i, w in enumerate(words)],
                        dtype=object)  # as the runtime holds them: numpy's str or str
    base = rng.choice([0.0, -0.0, 1.0, 1.05, 0.95, 2.5, np.inf, np.nan, 1e-13], size=size)
    return base * rng.choice([1.0, 1.0, 1.049, 0.951, 1.051], size=size)


def test_same_elements_is_same_element_row_by_row():
    # The stability check compares a stacked batch of scalar answers as arrays
    # (answers.same_elements); each row must get what same_element gives its elements.
    from spatial_dsl.runtime.answers import same_element, same_elements
    from spatial_dsl.runtime.values import element

    rng = np.random.default_rng(11)
    for kinds in (("b", "b"), ("i", "i"), ("f", "f"), ("b", "f"), ("s", "s")):
        for tolerance in (0.0, 0.05):
            expected, got = (_scalar_columns(rng, kind, 400) for kind in kinds)
            fast = same_elements(expected, got, tolerance)
            slow = [same_element(element(expected, r), element(got, r), tolerance)
                    for r in range(400)]
            assert fast.tolist() == slow, (kinds, tolerance)
    words = np.array(["left", "right", "left", None], dtype=object)
    assert same_elements(words, words[[0, 0, 2, 3]]).tolist() == [True, False, True, True]
    ints, floats = np.arange(3), np.arange(3.0)
    assert same_elements(ints, floats) is None  # Python compares an int and a float exactly
    assert same_elements(np.array([[1]], dtype=object), np.array([[1]], dtype=object)) is None
    assert same_elements(np.array([[1], 2], dtype=object), np.array([[1], 2], dtype=object)) \
        is None  # not strings


def test_stable_rows_agree_with_the_element_by_element_check():
    # _stable_rows compares one stacked evaluation as arrays; _stable_elements is the
    # element-by-element rule. Same stable rows for booleans, numbers (with the 5 %
    # tolerance) and objects (stacked rows taken back to their own world), with rejected
    # rows, a broadcast original and live rows out of order.
    from spatial_dsl.tasks.engine import _Batch, _stable_elements, _stable_rows, _WorldRows

    rng = np.random.default_rng(5)
    worlds, k, n = 4, 9, 6
    for t, kind, tolerance in ((T.BOOL, "b", 0.0), (T.NUMBER, "f", 0.05), (T.INT, "i", 0.0),
                               (T.OBJECT, "o", 0.0), (T.STR, "s", 0.0)):
        for broadcast in (False, True):
            live = rng.permutation(12)[:k]
            if kind == "o":
                value = rng.integers(n, size=12)
                stacked = np.concatenate([value[live] + w * n for w in range(worlds)])
                moved = rng.random(worlds * k) < 0.1  # another object of the same world
                stacked[moved] = stacked[moved] // n * n + rng.integers(n, size=moved.sum())
            else:
                value = _scalar_columns(rng, kind, 12)
                stacked = np.concatenate([value[live]] * worlds)
                moved = rng.random(worlds * k) < 0.2
                stacked[moved] = _scalar_columns(rng, kind, int(moved.sum()))
            if broadcast:
                value = value[:1]
            rejected = rng.random(worlds * k) < 0.05
            trials = [_Batch(_WorldRows(stacked, w * k, t, n), rejected[w * k:(w + 1) * k], [])
                      for w in range(worlds)]
            fast = _stable_rows(value, live, trials, tolerance, t)
            assert fast is not None
            assert fast.tolist() == _stable_elements(value, live, trials, tolerance).tolist()
