"""Comparing answers: agreement of two programs for one question and stability under
jitter (synthesis.md step 4), and ``Check``, the result of every verification check
(``synth.verify`` lists them all)."""

from __future__ import annotations

from dataclasses import dataclass

from ..runtime.answers import Answer, same_element
from ..scenes.model import normalise_name
from ..tolerances import AGREEMENT_TOLERANCE, STABLE_TOLERANCE

NUMERIC = ("Int", "Number", "Length", "Area", "Volume", "Angle")
RELATIVE = ("Number", "Length", "Area", "Volume", "Angle")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def to_json(self) -> dict:
        return {"check": self.name, "ok": self.ok, "detail": self.detail}


def _shown(answer: Answer) -> str:
    return repr(answer.text + (f" {answer.unit}" if answer.unit else ""))


# ----------------------------------------------------------------------- comparison


def _elem_type(t: str) -> tuple[bool, str]:
    if t.startswith("List[") and t.endswith("]"):
        return True, t[5:-1]
    return False, t


def _texts_of(value, t: str) -> set[str]:
    if t == "Object" and isinstance(value, dict):
        texts = {normalise_name(str(value.get("label", ""))),
                 normalise_name(str(value.get("category", "")))}
        if value.get("name"):  # the words of naming.in_words: "the shortest vase"
            texts.add(normalise_name(_without_article(str(value["name"]))))
        return texts
    return {normalise_name(_without_article(str(value)))}


def _without_article(text: str) -> str:
    return text[4:] if text.casefold().startswith("the ") else text


def _elem_close(x, tx: str, y, ty: str, tolerance: float) -> bool:
    """``y`` (of type ``ty``) agrees with ``x``: numbers by ``same_element`` (relative to
    ``x``; two Ints equal), objects by id, a Str naming the object, else equal."""
    if tx in NUMERIC and ty in NUMERIC:
        if isinstance(x, bool) or isinstance(y, bool):
            return False
        if same_element(x, y, 0.0 if tx == ty == "Int" else tolerance):
            return True
        return "Int" not in (tx, ty) and _rounded_from(y, x)
    if tx == "Object" and ty == "Object":
        return isinstance(x, dict) and isinstance(y, dict) and same_element(x, y)
    if {tx, ty} <= {"Object", "Str"}:
        return bool(_texts_of(x, tx) & _texts_of(y, ty))
    return tx == ty and x == y


def converted_units(node) -> set[str]:
    """The units a program (or an expression) converts to with ``in``."""
    from spatial_dsl.lang import ast

    return {n.unit for n in ast.walk(node) if isinstance(n, ast.InUnit)}


def conversion_unit(program) -> str | None:
    """The one unit a program converts to with ``in`` (None: none, or several)."""
    units = converted_units(program)
    return units.pop() if len(units) == 1 else None


def in_base_units(answer: Answer, unit: str | None) -> Answer:
    """A Number answer (or list of them) that its program converted to ``unit``, as the
    quantity it measures, in base units (``1.51`` from ``in m`` is 1.51 m; ``151`` from
    ``in cm`` is 1.51 m too); any other answer unchanged."""
    from spatial_dsl.lang import types as T

    listed, t = _elem_type(answer.type)
    if t != "Number" or unit not in T.UNITS:
        return answer
    dimension, factor = T.UNITS[unit]
    value = [x * factor for x in answer.value] if listed else answer.value * factor
    kind = f"List[{dimension}]" if listed else str(dimension)
    return Answer(answer.text, value, kind, T.BASE_UNIT[dimension], answer.ids)


def _decimals(x: float) -> int:
    from ..runtime.answers import format_number

    return len(format_number(x).partition(".")[2])


def _rounded_from(coarse, fine) -> bool:
    """``coarse`` is ``fine`` rounded to fewer decimals (4 m for 3.88 m): a sample that
    rounded more than the item agrees with it; the item keeps its own, finer answer."""
    from ..runtime.reference.scalars import round_half_away

    try:
        places = _decimals(coarse)
        return places < _decimals(fine) and abs(round_half_away(fine, places) - coarse) <= 1e-9
    except (TypeError, ValueError, OverflowError):
        return False


def answers_agree(a: Answer, b: Answer, tolerance: float = AGREEMENT_TOLERANCE,
                  units: tuple[str | None, str | None] = (None, None)) -> bool:
    """Same answer: same unit, numbers within ``tolerance`` (relative to ``a``), Ints equal,
    objects the same object (or a Str naming it), everything else equal. ``units``: the
    unit each answer's program converted to (``conversion_unit``), if any: a Number so
    converted agrees with the quantity it measures ("1.51" from ``round(gap(a, b) in m, 2)``
    and 1.509 m from ``gap(a, b)``, which Qwen2.5-Coder-1.5B's samples gave for one
    question), and with a Number converted to another unit of its dimension. A number of
    ``b`` that is ``a``'s rounded to fewer decimals agrees with it (``_rounded_from``; not
    the other way: the item's answer is ``a``)."""
    converted = in_base_units(a, units[0]), in_base_units(b, units[1])
    if converted[0].type == converted[1].type:
        a, b = converted
    if a.unit != b.unit:
        return False
    la, ta = _elem_type(a.type)
    lb, tb = _elem_type(b.type)
    if la != lb:
        return False
    if not la:
        return _elem_close(a.value, ta, b.value, tb, tolerance)
    return len(a.value) == len(b.value) and all(
        _elem_close(x, ta, y, tb, tolerance) for x, y in zip(a.value, b.value))


def stable_answer(original: Answer, trial: Answer) -> bool:
    """The stability comparison: numbers and quantities within 5 %, all else equal."""
    if original.type != trial.type or original.unit != trial.unit:
        return False
    _, t = _elem_type(original.type)
    tolerance = STABLE_TOLERANCE if t in RELATIVE else 0.0
    return same_element(original.value, trial.value, tolerance)
