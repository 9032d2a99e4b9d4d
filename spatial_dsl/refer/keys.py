"""The key program of a reference search: one SpatialDSL program whose `let`s hold every
key the search needs (sizes, heights, distances, relations and their bands, view depths
and bearings), checked once per kinds and run per scene, and the footprint-overlap keys
of the bands."""

from __future__ import annotations

import dataclasses
from collections import Counter
from functools import lru_cache

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import build as b
from spatial_dsl.lang.check.checker import Checked, check
from spatial_dsl.lang.printer import print_program
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.typed import TExpr
from spatial_dsl.lang import types as T
from ..runtime.eval import Env, Evaluator
from ..runtime.jitter import jitter_scene
from ..runtime.kernels.relations import above
from ..runtime.values import Abort, LimitExceeded, Rows, broadcast_rows, stack_elements
from ..runtime.worlds import stack_worlds
from ..scenes.model import Scene
from .landmarks import _unique_landmarks
from .model import (
    _EXTREME_KEYS, _RELATIONS, _SEARCH_LIMITS, KINDS, NEAR_WITHIN, RELATION_BAND_M, _extreme_key,
    _Landmark,
)

_FOOTPRINT_SLACK = 1e-3  # m: far above rounding, far below a footprint


class _KeyProgram:
    """Builds and runs the key program of one scene (``candidates._Search`` turns the
    keys into candidates)."""

    def __init__(self, scene: Scene, frames: bool, kinds: tuple[str, ...] | None, *,
                 landmarks: dict[int, _Landmark] | None = None,
                 categories: set[str] | None = None):
        """``landmarks`` replaces the unique objects as landmarks, and ``categories``
        restricts the groups searched (a chained round: see ``find_references``)."""
        self.scene = scene
        wanted = set(KINDS) if kinds is None else set(kinds)
        unknown = wanted - set(KINDS)
        if unknown:
            raise ValueError(f"unknown reference kinds: {', '.join(sorted(unknown))}")
        if not (frames and scene.frames.count > 0):
            wanted.discard("view")
        self.frames = "view" in wanted
        self.kinds = wanted
        self.rejected: Counter = Counter()
        counts = Counter(scene.categories)
        self.multi = sorted(c for c, k in counts.items()
                            if k > 1 and (categories is None or c in categories))
        self.targets = [i for i in range(scene.n) if scene.categories[i] in self.multi]
        self.landmarks = _unique_landmarks(scene) if landmarks is None else landmarks
        self.landmark_kinds_wanted = self.kinds & {"distance", "relation"}
        self.landmark_kinds = self.landmark_kinds_wanted if self.landmarks else set()

    # -------------------------------------------------------------------- program

    def key_program(self) -> ast.Program:
        """One program whose `let`s hold every key of the search (see the module doc).

        It names no category and no object, so it is the same for every scene searched
        with the same kinds (``_checked_once`` checks it once): ``s = find(c)`` gives the
        groups for ``c`` bound to the multi-instance categories, and ``M`` (their union)
        and ``L`` (the landmarks, when a kind needs them), the sets every key maps over,
        are bound at run time (``run_keys``)."""
        lets = [b.let("c", b.string("")), b.let("s", b.call("find", "c")),
                b.let("M", b.name("objects"))]
        keys: dict[str, ast.Expr] = {}
        if self.landmark_kinds:
            lets.append(b.let("L", b.name("objects")))
            keys["k_share"] = _per_landmark(b.binop("/", b.attr("l", "footprint"),
                                                    b.attr("room", "area")))
            keys["k_holds"] = _per_landmark(b.call("count", _objects_that(
                lambda x: b.call("inside", x, "l"), "o")))
        if self.kinds & {"extreme", "relation"}:
            for key, (_, unit) in _EXTREME_KEYS.items():
                keys[f"k_{key}"] = _per_member(b.in_unit(_extreme_key(key), unit))
        if "distance" in self.landmark_kinds:
            keys["k_distance"] = _per_pair(b.in_unit(b.call("distance", "o", "l"), "m"))
        if "relation" in self.landmark_kinds:
            keys.update(_relation_keys())
        if self.frames:
            keys["k_visible"] = _per_frame(b.call("visible", "o", "f"))
            keys["k_depth"] = _per_frame(b.in_unit(b.call("depth", "o", "f"), "m"))
            keys["k_bearing"] = _per_frame(b.in_unit(b.call("view_bearing", "o", "f"), "deg"))
        lets += [b.let(name, value) for name, value in keys.items()]
        return b.program(*lets, b.answer(0))

    def run_keys(self) -> dict:
        """Every key, by its `let` name: the sets ``s<j>`` (category ``multi[j]``), ``M``
        and ``L`` as masks over the objects, a per-object key as one value per member of
        ``M``, a per-landmark key one per member of ``L``, a pair key an (L, M) array and
        a frame key an (F, M) one.

        Each key is its `map`s' innermost body evaluated once over every (landmark,
        member) or (frame, member) pair: the batch the runtime makes of nested `map`s
        (``runtime.segments``), without turning the values into lists."""
        checked = _checked_once(self.key_program())
        evaluator = Evaluator(checked, self.scene, _SEARCH_LIMITS)
        keys = self._sets(evaluator)
        domains = {"M": np.flatnonzero(keys["M"]).astype(np.int64),
                   "frames": stack_elements(T.FRAME, list(range(self.scene.frames.count)))}
        if "L" in keys:
            domains["L"] = np.flatnonzero(keys["L"]).astype(np.int64)
        for stmt, typed in checked.typed.statements:
            if isinstance(stmt, ast.Let) and stmt.name.startswith("k_"):
                keys[stmt.name] = _over_domains(evaluator, typed, domains)
        if "relation" in self.landmark_kinds:
            self.steady_overlap(keys)
        return keys

    def _sets(self, evaluator: Evaluator) -> dict[str, np.ndarray]:
        """``s<j>``: ``find(multi[j])``, all categories in one evaluation; ``M``: their
        union; ``L``: the landmarks (a chained one is selected by its reference, so the
        set is made of the objects, not of their names)."""
        find = next(t for stmt, t in evaluator.checked.typed.statements
                    if isinstance(stmt, ast.Let) and stmt.name == "s")
        groups = _evaluated(evaluator, find, {"c": stack_elements(T.STR, self.multi)},
                            len(self.multi)).reshape(len(self.multi), self.scene.n)
        sets = {f"s{j}": groups[j] for j in range(len(self.multi))}
        sets["M"] = groups.any(axis=0)
        if self.landmark_kinds:
            sets["L"] = np.isin(np.arange(self.scene.n), list(self.landmarks))
        return sets

    def steady_overlap(self, keys: dict) -> None:
        """Adds ``k_overlap_all`` / ``k_overlap_any``: whether the (landmark, object)
        footprints overlap at every / at some of 5 relative positions: as they are and
        with every landmark moved horizontally by r * sqrt(2) along +-x and +-y
        (r = RELATION_BAND_M, the most 2 cm of jitter moves two centres apart).

        The overlap is the runtime's `above(o, l)` (its kernel) with the landmarks moved
        1 km down, where the height condition always holds. The relative shifts for which
        two footprints overlap form a convex set, so an overlap at the 4 shifts (a diamond
        whose inscribed circle has radius r) is an overlap at every shift up to r. No
        overlap at any of the 5 is taken as clear (the jitter trials of the proof stay the
        last word for the rare footprint a diagonal move could still reach).

        Only pairs whose footprints can meet are computed (``_reachable_pairs``); the
        others overlap at none of the shifts.
        """
        landmarks, members = np.flatnonzero(keys["L"]), np.flatnonzero(keys["M"])
        o, lm = np.tile(members, len(landmarks)), np.repeat(landmarks, len(members))
        step = RELATION_BAND_M * 2 ** 0.5
        near = np.flatnonzero(_reachable_pairs(self.scene, o, lm, step))
        shifts = ((0.0, 0.0), (step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step))
        overlap = np.zeros((len(shifts), len(o)), dtype=bool)
        if len(near):  # the 5 shifted copies as one stack of worlds: one kernel call
            stack = stack_worlds([self._landmarks_moved(landmarks, dx, dy) for dx, dy in shifts])
            offsets = np.repeat(np.arange(len(shifts)) * self.scene.n, len(near))
            overlap[:, near] = above(stack.scene, np.tile(o[near], len(shifts)) + offsets,
                                     np.tile(lm[near], len(shifts)) + offsets
                                     ).reshape(len(shifts), len(near))
        seen = overlap.reshape(len(shifts), len(landmarks), len(members))
        keys["k_overlap_all"] = np.logical_and.reduce(seen)
        keys["k_overlap_any"] = np.logical_or.reduce(seen)

    def _landmarks_moved(self, landmarks: np.ndarray, dx: float, dy: float) -> Scene:
        """The scene with the landmarks moved by (dx, dy) and 1 km down; its room kept (the
        copies stack as worlds, and `above` reads no room)."""
        delta = np.zeros((self.scene.n, 3))
        delta[landmarks] = (dx, dy, -1000.0)
        return dataclasses.replace(jitter_scene(self.scene, delta), room=self.scene.room)


