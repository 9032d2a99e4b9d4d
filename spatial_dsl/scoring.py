"""Scoring a model's answers against a dataset (`spdsl score`) and trivial predictors
(`spdsl baseline`).

Every item is scored in [0, 1] by what its answer is (``item_kind``):

- **choice** (the record has ``choices``) and **bool** (a yes/no answer): accuracy. A
  choice is read from the letter, tolerant of case, brackets and punctuation ("B",
  "b", "(B)", "B.", "B) fridge", "option B"), or from the option's text ("fridge",
  "The fridge.", "house plant" for "HousePlant"), or from a reply that mentions
  exactly one option ("The fridge is closer."; an option inside a longer mentioned
  option, "left" in "front-left", does not count). When a letter and a text disagree
  ("B. sink" with B the fridge), the letter counts. A letter beyond the options or a
  text naming no option is *unparsed*. Yes/no: the first word (yes/true/y, no/false/n),
  else a reply holding exactly one of "yes"/"no".
- **number** (Int, Number and quantities): VSI-Bench's Mean Relative Accuracy (Yang et
  al., "Thinking in Space", 2024, §3; lmms_eval/tasks/vsibench/utils.py of
  vision-x-nyu/thinking-in-space): ``MRA = 1/10 * sum over θ in {0.50, 0.55, ...,
  0.95} of 1[|ŷ - y| / |y| <= 1 - θ]``, with ``<=`` as in that code (the paper prints
  ``<``). The arithmetic is exact (decimals), so 1.05 for 1 scores 1.0, not 0.9 by a
  rounding error. A true answer of 0 scores 1 for a prediction of 0, else 0. The number
  is the first one of the reply when the reply starts with it, else the only one in it
  ("about 1.5 meters", "It is 3."), or the only number word from zero to twenty in a
  reply without digits ("There are three."); a unit written
  after it (m, cm, mm, ft, m², cm², m³, L, ...) is converted to the unit the item asks
  for (its ``unit``, or the ``in <unit>`` of its program's answer), so "150 cm" scores
  as 1.5 for a question in meters. Thousands separators ("1,200") are removed.
- **angle** (a number whose program converts ``in deg``, or whose ``unit`` is deg):
  the wrapped difference ``d = |((ŷ - y + 180) mod 360) - 180|`` in [0, 180] degrees,
  scored like MRA with 180° as the scale: ``1/10 * sum over θ of 1[d <= (1 - θ) * 180]``,
  i.e. full credit within 9°, none from 90° off (a uniform random angle scores
  0.275). An unsigned number followed by "right" or "clockwise" is negative, as
  every spdsl angle counts left turns positive.
- **list** (List answers without choices; routes, "which objects are near"): ``score``
  is exact match, ``partial`` is ``2 * M / (len(prediction) + len(answer))``, M the
  longest common subsequence for an ordered list or the multiset overlap for an
  unordered one. A list is unordered when the program answers ``labels(X)`` or X itself
  with X a set of objects (typed ``Objects``); routes and appearance orders are
  ordered. The reply is split at commas, semicolons, new lines and "then".
- **frame** (a frame index): the integer, exactly.
- **text** (Object and Str answers without choices): the reply's text equals the answer
  (the rendered name or reference) after case, articles, spaces and punctuation are
  dropped ("The fridge." = "fridge"; "house plant" = "HousePlant"), or equals one of
  the record's ``answer_ids``.

Texts are compared by a key: lower case, a leading "the"/"a"/"an" dropped, then every
character but letters, digits and "." dropped. Replies are cleaned first: an
``<answer>...</answer>`` part if there is one, then surrounding quotes, backticks and
asterisks, a leading "Answer:", "The answer is" or "Final answer:", and a trailing
period are removed.

An item with no prediction is *missing*; a prediction that cannot be read as an
answer of the item's kind (no number, not yes/no, no option) is *unparsed*. Both
score 0 and count in n: nothing is dropped.

Aggregates: a group's score is the mean of its items' scores; ``micro`` is the mean
over all items, ``macro`` the mean of the per-task scores. 95 % intervals are
percentile bootstrap intervals over items, resampled within each group (and within
each task for the overall figures: a stratified bootstrap), ``resamples`` times
(default 1000) from ``numpy.random.default_rng([seed, crc32(group name)])``, so a
group's interval does not depend on which other groups are present.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import numpy as np
from spatial_dsl.errors import SpdslError

__all__ = ["BOOTSTRAP_RESAMPLES", "GroupScore", "Predictions", "PredictionsError", "Report",
           "ScoredItem", "aggregate", "baseline_items", "item_kind", "read_predictions",
           "score_item", "score_items"]

BOOTSTRAP_RESAMPLES = 1000
THRESHOLDS = tuple(Decimal(50 + 5 * k) / 100 for k in range(10))  # 0.50, 0.55, ..., 0.95
NUMERIC_TYPES = ("Int", "Number", "Length", "Area", "Volume", "Angle")
METRICS = {"choice": "acc", "bool": "acc", "text": "acc", "frame": "acc", "number": "MRA",
           "angle": "MAA", "list": "exact"}
PREDICTION_KEYS = ("prediction", "predict", "text", "response", "output", "answer")
ID_KEYS = ("id", "question_id")


class PredictionsError(SpdslError):
    """The predictions file cannot be used: a message naming the file and line (exit 2)."""


# ----------------------------------------------------------------------- texts


def key(text: str) -> str:
    """The comparison key of an answer text (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).casefold().strip()
    t = re.sub(r"^(the|a|an)\s+", "", t)
    return re.sub(r"[^0-9a-z.]", "", t).strip(".")


