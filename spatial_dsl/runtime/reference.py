"""A deliberately naive, per-element reference interpreter (a test oracle only).

``run_reference(checked, scene)`` evaluates a checked program one element at
a time with plain Python values, and gives ``(value, None)`` or ``(None,
Rejection)`` exactly like ``Evaluator(checked, scene).run()``. It shares
nothing with the vectorized runtime except the checker's side tables and the
per-element geometry of ``refgeom.py``; the differential test
(tests/test_differential.py) requires both to agree on every program.

Values:

| type | value |
|---|---|
| Bool, Int, Number, quantities, Str | ``bool``, ``int``, ``float`` (or ``int``), ``str`` |
| Vec3 | ``tuple`` of 3 floats |
| Object | ``int``: the object's row (objects are sorted by id) |
| Objects | ``frozenset`` of object rows (iterated in sorted order = id order) |
| Frame | ``int``: the frame's row (frames are sorted by index) |
| List[T] | ``list`` |
| Room | ``ROOM`` |

The natural per-element semantics: a lambda over a set runs member by member
in id order and the first rejection stops everything; `and`/`or`
short-circuit; `if` evaluates one branch; any/all stop at the first decisive
member. A rejection is an exception (``RefRejection``) raised at once, with
the span of the node where it arises (the call, index, binop or assert).

Decisions taken from the vectorized runtime where language.md is silent:
argmin/argmax report `Borderline` only when the *extreme* key is shared;
min/max/sum/mean/sort of an empty set are `EmptySet`; `first`/`last`/index out
of range are `EmptySet`; `between` with ends closer than 1 mm is
`Degenerate`; `appearance_order` checks `NotSeen` (first unseen member) before
`Borderline`; `travel`/`route` walk backwards when `f2` comes before `f1`;
arguments are evaluated in declared parameter order (defaults filled in).

Numpy is used only to read the scene's arrays once (``.tolist()``), and in
``plain_runtime`` to read the vectorized runtime's values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.tolerances import (
    CLEAR_FRACTION, CLEAR_PIXELS, SCREEN_NEAR, SUPPORT_MIN_RISE, SUPPORT_MIN_SHARE,
    SUPPORT_TOLERANCE, VISIBLE_FRACTION,
)
from spatial_dsl.lang.check.checker import Checked
from ..scenes.model import SUPPORT_FIXED, SUPPORT_IN, SUPPORT_NOT_RECORDED, SUPPORT_ON, Scene
from spatial_dsl.lang.source import Span
from . import refgeom as RG
from .kernels import ambiguous_message, looked_for, negative_message, no_match_message
from .values import Rejection
from spatial_dsl.errors import SpdslError

BETWEEN_DEGENERATE = 1e-3  # m: ends of `between` closer than this coincide


class RefRejection(SpdslError):
    def __init__(self, kind: str, message: str, span: Span):
        super().__init__(f"{kind}: {message}")
        self.rejection = Rejection(kind, message, span)


class _Room:
    def __repr__(self) -> str:
        return "ROOM"


ROOM = _Room()

_IDENTITY = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
_ZERO = (0.0, 0.0, 0.0)


# ------------------------------------------------------------------- the scene


class RefScene:
    """The scene as plain Python lists (read from the arrays once)."""

    def __init__(self, scene: Scene):
        self.n = scene.n
        self.ids = list(scene.ids)
        self.categories = list(scene.categories)
        self.labels = list(scene.labels)
        self.center = [tuple(c) for c in scene.center.tolist()]
        self.size = [tuple(s) for s in scene.size.tolist()]
        self.R = scene.R.tolist()
        for name in ("top", "bottom", "length", "width", "longest", "volume", "footprint",
                     "yaw"):
            setattr(self, name, getattr(scene, name).tolist())
        self.parent = scene.parent.tolist()
        self.support = scene.support.tolist()
        f = scene.frames
        self.frame_count = f.count
        self.frame_index = f.index.tolist()
        self.frame_time = f.time.tolist()
        self.frame_position = [tuple(p) for p in f.position.tolist()]
        self.frame_R = f.R.tolist()
        self.frame_intrinsics = [tuple(map(float, k)) for k in zip(
            f.fx.tolist(), f.fy.tolist(), f.cx.tolist(), f.cy.tolist(), f.width.tolist(),
            f.height.tolist())]
        # fractions[f] = {object row: recorded visible fraction} of frame row f (the file's
        # pairs); visible[f] = the object rows frame row f shows (fraction >= 0.1)
        self.fractions: list[dict[int, float]] = [{} for _ in range(f.count)]
        for frame, obj, fraction in zip(*(a.tolist() for a in f.visible.pairs())):
            self.fractions[frame][obj] = fraction
        self.visible = [{o for o, v in row.items() if v >= VISIBLE_FRACTION}
                        for row in self.fractions]
        room = scene.room
        self.room = {"area": float(room.area), "length": float(room.length),
                     "width": float(room.width), "height": float(room.height)}

    def screen_size(self, o: int, f: int) -> float:
        """`screen_size(o, f)`, computed from the box's centre, axes and extents."""
        return RG.screen_size(self.center[o], self.R[o], self.size[o], self.frame_position[f],
                              self.frame_R[f], *self.frame_intrinsics[f], SCREEN_NEAR)

    def clearly_visible(self, o: int, f: int) -> bool:
        return (self.fractions[f].get(o, 0.0) >= CLEAR_FRACTION
                and self.screen_size(o, f) >= CLEAR_PIXELS)

    def seen_frames(self, o: int) -> list[int]:
        """Rows of the frames in which object ``o`` is visible, in order."""
        return [f for f in range(self.frame_count) if o in self.visible[f]]


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def _find(scene: RefScene, name: str) -> frozenset:
    key = _normalise(name)
    return frozenset(i for i in range(scene.n)
                     if key in (_normalise(scene.categories[i]), _normalise(scene.labels[i])))


