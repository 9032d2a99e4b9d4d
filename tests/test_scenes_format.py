"""spdsl.scene/1 loading, validation, derived quantities and writing."""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import (
    dump_scene,
    json_schema,
    load_scene_file,
    scene_from_dict,
    write_scene,
)
from spatial_dsl.scenes.model import (
    SUPPORT_FIXED, SUPPORT_IN, SUPPORT_NOT_RECORDED, scene_differences,
)
from spatial_dsl.scenes.rotations import matrix_to_quat, quat_to_matrix

FIXTURES = Path(__file__).parent / "fixtures" / "scenes"
KITCHEN = FIXTURES / "kitchen.scene.json"
S = math.sqrt(0.5)


@pytest.fixture(scope="module")
def kitchen():
    return load_scene_file(KITCHEN)


def kitchen_doc() -> dict:
    return json.loads(KITCHEN.read_text())


def idx(scene, oid):
    return scene.ids.index(oid)


def problems_of(doc) -> list[str]:
    with pytest.raises(SceneError) as info:
        scene_from_dict(doc, origin="t")
    return info.value.problems


# --------------------------------------------------------------------------- loading


def test_kitchen_basic_fields(kitchen):
    assert kitchen.id == "test/kitchen"
    assert kitchen.ids == tuple(sorted(kitchen.ids))  # sorted by id, not file order
    assert kitchen.n == 7
    i = idx(kitchen, "fridge_1")
    assert kitchen.categories[i] == "Fridge" and kitchen.labels[i] == "fridge"
    assert kitchen.has_label[i] and not kitchen.has_label[idx(kitchen, "chair_2")]
    assert kitchen.labels[idx(kitchen, "chair_2")] == "Chair"  # label defaults to category
    # unknown object keys land in attributes, unknown top-level keys in source
    assert kitchen.attributes[i] == {"openable": True, "color": "white"}
    assert kitchen.source["notes"].startswith("unknown top-level key")
    assert kitchen.source["kind"] == "hand-made"


def test_parents(kitchen):
    assert kitchen.parent[idx(kitchen, "mug_1")] == idx(kitchen, "counter_1")
    assert kitchen.parent[idx(kitchen, "book_1")] == idx(kitchen, "table_1")
    assert kitchen.parent[idx(kitchen, "fridge_1")] == -1
    assert kitchen.parent.dtype == np.int64


def test_fridge_rotated_90_about_z(kitchen):
    # center (-1, 2.6, 0.9), size (0.8, 0.7, 1.8), 90 deg about +z:
    # local x -> world +y, local y -> world -x. So x spans -1 +- 0.35, y spans 2.6 +- 0.4.
    i = idx(kitchen, "fridge_1")
    c = kitchen.corners[i]
    np.testing.assert_allclose(c.min(axis=0), [-1.35, 2.2, 0.0], atol=1e-12)
    np.testing.assert_allclose(c.max(axis=0), [-0.65, 3.0, 1.8], atol=1e-12)
    # corner 4 has local signs (+, -, -): 0.4*(0,1,0) - 0.35*(-1,0,0) - 0.9*(0,0,1)
    np.testing.assert_allclose(c[4], [-1 + 0.35, 2.6 + 0.4, 0.9 - 0.9], atol=1e-12)
    assert kitchen.top[i] == pytest.approx(1.8) and kitchen.bottom[i] == pytest.approx(0.0)
    assert kitchen.length[i] == pytest.approx(0.8) and kitchen.width[i] == pytest.approx(0.7)
    assert kitchen.yaw[i] == pytest.approx(90.0)
    assert kitchen.upright[i]
    assert kitchen.volume[i] == pytest.approx(0.8 * 0.7 * 1.8)
    assert kitchen.footprint[i] == pytest.approx(0.56)
    assert kitchen.longest[i] == pytest.approx(1.8)


def test_tilted_book(kitchen):
    # size (0.2, 0.3, 0.04) turned 30 deg about +y: local x -> (cos30, 0, -sin30),
    # local y -> (0, 1, 0), local z -> (sin30, 0, cos30).
    # half height = 0.1*sin30 + 0.02*cos30 = 0.05 + 0.017320508 = 0.067320508
    # half x extent = 0.1*cos30 + 0.02*sin30 = 0.086602540 + 0.01 = 0.096602540
    i = idx(kitchen, "book_1")
    assert kitchen.top[i] == pytest.approx(0.84 + 0.067320508)
    assert kitchen.bottom[i] == pytest.approx(0.84 - 0.067320508)
    np.testing.assert_allclose(kitchen.corners[i, :, 0].min(), 0.4 - 0.096602540, atol=1e-9)
    np.testing.assert_allclose(kitchen.corners[i, :, 1].max(), 0.65, atol=1e-12)
    # local z is the most vertical axis (|z| = cos30), so length/width come from x and y
    assert kitchen.length[i] == pytest.approx(0.3) and kitchen.width[i] == pytest.approx(0.2)
    assert kitchen.yaw[i] == pytest.approx(0.0, abs=1e-9)  # local x still heads along +x
    assert not kitchen.upright[i]