_PREFIX = re.compile(r"^(?:(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is|:)\s*|answer\s*-\s*)",
                     re.IGNORECASE)


def clean(text: str) -> str:
    """A reply without its wrapping (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).strip()
    tagged = re.search(r"<answer>(.*?)</answer>", t, re.DOTALL | re.IGNORECASE)
    if tagged:
        t = tagged.group(1).strip()
    for _ in range(3):  # "**Answer: `B`**"
        t = t.strip().strip("`*\"'“”‘’").strip()
        t = _PREFIX.sub("", t)
    t = t.strip().strip("`*\"'“”‘’").strip()
    return t[:-1].rstrip() if t.endswith(".") and not re.search(r"\d\.$", t[-2:]) else t


# ----------------------------------------------------------------------- kinds


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


# ----------------------------------------------------------------------- parsing


_LETTER = re.compile(r"^\(?([A-Za-z])\)?[.:)]?$")
_LETTER_TEXT = re.compile(r"^(?:\(([A-Za-z])\)|([A-Za-z])[.:)])\s*(.+)$")
_OPTION_WORD = re.compile(r"^(?:option|choice)\s*\(?([A-Za-z])\)?$", re.IGNORECASE)


def parse_choice(text: str, choices: list[str]) -> int | None:
    """The index of the option a reply picks, or None."""
    t = clean(text)
    for pattern in (_LETTER, _OPTION_WORD):
        m = pattern.match(t)
        if m:
            return _letter_index(m.group(1), len(choices))
    m = _LETTER_TEXT.match(t)
    if m:
        return _letter_index(m.group(1) or m.group(2), len(choices))
    keys = [key(str(c)) for c in choices]
    exact = [i for i, k in enumerate(keys) if k and k == key(t)]
    if len(exact) == 1:
        return exact[0]
    return _mentioned_option(t, [str(c) for c in choices])


def _letter_index(letter: str, count: int) -> int | None:
    index = ord(letter.upper()) - ord("A")
    return index if 0 <= index < count else None


def _phrase(option: str) -> re.Pattern:
    words = [re.escape(w) for w in re.findall(r"[0-9A-Za-z.]+", option)]
    return re.compile(r"(?<![0-9A-Za-z])" + r"[\s_-]*".join(words) + r"(?![0-9A-Za-z])",
                      re.IGNORECASE)


def _mentioned_option(text: str, choices: list[str]) -> int | None:
    """The one option a reply mentions; options only inside a longer mention do not count."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for i, option in enumerate(choices):
        if re.search(r"[0-9A-Za-z]", option):
            found = [m.span() for m in _phrase(option).finditer(text)]
            if found:
                spans[i] = found
    others = {i: [o for j, fo in spans.items() if j != i for o in fo] for i in spans}
    standalone = [i for i, found in spans.items()
                  if any(not any(_inside(s, o) for o in others[i]) for s in found)]
    return standalone[0] if len(standalone) == 1 else None


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other[0] <= span[0] and span[1] <= other[1] and other != span