# ------------------------------------------------------------------ contexts


@dataclass
class Ctx:
    """What a reference builtin sees: the scene, the call's span and result type."""

    scene: RefScene
    span: Span
    result_type: T.Type | None = None
    looked_for: str = ""  # the first argument as written, for messages

    def reject(self, kind: str, message: str):
        raise RefRejection(kind, message, self.span)

    def need_frames(self) -> None:
        if self.scene.frame_count == 0:
            self.reject(RejectionKind.NO_FRAMES, "the scene has no frames")


REFERENCES: dict[tuple[str, int], object] = {}
REFERENCE_ATTRIBUTES: dict[tuple[T.Type, str], object] = {}


def ref(name: str, overload: int = 0):
    def register(fn):
        REFERENCES[(name, overload)] = fn
        return fn
    return register


# --------------------------------------------------------------- small helpers


def _sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _is_object(v) -> bool:
    return not isinstance(v, tuple)


def _point(s: RefScene, v):
    return s.center[v] if _is_object(v) else v


def _box(s: RefScene, v):
    if _is_object(v):
        return s.center[v], s.R[v], s.size[v]
    return v, _IDENTITY, _ZERO


def _bottom(s: RefScene, v):
    return s.bottom[v] if _is_object(v) else v[2]


def _top(s: RefScene, v):
    return s.top[v] if _is_object(v) else v[2]


def _volume(s: RefScene, v):
    return s.volume[v] if _is_object(v) else 0.0


def _members(S: frozenset) -> list[int]:
    return sorted(S)


# ---------------------------------------------------------------- scene values


@ref("frame")
def r_frame(c: Ctx, i):
    c.need_frames()
    count = c.scene.frame_count
    idx = i + count if i < 0 else i
    if not 0 <= idx < count:
        c.reject(RejectionKind.NO_FRAMES, f"there is no frame {i} (the scene has {count})")
    return idx


# ------------------------------------------------------------ selection & sets


@ref("find")
def r_find(c: Ctx, name):
    return _find(c.scene, name)


@ref("the")
def r_the(c: Ctx, S):
    if not S:
        c.reject(RejectionKind.NO_MATCH, no_match_message(c.looked_for))
    if len(S) > 1:
        c.reject(RejectionKind.AMBIGUOUS, ambiguous_message(len(S), c.looked_for))
    return next(iter(S))


@ref("filter")
def r_filter(c: Ctx, S, p):
    return frozenset(o for o in _members(S) if p(o))


@ref("count")
def r_count(c: Ctx, S):
    return len(S)


@ref("exists")
def r_exists(c: Ctx, S):
    return len(S) > 0


@ref("union")
def r_union(c: Ctx, A, B):
    return A | B


@ref("intersect")
def r_intersect(c: Ctx, A, B):
    return A & B


@ref("minus")
def r_minus(c: Ctx, A, B):
    return A - B


