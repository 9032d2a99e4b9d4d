"""AI2-THOR: event metadata -> scene, and the capture loop driven by a fake controller."""

from __future__ import annotations

import copy
import json
import math
import os
import sys
import types
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
from sims.ai2thor.convert import check_event, events_scene_doc, scene_from_events, scene_name
from sims.ai2thor.reachable import plan_on_reachable
from sims.importers import import_scene
from spatial_dsl.runtime.geometry import heading
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import load_scene_file, scene_from_dict
from spatial_dsl.scenes.sources import load_scene, metadata_path

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


def test_scene_bounds_are_not_the_room_and_physics_suffixes_go(event):
    # sceneBounds encloses walls and what lies beyond them: never the floor (scenes.md).
    wide = copy.deepcopy(event)
    wide["sceneBounds"]["size"] = {"x": 12.0, "y": 3.0, "z": 15.0}
    wide["sceneName"] = "FloorPlan_Train1_1"  # RoboTHOR: several rooms, no inference
    doc = events_scene_doc([wide], "test/kitchen")
    assert "room" not in doc and doc["source"]["scene"] == "FloorPlan_Train1_1"
    scene = scene_from_events([wide], "test/kitchen")
    # the room defaults to the objects' extent: the 4 x 5 m floor object, the fridge's top
    np.testing.assert_allclose(scene.room.bounds_min, [-2, -2.5])
    np.testing.assert_allclose(scene.room.bounds_max, [2, 2.5])
    assert scene.room.height == pytest.approx(1.8)
    assert scene_name("FloorPlan7_physics") == "FloorPlan7"
    assert scene_name("FloorPlan_Train1_1") == "FloorPlan_Train1_1"


def test_a_captured_ithor_room_gets_the_built_in_scenes_room(event):
    """A live FloorPlan1 and ``ithor:FloorPlan1`` agree on the floor polygon and walls."""
    raw = json.loads(metadata_path().read_text(encoding="utf-8"))["kitchens"][0]
    live = copy.deepcopy(event)
    live["objects"] = raw
    live["sceneName"] = "FloorPlan1_physics"
    live["sceneBounds"]["size"] = {"x": 12.0, "y": 3.0, "z": 15.0}
    doc = events_scene_doc([live], "ai2thor/FloorPlan1")
    assert doc["source"]["room"]["inferred"] is True
    captured, built_in = scene_from_dict(doc), load_scene("ithor:FloorPlan1")
    np.testing.assert_allclose(captured.room.floor, built_in.room.floor)
    assert captured.room.area == pytest.approx(built_in.room.area)


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


# --------------------------------------------------------------------------- the fake


def test_the_fake_controller_behaves_like_ai2thor_5():
    """What the real ``Controller`` does (read from the ai2thor 5.0.0 wheel), the fake does."""
    fake = fake_ai2thor.FakeController(scene="FloorPlan3", width=64, height=48)
    meta = fake.last_event.metadata
    assert meta["sceneName"] == "FloorPlan3_physics"  # Controller.normalize_scene
    for key in ("lastAction", "lastActionSuccess", "errorMessage", "errorCode", "actionReturn",
                "objects", "agent", "cameraPosition", "fov", "screenWidth", "screenHeight"):
        assert key in meta
    assert fake.visibility_distance == 1.5  # AI2-THOR's default
    # step raises ValueError for invalid actions and arguments (errorCode InvalidAction /
    # InvalidArgument), exactly like ai2thor.controller.Controller.step
    with pytest.raises(ValueError, match="Invalid action: Fly"):
        fake.step(action="Fly")
    with pytest.raises(ValueError, match="invalid argument: speed"):
        fake.step(action="Teleport", position={"x": 0, "y": 0.9, "z": 0}, speed=2)
    # a refused Teleport is no exception: lastActionSuccess False and a message
    event = fake.step(action="Teleport", position={"x": 1.5, "y": 0.9, "z": -2.2},
                      rotation={"x": 0, "y": 0, "z": 0}, horizon=0, standing=True)
    assert event.metadata["lastActionSuccess"] is False and event.metadata["errorMessage"]
    assert event.metadata["errorCode"] == ""
    reach = fake.step(action="GetReachablePositions").metadata["actionReturn"]
    assert reach and all(fake.accepts(p["x"], p["z"]) for p in reach)
    # a scene not in the build raises in the constructor, after Unity started
    with pytest.raises(ValueError, match="not contained in build"):
        fake_ai2thor.FakeController(scene="FloorPlan999")
    assert fake_ai2thor.instances[-1].unity_running