def parse_bool(text: str) -> str | None:
    t = clean(text).casefold()
    words = re.findall(r"[a-z]+", t)
    if words and words[0] in ("yes", "true", "y"):
        return "yes"
    if words and words[0] in ("no", "false", "n"):
        return "no"
    said = {w for w in words if w in ("yes", "no")}
    return said.pop() if len(said) == 1 else None


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
# spoken unit -> (dimension, factor to the base unit), longest names first when matched
_UNITS = {
    "mm": ("L", "0.001"), "millimeters": ("L", "0.001"), "millimetres": ("L", "0.001"),
    "cm": ("L", "0.01"), "centimeters": ("L", "0.01"), "centimetres": ("L", "0.01"),
    "centimeter": ("L", "0.01"), "centimetre": ("L", "0.01"),
    "m": ("L", "1"), "meters": ("L", "1"), "metres": ("L", "1"), "meter": ("L", "1"),
    "metre": ("L", "1"), "km": ("L", "1000"), "ft": ("L", "0.3048"), "feet": ("L", "0.3048"),
    "foot": ("L", "0.3048"),
    "m2": ("A", "1"), "m²": ("A", "1"), "sq m": ("A", "1"), "square meters": ("A", "1"),
    "square metres": ("A", "1"), "cm2": ("A", "0.0001"), "cm²": ("A", "0.0001"),
    "square centimeters": ("A", "0.0001"), "sq ft": ("A", "0.09290304"),
    "square feet": ("A", "0.09290304"),
    "m3": ("V", "1"), "m³": ("V", "1"), "cubic meters": ("V", "1"), "cubic metres": ("V", "1"),
    "cm3": ("V", "0.000001"), "cm³": ("V", "0.000001"), "cubic centimeters": ("V", "0.000001"),
    "l": ("V", "0.001"), "liters": ("V", "0.001"), "litres": ("V", "0.001"),
    "liter": ("V", "0.001"), "litre": ("V", "0.001"),
    "deg": ("D", "1"), "degrees": ("D", "1"), "degree": ("D", "1"), "°": ("D", "1"),
}
_ASKED = {"m": ("L", "1"), "cm": ("L", "0.01"), "mm": ("L", "0.001"), "m2": ("A", "1"),
          "cm2": ("A", "0.0001"), "m3": ("V", "1"), "cm3": ("V", "0.000001"),
          "L": ("V", "0.001"), "deg": ("D", "1")}
_UNIT_AFTER = re.compile(r"^\s*(" + "|".join(sorted((re.escape(u) for u in _UNITS),
                                                     key=len, reverse=True))
                         + r")(?![0-9a-z])", re.IGNORECASE)


def parse_number(text: str, asked_unit: str | None = None) -> Decimal | None:
    """The number a reply gives, in the asked unit when it names another (see above)."""
    t = clean(text).replace("\u2212", "-")
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)
    found = list(_NUMBER.finditer(t))
    if not found:  # "three", "There are three chairs.": one number word and no digits
        words = [w for w in re.findall(r"[a-z]+", t.casefold()) if w in _WORDS]
        return Decimal(_WORDS[words[0]]) if len(words) == 1 else None
    lead = re.match(r"^(?:about|approximately|approx\.?|around|roughly|~|≈)?\s*", t,
                    re.IGNORECASE).end()
    if found[0].start() == lead:
        m = found[0]
    elif len(found) == 1:
        m = found[0]
    else:
        return None
    try:
        value = Decimal(m.group())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    if not value.is_finite():
        return None
    return _convert(value, t[m.end():], asked_unit)


def _convert(value: Decimal, rest: str, asked_unit: str | None) -> Decimal:
    said = _UNIT_AFTER.match(rest)
    if not said or asked_unit not in _ASKED:
        return value
    dimension, factor = _UNITS[said.group(1).lower()]
    asked_dimension, asked_factor = _ASKED[asked_unit]
    if dimension != asked_dimension:
        return value
    return value * Decimal(factor) / Decimal(asked_factor)


