"""Differential tests (language.md §10): the vectorized runtime against the naive
per-element reference interpreter (spatial_dsl.runtime.reference).

For every generated (program, scene) pair both must give the same answer
(numbers within 1e-9, or 1e-6 when `gap` is involved) and the same let values,
or the same rejection (same kind and same span). Hand-derived cases pin the
per-element order of rejections that a batch evaluation could get wrong.
"""

from __future__ import annotations

import copy
import json
import math

from hypothesis import HealthCheck, given, settings

from spatial_dsl.lang import ast
from spatial_dsl.lang.builtins import ATTRIBUTES, BUILTINS
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.runtime.eval import Evaluator
from spatial_dsl.runtime.kernels import ATTRIBUTE_KERNELS, KERNELS
from spatial_dsl.runtime.reference import (
    REFERENCE_ATTRIBUTES, REFERENCES, ReferenceInterpreter, plain_runtime, round_half_away,
    same_plain, to_plain,
)
from spatial_dsl.scenes.format import scene_from_dict
from tests.strategies import scene_docs, scenes_and_programs, scenes_and_sweeps

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])


# ------------------------------------------------------------------ harness


def run_both(source: str, doc: dict):
    """Compile (the generator must produce well-typed programs) and run both interpreters."""
    checked = compile_source(source)
    errors = [d for d in checked.diagnostics if d.severity == "error"]
    assert not errors, f"generated program does not compile: {errors}\n{source}"
    scene = scene_from_dict(copy.deepcopy(doc))
    vectorized = Evaluator(checked, scene)
    reference = ReferenceInterpreter(checked, scene)
    return checked, vectorized, vectorized.run(), reference, reference.run()


def _where(rejection) -> str:
    if rejection is None:
        return "no rejection"
    s = rejection.span
    return f"{rejection.kind} at {s.line}:{s.column}-{s.end_line}:{s.end_column} " \
           f"({rejection.message})"


def assert_agree(source: str, doc: dict):
    """Both interpreters give the same answer and let values, or the same rejection."""
    checked, vec, (v1, r1), ref, (v2, r2) = run_both(source, doc)
    context = f"\nprogram:\n{source}\nscene: {json.dumps(doc)}"
    if r1 is not None or r2 is not None:
        same = (r1 is not None and r2 is not None and r1.kind == r2.kind
                and r1.span == r2.span)
        assert same, f"vectorized: {_where(r1)}\nreference: {_where(r2)}{context}"
        return r1
    tol = 1e-6 if "gap(" in source else 1e-9
    for stmt in checked.program.statements:
        if isinstance(stmt, ast.Let):
            t = checked.type_of(stmt.value)
            a = plain_runtime(vec.globals[stmt.name], t)
            b = to_plain(ref.globals[stmt.name], t)
            assert same_plain(a, b, t, tol), \
                f"let {stmt.name}: {t}\nvectorized: {a}\nreference:  {b}{context}"
    t = checked.answer_type
    a, b = plain_runtime(v1, t), to_plain(v2, t)
    assert same_plain(a, b, t, tol), f"answer: {t}\nvectorized: {a}\nreference:  {b}{context}"
    return a


