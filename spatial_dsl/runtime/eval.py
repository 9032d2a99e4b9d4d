"""The vectorized evaluator.

A lambda over a set is evaluated once over all members (a batch of rows);
nested higher-order calls inside a batch evaluate their lambda once over the
members of every row (``runtime.segments``), then their kernel per row. `if`,
`and` and `or` evaluate a branch only on the rows that take it, so a rejection
in a branch not taken never counts.

The evaluator walks the checker's typed program (``lang/typed.py``): each node's type,
resolved call, kernel key and argument coercion were decided at check time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from ..scenes.model import Scene
from spatial_dsl.lang.source import Span
from spatial_dsl.lang.typed import TExpr
from .kernels import (
    ATTRIBUTE_KERNELS, KERNELS, Call, count_named, find_mask, in_range, list_to_mask,
    looked_for, the_named,
)
from .segments import segmented_call
from .values import (
    ROOM, Abort, LimitExceeded, Rejection, Rows, broadcast_rows, filler, rows_of, scatter,
    stack_elements, take_rows,
)

DEFAULT_STEP_BUDGET = 1_000_000
DEFAULT_TIME_LIMIT = 2.0


@dataclass(frozen=True)
class Limits:
    steps: int = DEFAULT_STEP_BUDGET
    seconds: float = DEFAULT_TIME_LIMIT


DEFAULT_LIMITS = Limits()


class Env:
    """Names in scope and the rows being evaluated."""

    def __init__(self, names: dict, size: int, rows: Rows, world: np.ndarray | None = None,
                 codes: dict | None = None):
        self.names = names
        self.size = size
        self.rows = rows
        self.world = world  # a batch of worlds (runtime/worlds.py): each row's world
        # task parameter -> each row's index in its domain, where the evaluator has tables
        # of the clause (runtime/tables.py); None elsewhere (lambdas, `def` bodies)
        self.codes = codes

    def restrict(self, rows: np.ndarray) -> Env:
        names = {k: take_rows(v, rows, self.size) for k, v in self.names.items()}
        world = None if self.world is None else self.world[rows]
        codes = None if self.codes is None else {k: v[rows] for k, v in self.codes.items()}
        return Env(names, len(rows), Rows(len(rows)), world, codes)

    def world_of(self, size: int) -> np.ndarray | None:
        """The world of each of ``size`` elements a lambda of this one-row env runs on."""
        return None if self.world is None else np.broadcast_to(self.world, (size,))


class Budget:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.steps = 0
        self.deadline = time.monotonic() + limits.seconds
        self._calls = 0

    def charge(self, amount: int, span: Span) -> None:
        """Count ``amount`` element-operations; over the budget (or, checked every 128
        charges, past the deadline) the whole evaluation stops with `LimitExceeded`.

        Kernels whose work is more than one operation per row charge it themselves, before
        doing it (a route over F frames: F; a (B, N) mask: B x N)."""
        self.steps += amount
        if self.steps > self.limits.steps:
            raise LimitExceeded(f"evaluation took more than {self.limits.steps} steps", span)
        self._calls += 1
        if self._calls % 128 == 0:
            self.check_time(span)

    def check_time(self, span: Span) -> None:
        """The wall-clock limit; kernels that loop in Python call it once per iteration."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"evaluation took longer than {self.limits.seconds:g} s", span)


class LambdaFn:
    """A lambda argument, evaluated over a whole batch of elements at once."""

    def __init__(self, evaluator: Evaluator, typed: TExpr, env: Env):
        self.evaluator = evaluator
        self.node = typed.node
        self.body = typed.kids[0]
        self.env = env
        self.param_type = typed.type.param
        self.result_type = typed.type.ret

    def __call__(self, elements) -> tuple[object, Rows]:
        """Values of the body for each element, and the rows that were rejected."""
        size = rows_of(elements)
        env = Env({**self.env.names, self.node.param: elements}, size, Rows(size),
                  self.env.world_of(size))
        try:
            value = self.evaluator.eval_typed(self.body, env)
        except Abort:
            value = filler(self.result_type, size, self.evaluator.scene.n)
        return broadcast_rows(value, size), env.rows

    def over_members(self, members: np.ndarray):
        return self(members.astype(np.int64))

    def over_list(self, elements: list):
        return self(stack_elements(self.param_type, elements))