def test_yaw_180_is_positive(kitchen):
    # q = [0, 0, 1, 0] is 180 deg about z: local x -> -x; yaw lies in (-180, 180]
    assert kitchen.yaw[idx(kitchen, "chair_2")] == 180.0
    assert kitchen.length[idx(kitchen, "chair_2")] == pytest.approx(0.5)


def test_yaw_uses_length_axis_when_local_x_is_vertical():
    # 90 deg about +y: local x -> (0, 0, -1) (vertical), local y -> +y, local z -> +x.
    # Horizontal axes: y (2.0) and z (1.0); the length axis is local y, heading +90 deg.
    q = [0, S, 0, S]
    doc = {"format": "spdsl.scene/1", "id": "t", "objects": [
        {"id": "a", "category": "Box", "center": [0, 0, 1], "size": [0.5, 2.0, 1.0],
         "rotation": q}]}
    s = scene_from_dict(doc)
    assert s.yaw[0] == pytest.approx(90.0)
    assert (s.length[0], s.width[0]) == pytest.approx((2.0, 1.0))
    assert s.top[0] == pytest.approx(1.25) and not s.upright[0]


def test_room_from_floor(kitchen):
    r = kitchen.room
    assert r.floor.shape == (4, 2)
    assert r.area == pytest.approx(5 * 4.2) and r.height == 2.6
    assert (r.length, r.width) == pytest.approx((5.0, 4.2))
    np.testing.assert_allclose(r.bounds_min, [-2, -1])
    np.testing.assert_allclose(r.bounds_max, [3, 3.2])


def test_room_from_objects():
    s = load_scene_file(FIXTURES / "no_room.scene.json")
    # "a": 2x2x2 cube at (3, 1, 1) turned 45 deg: x, y span +- sqrt(2); "b" spans x +-0.5, y +-1
    r2 = math.sqrt(2)
    assert s.room.floor is None
    np.testing.assert_allclose(s.room.bounds_min, [-0.5, -1.0], atol=1e-12)
    np.testing.assert_allclose(s.room.bounds_max, [3 + r2, 1 + r2], atol=1e-12)
    assert s.room.area == pytest.approx((3.5 + r2) * (2 + r2))
    assert s.room.height == pytest.approx(2.0)  # largest top
    assert s.room.length == pytest.approx(3.5 + r2) and s.room.width == pytest.approx(2 + r2)
    assert s.ids == ("a", "b") and s.yaw[0] == pytest.approx(45.0)
    assert s.frames.count == 0 and s.frames.visibility.shape == (0, 2)


def test_frames(kitchen):
    f = kitchen.frames
    assert f.count == 3 and list(f.index) == [0, 1, 2]
    np.testing.assert_allclose(f.time, [0, 0.5, 1.0])
    # hfov 90 at 640 px: fx = 320 / tan(45 deg) = 320
    np.testing.assert_allclose([f.fx[0], f.fy[0], f.cx[0], f.cy[0]], [320, 320, 320, 240])
    np.testing.assert_allclose([f.fx[1], f.fy[1], f.cx[1], f.cy[1]], [500, 500, 320, 240])
    assert f.fx[2] == pytest.approx(160 / math.tan(math.radians(30)))  # hfov 60 at 320 px
    # camera -90 deg about x: looks along +y (z column), image down is world -z (y column)
    np.testing.assert_allclose(f.R[0], [[1, 0, 0], [0, 0, 1], [0, -1, 0]], atol=1e-12)
    assert f.image == ("frames/000000.jpg", None, None)
    assert f.visibility.shape == (3, 7)
    assert f.visibility[0, idx(kitchen, "chair_1")] == 0.8
    assert f.visibility[1, idx(kitchen, "chair_1")] == 0.0
    assert f.visibility[2].sum() == pytest.approx(1.9)


