"""What a reference search produces and works with: the kinds and forms of references
(the extremes, the relations and their bands, the simplest-first order), the records
``Reference`` / ``ObjectReferences`` / ``ReferenceReport``, and the small records the
search passes around (candidates, landmarks, category groups)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import build as b
from spatial_dsl.lang.printer import expr as print_expr
from spatial_dsl.tolerances import (
    BEARING_MARGIN_DEG, ELEVATION_MARGIN_M, NEAR_WITHIN_M, SUPPORT_TOLERANCE,
)
from ..runtime.eval import Limits
from ..runtime.jitter import DEFAULT_RADIUS

# The margins (extremes, nearest / farthest, highest / lowest, view bearings) and the
# `near` radius of a relation are spatial_dsl.tolerances'.
NEAR_WITHIN = b.quantity(NEAR_WITHIN_M, "m")
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

# form, key, maximise, margin rule
_EXTREMES = (
    ("tallest", "height", True, "relative"), ("shortest", "height", False, "relative"),
    ("largest", "volume", True, "relative"), ("smallest", "volume", False, "relative"),
    ("highest", "center_z", True, "elevation"), ("lowest", "center_z", False, "elevation"),
)
# key -> (the member's attributes it reads, the unit of its key list ``k_<key>``)
_EXTREME_KEYS = {"height": (("height",), "m"), "volume": (("volume",), "m3"),
                 "center_z": (("center", "z"), "m")}


def _extreme_key(key: str, member: str = "o") -> ast.Expr:
    """The quantity an extreme ranks by: ``o.height``, ``o.volume``, ``o.center.z``."""
    return b.attr(member, *_EXTREME_KEYS[key][0])


# (member, landmark) -> a Bool expression of the two
RelationBuilder = Callable[[ast.Expr, ast.Expr], ast.Expr]


@dataclass(frozen=True)
class _Relation:
    holds: RelationBuilder  # the relation of the member to the landmark
    phrase: str  # rendering after the noun; ``{lm}`` is the landmark's rendering
    # The key program evaluates ``prefilter and holds``: a cheap condition the relation
    # implies (so the key is exactly the relation), to skip costly geometry on pairs
    # that cannot hold.
    prefilter: RelationBuilder | None = None
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


def _rel_level(upper: ast.Expr, lower: ast.Expr) -> ast.Expr:
    """``upper.bottom >= lower.top - 0.05m``: `above` implies it; `on` does not where it
    follows a recorded parent (a pillow on a bed whose box, headboard included, reaches
    0.4 m over the pillow's bottom)."""
    return b.compare(">=", b.attr(upper, "bottom"),
                     b.binop("-", b.attr(lower, "top"), b.quantity(SUPPORT_TOLERANCE, "m")))


def _builtin(func: str, converse: bool = False) -> RelationBuilder:
    """``func(member, landmark)``, or with ``converse`` ``func(landmark, member)``."""
    if converse:
        return lambda o, landmark: b.call(func, landmark, o)
    return lambda o, landmark: b.call(func, o, landmark)

_BAND = (-SUPPORT_TOLERANCE, SUPPORT_TOLERANCE)  # `on`: |bottom - top| <= tolerance
# relation form -> definition, in the order they are preferred. `near` is read from the
# gap key (language.md: near(a, b, within) is gap(a, b) <= within, a != b).
_RELATIONS = {
    "on": _Relation(_builtin("on"), "on {lm}", resting="o", band=("k_over", _BAND),
                    overlap=True),
    "inside": _Relation(_builtin("inside"), "inside {lm}", band=("k_inside_sure", ())),
    "containing": _Relation(_builtin("inside", converse=True), "containing {lm}",
                            band=("k_containing_sure", ())),
    "supporting": _Relation(_builtin("on", converse=True), "with {lm} on it", resting="L",
                            band=("k_under", _BAND), overlap=True),
    "near": _Relation(lambda o, landmark: b.call("near", o, landmark, within=NEAR_WITHIN),
                      "near {lm}", band=("k_gap", (NEAR_WITHIN_M,))),
    "above": _Relation(_builtin("above"), "above {lm}", _rel_level,
                       band=("k_over", _BAND[:1]), overlap=True),
    "below": _Relation(_builtin("below"), "below {lm}",
                       lambda o, landmark: _rel_level(landmark, o),
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
    expr: ast.Expr  # a SpatialDSL expression of type Object
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
    def expression(self) -> str:
        """The expression's canonical text (``printer.expr``)."""
        return print_expr(self.expr)

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

    expr: ast.Expr  # an Object expression: ``the("Window")``, or a proved reference's
    text: str  # "the window", "the tallest cabinet"
    chained: bool = False  # selected by a proved reference (a later round)


@dataclass
class _Group:
    """The members of ``find(category)`` and their columns in the key lists."""

    category: str
    noun: str  # natural name
    find: ast.Call  # ``find("<category>")``, the set the group's references rank
    objs: np.ndarray  # object indices
    cols: np.ndarray  # their columns in the per-object key lists
