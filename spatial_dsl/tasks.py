"""Task templates instantiated over scenes: the engine of ``spdsl generate``.

A task file (synthesis.md "Task templates") holds ``def``s and one ``task``.
``load_tasks`` compiles each file once; ``SceneEngine`` turns one scene into
items. The driver (``spatial_dsl.generation``) runs the engine per scene,
possibly in other processes, and ``spatial_dsl.datasets`` balances and writes.

Per scene and task
------------------
1. **Domains.** ``Category``: the distinct categories of the scene, sorted;
   ``Object``: every object (id order); ``Frame``: every frame (file order,
   which is index order); ``Int in lo..hi``: lo to hi inclusive; ``one of
   [...]``: the literals in order; ``Ref``: the referable objects of the scene
   (see "Ref parameters" below). An ``image`` or ``video`` task is skipped on a
   scene without frames (stats: ``skipped_scenes["no frames"]``).
2. **Order.** The bindings are the product of the domains, numbered in row-major
   order (the *binding number*, part of the item id). A seeded random order of
   the binding numbers (``numpy.random.default_rng(derive_seed(seed, scene id,
   task name))``; at most ``MAX_EVALUATED`` of them when the product is larger)
   is walked in chunks: the first of ``max(FIRST_CHUNK, 2 * pool size)``
   bindings, each next one sized for the rest of the pool at the acceptance rate
   seen so far (but at most 4 times the last), at most ``WHERE_CHUNK``. The
   sizes depend only on the data, so they are deterministic.
3. **where.** Evaluated once per chunk as one vectorized batch (every binding is
   a row of the evaluator). False: counted as ``filtered``; a rejection:
   counted as ``filtered:<Kind>``.
4. **answer** (and ``choices``) for the passing bindings, again one batch; a
   rejection drops the binding, counted as ``<Kind>``; an answer that is not
   one of its choices is ``NotInChoices``; fewer than two distinct choices is
   ``TooFewChoices``.
5. **Stability.** The answer is evaluated on the scene's ``trials`` jittered
   copies (``runtime.jitter``; built once per scene), one batch per trial over
   all candidates of the chunk. Numbers and quantities (also in lists) must stay
   within 5 % (``abs(new - old) <= 0.05 * abs(old)``); everything else, Int
   included (a count of 20 that becomes 21 is another answer), must stay equal;
   a rejection under jitter also counts as a change. Otherwise ``Unstable``.
6. **Pool and per-scene selection.** Candidates are collected in the seeded
   order until the pool holds ``per_scene`` of them. For a *balanced* task
   (answer type Bool, Str or Object) the pool goes on, up to ``OVERSAMPLE *
   per_scene``, while a round-robin pick of ``per_scene`` from it would give
   one answer more than half (rounded up) of the picks. A balanced task then
   selects up to ``per_scene`` items round-robin over its answers (answers in
   order of first appearance, items in pool order), so a scene contributes as
   evenly as its candidates allow; the selected items keep the seeded order.
   Candidates not selected are counted as ``surplus`` (not a rejection).
7. **Items.** Per item a generator seeded by ``(seed, scene id, task name,
   binding number)`` picks the ``ask`` paraphrase and, for a multiple-choice
   task, up to 3 distractors (distinct choice texts other than the answer, in
   the order ``choices`` gave them, sampled without replacement) and the
   option order. Nothing depends on the chunking, on other tasks, on other
   scenes or on which process ran the scene.

The run-wide balancing (``--max-share``) happens when the dataset is
assembled (``datasets.balance``), because it needs every scene's items.

Placeholders ``{p}`` render: Category -> ``names.natural_name(category)``;
Object -> its words (``naming.ObjectNames``: the natural name of a single-instance
category, else its reference) without a leading article, or its label when it has
none; Ref -> the reference's text without its leading article (templates
write "the {a}", as for a Category: "the tallest chair", "the chair nearest the
window"); Frame -> its index; Int -> decimal; ``one of`` -> the literal (a
string as is, a number or quantity as written).

Answers and choices in the question's words
-------------------------------------------
An Object answer (and each object of a list answer or of a choice) is written as a
question names it (``naming.in_words``): "fridge" for the only fridge, "the shortest
vase" for one of several vases (the reference the ``Ref`` domain holds for it). Its id
goes to ``answer_ids`` (a list, in answer order) and, per presented option, to
``choice_ids``; both are null for answers without objects. An answer naming an object
that has no words (a repeated category without a proved reference) is rejected as
``Ambiguous:object without a name``; a list answer that would say the same words twice
as ``Ambiguous:repeated name``; one whose answer or choices word an object by a reference
whose landmark is an object the question names ("Which objects are within 0.5 m of the
bowl?" -> "the stool nearest the bowl"), or whose question reference names an answer
object ("What lies within 1 m of the stool nearest the bowl?" -> "bowl"), as
``Ambiguous:answer names by a question object``. A choice that cannot be put in words is
left out of the distractors. An item whose question names an object and its own part, or
whose answer is a part of an object the question names (AI2-THOR's ``Sink|...|SinkBasin``:
"which object is closest to the sink?" -> "sink basin"), is rejected as
``Degenerate:an object and its own part`` (``quality.part_and_whole``).

Clearly visible
---------------
Templates guard the objects of their parameters themselves (``clearly_visible`` /
``clearly_seen``); the engine then checks every object the item names
(``quality.unclear``: parameters, the landmarks of their references, the objects of the
answer and of the options shown) and drops the item as ``NotClearlyVisible`` when one of
them is not clearly visible in an image item's frame, or in no frame of a video item. So
"the chair nearest the window" is asked about a picture only if the window is clearly in
it too.

Ref parameters
--------------
A ``Ref`` domain is every object a question can name uniquely, in object id
order (``refer.binding_domain``): each object of a single-instance category by
its category (``the("Fridge")``, "the fridge": the simplest unique reference),
and each object of a multi-instance category with a proved referring expression
by its simplest one (``refer.find_references``, one search per scene, cached by
the engine and run on the engine's own jittered copies, so they are built once
per scene). Floors, walls, ceilings and rooms are left out. So a task whose
object parameter is a ``Ref`` asks about the fridge and about "the chair nearest
the window" alike; a multi-instance object without a reference is not offered.
A binding that passes ``where`` but whose ``Ref`` names another parameter's
object as its landmark ("could someone sitting on the stool nearest the bowl
reach the bowl?") is dropped and counted as ``filtered:ref names another
parameter``: the question would half answer itself.

References are *allocentric only*: view references ("the leftmost
stool in this view") are not offered, also not to image tasks, because a
``Ref`` domain does not depend on the item's frame. The run-time value is the
object's row, as for an ``Object``; the ``params`` record holds the object's id
only (as for ``Object``, so ``bind_value`` rebinds it), and the expression is in
the program.

Each item's ``program`` is a standalone program: ``question "..."``, the task
file's ``def``s, one ``let`` per parameter and ``answer`` with the task's answer
expression, all printed canonically. A Category is ``let a = "Fridge"``, an
Object ``let o = the(filter(objects, x => x.id == "<id>"))``, a Ref the
reference's expression (``let a = argmax(find("Chair"), o => o.height)``), a Frame
``let f = frame(<row>)`` (``frame(i)`` takes the frame's position, which is its
row in the scene's frame list, not necessarily its ``index``), Int and
``one of`` values their literal (an integer in a Number-typed ``one of`` is
written ``1.0``, so the ``let`` has the parameter's type).
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang import ast
from . import quality
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked, compile_source
from spatial_dsl.lang.diagnostics import render_all_text, render_text
from spatial_dsl.lang.printer import expr as print_expr
from spatial_dsl.lang.printer import format_string, statement
from .runtime.answers import serialize
from .runtime.eval import DEFAULT_LIMITS, Env, Evaluator, Limits
from .runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes
from .seeds import derive_seed
from .runtime.values import Abort, LimitExceeded, Rows, element, rows_of, stack_elements
from .scenes.model import Scene, normalise_name
from spatial_dsl.lang.check.tasks import PLACEHOLDER
from spatial_dsl.errors import SpdslError

__all__ = ["BrokenTask", "GenerateOptions", "SceneEngine", "TaskSpecError", "TaskTemplate",
           "bundled_task_dir", "bundled_task_files", "compile_task", "derive_seed",
           "load_task_file", "load_tasks", "resolve_task_files"]

OVERSAMPLE = 3  # pool size of a balanced task, in multiples of --per-scene
MAX_EVALUATED = 32_768  # bindings tried per (scene, task) at most
FIRST_CHUNK = 64  # bindings of the first batched `where` evaluation (at least 2 * pool)
WHERE_CHUNK = 4096  # bindings of one batched `where` evaluation at most
from .tolerances import STABLE_TOLERANCE  # noqa: E402  (relative, for numbers)
LETTERS = "ABCD"
MAX_CHOICES = 4
BALANCED_TYPES = (T.BOOL, T.STR, T.OBJECT)
MODALITIES_WITH_FRAMES = ("image", "video")


class TaskSpecError(SpdslError):
    """A --tasks argument names nothing (message lists what is available)."""


# ------------------------------------------------------------------------ task files


def bundled_task_dir() -> Path:
    from .resources import data_dir

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
    program: tuple[str, ...] = ()  # range / choice: the literal of the program's `let`


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
    defs: tuple[str, ...] = ()  # canonical `def` statements
    answer_text: str = ""

    @property
    def task(self) -> ast.Task:
        return self.checked.task

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
    """(run-time value, shown text, JSON value, program text) of a `one of` literal.

    In a `one of` of type Number an integer literal is written as a float in the program
    (`1.0`), so its `let` has the parameter's type, not Int."""
    shown = print_expr(node)
    if isinstance(node, ast.Quantity):
        return T.to_base(node.value, node.unit), shown, shown, shown
    program = shown
    if t == T.NUMBER and isinstance(node, ast.Number) and isinstance(node.value, int):
        program = repr(float(node.value))
    return node.value, shown, node.value, program