@ref("contains")
def r_contains(c: Ctx, S, o):
    return o in S


def _keyed(c: Ctx, S, key) -> list[tuple[int, object]]:
    members = _members(S)
    if not members:
        c.reject(RejectionKind.EMPTY_SET, "the set is empty")
    return [(o, key(o)) for o in members]


def _extreme(c: Ctx, S, key, better):
    pairs = _keyed(c, S, key)
    best_o, best_k = pairs[0]
    for o, k in pairs[1:]:
        if better(k, best_k):
            best_o, best_k = o, k
    if sum(1 for _, k in pairs if k == best_k) > 1:
        c.reject(RejectionKind.BORDERLINE, "two members tie for the extreme key")
    return best_o


@ref("argmin")
def r_argmin(c: Ctx, S, key):
    return _extreme(c, S, key, lambda a, b: a < b)


@ref("argmax")
def r_argmax(c: Ctx, S, key):
    return _extreme(c, S, key, lambda a, b: a > b)


@ref("min")
def r_min_set(c: Ctx, S, key):
    return min(k for _, k in _keyed(c, S, key))


@ref("min", 1)
def r_min_pair(c: Ctx, a, b):
    return b if b < a else a


@ref("max")
def r_max_set(c: Ctx, S, key):
    return max(k for _, k in _keyed(c, S, key))


@ref("max", 1)
def r_max_pair(c: Ctx, a, b):
    return b if b > a else a


@ref("sum")
def r_sum(c: Ctx, S, key):
    total = 0
    for _, k in _keyed(c, S, key):
        total += k
    return total


@ref("mean")
def r_mean(c: Ctx, S, key):
    keys = [k for _, k in _keyed(c, S, key)]
    return sum(keys) / len(keys)


@ref("sort")
def r_sort(c: Ctx, S, key):
    pairs = _keyed(c, S, key)
    keys = [k for _, k in pairs]
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if keys[i] == keys[j]:
                c.reject(RejectionKind.BORDERLINE, "two members have equal sort keys")
    return [o for o, _ in sorted(pairs, key=lambda pair: pair[1])]


@ref("map")
def r_map_set(c: Ctx, xs, f):
    return [f(o) for o in _members(xs)]


@ref("map", 1)
def r_map_list(c: Ctx, xs, f):
    return [f(x) for x in xs]


@ref("any")
def r_any(c: Ctx, S, p):
    for o in _members(S):
        if p(o):
            return True
    return False


@ref("all")
def r_all(c: Ctx, S, p):
    for o in _members(S):
        if not p(o):
            return False
    return True


@ref("labels")
def r_labels(c: Ctx, xs):
    if isinstance(xs, list):
        return [c.scene.labels[o] for o in xs]
    return sorted(c.scene.labels[o] for o in xs)


@ref("parents")
def r_parents(c: Ctx, o):
    p = c.scene.parent[o]
    return frozenset([p]) if p >= 0 else frozenset()


@ref("children")
def r_children(c: Ctx, o):
    return frozenset(i for i in range(c.scene.n) if c.scene.parent[i] == o)


# ----------------------------------------------------------------------- lists


@ref("len")
def r_len(c: Ctx, xs):
    return len(xs)


def _at(c: Ctx, xs: list, i: int):
    j = i + len(xs) if i < 0 else i
    if not 0 <= j < len(xs):
        c.reject(RejectionKind.EMPTY_SET, f"index {i} is out of range of a list of {len(xs)}")
    return xs[j]


@ref("_index")
def r_index(c: Ctx, xs, i):
    return _at(c, xs, i)


@ref("first")
def r_first(c: Ctx, xs):
    return _at(c, xs, 0)


@ref("last")
def r_last(c: Ctx, xs):
    return _at(c, xs, -1)


# --------------------------------------------------------------------- scalars


INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_COORDINATE = 1e9  # m: a Vec3 component beyond this is out of range


