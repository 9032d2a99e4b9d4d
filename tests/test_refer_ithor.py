"""References on real iTHOR rooms: every one selects exactly its object when run alone.

Each reference is re-run the way `spdsl run` runs a program (``compile_program`` +
``Program.run``), on the scene and on fresh jittered copies the search never saw:
it must answer its own object, never a rejection (``NoMatch`` = zero objects,
``Ambiguous`` = two or more) and never another object.
"""

from __future__ import annotations

from collections import Counter

import pytest

from spatial_dsl import compile_program, load_scene
from spatial_dsl.lang.printer import expr as print_expr
from spatial_dsl.refer import find_references, jitter_for, references_for_binding

ROOMS = ["ithor:FloorPlan1", "ithor:FloorPlan15", "ithor:FloorPlan201", "ithor:FloorPlan301",
         "ithor:FloorPlan401"]


def run_id(scene, expression: str):
    result = compile_program(f"answer ({expression}).id").run(scene)
    return result.answer.text if result.ok else f"rejected {result.rejection.kind}"


@pytest.mark.parametrize("ref", ROOMS)
def test_every_reference_selects_exactly_its_object(ref):
    scene = load_scene(ref)
    report = find_references(scene, per_kind=None)  # every candidate that passes
    counts = Counter(scene.categories)
    assert [o.object_id for o in report.objects] == [
        scene.ids[i] for i in range(scene.n) if counts[scene.categories[i]] > 1]
    assert report.references, ref
    other_seed = jitter_for(scene, seed=12345)
    expressions = set()
    for entry in report.objects:
        for r in entry.references:
            assert r.object_id == entry.object_id
            assert r.expression not in expressions  # one expression, one object
            expressions.add(r.expression)
            assert run_id(scene, r.expression) == entry.object_id, r
            assert r.text.startswith("the ") and "  " not in r.text
        for r in entry.references[:1]:  # a jitter the proof did not use
            assert {run_id(j, r.expression) for j in other_seed} == {entry.object_id}, r
    assert 0.0 < report.coverage <= 1.0
    assert report.referenced + len(report.unreferenced) == len(report.objects)


def test_default_search_is_a_subset_of_the_full_one():
    scene = load_scene("ithor:FloorPlan1")
    full = {(r.object_id, r.expression) for r in find_references(scene, per_kind=None)
            .references}
    default = find_references(scene)
    assert {(r.object_id, r.expression) for r in default.references} <= full
    by_kind = Counter((r.object_id, r.kind) for r in default.references)
    assert max(by_kind.values()) <= 2
    # the same objects are covered: per_kind only bounds how many references are proved
    assert default.coverage == pytest.approx(
        len({oid for oid, _ in full}) / len(default.objects))


def test_binding_domain_on_a_kitchen():
    scene = load_scene("ithor:FloorPlan1")
    bindings = references_for_binding(scene)
    assert len({oid for oid, _, _ in bindings}) == len(bindings)
    for oid, expression, text in bindings:
        program = compile_program(f"let a = {print_expr(expression)}\nanswer a.id")
        assert program.run(scene).answer.text == oid, text


def test_view_references_on_a_walked_room():
    from sims.walk import walk_scene

    scene = walk_scene(load_scene("ithor:FloorPlan201"))
    assert scene.frames.count > 0
    report = find_references(scene, frames=True, kinds=("view",), per_kind=1)
    views = [r for r in report.references]
    assert views and all(r.kind == "view" and r.frame is not None for r in views)
    for r in views:
        assert f"frame({r.frame})" in r.expression
        assert r.text.endswith("in this view")
        assert run_id(scene, r.expression) == r.object_id, r