class Evaluator:
    """Evaluates a checked program on one scene.

    ``segmented`` (the default): a higher-order call inside a batch evaluates its lambda
    once over all rows (``runtime.segments``); False evaluates it row by row, the
    reference that tests and ``bench/bench_generate.py`` compare the fast path with.
    ``per_world``: ``scene`` is a stack of worlds of that many objects each
    (``runtime.worlds``) and the rows of the env say which world they are in.
    ``tables``: a ``runtime.tables.ClauseTables`` the sub-expressions it tables are read
    from, in an env that gives each row's parameter codes.
    """

    def __init__(self, checked: Checked, scene: Scene, limits: Limits = DEFAULT_LIMITS,
                 trace: list | None = None, segmented: bool = True, per_world: int = 0,
                 tables=None):
        self.checked = checked
        self.tables = tables
        self.segmented = segmented
        self.per_world = per_world
        self.scene = scene
        self.budget = Budget(limits)
        self.globals: dict = {}
        self.trace = trace  # when a list, each `let` appends (name, value, type)

    # ------------------------------------------------------------------ program

    def run(self) -> tuple[object, Rejection | None]:
        """(answer value, None) or (None, rejection)."""
        # Overflow and invalid operations are expected on hostile input: results are checked
        # (``in_range``: a non-finite value is `Degenerate`), so numpy must not warn on stderr.
        with np.errstate(all="ignore"):
            return self._run()

    def _run(self) -> tuple[object, Rejection | None]:
        env = Env(self.globals, 1, Rows(1))
        try:
            for stmt, typed in self.checked.typed.statements:
                value = self._statement(stmt, typed, env)
                if env.rows.any():
                    return None, env.rows.first()
            return value, None
        except Abort:
            return None, env.rows.first()
        except LimitExceeded as exc:
            return None, exc.rejection

    def evaluate(self, node: ast.Expr, names: dict) -> tuple[object, Rejection | None]:
        """Evaluate one checked expression (a task's `where`, `answer` or `choices`, or any
        expression of the program outside lambdas) with extra names bound to run-time
        values (see ``bind_value``)."""
        with np.errstate(all="ignore"):
            return self._evaluate(node, names)

    def _evaluate(self, node: ast.Expr, names: dict) -> tuple[object, Rejection | None]:
        env = Env({**self.globals, **names}, 1, Rows(1))
        try:
            value = self.eval_node(node, env)
        except Abort:
            return None, env.rows.first()
        except LimitExceeded as exc:
            return None, exc.rejection
        return (None, env.rows.first()) if env.rows.any() else (value, None)

    def _statement(self, stmt: ast.Stmt, typed: TExpr | None, env: Env):
        match stmt:
            case ast.Let(name=name):
                self.globals[name] = self.eval_typed(typed, env)
                if self.trace is not None and not env.rows.any():
                    self.trace.append((name, self.globals[name], typed.type))
            case ast.Assert(message=message):
                ok = self.eval_typed(typed, env)
                if not env.rows.any() and not bool(ok[0]):
                    env.rows.record(True, RejectionKind.ASSERTION_FAILED, message, stmt.span)
            case ast.Answer():
                return self.eval_typed(typed, env)
        return None

    # -------------------------------------------------------------- expressions

    def eval_node(self, node: ast.Expr, env: Env):
        """Evaluate an expression of the checked program, given as its AST node."""
        return self.eval_typed(self.checked.typed.of(node), env)

    def eval_typed(self, t: TExpr, env: Env):
        if env.codes is not None and t.nid in self.tables.tables:
            return self.tables.evaluate(self, t, env)
        self.budget.charge(env.size, t.node.span)
        return _DISPATCH[type(t.node)](self, t, env)

    def eval_untabled(self, t: TExpr, env: Env):
        """``eval_typed`` without reading ``t``'s table (which calls it)."""
        self.budget.charge(env.size, t.node.span)
        return _DISPATCH[type(t.node)](self, t, env)

    def _number(self, t: TExpr, env):
        value = t.node.value
        return np.array([value], dtype=np.int64 if isinstance(value, int) else float)

    def _quantity(self, t: TExpr, env):
        return np.array([T.to_base(float(t.node.value), t.node.unit)], dtype=float)

    def _string(self, t: TExpr, env):
        return stack_elements(T.STR, [t.node.value])

    def _bool(self, t: TExpr, env):
        return np.array([t.node.value])

    def _name(self, t: TExpr, env: Env):
        node = t.node
        if node.id in env.names:
            return env.names[node.id]
        if node.id == "objects":
            return self._own_world(np.ones((1, self.scene.n), dtype=bool), env)
        if node.id == "frames":
            return [list(range(self.scene.frames.count))]
        if node.id == "room":
            return ROOM
        raise KeyError(node.id)  # the checker rules this out

    def _listlit(self, t: TExpr, env: Env):
        from .values import element

        items = [self.eval_typed(item, env) for item in t.kids]
        size = max([rows_of(i) for i in items], default=1)
        return [[element(i, r) for i in items] for r in range(size)]

    def _attr(self, t: TExpr, env: Env):
        (obj,) = t.kids
        owner = self.eval_typed(obj, env)
        kernel = ATTRIBUTE_KERNELS[(obj.type, t.node.name)]
        # No range check: scene files are validated finite and within 1e9 (so a volume is
        # at most 8e27), and a Vec3 was checked when it was made.
        return kernel(self._call(t, env), owner)

    def _index(self, t: TExpr, env: Env):
        seq, index = (self.eval_typed(k, env) for k in t.kids)
        return KERNELS[("_index", 0)](self._call(t, env), seq, index)

    def _neg(self, t: TExpr, env: Env):
        return -self.eval_typed(t.kids[0], env)

    def _not(self, t: TExpr, env: Env):
        return ~self.eval_typed(t.kids[0], env)

    def _binop(self, t: TExpr, env: Env):
        if t.node.op in ("and", "or"):
            return self._logic(t, env)
        left_t, right_t = t.kids
        left, right = self.eval_typed(left_t, env), self.eval_typed(right_t, env)
        call = self._call(t, env)
        return in_range(call, KERNELS[("_arith", 0)](call, t.node.op, left, right,
                                                     left_t.type, right_t.type))

    def _compare(self, t: TExpr, env: Env):
        left, right = (self.eval_typed(k, env) for k in t.kids)
        return KERNELS[("_compare", 0)](self._call(t, env), t.node.op, left, right)

    def _inunit(self, t: TExpr, env: Env):
        value = self.eval_typed(t.kids[0], env)
        with np.errstate(over="ignore"):
            converted = T.from_base(value, t.node.unit)
        return in_range(self._call(t, env), converted)

    def _logic(self, t: TExpr, env: Env):
        left_t, right_t = t.kids
        left = self.eval_typed(left_t, env)
        if left.shape != (env.size,):
            left = np.broadcast_to(left, (env.size,))
        need = left if t.node.op == "and" else ~left
        need = need & ~env.rows.rejected
        if env.size == 1:
            return self.eval_typed(right_t, env) if need[0] else left
        result = left.copy()
        rows = np.flatnonzero(need)
        if len(rows):
            value = None
            if env.codes is not None and right_t.nid in self.tables.tables:
                value = self.tables.read_rows(self, right_t, env, rows)  # no sub-env made
            if value is None:
                value = broadcast_rows(self._on_rows(right_t, env, rows), len(rows))
            result[rows] = value
        return result

    def _if(self, t: TExpr, env: Env):
        cond_t, then_t, orelse_t = t.kids
        cond = self.eval_typed(cond_t, env)
        if cond.shape != (env.size,):
            cond = np.broadcast_to(cond, (env.size,))
        if env.size == 1:
            return self.eval_typed(then_t if cond[0] else orelse_t, env)
        active = ~env.rows.rejected
        parts = []
        for branch, mask in ((then_t, cond & active), (orelse_t, ~cond & active)):
            rows = np.flatnonzero(mask)
            if len(rows):
                parts.append((rows, self._on_rows(branch, env, rows)))
        return scatter(t.type, env.size, self.scene.n, parts)

    def _on_rows(self, t: TExpr, env: Env, rows: np.ndarray):
        """Evaluate ``t`` on a subset of the rows; their rejections go back to ``env``."""
        sub = env.restrict(rows)
        try:
            value = self.eval_typed(t, sub)
        except Abort:
            value = filler(t.type, len(rows), self.scene.n)
        env.rows.merge(sub.rows, rows)
        return value

    # -------------------------------------------------------------------- calls

    def _call(self, t: TExpr, env: Env) -> Call:
        node = t.node
        what = looked_for(node, self.checked.source.text) if t.kernel is not None \
            and node.func == "the" else ""
        return Call(self.scene, env.rows, node.span, env.size, self.budget, t.type, what,
                    env.world, self.per_world)

    def _own_world(self, masks: np.ndarray, env: Env) -> np.ndarray:
        if env.world is None:  # one world: every set is its own
            return masks
        from .worlds import restrict

        return restrict(masks, env.world, self.per_world)

    def _callnode(self, t: TExpr, env: Env):
        if t.body is not None:
            return self._call_def(t, env)
        if t.higher_order and env.size > 1:
            value = segmented_call(self, t, env) if self.segmented else None
            return self._per_row(t, env) if value is None else value
        return self._builtin(t, env)

    def _builtin(self, t: TExpr, env: Env):
        if t.kernel in _BY_NAME and env.world is None and len(t.kids) == 1 \
                and t.kids[0].coercion == "find":
            return self._by_name(t, env)
        args = [self._argument(a, env) for a in t.kids]
        call = self._call(t, env)
        return in_range(call, KERNELS[t.kernel](call, *args))

    def _by_name(self, t: TExpr, env: Env):
        """`the(name)` / `count(name)` of one world, read from the scene's table of names
        (``kernels.the_named``): the same value, rejections and charges as the kernel on
        ``find(name)``'s (B, N) masks, without making them."""
        (arg,) = t.kids
        names = self.eval_typed(arg, env)
        self._charge_masks(names, arg)  # as making the masks would
        found = None
        if env.codes is not None and isinstance(arg.node, ast.Name) and arg.node.id in env.codes:
            found = self.tables.find_codes(arg.node.id, env.codes[arg.node.id])  # by domain
        call = self._call(t, env)
        return in_range(call, _BY_NAME[t.kernel](call, names, found))

    def _argument(self, arg: TExpr, env: Env):
        if isinstance(arg.node, ast.Lambda):
            return LambdaFn(self, arg, env)
        value = self.eval_typed(arg, env)
        coercion = arg.coercion
        if coercion in ("find", "set"):
            self._charge_masks(value, arg)
        if coercion == "find":
            return self._own_world(find_mask(self.scene, value), env)
        if coercion == "set":
            return list_to_mask(self.scene, value)
        return value

    def _charge_masks(self, value, arg: TExpr) -> None:
        """The charge of making ``value`` (names or a list) a (B, N) set mask: one step
        per cell (``tables.charge_bound`` models the same)."""
        self.budget.charge(rows_of(value) * self.scene.n, arg.span)

    def _call_def(self, t: TExpr, env: Env):
        args = [self.eval_typed(a, env) for a in t.kids]
        names = dict(self.globals)
        names.update({p.name: a for p, a in zip(t.call.definition.params, args)})
        return self.eval_typed(t.body, Env(names, env.size, env.rows, env.world))

    def _per_row(self, t: TExpr, env: Env):
        """A higher-order call inside a batch: once per row, each vectorized over its set."""
        values = []
        for r in range(env.size):
            rows = np.array([r])
            values.append(self._on_rows_call(t, env, rows))
        if isinstance(values[0], list):
            return [v[0] for v in values]
        return np.concatenate([np.asarray(v) for v in values], axis=0)

    def _on_rows_call(self, t: TExpr, env: Env, rows: np.ndarray):
        sub = env.restrict(rows)
        try:
            value = self._callnode(t, sub)
        except Abort:
            value = filler(t.type, 1, self.scene.n)
        env.rows.merge(sub.rows, rows)
        return value


