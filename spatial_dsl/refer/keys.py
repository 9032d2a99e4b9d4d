"""The key program of a reference search: one SpatialDSL program per scene whose `let`s
hold every key the search needs (sizes, heights, distances, relations and their bands,
view depths and bearings), its run, and the footprint-overlap keys of the bands."""

from __future__ import annotations

from collections import Counter

import numpy as np

from spatial_dsl.lang.check.checker import Checked, compile_source
from spatial_dsl.lang.printer import format_string
from ..runtime.eval import Evaluator
from ..runtime.jitter import jitter_scene
from ..scenes.model import Scene
from .landmarks import _unique_landmarks
from .model import (
    _EXTREME_KEYS, _RELATIONS, _SEARCH_LIMITS, KINDS, NEAR_WITHIN, RELATION_BAND_M, _Landmark,
)


def _union(parts: list[str]) -> str:
    """A balanced ``union`` tree (the nesting limit is 64)."""
    if len(parts) == 1:
        return parts[0]
    mid = len(parts) // 2
    return f"union({_union(parts[:mid])}, {_union(parts[mid:])})"



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

    def key_program(self) -> str:
        """One program whose `let`s hold every key of the search (see the module doc)."""
        lines = [f"let s{j} = find({format_string(c)})" for j, c in enumerate(self.multi)]
        lines.append(f"let M = {_union([f's{j}' for j in range(len(self.multi))])}")
        if self.landmark_kinds:
            # a chained landmark is selected by its reference; as a set, by its id
            lm = [f"filter(objects, o => o.id == {format_string(self.scene.ids[i])})"
                  for i in self.landmarks]
            lines.append(f"let L = {_union(lm)}")
            lines.append("let k_share = map(L, l => l.footprint / room.area)")
            lines.append("let k_holds = map(L, l => count(filter(objects, o => inside(o, l))))")
        if self.kinds & {"extreme", "relation"}:
            for key, expr in _EXTREME_KEYS.items():
                lines.append(f"let k_{_slug(key)} = map(M, o => {expr})")
        if "distance" in self.landmark_kinds:
            lines.append("let k_distance = map(L, l => map(M, o => distance(o, l) in m))")
        if "relation" in self.landmark_kinds:
            lines.append("let k_footprint = map(M, o => o.footprint in m2)")
            lines.append("let k_lm_footprint = map(L, l => l.footprint in m2)")
            supports = "count(filter(objects, x => on({a}, x)))"
            lines.append(f"let k_supports = map(M, o => {supports.format(a='o')})")
            lines.append(f"let k_lm_supports = map(L, l => {supports.format(a='l')})")
            lines.append("let k_over = map(L, l => map(M, o => (o.bottom - l.top) in m))")
            lines.append("let k_under = map(L, l => map(M, o => (l.bottom - o.top) in m))")
            reach = RELATION_BAND_M + 0.06  # only pairs this close can have gaps in the band
            lines.append(f"let k_gap = map(L, l => map(M, o => if distance(o, l) <= "
                         f"{NEAR_WITHIN} + {reach}m + o.longest + l.longest then gap(o, l) in m "
                         f"else 1000.0))")
            lines.append(f"let k_inside_sure = map(L, l => map(M, o => {_sure_inside('o', 'l')}))")
            lines.append(
                f"let k_containing_sure = map(L, l => map(M, o => {_sure_inside('l', 'o')}))")
            for form, rel in _RELATIONS.items():
                if form == "near":
                    continue
                expr = rel.expr.format(L="l")
                if rel.prefilter:
                    expr = f"{rel.prefilter.format(L='l')} and {expr}"
                lines.append(f"let k_{form} = map(L, l => map(M, o => {expr}))")
        if self.frames:
            lines.append("let k_visible = map(frames, f => map(M, o => visible(o, f)))")
            lines.append("let k_depth = map(frames, f => map(M, o => depth(o, f) in m))")
            lines.append(
                "let k_bearing = map(frames, f => map(M, o => view_bearing(o, f) in deg))")
        lines.append("answer 0")
        return "\n".join(lines)

    def run_keys(self) -> dict:
        text = self.key_program()
        checked = compile_source(text, "<refer keys>")
        if not checked.ok:  # a bug in the search, never bad input
            raise RuntimeError(f"reference key program does not compile: "
                               f"{checked.diagnostics[0].message}\n{text}")
        keys = _run(checked, self.scene)
        if "relation" in self.landmark_kinds:
            self.steady_overlap(keys)
        return keys

    def steady_overlap(self, keys: dict) -> None:
        """Adds ``k_overlap_all`` / ``k_overlap_any``: whether the (landmark, object)
        footprints overlap at every / at some of 5 relative positions: as they are and
        with every landmark moved horizontally by r * sqrt(2) along +-x and +-y
        (r = RELATION_BAND_M, the most 2 cm of jitter moves two centres apart).

        The overlap is `above(o, l)` evaluated with the landmarks moved 1 km down, where
        the height condition always holds. The relative shifts for which two footprints
        overlap form a convex set, so an overlap at the 4 shifts (a diamond whose
        inscribed circle has radius r) is an overlap at every shift up to r. No overlap
        at any of the 5 is taken as clear (the jitter trials of the proof stay the last
        word for the rare footprint a diagonal move could still reach).
        """
        text = "\n".join(line for line in self.key_program().splitlines()
                         if line.startswith(("let s", "let M ", "let L ")))
        overlap = compile_source(text + "\nlet k_overlap = map(L, l => map(M, o => above(o, l)))"
                                 "\nanswer 0", "<refer overlap>")
        node = overlap.program.statements[-2].value
        landmarks = np.flatnonzero(keys["L"][0])
        step = RELATION_BAND_M * 2 ** 0.5
        names = {k: keys[k] for k in ("L", "M")}
        seen = []
        for dx, dy in ((0.0, 0.0), (step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)):
            delta = np.zeros((self.scene.n, 3))
            delta[landmarks] = (dx, dy, -1000.0)
            evaluator = Evaluator(overlap, jitter_scene(self.scene, delta), _SEARCH_LIMITS)
            value, rejection = evaluator.evaluate(node, names)
            if rejection is not None:  # a bug in the search, never bad input
                raise RuntimeError(f"reference overlap key rejected: {rejection.kind}")
            seen.append(np.asarray(value[0], dtype=bool).reshape(len(landmarks), -1))
        keys["k_overlap_all"] = np.logical_and.reduce(seen)
        keys["k_overlap_any"] = np.logical_or.reduce(seen)



