"""The `spdsl` command line: the parser of every command and the top-level error policy.

Each command lives in its own module of this package with a ``register(sub)`` that adds
its parser; ``COMMANDS`` below lists them explicitly, in the order `spdsl --help` shows
them (no registration by import side effect). Exit codes and the CLI's error type are in
``errors``.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from . import audit, capture, check, docs, fmt, generate, refer, review, run, scenes, score
from . import show, synth, tasks
from .errors import EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, UsageError

# The command modules, in the order of `spdsl --help` (a module may add several commands:
# synth adds synth, prompt and verify; score adds score and baseline).
COMMANDS = (check, fmt, docs, run, scenes, capture, generate, tasks, show, review, refer,
            synth, score, audit)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print usage and exit 2; keep 2, add the name
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = _Parser(prog="spdsl", description="SpatialDSL: typed spatial questions over 3D "
                     "scenes. Exit codes: 0 answer/clean, 1 rejection, 2 error, 3 internal.")
    parser.add_argument("--version", action="version", version=f"spdsl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    from ..outputs import OutputPathError, write_error_message

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
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: never show a traceback to a user
        return _internal_error(exc)


def _environment_error(exc: OSError) -> bool:
    """A full disk, a quota, a file-size limit, a read-only or forbidden location, a path
    name too long or looping: the machine's state or the user's path, not a bug (exit 2),
    wherever it happened."""
    import errno

    from ..outputs import WRITE_ERRNOS

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