def parse_angle(text: str) -> Decimal | None:
    value = parse_number(text, "deg")
    if value is None:
        return None
    t = clean(text).casefold()
    signed = re.match(r"^\s*[-+]", re.sub(r"^(?:about|approximately|around|roughly)\s*", "",
                                           t.replace("\u2212", "-")))
    right = re.search(r"\bright\b|(?<!counter)(?<!counter-)(?<!anti)(?<!anti-)\bclockwise\b",
                      t)
    left = re.search(r"\bleft\b|counter-?clockwise|anti-?clockwise", t)
    if not signed and right and not left:
        return -abs(value)
    return value


def parse_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:[,;\n]|\bthen\b)\s*", clean(text))
    items = []
    for part in parts:
        part = re.sub(r"^(?:\d+[.)]|[-*•])\s+", "", part.strip())
        part = re.sub(r"^(?:and|then)\s+", "", part, flags=re.IGNORECASE)
        if key(part):
            items.append(key(part))
    return items


# ----------------------------------------------------------------------- scores


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
        index = _letter_index(letter, len(choices))
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
    truth = _decimal(record.get("answer"))
    if value is None or truth is None:
        return None, 0.0, None
    return _show(value), mra(value, truth), None


def _score_angle(record, prediction):
    value = parse_angle(prediction)
    truth = _decimal(record.get("answer"))
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
    truth = _decimal(record.get("answer"))
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


def _decimal(text) -> Decimal | None:
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


# ----------------------------------------------------------------------- predictions


@dataclass
class Predictions:
    by_id: dict[str, str | None]
    unknown_ids: list[str] = field(default_factory=list)
    positional: bool = False  # lines matched to items by order (no ids in the file)
    rows: int = 0


def _value_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _row_prediction(row: dict, where: str) -> str | None:
    for name in PREDICTION_KEYS:
        if name in row:
            return _value_text(row[name])
    turns = row.get("conversations") or row.get("messages")
    if isinstance(turns, list):
        replies = [t for t in turns if isinstance(t, dict)
                   and (t.get("from") == "gpt" or t.get("role") == "assistant")]
        if replies:
            last = replies[-1]
            return _value_text(last.get("value", last.get("content")))
    raise PredictionsError(f"{where}: no prediction (expected one of the keys "
                           f"{', '.join(PREDICTION_KEYS)}, or a conversation whose last "
                           "assistant turn is the reply)")


def _rows(path: Path) -> list[tuple[str, dict]]:
    """(where, row) of a JSONL file or a JSON list file."""
    from .records import DatasetError, read_json_list, read_jsonl, read_text

    try:
        text = read_text(path)
        if path.suffix == ".json" or (path.suffix != ".jsonl" and text.lstrip().startswith("[")):
            return [(f"{path}: entry {n}", row)
                    for n, row in enumerate(read_json_list(path, text))]
        rows = read_jsonl(path, text)
    except DatasetError as exc:
        raise PredictionsError(str(exc)) from None
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    return [(f"{path}:{n}", row) for n, row in zip(numbers, rows)]


def read_predictions(path: str | Path, records: list[dict]) -> Predictions:
    """Map a predictions file onto the dataset's records (by id, or by order)."""
    rows = _rows(Path(path))
    ids = [next((row[k] for k in ID_KEYS if k in row), None) for _, row in rows]
    with_id = [i for i in ids if i is not None]
    if with_id and len(with_id) != len(ids):
        where = rows[ids.index(None)][0]
        raise PredictionsError(f"{where}: no id, while other lines have one (keys "
                               f"{' or '.join(ID_KEYS)})")
    out = Predictions({}, rows=len(rows))
    if not rows:
        return out
    if not with_id:  # LLaMA-Factory's generated_predictions.jsonl: the dataset's order
        out.positional = True
        if len(rows) > len(records):
            raise PredictionsError(f"{path}: {len(rows)} lines without ids but the dataset "
                                   f"has {len(records)} items; lines without ids are matched "
                                   "to items by order")
        for (where, row), record in zip(rows, records):
            expected = _target(record)
            if "label" in row and key(str(row["label"])) != key(expected):
                raise PredictionsError(
                    f"{where}: label {str(row['label'])!r} is not the answer of item "
                    f"{record.get('id')} ({expected!r}); lines without ids must follow the "
                    "dataset's order (were the predictions made on another or a shuffled "
                    "file?)")
            out.by_id[str(record.get("id"))] = _row_prediction(row, where)
        return out
    known = {str(r.get("id")) for r in records}
    first_line: dict[str, str] = {}
    for (where, row), item_id in zip(rows, ids):
        item_id = str(item_id)
        if item_id in first_line:
            raise PredictionsError(f"{where}: a second prediction for {item_id} (the first "
                                   f"is at {first_line[item_id]})")
        first_line[item_id] = where
        prediction = _row_prediction(row, where)
        if item_id in known:
            out.by_id[item_id] = prediction
        else:
            out.unknown_ids.append(item_id)
    return out


