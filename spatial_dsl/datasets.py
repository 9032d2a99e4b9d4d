"""The output directory of ``spdsl generate``: configuration, per-scene parts, balancing,
dataset writers and ``stats.json``.

Layout of an output directory ``OUT``::

    OUT/config.json                  the run's configuration (a rerun must match it)
    OUT/scenes/<id>.scene.json       every scene exactly as used ("/" in ids -> "__")
    OUT/parts/<NNNNN>.json           one scene's items and stats (NNNNN: scene position)
    OUT/parts/<NNNNN>.done           marker: sha256 of the part and of the scene file
    OUT/data.jsonl | data.llava.json | data.parquet | data.sharegpt.json
    OUT/dataset_info.json            (sharegpt only) the entry LLaMA-Factory reads
    OUT/README.md                    the Hugging Face dataset card
    OUT/stats.json

A scene is finished when its marker exists and matches the part and scene files;
every file is written atomically (temp file + rename) and the marker last, so a
run killed at any point leaves only finished scenes and harmless temp files. The
dataset and the stats are always assembled from the part files on disk, in scene
order, so an interrupted and resumed run writes the same bytes as an
uninterrupted one, whatever the executor or the number of workers.

Records (``--format jsonl``, one JSON object per line), in this key order:
``id`` (``<scene id>/<task>/<binding number>``), ``scene``, ``scene_file``
(relative to OUT), ``task``, ``modality``, ``frames`` (frame indices: the
image's one, all of them for video, ``[]`` for scene items), ``question``,
``answer`` (the answer text, language.md §6, with objects in the words of the
question: "fridge", "the shortest vase"; ``spdsl run`` on the item's program prints
it), ``answer_ids`` (the ids of the objects the answer names, in answer order; null
for answers without objects), ``answer_type``, ``unit``, ``choices`` (multiple
choice: the option texts in presented order, option ``i`` has letter ``"ABCD"[i]``;
else null), ``choice_ids`` (per option, the ids of the objects it names; null when
the options are not objects), ``answer_choice`` (the correct option's letter; else
null), ``program``,
``params`` (category names, object ids, frame indices, numbers / literals),
``producer`` (``"template"``) and ``seed`` (the run's ``--seed``).

``--format parquet`` has the same columns (``params`` as a JSON string, since its
values have mixed types; ``answer_ids`` a list of strings, ``choice_ids`` a list of
lists). ``--format llava`` writes a JSON list of LLaVA/ShareGPT
conversations: ``{"id", "task", "scene_file", "image": PATH}`` (image items),
``"video": [PATH, ...]`` (video items, the frames in order) or neither (scene
items, text only), and ``"conversations": [{"from": "human", "value":
"<image>\\n" + question}, {"from": "gpt", "value": answer}]``. ``--format sharegpt``
writes the same conversations the way LLaMA-Factory reads multimodal data (its
data/README.md, "OpenAI format" with media columns): a JSON list of ``{"id",
"task", "scene_file", "messages": [{"role": "user", "content": "<image>" or
"<video>" + question}, {"role": "assistant", "content": answer}], "images":
[PATH] or [], "videos": [[PATH, ...]] or []}`` (a video is given as the list of
its frame images, one ``<video>`` placeholder per video, one ``<image>`` per
image), plus ``dataset_info.json`` with the entry ``"spdsl"`` that maps those
columns and role tags (``LLAMA_FACTORY_ENTRY``).

A frame's PATH is relative to OUT (LLaVA's ``--image_folder`` and LLaMA-Factory's
``media_dir`` are then OUT): the frame's ``image`` as recorded in the scene file,
which is relative to that scene file's directory (scenes.md), joined to
``scene_file``'s directory; an absolute ``image`` stays as it is. A frame without
an image is ``"<scene_file>#frame=<index>"`` (rendered frames do not exist yet:
the pointer names the camera pose to render, and ``spdsl capture ai2thor --poses OUT``
renders every such pose of an AI2-THOR scene and rewrites the data file with the
images' paths). A record whose answer names objects also carries their ``answer_ids``.
Answers with a unit read ``"1.42
m"``; multiple-choice questions list ``"A. ..."`` lines and ask for the letter, and
the answer is the letter (``prompt_text`` and ``target_text``).

Every run also writes a Hugging Face dataset card, ``README.md`` (``spatial_dsl.hub``),
so that ``datasets.load_dataset(OUT)`` reads the data file with typed columns.

Balancing (``balance``): for a task whose answer type is Bool, Str or Object no
answer may hold more than ``max_share`` of the task's items (default 0.5 for
Bool, else ``1 / (number of distinct answers) + 0.1``). The largest level ``L``
with ``L <= max_share * sum(min(count_a, L))`` is kept of each answer (an answer
below ``L`` keeps all its items); the items an answer loses are those with the
largest ``sha256("<seed>/<item id>")``, a fixed pseudo-random choice that
depends on nothing but the item. Dropped items are counted as ``balanced``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import statistics
from collections import Counter
from pathlib import Path

from .files import atomic_write, atomic_write_text
from spatial_dsl.errors import SpdslError

CONFIG_FILE = "config.json"
STATS_FILE = "stats.json"
DATA_FILES = {"jsonl": "data.jsonl", "llava": "data.llava.json", "parquet": "data.parquet",
              "sharegpt": "data.sharegpt.json"}
LLAMA_FACTORY_INFO = "dataset_info.json"
LLAMA_FACTORY_NAME = "spdsl"
# The dataset_info.json entry of --format sharegpt (LLaMA-Factory data/README.md: sharegpt
# formatting, OpenAI-style role/content tags, media columns).
LLAMA_FACTORY_ENTRY = {
    "file_name": DATA_FILES["sharegpt"],
    "formatting": "sharegpt",
    "columns": {"messages": "messages", "images": "images", "videos": "videos"},
    "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
             "assistant_tag": "assistant"},
}
FORMATS = tuple(DATA_FILES)
CONFIG_VERSION = 1
RECORD_KEYS = ("id", "scene", "scene_file", "task", "modality", "frames", "question", "answer",
               "answer_ids", "answer_type", "unit", "choices", "choice_ids", "answer_choice",
               "program", "params", "producer", "seed")
BALANCED_TYPES = ("Bool", "Str", "Object")
DISCRETE_TYPES = ("Bool", "Str", "Object", "Int", "Frame", "List[Str]", "List[Object]",
                  "List[Int]")
MAX_DISTRIBUTION = 50  # answers listed per task in stats.json; the rest are "(other)"

__all__ = ["CONFIG_FILE", "DATA_FILES", "FORMATS", "OutputDir", "OutputError", "balance",
           "default_max_share", "scene_file_name", "write_dataset"]


class OutputError(SpdslError):
    """The output directory cannot be used (another configuration, not ours, a file)."""


def scene_file_name(scene_id: str) -> str:
    """``ithor/FloorPlan1`` -> ``ithor__FloorPlan1.scene.json``."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", scene_id.replace("/", "__")).lstrip(".") or "scene"
    return f"{stem}.scene.json"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


