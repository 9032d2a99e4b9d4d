"""Generated directories as other tools read them: `datasets.load_dataset` in every format
(offline), LLaMA-Factory's documented sharegpt schema, `spdsl review` of every format with
predictions, and `spdsl baseline` on generated items."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from spatial_dsl.generation import generate
from spatial_dsl.datasets import DATA_FILES, target_text
from spatial_dsl.records import read_dataset
from spatial_dsl.review import build_review
from spatial_dsl.scoring import aggregate, baseline_items, score_items
from tests.conftest import run_spdsl

SCENES = ["ithor:FloorPlan1", "ithor:FloorPlan201"]
# one task per kind of answer: yes/no, two options (a Str and an Object), a count, a scene
# item, an angle and a route
TASKS = ["image_abs_distance", "image_camera_direction_simple", "image_size_comparison",
         "video_before_after", "video_counting", "vsi_room_size", "nav_camera_turn",
         "nav_route"]
FORMATS = ("jsonl", "llava", "parquet", "sharegpt")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """The same configuration written in every format."""
    base = tmp_path_factory.mktemp("formats")
    out = {}
    for fmt in FORMATS:
        result = generate(SCENES, TASKS, base / fmt, per_scene=4, seed=3, fmt=fmt,
                              walk=12, workers=1, progress=False)
        assert result.items > 20
        out[fmt] = result.out
    return out


LOAD = r"""
import json, sys
import datasets
out = {}
for fmt, path in json.loads(sys.argv[1]).items():
    ds = datasets.load_dataset(path, split="train", cache_dir=sys.argv[2])
    out[fmt] = {"rows": ds.num_rows, "features": {k: str(v) for k, v in ds.features.items()},
                "first": json.loads(json.dumps(ds[0], default=str))}