def _target(record: dict) -> str:
    """What the llava/sharegpt formats train the model to say for this record."""
    from .datasets import target_text

    try:
        return str(target_text(record))
    except (KeyError, TypeError, IndexError):  # a record missing fields: its plain answer
        return str(record.get("answer", ""))


# ----------------------------------------------------------------------- aggregates


@dataclass
class GroupScore:
    name: str
    n: int
    score: float | None  # None: the predictor does not apply to any item (baselines)
    ci95: tuple[float, float] | None
    missing: int = 0
    unparsed: int = 0
    partial: float | None = None
    metrics: tuple[str, ...] = ()
    replicates: np.ndarray | None = field(default=None, repr=False)


@dataclass
class Report:
    by: str
    groups: dict[str, GroupScore]
    tasks: dict[str, GroupScore]
    n: int
    missing: int
    unparsed: int
    micro: float | None
    macro: float | None
    micro_ci: tuple[float, float] | None
    macro_ci: tuple[float, float] | None
    resamples: int
    seed: int
    unknown_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        def group(g: GroupScore) -> dict:
            out = {"n": g.n, "score": _r(g.score), "ci95": _ci(g.ci95), "missing": g.missing,
                   "unparsed": g.unparsed, "metric": "+".join(g.metrics)}
            if g.partial is not None:
                out["partial"] = _r(g.partial)
            return out
        data = {"overall": {"micro": _r(self.micro), "macro": _r(self.macro), "n": self.n,
                            "missing": self.missing, "unparsed": self.unparsed,
                            "micro_ci95": _ci(self.micro_ci), "macro_ci95": _ci(self.macro_ci),
                            "tasks": len(self.tasks),
                            "unknown_ids": len(self.unknown_ids)},
                "by": self.by,
                "tasks": {name: group(g) for name, g in self.tasks.items()},
                "bootstrap": {"resamples": self.resamples, "seed": self.seed,
                              "interval": "percentile, stratified by group"}}
        if self.by != "task":
            data[_PLURAL[self.by]] = {name: group(g) for name, g in self.groups.items()}
        return data


_PLURAL = {"task": "tasks", "scene": "scenes", "modality": "modalities"}


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _ci(ci) -> list[float] | None:
    return None if ci is None else [_r(ci[0]), _r(ci[1])]


