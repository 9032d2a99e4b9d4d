"""`spdsl generate`: the template engine, jitter, datasets, determinism and resumability.

Scenes: one hand-made room with three frames whose indices (10, 20, 30) differ from
their rows, and two iTHOR rooms given a short camera walk. Tasks: the small files under
tests/fixtures/tasks (not the bundled library, which evolves on its own).
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from spatial_dsl.api import compile_program
from spatial_dsl import generation
from spatial_dsl.generation import GenerateError
from spatial_dsl.datasets import RECORD_KEYS, _level, balance
from spatial_dsl.runtime.jitter import jitter_scene, jittered_scenes
from spatial_dsl.scenes.format import dump_scene, load_scene_file, scene_from_dict
from spatial_dsl.scenes.model import scene_differences
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks
from tests.conftest import run_spdsl

FIXTURES = Path(__file__).parent / "fixtures" / "tasks"
GOOD, EXTRA, BROKEN, SPECIAL = (str(FIXTURES / d) for d in ("good", "extra", "broken",
                                                             "special"))
TASKS = [GOOD, EXTRA, BROKEN]
ITHOR = ["ithor:FloorPlan1", "ithor:FloorPlan201"]
PER_SCENE = 4
WALK = 6
SQRT_HALF = math.sqrt(0.5)


def camera(x: float, y: float) -> dict:
    """A camera at (x, y, 1.5) looking along +y (OpenCV axes: x right, y down, z forward)."""
    return {"position": [x, y, 1.5], "rotation": [-SQRT_HALF, 0.0, 0.0, SQRT_HALF],
            "width": 1280, "height": 960, "hfov_deg": 90}


def room_doc(scene_id: str = "test/room") -> dict:
    objects = [
        {"id": "table", "category": "DiningTable", "center": [0, 0, 0.375],
         "size": [1.2, 0.8, 0.75]},
        {"id": "mug", "category": "Mug", "center": [0.2, 0.1, 0.8], "size": [0.1, 0.1, 0.1],
         "parent": "table"},
        {"id": "chair_a", "category": "Chair", "label": "red chair", "center": [-1, 0, 0.45],
         "size": [0.45, 0.45, 0.9]},
        {"id": "chair_b", "category": "Chair", "center": [1, 0, 0.45],
         "size": [0.45, 0.45, 0.9]},
        {"id": "lamp", "category": "FloorLamp", "center": [2, 2, 0.8], "size": [0.3, 0.3, 1.6]},
        {"id": "sofa", "category": "Sofa", "center": [-2, 2, 0.4], "size": [2, 0.9, 0.8]},
        {"id": "tv", "category": "Television", "center": [0, 3, 1.2], "size": [1.2, 0.1, 0.7]},
        {"id": "plant", "category": "HousePlant", "center": [2.5, -1.5, 0.5],
         "size": [0.4, 0.4, 1.0]},
    ]
    frames = [
        {"index": 10, "time": 0.0, "camera": camera(0, -1.8),
         "visible": {"table": 0.9, "mug": 0.5, "chair_a": 0.8, "tv": 0.6}},
        {"index": 20, "time": 1.5, "camera": camera(1, -1.8), "image": "frames/20.jpg",
         "visible": {"table": 0.7, "chair_b": 0.9, "lamp": 0.4, "tv": 0.5}},
        {"index": 30, "time": 3.0, "camera": camera(-1, -1.8),
         "visible": {"sofa": 0.6, "chair_a": 0.5, "tv": 0.3, "table": 0.2}},
    ]
    return {"format": "spdsl.scene/1", "id": scene_id,
            "room": {"floor": [[-3, -2], [3, -2], [3, 4], [-3, 4]], "height": 2.6},
            "objects": objects, "frames": frames}


@pytest.fixture(scope="module")
def scene_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("scenes") / "room.scene.json"
    path.write_text(json.dumps(room_doc()))
    return str(path)


@pytest.fixture(scope="module")
def scenes(scene_file) -> list[str]:
    return [scene_file, *ITHOR]


def generate(scenes, out, **kwargs):
    options = {"tasks": TASKS, "per_scene": PER_SCENE, "walk": WALK, "workers": 1,
               "progress": False, **kwargs}
    tasks = options.pop("tasks")
    return generation.generate(scenes, tasks, out, **options)


@pytest.fixture(scope="module")
def base(tmp_path_factory, scenes):
    """One uninterrupted run (1 worker); other runs are compared with it."""
    out = tmp_path_factory.mktemp("base") / "out"
    result = generate(scenes, out)
    return result


def records_of(out: Path) -> list[dict]:
    return [json.loads(line) for line in (Path(out) / "data.jsonl").read_text().splitlines()]


def output_bytes(out: Path) -> dict[str, bytes]:
    """The files of an output directory that must be identical between runs: everything but
    the parts (they record timings) and stats.json's "run" section."""
    out = Path(out)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.parent.name != "parts" and p.name != "stats.json"
             and not p.name.startswith(".")}
    stats = json.loads((out / "stats.json").read_text())
    stats.pop("run")
    files["stats.json"] = json.dumps(stats, sort_keys=True).encode()
    return files


