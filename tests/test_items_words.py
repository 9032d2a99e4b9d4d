"""Answers and choices in the words of the question (synthesis.md v0.2), on a hand scene.

The scene (no frames):

    id           category     centre          size              note
    table        DiningTable  (0, 0, 0.375)   1.2 x 0.8 x 0.75  the only dining table
    sofa         Sofa         (0, 3, 0.4)     2 x 0.9 x 0.8     the only sofa
    vase_a       Vase         (1, 0, 0.1)     0.2 x 0.2 x 0.2   mirror images of each other
    vase_b       Vase         (-1, 0, 0.1)    0.2 x 0.2 x 0.2   about the plane x = 0
    chair_short  Chair        (0, -2, 0.4)    0.5 x 0.5 x 0.8
    chair_tall   Chair        (0, -3.2, 0.5)  0.5 x 0.5 x 1.0

Every other object lies on the plane x = 0 and the two vases are the same size, so every
distance, extreme and relation ties between them: no reference can tell them apart, and
they have no words. The chairs differ in height by 1.0 / 0.8 = 1.25 (over the 10 % margin
of an extreme): "the tallest chair" and "the shortest chair".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spatial_dsl.api import compile_program
from spatial_dsl.naming import ObjectNames, in_words
from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.tasks import GenerateOptions, SceneEngine, compile_task
from tests.conftest import run_spdsl


def _box(oid, category, center, size):
    return {"id": oid, "category": category, "center": center, "size": size}


DOC = {
    "format": "spdsl.scene/1", "id": "test/words",
    "room": {"floor": [[-4, -4], [4, -4], [4, 5], [-4, 5]], "height": 2.6},
    "objects": [
        _box("table", "DiningTable", [0, 0, 0.375], [1.2, 0.8, 0.75]),
        _box("sofa", "Sofa", [0, 3, 0.4], [2, 0.9, 0.8]),
        _box("vase_a", "Vase", [1, 0, 0.1], [0.2, 0.2, 0.2]),
        _box("vase_b", "Vase", [-1, 0, 0.1], [0.2, 0.2, 0.2]),
        _box("chair_short", "Chair", [0, -2, 0.4], [0.5, 0.5, 0.8]),
        _box("chair_tall", "Chair", [0, -3.2, 0.5], [0.5, 0.5, 1.0]),
    ],
}


@pytest.fixture(scope="module")
def scene():
    return scene_from_dict(json.loads(json.dumps(DOC)), "words")


def _row(scene, oid: str) -> int:
    return scene.ids.index(oid)


def test_names_follow_the_question(scene):
    names = ObjectNames.of(scene)
    assert names.name(_row(scene, "table")) == "dining table"  # natural, no article
    assert names.name(_row(scene, "sofa")) == "sofa"
    assert names.name(_row(scene, "chair_tall")) == "the tallest chair"
    assert names.name(_row(scene, "chair_short")) == "the shortest chair"
    assert names.name(_row(scene, "vase_a")) is None
    assert names.name(_row(scene, "vase_b")) is None


def _answer(scene, program: str):
    result = compile_program(program).run(scene)
    assert result.ok, result.rejection
    return result.answer


def test_in_words_keeps_the_ids_and_reports_unnamed_and_repeated(scene):
    named = in_words(_answer(scene, 'answer sort(find("Chair"), o => o.height)'),
                     ObjectNames.of(scene))
    assert named.answer.text == "the shortest chair, the tallest chair"
    assert named.answer.ids == ["chair_short", "chair_tall"]
    assert [v["name"] for v in named.answer.value] == ["the shortest chair",
                                                       "the tallest chair"]
    assert not named.unnamed and not named.repeated
    named = in_words(_answer(scene, 'answer [the("Sofa"), the("Sofa")]'), ObjectNames.of(scene))
    assert named.repeated == ("sofa",)
    named = in_words(_answer(scene, 'answer argmax(find("Vase"), o => o.center.x)'),
                     ObjectNames.of(scene))
    assert named.unnamed == ("vase_a",) and named.answer.text == "Vase"  # the label stands in
    # answers without objects are left alone
    assert in_words(_answer(scene, 'answer count("Vase")'), ObjectNames.of(scene)).answer.text \
        == "2"


# ----------------------------------------------------------------------------- engine

def _task(body: str):
    return compile_task(body.encode(), "words.sp")


def _run(scene, body: str):
    template = _task(body)
    assert not hasattr(template, "reason"), getattr(template, "details", "")
    engine = SceneEngine(scene, GenerateOptions(per_scene=5), "scenes/words.scene.json")
    return engine.run_task(template)


def test_an_answer_with_an_object_without_words_is_ambiguous(scene):
    items, stats = _run(scene, """task vases
  modality scene
  params a: Category
  where a == "Vase"
  ask "Which objects are of type {a}?"
  answer map(filter(objects, o => o.category == a), o => o)
