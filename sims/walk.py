"""Camera walks for scenes without frames (``spdsl scenes walk``, scenes.md).

Plan
----
1. **Floor level** ``z0``: the top of the ``Floor`` object(s) if the scene has
   one, else the lowest object bottom. The camera is at ``z0 + eye_height``
   (1.5 m), pitched ``pitch_deg`` (15 degrees) down.
2. **Obstacles**: every object except the floor whose box reaches below
   ``z0 + OBSTACLE_BELOW`` (1.6 m: it would hit a person carrying the camera
   at 1.5 m) and rises more than ``FLAT_HEIGHT`` (5 cm) above the floor
   (rugs, mats and things lying flat are walked over). An obstacle's footprint
   is the minimum-area rectangle of its box corners projected on the floor
   (exactly its x-y rectangle for upright boxes).
3. **Free floor**: points inside the room (``room.floor`` polygon, else the
   x-y bounds of the scene) at least ``clearance`` (0.2 m) from the room
   boundary, from every wall (v0.2: ``room.walls``, e.g. the inner walls of
   a RoboTHOR apartment) and from every obstacle footprint. The built-in
   scenes' polygons are the inferred rooms (``spatial_dsl.scenes.rooms``),
   so a walk never stands behind a wall. If the room has no free floor, the
   clearance is halved once, to 0.1 m; if there is still none, thin slabs
   (at most 10 cm high) whose rectangle covers more than half the room are
   dropped as a last resort (FloorPlan3's L-shaped counter top has a 3.8 x
   5.9 m box: the whole room), with a note, before giving up.
4. **Loop**: the free floor is rasterised (10 cm cells) and its largest
   8-connected part kept. Around the part's centroid, ``SECTORS`` angular
   sectors (rotated by a seeded random offset) each contribute one target
   drawn (seeded) among the cells between the 60th and 90th percentile of
   distance from the centroid, i.e. near the room's edge but not in its
   corners. The targets are joined, in the order of the shortest closed tour
   (exact over all orders), by shortest grid paths; each leg is then
   shortened by cutting corners wherever the straight segment keeps the full
   clearance (checked every 2 cm against the exact footprints). Targets stay
   on the loop, so narrow parts of the room are visited out and back.
5. **Frames**: the loop is walked facing the direction of travel, turning in
   place at each waypoint (and at the start, to close the loop). Translation
   and turning share one "effort" axis (``TURN_METRES_PER_DEGREE``: a 90
   degree turn costs as much as 0.5 m), and the N frames are spaced equally
   along it, so straight runs get frames at equal distances and corners get
   in-place turning frames. A loop too short to walk becomes one full turn in
   place. Frame ``k`` has time ``k`` seconds (1 frame/s).
6. **Visibility** per frame from ``sims.visibility`` (frustum + occlusion of
   seeded box-surface samples).

Everything random comes from ``numpy.random.default_rng(seed)``, so a walk is
deterministic for a seed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT, dump_scene, scene_from_dict
from spatial_dsl.scenes.model import Scene, normalise_name
from spatial_dsl.scenes.rooms import inside_polygon, segment_distance
from spatial_dsl.scenes.rotations import matrix_to_quat

from .geometry import min_area_rect, polygon_distance, rect_distance
from .options import WalkOptions
from .visibility import Cameras, sample_objects, visible_fractions

__all__ = ["WalkOptions", "Footprints", "camera_matrix", "floor_level", "obstacle_footprints",
           "plan_poses", "walk_frames", "walk_scene", "walk_scene_doc"]

MIN_CLEARANCE = 0.1  # > half a grid diagonal: grid paths never touch a footprint
OBSTACLE_BELOW = 1.6
FLAT_HEIGHT = 0.05
CELL = 0.1
SECTORS = 8
TURN_METRES_PER_DEGREE = 0.5 / 90
CHECK_STEP = 0.02
MAX_CELLS = 1_000_000
ROOM_SIZED = 0.5  # a slab whose rectangle covers more of the room is walked over (last resort)
SLAB = 0.1  # m: at most this high, a room-sized box is a counter top's outline


@dataclass(frozen=True)
class Footprints:
    """Obstacle rectangles on the floor plus the walkable room region."""
    indices: np.ndarray  # (K,) object index of each obstacle
    centers: np.ndarray  # (K, 2)
    axes: np.ndarray  # (K, 2, 2) columns = rectangle axes
    half: np.ndarray  # (K, 2)
    room: np.ndarray  # (V, 2) room polygon
    floor_z: float
    walls: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # (K, 4) all walls

    def clearance_at(self, points) -> np.ndarray:
        """(M,) distance to the nearest obstacle or wall; negative outside the room."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        wall = polygon_distance(pts, self.room)
        if len(self.walls):
            wall = np.minimum(wall, segment_distance(pts, self.walls))
        wall = np.where(inside_polygon(pts, self.room), wall, -wall)
        if len(self.indices):
            return np.minimum(wall, rect_distance(pts, self.centers, self.axes,
                                                  self.half).min(axis=1))
        return wall