def _param_info(param: ast.TaskParam, t: T.Type) -> ParamInfo:
    d = param.domain
    if d.kind == "range":
        values = tuple(range(d.low, d.high + 1))
        shown = tuple(map(str, values))
        return ParamInfo(param.name, "range", T.INT, values, shown, values, shown)
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
    defs = tuple(statement(s) for s in checked.program.statements if isinstance(s, ast.Def))
    return TaskTemplate(
        name=task.name, path=shown, text=text, sha256=hashlib.sha256(data).hexdigest(),
        checked=checked, modality=task.modality, params=params,
        answer_type=checked.answer_type, description=header_description(text),
        skip_reason=skip, defs=defs, answer_text=print_expr(task.answer.value))


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


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class GenerateOptions:
    seed: int = 0
    per_scene: int = 10
    trials: int = DEFAULT_TRIALS
    radius: float = DEFAULT_RADIUS


@dataclass
class TaskSceneStats:
    bindings: int = 0
    evaluated: int = 0
    candidates: int = 0
    items: int = 0
    surplus: int = 0  # candidates of the pool not selected (balanced tasks)
    rejections: Counter = field(default_factory=Counter)
    skipped: str | None = None  # why the task did not run on this scene
    search_limited: bool = False

    def to_json(self) -> dict:
        out = {"bindings": self.bindings, "evaluated": self.evaluated,
               "candidates": self.candidates, "items": self.items, "surplus": self.surplus,
               "rejections": dict(sorted(self.rejections.items()))}
        if self.skipped:
            out["skipped"] = self.skipped
        if self.search_limited:
            out["search_limited"] = True
        return out


