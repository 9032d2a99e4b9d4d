"""Geometric visibility of boxes from cameras (scenes.md, "Frames for scenes that have none").

An object's visible fraction in a frame is estimated from seeded sample
points on its box surface (``SAMPLES_PER_OBJECT`` per object, spread over the
faces by area):

1. only points on faces that face the camera count (back faces are hidden by
   the object itself): the *denominator* is the number of those points;
2. a counted point is seen if it lies in the view frustum (in front of the
   camera by more than ``NEAR`` and projecting inside the image) and the
   segment from the camera to it is not blocked by another box;
3. fraction = seen / counted; objects with fraction 0 are left out.

An object in plain view has fraction 1; one half out of the image about 0.5;
one fully behind another 0.

Occlusion rules (one slab test per point and box, vectorized):

- an object's own box never blocks its own points;
- occluding boxes are shrunk by ``SHRINK`` per side, so boxes that merely
  touch (a mug standing on a counter, a drawer flush with its cabinet) do not
  hide each other's surface;
- a box that contains the camera does not block (a room-sized volume);
- a box hides a point *inside* it only if it is *solid*: its object is
  ``openable`` (a closed fridge hides the egg inside) or it is the floor.
  Other boxes are loose hulls of open things (sink, shelving unit, bowl), so
  what lies inside them stays visible. The floor therefore never hides what
  stands on it (rays from a camera above it never cross its slab) but does
  hide the parts of boxes that sink below its top, and everything under it.
- (v0.2) the room's walls (``Room.wall_segments``: ``room.walls``, else the
  floor polygon's edges) are occluders: vertical segments from below the
  floor up to ``room.height``. A point is hidden when the segment from the
  camera to it crosses a wall more than ``WALL_SLACK`` (1 cm) before reaching
  it, at a height no greater than the wall's top; so nothing behind a wall is
  seen, while a painting on the wall (in front of it) is.

Cost: per frame, boxes entirely outside the view frustum are culled first
(they cannot cross a segment from the camera to a point inside it); then a
box is tested only against the points whose pixel lies in the box's image
rectangle (the hull of its projected corners, or the whole image for a box
reaching behind the camera) and that lie deeper than its nearest corner: a
hit on the segment is on the point's pixel and nearer than the point, so the
pairs left out hold none. The slab test runs on the kept (box, point) pairs,
each computed with the same operations as a test of all pairs, so the
fractions do not depend on the cull (tests/test_sims_visibility.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spatial_dsl.scenes.model import Scene, normalise_name

from .geometry import box_surface_samples

__all__ = ["NEAR", "SAMPLES_PER_OBJECT", "SHRINK", "WALL_SLACK", "Cameras", "Samples",
           "behind_walls", "cameras_from_frames", "sample_objects", "solid_mask",
           "visible_fractions"]

SAMPLES_PER_OBJECT = 48
NEAR = 0.05  # metres: points closer to the camera plane than this are not seen
SHRINK = 0.002  # metres per side by which occluding boxes are shrunk
WALL_SLACK = 0.01  # metres: a wall this close behind a point (its own wall) does not hide it
_CHUNK = 4_000_000  # max box x point pairs per screen-cull batch
_PAIRS = 250_000  # max (box, point) pairs per slab-test batch
# Slack of the screen cull (_may_cover): far above the rounding of a pixel (~1e-12 px)
# or a depth, so a hit at a rectangle's very edge is still tested.
_SLACK_PX = 0.01
_SLACK_M = 1e-6


@dataclass(frozen=True)
class Samples:
    points: np.ndarray  # (P, 3) world
    normals: np.ndarray  # (P, 3) outward unit normals, zero = faces every way
    owner: np.ndarray  # (P,) object index


@dataclass(frozen=True)
class Cameras:
    position: np.ndarray  # (F, 3)
    R: np.ndarray  # (F, 3, 3) columns = OpenCV camera axes in world
    width: np.ndarray  # (F,)
    height: np.ndarray
    fx: np.ndarray
    fy: np.ndarray
    cx: np.ndarray
    cy: np.ndarray

    @property
    def count(self) -> int:
        return len(self.position)


def cameras_from_frames(scene: Scene) -> Cameras:
    f = scene.frames
    return Cameras(f.position, f.R, f.width.astype(float), f.height.astype(float),
                   f.fx, f.fy, f.cx, f.cy)


def sample_objects(scene: Scene, per_object: int = SAMPLES_PER_OBJECT, seed: int = 0) -> Samples:
    """Seeded surface samples of every object (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    points, normals, owner = box_surface_samples(scene.center, scene.R, scene.size,
                                                 per_object, rng)
    return Samples(points, normals, owner)


def solid_mask(scene: Scene) -> np.ndarray:
    """(N,) bool: boxes that hide what is inside them (openable objects and the floor)."""
    return np.array([bool(a.get("openable") is True) or normalise_name(c) == "floor"
                     for a, c in zip(scene.attributes, scene.categories)], dtype=bool)


def visible_fractions(scene: Scene, cams: Cameras, samples: Samples | None = None,
                      seed: int = 0) -> np.ndarray:
    """(F, N) visible fraction of every object in every camera (0 = not visible)."""
    if samples is None:
        samples = sample_objects(scene, seed=seed)
    n = scene.n
    half = scene.size / 2
    shrunk = np.maximum(half - SHRINK, 0.0)
    solid = solid_mask(scene)
    walls = scene.room.wall_segments()
    zero_normal = ~np.any(samples.normals, axis=1)
    out = np.zeros((cams.count, n))
    for f in range(cams.count):
        rel = samples.points - cams.position[f]
        pc = rel @ cams.R[f]
        facing = zero_normal | (np.einsum("ij,ij->i", rel, samples.normals) < 0)
        cand = facing & _in_view(pc, cams, f)
        denom = np.bincount(samples.owner[facing], minlength=n)
        idx = np.flatnonzero(cand)
        if idx.size and len(walls):
            cand[idx[behind_walls(cams.position[f], samples.points[idx], walls,
                                  scene.room.height)]] = False
            idx = np.flatnonzero(cand)
        if idx.size:
            boxes, screen = _boxes_in_view(scene.corners, cams, f)
            if boxes.size:
                occluded = _occluded(samples.points[idx], samples.owner[idx], cams.position[f],
                                     scene.center[boxes], scene.R[boxes], half[boxes],
                                     shrunk[boxes], solid[boxes], boxes,
                                     (screen, _screen_points(pc[idx], cams, f)))
                cand[idx[occluded]] = False
        numer = np.bincount(samples.owner[cand], minlength=n)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f] = np.where(denom > 0, numer / np.maximum(denom, 1), 0.0)
    return out