def in_range(c: Ctx, value):
    """A number out of range is `Degenerate`: an Int beyond 64 bits, a non-finite Number,
    a Vec3 with a component that is not finite or beyond ``MAX_COORDINATE``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        c.reject(RejectionKind.DEGENERATE, "the integer result is out of range")
    if isinstance(value, float) and not math.isfinite(value):
        c.reject(RejectionKind.DEGENERATE, "the result is not a finite number")
    if isinstance(value, tuple) and not all(math.isfinite(x) and abs(x) <= MAX_COORDINATE
                                            for x in value):
        c.reject(RejectionKind.DEGENERATE,
                 "a point farther than 1e9 m along an axis, or not finite")
    return value


@ref("abs")
def r_abs(c: Ctx, x):
    return abs(x)


def round_half_away(x, n: int) -> float:
    """``x`` rounded to ``n`` decimals, halves away from zero, decided on the exact binary
    value of ``x`` (exact decimal arithmetic with enough digits for any ``x`` and ``n``).

    Not ``refgeom.round_half_away``: that one runs out of the default 28 decimal digits
    (``decimal.InvalidOperation``) when ``|x| * 10**n >= 1e28``, e.g. ``round(1e20, 12)``.
    """
    if not math.isfinite(x):
        return x
    if n > 1100:  # finer than any double: the exact value rounds to itself
        return float(x)
    if n < -400:  # coarser than any double: everything rounds to 0
        return 0.0
    exact = Decimal(x)
    with localcontext() as ctx:
        ctx.prec = max(exact.adjusted(), 0) + max(n, 0) + 10
        rounded = exact.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)
    return float(rounded) + 0.0


@ref("round")
def r_round(c: Ctx, x, n):
    rounded = round_half_away(x, n)
    return int(rounded) if isinstance(x, int) else rounded


def _sqrt(c: Ctx, x):
    if x < 0:
        c.reject(RejectionKind.DEGENERATE, "square root of a negative value")
    return math.sqrt(x)


@ref("sqrt")
def r_sqrt(c: Ctx, x):
    return _sqrt(c, x)


@ref("sqrt", 1)
def r_sqrt_area(c: Ctx, x):
    return _sqrt(c, x)


@ref("norm")
def r_norm(c: Ctx, v):
    return math.sqrt(_dot(v, v))


@ref("vec")
def r_vec(c: Ctx, x, y, z):
    return (float(x), float(y), float(z))


@ref("_arith")
def r_arith(c: Ctx, op: str, a, b, ta: T.Type, tb: T.Type):
    if op == "/" and b == 0:
        c.reject(RejectionKind.DEGENERATE, "division by zero")
    if ta == T.VEC3 and tb == T.VEC3:
        sign = 1 if op == "+" else -1
        return tuple(float(x + sign * y) for x, y in zip(a, b))
    if ta == T.VEC3:
        return tuple(float(x * b) if op == "*" else x / b for x in a)
    if tb == T.VEC3:
        return tuple(float(a * y) for y in b)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


@ref("_compare")
def r_compare(c: Ctx, op: str, a, b):
    return bool(_COMPARE[op](a, b))


# ------------------------------------------------------------ metric relations


@ref("distance")
def r_distance(c: Ctx, a, b):
    d = _sub(_point(c.scene, a), _point(c.scene, b))
    return math.sqrt(_dot(d, d))


@ref("horizontal_distance")
def r_horizontal_distance(c: Ctx, a, b):
    d = _sub(_point(c.scene, a), _point(c.scene, b))
    return math.hypot(d[0], d[1])


@ref("gap")
def r_gap(c: Ctx, a, b):
    return RG.box_gap(*_box(c.scene, a), *_box(c.scene, b))


@ref("higher")
def r_higher(c: Ctx, a, b):
    return _point(c.scene, a)[2] > _point(c.scene, b)[2]


def _above(s: RefScene, a, b) -> bool:
    if _is_object(a) and _is_object(b) and a == b:
        return False
    if not (_bottom(s, a) >= _top(s, b) - SUPPORT_TOLERANCE and _point(s, a)[2] > _top(s, b)):
        return False
    return RG.footprints_overlap(*_box(s, a), *_box(s, b))


@ref("above")
def r_above(c: Ctx, a, b):
    return _above(c.scene, a, b)


@ref("below")
def r_below(c: Ctx, a, b):
    return _above(c.scene, b, a)


@ref("on")
def r_on(c: Ctx, a, b):
    """language.md §5 v0.2 with the scene's `support` record, clause by clause."""
    s = c.scene
    if _is_object(a) and _is_object(b) and a == b:
        return False
    support = s.support[a] if _is_object(a) else SUPPORT_NOT_RECORDED
    if support == SUPPORT_FIXED:
        return False  # a fixture rests on nothing
    if _is_object(a) and s.parent[a] >= 0:
        if not (_is_object(b) and s.parent[a] == b):
            return False  # the recorded parent is the only support
        if support == SUPPORT_IN:
            return False  # containment is not support
        return support == SUPPORT_ON or not r_inside(c, a, b)
    if r_inside(c, a, b):
        return False
    return _rests_on(s, a, b)


