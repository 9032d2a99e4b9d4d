"""Camera walks (sims.walk): clear of obstacles, inside the room, deterministic, every room."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.path import Path
from scipy.spatial import ConvexHull

from sims.visibility import cameras_from_frames, sample_objects
from sims.walk import (
    CELL,
    FLAT_HEIGHT,
    OBSTACLE_BELOW,
    TURN_METRES_PER_DEGREE,
    WalkOptions,
    camera_matrix,
    floor_level,
    plan_poses,
    walk_scene,
    walk_scene_doc,
)
from spatial_dsl.runtime.geometry import heading
from spatial_dsl.scenes.ai2thor import camera_from_ai2thor
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import (
    FORMAT,
    load_scene_file,
    scene_from_dict,
    scene_from_json,
    scene_to_json,
    write_scene,
)
from spatial_dsl.scenes.model import scene_differences
from spatial_dsl.scenes.rotations import quat_to_matrix
from spatial_dsl.scenes.sources import list_scenes, load_scene

from .test_sims_visibility import reference_fractions

ROOMS = ["ithor:FloorPlan1", "ithor:FloorPlan15", "ithor:FloorPlan201", "ithor:FloorPlan227",
         "ithor:FloorPlan301", "ithor:FloorPlan418", "ithor:FloorPlan311", "robothor:0"]
GRID_SLACK = CELL * math.sqrt(2) / 2  # a grid step may pass this much closer than a cell centre


def obstacle_hulls(scene):
    """Footprints of obstacles, computed here independently: half-planes of the convex hull
    (scipy) of each obstacle's projected corners."""
    z0 = floor_level(scene)
    hulls = []
    for i, cat in enumerate(scene.categories):
        if cat == "Floor" or scene.bottom[i] >= z0 + OBSTACLE_BELOW:
            continue
        if scene.top[i] <= z0 + FLAT_HEIGHT:
            continue
        hull = ConvexHull(scene.corners[i][:, :2], qhull_options="QJ")  # QJ: flat ones too
        hulls.append((scene.ids[i], hull.equations))
    return hulls


def assert_clear(scene, points, margin=0.0, walked_over=()):
    """No point inside an obstacle footprint; all inside the room's polygon (matplotlib's
    test) and at least ``margin`` from its walls (distances to segments computed here)."""
    for oid, eq in obstacle_hulls(scene):
        inside = (points @ eq[:, :2].T + eq[:, 2] < 0).all(axis=1)
        assert oid in walked_over or not inside.any(), f"{scene.id}: enters {oid}"
    lo, hi = scene.room.bounds_min, scene.room.bounds_max
    floor = scene.room.floor if scene.room.floor is not None else np.array(
        [[lo[0], lo[1]], [hi[0], lo[1]], [hi[0], hi[1]], [lo[0], hi[1]]])
    assert Path(floor).contains_points(points).all(), f"{scene.id}: outside the room"
    walls = scene.room.wall_segments()
    if not len(walls):
        walls = np.concatenate([floor, np.roll(floor, -1, axis=0)], axis=1)
    a, b = walls[None, :, :2], walls[None, :, 2:]
    t = np.clip(((points[:, None] - a) * (b - a)).sum(-1) / ((b - a) ** 2).sum(-1), 0, 1)
    gap = np.linalg.norm(points[:, None] - (a + t[..., None] * (b - a)), axis=-1).min(axis=1)
    assert (gap >= margin).all(), f"{scene.id}: {gap.min():.3f} m from a wall"


def densify(waypoints, step=0.01):
    out = []
    for a, b in zip(waypoints[:-1], waypoints[1:]):
        n = max(2, int(np.ceil(np.linalg.norm(b - a) / step)) + 1)
        out.append(a + np.linspace(0, 1, n)[:, None] * (b - a))
    return np.concatenate(out)


@pytest.mark.parametrize("ref", ROOMS)
def test_walk_stays_clear_and_inside_the_room(ref):
    scene = load_scene(ref)
    options = WalkOptions(frames=40, seed=3)
    poses = plan_poses(scene, options)
    assert_clear(scene, poses.position[:, :2], margin=options.clearance - GRID_SLACK)
    assert_clear(scene, densify(poses.waypoints), margin=options.clearance - GRID_SLACK)
    np.testing.assert_array_equal(poses.waypoints[0], poses.waypoints[-1])  # a loop
    np.testing.assert_allclose(poses.position[:, 2], floor_level(scene) + 1.5)
    # it visits the room: the loop spans a good part of the free area
    extent = poses.waypoints.max(axis=0) - poses.waypoints.min(axis=0)
    room = scene.room.bounds_max - scene.room.bounds_min
    assert (extent > 0.25 * room).all(), (ref, extent, room)


