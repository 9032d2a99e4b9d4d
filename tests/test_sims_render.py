"""`spdsl capture ai2thor --poses`: rendering recorded frame poses (with the faithful fake)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from sims.ai2thor.render import RenderOptions, render, teleport_pose
from sims.importers import import_doc
from sims.walk import WalkOptions, camera_matrix, walk_scene_doc
from spatial_dsl.cli import main
from spatial_dsl import generation
from spatial_dsl.scenes.ai2thor import camera_from_ai2thor
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import load_scene_file, scene_from_dict, to_json_text
from spatial_dsl.scenes.rotations import quat_to_matrix

FIXTURES = Path(__file__).parent / "fixtures" / "sims"
sys.path.insert(0, str(FIXTURES))
import fake_ai2thor  # noqa: E402

TASKS = str(Path(__file__).parent / "fixtures" / "tasks" / "good")


# --------------------------------------------------------------------------- poses


@pytest.mark.parametrize("yaw, horizon", [(0.0, 0.0), (37.0, 15.0), (180.0, -30.0),
                                          (271.5, 60.0), (359.0, 30.0)])
def test_teleport_pose_inverts_the_ai2thor_camera_conversion(yaw, horizon):
    meta = {"agent": {"rotation": {"x": 0.0, "y": yaw, "z": 0.0}, "cameraHorizon": horizon},
            "cameraPosition": {"x": 1.0, "y": 1.575, "z": -2.0},
            "screenWidth": 640, "screenHeight": 480, "fov": 60.0}
    camera = camera_from_ai2thor(meta)  # AI2-THOR -> ours
    pose = teleport_pose(camera["position"], quat_to_matrix(np.array(camera["rotation"])))
    assert pose["position"] == pytest.approx({"x": 1.0, "y": 1.575, "z": -2.0})
    assert (pose["yaw"] - yaw + 180) % 360 - 180 == pytest.approx(0, abs=1e-9)
    assert pose["horizon"] == pytest.approx(horizon, abs=1e-9)
    assert pose["roll"] == pytest.approx(0, abs=1e-9)


def test_teleport_pose_of_a_walk_camera_and_of_a_rolled_one():
    # A walk heading of 30 degrees CCW from +x is Unity yaw 90 - 30 = 60 (clockwise from +z).
    pose = teleport_pose([0.5, 2.0, 1.5], camera_matrix(30.0, 15.0))
    assert pose["yaw"] == pytest.approx(60.0) and pose["horizon"] == pytest.approx(15.0)
    assert pose["position"] == pytest.approx({"x": 0.5, "y": 1.5, "z": 2.0})
    c, s = math.cos(math.radians(10)), math.sin(math.radians(10))
    roll = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])  # about the optical axis
    assert teleport_pose([0, 0, 1.5], camera_matrix(0.0, 0.0) @ roll)["roll"] == \
        pytest.approx(10.0)


# --------------------------------------------------------------------------- scene files


def kitchen_scene(tmp_path: Path, frames: int = 6, name: str = "kitchen.scene.json",
                  **walk) -> Path:
    """The fake's kitchen as a scene file (imported from its AI2-THOR metadata) with a
    geometric walk at eye height 1.5 m, 160 x 120 pixels."""
    doc = import_doc("ai2thor", FIXTURES / "ai2thor" / "event_kitchen.json")
    doc.pop("frames")
    scene = scene_from_dict(doc)
    walked = walk_scene_doc(scene, WalkOptions(frames=frames, seed=1, width=160, height=120,
                                               **walk))
    path = tmp_path / name
    path.write_text(to_json_text(walked) + "\n")
    return path


def render_fake(path, **options):
    fake_ai2thor.instances.clear()
    return render(path, RenderOptions(**options), controller_factory=fake_ai2thor.make_controller)


def nearest_drawn_object(scene, k: int):
    """(object row, pixel) of the nearest object the fake draws whole in frame row k."""
    f = scene.frames
    best = None
    for i in range(scene.n):
        lo, hi = scene.corners[i].min(axis=0), scene.corners[i].max(axis=0)
        corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                            for z in (lo[2], hi[2])])
        cam = (corners - f.position[k]) @ f.R[k]
        if (cam[:, 2] <= 0.3).any():
            continue
        c = (scene.center[i] - f.position[k]) @ f.R[k]
        u, v = f.fx[k] * c[0] / c[2] + f.cx[k], f.fy[k] * c[1] / c[2] + f.cy[k]
        if not (5 <= u < f.width[k] - 5 and 5 <= v < f.height[k] - 5):
            continue
        if best is None or cam[:, 2].mean() < best[0]:
            best = (cam[:, 2].mean(), i, (int(v), int(u)))
    return None if best is None else best[1:]


def test_render_a_scene_file_fills_every_frame_image(tmp_path):
    from PIL import Image

    path = kitchen_scene(tmp_path)
    before = load_scene_file(path)
    report = render_fake(path)
    assert report.complete and [s.rendered for s in report.scenes] == [6]
    scene = load_scene_file(path)
    assert scene.frames.image == tuple(f"kitchen.frames/{k:06d}.png" for k in range(6))
    controller = fake_ai2thor.instances[0]
    assert controller.stopped and controller.init_kwargs["scene"] == "FloorPlanFixture"
    assert controller.init_kwargs["fieldOfView"] == pytest.approx(
        2 * math.degrees(math.atan(60 / scene.frames.fy[0])))
    teleports = [s for s in controller.steps if s["action"] == "Teleport"]
    pictures, hits = [], 0
    for k, step in enumerate(teleports):
        # the agent stands where the frame's camera is, facing its way
        assert (step["position"]["x"], step["position"]["z"]) == pytest.approx(
            tuple(scene.frames.position[k][:2]))
        assert step["position"]["y"] == 0.9  # the agent's own standing height
        image = np.asarray(Image.open(path.parent / scene.frames.image[k]))
        assert image.shape == (120, 160, 3)
        pictures.append(image)
        # the picture agrees with the recorded camera: the nearest object sits at the pixel
        # our own projection of its centre gives
        hit = nearest_drawn_object(scene, k)
        if hit:
            row, pixel = hit
            assert tuple(image[pixel]) == fake_ai2thor.object_colour(scene.ids[row])
            hits += 1
    assert hits >= 3 and len({p.tobytes() for p in pictures}) >= 4
    # nothing but the images changed; the render is recorded in source
    assert np.array_equal(scene.frames.visibility, before.frames.visibility)
    np.testing.assert_array_equal(scene.frames.position, before.frames.position)
    render_info = scene.source["render"]
    assert render_info["scene"] == "FloorPlanFixture" and render_info["objects_matched"] == 1.0
    # AI2-THOR's camera is 1.575 m up (agent 0.9 + 0.675); the walk's is 1.5 m
    assert render_info["camera_height_offset"] == pytest.approx(0.075)


def test_render_resumes_and_leaves_whole_files(tmp_path):
    path = kitchen_scene(tmp_path, frames=5)

    class Interrupted(fake_ai2thor.FakeController):
        def step(self, action=None, **kwargs):
            if action == "Teleport" and sum(s["action"] == "Teleport" for s in self.steps) == 3:
                raise KeyboardInterrupt
            return super().step(action, **kwargs)

    original = path.read_bytes()
    fake_ai2thor.instances.clear()
    with pytest.raises(KeyboardInterrupt):
        render(path, RenderOptions(), controller_factory=Interrupted)
    assert fake_ai2thor.instances[0].stopped
    assert path.read_bytes() == original  # the scene file is rewritten only at the end
    frames_dir = tmp_path / "kitchen.frames"
    assert sorted(p.name for p in frames_dir.iterdir()) == ["000000.png", "000001.png",
                                                            "000002.png"]  # no temp files
    report = render_fake(path)
    assert report.complete and report.scenes[0].rendered == 5
    again = render_fake(path)
    assert again.scenes[0].kept == 5 and again.scenes[0].rendered == 0
    assert fake_ai2thor.instances == []  # nothing to do: no simulator started
    (frames_dir / "000003.png").unlink()
    once_more = render_fake(path)
    assert once_more.scenes[0].rendered == 1 and once_more.scenes[0].kept == 4


def test_refused_and_impossible_poses_are_listed_not_rendered_elsewhere(tmp_path):
    path = kitchen_scene(tmp_path, frames=4)
    doc = json.loads(path.read_text())
    # frame 1: inside the counter (AI2-THOR refuses); frame 2: rolled 20 degrees
    doc["frames"][1]["camera"]["position"] = [1.5, -2.2, 1.5]
    c, s = math.cos(math.radians(20)), math.sin(math.radians(20))
    R = quat_to_matrix(np.array(doc["frames"][2]["camera"]["rotation"])) @ np.array(
        [[c, -s, 0], [s, c, 0], [0, 0, 1]])
    from spatial_dsl.scenes.rotations import matrix_to_quat
    doc["frames"][2]["camera"]["rotation"] = matrix_to_quat(R).tolist()
    path.write_text(json.dumps(doc))
    report = render_fake(path)
    assert not report.complete
    failed = report.scenes[0].failed
    # 20 degrees about the optical axis of a camera pitched 15 degrees down dips its right
    # axis by asin(sin 20 cos 15) = 19.3 degrees below the horizontal
    assert failed[0] == "frame 2: the camera is rolled 19.3 degrees; AI2-THOR's cannot roll"
    assert failed[1].startswith("frame 1: AI2-THOR refused the pose (fake: the agent would")
    scene = load_scene_file(path)
    assert scene.frames.image == ("kitchen.frames/000000.png", None, None,
                                  "kitchen.frames/000003.png")


def test_a_live_room_that_is_not_the_recorded_one_is_refused(tmp_path):
    path = kitchen_scene(tmp_path, frames=2)
    doc = json.loads(path.read_text())
    for o in doc["objects"]:
        o["center"][0] += 0.5  # every object half a metre off
    path.write_text(json.dumps(doc))
    with pytest.raises(SceneError, match="not the recorded one: only 0% of the scene's"):
        render_fake(path)
    assert fake_ai2thor.instances[0].stopped
    assert "image" not in json.loads(path.read_text())["frames"][0]
    assert render_fake(path, scene_check=False).scenes[0].rendered == 2


def test_scenes_that_are_not_ai2thor_rooms(tmp_path):
    doc = json.loads(kitchen_scene(tmp_path).read_text())
    doc["source"] = {"kind": "scannet"}
    other = tmp_path / "scan.scene.json"
    other.write_text(json.dumps(doc))
    with pytest.raises(SceneError, match="not an AI2-THOR room"):
        render_fake(other)
    doc["source"] = {"kind": "ai2thor", "dataset": "robothor", "scene": "3"}
    other.write_text(json.dumps(doc))
    with pytest.raises(SceneError, match="--ai2thor-scene NAME"):
        render_fake(other)
    assert render_fake(other, ai2thor_scene="FloorPlanFixture").scenes[0].rendered == 6
    # in a directory of scene files, such a scene is listed and the others rendered
    folder = tmp_path / "batch"
    folder.mkdir()
    kitchen_scene(folder, frames=2)
    doc["source"] = {"kind": "scannet"}
    (folder / "scan.scene.json").write_text(json.dumps(doc))
    report = render_fake(folder)
    assert [(s.scene_file.name, s.rendered, bool(s.skipped)) for s in report.scenes] == [
        ("kitchen.scene.json", 2, False), ("scan.scene.json", 0, True)]


# --------------------------------------------------------------------------- datasets


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_render_a_generated_dataset_end_to_end(tmp_path, capsys, monkeypatch):
    """generate --walk -> capture --poses OUT -> the records name real pictures, and a
    rerun of generate with the same arguments resumes and writes the same data."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    scene = kitchen_scene(tmp_path, frames=1)
    doc = json.loads(scene.read_text())
    doc.pop("frames")  # generate gives it a walk of its own
    scene.write_text(json.dumps(doc))
    out = tmp_path / "OUT"

    def generate():
        return generation.generate([str(scene)], [TASKS], out, per_scene=6, seed=0, fmt="llava",
                                   walk=5, workers=1, progress=False)

    generate()
    data = json.loads((out / "data.llava.json").read_text())
    pointers = [p for d in data for p in ([d["image"]] if "image" in d else d.get("video", []))]
    assert pointers and all("#frame=" in p for p in pointers)
    code, stdout, err = run_cli(capsys, "capture", "ai2thor", "--poses", str(out),
                                "--controller", "fake_ai2thor:make_controller")
    assert code == 0, err
    assert "rendered 5 frames" in stdout and "rewrote" in stdout
    data = json.loads((out / "data.llava.json").read_text())
    paths = [p for d in data for p in ([d["image"]] if "image" in d else d.get("video", []))]
    assert len(paths) == len(pointers)
    assert all("#frame=" not in p and (out / p).is_file() for p in paths)
    rendered = load_scene_file(out / "scenes" / "ai2thor__FloorPlanFixture.scene.json")
    assert rendered.frames.image[0] == "ai2thor__FloorPlanFixture.frames/000000.png"
    after_render = {p: (out / p).read_bytes() for p in ("data.llava.json",)}
    # the directory is still one generate resumes from: nothing redone, same data file
    result = generate()
    assert result.stats["run"]["scenes_resumed"] == 1
    assert (out / "data.llava.json").read_bytes() == after_render["data.llava.json"]
    # and rendering again has nothing to do
    code, stdout, _ = run_cli(capsys, "capture", "ai2thor", "--poses", str(out),
                              "--controller", "fake_ai2thor:make_controller")
    assert code == 0 and "rendered 0 frames (5 already had images)" in stdout


