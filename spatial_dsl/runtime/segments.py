"""Higher-order calls inside a batch, with their lambda evaluated once for all rows.

A call such as ``filter(objects, x => near(x, o))`` inside a batch of B rows (B task
bindings, B jittered worlds, or the members a lambda is evaluated over) has, per row,
its own set and its own ``o``. The lambda's body is the same expression everywhere, so
it is evaluated **once over every (row, member) pair** of the batch (a *segment* per
row, rows in order, members in set order), and then the builtin's kernel runs per row on
its segment's precomputed values. The kernel code, and so the answers, the rejections
and which of them a row reports first, are exactly those of evaluating the rows one at a
time (``Evaluator._per_row``); only the many small evaluations of the body become one.

Where the precomputed segment is not what the kernel asks for (a kernel that evaluates
its lambda on something other than the members of its first argument), the segment
falls back to evaluating the lambda for that row alone, so the shortcut can only be
slower, never different.
"""

from __future__ import annotations

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang.typed import TExpr
from .kernels import KERNELS, Call, in_range
from .values import Abort, Rows, filler, stack_elements, take_rows

__all__ = ["segmented_call"]


class _RowsView:
    """The rows ``start:stop`` of a lambda's pair batch, as the ``Rows`` a kernel gets back
    from its lambda (it reads ``rejected`` and ``first()``)."""

    def __init__(self, rows: Rows, start: int, stop: int):
        self._rows, self._start = rows, start
        self.size = stop - start
        self.rejected = rows.rejected[start:stop]

    def any(self) -> bool:
        return bool(self.rejected.any())

    def rejection_of(self, row: int):
        return self._rows.rejection_of(self._start + row)

    def first(self):
        hit = np.flatnonzero(self.rejected)
        return self.rejection_of(int(hit[0])) if len(hit) else None


class _Segment:
    """The lambda argument of one row: its values over the row's members, precomputed."""

    def __init__(self, values, rows: Rows, start: int, stop: int, domain, fallback):
        self._values, self._rows = values, rows
        self._start, self._stop = start, stop
        self._domain = domain  # the members (int array) or the list items of this row
        self._fallback = fallback  # () -> the row's own LambdaFn

    def over_members(self, members: np.ndarray):
        if isinstance(self._domain, np.ndarray) and np.array_equal(members, self._domain):
            return self._answer()
        return self._fallback().over_members(members)

    def over_list(self, elements: list):
        if isinstance(self._domain, list) and elements is self._domain:
            return self._answer()
        return self._fallback().over_list(elements)

    def _answer(self):
        return (self._values[self._start:self._stop],
                _RowsView(self._rows, self._start, self._stop))


def _domains(domain, size: int, n_objects: int):
    """(owner row of each pair, segment bounds (size + 1,), each row's own domain, the
    pairs' elements) of a set (its members) or a list (its items) of 1 or size rows."""
    if isinstance(domain, np.ndarray):  # an Objects mask (1 or size rows, N)
        masks = np.broadcast_to(domain, (size, n_objects))
        owner, member = np.nonzero(masks)
        counts = np.bincount(owner, minlength=size)
        bounds = np.concatenate([[0], np.cumsum(counts)])
        per_row = [member[bounds[r]:bounds[r + 1]] for r in range(size)]
        return owner, bounds, per_row, member.astype(np.int64)
    lists = domain if len(domain) == size else domain * size  # a List (1 or size rows)
    counts = np.array([len(items) for items in lists], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    owner = np.repeat(np.arange(size), counts)
    return owner, bounds, list(lists), [x for items in lists for x in items]


def segmented_call(evaluator, t: TExpr, env):
    """The value of a higher-order call ``t`` over all rows of ``env`` (see the module
    doc), or None when its shape is not the one handled here (the caller then goes row by
    row)."""
    lambdas = [i for i, a in enumerate(t.kids) if isinstance(a.node, ast.Lambda)]
    if lambdas != [1]:
        return None
    size, n = env.size, evaluator.scene.n
    try:
        args = [None if isinstance(a.node, ast.Lambda) else evaluator._argument(a, env)
                for a in t.kids]
    except Abort:  # every row is rejected already (as each row alone would be)
        return filler(t.type, size, n)
    owner, bounds, per_row, elements = _domains(args[0], size, n)
    arg = t.kids[1]
    param_type = arg.type.param
    pairs = len(owner)
    values, pair_rows = None, Rows(pairs)
    if pairs:
        names = {k: take_rows(v, owner, size) for k, v in env.names.items()}
        world = None if env.world is None else env.world[owner]
        # the evaluator's LambdaFn for the pairs (an env of the caller's class: no import
        # of the evaluator here, which imports this module)
        fn = evaluator._argument(arg, type(env)(names, pairs, Rows(pairs), world))
        given = elements if isinstance(elements, np.ndarray) else stack_elements(
            param_type, elements)
        values, pair_rows = fn(given)
    if t.kernel[0] == "filter":
        return _filter(env.rows, size, n, owner, elements, values, pair_rows)
    kernel = KERNELS[t.kernel]
    result_type = t.type
    looked_for = evaluator._call(t, env).looked_for
    out = []
    for r in range(size):
        one = np.array([r])

        def own_lambda(one=one):
            return evaluator._argument(arg, env.restrict(one))

        segment = _Segment(values, pair_rows, int(bounds[r]), int(bounds[r + 1]), per_row[r],
                           own_lambda)
        row_args = [segment if a is None else take_rows(a, one, size) for a in args]
        rows = Rows(1)
        call = Call(evaluator.scene, rows, t.span, 1, evaluator.budget, result_type,
                    looked_for, None if env.world is None else env.world[one],
                    evaluator.per_world)
        try:
            value = in_range(call, kernel(call, *row_args))
        except Abort:
            value = filler(result_type, 1, n)
        env.rows.merge(rows, one)
        out.append(value)
    if isinstance(out[0], list):
        return [v[0] for v in out]
    return np.concatenate([np.asarray(v) for v in out], axis=0)


def _filter(rows: Rows, size: int, n: int, owner, members, keep, pair_rows):
    """``filter`` for all rows at once: what ``kernels.k_filter`` does per row (keep the
    members whose predicate holds; a row reports its first rejected member)."""
    out = np.zeros((size, n), dtype=bool)
    if len(owner) == 0:
        return out
    keep = np.asarray(keep, dtype=bool)
    out[owner[keep], members[keep]] = True
    rejected = np.flatnonzero(pair_rows.rejected)
    if len(rejected):
        firsts = rejected[np.unique(owner[rejected], return_index=True)[1]]
        for pair in firsts:
            first = pair_rows.rejection_of(int(pair))
            rows.record(np.arange(size) == owner[pair], first.kind, first.message, first.span)
    return out
