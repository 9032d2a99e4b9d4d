"""`visible`, `visibility`, `screen_size`, `clearly_visible`, `clearly_seen` (language.md §5,
synthesis.md "Clearly visible") on a hand-made scene; both interpreters must agree
(tests/test_differential.py's harness) and give the hand-derived values below.

The camera looks along world +y from the origin at height 1 m, 640 x 480 pixels,
horizontal field of view 90°: fx = fy = 320 / tan(45°) = 320, principal point (320, 240).
A point at camera coordinates (x, y, z) lands at u = 320 x / z + 320, v = 320 y / z + 240.
"""

from __future__ import annotations

import math

import pytest

from tests.test_differential import answer_of, assert_agree


def _box(oid, category, center, size):
    return {"id": oid, "category": category, "center": center, "size": size,
            "rotation": [0.0, 0.0, 0.0, 1.0]}


def _camera_along_y() -> list[float]:
    s = math.sqrt(0.5)  # columns x = (1,0,0), y = (0,0,-1), z = (0,1,0)
    return [-s, 0.0, 0.0, s]


SCENE = {
    "format": "spdsl.scene/1", "id": "test/visibility",
    "objects": [
        # A 1 m cube centred 2 m ahead at eye height: its front face (z = 1.5 m) spans
        # x, y in [-0.5, 0.5] -> u, v = 320 ± 320 * 0.5 / 1.5: 213.33 px on both sides.
        _box("a_cube", "Cube", [0.0, 2.0, 1.0], [1.0, 1.0, 1.0]),
        # Behind the camera: nothing in front of it.
        _box("b_back", "Crate", [0.0, -2.0, 1.0], [1.0, 1.0, 1.0]),
        # A counter from 1 m behind to 3 m ahead, 0.5 to 1.5 m to the right, 0.5 m below
        # to 0.5 m above the camera. Cut at z = 0.01 m, its near end lands far right of
        # and above/below the image (clipped to u = 640, v = 0 and 480); its far end (z =
        # 3 m) starts at u = 320 + 320 * 0.5 / 3 = 373.33. Width 266.67 px, height 480:
        # shorter side 266.67.
        _box("c_counter", "Counter", [1.0, 1.0, 1.0], [1.0, 4.0, 1.0]),
        # A 4 cm mug 3 m ahead: 320 * 0.04 / 2.98 = 4.30 px wide (nearest face at 2.98 m).
        _box("d_mug", "Mug", [0.0, 3.0, 1.0], [0.04, 0.04, 0.04]),
        # Ahead but far to the left, outside the 90° view: u < 0 everywhere -> 0.
        _box("e_lamp", "Lamp", [-5.0, 1.0, 1.0], [0.4, 0.4, 0.4]),
    ],
    "frames": [
        {"index": 0, "time": 0.0,
         "camera": {"position": [0.0, 0.0, 1.0], "rotation": _camera_along_y(),
                    "width": 640, "height": 480, "hfov_deg": 90},
         "visible": {"a_cube": 0.9, "c_counter": 0.3, "d_mug": 1.0, "e_lamp": 0.05}},
        {"index": 1, "time": 1.0,
         "camera": {"position": [0.0, 0.0, 1.0], "rotation": _camera_along_y(),
                    "width": 640, "height": 480, "hfov_deg": 90},
         "visible": {"a_cube": 0.1, "c_counter": 0.29}},
    ],
}


def _value(expr: str):
    return answer_of(f"answer {expr}", SCENE)


def test_visibility_is_the_recorded_fraction_and_zero_when_absent():
    assert _value('visibility(the("Cube"), frame(0))') == pytest.approx(0.9)
    assert _value('visibility(the("Crate"), frame(0))') == 0.0
    assert _value('visibility(the("Cube"), frame(1))') == pytest.approx(0.1)