def _rests_on(s: RefScene, a, b) -> bool:
    if not _above(s, a, b):
        return False
    if not abs(_bottom(s, a) - _top(s, b)) <= SUPPORT_TOLERANCE:
        return False
    if not _top(s, a) > _top(s, b) + SUPPORT_MIN_RISE:
        return False
    over = RG.footprint_intersection_area(*_box(s, a), *_box(s, b))
    whole = RG.footprint_area(*_box(s, a))
    return over >= SUPPORT_MIN_SHARE * whole - RG.AREA_SLACK


@ref("inside")
def r_inside(c: Ctx, a, b):
    s = c.scene
    if _is_object(a) and _is_object(b) and s.parent[a] >= 0 and s.support[a] == SUPPORT_ON:
        support = s.parent[a]  # resting on it: inside only what holds its support
        return support != b and _box_holds(s, support, b) and _box_holds(s, a, b)
    return _box_holds(s, a, b)


def _box_holds(s: RefScene, a, b) -> bool:
    return RG.point_in_box(_point(s, a), *_box(s, b)) and _volume(s, a) < _volume(s, b)


@ref("near")
def r_near(c: Ctx, a, b, within):
    _non_negative(c, within, "within")
    same = _is_object(a) and _is_object(b) and a == b
    return r_gap(c, a, b) <= within and not same


@ref("between")
def r_between(c: Ctx, x, a, b, within):
    _non_negative(c, within, "within")
    px, pa, pb = (_point(c.scene, v) for v in (x, a, b))
    ab, ax = _sub(pb, pa), _sub(px, pa)
    length2 = _dot(ab, ab)
    if length2 < BETWEEN_DEGENERATE ** 2:
        c.reject(RejectionKind.DEGENERATE, "the two ends of `between` coincide")
    t = _dot(ax, ab) / length2
    hlen = math.hypot(ab[0], ab[1])
    if hlen > 0:
        offset = abs(ab[0] * ax[1] - ab[1] * ax[0]) / hlen
    else:  # a vertical line: the horizontal distance to it is to its foot
        offset = math.hypot(ax[0], ax[1])
    return 0 < t < 1 and offset <= within


# ------------------------------------------------------------------ directions


def _bearing(c: Ctx, at, facing, target) -> float:
    s = c.scene
    b, degenerate = RG.bearing(_point(s, at), _point(s, facing), _point(s, target))
    if degenerate:
        c.reject(RejectionKind.DEGENERATE, "a direction is undefined: two points coincide")
    return b


def _non_negative(c: Ctx, value: float, name: str) -> None:
    if value < 0:
        c.reject(RejectionKind.DEGENERATE, negative_message(name))


def _sector(c: Ctx, b: float, sectors: int, margin: float) -> str:
    _non_negative(c, margin, "margin")
    label, borderline = RG.sector(b, sectors, margin)
    if borderline:
        c.reject(RejectionKind.BORDERLINE,
                 "the direction is on (or within the margin of) a sector boundary")
    return label


@ref("bearing")
def r_bearing(c: Ctx, at, facing, target):
    return _bearing(c, at, facing, target)


@ref("direction")
def r_direction(c: Ctx, at, facing, target, sectors, margin):
    return _sector(c, _bearing(c, at, facing, target), sectors, margin)


@ref("clock")
def r_clock(c: Ctx, at, facing, target):
    return RG.clock(_bearing(c, at, facing, target))


# ---------------------------------------------------------------- camera views


def _camera(c: Ctx, p, f: int):
    c.need_frames()
    s = c.scene
    return RG.to_camera(_point(s, p), s.frame_position[f], s.frame_R[f])


@ref("to_camera")
def r_to_camera(c: Ctx, p, f):
    return tuple(_camera(c, p, f))


@ref("depth")
def r_depth(c: Ctx, o, f):
    return _camera(c, o, f)[2]


@ref("camera_distance")
def r_camera_distance(c: Ctx, o, f):
    c.need_frames()
    d = _sub(_point(c.scene, o), c.scene.frame_position[f])
    return math.sqrt(_dot(d, d))


@ref("camera_gap")
def r_camera_gap(c: Ctx, o, f):
    c.need_frames()
    return RG.point_box_distance(c.scene.frame_position[f], *_box(c.scene, o))