print(json.dumps(out))
"""


def test_load_dataset_reads_every_format_with_typed_columns(generated, tmp_path):
    pytest.importorskip("datasets")
    env = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"),
           "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", LOAD,
                           json.dumps({f: str(p) for f, p in generated.items()}),
                           str(tmp_path / "cache")], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    records = read_dataset(generated["jsonl"]).records
    for fmt in FORMATS:
        assert loaded[fmt]["rows"] == len(records), fmt
        assert loaded[fmt]["first"]["id"] == records[0]["id"], fmt
    jsonl = loaded["jsonl"]["features"]
    assert jsonl["frames"] == "List(Value('int64'))" and jsonl["seed"] == "Value('int64')"
    assert jsonl["choices"] == "List(Value('string'))" and jsonl["unit"] == "Value('string')"
    assert jsonl["params"].startswith("Json")
    assert loaded["parquet"]["features"]["params"] == "Value('string')"
    assert loaded["llava"]["features"]["conversations"].startswith("List({'from'")
    share = loaded["sharegpt"]["features"]
    assert share["videos"] == "List(List(Value('string')))"
    assert share["messages"].startswith("List({'role'")


def test_the_card_names_the_command_seed_license_and_tasks(generated):
    card = (generated["sharegpt"] / "README.md").read_text()
    front, body = card.split("---\n")[1], card.split("---\n", 2)[2]
    assert "license: apache-2.0\n" in front  # built-in AI2-THOR rooms only
    assert "config_name: sharegpt\n  default: true\n" in front
    assert f'path: "{DATA_FILES["sharegpt"]}"' in front
    assert "--seed 3 --format sharegpt --walk 12" in body and "Seed: 3." in body
    for task in TASKS:
        assert f"| `{task}` |" in body
    assert "llamafactory-cli train" in body and "--dataset spdsl" in body


def test_a_rerun_writes_the_same_card(generated, tmp_path):
    again = generate(SCENES, TASKS, generated["jsonl"], per_scene=4, seed=3, fmt="jsonl",
                         walk=12, workers=1, progress=False)
    assert (again.out / "README.md").read_text() == \
        (generated["jsonl"] / "README.md").read_text()


# ------------------------------------------------------------------ LLaMA-Factory


def llama_factory_problems(root: Path) -> list[str]:
    """The rules of LLaMA-Factory's data/README.md for a sharegpt multimodal dataset:
    the dataset_info.json entry (file_name, formatting, columns, tags), messages that
    alternate user / assistant starting with the user, one `<image>` per entry of
    `images` and one `<video>` per entry of `videos` (a video: a path or a list of frame
    paths)."""
    problems = []
    info = json.loads((root / "dataset_info.json").read_text())
    entry = info["spdsl"]
    if entry.get("formatting") != "sharegpt":
        problems.append("formatting is not sharegpt")
    columns, tags = entry["columns"], entry["tags"]
    data = json.loads((root / entry["file_name"]).read_text())
    if not isinstance(data, list):
        return ["the data file is not a JSON list"]
    for n, row in enumerate(data):
        messages = row.get(columns["messages"])
        roles = [m.get(tags["role_tag"]) for m in messages]
        expected = [tags["user_tag"], tags["assistant_tag"]] * (len(roles) // 2)
        if roles != expected or not roles:
            problems.append(f"row {n}: roles {roles}")
        contents = [m.get(tags["content_tag"]) for m in messages]
        if not all(isinstance(c, str) for c in contents):
            problems.append(f"row {n}: a content is not a string")
            continue
        text = "".join(contents)
        images, videos = row.get(columns["images"], []), row.get(columns["videos"], [])
        if text.count("<image>") != len(images):
            problems.append(f"row {n}: {text.count('<image>')} <image> for {len(images)}")
        if text.count("<video>") != len(videos):
            problems.append(f"row {n}: {text.count('<video>')} <video> for {len(videos)}")
        if not all(isinstance(p, str) for p in images):
            problems.append(f"row {n}: an image is not a path")
        for video in videos:
            if not (isinstance(video, str) or (isinstance(video, list) and video
                                               and all(isinstance(p, str) for p in video))):
                problems.append(f"row {n}: a video is neither a path nor a list of frames")
    return problems


def test_sharegpt_follows_llama_factorys_documented_schema(generated):
    root = generated["sharegpt"]
    assert llama_factory_problems(root) == []
    data = json.loads((root / "data.sharegpt.json").read_text())
    records = read_dataset(generated["jsonl"]).records
    kinds = {r["id"]: r["modality"] for r in records}
    by_id = {r["id"]: r for r in records}
    seen = set()
    for row in data:
        modality = kinds[row["id"]]
        seen.add(modality)
        user, bot = (m["content"] for m in row["messages"])
        assert bot == target_text(by_id[row["id"]])
        if modality == "image":
            assert user.startswith("<image>") and len(row["images"]) == 1
        elif modality == "video":
            assert user.startswith("<video>") and len(row["videos"][0]) == 12  # every frame
        else:
            assert row["images"] == row["videos"] == [] and "<" not in user[:1]
    assert seen == {"image", "video", "scene"}
    # frames without images point at the camera pose to render, relative to OUT
    pointers = [p for row in data for v in row["videos"] for p in v]
    assert all(p.startswith("scenes/") and "#frame=" in p for p in pointers)


def test_the_schema_check_catches_a_missing_placeholder(generated, tmp_path):
    import shutil

    root = tmp_path / "broken"
    shutil.copytree(generated["sharegpt"], root)
    data = json.loads((root / "data.sharegpt.json").read_text())
    row = next(r for r in data if r["images"])
    row["messages"][0]["content"] = row["messages"][0]["content"].replace("<image>", "")
    (root / "data.sharegpt.json").write_text(json.dumps(data))
    assert any("0 <image> for 1" in p for p in llama_factory_problems(root))


# ------------------------------------------------------------------ review and score


@pytest.mark.parametrize("fmt", FORMATS)
def test_review_reads_every_format_and_shows_predictions(generated, tmp_path, fmt):
    records = read_dataset(generated[fmt]).records
    assert [r["id"] for r in records] == [r["id"] for r in read_dataset(generated["jsonl"])
                                         .records]
    assert all("program" in r for r in records)  # the full records, from parts/
    first = records[0]
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(json.dumps({"id": first["id"], "prediction": target_text(first)})
                           + "\n")
    page = tmp_path / "review.html"
    summary = build_review(generated[fmt], page, limit=0, predictions=predictions)
    assert summary["items"] == len(records) and summary["problems"] == 0
    assert summary["score"] == pytest.approx(1 / len(records))
    text = page.read_text()
    assert text.count('class="prediction right"') == 1
    assert text.count("(missing, scores 0)") == len(records) - 1
    assert 'id="f-wrong"' in text


def test_a_llava_file_alone_is_scored_from_its_conversations(generated, tmp_path):
    import shutil

    alone = tmp_path / "data.llava.json"
    shutil.copy(generated["llava"] / "data.llava.json", alone)  # no parts/ beside it
    records = read_dataset(alone).records
    full = read_dataset(generated["jsonl"]).records
    predictions = {r["id"]: target_text(r) for r in full}
    report = aggregate(score_items(records, predictions))
    assert report.micro == 1.0 and report.unparsed == 0


def test_two_command_path_from_generate_to_a_score_table(generated, tmp_path):
    records = read_dataset(generated["jsonl"]).records
    path = tmp_path / "model.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "prediction": target_text(r)}) + "\n"
                            for r in records))
    result = run_spdsl("score", str(path), "--dataset", str(generated["sharegpt"]))
    assert result.returncode == 0, result.stderr
    assert "| **overall (micro)** |  | " + str(len(records)) + " | 100.0 |" in result.stdout


def test_chance_on_two_choice_tasks_is_one_half(generated):
    records = read_dataset(generated["jsonl"]).records
    two = [r for r in records if r.get("choices") and len(r["choices"]) == 2]
    assert len({r["task"] for r in two}) >= 2 and len(two) >= 20
    items, values, _ = baseline_items(two, "chance")
    assert aggregate(items, values=values).micro == 0.5
    # a seeded guesser of random letters: its mean over 300 runs is close to 1/2
    rng = random.Random(0)
    runs = [aggregate(score_items(two, {r["id"]: rng.choice("AB") for r in two}),
                      resamples=1).micro for _ in range(300)]
    assert sum(runs) / len(runs) == pytest.approx(0.5, abs=0.02)


def test_baseline_command_prints_a_row_per_task(generated):
    result = run_spdsl("baseline", "--dataset", str(generated["parquet"]), "--kind",
                       "frequent")
    assert result.returncode == 0, result.stderr
    for task in TASKS:
        assert f"| `{task}` |" in result.stdout
    assert "**overall (macro, 8 tasks)**" in result.stdout


def test_the_wrong_only_filter_in_headless_chromium(generated, tmp_path):
    from tests.test_review import _browser, _chromium, _items

    if _chromium() is None:
        pytest.skip("no Chromium here (Debian: apt-get install chromium)")
    records = read_dataset(generated["jsonl"]).records
    right = records[::2]  # every other item answered right, the rest missing
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text("".join(json.dumps({"id": r["id"], "prediction": target_text(r)})
                                   + "\n" for r in right))
    page = tmp_path / "review.html"
    build_review(generated["jsonl"], page, limit=0, predictions=predictions)
    url = page.resolve().as_uri() + "#wrong=1"
    proc = _browser(tmp_path, "--dump-dom", url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    shown = [i["id"] for i in _items(proc.stdout) if not i["hidden"]]
    assert shown == [f"item-{n}" for n in range(1, len(records), 2)]


# ------------------------------------------------------------------ card, unit level


def test_the_license_follows_the_scene_sources():
    from spatial_dsl.hub import card_text, dataset_license

    assert dataset_license(["ithor/FloorPlan1", "robothor/FloorPlan_Train1_1"]) == "apache-2.0"
    assert dataset_license(["ithor/FloorPlan1", "scannet/scene0000_00"]) == "other"
    card = card_text(fmt="jsonl", data_file="data.jsonl", features=[("id", "string")],
                     records=[{"task": "t"}], task_info={}, scene_ids=["test/room"], seed=0,
                     command="spdsl generate ...")
    assert "license: other\nlicense_name: scene-sources\n" in card
    assert "the data inherits their licenses" in card


def test_new_record_fields_are_typed_from_their_values():
    from spatial_dsl.hub import features_for

    rows = [{"id": "a", "answer_ids": ["Fridge|1"], "choice_ids": [["A|1"], ["B|2", "C|3"]],
             "score_hint": 0.5, "frames": [], "unit": None},
            {"id": "b", "answer_ids": None, "choice_ids": None, "score_hint": 2,
             "frames": [], "unit": None}]
    types = dict(features_for("jsonl", rows))
    assert types == {"id": "string", "answer_ids": ["string"], "choice_ids": [["string"]],
                     "score_hint": "float64", "frames": ["int64"], "unit": "string"}
    # a known field written in another shape is typed as written, not as expected
    other = dict(features_for("jsonl", [{"choice_ids": ["A|1", "B|2"]}]))
    assert other == {"choice_ids": ["string"]}


def test_column_types_are_inferred_as_each_value_s_class_says():
    # hub._infer decides by the set of the values' classes; the rule is per value:
    # bool if every value is a bool, string if every one is a str (a subclass counts),
    # int64 if every one is an int and none a bool, float64 for ints and floats, a list of
    # the inner type for lists, json for anything else; None values do not count.
    import numpy as np

    from spatial_dsl.hub import _infer

    def by_value(values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        if all(isinstance(v, bool) for v in values):
            return "bool"
        if all(isinstance(v, str) for v in values):
            return "string"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return "int64"
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return "float64"
        if all(isinstance(v, list) for v in values):
            inner = by_value([x for v in values for x in v])
            return "json" if inner == "json" else [inner]
        return "json"

    pool = [None, True, False, 0, 3, 2.5, "a", np.str_("b"), [1], ["x", None], [], [[1]],
            {"k": 1}, [True], [2.0, 1]]
    rng = np.random.default_rng(2)
    for _ in range(400):
        column = [pool[i] for i in rng.integers(len(pool), size=rng.integers(0, 5))]
        assert _infer(column) == by_value(column), column