# ------------------------------------------------------------------------ records


def test_records_have_the_documented_schema(base):
    records = records_of(base.out)
    assert len(records) == base.items > 0
    assert all(tuple(r) == RECORD_KEYS for r in records)
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["producer"] == "template" and r["seed"] == 0
        assert r["id"].startswith(f"{r['scene']}/{r['task']}/")
        assert (base.out / r["scene_file"]).is_file()
        assert r["scene_file"].startswith("scenes/") and r["scene_file"].endswith(".scene.json")
        assert "{" not in r["question"], r["question"]
        assert r["program"].startswith("question ")
    scenes = {r["scene"] for r in records}
    assert scenes == {"test/room", "ithor/FloorPlan1", "ithor/FloorPlan201"}
    assert (base.out / "scenes" / "ithor__FloorPlan1.scene.json").is_file()


def test_every_program_reproduces_its_answer_via_the_api(base):
    records = records_of(base.out)
    scenes = {}
    for r in records:
        scene = scenes.setdefault(r["scene_file"], load_scene_file(base.out / r["scene_file"]))
        result = compile_program(r["program"]).run(scene)
        assert result.ok, (r["id"], result.rejection)
        assert (result.answer.text, result.answer.unit, result.answer.type) == (
            r["answer"], r["unit"], r["answer_type"]), r["id"]


def test_programs_reproduce_answers_via_spdsl_run(base, tmp_path):
    records = records_of(base.out)
    by_task = {}
    for r in records:
        by_task.setdefault(r["task"], r)
    sample = sorted(by_task.values(), key=lambda r: r["id"])[:5]
    for i, r in enumerate(sample):
        program = tmp_path / f"p{i}.sp"
        program.write_text(r["program"])
        proc = run_spdsl("run", str(program), "--scene", str(base.out / r["scene_file"]),
                         "--json")
        assert proc.returncode == 0, proc.stderr
        got = json.loads(proc.stdout)
        assert (got["answer"], got["unit"], got["type"]) == (
            r["answer"], r["unit"], r["answer_type"])


def test_modalities_frames_and_params(base):
    records = records_of(base.out)
    room = load_scene_file(base.out / "scenes" / "test__room.scene.json")
    for r in records:
        if r["modality"] == "scene":
            assert r["frames"] == []
        elif r["modality"] == "video":
            scene = load_scene_file(base.out / r["scene_file"])
            assert r["frames"] == [int(i) for i in scene.frames.index]
        else:
            assert r["modality"] == "image" and r["frames"] == [r["params"]["f"]]
    frame_items = [r for r in records if r["task"] == "frame_count"
                   and r["scene"] == "test/room"]
    assert frame_items, "the hand-made scene has frames 10, 20, 30"
    for r in frame_items:
        index = r["params"]["f"]
        assert index in (10, 20, 30)
        row = [10, 20, 30].index(index)
        assert f"let f = frame({row})\n" in r["program"]
        assert f"frame {index}" in r["question"]
    assert list(room.frames.index) == [10, 20, 30]
    objects = [r for r in records if r["task"] == "object_height"]
    assert objects and all("let o = the(filter(objects, x => x.id == " in r["program"]
                           for r in objects)
    red = [r for r in objects if r["params"]["o"] == "chair_a"]
    assert all("red chair" in r["question"] for r in red)