_BY_NAME = {("the", 0): the_named, ("count", 0): count_named}

_DISPATCH = {
    ast.Number: Evaluator._number, ast.Quantity: Evaluator._quantity,
    ast.String: Evaluator._string, ast.Bool: Evaluator._bool, ast.Name: Evaluator._name,
    ast.ListLit: Evaluator._listlit, ast.Attr: Evaluator._attr, ast.Index: Evaluator._index,
    ast.Neg: Evaluator._neg, ast.Not: Evaluator._not, ast.BinOp: Evaluator._binop,
    ast.Compare: Evaluator._compare, ast.InUnit: Evaluator._inunit, ast.If: Evaluator._if,
    ast.Call: Evaluator._callnode,
}


def bind_value(t: T.Type, value, scene: Scene):
    """A task parameter's value as a one-row run-time value.

    Category and choice strings, Int and Number values are taken as they are; an Object
    is given by its id, a Frame by its `index` (as in the scene file).
    """
    if t == T.OBJECT:
        return np.array([scene.ids.index(value)], dtype=np.int64)
    if t == T.FRAME:
        rows = np.flatnonzero(scene.frames.index == value)
        if len(rows) == 0:
            raise ValueError(f"the scene has no frame {value}")
        return rows[:1].astype(np.int64)
    if t == T.STR:
        return stack_elements(T.STR, [value])
    return stack_elements(t, [value])