def behind_walls(camera, points, walls, top: float) -> np.ndarray:
    """(P,) bool: the segment from ``camera`` (3,) to each point (P, 3) crosses one of the
    walls (K, 4 as [x1, y1, x2, y2]) below ``top``, more than WALL_SLACK before the point."""
    c = np.asarray(camera, dtype=np.float64)
    p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    w = np.asarray(walls, dtype=np.float64).reshape(-1, 4)
    r = p[:, :2] - c[:2]  # (P, 2) ray in plan
    a, s = w[:, :2], w[:, 2:] - w[:, :2]  # (K, 2) wall start and direction
    ac = a - c[:2]
    denom = r[:, None, 0] * s[None, :, 1] - r[:, None, 1] * s[None, :, 0]  # (P, K)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (ac[None, :, 0] * s[None, :, 1] - ac[None, :, 1] * s[None, :, 0]) / denom
        u = (ac[None, :, 0] * r[:, None, 1] - ac[None, :, 1] * r[:, None, 0]) / denom
    length = np.hypot(r[:, 0], r[:, 1])[:, None]
    z = c[2] + t * (p[:, None, 2] - c[2])
    hit = ((np.abs(denom) > 1e-12) & (t > 0) & (t * length < length - WALL_SLACK)
           & (u >= 0) & (u <= 1) & (z <= top))
    return hit.any(axis=1)


def _in_view(pc: np.ndarray, cams: Cameras, f: int) -> np.ndarray:
    z = pc[:, 2]
    ok = z > NEAR
    zs = np.where(ok, z, 1.0)
    u = cams.fx[f] * pc[:, 0] / zs + cams.cx[f]
    v = cams.fy[f] * pc[:, 1] / zs + cams.cy[f]
    return ok & (u >= 0) & (u <= cams.width[f]) & (v >= 0) & (v <= cams.height[f])


def _boxes_in_view(corners: np.ndarray, cams: Cameras, f: int) -> tuple[np.ndarray, tuple]:
    """Indices of boxes not entirely outside one frustum plane (conservative cull), and
    where each kept box lies on the image (``_screen_boxes``)."""
    c = (corners - cams.position[f]) @ cams.R[f]  # (N, 8, 3) camera coordinates
    x, y, z = c[..., 0], c[..., 1], c[..., 2]
    fx, fy, cx, cy = cams.fx[f], cams.fy[f], cams.cx[f], cams.cy[f]
    w, h = cams.width[f], cams.height[f]
    outside = ((z <= 0).all(axis=1)
               | (fx * x + cx * z < 0).all(axis=1)  # left of u = 0
               | (fx * x - (w - cx) * z > 0).all(axis=1)  # right of u = width
               | (fy * y + cy * z < 0).all(axis=1)  # above v = 0
               | (fy * y - (h - cy) * z > 0).all(axis=1))  # below v = height
    kept = np.flatnonzero(~outside)
    return kept, _screen_boxes(c[kept], cams, f)