@ref("view_bearing")
def r_view_bearing(c: Ctx, o, f):
    return RG.view_bearing(_camera(c, o, f))


@ref("view_direction")
def r_view_direction(c: Ctx, o, f, sectors, margin):
    return _sector(c, r_view_bearing(c, o, f), sectors, margin)


@ref("left_of")
def r_left_of(c: Ctx, a, b, f):
    return _camera(c, a, f)[0] < _camera(c, b, f)[0]


@ref("right_of")
def r_right_of(c: Ctx, a, b, f):
    return _camera(c, a, f)[0] > _camera(c, b, f)[0]


@ref("closer")
def r_closer(c: Ctx, a, b, f):
    return _camera(c, a, f)[2] < _camera(c, b, f)[2]


# --------------------------------------------------------- visibility and time


@ref("visible")
def r_visible(c: Ctx, o, f):
    c.need_frames()
    return o in c.scene.visible[f]


@ref("visibility")
def r_visibility(c: Ctx, o, f):
    c.need_frames()
    return float(c.scene.fractions[f].get(o, 0.0))


@ref("screen_size")
def r_screen_size(c: Ctx, o, f):
    c.need_frames()
    return c.scene.screen_size(o, f)


@ref("clearly_visible")
def r_clearly_visible(c: Ctx, o, f):
    c.need_frames()
    return c.scene.clearly_visible(o, f)


@ref("clearly_seen")
def r_clearly_seen(c: Ctx, o):
    return any(c.scene.clearly_visible(o, f) for f in range(c.scene.frame_count))


@ref("in_view")
def r_in_view(c: Ctx, f):
    c.need_frames()
    return frozenset(o for o in range(c.scene.n) if o in c.scene.visible[f])


@ref("seen")
def r_seen(c: Ctx, o):
    return bool(c.scene.seen_frames(o))


def _seen_index(c: Ctx, o: int, which: int) -> int:
    rows = c.scene.seen_frames(o)
    if not rows:
        c.reject(RejectionKind.NOT_SEEN, f"{c.scene.labels[o]} is never seen")
    return c.scene.frame_index[rows[which]]


@ref("first_seen")
def r_first_seen(c: Ctx, o):
    return _seen_index(c, o, 0)


@ref("first_clearly_seen")
def r_first_clearly_seen(c: Ctx, o):
    s = c.scene
    for f in range(s.frame_count):
        if s.clearly_visible(o, f):
            return s.frame_index[f]
    c.reject(RejectionKind.NOT_SEEN, f"{s.labels[o]} is never clearly seen")


@ref("last_seen")
def r_last_seen(c: Ctx, o):
    return _seen_index(c, o, -1)


@ref("co_visible")
def r_co_visible(c: Ctx, a, b):
    s = c.scene
    return any(a in s.visible[f] and b in s.visible[f] for f in range(s.frame_count))


@ref("appearance_order")
def r_appearance_order(c: Ctx, xs):
    members = list(xs) if isinstance(xs, list) else _members(xs)
    firsts = []
    for o in members:
        rows = c.scene.seen_frames(o)
        if not rows:
            c.reject(RejectionKind.NOT_SEEN, f"{c.scene.labels[o]} is never seen")
        firsts.append(c.scene.frame_index[rows[0]])
    if len(set(firsts)) < len(firsts):
        c.reject(RejectionKind.BORDERLINE, "two objects first appear in the same frame")
    return [o for _, o in sorted(zip(firsts, members), key=lambda pair: pair[0])]


# --------------------------------------------------------------- camera motion


def _path(f1: int, f2: int) -> list[int]:
    return list(range(f1, f2 + 1)) if f2 >= f1 else list(range(f1, f2 - 1, -1))


@ref("turn")
def r_turn(c: Ctx, f1, f2):
    c.need_frames()
    return RG.turn(c.scene.frame_R[f1], c.scene.frame_R[f2])


@ref("move")
def r_move(c: Ctx, f1, f2):
    c.need_frames()
    s = c.scene
    return tuple(RG.move(s.frame_position[f1], s.frame_R[f1], s.frame_position[f2]))


@ref("travel")
def r_travel(c: Ctx, f1, f2):
    c.need_frames()
    return float(RG.travel([c.scene.frame_position[f] for f in _path(f1, f2)]))