def _sure_inside(a: str, b: str) -> str:
    """Bool: ``inside(a, b)`` keeps its value whatever 2 cm jitter does to a and b.

    The centres move apart by at most r = RELATION_BAND_M. Inside: the 6 points at
    r * sqrt(3) from a's centre along the world axes are inside b's box; their
    octahedron (convex, like the box) holds the ball of radius r. Outside: the volumes
    rule it out, or a's centre is more than r from b's box (the cheap distance test
    first: farther than b's longest extent + r from b's centre).
    """
    step = f"{RELATION_BAND_M * 3 ** 0.5:.4f}m"
    zero = "0m"
    shifts = [(step, zero, zero), (zero, step, zero), (zero, zero, step)]
    points = [f"inside({a}.center {sign} vec({x}, {y}, {z}), {b})"
              for x, y, z in shifts for sign in "+-"]
    far = f"distance({a}, {b}) > {b}.longest + {RELATION_BAND_M}m"
    outside = (f"{a}.volume >= {b}.volume or {far} or "
               f"gap({a}.center, {b}) > {RELATION_BAND_M}m")
    return f"if inside({a}, {b}) then {' and '.join(points)} else {outside}"



def _slug(key: str) -> str:
    return key.replace("o.", "").replace(".", "_")


def _run(checked: Checked, scene: Scene) -> dict:
    """The `let` values of a search program (a rejection is a bug in the search)."""
    evaluator = Evaluator(checked, scene, _SEARCH_LIMITS)
    _, rejection = evaluator.run()
    if rejection is not None:
        raise RuntimeError(f"reference key program rejected: {rejection.kind}: "
                           f"{rejection.message}")
    return evaluator.globals
