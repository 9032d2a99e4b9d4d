"""Candidate references from the keys of one scene: per category the extremes, stack
ranks, distances and distance ranks to landmarks, relations (with their bands and
naturalness filters) and view references, each with its margins."""

from __future__ import annotations

from functools import partial

import numpy as np

from spatial_dsl.lang import ast, build
from spatial_dsl.tolerances import BEARING_MARGIN_DEG, NEAR_WITHIN_M
from ..names import natural_name
from ..scenes.model import SUPPORT_NOT_RECORDED, SUPPORT_ON
from .keys import _KeyProgram
from .landmarks import _with_article
from .margins import _distance_margin, _distance_ranks, _extreme_margin, _stack_ranks
from .model import (
    _EXTREMES, _RELATIONS, MAX_CONTAINED_SHARE, MAX_LANDMARK_SHARE, RELATION_BAND_M,
    Reference, _Candidate, _extreme_key, _Group, _Relation,
)


def _ranked(fn: str, members, key) -> ast.Call:
    """``fn(members, o => key)``: argmax / argmin / sort of a set by a key of ``o``."""
    return build.call(fn, members, build.lam("o", key))


class _Search(_KeyProgram):
    """Builds and runs the key program of one scene and turns keys into candidates."""

    def _sure_level(self, keys: dict, row: int, g: _Group, rel: _Relation, lm: int) -> bool:
        """`on` / `above` / `below` and converses keep their value for every member under
        the jitter: each member either fails the height condition or the footprint
        overlap whatever the jitter does, or passes both whatever it does. An `on` whose
        resting side has its support recorded (the scene's `support`: on or in its
        parent, or fixed) follows the record, which the jitter does not move; the
        geometric rule's other conditions (top clear by 2 cm, half the footprint over the
        support) are left to the jitter proof."""
        name, thresholds = rel.band
        r = RELATION_BAND_M
        dz = np.asarray(keys[name][row], dtype=float)[g.cols]
        low, high = thresholds[0], (thresholds[1] if len(thresholds) > 1 else np.inf)
        z_true = (dz >= low + r) & (dz <= high - r)
        z_false = (dz < low - r) | (dz > high + r)
        overlap_all = keys["k_overlap_all"][row][g.cols]
        overlap_any = keys["k_overlap_any"][row][g.cols]
        sure = z_false | ~overlap_any | (z_true & overlap_all)
        if rel.resting == "o":
            sure |= self.scene.support[g.objs] != SUPPORT_NOT_RECORDED
        elif rel.resting == "L":
            sure |= bool(self.scene.support[lm] != SUPPORT_NOT_RECORDED)
        return bool(np.all(sure))

    # ----------------------------------------------------------------- candidates

    def candidates(self) -> list[_Candidate]:
        if not self.targets:
            return []
        scene = self.scene
        out: list[_Candidate] = []
        if "label" in self.kinds:
            for i in self.targets:
                if scene.has_label[i]:
                    label = scene.labels[i]
                    out.append(_Candidate(i, Reference(
                        scene.ids[i], "label", "label",
                        build.call("the", build.call("find", build.string(label))),
                        _with_article(label))))
        if not self.kinds - {"label"}:
            return out
        keys = self.run_keys()
        members = np.flatnonzero(keys["M"])  # columns of every per-object key list
        column = {int(i): j for j, i in enumerate(members)}
        landmarks = self._usable_landmarks(keys)
        for j, category in enumerate(self.multi):
            objs = np.flatnonzero(keys[f"s{j}"])
            cols = np.array([column[int(i)] for i in objs])
            group = _Group(category, natural_name(category),
                           build.call("find", build.string(category)), objs, cols)
            if "extreme" in self.kinds:
                out += self._extremes(group, keys)
            for row, i in landmarks:
                member = i in group.objs
                if member and not self.landmarks[i].chained:
                    continue  # a labelled member is no landmark for its own category
                # A member is its own nearest: "the drawer nearest the highest drawer"
                # would need the landmark filtered out; relations exclude it below.
                if "distance" in self.landmark_kinds and not member:
                    out += self._distances(group, keys, row, i)
                if "relation" in self.landmark_kinds:
                    out += self._relations(group, keys, row, i)
            if self.frames:
                out += self._views(group, keys)
        return out

    def _usable_landmarks(self, keys: dict) -> list[tuple[int, int]]:
        """(row in the landmark key lists, object index) of the landmarks kept."""
        if "L" not in keys:
            return []
        rows = np.flatnonzero(keys["L"])
        share, holds = keys["k_share"], keys["k_holds"]
        others = self.scene.n - 1
        kept = []
        for row, i in enumerate(rows):
            if share[row] > MAX_LANDMARK_SHARE:
                self.rejected["landmark:huge"] += 1
            elif others and holds[row] > MAX_CONTAINED_SHARE * others:
                self.rejected["landmark:contains everything"] += 1
            else:
                kept.append((row, int(i)))
        return kept

    def _target(self, g: _Group, position: int) -> int | None:
        """The object at ``position`` of the group, if it is of the group's category.

        ``find(category)`` may also match another category's label; such an object is
        not referred to as "the ... <category>".
        """
        i = int(g.objs[position])
        return i if self.scene.categories[i] == g.category else None

    def _winner(self, g: _Group, values: np.ndarray, positions: np.ndarray, maximise: bool,
                margin, reason: str) -> tuple[int, float, float, str] | None:
        """The member with the best key, if ``margin(best, runner_up)`` holds and it is of
        the group's category: (object index, best, runner-up, "argmax" / "argmin").
        ``positions`` maps each value to the member's position in the group."""
        order = np.argsort(-values if maximise else values, kind="stable")
        a, b = float(values[order[0]]), float(values[order[1]])
        if not margin(a, b):
            self.rejected[f"margin:{reason}"] += 1
            return None
        i = self._target(g, int(positions[order[0]]))
        return None if i is None else (i, a, b, "argmax" if maximise else "argmin")

    def _extremes(self, g: _Group, keys: dict) -> list[_Candidate]:
        out = []
        everyone = np.arange(len(g.objs))
        for form, key, maximise, rule in _EXTREMES:
            values = np.asarray(keys[f"k_{key}"], dtype=float)[g.cols]
            won = self._winner(g, values, everyone, maximise,
                               partial(_extreme_margin, maximise=maximise, rule=rule), form)
            if won is None:
                continue
            i, a, b, fn = won
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "extreme", form, _ranked(fn, g.find, _extreme_key(key)),
                f"the {form} {g.noun}", best=a, runner_up=b)))
        z = np.asarray(keys["k_center_z"], dtype=float)[g.cols]
        for position, rank, index in _stack_ranks(z):
            i = self._target(g, position)
            if i is not None:
                out.append(_Candidate(i, Reference(
                    self.scene.ids[i], "extreme", rank,
                    build.index(_ranked("sort", g.find, _extreme_key("center_z")), index),
                    f"the {rank} {g.noun}")))
        return out

    def _about(self, lm: int) -> dict:
        """The landmark fields of a reference relative to object ``lm``."""
        return {"landmark": self.scene.ids[lm], "chained": self.landmarks[lm].chained}

    def _distances(self, g: _Group, keys: dict, row: int, lm: int) -> list[_Candidate]:
        out = []
        L, lm_text = self.landmarks[lm].expr, self.landmarks[lm].text
        values = np.asarray(keys["k_distance"][row], dtype=float)[g.cols]
        for form, maximise in (("nearest", False), ("farthest", True)):
            won = self._winner(g, values, np.arange(len(g.objs)), maximise, _distance_margin,
                               form)
            if won is None:
                continue
            i, a, b, fn = won
            text = f"the {g.noun} nearest {lm_text}" if form == "nearest" else \
                f"the {g.noun} farthest from {lm_text}"
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "distance", form,
                _ranked(fn, g.find, build.call("distance", "o", L)), text,
                best=a, runner_up=b, **self._about(lm))))
        for position, rank, index in _distance_ranks(values):  # rows of cabinets
            i = self._target(g, position)
            if i is None:
                continue
            word = "to" if rank.endswith("nearest") else "from"
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "distance", rank,
                build.index(_ranked("sort", g.find, build.call("distance", "o", L)), index),
                f"the {rank} {g.noun} {word} {lm_text}", **self._about(lm))))
        return out

    def _relations(self, g: _Group, keys: dict, row: int, lm: int) -> list[_Candidate]:
        out = []
        L, lm_text = self.landmarks[lm].expr, self.landmarks[lm].text
        own = np.flatnonzero(g.objs == lm)  # the landmark's own position (same category)
        for form, rel in _RELATIONS.items():
            if form == "near":
                holds = np.asarray(keys["k_gap"][row], dtype=float)[g.cols] <= NEAR_WITHIN_M
                holds[own] = False  # near(a, b) needs a != b
            else:  # the other relations are irreflexive (language.md v0.2)
                holds = np.asarray(keys[f"k_{form}"][row], dtype=bool)[g.cols]
            count = int(holds.sum())
            if count == 0:
                continue
            if form in ("inside", "containing") and self._against_parent(g, holds, form, lm):
                self.rejected[f"recorded parent:{form}"] += 1
                continue
            if rel.band is not None:
                name, thresholds = rel.band
                values = np.asarray(keys[name][row], dtype=float)[g.cols]
                if rel.overlap:
                    unsure = not self._sure_level(keys, row, g, rel, lm)
                elif thresholds:
                    unsure = any(np.any(np.abs(values - t) < RELATION_BAND_M)
                                 for t in thresholds)
                else:  # a Bool key: the relation is sure to keep its value
                    unsure = not bool(np.all(values))
                if unsure:
                    self.rejected[f"margin:{form}"] += 1
                    continue
            if count > 1:
                self.rejected[f"not alone:{form}"] += 1
                if own.size:  # "the tallest book near the tallest book" reads as a riddle
                    self.rejected[f"own category extreme:{form}"] += 1
                    continue
                out += self._relation_extremes(g, keys, holds, form, rel, L, lm_text, lm)
                continue
            position = int(np.flatnonzero(holds)[0])
            i = self._target(g, position)
            if i is None:
                continue
            if rel.resting is not None and not self._natural_on(keys, g.cols[position], row,
                                                                 rel.resting):
                self.rejected[f"unnatural:{form}"] += 1
                continue
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "relation", form,
                build.call("the", _filtered(g, rel, L)),
                f"the {g.noun} {rel.phrase.format(lm=lm_text)}", **self._about(lm))))
        return out

    def _against_parent(self, g: _Group, holds: np.ndarray, form: str, lm: int) -> bool:
        """Whether a containment contradicts the scene's recorded parent: an alarm clock
        recorded on a side table lies in an armchair's box where the table stands in it,
        and a pillow recorded on a bed lies in the bed's box (headboard included), but
        "the armchair containing the alarm clock" and "the pillow inside the bed" are
        false for a reader. An inner object with a recorded parent must be held by the
        outer one, and not as resting on it (support "on")."""
        if form == "inside":  # members inside the landmark
            inner, outer = g.objs[holds], np.full(int(holds.sum()), lm)
        else:  # the landmark inside members
            outer = g.objs[holds]
            inner = np.full(len(outer), lm)
        parent, support = self.scene.parent[inner], self.scene.support[inner]
        recorded = parent >= 0
        return bool(np.any(recorded & ((parent != outer) | (support == SUPPORT_ON))))

    @staticmethod
    def _natural_on(keys: dict, col: int, row: int, resting: str) -> bool:
        """The resting side of an `on` is the smaller footprint and rests on nothing else."""
        own = float(keys["k_footprint"][col])
        other = float(keys["k_lm_footprint"][row])
        if resting == "o":
            return own < other and int(keys["k_supports"][col]) == 1
        return other < own and int(keys["k_lm_supports"][row]) == 1

    def _relation_extremes(self, g: _Group, keys: dict, holds: np.ndarray, form: str,
                           rel: _Relation, L: str, lm_text: str, lm: int) -> list[_Candidate]:
        """Extremes among the members the relation holds for ("the highest drawer below
        the toaster", "the largest cabinet near the fridge"), with the extremes' margins."""
        out = []
        subset = np.flatnonzero(holds)
        where = _filtered(g, rel, L)
        for extreme, key, maximise, rule in _EXTREMES:
            values = np.asarray(keys[f"k_{key}"], dtype=float)[g.cols][subset]
            won = self._winner(g, values, subset, maximise,
                               partial(_extreme_margin, maximise=maximise, rule=rule),
                               f"{extreme} {form}")
            if won is None:
                continue
            i, a, b, fn = won
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "relation", f"{extreme} {form}",
                _ranked(fn, where, _extreme_key(key)),
                f"the {extreme} {g.noun} {rel.phrase.format(lm=lm_text)}",
                best=a, runner_up=b, **self._about(lm))))
        z = np.asarray(keys["k_center_z"], dtype=float)[g.cols][subset]
        for position, rank, index in _stack_ranks(z):
            i = self._target(g, int(subset[position]))
            if i is not None:
                out.append(_Candidate(i, Reference(
                    self.scene.ids[i], "relation", f"{rank} {form}",
                    build.index(_ranked("sort", where, _extreme_key("center_z")), index),
                    f"the {rank} {g.noun} {rel.phrase.format(lm=lm_text)}",
                    **self._about(lm))))
        return out

    def _views(self, g: _Group, keys: dict) -> list[_Candidate]:
        out = []
        scene = self.scene
        for f in range(scene.frames.count):
            visible = np.asarray(keys["k_visible"][f], dtype=bool)[g.cols]
            shown = np.flatnonzero(visible)
            if len(shown) == 0:
                continue
            F = build.call("frame", f)
            in_view = build.call("filter", g.find, build.lam("o", build.call("visible", "o", F)))
            if len(shown) == 1:
                i = self._target(g, int(shown[0]))
                if i is not None:
                    out.append(_Candidate(i, Reference(
                        scene.ids[i], "view", "only", build.call("the", in_view),
                        f"the {g.noun} in this view", frame=f)))
                continue
            depth = np.asarray(keys["k_depth"][f], dtype=float)[g.cols][shown]
            bearing = np.asarray(keys["k_bearing"][f], dtype=float)[g.cols][shown]
            for form, values, maximise, key in (
                    ("closest", depth, False, build.call("depth", "o", F)),
                    ("leftmost", bearing, True, build.call("view_bearing", "o", F)),
                    ("rightmost", bearing, False, build.call("view_bearing", "o", F))):
                margin = _distance_margin if form == "closest" else \
                    (lambda a, b: abs(a - b) >= BEARING_MARGIN_DEG)
                won = self._winner(g, values, shown, maximise, margin, form)
                if won is None:
                    continue
                i, a, b, fn = won
                out.append(_Candidate(i, Reference(
                    scene.ids[i], "view", form, _ranked(fn, in_view, key),
                    f"the {form} {g.noun} in this view", frame=f, best=a, runner_up=b)))
        return out


def _filtered(g: _Group, rel: _Relation, landmark) -> ast.Call:
    """``filter(find(category), o => <relation of o to the landmark>)``."""
    return build.call("filter", g.find, build.lam("o", rel.holds(build.name("o"), landmark)))
