"""Vectorized kernels of the builtins, registered by (name, overload index).

Each kernel takes a ``Call`` (the scene, the rows of the batch being evaluated,
the call's span) and its argument values, all with a leading row dimension
(see values.py). Higher-order kernels run with one row and evaluate their
lambda once over all members of the set.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang import types as T
from spatial_dsl.tolerances import (
    CLEAR_FRACTION, CLEAR_PIXELS, SCREEN_NEAR, SUPPORT_MIN_RISE, SUPPORT_MIN_SHARE,
    SUPPORT_TOLERANCE, VISIBLE_FRACTION,
)
from ..scenes.model import SUPPORT_NOT_RECORDED, SUPPORT_ON, Scene, normalise_name
from ..scenes.visibility import Visibility
from spatial_dsl.lang.source import Span
from . import geometry as G
from .values import Abort, Rows, element, filler, stack_elements

KERNELS: dict[tuple[str, int], object] = {}
ATTRIBUTE_KERNELS: dict[tuple[T.Type, str], object] = {}

DEGENERATE = 1e-3  # m: shorter displacements have no direction


def kernel(name: str, overload: int = 0):
    def register(fn):
        KERNELS[(name, overload)] = fn
        return fn
    return register


def attribute(owner: T.Type, name: str):
    def register(fn):
        ATTRIBUTE_KERNELS[(owner, name)] = fn
        return fn
    return register


@dataclass
class Call:
    scene: Scene
    rows: Rows
    span: Span
    size: int
    budget: object
    result_type: T.Type | None = None
    looked_for: str = ""  # the source text of the first argument, for messages

    def reject(self, mask, kind: str, message) -> None:
        self.rows.record(mask, kind, message, self.span)

    def abort(self, kind: str, message: str):
        self.rows.record(True, kind, message, self.span)
        raise Abort()

    def report(self, lambda_rows: Rows) -> bool:
        """Pass the first rejection inside a lambda to this call's row; True if there was one."""
        first = lambda_rows.first()
        if first is not None:
            self.rows.record(True, first.kind, first.message, first.span)
        return first is not None

    def charge_masks(self, rows: int) -> None:
        """Charge the making of ``rows`` Objects masks of N elements each."""
        self.budget.charge(rows * self.scene.n, self.span)

    def frames(self):
        if self.scene.frames.count == 0:
            self.abort(RejectionKind.NO_FRAMES, "the scene has no frames")
        return self.scene.frames


# ------------------------------------------------------------- numeric range

INT_LIMIT = 2**63 - 1


MAX_COORDINATE = 1e9  # m: the bound scenes are validated against (scenes/_validate.py)