def test_render_cli_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    path = kitchen_scene(tmp_path, frames=2)
    code, _, err = run_cli(capsys, "capture", "ai2thor", "--poses", str(path), "--walk", "3",
                           "--controller", "fake_ai2thor:make_controller")
    assert code == 2 and "--walk: not an option with --poses" in err
    code, _, err = run_cli(capsys, "capture", "ai2thor", "--scene", "FloorPlan1",
                           "--ai2thor-scene", "FloorPlan1", "-o", str(tmp_path / "x"))
    assert code == 2 and "--ai2thor-scene: only with --poses" in err
    code, _, err = run_cli(capsys, "capture", "ai2thor")
    assert code == 2 and "give --scene NAME and -o DIR" in err
    code, _, err = run_cli(capsys, "capture", "ai2thor", "--poses", str(tmp_path / "nope"),
                           "--controller", "fake_ai2thor:make_controller")
    assert code == 2 and "no such file or directory" in err
    broken = tmp_path / "broken.scene.json"
    broken.write_text('{"format": "spdsl.scene/1", "objects": [}')
    code, _, err = run_cli(capsys, "capture", "ai2thor", "--poses", str(broken),
                           "--controller", "fake_ai2thor:make_controller")
    assert code == 2 and "invalid JSON at line 1" in err
    doc = json.loads(path.read_text())
    doc["frames"][0]["camera"]["position"] = [1.5, -2.2, 1.5]  # inside the counter
    path.write_text(json.dumps(doc))
    code, stdout, err = run_cli(capsys, "capture", "ai2thor", "--poses", str(path),
                                "--controller", "fake_ai2thor:make_controller", "-q")
    assert code == 1 and "frame 0: AI2-THOR refused the pose" in err
    assert "1 frame(s) and 0 scene(s) could not be rendered" in stdout
