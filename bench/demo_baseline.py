"""The README's baseline table: `spdsl baseline --kind frequent` on the demo dataset.

    python bench/demo_baseline.py          # (make demo-baseline)

Generates the demo dataset exactly as `make demo` does (out/demo-dataset; a rerun of the
same configuration resumes, so nothing is redone), prints the table, and writes it into
README.md between the markers ``<!-- demo-baseline:begin -->`` and
``<!-- demo-baseline:end -->``, so the README shows what the command prints, not a
hand-copied table.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spatial_dsl.cli import main  # noqa: E402

DEMO_SCENES = "ithor:FloorPlan1,ithor:FloorPlan201,ithor:FloorPlan301,ithor:FloorPlan401"
OUT = "out/demo-dataset"
BEGIN, END = "<!-- demo-baseline:begin -->", "<!-- demo-baseline:end -->"


def run(*argv: str) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(list(argv))
    if code != 0:
        raise SystemExit(f"spdsl {' '.join(argv)} failed with exit {code}")
    return buffer.getvalue()


def main_() -> None:
    os.chdir(ROOT)  # OUT is relative to the repository, as in `make demo`
    run("generate", "--scenes", DEMO_SCENES, "--tasks", "all", "--walk", "20", "--per-scene",
        "2", "-o", OUT, "-q")
    table = run("baseline", "--dataset", OUT, "--kind", "frequent")
    print(table)
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} ... {END} block")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = (f"{BEGIN}\n<details><summary>`spdsl baseline --dataset {OUT} --kind frequent` "
             "(make demo-baseline)</summary>\n\n" + table.rstrip("\n") + "\n\n</details>\n")
    readme.write_text(head + block + END + tail, encoding="utf-8")
    print(f"wrote the table into {readme.relative_to(ROOT)}")


if __name__ == "__main__":
    main_()
