"""Every flag's default is the library's default, written once.

The command line reads its defaults from the options dataclasses (``SynthOptions``,
``WalkOptions``, ``CaptureOptions``, ``Limits``) or, for commands whose library entry is a
function, from that function's keyword defaults (``generate``, ``find_references``...).
These tests walk the real parser and compare each default with its source, so a literal
default typed into a parser, or a library default changed without the flag, fails here.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect

import pytest

from sims.options import CaptureOptions, WalkOptions
from spatial_dsl.cli.main import build_parser
from spatial_dsl.generation import generate
from spatial_dsl.refer import find_references
from spatial_dsl.review import build_review
from spatial_dsl.runtime.eval import Limits
from spatial_dsl.scoring import aggregate
from spatial_dsl.show import render
from spatial_dsl.synth.client import ClientOptions
from spatial_dsl.synth.loop import LoopOptions
from spatial_dsl.synth.run import SynthOptions
from spatial_dsl.task_params import instantiate
from spatial_dsl.tasks import GenerateOptions

LIMITS = {"max_steps": "steps", "time_limit": "seconds"}

# command -> [(library source, {flag dest: the source's name when it differs})]: where the
# defaults of its flags are written
SOURCES = {
    "generate": [(generate, {"format": "fmt"})],
    "synth": [(SynthOptions, {"format": "fmt"})],
    "prompt": [(SynthOptions, {})],
    "verify": [(SynthOptions, {})],
    "run": [(Limits, LIMITS), (instantiate, {})],
    "show": [(Limits, LIMITS), (render, {})],
    "scenes walk": [(WalkOptions, {"hfov": "hfov_deg", "pitch": "pitch_deg"})],
    "capture ai2thor": [(CaptureOptions, {})],
    "review": [(build_review, {})],
    "refer": [(find_references, {})],
    "score": [(aggregate, {})],
    "baseline": [(aggregate, {})],
}

# flags whose default belongs to the command line alone: no library function or options
# class takes the value with a default of its own
CLI_ONLY = {
    ("check", "format"): "the command's own output (text or json)",
    ("prompt", "attempt"): "PromptBuilder.proposal takes the attempt as a required argument",
    ("prompt", "attempts"): "PromptBuilder.proposal takes -n as a required argument",
}


def _commands(parser: argparse.ArgumentParser, prefix: str = ""):
    """(command, action) for every flag of every (sub)command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{prefix} {name}".strip())
        else:
            yield prefix, action


_NO_DEFAULT = object()


def _library_default(source, name: str):
    if dataclasses.is_dataclass(source):
        fields = {f.name: f.default for f in dataclasses.fields(source)
                  if f.default is not dataclasses.MISSING}
        return fields.get(name, _NO_DEFAULT)
    parameter = inspect.signature(source).parameters.get(name)
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return _NO_DEFAULT
    return parameter.default


def _has_default(action: argparse.Action) -> bool:
    """A flag whose default someone chose (not None, not a switch's implied False)."""
    if isinstance(action, (argparse._HelpAction, argparse._VersionAction,
                           argparse._StoreTrueAction, argparse._StoreFalseAction)):
        return False
    return action.default is not None and action.default is not argparse.SUPPRESS


def _problems(parser: argparse.ArgumentParser) -> list[str]:
    problems = []
    for command, action in _commands(parser):
        if not _has_default(action) or (command, action.dest) in CLI_ONLY:
            continue
        found = [(source, _library_default(source, renames.get(action.dest, action.dest)))
                 for source, renames in SOURCES.get(command, [])]
        found = [(source, value) for source, value in found if value is not _NO_DEFAULT]
        if not found:
            problems.append(f"{command} --{action.dest}: default {action.default!r} has no "
                            "library source (read it with option_default, or list it in "
                            "CLI_ONLY with why)")
        elif action.default != found[0][1] or type(action.default) is not type(found[0][1]):
            problems.append(f"{command} --{action.dest}: default {action.default!r}, but "
                            f"{found[0][0].__name__} says {found[0][1]!r}")
    return problems


def test_every_flag_default_is_the_library_default():
    assert _problems(build_parser()) == []


def test_the_walk_covers_the_commands_with_defaults():
    # the walk reaches nested subcommands and sees the defaults it is meant to compare
    seen = {(command, action.dest) for command, action in _commands(build_parser())
            if _has_default(action)}
    assert {("generate", "per_scene"), ("generate", "seed"), ("synth", "k"),
            ("scenes walk", "frames"), ("capture ai2thor", "image_format"),
            ("refer", "chain"), ("run", "max_steps")} <= seen
    assert set(SOURCES) <= {command for command, _ in seen}


@pytest.mark.parametrize("command, dest, value", [
    ("generate", "per_scene", 11), ("synth", "k", 3), ("refer", "per_kind", 5),
    ("check", "json_out", "yes")])
def test_a_diverging_or_unsourced_default_is_reported(command, dest, value):
    parser = build_parser()
    actions = {(c, a.dest): a for c, a in _commands(parser)}
    if (command, dest) in actions:
        actions[(command, dest)].default = value  # a literal typed into the parser
    else:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        sub.choices[command].add_argument(f"--{dest}", default=value)  # a new flag
    problems = _problems(parser)
    assert len(problems) == 1 and problems[0].startswith(f"{command} --{dest}: default")


def test_the_library_options_agree_where_they_share_a_field():
    # SynthOptions passes its values on to the client and the loop: one default each
    for inner in (ClientOptions, LoopOptions):
        shared = {f.name for f in dataclasses.fields(inner)} & {
            f.name for f in dataclasses.fields(SynthOptions)}
        assert shared, inner
        for name in sorted(shared):
            ours, theirs = _library_default(SynthOptions, name), _library_default(inner, name)
            if theirs is not _NO_DEFAULT:  # ClientOptions.model is required: no default
                assert ours == theirs, f"SynthOptions.{name} {ours!r} != {inner.__name__}"
    for name in ("per_scene", "seed"):  # generate() takes the engine's defaults
        assert _library_default(generate, name) == _library_default(GenerateOptions, name)