def span_of(source: str, text: str, occurrence: int = 0) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of an occurrence of ``text`` in ``source``."""
    start = -1
    for _ in range(occurrence + 1):
        start = source.index(text, start + 1)
    line = source.count("\n", 0, start) + 1
    column = start - (source.rfind("\n", 0, start) + 1) + 1
    end = start + len(text)
    end_line = source.count("\n", 0, end) + 1
    end_column = end - (source.rfind("\n", 0, end) + 1) + 1
    return line, column, end_line, end_column


def expect_rejection(source: str, doc: dict, kind: str, at: str, occurrence: int = 0):
    """Both interpreters reject with ``kind`` at the node whose text is ``at``."""
    rejection = assert_agree(source, doc)
    assert rejection is not None and rejection.kind == kind, _where(rejection)
    s = rejection.span
    assert (s.line, s.column, s.end_line, s.end_column) == span_of(source, at, occurrence), \
        f"{_where(rejection)}: expected the span of {at!r}"


def answer_of(source: str, doc: dict):
    value = assert_agree(source, doc)
    assert value is not None and not hasattr(value, "kind"), _where(value)
    return value


# ------------------------------------------------------------- completeness


def test_every_builtin_overload_has_a_kernel_and_a_reference():
    missing = []
    for builtin in BUILTINS.values():
        if builtin.is_constant:  # `objects`, `frames`, `room` are names, not calls
            continue
        for i in range(len(builtin.overloads)):
            for table, what in ((KERNELS, "kernel"), (REFERENCES, "reference")):
                if (builtin.name, i) not in table:
                    missing.append(f"{builtin.name}#{i}: no {what}")
    # The operators the evaluators dispatch through the same tables.
    for key in KERNELS:
        if key not in REFERENCES:
            missing.append(f"{key}: kernel without a reference")
    for key in REFERENCES:
        if key not in KERNELS:
            missing.append(f"{key}: reference without a kernel")
    for key in ATTRIBUTES:
        for table, what in ((ATTRIBUTE_KERNELS, "kernel"), (REFERENCE_ATTRIBUTES, "reference")):
            if key not in table:
                missing.append(f"attribute {key[0]}.{key[1]}: no {what}")
    assert not missing, "\n".join(missing)


# ------------------------------------------------------------- random programs


@settings(max_examples=220, **SETTINGS)
@given(scenes_and_programs())
def test_random_programs_agree(pair):
    doc, source = pair
    assert_agree(source, doc)


@settings(max_examples=80, **SETTINGS)
@given(scenes_and_sweeps())
def test_builtin_sweeps_agree(pair):
    """Builtins over every object pair / triple / frame pair of a random scene (12 sweeps
    per scene)."""
    doc, sources = pair
    for source in sources:
        assert_agree(source, doc)


SUPPORT_SWEEP = """let objs = map(objects, a => map(objects, b =>
    [above(a, b), below(a, b), on(a, b)]))
let points = map(objects, a => map(objects, b => [on(a.center, b), on(a, b.center),
    above(a.center + vec(0m, 0m, 1m), b), below(a, b.center)]))
