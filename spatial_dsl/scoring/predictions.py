"""Reading a predictions file (``read_predictions``): JSONL or a JSON list, matched to
the dataset's items by id, or by order when no line has an id (checked against the
``label`` a line carries)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from spatial_dsl.errors import SpdslError

from .replies import key

PREDICTION_KEYS = ("prediction", "predict", "text", "response", "output", "answer")
ID_KEYS = ("id", "question_id")


class PredictionsError(SpdslError):
    """The predictions file cannot be used: a message naming the file and line (exit 2)."""


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
    from ..records import DatasetError, read_json_list, read_jsonl, read_text

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
    from ..datasets import target_text

    try:
        return str(target_text(record))
    except (KeyError, TypeError, IndexError):  # a record missing fields: its plain answer
        return str(record.get("answer", ""))
