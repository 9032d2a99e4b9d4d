"""Golden programs on a hand-made scene; every expected answer is derived by hand below.

The scene (metres, z up; all boxes upright):

    table   DiningTable  centre (5, 4, 0.375)  size (2, 1, 0.75)     x 4..6, y 3.5..4.5, z 0..0.75
    mug     Mug          centre (5, 4, 0.8)    size (0.1, 0.1, 0.1)  bottom 0.75 = table top
    chair_a Chair "red chair" (3, 4, 0.45)     size (0.5, 0.5, 0.9)  x 2.75..3.25
    chair_b Chair        centre (8, 4, 0.45)   size (0.5, 0.5, 0.9)  x 7.75..8.25
    fridge  Fridge       centre (1, 1, 0.9)    size (0.8, 0.7, 1.8)  turned 90° about z:
                         local x (0.8 m) along world +y, so x 0.65..1.35, y 0.6..1.4
    egg     Egg          centre (1, 1, 1.0)    size (0.05, 0.05, 0.06)  inside the fridge
    lamp    Lamp         centre (5, 4, 2.5)    size (0.3, 0.3, 0.2)  bottom 2.4, over the table

Frames (OpenCV cameras, eye height 1.5):
    0: at (0.5, 4, 1.5) looking +x; sees table, chair_a, chair_b, lamp
    1: same place, looking +y (turned left 90°); sees mug, fridge
    2: at (0.5, 6, 1.5) looking +y; sees mug
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from spatial_dsl import compile_program
from spatial_dsl.scenes.format import scene_from_dict


def camera_quat(forward, right):
    """Quaternion of an OpenCV camera: columns x = right, y = down, z = forward."""
    forward, right = np.array(forward, float), np.array(right, float)
    down = np.cross(forward, right)
    return Rotation.from_matrix(np.column_stack([right, down, forward])).as_quat().tolist()


def box(oid, category, center, size, yaw_deg=0.0, **extra):
    half = math.radians(yaw_deg) / 2
    return {"id": oid, "category": category, "center": center, "size": size,
            "rotation": [0.0, 0.0, math.sin(half), math.cos(half)], **extra}


def frame(index, position, forward, right, visible):
    return {"index": index, "time": float(index),
            "camera": {"position": position, "rotation": camera_quat(forward, right),
                       "width": 640, "height": 480, "hfov_deg": 90},
            "visible": {oid: 1.0 for oid in visible}}


SCENE_DOC = {
    "format": "spdsl.scene/1", "id": "test/handmade",
    "room": {"floor": [[0, 0], [10, 0], [10, 8], [0, 8]], "height": 3.0},
    "objects": [
        box("table", "DiningTable", [5, 4, 0.375], [2, 1, 0.75]),
        box("mug", "Mug", [5, 4, 0.8], [0.1, 0.1, 0.1], parent="table"),
        box("chair_a", "Chair", [3, 4, 0.45], [0.5, 0.5, 0.9], label="red chair"),
        box("chair_b", "Chair", [8, 4, 0.45], [0.5, 0.5, 0.9]),
        box("fridge", "Fridge", [1, 1, 0.9], [0.8, 0.7, 1.8], yaw_deg=90),
        box("egg", "Egg", [1, 1, 1.0], [0.05, 0.05, 0.06], parent="fridge"),
        box("lamp", "Lamp", [5, 4, 2.5], [0.3, 0.3, 0.2]),
    ],
    "frames": [
        frame(0, [0.5, 4, 1.5], [1, 0, 0], [0, -1, 0], ["table", "chair_a", "chair_b", "lamp"]),
        frame(1, [0.5, 4, 1.5], [0, 1, 0], [1, 0, 0], ["mug", "fridge"]),
        frame(2, [0.5, 6, 1.5], [0, 1, 0], [1, 0, 0], ["mug"]),
    ],
}


@pytest.fixture(scope="module")
def scene():
    return scene_from_dict(SCENE_DOC, "handmade")


def run(scene, text):
    return compile_program(text).run(scene)


def answer(scene, text):
    result = run(scene, text)
    assert result.ok, f"{text!r} rejected: {result.rejection}"
    return result.answer.text


SOFA = 'let sofa = "Sofa"\n'  # the scene has no sofa
LETS = ('let table = the("DiningTable")\nlet a = the("red chair")\n'
        'let b = minus("Chair", "red chair")\n')

GOLDEN = [
    ('answer count("Chair")', "2"),
    ('answer count(objects)', "7"),
    # find matches labels and categories, ignoring case, spaces, _ and -
    ('answer the("RED_chair").id', "chair_a"),
    ('answer count(find("dining table"))', "1"),
    # chairs 5 m apart on the line y = 4
    (LETS + "answer distance(a, the(b)) in m", "5"),
    # chair_a spans x 2.75..3.25, the table starts at x = 4: gap 0.75 m
    (LETS + "answer gap(a, table) in cm", "75"),
    # chair_b starts at 7.75, the table ends at 6: 1.75 m
    (LETS + "answer gap(the(b), table) in m", "1.75"),
    (LETS + 'answer argmin("Chair", o => gap(o, table))', "red chair"),
    (LETS + 'answer argmax("Chair", o => gap(o, table)).id', "chair_b"),
    # the mug rests on the table (bottom 0.75 = top 0.75); the lamp hangs 1.65 m above it
    ('answer on(the("Mug"), the("DiningTable"))', "yes"),
    ('answer on(the("Lamp"), the("DiningTable"))', "no"),
    ('answer above(the("Lamp"), the("DiningTable"))', "yes"),
    ('answer below(the("DiningTable"), the("Lamp"))', "yes"),
    ('answer above(the("red chair"), the("DiningTable"))', "no"),
    ('answer inside(the("Egg"), the("Fridge"))', "yes"),
    ('answer inside(the("Fridge"), the("Egg"))', "no"),
    # the fridge turned 90°: local x (0.8) is its length, yaw 90
    ('answer the("Fridge").length in cm', "80"),
    ('answer the("Fridge").width in cm', "70"),
    ('answer round(the("Fridge").yaw)', "90"),
    ('answer round(the("Fridge").volume in m3, 3)', "1.008"),
    ('answer round(the("Fridge").footprint in m2, 2)', "0.56"),
    ('answer the("Fridge").top', "1.8"),
    # within 1 m of the table: the mug (gap 0) and chair_a (0.75); lamp 1.65, chair_b 1.75
    (LETS + "answer count(filter(objects, o => near(o, table)))", "2"),
    (LETS + "answer labels(filter(objects, o => near(o, table)))", "Mug, red chair"),
    # the table's centre is 2/5 of the way from chair_a to chair_b, on the line
    (LETS + "answer between(table, a, the(b))", "yes"),
    (LETS + "answer between(the(\"Fridge\"), a, the(b))", "no"),
    # at chair_a facing the table (+x), the fridge is at (-2, -3): atan2(-6, -4) = -123.69°
    (LETS + 'answer round(bearing(a, table, the("Fridge")), 2)', "-123.69"),
    (LETS + 'answer direction(a, table, the("Fridge"))', "back-right"),
    (LETS + 'answer direction(a, table, the("Fridge"), sectors=8)', "back-right"),
    (LETS + 'answer direction(a, table, the("Fridge"), sectors=2)', "right"),
    # clock: round(123.69 / 30) = round(4.12) = 4
    (LETS + 'answer clock(a, table, the("Fridge"))', "4"),
    (LETS + "answer direction(a, table, the(b), sectors=8)", "front"),
    (LETS + "answer clock(a, table, the(b))", "12"),
    ("answer round(room.area in m2)", "80"),
    ("answer room.length", "10"),
    ("answer room.width", "8"),
    # frame 0 looks +x from (0.5, 4, 1.5): chair_b is 7.5 m ahead, 1.05 m below the eye
    ('answer depth(the(minus("Chair", "red chair")), frame(0))', "7.5"),
    ('answer to_camera(the("red chair"), frame(0)).y', "1.05"),
    ('answer closer(the("red chair"), the(minus("Chair", "red chair")), frame(0))', "yes"),
    # the fridge relative to frame 0: camera x = 3 (right), z = 0.5: atan2(-3, 0.5) = -80.54°
    ('answer round(view_bearing(the("Fridge"), frame(0)), 2)', "-80.54"),
    ('answer view_direction(the("Fridge"), frame(0))', "right"),
    ('answer left_of(the("Mug"), the("Fridge"), frame(0))', "yes"),
    ('answer right_of(the("Mug"), the("Fridge"), frame(0))', "no"),
    # camera 0.5 m from the fridge box edge at x = 0.65? the nearest point is (0.65, 1.4, 1.5)
    ('answer round(camera_gap(the("Fridge"), frame(0)) in m, 4)',
     str(round(math.hypot(0.15, 2.6), 4))),
    ("answer turn(frame(0), frame(1))", "90"),
    ("answer norm(move(frame(0), frame(1)))", "0"),
    # frame 1 -> 2: 2 m along +y, which is frame 1's heading: body x (forward) = 2
    ("answer move(frame(1), frame(2)).x", "2"),
    ("answer travel(frame(0), frame(2))", "2"),
    ("answer route(frame(0), frame(1))", "turn left 90 degrees"),
    ("answer route(frame(1), frame(2))", "go forward 2.0 meters"),
    ("answer route(frame(0), frame(2))", "turn left 90 degrees, go forward 2.0 meters"),
    ('answer first_seen(the("Mug"))', "1"),
    ('answer last_seen(the("Mug"))', "2"),
    ('answer seen(the("Egg"))', "no"),
    ('answer appearance_order([the("Mug"), the("DiningTable")])', "DiningTable, Mug"),
    ('answer co_visible(the("DiningTable"), the("Lamp"))', "yes"),
    ('answer co_visible(the("DiningTable"), the("Mug"))', "no"),
    ("answer count(in_view(frame(-1)))", "1"),
    ('answer visible(the("Fridge"), frame(1))', "yes"),
    ('answer labels(children(the("DiningTable")))', "Mug"),
    ('answer labels(parents(the("Egg")))', "Fridge"),
    ("answer len(frames)", "3"),
    ("answer map(frames, f => count(in_view(f)))", "4, 2, 1"),
    ('answer sort("Chair", o => distance(o, the("Fridge")))', "red chair, Chair"),
    ('answer round(sum("Chair", o => o.height) in m, 2)', "1.8"),
    ('answer mean(objects, o => 1)', "1"),
    ('answer min(2, 3.5)', "2"),
    ("answer round(2.5)", "3"),
    ("answer round(-2.5)", "-3"),
    ("answer round(1.25, 1)", "1.3"),
    ("answer sqrt(room.area) in m", str(np.format_float_positional(math.sqrt(80), unique=True))),
    ("answer abs(-2m)", "2"),
    ("answer vec(1m, 2m, 2m).z + norm(vec(3m, 4m, 0m))", "7"),
    ("answer [1, 2, 3][-1]", "3"),
    ('answer any("Chair", o => o.height > 1m)', "no"),
    ('answer all("Chair", o => o.height < 1m)', "yes"),
    # a name in a variable is not checked against the scene (a literal "Sofa" is
    # E-SCENE-NAME, see test_absent_literal_names_are_scene_name_errors)
    (SOFA + 'answer exists(sofa)', "no"),
    ('answer contains("Chair", the("red chair"))', "yes"),
    ('answer count(union("Chair", "Lamp")) + count(intersect("Chair", "red chair"))', "4"),
    ('answer higher(the("Lamp"), the("Mug"))', "yes"),
    ('answer round(horizontal_distance(the("Lamp"), the("red chair")) in m, 3)', "2"),
    # and/or short-circuit: the ambiguous `the("Chair")` is never evaluated
    (SOFA + 'answer exists(sofa) and the("Chair").height > 1m', "no"),
    (SOFA + 'answer if exists(sofa) then the("Chair").label else "none"', "none"),
]


@pytest.mark.parametrize("text,expected", GOLDEN)
def test_golden_answers(scene, text, expected):
    assert answer(scene, text) == expected


REJECTIONS = [
    ('answer the("Chair")', "Ambiguous"),
    (SOFA + 'answer the(sofa)', "NoMatch"),
    (SOFA + 'answer argmin(sofa, o => o.height)', "EmptySet"),
    (SOFA + 'answer sum(sofa, o => o.height)', "EmptySet"),
    # both chairs are 0.9 m tall
    ('answer argmax("Chair", o => o.height)', "Borderline"),
    ('answer sort("Chair", o => o.height)', "Borderline"),
    # at chair_a facing the table, chair_b lies exactly ahead: on the 4-sector boundary
    (LETS + "answer direction(a, table, the(b))", "Borderline"),
    # within 30° of the -123.69° bearing's nearest 4-sector boundary (-90)? 33.69 > 30: fine;
    # a 35° margin makes it borderline
    (LETS + 'answer direction(a, table, the("Fridge"), margin=35deg)', "Borderline"),
    ('answer bearing(the("Mug"), the("DiningTable"), the("red chair"))', "Degenerate"),
    ('answer first_seen(the("Egg"))', "NotSeen"),
    ('answer appearance_order([the("Mug"), the("Fridge")])', "Borderline"),
    ("answer frame(3).time", "NoFrames"),
    ("answer [1, 2][2]", "EmptySet"),
    ("answer 1 / 0", "Degenerate"),
    ('assert count("Chair") == 3 else "expected three chairs"\nanswer 1', "AssertionFailed"),
    # inside a lambda: the first member (in id order) decides which rejection is reported
    ('answer map(objects, o => the("Chair").height)', "Ambiguous"),
]


@pytest.mark.parametrize("text,kind", REJECTIONS)
def test_rejections(scene, text, kind):
    result = run(scene, text)
    assert not result.ok, f"{text!r} answered {result.answer}"
    assert result.rejection.kind == kind


def test_absent_literal_names_are_scene_name_errors(scene):
    """Program.run checks literal names against the scene, as `check --scene` does."""
    from spatial_dsl.api import SceneNameError

    program = compile_program('answer count(find("chiars")) + count(find("Sofa"))')
    problems = program.check_scene(scene)
    assert [(d.code, d.message, d.hint) for d in problems] == [
        ("E-SCENE-NAME", 'the scene has no object named "chiars"', 'did you mean "Chair"?'),
        ("E-SCENE-NAME", 'the scene has no object named "Sofa"', None)]
    with pytest.raises(SceneNameError) as info:
        program.run(scene)
    assert info.value.scene == "test/handmade" and info.value.diagnostics == problems
    assert 'did you mean "Chair"?' in str(info.value)
    assert compile_program('answer count("Chair")').check_scene(scene) == []


def test_no_match_names_what_was_looked_for(scene):
    result = run(scene, 'answer the(filter("Chair", o => o.height > 5m))')
    assert result.rejection.message == 'no object matches filter("Chair", o => o.height > 5m)'
    result = run(scene, 'answer the("Chair")')
    assert result.rejection.message == '2 objects match "Chair", expected one'


def test_assert_message_and_span(scene):
    result = run(scene, 'let n = count("Chair")\nassert n == 3 else "expected three chairs"\n'
                        "answer n")
    assert result.rejection.message == "expected three chairs"
    assert (result.rejection.span.line, result.rejection.span.column) == (2, 1)


def test_no_frames_scene_rejects_frame_functions():
    doc = {**SCENE_DOC, "frames": []}
    empty = scene_from_dict(doc, "no-frames")
    assert run(empty, "answer len(frames)").answer.text == "0"
    assert run(empty, "answer turn(frame(0), frame(1))").rejection.kind == "NoFrames"
    assert run(empty, 'answer seen(the("Mug"))').answer.text == "no"


def test_quantity_answers_carry_the_base_unit(scene):
    result = run(scene, 'answer distance(the("Mug"), the("Lamp"))')
    assert (result.answer.text, result.answer.unit, result.answer.type) == ("1.7", "m", "Length")
    as_cm = run(scene, 'answer distance(the("Mug"), the("Lamp")) in cm').answer
    assert (as_cm.text, as_cm.unit, as_cm.type) == ("170", None, "Number")


def test_object_answer_json_value(scene):
    value = run(scene, 'answer the("red chair")').answer.value
    assert value == {"id": "chair_a", "label": "red chair", "category": "Chair"}


def test_step_budget_is_limit_exceeded(scene):
    from spatial_dsl.runtime.eval import Limits

    program = compile_program("answer count(filter(objects, o => count(filter(objects, "
                              "p => near(p, o))) > 1))")
    result = program.run(scene, Limits(steps=50))
    assert result.rejection.kind == "LimitExceeded"
    assert program.run(scene).ok


def test_user_defined_function(scene):
    text = ("def reach(a: Object, b: Object, limit: Length = 0.8m) -> Bool: gap(a, b) < limit\n"
            'answer count(filter("Chair", c => reach(c, the("DiningTable"))))')
    assert answer(scene, text) == "1"
