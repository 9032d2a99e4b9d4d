"""Per-scene tables of a task clause's sub-expressions that read few parameters.

A task's `where` is evaluated on tens of thousands of bindings per scene (every
(frame, category, category, reference) of an image task), and most of its conjuncts read
only one or two of the parameters: ``nameable(a)`` depends on ``a`` alone,
``clearly_visible(the(a), f)`` on ``(a, f)``. The values of such a sub-expression are a
table over the product of its parameters' domains (60 categories; 60 x 40 pairs), far
smaller than the bindings. ``ClauseTables`` keeps one such table per sub-expression for
one (scene, task). A batch whose rows' entries are all known reads them; one with a few
missing computes those first, in one evaluation of their own; otherwise (the first
batches, whose entries are nearly all new) the rows are evaluated as before and their
entries kept. Once a table has met as many rows as it has entries left, the rest are
computed at once.

What a row gets is what evaluating the sub-expression on that row gives, exactly:

- the value, and the rejection (kind, message, span) it records, are those of the
  entry's own evaluation, which saw the same parameter values. A batch with a row already
  rejected when the sub-expression starts (an earlier argument of the same comparison
  rejected it: its branches are skipped) is evaluated as before;
- the step budget: the original charges each row of the sub-expression at most
  ``charge_bound`` steps (one per node, a mask per `find`, the kernels' own charges as
  ``kernels.KERNEL_CHARGES`` declares them), so a read charges that bound for each of
  its rows: a batch charges at least what it did without tables. A batch that runs out
  with the tables is evaluated again without them (``tasks.engine``), so it runs out of
  steps exactly when it did before;
- a sub-expression whose entries cannot be computed alone (their evaluation aborts or
  runs out of its own limits) or come back in another dtype is evaluated as before from
  then on.

Tabled are the largest sub-expressions outside every lambda (a lambda's own parameter
has no table key) whose steps per row are bounded (a lambda over a set's members is: at
most N members), at most ``MAX_BOUND``, with at most ``MAX_ENTRIES`` entries, of a type
with one fixed-size value per row (an Objects set is an N-wide mask: ``MAX_CELLS``). The
time limit is not modelled: reading a table takes less time than the evaluation it
replaces.
"""

from __future__ import annotations

import math

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from spatial_dsl.lang.typed import TExpr
from ..scenes.model import Scene
from .eval import DEFAULT_LIMITS, Env, Evaluator, Limits
from .kernels import (
    CHARGES_NOTHING, CHARGES_PER_FRAME, CHARGES_PER_OBJECT, KERNEL_CHARGES,
)
from .kernels.call import find_codes
from .values import Abort, LimitExceeded, Rows, broadcast_rows

__all__ = ["MAX_ENTRIES", "ClauseTables", "charge_bound"]

MAX_ENTRIES = 1 << 13  # entries of one table at most: well under the bindings tried (32,768)
MAX_CELLS = 1 << 21  # entries x mask width of a table of Objects sets at most (2 MB)
MAX_BOUND = DEFAULT_LIMITS.steps // 64  # steps per row of a tabled expression at most

# Types whose value is one fixed-size numpy row per binding (an Objects mask is N wide and
# a List a Python list: neither is tabled).
_STORABLE = (T.BOOL, T.INT, T.NUMBER, T.STR, T.OBJECT, T.FRAME, T.VEC3) + T.QUANTITIES
_LEAVES = (ast.Name, ast.Number, ast.Quantity, ast.String, ast.Bool)
_BUILTIN_NAMES = frozenset({"objects", "frames", "room"})


def charge_bound(t: TExpr, n_objects: int, n_frames: int, memo: dict | None = None) -> int | None:
    """The most steps ``Evaluator`` charges per row evaluating ``t``, or None when no bound
    is known (a lambda over a list, a kernel whose charge follows a list's length).
    ``memo``: bounds already worked out on this scene, by node id."""
    if memo is None:
        memo = {}
    if t.nid not in memo:
        memo[t.nid] = _bound(t, n_objects, n_frames, memo)
    return memo[t.nid]