_OBJECT_KINDS = ("Category", "Object", "Ref")
# `the("Name")` in a reference expression (string literals as the printer writes them)
_THE_NAME = re.compile(r'\bthe\(("(?:[^"\\]|\\.)*")\)')


def _unquote(literal: str) -> str:
    """The value of a string literal as ``printer.format_string`` writes it (only
    backslashes and double quotes are escaped)."""
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _bare(text: str) -> str:
    """A reference's text without its leading "the " (templates write "the {a}")."""
    return text[4:] if text.startswith("the ") else text


def _one_row(value, r: int):
    """Row ``r`` of a batch value, as a one-row value (what ``serialize`` takes)."""
    if isinstance(value, np.ndarray):
        return value[r:r + 1] if value.ndim and value.shape[0] > 1 else value
    if isinstance(value, list):
        return [value[r]] if len(value) > 1 else value
    return value


def _close(a, b, relative: bool) -> bool:
    """Same answer element: with ``relative``, numbers within 5 %; anything else equal."""
    if isinstance(a, list | tuple):
        return isinstance(b, list | tuple) and len(a) == len(b) and all(
            _close(x, y, relative) for x, y in zip(a, b))
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return bool(a) == bool(b)
    if relative and isinstance(a, int | float | np.integer | np.floating) and isinstance(
            b, int | float | np.integer | np.floating):
        return abs(float(b) - float(a)) <= STABLE_TOLERANCE * abs(float(a)) + 1e-12
    return a == b


def _relative(t: T.Type) -> bool:
    """Whether answers of type t compare within 5 %: Number and the quantities (also in
    lists). Int (counts, frame indices) and everything else must stay equal."""
    if isinstance(t, T.ListType):
        return _relative(t.elem)
    return t == T.NUMBER or t in T.QUANTITIES


@dataclass
class _Batch:
    """Values and per-row rejection kinds of one batched evaluation."""

    value: object
    rejected: np.ndarray  # (k,) bool
    kinds: list[str | None]


