"""Room inference for the built-in AI2-THOR scenes: a floor polygon and walls (scenes.md v0.2).

The recorded iTHOR/RoboTHOR metadata has objects and no walls, and the
``Floor`` object's box is no guide to them: it reaches past the walls (3.4 m
in FloorPlan311) or stops short of them (0.4 m in FloorPlan30). So the room
is inferred from what the objects say, deterministically, in the scene's own
x-y axes (every AI2-THOR wall is axis-aligned). An iTHOR scene is one room:

1. **Footprints.** Each object's footprint is the x-y bounding rectangle of
   its box corners. The ``Floor`` is left out. An object more than ``STRAY``
   (0.5 m) outside the floor box is *stray* (FloorPlan410 has a faucet at
   the world origin, 1.15 m outside its bathroom): it is left out and
   reported.
2. **Pins.** Wall-mounted objects pin walls (``wall_mounted``): windows,
   paintings, posters, mirrors, light switches, towel holders, hand-towel
   holders, toilet-paper hangers, curtains, blinds, and televisions at most
   0.2 m deep resting on nothing (hung, not on a stand or a dresser). A
   pin must be axis-aligned (yaw within 5 degrees of a multiple of 90, and
   not an ``attributes.box == "aabb"`` box of a turned object) and at most
   0.6 m deep. Its wall runs along it, across its thin direction (or, for
   a squarish object, across the direction in which it is nearest a side
   of the objects' rectangle), at its *back face*, the face towards that
   nearer side. A window fills
   the wall's thickness and the room ends at its *inner* face (where the
   counters under FloorPlan1's window end). Wall cabinets and shelves are
   not pins: their boxes are not flush with the wall (FloorPlan24's hang
   0.3 m in front of the wall its fridge and counter touch), so they bound
   the room like furniture.
3. **Rectangle.** Each side starts at the outermost footprint on that side
   (furniture stands inside the room; windows count only along their wall).
   Pins whose wall lies within ``SIDE_TOL`` (0.3 m) inside that side, or
   beyond it, decide it: the side moves to the outermost such wall. Objects
   then left outside by more than ``PROTRUDE_TOL`` (0.15 m) are reported as
   *protruding*: fridges, counters, faucets and toilets whose boxes poke
   through the wall, windows by their thickness. A side without pins stays
   at the outermost footprint, or at the floor box if that is nearer (a
   counter top reaching 0.32 m past FloorPlan16's floor pokes through the
   wall): no evidence says the wall is further out.
4. **Cuts.** A pin whose wall lies more than ``SIDE_TOL`` inside the
   rectangle says the room ends there. Behind its back face (for a window,
   its outer face, so that a window set deeper into the same wall, as in
   FloorPlan218, is not cut away) a strip is cut out of the rectangle:
   across, from the wall to the rectangle's side; along the wall, from the
   pin both ways until a footprint reaching more than ``SIDE_TOL`` behind
   the wall stops it. The cut is kept only if it reaches a corner of the
   rectangle (the room is an L, a T, a staircase...). A pin cuts nothing,
   and is reported as an *unused pin*, when it hangs on an object (one
   right at its back reaching more than ``HANG_TOL``, 5 cm, past it, like a
   bed's headboard, or a shower's glass, door or curtain: a towel holder on
   the glass), when it stands in front of an object further behind (it is
   on a partition with more room behind: FloorPlan204's light switch and
   its dining room), or when objects stand behind it on both sides.
5. **Polygon.** Rectangle minus cuts is a rectilinear polygon, its vertices
   rounded to the millimetre; the cuts are corner rectangles, so it has no
   holes and is orthogonally convex. Its edges are the walls (``walls`` is
   left out of the scene file). Wall-mounted objects further than
   ``PROTRUDE_TOL`` from every wall (a free-standing mirror) are reported as
   *off the wall*. A degenerate rectangle (narrower than ``MIN_SIDE``, e.g. a
   scene of one window) falls back to the footprints' bounding rectangle.

RoboTHOR (``shell``) holds several rooms in one apartment. Its 75 scenes are
furniture and wall layouts inside one apartment shell: every RoboTHOR
painting on an outer wall hangs on one of four lines (x = 1.02, x = 9.77,
y = -4.89, y = -1.03, within 0.01 m, over all 75 scenes). So the polygon of
every RoboTHOR scene is that shell (``robothor_shell`` takes each side as the
median wall of the pins near it over all scenes), and the apartment's inner
walls are explicit ``walls`` segments besides the shell's four edges: each
interior pin's wall line (through its middle: a partition may carry pictures
on both faces; pins within ``INNER_MERGE`` of one line are one wall), from
the pin along its line up to ``INNER_REACH`` (1 m) each way, stopped by any
footprint standing across the line, and joined to the outer wall when it
ends within ``JOIN_GAP`` (0.5 m, too narrow for a doorway) of it. A
footprint across the line at the pin itself pokes through the wall (the
picture hangs on it): the wall keeps the pin's span but does not extend
past that footprint. Doorways are not in the metadata, so an inner wall is
only as long as the evidence for it: inference never closes a doorway, at
the price of inner walls that may be shorter than the real ones.

Everything is a pure function of the scene (and, for RoboTHOR, of the pins of
all RoboTHOR scenes), so inference is deterministic. ``RoomInference.report``
(kept in the scene's ``source.room``) lists what the polygon leaves out
(stray and protruding objects, with how far they stick out), the cuts, and
the pins it could not use, with why. A scene file's own ``room`` is never
replaced: inference runs only where built-in scenes are converted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .model import Scene, normalise_name

__all__ = ["RoomInference", "add_inferred_rooms", "infer_room", "inside_polygon", "pin_mask",
           "robothor_shell", "room_document", "segment_distance", "wall_mounted"]

STRAY = 0.5  # m outside the floor box: the object is not in the room at all
SIDE_TOL = 0.3  # m: a pin this close to a side decides it; a cut must be deeper
PROTRUDE_TOL = 0.15  # m: objects further outside the polygon are reported as protruding
FLAT_TV = 0.2  # m: a television at most this deep, resting on nothing, hangs on the wall
REST_TOL = 0.05  # m between a top and a bottom: one object rests on the other
MAX_PIN_DEPTH = 0.6  # m across the wall
AXIS_TOL_DEG = 5.0
INNER_REACH = 1.0  # m an inner wall extends beyond its pins (RoboTHOR)
JOIN_GAP = 0.5  # m: an inner wall this close to the outer wall is joined to it
CROSS_TOL = 0.05  # m: a footprint crossing a wall line by more than this stops the wall
HANG_TOL = 0.05  # m: an object this far behind a pin's wall is what the pin hangs on
ELONGATED = 2.0  # a pin this many times longer than deep is thin across its wall
INNER_MERGE = 0.15  # m: pins of one inner wall (pictures on both faces of a partition)
MIN_SIDE = 0.1  # m: a room narrower than this is degenerate
EPS = 1e-9

ALWAYS_PINS = {normalise_name(c) for c in (
    "Window", "Painting", "Poster", "Mirror", "LightSwitch", "TowelHolder", "HandTowelHolder",
    "ToiletPaperHanger", "Curtains", "Blinds")}
PARTITIONS = {normalise_name(c) for c in ("ShowerGlass", "ShowerDoor", "ShowerCurtain")}
TELEVISION = normalise_name("Television")
WINDOW = normalise_name("Window")
FLOOR = normalise_name("Floor")


@dataclass(frozen=True)
class Pin:
    """A wall-mounted object and the wall line it pins."""
    index: int
    axis: int  # 0: the wall is x = const (the object is thin in x); 1: y = const
    back_high: bool  # the wall is on the object's high-coordinate side
    wall: float  # the wall's coordinate on ``axis`` (a window's inner face)
    span: tuple[float, float]  # the object's extent along the wall
    back: float  # the back face's coordinate (a window's outer face; else ``wall``)


@dataclass
class RoomInference:
    floor: list[list[float]]  # counter-clockwise rectilinear polygon
    walls: list[list[float]] | None  # None: the polygon's edges are the walls
    height: float
    report: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- evidence


def footprints(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """(N, 2) low and high x-y corners of every object's footprint rectangle."""
    xy = scene.corners[:, :, :2]
    return xy.min(axis=1), xy.max(axis=1)