def _bound(t: TExpr, n_objects: int, n_frames: int, memo: dict) -> int | None:
    if isinstance(t.node, ast.Lambda):
        return None
    total = 1  # eval_typed: one step per row of the node
    if t.body is not None:  # a `def`: its body runs once on the same rows
        body = charge_bound(t.body, n_objects, n_frames, memo)
        if body is None:
            return None
        total += body
    elif t.kernel is not None:
        charges = KERNEL_CHARGES.get(t.kernel, CHARGES_NOTHING)
        per_row = {CHARGES_NOTHING: 0, CHARGES_PER_OBJECT: n_objects,
                   CHARGES_PER_FRAME: n_frames}.get(charges)
        if per_row is None:
            return None
        total += per_row
    if t.higher_order and not _over_a_set(t):
        return None
    for kid in t.kids:
        if isinstance(kid.node, ast.Lambda):
            # evaluated over the members of the call's set (at most N per row), and once
            # more for a row whose kernel asks for other members (runtime/segments.py)
            body = charge_bound(kid.kids[0], n_objects, n_frames, memo)
            if body is None:
                return None
            total += 2 * n_objects * body
            continue
        bound = charge_bound(kid, n_objects, n_frames, memo)
        if bound is None:
            return None
        # a Str made a set (`find`) or a List made a set: a (B, N) mask is charged
        total += bound + (n_objects if kid.coercion in ("find", "set") else 0)
    return total


def _over_a_set(t: TExpr) -> bool:
    """A higher-order call whose lambda runs over the members of an Objects set (its first
    argument), not over the items of a list (of any length)."""
    first = t.kids[0]
    return (len(t.kids) == 2 and isinstance(t.kids[1].node, ast.Lambda)
            and (first.type == T.OBJECTS or first.coercion in ("find", "set")))


def _names_read(t: TExpr, memo: dict) -> frozenset[str]:
    """The names ``t`` reads from its environment (a `def` body reads only its own
    parameters, given by the call's arguments; a lambda's body reads its parameter);
    ``memo``: by node id."""
    found = memo.get(t.nid)
    if found is None:
        if isinstance(t.node, ast.Lambda):
            found = _names_read(t.kids[0], memo) - {t.node.param}
        else:
            names = {t.node.id} if isinstance(t.node, ast.Name) else set()
            for kid in t.kids:
                names |= _names_read(kid, memo)
            found = frozenset(names)
        memo[t.nid] = found
    return found