def _screen_boxes(c: np.ndarray, cams: Cameras, f: int) -> tuple:
    """(u_min, u_max, v_min, v_max, z_min) of boxes given by their corners in camera
    coordinates (K, 8, 3): the image rectangle holding the box's projection and its
    nearest depth. A box with every corner in front of the camera projects inside the
    rectangle of its projected corners (the projection of a convex body in front of the
    camera is the hull of its corners' projections); one reaching behind the camera may
    cover any pixel, so its rectangle is the whole plane."""
    z = c[..., 2]
    front = (z > 0).all(axis=1)
    zs = np.where(front[:, None], z, 1.0)
    u = cams.fx[f] * c[..., 0] / zs + cams.cx[f]
    v = cams.fy[f] * c[..., 1] / zs + cams.cy[f]
    inf = np.where(front, 0.0, np.inf)
    return (u.min(axis=1) - inf, u.max(axis=1) + inf, v.min(axis=1) - inf,
            v.max(axis=1) + inf, z.min(axis=1))


def _screen_points(pc: np.ndarray, cams: Cameras, f: int) -> tuple:
    """(u, v, z) of points in camera coordinates (P, 3), all in front of the camera."""
    z = pc[:, 2]
    return (cams.fx[f] * pc[:, 0] / z + cams.cx[f], cams.fy[f] * pc[:, 1] / z + cams.cy[f], z)


def _may_cover(boxes: tuple, points: tuple) -> np.ndarray:
    """(K, C) bool: box k may hide point c. A box hides a point only where the segment from
    the camera meets it strictly before the point: there the point's pixel is the hit's
    pixel, so it lies in the box's image rectangle, and the hit is nearer than the point,
    so the box's nearest corner is too. False only where the slab test of ``_occluded``
    cannot find a hit (the slack, far above rounding, keeps it so at the rectangle's
    edges)."""
    u_min, u_max, v_min, v_max, z_min = (a[:, None] for a in boxes)
    u, v, z = (a[None, :] for a in points)
    return ((u >= u_min - _SLACK_PX) & (u <= u_max + _SLACK_PX) & (v >= v_min - _SLACK_PX)
            & (v <= v_max + _SLACK_PX) & (z > z_min - _SLACK_M))


def _occluded(points, owner, cam, center, R, half, shrunk, solid, box_ids,
              screens: tuple | None = None) -> np.ndarray:
    """(C,) bool: the segment camera -> point enters a box that may hide it.

    With ``screens`` (the boxes' ``_screen_boxes`` and the points' ``_screen_points``),
    only the (box, point) pairs ``_may_cover`` keeps are tested; else every pair. Each
    pair's numbers come from the same operations either way (``_slab_hits``), so the
    result does not depend on the cull."""
    k, c = len(center), len(points)
    o = np.einsum("ki,kij->kj", cam - center, R)  # camera in each box's frame (K, 3)
    blocked = np.zeros(c, dtype=bool)
    step = max(1, _CHUNK // max(k, 1))
    for start in range(0, c, step):
        sl = slice(start, start + step)
        pairs = owner[None, sl] != box_ids[:, None]  # a box never hides its own points
        if screens is not None:
            pairs &= _may_cover(screens[0], tuple(a[sl] for a in screens[1]))
        boxes, kept = np.nonzero(pairs)
        for at in range(0, len(boxes), _PAIRS):  # a pair gathers 23 floats: bound the memory
            kb, pt = boxes[at:at + _PAIRS], kept[at:at + _PAIRS] + start
            hidden = _slab_hits(points[pt], center[kb], R[kb], o[kb], half[kb], shrunk[kb],
                                solid[kb])
            blocked[pt[hidden]] = True
    return blocked


def _slab_hits(points, center, R, o, half, shrunk, solid) -> np.ndarray:
    """(M,) bool for M (box, point) pairs (each argument one row per pair): the segment
    from the camera (``o``: in the box's frame) to the point enters the shrunk box, and the
    box may hide the point (a point inside a box is hidden only by a solid one)."""
    local = np.matmul((points - center)[:, None, :], R)[:, 0]  # (M, 3) point in box frame
    d = local - o
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inv = 1.0 / d
        t1 = (-shrunk - o) * inv
        t2 = (shrunk - o) * inv
    t_in = np.fmin(t1, t2).max(axis=1)
    t_out = np.fmax(t1, t2).min(axis=1)
    hit = (t_in <= t_out) & (t_in > 0) & (t_in < 1)
    inside = (np.abs(local) <= half).all(axis=1)
    return hit & ~(inside & ~solid)