@dataclass
class Poses:
    position: np.ndarray  # (F, 3)
    yaw_deg: np.ndarray  # (F,) heading CCW from +x
    clearance: float
    waypoints: np.ndarray  # (W, 2), closed loop (first == last)
    notes: list[str] = field(default_factory=list)
    walked_over: list[str] = field(default_factory=list)  # ids of room-sized slabs ignored


# --------------------------------------------------------------------------- obstacles


def _is_floor(category: str) -> bool:
    return normalise_name(category) == "floor"


def floor_level(scene: Scene) -> float:
    floors = [i for i, c in enumerate(scene.categories) if _is_floor(c)]
    if floors:
        return float(scene.top[floors].max())
    return float(scene.bottom.min())


def room_polygon(scene: Scene) -> np.ndarray:
    if scene.room.floor is not None:
        return np.asarray(scene.room.floor, dtype=np.float64)
    (x0, y0), (x1, y1) = scene.room.bounds_min, scene.room.bounds_max
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def obstacle_mask(scene: Scene, floor_z: float | None = None) -> np.ndarray:
    z0 = floor_level(scene) if floor_z is None else floor_z
    not_floor = np.array([not _is_floor(c) for c in scene.categories], dtype=bool)
    return (not_floor & (scene.bottom < z0 + OBSTACLE_BELOW)
            & (scene.top > z0 + FLAT_HEIGHT))


def obstacle_footprints(scene: Scene) -> Footprints:
    z0 = floor_level(scene)
    idx = np.flatnonzero(obstacle_mask(scene, z0))
    centers, axes, half = [], [], []
    for i in idx:
        c, size, angle = min_area_rect(scene.corners[i][:, :2])
        ca, sa = math.cos(angle), math.sin(angle)
        centers.append(c)
        axes.append([[ca, -sa], [sa, ca]])
        half.append(size / 2)
    return Footprints(idx, np.array(centers).reshape(-1, 2), np.array(axes).reshape(-1, 2, 2),
                      np.array(half).reshape(-1, 2), room_polygon(scene), z0,
                      scene.room.wall_segments())


# --------------------------------------------------------------------------- planning


def plan_poses(scene: Scene, options: WalkOptions) -> Poses:
    """Camera positions and headings of the walk (no visibility yet)."""
    if options.frames < 1:
        raise SceneError([f"a walk needs at least 1 frame, got {options.frames}"], scene.id)
    fp = obstacle_footprints(scene)
    rng = np.random.default_rng(options.seed)
    clearance, notes, walked_over = options.clearance, [], []
    grid = None
    while grid is None:
        grid = _free_grid(fp, clearance)
        if grid is None and clearance / 2 < MIN_CLEARANCE - 1e-12:
            fp, dropped = _without_room_sized(fp, scene)
            if not dropped:
                raise SceneError([
                    f"no free floor to walk: no point of the room is {MIN_CLEARANCE:g} m "
                    "clear of the walls and of objects standing on the floor"], scene.id)
            clearance = options.clearance
            walked_over += dropped
            notes.append(f"walked over {', '.join(dropped)}: its box covers more than "
                         f"{ROOM_SIZED:.0%} of the room (the box of an L-shaped counter top)")
        elif grid is None:
            clearance /= 2
            notes.append(f"clearance reduced to {clearance:g} m (room too cluttered)")
    cells, graph = grid
    targets = _targets(cells, rng)
    legs = _grid_loop(cells, graph, targets)
    waypoints = _shortcut(legs, fp, clearance)
    position, yaw = _sample_along(waypoints, options.frames, rng)
    z = np.full((len(position), 1), fp.floor_z + options.eye_height)
    return Poses(np.hstack([position, z]), yaw, clearance, waypoints, notes, walked_over)


