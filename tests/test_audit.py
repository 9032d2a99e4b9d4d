"""Items on real rooms hold to synthesis.md's "What a good item is", and `spdsl audit` finds
each kind of problem on a hand-corrupted copy of a dataset while passing the clean one.

The dataset: every bundled task on iTHOR FloorPlan1 (a kitchen) and FloorPlan301 (a
bedroom), each given a 30-frame camera walk, 3 items per task and scene. The checks on
its items recompute visibility with the language's own builtins on the saved scenes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from spatial_dsl.api import compile_program
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.runtime.eval import Evaluator
from spatial_dsl.runtime.reference import plain_runtime
from spatial_dsl.generation import generate
from spatial_dsl.names import natural_name
from spatial_dsl.naming import ObjectNames
from spatial_dsl.scenes.format import load_scene_file
from tests.conftest import run_spdsl

ROOMS = ["ithor:FloorPlan1", "ithor:FloorPlan301"]
THE_NAME = re.compile(r'\bthe\("([^"\\]*)"\)')


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit") / "out"
    generate(ROOMS, ["all"], out, per_scene=3, walk=30, workers=1, progress=False)
    return out


def _records(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "data.jsonl").read_text().splitlines()]


def _write(root: Path, records: list[dict]) -> None:
    (root / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


_SCENES: dict = {}


def _scene(root: Path, scene_file: str):
    key = str(root / scene_file)
    if key not in _SCENES:
        _SCENES[key] = load_scene_file(key)
    return _SCENES[key]


def _seen_table(scene):
    """(visibility, screen size) of every (frame, object), from the language's builtins:
    [frame][object] -> [fraction, pixels]."""
    key = id(scene)
    if key not in _TABLES:
        checked = compile_source("let v = map(frames, f => map(objects, o => "
                                 "[visibility(o, f), screen_size(o, f)]))\nanswer 1\n")
        evaluator = Evaluator(checked, scene)
        _, rejection = evaluator.run()
        assert rejection is None, rejection
        _TABLES[key] = plain_runtime(evaluator.globals["v"], checked.type_of(
            checked.program.statements[0].value))
    return _TABLES[key]


_TABLES: dict = {}


def _named(scene, record: dict) -> set[int]:
    """What the item names: parameter objects (ids; a category that occurs once), the
    landmarks `the("Name")` of its program, and the objects of its answer and choices."""
    index = {oid: i for i, oid in enumerate(scene.ids)}
    out = set()
    names = [v for v in record["params"].values() if isinstance(v, str)]
    names += THE_NAME.findall(record["program"])
    for name in names:
        if name in index:
            out.add(index[name])
        matches = [i for i, (c, lab) in enumerate(zip(scene.categories, scene.labels))
                   if name in (c, lab)]
        if len(matches) == 1:
            out.add(matches[0])
    ids = list(record["answer_ids"] or [])
    ids += [oid for option in record["choice_ids"] or [] for oid in option]
    return out | {index[oid] for oid in ids}


def test_image_items_name_only_clearly_visible_objects(dataset):
    image = [r for r in _records(dataset) if r["modality"] == "image"]
    assert len(image) >= 60
    checked = 0
    for record in image:
        scene = _scene(dataset, record["scene_file"])
        table = _seen_table(scene)
        row = list(scene.frames.index).index(record["frames"][0])
        for obj in _named(scene, record):
            fraction, pixels = table[row][obj]
            checked += 1
            if record["task"] == "image_same_view" and fraction == 0:
                continue  # the question asks whether it is in the picture: it is not
            assert fraction >= 0.3 and pixels >= 32, (record["id"], scene.ids[obj],
                                                      fraction, pixels)
    assert checked >= len(image)


def test_video_items_name_objects_clearly_visible_in_some_frame(dataset):
    video = [r for r in _records(dataset) if r["modality"] == "video"]
    assert len(video) >= 60
    for record in video:
        scene = _scene(dataset, record["scene_file"])
        table = _seen_table(scene)
        for obj in _named(scene, record):
            assert any(f[obj][0] >= 0.3 and f[obj][1] >= 32 for f in table), \
                (record["id"], scene.ids[obj])


def test_no_answer_or_choice_writes_a_code_style_label(dataset):
    records = _records(dataset)
    for record in records:
        scene = _scene(dataset, record["scene_file"])
        styled = {c for c in set(scene.categories) | set(scene.labels) if c != natural_name(c)}
        for text in [record["answer"], *(record["choices"] or [])]:
            words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
            assert not words & styled, (record["id"], text)
    # and the answers really talk about objects: some are objects, some list them
    types = {r["answer_type"] for r in records}
    assert {"Object", "List[Object]"} <= types


def test_list_answers_never_repeat_a_name(dataset):
    lists = [r for r in _records(dataset) if r["answer_type"] == "List[Object]"]
    assert lists
    for record in lists:
        for text in [record["answer"], *(record["choices"] or [])]:
            parts = text.split(", ")
            assert len(parts) == len(set(parts)), (record["id"], text)
        assert len(record["answer_ids"]) == len(record["answer"].split(", "))


def test_the_audit_passes_the_generated_dataset(dataset):
    proc = run_spdsl("audit", str(dataset))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 with findings" in proc.stdout
    body = json.loads(run_spdsl("audit", str(dataset), "--json").stdout)
    assert body["items"] == len(_records(dataset)) and body["findings"] == []


# ----------------------------------------------------------------------- corrupted copy

def _pick(records, **where) -> dict:
    return next(r for r in records if all(
        (r.get(k) in v) if isinstance(v, tuple) else r.get(k) == v for k, v in where.items()))


def _corrupt(root: Path, outside: Path) -> dict[str, str]:
    """Corrupt one record per kind of finding; returns record id -> the kind expected."""
    records = _records(root)
    kitchen = "scenes/ithor__FloorPlan1.scene.json"
    scene = _scene(root, kitchen)
    expect: dict[str, str] = {}

    def change(record: dict, kind: str, **fields) -> None:
        record.update(fields)
        expect[record["id"]] = kind

    change(_pick(records, answer_type="Number", scene_file=kitchen), "changed", answer="999")
    change(_pick(records, task="vsi_object_size", scene_file=kitchen), "rejected",
           program='answer the(find("Cabinet"))\n')  # nine cabinets: Ambiguous
    change(_pick(records, task="vsi_room_size"), "program", program="answer (\n")
    # an image item looked at in a frame where its object is not clearly visible
    image = _pick(records, task="image_object_size", scene_file=kitchen)
    row = scene.ids.index(image["params"]["a"])
    table = _seen_table(scene)
    hidden = next(i for i, f in enumerate(table) if f[row][0] < 0.3 or f[row][1] < 32)
    change(image, "not-clearly-visible", frames=[int(scene.frames.index[hidden])])
    # a labels() answer: "Cabinet, Cabinet, ..." repeats a name (and is code style)
    labels = compile_program('answer labels(find("Cabinet"))').run(scene).answer
    change(_pick(records, task="vsi_object_count", scene_file=kitchen), "repeated-name",
           program='answer labels(find("Cabinet"))\n', answer=labels.text,
           answer_type="List[Str]", answer_ids=None)
    # an object without words: the answer falls back to its label
    names = ObjectNames.of(scene)
    nameless = next(i for i in range(scene.n) if names.name(i) is None)
    change(_pick(records, task="video_object_size", scene_file=kitchen), "unnamed",
           program=f'answer the(filter(objects, o => o.id == "{scene.ids[nameless]}"))\n',
           answer=scene.labels[nameless], answer_type="Object",
           answer_ids=[scene.ids[nameless]])
    # an Object answer written as its label, in the answer and in its choice
    worded = _pick(records, answer_type="Object", scene_file=kitchen,
                   task=("image_higher", "video_higher", "video_tallest"))
    label = scene.labels[scene.ids.index(worded["answer_ids"][0])]
    assert label != worded["answer"]
    worded["choices"] = [label if c == worded["answer"] else c for c in worded["choices"]]
    change(worded, "camelcase", answer=label)
    # a question about the sink and its own basin (AI2-THOR's Sink|...|SinkBasin)
    basin = 'answer round(gap(the("Sink"), the("SinkBasin")) in m, 2)\n'
    change(_pick(records, task="vsi_abs_distance", scene_file=kitchen), "part-and-whole",
           program=basin, params={}, answer=compile_program(basin).run(scene).answer.text)
    mc = _pick(records, task="video_before_after")
    letter = "B" if mc["answer_choice"] == "A" else "A"
    change(mc, "choices", answer_choice=letter)
    change(_pick(records, task="nav_route"), "scene", scene_file="../outside.scene.json")
    link = root / "scenes" / "link.scene.json"
    os.symlink(outside, link)
    change(_pick(records, task="nav_travel_distance"), "scene",
           scene_file="scenes/link.scene.json")
    bad = _pick(records, task="nav_camera_turn")
    del bad["program"]
    expect[bad["id"]] = "bad-record"
    _write(root, records)
    return expect


def test_the_audit_finds_each_kind_of_problem(dataset, tmp_path):
    root = tmp_path / "corrupted"
    shutil.copytree(dataset, root)
    outside = tmp_path / "outside.scene.json"
    shutil.copy(dataset / "scenes" / "ithor__FloorPlan1.scene.json", outside)
    expect = _corrupt(root, outside)
    proc = run_spdsl("audit", str(root), "--json")
    assert proc.returncode == 1, proc.stderr
    body = json.loads(proc.stdout)
    found: dict[str, set[str]] = {}
    for f in body["findings"]:
        found.setdefault(f["id"], set()).add(f["kind"])
    for item, kind in expect.items():
        assert kind in found.get(item, set()), (item, kind, found.get(item))
    assert set(found) == set(expect), set(found) ^ set(expect)  # nothing else is flagged
    assert set(body["by_kind"]) == {"bad-record", "scene", "program", "rejected", "changed",
                                    "not-clearly-visible", "repeated-name", "unnamed",
                                    "camelcase", "choices", "part-and-whole"}
    text = run_spdsl("audit", str(root))
    assert text.returncode == 1
    assert f"{len(expect)} with findings" in text.stdout
    assert "leads outside the dataset directory" in text.stdout


def test_the_audit_refuses_what_is_not_a_dataset(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_spdsl("audit", str(empty))
    assert proc.returncode == 2 and "no data.jsonl or data.parquet" in proc.stderr
    (empty / "data.llava.json").write_text("[]\n")
    proc = run_spdsl("audit", str(empty))
    assert proc.returncode == 2 and "holds no programs" in proc.stderr
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "data.jsonl").write_text('{"id": 1}\n{not json\n')
    proc = run_spdsl("audit", str(broken))
    assert proc.returncode == 2 and "data.jsonl:2: not JSON" in proc.stderr
    proc = run_spdsl("audit", str(broken / "data.jsonl"))
    assert proc.returncode == 2 and "not a directory" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_audit_reads_a_parquet_dataset(dataset, tmp_path):
    pytest.importorskip("pyarrow.parquet")
    import pyarrow.parquet as pq

    from spatial_dsl.datasets import _parquet_table

    root = tmp_path / "pq"
    shutil.copytree(dataset / "scenes", root / "scenes")
    records = _records(dataset)
    records[0]["answer"] = "999"  # one wrong answer, found through the Parquet columns too
    pq.write_table(_parquet_table(records), root / "data.parquet")
    body = json.loads(run_spdsl("audit", str(root), "--json").stdout)
    assert body["data_file"] == "data.parquet" and body["items"] == len(records)
    assert [(f["id"], f["kind"]) for f in body["findings"]] == [(records[0]["id"], "changed")]