class _Pool:
    """The candidates of one (scene, task), in the seeded order.

    Full at ``cap`` (= --per-scene) candidates; a balanced task's pool goes on up to
    ``OVERSAMPLE * cap`` unless a round-robin pick of ``cap`` from what it already holds
    gives no answer more than half of them."""

    def __init__(self, cap: int, balanced: bool):
        self.cap = cap
        self.balanced = balanced
        self.limit = cap * (OVERSAMPLE if balanced else 1)
        self.items: list[dict] = []
        self.counts: Counter = Counter()

    def add(self, item: dict) -> None:
        self.items.append(item)
        self.counts[item["answer"]] += 1

    @property
    def full(self) -> bool:
        n = len(self.items)
        if n >= self.limit:
            return True
        if n < self.cap:
            return False
        return _round_robin_max(list(self.counts.values()), self.cap) * 2 <= self.cap + 1

    @property
    def needed(self) -> int:
        """About how many more candidates the pool wants (sizes the next chunk)."""
        n = len(self.items)
        return max(1, self.cap - n) if n < self.cap else max(1, (self.limit - n) // 2)


def _round_robin_max(counts: list[int], cap: int) -> int:
    """The largest per-answer count when ``cap`` items are picked round-robin."""
    level = 0
    while sum(min(c, level) for c in counts) < min(cap, sum(counts)):
        level += 1
    return min(max(counts, default=0), level)


def _next_chunk(previous: int, remaining: int, accepted: int, used: int) -> int:
    """Size of the next chunk of bindings: enough for the remaining pool at the acceptance
    rate seen so far (plus a quarter), but at most 4 times the last one."""
    size = 4 * previous
    if accepted:
        size = min(size, math.ceil(1.25 * remaining * used / accepted) + 8)
    return max(FIRST_CHUNK // 4, min(WHERE_CHUNK, size))


class SceneEngine:
    """Instantiates task templates on one scene (built once per scene, reused per task)."""

    def __init__(self, scene: Scene, options: GenerateOptions, scene_file: str = ""):
        self.scene = scene
        self.options = options
        self.scene_file = scene_file
        self._jittered: list[Scene] | None = None
        self._refs: list[tuple[int, str, str]] | None = None  # (row, expression, text)
        self._worded: list[tuple[int, str, str]] = []  # the same with the article kept
        self._object_names = None  # naming.ObjectNames, built on first use
        self._ids: dict[str, int] | None = None  # object id -> row
        self._mentions: np.ndarray | None = None
        self._rows: dict[str, np.ndarray] | None = None  # see _object_rows
        # (task name, phase) -> seconds; phases: where, answer, choices, jitter, items
        self.timings: Counter = Counter()
        self._categories = sorted(set(scene.categories))
        self._category_array = stack_elements(T.STR, self._categories)

    @property
    def jittered(self) -> list[Scene]:
        if self._jittered is None:
            seed = derive_seed(self.options.seed, self.scene.id, "jitter") % (2 ** 63)
            self._jittered = jittered_scenes(self.scene, self.options.trials,
                                             self.options.radius, seed)
        return self._jittered

    @property
    def references(self) -> list[tuple[int, str, str]]:
        """The ``Ref`` domain of the scene: (object row, expression, text without its
        leading article), by object id order; searched once per scene."""
        if self._refs is None:
            from .naming import reference_domain

            self._worded = reference_domain(self.scene, self.options.seed, self.jittered)
            self._refs = [(row, expression, _bare(text))
                          for row, expression, text in self._worded]
        return self._refs

    @property
    def names(self):
        """The words naming each object in answers and choices (``naming.ObjectNames``),
        from the same references the ``Ref`` domain holds."""
        if self._object_names is None:
            from .naming import ObjectNames

            def worded() -> list[tuple[int, str, str]]:
                _ = self.references
                return self._worded

            self._object_names = ObjectNames(self.scene, worded)
        return self._object_names

    # ------------------------------------------------------------------ evaluation

    def _evaluate(self, checked: Checked, node: ast.Expr, names: dict, size: int,
                  scene: Scene | None = None) -> _Batch:
        """One batched evaluation of ``node`` with ``size`` rows of bound names.

        The step budget and the time limit scale with the rows; if the batch still
        runs out, the rows are evaluated one by one under the default limits, so a
        row is rejected with LimitExceeded exactly when its own program would be.
        """
        scene = scene or self.scene
        limits = Limits(steps=DEFAULT_LIMITS.steps * size,
                        seconds=DEFAULT_LIMITS.seconds * max(1, size))
        evaluator = Evaluator(checked, scene, limits)
        env = Env(dict(names), size, Rows(size))
        try:
            value = evaluator.eval_node(node, env)
        except Abort:
            value = None
        except LimitExceeded:
            if size == 1:
                return _Batch(None, np.ones(1, dtype=bool), [RejectionKind.LIMIT_EXCEEDED])
            return self._evaluate_rows(checked, node, names, size, scene)
        rejected = env.rows.rejected.copy()
        if value is None:
            rejected[:] = True
        kinds: list[str | None] = [None] * size
        for r in np.flatnonzero(rejected):
            found = env.rows.rejection_of(int(r))
            kinds[int(r)] = found.kind if found is not None else "Rejected"
        return _Batch(value, rejected, kinds)

    def _evaluate_rows(self, checked, node, names, size, scene) -> _Batch:
        parts = []
        for r in range(size):
            one = {k: _one_row(v, r) if rows_of(v) == size else v for k, v in names.items()}
            parts.append(self._evaluate(checked, node, one, 1, scene))
        rejected = np.array([p.rejected[0] for p in parts])
        kinds = [p.kinds[0] for p in parts]
        values = [element(p.value, 0) if p.value is not None and not p.rejected[0] else None
                  for p in parts]
        return _Batch(_RowList(values), rejected, kinds)

    # ---------------------------------------------------------------------- domains

    def _domain(self, param: ParamInfo) -> tuple[int, object]:
        """(size, run-time value array) of a parameter's domain on this scene."""
        if param.kind == "Category":
            return len(self._categories), self._category_array
        if param.kind == "Object":
            return self.scene.n, np.arange(self.scene.n, dtype=np.int64)
        if param.kind == "Frame":
            return self.scene.frames.count, np.arange(self.scene.frames.count, dtype=np.int64)
        if param.kind == "Ref":
            refs = self.references
            return len(refs), np.array([r[0] for r in refs], dtype=np.int64)
        return len(param.values), stack_elements(param.type, list(param.values))

    # ------------------------------------------------------------------------ tasks

    def run_task(self, template: TaskTemplate) -> tuple[list[dict], TaskSceneStats]:
        """The items of one task on this scene (already selected per scene) and its stats."""
        stats = TaskSceneStats()
        if template.skip_reason:
            stats.skipped = template.skip_reason
            return [], stats
        if template.modality in MODALITIES_WITH_FRAMES and self.scene.frames.count == 0:
            stats.skipped = "no frames"
            return [], stats
        domains = [self._domain(p) for p in template.params]
        sizes = tuple(size for size, _ in domains)
        total = math.prod(sizes)
        stats.bindings = total
        if total == 0:
            return [], stats
        opts = self.options
        rng = np.random.default_rng(derive_seed(opts.seed, self.scene.id, template.name))
        order = rng.choice(total, size=min(total, MAX_EVALUATED), replace=False)
        stats.search_limited = total > MAX_EVALUATED
        pool = _Pool(opts.per_scene, template.balanced)
        position, chunk_size = 0, max(FIRST_CHUNK, 2 * pool.needed)
        while position < len(order) and not pool.full:
            chunk = order[position:position + chunk_size]
            used = self._run_chunk(template, domains, sizes, chunk, pool, stats)
            stats.evaluated += used
            position += len(chunk)
            chunk_size = _next_chunk(chunk_size, pool.needed, len(pool.items), stats.evaluated)
        stats.candidates = len(pool.items)
        items = self._select(template, pool.items)
        stats.items = len(items)
        stats.surplus = len(pool.items) - len(items)
        return items, stats

    def _leaning(self, template: TaskTemplate, indices: list[np.ndarray]) -> np.ndarray | None:
        """Rows whose ``Ref`` names another parameter's object as a landmark by
        ``the("...")``, as in "could someone on the stool nearest the bowl reach the
        bowl?". None when the task has no such pair of parameters."""
        refs = [k for k, p in enumerate(template.params) if p.kind == "Ref"]
        others = [k for k, p in enumerate(template.params) if p.kind in _OBJECT_KINDS]
        if not refs or len(others) < 2:
            return None
        mentions = self._ref_mentions
        out = np.zeros(len(indices[0]), dtype=bool)
        for k in refs:
            for q in others:
                if q == k:
                    continue
                rows = self._object_rows(template.params[q], indices[q])
                known = rows >= 0
                out[known] |= mentions[indices[k][known], rows[known]]
        return out

    def _object_rows(self, param: ParamInfo, ix: np.ndarray) -> np.ndarray:
        """The object row each domain index names (-1: no single object)."""
        if param.kind == "Object":
            return ix.astype(np.int64)
        if self._rows is None:  # per Ref, and per category its only object or -1
            categories = np.full(len(self._categories), -1, dtype=np.int64)
            for j, category in enumerate(self._categories):
                mask = self.scene.name_index.get(normalise_name(category))
                if mask is not None and mask.sum() == 1:
                    categories[j] = int(np.flatnonzero(mask)[0])
            refs = np.array([r[0] for r in self.references], dtype=np.int64)
            self._rows = {"Category": categories, "Ref": refs}
        return self._rows[param.kind][ix]

    @property
    def _ref_mentions(self) -> np.ndarray:
        """(references, objects) bool: the objects a reference names by ``the("...")``
        (its landmarks; a multi-instance object's own category is a ``find``)."""
        if self._mentions is None:
            mentions = np.zeros((len(self.references), self.scene.n), dtype=bool)
            for j, (_, expression, _) in enumerate(self.references):
                for name in _THE_NAME.findall(expression):
                    mask = self.scene.name_index.get(normalise_name(_unquote(name)))
                    if mask is not None and mask.sum() == 1:
                        mentions[j] |= mask
                mentions[j, self.references[j][0]] = False  # `the("Fridge")` is itself
            self._mentions = mentions
        return self._mentions

    def _names(self, template: TaskTemplate, domains, indices: list[np.ndarray]) -> dict:
        return {p.name: values[ix] for p, (_, values), ix in zip(template.params, domains,
                                                                   indices)}

    def _run_chunk(self, template, domains, sizes, chunk, pool: _Pool, stats) -> int:
        """Process one chunk of bindings (in order); returns how many were used."""
        checked, task = template.checked, template.task
        indices = list(np.unravel_index(chunk, sizes)) if sizes else []
        n = len(chunk)
        if task.where is not None:
            names = self._names(template, domains, indices)
            started = time.perf_counter()
            where = self._evaluate(checked, task.where, names, n)
            self.timings[template.name, "where"] += time.perf_counter() - started
            ok = np.broadcast_to(np.asarray(where.value if where.value is not None
                                            else np.zeros(1, bool), dtype=bool), (n,))
            ok = ok & ~where.rejected
        else:
            where = None
            ok = np.ones(n, dtype=bool)
        leaning = self._leaning(template, indices)
        if leaning is not None:
            leaning &= ok  # a row `where` filters is counted as filtered
            ok = ok & ~leaning
        passing = np.flatnonzero(ok)
        # Answer the passing bindings in sub-batches, stopping as soon as the pool is full.
        stop = n  # chunk rows [0, stop) are accounted for
        start = 0
        while start < len(passing) and not pool.full:
            want = pool.needed + max(4, pool.needed // 4)
            rows = passing[start:start + want]
            start += len(rows)
            filled_at = self._answer_rows(template, domains, indices, chunk, rows, pool,
                                          stats)
            if filled_at is not None:
                stop = int(filled_at) + 1
                break
        # Count the `where` outcomes of the rows used.
        for r in range(stop):
            if leaning is not None and leaning[r]:
                stats.rejections["filtered:ref names another parameter"] += 1
            elif not ok[r]:
                kind = where.kinds[r] if where is not None else None
                stats.rejections["filtered" if kind is None else f"filtered:{kind}"] += 1
        return stop

    def _answer_rows(self, template, domains, indices, chunk, rows, pool: _Pool,
                     stats) -> int | None:
        """Answer, check and collect the bindings at chunk positions ``rows``.

        Returns the chunk position of the binding that filled the pool, if one did.
        """
        checked, task = template.checked, template.task
        k = len(rows)
        sub = [ix[rows] for ix in indices]
        names = self._names(template, domains, sub)
        clock = time.perf_counter()
        answers = self._evaluate(checked, task.answer.value, names, k)
        clock = self._tick(template.name, "answer", clock)
        choices = None
        if task.choices is not None:
            choices = self._evaluate(checked, task.choices, names, k)
            clock = self._tick(template.name, "choices", clock)
        alive = ~answers.rejected
        if choices is not None:
            alive &= ~choices.rejected
        live = np.flatnonzero(alive)
        stable = np.ones(k, dtype=bool)
        if len(live):
            live_names = {name: v[live] if rows_of(v) == k and rows_of(v) > 1 else v
                          for name, v in names.items()}
            original = [element(answers.value, int(r)) for r in live]
            relative = _relative(template.answer_type)
            for jscene in self.jittered:
                trial = self._evaluate(checked, task.answer.value, live_names, len(live), jscene)
                for j, r in enumerate(live):
                    if stable[r] and (trial.rejected[j] or not _close(
                            original[j], element(trial.value, j), relative)):
                        stable[r] = False
            clock = self._tick(template.name, "jitter", clock)
        for j in range(k):
            if answers.rejected[j]:
                stats.rejections[answers.kinds[j]] += 1
                continue
            if choices is not None and choices.rejected[j]:
                stats.rejections[f"choices:{choices.kinds[j]}"] += 1
                continue
            if not stable[j]:
                stats.rejections["Unstable"] += 1
                continue
            binding = int(chunk[rows[j]])
            item = self._item(template, domains, [int(ix[j]) for ix in sub], binding,
                              _one_row(answers.value, j),
                              element(choices.value, j) if choices is not None else None)
            if isinstance(item, str):
                stats.rejections[item] += 1
                continue
            pool.add(item)
            if pool.full:
                self._tick(template.name, "items", clock)
                return int(rows[j])
        self._tick(template.name, "items", clock)
        return None

    def _tick(self, task: str, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[task, phase] += now - since
        return now

    # ------------------------------------------------------------------------- items

    def _select(self, template: TaskTemplate, pool: list[dict]) -> list[dict]:
        cap = self.options.per_scene
        if not template.balanced or len(pool) <= cap:
            return pool[:cap]
        groups: dict[str, list[int]] = {}
        for i, item in enumerate(pool):
            groups.setdefault(item["answer"], []).append(i)
        chosen: list[int] = []
        queues = [list(g) for g in groups.values()]
        while len(chosen) < cap:
            progressed = False
            for q in queues:
                if q and len(chosen) < cap:
                    chosen.append(q.pop(0))
                    progressed = True
            if not progressed:
                break
        return [pool[i] for i in sorted(chosen)]

    def _render(self, param: ParamInfo, ix: int) -> tuple[str, object, str]:
        """(question text, params-record value, program `let` value) of one binding."""
        scene = self.scene
        if param.kind == "Category":
            from .names import natural_name

            cat = self._categories[ix]
            return natural_name(cat), cat, format_string(cat)
        if param.kind == "Object":
            from .names import natural_name

            oid = scene.ids[ix]
            text = self.names.name(ix) or (scene.labels[ix] if scene.has_label[ix] else
                                           natural_name(scene.categories[ix]))
            return _bare(text), oid, f"the(filter(objects, x => x.id == {format_string(oid)}))"
        if param.kind == "Ref":
            row, expression, text = self.references[ix]
            return text, scene.ids[row], expression
        if param.kind == "Frame":
            index = int(scene.frames.index[ix])
            return str(index), index, f"frame({ix})"
        value = param.values[ix]
        text = value if isinstance(value, str) else param.shown[ix]
        return text, param.plain[ix], param.program[ix]

    def _named_rows(self, template: TaskTemplate, ix: list[int], rendered: dict,
                    answer_ids, choice_ids) -> list[int]:
        """The objects an item names (quality.py): its object parameters (a category that
        occurs once names its object), the landmarks of its references, and the objects
        of its answer and of the options shown."""
        rows: list[int] = []
        for p, i in zip(template.params, ix):
            if p.kind in ("Object", "Ref"):
                rows.append(self._object_rows(p, np.array([i]))[0])
                rows += quality.landmarks(self.scene, rendered[p.name][2])
            elif p.kind == "Category":
                row = quality.one_object(self.scene, self._categories[i])
                rows += [] if row is None else [row]
        ids = list(answer_ids or []) + [oid for option in choice_ids or [] for oid in option]
        if ids:
            index = self._id_rows
            rows += [index[oid] for oid in ids]
        return rows

    def _placeholder(self, match: re.Match, template: TaskTemplate, ix: list[int],
                     rendered: dict) -> str:
        """The text of `{a}` (the rendered name) or `{a:plural}` (a category's plural)."""
        name, form = match[1], match[2]
        if name not in rendered:
            return match[0]
        if form == "plural":
            from .names import plural_name

            at = [p.name for p in template.params].index(name)
            return plural_name(self._categories[ix[at]])
        return rendered[name][0]

    def _answer_leans(self, template: TaskTemplate, ix: list[int], answer_ids,
                      choice_ids) -> bool:
        """Whether the answer (or a choice) and the question name each other through a
        reference: an answer object worded by a landmark the question names ("Which
        objects are within 0.5 m of the bowl?" -> "the stool nearest the bowl"), or a
        question reference whose landmark is an answer object ("What lies within 1 m of
        the stool nearest the bowl?" -> "bowl"). Either tells a reader the answer."""
        ids = list(answer_ids or []) + [oid for option in choice_ids or [] for oid in option]
        if not ids:
            return False
        answered = [self._id_rows[oid] for oid in ids]
        asked = [int(r) for p, i in zip(template.params, ix) if p.kind in _OBJECT_KINDS
                 for r in self._object_rows(p, np.array([i])) if r >= 0]
        mentions = self._ref_mentions
        question_refs = [i for p, i in zip(template.params, ix) if p.kind == "Ref"]
        if any(mentions[j, answered].any() for j in question_refs):
            return True
        reference_of = {row: j for j, (row, _, _) in enumerate(self.references)}
        return bool(asked) and any(mentions[reference_of[r], asked].any()
                                   for r in answered if r in reference_of)

    @property
    def _id_rows(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {oid: i for i, oid in enumerate(self.scene.ids)}
        return self._ids

    def _in_words(self, value, t: T.Type):
        """The answer (a one-row value) in the words of the question, or a rejection kind:
        an object without words, or two objects of a list answer with the same words,
        would leave a reader unable to tell which object is meant (synthesis.md)."""
        from .naming import in_words

        named = in_words(serialize(value, t, self.scene), self.names)
        if named.unnamed:
            return "Ambiguous:object without a name"
        if named.repeated:
            return "Ambiguous:repeated name"
        return named.answer

    def _choice_words(self, t: T.Type, values) -> dict[str, list[str] | None]:
        """Choice text -> the ids it names, in the order ``choices`` gave them; a choice
        that cannot be put in words (an object without a name, a repeated name) is left
        out, as is a repeat of an earlier choice's text."""
        out: dict[str, list[str] | None] = {}
        for v in values:
            worded = self._in_words(stack_elements(t, [v]), t)
            if not isinstance(worded, str):
                out.setdefault(worded.text, worded.ids)
        return out

    def item_rng(self, template: TaskTemplate, binding: int) -> np.random.Generator:
        """The item's own generator: its paraphrase first, then its choices."""
        return np.random.default_rng(derive_seed(self.options.seed, self.scene.id,
                                                 template.name, binding))

    def item_text(self, template: TaskTemplate, ix: list[int],
                  rng: np.random.Generator) -> tuple[dict, str, str]:
        """(rendered parameters, question, standalone program) of the binding whose
        domain indices are ``ix``; draws the paraphrase from ``rng``."""
        task = template.task
        rendered = {p.name: self._render(p, i) for p, i in zip(template.params, ix)}
        ask = task.asks[int(rng.integers(len(task.asks)))].text if len(task.asks) > 1 \
            else task.asks[0].text
        question = PLACEHOLDER.sub(lambda m: self._placeholder(m, template, ix, rendered), ask)
        lines = [f"question {format_string(question)}", *template.defs]
        lines += [f"let {p.name} = {rendered[p.name][2]}" for p in template.params]
        lines.append(f"answer {template.answer_text}")
        return rendered, question, "\n".join(lines) + "\n"

    def _item(self, template: TaskTemplate, domains, ix: list[int], binding: int,
              answer_value, choice_values) -> dict | str:
        """The record of one accepted binding, or a rejection kind (multiple choice)."""
        opts, scene = self.options, self.scene
        rng = self.item_rng(template, binding)
        rendered, question, program = self.item_text(template, ix, rng)
        answer = self._in_words(answer_value, template.answer_type)
        if isinstance(answer, str):
            return answer
        choices = letter = choice_ids = None
        if choice_values is not None:
            worded = self._choice_words(template.answer_type, choice_values)
            if answer.text not in worded:
                return "NotInChoices"
            others = [t for t in worded if t != answer.text]
            if not others:
                return "TooFewChoices"
            picked = rng.choice(len(others), size=min(MAX_CHOICES - 1, len(others)),
                                replace=False)
            options = [answer.text] + [others[int(i)] for i in sorted(picked)]
            options = [options[int(i)] for i in rng.permutation(len(options))]
            choices, letter = options, LETTERS[options.index(answer.text)]
            if answer.ids is not None:
                choice_ids = [worded[t] for t in options]
        frame_row = None
        if template.modality == "image":
            at = [p.name for p in template.params].index(template.image_param)
            frame_row = ix[at]
            frames = [int(scene.frames.index[frame_row])]
        elif template.modality == "video":
            frames = [int(i) for i in scene.frames.index]
        else:
            frames = []
        if self._answer_leans(template, ix, answer.ids, choice_ids):
            return "Ambiguous:answer names by a question object"
        answered = [self._id_rows[oid] for oid in answer.ids or []]
        if quality.part_and_whole(scene, self._named_rows(template, ix, rendered, None, None),
                                  answered) is not None:
            return "Degenerate:an object and its own part"
        named = self._named_rows(template, ix, rendered, answer.ids, choice_ids)
        if quality.unclear(scene, named, template.modality, frame_row,
                           quality.about_visibility(template.answer_text)):
            return "NotClearlyVisible"
        return {
            "id": f"{scene.id}/{template.name}/{binding}",
            "scene": scene.id,
            "scene_file": self.scene_file,
            "task": template.name,
            "modality": template.modality,
            "frames": frames,
            "question": question,
            "answer": answer.text,
            "answer_ids": answer.ids,
            "answer_type": answer.type,
            "unit": answer.unit,
            "choices": choices,
            "choice_ids": choice_ids,
            "answer_choice": letter,
            "program": program,
            "params": {p.name: rendered[p.name][1] for p in template.params},
            "producer": "template",
            "seed": opts.seed,
        }


class _RowList(list):
    """Row values of a batch evaluated row by row (None for rejected rows).

    A plain list of elements, which is what ``values.element`` reads for a List."""
