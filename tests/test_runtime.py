"""The runtime on a hand-made scene: answers, rejections, limits, messages (every expected
answer derived by hand). Its golden answers are data: tests/cases/run/*.sp.

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


# The golden answers and rejections on this scene are data files now:
# tests/cases/run/*.sp (scene file tests/cases/run/scenes/handmade.json, equal to SCENE_DOC),
# each with its hand derivation; tests/test_run_cases.py runs them.


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
    assert run(empty, 'answer seen(the("Mug"))').rejection.kind == "NoFrames"


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