@ref("route")
def r_route(c: Ctx, f1, f2):
    c.need_frames()
    s = c.scene
    path = _path(f1, f2)
    return RG.route([s.frame_position[f] for f in path], [RG.heading(s.frame_R[f]) for f in path])


# ------------------------------------------------------------------ attributes


def _attribute(owner: T.Type, name: str):
    def register(fn):
        REFERENCE_ATTRIBUTES[(owner, name)] = fn
        return fn
    return register


def _object_field(field: str):
    return lambda c, o: getattr(c.scene, field)[o]


for _name in ("center", "size", "length", "width", "longest", "volume", "footprint", "top",
              "bottom", "yaw"):
    _attribute(T.OBJECT, _name)(_object_field(_name))
for _name, _field in (("id", "ids"), ("category", "categories"), ("label", "labels")):
    _attribute(T.OBJECT, _name)(_object_field(_field))
_attribute(T.OBJECT, "height")(lambda c, o: c.scene.top[o] - c.scene.bottom[o])
for _axis, _i in (("x", 0), ("y", 1), ("z", 2)):
    _attribute(T.VEC3, _axis)(lambda c, v, _i=_i: v[_i])
_attribute(T.FRAME, "index")(lambda c, f: c.scene.frame_index[f])
_attribute(T.FRAME, "time")(lambda c, f: c.scene.frame_time[f])
_attribute(T.FRAME, "position")(lambda c, f: c.scene.frame_position[f])
for _name in ("area", "length", "width", "height"):
    _attribute(T.ROOM, _name)(lambda c, room, _n=_name: c.scene.room[_n])


# ----------------------------------------------------------------- interpreter


class ReferenceInterpreter:
    def __init__(self, checked: Checked, scene: Scene):
        self.checked = checked
        self.scene = RefScene(scene)
        self.globals: dict = {}

    def run(self) -> tuple[object, Rejection | None]:
        value = None
        try:
            for stmt in self.checked.program.statements:
                match stmt:
                    case ast.Let(name=name, value=expr):
                        self.globals[name] = self.eval_node(expr, self.globals)
                    case ast.Assert(cond=cond, message=message):
                        if not self.eval_node(cond, self.globals):
                            raise RefRejection(RejectionKind.ASSERTION_FAILED, message, stmt.span)
                    case ast.Answer(value=expr):
                        value = self.eval_node(expr, self.globals)
        except RefRejection as exc:
            return None, exc.rejection
        return value, None

    def _ctx(self, node: ast.Node) -> Ctx:
        what = looked_for(node, self.checked.source.text) if isinstance(node, ast.Call) \
            and node.func == "the" else ""
        return Ctx(self.scene, node.span, self.checked.types.get(id(node)), what)

    def _type(self, node: ast.Expr) -> T.Type:
        return self.checked.types[id(node)]

    def eval_node(self, node: ast.Expr, env: dict):
        match node:
            case ast.Number(value=v):
                return v
            case ast.Quantity(value=v, unit=unit):
                return T.to_base(v, unit)
            case ast.String(value=v) | ast.Bool(value=v):
                return v
            case ast.Name(id=name):
                return self._name(name, env)
            case ast.ListLit(items=items):
                return [self.eval_node(item, env) for item in items]
            case ast.Attr(obj=obj, name=name):
                owner = self.eval_node(obj, env)
                fn = REFERENCE_ATTRIBUTES[(self._type(obj), name)]
                return fn(self._ctx(node), owner)
            case ast.Index(obj=obj, index=index):
                xs = self.eval_node(obj, env)
                i = self.eval_node(index, env)
                return REFERENCES[("_index", 0)](self._ctx(node), xs, i)
            case ast.Neg(operand=operand):
                v = self.eval_node(operand, env)
                return tuple(-x for x in v) if isinstance(v, tuple) else -v
            case ast.Not(operand=operand):
                return not self.eval_node(operand, env)
            case ast.BinOp(op="and", left=left, right=right):
                return bool(self.eval_node(left, env)) and bool(self.eval_node(right, env))
            case ast.BinOp(op="or", left=left, right=right):
                return bool(self.eval_node(left, env)) or bool(self.eval_node(right, env))
            case ast.BinOp(op=op, left=left, right=right):
                a, b = self.eval_node(left, env), self.eval_node(right, env)
                return in_range(self._ctx(node), REFERENCES[("_arith", 0)](
                    self._ctx(node), op, a, b, self._type(left), self._type(right)))
            case ast.Compare(op=op, left=left, right=right):
                a, b = self.eval_node(left, env), self.eval_node(right, env)
                return REFERENCES[("_compare", 0)](self._ctx(node), op, a, b)
            case ast.InUnit(operand=operand, unit=unit):
                return in_range(self._ctx(node), T.from_base(self.eval_node(operand, env), unit))
            case ast.If(cond=cond, then=then, orelse=orelse):
                return self.eval_node(then if self.eval_node(cond, env) else orelse, env)
            case ast.Call():
                return self._call(node, env)
        raise TypeError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover

    def _name(self, name: str, env: dict):
        if name in env:
            return env[name]
        if name == "objects":
            return frozenset(range(self.scene.n))
        if name == "frames":
            return list(range(self.scene.frame_count))
        if name == "room":
            return ROOM
        raise KeyError(name)  # the checker rules this out

    def _call(self, node: ast.Call, env: dict):
        info = self.checked.calls[id(node)]
        if info.definition is not None:
            args = [self.eval_node(a, env) for a in info.args]
            names = dict(self.globals)
            names.update({p.name: a for p, a in zip(info.definition.params, args)})
            return self.eval_node(info.definition.body, names)
        args = [self._argument(a, env) for a in info.args]
        index = info.builtin.overloads.index(info.overload)
        return in_range(self._ctx(node),
                        REFERENCES[(info.builtin.name, index)](self._ctx(node), *args))

    def _argument(self, arg: ast.Expr, env: dict):
        if isinstance(arg, ast.Lambda):
            return lambda x: self.eval_node(arg.body, {**env, arg.param: x})
        value = self.eval_node(arg, env)
        coercion = self.checked.coercions.get(id(arg))
        if coercion == "find":
            return _find(self.scene, value)
        if coercion == "set":
            return frozenset(value)
        return value