class _Table:
    """One sub-expression's table: its parameters (and the strides of their codes in an
    entry's key), its step bound, and the entries known so far: value and rejection."""

    def __init__(self, t: TExpr, params: tuple[str, ...], sizes: tuple[int, ...], bound: int):
        self.t = t
        self.params = params
        self.sizes = sizes
        self.strides = [math.prod(sizes[i + 1:]) for i in range(len(sizes))]
        self.bound = bound
        self.entries = math.prod(sizes)
        self.known = np.zeros(self.entries, dtype=bool)
        self.values: np.ndarray | None = None
        self.rejection = np.full(self.entries, -1, dtype=np.int32)  # -1: none
        self.rejections: list[tuple] = []  # (kind, message, span) by rejection index
        self.broken = False  # its entries cannot be kept: evaluate it as before
        self.rows_read = 0  # rows of batches that met it so far

    def keys(self, codes: dict) -> np.ndarray:
        key = None
        for name, stride in zip(self.params, self.strides):
            part = codes[name] if stride == 1 else codes[name] * stride
            key = part if key is None else key + part
        return key

    def decode(self, keys: np.ndarray) -> dict[str, np.ndarray]:
        return {name: (keys // stride) % size
                for name, stride, size in zip(self.params, self.strides, self.sizes)}

    def keep(self, keys: np.ndarray, value, rows: Rows, mark: int, fresh: np.ndarray) -> None:
        """Store the value and the rejections (recorded in ``rows`` after ``mark``) of the
        rows ``fresh`` of an evaluation whose rows have these keys."""
        value = np.asarray(broadcast_rows(value, len(keys)))
        if value.shape[:1] != keys.shape:
            self.broken = True
            return
        if self.values is None:
            self.values = np.zeros((self.entries,) + value.shape[1:], dtype=value.dtype)
        elif self.values.dtype != value.dtype or self.values.shape[1:] != value.shape[1:]:
            self.broken = True  # the same expression gave another dtype: no table
            return
        self.values[keys[fresh]] = value[fresh]
        self.known[keys[fresh]] = True
        for mask, kind, message, span in rows.recorded_since(mark):
            hit = np.flatnonzero(mask & fresh)
            if not callable(message) and len(hit):
                self.rejection[keys[hit]] = len(self.rejections)
                self.rejections.append((kind, message, span))
                continue
            for r in hit.tolist():
                self.rejection[keys[r]] = len(self.rejections)
                self.rejections.append((kind, message(r), span))

    def read(self, keys: np.ndarray, rows: Rows, positions: np.ndarray | None = None):
        """The known entries of ``keys``; their rejections are recorded in ``rows``, at
        ``positions`` (the rows of the batch the keys are of; default: all in order)."""
        rejection = self.rejection[keys]
        rejected = rejection >= 0
        if rejected.any():
            for index in _distinct(rejection[rejected], len(self.rejections)).tolist():
                mask = rejection == index
                if positions is not None:
                    mask = _scatter(positions[mask], rows.size)
                kind, message, span = self.rejections[index]
                rows.record(mask, kind, message, span)
        return self.values[keys]


def _distinct(values: np.ndarray, bound: int) -> np.ndarray:
    """The distinct values (in [0, bound)) of an int array, ascending."""
    seen = np.zeros(bound, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen)


def _scatter(positions: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    return mask


class ClauseTables:
    """The tables of one task clause on one scene (see the module doc).

    ``domains`` maps each task parameter to its domain's run-time values; a batch gives
    each row's domain index per parameter (``Env.codes``). Missing entries are computed
    by an evaluator of their own (its own limits, no tables)."""

    def __init__(self, checked: Checked, root: TExpr, scene: Scene, domains: dict[str, object]):
        self.checked = checked
        self.scene = scene
        self.domains = domains
        self.sizes = {name: len(values) for name, values in domains.items()}
        self.tables: dict[int, _Table] = {}
        self._found: dict[str, tuple] = {}  # Str parameter -> its domain's find codes
        self.bounds: dict[int, int | None] = {}  # node id -> charge_bound on this scene
        self._names: dict[int, frozenset] = {}  # node id -> the names it reads
        self._select(root, scene.n, scene.frames.count)

    def _select(self, t: TExpr, n_objects: int, n_frames: int, within: int = 0) -> None:
        """Table the largest sub-expressions that qualify, outside lambdas, and inside one
        those with far fewer entries (``on_top(a)`` in a table of (a, b)): they are
        complete long before it is, and then its own evaluations read them."""
        table = self._qualifies(t, n_objects, n_frames)
        if table is not None and (not within or table.entries * 8 <= within):
            self.tables[t.nid] = table
            within = table.entries
        for kid in t.kids:
            if not isinstance(kid.node, ast.Lambda):
                self._select(kid, n_objects, n_frames, within)

    def _qualifies(self, t: TExpr, n_objects: int, n_frames: int) -> _Table | None:
        if isinstance(t.node, _LEAVES) or t.type not in _STORABLE + (T.OBJECTS,):
            return None
        names = _names_read(t, self._names)
        params = tuple(sorted(names & self.sizes.keys()))
        if not params or names - set(params) - _BUILTIN_NAMES:
            return None
        sizes = tuple(self.sizes[p] for p in params)
        width = n_objects if t.type == T.OBJECTS else 1  # an Objects value is an N-wide mask
        if math.prod(sizes) > MAX_ENTRIES or math.prod(sizes) * width > MAX_CELLS:
            return None
        bound = charge_bound(t, n_objects, n_frames, self.bounds)
        if bound is None or bound > MAX_BOUND:  # its reads would use up a batch's budget
            return None
        return _Table(t, params, sizes, bound)

    def find_codes(self, name: str, codes: np.ndarray):
        """(the scene's find table, each row's name in it) of a Str parameter's rows, by
        its domain index: the domain's names are looked up once per task."""
        if name not in self._found:
            self._found[name] = find_codes(self.scene, self.domains[name])
        table, by_domain = self._found[name]
        return table, by_domain[codes]

    def evaluate(self, evaluator, t: TExpr, env):
        """The value of the tabled ``t`` on the rows of ``env`` (its rejections recorded in
        ``env.rows``): read from the table when every row's entry is known or few are
        missing (those computed first), else evaluated as before and kept."""
        table = self.tables[t.nid]
        if table.broken:
            return evaluator.eval_untabled(t, env)
        keys = table.keys(env.codes)
        started_rejected = env.rows.rejected
        # a row rejected before `t` starts skips its branches: evaluate such a batch
        if not started_rejected.any() and self._known(table, keys):
            evaluator.budget.charge(table.bound * env.size, t.span)
            return table.read(keys, env.rows)
        fresh = ~started_rejected
        mark = env.rows.mark()
        value = evaluator.eval_untabled(t, env)
        if not table.broken:
            table.keep(keys, value, env.rows, mark, fresh)
        return value

    def read_rows(self, evaluator, t: TExpr, env, rows: np.ndarray):
        """The value of the tabled ``t`` on the (unrejected) ``rows`` of ``env``, as
        ``evaluate`` on ``env.restrict(rows)`` gives it, with no restricted env made; None
        when an entry is missing (the caller then evaluates the restricted env)."""
        table = self.tables[t.nid]
        if table.broken:
            return None
        keys = table.keys({name: env.codes[name][rows] for name in table.params})
        if not self._known(table, keys):
            return None
        evaluator.budget.charge(table.bound * len(rows), t.span)
        return table.read(keys, env.rows, rows)

    def _known(self, table: _Table, keys: np.ndarray) -> bool:
        """Whether every entry of ``keys`` is known, after computing the missing ones when
        that pays (``_fill``)."""
        table.rows_read += len(keys)
        unknown = ~table.known[keys]
        if unknown.any():
            self._fill(table, _distinct(keys[unknown], table.entries), len(keys))
            return not table.broken and bool(table.known[keys].all())
        return True

    def _fill(self, table: _Table, missing: np.ndarray, rows: int) -> None:
        """Compute the entries ``missing`` (met by a batch of ``rows`` rows) in one
        evaluation of their own, when that costs less than evaluating the rows: when
        they are few, or when as many rows as the entries left have been met already
        (then every entry left, so the next batches only read). Otherwise the rows are
        evaluated as before and their entries kept. An entry that cannot be computed
        alone breaks the table."""
        left = table.entries - int(table.known.sum())
        if left <= table.rows_read:
            missing = np.flatnonzero(~table.known)
        elif len(missing) > rows // 4:
            return
        size = len(missing)
        codes = table.decode(missing)
        names = {name: _take(self.domains[name], codes[name]) for name in table.params}
        limits = Limits(steps=DEFAULT_LIMITS.steps * size, seconds=DEFAULT_LIMITS.seconds * size)
        rows = Rows(size)
        try:  # the tables inside this one are read (their parameters are among its own)
            value = Evaluator(self.checked, self.scene, limits, tables=self).eval_untabled(
                table.t, Env(names, size, rows, codes=codes))
        except (Abort, LimitExceeded):
            table.broken = True
            return
        table.keep(missing, value, rows, 0, np.ones(size, dtype=bool))


def _take(values, codes: np.ndarray):
    if isinstance(values, np.ndarray):
        return values[codes]
    return [values[int(c)] for c in codes]
