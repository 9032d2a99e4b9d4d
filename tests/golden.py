"""Golden diagnostics: tests/cases/check/NAME.sp and the exact `spdsl check` text in NAME.expected.

An empty NAME.expected means the program checks clean. The text is what
``spdsl check NAME.sp`` prints to stdout when run inside tests/cases/check
(the header names the file by its base name).

Regenerate after an intended change of messages, then review the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
    .venv/bin/python -m tests.golden --update
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases" / "check"


def case_paths() -> list[Path]:
    return sorted(CASES.glob("*.sp"))


def expected_path(case: Path) -> Path:
    return case.with_suffix(".expected")


@contextlib.contextmanager
def _inside(directory: Path):
    old = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(old)


def run_check(case: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `spdsl check <base name>`, run in-process."""
    from spatial_dsl.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _inside(case.parent), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", case.name])
    return code, out.getvalue(), err.getvalue()


def update(cases: list[Path] | None = None) -> list[Path]:
    """Rewrite the .expected files that differ; returns the ones written."""
    written = []
    for case in cases if cases is not None else case_paths():
        _, actual, _ = run_check(case)
        target = expected_path(case)
        if not target.exists() or target.read_text(encoding="utf-8") != actual:
            target.write_text(actual, encoding="utf-8")
            written.append(target)
    return written


def main(argv: list[str]) -> int:
    if "--update" in argv:
        for path in update():
            print(f"wrote {path.relative_to(CASES.parent.parent.parent)}")
        return 0
    failures = 0
    for case in case_paths():
        _, actual, _ = run_check(case)
        target = expected_path(case)
        expected = target.read_text(encoding="utf-8") if target.exists() else None
        if actual != expected:
            failures += 1
            print(f"MISMATCH {case.name}\n--- expected\n{expected}--- actual\n{actual}")
    print(f"{len(case_paths()) - failures} ok, {failures} mismatched")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
