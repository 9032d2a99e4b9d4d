"""Type fit by dimension and unit: a question that names a dimension (and a unit) is
answered in it, and a bare number says its unit in the question (``verify`` documents the
rules; ``type_fit`` applies them)."""

from __future__ import annotations

import re

from ..runtime.answers import Answer
from .agreement import Check, _elem_type, converted_units


# (dimension, answer type, words naming it, units: {unit: words naming it}); the
# earliest match in the question decides.
_DIMENSIONS = (
    ("area", "Area", r"\barea\b|\bsquare (?:met|centimet|millimet)\w*|\bm2\b|m²|\bcm2\b"
     r"|\bfloor space\b", {"m2": r"square met\w*|\bm2\b|m²", "cm2": r"square centimet\w*"
                                                                 r"|\bcm2\b"}),
    ("volume", "Volume", r"\bvolume\b|\bcubic\b|\blit(?:er|re)s?\b|\bm3\b|m³|\bcm3\b",
     {"m3": r"cubic met\w*|\bm3\b|m³", "cm3": r"cubic centimet\w*|\bcm3\b",
      "L": r"\blit(?:er|re)s?\b"}),
    ("angle", "Angle", r"\bangle\b|\bdegrees?\b", {"deg": r"\bdegrees?\b"}),
    ("length", "Length", r"\bdistance\b|\bhow (?:far|tall|high|long|wide|deep|close)\b|"
     r"\bfar apart\b|\bheight\b|\blength\b|\bwidth\b|\bdepth\b|\bgap\b|"
     r"\b(?:centi|milli)?met(?:er|re)s?\b|\bcm\b|\bmm\b",
     {"m": r"\bmet(?:er|re)s?\b", "cm": r"\bcentimet(?:er|re)s?\b|\bcm\b",
      "mm": r"\bmillimet(?:er|re)s?\b|\bmm\b"}),
)


def folded(question: str | None) -> str:
    """A question as the text checks read it: lower-cased, curly apostrophes made straight,
    one space between words."""
    return " ".join((question or "").casefold().replace("’", "'").split())


def question_dimension(question: str) -> tuple[str, str, str | None] | None:
    """(dimension, answer type, unit the question names or None) of a question that names
    a dimension, else None."""
    q = folded(question)
    best = None
    for name, type_name, words, units in _DIMENSIONS:
        m = re.search(words, q)
        if m and (best is None or m.start() < best[0]):
            unit = next((u for u, pattern in units.items() if re.search(pattern, q)), None)
            best = (m.start(), name, type_name, unit)
    return best[1:] if best else None


def dimension_fit(question: str, answer: Answer, program, cue: str | None) -> Check:
    """A question that names a dimension (and a unit) is answered in it, and a bare number
    converted with ``in`` has its unit named. ``program``: the program (its AST, or its
    text), whose ``in`` conversions say what a Number measures; ``cue``: the question's
    kind (``verify.question_cue``)."""
    units = _units_table()
    conversions = {u for u in converted_units(_program_node(program)) if u in units}
    unstated = unit_unstated(question, answer, conversions)
    if unstated is not None:
        return unstated
    found = question_dimension(question)
    if found is None or cue not in ("measure", None):
        return Check("type_fit", True, "the question names no dimension")
    dimension, type_name, unit = found
    is_list, t = _elem_type(answer.type)
    if is_list or t not in (type_name, "Number"):
        return Check("type_fit", False, f"an {dimension} question needs an answer of type "
                     f"{type_name} (or a Number converted from one with `in`), not "
                     f"{answer.type}" if dimension[0] in "aeiou" else
                     f"a {dimension} question needs an answer of type {type_name} (or a "
                     f"Number converted from one with `in`), not {answer.type}")
    # the program's own conversions, not the words "in cm" of the question it quotes
    measured = {str(units[u][0]) for u in conversions}
    if t == "Number" and measured and type_name not in measured:
        return Check("type_fit", False, f"the question asks for {_article(dimension)} "
                     f"{dimension}, the program converts to {', '.join(sorted(conversions))}, "
                     f"{_article(sorted(measured)[0])} {sorted(measured)[0]}")
    if unit is None:
        return Check("type_fit", True, f"a {dimension} question answers {answer.type}")
    if t == type_name and answer.unit and answer.unit != unit:
        return Check("type_fit", False, f"the question asks for {unit}, the answer is in "
                     f"{answer.unit}: convert with `in {unit}`")
    same_dimension = sorted(u for u in conversions if str(units[u][0]) == type_name)
    if t == "Number" and same_dimension and unit not in same_dimension:
        return Check("type_fit", False, f"the question asks for {unit}, the program converts "
                     f"to {', '.join(same_dimension)}: write `in {unit}`")
    return Check("type_fit", True, f"a {dimension} question in {unit} answers {answer.type}")


_UNIT_NAMES = {"m": "meters", "cm": "centimeters", "mm": "millimeters", "m2": "square meters",
               "cm2": "square centimeters", "m3": "cubic meters", "cm3": "cubic centimeters",
               "L": "liters", "deg": "degrees"}


def unit_unstated(question: str, answer: Answer, conversions: set[str]) -> Check | None:
    """A failing check when the answer is a bare number its program converted with ``in``
    and the question names no unit at all ("How big is the area of the room?" answered
    35.1: square meters or square feet?), else None. A question naming another unit is
    the dimension check's to judge."""
    if _elem_type(answer.type)[1] != "Number" or not conversions:
        return None
    q = folded(question)
    if any(re.search(_unit_words(u), q) for u in _UNIT_NAMES):
        return None
    unit = sorted(conversions)[0]
    return Check("type_fit", False, f"the answer is a bare number in {unit}, and the question "
                 f"does not say so: name the unit in the question (\"in {_UNIT_NAMES[unit]}\")")


def _unit_words(unit: str) -> str:
    """What names ``unit`` in a lower-cased question: its words, or the symbol itself."""
    words = next(units[unit] for *_, units in _DIMENSIONS if unit in units)
    return words + rf"|\b{re.escape(unit.casefold())}\b" + ("|°" if unit == "deg" else "")


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


def _program_node(program):
    """A program's AST, from the AST itself or from its text (parsed, not checked)."""
    if not isinstance(program, str):
        return program
    from spatial_dsl.lang.check.checker import compile_source

    return compile_source(program, "program.sp").program


def _units_table() -> dict:
    from spatial_dsl.lang.types import UNITS

    return UNITS
