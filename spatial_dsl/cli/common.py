"""What several commands share: reading a program file, argument types, limits."""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import sys

from ..lang.check.checker import Checked, compile_source
from ..lang.diagnostics import Diagnostic, error, render_all_text
from ..lang.source import Source, decode_program_bytes
from ..lang.syntax import MAX_PROGRAM_BYTES
from .errors import UsageError


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


def option_default(source, name: str):
    """The library's default of option ``name``, so a flag's default (and the number its help
    text shows) is written once: a field of an options dataclass (``SynthOptions``,
    ``GenerateOptions``...), or a keyword parameter of a library function (``generate``,
    ``find_references``...) for commands whose library entry is a function.
    tests/test_cli_defaults.py checks every flag's default against its source."""
    if dataclasses.is_dataclass(source):
        for field in dataclasses.fields(source):
            if field.name == name:
                if field.default is dataclasses.MISSING:
                    raise TypeError(f"{source.__name__}.{name} has no plain default")
                return field.default
        raise TypeError(f"{source.__name__} has no field {name!r}")
    parameter = inspect.signature(source).parameters.get(name)
    if parameter is None or parameter.default is inspect.Parameter.empty:
        raise TypeError(f"{source.__name__}() has no parameter {name!r} with a default")
    return parameter.default


def scene_errors_exit(handler):
    """Scene problems are bad input: their message, exit 2."""
    def run(args):
        from ..scenes.errors import SceneError

        try:
            return handler(args)
        except SceneError as exc:
            raise UsageError(str(exc)) from None
    return run