def _floor_mask(scene: Scene) -> np.ndarray:
    return np.array([normalise_name(c) == FLOOR for c in scene.categories], dtype=bool)


def wall_mounted(scene: Scene) -> np.ndarray:
    """(N,) bool: objects of a kind that hangs on a wall (step 2 of the module docstring)."""
    lo, hi = footprints(scene)
    ext = hi - lo
    depth = ext.min(axis=1)
    out = np.zeros(scene.n, dtype=bool)
    for i, category in enumerate(scene.categories):
        key = normalise_name(category)
        if key in ALWAYS_PINS:
            out[i] = True
        elif key == TELEVISION:
            out[i] = depth[i] <= FLAT_TV and not _stands_on_something(scene, lo, hi, i)
    return out


def _stands_on_something(scene: Scene, lo, hi, i: int) -> bool:
    """Whether object i's bottom rests on another object's top (a television on a dresser)."""
    under = (np.abs(scene.top - scene.bottom[i]) <= REST_TOL) & np.all(
        (lo < hi[i]) & (hi > lo[i]), axis=1)
    under[i] = False
    return bool(under.any())


def pin_mask(scene: Scene) -> np.ndarray:
    """(N,) bool: wall-mounted objects that can pin a wall (axis-aligned and thin).

    An object whose box is only the axis-aligned box of a turned object
    (``attributes.box == "aabb"``, scenes.md v0.2) does not show its wall's direction.
    """
    lo, hi = footprints(scene)
    ext = hi - lo
    off_axis = np.abs(((scene.yaw + 45.0) % 90.0) - 45.0)
    turned = np.array([a.get("box") == "aabb" for a in scene.attributes], dtype=bool)
    return (wall_mounted(scene) & ~turned & (off_axis <= AXIS_TOL_DEG)
            & (ext.min(axis=1) <= MAX_PIN_DEPTH))