def test_the_fake_draws_each_object_where_the_camera_sees_it():
    fake = fake_ai2thor.FakeController(scene="FloorPlanFixture", width=160, height=120,
                                       fieldOfView=60.0)
    # Stand at (-0.5, z=0.5) facing Unity -z (yaw 180): the fridge (x -1.6, y 0.9, z -2.1)
    # is 2.6 m ahead, 1.1 m to the right (camera right is Unity -x) and 0.675 m below the
    # camera (1.575 m): pixel u = 80 + f 1.1 / 2.6, v = 60 + f 0.675 / 2.6.
    event = fake.step(action="Teleport", position={"x": -0.5, "y": 0.9, "z": 0.5},
                      rotation={"x": 0, "y": 180, "z": 0}, horizon=0, standing=True)
    meta = event.metadata
    f = 60 / math.tan(math.radians(30))  # (height / 2) / tan(vfov / 2)
    depth, right, up = 0.5 - (-2.1), -(-1.6 - (-0.5)), 0.9 - 1.575
    u, v = 80 + f * right / depth, 60 - f * up / depth
    assert event.frame[int(v), int(u)].tolist() == list(
        fake_ai2thor.object_colour("Fridge|-01.60|+00.00|-02.10"))
    assert meta["lastActionSuccess"]


# --------------------------------------------------------------------------- capture


def run_capture(tmp_path, frames=6, scene="FloorPlanFixture", **kwargs):
    fake_ai2thor.instances.clear()
    factory_kwargs = kwargs.pop("factory_kwargs", {})

    def factory(**kw):
        return fake_ai2thor.FakeController(**kw, **factory_kwargs)
    options = CaptureOptions(scene=scene, frames=frames, width=160, height=120, **kwargs)
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


def test_capture_passes_a_large_visibility_distance(tmp_path):
    """AI2-THOR's visible flag stops at visibilityDistance (1.5 m unless told): the capture
    asks for 100 m, so a recorded flag means "in view and unoccluded" at any distance."""
    far = {}
    for distance in (None, 1.5):
        options = {} if distance is None else {"visibility_distance": distance}
        (tmp_path / str(distance)).mkdir()
        run_capture(tmp_path / str(distance), frames=8, seed=2, **options)
        controller = fake_ai2thor.instances[0]
        assert controller.init_kwargs["visibilityDistance"] == (distance or 100.0)
        far[distance] = 0
        for step in controller.steps:
            if step["action"] != "Teleport":
                continue
            agent = step["position"]
            meta = controller._teleport(copy.deepcopy(controller.last_event.metadata),
                                        **{k: v for k, v in step.items() if k != "action"}
                                        ).metadata
            for o in meta["objects"]:
                c = o["axisAlignedBoundingBox"]["center"]
                if o["visible"] and math.hypot(c["x"] - agent["x"], c["z"] - agent["z"]) > 1.5:
                    far[distance] += 1
    assert far[None] > 0 and far[1.5] == 0


