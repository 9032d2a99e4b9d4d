"""Importers (SPRITE, ScanNet boxes, meshes) on hand-written fixtures, and their geometry."""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import ConvexHull

from sims.geometry import convex_hull_2d, min_area_rect, rect_distance
from sims.importers import import_doc, import_scene
from spatial_dsl.api import compile_program
from spatial_dsl.runtime.geometry import heading
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.sources import expand_refs, load_scene

FIXTURES = Path(__file__).parent / "fixtures" / "sims"
SPRITE = FIXTURES / "sprite"


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("seed", range(6))
def test_convex_hull_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    pts = rng.normal(size=(200 if seed % 2 else 12, 2)) * [3, 1]
    hull = convex_hull_2d(pts)
    ref = pts[ConvexHull(pts).vertices]
    assert {tuple(p) for p in hull} == {tuple(p) for p in ref}
    area = 0.5 * np.sum(hull[:, 0] * np.roll(hull[:, 1], -1) - np.roll(hull[:, 0], -1) * hull[:, 1])
    assert area > 0  # counter-clockwise


@pytest.mark.parametrize("seed", range(6))
def test_min_area_rect_is_minimal_and_encloses(seed):
    rng = np.random.default_rng(seed)
    pts = rng.normal(size=(60, 2)) @ rng.normal(size=(2, 2)) + rng.normal(size=2)
    center, size, angle = min_area_rect(pts)
    axes = np.array([[[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]])
    assert (rect_distance(pts, center[None], axes, (size / 2 + 1e-9)[None]) == 0).all()
    assert size[0] >= size[1]
    # brute force over directions: nothing smaller
    best = min(np.ptp(pts @ [math.cos(t), math.sin(t)]) * np.ptp(pts @ [-math.sin(t), math.cos(t)])
               for t in np.linspace(0, math.pi, 3601))
    assert size[0] * size[1] <= best + 1e-9


def test_min_area_rect_of_a_rotated_rectangle_and_degenerate_inputs():
    t = math.radians(30)
    R = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    rect = (np.array([[-0.6, -0.3], [0.6, -0.3], [0.6, 0.3], [-0.6, 0.3]]) @ R.T) + [1, 2]
    center, size, angle = min_area_rect(np.concatenate([rect, rect * 0.5 + [0.5, 1]]))
    np.testing.assert_allclose(center, [1, 2], atol=1e-12)
    np.testing.assert_allclose(size, [1.2, 0.6], atol=1e-12)
    assert math.degrees(angle) == pytest.approx(30)
    c, s, _ = min_area_rect([[1, 1], [1, 1]])
    np.testing.assert_array_equal(s, [0, 0])
    c, s, a = min_area_rect([[0, 0], [1, 1], [2, 2]])
    assert s[0] == pytest.approx(math.sqrt(8)) and s[1] == 0
    assert math.degrees(a) == pytest.approx(45)


# --------------------------------------------------------------------------- SPRITE


def test_sprite_objects_frames_and_appear():
    scene = import_scene("sprite", SPRITE / "metainfo" / "0.json")
    assert scene.id == "sprite/0"
    assert scene.ids == ("CounterTop|1|0", "Fridge|1|1", "Painting|1|2", "Painting|1|3")
    assert scene.labels[2:] == ("sunset canvas", "mountain print")
    assert scene.attributes[2] == {"alias": "sunset canvas"}
    # The counter's pivot (0.7, 0, 0.8) is its centre (1, 0.45, 2) minus half its sizes
    # (0.6, 0.9, 2.4) along the world axes, which only the world-axis reading allows.
    assert scene.source["boxes"]["reading"] == "world"
    assert scene.source["boxes"]["evidence"].startswith("pivots: 1 object(s)")
    counter = 0
    # World-axis extents: Unity x 1 +- 0.3, z 2 +- 1.2, y 0 .. 0.9 -> ours (x, z, y):
    # corners x in [0.7, 1.3], y in [0.8, 3.2], z in [0, 0.9]. The y = 90 rotation is kept
    # (a multiple of 90 degrees): local x runs along Unity -z (ours -y), so length 2.4,
    # width 0.6, yaw -90; the box is the same.
    np.testing.assert_allclose(scene.center[counter], [1, 2, 0.45])
    np.testing.assert_allclose(scene.corners[counter].min(axis=0), [0.7, 0.8, 0], atol=1e-12)
    np.testing.assert_allclose(scene.corners[counter].max(axis=0), [1.3, 3.2, 0.9], atol=1e-12)
    np.testing.assert_allclose(scene.size[counter], [2.4, 0.6, 0.9])
    assert scene.yaw[counter] == pytest.approx(-90)
    # the painting at 270 degrees stays 3 cm thin against its wall at x = 3.995
    painting = scene.ids.index("Painting|1|3")
    np.testing.assert_allclose(scene.corners[painting].max(axis=0)[0], 3.995)
    np.testing.assert_allclose(np.ptp(scene.corners[painting][:, :2], axis=0), [0.03, 0.9])
    f = scene.frames
    assert f.count == 3 and f.time.tolist() == [0.0, 1.0, 2.0]
    np.testing.assert_allclose(f.position[0], [2, 2, 1.5])
    assert heading(f.R[0]) == pytest.approx(180)  # Unity yaw 270 faces -x
    assert heading(f.R[1]) == pytest.approx(150)
    assert f.R[1][2, 2] == pytest.approx(-0.5)  # pitch 30 looks down
    vis = {k: {scene.ids[j] for j in np.flatnonzero(f.visibility[k])} for k in range(3)}
    assert vis == {0: {"CounterTop|1|0"}, 1: {"CounterTop|1|0", "Fridge|1|1"},
                   2: {"Fridge|1|1", "Painting|1|2"}}


def gap_answer(scene) -> str:
    program = compile_program('answer round(gap(the("CounterTop"), the("Fridge")) in m, 2)')
    return program.run(scene).answer.text


def test_sprites_own_ai2thor_episode_gives_the_recorded_geometry():
    """Episode 0 of SPRITE's published sample (numbers in sprite/metainfo/2.json).

    Counter: centre (0.330276, 0.468733, 2.745277), world-axis sizes (0.610552, 0.937467,
    2.439445) -> Unity x [0.0250, 0.6356], z [1.5256, 3.9650]. Fridge: centre (5.394603,
    0.89557, 0.453531), sizes (1.130795, 1.79114, 0.857063), rotation 0 -> x [4.8292,
    5.9600], z [0.0250, 0.8821]. Heights overlap, so the gap is horizontal:
    dx = 4.8292 - 0.6356 = 4.1936, dz = 1.5256 - 0.8821 = 0.6435,
    sqrt(4.1936^2 + 0.6435^2) = 4.243 -> "4.24".
    Turning the sizes with the pivot's y = 90 (the wrong reading) makes the counter
    x [0.3303 -+ 1.2197] = [-0.8894, 1.5500], z [2.7453 -+ 0.3053] = [2.4400, 3.0505]:
    dx = 4.8292 - 1.5500 = 3.2792, dz = 2.4400 - 0.8821 = 1.5579 -> 3.630 -> "3.63".
    """
    episode = SPRITE / "metainfo" / "2.json"
    scene = import_scene("sprite", episode)
    assert scene.source["boxes"] == {
        "reading": "world",
        "evidence": "pivots: 2 object(s) fit world-axis sizes only, 0 rotated sizes only"}
    assert gap_answer(scene) == "4.24"
    assert gap_answer(import_scene("sprite", episode, boxes="local")) == "3.63"
    # the wall painting stays on its wall (x = 7.975) instead of turning through it
    painting = scene.ids.index("Painting|2|6")
    assert scene.corners[painting][:, 0].max() == pytest.approx(7.975004)
    assert np.ptp(scene.corners[painting][:, 0]) == pytest.approx(0.031741)
    # rotations that are not multiples of 90 degrees leave the world-axis box, marked
    for oid in ("HousePlant|2|2|0", "GarbageBag|2|4"):
        i = scene.ids.index(oid)
        assert scene.attributes[i]["box"] == "aabb" and scene.yaw[i] == 0
    plant = scene.ids.index("HousePlant|2|2|0")
    np.testing.assert_allclose(scene.size[plant], [0.604362, 0.574478, 0.894705])
    # the camera as recorded: the agent's position (0.90 m up), rotation x = 0 (level),
    # Unity yaw 90 (facing +x)
    np.testing.assert_allclose(scene.frames.position[0], [0.3, 0.3, 0.900999])
    np.testing.assert_allclose(scene.frames.R[0][:, 2], [1, 0, 0], atol=1e-12)


def test_sprite_quaternions_right_handed_and_episode_choice():
    with pytest.raises(SceneError, match="holds 3 episodes"):
        import_scene("sprite", SPRITE)
    scene = import_scene("sprite", SPRITE, episode="1", handedness="right")
    chair = scene.ids.index("chair_0")
    # right-handed y up: (x, y, z) -> (x, -z, y); +90 about y takes local x to -z -> ours +y
    np.testing.assert_allclose(scene.center[chair], [1, 2, 0.45])
    assert scene.yaw[chair] == pytest.approx(90)
    np.testing.assert_allclose(scene.size[chair], [0.5, 0.4, 0.9])
    np.testing.assert_allclose(scene.frames.position[0], [0, -1, 1.5])
    assert heading(scene.frames.R[0]) == pytest.approx(90)  # looks along -z -> ours +y
    assert scene.labels == ("wooden chair", "table")


def copy_sprite(tmp_path):
    shutil.copytree(SPRITE, tmp_path / "data")
    return tmp_path / "data"


def test_sprite_bad_inputs(tmp_path):
    data = copy_sprite(tmp_path)
    (data / "camera_pose" / "1.json").unlink()
    with pytest.raises(SceneError, match="camera poses missing"):
        import_scene("sprite", data / "metainfo" / "1.json")
    meta = json.loads((data / "metainfo" / "0.json").read_text())
    meta[0]["obb"]["sizes"] = [1, -2, 3]
    meta[1]["appear"] = [1, 9]
    del meta[2]["category"]
    meta[3]["obb"]["rotation"] = [0, 0, 0.5, 0.5]
    (data / "metainfo" / "0.json").write_text(json.dumps(meta))
    with pytest.raises(SceneError) as info:
        import_scene("sprite", data / "metainfo" / "0.json")
    assert info.value.problems == [
        "[0].obb.sizes: sizes must be >= 0, got [1.0, -2.0, 3.0]",
        "[1].appear: frame 9 has no camera pose",
        "[2]: missing 'category'",
        "[3].obb.rotation: quaternion must have norm 1, got 0.707107"]
    (data / "metainfo" / "0.json").write_text("[]")
    with pytest.raises(SceneError, match="no objects"):
        import_scene("sprite", data / "metainfo" / "0.json")


def test_sprite_shared_aliases_stay_attributes(tmp_path):
    data = copy_sprite(tmp_path)
    meta = json.loads((data / "metainfo" / "0.json").read_text())
    meta[3]["id"] = "Sunset Canvas"  # the same as meta[2]'s alias, as `find` sees it
    (data / "metainfo" / "0.json").write_text(json.dumps(meta))
    scene = import_scene("sprite", data / "metainfo" / "0.json")
    assert not scene.has_label[2] and not scene.has_label[3]
    assert scene.attributes[3] == {"alias": "Sunset Canvas"}


# --------------------------------------------------------------------------- ScanNet


@pytest.mark.parametrize("name", ["boxes.json", "boxes.txt"])
def test_scannet_boxes(name):
    scene = import_scene("scannet", FIXTURES / "scannet" / name)
    assert scene.ids[:2] == ("chair|1", "chair|2")
    i = scene.ids.index("chair|2")
    np.testing.assert_allclose(scene.center[i], [1.8, 2.0, 0.45])
    np.testing.assert_allclose(scene.size[i], [0.5, 0.5, 0.9])
    assert scene.upright.all() and (scene.yaw == 0).all()
    if name.endswith(".json"):
        assert scene.id == "scannet/scene0000_00" and "table-7" in scene.ids
    else:
        assert scene.categories[scene.ids.index("coffee table|1")] == "coffee table"


def test_scannet_bad_inputs(tmp_path):
    with pytest.raises(SceneError) as info:
        import_scene("scannet", FIXTURES / "scannet" / "bad.txt")
    assert info.value.problems == [
        "line 2: the first six fields must be numbers",
        "line 3: extents must be >= 0, got [0.5, -0.5, 0.9]",
        "line 4: expected 6 or 7 numbers and a label, got 3 fields"]
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    with pytest.raises(SceneError, match="no boxes"):
        import_scene("scannet", empty)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"boxes": [{"box": [0, 0, 0, 1, 1]}, {"label": "x", "box": [
        0, 0, 0, 1, 1, float("nan")]}]}).replace("NaN", "NaN"))
    with pytest.raises(SceneError) as info:
        import_scene("scannet", bad)
    assert info.value.problems == ["boxes[0].label: missing class label",
                                   "boxes[0].box: expected 6 numbers, got 5",
                                   "boxes[1].box[5]: expected a finite number, got NaN"]
    (tmp_path / "broken.json").write_text('{"boxes": [')
    with pytest.raises(SceneError, match="invalid JSON at line 1"):
        import_scene("scannet", tmp_path / "broken.json")