def test_frames_sorted_by_index():
    doc = kitchen_doc()
    doc["frames"].reverse()
    s = scene_from_dict(doc)
    assert list(s.frames.index) == [0, 1, 2] and s.frames.image[0] == "frames/000000.jpg"


def test_name_index(kitchen):
    ni = kitchen.name_index
    assert list(np.nonzero(ni["chair"])[0]) == [idx(kitchen, "chair_1"), idx(kitchen, "chair_2")]
    assert list(np.nonzero(ni["leftchair"])[0]) == [idx(kitchen, "chair_1")]
    assert ni["fridge"][idx(kitchen, "fridge_1")] and ni["fridge"].sum() == 1
    assert "diningtable" in ni and "countertop" in ni


def test_arrays_are_read_only(kitchen):
    with pytest.raises(ValueError):
        kitchen.center[0, 0] = 5.0
    with pytest.raises(ValueError):
        kitchen.frames.visibility[0, 0] = 1.0
    with pytest.raises(ValueError):
        kitchen.frames.visible.fractions[0] = 0.5


def test_quaternion_normalised_exactly():
    doc = kitchen_doc()
    doc["objects"][0]["rotation"] = [0, 0, 0, 1.0005]  # within 1e-3 of unit length
    s = scene_from_dict(doc)
    assert np.linalg.norm(s.rotation, axis=1) == pytest.approx(np.ones(7), abs=1e-15)


def test_rotation_defaults_to_identity():
    doc = kitchen_doc()
    del doc["objects"][0]["rotation"]
    s = scene_from_dict(doc)
    np.testing.assert_array_equal(s.rotation[idx(s, "table_1")], [0, 0, 0, 1])


def test_quaternion_matrix_roundtrip_against_scipy():
    rng = np.random.default_rng(7)
    qs = Rotation.random(200, random_state=rng).as_quat()
    np.testing.assert_allclose(quat_to_matrix(qs), Rotation.from_quat(qs).as_matrix(),
                               atol=1e-12)
    for q in qs:
        back = matrix_to_quat(quat_to_matrix(q))
        assert abs(back @ q) == pytest.approx(1.0, abs=1e-12) and back[3] >= 0
    # 180 degree turns are the numerically delicate case for matrix -> quaternion
    for axis in np.eye(3):
        q = np.append(axis, 0.0)
        assert abs(matrix_to_quat(quat_to_matrix(q)) @ q) == pytest.approx(1.0)


# --------------------------------------------------------------------------- validation


def _set(path, value):
    """A mutation that sets doc[path...] = value (path: keys and list indices)."""
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _delete(path):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


