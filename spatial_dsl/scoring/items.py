"""Scoring one item: its kind (``item_kind``), the metric of each kind (accuracy, MRA,
the angle accuracy, exact list match with a partial score) and ``score_item``."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .replies import (
    clean, key, letter_index, parse_angle, parse_bool, parse_choice, parse_list, parse_number,
)

THRESHOLDS = tuple(Decimal(50 + 5 * k) / 100 for k in range(10))  # 0.50, 0.55, ..., 0.95
NUMERIC_TYPES = ("Int", "Number", "Length", "Area", "Volume", "Angle")
METRICS = {"choice": "acc", "bool": "acc", "text": "acc", "frame": "acc", "number": "MRA",
           "angle": "MAA", "list": "exact"}


def item_kind(record: dict) -> str:
    """choice, bool, angle, number, list, frame or text (see the module docstring)."""
    answer_type = str(record.get("answer_type") or "")
    if record.get("choices"):
        return "choice"
    if answer_type == "Bool" or (not answer_type and record.get("answer") in ("yes", "no")):
        return "bool"
    if answer_type in NUMERIC_TYPES:
        return "angle" if _is_angle(record) else "number"
    if answer_type.startswith("List"):
        return "list"
    if answer_type == "Frame":
        return "frame"
    return "text"


def _answer_line(program: str) -> str:
    lines = [line for line in program.splitlines() if line.lstrip().startswith("answer")]
    return lines[-1] if lines else ""


def _is_angle(record: dict) -> bool:
    if record.get("unit") == "deg":
        return True
    program = record.get("program")
    return isinstance(program, str) and bool(re.search(r"\bin\s+deg\b", _answer_line(program)))


def _asked_unit(record: dict) -> str | None:
    """The unit the answer is written in: the record's, or its program's ``in <unit>``."""
    if record.get("unit"):
        return record["unit"]
    program = record.get("program")
    if not isinstance(program, str):
        return None
    found = re.findall(r"\bin\s+(mm|cm|m|m2|cm2|m3|cm3|L|deg)\b", _answer_line(program))
    return found[-1] if found else None


@lru_cache(maxsize=4096)
def _unordered(program: str) -> bool:
    """The answer is ``labels(S)`` or ``S`` with S typed Objects (a set): order is noise."""
    from spatial_dsl.lang import ast
    from spatial_dsl.lang import types as T
    from spatial_dsl.lang.check.checker import compile_source

    try:
        checked = compile_source(program, "<item>")
    except Exception:  # a program we cannot check is compared strictly, as a sequence
        return False
    if not checked.ok:
        return False
    answers = [s for s in checked.program.statements if isinstance(s, ast.Answer)]
    if not answers:
        return False
    expr = answers[-1].value
    if isinstance(expr, ast.Call) and expr.func == "labels" and len(expr.args) == 1:
        expr = expr.args[0]
    return checked.type_of(expr) == T.OBJECTS


def mra(prediction: Decimal, truth: Decimal) -> float:
    """VSI-Bench's Mean Relative Accuracy, exactly (see the module docstring)."""
    if truth == 0:
        return 1.0 if prediction == 0 else 0.0
    error = abs(prediction - truth)
    return sum(1 for t in THRESHOLDS if error <= (1 - t) * abs(truth)) / len(THRESHOLDS)


def angle_accuracy(prediction: Decimal, truth: Decimal) -> float:
    """MRA's thresholds over the wrapped difference, with 180 degrees as the scale."""
    d = abs((prediction - truth + 180) % 360 - 180)
    d = min(d, 360 - d)  # Decimal's % keeps the dividend's sign
    return sum(1 for t in THRESHOLDS if d <= (1 - t) * 180) / len(THRESHOLDS)


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


@dataclass
class ScoredItem:
    id: str
    task: str
    scene: str
    modality: str
    kind: str
    status: str  # ok, missing or unparsed
    score: float
    prediction: str | None = None  # the reply as given
    read: str | None = None  # what the reply was read as
    partial: float | None = None  # lists only


def _correct_index(record: dict) -> int | None:
    choices = [str(c) for c in record["choices"]]
    letter = record.get("answer_choice")
    if isinstance(letter, str) and len(letter) == 1:
        index = letter_index(letter, len(choices))
        if index is not None:
            return index
    answer = key(str(record.get("answer", "")))
    return next((i for i, c in enumerate(choices) if key(c) == answer), None)


def score_item(record: dict, prediction: str | None) -> ScoredItem:
    """One item's score for one reply (None: no prediction)."""
    kind = item_kind(record)
    item = ScoredItem(str(record.get("id")), str(record.get("task")),
                      str(record.get("scene")), str(record.get("modality")), kind,
                      "missing", 0.0, prediction)
    if prediction is None:
        return item
    if not clean(prediction):
        item.status = "unparsed"
        return item
    read, score, partial = _SCORERS[kind](record, prediction)
    if read is None:
        item.status = "unparsed"
        if kind == "list":
            item.partial = 0.0
        return item
    item.status, item.read, item.score, item.partial = "ok", read, score, partial
    return item


def _score_choice(record, prediction):
    index = parse_choice(prediction, [str(c) for c in record["choices"]])
    if index is None:
        return None, 0.0, None
    read = f"{'ABCDEFGH'[index]}. {record['choices'][index]}"
    return read, float(index == _correct_index(record)), None


def _score_bool(record, prediction):
    said = parse_bool(prediction)
    if said is None:
        return None, 0.0, None
    return said, float(said == str(record.get("answer", "")).strip().casefold()), None


def _score_number(record, prediction):
    value = parse_number(prediction, _asked_unit(record))
    truth = as_decimal(record.get("answer"))
    if value is None or truth is None:
        return None, 0.0, None
    return _show(value), mra(value, truth), None


def _score_angle(record, prediction):
    value = parse_angle(prediction)
    truth = as_decimal(record.get("answer"))
    if value is None or truth is None:
        return None, 0.0, None
    return _show(value), angle_accuracy(value, truth), None


def _score_list(record, prediction):
    said = parse_list(prediction)
    if not said:
        return None, 0.0, None
    truth = parse_list(str(record.get("answer", "")))
    program = record.get("program")
    unordered = isinstance(program, str) and _unordered(program)
    if unordered:
        exact = Counter(said) == Counter(truth)
        matched = sum((Counter(said) & Counter(truth)).values())
    else:
        exact = said == truth
        matched = _lcs(said, truth)
    partial = 2 * matched / (len(said) + len(truth)) if said or truth else 1.0
    return ", ".join(said), float(exact), partial


def _score_frame(record, prediction):
    value = parse_number(prediction)
    truth = as_decimal(record.get("answer"))
    if value is None or truth is None:
        return None, 0.0, None
    return _show(value), float(value == truth), None


def _score_text(record, prediction):
    said = clean(prediction)
    ids = record.get("answer_ids") or []
    ids = [ids] if isinstance(ids, str) else ids
    right = key(said) == key(str(record.get("answer", ""))) or said in [str(i) for i in ids]
    return said, float(right), None


_SCORERS = {"choice": _score_choice, "bool": _score_bool, "number": _score_number,
            "angle": _score_angle, "list": _score_list, "frame": _score_frame,
            "text": _score_text}


def as_decimal(text) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _show(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def score_items(records: list[dict], predictions: dict[str, str | None]) -> list[ScoredItem]:
    return [score_item(r, predictions.get(str(r.get("id")))) for r in records]