def _reachable_pairs(scene: Scene, a: np.ndarray, b: np.ndarray, shift: float) -> np.ndarray:
    """Bool per pair: the x-y footprints of objects a and b may overlap once b moves by up
    to ``shift``. A footprint lies in the disc of the box's half diagonal around its
    centre, so footprints farther apart than the two radii plus the shift cannot meet
    (``_FOOTPRINT_SLACK`` keeps rounding on the safe side)."""
    radius = np.linalg.norm(scene.size, axis=1) / 2
    apart = np.hypot(*(scene.center[a, :2] - scene.center[b, :2]).T)
    return apart <= radius[a] + radius[b] + shift + _FOOTPRINT_SLACK


def _per_member(body: ast.Expr) -> ast.Call:
    """``map(M, o => body)``: one value per multi-instance object."""
    return b.call("map", "M", b.lam("o", body))


def _per_landmark(body: ast.Expr) -> ast.Call:
    """``map(L, l => body)``: one value per landmark."""
    return b.call("map", "L", b.lam("l", body))


def _per_pair(body: ast.Expr) -> ast.Call:
    """``map(L, l => map(M, o => body))``: one row per landmark, one column per object."""
    return _per_landmark(_per_member(body))


def _per_frame(body: ast.Expr) -> ast.Call:
    """``map(frames, f => map(M, o => body))``: one row per frame."""
    return b.call("map", "frames", b.lam("f", _per_member(body)))


