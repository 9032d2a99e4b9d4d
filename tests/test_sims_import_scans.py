"""Habitat (Replica, Matterport3D), AirSim and ARKitScenes importers: worked examples.

Every test's golden numbers are box corners computed by hand (in the docstring) in the
source's convention and in ours (z up, right-handed, metres).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from sims.importers import KINDS, import_scene
from spatial_dsl.cli import main
from spatial_dsl.runtime.geometry import heading
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.rotations import matrix_to_quat, quat_to_matrix
from spatial_dsl.scenes.sources import import_sources, load_scene

FIXTURES = Path(__file__).parent / "fixtures" / "sims"
REPLICA = FIXTURES / "habitat" / "replica_room" / "info_semantic.json"
HOUSE = FIXTURES / "habitat" / "house_room.house"
AIRSIM = FIXTURES / "airsim"
ARKIT = FIXTURES / "arkitscenes" / "41069021_3dod_annotation.json"
HABITAT_FROM_OURS = np.array([[1.0, 0, 0], [0, 0, 1], [0, -1, 0]])  # (x, y, z) -> (x, z, -y)


def corner_set(scene, i: int) -> set[tuple]:
    return {tuple(np.round(c, 4) + 0.0) for c in scene.corners[i]}


def box_range(scene, i: int) -> np.ndarray:
    return np.round(np.stack([scene.corners[i].min(axis=0), scene.corners[i].max(axis=0)]), 4)


# --------------------------------------------------------------------------- Habitat: Replica


def test_replica_info_semantic_worked_example():
    """Cabinet 3: abb centre (0.5, 0, 0), sizes (1.0, 0.4, 0.8) in the box frame; rotation
    90 degrees about z (q = (0, 0, 0.7071, 0.7071)); translation (2, 1, 0.4).

    Replica's frame (z up) is ours. World centre = R (0.5, 0, 0) + t = (0, 0.5, 0) +
    (2, 1, 0.4) = (2, 1.5, 0.4); the box axes turn x -> y, so the half extents
    R (0.5, 0.2, 0.4) = (-0.2, 0.5, 0.4): corners x in [1.8, 2.2], y in [1.0, 2.0],
    z in [0.0, 0.8]. In Habitat's world frame ((x, y, z) -> (x, z, -y)) the same corners
    are x in [1.8, 2.2], y (up) in [0.0, 0.8], z in [-2.0, -1.0].
    """
    scene = import_scene("habitat", REPLICA)
    assert scene.id == "habitat/replica_room"
    assert scene.ids == ("cabinet|3", "floor|1", "table|7")  # "undefined" left out
    assert scene.source["skipped"] == 1
    cabinet = scene.ids.index("cabinet|3")
    np.testing.assert_allclose(scene.center[cabinet], [2.0, 1.5, 0.4], atol=1e-12)
    np.testing.assert_array_equal(box_range(scene, cabinet), [[1.8, 1.0, 0.0], [2.2, 2.0, 0.8]])
    assert scene.yaw[cabinet] == pytest.approx(90.0)
    assert scene.length[cabinet] == pytest.approx(1.0)


def test_replica_in_habitats_world_frame(tmp_path):
    """The same cabinet written in Habitat's y-up frame (``--up y``) lands on the same
    corners: centre H (2, 1.5, 0.4) = (2, 0.4, -1.5), box-to-world rotation H R."""
    doc = json.loads(REPLICA.read_text())
    for obj in doc["objects"]:
        pose = obj["oriented_bbox"]["orientation"]
        R = quat_to_matrix(np.array(pose["rotation"]))
        pose["rotation"] = matrix_to_quat(HABITAT_FROM_OURS @ R).tolist()
        pose["translation"] = (HABITAT_FROM_OURS @ pose["translation"]).tolist()
    (tmp_path / "room").mkdir()
    path = tmp_path / "room" / "info_semantic.json"
    path.write_text(json.dumps(doc))
    y_up = import_scene("habitat", path, up="y")
    z_up = import_scene("habitat", REPLICA)
    for i in range(z_up.n):
        assert corner_set(y_up, i) == corner_set(z_up, i)
    cabinet = y_up.ids.index("cabinet|3")
    np.testing.assert_array_equal(box_range(y_up, cabinet), [[1.8, 1.0, 0.0], [2.2, 2.0, 0.8]])


# --------------------------------------------------------------------------- Habitat: Matterport3D


def test_matterport_house_worked_example():
    """``O 0 0 0  1 2 0.5  0.6 0.8 0  -0.8 0.6 0  0.5 0.25 0.5``: centre (1, 2, 0.5), axes
    a0 = (0.6, 0.8, 0), a1 = (-0.8, 0.6, 0), a2 = a0 x a1 = (0, 0, 1), radii (0.5, 0.25,
    0.5). Corners c +- 0.5 a0 +- 0.25 a1 +- 0.5 a2, e.g.
    (+,+,+) = (1 + 0.3 - 0.2, 2 + 0.4 + 0.15, 1.0) = (1.1, 2.55, 1.0),
    (+,-,-) = (1 + 0.3 + 0.2, 2 + 0.4 - 0.15, 0.0) = (1.5, 2.25, 0.0),
    (-,+,+) = (1 - 0.3 - 0.2, 2 - 0.4 + 0.15, 1.0) = (0.5, 1.75, 1.0);
    sizes (1.0, 0.5, 1.0), yaw atan2(0.8, 0.6) = 53.13 degrees. The .house frame is z up
    (ours); Habitat turns it to y up on load, where (1.1, 2.55, 1.0) is (1.1, 1.0, -2.55).
    """
    scene = import_scene("habitat", HOUSE)
    assert scene.id == "habitat/house_room"
    assert scene.ids == ("cabinet|1", "chair|0")  # void and category -1 left out
    assert scene.source["skipped"] == 2
    chair = scene.ids.index("chair|0")
    corners = corner_set(scene, chair)
    assert {(1.1, 2.55, 1.0), (1.5, 2.25, 0.0), (0.5, 1.75, 1.0)} <= corners
    np.testing.assert_allclose(scene.size[chair], [1.0, 0.5, 1.0])
    assert scene.yaw[chair] == pytest.approx(math.degrees(math.atan2(0.8, 0.6)))
    habitat = {tuple(np.round(HABITAT_FROM_OURS @ c, 4) + 0.0) for c in scene.corners[chair]}
    assert (1.1, 1.0, -2.55) in habitat
    cabinet = scene.ids.index("cabinet|1")
    assert scene.attributes[cabinet] == {"raw_category": "kitchen cabinet", "region": 0}
    np.testing.assert_allclose(scene.size[cabinet], [0.6, 1.2, 0.9])


def test_malformed_house_files(tmp_path):
    lines = HOUSE.read_text().splitlines()
    bad = tmp_path / "bad.house"
    bad.write_text("\n".join(lines[:6] + ["O 0 0 0  1 2 0.5  0.6 0.8 0  0.6 0.8 0  0.5 0.25 0.5",
                                          "O 1 0 7  1 2 0.5  1 0 0  0 1 0  0.5 0.5 0.5",
                                          "O 2 0 0  1 2"]) + "\n")
    with pytest.raises(SceneError) as info:
        import_scene("habitat", bad)
    assert info.value.problems == [
        "line 7: the box axes a0 and a1 must be unit length and perpendicular",
        "line 8: category index 7 has no C record",
        "line 9: an O record needs 16 fields (O index region category p a0 a1 r), got 6"]
    bad.write_text("ASCII 1.0\n")
    with pytest.raises(SceneError, match="line 1: expected the header 'ASCII 1.1'"):
        import_scene("habitat", bad)


def test_malformed_replica_files(tmp_path):
    doc = json.loads(REPLICA.read_text())
    doc["objects"][0]["oriented_bbox"]["orientation"]["rotation"] = [0, 0, 1, 1]
    doc["objects"][1]["class_id"] = 5
    del doc["objects"][2]["oriented_bbox"]["abb"]["sizes"]
    path = tmp_path / "info_semantic.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SceneError) as info:
        import_scene("habitat", path)
    assert info.value.problems == [
        "objects[0].oriented_bbox.orientation.rotation: quaternion must have norm 1, "
        "got 1.41421",
        "objects[1].class_id: 5 is not one of the file's classes",
        "objects[2].oriented_bbox.abb.sizes: expected 3 numbers, got nothing (null or "
        "missing)"]
    assert info.value.origin == str(path)


# --------------------------------------------------------------------------- AirSim


def test_airsim_object_list_worked_example():
    """Table_3 at NED (2, 1, -0.45) (0.45 m up: z points down), yaw 90 degrees about the
    down axis (q = (0, 0, 0.7071, 0.7071): facing east), scale (1.2, 0.6, 0.9) -> a
    1.2 x 0.6 x 0.9 m box (Unreal's basic shapes are 1 m at scale 1).

    NED corners: the 1.2 m axis points east, so x (north) in [1.7, 2.3], y (east) in
    [0.4, 1.6], z (down) in [-0.9, 0.0]. Ours = (x, -y, -z): x in [1.7, 2.3], y in
    [-1.6, -0.4], z in [0.0, 0.9]; the quaternion becomes (x, -y, -z, w) =
    (0, 0, -0.7071, 0.7071): yaw -90 (east is our -y).
    """
    scene = import_scene("airsim", AIRSIM / "objects.json")
    assert scene.id == "airsim/Blocks"
    assert scene.categories == ("OrangeBall", "Sofa", "Table")
    table = scene.ids.index("Table_3")
    np.testing.assert_allclose(scene.center[table], [2.0, -1.0, 0.45], atol=1e-12)
    np.testing.assert_array_equal(box_range(scene, table),
                                  [[1.7, -1.6, 0.0], [2.3, -0.4, 0.9]])
    assert scene.yaw[table] == pytest.approx(-90.0)
    np.testing.assert_allclose(scene.rotation[table], [0, 0, -math.sqrt(0.5), math.sqrt(0.5)],
                               atol=1e-12)
    sofa = scene.ids.index("Sofa_12")  # "size" (metres) wins over the scale
    np.testing.assert_allclose(scene.size[sofa], [2.0, 0.9, 0.8])
    double = import_scene("airsim", AIRSIM / "objects.json", unit_size=2.0)
    np.testing.assert_allclose(double.size[double.ids.index("OrangeBall")], [1.0, 1.0, 1.0])


def test_airsim_sprite_episode():
    """A SPRITE AirSim episode (same layout, NED, quaternions). Camera 0 at NED
    (0, 0, -1.5) with the identity orientation looks north, level: ours position
    (0, 0, 1.5), forward +x, right = body y (east) = our -y, down = body z = our -z.
    Camera 1 is turned 45 degrees towards east: heading -45 in ours."""
    scene = import_scene("airsim", AIRSIM / "episode")
    assert scene.id == "airsim/0" and scene.source["frame"] == "ned"
    assert scene.source["boxes"]["reading"] == "local"  # quaternions, no pivots
    f = scene.frames
    np.testing.assert_allclose(f.position[0], [0, 0, 1.5])
    np.testing.assert_allclose(f.R[0], [[0, 0, 1], [-1, 0, 0], [0, -1, 0]], atol=1e-12)
    assert heading(f.R[1]) == pytest.approx(-45.0)
    table = scene.ids.index("Table_3")
    np.testing.assert_array_equal(box_range(scene, table),
                                  [[1.7, -1.6, 0.0], [2.3, -0.4, 0.9]])
    assert scene.labels[table] == "low table"
    vis = {scene.ids[j] for j in np.flatnonzero(f.visibility[1])}
    assert vis == {"Lamp_1"}


def test_malformed_airsim_lists(tmp_path):
    doc = json.loads((AIRSIM / "objects.json").read_text())
    del doc["objects"][0]["pose"]["position"]["z_val"]
    doc["objects"][1]["pose"]["orientation"] = [0, 0, 0, 2]
    del doc["objects"][2]["name"]
    path = tmp_path / "objects.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SceneError) as info:
        import_scene("airsim", path)
    assert info.value.problems == [
        "objects[0].pose.position: missing z_val",
        "objects[1].pose.orientation: quaternion must have norm 1, got 2",
        "objects[2].name: missing object name"]


# --------------------------------------------------------------------------- ARKitScenes


def test_arkitscenes_worked_example():
    """The table: centroid (1, 2, 0.45), axesLengths (1.2, 0.6, 0.9), normalizedAxes rows
    (cos 30, sin 30, 0), (-sin 30, cos 30, 0), (0, 0, 1): the box axes (as ARKitScenes'
    ``compute_box_3d``: corners = R^T local + centroid). Corners c +- 0.6 axis0 +-
    0.3 axis1 +- 0.45 axis2: (+,+,+) = (1 + 0.5196 - 0.15, 2 + 0.3 + 0.2598, 0.9) =
    (1.3696, 2.5598, 0.9); (-,+,-) = (1 - 0.5196 - 0.15, 2 - 0.3 + 0.2598, 0.0) =
    (0.3304, 1.9598, 0.0). ARKitScenes' world is X right, Y forward, Z up: ours."""
    scene = import_scene("arkitscenes", ARKIT)
    assert scene.id == "arkitscenes/41069021"
    assert scene.ids == ("chair|c3d4", "table|a1b2")
    table = scene.ids.index("table|a1b2")
    assert {(1.3696, 2.5598, 0.9), (0.3304, 1.9598, 0.0)} <= corner_set(scene, table)
    assert scene.yaw[table] == pytest.approx(30.0)
    assert scene.source["unit"]["unit"] == "m"
    assert "no mesh" in scene.source["unit"]["evidence"]


def millimetres(tmp_path: Path) -> Path:
    doc = json.loads(ARKIT.read_text())
    for item in doc["data"]:
        obb = item["segments"]["obbAligned"]
        obb["centroid"] = [v * 1000 for v in obb["centroid"]]
        obb["axesLengths"] = [v * 1000 for v in obb["axesLengths"]]
    path = tmp_path / "41069021_3dod_annotation.json"
    path.write_text(json.dumps(doc))
    return path


def test_arkitscenes_unit_is_checked(tmp_path):
    metres = import_scene("arkitscenes", ARKIT)
    mm = import_scene("arkitscenes", millimetres(tmp_path))
    assert mm.source["unit"]["unit"] == "mm"
    np.testing.assert_allclose(mm.corners, metres.corners, atol=1e-9)
    forced = import_scene("arkitscenes", millimetres(tmp_path), unit="m")
    assert forced.size.max() == pytest.approx(1200)


def test_arkitscenes_unit_against_the_mesh(tmp_path):
    trimesh = pytest.importorskip("trimesh")
    shutil.copy(ARKIT, tmp_path / ARKIT.name)
    room = trimesh.creation.box(extents=[3.0, 3.0, 2.5])
    room.apply_translation([1.5, 1.5, 1.25])
    room.export(tmp_path / "41069021_3dod_mesh.ply")
    scene = import_scene("arkitscenes", tmp_path / ARKIT.name)
    assert scene.source["unit"]["unit"] == "m"
    assert "times the mesh 41069021_3dod_mesh.ply" in scene.source["unit"]["evidence"]
    small = trimesh.creation.box(extents=[0.05, 0.05, 0.05])  # boxes span ~50 times it
    small.export(tmp_path / "41069021_3dod_mesh.ply")
    with pytest.raises(SceneError, match="neither metres nor millimetres"):
        import_scene("arkitscenes", tmp_path / ARKIT.name)


def test_malformed_arkitscenes(tmp_path):
    doc = json.loads(ARKIT.read_text())
    doc["data"][0]["segments"]["obbAligned"]["normalizedAxes"] = [1, 0, 0, 1, 0, 0, 0, 0, 1]
    del doc["data"][1]["label"]
    path = tmp_path / "x_3dod_annotation.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SceneError) as info:
        import_scene("arkitscenes", path)
    assert info.value.problems == [
        "data[0].segments.obbAligned.normalizedAxes: the three axes must be unit length and "
        "perpendicular",
        "data[1].label: missing class label"]


# --------------------------------------------------------------------------- wiring


def test_every_importer_is_a_scene_source():
    assert import_sources() == KINDS
    assert load_scene(f"habitat:{HOUSE}").n == 2
    assert load_scene(f"airsim:{AIRSIM / 'objects.json'}").n == 3
    assert load_scene(f"arkitscenes:{ARKIT}").n == 2


@pytest.mark.parametrize("kind, source, extra, objects, frames", [
    ("habitat", REPLICA, [], 3, 0),
    ("habitat", HOUSE, [], 2, 0),
    ("airsim", AIRSIM / "objects.json", ["--unit-size", "1"], 3, 0),
    ("airsim", AIRSIM / "episode", ["--episode", "0", "--boxes", "local"], 2, 2),
    ("arkitscenes", ARKIT, ["--unit", "m"], 2, 0),
    ("scannet", FIXTURES / "scannet" / "scene0001_00_bbox.npy", ["--labels", "nyu40"], 4, 0),
    ("scannet", FIXTURES / "scannet" / "scannet_infos_v0.pkl",
     ["--scene-id", "scene0001_00"], 2, 0),
    ("sprite", FIXTURES / "sprite" / "metainfo" / "2.json", ["--boxes", "world"], 6, 4),
])
def test_import_cli_for_the_new_formats(tmp_path, capsys, kind, source, extra, objects, frames):
    out = tmp_path / "x.scene.json"
    code = main(["scenes", "import", "--from", kind, str(source), "-o", str(out), *extra])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    assert stdout == f"wrote {out}: {objects} objects, {frames} frames\n"


@pytest.mark.parametrize("kind, source, extra, message", [
    ("habitat", FIXTURES / "scannet" / "boxes.txt", [],
     "expected a Replica info_semantic.json or a Matterport3D .house file"),
    ("arkitscenes", ARKIT, ["--labels", "nyu40"], "--labels: not an option of --from arkitscenes"),
    ("scannet", FIXTURES / "scannet" / "scannet_infos_v0.pkl", [], "holds 2 scenes"),
    ("airsim", AIRSIM / "objects.json", ["--unit-size", "0"], "--unit-size must be > 0"),
])
def test_import_cli_errors_exit_2(tmp_path, capsys, kind, source, extra, message):
    out = tmp_path / "x.scene.json"
    code = main(["scenes", "import", "--from", kind, str(source), "-o", str(out), *extra])
    _, err = capsys.readouterr()
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()