def in_range(k: Call, value):
    """Reject rows whose number is out of range (`Degenerate`): a non-finite Number, or a
    Vec3 with a component that is not finite or beyond ``MAX_COORDINATE`` (geometry on such
    a point would overflow). Int results are checked exactly where they are made (see
    ``_int_result``)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim == 0:
        return value
    ok = np.isfinite(value)
    if value.ndim == 2:  # a Vec3 batch (B, 3); Objects masks are bool, never float
        ok &= np.abs(np.where(ok, value, 0.0)) <= MAX_COORDINATE
    rows_ok = ok.reshape(value.shape[0], -1).all(axis=1)
    if rows_ok.all():
        return value
    message = ("the result is not a finite number" if value.ndim == 1 else
               "a point farther than 1e9 m along an axis, or not finite")
    k.reject(~rows_ok, RejectionKind.DEGENERATE, message)
    return np.where(ok, value, 0.0)


def _int_result(k: Call, exact, approx: np.ndarray, result: np.ndarray) -> np.ndarray:
    """int64 arithmetic wraps silently: where the float estimate is near the limit, redo
    the rows with Python integers and reject those beyond 64 bits."""
    risky = np.flatnonzero(np.abs(np.atleast_1d(approx)) > 2.0**62)
    if len(risky) == 0:
        return result
    bad = np.zeros(len(np.atleast_1d(result)), dtype=bool)
    for r in risky:
        bad[r] = abs(exact(int(r))) > INT_LIMIT
    k.reject(bad, RejectionKind.DEGENERATE, "the integer result is out of range")
    return np.where(bad, 0, result)


# ------------------------------------------------------------------ scene data


@lru_cache(maxsize=256)
def _strings(scene: Scene, field: str) -> np.ndarray:
    return stack_elements(T.STR, list(getattr(scene, field)))


def _screen_sizes(scene: Scene, o: np.ndarray, f: np.ndarray) -> np.ndarray:
    """`screen_size` of objects ``o`` in frame rows ``f`` (broadcast against each other)."""
    fr = scene.frames
    return np.asarray(G.screen_size(scene.corners[o], fr.position[f], fr.R[f], fr.fx[f],
                                    fr.fy[f], fr.cx[f], fr.cy[f], fr.width[f], fr.height[f],
                                    SCREEN_NEAR), dtype=float).reshape(-1)


@lru_cache(maxsize=256)
def _clear_pairs(scene: Scene) -> Visibility:
    """The clearly visible (frame, object) pairs, sparse like the recorded ones. The
    screen size is only computed where the visible fraction already passes."""
    frames, objects, fractions = scene.frames.visible.pairs()
    keep = np.flatnonzero(fractions >= CLEAR_FRACTION)
    if len(keep):
        keep = keep[_screen_sizes(scene, objects[keep], frames[keep]) >= CLEAR_PIXELS]
    return Visibility.from_pairs(scene.frames.count, scene.n, frames[keep], objects[keep],
                                 fractions[keep])


def point_of(scene: Scene, v: np.ndarray) -> np.ndarray:
    """An Object (index array) as its centre, a Vec3 as itself."""
    return scene.center[v] if v.ndim == 1 else v


def box_of(scene: Scene, v: np.ndarray):
    """(centre, R, size, upright) of an Object; a Vec3 is a box of size zero."""
    if v.ndim == 1:
        return scene.center[v], scene.R[v], scene.size[v], scene.upright[v]
    rows = v.shape[0]
    return v, np.broadcast_to(np.eye(3), (rows, 3, 3)), np.zeros((rows, 3)), np.ones(rows, bool)


def _z_range(scene: Scene, v: np.ndarray):
    if v.ndim == 1:
        return scene.bottom[v], scene.top[v]
    return v[:, 2], v[:, 2]


def _volume(scene: Scene, v: np.ndarray):
    return scene.volume[v] if v.ndim == 1 else np.zeros(v.shape[0])


def find_mask(scene: Scene, names: np.ndarray) -> np.ndarray:
    empty = np.zeros(scene.n, dtype=bool)
    return np.stack([scene.name_index.get(normalise_name(str(n)), empty) for n in names])


def list_to_mask(scene: Scene, lists: list) -> np.ndarray:
    masks = np.zeros((len(lists), scene.n), dtype=bool)
    for r, members in enumerate(lists):
        masks[r, list(members)] = True
    return masks


def _rows(*arrays) -> int:
    return max(np.shape(a)[0] if np.ndim(a) else 1 for a in arrays)


def _pick(masks: np.ndarray, index: np.ndarray) -> np.ndarray:
    size = _rows(masks, index)
    masks = np.broadcast_to(masks, (size, masks.shape[-1]))
    return masks[np.arange(size), np.broadcast_to(index, (size,))]


# ---------------------------------------------------------------- scene values


@kernel("frame")
def k_frame(k: Call, i):
    count = k.frames().count
    idx = np.where(i < 0, i + count, i)
    bad = (idx < 0) | (idx >= count)
    k.reject(bad, RejectionKind.NO_FRAMES,
             lambda r: f"there is no frame {int(np.broadcast_to(i, bad.shape)[r])}"
             f" (the scene has {count})")
    return np.where(bad, 0, idx)


# ------------------------------------------------------------ selection & sets


@kernel("find")
def k_find(k: Call, names):
    k.charge_masks(len(names))
    return find_mask(k.scene, names)


@kernel("the")
def k_the(k: Call, S):
    counts = S.sum(axis=-1)
    k.reject(counts == 0, RejectionKind.NO_MATCH, no_match_message(k.looked_for))
    k.reject(counts > 1, RejectionKind.AMBIGUOUS,
             lambda r: ambiguous_message(int(counts[r]), k.looked_for))
    return np.argmax(S, axis=-1)


def looked_for(node, source_text: str, width: int = 80) -> str:
    """The first argument of a call as written (one line, clipped): what `the` looked for."""
    args = getattr(node, "args", None)
    if not args:
        return ""
    span = args[0].span
    text = " ".join(source_text[span.start:span.end].split())
    return text if len(text) <= width else text[:width - 3] + "..."


def no_match_message(what: str) -> str:
    if what.startswith('"'):
        return f"no object named {what}"
    return f"no object matches {what}" if what else "no object matches"


def ambiguous_message(count: int, what: str) -> str:
    return f"{count} objects match {what}, expected one" if what else \
        f"{count} objects match, expected one"


def _members(S: np.ndarray) -> np.ndarray:
    return np.flatnonzero(S[0])


@kernel("filter")
def k_filter(k: Call, S, p):
    members = _members(S)
    out = np.zeros((1, k.scene.n), dtype=bool)
    if len(members):
        keep, rows = p.over_members(members)
        k.report(rows)
        out[0, members[np.asarray(keep, dtype=bool)]] = True
    return out


@kernel("count")
def k_count(k: Call, S):
    return S.sum(axis=-1).astype(np.int64)


@kernel("exists")
def k_exists(k: Call, S):
    return S.any(axis=-1)


@kernel("union")
def k_union(k: Call, A, B):
    return A | B


@kernel("intersect")
def k_intersect(k: Call, A, B):
    return A & B


@kernel("minus")
def k_minus(k: Call, A, B):
    return A & ~B


@kernel("contains")
def k_contains(k: Call, S, o):
    return _pick(S, o)


def _keys(k: Call, S, key):
    """(members, keys) of a keyed aggregate, or None when it cannot answer."""
    members = _members(S)
    if len(members) == 0:
        k.reject(True, RejectionKind.EMPTY_SET, "the set is empty")
        return None
    keys, rows = key.over_members(members)
    if k.report(rows):
        return None
    return members, np.asarray(keys)


def _extreme(k: Call, S, key, pick):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    members, keys = found
    best = pick(keys)
    if np.count_nonzero(keys == keys[best]) > 1:
        k.reject(True, RejectionKind.BORDERLINE, "two members tie for the extreme key")
    return members[best:best + 1]


@kernel("argmin")
def k_argmin(k: Call, S, key):
    return _extreme(k, S, key, np.argmin)


@kernel("argmax")
def k_argmax(k: Call, S, key):
    return _extreme(k, S, key, np.argmax)


def _placeholder(k: Call):
    """The value a rejected row carries on: of the call's checked type, so that later
    kernels (a frame index, an object row) can use it without crashing."""
    return filler(k.result_type, 1, k.scene.n)


def _aggregate(k: Call, S, key, reduce, dtype=None):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    return np.array([reduce(found[1])], dtype=dtype or found[1].dtype)


@kernel("min")
def k_min_set(k: Call, S, key):
    return _aggregate(k, S, key, np.min)


@kernel("min", 1)
def k_min_pair(k: Call, a, b):
    return np.minimum(a, b)


@kernel("max")
def k_max_set(k: Call, S, key):
    return _aggregate(k, S, key, np.max)


@kernel("max", 1)
def k_max_pair(k: Call, a, b):
    return np.maximum(a, b)


@kernel("sum")
def k_sum(k: Call, S, key):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    keys = found[1]
    total = np.array([np.sum(keys)], dtype=keys.dtype)
    if keys.dtype.kind in "iu":
        approx = np.array([np.sum(keys.astype(float))])
        return _int_result(k, lambda _r: sum(int(x) for x in keys), approx, total)
    return total


@kernel("mean")
def k_mean(k: Call, S, key):
    return _aggregate(k, S, key, np.mean, float)


@kernel("sort")
def k_sort(k: Call, S, key):
    found = _keys(k, S, key)
    if found is None:
        return [[]]
    members, keys = found
    if len(np.unique(keys)) < len(keys):
        k.reject(True, RejectionKind.BORDERLINE, "two members have equal sort keys")
    order = np.argsort(keys, kind="stable")
    return [[int(m) for m in members[order]]]


@kernel("map")
def k_map_set(k: Call, xs, f):
    members = _members(xs)
    if len(members) == 0:
        return [[]]
    values, rows = f.over_members(members)
    k.report(rows)
    return [[element(values, i) for i in range(len(members))]]


@kernel("map", 1)
def k_map_list(k: Call, xs, f):
    items = xs[0]
    if not items:
        return [[]]
    values, rows = f.over_list(items)
    k.report(rows)
    return [[element(values, i) for i in range(len(items))]]


def _quantified(k: Call, S, p, decisive: bool):
    """any/all with the short-circuit of a per-element loop: stop at the first decisive member."""
    members = _members(S)
    if len(members) == 0:
        return np.array([not decisive])
    values, rows = p.over_members(members)
    values = np.asarray(values, dtype=bool)
    hits = np.flatnonzero((values == decisive) & ~rows.rejected)
    first_hit = hits[0] if len(hits) else len(members)
    rejected = np.flatnonzero(rows.rejected)
    if len(rejected) and rejected[0] < first_hit:
        k.report(rows)
    return np.array([decisive if len(hits) else not decisive])


@kernel("any")
def k_any(k: Call, S, p):
    return _quantified(k, S, p, True)


@kernel("all")
def k_all(k: Call, S, p):
    return _quantified(k, S, p, False)


@kernel("labels")
def k_labels(k: Call, xs):
    k.budget.charge(sum(len(x) for x in xs) if isinstance(xs, list) else xs.size, k.span)
    labels = k.scene.labels
    if isinstance(xs, list):
        return [[labels[i] for i in row] for row in xs]
    return [sorted(labels[i] for i in np.flatnonzero(row)) for row in xs]


@kernel("parents")
def k_parents(k: Call, o):
    k.charge_masks(len(o))
    parent = k.scene.parent[o]
    out = np.zeros((len(o), k.scene.n), dtype=bool)
    has = parent >= 0
    out[np.flatnonzero(has), parent[has]] = True
    return out


@kernel("children")
def k_children(k: Call, o):
    k.charge_masks(len(o))
    return k.scene.parent[None, :] == o[:, None]


# ----------------------------------------------------------------------- lists


@kernel("len")
def k_len(k: Call, xs):
    return np.array([len(x) for x in xs], dtype=np.int64)


def _elements_at(k: Call, xs: list, positions) -> object:
    """Element ``positions[r]`` of list row r; out of range is EmptySet."""
    size = _rows(np.asarray(positions), np.empty(len(xs)))
    spare = element(filler(k.result_type, 1, k.scene.n), 0)
    out = []
    for r in range(size):
        items = xs[r if len(xs) > 1 else 0]
        given = int(np.broadcast_to(positions, (size,))[r])
        i = given + len(items) if given < 0 else given
        if 0 <= i < len(items):
            out.append(items[i])
        else:  # the message names the index as written: `[1, 2, 3][-4]` says -4
            k.reject(np.arange(size) == r, RejectionKind.EMPTY_SET,
                     f"index {given} is out of range of a list of {len(items)}")
            out.append(spare)
    return stack_elements(k.result_type, out)


@kernel("_index")
def k_index(k: Call, xs, i):
    return _elements_at(k, xs, i)


@kernel("first")
def k_first(k: Call, xs):
    return _elements_at(k, xs, 0)


@kernel("last")
def k_last(k: Call, xs):
    return _elements_at(k, xs, -1)


# --------------------------------------------------------------------- scalars


@kernel("abs")
def k_abs(k: Call, x):
    return np.abs(x)


def _round_exact(x: float, digits: int) -> float:
    """Half-away rounding with exact decimals, for digit counts beyond a double's range."""
    if not np.isfinite(x) or digits > 1100:  # finer than any double: unchanged
        return float(x)
    if digits < -400:  # coarser than any double: 0
        return 0.0
    exact = Decimal(float(x))
    with localcontext() as ctx:
        ctx.prec = max(exact.adjusted(), 0) + max(digits, 0) + 10
        ctx.Emax, ctx.Emin = 10**6, -(10**6)
        return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)) + 0.0