def _objects_that(condition, var: str) -> ast.Call:
    """``filter(objects, var => condition(var))``."""
    return b.call("filter", "objects", b.lam(var, condition(b.name(var))))


def _meters(value: float) -> ast.Expr:
    return b.quantity(value, "m")


def _relation_keys() -> dict[str, ast.Expr]:
    """The keys of the relations: footprints and supports (naturalness), the bands'
    quantities, and one Bool per relation and (landmark, object) pair."""
    supports = {name: b.call("count", _objects_that(lambda x, a=name: b.call("on", a, x), "x"))
                for name in ("o", "l")}
    # only pairs this close can have gaps in the band
    reach = b.binop("+", b.binop("+", b.binop("+", NEAR_WITHIN, _meters(RELATION_BAND_M + 0.06)),
                                 b.attr("o", "longest")), b.attr("l", "longest"))
    keys = {
        "k_footprint": _per_member(b.in_unit(b.attr("o", "footprint"), "m2")),
        "k_lm_footprint": _per_landmark(b.in_unit(b.attr("l", "footprint"), "m2")),
        "k_supports": _per_member(supports["o"]),
        "k_lm_supports": _per_landmark(supports["l"]),
        "k_over": _per_pair(b.in_unit(b.binop("-", b.attr("o", "bottom"), b.attr("l", "top")),
                                      "m")),
        "k_under": _per_pair(b.in_unit(b.binop("-", b.attr("l", "bottom"), b.attr("o", "top")),
                                       "m")),
        "k_gap": _per_pair(b.if_(b.compare("<=", b.call("distance", "o", "l"), reach),
                                 b.in_unit(b.call("gap", "o", "l"), "m"), 1000.0)),
        "k_inside_sure": _per_pair(_sure_inside("o", "l")),
        "k_containing_sure": _per_pair(_sure_inside("l", "o")),
    }
    for form, rel in _RELATIONS.items():
        if form == "near":
            continue
        holds = rel.holds(b.name("o"), b.name("l"))
        if rel.prefilter:
            holds = b.and_(rel.prefilter(b.name("o"), b.name("l")), holds)
        keys[f"k_{form}"] = _per_pair(holds)
    return keys