""")
    assert items == []
    assert stats.rejections["Ambiguous:object without a name"] == 1


def test_a_list_answer_repeating_a_name_is_ambiguous(scene):
    items, stats = _run(scene, """task twice
  modality scene
  params a: Category
  where a == "Sofa"
  ask "Name the {a} twice."
  answer [the(a), the(a)]
""")
    assert items == [] and stats.rejections["Ambiguous:repeated name"] == 1


def test_answer_and_choices_in_words_with_their_ids(scene):
    items, stats = _run(scene, """task taller
  modality scene
  params a: Category
  where a == "Sofa"
  ask "Which is taller: the {a} or the tallest chair?"
  choices [the(a), argmax(find("Chair"), o => o.height), the("DiningTable"), """
               """the(filter(objects, o => o.id == "vase_a"))]
  answer argmax(find("Chair"), o => o.height)
""")
    assert len(items) == 1, stats
    item = items[0]
    assert item["answer"] == "the tallest chair" and item["answer_ids"] == ["chair_tall"]
    # vase_a has no words: it is left out of the options; the others keep their ids
    assert sorted(item["choices"]) == ["dining table", "sofa", "the tallest chair"]
    ids = {"dining table": ["table"], "sofa": ["sofa"], "the tallest chair": ["chair_tall"]}
    assert item["choice_ids"] == [ids[c] for c in item["choices"]]
    assert item["choices"]["ABCD".index(item["answer_choice"])] == item["answer"]


def test_answers_without_objects_have_no_ids(scene):
    items, _ = _run(scene, """task how_many
  modality scene
  params a: Category
  where a == "Vase"
  ask "How many objects of type {a} are there?"
  answer count(find(a))
""")
    assert items[0]["answer"] == "2"
    assert items[0]["answer_ids"] is None and items[0]["choice_ids"] is None


# ------------------------------------------------------------------------ spdsl run

@pytest.fixture(scope="module")
def scene_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("words") / "words.scene.json"
    path.write_text(json.dumps(DOC))
    return path


def test_run_prints_words_and_json_keeps_the_ids(scene_path, tmp_path):
    program = tmp_path / "tall.sp"
    program.write_text('answer argmax(find("Chair"), o => o.height)\n')
    proc = run_spdsl("run", str(program), "--scene", str(scene_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "the tallest chair"
    proc = run_spdsl("run", str(program), "--scene", str(scene_path), "--json")
    body = json.loads(proc.stdout)
    assert body["answer"] == "the tallest chair" and body["answer_ids"] == ["chair_tall"]
    assert body["value"] == {"id": "chair_tall", "label": "Chair", "category": "Chair",
                             "name": "the tallest chair"}
    proc = run_spdsl("run", str(program), "--scene", str(scene_path), "--labels")
    assert proc.stdout.strip() == "Chair"  # language.md §6, on request
    program.write_text('answer the("DiningTable")\n')
    proc = run_spdsl("run", str(program), "--scene", str(scene_path))
    assert proc.stdout.strip() == "dining table"


# ------------------------------------------------------------------------- writers

TALLER = """# Which is taller, the sofa or the tallest chair (a multiple-choice task with objects).
task taller
  modality scene
  params a: Category
  where a == "Sofa"
  ask "Which is taller: the {a} or the tallest chair?"
  choices [the(a), argmax(find("Chair"), o => o.height), the("DiningTable")]
  answer argmax(find("Chair"), o => o.height)
"""


@pytest.mark.parametrize("fmt", ["jsonl", "llava", "parquet"])
def test_every_writer_keeps_words_and_ids(scene_path, tmp_path, fmt):
    from spatial_dsl.generation import generate

    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "taller.sp").write_text(TALLER)
    out = tmp_path / "out"
    generate([str(scene_path)], [str(tasks)], out, fmt=fmt, progress=False, workers=1)
    if fmt == "jsonl":
        [record] = [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]
    elif fmt == "parquet":
        pq = pytest.importorskip("pyarrow.parquet")
        [record] = pq.read_table(out / "data.parquet").to_pylist()
    else:
        [llava] = json.loads((out / "data.llava.json").read_text())
        question, answer = (m["value"] for m in llava["conversations"])
        assert "the tallest chair" in question and "Chair" not in question
        assert llava["answer_ids"] == ["chair_tall"]
        letter = answer
        assert f"{letter}. the tallest chair" in question
        return
    assert record["answer"] == "the tallest chair" and record["answer_ids"] == ["chair_tall"]
    ids = {"dining table": ["table"], "sofa": ["sofa"], "the tallest chair": ["chair_tall"]}
    assert record["choice_ids"] == [ids[c] for c in record["choices"]]


# A bowl and two stools of one size, 0.6 m and 3 m from it along x: the stools can only be
# told apart by their distance to the bowl ("the stool nearest the bowl", "the stool
# farthest from the bowl"), the only other object.
LEANING = {
    "format": "spdsl.scene/1", "id": "test/leaning",
    "objects": [
        _box("bowl", "Bowl", [0, 0, 0.05], [0.2, 0.2, 0.1]),
        _box("stool_near", "Stool", [0.6, 0, 0.3], [0.4, 0.4, 0.6]),
        _box("stool_far", "Stool", [3, 0, 0.3], [0.4, 0.4, 0.6]),
    ],
}


def _run_on(doc, body: str):
    template = _task(body)
    scene = scene_from_dict(json.loads(json.dumps(doc)), doc["id"])
    return SceneEngine(scene, GenerateOptions(per_scene=5), "scenes/x.scene.json").run_task(
        template)


def test_an_answer_worded_by_the_questions_own_object_is_dropped():
    # "Which stool is nearest the bowl?" -> "the stool nearest the bowl" says nothing.
    items, stats = _run_on(LEANING, """task nearest
  modality scene
  params a: Category
  where a == "Bowl"
  ask "Which stool is nearest the {a}?"
  answer argmin(find("Stool"), o => distance(o, the(a)))