def _timed(k: Call, values):
    """The values, checking the wall-clock limit before each (a loop in Python)."""
    for v in values:
        k.budget.check_time(k.span)
        yield v


@kernel("round")
def k_round(k: Call, x, n):
    size = _rows(x, n)
    xs = np.broadcast_to(np.asarray(x, dtype=float), (size,))
    ns = np.broadcast_to(n, (size,))
    out = np.empty(size)
    for digits in np.unique(ns):  # the geometry helper rounds with one digit count at a time
        chosen = ns == digits
        if abs(int(digits)) > 300:  # 10**digits overflows a double: exact decimals, slow
            out[chosen] = [_round_exact(v, int(digits)) for v in _timed(k, xs[chosen])]
        else:
            out[chosen] = G.round_half_away(xs[chosen], int(digits))
    return out.astype(np.int64) if np.issubdtype(np.asarray(x).dtype, np.integer) else out


def _sqrt(k: Call, x):
    negative = x < 0
    k.reject(negative, RejectionKind.DEGENERATE, "square root of a negative value")
    return np.sqrt(np.where(negative, 0.0, x))


@kernel("sqrt")
def k_sqrt(k: Call, x):
    return _sqrt(k, x)


@kernel("sqrt", 1)
def k_sqrt_area(k: Call, x):
    return _sqrt(k, x)


