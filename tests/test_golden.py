"""Golden diagnostics of `spdsl check` (see tests/golden.py; UPDATE_GOLDEN=1 regenerates)."""

from __future__ import annotations

import os
import re

import pytest
from tests.golden import CASES, case_paths, expected_path, run_check

from spatial_dsl.lang.diagnostics import CODES

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CASE_PATHS = case_paths()
HEADER = re.compile(r"^(\S+):(\d+):(\d+): (error|warning)\[([A-Z-]+)\]: ", re.M)


def _expected(case) -> str:
    return expected_path(case).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASE_PATHS, ids=[p.stem for p in CASE_PATHS])
def test_golden_case(case):
    code, out, err = run_check(case)
    target = expected_path(case)
    if UPDATE:
        if not target.exists() or target.read_text(encoding="utf-8") != out:
            target.write_text(out, encoding="utf-8")
        return
    assert target.exists(), f"no {target.name}; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert out == _expected(case), f"diagnostics of {case.name} changed"
    assert err == ""
    has_error = any(m.group(4) == "error" for m in HEADER.finditer(out))
    assert code == (2 if has_error else 0)


def test_every_case_has_expected_and_no_orphans():
    stems = {p.stem for p in CASE_PATHS}
    expected = {p.stem for p in CASES.glob("*.expected")}
    assert stems == expected


def test_golden_cases_cover_every_compile_time_code():
    seen = set()
    for case in CASE_PATHS:
        seen |= {m.group(5) for m in HEADER.finditer(_expected(case))}
    # E-SCENE-NAME needs a scene; test_check.py covers it with a stand-in scene.
    assert seen >= set(CODES) - {"E-SCENE-NAME"}
    assert seen <= set(CODES)


def test_golden_output_is_well_formed():
    """Every diagnostic is a header, the source line with its number, and a caret line."""
    for case in CASE_PATHS:
        lines = _expected(case).splitlines()
        i = 0
        while i < len(lines):
            header = HEADER.match(lines[i])
            assert header, f"{case.name}: not a header: {lines[i]!r}"
            assert header.group(1) == case.name
            line_no = header.group(2)
            assert lines[i + 1].startswith(f"  {line_no} | "), lines[i + 1]
            carets = lines[i + 2]
            assert carets.startswith("  " + " " * len(line_no) + " | ")
            assert "^" in carets
            column = int(header.group(3))
            assert carets.index("^") == len(f"  {line_no} | ") + column - 1
            i += 3


def test_multiple_errors_are_all_reported():
    text = _expected(CASES / "multiple_error_kinds.sp")
    codes = [m.group(5) for m in HEADER.finditer(text)]
    assert codes == ["E-NAME", "E-UNIT", "E-ARITY", "E-TYPE", "E-ANSWER"]
    text = _expected(CASES / "syntax_multiple_errors.sp")
    assert len(HEADER.findall(text)) == 4


def test_spec_section8_example_exactly():
    """language.md §8 shows this exact text for count.sp."""
    assert _expected(CASES / "count.sp") == (
        "count.sp:3:25: error[E-TYPE]: expected Length, got Number\n"
        "  3 | answer distance(a, b) > 1.5\n"
        "    |                         ^^^ write 1.5m for a length\n")


def test_real_cli_prints_the_same(spdsl):
    """One subprocess over every case: the console script prints the concatenated goldens."""
    names = [p.name for p in CASE_PATHS]
    proc = spdsl("check", *names, cwd=CASES)
    assert proc.returncode == 2
    assert proc.stdout == "".join(_expected(p) for p in CASE_PATHS)
    assert "Traceback" not in proc.stderr