def _sure_inside(a: str, c: str) -> ast.Expr:
    """Bool: ``inside(a, c)`` keeps its value whatever 2 cm jitter does to a and c.

    The centres move apart by at most r = RELATION_BAND_M. Inside: the 6 points at
    r * sqrt(3) from a's centre along the world axes are inside c's box; their
    octahedron (convex, like the box) holds the ball of radius r. Outside: the volumes
    rule it out, or a's centre is more than r from c's box (the cheap distance test
    first: farther than c's longest extent + r from c's centre).
    """
    step, zero = _meters(round(RELATION_BAND_M * 3 ** 0.5, 4)), _meters(0)
    shifts = [(step, zero, zero), (zero, step, zero), (zero, zero, step)]
    points = [b.call("inside", b.binop(sign, b.attr(a, "center"), b.call("vec", x, y, z)), c)
              for x, y, z in shifts for sign in "+-"]
    far = b.compare(">", b.call("distance", a, c),
                    b.binop("+", b.attr(c, "longest"), _meters(RELATION_BAND_M)))
    outside = b.or_(b.compare(">=", b.attr(a, "volume"), b.attr(c, "volume")), far,
                    b.compare(">", b.call("gap", b.attr(a, "center"), c),
                              _meters(RELATION_BAND_M)))
    return b.if_(b.call("inside", a, c), b.and_(*points), outside)


def _checked(program: ast.Program, name: str) -> Checked:
    """A search program checked as built (its text is printed only to report a bug)."""
    checked = check(program, Source("", name))
    if not checked.ok:  # a bug in the search, never bad input
        raise RuntimeError(f"{name} does not check: {checked.diagnostics[0].message}\n"
                           f"{print_program(program)}")
    return checked


@lru_cache(maxsize=64)
def _checked_once(program: ast.Program) -> Checked:
    """The key program checked, once per program: ASTs are compared (and hashed) by value,
    and a key program differs only with the kinds searched, the frames and the tolerances
    it was built with."""
    return _checked(program, "<refer keys>")


def _over_domains(evaluator: Evaluator, typed: TExpr, domains: dict) -> np.ndarray:
    """A key ``map(D1, x1 => map(D2, x2 => body))`` (one or two `map`s over ``domains``'
    sets or lists): ``body`` evaluated once over every (x1, x2) pair, first-major, as a
    (len(D1), len(D2)) array (one dimension per `map`)."""
    params, elements = [], []
    while isinstance(typed.node, ast.Call) and typed.node.func == "map":
        domain, lam = typed.kids
        params.append(lam.node.param)
        elements.append(domains[domain.node.id])
        typed = lam.kids[0]
    grid = np.meshgrid(*elements, indexing="ij")
    names = {p: g.reshape(-1) for p, g in zip(params, grid)}
    shape = [len(e) for e in elements]
    return _evaluated(evaluator, typed, names, int(np.prod(shape))).reshape(shape)


def _evaluated(evaluator: Evaluator, typed: TExpr, names: dict, size: int) -> np.ndarray:
    """``typed`` over ``size`` rows with ``names`` bound (a rejection is a bug in the
    search)."""
    env = Env(names, size, Rows(size))
    try:
        with np.errstate(all="ignore"):
            value = evaluator.eval_typed(typed, env) if size else np.zeros(0)
    except (Abort, LimitExceeded) as exc:
        raise RuntimeError(f"reference key program stopped: {exc}") from exc
    rejection = env.rows.first()
    if rejection is not None:
        raise RuntimeError(f"reference key program rejected: {rejection.kind}: "
                           f"{rejection.message}")
    return np.asarray(broadcast_rows(value, size))