def _without_room_sized(fp: Footprints, scene: Scene) -> tuple[Footprints, list[str]]:
    """The footprints without thin slabs whose rectangle covers more than ROOM_SIZED of the
    room (the box of an L-shaped counter top, not its shape), and the ids of those dropped."""
    area = 4 * fp.half[:, 0] * fp.half[:, 1]
    slab = (scene.top - scene.bottom)[fp.indices] <= SLAB
    big = slab & (area > ROOM_SIZED * abs(_polygon_area(fp.room)))
    if not big.any():
        return fp, []
    keep = ~big
    return (Footprints(fp.indices[keep], fp.centers[keep], fp.axes[keep], fp.half[keep],
                       fp.room, fp.floor_z, fp.walls),
            [scene.ids[i] for i in fp.indices[big]])


def _polygon_area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _free_grid(fp: Footprints, clearance: float):
    """Free cell centres of the largest 8-connected part and their graph, or None."""
    lo, hi = fp.room.min(axis=0), fp.room.max(axis=0)
    shape = np.maximum(np.ceil((hi - lo) / CELL).astype(int), 1)
    if shape.prod() > MAX_CELLS:
        raise SceneError([f"room too large to walk: {hi[0] - lo[0]:.0f} m x "
                          f"{hi[1] - lo[1]:.0f} m at {CELL:g} m cells"], "walk")
    xs = lo[0] + (np.arange(shape[0]) + 0.5) * CELL
    ys = lo[1] + (np.arange(shape[1]) + 0.5) * CELL
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    pts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    free = (fp.clearance_at(pts) >= clearance).reshape(shape)
    labels, count = ndimage.label(free, structure=np.ones((3, 3), dtype=bool))
    if count == 0:
        return None
    sizes = np.bincount(labels.ravel())[1:]
    keep = labels == (int(np.argmax(sizes)) + 1)
    ij = np.argwhere(keep)  # row-major order: deterministic
    cells = np.stack([xs[ij[:, 0]], ys[ij[:, 1]]], axis=1)
    number = -np.ones(shape, dtype=np.int64)
    number[ij[:, 0], ij[:, 1]] = np.arange(len(ij))
    rows, cols, weights = [], [], []
    for di, dj in ((1, 0), (0, 1), (1, 1), (1, -1)):
        ni, nj = ij[:, 0] + di, ij[:, 1] + dj
        ok = (ni >= 0) & (ni < shape[0]) & (nj >= 0) & (nj < shape[1])
        src = np.flatnonzero(ok)
        dst = number[ni[ok], nj[ok]]
        has = dst >= 0
        rows.append(src[has])
        cols.append(dst[has])
        weights.append(np.full(has.sum(), CELL * math.hypot(di, dj)))
    r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
    graph = coo_matrix((np.concatenate([w, w]), (np.concatenate([r, c]), np.concatenate([c, r]))),
                       shape=(len(ij), len(ij))).tocsr()
    return cells, graph


def _targets(cells: np.ndarray, rng: np.random.Generator) -> list[int]:
    """One cell index per angular sector around the centroid, in angular order."""
    g = cells.mean(axis=0)
    rel = cells - g
    radius = np.hypot(rel[:, 0], rel[:, 1])
    offset = rng.uniform(0, 2 * math.pi / SECTORS)
    angle = np.mod(np.arctan2(rel[:, 1], rel[:, 0]) - offset, 2 * math.pi)
    sector = np.minimum((angle / (2 * math.pi / SECTORS)).astype(int), SECTORS - 1)
    targets = []
    for s in range(SECTORS):
        members = np.flatnonzero(sector == s)
        if len(members) < 2:
            continue
        r = radius[members]
        lo, hi = np.quantile(r, 0.6), np.quantile(r, 0.9)
        band = members[(r >= lo) & (r <= hi)]
        targets.append(int(band[rng.integers(len(band))]) if len(band) else int(members[0]))
    return list(dict.fromkeys(targets))