def test_poses_come_from_reachable_positions_not_scene_bounds(tmp_path):
    """sceneBounds reaches past the walls; the walk keeps to GetReachablePositions."""
    class WideBounds(fake_ai2thor.FakeController):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.base["sceneBounds"]["size"] = {"x": 12.0, "y": 3.0, "z": 15.0}

        def reachable(self):  # the room proper: x in [-1.75, 1.75], z in [-2.25, 2.25]
            return [p for p in super().reachable()
                    if abs(p["x"]) <= 1.75 and abs(p["z"]) <= 2.25]

    fake_ai2thor.instances.clear()
    capture(CaptureOptions(scene="FloorPlanFixture", frames=12, seed=3), tmp_path / "cap",
            controller_factory=WideBounds)
    controller = fake_ai2thor.instances[0]
    reach = np.array([(p["x"], p["z"]) for p in controller.reachable()])
    for step in controller.steps:
        if step["action"] == "Teleport":
            p = np.array([step["position"]["x"], step["position"]["z"]])
            assert np.hypot(*(reach - p).T).min() <= 0.75 * 0.25 + 1e-9
    scene = load_scene_file(tmp_path / "cap" / "FloorPlanFixture.scene.json")
    assert scene.source["capture"]["reachable_positions"] == len(reach)
    assert scene.source["capture"]["grid_step"] == pytest.approx(0.25)


def test_plan_on_reachable_stays_on_the_grid():
    # an L-shaped walkable area: 2 x 2 m plus a 1 x 2 m arm, 0.25 m grid
    g = 0.25
    pts = [(x * g, y * g) for x in range(9) for y in range(9)]
    pts += [(x * g, y * g) for x in range(9, 13) for y in range(9)
            if y <= 3]
    positions, headings = plan_on_reachable(pts, 20, seed=0)
    assert positions.shape == (20, 2) and headings.shape == (20,)
    d = np.min(np.hypot(*(np.array(pts)[:, None] - positions[None]).transpose(2, 0, 1)),
               axis=0)
    assert (d <= 0.75 * g + 1e-9).all()
    with pytest.raises(SceneError, match="no positions"):
        plan_on_reachable([], 5, seed=0)


def test_physics_suffix_is_dropped_from_captured_ids(tmp_path):
    result, out = run_capture(tmp_path, frames=2, scene="FloorPlan1")
    assert fake_ai2thor.instances[0].last_event.metadata["sceneName"] == "FloorPlan1_physics"
    assert result.scene_file.name == "FloorPlan1.scene.json"
    scene = load_scene_file(result.scene_file)
    assert scene.id == "ai2thor/FloorPlan1" and scene.source["scene"] == "FloorPlan1"
    assert json.loads((out / "capture.json").read_text())["scene"] == "FloorPlan1"
    assert import_scene("ai2thor", out).id == "ai2thor/FloorPlan1"


def test_refused_pose_retries_at_the_nearest_other_reachable_position(tmp_path):
    class RefuseSecond(fake_ai2thor.FakeController):
        """Refuses the second Teleport (a reachable point a moving object now blocks)."""
        def _teleport(self, meta, **kwargs):
            if sum(s["action"] == "Teleport" for s in self.steps) == 2:
                self.last_event = self._event(self._result(
                    meta, "Teleport", False, message="blocked"))
                return self.last_event
            return super()._teleport(meta, **kwargs)

    fake_ai2thor.instances.clear()
    result = capture(CaptureOptions(scene="FloorPlanFixture", frames=4), tmp_path / "cap",
                     controller_factory=RefuseSecond)
    steps = [s for s in fake_ai2thor.instances[0].steps if s["action"] == "Teleport"]
    assert len(steps) == 5 and result.frames == 4  # one retry
    refused, retry = steps[1]["position"], steps[2]["position"]
    assert (retry["x"], retry["z"]) != (refused["x"], refused["z"])
    assert (retry["x"] * 4) % 1 == 0 and (retry["z"] * 4) % 1 == 0  # a reachable grid point
    assert math.hypot(retry["x"] - refused["x"], retry["z"] - refused["z"]) <= 0.25 * 1.5


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
        capture(CaptureOptions(scene="FloorPlanFixture", frames=5), tmp_path / "cap",
                controller_factory=Interrupting)
    assert fake_ai2thor.instances[0].stopped
    assert list(tmp_path.iterdir()) == []


