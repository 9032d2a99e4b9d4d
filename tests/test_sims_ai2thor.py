"""AI2-THOR: event metadata -> scene, and the capture loop driven by a fake controller."""

from __future__ import annotations

import copy
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from sims.ai2thor.capture import (
    CaptureOptions,
    capture,
    controller_kwargs,
    default_controller_factory,
    teleport_args,
    vertical_fov,
)
from sims.ai2thor.convert import check_event, events_scene_doc, scene_from_events
from sims.importers import import_scene
from spatial_dsl.runtime.geometry import heading
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import load_scene_file

FIXTURES = Path(__file__).parent / "fixtures" / "sims"
sys.path.insert(0, str(FIXTURES))
import fake_ai2thor  # noqa: E402  (the recorded-event stand-in, in the fixtures)

MUG = "Mug|+01.50|+00.90|-02.10"
PAINTING = "Painting|-01.97|+01.50|+00.00"
COUNTER = "CounterTop|+01.50|+00.90|-02.20"


@pytest.fixture(scope="module")
def event():
    return json.loads((FIXTURES / "ai2thor" / "event_kitchen.json").read_text())


@pytest.fixture(scope="module")
def events():
    return json.loads((FIXTURES / "ai2thor" / "events_two.json").read_text())


# --------------------------------------------------------------------------- conversion


def test_object_poses_land_where_scenes_md_says(event):
    scene = scene_from_events([event], "test/kitchen")
    mug = scene.ids.index(MUG)
    # Unity (x, y, z) = (1.5, 0.96, -2.1) -> ours (x, z, y); Unity yaw +30 -> ours -30.
    np.testing.assert_allclose(scene.center[mug], [1.5, -2.1, 0.96], atol=1e-6)
    np.testing.assert_allclose(scene.size[mug], [0.12, 0.09, 0.12], atol=1e-5)
    assert scene.yaw[mug] == pytest.approx(-30.0, abs=1e-3)
    painting = scene.ids.index(PAINTING)
    assert scene.yaw[painting] == pytest.approx(-90.0, abs=1e-3)
    counter = scene.ids.index(COUNTER)
    np.testing.assert_allclose(scene.center[counter], [1.5, -2.2, 0.45])
    np.testing.assert_allclose(scene.size[counter], [1.0, 0.6, 0.9])
    assert scene.parent[mug] == counter
    # sceneBounds -> the room: x in [-2, 2], Unity z in [-2.5, 2.5], top 2.5
    np.testing.assert_allclose(scene.room.bounds_min, [-2, -2.5])
    np.testing.assert_allclose(scene.room.bounds_max, [2, 2.5])
    assert scene.room.height == pytest.approx(2.5)


def test_camera_pose_and_intrinsics(event):
    scene = scene_from_events([event], "test/kitchen")
    f = scene.frames
    np.testing.assert_allclose(f.position[0], [0.8, -0.5, 1.575])
    # agent yaw 180 (facing Unity -z = our -y), horizon 30 (looking down 30 degrees)
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    np.testing.assert_allclose(f.R[0][:, 2], [0, -c, -s], atol=1e-12)  # forward
    np.testing.assert_allclose(f.R[0][:, 0], [-1, 0, 0], atol=1e-12)  # right
    np.testing.assert_allclose(f.R[0][:, 1], [0, s, -c], atol=1e-12)  # down
    assert heading(f.R[0]) == pytest.approx(-90.0)
    # fov 60 is vertical: fy = (300/2) / tan(30); hfov from the 400 x 300 aspect ratio
    assert f.fy[0] == pytest.approx(150 / math.tan(math.radians(30)))
    assert f.fx[0] == pytest.approx(f.fy[0])
    hfov = 2 * math.degrees(math.atan(f.cx[0] / f.fx[0]))
    assert hfov == pytest.approx(2 * math.degrees(math.atan(math.tan(math.radians(30)) * 4 / 3)))


def test_visibility_is_the_simulators_visible_flags(events):
    scene = scene_from_events(events, "test/two")
    assert scene.frames.count == 2
    for k, meta in enumerate(events):
        flagged = {o["objectId"] for o in meta["objects"] if o["visible"]}
        got = {scene.ids[j] for j in np.flatnonzero(scene.frames.visibility[k])}
        assert got == flagged and flagged
        assert set(scene.frames.visibility[k][scene.frames.visibility[k] > 0]) == {1.0}
    np.testing.assert_array_equal(scene.frames.time, [0.0, 1.0])
    # the flags agree with the geometry: each flagged centre projects inside the image
    for k in range(2):
        for j in np.flatnonzero(scene.frames.visibility[k]):
            p = (scene.center[j] - scene.frames.position[k]) @ scene.frames.R[k]
            u = scene.frames.fx[k] * p[0] / p[2] + scene.frames.cx[k]
            assert p[2] > 0 and 0 <= u <= scene.frames.width[k]


