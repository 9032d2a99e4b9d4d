"""How the checker builds the typed program (``lang/typed.py``) while it checks.

``Checker.expr`` opens a frame per expression (``open_node``); the checks of the node's
children add their typed nodes to it, and the call checks note there what they resolved
(``note_call``, ``note_coercion``, ``lambda_body`` / ``note_lambda``); closing the frame
(``close_node``) makes the node's ``TExpr``, with a call's arguments in declared order.
``record_statement`` pairs each statement with the typed expression it evaluates.
"""

from __future__ import annotations

from .. import ast
from .. import types as T
from ..typed import Shape, TDef, TExpr
from .context import CallInfo, Scope


class TypedBuilder:
    """The typed-program half of the checker (a mixin: the checker supplies ``out``, the
    ``Checked`` being filled, and ``expr``)."""

    def _init_typed(self) -> None:
        self._frames: list[_Frame] = []  # the expressions being checked, innermost last
        self._roots: list[TExpr] = []  # typed expressions outside any other
        self._lambda_depth = 0

    def open_node(self) -> None:
        self._frames.append(_Frame())

    def close_node(self, node: ast.Expr, type_: T.Type) -> None:
        typed = self._typed_node(node, type_, self._frames.pop())
        (self._frames[-1].kids if self._frames else self._roots).append(typed)

    def record_statement(self, stmt: ast.Stmt) -> None:
        """Pair the statement with the typed expression(s) it evaluates."""
        typed = self.out.typed
        expr = {ast.Let: "value", ast.Assert: "cond", ast.Answer: "value"}.get(type(stmt))
        typed.statements.append((stmt, self._root_of(getattr(stmt, expr)) if expr else None))
        if isinstance(stmt, ast.Def) and self.out.definitions.get(stmt.name) is stmt:
            defaults = tuple(None if p.default is None else self._root_of(p.default)
                             for p in stmt.params)
            typed.definitions[stmt.name] = TDef(stmt, defaults, self._root_of(stmt.body))
        if isinstance(stmt, ast.Task):
            clauses = (("where", stmt.where), ("answer", stmt.answer.value),
                       ("choices", stmt.choices))
            typed.task = {name: self._root_of(e) for name, e in clauses if e is not None}

    def _root_of(self, node: ast.Expr) -> TExpr | None:
        """The typed expression just made for ``node`` (the last few roots are searched)."""
        for root in reversed(self._roots):
            if root.node is node:
                return root
        return None

    def _new_typed(self, node: ast.Expr, type_: T.Type, kids=()) -> TExpr:
        shape = Shape.PER_ELEMENT if self._lambda_depth else Shape.ONE
        typed = TExpr(self.out.typed.size, node, type_, shape, tuple(kids))
        self.out.typed.size += 1
        return typed

    def _typed_node(self, node: ast.Expr, type_: T.Type, frame: _Frame) -> TExpr:
        if frame.call is None:
            return self._new_typed(node, type_, frame.kids)
        info = frame.call
        if info.definition is not None:
            tdef = self.out.typed.definitions.get(info.definition.name)
            kids = [_kid(frame.kids, a) for a in info.args]
            if tdef is not None:  # a default is typed once, at its `def`
                kids = [k if k is not None else d for k, d in zip(kids, tdef.defaults)]
            kids = [k for k in kids if k is not None]  # (None only in a program with errors)
            typed = self._new_typed(node, type_, kids)
            typed.call, typed.body = info, tdef.body if tdef is not None else None
            return typed
        typed = self._new_typed(node, type_, [_kid(frame.kids, a) for a in info.args])
        typed.call = info
        typed.kernel = (info.builtin.name, info.builtin.overloads.index(info.overload))
        typed.higher_order = any(isinstance(a, ast.Lambda) for a in info.args)
        for arg, how in frame.coercions:
            _kid(typed.kids, arg).coercion = how
        return typed

    def note_call(self, info: CallInfo) -> None:
        """The call being checked resolved to ``info``."""
        self._frames[-1].call = info

    def note_coercion(self, arg: ast.Expr, how: str) -> None:
        """An argument of the call being checked is coerced (``find`` or ``set``)."""
        self._frames[-1].coercions.append((arg, how))

    def lambda_body(self, arg: ast.Lambda, param_type: T.Type, scope: Scope) -> T.Type:
        """Check a lambda's body with its parameter bound; the lambda joins the typed
        arguments of the call being checked once ``note_lambda`` gives its type."""
        self._lambda_depth += 1
        try:
            return self.expr(arg.body, Scope({arg.param: param_type}, scope))
        finally:
            self._lambda_depth -= 1

    def note_lambda(self, arg: ast.Lambda, fn_type: T.FnType) -> None:
        kids = self._frames[-1].kids
        body = kids.pop()
        kids.append(self._new_typed(arg, fn_type, (body,)))


class _Frame:
    """What the checks of one expression's children leave for it."""

    __slots__ = ("kids", "call", "coercions")

    def __init__(self):
        self.kids: list[TExpr] = []
        self.call: CallInfo | None = None
        self.coercions: list[tuple[ast.Expr, str]] = []


def _kid(kids, arg: ast.Expr) -> TExpr | None:
    """The typed child made for the argument ``arg`` (None: not checked at this call)."""
    for kid in kids:
        if kid.node is arg:
            return kid
    return None
