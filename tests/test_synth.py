"""`spdsl synth` end to end, against the scripted server of tests/llm_server.py.

Every test talks to 127.0.0.1 only: the server binds there on a free port and
stops when the test ends. The scene is tests/fixtures/scenes/kitchen.scene.json
(two chairs, one labelled "left chair"; a fridge labelled "fridge"; a mug).
Replies are matched on request content (the attempt marker "request J of N" of
the proposal prompt, or the question of an agreement request), so concurrent
units get their own scripted conversation.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.cli import main
from spatial_dsl.lang.diagnostics import render_all_text
from spatial_dsl.scenes.format import load_scene_file
from spatial_dsl.scenes.names import SceneNameTable
from spatial_dsl.scenes.sources import load_scene
from spatial_dsl.synth.prompts import grammar_tool, grammar_tool_choice
from spatial_dsl.lang.syntax import grammar_text
from tests.llm_server import (
    ScriptedLLM, all_text, drop, last_message, raw, reply, slow, status, tool_reply,
)

pytest.importorskip("openai")

REPO = Path(__file__).resolve().parent.parent
KITCHEN = str(REPO / "tests" / "fixtures" / "scenes" / "kitchen.scene.json")
TASK = "questions that count or measure things in the kitchen"
AGREE = "exactly this question"


# the scripted-LLM environment and `server` fixture live in tests/conftest.py
pytestmark = pytest.mark.usefixtures("scripted_llm_env")


def program(question: str, *body: str) -> str:
    lines = "\n".join(body)
    return f'question "{question}"\n{lines}\n'


def fenced(text: str) -> str:
    return f"Here is the program.\n```sp\n{text}```\nIt answers the question."


def proposal_of(attempt: int, n: int):
    """A rule predicate: a proposal conversation of attempt `attempt` (0-based)."""
    marker = f"request {attempt + 1} of {n} "
    return lambda body: marker in all_text(body) and AGREE not in all_text(body)


def agreement_for(question: str):
    return lambda body: AGREE in all_text(body) and question in all_text(body)


def synth(capsys, url: str, out: Path, *extra: str, n: int = 1, tasks=(TASK,)) -> tuple:
    """Run `spdsl synth` in-process; (exit code, report, stdout, stderr)."""
    argv = ["synth", "--scenes", KITCHEN, "--tasks", *tasks, "-n", str(n), "-o", str(out),
            "--base-url", url, "--backoff", "0", "-q", *extra]
    code = main(argv)
    captured = capsys.readouterr()
    report_path = out / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    return code, report, captured.out, captured.err


def records(out: Path) -> list[dict]:
    path = out / "data.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


COUNT_Q = "How many chairs are in the kitchen?"
COUNT = program(COUNT_Q, 'answer count(find("Chair"))')
COUNT_OTHER = program(COUNT_Q, 'answer count(filter(objects, o => o.category == "Chair"))')


# --------------------------------------------------------------------------- repairs


def test_type_error_repaired_after_the_exact_diagnostic(server, tmp_path, capsys):
    question = "Is the fridge more than 1.5 meters from the mug?"
    bad = program(question, 'answer distance(the("fridge"), the("Mug")) > 1.5')
    good = program(question, 'answer distance(the("fridge"), the("Mug")) > 1.5m')
    server.on(agreement_for(question),
              reply(fenced(program(question, 'answer distance(the("Mug"), the("fridge")) '
                                             '> 150cm'))))
    server.on(proposal_of(0, 1), reply(fenced(bad)), reply(fenced(good)))
    out = tmp_path / "out"
    code, report, stdout, stderr = synth(capsys, server.base_url, out)
    assert code == 0, stderr
    assert not server.unmatched
    checked = compile_source(bad, "program.sp", SceneNameTable(load_scene(KITCHEN)))
    expected = render_all_text(checked.diagnostics, checked.source)
    assert "error[E-TYPE]" in expected
    proposals = [r for r in server.requests if AGREE not in all_text(r)]
    assert len(proposals) == 2
    feedback = proposals[1]["messages"][-1]
    assert feedback["role"] == "user" and expected in feedback["content"]
    assert proposals[1]["messages"][-2] == {"role": "assistant", "content": fenced(bad)}
    assert report["compile_failures"]["type"] == 1
    assert report["compile_failures"]["diagnostics"] == {"E-TYPE": 1}
    assert report["repairs"]["succeeded"] == {"compile": 1}
    assert report["accepted"] == 1 and report["acceptance_rate"] == 1.0
    [record] = records(out)
    assert record["program"] == good and record["answer"] == "yes"
    assert record["producer"] == "llm" and record["answer_type"] == "Bool"
    assert record["id"].startswith("test/kitchen/custom_")
    # no frame of the kitchen shows the fridge or the mug clearly (under 32 px): the item of
    # a free description is then a scene item, with no pictures that do not show them
    assert record["modality"] == "scene" and record["frames"] == []
    # The record's program answers the same on the scene file kept in OUT.
    from spatial_dsl.api import compile_program

    scene = load_scene_file(out / record["scene_file"])
    assert compile_program(record["program"]).run(scene).answer.text == "yes"
    assert "1 of 1 proposals accepted" in stdout


def test_ambiguous_rejection_repaired_and_a_persistent_one_dropped(server, tmp_path, capsys):
    vague = program("How tall is the chair, in meters?",
                    'answer round(the("Chair").height in m, 2)')
    question = "How tall is the left chair, in meters?"
    fixed = program(question, 'answer round(the("left chair").height in m, 2)')
    server.on(agreement_for(question),
              reply(fenced(program(question, 'let c = the("left chair")',
                                   "answer round(c.top - c.bottom in m, 2)"))))
    server.on(proposal_of(0, 2), reply(fenced(vague)), reply(fenced(fixed)))
    server.on(proposal_of(1, 2), reply(fenced(vague)))
    out = tmp_path / "out"
    code, report, _, stderr = synth(capsys, server.base_url, out, n=2)
    assert code == 0, stderr
    hints = [r["messages"][-1]["content"] for r in server.requests
             if "rejected[Ambiguous]" in last_message(r)]
    assert len(hints) == 2  # once per conversation, then the second attempt is dropped
    assert '2 | answer round(the("Chair").height in m, 2)' in hints[0]
    assert report["rejections"] == {"Ambiguous": 3}
    assert report["repairs"]["succeeded"] == {"rejection": 1}
    assert report["dropped"] == {"rejected:Ambiguous": 1}
    assert report["accepted"] == 1
    assert [r["answer"] for r in records(out)] == ["0.9"]


# --------------------------------------------------------------------- verification


def test_samples_that_disagree_are_rejected(server, tmp_path, capsys):
    server.on(agreement_for(COUNT_Q), reply(fenced(program(COUNT_Q, 'answer count("Mug")'))))
    server.on(proposal_of(0, 1), reply(fenced(COUNT)))
    out = tmp_path / "out"
    code, report, _, _ = synth(capsys, server.base_url, out)
    assert code == 0
    assert report["verification_failures"]["agreement"] == 1
    assert report["accepted"] == 0 and records(out) == []
    entry = json.loads((out / "units.jsonl").read_text())
    assert entry["status"] == "rejected" and entry["reason"] == "verify:agreement"
    assert "'1'" in entry["detail"] and "'2'" in entry["detail"]


def test_an_answer_that_flips_under_jitter_is_rejected(server, tmp_path, capsys):
    scene = load_scene(KITCHEN)
    from spatial_dsl.api import compile_program

    exact = compile_program('answer distance(the("Mug"), the("fridge")) in m').run(scene)
    threshold = f"{exact.answer.value - 0.0005:.4f}"
    flip = program("Is the mug more than 2.2 meters away from the fridge?",
                   f'answer distance(the("Mug"), the("fridge")) > {threshold}m')
    server.on(proposal_of(0, 1), reply(fenced(flip)))
    out = tmp_path / "out"
    code, report, _, _ = synth(capsys, server.base_url, out)
    assert code == 0
    assert report["verification_failures"]["stability"] == 1
    assert report["accepted"] == 0
    assert len(server.requests) == 1  # no agreement sample is asked for an unstable item


def test_type_fit_and_degenerate_answers_are_rejected(server, tmp_path, capsys):
    server.on(proposal_of(0, 2), reply(fenced(program("How many mugs are there?",
                                                      'answer exists(find("Mug"))'))))
    server.on(proposal_of(1, 2), reply(fenced(program(
        "Which object is labelled fridge?", 'answer labels(filter(objects, o => '
        'o.height > 5m))'))))
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "out", n=2)
    assert code == 0
    failures = report["verification_failures"]
    assert failures["type_fit"] == 1 and failures["degenerate"] == 1


# ------------------------------------------------------------------- faults, budgets


def test_429_with_retry_after_then_success(server, tmp_path, capsys):
    server.on(agreement_for(COUNT_Q), reply(fenced(COUNT_OTHER)))
    server.on(proposal_of(0, 1), status(429, "slow down", {"Retry-After": "0"}),
              reply(fenced(COUNT)))
    started = time.monotonic()
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "out", "--backoff", "30")
    assert time.monotonic() - started < 20  # Retry-After: 0 wins over the 30 s backoff
    assert code == 0
    requests = report["run"]["requests"]
    assert requests["errors"] == {"429": 1} and requests["retries"] == 1
    assert requests["network"] == 3 and report["accepted"] == 1


def test_timeouts_dropped_connections_and_malformed_bodies_are_retried(server, tmp_path,
                                                                        capsys):
    server.on(agreement_for(COUNT_Q), raw(b'{"choices": [oops'), reply(fenced(COUNT_OTHER)))
    server.on(proposal_of(0, 1), slow(2.5, reply(fenced(COUNT))), drop(),
              raw(b"<html>bad gateway</html>", 200, "text/html"), reply(fenced(COUNT)))
    code, report, _, stderr = synth(capsys, server.base_url, tmp_path / "out",
                                    "--timeout", "1", "--cold-timeout", "1")
    assert code == 0, stderr
    errors = report["run"]["requests"]["errors"]
    assert errors == {"connection": 1, "malformed_body": 2, "timeout": 1}
    assert report["accepted"] == 1


def test_a_500_storm_exhausts_retries_and_ends_cleanly(server, tmp_path, capsys):
    server.on(lambda body: True, status(500, "internal"))
    out = tmp_path / "out"
    code, report, stdout, stderr = synth(capsys, server.base_url, out, "--retries", "2",
                                         "--concurrency", "1", n=3)
    assert code == 1  # documented: stopped early, resumable
    assert "Traceback" not in stderr and "service_unavailable" in stdout
    assert len(server.requests) == 3
    assert report["run"]["stopped"] == "service_unavailable"
    assert report["run"]["requests"]["errors"] == {"500": 3}
    assert report["units"] == {"total": 3, "done": 0, "pending": 3, "resumed": 0,
                              "skipped": 0}
    assert (out / "data.jsonl").read_text() == ""


def test_401_stops_at_once(server, tmp_path, capsys):
    server.on(lambda body: True, status(401, "invalid api key"))
    out = tmp_path / "out"
    code, report, _, stderr = synth(capsys, server.base_url, out, "--concurrency", "1", n=4)
    assert code == 2
    assert len(server.requests) == 1
    assert "HTTP 401" in stderr and "invalid api key" in stderr and "Traceback" not in stderr
    assert report["run"]["stopped"] == "auth" and report["run"]["requests"]["retries"] == 0


def test_budget_stops_and_a_rerun_resumes(server, tmp_path, capsys):
    server.on(proposal_of(0, 2), reply(fenced(COUNT)))
    server.on(proposal_of(1, 2), reply(fenced(program("How many mugs are in the kitchen?",
                                                      'answer count(find("Mug"))'))))
    out = tmp_path / "out"
    code, report, _, _ = synth(capsys, server.base_url, out, "--k", "1", "--max-requests",
                               "1", "--concurrency", "1", n=2)
    assert code == 1 and report["run"]["stopped"] == "budget"
    assert report["units"]["done"] == 1 and len(server.requests) == 1
    code, report, _, _ = synth(capsys, server.base_url, out, "--k", "1", n=2)
    assert code == 0 and report["units"] == {"total": 2, "done": 2, "pending": 0,
                                             "resumed": 1, "skipped": 0}
    assert [r["question"] for r in records(out)] == [COUNT_Q, "How many mugs are in the "
                                                     "kitchen?"]


def test_bad_replies_are_counted_failures(server, tmp_path, capsys):
    n = 7
    invalid = (b'{"choices":[{"index":0,"message":{"role":"assistant","content":'
               b'"question \\"caf\xff\\"\\nanswer 1"},"finish_reason":"stop"}],'
               b'"usage":{"prompt_tokens":5,"completion_tokens":5}}')
    script = [reply("I would rather not write a program."),
              reply(fenced(COUNT) + "\n" + fenced(COUNT_OTHER)),
              reply('```sp\nanswer count("Chair")\n```'),
              raw(invalid),
              reply("question " * 30000),
              reply(""),
              reply("task t\n  modality scene\n  ask \"q\"\n  answer 1\n".replace(
                  "task t", 'question "q"\ntask t'))]
    for attempt, action in enumerate(script):
        server.on(proposal_of(attempt, n), action)
    code, report, _, stderr = synth(capsys, server.base_url, tmp_path / "out", "--repairs",
                                    "0", n=n)
    assert code == 0, stderr
    assert report["reply_failures"] == {"empty": 1, "invalid_utf8": 1, "no_question": 1,
                                        "prose": 1, "several_programs": 1, "too_long": 1}
    assert report["compile_failures"]["parse"] == 1  # the `task` after a question
    assert sum(report["dropped"].values()) == n and report["accepted"] == 0


def test_a_format_problem_is_explained_and_repaired(server, tmp_path, capsys):
    server.on(agreement_for(COUNT_Q), reply(fenced(COUNT_OTHER)))
    server.on(proposal_of(0, 1), reply("Sorry, I cannot."), reply(fenced(COUNT)))
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "out")
    assert code == 0
    assert report["reply_failures"] == {"prose": 1}
    assert report["repairs"] == {"attempted": {"format": 1}, "succeeded": {"format": 1},
                                 "conversations_repaired": 1, "identical_resends": 0,
                                 "fresh_conversations": 0, "compile_conversations": 1,
                                 "compile_conversations_fixed": 1, "hints": {}}
    assert report["first_try"] == {"proposals": 1, "compiled": 0}
    assert "held no program" in server.requests[1]["messages"][-1]["content"]


# ------------------------------------------------------------- resume, cache, dedupe


ITEMS = [
    ("How many chairs are in the kitchen?", 'answer count(find("Chair"))',
     'answer count(filter(objects, o => o.category == "Chair"))'),
    ("How many mugs are in the kitchen?", 'answer count(find("Mug"))',
     'answer count(filter(objects, o => o.category == "Mug"))'),
    ("How far apart are the centers of the fridge and the mug, in meters?",
     'answer round(distance(the("fridge"), the("Mug")) in m, 2)',
     'answer round(distance(the("Mug"), the("fridge")) in m, 2)'),
    ("How tall is the left chair, in centimeters?",
     'answer round(the("left chair").height in cm, 0)',
     'answer round(the("left chair").top - the("left chair").bottom in cm, 0)'),
]


def script_items(server: ScriptedLLM, items=ITEMS) -> None:
    n = len(items)
    for attempt, (question, body, other) in enumerate(items):
        server.on(agreement_for(question), reply(fenced(program(question, other))))
        server.on(proposal_of(attempt, n), reply(fenced(program(question, body))))


def test_kill_and_resume_gives_the_uninterrupted_dataset(server, tmp_path, capsys):
    script_items(server)
    n = len(ITEMS)
    whole = tmp_path / "whole"
    code, report, _, err = synth(capsys, server.base_url, whole, n=n)
    # seen failing once (exit 1) in a full fresh-clone run and never alone: say why if again
    assert code == 0 and report["accepted"] == n, (code, err, report)
    # An abrupt kill after two units are logged (os._exit, see kill_after.py), in a real
    # process.
    killed = tmp_path / "killed"
    env = {**os.environ, "OPENAI_API_KEY": "k"}
    args = [sys.executable, str(Path(__file__).parent / "kill_after.py"), "synth", "2",
            "--scenes", KITCHEN, "--tasks", TASK, "-n", str(n), "-o", str(killed),
            "--base-url", server.base_url, "--backoff", "0", "-q", "--concurrency", "1"]
    proc = subprocess.run(args, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 75, proc.stderr.decode()
    log = killed / "units.jsonl"
    assert len(log.read_text().splitlines()) == 2
    with open(log, "ab") as handle:  # and a torn line, as a kill mid-write would leave
        handle.write(b'{"unit": "test/kitchen/cus')
    sent_before = len(server.requests)
    code, report, _, _ = synth(capsys, server.base_url, killed, n=n)
    assert code == 0 and report["units"]["resumed"] == 2
    assert len(server.requests) - sent_before == 4  # units 3 and 4: proposal + agreement
    assert (killed / "data.jsonl").read_bytes() == (whole / "data.jsonl").read_bytes()
    units = [json.loads(line)["unit"] for line in log.read_text().splitlines()]
    assert len(units) == n == len(set(units))
    ids = [r["id"] for r in records(killed)]
    assert len(ids) == len(set(ids)) == n
    # A third run has nothing left to do and rewrites the same bytes.
    sent = len(server.requests)
    assert synth(capsys, server.base_url, killed, n=n)[0] == 0
    assert len(server.requests) == sent
    assert (killed / "data.jsonl").read_bytes() == (whole / "data.jsonl").read_bytes()


def test_cache_replay_needs_no_network(tmp_path, capsys):
    first = tmp_path / "first"
    with ScriptedLLM() as server:
        script_items(server)
        code, report, _, _ = synth(capsys, server.base_url, first, "--concurrency", "3",
                                   n=len(ITEMS))
        url = server.base_url
        sent = len(server.requests)
    assert code == 0 and report["run"]["requests"]["network"] == sent == 8
    # The server is gone: any request would fail (connection refused).
    second = tmp_path / "second"
    code, report, _, stderr = synth(capsys, url, second, "--cache", str(first / "cache"),
                                    "--retries", "0", n=len(ITEMS))
    assert code == 0, stderr
    assert report["run"]["requests"]["network"] == 0
    assert report["run"]["requests"]["cached"] == 8
    assert (second / "data.jsonl").read_bytes() == (first / "data.jsonl").read_bytes()
    assert report["tokens"] == json.loads((first / "report.json").read_text())["tokens"]


def test_duplicate_items_are_not_new(server, tmp_path, capsys):
    same = [ITEMS[0], ITEMS[0]]
    n = 2
    for attempt, (question, body, _other) in enumerate(same):
        server.on(proposal_of(attempt, n), reply(fenced(program(question, body))))
    server.on(agreement_for(ITEMS[0][0]), reply(fenced(program(ITEMS[0][0], ITEMS[0][2]))))
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "out", "--concurrency",
                               "1", n=n)
    assert code == 0
    assert report["verification_failures"]["new"] == 1 and report["accepted"] == 1
    # the repeat is rejected before an agreement sample is spent on it
    assert len(server.requests) == 3
    log = [json.loads(line) for line in (tmp_path / "out" / "units.jsonl").open()]
    assert [e["reason"] for e in log] == [None, "verify:new"]
    assert log[1]["detail"] == f"repeats the item of {log[0]['unit']}"


ROOM_QS = ("What is the area of this room, in square meters?",
           "How much floor space does this room have, in square meters?")
ROOM_BODIES = ("answer round(room.area in m2, 1)", "answer round(room.area in m2, 1)")


def test_repeats_make_the_same_dataset_at_any_concurrency(server, tmp_path, capsys):
    """With --stop-after-repeats 0 the units of a scene and task run side by side: a unit
    that started before the item it repeats was accepted is caught when the run is
    assembled, so the dataset does not depend on --concurrency."""
    n = 3
    for attempt, (question, body) in enumerate(zip((ROOM_QS[0],) + ROOM_QS, ROOM_BODIES * 2)):
        server.on(proposal_of(attempt, n), reply(fenced(program(question, body))))
    for question, body in zip(ROOM_QS, ROOM_BODIES):
        server.on(agreement_for(question), reply(fenced(program(question, body))))
    data = []
    for concurrency in ("3", "1"):
        out = tmp_path / concurrency
        code, report, _, err = synth(capsys, server.base_url, out, "--concurrency",
                                     concurrency, "--stop-after-repeats", "0", n=n,
                                     tasks=("vsi_room_size",))
        assert code == 0, err
        assert report["accepted"] == 2 and report["verification_failures"]["new"] == 1
        data.append((out / "data.jsonl").read_bytes())
    assert data[0] == data[1]


def script_room_attempts(server, n: int, questions: list[int]) -> None:
    """Attempt i proposes ROOM_QS[questions[i]]; every agreement sample agrees."""
    for attempt, q in enumerate(questions):
        server.on(proposal_of(attempt, n),
                  reply(fenced(program(ROOM_QS[q], ROOM_BODIES[q]))))
    for question, body in zip(ROOM_QS, ROOM_BODIES):
        server.on(agreement_for(question), reply(fenced(program(question, body))))


def proposals_sent(server) -> list[int]:
    """The attempts (0-based) whose proposal was sent, in the order sent."""
    found = (re.search(r"request (\d+) of \d+ ", all_text(b)) for b in server.requests
             if AGREE not in all_text(b))
    return [int(m.group(1)) - 1 for m in found if m]


def test_a_scene_and_task_that_keeps_repeating_stops(server, tmp_path, capsys):
    """Once two attempts in a row repeated an accepted item (room size has one fact per
    scene), the remaining attempts of that scene and task are logged as skipped without a
    request -- the same at any --concurrency, as the attempts run in turn -- and a rerun
    leaves them so."""
    n = 6
    script_room_attempts(server, n, [0, 0, 1, 1, 0, 1])
    for concurrency in ("3", "1"):
        server.requests.clear()
        out = tmp_path / concurrency
        code, report, _, err = synth(capsys, server.base_url, out, "--concurrency",
                                     concurrency, n=n, tasks=("vsi_room_size",))
        assert code == 0, err
        # 0 accepted, 1 repeats it, 2 new (the run of repeats breaks), 3 and 4 repeat
        assert proposals_sent(server) == [0, 1, 2, 3, 4]
        assert report["accepted"] == 2 and report["proposals"] == 5
        assert report["units"]["skipped"] == 1 and report["units"]["done"] == n
        assert report["per_task"]["vsi_room_size"] == {"proposals": 5, "verified": 2,
                                                       "skipped": 1}
        log = [json.loads(line) for line in (out / "units.jsonl").open()]
        assert [e["reason"] for e in log] == [None, "verify:new", None, "verify:new",
                                              "verify:new", "exhausted"]
        assert log[-1]["status"] == "skipped" and "--stop-after-repeats" in log[-1]["detail"]
    assert (tmp_path / "3" / "data.jsonl").read_bytes() == (tmp_path / "1" /
                                                            "data.jsonl").read_bytes()
    server.requests.clear()
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "1", n=n,
                               tasks=("vsi_room_size",))
    assert code == 0 and server.requests == [] and report["units"]["skipped"] == 1
    # the rule is the run's configuration: 0 turns it off, and a rerun must say the same
    code, _, _, err = synth(capsys, server.base_url, tmp_path / "1", "--stop-after-repeats",
                            "0", n=n, tasks=("vsi_room_size",))
    assert code == 2 and "stop_after_repeats" in err
    server.requests.clear()
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "never",
                               "--stop-after-repeats", "0", n=n, tasks=("vsi_room_size",))
    assert code == 0 and report["units"]["skipped"] == 0 and len(proposals_sent(server)) == n


def test_formats_and_other_configuration(server, tmp_path, capsys):
    script_items(server, ITEMS[:1])
    out = tmp_path / "out"
    code, _, _, _ = synth(capsys, server.base_url, out, "--format", "llava")
    assert code == 0
    [conversation] = json.loads((out / "data.llava.json").read_text())
    assert conversation["conversations"][1] == {"from": "gpt", "value": "2"}
    # relative to OUT: the scene file's directory (scenes/) + the frame's own image path
    assert conversation["video"][0] == "scenes/frames/000000.jpg"
    code, _, _, _ = synth(capsys, server.base_url, out, "--format", "parquet")
    assert code == 0
    import pyarrow.parquet as pq

    [row] = pq.read_table(out / "data.parquet").to_pylist()
    assert row["producer"] == "llm" and row["answer"] == "2" and row["params"] == "{}"
    assert row["id"] == "test/kitchen/" + row["task"] + "/llm-0"
    code, _, _, stderr = synth(capsys, server.base_url, out, "--k", "3")
    assert code == 2 and "different configuration" in stderr


def test_token_budget(server, tmp_path, capsys):
    script_items(server, ITEMS[:2])
    out = tmp_path / "out"
    code, report, _, _ = synth(capsys, server.base_url, out, "--max-tokens-total", "200",
                               "--concurrency", "1", n=2)
    # 120 tokens per reply: the second request (the first unit's agreement sample) is the
    # last one sent; the first unit finishes, the second never starts a request.
    assert code == 1 and report["run"]["stopped"] == "budget"
    assert "--max-tokens-total 200" in report["run"]["message"]
    assert len(server.requests) == 2 and report["units"]["done"] == 1
    assert report["run"]["requests"]["tokens"]["total"] == 240


def test_several_tool_calls_are_several_programs(server, tmp_path, capsys):
    server.on(proposal_of(0, 1), tool_reply(COUNT, COUNT_OTHER))
    code, report, _, _ = synth(capsys, server.base_url, tmp_path / "out", "--grammar",
                               "openai-tool", "--repairs", "0")
    assert code == 0 and report["reply_failures"] == {"several_programs": 1}


# ------------------------------------------------------------------------- grammar


def test_grammar_mode_sends_the_grammar_tool_and_reads_tool_calls(server, tmp_path, capsys):
    question = "How many mugs are in the kitchen?"
    bad = program(question, 'answer count(find("Mugg"))')
    good = program(question, 'answer count(find("Mug"))')
    server.on(agreement_for(question),
              tool_reply(program(question, 'answer count(filter(objects, o => o.category == '
                                 '"Mug"))')))
    server.on(proposal_of(0, 1), tool_reply(bad), tool_reply(good))
    out = tmp_path / "out"
    code, report, _, stderr = synth(capsys, server.base_url, out, "--grammar", "openai-tool",
                                    "--grammar-scope", "syntax")
    assert code == 0, stderr
    first = server.requests[0]
    assert first["tools"] == [grammar_tool()]
    [tool] = first["tools"]
    assert tool["type"] == "custom" and tool["custom"]["name"] == "spatialdsl_program"
    assert tool["custom"]["format"] == {"type": "grammar", "grammar": {
        "syntax": "lark", "definition": grammar_text()}}
    assert first["tool_choice"] == grammar_tool_choice()
    assert "spatialdsl_program" in first["messages"][0]["content"]
    repair = server.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and repair[-2]["tool_calls"][0]["custom"][
        "input"] == bad
    assert repair[-1]["role"] == "tool"
    assert repair[-1]["tool_call_id"] == repair[-2]["tool_calls"][0]["id"]
    assert "E-SCENE-NAME" in repair[-1]["content"]
    [record] = records(out)
    assert record["program"] == good and record["answer"] == "1"


def test_no_traceback_on_bad_input(tmp_path, capsys):
    code = main(["synth", "--scenes", str(tmp_path / "missing.scene.json"), "--tasks", TASK,
                 "-n", "1", "-o", str(tmp_path / "out"), "-q"])
    assert code == 2 and not (tmp_path / "out").exists()
    code = main(["synth", "--scenes", KITCHEN, "--tasks", "no_such_task", "-n", "1", "-o",
                 str(tmp_path / "out"), "-q"])
    assert code == 2
    assert "available" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")
def test_api_key_env_must_exist(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MY_MISSING_KEY", raising=False)
    code = main(["synth", "--scenes", KITCHEN, "--tasks", TASK, "-n", "1", "-o",
                 str(tmp_path / "out"), "--api-key-env", "MY_MISSING_KEY", "-q"])
    assert code == 2 and "MY_MISSING_KEY" in capsys.readouterr().err


def test_a_tasks_modality_decides_what_an_item_must_show(server, tmp_path, capsys):
    """On a scene with frames a vsi distance item is a video item, so one about the fridge,
    which no frame of the kitchen shows clearly, is rejected (as `spdsl audit` would flag
    it); a room-size item is a scene item (its template's modality), without frames."""
    far_q = "How far apart are the centers of the fridge and the mug, in meters?"
    far = program(far_q, 'answer round(distance(the("fridge"), the("Mug")) in m, 2)')
    room_q = "What is the area of this room, in square meters?"
    room = program(room_q, "answer round(room.area in m2, 1)")
    server.on(agreement_for(room_q), reply(fenced(room)))
    server.on("task type `vsi_room_size`", reply(fenced(room)))
    server.on(proposal_of(0, 1), reply(fenced(far)))
    code, report, _, err = synth(capsys, server.base_url, tmp_path / "out", "--concurrency", "1",
                                 tasks=("vsi_room_size", "vsi_abs_distance"))
    assert code == 0, err
    assert report["verification_failures"]["clearly_visible"] == 1
    [record] = records(tmp_path / "out")
    assert record["task"] == "vsi_room_size"
    assert record["modality"] == "scene" and record["frames"] == []
    log = [json.loads(line) for line in (tmp_path / "out" / "units.jsonl").open()]
    [far_entry] = [e for e in log if e["task"] == "vsi_abs_distance"]
    assert far_entry["detail"].startswith("the fridge is never clearly visible")
