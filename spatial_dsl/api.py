"""The public Python API: load scenes, compile a program once, run it on many scenes.

    from spatial_dsl import compile_program, load_scene

    program = compile_program('answer count("Chair")')
    result = program.run(load_scene("ithor:FloorPlan1"))
    print(result.answer.text if result.ok else result.rejection.kind)

``Program.run`` first checks the program's category and label names against the
scene it runs on (as ``spdsl check --scene`` does) and raises ``SceneNameError``
(a ``CompileError`` with the E-SCENE-NAME diagnostics and their suggestions) when
the scene lacks one: a misspelt ``find("drawers")`` is an error, never a silent
``0``. ``Program.check_scene(scene)`` returns those diagnostics without running.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import (
    Checked, SceneNames, compile_source, scene_name_diagnostics,
)
from spatial_dsl.lang.diagnostics import Diagnostic, RejectionKind, render_all_text
from .runtime.answers import Answer, format_number, serialize
from .runtime.eval import DEFAULT_LIMITS, Env, Evaluator, Limits
from .runtime.values import Abort, LimitExceeded, Rejection, Rows, element
from .scenes.model import Scene
from spatial_dsl.errors import SpdslError


class CompileError(SpdslError):
    """A program with compile-time errors; ``diagnostics`` lists them all."""

    def __init__(self, checked: Checked):
        self.diagnostics: list[Diagnostic] = checked.diagnostics
        super().__init__(render_all_text(checked.diagnostics, checked.source))


class SceneNameError(CompileError):
    """The program names a category or label the scene does not contain (E-SCENE-NAME);
    ``scene`` is the scene's id, ``diagnostics`` the errors with their suggestions."""

    def __init__(self, checked: Checked, diagnostics: list[Diagnostic], scene: str):
        self.diagnostics = diagnostics
        self.scene = scene
        Exception.__init__(self, render_all_text(diagnostics, checked.source))


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

    def check_scene(self, scene: Scene) -> list[Diagnostic]:
        """The E-SCENE-NAME errors of this program on ``scene`` ([] if it has every name)."""
        if not self.checked.scene_names:
            return []
        from .scenes.names import SceneNameTable

        return scene_name_diagnostics(self.checked, SceneNameTable(scene))

    def run(self, scene: Scene, limits: Limits = DEFAULT_LIMITS, trace: bool = False) -> Result:
        """Answer on ``scene``; raises SceneNameError if the scene lacks a name it uses."""
        problems = self.check_scene(scene)
        if problems:
            raise SceneNameError(self.checked, problems, scene.id)
        steps: list | None = [] if trace else None
        value, rejection = Evaluator(self.checked, scene, limits, steps).run()
        lines = [(name, describe(v, t, scene)) for name, v, t in steps or []]
        if rejection is not None:
            return Result(scene.id, rejection=rejection, trace=lines)
        return Result(scene.id, serialize(value, self.checked.answer_type, scene), trace=lines)

    def run_copies(self, copies: list[Scene], limits: Limits = DEFAULT_LIMITS) -> list[Result]:
        """``run`` on each jittered copy of one scene (``runtime.jitter``), as one
        evaluation over the stack of copies when they can be stacked
        (``runtime.worlds``): the same results as ``run`` on each copy in turn."""
        from .runtime.worlds import stack_worlds

        stack = stack_worlds(copies) if copies else None
        runs = None
        if stack is not None:
            problems = self.check_scene(copies[0])  # the copies share their names
            if problems:
                raise SceneNameError(self.checked, problems, copies[0].id)
            runs = _run_on_worlds(self.checked, stack, limits)
        if runs is None:
            return [self.run(copy, limits) for copy in copies]
        t = self.checked.answer_type
        return [Result(copy.id, rejection=rejection) if rejection is not None else
                Result(copy.id, serialize(value, t, stack.scene))
                for copy, (value, rejection) in zip(copies, runs)]

    def run_many(self, scenes: Iterable[Scene],
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[Result]:
        """``run`` on each scene in turn (SceneNameError stops at the first scene lacking
        a name; call ``check_scene`` first to skip such scenes instead)."""
        for scene in scenes:
            yield self.run(scene, limits)


def _run_on_worlds(checked, stack, limits):
    """A whole program run on every world of ``stack`` as one evaluation: per world, the
    (one-row answer value, None) or (None, rejection) that ``Evaluator.run`` gives on that
    world alone (an answer's objects are stacked rows of ``stack.scene``, which has the
    same ids, labels and categories). None if the run exceeds its limits; the caller then
    runs the worlds one by one (a world alone may still answer within them).

    As ``Evaluator.run``: statements in order; an `assert` that fails rejects its row;
    a row's first rejection is its result (the statements after it still run on the row,
    on filler values, which can change nothing: a row keeps its first rejection)."""
    w = stack.worlds
    evaluator = Evaluator(checked, stack.scene, limits, per_world=stack.n)
    env = Env(evaluator.globals, w, Rows(w), np.arange(w))
    value = None
    try:
        with np.errstate(all="ignore"):
            for stmt, typed in checked.typed.statements:
                if isinstance(stmt, ast.Let):
                    evaluator.globals[stmt.name] = evaluator.eval_typed(typed, env)
                elif isinstance(stmt, ast.Assert):
                    ok = np.broadcast_to(np.asarray(evaluator.eval_typed(typed, env)), (w,))
                    env.rows.record(~ok, RejectionKind.ASSERTION_FAILED, stmt.message,
                                    stmt.span)
                elif isinstance(stmt, ast.Answer):
                    value = evaluator.eval_typed(typed, env)
    except Abort:
        value = None
    except LimitExceeded:
        return None
    out = []
    for k in range(w):
        if env.rows.rejected[k] or value is None:
            out.append((None, env.rows.rejection_of(k)))
        else:
            out.append((_world_row(value, k, w), None))
    return out


def _world_row(value, k: int, w: int):
    """Row k of a value of w rows (or of one broadcast row), as a one-row value."""
    if isinstance(value, list):
        return [value[k if len(value) == w else 0]]
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == w:
        return value[k:k + 1]
    return value


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
