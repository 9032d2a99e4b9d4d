"""The public Python API: load scenes, compile a program once, run it on many scenes.

    from spatial_dsl import compile_program, load_scene

    program = compile_program('answer count("Chair")')
    result = program.run(load_scene("ithor:FloorPlan1"))
    print(result.answer.text if result.ok else result.rejection.kind)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from . import types as T
from .check import Checked, SceneNames, compile_source
from .diagnostics import Diagnostic, render_all_text
from .runtime.answers import Answer, format_number, serialize
from .runtime.eval import DEFAULT_LIMITS, Evaluator, Limits
from .runtime.values import Rejection, element
from .scenes.model import Scene


class CompileError(Exception):
    """A program with compile-time errors; ``diagnostics`` lists them all."""

    def __init__(self, checked: Checked):
        self.diagnostics: list[Diagnostic] = checked.diagnostics
        super().__init__(render_all_text(checked.diagnostics, checked.source))


@dataclass
class Result:
    scene: str
    answer: Answer | None = None
    rejection: Rejection | None = None
    trace: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.answer is not None

    def to_json(self) -> dict:
        body = self.answer.to_json() if self.ok else {"rejected": self.rejection.to_json()}
        return {"scene": self.scene, **body}


class Program:
    """A checked program, ready to run on any number of scenes."""

    def __init__(self, checked: Checked):
        self.checked = checked

    @property
    def question(self) -> str | None:
        return self.checked.question

    @property
    def answer_type(self) -> T.Type:
        return self.checked.answer_type

    def run(self, scene: Scene, limits: Limits = DEFAULT_LIMITS, trace: bool = False) -> Result:
        steps: list | None = [] if trace else None
        value, rejection = Evaluator(self.checked, scene, limits, steps).run()
        lines = [(name, describe(v, t, scene)) for name, v, t in steps or []]
        if rejection is not None:
            return Result(scene.id, rejection=rejection, trace=lines)
        return Result(scene.id, serialize(value, self.checked.answer_type, scene), trace=lines)

    def run_many(self, scenes: Iterable[Scene],
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[Result]:
        for scene in scenes:
            yield self.run(scene, limits)


def compile_program(text: str, name: str = "<program>",
                    scene: SceneNames | None = None) -> Program:
    """Parse and type-check; raises CompileError listing every diagnostic."""
    checked = compile_source(text, name, scene)
    if not checked.ok:
        raise CompileError(checked)
    return Program(checked)


def describe(value, t: T.Type, scene: Scene) -> str:
    """A short human rendering of any value (for `--trace`)."""
    if t == T.OBJECTS:
        members = np.flatnonzero(element(value, 0))
        return "{" + ", ".join(sorted(scene.labels[i] for i in members)) + "}"
    if t == T.VEC3:
        return "(" + ", ".join(format_number(x) for x in element(value, 0)) + ") m"
    if t == T.ROOM:
        return "room"
    answer = serialize(value, t, scene)
    return answer.text + (f" {answer.unit}" if answer.unit else "")