CAM = ("frames", 0, "camera")
CASES = [
    (_set(("format",), "spdsl.scene/0"),
     "format: unsupported format 'spdsl.scene/0' (expected 'spdsl.scene/1')"),
    (_delete(("format",)), "format: missing"),
    (_delete(("id",)), "id: missing"),
    (_set(("id",), 3), "id: expected a non-empty string, got 3"),
    (_delete(("objects",)), "objects: missing"),
    (_set(("objects",), []), "objects: scene has no objects"),
    (_set(("objects",), {"a": 1}), "objects: expected a list of objects, got an object"),
    (_set(("objects", 2), "fridge"), "objects[2]: expected an object, got a string"),
    (_delete(("objects", 2, "id")), "objects[2].id: missing"),
    (_set(("objects", 2, "id"), 12), "objects[2].id: expected a non-empty string, got 12"),
    (_delete(("objects", 2, "category")), "objects[2].category: missing"),
    (_set(("objects", 2, "category"), " "),
     "objects[2].category: expected a non-empty string, got an empty string"),
    (_set(("objects", 2, "category"), "_-"),
     "objects[2].category: '_-' has no characters besides spaces, '_' and '-'"),
    (_set(("objects", 6, "label"), "fridge"),
     "objects[6].label: duplicate label 'fridge' (first at objects[2])"),
    (_set(("objects", 6, "label"), "Left_Chair"),
     "objects[6].label: duplicate label 'Left_Chair' (first at objects[5], same as 'left chair'"
     " ignoring case, spaces, '_' and '-')"),
    (_delete(("objects", 2, "center")), "objects[2].center: missing"),
    (_set(("objects", 2, "center"), [1, 2]), "objects[2].center: expected 3 numbers, got 2"),
    (_set(("objects", 2, "center"), "1,2,3"),
     "objects[2].center: expected a list of 3 numbers, got a string"),
    (_set(("objects", 2, "center"), [1, True, 3]),
     "objects[2].center[1]: expected a number, got true"),
    (_set(("objects", 2, "size"), [1, 2]), "objects[2].size: expected 3 numbers, got 2"),
    (_set(("objects", 2, "size"), [1, -0.5, 2]),
     "objects[2].size[1]: sizes must be >= 0, got -0.5"),
    (_set(("objects", 2, "rotation"), [0, 0, 0, 2]),
     "objects[2].rotation: quaternion [x, y, z, w] is not normalised (|q| = 2)"),
    (_set(("objects", 2, "rotation"), [0, 0, 1]),
     "objects[2].rotation: expected 4 numbers, got 3"),
    (_set(("objects", 2, "parent"), "tabel_1"),
     "objects[2].parent: unknown object id 'tabel_1'; did you mean 'table_1'?"),
    (_set(("objects", 2, "parent"), "fridge_1"),
     "objects[2].parent: an object cannot be its own parent"),
    (_set(("objects", 0, "parent"), "book_1"),
     "objects[0].parent: parent cycle: table_1 -> book_1 -> table_1"),
    (_set(("objects", 4, "support"), "under"),
     "objects[4].support: expected one of 'on', 'in', 'fixed', got 'under'"),
    (_set(("objects", 4, "support"), 1),
     "objects[4].support: expected one of 'on', 'in', 'fixed', got 1"),
    (_set(("objects", 2, "support"), "on"),
     "objects[2].support: 'on' describes how the object is held by its parent, but it has "
     "none"),
    (_set(("objects", 4, "support"), "fixed"),
     "objects[4].support: a 'fixed' object rests on nothing, so it cannot have a parent"),
    (_set(("objects", 2, "attributes"), [1]),
     "objects[2].attributes: expected an object, got a list"),
    (_set(("source",), "ai2thor"), "source: expected an object, got a string"),
    (_set(("frames",), {}), "frames: expected a list of frames, got an object"),
    (_set(("frames", 1, "index"), 0),
     "frames[1].index: duplicate frame index 0 (first at frames[0])"),
    (_set(("frames", 1, "index"), 1.5), "frames[1].index: expected an integer, got 1.5"),
    (_set(("frames", 1, "index"), True), "frames[1].index: expected an integer, got true"),
    (_delete(("frames", 1, "time")), "frames[1].time: missing"),
    (_set(("frames", 1, "time"), "now"), "frames[1].time: expected a number, got a string"),
    (_delete(("frames", 1, "camera")), "frames[1].camera: missing"),
    (_set(CAM + ("position",), [0, 0]), "frames[0].camera.position: expected 3 numbers, got 2"),
    (_set(CAM + ("rotation",), [0, 0, 0, 0]),
     "frames[0].camera.rotation: quaternion [x, y, z, w] is not normalised (|q| = 0)"),
    (_set(CAM + ("width",), 0), "frames[0].camera.width: expected a positive integer, got 0"),
    (_set(CAM + ("height",), 480.0),
     "frames[0].camera.height: expected a positive integer, got 480.0"),
    (_set(CAM + ("hfov_deg",), 180),
     "frames[0].camera.hfov_deg: expected degrees in (0, 180), got 180"),
    (_set(CAM + ("hfov_deg",), 0),
     "frames[0].camera.hfov_deg: expected degrees in (0, 180), got 0"),
    (_set(CAM + ("hfov_deg",), 5e-324),  # the smallest float: found by bench/probe_hostile.py
     "frames[0].camera.hfov_deg: 4.94066e-324 degrees is too narrow for a focal length"),
    (_set(CAM + ("fx",), 400),
     "frames[0].camera: give either hfov_deg or fx, fy, cx, cy, not both"),
    (_delete(CAM + ("hfov_deg",)),
     "frames[0].camera: missing intrinsics: give hfov_deg or all of fx, fy, cx, cy"),
    (_delete(("frames", 1, "camera", "cy")),
     "frames[1].camera: missing cy (give all of fx, fy, cx, cy, or hfov_deg)"),
    (_set(("frames", 1, "camera", "fy"), -5),
     "frames[1].camera.fy: focal length must be > 0, got -5"),
    (_set(("frames", 0, "visible", "chiar_1"), 0.5),
     "frames[0].visible[\"chiar_1\"]: unknown object id 'chiar_1'; did you mean 'chair_1' or"
     " 'chair_2'?"),
    (_set(("frames", 0, "visible", "chair_1"), 0),
     "frames[0].visible[\"chair_1\"]: visible fraction must be in (0, 1], got 0"),
    (_set(("frames", 0, "visible", "chair_1"), 1.01),
     "frames[0].visible[\"chair_1\"]: visible fraction must be in (0, 1], got 1.01"),
    (_set(("frames", 0, "visible"), ["chair_1"]),
     "frames[0].visible: expected an object, got a list"),
    (_set(("frames", 0, "image"), 5), "frames[0].image: expected a non-empty string, got 5"),
    (_set(("room",), [1]), "room: expected an object, got a list"),
    (_set(("room", "floor"), [[0, 0], [1, 0]]),
     "room.floor: expected a polygon of at least 3 [x, y] points, got 2 points"),
    (_set(("room", "floor"), [[0, 0], [1, 0, 0], [1, 1]]),
     "room.floor[1]: expected 2 numbers, got 3"),
    (_set(("room", "floor"), [[0, 0], [1, 1], [2, 2]]), "room.floor: floor polygon has zero area"),
    (_set(("room", "height"), 0), "room.height: must be > 0, got 0"),
    (_set(("objects", 2, "center"), [0, float("nan"), 0]),
     "objects[2].center[1]: nan is not allowed: numbers must be finite"),
    (_set(("frames", 0, "time"), float("inf")),
     "frames[0].time: inf is not allowed: numbers must be finite"),
]