def _across_axis(ext: np.ndarray, gaps: np.ndarray) -> int:
    """The axis across a pin's wall: its thin direction, if clearly thinner (a painting);
    else (a square cabinet) the direction in which it is nearest a side of the rectangle."""
    if ext.max() >= ELONGATED * ext.min():
        return int(np.argmin(ext))
    return int(np.argmin(gaps.min(axis=1)))


def _pins(scene: Scene, lo, hi, rect_lo, rect_hi, use) -> list[Pin]:
    pins = []
    windows = {i for i, c in enumerate(scene.categories) if normalise_name(c) == WINDOW}
    for i in np.flatnonzero(pin_mask(scene) & use):
        gaps = np.array([[lo[i, 0] - rect_lo[0], rect_hi[0] - hi[i, 0]],
                         [lo[i, 1] - rect_lo[1], rect_hi[1] - hi[i, 1]]])
        axis = _across_axis(hi[i] - lo[i], gaps)
        other = 1 - axis
        back_high = bool(gaps[axis, 1] < gaps[axis, 0])
        back = float(hi[i, axis] if back_high else lo[i, axis])
        # A window fills the wall's thickness: the room ends at its inner face.
        wall = float(lo[i, axis] if back_high else hi[i, axis]) if i in windows else back
        pins.append(Pin(int(i), axis, bool(back_high), wall,
                        (float(lo[i, other]), float(hi[i, other])), back))
    return pins


# --------------------------------------------------------------------------- inference


def infer_room(scene: Scene, shell: tuple[np.ndarray, np.ndarray] | None = None) -> RoomInference:
    """The room of a built-in scene (see the module docstring); ``shell`` for RoboTHOR."""
    lo, hi = footprints(scene)
    floors = _floor_mask(scene)
    use = ~floors & ~_stray(lo, hi, floors)
    if not use.any():  # nothing but a floor: the floor is all there is to go by
        use = np.ones(scene.n, dtype=bool)
    if shell is None:
        floor, walls, cuts, unused = _infer_single_room(scene, lo, hi, use, floors)
    else:
        floor, walls, unused = _infer_apartment(scene, lo, hi, use, shell)
        cuts = []
    floor = [[_mm(x), _mm(y)] for x, y in floor]
    walls = None if walls is None else [[_mm(v) for v in w] for w in walls]
    report = _report(scene, lo, hi, use, floors, floor, walls, unused, cuts, shell is not None)
    # The height stays what a scene without a room gets (the largest top), so no answer
    # about room.height changes.
    return RoomInference(floor, walls, float(scene.top.max()), report)


