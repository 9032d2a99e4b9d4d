"""Runtime golden cases as data: tests/cases/run/NAME.sp, each a program with its expected
answer and the answer's hand derivation in its header (see tests/cases/run/README.md)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parent / "cases" / "run"
_FIELD = re.compile(r"^#\s?([a-z]+):\s*(.*)$")
_MORE = re.compile(r"^#\s{2,}(\S.*)$")
REQUIRED = ("scene", "expect", "how")


def case_paths() -> list[Path]:
    return sorted(CASES.glob("*.sp"))


def header(path: Path) -> dict[str, str]:
    """The `# key: value` lines at the top of a case (continuation lines joined)."""
    fields: dict[str, str] = {}
    last = None
    for line in path.read_text(encoding="utf-8").splitlines():
        field, more = _FIELD.match(line), _MORE.match(line)
        if field:
            last = field.group(1)
            fields[last] = field.group(2).strip()
        elif more and last is not None:
            fields[last] += " " + more.group(1).strip()
        else:
            break
    return fields


def run_case(path: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `spdsl run NAME.sp --scene SCENE --labels`,
    in-process, run from the case's directory (``--labels``: objects print as their labels,
    as the runtime answers them, not in the generator's words)."""
    from spatial_dsl.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(path.parent)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["run", path.name, "--scene", header(path)["scene"], "--labels"])
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


def expected_exit(expect: str) -> int:
    return 1 if expect.startswith("rejected [") else 0


@pytest.mark.parametrize("path", case_paths(), ids=lambda p: p.stem)
def test_case(path):
    fields = header(path)
    missing = [k for k in REQUIRED if not fields.get(k)]
    assert missing == [], f"{path.name}: the header lacks {missing}"
    code, out, err = run_case(path)
    assert (out, err) == (fields["expect"] + "\n", ""), f"{path.name}"
    assert code == expected_exit(fields["expect"])


def test_there_are_cases_of_answers_and_rejections_on_both_kinds_of_scene():
    fields = [header(p) for p in case_paths()]
    assert len(fields) >= 40
    assert any(f["expect"].startswith("rejected [") for f in fields)
    assert any(":" in f["scene"] and not f["scene"].endswith(".json") for f in fields)


def test_a_wrong_expectation_fails(tmp_path):
    # the runner compares what is printed: a case whose header is wrong does not pass
    (tmp_path / "scenes").mkdir()
    (tmp_path / "scenes" / "handmade.json").write_text(
        (CASES / "scenes" / "handmade.json").read_text(encoding="utf-8"), encoding="utf-8")
    case = tmp_path / "wrong.sp"
    case.write_text('# scene: scenes/handmade.json\n# expect: 3\n# how: wrong on purpose\n'
                    'answer count("Chair")\n', encoding="utf-8")
    code, out, _ = run_case(case)
    assert (code, out) == (0, "2\n") and out != header(case)["expect"] + "\n"


def test_the_handmade_scene_file_is_the_scene_of_test_runtime():
    from tests.test_runtime import SCENE_DOC

    doc = json.loads((CASES / "scenes" / "handmade.json").read_text(encoding="utf-8"))
    assert doc == SCENE_DOC