answer len([objs, points])
"""


@settings(max_examples=150, **SETTINGS)
@given(scene_docs(stack_one_in=2))
def test_support_relations_agree(doc):
    """`above`, `below` and `on` over every pair of a scene where one upright object in
    two is stacked on or put inside an earlier one (some exactly half over an edge, some
    with a recorded parent and `support`), and against points."""
    assert_agree(SUPPORT_SWEEP, doc)


@settings(max_examples=25, **SETTINGS)
@given(scene_docs())
def test_scene_attribute_arrays_match_a_per_object_recomputation(doc):
    """The reference reads an object's derived attributes (top, bottom, length, width,
    longest, volume, footprint, yaw) from the scene's arrays; check those arrays
    against a per-object recomputation from centre, size and rotation matrix."""
    scene = scene_from_dict(copy.deepcopy(doc))
    ref = ReferenceInterpreter(compile_source("answer 1"), scene).scene
    for i in range(scene.n):
        c, s, R = ref.center[i], ref.size[i], ref.R[i]
        zs = [c[2] + sum(sign[k] * s[k] / 2 * R[2][k] for k in range(3))
              for sign in ((x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1))]
        up = max(range(3), key=lambda k: abs(R[2][k]))  # most vertical local axis
        flat = [k for k in range(3) if k != up]
        length_axis = flat[0] if s[flat[0]] >= s[flat[1]] else flat[1]
        axis = 0 if math.hypot(R[0][0], R[1][0]) >= 1e-9 else length_axis
        yaw = math.degrees(math.atan2(R[1][axis], R[0][axis]))
        expected = {"top": max(zs), "bottom": min(zs), "longest": max(s),
                    "length": max(s[flat[0]], s[flat[1]]), "width": min(s[flat[0]], s[flat[1]]),
                    "volume": s[0] * s[1] * s[2], "yaw": 180.0 if yaw <= -180.0 else yaw}
        expected["footprint"] = expected["length"] * expected["width"]
        for name, value in expected.items():
            got = getattr(ref, name)[i]
            if name == "yaw" and abs(abs(value) - 180.0) < 1e-9:
                got, value = abs(got), abs(value)
            assert math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-9), (name, i, got, value)


# ----------------------------------------------------------- hand-made scene


def _obj(oid, category, center, size, label=None, parent=None, yaw=0.0):
    h = math.radians(yaw) / 2
    o = {"id": oid, "category": category, "center": center, "size": size,
         "rotation": [0.0, 0.0, math.sin(h), math.cos(h)]}
    if label:
        o["label"] = label
    if parent:
        o["parent"] = parent
    return o


# Objects in id order: a_book, b_mug, c_chair, d_chair, e_table, f_lamp.
ROOM = {
    "format": "spdsl.scene/1", "id": "test/differential",
    "objects": [
        _obj("e_table", "Table", [1.0, 0.0, 0.375], [1.2, 0.8, 0.75]),
        _obj("a_book", "Book", [0.8, 0.0, 0.77], [0.2, 0.3, 0.04], parent="e_table"),
        _obj("b_mug", "Mug", [1.3, 0.1, 0.80], [0.1, 0.1, 0.1], parent="e_table"),
        _obj("c_chair", "Chair", [0.0, 0.0, 0.45], [0.45, 0.45, 0.9], label="left chair"),
        _obj("d_chair", "Chair", [2.0, 0.0, 0.45], [0.45, 0.45, 0.9], yaw=180.0),
        _obj("f_lamp", "Lamp", [3.0, 2.0, 0.8], [0.3, 0.3, 1.6], yaw=30.0),
    ],
    "frames": [
        {"index": 0, "time": 0.0,
         "camera": {"position": [1.1, -3.0, 1.5], "rotation": None, "width": 640,
                    "height": 480, "hfov_deg": 90},
         "visible": {"e_table": 1.0, "c_chair": 1.0, "d_chair": 0.5}},
        {"index": 3, "time": 1.5,
         "camera": {"position": [1.0, -2.0, 1.5], "rotation": None, "width": 640,
                    "height": 480, "hfov_deg": 90},
         "visible": {"a_book": 1.0, "f_lamp": 0.5, "c_chair": 0.5}},
    ],
}


def _looking_along_y() -> list[float]:
    """Camera (x right, y down, z forward) looking along world +y: columns
    x = (1, 0, 0), y = (0, 0, -1), z = (0, 1, 0): a -90 degree turn about x."""
    s = math.sqrt(0.5)
    return [-s, 0.0, 0.0, s]


for _frame in ROOM["frames"]:
    _frame["camera"]["rotation"] = _looking_along_y()


def test_hand_scene_basics():
    assert answer_of('answer labels(objects)', ROOM) == [
        "Book", "Chair", "Lamp", "Mug", "Table", "left chair"]
    assert answer_of('answer map(objects, o => o.id)', ROOM) == [
        "a_book", "b_mug", "c_chair", "d_chair", "e_table", "f_lamp"]
    assert answer_of('answer labels(find("left_chair"))', ROOM) == ["left chair"]
    assert answer_of('answer count("chair")', ROOM) == 2
    assert answer_of('answer labels(children(the("Table")))', ROOM) == ["Book", "Mug"]
    assert answer_of('answer map(frames, f => f.index)', ROOM) == [0, 3]
    assert answer_of('answer first_seen(the("Lamp"))', ROOM) == 3
    assert answer_of('answer labels(appearance_order(union("Lamp", "Table")))', ROOM) == [
        "Table", "Lamp"]
    assert answer_of('answer on(the("Book"), the("Table"))', ROOM) is True
    assert answer_of('answer left_of(the("left chair"), the("Table"), frame(-1))', ROOM) is True


# --------------------------------------------- per-element order of rejections


def test_first_member_rejection_wins_even_if_it_arises_later():
    """Member 1 (a_book) rejects late (right operand: Ambiguous), member 2 (b_mug)
    rejects early (left operand: division by zero). A per-element loop meets
    member 1's rejection first, although a batch records member 2's first."""
    source = ('answer map(objects, o => '
              '(if o.category == "Mug" then 1m / 0 else 1m) + '
              '(if o.category == "Book" then the("Chair").height else 0m))\n')
    expect_rejection(source, ROOM, "Ambiguous", 'the("Chair")')


def test_filter_reports_the_first_rejecting_member():
    # c_chair: NoMatch (no children); b_mug comes first and is Degenerate.
    source = ('answer count(filter(objects, o => '
              'if o.category == "Chair" then the(children(o)).height > 0m '
              'else (if o.category == "Mug" then sqrt(-1.0) > 0 else true)))\n')
    expect_rejection(source, ROOM, "Degenerate", "sqrt(-1.0)")


def test_any_stops_at_the_first_decisive_member():
    # a_book is first in id order and decides `any`; every later member would be Ambiguous.
    source = 'answer any(objects, o => o.category == "Book" or the("Chair").height > 0m)\n'
    assert answer_of(source, ROOM) is True
    # ... but a rejection before the first decisive member counts.
    source = 'answer any(objects, o => o.category == "Table" or the("Chair").height > 0m)\n'
    expect_rejection(source, ROOM, "Ambiguous", 'the("Chair")')
    # all: the first member that fails decides.
    source = 'answer all(objects, o => o.category != "Book" and the("Chair").height > 0m)\n'
    assert answer_of(source, ROOM) is False


def test_branch_not_taken_is_not_evaluated():
    source = 'answer if count("Chair") > 5 then the("Chair").label else "none"\n'
    assert answer_of(source, ROOM) == "none"
    # Inside a lambda: rows of the batch take different branches.
    source = ('answer map(objects, o => if o.category == "Chair" then o.label '
              'else (if o.height > 5m then the("Chair").label else o.category))\n')
    assert answer_of(source, ROOM) == ["Book", "Mug", "left chair", "Chair", "Table", "Lamp"]
    # `and` / `or` short-circuit the same way.
    source = 'answer map(objects, o => o.category == "Chair" and the(children(o)).height > 0m)\n'
    expect_rejection(source, ROOM, "NoMatch", "the(children(o))")
    source = 'answer map(objects, o => o.category != "Table" or the(children(o)).height > 0m)\n'
    expect_rejection(source, ROOM, "Ambiguous", "the(children(o))")


def test_nested_lambda_over_objects_sees_the_outer_parameter():
    # x: book 0.8, mug 1.3, chair 0, chair 2, table 1, lamp 3
    source = 'answer map(objects, o => count(filter(objects, p => p.center.x > o.center.x)))\n'
    assert answer_of(source, ROOM) == [4, 2, 5, 1, 3, 0]
    source = ('answer map(objects, o => count(filter(objects, p => '
              'any(children(p), q => q.center.x > o.center.x))))\n')
    assert answer_of(source, ROOM) == [1, 0, 1, 0, 1, 0]
    source = ('answer map(sort(objects, o => o.center.x), o => '
              'argmin(minus(objects, [o]), p => distance(p, o)).id)\n')
    assert answer_of(source, ROOM) == ["a_book", "e_table", "a_book", "a_book", "b_mug", "d_chair"]


def test_def_called_inside_a_lambda():
    source = ("def tall(o: Object, by: Length = 0.5m) -> Bool: o.height > by\n"
              "answer labels(filter(objects, o => tall(o) and not tall(o, by=1m)))\n")
    assert answer_of(source, ROOM) == ["Chair", "Table", "left chair"]


# -------------------------------------------------------- documented decisions


def test_rejection_spans_and_kinds():
    expect_rejection('answer the("Chair").height\n', ROOM, "Ambiguous", 'the("Chair")')
    expect_rejection('answer the("Piano").height\n', ROOM, "NoMatch", 'the("Piano")')
    expect_rejection('answer argmin("Chair", o => o.height).id\n', ROOM, "Borderline",
                     'argmin("Chair", o => o.height)')
    expect_rejection('answer argmax(find("Piano"), o => o.height).id\n', ROOM, "EmptySet",
                     'argmax(find("Piano"), o => o.height)')
    expect_rejection('answer mean(find("Piano"), o => o.height)\n', ROOM, "EmptySet",
                     'mean(find("Piano"), o => o.height)')
    expect_rejection('answer labels(sort("Chair", o => o.height))\n', ROOM, "Borderline",
                     'sort("Chair", o => o.height)')
    expect_rejection('let xs = [1, 2]\nanswer xs[2] + xs[-3]\n', ROOM, "EmptySet", "xs[2]")
    expect_rejection('answer first(map(find("Piano"), o => o.id))\n', ROOM, "EmptySet",
                     'first(map(find("Piano"), o => o.id))')
    expect_rejection('answer frame(2).time\n', ROOM, "NoFrames", "frame(2)")
    expect_rejection('answer frame(-3).time\n', ROOM, "NoFrames", "frame(-3)")
    expect_rejection('answer 1m / 0\n', ROOM, "Degenerate", "1m / 0")
    expect_rejection('answer sqrt(0 - 2)\n', ROOM, "Degenerate", "sqrt(0 - 2)")
    expect_rejection('answer first_seen(the("Mug"))\n', ROOM, "NotSeen", 'first_seen(the("Mug"))')
    expect_rejection('answer appearance_order("Chair")\n', ROOM, "Borderline",
                     'appearance_order("Chair")')
    expect_rejection('answer bearing(the("Book"), the("Book"), the("Mug"))\n', ROOM,
                     "Degenerate", 'bearing(the("Book"), the("Book"), the("Mug"))')
    # Straight behind (180 degrees) is a boundary of the 4 sectors.
    source = ('answer direction(the("Table"), the("left chair"), '
              'argmax("Chair", o => o.center.x))\n')
    expect_rejection(source, ROOM, "Borderline", 'direction(the("Table"), the("left chair"), '
                     'argmax("Chair", o => o.center.x))')
    source = 'assert count("Chair") == 1 else "one chair"\nanswer 1\n'
    expect_rejection(source, ROOM, "AssertionFailed",
                     'assert count("Chair") == 1 else "one chair"')
    # The first statement that rejects decides.
    source = 'let a = the("Chair")\nlet b = frame(7)\nanswer 1\n'
    expect_rejection(source, ROOM, "Ambiguous", 'the("Chair")')
    # A negative threshold means nothing (decision: Degenerate, not a silent "no").
    expect_rejection('answer near(the("Book"), the("Mug"), within=-1m)\n', ROOM, "Degenerate",
                     'near(the("Book"), the("Mug"), within=-1m)')
    source = ('answer count(filter("Chair", o => between(o, the("Book"), the("Mug"), '
              'within=-1cm)))\n')
    expect_rejection(source, ROOM, "Degenerate",
                     'between(o, the("Book"), the("Mug"), within=-1cm)')
    source = 'answer direction(the("Table"), the("Book"), the("Mug"), margin=-5deg)\n'
    expect_rejection(source, ROOM, "Degenerate",
                     'direction(the("Table"), the("Book"), the("Mug"), margin=-5deg)')


def test_no_frames():
    doc = copy.deepcopy(ROOM)
    del doc["frames"]
    assert answer_of("answer len(frames)", doc) == 0
    assert answer_of("answer map(frames, f => f.time)", doc) == []
    expect_rejection("answer frame(0).time\n", doc, "NoFrames", "frame(0)")
    expect_rejection('answer seen(the("Lamp"))\n', doc, "NoFrames", 'seen(the("Lamp"))')
    expect_rejection('answer first_seen(the("Lamp"))\n', doc, "NoFrames",
                     'first_seen(the("Lamp"))')


def test_frame_functions_are_exactly_those_with_no_answer_without_frames():
    """``needs_frames`` (what synth's scene grammar and compact prompt leave out on a scene
    with no frames) holds for a builtin exactly when its documented example is NoFrames there
    (``frames`` is ``[]``: a frame value too, though not rejected)."""
    from spatial_dsl.lang.builtins.registry import needs_frames

    doc = copy.deepcopy(ROOM)
    del doc["frames"]
    for name, builtin in BUILTINS.items():
        example = builtin.example.replace('"Sofa"', '"Table"')
        result = assert_agree(f"let v = {example}\nanswer 0\n", doc)
        no_frames = getattr(result, "kind", None) == "NoFrames"
        assert no_frames == (needs_frames(builtin) and name != "frames"), (name, result)
    assert needs_frames(BUILTINS["frames"])


def test_sort_of_an_empty_set_is_empty_set():
    """The runtime's decision (language.md is silent): like argmin/min/sum/mean."""
    expect_rejection('answer labels(sort(find("Piano"), o => o.height))\n', ROOM, "EmptySet",
                     'sort(find("Piano"), o => o.height)')


