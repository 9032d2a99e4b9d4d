"""The type checker: dimension rules, calls and overloads, names, limits, scene names."""

from __future__ import annotations

import difflib
import json
import re

import pytest

from spatial_dsl.lang import ast as A
from spatial_dsl.lang import types as T
from spatial_dsl.lang.builtins import BUILTINS
from spatial_dsl.lang.check.checker import MAX_DEPTH, MAX_STATEMENTS, compile_source
from spatial_dsl.lang.diagnostics import CODES, render_all_text, render_json

PRELUDE = ('let o = the("Sofa")\nlet p = the("Lamp")\nlet f = frame(0)\n'
           'let v = o.center\nlet L = o.height\nlet S = find("Chair")\n')


def type_of(expr_text: str) -> T.Type:
    checked = compile_source(PRELUDE + f"let result = {expr_text}\nanswer 1\n")
    assert checked.diagnostics == [], [d.message for d in checked.diagnostics]
    let = checked.program.statements[-2]
    return checked.type_of(let.value)


def codes(text: str) -> list[str]:
    return [d.code for d in compile_source(text).diagnostics]


def messages(text: str) -> list[str]:
    return [d.message for d in compile_source(text).diagnostics]


# -------------------------------------------------------------- dimension rules

@pytest.mark.parametrize("expr, expected", [
    ("1 + 2", T.INT), ("1 - 2", T.INT), ("2 * 3", T.INT), ("1 / 2", T.NUMBER),
    ("1 + 2.5", T.NUMBER), ("-3", T.INT), ("-2.5", T.NUMBER),
    ("1m + 30cm", T.LENGTH), ("1m - 5mm", T.LENGTH),
    ("1m * 1m", T.AREA), ("2m2 * 1m", T.VOLUME), ("1m * 2m2", T.VOLUME),
    ("1m / 1cm", T.NUMBER), ("2m2 / 1cm2", T.NUMBER), ("1L / 1m3", T.NUMBER),
    ("90deg / 1deg", T.NUMBER),
    ("2 * 1m", T.LENGTH), ("1m * 2", T.LENGTH), ("2.5 * 1m2", T.AREA), ("1m / 2", T.LENGTH),
    ("1m3 / 2.0", T.VOLUME), ("-1m", T.LENGTH), ("-v", T.VEC3),
    ("v + v", T.VEC3), ("v - v", T.VEC3), ("2 * v", T.VEC3), ("v * 2", T.VEC3),
    ("v / 2", T.VEC3),
    ("1m in cm", T.NUMBER), ("1m2 in cm2", T.NUMBER), ("1L in m3", T.NUMBER),
    ("90deg in deg", T.NUMBER),
    ("sqrt(4)", T.NUMBER), ("sqrt(2m2)", T.LENGTH), ("abs(-1)", T.INT), ("abs(-1m)", T.LENGTH),
    ("round(1.25m, 1)", T.LENGTH), ("round(7)", T.INT), ("round(2.5)", T.NUMBER),
    ("min(1m, 2cm)", T.LENGTH), ("max(1, 2.5)", T.NUMBER), ("min(1, 2)", T.INT),
    ("norm(v)", T.LENGTH), ("vec(1m, 2m, 0m)", T.VEC3), ("v.z", T.LENGTH),
    ("o.height", T.LENGTH), ("o.footprint", T.AREA), ("o.volume", T.VOLUME),
    ("o.yaw", T.ANGLE), ("o.label", T.STR), ("o.size", T.VEC3), ("f.index", T.INT),
    ("f.time", T.NUMBER), ("f.position", T.VEC3), ("room.area", T.AREA),
    ("room.height", T.LENGTH), ("objects", T.OBJECTS), ("frames", T.ListType(T.FRAME)),
    ("1 < 2.5", T.BOOL), ("1m >= 3cm", T.BOOL), ("o == p", T.BOOL), ("f != f", T.BOOL),
    ('"a" == "b"', T.BOOL), ("true == false", T.BOOL), ("not true", T.BOOL),
    ("true and false or true", T.BOOL),
    ("if true then 1 else 2.5", T.NUMBER), ("if true then [] else [1m]", T.ListType(T.LENGTH)),
    ("[1, 2.5]", T.ListType(T.NUMBER)), ("[o, p]", T.ListType(T.OBJECT)),
    ("[[1], []]", T.ListType(T.ListType(T.INT))), ("[1m, 2m][0]", T.LENGTH),
    ("count(S)", T.INT), ('count("Chair")', T.INT), ("the(S)", T.OBJECT),
    ("filter(S, c => c.height > 1m)", T.OBJECTS), ("argmin(S, c => distance(c, o))", T.OBJECT),
    ("min(S, c => c.height)", T.LENGTH), ("sum(S, c => 1)", T.INT),
    ("mean(S, c => 1)", T.NUMBER), ("mean(S, c => c.volume)", T.VOLUME),
    ("sort(S, c => c.top)", T.ListType(T.OBJECT)), ("map(S, c => c.label)", T.ListType(T.STR)),
    ("map([1m, 2m], x => x * 2)", T.ListType(T.LENGTH)),
    ("map(frames, g => g.index)", T.ListType(T.INT)),
    ("labels(S)", T.ListType(T.STR)), ("first(frames)", T.FRAME), ("len(frames)", T.INT),
    ("bearing(o, p, v)", T.ANGLE), ("direction(o, p, v)", T.STR), ("clock(o, p, p)", T.INT),
    ("to_camera(o, f)", T.VEC3), ("route(f, f)", T.ListType(T.STR)),
    ("appearance_order(S)", T.ListType(T.OBJECT)), ("turn(f, f)", T.ANGLE),
])
def test_expression_types(expr, expected):
    assert type_of(expr) == expected