def test_frames_face_the_direction_of_travel_and_turn_in_place():
    poses = plan_poses(load_scene("ithor:FloorPlan201"), WalkOptions(frames=150, seed=0))
    pos, yaw = poses.position[:, :2], poses.yaw_deg
    turns = moves = 0
    for k in range(len(pos) - 1):
        step = pos[k + 1] - pos[k]
        if np.hypot(*step) < 1e-9:
            turns += yaw[k] != yaw[k + 1]
        elif yaw[k] == yaw[k + 1]:  # both on one straight run
            direction = math.degrees(math.atan2(step[1], step[0]))
            assert abs((direction - yaw[k] + 180) % 360 - 180) < 1e-6
            moves += 1
    assert turns >= 1 and moves >= 20


def test_frames_are_equally_spaced_in_effort():
    poses = plan_poses(load_scene("ithor:FloorPlan1"), WalkOptions(frames=50, seed=1))
    w = poses.waypoints
    seg = np.diff(w, axis=0)
    head = np.degrees(np.arctan2(seg[:, 1], seg[:, 0]))
    turn = (np.roll(head, -1) - head + 180) % 360 - 180
    total = np.hypot(seg[:, 0], seg[:, 1]).sum() + np.abs(turn).sum() * TURN_METRES_PER_DEGREE
    spacing = total / 50
    pos, yaw = poses.position[:, :2], poses.yaw_deg
    for k in range(len(pos) - 1):
        d = np.hypot(*(pos[k + 1] - pos[k]))
        if yaw[k] == yaw[k + 1] and d > 0:
            assert d == pytest.approx(spacing, rel=1e-9)
        elif d == 0:
            dyaw = abs((yaw[k + 1] - yaw[k] + 180) % 360 - 180)
            assert dyaw * TURN_METRES_PER_DEGREE == pytest.approx(spacing, rel=1e-9)


def test_walk_is_deterministic_for_a_seed():
    scene = load_scene("ithor:FloorPlan301")
    a = walk_scene_doc(scene, WalkOptions(frames=12, seed=7))
    b = walk_scene_doc(scene, WalkOptions(frames=12, seed=7))
    c = walk_scene_doc(scene, WalkOptions(frames=12, seed=8))
    assert a == b
    assert a["frames"] != c["frames"]
    assert [f["time"] for f in a["frames"]] == [float(k) for k in range(12)]
    assert a["source"]["walk"]["seed"] == 7


def test_camera_pose_convention_matches_ai2thor_conversion():
    # A walk pose with heading psi is the AI2-THOR agent yaw 90 - psi (same camera matrix).
    for psi, pitch in [(0, 0), (90, 30), (-135, 15), (170, -20)]:
        meta = {"agent": {"rotation": {"x": 0, "y": 90 - psi, "z": 0}, "cameraHorizon": pitch},
                "cameraPosition": {"x": 0, "y": 1.5, "z": 0}, "fov": 60, "screenWidth": 4,
                "screenHeight": 3}
        R = quat_to_matrix(np.array(camera_from_ai2thor(meta)["rotation"]))
        np.testing.assert_allclose(camera_matrix(psi, pitch), R, atol=1e-12)
        assert heading(camera_matrix(psi, pitch)) == pytest.approx(psi)


def small_room(objects, floor=((0, 0), (6, 0), (6, 4), (0, 4))):
    return scene_from_dict({"format": FORMAT, "id": "test/room",
                            "room": {"floor": [list(p) for p in floor], "height": 2.5},
                            "objects": objects})


def obj(oid, center, size, **attrs):
    d = {"id": oid, "category": oid.rstrip("0123456789"), "center": list(center),
         "size": list(size)}
    if attrs:
        d["attributes"] = attrs
    return d


