"""The search driver: ``find_references`` (candidates, proofs in rounds, chained
rounds), the proof of candidates on the scene and its jittered copies, and the ``Ref``
domains (``binding_domain``, ``references_for_binding``) built from a report."""

from __future__ import annotations

import dataclasses
import time
import zlib
from collections import Counter
from functools import lru_cache

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang import build as b
from spatial_dsl.lang.check.checker import Checked, check
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.typed import TExpr
from ..runtime.eval import Env, Evaluator
from ..runtime.values import Abort, LimitExceeded, Rows, stack_elements
from ..runtime.worlds import WorldStack, stack_worlds
from ..runtime.jitter import DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes
from ..scenes.model import Scene, normalise_name
from .candidates import _Search
from .keys import _checked
from .landmarks import _chain_landmarks, _unique_names
from .model import (
    _SEARCH_LIMITS, DEFAULT_CHAIN, DEFAULT_PER_KIND, STRUCTURAL, ObjectReferences, Reference,
    ReferenceReport, _Candidate, _order,
)

PROOF_BATCH = 400  # candidate expressions checked as one program


def jitter_for(scene: Scene, seed: int = 0, trials: int = DEFAULT_TRIALS,
               radius: float = DEFAULT_RADIUS) -> list[Scene]:
    """The jittered copies the search proves references on (deterministic per scene)."""
    derived = zlib.crc32(f"{seed}\x1f{scene.id}\x1frefer".encode())
    return jittered_scenes(scene, trials, radius, derived)


def find_references(scene: Scene, frames: bool = False, *, jittered: list[Scene] | None = None,
                    seed: int = 0, kinds: tuple[str, ...] | None = None,
                    per_kind: int | None = DEFAULT_PER_KIND,
                    chain: int = DEFAULT_CHAIN) -> ReferenceReport:
    """Proved references of every object of a multi-instance category, simplest first.

    ``frames`` adds view references (kind 5) when the scene has frames.
    ``jittered`` reuses jittered copies of the scene (default: ``jitter_for(scene, seed)``).
    ``kinds`` restricts the search (default: all of ``KINDS``, minus ``view`` unless
    ``frames``). ``per_kind`` bounds the references proved per object and kind (and
    frame, for view references): the clearest candidates first, a candidate that fails
    its proof replaced by the next one; ``None`` proves every candidate.
    ``chain`` is the number of chained rounds: objects still unreferenced get distance
    and relation references whose landmark is an object referenced in the round before
    ("the drawer below the tallest cabinet"); 0 turns them off.
    """
    started = time.perf_counter()
    search = _Search(scene, frames, kinds)
    rejected = search.rejected
    jitter = _JitterOnce(scene, seed, jittered)
    proved = _prove_in_rounds(scene, search.candidates(), jitter, rejected, per_kind)
    fresh = set(proved)
    for _ in range(chain):
        landmarks = _chain_landmarks(scene, proved, fresh)
        waiting = {i for i in search.targets if i not in proved}
        if not landmarks or not waiting or not search.landmark_kinds_wanted:
            break
        chained = _Search(scene, False, tuple(search.landmark_kinds_wanted), landmarks=landmarks,
                          categories={scene.categories[i] for i in waiting})
        chained.rejected = rejected
        found = [c for c in chained.candidates() if c.target in waiting]
        more = _prove_in_rounds(scene, found, jitter, rejected, per_kind)
        proved.update(more)
        fresh = set(more)
    objects = [ObjectReferences(scene.ids[i], scene.categories[i], scene.labels[i],
                                sorted(proved.get(i, ()), key=_order)) for i in search.targets]
    return ReferenceReport(scene.id, search.frames, objects, rejected,
                           time.perf_counter() - started)