@pytest.mark.parametrize("expr", [
    "1m + 1m2", "1m2 / 1m", "1m * 1m * 1m * 1m", "1deg + 1m", "1m + 1", "1 - 1m",
    "v + 1m", "v * v", "1 / 1m", "1m < 1", "1m2 > 1m", '"a" < "b"', "o < p", "o == f",
    "v == v", "true + 1", "-true", '-"s"', "not 1", "1 and true", "1m in deg",
    "1 in m", "o.height in cm2", "if 1 then 2 else 3", "if true then 1 else 1m",
    "[1, 1m]", "S[0]", "o[0]", "frames[1.5]", "sqrt(1m)", "abs(v)", "min(1m, 2)",
    "round(1m, 1.5)", "norm(o)", "vec(1, 2, 3)", "count(o)", "the(o)",
    "filter(S, c => c.height)", "argmin(S, c => c.label)", "sum(S, c => c.center)",
    "first(S)", "len(S)", "o.nope", "v.w", "f.index.x", "S.height", "distance(o, 1m)",
    "near(o, p, within=1)", "direction(o, p, p, sectors=3)", "direction(o, p, p, margin=5)",
])
def test_type_errors(expr):
    found = codes(PRELUDE + f"let result = {expr}\nanswer 1\n")
    assert found and set(found) <= {"E-TYPE", "E-NAME"}, found


def test_quantity_equality_is_a_warning_not_an_error():
    checked = compile_source("answer 1m == 100cm\n")
    assert checked.ok
    ((code, severity),) = [(d.code, d.severity) for d in checked.diagnostics]
    assert (code, severity) == ("W-EQ", "warning")
    for text in ("answer 1 == 1.0\n", 'answer "a" != "b"\n', "answer true == false\n"):
        assert compile_source(text).diagnostics == []


