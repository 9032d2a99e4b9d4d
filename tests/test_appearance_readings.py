"""Appearance-order items mean one thing (synthesis.md "One reading"): "first appear" read as
the first glimpse (`first_seen`, fraction >= 0.1) and as the first frame where the object can
be made out (`first_clearly_seen`) must order the named objects alike, else the item is not
asked.

Hand-made scene: one camera pose (as in tests/test_visibility_builtins.py: at the origin,
looking along +y, fx = 320) and three 0.5 m cubes 2.5 m ahead, each about
320 * 0.5 / 2.25 = 71 px on screen, so a fraction >= 0.3 makes them clearly visible.
Visible fractions by frame:
    frame 0: apple 0.1                -> apple glimpsed
    frame 1: apple 0.1, box 0.9       -> box clear
    frame 2: apple 0.9                -> apple clear
    frame 3: crate 0.9                -> crate clear
first_seen: apple 0, box 1, crate 3; first_clearly_seen: box 1, apple 2, crate 3. So the
apple/box pair reads two ways (apple first by glimpse, box first by clear sight); the pairs
with the crate read one way.
"""

from __future__ import annotations

from pathlib import Path

from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks
from tests.test_visibility_builtins import _box, _camera_along_y

TASKS = Path(__file__).resolve().parent.parent / "stdlib" / "tasks"


def _frame(i: int, visible: dict) -> dict:
    return {"index": i, "time": float(i),
            "camera": {"position": [0.0, 0.0, 1.0], "rotation": _camera_along_y(),
                       "width": 640, "height": 480, "hfov_deg": 90},
            "visible": visible}


SCENE = {
    "format": "spdsl.scene/1", "id": "test/appearance",
    "objects": [_box("apple", "Apple", [-0.7, 2.5, 1.0], [0.5, 0.5, 0.5]),
                _box("box", "Box", [0.0, 2.5, 1.0], [0.5, 0.5, 0.5]),
                _box("crate", "Crate", [0.7, 2.5, 1.0], [0.5, 0.5, 0.5])],
    "frames": [_frame(0, {"apple": 0.1}), _frame(1, {"apple": 0.1, "box": 0.9}),
               _frame(2, {"apple": 0.9}), _frame(3, {"crate": 0.9})],
}


def _items(task_name: str) -> list[dict]:
    templates, broken = load_tasks([str(TASKS / f"{task_name}.sp")])
    assert not broken and len(templates) == 1
    engine = SceneEngine(scene_from_dict(SCENE), GenerateOptions(seed=0, per_scene=50))
    items, _ = engine.run_task(templates[0])
    return items


def _pair(item: dict) -> frozenset:
    return frozenset(v.split("|")[0].lower() for k, v in item["params"].items() if k in "ab")


def test_before_after_skips_the_pair_whose_readings_disagree():
    pairs = {_pair(i) for i in _items("video_before_after")}
    assert frozenset({"apple", "box"}) not in pairs
    # the crate is first seen and first clearly seen last: both readings agree
    assert pairs == {frozenset({"apple", "crate"}), frozenset({"box", "crate"})}


def test_appearance_order_skips_a_triple_whose_readings_disagree():
    # apple, box, crate by glimpse; box, apple, crate by clear sight
    assert _items("video_appearance_order") == []
