"""`spdsl score` and `spdsl baseline` on a hand-made dataset whose scores are computed by
hand (each golden number says how), plus the prediction formats other tools write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spatial_dsl.scoring import (
    CHANCE_ANGLE, aggregate, baseline_items, parse_choice, read_predictions, score_item,
    score_items,
)
from tests.conftest import run_spdsl

ROUTE = ('question "q"\nlet f1 = frame(0)\nlet f2 = frame(1)\nanswer route(f1, f2)\n')
NEAR = 'question "q"\nanswer labels(filter(objects, o => o.height > 1m))\n'
TURN = 'question "q"\nlet f1 = frame(0)\nlet f2 = frame(1)\nanswer round(turn(f1, f2) in deg)\n'
DIST = 'question "q"\nanswer round(distance(the("Fridge"), the("Sink")) in m, 2)\n'
COUNT = 'question "q"\nanswer count(find("Chair"))\n'


def rec(n: int, task: str, answer: str, answer_type: str, *, choices=None, letter=None,
        program: str = COUNT, scene: str = "s/one", modality: str = "video", **extra) -> dict:
    return {"id": f"{scene}/{task}/{n}", "scene": scene, "scene_file": "scenes/x.scene.json",
            "task": task, "modality": modality, "frames": [], "question": f"q{n}?",
            "answer": answer, "answer_type": answer_type, "unit": None, "choices": choices,
            "answer_choice": letter, "program": program, "params": {},
            "producer": "template", "seed": 0, **extra}


CHOICES = ["fridge", "sink", "stove burner"]
RECORDS = [
    rec(0, "closer", "sink", "Object", choices=CHOICES, letter="B"),
    rec(1, "closer", "fridge", "Object", choices=CHOICES, letter="A"),
    rec(2, "above", "yes", "Bool", scene="s/two", modality="image"),
    rec(3, "above", "no", "Bool", scene="s/two", modality="image"),
    rec(4, "distance", "1.42", "Number", program=DIST),
    rec(5, "distance", "1", "Number", program=DIST),
    rec(6, "count", "3", "Int"),
    rec(7, "count", "0", "Int"),
    rec(8, "turn", "135", "Number", program=TURN),
    rec(9, "route", "turn left 35 degrees, go forward 0.8 meters, turn left 5 degrees",
        "List[Str]", program=ROUTE),
    rec(10, "near", "Fridge, Cabinet", "List[Str]", program=NEAR),
    rec(11, "which", "the shortest vase", "Object", answer_ids=["Vase|1"]),
]
# the hand-made predictions and each one's score, derived by hand:
PREDICTIONS = {
    0: ("The answer is (B).", 1.0),  # letter B = sink
    1: ("B. fridge", 0.0),  # the letter counts, B is the sink
    2: ("Yes, it is.", 1.0),
    3: ("maybe", None),  # unparsed
    # 150 cm = 1.5 m for 1.42 m: |0.08| / 1.42 = 0.0563 <= 1 - θ for θ = .50 ... .90: 9/10
    4: ("150 cm", 0.9),
    # |1.05 - 1| / 1 = 0.05 <= 1 - 0.95 exactly: all ten thresholds
    5: ("1.05", 1.0),
    6: ("three", 1.0),  # a number word
    7: ("1", 0.0),  # truth 0: only 0 scores
    # -170 vs 135: wrapped difference |(-170 - 135 + 180) mod 360 - 180| = 55 degrees;
    # tolerances (1 - θ) * 180 = 90, 81, 72, 63, 54, ... -> 55 fits 4 of 10
    8: ("-170", 0.4),
    # 2 of 3 steps in order: exact 0, partial 2 * 2 / (2 + 3) = 0.8
    9: ("turn left 35 degrees, then go forward 0.8 meters", 0.0),
    10: ("cabinet, fridge", 1.0),  # a set: order does not matter
    11: ("Shortest vase.", 1.0),
}
MISSING = {12}  # no item 12: nothing; item 12 below is the missing one


@pytest.fixture
def dataset(tmp_path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    records = RECORDS + [rec(12, "which", "fridge", "Object")]  # no prediction: missing
    (root / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return root


def write_predictions(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def predictions(tmp_path) -> Path:
    rows = [{"id": RECORDS[n]["id"], "prediction": text} for n, (text, _) in
            PREDICTIONS.items()]
    rows.append({"id": "s/one/elsewhere/99", "prediction": "yes"})  # not in the dataset
    return write_predictions(tmp_path / "pred.jsonl", rows)


def test_every_answer_type_scores_as_computed_by_hand():
    for n, (text, expected) in PREDICTIONS.items():
        item = score_item(RECORDS[n], text)
        if expected is None:
            assert item.status == "unparsed" and item.score == 0.0, (n, item)
        else:
            assert item.status == "ok" and item.score == pytest.approx(expected), (n, item)
    assert score_item(RECORDS[9], PREDICTIONS[9][0]).partial == pytest.approx(0.8)
    # a set: one of the two objects gives 2 * 1 / (1 + 2)
    assert score_item(RECORDS[10], "fridge").partial == pytest.approx(2 / 3)
    assert score_item(RECORDS[11], "Vase|1").score == 1.0  # the object id counts too
    assert score_item(RECORDS[11], "vase").score == 0.0  # another reference does not


@pytest.mark.parametrize("reply", ["B", "b", "(B)", "B.", "B)", "option B", "sink", "Sink.",
                                   "**B**", "<answer>B</answer>", "Answer: b",
                                   "The sink is closer."])
def test_a_choice_is_read_from_the_letter_or_the_option(reply):
    assert parse_choice(reply, CHOICES) == 1


@pytest.mark.parametrize("reply", ["E", "stove", "the sink, not the fridge", "I am not sure",
                                   ""])
def test_a_reply_naming_no_single_option_is_unparsed(reply):
    assert parse_choice(reply, CHOICES) is None


def test_an_option_inside_a_longer_option_does_not_count():
    options = ["left", "front-left", "right", "back-left"]
    assert parse_choice("It is to the front-left.", options) == 1
    assert parse_choice("to my left", options) == 0


def test_angles_wrap_and_read_directions():
    turn = RECORDS[8]
    assert score_item(turn, "-225").score == 1.0  # -225 is 135 around the circle
    assert score_item({**turn, "answer": "-30"}, "30 degrees to the right").score == 1.0
    # 60 degrees off fits the tolerances 90, 81, 72 and 63: 4 of 10
    assert score_item({**turn, "answer": "-30"}, "30 degrees left").score == 0.4
    assert score_item(turn, "315").score == 0.0  # 180 degrees off


def test_numbers_tolerate_wording_but_not_garbage():
    distance = RECORDS[4]
    assert score_item(distance, "about 1.42 meters").score == 1.0
    assert score_item(distance, "It is 1.42.").score == 1.0
    assert score_item(distance, "I don't know").status == "unparsed"
    assert score_item(distance, "between 1 and 2").status == "unparsed"  # two numbers
    assert score_item(RECORDS[6], "There are three chairs.").score == 1.0
    assert score_item(RECORDS[6], "one or two").status == "unparsed"
    # 1,200 for 1000: relative error 0.2 fits θ = .50 ... .80: 7 of 10
    assert score_item({**RECORDS[6], "answer": "1000"}, "1,200").score == pytest.approx(0.7)


def test_aggregates_missing_and_unknown_ids_by_hand(dataset, predictions):
    result = run_spdsl("score", str(predictions), "--dataset", str(dataset), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    tasks = data["tasks"]
    # per task: the mean of the hand scores above (item 12, missing, scores 0 in `which`)
    expected = {"closer": 0.5, "above": 0.5, "distance": 0.95, "count": 0.5, "turn": 0.4,
                "route": 0.0, "near": 1.0, "which": 0.5}
    assert {k: v["score"] for k, v in tasks.items()} == pytest.approx(expected)
    assert tasks["route"]["partial"] == pytest.approx(0.8)
    assert tasks["which"]["missing"] == 1 and tasks["above"]["unparsed"] == 1
    overall = data["overall"]
    assert overall["n"] == 13 and overall["missing"] == 1 and overall["unparsed"] == 1
    assert overall["unknown_ids"] == 1
    # micro: the sum of the 13 item scores / 13; macro: the mean of the 8 task scores
    item_sum = sum(s or 0.0 for _, s in PREDICTIONS.values())
    assert overall["micro"] == pytest.approx(item_sum / 13)
    assert overall["macro"] == pytest.approx(sum(expected.values()) / 8)
    for g in list(tasks.values()) + [{"score": overall["micro"], "ci95": overall["micro_ci95"]}]:
        lo, hi = g["ci95"]
        assert 0 <= lo <= g["score"] <= hi <= 1
    assert tasks["near"]["ci95"] == [1.0, 1.0]  # one item: no spread


def test_the_table_is_markdown_with_overall_rows(dataset, predictions):
    result = run_spdsl("score", str(predictions), "--dataset", str(dataset))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "| task | metric | n | score | 95% CI | partial | missing | unparsed |" in lines
    assert any(line.startswith("| `distance` | MRA | 2 | 95.0 |") for line in lines)
    assert any(line.startswith("| **overall (micro)** |  | 13 |") for line in lines)
    assert any(line.startswith("| **overall (macro, 8 tasks)** |") for line in lines)
    assert "1 prediction(s) for ids not in the dataset were ignored" in result.stdout


def test_by_scene_and_modality_group_the_rows(dataset, predictions):
    data = json.loads(run_spdsl("score", str(predictions), "--dataset", str(dataset),
                                "--json", "--by", "scene").stdout)
    assert data["by"] == "scene" and set(data["scenes"]) == {"s/one", "s/two"}
    assert data["scenes"]["s/two"]["score"] == pytest.approx(0.5)  # items 2 and 3
    modal = json.loads(run_spdsl("score", str(predictions), "--dataset", str(dataset),
                                 "--json", "--by", "modality").stdout)
    assert modal["modalities"]["image"]["n"] == 2


def test_perfect_and_all_wrong_predictors():
    from spatial_dsl.datasets import target_text

    records = RECORDS + [rec(12, "which", "fridge", "Object")]
    perfect = score_items(records, {r["id"]: target_text(r) for r in records})
    report = aggregate(perfect)
    assert report.micro == report.macro == 1.0 and report.unparsed == 0
    wrong = {r["id"]: _wrong(r) for r in records}
    report = aggregate(score_items(records, wrong))
    assert report.micro == 0.0 and report.unparsed == 0 and report.missing == 0


def _wrong(record: dict) -> str:
    """A parseable reply that is wrong by every scorer's measure."""
    if record.get("choices"):
        return "C"
    if record["answer_type"] == "Bool":
        return "no" if record["answer"] == "yes" else "yes"
    if record["program"] == TURN:
        return str(float(record["answer"]) + 180)  # the opposite direction
    if record["answer_type"] in ("Int", "Number"):
        return str(float(record["answer"]) * 10 + 5)  # relative error far above 0.5
    return "nothing at all"