def test_spec_section8_example():
    text = 'let a = the("Sink")\nlet b = the("Fridge")\nanswer distance(a, b) > 1.5\n'
    checked = compile_source(text, "count.sp")
    assert render_all_text(checked.diagnostics, checked.source) == (
        "count.sp:3:25: error[E-TYPE]: expected Length, got Number\n"
        "  3 | answer distance(a, b) > 1.5\n"
        "    |                         ^^^ write 1.5m for a length")
    (record,) = json.loads(render_json(checked.diagnostics))
    assert record == {"code": "E-TYPE", "severity": "error",
                      "message": "expected Length, got Number", "line": 3, "column": 25,
                      "end_line": 3, "end_column": 28, "hint": "write 1.5m for a length"}


@pytest.mark.parametrize("expr, hint", [
    ("o.height > 2", "write 2m for a length"),
    ("o.footprint < 0.5", "write 0.5m2 for an area"),
    ("o.volume >= 3", "write 3m3 for a volume"),
    ("o.yaw > 90", "write 90deg for an angle"),
    ("near(o, p, within=0.5)", "write 0.5m for a length"),
    ("1e-3 < o.height", "write 1e-3m for a length"),
])
def test_unit_hints_quote_the_number_as_written(expr, hint):
    checked = compile_source(PRELUDE + f"answer {expr}\n")
    assert [d.hint for d in checked.diagnostics] == [hint]


# ------------------------------------------------------------ calls & overloads

def test_objects_parameters_accept_a_name_or_a_list():
    checked = compile_source('answer the(sort("Chair", c => c.height))\n')
    assert checked.ok
    assert sorted(t.coercion for t in checked.typed.nodes() if t.coercion) == ["find", "set"]


def test_map_of_a_list_of_objects_keeps_list_order():
    """map over List[Object] is the List overload (list order), not a coercion to a set."""
    checked = compile_source('answer map(sort("Chair", c => c.height), c => c.label)\n')
    assert checked.ok
    (info,) = [c for c in (t.call for t in checked.typed.calls()) if c.builtin.name == "map"]
    assert info.overload.text.startswith("map(xs: List[T]")
    checked = compile_source('answer map("Chair", c => c.label)\n')
    (info,) = [c for c in (t.call for t in checked.typed.calls()) if c.builtin.name == "map"]
    assert info.overload.text.startswith("map(xs: Objects")


def test_overload_mismatch_reports_the_closest_overload():
    (d,) = compile_source("answer min(1m, 2)\n").diagnostics
    assert d.message == "argument `b` of `min`: expected Length, got Int"
    assert d.hint == "write 2m for a length"


def test_defaults_are_filled_in_call_info():
    checked = compile_source('answer near(the("A"), the("B"))\n')
    (info,) = [c for c in (t.call for t in checked.typed.calls()) if c.builtin.name == "near"]
    assert len(info.args) == 3
    assert info.args[2] == A.Quantity(1, "m")
    assert checked.type_of(info.args[2]) == T.LENGTH


def test_keyword_arguments_bind_by_name():
    checked = compile_source('answer direction(target=the("C"), at=the("A"), facing=the("B"), '
                             'sectors=8)\n')
    assert checked.ok
    (info,) = [c for c in (t.call for t in checked.typed.calls()) if c.builtin.name == "direction"]
    assert [a.args[0].value if isinstance(a, A.Call) else a for a in info.args[:3]] == \
        ["A", "B", "C"]


@pytest.mark.parametrize("text, message", [
    ("answer distance(o)", "`distance` is missing argument `b`"),
    ("answer distance(o, o, o)", "`distance` takes at most 2 arguments, got 3"),
    ("answer near(o, o, radius=1m)", "`near` has no parameter `radius`"),
    ("answer near(o, o, within=1m, within=2m)", "argument `within` of `near` given twice"),
    ("answer near(o, o, 1m, within=2m)", "argument `within` of `near` given twice"),
    ("answer count()", "`count` is missing argument `S`"),
    ("answer len(frames, 1)", "`len` takes at most 1 argument, got 2"),
])
def test_arity_errors(text, message):
    checked = compile_source('let o = the("A")\n' + text + "\n")
    assert [(d.code, d.message) for d in checked.diagnostics] == [("E-ARITY", message)]


