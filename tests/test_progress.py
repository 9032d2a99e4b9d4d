"""The one progress reporter (spatial_dsl/progress.py) and the commands that use it.

The rules a user relies on: progress goes to stderr only; a bar is drawn on a terminal, a
plain line at each tenth of the way anywhere else (a log file, a pipe), nothing when progress
is turned off (-q/--quiet, audit --json); stdout, and the JSON written there, is the same
whether or not progress is shown.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

import spatial_dsl
from spatial_dsl.cli import main
from spatial_dsl.generation import generate
from spatial_dsl.progress import Progress, reporter
from tests.conftest import Terminal, last_bar

# ----------------------------------------------------------------------- the reporter


def test_a_bar_on_a_terminal_shows_label_counts_and_note_and_ends_its_line():
    stream = Terminal()
    with Progress(3, label="generate", unit="scenes", done=1, stream=stream) as bar:
        bar.note("5 candidate items")
        bar.advance()
        bar.note("9 candidate items")
        bar.advance()
    text = stream.getvalue()
    assert last_bar(text, "generate").startswith("generate: 100%")
    assert "3/3 scenes" in last_bar(text, "generate")
    assert "9 candidate items" in last_bar(text, "generate")
    assert text.endswith("\n")  # the shell prompt does not land on the bar


@pytest.mark.parametrize("stream", [io.StringIO(), Terminal()], ids=["log", "terminal"])
def test_nothing_is_written_when_turned_off(stream):
    with Progress(3, label="synth", unit="units", stream=stream, enabled=False) as bar:
        assert not bar.shown
        bar.note("1 accepted")
        bar.advance(3)
    assert stream.getvalue() == ""


def test_off_a_terminal_a_plain_line_at_each_tenth_and_no_bar():
    # 25 steps: lines where the count passes 10 %, 20 %, ... of 25 (3, 5, 8, 10, 13, ...)
    stream = io.StringIO()
    with Progress(25, label="generate", unit="scenes", done=2, stream=stream) as bar:
        assert not bar.shown
        for n in range(3, 26):
            bar.note(f"{n * 10} candidate items")
            bar.advance()
    text = stream.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "generate: 3/25 scenes, 30 candidate items"
    assert [line.split()[1] for line in lines] == [
        "3/25", "5/25", "8/25", "10/25", "13/25", "15/25", "18/25", "20/25", "23/25", "25/25"]


@pytest.mark.parametrize("stream", [io.StringIO(), Terminal()], ids=["plain", "terminal"])
def test_a_message_written_during_a_bar_is_a_line_of_its_own(stream):
    with Progress(2, label="synth", unit="units", stream=stream) as bar:
        bar.advance()
        bar.write("spdsl: internal error in unit u1")
        bar.advance()
    lines = stream.getvalue().replace("\r", "\n").splitlines()
    assert "spdsl: internal error in unit u1" in lines


def test_the_callback_reporter_closes_its_bar_at_the_total_or_on_an_error():
    stream = Terminal()
    with reporter(label="audit", unit="items", stream=stream) as progress:
        for done in range(1, 5):
            progress(done, 4)
        assert stream.getvalue().endswith("\n")
    assert "4/4 items" in last_bar(stream.getvalue(), "audit")

    stream = Terminal()
    with pytest.raises(RuntimeError), reporter(label="audit", unit="items",
                                              stream=stream) as progress:
        progress(1, 4)
        raise RuntimeError("half-way")
    assert "1/4 items" in last_bar(stream.getvalue(), "audit")
    assert stream.getvalue().endswith("\n")


def test_only_the_progress_module_draws_bars():
    # one reporter: no other module imports tqdm or writes a carriage return to redraw a line
    root = Path(spatial_dsl.__path__[0])
    redraw = re.compile(r"""(?:print|write)\(\s*f?["']\\r""")
    offenders = [str(path.relative_to(root)) for path in sorted(root.rglob("*.py"))
                 if path.name != "progress.py"
                 and (re.search(r"^\s*(?:from|import) tqdm", text := path.read_text("utf-8"),
                                re.M) or redraw.search(text))]
    assert offenders == []


# ------------------------------------------------------------------------- commands


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    # two rooms, one task that needs no frames: a dataset in about a second
    out = tmp_path_factory.mktemp("progress") / "ds"
    generate(["ithor:FloorPlan1", "ithor:FloorPlan2"], ["vsi_room_size"], out, per_scene=2,
             workers=1, progress=False)
    return out


def _run(monkeypatch, capsys, args: list[str], terminal: bool) -> tuple[int, str, str]:
    """Run spdsl in process with stderr a terminal or a plain capture: (code, out, err)."""
    stream = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    code = main(args)
    return code, capsys.readouterr().out, stream.getvalue()


def _items(dataset: Path) -> int:
    return len((dataset / "data.jsonl").read_text("utf-8").splitlines())


def _without_timing(text: str) -> str:
    return re.sub(r"\([0-9.]+ s\)", "(T s)", text)


def test_generate_draws_a_bar_on_a_terminal_lines_elsewhere_and_stdout_is_unchanged(
        tmp_path, monkeypatch, capsys):
    args = ["generate", "--scenes", "ithor:FloorPlan1,ithor:FloorPlan2", "--tasks",
            "vsi_room_size", "--per-scene", "2", "--workers", "1"]
    code, out, err = _run(monkeypatch, capsys, args + ["-o", str(tmp_path / "a")], True)
    assert code == 0
    bar = last_bar(err, "generate")
    assert "2/2 scenes" in bar and "candidate items" in bar
    code, plain_out, plain_err = _run(monkeypatch, capsys, args + ["-o", str(tmp_path / "b")],
                                      False)
    assert code == 0 and "\r" not in plain_err
    assert "generate: 1/2 scenes" in plain_err and "generate: 2/2 scenes" in plain_err
    assert _without_timing(plain_out.replace(str(tmp_path / "b"), "OUT")) == _without_timing(
        out.replace(str(tmp_path / "a"), "OUT"))
    code, _, quiet_err = _run(monkeypatch, capsys,
                              args + ["-o", str(tmp_path / "c"), "--quiet"], True)
    assert code == 0 and "generate:" not in quiet_err


def test_audit_draws_a_bar_but_never_with_json(dataset, monkeypatch, capsys):
    n = _items(dataset)
    code, out, err = _run(monkeypatch, capsys, ["audit", str(dataset)], True)
    assert code == 0 and f"{n}/{n} items" in last_bar(err, "audit")
    assert "audit:" not in out
    code, out, err = _run(monkeypatch, capsys, ["audit", str(dataset), "--json"], True)
    assert code == 0 and err == ""
    assert json.loads(out)["items"] == n  # stdout is the JSON document and nothing else
    code, _, err = _run(monkeypatch, capsys, ["audit", str(dataset), "--quiet"], True)
    assert code == 0 and err == ""


def test_review_draws_a_bar_on_a_terminal_and_lines_elsewhere(dataset, tmp_path, monkeypatch,
                                                              capsys):
    page = str(tmp_path / "r.html")
    args = ["review", str(dataset), "-o", page, "--limit", "0", "--workers", "1"]
    n = _items(dataset)
    code, out, err = _run(monkeypatch, capsys, args, True)
    assert code == 0 and f"{n}/{n} items" in last_bar(err, "review")
    assert out.startswith(f"wrote {page}: {n} items")
    code, _, err = _run(monkeypatch, capsys, args, False)
    assert code == 0 and err.splitlines()[-1] == f"review: {n}/{n} items" and "\r" not in err
    code, _, err = _run(monkeypatch, capsys, args + ["-q"], True)
    assert code == 0 and err == ""