def _infer_single_room(scene: Scene, lo, hi, use, floors):
    """iTHOR: the pinned rectangle minus the cuts behind interior pins; walls = its edges."""
    rect_lo, rect_hi = _object_rectangle(lo, hi, use, scene)
    pins = _pins(scene, lo, hi, rect_lo, rect_hi, use)
    rect_lo, rect_hi = _pinned_sides(pins, rect_lo, rect_hi, _floor_box(lo, hi, floors))
    if (rect_hi - rect_lo < MIN_SIDE).any():  # degenerate (a lone picture): its footprints
        mid, half = (lo[use].min(axis=0) + hi[use].max(axis=0)) / 2, (
            np.maximum(hi[use].max(axis=0) - lo[use].min(axis=0), MIN_SIDE) / 2)
        return _rectangle(mid - half, mid + half), None, [], {}
    partition = np.array([normalise_name(c) in PARTITIONS for c in scene.categories])
    cuts, unused = _notches(pins, lo, hi, use, partition, rect_lo, rect_hi)
    return _polygon(rect_lo, rect_hi, cuts), None, cuts, unused


def _infer_apartment(scene: Scene, lo, hi, use, shell):
    """RoboTHOR: the shared shell, its edges and the inner walls behind interior pins."""
    rect_lo, rect_hi = (np.asarray(v, dtype=float) for v in shell)
    pins = _pins(scene, lo, hi, rect_lo, rect_hi, use)
    floor = _rectangle(rect_lo, rect_hi)
    inner = _inner_walls(pins, lo, hi, use, rect_lo, rect_hi)
    return floor, _edges(floor) + inner, {}


def _mm(value: float) -> float:
    """Rounded to the millimetre: the evidence is no finer, and scene files stay readable."""
    return round(float(value), 3) + 0.0


def _stray(lo, hi, floors) -> np.ndarray:
    if not floors.any():
        return np.zeros(len(lo), dtype=bool)
    f_lo, f_hi = lo[floors].min(axis=0), hi[floors].max(axis=0)
    outside = np.maximum(f_lo - lo, hi - f_hi).max(axis=1)
    return outside > STRAY


def _object_rectangle(lo, hi, use, scene: Scene):
    """Bounding rectangle of the footprints; a window counts only along its wall (it sits
    in the wall, so across the wall it may reach outside)."""
    window = np.array([normalise_name(c) == WINDOW for c in scene.categories]) & use
    inside = use & ~window if (use & ~window).any() else use
    r_lo, r_hi = lo[inside].min(axis=0).astype(float), hi[inside].max(axis=0).astype(float)
    for i in np.flatnonzero(window):
        along = int(np.argmax(hi[i] - lo[i]))
        r_lo[along] = min(r_lo[along], float(lo[i, along]))
        r_hi[along] = max(r_hi[along], float(hi[i, along]))
    return r_lo, r_hi


def _floor_box(lo, hi, floors):
    if not floors.any():
        return None
    return lo[floors].min(axis=0), hi[floors].max(axis=0)


def _pinned_sides(pins: list[Pin], rect_lo, rect_hi, floor_box=None):
    """Move each side to the outermost wall of the pins within SIDE_TOL of it or beyond it
    (a window with no furniture near it moves the side out). A side no pin decides ends
    at the floor box if that is nearer: what reaches past it pokes through the wall."""
    new_lo, new_hi = rect_lo.copy(), rect_hi.copy()
    if floor_box is not None:
        new_lo, new_hi = np.maximum(new_lo, floor_box[0]), np.minimum(new_hi, floor_box[1])
    for axis in (0, 1):
        highs = [p.wall for p in pins if p.axis == axis and p.back_high
                 and p.wall >= rect_hi[axis] - SIDE_TOL]
        lows = [p.wall for p in pins if p.axis == axis and not p.back_high
                and p.wall <= rect_lo[axis] + SIDE_TOL]
        if highs:
            new_hi[axis] = max(highs)
        if lows:
            new_lo[axis] = min(lows)
    return new_lo, new_hi


@dataclass(frozen=True)
class Cut:
    lo: tuple[float, float]
    hi: tuple[float, float]
    pin: int


def _notches(pins, lo, hi, use, partition, rect_lo, rect_hi) -> tuple[list[Cut], dict[int, str]]:
    cuts, unused = [], {}
    for p in pins:
        depth = (rect_hi[p.axis] - p.back) if p.back_high else (p.back - rect_lo[p.axis])
        if depth <= SIDE_TOL:
            continue  # on (or beyond) a side: it decided that side
        cut = _cut_behind(p, lo, hi, use, partition, rect_lo, rect_hi)
        if isinstance(cut, Cut):
            cuts.append(cut)
        else:
            unused[p.index] = cut
    return cuts, unused