def test_lambda_rules():
    assert codes("answer count(filter(objects, 3))\n") == ["E-TYPE"]
    assert codes("answer abs(x => x)\n") == ["E-TYPE"]
    assert codes("def f(x: Int) -> Int: x\nanswer f(y => y)\n") == ["E-TYPE"]
    assert codes("answer count(objects, o => true)\n") == ["E-ARITY"]
    assert codes("let f = o => o\nanswer 1\n") == ["E-SYNTAX"]
    assert codes("answer [o => o]\n") == ["E-SYNTAX"]
    # a lambda parameter shadows an outer name and is visible only in its body
    assert codes('let o = 3\nanswer count(filter(objects, o => o.height > 1m)) + o\n') == []
    assert codes("let a = count(filter(objects, q => true))\nanswer q\n") == ["E-NAME"]


# ---------------------------------------------------------------------- names

def test_unknown_names_get_suggestions():
    (d,) = compile_source('let fridge = the("Fridge")\nanswer distnce(fridge, fridge)\n')\
        .diagnostics
    assert d.code == "E-NAME" and d.message == "unknown function `distnce`"
    assert d.hint.startswith("did you mean `distance`")
    (d,) = compile_source('let fridge = the("Fridge")\nanswer fridg.height\n').diagnostics
    assert d.hint.startswith("did you mean `fridge`")
    (d,) = compile_source('answer the("A").heigth\n').diagnostics
    assert d.hint.startswith("did you mean `height`")
    (d,) = compile_source('answer xyzzy\n').diagnostics
    assert d.code == "E-NAME" and d.hint is None


def test_names_are_immutable_and_builtins_cannot_be_rebound():
    assert codes("let a = 1\nlet a = 2\nanswer a\n") == ["E-NAME"]
    assert codes("let distance = 1\nanswer 1\n") == ["E-NAME"]
    assert codes("let room = 1\nanswer 1\n") == ["E-NAME"]
    assert codes("def f() -> Int: 1\nlet f = 2\nanswer 1\n") == ["E-NAME"]
    assert codes("let f = 2\ndef f() -> Int: 1\nanswer 1\n") == ["E-NAME"]
    assert codes("def abs(x: Int) -> Int: x\nanswer 1\n") == ["E-NAME"]


def test_definitions_see_only_what_is_above():
    assert codes("def f(x: Int) -> Int: f(x)\nanswer 1\n") == ["E-NAME"]
    assert codes("def f(x: Int) -> Int: g(x)\ndef g(x: Int) -> Int: x\nanswer 1\n") == ["E-NAME"]
    assert codes("def g(x: Int) -> Int: x\ndef f(x: Int) -> Int: g(x) + 1\nanswer f(2)\n") == []
    assert codes("let k = 3\ndef f(x: Int) -> Int: x + k\nanswer f(2)\n") == []
    assert codes("def f(x: Int) -> Int: x + k\nlet k = 3\nanswer f(2)\n") == ["E-NAME"]


def test_definition_calls():
    prelude = "def f(a: Length, b: Length = 1m) -> Bool: a < b\n"
    checked = compile_source(prelude + "answer f(2m) and f(2m, 3m) and f(b=1cm, a=2cm)\n")
    assert checked.ok
    calls = [c for c in (t.call for t in checked.typed.calls()) if c.definition is not None]
    assert len(calls) == 3 and all(len(c.args) == 2 for c in calls)
    assert codes(prelude + "answer f()\n") == ["E-ARITY"]
    assert codes(prelude + "answer f(1)\n") == ["E-TYPE"]
    assert codes(prelude + "answer f(1m, c=2m)\n") == ["E-ARITY"]
    assert codes("def f(x: Thing) -> Int: 1\nanswer f(1)\n") == ["E-TYPE"]


