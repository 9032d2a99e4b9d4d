"""The README keeps up with the program: every command is in its table, and the `refer`
example is what `make readme` (bench/readme_refer.py) writes, not figures typed by hand."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    """Every command and sub-action `spdsl --help` offers ("scenes walk", "tasks list")."""
    import argparse

    from spatial_dsl.cli import build_parser

    def subcommands(parser):
        return next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), {})

    names = []
    for name, parser in subcommands(build_parser()).items():
        names += [f"{name} {sub}" for sub in subcommands(parser)] or [name]
    return names


def _first_cells() -> list[str]:
    """The first cell of each row of the README's command table."""
    start = README.index("| command |", README.index("## Commands"))
    rows = README[start:README.index("\n\n", start)].splitlines()[2:]
    return [row.split(" | ")[0] for row in rows]


def test_the_command_table_lists_every_command():
    cells = _first_cells()
    missing = [command for command in _commands()
               if not any(f"spdsl {command.split()[0]}" in cell
                          and all(re.search(rf"\b{word}\b", cell) for word in command.split())
                          for cell in cells)]
    assert not missing, f"README's command table lacks: {missing}"


def test_the_refer_example_is_what_make_readme_writes():
    spec = importlib.util.spec_from_file_location("readme_refer",
                                                  REPO / "bench" / "readme_refer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start, end = module._between(README, "refer-example")
    assert README[start:end] == module.example_block(), \
        "stale: run `make readme` (or python bench/readme_refer.py)"
