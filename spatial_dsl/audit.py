"""`spdsl audit DATASET_DIR`: check a dataset before publishing it (synthesis.md "What a good
item is").

The audit reads a `spdsl generate` (or `spdsl synth`) output directory: its
``data.jsonl`` (else ``data.parquet``) and the scene files under it that the records
point to. It reads nothing outside the directory, and only regular files: a
``scene_file`` that leaves the directory (``..``, an absolute path, a symbolic link
pointing out) or is not a regular file is a finding, not something the audit opens.

Every item's program is compiled and run again on its saved scene, and the item is held to
the rules of a good item. Kinds of finding (one item may have several):

``bad-record``        a field the audit needs is missing or of the wrong type
``scene``             the scene file is missing, outside the dataset, or not a valid scene
``program``           the program does not compile
``rejected``          the program is rejected on its scene (it no longer answers)
``changed``           the program no longer reproduces the recorded answer (text, unit or
                      ``answer_ids``), with objects in the words of the question
``not-clearly-visible``  an object the item names (``quality.py``: parameters, landmarks of
                      references, answer and choice objects) is not clearly visible in the
                      image item's frame, or in no frame of a video item
``repeated-name``     the answer (or a choice) says the same words twice ("countertop,
                      countertop"), so a reader cannot tell the objects apart
``unnamed``           the answer names an object that has no words (a repeated category
                      without a verified reference)
``camelcase``         the answer or a choice writes a category in code style (``DogBed``)
                      where its natural name ("dog bed") exists
``part-and-whole``    the question names an object and its own part, or the answer is a
                      part of an object the question names (``Sink|...|SinkBasin``)
``choices``           the choices do not contain the answer, repeat an option, or
                      ``answer_choice`` does not point at the answer

Exit codes: 0 no findings, 1 findings, 2 the dataset cannot be read (no data file, not
JSON, no records), 3 an internal error.

The answer is re-derived as the generator derived it: objects named with the references
the engine proves for the record's ``seed`` (``naming.ObjectNames``).
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from spatial_dsl.errors import SpdslError

__all__ = ["AuditError", "Finding", "KINDS", "audit_dataset"]

KINDS = ("bad-record", "scene", "program", "rejected", "changed", "not-clearly-visible",
         "repeated-name", "unnamed", "camelcase", "choices", "part-and-whole")
DATA_NAMES = ("data.jsonl", "data.parquet")
LETTERS = "ABCD"


class AuditError(SpdslError):
    """The dataset cannot be read at all (exit 2)."""


@dataclass(frozen=True)
class Finding:
    item: str  # the record's id (or "#<line>" when it has none)
    task: str
    kind: str
    message: str

    def to_json(self) -> dict:
        return {"id": self.item, "task": self.task, "kind": self.kind, "message": self.message}


@dataclass
class Report:
    root: str
    data_file: str
    items: int = 0
    scenes: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return len({f.item for f in self.findings})

    def by_kind(self) -> dict[str, int]:
        counts = Counter(f.kind for f in self.findings)
        return {k: counts[k] for k in KINDS if counts[k]}

    def by_task(self) -> dict[str, dict[str, int]]:
        out: dict[str, Counter] = {}
        for f in self.findings:
            out.setdefault(f.task, Counter())[f.kind] += 1
        return {t: dict(sorted(c.items())) for t, c in sorted(out.items())}

    def to_json(self) -> dict:
        return {"dataset": self.root, "data_file": self.data_file, "items": self.items,
                "scenes": self.scenes, "items_with_findings": self.flagged,
                "by_kind": self.by_kind(), "by_task": self.by_task(),
                "findings": [f.to_json() for f in self.findings]}


# ---------------------------------------------------------------------------- reading


def _regular_inside(root: Path, relative: str) -> Path:
    """``root/relative`` if it resolves to a regular file inside ``root``; else OSError
    with a message saying why."""
    if not relative or os.path.isabs(relative):
        raise OSError(f"{relative!r} is not a path relative to the dataset")
    path = (root / relative).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise OSError(f"{relative} leads outside the dataset directory") from None
    mode = os.stat(path).st_mode  # FileNotFoundError is an OSError with its own message
    if not stat.S_ISREG(mode):
        raise OSError(f"{relative} is not a regular file")
    return path


def read_records(root: Path) -> tuple[str, list[dict]]:
    """(data file name, records) of a dataset directory; AuditError if there is none."""
    if not root.is_dir():
        raise AuditError(f"{root}: not a directory (give the output directory of "
                         "`spdsl generate`)")
    for name in DATA_NAMES:
        try:
            path = _regular_inside(root, name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise AuditError(f"{root}: {exc}") from None
        records = _read_parquet(path) if name.endswith(".parquet") else _read_jsonl(path)
        if not records:
            raise AuditError(f"{root / name}: holds no records")
        return name, records
    extra = " (a LLaVA file holds no programs to re-run)" if (root / "data.llava.json").exists() \
        else ""
    raise AuditError(f"{root}: no data.jsonl or data.parquet{extra}")


def _read_jsonl(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") \
            from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AuditError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise AuditError(f"{path}:{number}: expected a JSON object, got "
                             f"{type(record).__name__}")
        record.setdefault("id", f"#{number}")
        records.append(record)
    return records


def _read_parquet(path: Path) -> list[dict]:
    try:
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises many kinds; all mean "not a dataset"
        raise AuditError(f"cannot read {path}: {exc}") from None
    for number, row in enumerate(rows, 1):
        row.setdefault("id", f"#{number}")
        if isinstance(row.get("params"), str):
            try:
                row["params"] = json.loads(row["params"])
            except json.JSONDecodeError:
                pass
    return rows


# ----------------------------------------------------------------------------- checks


class _Scenes:
    """Scenes of the dataset, loaded once each; a problem is remembered as its message."""

    def __init__(self, root: Path):
        self.root = root
        self.loaded: dict[str, object] = {}

    def get(self, scene_file: str):
        if scene_file not in self.loaded:
            self.loaded[scene_file] = self._load(scene_file)
        return self.loaded[scene_file]

    def _load(self, scene_file: str):
        from .scenes.errors import SceneError
        from .scenes.format import load_scene_file

        try:
            path = _regular_inside(self.root, scene_file)
            return load_scene_file(path)
        except SceneError as exc:
            return f"{scene_file}: not a valid scene: {str(exc).strip().splitlines()[0]}"
        except OSError as exc:
            return f"{scene_file}: {exc.strerror or exc}" if exc.strerror else str(exc)


def _check(record: dict, scenes: _Scenes) -> list[tuple[str, str]]:
    """(kind, message) findings of one record."""
    needed = {"program": str, "scene_file": str, "answer": str}
    bad = [k for k, t in needed.items() if not isinstance(record.get(k), t)]
    if bad:
        return [("bad-record", "missing or not text: " + ", ".join(bad))]
    out = _choice_findings(record)
    scene = scenes.get(record["scene_file"])
    if isinstance(scene, str):
        return out + [("scene", scene)]
    out += [("camelcase", f"{where} writes {', '.join(words)}; a question would say "
             f"{', '.join(repr(_natural(w)) for w in words)}")
            for where, words in _camelcase(scene, record)]
    answer = _rerun(record, scene, out)
    out += _name_findings(record, answer, scene)
    out += _visibility_findings(record, scene, answer)
    out += _part_findings(record, scene, answer)
    return out


def _part_findings(record: dict, scene, named) -> list[tuple[str, str]]:
    from . import quality

    program = _syntax_tree(record["program"])
    asked = _param_rows(scene, record.get("params"))
    asked += quality.landmarks(scene, program) if program is not None else []
    index = {oid: i for i, oid in enumerate(scene.ids)}
    ids = list(named.answer.ids or []) if named is not None else []
    pair = quality.part_and_whole(scene, asked, [index[o] for o in ids if o in index])
    if pair is None:
        return []
    part, whole = pair
    return [("part-and-whole", f"{_named(scene, part)} is a part of {_named(scene, whole)}")]


def _natural(word: str) -> str:
    from .names import natural_name

    return natural_name(word)


def _camelcase(scene, record: dict) -> list[tuple[str, list[str]]]:
    from .quality import camelcase_labels

    texts = [("the answer", record["answer"])]
    texts += [(f"choice {LETTERS[i] if i < 4 else i + 1}", c)
              for i, c in enumerate(record.get("choices") or []) if isinstance(c, str)]
    return [(where, words) for where, text in texts
            if (words := camelcase_labels(scene, text))]


def _choice_findings(record: dict) -> list[tuple[str, str]]:
    choices = record.get("choices")
    if choices is None:
        return []
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        return [("bad-record", "choices is not a list of texts")]
    out = []
    if record["answer"] not in choices:
        out.append(("choices", f"the answer {record['answer']!r} is not among the choices "
                    f"{choices}"))
    if len(set(choices)) < len(choices):
        out.append(("choices", f"the choices repeat an option: {choices}"))
    letter = record.get("answer_choice")
    if letter is not None:
        if not (isinstance(letter, str) and len(letter) == 1 and letter in LETTERS
                and LETTERS.index(letter) < len(choices)):
            out.append(("choices", f"answer_choice {letter!r} names no option"))
        elif choices[LETTERS.index(letter)] != record["answer"]:
            out.append(("choices", f"answer_choice {letter} is "
                        f"{choices[LETTERS.index(letter)]!r}, not the answer"))
    return out


def _syntax_tree(text: str):
    """The record's program as parsed (None when it does not parse: the `program` finding
    says so). A dataset's program is input here, read like any program a user gives."""
    from spatial_dsl.lang.source import Source
    from spatial_dsl.lang.syntax import parse

    return parse(Source(text)).program