# ------------------------------------------------------------------------ output dir


class OutputDir:
    """The on-disk state of one generate run."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.scenes = self.root / "scenes"
        self.parts = self.root / "parts"

    # configuration -----------------------------------------------------------

    def prepare(self, config: dict) -> None:
        """Create the directory, or check that it was made by the same configuration."""
        prepare_output(self.root, config, "generate", ("scenes", "parts"))

    # parts -------------------------------------------------------------------

    def part_path(self, position: int) -> Path:
        return self.parts / f"{position:05d}.json"

    def marker_path(self, position: int) -> Path:
        return self.parts / f"{position:05d}.done"

    def is_done(self, position: int, scene_file: str) -> bool:
        """The scene's marker exists and matches its part and scene files."""
        try:
            marker = json.loads(self.marker_path(position).read_text(encoding="utf-8"))
            part = self.part_path(position).read_text(encoding="utf-8")
            scene = (self.root / scene_file).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return False
        return (isinstance(marker, dict) and marker.get("part") == _sha(part)
                and marker.get("scene") == _sha(scene)
                and marker.get("scene_file") == scene_file)

    def commit(self, position: int, scene_file: str, scene_text: str, part: dict) -> None:
        """Write one finished scene: scene file, part, then the marker (each atomically)."""
        part_text = json.dumps(part, ensure_ascii=False, separators=(",", ":")) + "\n"
        atomic_write_text(self.root / scene_file, scene_text, durable=True)
        atomic_write_text(self.part_path(position), part_text, durable=True)
        marker = {"part": _sha(part_text), "scene": _sha(scene_text), "scene_file": scene_file}
        atomic_write_text(self.marker_path(position), json.dumps(marker) + "\n", durable=True)

    def read_part(self, position: int) -> dict:
        return json.loads(self.part_path(position).read_text(encoding="utf-8"))