def _cut_behind(p: Pin, lo, hi, use, partition, rect_lo, rect_hi) -> Cut | str:
    """The strip behind a pin's wall, along the wall until a footprint stops it; or why
    there is none (the pin hangs on an object, or objects stand behind it on both sides)."""
    a, b = p.axis, 1 - p.axis
    if p.back_high:
        beyond = hi[:, a] - p.back  # how far each footprint reaches behind the wall
        across = (p.back, float(rect_hi[a]))
    else:
        beyond = p.back - lo[:, a]
        across = (float(rect_lo[a]), p.back)
    s0, s1 = p.span
    others = use.copy()
    others[p.index] = False
    along = others & (lo[:, b] < s1 - EPS) & (hi[:, b] > s0 + EPS)
    behind = along & (beyond > HANG_TOL)
    gap = (lo[:, a] - p.back) if p.back_high else (p.back - hi[:, a])  # from its back face
    # It hangs on an object right behind it, or on a pane of glass at its back.
    hangs = (behind & (gap <= HANG_TOL)) | (along & partition & (beyond > -HANG_TOL)
                                             & (gap <= HANG_TOL))
    if hangs.any():
        return f"hangs on {int(np.flatnonzero(hangs)[0])}"
    if behind.any():  # on a partition with more room behind it (FloorPlan204's dining room)
        return f"stands in front of {int(np.flatnonzero(behind)[0])}"
    blockers = others & (beyond > SIDE_TOL)
    b_lo, b_hi = lo[blockers, b], hi[blockers, b]
    below = b_hi[b_hi <= s0 + EPS]
    above = b_lo[b_lo >= s1 - EPS]
    t0 = float(below.max()) if len(below) else float(rect_lo[b])
    t1 = float(above.min()) if len(above) else float(rect_hi[b])
    if t0 > rect_lo[b] + EPS and t1 < rect_hi[b] - EPS:
        return "objects stand behind it on both sides"  # a partition or a pillar
    c_lo, c_hi = [0.0, 0.0], [0.0, 0.0]
    c_lo[a], c_hi[a] = across
    c_lo[b], c_hi[b] = max(t0, float(rect_lo[b])), min(t1, float(rect_hi[b]))
    return Cut(tuple(c_lo), tuple(c_hi), p.index)


# --------------------------------------------------------------------------- polygon


def _rectangle(lo, hi) -> list[tuple[float, float]]:
    return [(lo[0], lo[1]), (hi[0], lo[1]), (hi[0], hi[1]), (lo[0], hi[1])]


def _edges(poly) -> list[list[float]]:
    return [[float(poly[k][0]), float(poly[k][1]),
             float(poly[(k + 1) % len(poly)][0]), float(poly[(k + 1) % len(poly)][1])]
            for k in range(len(poly))]


def _polygon(rect_lo, rect_hi, cuts: list[Cut]) -> list[tuple[float, float]]:
    """Counter-clockwise outline of the rectangle minus the cuts (coordinate compression)."""
    xs = sorted({float(rect_lo[0]), float(rect_hi[0])}
                | {v for c in cuts for v in (c.lo[0], c.hi[0])})
    ys = sorted({float(rect_lo[1]), float(rect_hi[1])}
                | {v for c in cuts for v in (c.lo[1], c.hi[1])})
    xs = [x for x in xs if rect_lo[0] - EPS <= x <= rect_hi[0] + EPS]
    ys = [y for y in ys if rect_lo[1] - EPS <= y <= rect_hi[1] + EPS]
    inside = np.ones((len(xs) - 1, len(ys) - 1), dtype=bool)
    mx = (np.array(xs[:-1]) + np.array(xs[1:])) / 2
    my = (np.array(ys[:-1]) + np.array(ys[1:])) / 2
    for c in cuts:
        inside &= ~(((mx > c.lo[0]) & (mx < c.hi[0]))[:, None]
                    & ((my > c.lo[1]) & (my < c.hi[1]))[None, :])
    inside = _largest_part(inside)
    return _trace(inside, xs, ys)