def _rerun(record: dict, scene, out: list):
    """The program's answer now, in words (naming.NamedAnswer), or None (finding added)."""
    from .api import Program
    from spatial_dsl.lang.check.checker import compile_source
    from .naming import ObjectNames, in_words

    checked = compile_source(record["program"], str(record.get("id")))
    if not checked.ok:
        first = next(d for d in checked.diagnostics if d.severity == "error")
        out.append(("program", f"does not compile: {first.code}: {first.message} "
                    f"(line {first.span.line})"))
        return None
    result = Program(checked).run(scene)
    if not result.ok:
        r = result.rejection
        out.append(("rejected", f"the program is rejected: [{r.kind}] {r.message}"))
        return None
    seed = record.get("seed") if isinstance(record.get("seed"), int) else 0
    named = in_words(result.answer, ObjectNames.of(scene, seed))
    now = named.answer
    # a record written with labels (language.md §6, before answers in words) still
    # reproduces; its wording is the `camelcase` finding's business
    same_text = record["answer"] in (now.text, result.answer.text)
    if not same_text or (now.unit or None) != (record.get("unit") or None):
        unit = f" {now.unit}" if now.unit else ""
        was = f" {record.get('unit')}" if record.get("unit") else ""
        out.append(("changed", f"the program now answers {now.text + unit!r}, the record "
                    f"says {record['answer'] + was!r}"))
    elif "answer_ids" in record and record["answer_ids"] != now.ids:
        out.append(("changed", f"the answer names {now.ids}, answer_ids says "
                    f"{record['answer_ids']}"))
    return named