def test_scannet_seven_number_rows_carry_a_yaw_not_a_label():
    """A 7-number row ``[cx, cy, cz, dx, dy, dz, yaw]`` (VoteNet / mmdetection3d depth
    boxes: yaw in radians, counter-clockwise about +z from +x, dx along the heading).

    Worked example, the coffee table: centre (1, 2, 0.38), extents (1.2, 0.6, 0.76),
    yaw pi/6 = 30 degrees. Its half axes are 0.6 (cos 30, sin 30) = (0.5196, 0.3) and
    0.3 (-sin 30, cos 30) = (-0.15, 0.2598); the corner (+, +) is
    (1 + 0.5196 - 0.15, 2 + 0.3 + 0.2598) = (1.3696, 2.5598), the corner (-, +) is
    (1 - 0.5196 - 0.15, 2 - 0.3 + 0.2598) = (0.3304, 1.9598); heights 0 .. 0.76. ScanNet
    and mmdetection3d's depth frame are z up and right-handed like ours, so the corners
    are the same numbers in both conventions.
    """
    scene = import_scene("scannet", FIXTURES / "scannet" / "boxes_yaw.txt")
    assert scene.categories == ("chair", "coffee table")  # never "0.5235... coffee table"
    t = scene.ids.index("coffee table|1")
    assert scene.yaw[t] == pytest.approx(30.0)
    np.testing.assert_allclose(scene.size[t], [1.2, 0.6, 0.76])
    corners = {tuple(np.round(c, 4)) for c in scene.corners[t]}
    assert (1.3696, 2.5598, 0.76) in corners and (0.3304, 1.9598, 0.0) in corners


