"""Referring expressions: SpatialDSL expressions that provably select one object.

SPRITE names objects by captioning crops with a model; spdsl *synthesizes*
references instead (synthesis.md, "Referring expressions"). For every object of
a category that occurs more than once, ``find_references`` searches, simplest
first (the ``kind`` of a reference; its ``form`` says which variant):

1. ``label``    the scene's own unique label: ``the(find("red chair"))``;
2. ``extreme``  tallest / shortest / largest (volume) / smallest of its category,
                ``argmax(find("Chair"), o => o.height)``; also highest / lowest
                (centre height: "the highest shelf") and, in a stack, the ranks
                between: "the second-highest shelf", "the middle shelf",
                ``sort(find("Shelf"), o => o.center.z)[-2]``;
3. ``distance`` nearest / farthest of its category to a unique landmark:
                ``argmin(find("Chair"), o => distance(o, the("Window")))``, and
                the ranks between along a row ("the second-nearest cabinet to
                the fridge", ``sort(find("Cabinet"), o => distance(o, ...))[1]``);
4. ``relation`` a relation to a unique landmark that holds for it alone:
                ``the(filter(find("Mug"), o => on(o, the("DiningTable"))))``.
                Relations: ``on``, ``inside``, ``near(within=0.5m)`` (the spec's)
                and, as additions, their converses "containing the spoon"
                (``inside(L, o)``) and "with the toaster on it" (``on(L, o)``),
                ``above`` and ``below``. ``inside`` / "containing" is not used
                where it contradicts a recorded parent (the inner object is
                recorded on, or in, another object). When a relation holds for several
                members, an extreme or a stack rank among them ("the highest drawer
                below the toaster", "the largest cabinet near the fridge", "the
                second-lowest drawer near the sink", same margins as kind 2);
5. ``view``     (``frames=True``) in one frame, the leftmost / rightmost /
                closest of its category among those visible, or the only one
                visible: ``argmin(filter(find("Stool"), o => visible(o, frame(3))),
                o => depth(o, frame(3)))``. ``frame(i)`` is the frame's position in
                the scene's frame list (``Reference.frame``).

Chained landmarks
-----------------
Kinds 3 and 4 need a landmark, and in a kitchen the unique objects are few:
rows of drawers and cabinets stay out of reach. After the first round
(``chain`` rounds, default 1) the objects still unreferenced are searched again
with new landmarks: the objects *referenced* in the round before, each selected
by its simplest allocentric reference -- "the mug on the tallest chair",
``the(filter(find("Mug"), o => on(o, argmax(find("Chair"), o => o.height))))``
(the inner ``o`` shadows the outer one, as the language allows). Such a
reference has ``chained=True``. A landmark of the target's own category is
allowed ("the drawer near the highest drawer", "the tray on the largest tray":
every relation is irreflexive since language.md v0.2, and ``near`` excludes the
landmark), but only when the relation holds for one member: an extreme among the
members it holds for would read as a riddle ("the tallest book near the tallest
book", "the largest cabinet near the largest cabinet above the microwave").
Distances to a same-category landmark are not searched (the landmark is its own
nearest). Margins, bands and proofs are those of the first
round; the proof evaluates the whole expression, landmark included, on every
jittered copy. Measured on the 120 iTHOR rooms (``bench/bench_refer.py``): one
chained round lifts coverage from 77.1 % to 82.3 % for 25 % more time; a second
adds 1 point (83.3 %) for 15 % more and longer texts, so it is off by default.

How a reference is found and proved
-----------------------------------
The search never computes geometry itself. Per scene it compiles **one key
program** whose ``let`` values are every key the search needs, all evaluated
by the vectorized runtime in one run (``map`` over the landmarks of ``map``
over the multi-instance objects, each inner lambda vectorized over objects):
per object its height, volume and centre height; per (landmark, object) pair
the distance and every relation; per (frame, object) visibility, depth and
view bearing. From the keys the search takes, per key and category, the best
member and the runner-up and applies the margins below; a relation is a
candidate when it holds for exactly one member of the category.

Every candidate is then **proved** by the runtime: the candidate expressions of
a scene are compiled as one program (one ``let`` each) and each expression is
evaluated on its own, on the scene and on its 8 jittered copies
(``runtime.jitter``: every centre moved by up to 2 cm, seeded, built once per
scene and reusable by the caller). A candidate is kept only if all 9
evaluations answer exactly its object (a rejection -- ``NoMatch``,
``Ambiguous``, ``Borderline`` -- or another object fails it). Proofs run in
rounds: the clearest ``per_kind`` candidates of every (object, kind) first, and
the next ones only where a proof failed.

Margins (the runner-up is the second-best member of the same set)
----------------------------------------------------------------
- size extremes: the best beats the runner-up by >= 10 %: tallest
  ``h1 >= 1.1 * h2``, shortest ``h2 >= 1.1 * h1`` (volume likewise);
- highest / lowest: centre heights >= 0.15 m apart (a height above the floor has
  no meaningful ratio; stacked drawers are ~0.17 m apart); a stack rank
  (second-highest, third-lowest, middle: counted from the nearer end, up to the
  third; "middle" is the centre of an odd set) needs 0.15 m to *both* neighbours
  in the ranking, and no two members at exactly the same height (``sort`` rejects
  a tie as Borderline);
- nearest / farthest: the runner-up's distance differs by >= 20 % of the
  smaller distance **and** by >= 0.3 m; a distance rank (second-nearest,
  third-farthest, up to the third from either end) by as much from *both*
  neighbours in the ranking, and no two members at exactly the same distance;
- relations: a *band* instead of a runner-up. Jitter moves two centres apart by
  at most r = 4 cm, so a relation is a reference for (category, landmark) only
  if no member's truth could change by such a move:
  ``near``: no member's gap within 4 cm of 0.5 m; ``on`` / ``above`` / ``below``
  (and converses): an ``on`` whose resting side has its support recorded (the
  scene's ``support``, as every AI2-THOR object has) follows the record and is
  sure; otherwise no member's height difference (``bottom - top``) within 4 cm
  of the -5 cm / +5 cm tolerances, and no member's footprint overlap changes
  when the landmarks move by r * sqrt(2) along +-x and +-y (4 shifted copies of
  the scene; convexity makes an overlap at those 4 shifts an overlap at every
  shift up to r); ``inside`` / ``containing``: every member's centre either
  farther than r from the box or inside it with the 6 points at r * sqrt(3)
  along the world axes inside too (their octahedron holds the ball of radius r).
  Every band quantity is a key of the key program. A near-miss the bands let
  through still meets the jitter proof (``RELATION_BAND_M = 0`` turns the bands
  off and leaves the proof alone, as synthesis.md minimally asks);
- view, closest: depth (camera z) margin >= 20 % and >= 0.3 m, as for distances;
- view, leftmost / rightmost: >= 10 degrees of ``view_bearing`` between the
  best and the runner-up. The bearing (``atan2(-x, z)`` in camera coordinates)
  orders objects by image column, which is what "leftmost in this view" means;
  raw camera x does not (a near object slightly right of the axis can have a
  smaller x than a far object well right of it);
- view, only one visible: "the stool in this view" needs no margin.

Naturalness filters (candidates that would be true but refer to nothing a person
would say): in an ``on`` the resting object must have the smaller footprint and
rest on nothing else (in a scene without support records, a crate resting on a
smaller box is "the box with the crate on it" rather than "the crate on the box",
and a mug on a plate 1 cm above a table rests on both); ``find(category)``
members of another category (matched by their label) are never referred to as
"the ... <category>".

Landmarks
---------
A landmark is an object ``the(NAME)`` selects on its own: its category occurs
once (``find(category)`` matches exactly it), or else its explicit label does.
Excluded, because "nearest the floor" or "inside the room" says nothing:

- structural categories: floor, wall, ceiling, room (and plurals);
- huge objects: footprint larger than a third of the room's floor area (the box
  of an L-shaped AI2-THOR countertop can cover 70 % of a kitchen);
- containers of everything: boxes holding the centres of more than half of the
  scene's other objects (a "room" box in imported scans).

Both exclusion keys (footprint share, contained count) come from the key program.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from spatial_dsl.tolerances import (
    BEARING_MARGIN_DEG, DISTANCE_MARGIN_M, DISTANCE_MARGIN_REL, ELEVATION_MARGIN_M,
    EXTREME_MARGIN, NEAR_WITHIN_M, SUPPORT_TOLERANCE,
)
from spatial_dsl.lang.check.checker import Checked, compile_source
from .names import natural_name
from spatial_dsl.lang.printer import format_string
from .runtime.eval import Evaluator, Limits
from .runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jitter_scene, jittered_scenes
from .scenes.model import SUPPORT_NOT_RECORDED, SUPPORT_ON, Scene, normalise_name

__all__ = [
    "EXTREME_MARGIN", "DISTANCE_MARGIN_M", "DISTANCE_MARGIN_REL", "BEARING_MARGIN_DEG",
    "NEAR_WITHIN", "KINDS", "ObjectReferences", "Reference", "ReferenceReport",
    "binding_domain", "find_references", "references_for_binding", "jitter_for",
]

# The margins (extremes, nearest / farthest, highest / lowest, view bearings) and the
# `near` radius of a relation are spatial_dsl.tolerances'.
NEAR_WITHIN = f"{NEAR_WITHIN_M:g}m"
# twice the jitter radius: the most a gap or a height difference between two boxes can
# change when each centre moves by up to 2 cm
RELATION_BAND_M = 2 * DEFAULT_RADIUS
MAX_LANDMARK_SHARE = 1 / 3  # of the room's floor area
MAX_CONTAINED_SHARE = 0.5  # of the scene's other objects
STRUCTURAL = frozenset({"floor", "floors", "wall", "walls", "ceiling", "ceilings", "room"})
DEFAULT_PER_KIND = 2  # references proved per object and kind (None: all)
DEFAULT_CHAIN = 1  # chained rounds: landmarks referenced in the round before

# kind -> level (1 = simplest)
KINDS = {"label": 1, "extreme": 2, "distance": 3, "relation": 4, "view": 5}

# Limits for the search's own programs (the references themselves are tiny).
_SEARCH_LIMITS = Limits(steps=10 ** 9, seconds=600.0)

# form, key expression (of o), maximise, margin rule
_EXTREMES = (
    ("tallest", "o.height", True, "relative"), ("shortest", "o.height", False, "relative"),
    ("largest", "o.volume", True, "relative"), ("smallest", "o.volume", False, "relative"),
    ("highest", "o.center.z", True, "elevation"), ("lowest", "o.center.z", False, "elevation"),
)
_EXTREME_KEYS = {"o.height": "o.height in m", "o.volume": "o.volume in m3",
                 "o.center.z": "o.center.z in m"}


@dataclass(frozen=True)
class _Relation:
    expr: str  # the relation of the member ``o`` to the landmark ``{L}``
    phrase: str  # rendering after the noun; ``{lm}`` is the landmark's rendering
    # The key program evaluates ``prefilter and expr``: a cheap condition the relation
    # implies (so the key is exactly the relation), to skip costly geometry on pairs
    # that cannot hold.
    prefilter: str | None = None
    # Which side rests on the other ("o" or "L"), for `on`: only natural when the resting
    # object is the smaller one and rests on nothing else (not "the crate on the box"
    # for a crate wider than the box it rests on; see the module doc).
    resting: str | None = None
    # Thresholded quantity (a key list of the key program) and its thresholds: a member
    # whose value lies within RELATION_BAND_M of a threshold could flip under the jitter,
    # so the relation is no reference for that category and landmark.
    band: tuple[str, tuple[float, ...]] | None = None
    # For on / above / below and converses: the band is on the height difference and on
    # the footprint overlap (see _Search.steady_overlap and _sure_level).
    overlap: bool = False


_TOL = f"{SUPPORT_TOLERANCE:g}m"
# `above` implies this; `on` does not where it follows a recorded parent (a pillow on a bed
# whose box, headboard included, reaches 0.4 m over the pillow's bottom).
_REL_LEVEL = "{a}.bottom >= {b}.top - " + _TOL
_BAND = (-SUPPORT_TOLERANCE, SUPPORT_TOLERANCE)  # `on`: |bottom - top| <= tolerance
# relation form -> definition, in the order they are preferred. `near` is read from the
# gap key (language.md: near(a, b, within) is gap(a, b) <= within, a != b).
_RELATIONS = {
    "on": _Relation("on(o, {L})", "on {lm}", resting="o", band=("k_over", _BAND),
                    overlap=True),
    "inside": _Relation("inside(o, {L})", "inside {lm}", band=("k_inside_sure", ())),
    "containing": _Relation("inside({L}, o)", "containing {lm}",
                            band=("k_containing_sure", ())),
    "supporting": _Relation("on({L}, o)", "with {lm} on it", resting="L",
                            band=("k_under", _BAND), overlap=True),
    "near": _Relation(f"near(o, {{L}}, within={NEAR_WITHIN})", "near {lm}",
                      band=("k_gap", (NEAR_WITHIN_M,))),
    "above": _Relation("above(o, {L})", "above {lm}", _REL_LEVEL.format(a="o", b="{L}"),
                       band=("k_over", _BAND[:1]), overlap=True),
    "below": _Relation("below(o, {L})", "below {lm}", _REL_LEVEL.format(a="{L}", b="o"),
                       band=("k_under", _BAND[:1]), overlap=True),
}
_FORM_ORDER = {form: i for i, form in enumerate(
    [e[0] for e in _EXTREMES] + ["nearest", "farthest"]
    + [f"{o}-{end}" for o in ("second", "third") for end in ("nearest", "farthest")]
    + list(_RELATIONS)
    + [f"{e[0]} {r}" for r in _RELATIONS for e in _EXTREMES]
    + [f"{o}-{end}" for o in ("second", "third") for end in ("highest", "lowest")] + ["middle"]
    + [f"{o}-{end} {r}" for r in _RELATIONS for o in ("second", "third")
       for end in ("highest", "lowest")] + [f"middle {r}" for r in _RELATIONS]
    + ["only", "closest", "leftmost", "rightmost"])}


@dataclass(frozen=True)
class Reference:
    """One proved reference to one object."""

    object_id: str
    kind: str  # label | extreme | distance | relation | view
    form: str  # label, tallest, ..., nearest, farthest, on, ..., leftmost, closest, only
    expression: str  # a SpatialDSL expression of type Object
    text: str  # natural rendering, with its article: "the chair nearest the window"
    landmark: str | None = None  # the landmark's object id (distance, relation)
    frame: int | None = None  # frame position (``frame(i)``) for view references
    best: float | None = None  # key of the object (extreme, distance, view) ...
    runner_up: float | None = None  # ... and of the runner-up, in the key's unit
    chained: bool = False  # the landmark is selected by its own reference, not by name

    @property
    def level(self) -> int:
        return KINDS[self.kind]

    @property
    def bare(self) -> str:
        """The rendering without its leading article ("chair nearest the window")."""
        return self.text[4:] if self.text.startswith("the ") else self.text

    def to_json(self) -> dict:
        out = {"kind": self.kind, "level": self.level, "form": self.form,
               "expression": self.expression, "text": self.text}
        for name in ("landmark", "frame", "best", "runner_up", "chained"):
            value = getattr(self, name)
            if value is not None and value is not False:
                out[name] = round(value, 6) if isinstance(value, float) else value
        return out


@dataclass
class ObjectReferences:
    object_id: str
    category: str
    label: str
    references: list[Reference] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.object_id, "category": self.category, "label": self.label,
                "references": [r.to_json() for r in self.references]}


@dataclass
class ReferenceReport:
    scene: str
    frames: bool  # whether view references (kind 5) were searched
    objects: list[ObjectReferences]  # every object of a multi-instance category, by id
    rejected: Counter = field(default_factory=Counter)  # reason -> candidates dropped
    seconds: float = 0.0

    @property
    def unreferenced(self) -> list[str]:
        return [o.object_id for o in self.objects if not o.references]

    @property
    def referenced(self) -> int:
        return sum(1 for o in self.objects if o.references)

    @property
    def coverage(self) -> float:
        """Share of multi-instance objects with at least one reference (1.0 if none)."""
        return self.referenced / len(self.objects) if self.objects else 1.0

    @property
    def references(self) -> list[Reference]:
        return [r for o in self.objects for r in o.references]

    def by_kind(self) -> Counter:
        return Counter(r.kind for r in self.references)

    def to_json(self) -> dict:
        return {"scene": self.scene, "frames": self.frames,
                "multi_instance": len(self.objects), "referenced": self.referenced,
                "coverage": round(self.coverage, 4),
                "by_kind": dict(sorted(self.by_kind().items(), key=lambda kv: KINDS[kv[0]])),
                "rejected": dict(sorted(self.rejected.items())),
                "objects": [o.to_json() for o in self.objects],
                "unreferenced": self.unreferenced}


# ----------------------------------------------------------------------------- search


def jitter_for(scene: Scene, seed: int = 0, trials: int = DEFAULT_TRIALS,
               radius: float = DEFAULT_RADIUS) -> list[Scene]:
    """The jittered copies the search proves references on (deterministic per scene)."""
    derived = zlib.crc32(f"{seed}\x1f{scene.id}\x1frefer".encode())
    return jittered_scenes(scene, trials, radius, derived)


def find_references(scene: Scene, frames: bool = False, *, jittered: list[Scene] | None = None,
                    seed: int = 0, kinds: tuple[str, ...] | None = None,
                    per_kind: int | None = DEFAULT_PER_KIND,
                    chain: int = DEFAULT_CHAIN) -> ReferenceReport:
    """Proved references of every object of a multi-instance category, simplest first.

    ``frames`` adds view references (kind 5) when the scene has frames.
    ``jittered`` reuses jittered copies of the scene (default: ``jitter_for(scene, seed)``).
    ``kinds`` restricts the search (default: all of ``KINDS``, minus ``view`` unless
    ``frames``). ``per_kind`` bounds the references proved per object and kind (and
    frame, for view references): the clearest candidates first, a candidate that fails
    its proof replaced by the next one; ``None`` proves every candidate.
    ``chain`` is the number of chained rounds: objects still unreferenced get distance
    and relation references whose landmark is an object referenced in the round before
    ("the drawer below the tallest cabinet"); 0 turns them off.
    """
    started = time.perf_counter()
    search = _Search(scene, frames, kinds)
    rejected = search.rejected
    jitter = _JitterOnce(scene, seed, jittered)
    proved = _prove_in_rounds(scene, search.candidates(), jitter, rejected, per_kind)
    fresh = set(proved)
    for _ in range(chain):
        landmarks = _chain_landmarks(scene, proved, fresh)
        waiting = {i for i in search.targets if i not in proved}
        if not landmarks or not waiting or not search.landmark_kinds_wanted:
            break
        chained = _Search(scene, False, tuple(search.landmark_kinds_wanted), landmarks=landmarks,
                          categories={scene.categories[i] for i in waiting})
        chained.rejected = rejected
        found = [c for c in chained.candidates() if c.target in waiting]
        more = _prove_in_rounds(scene, found, jitter, rejected, per_kind)
        proved.update(more)
        fresh = set(more)
    objects = [ObjectReferences(scene.ids[i], scene.categories[i], scene.labels[i],
                                sorted(proved.get(i, ()), key=_order)) for i in search.targets]
    return ReferenceReport(scene.id, search.frames, objects, rejected,
                           time.perf_counter() - started)


class _JitterOnce:
    """The jittered copies, built on first use (a scene without candidates needs none)."""

    def __init__(self, scene: Scene, seed: int, jittered: list[Scene] | None):
        self.scene, self.seed, self.copies = scene, seed, jittered

    def get(self) -> list[Scene]:
        if self.copies is None:
            self.copies = jitter_for(self.scene, self.seed)
        return self.copies


def _prove_in_rounds(scene: Scene, candidates: list[_Candidate], jitter: _JitterOnce,
                     rejected: Counter, per_kind: int | None) -> dict[int, list[Reference]]:
    """Object index -> its proved references. Rounds: the clearest ``per_kind``
    candidates of every (object, kind[, frame]) first, the next ones only where a proof
    failed."""
    groups: dict[tuple[int, str, int | None], list[_Candidate]] = {}
    for cand in sorted(candidates, key=lambda c: _order(c.ref)):
        groups.setdefault((cand.target, cand.ref.kind, cand.ref.frame), []).append(cand)
    proved: dict[tuple[int, str, int | None], list[Reference]] = {key: [] for key in groups}
    taken = dict.fromkeys(groups, 0)
    while True:
        batch = []
        for key, group in groups.items():
            want = len(group) if per_kind is None else per_kind - len(proved[key])
            if want > 0 and taken[key] < len(group):
                batch += group[taken[key]:taken[key] + want]
                taken[key] += want
        if not batch:
            break
        for cand in _prove(scene, batch, jitter.get(), rejected):
            proved[cand.target, cand.ref.kind, cand.ref.frame].append(cand.ref)
    per_object: dict[int, list[Reference]] = {}
    for (i, _, _), refs in proved.items():
        if refs:
            per_object.setdefault(i, []).extend(refs)
    return per_object


def _chain_landmarks(scene: Scene, proved: dict[int, list[Reference]],
                     fresh: set[int]) -> dict[int, _Landmark]:
    """Objects first referenced in the last round, as landmarks by their simplest
    allocentric reference (a view reference holds in one frame only)."""
    out = {}
    for i in sorted(fresh):
        refs = sorted((r for r in proved[i] if r.kind != "view"), key=_order)
        if refs:
            out[i] = _Landmark(refs[0].expression, refs[0].text, chained=True)
    return out


def references_for_binding(scene: Scene, frames: bool = False, *, frame: int | None = None,
                           best_only: bool = True, include_unique: bool = False,
                           jittered: list[Scene] | None = None, seed: int = 0,
                           kinds: tuple[str, ...] | None = None,
                           ) -> list[tuple[str, str, str]]:
    """A ``Ref`` parameter domain: ``(object id, expression, text)`` triples.

    ``{a}`` renders ``text`` ("the chair nearest the window"); the item's program
    gets ``let a = <expression>`` (type Object), so it stays runnable with
    ``spdsl run``. See ``binding_domain`` for the options; this runs the search
    (with view references when ``frames`` or ``frame`` is given) and calls it.
    """
    report = find_references(scene, frames or frame is not None, jittered=jittered, seed=seed,
                             kinds=kinds, per_kind=1 if best_only else DEFAULT_PER_KIND)
    return binding_domain(report, scene, frame=frame, best_only=best_only,
                          include_unique=include_unique)


def binding_domain(report: ReferenceReport, scene: Scene, *, frame: int | None = None,
                   best_only: bool = True, include_unique: bool = False,
                   include_structural: bool = True) -> list[tuple[str, str, str]]:
    """``(object id, expression, text)`` triples from a search report, by object id.

    - ``best_only`` (default): each referenced object once, with its simplest
      reference; otherwise every reference of the report, simplest first per object.
    - View references ("the leftmost stool in this view") only make sense in an
      image item that shows their frame: they are left out unless ``frame`` (a frame
      position, as in ``frame(i)``) is given, and then only that frame's are kept.
      One search with ``frames=True`` serves every frame.
    - ``include_unique`` also offers each object of a single-instance category as
      ``the("Fridge")`` / "the fridge" (when ``find`` selects exactly it).
    - ``include_structural=False`` leaves out floors, walls, ceilings and rooms
      (``STRUCTURAL``), which no template question is about.
    """
    out: list[tuple[str, str, str]] = []
    if include_unique:
        for i, (name, text) in _unique_names(scene).items():
            if scene.categories[i] == name:
                out.append((scene.ids[i], f"the({format_string(name)})", text))
    for entry in report.objects:
        refs = [r for r in entry.references if r.kind != "view" or
                (frame is not None and r.frame == frame)]
        for r in refs[:1] if best_only else refs:
            out.append((r.object_id, r.expression, r.text))
    order = {oid: i for i, oid in enumerate(scene.ids)}
    if not include_structural:
        out = [t for t in out if normalise_name(scene.categories[order[t[0]]]) not in STRUCTURAL]
    return sorted(out, key=lambda t: order[t[0]])  # stable: simplest first per object


def _order(ref: Reference) -> tuple:
    """Simplest first: by level, frame, a fixed form order, then the clearest margin."""
    strength = 0.0
    if ref.best is not None and ref.runner_up is not None:
        gap = abs(ref.best - ref.runner_up)
        if ref.form in ("leftmost", "rightmost"):
            strength = gap / BEARING_MARGIN_DEG
        elif ref.form.split()[0] in ("highest", "lowest"):
            strength = gap / ELEVATION_MARGIN_M
        else:
            low = min(abs(ref.best), abs(ref.runner_up))
            strength = gap / low if low > 0 else float("inf")
    frame = ref.frame if ref.frame is not None else -1
    form = _FORM_ORDER.get(ref.form, 0)
    if ref.kind == "distance":  # the clearest landmark first, nearest before farthest
        return (ref.level, frame, -strength, form, ref.text)
    return (ref.level, frame, form, -strength, ref.text)


def _unique_names(scene: Scene) -> dict[int, tuple[str, str]]:
    """Object index -> (name ``the(name)`` selects it by, rendering) for unique objects."""
    out: dict[int, tuple[str, str]] = {}
    for i in range(scene.n):
        category = scene.categories[i]
        mask = scene.name_index.get(normalise_name(category))
        if mask is not None and mask.sum() == 1 and mask[i]:
            out[i] = (category, "the " + natural_name(category))
            continue
        if scene.has_label[i]:
            label = scene.labels[i]
            mask = scene.name_index.get(normalise_name(label))
            if mask is not None and mask.sum() == 1 and mask[i]:
                out[i] = (label, _with_article(label))
    return out


def _unique_landmarks(scene: Scene) -> dict[int, _Landmark]:
    """The objects ``the(NAME)`` selects on their own, minus structural ones."""
    out = {}
    for i, (name, text) in _unique_names(scene).items():
        if STRUCTURAL.isdisjoint({normalise_name(scene.categories[i]), normalise_name(name)}):
            out[i] = _Landmark(f"the({format_string(name)})", text)
    return out


def _with_article(label: str) -> str:
    lowered = label.casefold()
    return label if lowered.startswith(("the ", "a ", "an ")) else "the " + label


def _union(parts: list[str]) -> str:
    """A balanced ``union`` tree (the nesting limit is 64)."""
    if len(parts) == 1:
        return parts[0]
    mid = len(parts) // 2
    return f"union({_union(parts[:mid])}, {_union(parts[mid:])})"


@dataclass
class _Candidate:
    target: int  # object index
    ref: Reference


@dataclass(frozen=True)
class _Landmark:
    """An object a reference may be relative to, and how it is selected and said."""

    expr: str  # an Object expression: ``the("Window")``, or a proved reference's
    text: str  # "the window", "the tallest cabinet"
    chained: bool = False  # selected by a proved reference (a later round)


class _Search:
    """Builds and runs the key program of one scene and turns keys into candidates."""

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
        dz = np.asarray(keys[name][0][row], dtype=float)[g.cols]
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
                        scene.ids[i], "label", "label", f"the(find({format_string(label)}))",
                        _with_article(label))))
        if not self.kinds - {"label"}:
            return out
        keys = self.run_keys()
        members = np.flatnonzero(keys["M"][0])  # columns of every per-object key list
        column = {int(i): j for j, i in enumerate(members)}
        landmarks = self._usable_landmarks(keys)
        for j, category in enumerate(self.multi):
            objs = np.flatnonzero(keys[f"s{j}"][0])
            cols = np.array([column[int(i)] for i in objs])
            group = _Group(category, natural_name(category), format_string(category), objs, cols)
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
        rows = np.flatnonzero(keys["L"][0])
        share, holds = keys["k_share"][0], keys["k_holds"][0]
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
            values = np.asarray(keys[f"k_{_slug(key)}"][0], dtype=float)[g.cols]
            won = self._winner(g, values, everyone, maximise,
                               partial(_extreme_margin, maximise=maximise, rule=rule), form)
            if won is None:
                continue
            i, a, b, fn = won
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "extreme", form, f"{fn}(find({g.cat}), o => {key})",
                f"the {form} {g.noun}", best=a, runner_up=b)))
        z = np.asarray(keys["k_center_z"][0], dtype=float)[g.cols]
        for position, rank, index in _stack_ranks(z):
            i = self._target(g, position)
            if i is not None:
                out.append(_Candidate(i, Reference(
                    self.scene.ids[i], "extreme", rank,
                    f"sort(find({g.cat}), o => o.center.z)[{index}]", f"the {rank} {g.noun}")))
        return out

    def _about(self, lm: int) -> dict:
        """The landmark fields of a reference relative to object ``lm``."""
        return {"landmark": self.scene.ids[lm], "chained": self.landmarks[lm].chained}

    def _distances(self, g: _Group, keys: dict, row: int, lm: int) -> list[_Candidate]:
        out = []
        L, lm_text = self.landmarks[lm].expr, self.landmarks[lm].text
        values = np.asarray(keys["k_distance"][0][row], dtype=float)[g.cols]
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
                f"{fn}(find({g.cat}), o => distance(o, {L}))", text,
                best=a, runner_up=b, **self._about(lm))))
        for position, rank, index in _distance_ranks(values):  # rows of cabinets
            i = self._target(g, position)
            if i is None:
                continue
            word = "to" if rank.endswith("nearest") else "from"
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "distance", rank,
                f"sort(find({g.cat}), o => distance(o, {L}))[{index}]",
                f"the {rank} {g.noun} {word} {lm_text}", **self._about(lm))))
        return out

    def _relations(self, g: _Group, keys: dict, row: int, lm: int) -> list[_Candidate]:
        out = []
        L, lm_text = self.landmarks[lm].expr, self.landmarks[lm].text
        own = np.flatnonzero(g.objs == lm)  # the landmark's own position (same category)
        for form, rel in _RELATIONS.items():
            if form == "near":
                holds = np.asarray(keys["k_gap"][0][row], dtype=float)[g.cols] <= NEAR_WITHIN_M
                holds[own] = False  # near(a, b) needs a != b
            else:  # the other relations are irreflexive (language.md v0.2)
                holds = np.asarray(keys[f"k_{form}"][0][row], dtype=bool)[g.cols]
            count = int(holds.sum())
            if count == 0:
                continue
            if form in ("inside", "containing") and self._against_parent(g, holds, form, lm):
                self.rejected[f"recorded parent:{form}"] += 1
                continue
            if rel.band is not None:
                name, thresholds = rel.band
                values = np.asarray(keys[name][0][row], dtype=float)[g.cols]
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
                f"the(filter(find({g.cat}), o => {rel.expr.format(L=L)}))",
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
        own = float(keys["k_footprint"][0][col])
        other = float(keys["k_lm_footprint"][0][row])
        if resting == "o":
            return own < other and int(keys["k_supports"][0][col]) == 1
        return other < own and int(keys["k_lm_supports"][0][row]) == 1

    def _relation_extremes(self, g: _Group, keys: dict, holds: np.ndarray, form: str,
                           rel: _Relation, L: str, lm_text: str, lm: int) -> list[_Candidate]:
        """Extremes among the members the relation holds for ("the highest drawer below
        the toaster", "the largest cabinet near the fridge"), with the extremes' margins."""
        out = []
        subset = np.flatnonzero(holds)
        where = f"filter(find({g.cat}), o => {rel.expr.format(L=L)})"
        for extreme, key, maximise, rule in _EXTREMES:
            values = np.asarray(keys[f"k_{_slug(key)}"][0], dtype=float)[g.cols][subset]
            won = self._winner(g, values, subset, maximise,
                               partial(_extreme_margin, maximise=maximise, rule=rule),
                               f"{extreme} {form}")
            if won is None:
                continue
            i, a, b, fn = won
            out.append(_Candidate(i, Reference(
                self.scene.ids[i], "relation", f"{extreme} {form}",
                f"{fn}({where}, o => {key})",
                f"the {extreme} {g.noun} {rel.phrase.format(lm=lm_text)}",
                best=a, runner_up=b, **self._about(lm))))
        z = np.asarray(keys["k_center_z"][0], dtype=float)[g.cols][subset]
        for position, rank, index in _stack_ranks(z):
            i = self._target(g, int(subset[position]))
            if i is not None:
                out.append(_Candidate(i, Reference(
                    self.scene.ids[i], "relation", f"{rank} {form}",
                    f"sort({where}, o => o.center.z)[{index}]",
                    f"the {rank} {g.noun} {rel.phrase.format(lm=lm_text)}",
                    **self._about(lm))))
        return out

    def _views(self, g: _Group, keys: dict) -> list[_Candidate]:
        out = []
        scene = self.scene
        for f in range(scene.frames.count):
            visible = np.asarray(keys["k_visible"][0][f], dtype=bool)[g.cols]
            shown = np.flatnonzero(visible)
            if len(shown) == 0:
                continue
            F = f"frame({f})"
            in_view = f"filter(find({g.cat}), o => visible(o, {F}))"
            if len(shown) == 1:
                i = self._target(g, int(shown[0]))
                if i is not None:
                    out.append(_Candidate(i, Reference(
                        scene.ids[i], "view", "only", f"the({in_view})",
                        f"the {g.noun} in this view", frame=f)))
                continue
            depth = np.asarray(keys["k_depth"][0][f], dtype=float)[g.cols][shown]
            bearing = np.asarray(keys["k_bearing"][0][f], dtype=float)[g.cols][shown]
            for form, values, maximise, key in (
                    ("closest", depth, False, f"depth(o, {F})"),
                    ("leftmost", bearing, True, f"view_bearing(o, {F})"),
                    ("rightmost", bearing, False, f"view_bearing(o, {F})")):
                margin = _distance_margin if form == "closest" else \
                    (lambda a, b: abs(a - b) >= BEARING_MARGIN_DEG)
                won = self._winner(g, values, shown, maximise, margin, form)
                if won is None:
                    continue
                i, a, b, fn = won
                out.append(_Candidate(i, Reference(
                    scene.ids[i], "view", form, f"{fn}({in_view}, o => {key})",
                    f"the {form} {g.noun} in this view", frame=f, best=a, runner_up=b)))
        return out


@dataclass
class _Group:
    """The members of ``find(category)`` and their columns in the key lists."""

    category: str
    noun: str  # natural name
    cat: str  # the category as a string literal
    objs: np.ndarray  # object indices
    cols: np.ndarray  # their columns in the per-object key lists


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


_ORDINALS = {2: "second", 3: "third"}


def _stack_ranks(z: np.ndarray) -> list[tuple[int, str, int]]:
    """Members of a set ranked between its highest and lowest by centre height, each
    at least ELEVATION_MARGIN_M from both neighbours in the ranking (so no jitter can
    swap it with one): ``(position, rank, index)`` where ``rank`` is "middle" (the
    centre of an odd set), "second-highest", "third-lowest", ... (counted from the
    nearer end, up to the third) and ``index`` its position in
    ``sort(set, o => o.center.z)``."""
    return _ranks(z, lambda low, high: high - low >= ELEVATION_MARGIN_M, "lowest", "highest",
                  middle="middle")


def _distance_ranks(d: np.ndarray) -> list[tuple[int, str, int]]:
    """Like ``_stack_ranks`` for distances to a landmark, with the nearest / farthest
    margins to both neighbours: "second-nearest", "third-farthest", ... The centre of
    an odd row is named from the near end ("third-nearest" of five), never "middle"."""
    return _ranks(d, _distance_margin, "nearest", "farthest", middle=None)


def _ranks(values: np.ndarray, apart, low: str, high: str,
           middle: str | None) -> list[tuple[int, str, int]]:
    """Members ranked strictly between the least and the greatest ``values``, each
    ``apart`` from both neighbours in the ranking: ``(position, rank, index)``, the
    rank counted from the nearer end up to the third ("second-<low>", "third-<high>";
    ``middle`` for the centre of an odd set, or with None the ordinal from the low end),
    ``index`` the member's position in the
    ascending ``sort``. None when two values are exactly equal (``sort`` rejects the
    tie as Borderline)."""
    n = len(values)
    if n < 3 or len(np.unique(values)) < n:
        return []
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    out = []
    for k in range(1, n - 1):
        if not (apart(ranked[k - 1], ranked[k]) and apart(ranked[k], ranked[k + 1])):
            continue
        from_low, from_high = k + 1, n - k
        if from_low == from_high and middle is not None:
            rank, index = middle, k
        elif from_high < from_low:
            rank, index = f"{_ORDINALS.get(from_high)}-{high}", k - n
        else:
            rank, index = f"{_ORDINALS.get(from_low)}-{low}", k
        if not rank.startswith("None"):
            out.append((int(order[k]), rank, index))
    return out


def _extreme_margin(best: float, second: float, maximise: bool, rule: str) -> bool:
    big, small = (best, second) if maximise else (second, best)
    if rule == "relative":
        return big >= (1 + EXTREME_MARGIN) * small
    return big - small >= ELEVATION_MARGIN_M


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


def _distance_margin(best: float, runner_up: float) -> bool:
    """Nearest / farthest and closest in a view: >= 0.3 m and >= 20 % of the smaller."""
    lo, hi = min(best, runner_up), max(best, runner_up)
    return hi - lo >= DISTANCE_MARGIN_M and hi - lo >= DISTANCE_MARGIN_REL * lo


# ----------------------------------------------------------------------------- proof


def _prove(scene: Scene, candidates: list[_Candidate], jittered: list[Scene],
           rejected: Counter) -> list[_Candidate]:
    """The candidates whose expression answers exactly their object on the scene and on
    every jittered copy. All expressions are compiled as one program (a `let` each);
    each is evaluated by the runtime on its own, so one rejection spoils nothing else."""
    text = "\n".join(f"let r{k} = {c.ref.expression}" for k, c in enumerate(candidates))
    checked = compile_source(text + "\nanswer 0", "<refer candidates>")
    if not checked.ok:  # a bug in the search, never bad input
        raise RuntimeError("reference candidates do not compile: "
                           f"{checked.diagnostics[0].message}")
    nodes = [stmt.value for stmt in checked.program.statements[:len(candidates)]]
    alive = np.ones(len(candidates), dtype=bool)
    for trial, world in enumerate([scene, *jittered]):
        reason = "selects another object" if trial == 0 else "unstable under jitter"
        _select(checked, world, nodes, candidates, alive, rejected, reason)
    return [c for c, ok in zip(candidates, alive) if ok]


def _select(checked: Checked, world: Scene, nodes, candidates, alive, rejected,
            reason: str) -> None:
    evaluator = Evaluator(checked, world, _SEARCH_LIMITS)
    for k in np.flatnonzero(alive):
        value, rejection = evaluator.evaluate(nodes[k], {})
        form = candidates[k].ref.form
        if rejection is not None:
            alive[k] = False
            rejected[f"{reason}:{rejection.kind}:{form}"] += 1
        elif int(np.asarray(value).reshape(-1)[0]) != candidates[k].target:
            alive[k] = False
            rejected[f"{reason}:{form}"] += 1