def test_walk_visibility_matches_the_reference_on_a_small_room():
    scene = small_room([obj("Floor", (3, 2, -0.05), (6, 4, 0.1)),
                        obj("Table", (3, 2, 0.4), (1.2, 0.8, 0.8)),
                        obj("Wall1", (1.5, 2, 1.0), (0.1, 1.5, 2.0)),
                        obj("Mug", (3, 2, 0.85), (0.1, 0.1, 0.1)),
                        obj("Painting", (5.98, 2, 1.5), (0.02, 1.0, 0.6)),
                        obj("Rug", (4.5, 3, 0.005), (1.0, 1.5, 0.01)),
                        obj("Lamp", (0.6, 0.5, 2.2), (0.3, 0.3, 0.3))])
    walked = walk_scene(scene, WalkOptions(frames=10, seed=2))
    samples = sample_objects(walked, seed=2)
    ref = reference_fractions(walked, cameras_from_frames(walked), samples)
    np.testing.assert_array_equal(walked.frames.visibility, ref)
    assert (walked.frames.visibility > 0).sum() >= 10
    # the rug is walked over, the lamp hangs above head height: neither is an obstacle
    poses = plan_poses(scene, WalkOptions(frames=10, seed=2))
    assert_clear(scene, densify(poses.waypoints))


def test_cluttered_room_reduces_clearance_and_an_impossible_one_fails():
    tight = small_room([obj("Sofa", (2, 1.1, 0.4), (4, 2.2, 0.8))],
                       floor=((0, 0), (4, 0), (4, 2.5), (0, 2.5)))
    poses = plan_poses(tight, WalkOptions(frames=5))
    assert poses.clearance < 0.2 and poses.notes
    full = small_room([obj("Bed", (2, 1.25, 0.4), (4, 2.5, 0.8))],
                      floor=((0, 0), (4, 0), (4, 2.5), (0, 2.5)))
    with pytest.raises(SceneError, match="no free floor to walk"):
        plan_poses(full, WalkOptions(frames=5))


def test_a_room_with_one_free_spot_turns_in_place():
    # only the cell centred at (0.15, 0.15) is 0.1 m from the walls; the lamp hangs high,
    # the rug (the lowest object: the floor level) is walked over
    scene = small_room([obj("Lamp", (0.15, 0.15, 2.2), (0.2, 0.2, 0.2)),
                        obj("Rug", (0.15, 0.15, 0.005), (0.3, 0.3, 0.01))],
                       floor=((0, 0), (0.3, 0), (0.3, 0.3), (0, 0.3)))
    poses = plan_poses(scene, WalkOptions(frames=8, clearance=0.1))
    assert np.ptp(poses.position[:, :2], axis=0).max() < 1e-9
    steps = np.diff(np.unwrap(np.radians(poses.yaw_deg)))
    np.testing.assert_allclose(steps, math.radians(45))


def test_every_builtin_room_walks_inside_and_loads_back(tmp_path):
    refs = list_scenes()
    assert len(refs) == 195
    for ref in refs:
        scene = load_scene(ref)
        walked = walk_scene(scene, WalkOptions(frames=8, seed=0))
        assert walked.frames.count == 8, ref
        over = walked.source["walk"].get("walked_over", [])
        # only FloorPlan3's counter top, whose 3.8 m x 5.9 m box is the whole room
        assert not over or over == ["CounterTop|-01.81|+01.36|+01.18"], (ref, over)
        assert_clear(scene, walked.frames.position[:, :2], 0.1 - GRID_SLACK, over)
        assert (walked.frames.visibility > 0).sum() >= 8, ref
        assert ((walked.frames.visibility >= 0) & (walked.frames.visibility <= 1)).all()
        back = scene_from_json(scene_to_json(walked), origin=ref)  # what write_scene writes
        assert scene_differences(walked, back) == [], ref
        assert scene.ids == walked.ids
    write_scene(walked, tmp_path / "walk.scene.json")  # and one really on disk
    assert scene_differences(walked, load_scene_file(tmp_path / "walk.scene.json")) == []


def test_assert_clear_catches_a_point_in_a_footprint():
    scene = load_scene("ithor:FloorPlan1")
    fridge = scene.ids.index("Fridge|-02.10|+00.00|+01.07")
    with pytest.raises(AssertionError, match="Fridge"):
        assert_clear(scene, scene.center[fridge][None, :2])