def test_round_half_away_from_zero():
    assert answer_of("answer [round(2.5), round(-2.5), round(0.125, 2), round(2.675, 2)]",
                     ROOM) == [3.0, -3.0, 0.13, 2.67]
    assert answer_of("answer [round(1250, -2), round(-15, -1)]", ROOM) == [1300, -20]
    assert answer_of("answer round(1e20, 12)", ROOM) == 1e20
    assert round_half_away(1.5, 400) == 1.5
    assert round_half_away(1.5, -400) == 0.0


# ------------------------------------------------ discrepancies found by this suite


def test_sector_margin_that_varies_per_member():
    """Regression: a `margin` that differs between the members of a lambda batch.

    kernels._sector handed a (B,) margin to geometry.sector, which compared it
    with the (B, boundaries) distances by plain broadcasting: a ValueError for
    most B (now fixed: geometry.sector broadcasts the margin with the bearings)."""
    source = ('answer map(objects, o => view_direction(o, frame(0), '
              'margin=(o.height / 1m) * 1deg))\n')
    assert_agree(source, ROOM)


def test_sector_margin_that_varies_per_member_eight_members():
    """Regression: with exactly 8 members and sectors=8 the same bug did not crash, the
    answer was just wrong. Bearings from frame 0 are all within 21 degrees of straight
    ahead; only a_book has a margin (40 deg), so a_book is Borderline (within 40 deg of
    22.5). The broadcast applied a_book's margin to boundary -157.5 of every member."""
    doc = copy.deepcopy(ROOM)
    doc["objects"] += [_obj("g_box", "Box", [-1.0, 4.0, 0.5], [0.2, 0.2, 0.2]),
                       _obj("h_box", "Box", [4.0, 5.0, 0.5], [0.2, 0.2, 0.2])]
    source = ('answer map(objects, o => view_direction(o, frame(0), sectors=8, '
              'margin=(if o.id == "a_book" then 40deg else 0deg)))\n')
    expect_rejection(source, doc, "Borderline", "view_direction(o, frame(0), sectors=8, "
                     'margin=(if o.id == "a_book" then 40deg else 0deg))')


