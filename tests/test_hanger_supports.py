"""compound_count_on does not ask how many things rest "on top of" a towel holder: AI2-THOR
records a hand towel *on* its holder, but it hangs from it, and "Count the items placed on
top of the hand towel holder" → 1 (FloorPlan412, 418, 420) reads wrong.

Hand-made scene (camera as in tests/test_visibility_builtins.py, fx = 320, at the origin
looking along +y): a table (top z 0.8) with a 0.3 m box on it (~41 px), and a towel holder
0.5 x 0.2 x 0.3 m (~40 px tall) with a 0.4 m towel recorded on it (~53 px); all fully
visible in the one frame, so every object is clearly seen.
"""

from __future__ import annotations

from pathlib import Path

from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks
from tests.test_visibility_builtins import _box, _camera_along_y

TASK = Path(__file__).resolve().parent.parent / "stdlib" / "tasks" / "compound_count_on.sp"


def _on(obj: dict, parent: str) -> dict:
    return dict(obj, parent=parent, support="on")


SCENE = {
    "format": "spdsl.scene/1", "id": "test/hanger",
    "objects": [
        _box("table", "DiningTable", [-0.6, 2.5, 0.4], [0.6, 0.6, 0.8]),
        _on(_box("box", "Box", [-0.6, 2.5, 0.95], [0.3, 0.3, 0.3]), "table"),
        _box("holder", "HandTowelHolder", [0.6, 2.5, 1.3], [0.5, 0.2, 0.3]),
        _on(_box("towel", "HandTowel", [0.6, 2.45, 0.95], [0.4, 0.1, 0.4]), "holder"),
    ],
    "frames": [{"index": 0, "time": 0.0,
                "camera": {"position": [0.0, 0.0, 1.0], "rotation": _camera_along_y(),
                           "width": 640, "height": 480, "hfov_deg": 90},
                "visible": {"table": 1.0, "box": 1.0, "holder": 1.0, "towel": 1.0}}],
}


def test_count_on_asks_about_the_table_not_the_towel_holder():
    templates, broken = load_tasks([str(TASK)])
    assert not broken
    engine = SceneEngine(scene_from_dict(SCENE), GenerateOptions(seed=0, per_scene=10))
    items, _ = engine.run_task(templates[0])
    assert [(i["params"]["a"], i["answer"]) for i in items] == [("table", "1")]
