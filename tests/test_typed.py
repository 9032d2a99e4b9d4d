"""The checker's typed program (lang/typed.py): ids, types, shapes, resolved calls."""

from __future__ import annotations

import re
from pathlib import Path

import spatial_dsl
from spatial_dsl.lang import ast as A
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.lang.typed import Shape

PROGRAM = '''def tall(o: Object, h: Length = 1m) -> Bool: o.height > h
let mugs = filter("Mug", m => tall(m) and count(filter(objects, o => near(o, m))) > 0)
let lamp = the("Lamp")
answer near(lamp, the("Desk"))
'''


def _checked(text: str = PROGRAM):
    checked = compile_source(text)
    assert checked.ok, [d.message for d in checked.diagnostics]
    return checked


def test_every_expression_has_one_stable_id_and_a_type():
    checked = _checked()
    nodes = list(checked.typed.nodes())
    assert sorted(t.nid for t in nodes) == list(range(checked.typed.size))
    # the same source gives the same ids, types and nodes in the same places
    again = list(_checked().typed.nodes())
    assert [(t.nid, t.type, type(t.node)) for t in nodes] == \
        [(t.nid, t.type, type(t.node)) for t in again]
    assert all(t.type not in (None, T.ERROR) for t in nodes)


def test_shapes_are_per_element_inside_lambda_bodies_only():
    checked = _checked()
    let_mugs = checked.typed.statements[1][1]
    assert let_mugs.shape is Shape.ONE and let_mugs.type == T.OBJECTS
    lam = let_mugs.kids[1]
    assert isinstance(lam.node, A.Lambda) and lam.type == T.FnType(T.OBJECT, T.BOOL)
    default = checked.typed.definitions["tall"].defaults[1]  # typed once, at the `def`
    assert default.shape is Shape.ONE
    inside = [t for t in lam.kids[0].walk() if t is not default]
    assert len(inside) > 10 and all(t.shape is Shape.PER_ELEMENT for t in inside)
    assert checked.typed.statements[3][1].shape is Shape.ONE


def test_calls_carry_their_kernel_arguments_in_declared_order_and_coercions():
    checked = _checked()
    answer = checked.typed.statements[3][1]
    assert answer.kernel == ("near", 0) and not answer.higher_order
    lamp, desk, within = answer.kids  # the default `within` is filled in and typed
    assert isinstance(lamp.node, A.Name) and desk.kernel == ("the", 0)
    assert within.node == A.Quantity(1, "m") and within.type == T.LENGTH
    assert desk.kids[0].coercion == "find"  # the("Desk"): a Str where Objects is expected
    let_mugs = checked.typed.statements[1][1]
    assert let_mugs.higher_order and let_mugs.kids[0].coercion == "find"


def test_a_def_call_carries_the_typed_body_and_default():
    checked = _checked()
    (call,) = [t for t in checked.typed.calls() if t.call.definition is not None]
    tdef = checked.typed.definitions["tall"]
    assert call.body is tdef.body and call.body.type == T.BOOL
    m, h = call.kids
    assert m.type == T.OBJECT and h is tdef.defaults[1] and h.type == T.LENGTH


def test_task_clauses_are_typed():
    text = ('task t\n  modality image\n  params a: Category\n  where count(find(a)) > 1\n'
            '  ask "How many {a:plural}?"\n  answer count(find(a))\n')
    checked = _checked(text)
    assert set(checked.typed.task) >= {"where", "answer"}
    assert checked.typed.of(checked.task.where) is checked.typed.task["where"]
    assert checked.typed.task["answer"].type == T.INT


def test_type_of_finds_any_expression_and_refuses_a_stranger():
    checked = _checked()
    answer = checked.program.statements[-1].value
    assert checked.type_of(answer) == T.BOOL
    assert checked.type_of(answer.args[1].args[0]) == T.STR
    assert checked.typed.find(A.Name("lamp")) is None  # equal, but not this program's node


def test_no_side_table_is_keyed_by_node_identity():
    root = Path(spatial_dsl.__path__[0])
    files = [*(root / "lang").rglob("*.py"), *(root / "runtime").rglob("*.py"),
             root / "show.py", root / "scoring.py"]
    keyed = re.compile(r"\[id\((node|arg|expr|n|a|stmt)\b|\.get\(id\(")
    found = [f"{p.name}: {m.group(0)}" for p in files if p.exists()
             for m in keyed.finditer(p.read_text(encoding="utf-8"))]
    assert found == []
