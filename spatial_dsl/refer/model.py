"""What a reference search produces and works with: the kinds and forms of references
(the extremes, the relations and their bands, the simplest-first order), the records
``Reference`` / ``ObjectReferences`` / ``ReferenceReport``, and the small records the
search passes around (candidates, landmarks, category groups)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from spatial_dsl.tolerances import (
    BEARING_MARGIN_DEG, ELEVATION_MARGIN_M, NEAR_WITHIN_M, SUPPORT_TOLERANCE,
)
from ..runtime.eval import Limits
from ..runtime.jitter import DEFAULT_RADIUS

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



@dataclass
class _Group:
    """The members of ``find(category)`` and their columns in the key lists."""

    category: str
    noun: str  # natural name
    cat: str  # the category as a string literal
    objs: np.ndarray  # object indices
    cols: np.ndarray  # their columns in the per-object key lists
