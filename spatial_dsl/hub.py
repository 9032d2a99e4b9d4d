"""The Hugging Face dataset card (``OUT/README.md``) of a ``spdsl generate`` directory.

``datasets.load_dataset(OUT)`` reads a directory's ``README.md`` YAML front matter
(the Hub's "manual configuration"): ``configs`` names the data file, so the loader
never guesses from the other JSON files in OUT (``scenes/``, ``parts/``, ``stats.json``);
``dataset_info.features`` gives every column its type, so the columns load typed
(``frames`` a list of int64, ``choices`` a list of strings, ...) even when a column is
empty in every row. The Hub's dataset viewer reads the same front matter.

Decisions (the spec is silent):

- One configuration, named after the format (``jsonl``, ``llava``, ``parquet``,
  ``sharegpt``) and marked ``default``, with one split, ``train``: the split every
  loader takes when none is named (``load_dataset``, LLaMA-Factory's ``split``
  default). A generated directory is one set of items; users split it themselves.
- Column types: the record keys this project writes are typed here; any other key a
  record carries (new fields) is typed from its values (strings, integers, floats,
  lists of them; anything else as ``json``). ``params`` is ``json`` in jsonl (its values
  mix strings and numbers) and a JSON ``string`` in parquet, as written.
- ``license``: ``apache-2.0`` when every scene is a built-in AI2-THOR room (iTHOR,
  RoboTHOR; AI2-THOR is Apache-2.0), else ``other`` with a note to check the scenes'
  own licenses: the items are derived from the scenes' geometry.
- The card holds nothing that varies between runs (no dates, no timings), so a resumed
  run writes the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from . import __version__
from .files import atomic_write_text

__all__ = ["CARD_FILE", "card_text", "features_for", "write_card"]

CARD_FILE = "README.md"
SPLIT = "train"
BUILTIN_SCENE_PREFIXES = ("ithor/", "robothor/")

STRING, INT = "string", "int64"
# The columns of a jsonl record (datasets.RECORD_KEYS) and their types.
RECORD_FEATURES: dict[str, object] = {
    "id": STRING, "scene": STRING, "scene_file": STRING, "task": STRING, "modality": STRING,
    "frames": [INT], "question": STRING, "answer": STRING, "answer_type": STRING,
    "unit": STRING, "choices": [STRING], "answer_choice": STRING, "program": STRING,
    "params": "json", "producer": STRING, "seed": INT,
    # fields records are gaining: object ids of the answer and of every choice
    "answer_ids": [STRING], "choice_ids": [[STRING]],
}
TURN = {"struct": [("from", STRING), ("value", STRING)]}
MESSAGE = {"struct": [("role", STRING), ("content", STRING)]}
FORMAT_FEATURES: dict[str, dict[str, object]] = {
    "llava": {"id": STRING, "task": STRING, "scene_file": STRING, "image": STRING,
              "video": [STRING], "conversations": [TURN]},
    "sharegpt": {"id": STRING, "task": STRING, "scene_file": STRING, "messages": [MESSAGE],
                 "images": [STRING], "videos": [[STRING]]},
}


# ----------------------------------------------------------------------- features


def _infer(values: list) -> object:
    """The feature type of a column from its Python values (None: no value to tell)."""
    # By the set of the values' classes (one pass over a column of every record):
    # isinstance(v, C) is issubclass(type(v), C).
    kinds = {type(v) for v in values}
    kinds.discard(type(None))
    if not kinds:
        return None
    if all(issubclass(k, bool) for k in kinds):
        return "bool"
    if all(issubclass(k, str) for k in kinds):
        return STRING
    if all(issubclass(k, int) and not issubclass(k, bool) for k in kinds):
        return INT
    if all(issubclass(k, int | float) and not issubclass(k, bool) for k in kinds):
        return "float64"
    if all(issubclass(k, list) for k in kinds):
        inner = _infer([x for v in values if v is not None for x in v])
        return "json" if inner == "json" else [inner]
    return "json"


def _fits(known: object, inferred: object) -> bool:
    """Values of type ``inferred`` load as ``known`` (None: nothing to go by)."""
    if inferred is None or known == "json" or known == inferred:
        return True
    if isinstance(known, list) and isinstance(inferred, list):
        return _fits(known[0], inferred[0])
    return known == "float64" and inferred == INT


def _concrete(kind: object) -> object:
    """An inferred type with the unknowns (columns or lists that are always empty) as strings."""
    if kind is None:
        return STRING
    return [_concrete(kind[0])] if isinstance(kind, list) else kind


def _record_type(key: str, values: list) -> object:
    inferred = _infer(values)
    known = RECORD_FEATURES.get(key)
    return known if known is not None and _fits(known, inferred) else _concrete(inferred)


def _arrow_feature(pa_type) -> object:
    """The feature type of a Parquet column, from its Arrow type."""
    import pyarrow as pa

    if pa.types.is_list(pa_type) or pa.types.is_large_list(pa_type):
        return [_arrow_feature(pa_type.value_type)]
    if pa.types.is_struct(pa_type):
        return "json"
    if pa.types.is_string(pa_type) or pa.types.is_large_string(pa_type):
        return STRING
    if pa.types.is_null(pa_type):
        return STRING
    return str(pa_type)  # int64, float64, bool: the same names in both


def features_for(fmt: str, rows: list[dict], arrow_schema=None) -> list[tuple[str, object]]:
    """(column, type) in column order for the rows as written in format ``fmt`` (for
    parquet, the written file's Arrow schema)."""
    if arrow_schema is not None:
        return [(f.name, _arrow_feature(f.type)) for f in arrow_schema]
    keys = list(dict.fromkeys(k for row in rows for k in row))  # first-seen order
    if fmt in FORMAT_FEATURES:
        known = FORMAT_FEATURES[fmt]
        order = list(known) + [k for k in keys if k not in known]
        return [(k, known[k] if k in known else _concrete(_infer([r.get(k) for r in rows])))
                for k in order]
    return [(k, _record_type(k, [r.get(k) for r in rows])) for k in keys]


# ------------------------------------------------------------------------ YAML


def _q(text: str) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML."""
    return json.dumps(text, ensure_ascii=False)


def _feature_yaml(name: str | None, kind: object, indent: str) -> list[str]:
    """One feature as a YAML list item (``- name: x`` + its type), Hub card syntax."""
    head = f"{indent}- name: {_q(name)}" if name is not None else None
    lines = [head] if head else []
    body = indent + "  "
    lines += _type_yaml(kind, body)
    return lines


def _type_yaml(kind: object, indent: str) -> list[str]:
    if isinstance(kind, str):
        return [f"{indent}dtype: {kind}"]
    if isinstance(kind, list):
        inner = kind[0]
        if isinstance(inner, str):
            return [f"{indent}sequence: {inner}"]
        if isinstance(inner, dict):  # a list of structs: Hub cards write `list:` + fields
            lines = [f"{indent}list:"]
            for field_name, field_type in inner["struct"]:
                lines += _feature_yaml(field_name, field_type, indent + "  ")
            return lines
        return [f"{indent}sequence:", *_type_yaml(inner, indent + "  ")]
    raise ValueError(f"unsupported feature {kind!r}")  # pragma: no cover


def _front_matter(fmt: str, data_file: str, features: list[tuple[str, object]],
                  license_id: str, count: int) -> list[str]:
    lines = ["---", f"license: {license_id}"]
    if license_id == "other":
        # the Hub asks a name and a link for `other`: the card's own License section
        lines += ["license_name: scene-sources", "license_link: README.md"]
    lines += ["pretty_name: spdsl spatial questions",
              "language:", "- en",
              "task_categories:", "- visual-question-answering", "- question-answering",
              "tags:", "- spatial-reasoning", "- 3d", "- synthetic", "- spdsl",
              "size_categories:", f"- {_size_category(count)}",
              "configs:", f"- config_name: {fmt}", "  default: true", "  data_files:",
              f"  - split: {SPLIT}", f"    path: {_q(data_file)}",
              "dataset_info:", f"  config_name: {fmt}", "  features:"]
    for name, kind in features:
        lines += _feature_yaml(name, kind, "  ")
    lines.append("---")  # no `splits`: the loader wants byte sizes of its own Arrow cache
    return lines


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def dataset_license(scene_ids: list[str]) -> str:
    builtin = scene_ids and all(s.startswith(BUILTIN_SCENE_PREFIXES) for s in scene_ids)
    return "apache-2.0" if builtin else "other"


# ------------------------------------------------------------------------ card


def card_text(*, fmt: str, data_file: str, features: list[tuple[str, object]],
              records: list[dict], task_info: dict[str, dict], scene_ids: list[str],
              seed: int, command: str) -> str:
    """The whole README.md: front matter, then what a reader needs to use the data."""
    license_id = dataset_license(scene_ids)
    lines = _front_matter(fmt, data_file, features, license_id, len(records))
    counts = Counter(r["task"] for r in records)
    lines += ["", "# spdsl spatial questions", "",
              f"{len(records)} question-answer items about {len(scene_ids)} 3D scene(s), "
              f"generated by spdsl {__version__} "
              "from SpatialDSL task templates. Every answer is computed exactly from the "
              "scene's geometry by the item's program (the `program` column of the jsonl "
              "and parquet formats); `scenes/` holds every scene as it was used.", "",
              "## How it was made", "", "```sh", command, "```", "",
              f"Seed: {seed}. `OUT` is this directory. The same command with the same spdsl "
              "version and scenes writes the same bytes.", "",
              "## Loading", "", "```python", "import datasets", "",
              f'ds = datasets.load_dataset("path/to/this/directory", split="{SPLIT}")',
              "```", ""]
    if fmt == "sharegpt":
        lines += _llama_factory_section()
    elif fmt == "llava":
        lines += ["LLaVA-style training reads `data.llava.json` with `--image_folder` set "
                  "to this directory (frame paths are relative to it).", ""]
    lines += ["## Scoring a model", "",
              "Run the model on the questions, write one JSON line per item "
              '(`{"id": ..., "prediction": ...}`; LLaVA answer files and LLaMA-Factory\'s '
              "`generated_predictions.jsonl` are read as they are), then:", "",
              "```sh", "spdsl score predictions.jsonl --dataset path/to/this/directory",
              "spdsl baseline --dataset path/to/this/directory --kind frequent", "```", "",
              "## Tasks", "", "| task | modality | answer type | items |",
              "|---|---|---|---:|"]
    for name in sorted(counts):
        info = task_info.get(name, {})
        lines.append(f"| `{name}` | {info.get('modality', '?')} | "
                     f"{info.get('answer_type', '?')} | {counts[name]} |")
    lines += ["", "## License", ""]
    if license_id == "apache-2.0":
        lines.append("Apache-2.0. The scenes are AI2-THOR rooms (iTHOR, RoboTHOR), "
                     "released by the Allen Institute for AI under Apache-2.0.")
    else:
        lines.append("The items are derived from the geometry of the scenes listed in "
                     "`scenes/`; the data inherits their licenses. Set `license:` above "
                     "to the most restrictive of them before publishing.")
    return "\n".join(lines) + "\n"


def _llama_factory_section() -> list[str]:
    return ["## Fine-tuning with LLaMA-Factory", "",
            "`dataset_info.json` here declares the dataset `spdsl` (sharegpt formatting, "
            "`messages` with role/content tags, `images` and `videos` columns). Frame paths "
            "are relative to this directory, LLaMA-Factory's default `media_dir` when "
            "`dataset_dir` points here; a video is the list of its frame images. Frames "
            "written as `scenes/<scene>.scene.json#frame=N` have no image yet and must be "
            "rendered first.", "",
            "```sh",
            "llamafactory-cli train --stage sft --do_train true \\",
            "  --model_name_or_path Qwen/Qwen2.5-VL-7B-Instruct --template qwen2_vl \\",
            "  --dataset_dir path/to/this/directory --dataset spdsl \\",
            "  --finetuning_type lora --output_dir saves/spdsl-lora \\",
            "  --per_device_train_batch_size 1 --gradient_accumulation_steps 8 \\",
            "  --learning_rate 1e-4 --num_train_epochs 1 --bf16 true",
            "```", ""]


def write_card(root: Path, fmt: str, data_file: str, rows: list[dict], records: list[dict],
               task_info: dict[str, dict], scene_ids: list[str], seed: int,
               command: str) -> None:
    """Write OUT/README.md for the data file ``data_file`` (format ``fmt``) just written in
    ``root`` (``rows``: its rows as written; parquet's column types are read from the
    file)."""
    root = Path(root)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        features = features_for(fmt, [], pq.read_schema(root / data_file))
    else:
        features = features_for(fmt, rows)
    text = card_text(fmt=fmt, data_file=data_file, features=features, records=records,
                     task_info=task_info, scene_ids=scene_ids, seed=seed, command=command)
    atomic_write_text(root / CARD_FILE, text)