def test_multiple_choice_records(base):
    mc = [r for r in records_of(base.out) if r["task"] == "closer_mc"]
    assert mc
    letters = Counter()
    for r in mc:
        assert 2 <= len(r["choices"]) <= 4 and len(set(r["choices"])) == len(r["choices"])
        assert r["choices"]["ABCD".index(r["answer_choice"])] == r["answer"]
        letters[r["answer_choice"]] += 1
    assert len(letters) == 2  # two choices, shuffled: both positions occur


def test_stats(base):
    stats = json.loads((base.out / "stats.json").read_text())
    assert stats["items"] == base.items
    assert sum(stats["items_per_task"].values()) == base.items
    assert set(stats["skipped_tasks"]) == {"bad_type"}
    assert stats["items_per_task"]["ref_height"] >= 1  # a `Ref` task runs
    assert "bad_type.sp:6:37" in stats["skipped_tasks"]["bad_type"]
    tasks = stats["tasks"]
    assert tasks["higher_pair"]["max_share"] == 0.5
    assert "answers" in tasks["higher_pair"] and "answer_summary" in tasks["abs_distance"]
    assert tasks["first_seen_video"]["scenes_skipped"] == {}
    for name, entry in tasks.items():
        assert entry["items"] == stats["items_per_task"][name]
        assert all(isinstance(v, int) for v in entry["rejections"].values())
    assert "filtered" in stats["rejections"]
    assert set(stats["run"]) >= {"wall_seconds", "workers", "executor", "scenes_resumed"}


def test_balancing_bound_holds(base):
    stats = json.loads((base.out / "stats.json").read_text())
    by_task: dict[str, Counter] = {}
    for r in records_of(base.out):
        by_task.setdefault(r["task"], Counter())[r["answer"]] += 1
    checked = 0
    for name, entry in stats["tasks"].items():
        if entry["answer_type"] not in ("Bool", "Str", "Object") or not entry["items"]:
            continue
        counts = by_task[name]
        assert max(counts.values()) <= entry["max_share"] * sum(counts.values()) + 1e-9
        checked += 1
    assert checked >= 2


def test_balance_function():
    items = [{"id": f"i{k}", "answer": "no"} for k in range(9)] + [
        {"id": f"j{k}", "answer": "yes"} for k in range(3)]
    keep, share = balance(items, "Bool", 0, None)
    assert share == 0.5 and len(keep) == 6
    assert sum(1 for i in items if i["id"] in keep and i["answer"] == "no") == 3
    assert keep == balance(list(reversed(items)), "Bool", 0, None)[0]  # order-independent
    keep, _ = balance([{"id": "a", "answer": "no"}], "Bool", 0, None)
    assert keep == set()  # an answer that is always "no" is no Bool question
    keep, share = balance(items, "Str", 0, None)
    assert share == pytest.approx(0.6) and len(keep) == 7  # 4 "no" <= 0.6 * 7
    keep, share = balance(items, "Number", 0, None)
    assert share is None and len(keep) == 12
    assert _level([5, 5], 0.5) == 5 and _level([9, 1], 0.5) == 1 and _level([], 0.5) == 0


# ------------------------------------------------------------------------- engine


def engine_for(doc: dict, per_scene: int = 10) -> SceneEngine:
    return SceneEngine(scene_from_dict(doc), GenerateOptions(seed=0, per_scene=per_scene))


def task(name: str):
    templates, broken = load_tasks([SPECIAL, GOOD])
    assert not broken
    return next(t for t in templates if t.name == name)