def test_scannet_json_seven_numbers(tmp_path):
    path = tmp_path / "yaw.json"
    path.write_text(json.dumps({"boxes": [
        {"label": "table", "box": [1.0, 2.0, 0.38, 1.2, 0.6, 0.76, math.pi / 2]}]}))
    scene = import_scene("scannet", path)
    assert scene.categories == ("table",) and scene.yaw[0] == pytest.approx(90.0)
    # turned 90 degrees: 1.2 m along y, 0.6 m along x
    np.testing.assert_allclose(np.ptp(scene.corners[0], axis=0), [0.6, 1.2, 0.76], atol=1e-12)


def test_votenet_bbox_npy_maps_class_ids_through_the_label_table(tmp_path):
    # rows [cx, cy, cz, dx, dy, dz, nyu40 id]: 5 chair, 7 table, 3 cabinet, 8 door
    scene = import_scene("scannet", FIXTURES / "scannet" / "scene0001_00_bbox.npy")
    assert scene.id == "scannet/scene0001_00"
    assert sorted(scene.categories) == ["cabinet", "chair", "door", "table"]
    assert "5" not in scene.categories and "5.0" not in scene.categories
    chair = scene.categories.index("chair")
    np.testing.assert_allclose(scene.center[chair], [1.0, 2.0, 0.45])
    # VoteNet's class index table (0-17) reads the same ids differently: 5 is a door
    by_index = import_scene("scannet", FIXTURES / "scannet" / "scene0001_00_bbox.npy",
                            labels="index")
    assert by_index.categories[by_index.ids.index("door|1")] == "door"
    table = tmp_path / "labels.json"
    table.write_text(json.dumps({"3": "wardrobe", "5": "stool", "7": "desk", "8": "gate"}))
    custom = import_scene("scannet", FIXTURES / "scannet" / "scene0001_00_bbox.npy",
                          labels=str(table))
    assert sorted(custom.categories) == ["desk", "gate", "stool", "wardrobe"]
    bad = tmp_path / "scene9_bbox.npy"
    np.save(bad, np.array([[0, 0, 0, 1, 1, 1, 99.0], [0, 0, 0, 1, 1, 1, 3.5]]))
    with pytest.raises(SceneError) as info:
        import_scene("scannet", bad)
    assert info.value.problems == [
        "row 0: class id 99 is not in the nyu40 label table (give the table with --labels)",
        "row 1: class id 3.5 is not in the nyu40 label table (give the table with --labels)"]
    np.save(bad, np.zeros((2, 5)))
    with pytest.raises(SceneError, match=r"expected a \(K, 7\) or \(K, 8\) array"):
        import_scene("scannet", bad)