@kernel("norm")
def k_norm(k: Call, v):
    return np.linalg.norm(v, axis=-1)


@kernel("vec")
def k_vec(k: Call, x, y, z):
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1).astype(float)


@kernel("_arith")
def k_arith(k: Call, op: str, a, b, ta: T.Type, tb: T.Type):
    with np.errstate(over="ignore", invalid="ignore"):
        return _arith(k, op, a, b, ta, tb)


def _arith(k: Call, op: str, a, b, ta: T.Type, tb: T.Type):
    if ta == T.VEC3 and tb != T.VEC3:
        b = np.asarray(b, dtype=float)[:, None]
    elif tb == T.VEC3 and ta != T.VEC3:
        a = np.asarray(a, dtype=float)[:, None]
    if op in ("+", "-", "*"):
        return _plus_minus_times(k, op, a, b)
    zero = np.all(np.asarray(b) == 0, axis=-1) if tb == T.VEC3 else (np.asarray(b) == 0)
    k.reject(zero.reshape(-1), RejectionKind.DEGENERATE, "division by zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, 0.0, np.true_divide(a, np.where(b == 0, 1, b)))


_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply}
_PY_OPS = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}


def _plus_minus_times(k: Call, op: str, a, b):
    with np.errstate(over="ignore", invalid="ignore"):
        result = _OPS[op](a, b)
    if result.dtype.kind not in "iu":
        return result
    approx = _OPS[op](np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    rows = len(np.atleast_1d(result))
    a_rows, b_rows = np.broadcast_to(a, (rows,)), np.broadcast_to(b, (rows,))
    exact = lambda r: _PY_OPS[op](int(a_rows[r]), int(b_rows[r]))  # noqa: E731
    return _int_result(k, exact, approx, result)


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}