def test_near_ties_are_dropped_as_unstable():
    def obj(oid, x):
        return {"id": oid, "category": oid.capitalize(), "center": [x, 0, 0.5],
                "size": [0.1, 0.1, 0.1]}
    doc = {"format": "spdsl.scene/1", "id": "t/tie",
           "objects": [obj("anchor", 0), obj("bee", 1.0), obj("cee", -1.001)]}
    items, stats = engine_for(doc).run_task(task("closer_bool"))
    # anchor -> bee vs cee differ by 1 mm: both orders are unstable; the other four triples
    # differ by a metre.
    assert stats.rejections["Unstable"] == 2
    assert stats.items == 4 and {i["params"]["a"] for i in items} == {"Bee", "Cee"}


def test_where_rejections_are_counted_by_kind():
    items, stats = engine_for(room_doc()).run_task(task("where_reject"))
    assert stats.rejections["filtered:Ambiguous"] == 1  # two chairs
    assert stats.items == len(items) == 6  # the other categories


def test_answers_outside_their_choices_are_dropped():
    items, stats = engine_for(room_doc()).run_task(task("not_in_choices"))
    assert items == [] and stats.rejections["NotInChoices"] == stats.bindings == 7


def test_number_choice_params_keep_their_type():
    items, _ = engine_for(room_doc()).run_task(task("choice_number"))
    assert len(items) == 6
    for item in items:
        result = compile_program(item["program"]).run(scene_from_dict(room_doc()))
        assert result.answer.type == item["answer_type"] == "Number"
        assert result.answer.text == item["answer"]
    one = next(i for i in items if i["params"]["r"] == 1)
    assert "let r = 1.0\n" in one["program"] and "Echo 1 on" in one["question"]


def test_image_items_use_the_frame_row_in_programs():
    scene = scene_from_dict(room_doc())
    items, stats = engine_for(room_doc(), per_scene=100).run_task(task("frame_pick"))
    # The 12 visible (frame, object) pairs but one: the table in frame 30 is recorded at
    # fraction 0.2, visible but not clearly (0.3), and an image item names only clearly
    # visible objects. The smallest of the others on screen, the mug in frame 10 (camera
    # at (0, -1.8, 1.5) looking +y, fx = 640): camera x 0.15..0.25, depth 1.85..1.95, so
    # 640 * 0.25 / 1.85 - 640 * 0.15 / 1.95 = 37.3 px >= 32; the TV in frame 30 is at
    # exactly 0.3 (inclusive).
    assert stats.items == len(items) == 11
    assert stats.rejections["NotClearlyVisible"] == 1
    for item in items:
        assert item["frames"] == [item["params"]["f"]]
        result = compile_program(item["program"]).run(scene)
        assert result.answer.text == item["answer"]


def test_frame_tasks_skip_scenes_without_frames():
    doc = room_doc()
    del doc["frames"]
    items, stats = engine_for(doc).run_task(task("frame_pick"))
    assert items == [] and stats.skipped == "no frames"


def test_engine_is_deterministic_and_seeded():
    t = task("higher_pair")
    a, _ = engine_for(room_doc()).run_task(t)
    b, _ = engine_for(room_doc()).run_task(t)
    assert a == b
    other = SceneEngine(scene_from_dict(room_doc()), GenerateOptions(seed=1, per_scene=10))
    c, _ = other.run_task(t)
    assert [i["id"] for i in c] != [i["id"] for i in a]


# ------------------------------------------------------------------------- jitter


def test_jittered_scenes_match_reloaded_documents():
    scene = scene_from_dict(room_doc())
    trials = jittered_scenes(scene, trials=8, radius=0.02, seed=3)
    assert len(trials) == 8
    again = jittered_scenes(scene, trials=8, radius=0.02, seed=3)
    for t, u in zip(trials, again):
        assert np.array_equal(t.center, u.center)
    for t in trials:
        moved = np.linalg.norm(t.center - scene.center, axis=1)
        assert (moved <= 0.02 + 1e-12).all() and (moved > 0).all()
        doc = dump_scene(scene)
        for obj, c in zip(doc["objects"], t.center):
            obj["center"] = c.tolist()
        assert scene_differences(t, scene_from_dict(doc), atol=1e-9) == []
    assert not np.array_equal(trials[0].center, trials[1].center)