def test_round_to_many_digits_does_not_crash():
    """round(x, n) for |n| beyond ~308, where 10**n overflows a double: rounding to 400
    decimals leaves a double unchanged; to -400 decimals, 0."""
    assert answer_of("answer round(1.5, 400)", ROOM) == 1.5
    assert answer_of("answer round(1.5, -400)", ROOM) == 0.0
    assert_agree("answer round(1e20, 12)", ROOM)


def expect_degenerate(source: str) -> None:
    rejection = assert_agree(source, ROOM)
    assert rejection is not None and rejection.kind == "Degenerate", _where(rejection)


def test_int_overflow_is_degenerate():
    """Decision (docs/reference.md): an Int beyond 64 bits is a `Degenerate` rejection in
    both interpreters, never a wrapped value."""
    expect_degenerate("answer 3037000500 * 3037000500 > 0")
    expect_degenerate("answer 9007199254740992 * 1024 * 1024 * 1024")
    assert answer_of("answer 3037000500 * 3", ROOM) == 9111001500


NAN = "(1e308 * 10 - 1e308 * 10)"  # inf - inf


def test_non_finite_numbers_are_degenerate():
    """Decision: a Number that is not finite (overflow to inf, inf - inf) is `Degenerate`,
    at the operation that makes it, in both interpreters."""
    expect_degenerate(f'answer max(objects, o => if o.category == "Mug" then {NAN} else '
                      "o.height / 1m)")
    expect_degenerate(f'answer argmin(objects, o => if o.category == "Mug" then {NAN} else '
                      "1).id")
    expect_degenerate("answer 1e308 * 10")
    expect_degenerate("answer 1e308m in mm")
