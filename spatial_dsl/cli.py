"""The `spdsl` command line.

Exit codes (language.md §7): 0 an answer / a clean check, 1 a rejection (and
`fmt --check` finding a file to reformat), 2 a compile error, a bad scene, bad
flags or an unreadable file, 3 an internal error (a bug: reported without a
traceback unless SPDSL_DEBUG is set).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from spatial_dsl.lang.check.checker import Checked, compile_source
from spatial_dsl.lang.diagnostics import Diagnostic, error, render_all_text
from spatial_dsl.lang.source import Source, decode_program_bytes
from spatial_dsl.lang.syntax import MAX_PROGRAM_BYTES

EXIT_OK, EXIT_REJECTED, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with the command line or an input file: message, exit 2."""


MAX_WALK_FRAMES = 100_000  # camera-walk frames at most (`scenes walk -n`, `generate --walk`)
MAX_WORKERS = 1024  # processes of a pool (`generate --workers`, `review --workers`)


def seed_arg(text: str) -> int:
    """argparse type of every --seed: an integer, 0 or more (numpy refuses negative seeds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed is 0 or more, got {value}")
    return value


def read_program(path: str) -> tuple[Source, list[Diagnostic]]:
    """Read a program file; unreadable bytes become an E-SYNTAX/E-LIMIT diagnostic."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PROGRAM_BYTES + 4)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_PROGRAM_BYTES + 3:  # +3: a UTF-8 BOM does not count
        source = Source("", path)
        return source, [error("E-LIMIT", f"program file is larger than {MAX_PROGRAM_BYTES} "
                              "bytes", source.span(0, 0))]
    try:
        return Source(decode_program_bytes(data), path), []
    except UnicodeDecodeError as exc:
        source = Source(data[:exc.start].decode("utf-8", "replace"), path)
        at = source.span(len(source.text), len(source.text))
        return source, [error("E-SYNTAX", f"the file is not valid UTF-8 (byte 0x"
                              f"{data[exc.start]:02x} at offset {exc.start})", at,
                              "save the program as UTF-8")]


def compile_file(path: str, scene=None) -> Checked:
    source, problems = read_program(path)
    if problems:
        from spatial_dsl.lang import ast

        return Checked(ast.Program(()), source, problems)
    return compile_source(source.text, source.name, scene)


def print_diagnostics(checked: Checked, stream=sys.stderr) -> None:
    if checked.diagnostics:
        print(render_all_text(checked.diagnostics, checked.source), file=stream)


# -------------------------------------------------------------------- commands


def cmd_check(args) -> int:
    scenes = _scene_tables(args.scene) if args.scene else []
    records, clean = [], True
    for path in args.files:
        try:
            checked = compile_file(path)
        except UsageError as exc:  # one unreadable file does not hide the others' results
            print(f"spdsl: error: {exc}", file=sys.stderr)
            clean = False
            continue
        # one compile, then the names against each scene (as `run` checks them)
        runs = [(scene_id, _with_names(checked, table)) for scene_id, table in scenes] \
            or [(None, checked)]
        for scene_id, result in runs:
            clean = clean and result.ok
            if args.format == "json":
                extra = {"scene": scene_id} if len(scenes) > 1 else {}
                records += [{**d.to_json(), "file": path, **extra} for d in result.diagnostics]
            elif result.diagnostics:
                if len(scenes) > 1:
                    print(f"in scene {scene_id}:")
                print_diagnostics(result, sys.stdout)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False))
    return EXIT_OK if clean else EXIT_ERROR


def _with_names(checked: Checked, table) -> Checked:
    """The checked program with the E-SCENE-NAME errors of one scene added, in order."""
    from dataclasses import replace

    from spatial_dsl.lang.check.checker import scene_name_diagnostics

    extra = scene_name_diagnostics(checked, table)
    if not extra:
        return checked
    merged = sorted(checked.diagnostics + extra, key=lambda d: (d.span.line, d.span.column))
    return replace(checked, diagnostics=merged)