def test_type_annotations():
    assert codes("let a: Length = 1m\nlet b: Number = 2\nlet c: List[Str] = []\nanswer 1\n") == []
    assert codes("let a: Length = 1\nanswer 1\n") == ["E-TYPE"]
    assert codes("let a: Lenght = 1m\nanswer 1\n") == ["E-TYPE"]
    assert messages("let a: Int[Str] = 1\nanswer 1\n") == ["`Int` takes no type argument"]
    assert messages("let a: List = []\nanswer 1\n") == ["`List` needs an element type"]


# -------------------------------------------------------------------- answers

@pytest.mark.parametrize("expr, answer_type", [
    ("true", T.BOOL), ("1", T.INT), ("1.5", T.NUMBER), ('"s"', T.STR), ("1m", T.LENGTH),
    ("1m2", T.AREA), ("1L", T.VOLUME), ("1deg", T.ANGLE), ('the("A")', T.OBJECT),
    ("frame(0)", T.FRAME), ('labels("A")', T.ListType(T.STR)),
    ('sort("A", o => o.height)', T.ListType(T.OBJECT)), ("[]", T.ListType(T.NOTHING)),
])
def test_answerable_types(expr, answer_type):
    checked = compile_source(f"answer {expr}\n")
    assert checked.ok and checked.answer_type == answer_type


@pytest.mark.parametrize("expr", ['find("A")', 'the("A").center', "vec(1m, 1m, 1m)",
                                  "[objects]", "room"])
def test_unanswerable_types(expr):
    assert codes(f"answer {expr}\n") == ["E-TYPE"]


def test_answer_statement_rules():
    assert messages("let a = 1\n") == ["the program has no `answer` statement"]
    assert messages("") == ["the program has no `answer` statement"]
    assert messages("answer 1\nanswer 2\n") == ["a program has exactly one `answer`"]
    assert messages("answer 1\nlet a = 2\n") == ["`answer` must be the last statement"]
    assert codes('question "q"\nquestion "r"\nanswer 1\n') == ["E-SYNTAX"]
    assert codes('let a = 1\nquestion "q"\nanswer 1\n') == ["E-SYNTAX"]
    checked = compile_source('question "How tall?"\nanswer 1\n')
    assert checked.ok and checked.question == "How tall?"


# --------------------------------------------------------------------- limits

def test_statement_limit_is_inclusive():
    body = "".join(f"let x{i} = {i}\n" for i in range(MAX_STATEMENTS - 1))
    assert compile_source(body + "answer 1\n").ok
    checked = compile_source(body + "let extra = 1\nanswer 1\n")
    assert [d.code for d in checked.diagnostics] == ["E-LIMIT"]
    assert checked.diagnostics[0].span.line == MAX_STATEMENTS + 1


def test_depth_limit_is_inclusive():
    def nested(depth: int) -> str:  # `-` chains: the answer's value has height `depth`
        return "answer " + "-" * (depth - 1) + "1\n"

    assert compile_source(nested(MAX_DEPTH - 1)).ok
    assert [d.code for d in compile_source(nested(MAX_DEPTH)).diagnostics] == ["E-LIMIT"]
    # depth counts the statement node too: `answer` + 63 levels of expression is 64
    checked = compile_source(nested(MAX_DEPTH + 5))
    assert checked.diagnostics[0].hint == "name intermediate values with `let`"


def test_limits_do_not_hide_other_statements_errors():
    text = "let a = " + "-" * 80 + "1\nlet b = 1m + 1\nanswer a\n"
    assert codes(text) == ["E-LIMIT", "E-TYPE"]  # and no E-NAME for the unchecked `a`
    text = "def f(x: Int) -> Int: " + "-" * 80 + "x\nanswer f(1)\n"
    assert codes(text) == ["E-LIMIT"]


# -------------------------------------------------------------- many errors