class _JitterOnce:
    """The jittered copies, built on first use (a scene without candidates needs none),
    and the worlds every proof runs on: the scene and its copies as one stack."""

    def __init__(self, scene: Scene, seed: int, jittered: list[Scene] | None):
        self.scene, self.seed, self.copies = scene, seed, jittered
        self._worlds: WorldStack | None | bool = False  # False: not stacked yet

    def get(self) -> list[Scene]:
        if self.copies is None:
            self.copies = jitter_for(self.scene, self.seed)
        return self.copies

    def worlds(self) -> WorldStack | None:
        """World 0 the scene, world w its copy w - 1 (None when they do not stack); one
        stack for every round, so a kernel's memo of it serves them all."""
        if self._worlds is False:
            self._worlds = stack_worlds([self.scene, *self.get()])
        return self._worlds


def _prove_in_rounds(scene: Scene, candidates: list[_Candidate], jitter: _JitterOnce,
                     rejected: Counter, per_kind: int | None) -> dict[int, list[Reference]]:
    """Object index -> its proved references. Rounds: the clearest ``per_kind``
    candidates of every (object, kind[, frame]) first, the next ones only where a proof
    failed."""
    groups: dict[tuple[int, str, int | None], list[_Candidate]] = {}
    for cand in sorted(candidates, key=lambda c: _order(c.ref)):
        groups.setdefault((cand.target, cand.ref.kind, cand.ref.frame), []).append(cand)
    proved: dict[tuple[int, str, int | None], list[Reference]] = {key: [] for key in groups}
    taken = dict.fromkeys(groups, 0)
    while True:
        batch = []
        for key, group in groups.items():
            want = len(group) if per_kind is None else per_kind - len(proved[key])
            if want > 0 and taken[key] < len(group):
                batch += group[taken[key]:taken[key] + want]
                taken[key] += want
        if not batch:
            break
        for cand in _prove(scene, batch, jitter, rejected):
            proved[cand.target, cand.ref.kind, cand.ref.frame].append(cand.ref)
    per_object: dict[int, list[Reference]] = {}
    for (i, _, _), refs in proved.items():
        if refs:
            per_object.setdefault(i, []).extend(refs)
    return per_object


def references_for_binding(scene: Scene, frames: bool = False, *, frame: int | None = None,
                           best_only: bool = True, include_unique: bool = False,
                           jittered: list[Scene] | None = None, seed: int = 0,
                           kinds: tuple[str, ...] | None = None,
                           ) -> list[tuple[str, ast.Expr, str]]:
    """A ``Ref`` parameter domain: ``(object id, expression, text)`` triples, the
    expression an ``ast.Expr`` of type Object.

    ``{a}`` renders ``text`` ("the chair nearest the window"); the item's program
    gets ``let a = <expression>``, so it stays runnable with
    ``spdsl run``. See ``binding_domain`` for the options; this runs the search
    (with view references when ``frames`` or ``frame`` is given) and calls it.
    """
    report = find_references(scene, frames or frame is not None, jittered=jittered, seed=seed,
                             kinds=kinds, per_kind=1 if best_only else DEFAULT_PER_KIND)
    return binding_domain(report, scene, frame=frame, best_only=best_only,
                          include_unique=include_unique)


def binding_domain(report: ReferenceReport, scene: Scene, *, frame: int | None = None,
                   best_only: bool = True, include_unique: bool = False,
                   include_structural: bool = True) -> list[tuple[str, ast.Expr, str]]:
    """``(object id, expression, text)`` triples from a search report, by object id (the
    expression an ``ast.Expr``; ``printer.expr`` writes it).

    - ``best_only`` (default): each referenced object once, with its simplest
      reference; otherwise every reference of the report, simplest first per object.
    - View references ("the leftmost stool in this view") only make sense in an
      image item that shows their frame: they are left out unless ``frame`` (a frame
      position, as in ``frame(i)``) is given, and then only that frame's are kept.
      One search with ``frames=True`` serves every frame.
    - ``include_unique`` also offers each object of a single-instance category as
      ``the("Fridge")`` / "the fridge" (when ``find`` selects exactly it).
    - ``include_structural=False`` leaves out floors, walls, ceilings and rooms
      (``STRUCTURAL``), which no template question is about.
    """
    out: list[tuple[str, ast.Expr, str]] = []
    if include_unique:
        for i, (name, text) in _unique_names(scene).items():
            if scene.categories[i] == name:
                out.append((scene.ids[i], b.call("the", b.string(name)), text))
    for entry in report.objects:
        refs = [r for r in entry.references if r.kind != "view" or
                (frame is not None and r.frame == frame)]
        for r in refs[:1] if best_only else refs:
            out.append((r.object_id, r.expr, r.text))
    order = {oid: i for i, oid in enumerate(scene.ids)}
    if not include_structural:
        out = [t for t in out if normalise_name(scene.categories[order[t[0]]]) not in STRUCTURAL]
    return sorted(out, key=lambda t: order[t[0]])  # stable: simplest first per object