@pytest.mark.parametrize("name", ["scannet_infos_v0.pkl", "scannet_infos_v1.pkl"])
def test_mmdetection3d_infos(name):
    path = FIXTURES / "scannet" / name
    if name.endswith("v0.pkl"):
        with pytest.raises(SceneError, match="holds 2 scenes .*--scene-id"):
            import_scene("scannet", path)
        scene = import_scene("scannet", path, scene_id="scene0001_00")
        assert sorted(scene.categories) == ["chair", "garbage bin"]  # VoteNet's garbagebin
    else:
        scene = import_scene("scannet", path)
        table = scene.categories.index("table")
        assert scene.yaw[table] == pytest.approx(30.0)
    assert scene.id == "scannet/scene0001_00"
    chair = scene.categories.index("chair")
    np.testing.assert_allclose(scene.center[chair], [1.0, 2.0, 0.45])
    np.testing.assert_allclose(scene.size[chair], [0.5, 0.5, 0.9])


class Boom:
    """Unpickling this would run os.system; the importer must refuse it unseen."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_pickle_naming_any_other_class_is_refused_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "scannet_infos_train.pkl"
    evil.write_bytes(pickle.dumps([{"annos": Boom()}]))
    with pytest.raises(SceneError) as info:
        import_scene("scannet", evil)
    assert info.value.problems == [
        f"refused to unpickle {os.system.__module__}.system: only numpy arrays and plain "
        "containers are read from a pickle (it is never executed)"]
    assert not (tmp_path / "pwned").exists()
    evil.write_bytes(pickle.dumps({"data_list": [], "metainfo": Path("x")}))
    with pytest.raises(SceneError, match="refused to unpickle pathlib"):
        import_scene("scannet", evil)
    evil.write_bytes(b"not a pickle at all")
    with pytest.raises(SceneError, match="not a readable pickle"):
        import_scene("scannet", evil)


# --------------------------------------------------------------------------- meshes


def test_obj_named_objects_upright_boxes():
    scene = import_scene("mesh", FIXTURES / "mesh" / "room.obj")
    assert scene.ids == ("Chair_1", "Chair_2", "Table")
    assert scene.categories == ("Chair", "Chair", "Table")
    t = scene.ids.index("Table")
    np.testing.assert_allclose(scene.size[t], [1.2, 0.6, 0.75], atol=1e-9)
    assert scene.yaw[t] == pytest.approx(30, abs=1e-7)
    np.testing.assert_allclose(scene.center[t][2], 0.375)
    assert scene.upright.all()


def test_unnamed_meshes_are_an_error_unless_named(tmp_path):
    with pytest.raises(SceneError, match="1 of 1 meshes have no name.*--name NAME"):
        import_scene("mesh", FIXTURES / "mesh" / "unnamed.obj")
    scene = import_scene("mesh", FIXTURES / "mesh" / "unnamed.obj", name="Plate")
    assert scene.ids == ("Plate",) and scene.size[0][2] == 0


def test_glb_nodes_y_up_converted_to_z_up(tmp_path):
    trimesh = pytest.importorskip("trimesh")
    scene = trimesh.Scene()
    box = trimesh.creation.box(extents=[1.0, 0.8, 0.4])  # glTF: x 1.0, y (up) 0.8, z 0.4
    box.apply_translation([1.0, 0.4, -2.0])
    scene.add_geometry(box, node_name="Cabinet_3", geom_name="CabinetMesh")
    lamp = trimesh.creation.box(extents=[0.2, 1.5, 0.2])
    lamp.apply_translation([-1.0, 0.75, 0.0])
    scene.add_geometry(lamp, node_name="FloorLamp", geom_name="LampMesh")
    path = tmp_path / "room.glb"
    scene.export(path)
    got = import_scene("mesh", path)
    assert got.ids == ("Cabinet_3", "FloorLamp") and got.categories == ("Cabinet", "FloorLamp")
    c = got.ids.index("Cabinet_3")
    # glTF (x, y, z) -> ours (x, -z, y); glTF stores float32, hence atol
    np.testing.assert_allclose(got.center[c], [1.0, 2.0, 0.4], atol=1e-6)
    np.testing.assert_allclose(got.size[c], [1.0, 0.4, 0.8], atol=1e-6)
    assert got.source["up"] == "y"
    # forcing z up keeps the file's axes
    z_up = import_scene("mesh", path, up="z")
    np.testing.assert_allclose(z_up.center[z_up.ids.index("Cabinet_3")], [1.0, 0.4, -2.0],
                               atol=1e-6)


def test_glb_and_ply_without_names(tmp_path):
    trimesh = pytest.importorskip("trimesh")
    scene = trimesh.Scene()
    scene.add_geometry(trimesh.creation.box())
    scene.add_geometry(trimesh.creation.box().apply_translation([2, 0, 0]))
    scene.export(tmp_path / "anon.glb")
    with pytest.raises(SceneError, match="2 of 2 meshes have no name"):
        import_scene("mesh", tmp_path / "anon.glb")
    trimesh.creation.box(extents=[1, 2, 3]).export(tmp_path / "thing.ply")
    with pytest.raises(SceneError, match="have no name"):
        import_scene("mesh", tmp_path / "thing.ply")
    ply = import_scene("mesh", tmp_path / "thing.ply", name="Crate")
    np.testing.assert_allclose(ply.size[0], [2, 1, 3], atol=1e-9)


def test_broken_and_unsupported_mesh_files(tmp_path):
    (tmp_path / "bad.glb").write_bytes(b"glTF\x02\x00\x00\x00garbage")
    with pytest.raises(SceneError, match="cannot read mesh"):
        import_scene("mesh", tmp_path / "bad.glb")
    (tmp_path / "room.fbx").write_text("x")
    with pytest.raises(SceneError, match="unsupported mesh format '.fbx'"):
        import_scene("mesh", tmp_path / "room.fbx")
    (tmp_path / "empty.obj").write_text("# nothing\n")
    with pytest.raises(SceneError, match="no meshes|cannot read mesh"):
        import_scene("mesh", tmp_path / "empty.obj")


# --------------------------------------------------------------------------- as scene sources


def test_importers_are_scene_sources():
    mesh = load_scene(f"mesh:{FIXTURES / 'mesh' / 'room.obj'}")
    assert mesh.n == 3 and mesh is load_scene(f"mesh:{FIXTURES / 'mesh' / 'room.obj'}")
    assert load_scene(f"scannet:{FIXTURES / 'scannet' / 'boxes.txt'}").n == 3
    assert load_scene(f"sprite:{SPRITE / 'metainfo' / '0.json'}").frames.count == 3
    events = FIXTURES / "ai2thor" / "events_two.json"
    assert load_scene(f"ai2thor:{events}").frames.count == 2
    refs = [f"scannet:{FIXTURES / 'scannet' / 'boxes.json'}", "ithor:FloorPlan1"]
    assert expand_refs(refs) == refs
    with pytest.raises(SceneError, match="no such file"):
        load_scene("mesh:does/not/exist.glb")
    with pytest.raises(SceneError) as info:
        load_scene(f"mesh:{FIXTURES / 'mesh' / 'unnamed.obj'}")
    assert info.value.origin.startswith("mesh:")


def test_import_doc_rejects_unknown_kinds():
    with pytest.raises(SceneError, match="unknown import format"):
        import_doc("fbx", FIXTURES / "mesh" / "room.obj")