def run_reference(checked: Checked, scene: Scene) -> tuple[object, Rejection | None]:
    """(answer value, None) or (None, rejection), evaluated element by element."""
    return ReferenceInterpreter(checked, scene).run()


# ------------------------------------------------------- comparable plain values

_SCALARS = (T.INT, T.NUMBER, T.LENGTH, T.AREA, T.VOLUME, T.ANGLE)


def to_plain(value, t: T.Type):
    """A reference value as a canonical plain value (see ``plain_runtime``)."""
    if isinstance(t, T.ListType):
        return [to_plain(v, t.elem) for v in value]
    if t == T.BOOL:
        return bool(value)
    if t == T.INT:
        return int(value)
    if t in _SCALARS:
        return float(value)
    if t == T.STR:
        return str(value)
    if t == T.VEC3:
        return tuple(float(x) for x in value)
    if t in (T.OBJECT, T.FRAME):
        return int(value)
    if t == T.OBJECTS:
        return tuple(sorted(int(o) for o in value))
    if t == T.ROOM:
        return "room"
    raise TypeError(f"no plain form for {t}")


def plain_runtime(value, t: T.Type, top: bool = True):
    """A vectorized-runtime value (one row at the top level) as a canonical plain value:
    bool, int, float, str, tuple (Vec3), int (Object / Frame row), sorted tuple (Objects),
    list (List)."""
    import numpy as np  # reading the vectorized runtime's values only

    if top:
        if isinstance(value, list):
            (value,) = value
        elif isinstance(value, np.ndarray) and value.ndim >= 1:
            value = value[0]
    if isinstance(t, T.ListType):
        return [plain_runtime(v, t.elem, top=False) for v in value]
    if t == T.VEC3:
        return tuple(float(x) for x in np.asarray(value, dtype=float).reshape(3))
    if t == T.OBJECTS:
        return tuple(int(i) for i in np.flatnonzero(np.asarray(value)))
    if t == T.ROOM:
        return "room"
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.ndim else value[()]
    if isinstance(value, np.generic):
        value = value.item()
    return to_plain(value, t)


def same_plain(a, b, t: T.Type, tol: float = 1e-9) -> bool:
    """Whether two plain values agree: numbers within ``tol`` (relative or absolute)."""
    if isinstance(t, T.ListType):
        return len(a) == len(b) and all(same_plain(x, y, t.elem, tol) for x, y in zip(a, b))
    if t == T.VEC3:
        return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b))
    if t in _SCALARS and t != T.INT:
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol) or (math.isnan(a) and math.isnan(b))
    return a == b
