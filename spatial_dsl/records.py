"""Reading a dataset in any `spdsl generate` format back as records (jsonl's keys).

    dataset = read_dataset("out/")           # a generate directory, or one data file
    dataset.records                          # [{"id", "task", "answer", ...}, ...]

jsonl and parquet files hold the records themselves. A llava or sharegpt file holds
conversations, so their records are taken, in the file's order, from the directory's
``parts/`` (every item generate made, by id); without ``parts/`` (a data file copied
on its own) each record is rebuilt from its conversation: the question without the
media placeholder and the option lines, ``choices`` from those lines, ``answer`` /
``answer_choice`` from the assistant's reply, ``answer_type`` guessed from the answer
("yes"/"no": Bool; a number: Number, with a trailing unit split off; else Str), and no
program. Readers must tolerate missing keys: records gain fields over time.

Errors are ``DatasetError`` with a message naming the file (and line) at fault.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from spatial_dsl.errors import SpdslError

__all__ = ["DATA_NAMES", "Dataset", "DatasetError", "read_dataset"]

# The data files a generate directory may hold, in the order they are looked for.
DATA_NAMES = ("data.jsonl", "data.parquet", "data.llava.json", "data.sharegpt.json")
CONVERSATION_KEYS = ("conversations", "messages")


class DatasetError(SpdslError):
    """The dataset cannot be read: a message for the user (exit 2)."""


@dataclass
class Dataset:
    root: Path  # the directory scene_file paths are relative to
    files: list[Path]
    records: list[dict]
    fmt: str  # jsonl, parquet, llava or sharegpt


def read_dataset(path: str | os.PathLike) -> Dataset:
    """The records of a generate directory (its data file) or of one data file."""
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such file or directory")
    if path.is_dir():
        root = path
        files = [path / n for n in DATA_NAMES if (path / n).is_file()][:1]
        if not files:
            files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not files:
            raise DatasetError(f"{path}: no dataset here (expected one of "
                               f"{', '.join(DATA_NAMES)} or *.jsonl, as written by "
                               "`spdsl generate`)")
    else:
        root, files = path.parent, [path]
    records: list[dict] = []
    fmt = "jsonl"
    for f in files:
        fmt, rows = _read_file(f)
        records += rows
    if fmt in ("llava", "sharegpt"):
        records = _full_records(root, records)
    return Dataset(root, files, records, fmt)


def _read_file(path: Path) -> tuple[str, list[dict]]:
    if path.suffix == ".parquet":
        return "parquet", _read_parquet(path)
    text = read_text(path)
    if path.suffix == ".json" or (path.suffix != ".jsonl" and text.lstrip().startswith("[")):
        rows = read_json_list(path, text)
        if rows and any(k in rows[0] for k in CONVERSATION_KEYS):
            return ("sharegpt" if "messages" in rows[0] else "llava"), rows
        return "jsonl", rows
    return "jsonl", read_jsonl(path, text)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") \
            from None


def read_jsonl(path: Path, text: str | None = None) -> list[dict]:
    """One JSON object per non-blank line; DatasetError names the first bad line."""
    text = read_text(path) if text is None else text
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DatasetError(f"{path}:{number}: expected a JSON object, got "
                               f"{type(row).__name__}")
        rows.append(row)
    return rows


def read_json_list(path: Path, text: str) -> list[dict]:
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: expected a JSON list of objects, got "
                           f"{type(rows).__name__}")
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise DatasetError(f"{path}: entry {n} is {type(row).__name__}, not an object")
    return rows


def _read_parquet(path: Path) -> list[dict]:
    try:
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises many kinds; all mean "not a dataset"
        raise DatasetError(f"cannot read {path}: {exc}") from None
    for row in rows:
        if isinstance(row.get("params"), str):
            try:
                row["params"] = json.loads(row["params"])
            except json.JSONDecodeError:
                pass
    return rows


# ------------------------------------------------------------------ conversations


def _part_items(root: Path) -> dict[str, dict]:
    items: dict[str, dict] = {}
    for part in sorted((root / "parts").glob("*.json")):
        try:
            data = json.loads(part.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # an unfinished part: its items are not in the data file either
        for item in data.get("items", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and "id" in item:
                items[str(item["id"])] = item
    return items


def _full_records(root: Path, conversations: list[dict]) -> list[dict]:
    items = _part_items(root) if (root / "parts").is_dir() else {}
    records = []
    for conv in conversations:
        item = items.get(str(conv.get("id")))
        records.append(dict(item) if item is not None else rebuild_record(conv))
    return records


_OPTION = re.compile(r"^([A-D])\. (.*)$")
_NUMBER_UNIT = re.compile(r"^(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?: (m|m2|m3|cm|mm|cm2|cm3|L|deg))?$")


def _turns(conv: dict) -> tuple[str, str]:
    """(user text, assistant text) of a one-round llava or sharegpt conversation."""
    turns = conv.get("conversations") or conv.get("messages") or []
    user = next((t for t in turns if isinstance(t, dict)
                 and (t.get("from") == "human" or t.get("role") == "user")), {})
    bot = next((t for t in turns if isinstance(t, dict)
                and (t.get("from") == "gpt" or t.get("role") == "assistant")), {})
    return (str(user.get("value", user.get("content", "")) or ""),
            str(bot.get("value", bot.get("content", "")) or ""))


def rebuild_record(conv: dict) -> dict:
    """A record from a conversation alone (no parts/): what the text tells."""
    user, answer = _turns(conv)
    question = re.sub(r"^(<image>|<video>)\n?", "", user)
    lines = question.split("\n")
    options = [m for m in (_OPTION.match(line) for line in lines) if m]
    record = {"id": conv.get("id"), "task": conv.get("task"), "scene_file":
              conv.get("scene_file"), "scene": None, "frames": [],
              "modality": "image" if conv.get("image") or conv.get("images") else
              "video" if conv.get("video") or conv.get("videos") else "scene",
              "choices": None, "answer_choice": None, "unit": None}
    if options:
        record["choices"] = [m.group(2) for m in options]
        record["question"] = lines[0]
        record["answer_choice"] = answer.strip()
        index = "ABCD".find(answer.strip()[:1]) if answer.strip() else -1
        record["answer"] = record["choices"][index] if 0 <= index < len(options) else answer
        record["answer_type"] = "Str"
        return record
    record["question"] = question
    number = _NUMBER_UNIT.match(answer.strip())
    if answer.strip() in ("yes", "no"):
        record.update(answer=answer.strip(), answer_type="Bool")
    elif number:
        record.update(answer=number.group(1), unit=number.group(2), answer_type="Number")
    else:
        record.update(answer=answer, answer_type="Str")
    return record