def test_visible_means_a_fraction_of_at_least_a_tenth():
    # 0.05 is recorded but below 0.1: not visible, so not in view and never seen.
    assert _value('visible(the("Lamp"), frame(0))') is False
    assert _value('seen(the("Lamp"))') is False
    assert _value('visible(the("Cube"), frame(1))') is True  # exactly 0.1
    assert _value('map(in_view(frame(0)), o => o.id)') == ["a_cube", "c_counter", "d_mug"]


def test_screen_size_of_a_cube_ahead_is_its_front_face():
    assert _value('screen_size(the("Cube"), frame(0))') == pytest.approx(320 / 1.5)


def test_screen_size_is_zero_behind_the_camera_and_outside_the_image():
    assert _value('screen_size(the("Crate"), frame(0))') == 0.0
    assert _value('screen_size(the("Lamp"), frame(0))') == 0.0


def test_screen_size_cuts_a_box_that_reaches_behind_the_camera():
    assert _value('screen_size(the("Counter"), frame(0))') == pytest.approx(640 - 320 - 320 / 6)


def test_screen_size_of_a_small_far_object():
    assert _value('screen_size(the("Mug"), frame(0))') == pytest.approx(320 * 0.04 / 2.98)


def test_clearly_visible_needs_both_thresholds():
    # cube: 0.9 and 213 px; counter: 0.3 (the threshold itself) and 267 px; mug: 1.0 but
    # 4 px; lamp: 0.05 and 0 px.
    assert _value('map(objects, o => clearly_visible(o, frame(0)))') == [
        True, False, True, False, False]
    # frame 1: the cube at 0.1 and the counter at 0.29 are visible but not clearly.
    assert _value('map(objects, o => clearly_visible(o, frame(1)))') == [False] * 5
    assert _value('map(objects, o => clearly_seen(o))') == [True, False, True, False, False]


def test_frame_functions_reject_on_a_scene_without_frames():
    bare = {k: v for k, v in SCENE.items() if k != "frames"}
    # what was seen is a question about frames too (language.md: "frame functions on it are
    # rejected with NoFrames"): "how many fridges are clearly seen?" is not 0 on a scene
    # that has no views (an LLM item accepted so on ithor:FloorPlan1)
    for expr in ('visibility(the("Cube"), frame(0))', 'screen_size(the("Cube"), frame(0))',
                 'clearly_visible(the("Cube"), frame(0))', 'clearly_seen(the("Cube"))',
                 'seen(the("Cube"))', 'first_seen(the("Cube"))', 'last_seen(the("Cube"))',
                 'first_clearly_seen(the("Cube"))', 'co_visible(the("Cube"), the("Mug"))',
                 'appearance_order(objects)', 'appearance_order(filter(objects, o => false))',
                 'count(filter(objects, o => clearly_seen(o)))'):
        rejection = assert_agree(f"answer {expr}", bare)
        assert rejection is not None and rejection.kind == "NoFrames", expr


def test_first_clearly_seen_is_the_first_frame_passing_both_thresholds():
    # cube: clear in frame 0 (0.9, 213 px); counter: clear in frame 0 (0.3, 267 px);
    # mug: visible in frame 0 but 4 px, never clear -> NotSeen; same for the crate.
    assert _value('first_clearly_seen(the("Cube"))') == 0
    assert _value('first_clearly_seen(the("Counter"))') == 0
    rejection = assert_agree('answer first_clearly_seen(the("Mug"))', SCENE)
    assert rejection is not None and rejection.kind == "NotSeen"


def test_first_clearly_seen_can_come_after_first_seen():
    # Frame 0 shows the cube at 0.1 only (seen, not clearly); frame 1 at 0.9.
    doc = dict(SCENE, frames=[dict(SCENE["frames"][1], index=0, visible={"a_cube": 0.1}),
                              dict(SCENE["frames"][0], index=1, time=2.0)])
    assert answer_of('answer first_seen(the("Cube"))', doc) == 0
    assert answer_of('answer first_clearly_seen(the("Cube"))', doc) == 1