def test_jitter_recomputes_a_room_derived_from_the_objects():
    doc = room_doc()
    del doc["room"]
    scene = scene_from_dict(doc)
    delta = np.zeros((scene.n, 3))
    delta[scene.ids.index("tv")] = [0.0, 0.01, 0.02]
    moved = jitter_scene(scene, delta)
    doc["objects"][6]["center"] = [0.0, 3.01, 1.22]
    assert scene_differences(moved, scene_from_dict(doc), atol=1e-9) == []


# ------------------------------------------------------------------ determinism


def test_same_bytes_with_two_workers(base, scenes, tmp_path):
    result = generate(scenes, tmp_path / "out", workers=2)
    assert output_bytes(result.out) == output_bytes(base.out)
    stats = json.loads((result.out / "stats.json").read_text())
    assert stats["run"]["workers"] == 2


def test_one_worker_runs_the_templates_it_loaded_only_when_their_bytes_are_the_spec_s(
        scenes, tmp_path):
    # One worker runs the scenes in the driver, with the templates the driver compiled
    # (generation._adopt_templates); a file whose bytes differ from the text it is sent
    # as (a byte-order mark) is compiled again, as a worker process compiles it. Either
    # way one and two workers write the same bytes.
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    for path in sorted(Path(GOOD).glob("*.sp")):
        (tasks / path.name).write_bytes(path.read_bytes())
    first = sorted(tasks.glob("*.sp"))[0]
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes())
    adopted = []
    real = generation._adopt_templates

    def spy(spec, templates):
        real(spec, templates)
        kept = generation._ENGINE_CACHE.get(spec.key())
        adopted.append(kept is not None and kept[0] is templates[0])

    generation._adopt_templates = spy
    try:
        one = generate(scenes[:2], tmp_path / "one", tasks=[str(tasks)])
        two = generate(scenes[:2], tmp_path / "two", tasks=[str(tasks)], workers=2)
        first.write_bytes(first.read_bytes()[3:])
        plain = generate(scenes[:2], tmp_path / "plain", tasks=[str(tasks)])
    finally:
        generation._adopt_templates = real
    assert adopted == [False, True]  # the BOM: compiled again from its text; then adopted
    assert output_bytes(two.out) == output_bytes(one.out)
    data = one.data_file.name  # config.json records each file's sha256, BOM and all
    assert (plain.out / data).read_bytes() == (one.out / data).read_bytes()


def test_same_bytes_with_ray(base, scenes, tmp_path):
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'spdsl[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    try:
        result = generate(scenes, tmp_path / "out", executor="ray")
    finally:
        ray.shutdown()
    assert output_bytes(result.out) == output_bytes(base.out)
    assert json.loads((result.out / "stats.json").read_text())["run"]["executor"] == "ray"


