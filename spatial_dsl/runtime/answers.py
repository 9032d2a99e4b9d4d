"""Canonical serialization of answers (language.md §6), and when two answers are the same.

An Object is serialised by its label here, as §6 says; where an answer is shown to a
reader (``spdsl run``, dataset items) ``spatial_dsl.naming.in_words`` renders it in the
words a question uses instead, and ``Answer.ids`` keeps the object ids.

``same_element`` is the project's one answer-equivalence: the stability check of
``spdsl generate`` (run-time values on the scene and its jittered copies), the stability
check of ``spdsl synth`` and ``verify`` (serialised answers) and synth's agreement of two
programs' numbers all use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spatial_dsl.lang import types as T
from ..scenes.model import Scene
from .values import element


_NUMBERS = (int, float, np.integer, np.floating)
# Added to a relative tolerance, so that an answer of 0 still matches its roundoff; one
# figure for same_element and its array form same_elements, which must agree.
_ABSOLUTE_SLACK = 1e-12


def same_element(expected, got, tolerance: float = 0.0) -> bool:
    """Whether ``got`` is the same answer (element) as ``expected``.

    Numbers within ``tolerance`` relative to ``expected`` (``|got - expected| <=
    tolerance * |expected|``, synthesis.md's "within 5 %" of the original answer; 0 means
    equal); a Bool by its truth; a list or tuple element by element; a serialised
    object (a dict) by its id; anything else (Int counts and frames when the caller
    passes no tolerance, strings, object rows) equal. Both run-time values and
    serialised answers are accepted."""
    if isinstance(expected, list | tuple):
        return isinstance(got, list | tuple) and len(expected) == len(got) and all(
            same_element(x, y, tolerance) for x, y in zip(expected, got))
    if isinstance(expected, bool | np.bool_) or isinstance(got, bool | np.bool_):
        return bool(expected) == bool(got)
    if tolerance and isinstance(expected, _NUMBERS) and isinstance(got, _NUMBERS):
        e = float(expected)
        return abs(float(got) - e) <= tolerance * abs(e) + _ABSOLUTE_SLACK
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.get("id") == got.get("id")
    return expected == got


def same_elements(expected: np.ndarray, got: np.ndarray, tolerance: float = 0.0
                  ) -> np.ndarray | None:
    """``same_element`` row by row over two 1-D arrays of booleans, numbers or strings
    (what a batch of scalar answers is), with the same operations in the same
    floating-point order; None when the arrays are anything else (the caller compares
    element by element then)."""
    if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)
            and expected.ndim == got.ndim == 1):
        return None
    if expected.dtype.kind == got.dtype.kind == "O":  # strings: equal (a rejected row: None)
        strings = all(x is None or isinstance(x, str) for x in [*expected, *got])
        return (expected == got).astype(bool) if strings else None
    if expected.dtype.kind not in "biuf" or got.dtype.kind not in "biuf":
        return None
    if expected.dtype.kind == "b" or got.dtype.kind == "b":
        return (expected != 0) == (got != 0)  # by truth
    if tolerance:
        e, g = expected.astype(np.float64), got.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: nan, not the same
            return np.abs(g - e) <= tolerance * np.abs(e) + _ABSOLUTE_SLACK
    if expected.dtype.kind != got.dtype.kind:
        return None  # an int against a float is compared exactly by Python, not numpy
    return expected == got


@dataclass(frozen=True)
class Answer:
    text: str  # the canonical answer string
    value: object  # the typed JSON value
    type: str  # the SpatialDSL type, e.g. "Length"
    unit: str | None  # base unit of an unconverted quantity
    # Object / List[Object] answers: the ids of the objects, in answer order (else None)
    ids: list[str] | None = None

    def to_json(self) -> dict:
        out = {"answer": self.text, "value": self.value, "type": self.type, "unit": self.unit}
        if self.ids is not None:
            out["answer_ids"] = list(self.ids)
        return out


def format_number(x: float) -> str:
    """Shortest decimal that round-trips (`3` rather than `3.0`, never exponent notation)."""
    x = float(x)
    if x == 0:
        return "0"
    return np.format_float_positional(x, unique=True, trim="-")


def _plain(value, t: T.Type, scene: Scene):
    """(text, JSON value) of one element of type t."""
    if t == T.BOOL:
        return ("yes" if value else "no"), bool(value)
    if t in (T.INT, T.FRAME):
        index = int(scene.frames.index[int(value)]) if t == T.FRAME else int(value)
        return str(index), index
    if t == T.STR:
        return str(value), str(value)
    if t == T.OBJECT:
        i = int(value)
        return scene.labels[i], {"id": scene.ids[i], "label": scene.labels[i],
                                 "category": scene.categories[i]}
    number = float(value)
    return format_number(number), number


def serialize(value, t: T.Type, scene: Scene) -> Answer:
    """The answer record of a top-level (one-row) value."""
    item = element(value, 0)
    unit = T.BASE_UNIT.get(t)
    if isinstance(t, T.ListType):
        pairs = [_plain(v, t.elem, scene) for v in item]
        text = ", ".join(p[0] for p in pairs)
        ids = [p[1]["id"] for p in pairs] if t.elem == T.OBJECT else None
        return Answer(text, [p[1] for p in pairs], str(t), T.BASE_UNIT.get(t.elem), ids)
    text, plain = _plain(item, t, scene)
    return Answer(text, plain, str(t), unit, [plain["id"]] if t == T.OBJECT else None)
