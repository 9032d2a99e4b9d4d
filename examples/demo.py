"""`make demo`: run the example programs on a few bundled iTHOR kitchens.

Each program is compiled once and run on every scene; rejections (a question
that is not answerable in that room) are shown as such.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spatial_dsl import compile_program, load_scene

SCENES = ["ithor:FloorPlan1", "ithor:FloorPlan5", "ithor:FloorPlan12"]
PROGRAMS = sorted((Path(__file__).parent / "demo").glob("*.sp"))


def main() -> int:
    scenes = [load_scene(ref) for ref in SCENES]
    for path in PROGRAMS:
        text = path.read_text(encoding="utf-8")
        program = compile_program(text, str(path))
        print(f"== {path.name}: {program.question}")
        print("   " + text.strip().replace("\n", "\n   "))
        for result in program.run_many(scenes):
            if result.ok:
                unit = f" {result.answer.unit}" if result.answer.unit else ""
                print(f"   {result.scene}: {result.answer.text}{unit}")
            else:
                print(f"   {result.scene}: rejected ({result.rejection.kind}: "
                      f"{result.rejection.message})")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
