"""`spdsl fmt`: rewrite programs in canonical layout."""

from __future__ import annotations

import sys
from pathlib import Path

from ..lang.diagnostics import Diagnostic, error, render_all_text
from .common import read_program
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REJECTED


def cmd_fmt(args) -> int:
    from spatial_dsl.lang.printer import format_program
    from spatial_dsl.lang.syntax import parse

    status = EXIT_OK
    for path in args.files:
        source, problems = read_program(path)
        parsed = parse(source) if not problems else None
        diagnostics = problems or parsed.diagnostics
        if not diagnostics and parsed.program is not None:
            diagnostics = _depth_limit_errors(parsed.program)  # the printer recurses
        if diagnostics:
            print(render_all_text(diagnostics, source), file=sys.stderr)
            status = EXIT_ERROR
            continue
        formatted = format_program(parsed.program, source.text)
        if formatted == source.text:
            continue
        if args.check:
            print(f"would reformat {path}")
            status = max(status, EXIT_REJECTED)
        else:
            try:
                _write_atomically(Path(path), formatted)
            except OSError as exc:
                from ..outputs import write_error_message

                print(f"spdsl: error: {write_error_message(path, exc)}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            print(f"reformatted {path}")
    return status


def _depth_limit_errors(program) -> list[Diagnostic]:
    from spatial_dsl.lang.check.checker import MAX_DEPTH

    return [error("E-LIMIT", f"nesting depth {stmt.depth}; the limit is {MAX_DEPTH}", stmt.span,
                  "name intermediate values with `let`")
            for stmt in program.statements if stmt.depth > MAX_DEPTH]


def _write_atomically(path: Path, text: str) -> None:
    from ..files import atomic_write_text

    atomic_write_text(path, text)


def register(sub) -> None:
    fmt = sub.add_parser("fmt", help="format programs canonically",
                         description="Rewrite programs in canonical layout (idempotent).")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file would be reformatted")
    fmt.set_defaults(handler=cmd_fmt)