""")
    assert items == []
    assert stats.rejections["Ambiguous:answer names by a question object"] == 1
    # the same answer to a question that names no object of its own is kept
    items, _ = _run_on(LEANING, """task tallest
  modality scene
  params n: Int in 1..1
  ask "Which stool is nearest the bowl ({n})?"
  answer argmin(find("Stool"), o => distance(o, the("Bowl")))
""")
    assert [item["answer"] for item in items] == ["the stool nearest the bowl"]


def test_plural_placeholder_counts_in_the_plural(scene):
    items, _ = _run(scene, """task count_chairs
  modality scene
  params a: Category
  where a == "Chair"
  ask "How many {a:plural} are there?"
  answer count(find(a))
""")
    assert [item["question"] for item in items] == ["How many chairs are there?"]


def test_plural_placeholder_needs_a_category():
    template = _task("""task bad
  modality scene
  params a: Ref
  ask "How many {a:plural} are there?"
  answer 1
""")
    assert "needs a Category parameter" in template.details


def test_a_question_reference_naming_its_answer_is_dropped():
    # "Which objects lie within 1 m of the stool nearest the bowl?" -> "bowl": the
    # question's reference gives the answer away.
    items, stats = _run_on(LEANING, """task around
  modality scene
  params a: Ref
  where a.category == "Stool"
  ask "Which objects lie within 1 m of the {a}?"
  answer map(filter(objects, o => near(o, a)), o => o)
""")
    # (the far stool's item stays: nothing lies within 1 m of it)
    assert [item["question"] for item in items] == [
        "Which objects lie within 1 m of the stool farthest from the bowl?"]
    assert stats.rejections["Ambiguous:answer names by a question object"] == 1


# AI2-THOR records a sink's basin as an object of its own whose id extends the sink's.
SINK = {
    "format": "spdsl.scene/1", "id": "test/sink",
    "objects": [
        _box("Sink|+01.00|+00.90|+00.00", "Sink", [1, 0, 0.85], [0.8, 0.55, 0.25]),
        _box("Sink|+01.00|+00.90|+00.00|SinkBasin", "SinkBasin", [1, 0, 0.82],
             [0.6, 0.4, 0.15]),
        _box("Mug|+02.00|+00.90|+00.00", "Mug", [2, 0, 0.95], [0.1, 0.1, 0.1]),
        _box("Toaster|+03.00|+00.90|+00.00", "Toaster", [3, 0, 0.95], [0.3, 0.2, 0.2]),
    ],
}


def test_an_object_and_its_own_part_are_not_asked_about_together():
    # "Which object is closest to the sink?" -> "sink basin" (its own basin, centre 3 cm
    # away) asks about one physical thing twice; the mug (1 m away) is the real answer.
    items, stats = _run_on(SINK, """task closest
  modality scene
  params a: Category
  where a == "Sink" or a == "Toaster"
  ask "Which object is closest to the {a}?"
  answer argmin(filter(objects, o => o.category != a), o => distance(o, the(a)))
""")
    assert [(item["question"], item["answer"]) for item in items] == [
        ("Which object is closest to the toaster?", "mug")]
    assert stats.rejections["Degenerate:an object and its own part"] == 1
    # naming both in the question is dropped too
    items, stats = _run_on(SINK, """task longer
  modality scene
  params a: Category, b: Category
  where a == "Sink" and (b == "SinkBasin" or b == "Mug")
  ask "Which is longer, the {a} or the {b}?"
  answer if the(a).length > the(b).length then the(a) else the(b)
""")
    assert [item["question"] for item in items] == ["Which is longer, the sink or the mug?"]
    assert stats.rejections["Degenerate:an object and its own part"] == 1