@kernel("_compare")
def k_compare(k: Call, op: str, a, b):
    return np.asarray(_COMPARE[op](a, b), dtype=bool)


# ------------------------------------------------------------ metric relations


@kernel("distance")
def k_distance(k: Call, a, b):
    return np.linalg.norm(point_of(k.scene, a) - point_of(k.scene, b), axis=-1)


@kernel("horizontal_distance")
def k_horizontal_distance(k: Call, a, b):
    d = point_of(k.scene, a) - point_of(k.scene, b)
    return np.hypot(d[..., 0], d[..., 1])


GAP_MEMO_MAX_OBJECTS = 2048  # an N x N memo of 8-byte floats: at most 32 MiB per scene


@lru_cache(maxsize=64)
def _gap_memo(scene: Scene) -> np.ndarray:
    """Gaps between object pairs already computed for this scene (NaN: not yet).

    Templates and checks ask for the same pairs again and again, and the exact gap of a
    tilted pair (GJK) is the costliest kernel; it is computed once per pair and scene."""
    return np.full((scene.n, scene.n), np.nan)


def _box_gap(scene: Scene, a, b) -> np.ndarray:
    c1, R1, s1, u1 = box_of(scene, a)
    c2, R2, s2, u2 = box_of(scene, b)
    return np.asarray(G.box_gap(c1, R1, s1, c2, R2, s2, u1, u2), dtype=float).reshape(-1)


@kernel("gap")
def k_gap(k: Call, a, b):
    if a.ndim != 1 or b.ndim != 1 or k.scene.n > GAP_MEMO_MAX_OBJECTS:
        return _box_gap(k.scene, a, b)
    size = _rows(a, b)
    a, b = np.broadcast_to(a, (size,)), np.broadcast_to(b, (size,))
    memo = _gap_memo(k.scene)
    missing = np.isnan(memo[a, b])
    if missing.any():
        pairs = np.unique(np.stack([a[missing], b[missing]], axis=1), axis=0)
        gaps = _box_gap(k.scene, pairs[:, 0], pairs[:, 1])
        memo[pairs[:, 0], pairs[:, 1]] = gaps
        memo[pairs[:, 1], pairs[:, 0]] = gaps
    return memo[a, b]


@kernel("higher")
def k_higher(k: Call, a, b):
    return point_of(k.scene, a)[..., 2] > point_of(k.scene, b)[..., 2]


def _pair(a, b):
    """Both arguments broadcast to the same number of rows (Object indices or Vec3s)."""
    size = _rows(a, b)
    return (np.broadcast_to(a, (size,) + a.shape[1:]), np.broadcast_to(b, (size,) + b.shape[1:]))


def above(scene: Scene, a, b):
    """`above` (language.md §5): level, centre over the top, footprints overlapping."""
    a, b = _pair(a, b)
    bottom_a, _ = _z_range(scene, a)
    _, top_b = _z_range(scene, b)
    out = ((bottom_a >= top_b - SUPPORT_TOLERANCE) & (point_of(scene, a)[..., 2] > top_b)
           & ~_same_object(a, b))
    rows = np.flatnonzero(out)  # the separating-axis test only where the heights allow it
    if len(rows):
        c1, R1, s1, _ = box_of(scene, a[rows])
        c2, R2, s2, _ = box_of(scene, b[rows])
        out[rows] = np.asarray(G.footprints_overlap(c1, R1, s1, c2, R2, s2)).reshape(-1)
    return out


@kernel("above")
def k_above(k: Call, a, b):
    return above(k.scene, a, b)


@kernel("below")
def k_below(k: Call, a, b):
    return above(k.scene, b, a)


@kernel("on")
def k_on(k: Call, a, b):
    """`on` (language.md §5 v0.2, with the scene's `support` record, docs/reference.md
    "Decisions"): never `a` itself; a fixture rests on nothing; a recorded parent is
    the only support, unless the object is in it; otherwise the geometric rule, and
    containment is not support."""
    scene = k.scene
    a, b = _pair(a, b)
    rows = a.shape[0]
    objects = a.ndim == 1
    parent = scene.parent[a] if objects else np.full(rows, -1)
    support = scene.support[a] if objects else np.full(rows, SUPPORT_NOT_RECORDED)
    inside = k_inside(k, a, b)
    held = (parent == b) if b.ndim == 1 else np.zeros(rows, dtype=bool)
    held &= (support == SUPPORT_ON) | ((support == SUPPORT_NOT_RECORDED) & ~inside)
    geometric = np.zeros(rows, dtype=bool)
    free = np.flatnonzero((parent < 0) & (support == SUPPORT_NOT_RECORDED) & ~inside)
    if len(free):
        geometric[free] = rests_on(scene, a[free], b[free])
    return np.where(parent >= 0, held, geometric)