def test_missing_and_bad_fields_are_all_reported(event):
    bad = copy.deepcopy(event)
    del bad["fov"]
    bad["agent"]["cameraHorizon"] = "thirty"
    del bad["cameraPosition"]["z"]
    assert check_event(bad, "metadata/000003.json") == [
        "metadata/000003.json.agent.cameraHorizon: expected a finite number, got 'thirty'",
        "metadata/000003.json: missing 'cameraPosition.z'",
        "metadata/000003.json: missing 'fov'"]
    with pytest.raises(SceneError) as info:
        events_scene_doc([event, bad, "nonsense"], "test/bad")
    text = str(info.value)
    assert "events[1]: missing 'fov'" in text and "events[2]: expected an event" in text
    empty = dict(event, objects=[])
    with pytest.raises(SceneError, match="no objects"):
        events_scene_doc([empty], "test/empty")
    with pytest.raises(SceneError, match="at least one"):
        events_scene_doc([], "test/none")


# --------------------------------------------------------------------------- capture


def run_capture(tmp_path, frames=6, **kwargs):
    fake_ai2thor.instances.clear()
    factory_kwargs = kwargs.pop("factory_kwargs", {})

    def factory(**kw):
        return fake_ai2thor.FakeController(**kw, **factory_kwargs)
    options = CaptureOptions(scene="FloorPlanFixture", frames=frames, width=160, height=120,
                             **kwargs)
    out = tmp_path / "cap"
    return capture(options, out, controller_factory=factory), out


def test_capture_writes_images_metadata_and_a_scene(tmp_path):
    from PIL import Image

    result, out = run_capture(tmp_path, frames=6, seed=1, pitch_deg=20.0)
    controller = fake_ai2thor.instances[0]
    assert controller.stopped
    assert controller.init_kwargs["scene"] == "FloorPlanFixture"
    assert controller.init_kwargs["fieldOfView"] == pytest.approx(vertical_fov(90, 160, 120))
    assert controller.init_kwargs["snapToGrid"] is False
    teleports = [s for s in controller.steps if s["action"] == "Teleport"]
    assert len(teleports) == 6
    assert all(t["standing"] is True and t["horizon"] == 20.0 for t in teleports)
    assert result.frames == 6 and not result.skipped
    manifest = json.loads((out / "capture.json").read_text())
    assert manifest["format"] == "spdsl.capture/1" and len(manifest["frames"]) == 6
    scene = load_scene_file(out / manifest["scene_file"])
    assert scene.frames.count == 6
    for k, entry in enumerate(manifest["frames"]):
        image = Image.open(out / entry["image"])
        assert image.size == (160, 120) and image.mode == "RGB"
        assert scene.frames.image[k] == entry["image"]
        meta = json.loads((out / entry["metadata"]).read_text())
        flagged = {o["objectId"] for o in meta["objects"] if o["visible"]}
        assert {scene.ids[j] for j in np.flatnonzero(scene.frames.visibility[k])} == flagged
        # the frame's camera is where the agent was teleported (camera above the agent)
        pos = teleports[k]["position"]
        np.testing.assert_allclose(scene.frames.position[k],
                                   [pos["x"], pos["z"], pos["y"] + 0.675])
        assert heading(scene.frames.R[k]) == pytest.approx(
            (90 - teleports[k]["rotation"]["y"] + 180) % 360 - 180)
    assert scene.frames.time.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert any((scene.frames.visibility > 0).any(axis=1))
    assert not list(tmp_path.glob(".cap.partial-*"))
    # the capture directory imports back to the same scene
    again = import_scene("ai2thor", out, image_base=out)
    np.testing.assert_array_equal(again.frames.visibility, scene.frames.visibility)
    assert again.frames.image == scene.frames.image


def test_refused_pose_snaps_to_a_reachable_position(tmp_path):
    # Find the planned poses, then refuse the second one exactly.
    (tmp_path / "a").mkdir()
    run_capture(tmp_path / "a", frames=4)
    first = fake_ai2thor.instances[0]
    planned = [s["position"] for s in first.steps if s["action"] == "Teleport"]
    refuse = [(planned[1]["x"], planned[1]["z"])]
    (tmp_path / "b").mkdir()
    result, out = run_capture(tmp_path / "b", frames=4, factory_kwargs={"refuse": refuse})
    steps = [s for s in fake_ai2thor.instances[0].steps if s["action"] == "Teleport"]
    assert len(steps) == 5 and result.frames == 4  # one retry
    retry = steps[2]["position"]
    assert (retry["x"] * 4) % 1 == 0 and (retry["z"] * 4) % 1 == 0  # a reachable grid point


def test_a_capture_where_every_pose_is_refused_leaves_nothing(tmp_path):
    fake_ai2thor.instances.clear()
    options = CaptureOptions(scene="FloorPlanFixture", frames=3)
    with pytest.raises(SceneError, match="every one of the 3 planned poses was refused"):
        capture(options, tmp_path / "cap", controller_factory=fake_ai2thor.failing_controller)
    assert fake_ai2thor.instances[0].stopped
    assert list(tmp_path.iterdir()) == []