def prepare_output(root: Path, config: dict, command: str, subdirs: tuple[str, ...]) -> None:
    """Create ``root`` with its ``subdirs`` and ``config.json``, or check that an earlier
    run of ``spdsl <command>`` made it with the same configuration (a rerun resumes
    there); OutputError when the directory is a file, unreadable, not ours or another
    configuration's."""
    from .outputs import OutputPathError, output_dir

    try:
        output_dir(root, create=False)  # the output-path policy: a directory, writable
    except OutputPathError as exc:
        raise OutputError(str(exc)) from None
    config_path = root / CONFIG_FILE
    if config_path.exists():
        try:
            old = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(f"{config_path}: unreadable ({exc}); delete the directory "
                              "or choose another -o") from None
        if old != config:
            raise OutputError(_mismatch_message(root, old, config))
    elif root.exists() and any(root.iterdir()):
        raise OutputError(f"{root}: directory is not empty and was not made by "
                          f"`spdsl {command}` (no config.json); choose another -o")
    try:
        for name in subdirs:
            (root / name).mkdir(parents=True, exist_ok=True)
        if not config_path.exists():
            atomic_write_text(config_path, json.dumps(config, indent=1, ensure_ascii=False)
                              + "\n")
    except OSError as exc:
        from .outputs import write_error_message

        raise OutputError(write_error_message(exc.filename or root, exc)) from None


def _mismatch_message(root: Path, old: dict, new: dict) -> str:
    keys = sorted(set(old) | set(new))
    diffs = []
    for k in keys:
        if old.get(k) != new.get(k):
            a, b = old.get(k), new.get(k)
            if isinstance(a, list | dict) or isinstance(b, list | dict):
                diffs.append(f"{k} differ")
            else:
                diffs.append(f"{k}: {json.dumps(a)} there, {json.dumps(b)} now")
    return (f"{root} was made by a different configuration ({'; '.join(diffs)}); use another "
            "-o, or delete the directory to start over")


# -------------------------------------------------------------------------- balancing


def default_max_share(answer_type: str, distinct: int) -> float:
    from .tolerances import MAX_SHARE_BOOL, MAX_SHARE_SLACK

    if answer_type == "Bool":
        return MAX_SHARE_BOOL
    return 1.0 / max(1, distinct) + MAX_SHARE_SLACK