def test_simulator_failures_are_scene_errors_and_stop_the_controller(tmp_path):
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

    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="failed during Teleport: Unity did not answer"):
        capture(CaptureOptions(scene="FloorPlanFixture", frames=2), tmp_path / "cap",
                controller_factory=Crashing)
    assert fake_ai2thor.instances[0].stopped

    class Nowhere(fake_ai2thor.FakeController):
        def reachable(self):
            return []

    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="GetReachablePositions returned no"):
        capture(CaptureOptions(scene="FloorPlanFixture", frames=2), tmp_path / "cap",
                controller_factory=Nowhere)
    assert fake_ai2thor.instances[0].stopped

    class OldBuild(fake_ai2thor.FakeController):  # a build without GetReachablePositions
        def step(self, action=None, **kwargs):
            if action == "GetReachablePositions":
                raise ValueError("Invalid action: GetReachablePositions")
            return super().step(action, **kwargs)

    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="Invalid action: GetReachablePositions"):
        capture(CaptureOptions(scene="FloorPlanFixture", frames=2), tmp_path / "cap",
                controller_factory=OldBuild)
    assert fake_ai2thor.instances[0].stopped
    assert list(tmp_path.iterdir()) == []


def test_a_failed_start_stops_unity(tmp_path, monkeypatch):
    """The real constructor starts Unity, then raises for a scene not in the build: the
    default factory must stop that half-made controller (nobody else can)."""
    fake_module = types.ModuleType("ai2thor.controller")
    fake_module.Controller = fake_ai2thor.FakeController
    package = types.ModuleType("ai2thor")
    package.controller = fake_module
    monkeypatch.setitem(sys.modules, "ai2thor", package)
    monkeypatch.setitem(sys.modules, "ai2thor.controller", fake_module)
    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="cannot start the AI2-THOR controller: "
                                         "Scene 'FloorPlan999_physics' not contained"):
        capture(CaptureOptions(scene="FloorPlan999", frames=2), tmp_path / "cap")
    assert len(fake_ai2thor.instances) == 1
    assert fake_ai2thor.instances[0].stopped and not fake_ai2thor.instances[0].unity_running
    assert list(tmp_path.iterdir()) == []
    # and a good scene through the same default factory works (and is stopped at the end)
    fake_ai2thor.instances.clear()
    result = capture(CaptureOptions(scene="FloorPlan2", frames=2, width=64, height=48),
                     tmp_path / "ok")
    assert result.frames == 2 and fake_ai2thor.instances[0].stopped


def test_output_directory_must_be_new_or_empty(tmp_path):
    (tmp_path / "cap").mkdir()
    (tmp_path / "cap" / "old.txt").write_text("x")
    fake_ai2thor.instances.clear()
    with pytest.raises(SceneError, match="not empty"):
        capture(CaptureOptions(scene="FloorPlanFixture", frames=2), tmp_path / "cap",
                controller_factory=fake_ai2thor.make_controller)
    assert fake_ai2thor.instances == []  # checked before starting the simulator
    (tmp_path / "empty").mkdir()
    result = capture(CaptureOptions(scene="FloorPlanFixture", frames=2), tmp_path / "empty",
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
    assert kw["visibilityDistance"] == 100.0 and kw["gridSize"] == 0.25
    assert "platform" not in kw
    with pytest.raises(SceneError, match="horizon must be in"):
        capture(CaptureOptions(scene="X", pitch_deg=80), "unused", controller_factory=None)
    with pytest.raises(SceneError, match="--visibility-distance: expected metres > 0"):
        capture(CaptureOptions(scene="X", visibility_distance=0), "unused")


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
