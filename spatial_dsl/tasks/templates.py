"""Task files: finding them (``--tasks``), compiling them once into ``TaskTemplate``s
(parameters, their literal domains, the canonical ``def``s and answer), or reporting
them as ``BrokenTask``s."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from spatial_dsl.errors import SpdslError
from collections.abc import Mapping

from spatial_dsl.lang import ast
from spatial_dsl.lang import build as b
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked, compile_source
from spatial_dsl.lang.diagnostics import render_all_text, render_text
from spatial_dsl.lang.printer import expr as print_expr

BALANCED_TYPES = (T.BOOL, T.STR, T.OBJECT)
MODALITIES_WITH_FRAMES = ("image", "video")


class TaskSpecError(SpdslError):
    """A --tasks argument names nothing (message lists what is available)."""


def bundled_task_dir() -> Path:
    from ..resources import data_dir

    return data_dir("stdlib") / "tasks"


def bundled_task_files() -> dict[str, Path]:
    """Bundled task name (file stem) -> file, sorted by name."""
    directory = bundled_task_dir()
    if not directory.is_dir():
        return {}
    return {p.stem: p for p in sorted(directory.glob("*.sp"))}


def resolve_task_files(specs: list[str]) -> list[Path]:
    """Task files named by --tasks arguments, in the order given (no repeats).

    Each argument may be comma-separated; each part is a ``.sp`` file, a directory
    (its ``*.sp`` files, sorted), a bundled task name, or ``all`` (every bundled
    task). Raises TaskSpecError listing every unknown name and what exists.
    """
    bundled = bundled_task_files()
    files: list[Path] = []
    unknown: list[str] = []
    for spec in specs:
        for part in filter(None, (p.strip() for p in str(spec).split(","))):
            path = Path(part)
            if path.is_dir():
                found = sorted(path.glob("*.sp"))
                if not found:
                    raise TaskSpecError(f"{part}: directory has no *.sp task files")
                files.extend(found)
            elif path.is_file():
                files.append(path)
            elif part == "all":
                files.extend(bundled.values())
            elif part in bundled:
                files.append(bundled[part])
            elif part.endswith(".sp") and part.removesuffix(".sp") in bundled:
                files.append(bundled[part.removesuffix(".sp")])
            else:
                unknown.append(part)
    if unknown:
        available = ", ".join(bundled) if bundled else "(no bundled tasks installed)"
        raise TaskSpecError(
            f"unknown task{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(_with_suggestion(u, bundled) for u in unknown)}: "
            f"give a task file, a directory of them, `all`, or a bundled task name; "
            f"available: {available}")
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(str(f.resolve()), f)
    return list(unique.values())


def _with_suggestion(name: str, bundled: dict[str, Path]) -> str:
    """``'vsi_room_sise' (did you mean vsi_room_size?)``: the closest bundled names."""
    import difflib

    stem = name.removesuffix(".sp")
    close = difflib.get_close_matches(stem, list(bundled), n=2, cutoff=0.75)
    return repr(name) + (f" (did you mean {' or '.join(close)}?)" if close else "")


@dataclass(frozen=True)
class ParamInfo:
    name: str
    kind: str  # Category | Object | Frame | range | choice | Ref
    type: T.Type
    values: tuple = ()  # range / choice: run-time values (quantities in base units)
    shown: tuple[str, ...] = ()  # range / choice: the literal as written (question text)
    plain: tuple = ()  # range / choice: the JSON value of the `params` record
    program: tuple[ast.Expr, ...] = ()  # range / choice: the literal of the program's `let`


@dataclass
class TaskTemplate:
    name: str
    path: str
    text: str
    sha256: str
    checked: Checked
    modality: str
    params: tuple[ParamInfo, ...]
    answer_type: T.Type
    description: str
    skip_reason: str | None = None  # a static reason never to run it
    defs: tuple[ast.Def, ...] = ()  # the file's `def` statements

    @property
    def task(self) -> ast.Task:
        return self.checked.task

    def item_program(self, question: str, lets: Mapping[str, ast.Expr]) -> ast.Program:
        """The standalone program of one item: ``question``, the ``def``s, one ``let`` per
        parameter (``lets``: name -> value, in the parameters' order) and ``answer`` with
        the task's answer expression. The one place an item's program is put together
        (the template engine and the prompt's bound examples use it)."""
        return b.item_program(question, self.defs, lets, self.task.answer.value)

    @property
    def balanced(self) -> bool:
        return self.answer_type in BALANCED_TYPES

    @property
    def image_param(self) -> str | None:
        return next((p.name for p in self.params if p.kind == "Frame"), None)


@dataclass(frozen=True)
class BrokenTask:
    path: str
    name: str  # the file stem
    reason: str  # first line: file:line:col: error[...]: message
    details: str  # the full rendered diagnostics


def header_description(text: str) -> str:
    """The first sentence of the file's leading comment block ('' if none).

    Headers wrap long sentences over several ``#`` lines; the lines of the first
    paragraph are joined, so a wrapped first sentence is not cut in the middle."""
    words: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped or words:
                break
            continue
        content = stripped.lstrip("#").strip()
        if not content:
            if words:
                break
            continue
        words.append(content)
    joined = " ".join(words)
    match = re.match(r"(.+?[.?!])(\s|$)", joined)
    return match[1] if match else joined


def _literal(node: ast.Expr, t: T.Type):
    """(run-time value, shown text, JSON value, program literal) of a `one of` literal.

    In a `one of` of type Number an integer literal is written as a float in the program
    (`1.0`), so its `let` has the parameter's type, not Int."""
    shown = print_expr(node)
    if isinstance(node, ast.Quantity):
        return T.to_base(node.value, node.unit), shown, shown, node
    program = node
    if t == T.NUMBER and isinstance(node, ast.Number) and isinstance(node.value, int):
        program = b.number(float(node.value))
    return node.value, shown, node.value, program


def _param_info(param: ast.TaskParam, t: T.Type) -> ParamInfo:
    d = param.domain
    if d.kind == "range":
        values = tuple(range(d.low, d.high + 1))
        shown = tuple(map(str, values))
        return ParamInfo(param.name, "range", T.INT, values, shown, values,
                         tuple(b.number(v) for v in values))
    if d.kind == "choice":
        lits = [_literal(c, t) for c in d.choices]
        return ParamInfo(param.name, "choice", t, tuple(x[0] for x in lits),
                         tuple(x[1] for x in lits), tuple(x[2] for x in lits),
                         tuple(x[3] for x in lits))
    return ParamInfo(param.name, d.kind, t)


def load_task_file(path: Path, shown: str | None = None) -> TaskTemplate | BrokenTask:
    """Read and compile one task file; problems come back as a BrokenTask (never raised)."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return BrokenTask(shown, path.stem, f"{shown}: cannot read: {exc.strerror or exc}", "")
    return compile_task(data, shown, path.stem)


def compile_task(data: bytes, shown: str, stem: str | None = None) -> TaskTemplate | BrokenTask:
    """Compile the bytes of a task file reported as ``shown``."""
    stem = stem or Path(shown).stem
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"{shown}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        return BrokenTask(shown, stem, reason, reason)
    checked = compile_source(text, shown)
    errors = [d for d in checked.diagnostics if d.severity == "error"]
    if errors:
        return BrokenTask(shown, stem, render_text(errors[0], checked.source).split("\n")[0],
                          render_all_text(errors, checked.source))
    if checked.task is None:
        reason = f"{shown}:1:1: error: the file holds no `task`"
        return BrokenTask(shown, stem, reason, reason)
    task = checked.task
    params = tuple(_param_info(p, checked.task_params[p.name]) for p in task.params)
    skip = None
    if task.modality == "image" and not any(p.kind == "Frame" for p in params):
        skip = "modality image needs a `Frame` parameter (the item's image)"
    defs = tuple(s for s in checked.program.statements if isinstance(s, ast.Def))
    return TaskTemplate(
        name=task.name, path=shown, text=text, sha256=hashlib.sha256(data).hexdigest(),
        checked=checked, modality=task.modality, params=params,
        answer_type=checked.answer_type, description=header_description(text),
        skip_reason=skip, defs=defs)


def load_tasks(specs: list[str]) -> tuple[list[TaskTemplate], list[BrokenTask]]:
    """Compile the task files named by ``specs`` (see ``resolve_task_files``).

    A file that does not compile, or whose task name repeats an earlier one, is
    returned among the broken ones; the others load regardless.
    """
    templates: list[TaskTemplate] = []
    broken: list[BrokenTask] = []
    names: dict[str, str] = {}
    for path in resolve_task_files(specs):
        loaded = load_task_file(path)
        if isinstance(loaded, TaskTemplate) and loaded.name in names:
            reason = (f"{loaded.path}:{loaded.task.name_span.line}:{loaded.task.name_span.column}"
                      f": error: task `{loaded.name}` is already defined in "
                      f"{names[loaded.name]}")
            loaded = BrokenTask(loaded.path, path.stem, reason, reason)
        if isinstance(loaded, BrokenTask):
            broken.append(loaded)
        else:
            names[loaded.name] = loaded.path
            templates.append(loaded)
    return templates, broken