def test_bootstrap_is_seeded(dataset, predictions):
    runs = [run_spdsl("score", str(predictions), "--dataset", str(dataset), "--json",
                      *extra).stdout for extra in ((), (), ("--seed", "1"))]
    assert runs[0] == runs[1]
    assert json.loads(runs[0])["overall"]["micro_ci95"] != \
        json.loads(runs[2])["overall"]["micro_ci95"]


# ------------------------------------------------------------------ prediction formats


def test_llava_answer_files_are_read_by_question_id(dataset, tmp_path):
    rows = [{"question_id": RECORDS[0]["id"], "prompt": "q0?", "text": "B", "answer_id": "x",
             "model_id": "llava", "metadata": {}}]
    preds = read_predictions(write_predictions(tmp_path / "answers.jsonl", rows), RECORDS)
    assert preds.by_id == {RECORDS[0]["id"]: "B"}


def test_llama_factory_predictions_follow_the_dataset_order(dataset, tmp_path):
    from spatial_dsl.datasets import target_text

    rows = [{"prompt": "...", "predict": target_text(r), "label": target_text(r)}
            for r in RECORDS[:5]]
    path = write_predictions(tmp_path / "generated_predictions.jsonl", rows)
    result = run_spdsl("score", str(path), "--dataset", str(dataset), "--json")
    data = json.loads(result.stdout)
    assert data["predictions"]["matched_by"] == "order"
    assert data["overall"]["missing"] == len(RECORDS) + 1 - 5
    assert data["tasks"]["closer"]["score"] == 1.0
    shuffled = write_predictions(tmp_path / "shuffled.jsonl", rows[::-1])
    result = run_spdsl("score", str(shuffled), "--dataset", str(dataset))
    assert result.returncode == 2
    assert ":1: label '1.42' is not the answer of item s/one/closer/0" in result.stderr


