"""Hostile programs (issue 14): every program that checks clean runs to an answer or a
rejection, never an internal error, within its limits, and never prints numpy warnings.

The scene is tests/fixtures/scenes/kitchen.scene.json (7 objects, 3 frames: the mug is
seen in frame 1 only, nothing is taller than 5 m).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from spatial_dsl import compile_program
from spatial_dsl.api import CompileError
from spatial_dsl.runtime.eval import DEFAULT_LIMITS, Limits
from spatial_dsl.scenes.format import load_scene_file, scene_from_dict

FIXTURES = Path(__file__).parent / "fixtures" / "scenes"


@pytest.fixture(scope="module")
def kitchen():
    return load_scene_file(FIXTURES / "kitchen.scene.json")


def run(text: str, scene, limits: Limits = DEFAULT_LIMITS):
    """The result, with every warning turned into an error (none may reach stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return compile_program(text).run(scene, limits)


def outcome(text: str, scene, limits: Limits = DEFAULT_LIMITS) -> str:
    result = run(text, scene, limits)
    return result.answer.text if result.ok else result.rejection.kind


def compile_errors(text: str) -> list[tuple[str, int, int, str]]:
    with pytest.raises(CompileError) as info:
        compile_program(text)
    return [(d.code, d.span.line, d.span.column, d.message) for d in info.value.diagnostics]


# ------------------------------------------------------------------ the empty list


EMPTY_ELEMENT = "an element of the empty list `[]`: there is none, and its type is unknown"


@pytest.mark.parametrize("text, column", [
    ("answer last([]).volume", 8),  # the issue's reproducers
    ('answer distance([][0], the("Fridge"))', 17),
    ("answer seen(first([]))", 13),
    ("answer [][-1]", 8),
    ("answer [[]][0][0]", 8),
    ("answer len(map([], x => x.label))", 25),  # the lambda's parameter
    ("answer min(1, first([]))", 15),
])
def test_an_element_of_the_empty_list_is_a_type_error(text, column):
    assert compile_errors(text) == [("E-TYPE", 1, column, EMPTY_ELEMENT)]


@pytest.mark.parametrize("text, expected", [
    ("answer len([])", "0"),
    ("answer count([])", "0"),  # where Objects is expected, `[]` is the empty set
    ('answer labels(union([], "Mug"))', "Mug"),
    ("answer len(map([], x => 1))", "0"),
    ("answer len([[]][0])", "0"),
    ("answer len(if true then [] else [1m, 2m])", "0"),
    ("answer argmin([], o => o.height)", "EmptySet"),
    ("let xs: List[Object] = []\nanswer xs[0].label", "EmptySet"),
])
def test_the_empty_list_where_a_list_fits(kitchen, text, expected):
    assert outcome(text, kitchen) == expected


# --------------------------------------------------- placeholders of rejected rows


@pytest.mark.parametrize("aggregate", ["min", "max", "sum", "mean"])
def test_an_empty_aggregate_used_as_a_frame_index_is_empty_set(kitchen, aggregate):
    # nothing is taller than 5 m: the aggregate is EmptySet, and the value its row carries
    # on must not crash `frame(...)` (a float placeholder did: IndexError)
    key = "first_seen(o)" if aggregate != "mean" else "first_seen(o) * 1"
    text = (f'answer frame({aggregate}(filter(objects, o => o.height > 5m), o => {key}))'
            if aggregate != "mean" else
            f'answer round({aggregate}(filter(objects, o => o.height > 5m), o => {key}))')
    assert outcome(text, kitchen) == "EmptySet"


def test_the_issues_model_written_program(kitchen):
    text = ('answer frame(min(filter(find("Mug"), o => o.height > 5m), o => first_seen(o)))'
            '.time')
    assert outcome(text, kitchen) == "EmptySet"


def test_placeholders_inside_a_batch_do_not_crash(kitchen):
    # each frame's empty aggregate is rejected on its own row; the first row's wins
    text = ("answer len(map(frames, f => frame(min(filter(in_view(f), o => o.height > 5m), "
            "o => first_seen(o))).index))")
    assert outcome(text, kitchen) == "EmptySet"
    text = ("answer count(filter(objects, o => frame(max(filter(objects, p => p.height > 50m),"
            " p => last_seen(p))).index > 0 or true))")
    assert outcome(text, kitchen) == "EmptySet"


# ------------------------------------------------------------------ huge literals


@pytest.mark.parametrize("literal", ["9" * 5000, "9" * 20, "1" + "0" * 400 + ".5", "1e999"])
def test_a_number_literal_out_of_range_is_a_compile_error(literal):
    (found,) = compile_errors(f"answer {literal}")
    assert found[:3] == ("E-SYNTAX", 1, 8) and found[3].endswith("is out of range")
    assert len(found[3]) < 100  # the digits are clipped in the message


# ------------------------------------------------------------- non-finite results


def test_arithmetic_overflow_is_degenerate_without_warnings(kitchen):
    assert outcome("answer 1e308 * 10", kitchen) == "Degenerate"
    assert outcome('answer the("Fridge").volume * 1e308 * 1e308', kitchen) == "Degenerate"
    assert outcome("answer round(1e308 * 10 - 1e308 * 10, 2)", kitchen) == "Degenerate"


def test_a_point_beyond_1e9_m_is_degenerate(kitchen):
    # geometry on it would overflow (a squared distance of 1e300 m is infinite)
    assert outcome("answer distance(vec(1e300m, 0m, 0m), vec(-1e300m, 0m, 0m))",
                   kitchen) == "Degenerate"
    assert outcome('answer near(vec(2e9m, 0m, 0m), the("Fridge"))', kitchen) == "Degenerate"
    assert outcome('answer the("Fridge").center.x + 1e300m > 0m', kitchen) == "yes"
    assert outcome('answer (the("Fridge").center + vec(1e300m, 0m, 0m)).x > 0m',
                   kitchen) == "Degenerate"


def test_the_largest_scene_allowed_answers_finite_numbers():
    # sizes and coordinates up to 1e9 m load; every derived quantity stays finite
    doc = {"format": "spdsl.scene/1", "id": "test/huge", "objects": [
        {"id": "a", "category": "Box", "center": [1e9, -1e9, 1e9], "size": [1e9, 1e9, 1e9]},
        {"id": "b", "category": "Ball", "center": [-1e9, 1e9, -1e9], "size": [1e9, 1e9, 1e9]}]}
    scene = scene_from_dict(doc)
    assert outcome('answer the("Box").volume', scene) == "1000000000000000000000000000"
    assert outcome('answer round(distance(the("Box"), the("Ball")) in m)', scene) == str(
        round(math.sqrt(3) * 2e9))
    assert outcome('answer round(gap(the("Box"), the("Ball")) in m)', scene) == str(
        round(math.sqrt(3) * 1e9))
    assert outcome("answer round(room.area in m2)", scene) == str(round(3e9 * 3e9))


# ------------------------------------------------------------------ limits


def frames_doc(count: int) -> dict:
    cams = [{"index": k, "time": k * 0.1,
             "camera": {"position": [math.cos(k / 50) * 2, math.sin(k / 50) * 2, 1.5],
                        "rotation": [0.0, 0.0, 0.0, 1.0], "width": 64, "height": 48,
                        "hfov_deg": 90},
             "visible": {"o1": 0.5}} for k in range(count)]
    return {"format": "spdsl.scene/1", "id": "test/frames",
            "objects": [{"id": "o1", "category": "Box", "center": [0, 0, 0.5],
                         "size": [0.1, 0.1, 0.1]}], "frames": cams}


@pytest.fixture(scope="module")
def long_walk():
    return scene_from_dict(frames_doc(2000))


@pytest.mark.parametrize("text", [
    "answer len(map(frames, f => len(route(frame(0), f))))",  # 2,001,000 frames of paths
    "answer len(map(frames, f => travel(frame(0), f)))",
    "answer len(map(frames, f => len(map(frames, g => len(route(f, g))))))",
])
def test_route_and_travel_charge_the_step_budget(long_walk, text):
    result = run(text, long_walk)
    assert not result.ok and result.rejection.kind == "LimitExceeded"
    assert "steps" in result.rejection.message


def test_route_honours_the_wall_clock_limit(long_walk):
    # a budget that never runs out: the time limit must stop it (checked once per path)
    limits = Limits(steps=10**12, seconds=0.2)
    result = run("answer len(map(frames, f => len(route(frame(0), f))))", long_walk, limits)
    assert result.rejection.kind == "LimitExceeded" and "longer than" in result.rejection.message


def test_one_route_over_a_long_walk_is_fine(long_walk):
    assert outcome("answer round(travel(frame(0), frame(-1)) in m)", long_walk) == str(
        round(sum(2 * 2 * math.sin(0.01) for _ in range(1999))))


def test_masks_of_a_batch_charge_the_budget():
    # 3,000 objects: a find per object makes 9,000,000 mask elements
    doc = {"format": "spdsl.scene/1", "id": "test/many", "objects": [
        {"id": f"o{i:04d}", "category": f"Cat{i}", "center": [i, 0, 0], "size": [1, 1, 1]}
        for i in range(3000)]}
    scene = scene_from_dict(doc)
    result = run("answer count(filter(objects, o => count(find(o.category)) == 1))", scene)
    assert result.rejection.kind == "LimitExceeded"


# ------------------------------------------------------------------ small defects


def test_an_index_out_of_range_is_named_as_written(kitchen):
    result = run("answer [1, 2, 3][-4]", kitchen)
    assert result.rejection.message == "index -4 is out of range of a list of 3"


@pytest.mark.parametrize("text, expected", [
    ("answer 1L in cm3", "1000"),  # was 1000.0000000000001
    ("answer 500cm3 in L", "0.5"),
    ("answer 0.1m3 in L", "100"),
    ("answer 3mm in cm", "0.3"),
    ("answer 2cm2 in m2", "0.0002"),
    ("answer 1.5m in cm", "150"),
])
def test_metric_conversions_are_exact(kitchen, text, expected):
    assert outcome(text, kitchen) == expected


def test_json_answer_of_an_exact_conversion(kitchen):
    result = run("answer 1L in cm3", kitchen)
    assert json.dumps(result.to_json()["value"]) == "1000.0"
    assert np.float64(result.answer.value) == 1000.0


# ------------------------------------------------------------------ diagnostics


def test_a_60kb_line_shows_a_window_around_the_span():
    from spatial_dsl.lang.check.checker import compile_source
    from spatial_dsl.lang.diagnostics import render_all_text

    text = 'let a = 1\nanswer a + "' + "x" * 60000 + '"\n'
    checked = compile_source(text, "long.sp")
    rendered = render_all_text(checked.diagnostics, checked.source)
    lines = rendered.splitlines()
    assert lines[0] == "long.sp:2:10: error[E-TYPE]: cannot apply `+` to Int and Str"
    assert lines[1] == "  2 | " + 'answer a + "' + "x" * 88 + "..."
    assert lines[2] == "    |          ^"  # the caret still points at the `+`
    assert len(rendered) < 400


def test_a_span_far_into_a_long_line_is_shown_with_context_on_both_sides():
    from spatial_dsl.lang.diagnostics import clip_line

    line = "a" * 1000 + "BAD" + "b" * 1000
    shown, start, end = clip_line(line, 1000, 1003)
    assert shown == "..." + "a" * 30 + "BAD" + "b" * 67 + "..."
    assert shown[start:end] == "BAD"
    assert clip_line("short", 1, 3) == ("short", 1, 3)


def test_messages_quoting_huge_names_are_clipped():
    (found,) = compile_errors("answer " + "y" * 60000)
    assert found[0] == "E-NAME" and len(found[3]) == 300 and "..." in found[3]


def test_scene_name_hints_are_bounded_per_program(kitchen):
    from spatial_dsl.lang.check.checker import MAX_SCENE_SUGGESTIONS, compile_source
    from spatial_dsl.scenes.names import SceneNameTable

    names = ", ".join(f'count(find("Fridgx{i}"))' for i in range(30))
    checked = compile_source(f"answer len([{names}])", scene=SceneNameTable(kitchen))
    hints = [d.hint for d in checked.diagnostics if d.code == "E-SCENE-NAME"]
    assert len(hints) == 30
    assert hints[:MAX_SCENE_SUGGESTIONS] == ['did you mean "fridge"?'] * MAX_SCENE_SUGGESTIONS
    assert hints[MAX_SCENE_SUGGESTIONS:] == [None] * (30 - MAX_SCENE_SUGGESTIONS)


def test_a_route_asked_again_is_the_same_route_charged_the_same_steps():
    # k_route keeps each route it made per scene (a task asks for one route in its
    # `where`, choices and answer); asked again, a route must read the same and cost the
    # same steps: the least budget that lets the program finish is found on a fresh scene
    # (nothing kept yet) and must be exactly the least on the same scene asked again.
    text = "answer len(route(frame(3), frame(40))) + len(route(frame(3), frame(40)))"

    def least_budget(scene_of) -> int:
        low, high = 1, 10**6  # fails with `low` steps, finishes with `high`
        while high - low > 1:
            mid = (low + high) // 2
            if run(text, scene_of(), Limits(steps=mid)).ok:
                high = mid
            else:
                low = mid
        return high

    cold = least_budget(lambda: scene_from_dict(frames_doc(60)))  # a new scene each time
    scene = scene_from_dict(frames_doc(60))
    assert outcome(text, scene) == outcome(text, scene_from_dict(frames_doc(60)))
    assert least_budget(lambda: scene) == cold  # every route already kept
    for ask in ("answer route(frame(3), frame(40))", "answer route(frame(40), frame(3))"):
        assert outcome(ask, scene) == outcome(ask, scene_from_dict(frames_doc(60)))


def test_a_route_kept_for_a_scene_is_copied_to_each_row():
    # a caller editing one row's list must not edit another row's, or the next call's
    from spatial_dsl.runtime.kernels.call import Call
    from spatial_dsl.runtime.kernels.views import k_route
    from spatial_dsl.runtime.values import Rows

    class Budget:
        def charge(self, steps, span):
            pass

        def check_time(self, span):
            pass

    scene = scene_from_dict(frames_doc(20))
    call = Call(scene, Rows(2), None, 2, Budget())
    first, second = k_route(call, np.array([0, 0]), np.array([19, 19]))
    assert first == second and first is not second
    first.append("go nowhere")
    assert k_route(call, np.array([0]), np.array([19]))[0] == second