def _replicates(scores: np.ndarray, name: str, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap means of ``scores`` (one per resample), seeded by the group's name."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    n = len(scores)
    out = np.empty(resamples)
    chunk = max(1, 2_000_000 // max(1, n))  # bound the index matrix to ~16 MB
    for start in range(0, resamples, chunk):
        stop = min(resamples, start + chunk)
        out[start:stop] = scores[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    return out


def _interval(replicates: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(replicates, [2.5, 97.5])
    return float(lo), float(hi)


def _group(name: str, items: list[ScoredItem], values: list[float | None], resamples: int,
           seed: int) -> GroupScore:
    scored = np.array([v for v in values if v is not None], dtype=float)
    partials = [it.partial for it in items if it.partial is not None]
    group = GroupScore(name, len(items), None, None,
                       sum(1 for it in items if it.status == "missing"),
                       sum(1 for it in items if it.status == "unparsed"),
                       float(np.mean(partials)) if partials else None,
                       tuple(sorted({METRICS[it.kind] for it in items})))
    if len(scored):
        group.n = len(scored)
        group.score = float(scored.mean())
        group.replicates = _replicates(scored, name, resamples, seed)
        group.ci95 = _interval(group.replicates)
    return group


def aggregate(items: list[ScoredItem], by: str = "task", values: list[float | None] | None = None,
              resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0,
              unknown_ids: list[str] | None = None) -> Report:
    """Per-group and overall scores with bootstrap intervals. ``values``: the score of each
    item when not ``item.score`` (None: the item does not count, for baselines that do not
    apply to it)."""
    values = [it.score for it in items] if values is None else values

    def grouped(attr: str) -> dict[str, GroupScore]:
        members: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            members.setdefault(getattr(it, attr), []).append(i)
        return {name: _group(name, [items[i] for i in idx], [values[i] for i in idx],
                             resamples, seed) for name, idx in sorted(members.items())}

    tasks = grouped("task")
    groups = tasks if by == "task" else grouped(by)
    scored = [g for g in tasks.values() if g.score is not None]
    total = sum(g.n for g in scored)
    micro = macro = micro_ci = macro_ci = None
    if scored:
        micro = sum(g.score * g.n for g in scored) / total
        macro = sum(g.score for g in scored) / len(scored)
        reps = np.stack([g.replicates for g in scored])
        weights = np.array([g.n for g in scored], dtype=float)
        micro_ci = _interval((reps * weights[:, None]).sum(axis=0) / total)
        macro_ci = _interval(reps.mean(axis=0))
    return Report(by, groups, tasks, sum(1 for v in values if v is not None),
                  sum(1 for it in items if it.status == "missing"),
                  sum(1 for it in items if it.status == "unparsed"),
                  micro, macro, micro_ci, macro_ci, resamples, seed, unknown_ids or [])


# ----------------------------------------------------------------------- baselines

# The expected score of a uniformly random angle under ``angle_accuracy``: the mean over
# the thresholds of the share of the circle within (1 - θ) * 180 degrees.
CHANCE_ANGLE = float(sum((1 - t) for t in THRESHOLDS) / len(THRESHOLDS))


def _most_frequent(answers: list[str]) -> str:
    counts = Counter(answers)
    return min(counts, key=lambda a: (-counts[a], a))  # ties: the first in sort order


def _mean_answer(records: list[dict], kind: str) -> str | None:
    values = [float(v) for v in (_decimal(r.get("answer")) for r in records) if v is not None]
    if not values:
        return None
    if kind == "angle":  # the circular mean: -170 and 170 average to 180, not 0
        radians = np.radians(values)
        mean = math.degrees(math.atan2(np.sin(radians).mean(), np.cos(radians).mean()))
    else:
        mean = float(np.mean(values))
    return f"{mean:.6g}"


def baseline_items(records: list[dict], kind: str, fit: list[dict] | None = None
                   ) -> tuple[list[ScoredItem], list[float | None], dict[str, str]]:
    """Score a trivial predictor on every item: (items, per-item values, what the predictor
    says per task). ``chance``: the expected score of a uniform guess (1/k for k options,
    1/2 for yes/no, CHANCE_ANGLE for angles; other items: not applicable, None).
    ``frequent``: each task's most frequent answer; ``mean``: each numeric task's mean
    answer (not applicable to other tasks). ``fit``: the records those answers are taken
    from (default: the scored records themselves, as VSI-Bench does)."""
    fit = records if fit is None else fit
    by_task: dict[str, list[dict]] = {}
    for r in fit:
        by_task.setdefault(str(r.get("task")), []).append(r)
    says: dict[str, str] = {}
    items: list[ScoredItem] = []
    values: list[float | None] = []
    for r in records:
        task, item_kind_ = str(r.get("task")), item_kind(r)
        if kind == "chance":
            value, said = _chance(r, item_kind_)
            item = score_item(r, None)
            item.status, item.score = "ok", value or 0.0
        else:
            said = _predictor(by_task.get(task, []), kind, item_kind_)
            item = score_item(r, said)
            value = item.score if said is not None else None
        if said is not None:
            says.setdefault(task, said)
        items.append(item)
        values.append(value)
    return items, values, says


def _chance(record: dict, kind: str) -> tuple[float | None, str | None]:
    if kind == "choice":
        k = len(record["choices"])
        return 1.0 / k, f"1/{k}"
    if kind == "bool":
        return 0.5, "1/2"
    if kind == "angle":
        return CHANCE_ANGLE, "uniform angle"
    return None, None


def _predictor(fit: list[dict], kind: str, item_kind_: str) -> str | None:
    if not fit:
        return None
    if kind == "frequent":
        return _most_frequent([str(r.get("answer")) for r in fit])
    if kind == "mean" and item_kind_ in ("number", "angle"):
        return _mean_answer(fit, item_kind_)
    return None
