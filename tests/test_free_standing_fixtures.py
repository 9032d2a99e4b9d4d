"""A television AI2-THOR flags immovable still stands on its furniture.

The bundled metadata marks 10 of its 94 televisions that stand on a dresser, table or stand
`pickupable = moveable = false` (the other 84, on the same furniture, are moveable). The
conversion treats immovable objects as parts of the room that rest on nothing (scenes/
parents.py); for these televisions that dropped the recorded receptacle, so on robothor:7
"how many objects rest on the tallest side table" counted the plate, pot and vase but not
the 1 m television whose bottom (z 0.89) lies on the table's top (z 0.887).
"""

from __future__ import annotations

from spatial_dsl.api import compile_program
from spatial_dsl.scenes.parents import set_parents
from spatial_dsl.scenes.sources import load_scene


def _answer(src: str, scene) -> str:
    return compile_program(src).run(scene).answer.text


def test_robothor_7_television_rests_on_its_side_table():
    scene = load_scene("robothor:7")
    tv = 'the("Television")'
    table = 'argmax(find("SideTable"), o => o.top)'
    assert _answer(f"answer on({tv}, {table})", scene) == "yes"
    assert _answer(f"answer count(filter(objects, o => on(o, {table})))", scene) == "4"


def _converted(oid, category, center, size):
    return {"id": oid, "category": category, "center": center, "size": size,
            "rotation": [0, 0, 0, 1], "parent": None}


def test_an_immovable_television_keeps_its_recorded_support():
    # table top at z 0.8; television box z 0.8..1.4 on it, listed on the table
    out = [_converted("table", "SideTable", [0, 0, 0.4], [1.2, 0.5, 0.8]),
           _converted("tv", "Television", [0, 0, 1.1], [1.0, 0.2, 0.6])]
    raw = [{"objectId": "table", "objectType": "SideTable", "pickupable": False,
            "moveable": True, "parentReceptacles": None},
           {"objectId": "tv", "objectType": "Television", "pickupable": False, "moveable": False,
            "parentReceptacles": ["table"]}]
    set_parents(out, raw)
    assert out[1]["parent"] == "table" and out[1]["support"] == "on"


def test_other_immovable_objects_stay_fixtures():
    # a countertop listed "in" the sink basin cut into it is still a fixture
    out = [_converted("basin", "SinkBasin", [0, 0, 0.8], [0.5, 0.4, 0.2]),
           _converted("counter", "CounterTop", [0, 0, 0.88], [2, 0.6, 0.1])]
    raw = [{"objectId": "basin", "objectType": "SinkBasin", "pickupable": False,
            "moveable": False, "parentReceptacles": None},
           {"objectId": "counter", "objectType": "CounterTop", "pickupable": False,
            "moveable": False,
            "parentReceptacles": ["basin"]}]
    set_parents(out, raw)
    assert out[1]["parent"] is None and out[1]["support"] == "fixed"