def _scene_tables(refs: list[str]) -> list:
    """(scene id, name table) of every scene the --scene arguments name (lists, globs and
    directories as for `run`)."""
    from .scenes.errors import SceneError
    from .scenes.names import SceneNameTable
    from .scenes.sources import expand_refs, load_scene

    try:
        return [(scene.id, SceneNameTable(scene))
                for scene in (load_scene(ref) for ref in expand_refs(refs))]
    except SceneError as exc:
        raise UsageError(str(exc)) from None


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
                from .outputs import write_error_message

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
    from .files import atomic_write_text

    atomic_write_text(path, text)


def cmd_docs(args) -> int:
    from spatial_dsl.lang.docs import reference_markdown

    text = reference_markdown()
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        from .outputs import output_file

        _write_atomically(output_file(args.output), text)
    return EXIT_OK


# ---------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print usage and exit 2; keep 2, add the name
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spdsl", description="SpatialDSL: typed spatial questions over 3D "
                     "scenes. Exit codes: 0 answer/clean, 1 rejection, 2 error, 3 internal.")
    parser.add_argument("--version", action="version", version=f"spdsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = sub.add_parser("check", help="parse and type-check programs",
                           description="Parse and type-check programs; exit 0 if clean, 2 on "
                           "errors.")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--scene", action="append", metavar="SCENE",
                       help="also check category and label names against these scenes (as "
                       "for run: files, directories, ithor:FloorPlanN, globs such as "
                       "'ithor:*', comma lists; repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_check)
    fmt = sub.add_parser("fmt", help="format programs canonically",
                         description="Rewrite programs in canonical layout (idempotent).")
    fmt.add_argument("files", nargs="+", metavar="FILE")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file would be reformatted")
    fmt.set_defaults(handler=cmd_fmt)
    docs = sub.add_parser("docs", help="write the language reference",
                          description="Generate the language reference from the registry.")
    docs.add_argument("-o", "--output", metavar="FILE",
                      help="output file, parent directories created (default: stdout)")
    docs.set_defaults(handler=cmd_docs)
    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


# Later modules (run, scenes, ...) add their subcommands here.
_EXTRA_COMMANDS: list = []


def full_parser() -> argparse.ArgumentParser:
    """The parser of every command (each module registers its own)."""
    from . import cli_run  # noqa: F401  (registers `run` and `scenes`)
    from . import cli_sims  # noqa: F401
    from . import cli_generate  # noqa: F401
    from . import cli_show  # noqa: F401
    from . import cli_refer  # noqa: F401
    from . import cli_synth  # noqa: F401
    from . import cli_score  # noqa: F401
    from . import cli_audit  # noqa: F401

    return build_parser()


def main(argv: list[str] | None = None) -> int:
    parser = full_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    from .outputs import OutputPathError, write_error_message

    try:
        return args.handler(args)
    except (UsageError, OutputPathError) as exc:
        print(f"spdsl: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `spdsl run ... | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        if not _environment_error(exc):
            return _internal_error(exc)
        print(f"spdsl: error: {write_error_message(exc.filename or '?', exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("spdsl: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: never show a traceback to a user
        return _internal_error(exc)


def _environment_error(exc: OSError) -> bool:
    """A full disk, a quota, a file-size limit, a read-only or forbidden location, a path
    name too long or looping: the machine's state or the user's path, not a bug (exit 2),
    wherever it happened."""
    import errno

    from .outputs import WRITE_ERRNOS

    return exc.errno in WRITE_ERRNOS or exc.errno in (errno.EACCES, errno.EPERM,
                                                      errno.ENAMETOOLONG, errno.ELOOP)


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("SPDSL_DEBUG"):
        raise exc
    print(f"spdsl: internal error: {type(exc).__name__}: {exc} (set SPDSL_DEBUG=1 for "
          "details; please report it)", file=sys.stderr)
    return EXIT_INTERNAL


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
