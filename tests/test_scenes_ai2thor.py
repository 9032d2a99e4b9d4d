"""AI2-THOR metadata -> spdsl.scene/1, on hand-made metadata in AI2-THOR's shape."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from spatial_dsl.scenes.ai2thor import (
    P,
    camera_from_ai2thor,
    fit_box,
    frame_from_ai2thor,
    objects_from_ai2thor,
    scene_from_ai2thor,
    unity_euler_to_ours,
    unity_point,
)
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.model import SUPPORT_FIXED, SUPPORT_IN, SUPPORT_NOT_RECORDED, SUPPORT_ON
from spatial_dsl.scenes.rotations import quat_to_matrix

FIXTURES = Path(__file__).parent / "fixtures" / "scenes"
COUNTER = "CounterTop|+01.00|+00.90|-02.00"
MUG = "Mug|+01.20|+00.90|-02.00"
FLOOR = "Floor|+00.00|+00.00|+00.00"
CAN = "GarbageCan|+02.00|00.00|+01.00"
BOOK = "Book|-01.00|+00.80|+01.00"
PAINTING = "Painting|-02.90|+01.50|+00.50"


@pytest.fixture(scope="module")
def raw():
    return json.loads((FIXTURES / "ai2thor_objects.json").read_text())


@pytest.fixture(scope="module")
def scene(raw):
    return scene_from_ai2thor(raw, "test/ai2thor")


def at(scene, oid):
    return scene.ids.index(oid)


def test_unity_point_swaps_y_and_z():
    np.testing.assert_array_equal(unity_point({"x": 1, "y": 0.5, "z": 2}), [1, 2, 0.5])
    np.testing.assert_array_equal(unity_point([1, 0.5, 2]), [1, 2, 0.5])


def test_rotation_about_unity_y_is_minus_rotation_about_our_z():
    # Unity Ry(30) maps local x to (cos30, 0, -sin30) = ours (cos30, -sin30, 0): heading -30.
    R = unity_euler_to_ours({"x": 0, "y": 30, "z": 0})
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    np.testing.assert_allclose(R, [[c, s, 0], [-s, c, 0], [0, 0, 1]], atol=1e-12)
    assert np.linalg.det(R) == pytest.approx(1.0)


def test_axis_aligned_box(scene):
    # Unity center (1, 0.45, -2), size (2, 0.9, 0.6)
    # -> ours center (1, -2, 0.45), size (2, 0.6, 0.9)
    i = at(scene, COUNTER)
    np.testing.assert_allclose(scene.center[i], [1, -2, 0.45])
    np.testing.assert_allclose(scene.size[i], [2, 0.6, 0.9])
    np.testing.assert_array_equal(scene.rotation[i], [0, 0, 0, 1])
    assert scene.bottom[i] == pytest.approx(0.0) and scene.top[i] == pytest.approx(0.9)


def test_obb_rotated_30_about_unity_y(scene):
    # Mug box: Unity center (1.2, 0.96, -2), local extents x 0.12, y 0.12 (up), z 0.09,
    # rotation y = 30. Ours: center (1.2, -2, 0.96); local (x, y, z) = Unity (x, z, y),
    # so size (0.12, 0.09, 0.12); yaw -30. Corners are stored to 6 decimals, hence atol.
    i = at(scene, MUG)
    np.testing.assert_allclose(scene.center[i], [1.2, -2.0, 0.96], atol=1e-6)
    np.testing.assert_allclose(scene.size[i], [0.12, 0.09, 0.12], atol=1e-5)
    assert scene.yaw[i] == pytest.approx(-30.0, abs=1e-3)
    assert scene.upright[i]
    np.testing.assert_allclose(scene.R[i], unity_euler_to_ours([0, 30, 0]), atol=1e-5)


def test_obb_rotated_90_about_unity_y(scene):
    # Painting, extents (1.0, 0.6, 0.05), rotation y = 90: local x -> Unity (0, 0, -1)
    # -> ours (0, -1, 0), heading -90; the 1.0 m side is its length.
    i = at(scene, PAINTING)
    np.testing.assert_allclose(scene.center[i], [-2.9, 0.5, 1.5], atol=1e-6)
    np.testing.assert_allclose(scene.size[i], [1.0, 0.05, 0.6], atol=1e-6)
    assert scene.yaw[i] == pytest.approx(-90.0, abs=1e-6)
    assert scene.length[i] == pytest.approx(1.0) and scene.width[i] == pytest.approx(0.05)


def test_tilted_obb_book_lying_flat(scene):
    # Book extents (0.2, 0.3, 0.04), rotation x = 90: Unity local y (0.3) now points along
    # Unity +z = our +y, Unity local z (0.04) along Unity -y = our -z. Our local axes:
    # x -> (1, 0, 0), y (= Unity z) -> (0, 0, -1), z (= Unity y) -> (0, 1, 0).
    i = at(scene, BOOK)
    np.testing.assert_allclose(scene.size[i], [0.2, 0.04, 0.3], atol=1e-6)
    np.testing.assert_allclose(scene.R[i], [[1, 0, 0], [0, 0, 1], [0, -1, 0]], atol=1e-6)
    assert scene.top[i] == pytest.approx(0.84) and scene.bottom[i] == pytest.approx(0.80)
    assert not scene.upright[i]
    assert (scene.length[i], scene.width[i]) == pytest.approx((0.3, 0.2))
    assert scene.yaw[i] == pytest.approx(0.0, abs=1e-6)


def test_parents_and_support(scene):
    # Mug (pickupable) -> CounterTop, resting on it; the GarbageCan (moveable) -> Floor.
    # The CounterTop, the Floor and the Painting can neither be picked up nor moved:
    # fixtures, which rest on nothing, whatever AI2-THOR lists (the counter lists the
    # floor, the floor lists the garbage can on it). Book's receptacle is not in the scene.
    assert scene.parent[at(scene, MUG)] == at(scene, COUNTER)
    assert scene.parent[at(scene, CAN)] == at(scene, FLOOR)
    for fixture in (COUNTER, FLOOR, PAINTING):
        assert scene.parent[at(scene, fixture)] == -1
        assert scene.support[at(scene, fixture)] == SUPPORT_FIXED
    assert scene.support[at(scene, MUG)] == SUPPORT_ON
    assert scene.support[at(scene, CAN)] == SUPPORT_ON
    assert scene.parent[at(scene, BOOK)] == -1
    assert scene.support[at(scene, BOOK)] == SUPPORT_NOT_RECORDED  # geometry decides


def test_categories_labels_attributes(scene):
    i = at(scene, MUG)
    assert scene.categories[i] == "Mug" and scene.labels[i] == "Mug" and not scene.has_label[i]
    assert scene.attributes[i] == {"pickupable": True, "receptacle": True, "openable": False,
                                   "moveable": False, "name": "Mug_0a1b2c3d", "assetId": "Mug_1"}
    assert "assetId" not in scene.attributes[at(scene, COUNTER)]  # empty assetId is dropped


def test_objects_from_ai2thor_gives_scene_file_objects(raw):
    objs = objects_from_ai2thor(raw)
    assert [o["id"] for o in objs] == [o["objectId"] for o in raw]
    assert set(objs[0]) == {"id", "category", "center", "size", "rotation", "parent",
                            "support", "attributes"}
    json.dumps(objs, allow_nan=False)  # plain JSON


def test_malformed_metadata_reports_every_object(raw):
    bad = [dict(raw[0]), {"objectId": "x"}, "not an object"]
    del bad[0]["axisAlignedBoundingBox"]
    with pytest.raises(SceneError) as info:
        objects_from_ai2thor(bad)
    assert info.value.problems == [
        "objects[0]: cannot convert: missing key 'axisAlignedBoundingBox'",
        "objects[1]: cannot convert: missing key 'axisAlignedBoundingBox'",
        "objects[2]: cannot convert: expected an object dict, got str",
    ]


def test_fit_box_any_corner_order_and_elongated_box():
    # A 4 x 0.2 x 0.1 box: the face diagonal (0.22) is shorter than the long edge (4), so
    # "3 nearest corners" would be wrong. Corner order must not matter either.
    R = quat_to_matrix(np.array([0.1, 0.2, 0.3, 0.9]) / np.linalg.norm([0.1, 0.2, 0.3, 0.9]))
    size = np.array([4.0, 0.2, 0.1])
    local = np.array(list(itertools.product((-1, 1), repeat=3))) * size / 2
    corners = np.array([1, 2, 3]) + local @ R.T
    for perm in ([0, 1, 2, 3, 4, 5, 6, 7], [7, 2, 5, 0, 3, 6, 1, 4]):
        center, fitted_size, fitted_R = fit_box(corners[perm], hint=R)
        np.testing.assert_allclose(center, [1, 2, 3], atol=1e-12)
        np.testing.assert_allclose(fitted_size, size, atol=1e-12)
        np.testing.assert_allclose(fitted_R, R, atol=1e-12)


def test_fit_box_flat_box_has_zero_size():
    corners = np.array([[x, y, 0.0] for x in (0, 2) for y in (0, 1) for _ in range(2)])
    center, size, R = fit_box(corners)
    np.testing.assert_allclose(center, [1, 0.5, 0])
    np.testing.assert_allclose(size, [2, 1, 0], atol=1e-12)
    assert np.linalg.det(R) == pytest.approx(1.0)


def _metadata(yaw=0.0, horizon=0.0):
    return {"cameraPosition": {"x": 1.0, "y": 1.5, "z": 2.0}, "fov": 90, "screenWidth": 640,
            "screenHeight": 480, "agent": {"rotation": {"x": 0, "y": yaw, "z": 0},
                                           "cameraHorizon": horizon},
            "objects": [{"objectId": "A", "visible": True}, {"objectId": "B", "visible": False}]}


@pytest.mark.parametrize("yaw, horizon, forward, right", [
    (0, 0, [0, 1, 0], [1, 0, 0]),  # Unity +z (forward) is our +y
    (90, 0, [1, 0, 0], [0, -1, 0]),  # turning right (clockwise seen from above)
    (0, 30, [0, math.cos(math.radians(30)), -0.5], [1, 0, 0]),  # positive horizon looks down
])
def test_camera_axes(yaw, horizon, forward, right):
    cam = camera_from_ai2thor(_metadata(yaw, horizon))
    R = quat_to_matrix(np.array(cam["rotation"]))
    np.testing.assert_allclose(R[:, 2], forward, atol=1e-12)  # OpenCV z: optical axis
    np.testing.assert_allclose(R[:, 0], right, atol=1e-12)  # OpenCV x: image right
    # OpenCV y (image down) completes the right-handed frame: y = z x x
    np.testing.assert_allclose(R[:, 1], np.cross(forward, right), atol=1e-12)
    if horizon == 0:
        np.testing.assert_allclose(R[:, 1], [0, 0, -1], atol=1e-12)
    assert cam["position"] == [1.0, 2.0, 1.5]


def test_camera_fov_is_vertical():
    # vertical 90 deg at 4:3 -> horizontal 2*atan(tan(45 deg) * 4/3) = 106.26 deg
    cam = camera_from_ai2thor(_metadata())
    assert cam["hfov_deg"] == pytest.approx(2 * math.degrees(math.atan(4 / 3)))
    assert (cam["width"], cam["height"]) == (640, 480)


def test_frames_pass_through_the_loader(raw):
    meta = _metadata(yaw=45, horizon=10)
    meta["objects"] = [{"objectId": MUG, "visible": True}, {"objectId": FLOOR, "visible": False}]
    frame = frame_from_ai2thor(meta, index=0, time=0.0, image="frames/000000.jpg")
    s = scene_from_ai2thor(raw, "test/live", frames=[frame])
    assert s.frames.count == 1 and s.frames.image == ("frames/000000.jpg",)
    assert s.frames.visibility[0, at(s, MUG)] == 1.0 and s.frames.visibility[0].sum() == 1.0
    # the vertical fov maps to fy: fy = (480/2) / tan(45 deg) = 240 (square pixels)
    assert s.frames.fy[0] == pytest.approx(240.0)


def test_p_is_its_own_inverse():
    np.testing.assert_array_equal(P @ P, np.eye(3))


# ------------------------------------------------- v0.2: boxes without an oriented box


def thor(oid, kind, center, extents, rotation=(0.0, 0.0, 0.0), parents=None, **flags):
    """An AI2-THOR object dict without an oriented box: Unity centre and AABB extents."""
    c = dict(zip("xyz", map(float, center)))
    return {"objectId": oid, "objectType": kind, "position": c,
            "rotation": dict(zip("xyz", map(float, rotation))),
            "axisAlignedBoundingBox": {"center": c, "size": dict(zip("xyz", map(float, extents)))},
            "objectOrientedBoundingBox": None, "parentReceptacles": parents,
            "pickupable": flags.get("pickupable", False),
            "moveable": flags.get("moveable", False), "receptacle": True, "openable": False}


def converted(objs, oid):
    s = scene_from_ai2thor(objs, "test/thor")
    return s, s.ids.index(oid)


def test_a_fridge_turned_270_degrees_keeps_its_yaw_length_and_width():
    # Unity rotation y = 270: local x -> Ry(270) (1, 0, 0) = (cos 270, 0, -sin 270) =
    # (0, 0, 1) Unity = (0, 1, 0) ours, a heading of +90 degrees. The AABB's Unity
    # extents (0.7, 1.8, 0.8) are ours (x 0.7, y 0.8, z 1.8); local x lies along our y,
    # local y (Unity local z -> (-1, 0, 0)) along our x: local sizes (0.8, 0.7, 1.8).
    # Before v0.2 the fridge had the identity rotation: size (0.7, 0.8, 1.8), yaw 0.
    s, i = converted([thor("Fridge|1", "Fridge", (1.0, 0.9, -2.0), (0.7, 1.8, 0.8),
                           rotation=(0.0, 270.0, 0.0))], "Fridge|1")
    np.testing.assert_allclose(s.center[i], [1.0, -2.0, 0.9])
    np.testing.assert_allclose(s.size[i], [0.8, 0.7, 1.8], atol=1e-12)
    assert s.yaw[i] == pytest.approx(90.0, abs=1e-9)
    assert (s.length[i], s.width[i]) == pytest.approx((0.8, 0.7))
    np.testing.assert_allclose(s.R[i], [[0, -1, 0], [1, 0, 0], [0, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(s.corners[i].min(axis=0), [0.65, -2.4, 0.0], atol=1e-12)
    np.testing.assert_allclose(s.corners[i].max(axis=0), [1.35, -1.6, 1.8], atol=1e-12)
    assert "box" not in s.attributes[i]


def test_angles_within_a_degree_of_a_right_angle_snap_to_it():
    # AI2-THOR records 89.9996 or 0.0052 for right angles; 0.4 degrees off is snapped too
    # (the AABB of a 0.8 m side turned 0.4 degrees is 6 mm wider than the side)
    s, i = converted([thor("Cabinet|1", "Cabinet", (0, 0.5, 0), (0.4, 1.0, 0.6),
                           rotation=(0.0052, 89.9996, 359.6))], "Cabinet|1")
    # snapped to (0, 90, 0): Ry(90) turns local x to (0, 0, -1) Unity = (0, -1, 0) ours
    assert s.yaw[i] == pytest.approx(-90.0, abs=1e-9)
    np.testing.assert_allclose(s.size[i], [0.6, 0.4, 1.0], atol=1e-12)
    assert "box" not in s.attributes[i]


def test_an_object_turned_off_the_right_angles_is_marked_aabb():
    # a stove knob tilted 45 degrees about x: its AABB is not its box, so it keeps the
    # axis-aligned box with the identity rotation and says so
    s, i = converted([thor("StoveKnob|1", "StoveKnob", (0, 0.9, 0), (0.05, 0.06, 0.06),
                           rotation=(45.0, 0.0, 0.0))], "StoveKnob|1")
    assert s.attributes[i]["box"] == "aabb"
    np.testing.assert_array_equal(s.rotation[i], [0, 0, 0, 1])
    np.testing.assert_allclose(s.size[i], [0.05, 0.06, 0.06])


# ---------------------------------------------------------- v0.2: the direct parent

TABLE, MACHINE, CUP = "DiningTable|1", "CoffeeMachine|1", "Mug|1"


def coffee_corner():
    # A mug in a coffee machine that stands on a table; AI2-THOR lists the table first.
    # Unity (x, y, z): table top at 0.8, machine z 0.8..1.2 on it, the mug's bottom at
    # 0.83 (3 cm up, on the machine's drip tray) and its centre inside the machine's box.
    return [thor(TABLE, "DiningTable", (0, 0.4, 0), (1.2, 0.8, 0.8), parents=["Floor|1"],
                 moveable=True),
            thor(MACHINE, "CoffeeMachine", (0.2, 1.0, 0), (0.3, 0.4, 0.3), parents=[TABLE],
                 moveable=True),
            thor(CUP, "Mug", (0.2, 0.88, 0.05), (0.08, 0.1, 0.08), parents=[TABLE, MACHINE],
                 pickupable=True),
            thor("Floor|1", "Floor", (0, -0.05, 0), (5, 0.1, 5), parents=[TABLE])]


def test_the_mug_in_the_coffee_machine_gets_the_coffee_machine():
    s, i = converted(coffee_corner(), CUP)
    assert s.ids[s.parent[i]] == MACHINE
    assert s.support[i] == SUPPORT_IN  # a coffee machine holds the mug in it
    table, machine = s.ids.index(TABLE), s.ids.index(MACHINE)
    assert s.ids[s.parent[machine]] == TABLE and s.support[machine] == SUPPORT_ON
    assert s.ids[s.parent[table]] == "Floor|1"
    floor = s.ids.index("Floor|1")  # a fixture: its listing of the table is ignored
    assert s.parent[floor] == -1 and s.support[floor] == SUPPORT_FIXED


def test_a_book_on_a_table_is_not_given_the_chair_tucked_under_it():
    # The chair's box (z 0..0.9) reaches over the table top (0.75) and encloses the
    # book's centre; the book touches the table's top, so the table is its parent.
    objs = [thor("Table|1", "DiningTable", (0, 0.375, 0), (1.2, 0.75, 0.8), moveable=True),
            thor("Chair|1", "Chair", (0, 0.45, 0.5), (0.45, 0.9, 0.45), moveable=True),
            thor("Book|1", "Book", (0, 0.77, 0.35), (0.2, 0.04, 0.3),
                 parents=["Chair|1", "Table|1"], pickupable=True)]
    s, i = converted(objs, "Book|1")
    assert s.ids[s.parent[i]] == "Table|1" and s.support[i] == SUPPORT_ON


def test_a_dining_table_listed_in_its_chairs_stands_on_the_floor():
    # AI2-THOR lists the chairs around a table among the table's receptacles; neither
    # touches its bottom nor holds it, the floor does
    objs = [thor("Floor|1", "Floor", (0, -0.05, 0), (5, 0.1, 5)),
            thor("Table|1", "DiningTable", (0, 0.375, 0), (1.2, 0.75, 0.8),
                 parents=["Floor|1", "Chair|1", "Chair|2"], moveable=True),
            thor("Chair|1", "Chair", (0, 0.45, 0.5), (0.45, 0.9, 0.45),
                 parents=["Floor|1"], moveable=True),
            thor("Chair|2", "Chair", (0, 0.45, -0.5), (0.45, 0.9, 0.45),
                 parents=["Floor|1"], moveable=True)]
    s, i = converted(objs, "Table|1")
    assert s.ids[s.parent[i]] == "Floor|1"


def test_stacked_drawers_are_fixtures():
    # three drawers at Unity y 0.1..0.3, 0.3..0.5, 0.5..0.7 (the lowest one listing the
    # floor), a fork lying in the lowest (centre 0.12, inside its box)
    objs = [thor(f"Drawer|{k}", "Drawer", (0, 0.2 + 0.2 * k, 0), (0.6, 0.2, 0.5),
                 parents=["Floor|1"] if k == 0 else None) for k in range(3)]
    objs.append(thor("Floor|1", "Floor", (0, -0.05, 0), (5, 0.1, 5)))
    objs.append(thor("Fork|1", "Fork", (0, 0.12, 0), (0.03, 0.02, 0.2),
                     parents=["Drawer|0"], pickupable=True))
    s = scene_from_ai2thor(objs, "test/thor")
    for k in range(3):
        d = s.ids.index(f"Drawer|{k}")
        assert s.parent[d] == -1 and s.support[d] == SUPPORT_FIXED
    fork = s.ids.index("Fork|1")
    assert s.ids[s.parent[fork]] == "Drawer|0" and s.support[fork] == SUPPORT_IN


def test_a_parent_cycle_between_movable_objects_is_broken_at_the_larger():
    # two boxes that list each other (it cannot happen physically; a live capture may
    # still report it): the larger loses its parent, the smaller rests in/on it
    objs = [thor("Box|big", "Box", (0, 0.2, 0), (0.6, 0.4, 0.6), parents=["Box|small"],
                 pickupable=True),
            thor("Box|small", "Box", (0, 0.3, 0), (0.2, 0.2, 0.2), parents=["Box|big"],
                 pickupable=True)]
    s = scene_from_ai2thor(objs, "test/thor")
    big, small = s.ids.index("Box|big"), s.ids.index("Box|small")
    assert s.parent[big] == -1 and s.support[big] == SUPPORT_NOT_RECORDED
    assert s.parent[small] == big and s.support[small] == SUPPORT_IN


def test_metadata_without_the_flags_keeps_its_receptacles():
    # the fixture rule needs AI2-THOR to say both "not pickupable" and "not moveable"
    objs = coffee_corner()
    for o in objs:
        del o["pickupable"], o["moveable"]
    s, i = converted(objs, CUP)
    assert s.ids[s.parent[i]] == MACHINE
    floor = s.ids.index("Floor|1")
    # the floor now keeps its listed receptacle: floor -> table -> floor is a cycle, broken
    # at the larger object (the floor, 2.5 m3 against the table's 0.77 m3)
    assert s.parent[floor] == -1 and s.support[floor] == SUPPORT_NOT_RECORDED
    assert s.ids[s.parent[s.ids.index(TABLE)]] == "Floor|1"


def test_a_bathtubs_basin_recorded_as_a_sink_basin_is_a_bathtub_basin():
    # FloorPlan420 records its bathtub basin as Bathtub|...|SinkBasin; a reader sees one
    # sink there, so "the tallest sink basin" must not name the tub
    from spatial_dsl.scenes.sources import load_scene

    scene = load_scene("ithor:FloorPlan420")
    rows = dict(zip(scene.ids, zip(scene.categories, scene.attributes)))
    tub = [i for i in scene.ids if i.startswith("Bathtub|") and i.endswith("SinkBasin")]
    assert [rows[i][0] for i in tub] == ["BathtubBasin"]
    assert rows[tub[0]][1]["recorded_type"] == "SinkBasin"
    sinks = [i for i, (c, _) in rows.items() if c == "SinkBasin"]
    assert len(sinks) == 1 and sinks[0].startswith("Sink|")