def rests_on(scene: Scene, a, b):
    """The geometric rule of `on`: `above`, bottom within the contact band of b's top,
    top clear of it, and at least half of a's footprint over b's."""
    bottom_a, top_a = _z_range(scene, a)
    _, top_b = _z_range(scene, b)
    near = ((np.abs(bottom_a - top_b) <= SUPPORT_TOLERANCE)
            & (top_a > top_b + SUPPORT_MIN_RISE))
    out = near & above(scene, a, b)
    rows = np.flatnonzero(out)  # the clipping only where everything else holds
    if len(rows):
        c1, R1, s1, _ = box_of(scene, a[rows])
        c2, R2, s2, _ = box_of(scene, b[rows])
        share = np.asarray(G.footprint_overlap_area(c1, R1, s1, c2, R2, s2)).reshape(-1)
        whole = np.asarray(G.footprint_area(c1, R1, s1)).reshape(-1)
        out[rows] = share >= SUPPORT_MIN_SHARE * whole - G.AREA_SLACK
    return out


@kernel("inside")
def k_inside(k: Call, a, b):
    a, b = _pair(a, b)
    out = _box_holds(k.scene, a, b)
    rests = _resting_rows(k.scene, a, b)
    if len(rests):  # containment passes through the support: a mug on a shelf in a cabinet
        support = k.scene.parent[a[rests]]
        out[rests] &= (support != b[rests]) & _box_holds(k.scene, support, b[rests])
    return out


def _box_holds(scene: Scene, a, b) -> np.ndarray:
    """The geometric `inside`: a's centre in b's box and a smaller than b."""
    c2, R2, s2, _ = box_of(scene, b)
    within = np.asarray(G.point_in_box(point_of(scene, a), c2, R2, s2)).reshape(-1)
    return within & (_volume(scene, a) < _volume(scene, b))


def _resting_rows(scene: Scene, a, b) -> np.ndarray:
    """Rows whose object `a` is recorded resting on a parent (against object `b`)."""
    if a.ndim != 1 or b.ndim != 1:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero((scene.parent[a] >= 0) & (scene.support[a] == SUPPORT_ON))


def _same_object(a, b):
    if a.ndim == 1 and b.ndim == 1:
        return a == b
    return np.zeros(_rows(a, b), dtype=bool)


def reject_negative(k: Call, value, name: str) -> None:
    """A negative threshold (`within=-1m`, `margin=-5deg`) means nothing: `Degenerate`."""
    bad = np.broadcast_to(np.asarray(value, dtype=float).reshape(-1) < 0, (k.size,))
    k.reject(bad, RejectionKind.DEGENERATE, negative_message(name))


def negative_message(name: str) -> str:
    return f"`{name}` is negative; it must be 0 or more"


@kernel("near")
def k_near(k: Call, a, b, within):
    reject_negative(k, within, "within")
    return (k_gap(k, a, b) <= within) & ~_same_object(a, b)


@kernel("between")
def k_between(k: Call, x, a, b, within):
    reject_negative(k, within, "within")
    px, pa, pb = (point_of(k.scene, v) for v in (x, a, b))
    ab = pb - pa
    length2 = np.sum(ab * ab, axis=-1)
    degenerate = length2 < DEGENERATE**2
    k.reject(degenerate, RejectionKind.DEGENERATE, "the two ends of `between` coincide")
    t = np.sum((px - pa) * ab, axis=-1) / np.where(degenerate, 1.0, length2)
    h = ab[..., :2]
    cross = h[..., 0] * (px - pa)[..., 1] - h[..., 1] * (px - pa)[..., 0]
    hlen = np.hypot(h[..., 0], h[..., 1])
    offset = np.where(hlen > 0, np.abs(cross) / np.where(hlen > 0, hlen, 1.0),
                      np.hypot(*(px - pa)[..., :2].T))
    return (t > 0) & (t < 1) & (offset <= within)


# ------------------------------------------------------------------ directions


def _bearing(k: Call, at, facing, target):
    b, degenerate = G.bearing(*(point_of(k.scene, v) for v in (at, facing, target)))
    degenerate = np.asarray(degenerate).reshape(-1)
    k.reject(degenerate, RejectionKind.DEGENERATE, "a direction is undefined: two points coincide")
    return np.asarray(b, dtype=float).reshape(-1)