def _prove(scene: Scene, candidates: list[_Candidate], jitter: _JitterOnce,
           rejected: Counter) -> list[_Candidate]:
    """Candidates whose expression answers exactly their object on the scene and on
    every jittered copy, each evaluated by the runtime on its own rows, so one rejection
    spoils nothing else: on the stack of the scene and its copies, in batches of
    candidates that differ only in their strings (``_select_worlds``), or (when the
    worlds do not stack, an evaluation runs out of its limits or a template does not
    check) as programs of a `let` each (at most ``PROOF_BATCH`` per program: the checker
    allows 500 statements) on the scene, then on copy after copy."""
    proved = []
    worlds = jitter.worlds()
    for start in range(0, len(candidates), PROOF_BATCH):
        batch = candidates[start:start + PROOF_BATCH]
        alive = np.ones(len(batch), dtype=bool)
        if worlds is None or not _select_worlds(worlds, batch, alive, rejected):
            lets = [b.let(f"r{k}", c.ref.expr) for k, c in enumerate(batch)]
            checked = _checked(b.program(*lets, b.answer(0)), "<refer candidates>")
            nodes = [stmt.value for stmt in checked.program.statements[:len(batch)]]
            _select(checked, scene, nodes, batch, alive, rejected, "selects another object")
            for world in jitter.get():
                _select(checked, world, nodes, batch, alive, rejected, "unstable under jitter")
        proved += [c for c, ok in zip(batch, alive) if ok]
    return proved


def _select_worlds(stack: WorldStack, candidates, alive, rejected) -> bool:
    """``_select`` on the scene (world 0) and every jittered copy at once: the candidates
    whose expressions differ only in their strings are one evaluation over the stack of
    worlds (runtime/worlds.py), a row per candidate and world with the candidate's strings
    bound to the template's names (``_template_of``), and each fails at its first world
    that rejects it or selects another object, as the scene and then copy after copy with
    ``_select`` would (same reasons, counted in the same order). False (nothing changed)
    if an evaluation runs out of its limits or a template does not check: then the
    candidates are programs of their own and the worlds go one by one."""
    groups: dict[ast.Expr, list[int]] = {}
    strings = []
    for k, cand in enumerate(candidates):
        template, found = _template_of(cand.ref.expr)
        groups.setdefault(template, []).append(k)
        strings.append(found)
    failures = []  # (world, candidate, reason) of the first world each candidate fails on
    for template, members in groups.items():
        compiled = _checked_template(template, len(strings[members[0]]))
        if compiled is None:  # a string where only a literal may stand: no template
            return False
        try:
            value, rows = _evaluate_template(stack, compiled, [strings[k] for k in members])
        except LimitExceeded:
            return False
        for j, k in enumerate(members):
            failure = _first_failure(stack, value, rows, j, candidates[k])
            if failure is not None:
                failures.append((failure[0], k, failure[1]))
    for _, k, reason in sorted(failures):  # counted in the order world after world would
        alive[k] = False
        rejected[reason] += 1
    return True