def test_a_killed_run_resumes_to_the_same_bytes(base, scenes, tmp_path):
    out = tmp_path / "out"
    args = ["generate", "--scenes", *scenes, "--tasks", *TASKS, "-o", str(out),
            "--per-scene", str(PER_SCENE), "--walk", str(WALK), "--workers", "1"]
    # An abrupt kill right after the first scene is saved (os._exit, see kill_after.py).
    killed = subprocess.run([sys.executable, str(Path(__file__).parent / "kill_after.py"),
                             "generate", "1", *args[1:]], capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == 75, killed.stderr
    assert len(list((out / "parts").glob("*.done"))) == 1
    assert not (out / "data.jsonl").exists()
    resumed = run_spdsl(*args, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert output_bytes(out) == output_bytes(base.out)
    assert json.loads((out / "stats.json").read_text())["run"]["scenes_resumed"] == 1


def test_lost_markers_and_outputs_are_rebuilt(base, scenes, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(base.out, out)
    (out / "data.jsonl").unlink()
    (out / "stats.json").unlink()
    (out / "parts" / "00001.done").unlink()
    (out / "parts" / "00002.json").write_text('{"truncated')  # its marker no longer matches
    result = generate(scenes, out)
    assert output_bytes(result.out) == output_bytes(base.out)
    assert result.stats["run"]["scenes_resumed"] == 1


def test_other_configuration_is_refused(base, scenes, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(base.out, out)
    with pytest.raises(GenerateError, match="different configuration.*seed: 0 there, 1 now"):
        generate(scenes, out, seed=1)
    with pytest.raises(GenerateError, match="per_scene"):
        generate(scenes, out, per_scene=PER_SCENE + 1)
    with pytest.raises(GenerateError, match="tasks differ"):
        generate(scenes, out, tasks=[GOOD])
    proc = run_spdsl("generate", "--scenes", *scenes, "--tasks", *TASKS, "-o", str(out),
                     "--format", "parquet", "--per-scene", str(PER_SCENE), "--walk",
                     str(WALK))
    assert proc.returncode == 2 and "format" in proc.stderr and "Traceback" not in proc.stderr
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(GenerateError, match="not empty"):
        generate(scenes, foreign)


# ------------------------------------------------------------------------ formats


def test_llava_and_parquet_hold_the_same_items(base, scenes, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    records = records_of(base.out)
    llava = generate(scenes, tmp_path / "llava", fmt="llava")
    data = json.loads((llava.out / "data.llava.json").read_text())
    assert [d["id"] for d in data] == [r["id"] for r in records]
    for d, r in zip(data, records):
        human, gpt = d["conversations"]
        assert (human["from"], gpt["from"]) == ("human", "gpt")
        if r["modality"] == "image":
            assert human["value"].startswith("<image>\n") and isinstance(d["image"], str)
        elif r["modality"] == "video":
            assert human["value"].startswith("<video>\n")
            assert isinstance(d["video"], list) and len(d["video"]) == len(r["frames"])
        else:
            assert "image" not in d and "video" not in d and "<" not in human["value"][:1]
        if r["choices"]:
            assert gpt["value"] == r["answer_choice"] and "\nA. " in human["value"]
        else:
            assert gpt["value"].startswith(r["answer"])
        assert d.get("answer_ids") == r["answer_ids"]  # object ids travel with the answer
    room_image = [d for d, r in zip(data, records)
                  if r["scene"] == "test/room" and r["modality"] == "image"]
    paths = {d["image"] for d in room_image}
    # frame images are relative to OUT (scenes/ + the scene file's own relative path)
    assert paths <= {"scenes/frames/20.jpg", "scenes/test__room.scene.json#frame=10",
                     "scenes/test__room.scene.json#frame=30"}
    parquet = generate(scenes, tmp_path / "parquet", fmt="parquet")
    rows = pq.read_table(parquet.out / "data.parquet").to_pylist()
    for row in rows:
        row["params"] = json.loads(row["params"])
    assert rows == records


# ----------------------------------------------------------------------- bad input


def test_broken_task_is_reported_and_others_still_run(scene_file, tmp_path):
    proc = run_spdsl("generate", "--scenes", scene_file, "--tasks", f"{GOOD}/count.sp,{BROKEN}",
                     "-o", str(tmp_path / "out"), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "bad_type.sp:6:37: error[E-TYPE]" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert records_of(tmp_path / "out")


@pytest.mark.parametrize("args, message", [
    (["--tasks", "no_such_task"], "unknown task 'no_such_task'"),
    (["--tasks", BROKEN], "no task to run"),
    (["--tasks", GOOD, "--scenes", "ithor:FloorPlan9999"], "no ithor scene"),
    (["--tasks", GOOD, "--scenes", "missing.scene.json"], "no such file"),
    (["--tasks", GOOD, "--per-scene", "0"], "--per-scene"),
])
def test_bad_input_exits_2_without_traceback(scene_file, tmp_path, args, message):
    if "--scenes" not in args:
        args = [*args, "--scenes", scene_file]
    proc = run_spdsl("generate", *args, "-o", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_task_lists_the_available_ones(scene_file, tmp_path):
    proc = run_spdsl("generate", "--scenes", scene_file, "--tasks", "nope", "-o",
                     str(tmp_path / "out"))
    assert proc.returncode == 2 and "available:" in proc.stderr


def test_tasks_list_and_show(tmp_path):
    proc = run_spdsl("tasks", "list", GOOD, EXTRA, BROKEN)
    assert proc.returncode == 0
    lines = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert "Is one unique object higher than another?" in lines["higher_pair"]
    assert " video " in lines["first_seen_video"]
    assert "does not compile" in lines["bad_type"]
    assert " scene " in lines["ref_height"] and "skipped" not in lines["ref_height"]
    shown = run_spdsl("tasks", "show", f"{GOOD}/higher.sp")
    assert shown.returncode == 0
    assert shown.stdout == (Path(GOOD) / "higher.sp").read_text()
    missing = run_spdsl("tasks", "show", "no_such_task")
    assert missing.returncode == 2 and "available" in missing.stderr


def test_random_seeds_change_the_data(scenes, tmp_path, base):
    seed = random.Random(7).randrange(1, 1000)
    other = generate(scenes[:1], tmp_path / "out", seed=seed)
    a = [r for r in records_of(base.out) if r["scene"] == "test/room"]
    b = records_of(other.out)
    assert [r["id"] for r in a] != [r["id"] for r in b]
    assert all(r["seed"] == seed for r in b)


def test_missing_ray_is_a_clear_error(scene_file, tmp_path, monkeypatch):
    fake = tmp_path / "fake" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("no ray here")\n')
    monkeypatch.setenv("PYTHONPATH", str(fake.parent))
    proc = run_spdsl("generate", "--scenes", scene_file, "--tasks", GOOD, "-o",
                     str(tmp_path / "out"), "--executor", "ray")
    assert proc.returncode == 2 and "pip install 'spdsl[ray]'" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_unreachable_ray_address_fails_fast(scene_file, tmp_path):
    pytest.importorskip("ray", reason="ray is not installed")
    proc = run_spdsl("generate", "--scenes", scene_file, "--tasks", GOOD, "-o",
                     str(tmp_path / "out"), "--executor", "ray", "--ray-address",
                     "127.0.0.1:9", timeout=60)
    assert proc.returncode == 2 and "cannot reach Ray" in proc.stderr


def test_header_description_is_the_first_sentence():
    from spatial_dsl.tasks import header_description

    text = "# Asks how far apart two things are,\n# in metres. Mirrors X.\n#\n# More.\ntask t\n"
    assert header_description(text) == "Asks how far apart two things are, in metres."
    assert header_description("\n# One line\ntask t\n") == "One line"
    assert header_description("task t\n") == ""


# ------------------------------------------------------------------- Ref parameters


def chairs_doc() -> dict:
    """Three chairs of clearly different heights (0.6, 0.9, 1.2 m: >= 10 % apart) and a
    unique table; every chair is referable by its height rank."""
    def chair(oid, x, h):
        return {"id": oid, "category": "Chair", "center": [x, 0, h / 2], "size": [0.5, 0.5, h]}
    return {"format": "spdsl.scene/1", "id": "t/chairs",
            "room": {"floor": [[-4, -3], [4, -3], [4, 3], [-4, 3]], "height": 2.6},
            "objects": [chair("chair_low", -2, 0.6), chair("chair_mid", 0, 0.9),
                        chair("chair_high", 2, 1.2),
                        {"id": "table", "category": "DiningTable", "center": [0, 2, 0.375],
                         "size": [1.2, 0.8, 0.75]}]}


def test_ref_params_name_objects_by_their_reference(tmp_path):
    doc = chairs_doc()
    scene = scene_from_dict(doc)
    templates, broken = load_tasks([EXTRA])
    assert not broken and [t.name for t in templates] == ["ref_height"]
    assert templates[0].skip_reason is None
    items, stats = engine_for(doc).run_task(templates[0])
    # the domain is every uniquely nameable object: the three chairs by their references,
    # the unique table by its category
    assert stats.bindings == 4 and stats.items == len(items) == 4
    by_id = {i["params"]["r"]: i for i in items}
    assert set(by_id) == {"chair_low", "chair_mid", "chair_high", "table"}
    assert by_id["table"]["question"] == "How tall is the dining table?"
    assert 'let r = the("DiningTable")\n' in by_id["table"]["program"]
    assert by_id["chair_high"]["question"] == "How tall is the tallest chair?"
    assert by_id["chair_low"]["question"] == "How tall is the shortest chair?"
    assert by_id["chair_high"]["answer"] == "1.2" and by_id["chair_low"]["answer"] == "0.6"
    assert "let r = argmax(find(\"Chair\"), o => o.height)\n" in by_id["chair_high"]["program"]
    for item in items:
        assert "the the " not in item["question"]
        assert "x.id ==" not in item["program"]  # named by the reference, not by its id
        result = compile_program(item["program"]).run(scene)
        assert result.ok and result.answer.text == item["answer"], item["id"]
    # and through `spdsl run`
    scene_path = tmp_path / "chairs.scene.json"
    scene_path.write_text(json.dumps(doc))
    program = tmp_path / "p.sp"
    program.write_text(by_id["chair_mid"]["program"])
    proc = run_spdsl("run", str(program), "--scene", str(scene_path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["answer"] == by_id["chair_mid"]["answer"] == "0.9"


def test_ref_items_of_the_base_run_are_runnable(base):
    records = [r for r in records_of(base.out) if r["task"] == "ref_height"]
    assert records
    for r in records:
        assert isinstance(r["params"]["r"], str)  # the object id, as for an Object param
        assert "let r = " in r["program"] and "How tall is the " in r["question"]


def test_a_ref_never_leans_on_another_parameter_of_its_question(tmp_path):
    # two identical chairs, told apart only by the lamp ("the chair nearest the lamp" /
    # "... farthest from the lamp"); the table is equally far from both. Asking how far
    # "the chair nearest the lamp" is from the lamp would answer itself: such bindings
    # are dropped and counted, the same chairs with the table are kept.
    def thing(oid, category, x, y, size):
        return {"id": oid, "category": category, "center": [x, y, size[2] / 2], "size": size}
    doc = {"format": "spdsl.scene/1", "id": "t/lamp",
           "room": {"floor": [[0, 0], [8, 0], [8, 6], [0, 6]], "height": 2.6},
           "objects": [thing("chair_near", "Chair", 1, 1, [0.5, 0.5, 0.9]),
                       thing("chair_far", "Chair", 7, 1, [0.5, 0.5, 0.9]),
                       thing("table", "DiningTable", 4, 5, [1.2, 0.8, 0.75]),
                       thing("lamp", "FloorLamp", 1.5, 2, [0.3, 0.3, 1.6])]}
    (tmp_path / "pair.sp").write_text(
        "task ref_pair\n  modality scene\n  params a: Ref, b: Category\n"
        "  where count(find(b)) == 1 and a != the(b)\n"
        '  ask "How far is the {a} from the {b}?"\n'
        "  answer round(distance(a, the(b)) in m, 1)\n", encoding="utf-8")
    templates, broken = load_tasks([tmp_path])
    assert not broken
    items, stats = engine_for(doc, per_scene=100).run_task(templates[0])
    pairs = {(i["params"]["a"], i["params"]["b"]) for i in items}
    assert ("chair_near", "DiningTable") in pairs and ("chair_far", "DiningTable") in pairs
    assert not {("chair_near", "FloorLamp"), ("chair_far", "FloorLamp")} & pairs
    assert ("table", "FloorLamp") in pairs
    assert stats.rejections["filtered:ref names another parameter"] == 2
    questions = {i["question"] for i in items}
    assert "How far is the chair nearest the floor lamp from the dining table?" in questions