def test_interrupted_capture_leaves_nothing(tmp_path):
    class Interrupting(fake_ai2thor.FakeController):
        def step(self, action=None, **kwargs):
            if action == "Teleport" and sum(s["action"] == "Teleport" for s in self.steps) == 2:
                raise KeyboardInterrupt
            return super().step(action, **kwargs)

    fake_ai2thor.instances.clear()
    with pytest.raises(KeyboardInterrupt):
        capture(CaptureOptions(scene="X", frames=5), tmp_path / "cap",
                controller_factory=Interrupting)
    assert fake_ai2thor.instances[0].stopped
    assert list(tmp_path.iterdir()) == []


def test_simulator_failures_are_scene_errors(tmp_path):
    def no_display(**kwargs):
        raise RuntimeError("cannot open display :0\nmore details")

    with pytest.raises(SceneError, match="cannot start the AI2-THOR controller: cannot open"):
        capture(CaptureOptions(scene="X", frames=2), tmp_path / "cap",
                controller_factory=no_display)

    class Crashing(fake_ai2thor.FakeController):
        def step(self, action=None, **kwargs):
            if action == "Teleport":
                raise TimeoutError("Unity did not answer")
            return super().step(action, **kwargs)

    with pytest.raises(SceneError, match="failed during Teleport: Unity did not answer"):
        capture(CaptureOptions(scene="X", frames=2), tmp_path / "cap", controller_factory=Crashing)
    assert list(tmp_path.iterdir()) == []


def test_output_directory_must_be_new_or_empty(tmp_path):
    (tmp_path / "cap").mkdir()
    (tmp_path / "cap" / "old.txt").write_text("x")
    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="not empty"):
        capture(CaptureOptions(scene="X", frames=2), tmp_path / "cap",
                controller_factory=fake_ai2thor.make_controller)
    assert fake_ai2thor.instances == []  # checked before starting the simulator
    (tmp_path / "empty").mkdir()
    result = capture(CaptureOptions(scene="X", frames=2), tmp_path / "empty",
                     controller_factory=fake_ai2thor.make_controller)
    assert result.frames == 2 and (tmp_path / "empty" / "capture.json").is_file()


def test_images_fall_back_to_npy_without_pillow(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    result, out = run_capture(tmp_path, frames=2)
    assert result.image_format == "npy"
    image = np.load(out / "frames" / "000000.npy")
    assert image.shape == (120, 160, 3) and image.dtype == np.uint8


def test_events_without_frames_give_frames_without_images(tmp_path):
    result, out = run_capture(tmp_path, frames=2, factory_kwargs={"no_frames": True})
    scene = load_scene_file(out / "FloorPlanFixture.scene.json")
    assert scene.frames.image == (None, None)
    assert list((out / "frames").iterdir()) == []


def test_missing_ai2thor_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ai2thor", None)
    monkeypatch.setitem(sys.modules, "ai2thor.controller", None)
    with pytest.raises(SceneError, match=r"pip install 'spdsl\[ai2thor\]'"):
        default_controller_factory(scene="FloorPlan1")


def test_teleport_and_controller_arguments():
    args = teleport_args((1.0, 2.0, 1.5), 90.0, 30.0, agent_y=0.9)
    assert args == {"action": "Teleport", "position": {"x": 1.0, "y": 0.9, "z": 2.0},
                    "rotation": {"x": 0.0, "y": 0.0, "z": 0.0}, "horizon": 30.0,
                    "standing": True}
    assert teleport_args((0, 0), 0.0, 0.0, 0.9)["rotation"]["y"] == 90.0  # +x is Unity yaw 90
    kw = controller_kwargs(CaptureOptions(scene="FloorPlan1", width=640, height=480))
    assert kw["fieldOfView"] == pytest.approx(2 * math.degrees(math.atan(0.75)))
    assert "platform" not in kw
    with pytest.raises(SceneError, match="horizon must be in"):
        capture(CaptureOptions(scene="X", pitch_deg=80), "unused", controller_factory=None)


# --------------------------------------------------------------------------- importing captures


@pytest.fixture()
def captured(tmp_path):
    _, out = run_capture(tmp_path, frames=3)
    return out


def test_corrupt_capture_directories_are_clear_errors(captured):
    (captured / "metadata" / "000001.json").write_text('{"objects": [,]}')
    with pytest.raises(SceneError) as info:
        import_scene("ai2thor", captured)
    assert "000001.json: invalid JSON at line 1" in str(info.value)
    (captured / "metadata" / "000001.json").unlink()
    (captured / "frames" / "000002.png").unlink()
    with pytest.raises(SceneError) as info:
        import_scene("ai2thor", captured)
    assert info.value.problems == [
        "capture.json: frames[1]: metadata file metadata/000001.json is missing",
        "capture.json: frames[2]: image file frames/000002.png is missing"]
    (captured / "capture.json").unlink()
    with pytest.raises(SceneError, match="no capture.json .*interrupted"):
        import_scene("ai2thor", captured)


def test_importing_metadata_with_missing_fields_names_them(tmp_path, events):
    bad = copy.deepcopy(events)
    del bad[1]["agent"]["rotation"]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(SceneError) as info:
        import_scene("ai2thor", path)
    assert info.value.problems == ["[1]: missing 'agent.rotation.y'"]
    assert info.value.origin == str(path)
    assert os.listdir(tmp_path) == ["events.json"]