def _level(counts: list[int], share: float) -> int:
    """The largest L with L <= share * sum(min(c, L)) (feasibility is monotone in L)."""
    lo, hi = 0, max(counts, default=0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid <= share * sum(min(c, mid) for c in counts) + 1e-9:
            lo = mid
        else:
            hi = mid - 1
    return lo


def balance(items: list[dict], answer_type: str, seed: int,
            max_share: float | None) -> tuple[set[str], float | None]:
    """Ids of the items of one task to keep, and the share bound used (None: not balanced)."""
    if answer_type not in BALANCED_TYPES or not items:
        return {it["id"] for it in items}, None
    groups: dict[str, list[dict]] = {}
    for it in items:
        groups.setdefault(it["answer"], []).append(it)
    share = max_share if max_share is not None else default_max_share(answer_type, len(groups))
    level = _level([len(g) for g in groups.values()], share)
    keep: set[str] = set()
    for group in groups.values():
        ranked = sorted(group, key=lambda it: _sha(f"{seed}/{it['id']}"))
        keep.update(it["id"] for it in ranked[:level])
    return keep, share


# ----------------------------------------------------------------------------- writers


def frame_path(scene_file: str, index: int, image: str | None) -> str:
    """The OUT-relative path of a frame's image, or the ``#frame=`` pointer when it has none."""
    if not image:
        return f"{scene_file}#frame={index}"
    if os.path.isabs(image) or "://" in image:  # absolute paths and URLs stay as they are
        return image
    return posixpath.normpath(posixpath.join(posixpath.dirname(scene_file), image))


def _frame_paths(record: dict, images: dict[str, dict[int, str | None]]) -> list[str]:
    """Each frame's image relative to OUT (a scene file's are relative to its directory),
    or the ``scenes/X.scene.json#frame=N`` pointer to a pose still to be rendered."""
    frame_images = images.get(record["scene_file"], {})
    return [frame_path(record["scene_file"], i, frame_images.get(i)) for i in record["frames"]]


def prompt_text(record: dict) -> str:
    """The question as a model is asked it (options and the letter instruction for choices)."""
    question = record["question"]
    if record.get("choices"):
        options = "\n".join(f"{'ABCD'[i]}. {c}" for i, c in enumerate(record["choices"]))
        question = (f"{question}\n{options}\nAnswer with the option's letter from the given "
                    "choices directly.")
    return question


def target_text(record: dict) -> str:
    """The answer a model is trained to give: the letter for choices, else answer [unit]."""
    if record.get("choices"):
        return record["answer_choice"]
    answer = record["answer"]
    return f"{answer} {record['unit']}" if record.get("unit") else answer


def _media(record: dict, images) -> tuple[str, list[str]]:
    """(placeholder, frame paths): "<image>" / "<video>" and the frames, or ("", [])."""
    if record["frames"] and record["modality"] in ("image", "video"):
        paths = _frame_paths(record, images)
        if record["modality"] == "image":
            return "<image>", paths[:1]
        return "<video>", paths
    return "", []


def llava_record(record: dict, images: dict[str, dict[int, str | None]]) -> dict:
    placeholder, paths = _media(record, images)
    out = {"id": record["id"], "task": record["task"], "scene_file": record["scene_file"]}
    if record.get("answer_ids") is not None:
        out["answer_ids"] = record["answer_ids"]
    if placeholder == "<image>":
        out["image"] = paths[0]
    elif placeholder == "<video>":
        out["video"] = paths
    question = f"{placeholder}\n{prompt_text(record)}" if placeholder else prompt_text(record)
    out["conversations"] = [{"from": "human", "value": question},
                            {"from": "gpt", "value": target_text(record)}]
    return out


def sharegpt_record(record: dict, images: dict[str, dict[int, str | None]]) -> dict:
    """One LLaMA-Factory conversation: as many placeholders as media entries (its rule)."""
    placeholder, paths = _media(record, images)
    return {"id": record["id"], "task": record["task"], "scene_file": record["scene_file"],
            "messages": [{"role": "user", "content": placeholder + prompt_text(record)},
                         {"role": "assistant", "content": target_text(record)}],
            "images": paths if placeholder == "<image>" else [],
            "videos": [paths] if placeholder == "<video>" else []}


def _parquet_table(records: list[dict]):
    import pyarrow as pa

    schema = pa.schema([
        ("id", pa.string()), ("scene", pa.string()), ("scene_file", pa.string()),
        ("task", pa.string()), ("modality", pa.string()), ("frames", pa.list_(pa.int64())),
        ("question", pa.string()), ("answer", pa.string()),
        ("answer_ids", pa.list_(pa.string())), ("answer_type", pa.string()),
        ("unit", pa.string()), ("choices", pa.list_(pa.string())),
        ("choice_ids", pa.list_(pa.list_(pa.string()))), ("answer_choice", pa.string()),
        ("program", pa.string()), ("params", pa.string()),
        ("producer", pa.string()), ("seed", pa.int64()),
    ])
    columns = {name: [r[name] for r in records] for name in schema.names}
    columns["params"] = [json.dumps(p, ensure_ascii=False) for p in columns["params"]]
    return pa.Table.from_pydict(columns, schema=schema)


def write_dataset(path: Path, fmt: str, records: list[dict],
                  images: dict[str, dict[int, str | None]]) -> list[dict]:
    """Write the records in one format, atomically; returns the rows as written (the
    records themselves for jsonl and parquet)."""
    if fmt == "jsonl":
        atomic_write_text(path, "".join(_json_line(r) + "\n" for r in records))
        return records
    if fmt in ("llava", "sharegpt"):
        convert = llava_record if fmt == "llava" else sharegpt_record
        rows = [convert(r, images) for r in records]
        lines = [_json_line(row) for row in rows]
        atomic_write_text(path, "[\n" + ",\n".join(lines) + ("\n]\n" if lines else "]\n"))
        if fmt == "sharegpt":
            info = {LLAMA_FACTORY_NAME: LLAMA_FACTORY_ENTRY}
            atomic_write_text(path.parent / LLAMA_FACTORY_INFO,
                              json.dumps(info, indent=2) + "\n")
        return rows
    if fmt == "parquet":
        import pyarrow.parquet as pq

        table = _parquet_table(records)
        atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        return records
    raise ValueError(f"unknown format {fmt!r}")  # pragma: no cover - the CLI offers FORMATS


# ------------------------------------------------------------------------------ stats


def _distribution(answers: list[str], answer_type: str) -> dict:
    if not answers:
        return {}
    if answer_type in DISCRETE_TYPES:
        counts = Counter(answers).most_common()
        shown = dict(sorted(counts[:MAX_DISTRIBUTION], key=lambda kv: (-kv[1], kv[0])))
        rest = sum(c for _, c in counts[MAX_DISTRIBUTION:])
        if rest:
            shown["(other)"] = rest
        return {"answers": shown}
    try:
        values = [float(a) for a in answers]
    except ValueError:
        return {"answers": {"distinct": len(set(answers))}}
    return {"answer_summary": {"min": min(values), "median": statistics.median(values),
                               "mean": round(statistics.fmean(values), 6),
                               "max": max(values), "distinct": len(set(values))}}


def assemble(out: OutputDir, positions: list[int], tasks: list[dict], seed: int, fmt: str,
             max_share: float | None, skipped_tasks: dict[str, str],
             command: str | None = None, parts: list[dict] | None = None
             ) -> tuple[dict, int]:
    """Balance and write the dataset from the parts, and its dataset card when ``command``
    (the generating command line) is given; returns (stats without "run", items).
    ``parts``: the parts at ``positions`` as ``read_part`` gives them, if already read."""
    if parts is None:
        parts = [out.read_part(p) for p in positions]
    task_info = {t["name"]: t for t in tasks}
    by_task: dict[str, list[dict]] = {t["name"]: [] for t in tasks}
    for part in parts:
        for item in part["items"]:
            by_task.setdefault(item["task"], []).append(item)
    keep: set[str] = set()
    shares: dict[str, float | None] = {}
    for name, items in by_task.items():
        kept, share = balance(items, task_info.get(name, {}).get("answer_type", ""), seed,
                              max_share)
        keep |= kept
        shares[name] = share
    records = [{k: item.get(k) for k in RECORD_KEYS} for part in parts
               for item in part["items"] if item["id"] in keep]
    images = {part["scene_file"]: {int(k): v for k, v in part.get("images", {}).items()}
              for part in parts}
    rows = write_dataset(out.root / DATA_FILES[fmt], fmt, records, images)
    if command is not None:
        from .hub import write_card

        write_card(out.root, fmt, DATA_FILES[fmt], rows, records, task_info,
                   [part["scene"] for part in parts], seed, command)
    stats = _stats(parts, tasks, by_task, keep, shares, records, skipped_tasks)
    return stats, len(records)


def _stats(parts, tasks, by_task, keep, shares, records, skipped_tasks) -> dict:
    task_stats: dict[str, dict] = {}
    total_rejections: Counter = Counter()
    kept_answers: dict[str, list[str]] = {t["name"]: [] for t in tasks}
    for r in records:
        kept_answers.setdefault(r["task"], []).append(r["answer"])
    for t in tasks:
        name = t["name"]
        rejections: Counter = Counter()
        skipped: Counter = Counter()
        sums = Counter()
        scenes_run = 0
        for part in parts:
            s = part["tasks"].get(name)
            if s is None:
                continue
            if s.get("skipped"):
                skipped[s["skipped"]] += 1
                continue
            scenes_run += 1
            rejections.update(s["rejections"])
            for k in ("bindings", "evaluated", "candidates", "surplus"):
                sums[k] += s[k]
            sums["search_limited"] += int(s.get("search_limited", False))
        dropped = sum(1 for it in by_task.get(name, []) if it["id"] not in keep)
        if dropped:
            rejections["balanced"] += dropped
        total_rejections.update(rejections)
        entry = {"file": t["file"], "modality": t["modality"], "answer_type": t["answer_type"],
                 "items": len(kept_answers.get(name, [])), "scenes_run": scenes_run,
                 "scenes_skipped": dict(sorted(skipped.items())),
                 "bindings": sums["bindings"], "evaluated": sums["evaluated"],
                 "candidates": sums["candidates"], "surplus": sums["surplus"],
                 "max_share": shares.get(name),
                 "rejections": dict(sorted(rejections.items()))}
        if sums["search_limited"]:
            entry["scenes_search_limited"] = sums["search_limited"]
        entry.update(_distribution(kept_answers.get(name, []), t["answer_type"]))
        task_stats[name] = entry
    walk_notes = {part["scene"]: part["walk_error"] for part in parts if part.get("walk_error")}
    stats = {
        "items": len(records),
        "scenes": len(parts),
        "scenes_with_items": len({r["scene"] for r in records}),
        "items_per_task": {name: s["items"] for name, s in task_stats.items()},
        "rejections": dict(sorted(total_rejections.items())),
        "skipped_tasks": dict(sorted(skipped_tasks.items())),
        "tasks": task_stats,
    }
    if walk_notes:
        stats["walk_failures"] = walk_notes
    return stats


def write_stats(out: OutputDir, stats: dict) -> None:
    atomic_write_text(out.root / STATS_FILE, json.dumps(stats, indent=1, ensure_ascii=False)
                      + "\n")