def _evaluate_template(stack: WorldStack, compiled: tuple[Checked, TExpr],
                       strings: list[list[str]]):
    """A checked template's value and rows over every (candidate, world) row,
    candidate-major: ``strings[j]`` the strings of candidate j (None for a value: every
    row aborted)."""
    checked, typed = compiled
    worlds = stack.worlds
    size = len(strings) * worlds
    names = {f"q{i}": stack_elements(T.STR, [s[i] for s in strings for _ in range(worlds)])
             for i in range(len(strings[0]))}
    env = Env(names, size, Rows(size), np.tile(np.arange(worlds), len(strings)))
    evaluator = Evaluator(checked, stack.scene, _SEARCH_LIMITS, per_world=stack.n)
    try:
        with np.errstate(all="ignore"):
            value = evaluator.eval_typed(typed, env)
    except Abort:
        return None, env.rows
    return np.broadcast_to(np.asarray(value).reshape(-1), (size,)), env.rows


def _first_failure(stack: WorldStack, value, rows: Rows, j: int,
                   cand: _Candidate) -> tuple[int, str] | None:
    """(world, reason) of the first world where candidate j of a template's evaluation is
    rejected or selects another object, or None."""
    form = cand.ref.form
    for w in range(stack.worlds):
        row = j * stack.worlds + w
        reason = "selects another object" if w == 0 else "unstable under jitter"
        if rows.rejected[row] or value is None:
            found = rows.rejection_of(row)
            kind = found.kind if found is not None else "Rejected"
            return w, f"{reason}:{kind}:{form}"
        if int(value[row]) % stack.n != cand.target:
            return w, f"{reason}:{form}"
    return None


def _template_of(expr: ast.Expr) -> tuple[ast.Expr, list[str]]:
    """The expression with its string literals replaced by the names ``q0``, ``q1``, ...
    in reading order, and the strings: ``the(filter(find("Mug"), o => on(o,
    the("Table"))))`` is ``the(filter(find(q0), o => on(o, the(q1))))`` with ["Mug",
    "Table"]. A name and a literal of type Str are checked and evaluated alike."""
    strings: list[str] = []
    return _abstracted(expr, strings), strings


def _abstracted(node, strings: list[str]):
    """``node`` (an AST node, a tuple of them or a plain field value) with its strings
    replaced, appended to ``strings``; unchanged parts are the same objects."""
    if isinstance(node, ast.String):
        strings.append(node.value)
        return b.name(f"q{len(strings) - 1}")
    if isinstance(node, tuple):
        items = tuple(_abstracted(x, strings) for x in node)
        return node if all(x is y for x, y in zip(items, node)) else items
    if not isinstance(node, ast.Node):
        return node
    changed = {}
    for f in dataclasses.fields(node):
        if f.compare:  # spans and depths are no part of the expression
            value = getattr(node, f.name)
            new = _abstracted(value, strings)
            if new is not value:
                changed[f.name] = new
    return dataclasses.replace(node, **changed) if changed else node


@lru_cache(maxsize=1024)
def _checked_template(template: ast.Expr, count: int) -> tuple[Checked, TExpr] | None:
    """The template checked as ``let q0 = ""`` ... ``let r = template``, and the typed
    value of `r` (None if it does not check): once per template (ASTs are compared and
    hashed by value), for every scene."""
    lets = [b.let(f"q{i}", b.string("")) for i in range(count)]
    checked = check(b.program(*lets, b.let("r", template), b.answer(0)),
                    Source("", "<refer candidates>"))
    return (checked, checked.typed.statements[count][1]) if checked.ok else None


def _select(checked: Checked, world: Scene, nodes, candidates, alive, rejected,
            reason: str) -> None:
    evaluator = Evaluator(checked, world, _SEARCH_LIMITS)
    for k in np.flatnonzero(alive):
        value, rejection = evaluator.evaluate(nodes[k], {})
        form = candidates[k].ref.form
        if rejection is not None:
            alive[k] = False
            rejected[f"{reason}:{rejection.kind}:{form}"] += 1
        elif int(np.asarray(value).reshape(-1)[0]) != candidates[k].target:
            alive[k] = False
            rejected[f"{reason}:{form}"] += 1