@pytest.mark.parametrize("mutate, expected", CASES, ids=[c[1][:60] for c in CASES])
def test_each_problem_is_reported_with_its_path(mutate, expected):
    doc = kitchen_doc()
    mutate(doc)
    assert problems_of(doc) == [expected]


def test_duplicate_ids():
    doc = kitchen_doc()
    doc["objects"][2]["id"] = "table_1"  # fridge_1 is gone, so its visibility entry dangles
    assert problems_of(doc) == [
        "objects[2].id: duplicate id 'table_1' (first at objects[0])",
        'frames[2].visible["fridge_1"]: unknown object id \'fridge_1\'',
    ]


def test_every_problem_reported_at_once():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_many.scene.json")
    paths = [p.split(": ", 1)[0] for p in info.value.problems]
    assert paths == [
        "format", "id", "objects[0].size", "objects[1].category", "objects[1].center[2]",
        "objects[1].size[1]", "objects[1].rotation", "objects[1].id", "objects[2].parent",
        "frames[0].camera.width", "frames[0].camera.hfov_deg", 'frames[0].visible["nope"]',
        'frames[0].visible["c"]', "room.floor", "room.height",
    ]


def test_error_text_lists_problems_with_origin():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_many.scene.json")
    lines = str(info.value).splitlines()
    assert len(lines) == len(info.value.problems) == 15
    origin = str(FIXTURES / "broken_many.scene.json")
    assert all(line.startswith(origin + ": ") for line in lines)
    assert info.value.origin == origin


def test_nan_and_infinity_literals_rejected_with_paths():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_nan.scene.json")
    assert info.value.problems == [
        "objects[0].center[1]: NaN is not allowed: numbers must be finite",
        "objects[0].size[2]: Infinity is not allowed: numbers must be finite",
        "objects[1].attributes.weight: -Infinity is not allowed: numbers must be finite",
    ]


def test_huge_number_overflowing_to_inf_is_rejected(tmp_path):
    text = KITCHEN.read_text().replace('"center": [0.5, 0.5, 0.375]', '"center": [1e999, 0.5, 0]')
    p = tmp_path / "x.scene.json"
    p.write_text(text)
    with pytest.raises(SceneError, match=r"objects\[0\].center\[0\]: inf is not allowed"):
        load_scene_file(p)


def test_invalid_json_reports_line_and_column():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_syntax.scene.json")
    assert info.value.problems == [
        "invalid JSON at line 5, column 75: Expecting property name enclosed in double quotes"]


def test_non_utf8_bytes():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_latin1.scene.json")
    assert info.value.problems == [
        "not valid UTF-8: byte 0xe9 at line 2, column 25 (scene files must be UTF-8 JSON)"]


def test_top_level_not_an_object():
    with pytest.raises(SceneError) as info:
        load_scene_file(FIXTURES / "broken_not_object.scene.json")
    assert info.value.problems == [
        "(document): expected a JSON object at the top level, got a list"]


