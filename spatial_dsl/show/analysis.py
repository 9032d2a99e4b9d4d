"""What a program touched, found by running it once: the highlights (each ``let`` bound
to objects, and each other object-valued expression outside lambdas), the answer's
objects and the frames the program uses (``analyse``). No drawing here."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked

from ..runtime.answers import Answer, serialize
from ..runtime.eval import DEFAULT_LIMITS, Evaluator, Limits
from ..runtime.kernels import find_mask, list_to_mask
from ..runtime.values import Rejection, element
from ..scenes.model import Scene
from .common import FRAME_SPAN_CALLS, FRAME_WIDE_CALLS, PALETTE, ShowError


@dataclass
class Highlight:
    name: str  # the let name, or the source text of the expression
    members: tuple[int, ...]  # object rows, ascending
    kind: str  # "let" | "expr"
    color: str = ""


@dataclass
class Analysis:
    question: str | None = None
    answer: Answer | None = None
    rejection: Rejection | None = None
    highlights: list[Highlight] = field(default_factory=list)
    answer_objects: tuple[int, ...] = ()
    frames: tuple[int, ...] = ()  # frame rows used, ascending
    frame_names: dict[int, list[str]] = field(default_factory=dict)  # row -> let names
    all_frames: bool = False  # a frame-wide program

    @property
    def ok(self) -> bool:
        return self.answer is not None


def analyse_program(text: str, scene: Scene, frames=(), name: str = "<program>",
                    limits: Limits = DEFAULT_LIMITS) -> Analysis:
    """Compile ``text`` against ``scene`` and analyse it; CompileError if it does not check."""
    from ..api import CompileError
    from spatial_dsl.lang.check.checker import compile_source
    from ..scenes.names import SceneNameTable

    checked = compile_source(text, name, SceneNameTable(scene))
    if not checked.ok:
        raise CompileError(checked)
    return analyse(checked, scene, frames, limits)


def analyse(checked: Checked, scene: Scene, frames=(),
            limits: Limits = DEFAULT_LIMITS) -> Analysis:
    """Run a checked program once and collect what it touched.

    ``frames`` are frame rows to show in any case (``--frame``, an image item's frame).
    """
    if checked.task is not None:
        raise ShowError("this is a task template; show one of its items' programs instead")
    trace: list = []
    evaluator = Evaluator(checked, scene, limits, trace)
    value, rejection = evaluator.run()
    out = Analysis(question=checked.question, rejection=rejection)
    if rejection is None:
        out.answer = serialize(value, checked.answer_type, scene)
    used: set[int] = {int(r) for r in frames if 0 <= int(r) < scene.frames.count}
    seen_sets: list[tuple[int, ...]] = []

    def add(name: str, members, kind: str) -> None:
        members = tuple(sorted({int(m) for m in members}))
        if kind == "expr" and (not members or members in seen_sets or len(members) == scene.n):
            return
        seen_sets.append(members)
        out.highlights.append(Highlight(name, members, kind))

    for name, v, t in trace:
        objs = _objects_of(v, t)
        if objs is not None:
            add(name, objs, "let")
        rows = _frames_of(v, t)
        for r in rows or ():
            used.add(r)
            out.frame_names.setdefault(r, []).append(name)
    if rejection is None:
        out.answer_objects = tuple(_objects_of(value, checked.answer_type) or ())
        used.update(_frames_of(value, checked.answer_type) or ())
    # Object- and frame-valued expressions outside lambdas, evaluated on their own.
    sub = Evaluator(checked, scene, limits)
    sub.globals = {name: v for name, v, _t in trace}  # the lets that were evaluated
    statements = [st for st in checked.program.statements
                  if not isinstance(st, (ast.Def, ast.Task))]
    at = rejection.span.start if rejection is not None else None
    if at is not None and any(st.span.start <= at < st.span.end for st in statements):
        # nothing after the statement that was rejected ran
        statements = [st for st in statements if st.span.start <= at]
    for node in _expressions(statements):
        typed = checked.typed.find(node)
        t, coercion = (typed.type, typed.coercion) if typed is not None else (None, None)
        wanted = (t in (T.OBJECT, T.OBJECTS, T.FRAME) or t == T.ListType(T.OBJECT)
                  or t == T.ListType(T.FRAME) or coercion in ("find", "set")
                  or _call_name(node) in FRAME_SPAN_CALLS)
        if not wanted or (isinstance(node, ast.Name) and node.id in ("objects", "frames")):
            continue
        if isinstance(node, ast.Name) and node.id in sub.globals and coercion is None:
            continue  # a let: already there under its own name
        v, problem = _evaluate(sub, node)
        if problem:
            continue
        if coercion == "find":
            objs = np.flatnonzero(find_mask(scene, np.asarray(v).reshape(-1))[0])
        elif coercion == "set":
            objs = np.flatnonzero(list_to_mask(scene, v)[0])
        else:
            objs = _objects_of(v, t)
        if objs is not None:
            text = _snippet(checked, node)
            add(f"find({text})" if coercion == "find" else text, objs, "expr")
        used.update(_frames_of(v, t) or ())
        if _call_name(node) in FRAME_SPAN_CALLS:
            used.update(_frame_span(sub, checked, node))
    if _frame_wide(checked.program):
        out.all_frames = True
        used.update(range(scene.frames.count))
    out.frames = tuple(sorted(used))
    for i, h in enumerate(out.highlights):
        h.color = PALETTE[i % len(PALETTE)]
    return out


def _evaluate(evaluator: Evaluator, node: ast.Expr):
    try:
        value, rejection = evaluator.evaluate(node, {})
    except KeyError:  # names a `let` that the run did not reach (it was rejected before)
        return None, True
    return value, rejection is not None


def _objects_of(value, t) -> list[int] | None:
    if t == T.OBJECT:
        return [int(element(value, 0))]
    if t == T.OBJECTS:
        return [int(i) for i in np.flatnonzero(np.asarray(value)[0])]
    if t == T.ListType(T.OBJECT):
        return [int(i) for i in element(value, 0)]
    return None


def _frames_of(value, t) -> list[int] | None:
    if t == T.FRAME:
        return [int(element(value, 0))]
    if t == T.ListType(T.FRAME):
        return [int(i) for i in element(value, 0)]
    return None


def _frame_span(evaluator: Evaluator, checked: Checked, node: ast.Call) -> list[int]:
    typed = checked.typed.find(node)
    if typed is None or typed.call is None or len(typed.kids) < 2:
        return []
    ends = []
    for arg in typed.kids[:2]:
        v, problem = _evaluate(evaluator, arg.node)
        if problem:
            return []
        ends.append(int(element(v, 0)))
    lo, hi = min(ends), max(ends)
    return list(range(lo, hi + 1))


def _call_name(node) -> str | None:
    return node.func if isinstance(node, ast.Call) else None


def _expressions(statements):
    """Every expression of the statements, outside lambdas, parents before children."""
    stack = list(reversed(statements))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Expr):
            yield node
        stack.extend(reversed(ast.children(node)))


def _frame_wide(program: ast.Program) -> bool:
    stack = list(program.statements)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id == "frames":
            return True
        if isinstance(node, ast.Call) and node.func in FRAME_WIDE_CALLS:
            return True
        stack.extend(ast.children(node))
    return False


def _snippet(checked: Checked, node: ast.Expr, limit: int = 36) -> str:
    span = node.span
    text = " ".join(checked.source.text[span.start:span.end].split())
    return text if len(text) <= limit else text[:limit - 1] + "…"