def _name_findings(record: dict, named, scene) -> list[tuple[str, str]]:
    from .names import natural_name

    names = set(scene.categories) | set(scene.labels)
    names |= {natural_name(n) for n in names}
    out = []
    if named is not None and named.unnamed:
        out.append(("unnamed", "the answer names " + ", ".join(named.unnamed) + ", which has "
                    "no words a question could use (a repeated category without a verified "
                    "reference)"))
    answer_type = record.get("answer_type")
    if answer_type not in ("List[Object]", "List[Str]"):
        return out
    texts = [("the answer", record["answer"])]
    texts += [(f"choice {LETTERS[i] if i < 4 else i + 1}", c)
              for i, c in enumerate(record.get("choices") or []) if isinstance(c, str)]
    for where, text in texts:
        parts = [p.strip() for p in text.split(", ")]
        repeated = sorted({p for p in parts if parts.count(p) > 1
                           and (answer_type == "List[Object]" or _is_name(p, names))})
        if repeated:
            out.append(("repeated-name", f"{where} says {', '.join(map(repr, repeated))} "
                        "more than once"))
    return out


def _is_name(text: str, names: set[str]) -> bool:
    """Whether a part of a List[Str] answer names objects (a category or label, as written
    or as its natural name), as `labels(...)` answers do; route steps and the like repeat
    legitimately."""
    return text in names


def _visibility_findings(record: dict, scene, named) -> list[tuple[str, str]]:
    from . import quality

    modality = record.get("modality")
    if modality not in ("image", "video"):
        return []
    frame_row = None
    if modality == "image":
        frames = record.get("frames") or []
        rows = {int(i): r for r, i in enumerate(scene.frames.index)}
        if len(frames) != 1 or not isinstance(frames[0], int) or frames[0] not in rows:
            return [("bad-record", f"an image item needs one frame of its scene, got {frames}")]
        frame_row = rows[frames[0]]
    program = _syntax_tree(record["program"])
    ids = list(named.answer.ids or []) if named is not None else []
    ids += [oid for option in record.get("choice_ids") or [] if isinstance(option, list)
            for oid in option if isinstance(oid, str)]
    objects = _param_rows(scene, record.get("params")) + quality.named_rows(scene, program, ids)
    absent_ok = quality.answers_about_visibility(program)
    return [("not-clearly-visible", f"{_named(scene, row)} is {why}")
            for row, why in quality.unclear(scene, objects, modality, frame_row, absent_ok)]


def _param_rows(scene, params) -> list[int]:
    from .quality import one_object

    if not isinstance(params, dict):
        return []
    index = {oid: i for i, oid in enumerate(scene.ids)}
    rows = []
    for value in params.values():
        if not isinstance(value, str):
            continue
        if value in index:
            rows.append(index[value])
        elif value in scene.categories and (row := one_object(scene, value)) is not None:
            rows.append(row)
    return rows


def _named(scene, row: int) -> str:
    from .names import natural_name

    return f"the {natural_name(scene.categories[row])} ({scene.ids[row]})"


# ------------------------------------------------------------------------------ driver


def audit_dataset(root: str | os.PathLike, progress=None) -> Report:
    """Audit every record of the dataset at ``root``; AuditError if it cannot be read."""
    root = Path(root)
    data_file, records = read_records(root)
    report = Report(str(root), data_file)
    scenes = _Scenes(root)
    for n, record in enumerate(records, 1):
        task = str(record.get("task", ""))
        for kind, message in _check(record, scenes):
            report.findings.append(Finding(str(record["id"]), task, kind, message))
        if progress is not None:
            progress(n, len(records))
    report.items = len(records)
    report.scenes = sum(1 for s in scenes.loaded.values() if not isinstance(s, str))
    return report