def test_duplicate_json_keys_reported(tmp_path):
    p = tmp_path / "dup.scene.json"
    p.write_text('{"format": "spdsl.scene/1", "id": "a", "id": "b", "objects": '
                 '[{"id": "x", "category": "Box", "center": [0,0,0], "size": [1,1,1]}]}')
    with pytest.raises(SceneError, match="id: key given more than once"):
        load_scene_file(p)


@pytest.mark.parametrize("content, message", [
    (b"", "invalid JSON at line 1, column 1: Expecting value"),
    (b"\xef\xbb\xbf" + b"[]", "(document): expected a JSON object at the top level, got a list"),
    (b"[" * 100000, "invalid JSON: nested too deeply"),
])
def test_odd_files(tmp_path, content, message):
    p = tmp_path / "odd.scene.json"
    p.write_bytes(content)
    with pytest.raises(SceneError) as info:
        load_scene_file(p)
    assert info.value.problems == [message]


def test_deeply_nested_attributes():
    doc = kitchen_doc()
    deep: list = []
    for _ in range(100000):
        deep = [deep]
    doc["objects"][0]["attributes"] = {"deep": deep}
    assert problems_of(doc) == ["document nested too deeply"]


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SceneError, match="no such file"):
        load_scene_file(tmp_path / "nope.scene.json")
    with pytest.raises(SceneError, match="is a directory"):
        load_scene_file(tmp_path)


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("name", ["kitchen.scene.json", "no_room.scene.json"])
def test_round_trip(tmp_path, name):
    original = load_scene_file(FIXTURES / name)
    out = tmp_path / name
    write_scene(original, out)
    again = load_scene_file(out)
    assert scene_differences(original, again) == []
    # a second round is byte-for-byte stable
    write_scene(again, tmp_path / "second.scene.json")
    assert (tmp_path / "second.scene.json").read_text() == out.read_text()


def test_support_is_read_and_written_back():
    # mug_1 is recorded in counter_1 (whatever the boxes say), the fridge fixed, book_1
    # on table_1 without a word (not recorded)
    doc = kitchen_doc()
    doc["objects"][4]["support"] = "in"
    doc["objects"][2]["support"] = "fixed"
    s = scene_from_dict(doc)
    assert s.support[idx(s, "mug_1")] == SUPPORT_IN
    assert s.support[idx(s, "fridge_1")] == SUPPORT_FIXED
    assert s.support[idx(s, "book_1")] == SUPPORT_NOT_RECORDED
    dumped = {o["id"]: o for o in dump_scene(s)["objects"]}
    assert dumped["mug_1"]["support"] == "in" and dumped["fridge_1"]["support"] == "fixed"
    assert "support" not in dumped["book_1"]
    jsonschema.validate(dump_scene(s), json_schema())
    assert scene_differences(s, scene_from_dict(dump_scene(s))) == []


def test_round_trip_keeps_room_height_without_floor():
    doc = json.loads((FIXTURES / "no_room.scene.json").read_text())
    doc["room"] = {"height": 3.0}
    s = scene_from_dict(doc)
    assert s.room.height == 3.0 and s.room.floor is None
    assert dump_scene(s)["room"] == {"height": 3.0}
    assert scene_differences(s, scene_from_dict(dump_scene(s))) == []


def test_dump_is_valid_against_schema(kitchen):
    jsonschema.validate(dump_scene(kitchen), json_schema())


def test_write_is_atomic(tmp_path, kitchen, monkeypatch):
    target = tmp_path / "k.scene.json"
    target.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_scene(kitchen, target)
    assert target.read_text() == "old"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["k.scene.json"]  # temp file removed
    monkeypatch.undo()
    write_scene(kitchen, target)
    assert load_scene_file(target).n == 7
    assert [p.name for p in tmp_path.iterdir()] == ["k.scene.json"]


# --------------------------------------------------------------------------- JSON Schema


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("name", ["kitchen.scene.json", "no_room.scene.json"])
def test_valid_fixtures_match_schema(name):
    jsonschema.validate(json.loads((FIXTURES / name).read_text()), json_schema())


def test_broken_fixture_fails_schema():
    doc = json.loads((FIXTURES / "broken_many.scene.json").read_text())
    errors = list(jsonschema.Draft202012Validator(json_schema()).iter_errors(doc))
    assert errors


def test_schema_rejects_mixed_intrinsics():
    doc = kitchen_doc()
    doc["frames"][0]["camera"]["fx"] = 300
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, json_schema())


def test_fixture_mutations_do_not_leak():
    # the validation cases mutate copies: the fixture file itself stays valid
    assert scene_from_dict(copy.deepcopy(kitchen_doc())).n == 7