@pytest.mark.parametrize("lines, message", [
    ([{"id": "s/one/closer/0", "prediction": "A"}, {"id": "s/one/closer/0",
                                                    "prediction": "B"}],
     ":2: a second prediction for s/one/closer/0 (the first is at"),
    ([{"id": "s/one/closer/0", "prediction": "A"}, {"prediction": "B"}],
     ":2: no id, while other lines have one"),
    ([{"id": "s/one/closer/0", "guess": "A"}], ":1: no prediction (expected one of the keys"),
])
def test_bad_prediction_files_exit_2_naming_the_line(dataset, tmp_path, lines, message):
    path = write_predictions(tmp_path / "bad.jsonl", lines)
    result = run_spdsl("score", str(path), "--dataset", str(dataset))
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_inputs_exit_2(dataset, tmp_path):
    (tmp_path / "garbage.jsonl").write_text("{not json\n")
    result = run_spdsl("score", str(tmp_path / "garbage.jsonl"), "--dataset", str(dataset))
    assert result.returncode == 2 and "garbage.jsonl:1: not JSON" in result.stderr
    result = run_spdsl("score", str(tmp_path / "none.jsonl"), "--dataset", str(dataset))
    assert result.returncode == 2 and "none.jsonl" in result.stderr
    result = run_spdsl("score", str(tmp_path / "garbage.jsonl"), "--dataset",
                       str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no such file or directory" in result.stderr


# ------------------------------------------------------------------ baselines


def test_frequent_and_mean_baselines_by_hand():
    records = [rec(0, "b", "yes", "Bool"), rec(1, "b", "yes", "Bool"),
               rec(2, "b", "no", "Bool"), rec(3, "n", "1", "Int"), rec(4, "n", "2", "Int"),
               rec(5, "n", "3", "Int")]
    items, values, says = baseline_items(records, "frequent")
    report = aggregate(items, values=values)
    # "yes" is right on 2 of 3; the counts' most frequent answer is the first of the tie,
    # "1": MRA 1 for 1, 0 for 2 (error 1/2 <= 1 - θ only at θ = .50: 0.1) and 0 for 3
    assert says == {"b": "yes", "n": "1"}
    assert report.tasks["b"].score == pytest.approx(2 / 3)
    assert report.tasks["n"].score == pytest.approx((1 + 0.1 + 0) / 3)
    items, values, says = baseline_items(records, "mean")
    report = aggregate(items, values=values)
    # the mean 2: 0 for 1 (error 1), 1 for 2, and for 3 an error of 1/3 fits θ <= .65: 0.4
    assert says == {"n": "2"} and report.tasks["b"].score is None
    assert report.tasks["n"].score == pytest.approx((0 + 1 + 0.4) / 3)
    assert report.macro == report.tasks["n"].score  # a task without a score is left out


def test_chance_is_the_expected_score_of_a_uniform_guess():
    items, values, _ = baseline_items(RECORDS, "chance")
    report = aggregate(items, values=values)
    assert report.tasks["closer"].score == pytest.approx(1 / 3)
    assert report.tasks["above"].score == 0.5
    # a uniform angle is within (1 - θ) * 180 degrees with probability 1 - θ
    assert report.tasks["turn"].score == pytest.approx(CHANCE_ANGLE) == pytest.approx(0.275)
    assert report.tasks["distance"].score is None


def test_fit_takes_the_answers_from_another_dataset(tmp_path, dataset):
    train = tmp_path / "train"
    train.mkdir()
    (train / "data.jsonl").write_text(json.dumps(rec(0, "above", "no", "Bool")) + "\n")
    result = run_spdsl("baseline", "--dataset", str(dataset), "--kind", "frequent", "--fit",
                       str(train), "--json")
    data = json.loads(result.stdout)
    assert data["baseline"]["predicts"] == {"above": "no"}
    assert data["tasks"]["above"]["score"] == 0.5 and data["tasks"]["closer"]["score"] is None
