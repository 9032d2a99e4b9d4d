"""Geometric visibility (sims.visibility) against a brute-force pure-Python reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sims.visibility import (
    NEAR,
    SHRINK,
    Cameras,
    sample_objects,
    solid_mask,
    visible_fractions,
)
from sims.walk import camera_matrix
from spatial_dsl.scenes.format import FORMAT, scene_from_dict
from spatial_dsl.scenes.rotations import axis_angle_quat

W, H, HFOV = 640, 480, 90.0


def box(oid, center, size, yaw=0.0, category=None, **attributes):
    obj = {"id": oid, "category": category or oid.split("_")[0], "center": list(center),
           "size": list(size), "rotation": axis_angle_quat("z", yaw).tolist()}
    if attributes:
        obj["attributes"] = attributes
    return obj


def make_scene(objects):
    return scene_from_dict({"format": FORMAT, "id": "test/vis", "objects": objects})


def cameras(poses, width=W, height=H, hfov=HFOV):
    """poses: [(x, y, z, yaw_deg, pitch_deg)]."""
    n = len(poses)
    pos = np.array([p[:3] for p in poses], dtype=float)
    R = np.stack([camera_matrix(p[3], p[4]) for p in poses])
    f = (width / 2) / math.tan(math.radians(hfov) / 2)
    return Cameras(pos, R, np.full(n, float(width)), np.full(n, float(height)), np.full(n, f),
                   np.full(n, f), np.full(n, width / 2), np.full(n, height / 2))


# --------------------------------------------------------------------------- reference


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _local(p, c, R):
    d = [p[0] - c[0], p[1] - c[1], p[2] - c[2]]
    return [sum(R[i][j] * d[i] for i in range(3)) for j in range(3)]


def reference_fractions(scene, cams, samples):
    """Per point, per box, per frame, in plain Python; the rules of sims.visibility."""
    solid = solid_mask(scene)
    centers = scene.center.tolist()
    Rs = scene.R.tolist()
    half = (scene.size / 2).tolist()
    shrunk = [[max(h - SHRINK, 0.0) for h in hs] for hs in half]
    pts, normals, owner = samples.points.tolist(), samples.normals.tolist(), samples.owner.tolist()
    out = np.zeros((cams.count, scene.n))
    for f in range(cams.count):
        cam = cams.position[f].tolist()
        Rc = cams.R[f].tolist()
        fx, fy, cx, cy = (float(cams.fx[f]), float(cams.fy[f]), float(cams.cx[f]),
                          float(cams.cy[f]))
        width, height = float(cams.width[f]), float(cams.height[f])
        counted = [0] * scene.n
        seen = [0] * scene.n
        for p, nrm, j in zip(pts, normals, owner):
            rel = [p[i] - cam[i] for i in range(3)]
            if any(nrm) and _dot(rel, nrm) >= 0:
                continue  # back face
            counted[j] += 1
            pc = [sum(Rc[i][k] * rel[i] for i in range(3)) for k in range(3)]
            if pc[2] <= NEAR:
                continue
            u, v = fx * pc[0] / pc[2] + cx, fy * pc[1] / pc[2] + cy
            if not (0 <= u <= width and 0 <= v <= height):
                continue
            if not any(_blocks(k, p, cam, j, centers, Rs, half, shrunk, solid)
                       for k in range(scene.n)):
                seen[j] += 1
        for j in range(scene.n):
            out[f, j] = seen[j] / counted[j] if counted[j] else 0.0
    return out


def _blocks(k, p, cam, owner, centers, Rs, half, shrunk, solid) -> bool:
    if k == owner:
        return False
    lp = _local(p, centers[k], Rs[k])
    if not solid[k] and all(abs(lp[a]) <= half[k][a] for a in range(3)):
        return False  # inside an open container's box
    o = _local(cam, centers[k], Rs[k])
    t_in, t_out = -math.inf, math.inf
    for a in range(3):
        d = lp[a] - o[a]
        s = shrunk[k][a]
        if d == 0:
            if -s <= o[a] <= s:
                continue
            return False
        t1, t2 = (-s - o[a]) / d, (s - o[a]) / d
        t_in, t_out = max(t_in, min(t1, t2)), min(t_out, max(t1, t2))
    return t_in <= t_out and 0 < t_in < 1


# --------------------------------------------------------------------------- cases


def fractions(scene, cams, seed=0):
    samples = sample_objects(scene, seed=seed)
    return visible_fractions(scene, cams, samples), samples


def test_plain_view_is_fully_visible():
    scene = make_scene([box("Chair", (3, 0, 0.45), (0.5, 0.5, 0.9)),
                        box("Floor", (0, 0, -0.05), (10, 10, 0.1))])
    vis, samples = fractions(scene, cameras([(0, 0, 1.5, 0, 15)]))
    assert vis[0, scene.ids.index("Chair")] == 1.0
    np.testing.assert_array_equal(vis, reference_fractions(scene, cameras([(0, 0, 1.5, 0, 15)]),
                                                           samples))


def test_fully_behind_another_box_is_invisible():
    scene = make_scene([box("Mug", (4, 0, 1.2), (0.1, 0.1, 0.1)),
                        box("Wall", (2, 0, 1.25), (0.1, 3, 2.5)),
                        box("Lamp", (1.5, 1.0, 1.5), (0.2, 0.2, 0.2))])
    cams = cameras([(0, 0, 1.5, 0, 0)])
    vis, samples = fractions(scene, cams)
    assert vis[0, scene.ids.index("Mug")] == 0.0
    assert vis[0, scene.ids.index("Lamp")] == 1.0
    assert 0 < vis[0, scene.ids.index("Wall")] <= 1.0
    np.testing.assert_array_equal(vis, reference_fractions(scene, cams, samples))


def test_partly_hidden_and_partly_out_of_frame():
    # A long box whose left half is hidden behind a wall; a box straddling the right edge.
    scene = make_scene([box("Sofa", (4, 0, 0.5), (0.6, 2.0, 1.0)),
                        box("Wall", (2, 0.55, 1.0), (0.1, 1.0, 2.0)),
                        box("Box", (2, -2, 1.5), (0.4, 0.4, 0.4))])
    cams = cameras([(0, 0, 1.5, 0, 0)])
    vis, samples = fractions(scene, cams)
    assert 0.2 < vis[0, scene.ids.index("Sofa")] < 0.8
    assert 0.2 < vis[0, scene.ids.index("Box")] < 0.8
    np.testing.assert_array_equal(vis, reference_fractions(scene, cams, samples))


def test_behind_the_camera_is_invisible():
    scene = make_scene([box("Chair", (-3, 0, 0.45), (0.5, 0.5, 0.9)),
                        box("Table", (3, 0, 0.4), (1, 1, 0.8))])
    vis, _ = fractions(scene, cameras([(0, 0, 1.5, 0, 15)]))
    assert vis[0, scene.ids.index("Chair")] == 0.0
    assert vis[0, scene.ids.index("Table")] == 1.0


def test_open_containers_show_their_contents_closed_ones_hide_them():
    scene = make_scene([
        box("ShelvingUnit", (3, 1, 1.0), (0.5, 1.0, 2.0)),
        box("Vase", (3, 1, 1.3), (0.15, 0.15, 0.3)),
        box("Fridge", (3, -1, 0.9), (0.7, 0.7, 1.8), openable=True),
        box("Egg", (3, -1, 1.0), (0.06, 0.06, 0.08)),
    ])
    cams = cameras([(0, 0, 1.5, 0, 10)])
    vis, samples = fractions(scene, cams)
    assert vis[0, scene.ids.index("Vase")] == 1.0
    assert vis[0, scene.ids.index("Egg")] == 0.0
    assert vis[0, scene.ids.index("Fridge")] == 1.0
    np.testing.assert_array_equal(vis, reference_fractions(scene, cams, samples))


def test_floor_hides_what_sinks_below_it_not_what_stands_on_it():
    scene = make_scene([
        box("Floor", (0, 0, -0.05), (10, 10, 0.1)),
        box("Rug", (3, 0, 0.005), (1.5, 1.0, 0.01)),
        box("Pipe", (3, 2, -0.06), (0.1, 0.1, 0.04)),  # entirely under the floor's top
    ])
    cams = cameras([(0, 0, 1.5, 0, 30)])
    vis, samples = fractions(scene, cams)
    assert vis[0, scene.ids.index("Rug")] == 1.0
    assert vis[0, scene.ids.index("Pipe")] == 0.0
    np.testing.assert_array_equal(vis, reference_fractions(scene, cams, samples))


def test_touching_boxes_do_not_hide_each_other():
    # A mug standing on a counter top; a drawer touching a cabinet's front.
    scene = make_scene([
        box("CounterTop", (3, 0, 0.45), (1.0, 2.0, 0.9)),
        box("Mug", (3, 0, 0.95), (0.1, 0.1, 0.1)),
        box("Cabinet", (3, 2, 0.4), (0.6, 0.6, 0.8), openable=True),
        box("Drawer", (2.65, 2, 0.4), (0.1, 0.4, 0.2), openable=True),  # touches its front
    ])
    cams = cameras([(0, 1, 1.5, 0, 25)])
    vis, samples = fractions(scene, cams)
    assert vis[0, scene.ids.index("Mug")] == 1.0
    assert vis[0, scene.ids.index("Drawer")] == 1.0
    np.testing.assert_array_equal(vis, reference_fractions(scene, cams, samples))


def test_camera_inside_a_box_still_sees_out():
    scene = make_scene([box("Room", (0, 0, 1.5), (20, 20, 3)),
                        box("Chair", (3, 0, 0.45), (0.5, 0.5, 0.9))])
    vis, _ = fractions(scene, cameras([(0, 0, 1.5, 0, 15)]))
    assert vis[0, scene.ids.index("Chair")] == 1.0
    assert vis[0, scene.ids.index("Room")] == 0.0  # every face turns its back to the camera


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_scenes_agree_with_reference(seed):
    rng = np.random.default_rng(seed)
    objects = []
    for i in range(7):
        c = rng.uniform([-3, -3, 0.2], [3, 3, 2.0])
        s = rng.uniform(0.05, 1.2, size=3)
        objects.append(box(f"Thing_{i}", c, s, yaw=float(rng.uniform(-180, 180)),
                           openable=bool(rng.integers(2))))
    objects.append(box("Floor", (0, 0, -0.05), (8, 8, 0.1)))
    scene = make_scene(objects)
    poses = [(float(x), float(y), 1.5, float(yaw), float(p)) for x, y, yaw, p in zip(
        rng.uniform(-3.5, 3.5, 4), rng.uniform(-3.5, 3.5, 4), rng.uniform(-180, 180, 4),
        rng.uniform(-20, 45, 4))]
    cams = cameras(poses)
    vis, samples = fractions(scene, cams, seed=seed)
    ref = reference_fractions(scene, cams, samples)
    np.testing.assert_array_equal(vis, ref)
    assert (vis > 0).any() and ((vis > 0) & (vis < 1)).any()


def test_samples_are_deterministic_and_on_the_surface():
    scene = make_scene([box("A", (1, 2, 0.5), (0.4, 1.0, 0.2), yaw=30),
                        box("B", (0, 0, 1), (0.3, 0.3, 0.0))])  # B is flat
    a, b = sample_objects(scene, seed=5), sample_objects(scene, seed=5)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, sample_objects(scene, seed=6).points)
    for j in range(scene.n):
        local = (a.points[a.owner == j] - scene.center[j]) @ scene.R[j]
        half = scene.size[j] / 2
        assert (np.abs(local) <= half + 1e-9).all()
        on_face = np.isclose(np.abs(local), half, atol=1e-9)
        assert on_face.any(axis=1).all()
    flat = a.normals[a.owner == scene.ids.index("B")]
    assert set(map(tuple, np.abs(flat).round(9))) == {(0.0, 0.0, 1.0)}


def _occlusion_both_ways(scene, cams, samples):
    """Per frame: `_occluded` with the screen cull and without it (every pair tested),
    and how many (box, point) pairs the cull kept and left out."""
    from sims import visibility as V

    half = scene.size / 2
    shrunk = np.maximum(half - SHRINK, 0.0)
    solid = solid_mask(scene)
    kept = total = 0
    for f in range(cams.count):
        pc = (samples.points - cams.position[f]) @ cams.R[f]
        idx = np.flatnonzero(V._in_view(pc, cams, f))
        boxes, screen = V._boxes_in_view(scene.corners, cams, f)
        if not idx.size or not boxes.size:
            continue
        args = (samples.points[idx], samples.owner[idx], cams.position[f], scene.center[boxes],
                scene.R[boxes], half[boxes], shrunk[boxes], solid[boxes], boxes)
        pixels = V._screen_points(pc[idx], cams, f)
        cover = V._may_cover(screen, pixels)
        kept, total = kept + int(cover.sum()), total + cover.size
        yield V._occluded(*args, (screen, pixels)), V._occluded(*args)
    assert 0 < kept < total / 2  # the cull leaves most pairs out, so the test means something


@pytest.mark.parametrize("seed", [4, 5])
def test_screen_cull_changes_no_occlusion(seed):
    """The (box, point) pairs the screen rectangles leave out never hold a hit: with and
    without the cull every point is equally hidden, bit for bit. Cameras stand among the
    boxes (some reach behind a camera, some hold one) and look every way."""
    rng = np.random.default_rng(seed)
    objects = [box(f"Thing_{i}", rng.uniform([-3, -3, 0.1], [3, 3, 2.2]),
                   rng.uniform(0.05, 1.5, size=3), yaw=float(rng.uniform(-180, 180)),
                   openable=bool(rng.integers(2))) for i in range(25)]
    objects.append(box("Floor", (0, 0, -0.05), (8, 8, 0.1)))
    scene = make_scene(objects)
    poses = [(float(x), float(y), float(z), float(yaw), float(p)) for x, y, z, yaw, p in zip(
        rng.uniform(-3, 3, 12), rng.uniform(-3, 3, 12), rng.uniform(0.3, 2.0, 12),
        rng.uniform(-180, 180, 12), rng.uniform(-40, 60, 12))]
    samples = sample_objects(scene, seed=seed)
    hidden = 0
    for culled, full in _occlusion_both_ways(scene, cameras(poses), samples):
        np.testing.assert_array_equal(culled, full)
        hidden += int(full.sum())
    assert hidden > 0