def _sector(k: Call, bearing, sectors, margin):
    reject_negative(k, margin, "margin")
    labels, borderline = G.sector(bearing, int(np.asarray(sectors).reshape(-1)[0]),
                                  np.asarray(margin, dtype=float).reshape(-1))
    k.reject(np.asarray(borderline).reshape(-1), RejectionKind.BORDERLINE,
             "the direction is on (or within the margin of) a sector boundary")
    return stack_elements(T.STR, list(np.asarray(labels).reshape(-1)))


@kernel("bearing")
def k_bearing(k: Call, at, facing, target):
    return _bearing(k, at, facing, target)


@kernel("direction")
def k_direction(k: Call, at, facing, target, sectors, margin):
    return _sector(k, _bearing(k, at, facing, target), sectors, margin)


@kernel("clock")
def k_clock(k: Call, at, facing, target):
    return np.asarray(G.clock(_bearing(k, at, facing, target)), dtype=np.int64).reshape(-1)


# ---------------------------------------------------------------- camera views


def _camera(k: Call, p, f):
    frames = k.frames()
    return np.asarray(G.to_camera(point_of(k.scene, p), frames.position[f], frames.R[f]))


@kernel("to_camera")
def k_to_camera(k: Call, p, f):
    return _camera(k, p, f).reshape(-1, 3)


@kernel("depth")
def k_depth(k: Call, o, f):
    return _camera(k, o, f).reshape(-1, 3)[:, 2]


@kernel("camera_distance")
def k_camera_distance(k: Call, o, f):
    return np.linalg.norm(point_of(k.scene, o) - k.frames().position[f], axis=-1)


@kernel("camera_gap")
def k_camera_gap(k: Call, o, f):
    c, R, s, _ = box_of(k.scene, o)
    return np.asarray(G.point_box_distance(k.frames().position[f], c, R, s)).reshape(-1)


@kernel("view_bearing")
def k_view_bearing(k: Call, o, f):
    return np.asarray(G.view_bearing(_camera(k, o, f)), dtype=float).reshape(-1)


@kernel("view_direction")
def k_view_direction(k: Call, o, f, sectors, margin):
    return _sector(k, k_view_bearing(k, o, f), sectors, margin)


@kernel("left_of")
def k_left_of(k: Call, a, b, f):
    return _camera(k, a, f).reshape(-1, 3)[:, 0] < _camera(k, b, f).reshape(-1, 3)[:, 0]


@kernel("right_of")
def k_right_of(k: Call, a, b, f):
    return _camera(k, a, f).reshape(-1, 3)[:, 0] > _camera(k, b, f).reshape(-1, 3)[:, 0]


@kernel("closer")
def k_closer(k: Call, a, b, f):
    return k_depth(k, a, f) < k_depth(k, b, f)


# --------------------------------------------------------- visibility and time


# Visibility is stored sparse (scenes/visibility.py); these kernels read it through its
# accessors, vectorized over the batch, and never build a frames x objects table.


@kernel("visible")
def k_visible(k: Call, o, f):
    return k.frames().visible.fraction(o, f) >= VISIBLE_FRACTION


@kernel("visibility")
def k_visibility(k: Call, o, f):
    return k.frames().visible.fraction(o, f).astype(float)


@kernel("screen_size")
def k_screen_size(k: Call, o, f):
    k.frames()
    return _screen_sizes(k.scene, o, f)


@kernel("clearly_visible")
def k_clearly_visible(k: Call, o, f):
    k.frames()
    return _clear_pairs(k.scene).fraction(o, f) > 0


@kernel("clearly_seen")
def k_clearly_seen(k: Call, o):
    return _clear_pairs(k.scene).first_last()[0][o] >= 0


@kernel("in_view")
def k_in_view(k: Call, f):
    k.charge_masks(len(f))
    return k.frames().visible.in_frames(f, at_least=VISIBLE_FRACTION)


@kernel("seen")
def k_seen(k: Call, o):
    first, _ = k.scene.frames.visible.first_last(VISIBLE_FRACTION)
    return first[o] >= 0


def _seen_index(k: Call, o, which: int):
    first, last = k.scene.frames.visible.first_last(VISIBLE_FRACTION)
    return _frame_indices(k, o, (first if which == 0 else last)[o], "seen")


def _frame_indices(k: Call, o, rows, seen: str):
    """The frame indices of frame rows per object; a row < 0 rejects NotSeen."""
    never = rows < 0
    k.reject(never, RejectionKind.NOT_SEEN,
             lambda r: f"{k.scene.labels[int(o[r])]} is never {seen}")
    return k.scene.frames.index[np.where(never, 0, rows)].astype(np.int64) if len(
        k.scene.frames.index) else np.zeros(len(o), dtype=np.int64)