def _largest_part(inside: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    labels, count = ndimage.label(inside)
    if count <= 1:
        return inside
    sizes = np.bincount(labels.ravel())[1:]
    return labels == int(np.argmax(sizes)) + 1


def _trace(inside: np.ndarray, xs, ys) -> list[tuple[float, float]]:
    """Boundary of the cells marked inside, as one counter-clockwise loop of corners."""
    nx, ny = inside.shape
    cell = np.zeros((nx + 2, ny + 2), dtype=bool)
    cell[1:-1, 1:-1] = inside
    nxt: dict[tuple[int, int], tuple[int, int]] = {}
    # Directed edges with the inside on the left (counter-clockwise), in grid-vertex indices.
    for i in range(nx):
        for j in range(ny):
            if not inside[i, j]:
                continue
            if not cell[i + 1, j]:  # bottom neighbour (y below) is outside: edge goes +x
                nxt[(i, j)] = (i + 1, j)
            if not cell[i + 2, j + 1]:  # right neighbour outside: edge goes +y
                nxt[(i + 1, j)] = (i + 1, j + 1)
            if not cell[i + 1, j + 2]:  # top neighbour outside: edge goes -x
                nxt[(i + 1, j + 1)] = (i, j + 1)
            if not cell[i, j + 1]:  # left neighbour outside: edge goes -y
                nxt[(i, j + 1)] = (i, j)
    start = min(nxt)
    loop = [start]
    while True:
        v = nxt[loop[-1]]
        if v == start:
            break
        loop.append(v)
    corners = [v for k, v in enumerate(loop) if _turns(loop[k - 1], v, loop[(k + 1) % len(loop)])]
    return [(xs[i], ys[j]) for i, j in corners]


def _turns(a, b, c) -> bool:
    return (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) != 0


# --------------------------------------------------------------------------- RoboTHOR


def robothor_shell(scenes: list[Scene]) -> tuple[np.ndarray, np.ndarray]:
    """The apartment shell shared by the RoboTHOR scenes, from their pins.

    Each side is the median wall coordinate of the pins within SIDE_TOL of the
    union of all footprint rectangles on that side (the outer walls).
    """
    lows, highs = [], []
    for scene in scenes:
        lo, hi = footprints(scene)
        lows.append(lo.min(axis=0))
        highs.append(hi.max(axis=0))
    u_lo, u_hi = np.median(lows, axis=0), np.median(highs, axis=0)
    walls = {(a, side): [] for a in (0, 1) for side in (False, True)}
    for scene in scenes:
        lo, hi = footprints(scene)
        use = np.ones(scene.n, dtype=bool)
        for p in _pins(scene, lo, hi, u_lo, u_hi, use):
            edge = u_hi[p.axis] if p.back_high else u_lo[p.axis]
            if abs(p.wall - edge) <= SIDE_TOL:
                walls[(p.axis, p.back_high)].append(p.wall)
    shell_lo, shell_hi = u_lo.astype(float).copy(), u_hi.astype(float).copy()
    for (a, high), values in walls.items():
        if values:
            (shell_hi if high else shell_lo)[a] = float(np.median(values))
    return shell_lo, shell_hi


def _inner_walls(pins, lo, hi, use, rect_lo, rect_hi) -> list[list[float]]:
    segments = []
    for p in pins:
        edge = rect_hi[p.axis] if p.back_high else rect_lo[p.axis]
        if abs(p.wall - edge) <= SIDE_TOL:
            continue  # on the outer wall
        line = (lo[p.index, p.axis] + hi[p.index, p.axis]) / 2
        segments.append(_inner_segment(p, line, lo, hi, use, rect_lo, rect_hi))
    return _merge_segments(segments)


def _inner_segment(p: Pin, line: float, lo, hi, use, rect_lo, rect_hi):
    """(axis, line, t0, t1): the pin's span, extended along the line up to INNER_REACH until
    a footprint standing across the line stops it, and joined to the outer wall nearby.

    A footprint across the line within the pin's own span pokes through the wall (the
    wall is there: the picture hangs on it); it only keeps the wall from extending.
    """
    a, b = p.axis, 1 - p.axis
    crossing = use & (lo[:, a] < line - CROSS_TOL) & (hi[:, a] > line + CROSS_TOL)
    crossing[p.index] = False
    c_lo, c_hi = lo[crossing, b], hi[crossing, b]
    s0, s1 = p.span
    through = (c_lo < s1 - EPS) & (c_hi > s0 + EPS)
    below = c_hi[~through & (c_hi <= s0 + EPS)]
    above = c_lo[~through & (c_lo >= s1 - EPS)]
    t0 = s0 if (c_lo[through] < s0).any() else max(
        s0 - INNER_REACH, float(below.max()) if len(below) else -math.inf)
    t1 = s1 if (c_hi[through] > s1).any() else min(
        s1 + INNER_REACH, float(above.min()) if len(above) else math.inf)
    t0, t1 = max(t0, float(rect_lo[b])), min(t1, float(rect_hi[b]))
    if t0 - rect_lo[b] < JOIN_GAP and not (c_hi[c_hi <= t0 + EPS] > rect_lo[b]).any():
        t0 = float(rect_lo[b])
    if rect_hi[b] - t1 < JOIN_GAP and not (c_lo[c_lo >= t1 - EPS] < rect_hi[b]).any():
        t1 = float(rect_hi[b])
    return (a, float(line), t0, t1)


def _merge_segments(segments) -> list[list[float]]:
    """Overlapping segments within INNER_MERGE of one line become one, on their mean line."""
    groups: list[list[tuple]] = []
    for seg in sorted(segments):
        g = next((g for g in groups if g[0][0] == seg[0] and abs(g[0][1] - seg[1]) <= INNER_MERGE
                  and seg[2] <= max(s[3] for s in g) and seg[3] >= min(s[2] for s in g)), None)
        if g is None:
            groups.append([seg])
        else:
            g.append(seg)
    out = [(g[0][0], float(np.mean([s[1] for s in g])), min(s[2] for s in g),
            max(s[3] for s in g)) for g in groups]
    return [[line, t0, line, t1] if a == 0 else [t0, line, t1, line] for a, line, t0, t1 in out]


# --------------------------------------------------------------------------- report


def _report(scene, lo, hi, use, floors, floor, walls, unused, cuts, robothor) -> dict:
    poly = np.asarray(floor, dtype=float)
    report: dict = {"method": "robothor-shell" if robothor else "pins-and-footprints"}
    stray = [scene.ids[i] for i in np.flatnonzero(~floors & ~use)]
    if stray:
        report["stray"] = stray
    outside = _outside_distance(poly, lo, hi)
    protruding = {scene.ids[i]: round(float(outside[i]), 3)
                  for i in np.flatnonzero(use & (outside > PROTRUDE_TOL))}
    if protruding:
        report["protruding"] = protruding
    if cuts:
        report["cuts"] = [{"pin": scene.ids[c.pin], "lo": [_mm(v) for v in c.lo],
                           "hi": [_mm(v) for v in c.hi]} for c in cuts]
    if unused:
        report["unused_pins"] = {scene.ids[i]: _named(scene, why)
                                 for i, why in sorted(unused.items())}
    off = _off_wall(scene, lo, hi, use, walls if walls is not None else _edges(floor), unused)
    if off:
        report["off_wall"] = off
    return report


def _named(scene: Scene, why: str) -> str:
    """"hangs on 12" -> "hangs on <the id of object 12>" (same for "stands in front of")."""
    head, _, index = why.rpartition(" ")
    return f"{head} {scene.ids[int(index)]}" if index.isdigit() else why


def _off_wall(scene: Scene, lo, hi, use, walls, unused) -> dict[str, float]:
    """Wall-mounted objects further than PROTRUDE_TOL from every wall (and not already
    reported as unused pins), with that distance."""
    out = {}
    for i in np.flatnonzero(wall_mounted(scene) & use):
        if i in unused:
            continue
        d = float(segment_distance(_rectangle_outline(lo[i], hi[i]), walls).min())
        if d > PROTRUDE_TOL:
            out[scene.ids[i]] = _mm(d)
    return out


def _rectangle_outline(lo, hi, step: float = 0.05) -> np.ndarray:
    """Points along a rectangle's outline, at most ``step`` apart, corners included.

    Enough for distances: a rectangle meets a rectilinear polygon without holes
    or its walls first and leaves it furthest on its outline.
    """
    k = np.maximum(np.ceil((hi - lo) / step).astype(int) + 1, 2)
    xs, ys = np.linspace(lo[0], hi[0], k[0]), np.linspace(lo[1], hi[1], k[1])
    return np.concatenate([np.stack([xs, np.full_like(xs, lo[1])], axis=1),
                           np.stack([xs, np.full_like(xs, hi[1])], axis=1),
                           np.stack([np.full_like(ys, lo[0]), ys], axis=1),
                           np.stack([np.full_like(ys, hi[0]), ys], axis=1)])


def _outside_distance(poly: np.ndarray, lo, hi) -> np.ndarray:
    """(N,) how far each footprint rectangle reaches outside the polygon (0 if inside).

    Sampled every 5 cm along each rectangle's outline (exact at its corners),
    only for rectangles that may leave the polygon.
    """
    edges = _edges(poly)
    out = np.zeros(len(lo))
    corners = np.stack([lo, np.stack([hi[:, 0], lo[:, 1]], axis=1), hi,
                        np.stack([lo[:, 0], hi[:, 1]], axis=1)], axis=1)
    corners_in = inside_polygon(corners.reshape(-1, 2), poly).reshape(-1, 4).all(axis=1)
    # A rectangle with its corners inside a polygon is inside unless a polygon corner
    # pokes into it (then the polygon's boundary crosses it): only those are sampled.
    pokes = ((poly[None, :, 0] > lo[:, None, 0] + EPS) & (poly[None, :, 0] < hi[:, None, 0] - EPS)
             & (poly[None, :, 1] > lo[:, None, 1] + EPS)
             & (poly[None, :, 1] < hi[:, None, 1] - EPS)).any(axis=1)
    for i in np.flatnonzero(~corners_in | pokes):
        pts = _rectangle_outline(lo[i], hi[i])
        d = np.where(inside_polygon(pts, poly), 0.0, segment_distance(pts, edges))
        out[i] = d.max()
    return out


# --------------------------------------------------------------------------- geometry


def inside_polygon(points, polygon) -> np.ndarray:
    """(M,) bool, even-odd rule: which 2-D points lie inside the polygon (V, 2)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    a = np.asarray(polygon, dtype=np.float64)
    b = np.roll(a, -1, axis=0)
    x, y = p[:, None, 0], p[:, None, 1]
    straddle = (a[None, :, 1] > y) != (b[None, :, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (y - a[None, :, 1]) / (b[None, :, 1] - a[None, :, 1])
    cross_x = a[None, :, 0] + t * (b[None, :, 0] - a[None, :, 0])
    return ((straddle & (x < cross_x)).sum(axis=1) % 2) == 1


def segment_distance(points, segments) -> np.ndarray:
    """(M,) distance from each 2-D point to the nearest of the segments [x1, y1, x2, y2]."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    s = np.asarray(segments, dtype=np.float64).reshape(-1, 4)
    if not len(s):
        return np.full(len(p), np.inf)
    a, e = s[:, :2], s[:, 2:] - s[:, :2]
    len2 = np.maximum((e * e).sum(axis=1), 1e-300)
    w = p[:, None, :] - a[None]
    t = np.clip((w * e[None]).sum(axis=2) / len2[None], 0.0, 1.0)
    closest = a[None] + t[..., None] * e[None]
    return np.sqrt(((p[:, None, :] - closest) ** 2).sum(axis=2)).min(axis=1)


def room_document(inference: RoomInference) -> dict:
    """The ``room`` entry of a scene file."""
    room: dict = {"floor": inference.floor, "height": inference.height}
    if inference.walls is not None:
        room["walls"] = inference.walls
    return room


def add_inferred_rooms(docs: dict[str, dict]) -> None:
    """Give every built-in scene document (``ithor:...`` / ``robothor:...`` -> document) its
    inferred ``room``, and its ``source.room`` report. The documents are changed in place."""
    from .format import scene_from_dict  # noqa: PLC0415 (format imports nothing from here)

    scenes = {ref: scene_from_dict(doc, origin=ref) for ref, doc in docs.items()}
    robothor = [ref for ref in scenes if ref.startswith("robothor:")]
    shell = robothor_shell([scenes[ref] for ref in robothor]) if robothor else None
    for ref, scene in scenes.items():
        inference = infer_room(scene, shell if ref in robothor else None)
        docs[ref]["room"] = room_document(inference)
        docs[ref].setdefault("source", {})["room"] = {"inferred": True, **inference.report}