def _grid_loop(cells: np.ndarray, graph, targets: list[int]) -> list[np.ndarray]:
    """The legs (grid polylines) of the shortest closed tour through the targets.

    The tour order is the exact shortest one over grid path lengths (at most
    ``SECTORS`` targets: all orders are tried, the first target fixed).
    """
    if len(targets) < 2:
        best = int(targets[0]) if targets else 0
        return [cells[[best, best]]]
    dist, pred = dijkstra(graph, indices=targets, return_predecessors=True)
    d = dist[:, targets]
    n = len(targets)
    tours = np.array([(0, *rest) for rest in itertools.permutations(range(1, n))
                      if n <= 2 or rest[0] < rest[-1]])  # each tour once, not also reversed
    lengths = d[tours, np.roll(tours, -1, axis=1)].sum(axis=1)
    best_order = tours[int(np.argmin(np.round(lengths, 9)))].tolist()
    legs = []
    for i in range(n):
        a, b = best_order[i], best_order[(i + 1) % n]
        leg = []
        node = targets[b]
        while node != targets[a] and node >= 0:
            leg.append(int(node))
            node = pred[a, node]
        leg.append(targets[a])
        legs.append(cells[leg[::-1]])
    return legs


def _segment_clear(fp: Footprints, a: np.ndarray, b: np.ndarray, clearance: float) -> bool:
    n = max(2, int(math.ceil(float(np.hypot(*(b - a))) / CHECK_STEP)) + 1)
    t = np.linspace(0.0, 1.0, n)[:, None]
    return bool((fp.clearance_at(a + t * (b - a)) >= clearance - 1e-9).all())


def _corners(path: np.ndarray) -> np.ndarray:
    """The path's vertices where the grid step changes (straight runs merged)."""
    step = np.round(np.diff(path, axis=0) / CELL).astype(int)
    change = np.flatnonzero(np.any(step[1:] != step[:-1], axis=1)) + 1
    return path[np.r_[0, change, len(path) - 1]]


def _shortcut(legs: list[np.ndarray], fp: Footprints, clearance: float) -> np.ndarray:
    """Closed polyline through the legs, each shortened by greedy string pulling.

    From each kept vertex go as far along the leg as a clear straight segment
    allows. The targets (leg ends) are kept, so no part of the tour is skipped.
    """
    out = [legs[0][0]]
    for leg in legs:
        leg = _corners(leg) if len(leg) > 2 else leg
        i = 0
        while i < len(leg) - 1:
            j = i + 1
            while j + 1 < len(leg) and _segment_clear(fp, leg[i], leg[j + 1], clearance):
                j += 1
            out.append(leg[j])
            i = j
    pts = [out[0]]
    for p in out[1:]:  # drop repeats and exactly collinear middle points
        if np.hypot(*(p - pts[-1])) < 1e-9:
            continue
        if len(pts) >= 2:
            a, b = pts[-2], pts[-1]
            cross = (b[0] - a[0]) * (p[1] - b[1]) - (b[1] - a[1]) * (p[0] - b[0])
            if abs(cross) < 1e-12 and np.dot(b - a, p - b) > 0:
                pts[-1] = p
                continue
        pts.append(p)
    if len(pts) == 1:
        pts.append(pts[0])
    return np.array(pts)