def test_every_error_is_reported_in_source_order():
    text = ('let a = distnce(the("A"), the("B"))\n'
            "let b = 5ft\n"
            "let c = 1m + 1m2\n"
            "let d = near(the(\"A\"))\n"
            "let e = 1 in inch\n"
            "answer undefined_name\n")
    checked = compile_source(text)
    assert [d.code for d in checked.diagnostics] == [
        "E-NAME", "E-UNIT", "E-TYPE", "E-ARITY", "E-UNIT", "E-NAME"]
    positions = [(d.span.line, d.span.column) for d in checked.diagnostics]
    assert positions == sorted(positions)


def test_one_mistake_is_reported_once():
    """An expression with an error has the error type, which fits everywhere afterwards."""
    text = "let a = undefined_thing\nlet b = a + 1m\nlet c = a.height > 2m\nanswer a\n"
    assert codes(text) == ["E-NAME"]


# ---------------------------------------------------------------- scene names


class FakeScene:
    names = {"fridge", "sink", "stoveburner", "chair", "diningtable"}

    @staticmethod
    def _key(name: str) -> str:
        return re.sub(r"[\s_-]", "", name).lower()

    def has_name(self, name: str) -> bool:
        return self._key(name) in self.names

    def suggest_names(self, name: str) -> list[str]:
        return difflib.get_close_matches(self._key(name), sorted(self.names), n=2)


def test_scene_names_are_checked_when_a_scene_is_given():
    text = ('let a = the("Fridgee")\nlet b = count(find("stove burner"))\n'
            'let c = filter(objects, o => o.category == "Chiar")\n'
            'let d = union("Sink", "Toilet")\nanswer a.label\n')
    assert compile_source(text).ok  # no scene: no E-SCENE-NAME
    checked = compile_source(text, scene=FakeScene())
    found = [(d.code, d.span.line, d.hint) for d in checked.diagnostics]
    assert found == [("E-SCENE-NAME", 1, 'did you mean "fridge"?'),
                     ("E-SCENE-NAME", 3, 'did you mean "chair"?'),
                     ("E-SCENE-NAME", 4, None)]
    assert checked.diagnostics[0].message == 'the scene has no object named "Fridgee"'


# ------------------------------------------------------------ every builtin

BUILTIN_NAMES = sorted(BUILTINS)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_each_builtin_example_checks_clean(name):
    """One clean program per builtin, made from the registry's own example."""
    builtin = BUILTINS[name]
    text = f'question "example of {name}"\nlet _x = {builtin.example}\nanswer 1\n'
    checked = compile_source(text)
    assert checked.diagnostics == [], [d.message for d in checked.diagnostics]
    used = [c for c in (t.call for t in checked.typed.calls()) if c.builtin is builtin]
    assert used or builtin.is_constant, f"the example of {name} does not call it"
    if builtin.is_constant:
        assert re.search(rf"\b{name}\b", builtin.example)


def test_every_builtin_is_used_in_some_clean_golden_program_or_example():
    from tests.golden import CASES

    texts = [p.read_text(encoding="utf-8") for p in CASES.glob("clean_*.sp")]
    used = set()
    for text in texts:
        checked = compile_source(text)
        assert checked.ok
        used |= {t.kernel[0] for t in checked.typed.calls() if t.kernel is not None}
        used |= {b for b in BUILTINS if BUILTINS[b].is_constant and re.search(rf"\b{b}\b", text)}
    assert used == set(BUILTINS), sorted(set(BUILTINS) - used)


def test_diagnostic_codes_are_registered():
    from spatial_dsl.lang.diagnostics import Diagnostic

    with pytest.raises(ValueError):
        Diagnostic("E-NOPE", "x")
    assert set(CODES) >= {"E-SYNTAX", "E-NAME", "E-TYPE", "E-ARITY", "E-UNIT", "E-SCENE-NAME",
                          "E-ANSWER", "E-LIMIT", "W-EQ"}