@kernel("first_seen")
def k_first_seen(k: Call, o):
    return _seen_index(k, o, 0)


@kernel("first_clearly_seen")
def k_first_clearly_seen(k: Call, o):
    return _frame_indices(k, o, _clear_pairs(k.scene).first_last()[0][o], "clearly seen")


@kernel("last_seen")
def k_last_seen(k: Call, o):
    return _seen_index(k, o, -1)


@kernel("co_visible")
def k_co_visible(k: Call, a, b):
    visible = k.scene.frames.visible
    counts = visible.frame_counts(VISIBLE_FRACTION)
    k.budget.charge(int(counts[np.asarray(a).reshape(-1)].sum()), k.span)
    return visible.co_visible(a, b, VISIBLE_FRACTION)


@kernel("appearance_order")
def k_appearance_order(k: Call, xs):
    rows = xs if isinstance(xs, list) else [list(np.flatnonzero(m)) for m in xs]
    out = []
    for r, members in enumerate(rows):
        k.budget.charge(len(members), k.span)
        out.append(_appearance(k, np.asarray(members, dtype=np.int64), r, len(rows)))
    return out


def _appearance(k: Call, members: np.ndarray, r: int, size: int) -> list:
    this_row = np.arange(size) == r
    if len(members) == 0:
        return []
    first = k.scene.frames.visible.first_last(VISIBLE_FRACTION)[0][members]
    if (first < 0).any():
        missing = members[first < 0][0]
        k.reject(this_row, RejectionKind.NOT_SEEN, f"{k.scene.labels[int(missing)]} is never seen")
        return []
    if len(np.unique(first)) < len(first):
        k.reject(this_row, RejectionKind.BORDERLINE, "two objects first appear in the same frame")
    return [int(m) for m in members[np.argsort(first, kind="stable")]]


# --------------------------------------------------------------- camera motion


@kernel("turn")
def k_turn(k: Call, f1, f2):
    frames = k.frames()
    return np.asarray(G.turn(frames.R[f1], frames.R[f2]), dtype=float).reshape(-1)


@kernel("move")
def k_move(k: Call, f1, f2):
    frames = k.frames()
    return np.asarray(G.move(frames.position[f1], frames.R[f1], frames.position[f2]),
                      dtype=float).reshape(-1, 3)


def _path(f1: int, f2: int) -> np.ndarray:
    """Frame rows from f1 to f2 inclusive, in that order (backwards if f2 < f1)."""
    step = 1 if f2 >= f1 else -1
    return np.arange(f1, f2 + step, step)


def _paths(k: Call, f1, f2):
    """The frame rows of each row's path, after charging their total length (the work of
    `travel` and `route` is one step per frame of every path)."""
    size = _rows(f1, f2)
    a, b = np.broadcast_to(f1, (size,)), np.broadcast_to(f2, (size,))
    k.budget.charge(int(np.abs(a.astype(np.int64) - b).sum()) + size, k.span)
    for x, y in zip(a, b):
        k.budget.check_time(k.span)
        yield _path(int(x), int(y))


@kernel("travel")
def k_travel(k: Call, f1, f2):
    frames = k.frames()
    return np.array([float(G.travel(frames.position[path])) for path in _paths(k, f1, f2)])


@kernel("route")
def k_route(k: Call, f1, f2):
    frames = k.frames()
    return [list(G.route(frames.position[path], G.heading(frames.R[path])))
            for path in _paths(k, f1, f2)]


# ------------------------------------------------------------------ attributes

_OBJECT_ARRAYS = ("height", "length", "width", "longest", "volume", "footprint", "top",
                  "bottom", "yaw", "center", "size")


def _object_array(name: str):
    if name == "height":
        return lambda k, o: k.scene.top[o] - k.scene.bottom[o]
    return lambda k, o: getattr(k.scene, name)[o]


for _name in _OBJECT_ARRAYS:
    attribute(T.OBJECT, _name)(_object_array(_name))
for _name, _field in (("id", "ids"), ("category", "categories"), ("label", "labels")):
    attribute(T.OBJECT, _name)(lambda k, o, _f=_field: _strings(k.scene, _f)[o])
for _axis, _i in (("x", 0), ("y", 1), ("z", 2)):
    attribute(T.VEC3, _axis)(lambda k, v, _i=_i: v[:, _i])
attribute(T.FRAME, "index")(lambda k, f: k.frames().index[f].astype(np.int64))
attribute(T.FRAME, "time")(lambda k, f: k.frames().time[f])
attribute(T.FRAME, "position")(lambda k, f: k.frames().position[f])
for _name in ("area", "length", "width", "height"):
    attribute(T.ROOM, _name)(lambda k, room, _n=_name: np.array([getattr(k.scene.room, _n)]))