def _sample_along(waypoints: np.ndarray, n: int, rng: np.random.Generator):
    """N poses equally spaced in effort (metres walked + turning cost)."""
    seg = np.diff(waypoints, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    moving = lengths > 1e-9
    if not moving.any():  # nowhere to walk: one full turn in place
        start = rng.uniform(-180.0, 180.0)
        yaw = start + 360.0 * np.arange(n) / n
        return np.repeat(waypoints[:1], n, axis=0), _wrap(yaw)
    waypoints, seg, lengths = waypoints[np.r_[True, moving]], seg[moving], lengths[moving]
    heading = np.degrees(np.arctan2(seg[:, 1], seg[:, 0]))
    turns = _wrap(np.roll(heading, -1) - heading)  # turn after segment i to segment i+1
    # pieces: move i (cost lengths[i]) then turn i (cost |turns[i]| * k), for each i
    costs = np.empty(2 * len(lengths))
    costs[0::2] = lengths
    costs[1::2] = np.abs(turns) * TURN_METRES_PER_DEGREE
    ends = np.cumsum(costs)
    total = ends[-1]
    s = total * np.arange(n) / n
    piece = np.minimum(np.searchsorted(ends, s, side="right"), len(costs) - 1)
    starts = ends - costs
    cost = costs[piece]
    frac = np.clip((s - starts[piece]) / np.where(cost > 0, cost, 1.0), 0.0, 1.0)
    i = piece // 2
    is_turn = (piece % 2) == 1
    pos = np.where(is_turn[:, None], waypoints[i + 1],
                   waypoints[i] + frac[:, None] * seg[i])
    yaw = np.where(is_turn, heading[i] + frac * turns[i], heading[i])
    return pos, _wrap(yaw)


def _wrap(deg) -> np.ndarray:
    y = np.fmod(np.asarray(deg, dtype=np.float64), 360.0)
    y = np.where(y > 180.0, y - 360.0, y)
    return np.where(y <= -180.0, y + 360.0, y)


# --------------------------------------------------------------------------- frames


def camera_matrix(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """Columns: OpenCV camera axes (x right, y down, z forward) for a heading and a pitch.

    ``yaw_deg`` is the heading CCW from +x seen from above; ``pitch_deg``
    positive looks down.
    """
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    forward = np.array([math.cos(p) * math.cos(y), math.cos(p) * math.sin(y), -math.sin(p)])
    right = np.array([math.sin(y), -math.cos(y), 0.0])
    down = np.cross(forward, right)
    return np.stack([right, down, forward], axis=1)


def walk_frames(scene: Scene, options: WalkOptions) -> tuple[list[dict], Poses]:
    """Frame dicts (camera, time, visible) of a walk through the scene."""
    poses = plan_poses(scene, options)
    n = len(poses.position)
    R = np.stack([camera_matrix(y, options.pitch_deg) for y in poses.yaw_deg])
    f = (options.width / 2) / math.tan(math.radians(options.hfov_deg) / 2)
    cams = Cameras(poses.position, R, np.full(n, float(options.width)),
                   np.full(n, float(options.height)), np.full(n, f), np.full(n, f),
                   np.full(n, options.width / 2), np.full(n, options.height / 2))
    vis = visible_fractions(scene, cams, sample_objects(scene, seed=options.seed))
    frames = []
    for k in range(n):
        seen = np.flatnonzero(vis[k] > 0)
        frames.append({
            "index": k, "time": float(k),
            "camera": {"position": poses.position[k].tolist(),
                       "rotation": matrix_to_quat(R[k]).tolist(),
                       "width": int(options.width), "height": int(options.height),
                       "hfov_deg": float(options.hfov_deg)},
            "visible": {scene.ids[j]: float(vis[k, j]) for j in seen},
        })
    return frames, poses


def walk_scene_doc(scene: Scene, options: WalkOptions) -> dict:
    """The scene as a document whose frames are a planned walk (existing frames replaced)."""
    frames, poses = walk_frames(scene, options)
    doc = dump_scene(scene)
    doc["format"] = FORMAT
    source = dict(doc.get("source") or {})
    source["walk"] = {"frames": options.frames, "seed": options.seed,
                      "eye_height": options.eye_height, "pitch_deg": options.pitch_deg,
                      "clearance": poses.clearance, "fps": 1.0,
                      "replaced_frames": scene.frames.count}
    if poses.notes:
        source["walk"]["notes"] = poses.notes
    if poses.walked_over:
        source["walk"]["walked_over"] = poses.walked_over
    doc["source"] = source
    doc["frames"] = frames
    return doc


def walk_scene(scene: Scene, options: WalkOptions | None = None) -> Scene:
    doc = walk_scene_doc(scene, options or WalkOptions())
    return scene_from_dict(doc, origin=f"{scene.id} (walk)")
