"""What the parts of the checker share: scopes, call records, suggestions, and the
interface (``CheckContext``) through which the call and task-header checks use the checker.

``checker`` imports ``calls`` and ``tasks``; they import only this module, so the three do
not import one another in a circle.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from .. import ast
from .. import types as T
from ..builtins.registry import Builtin, Overload, ParamSpec
from ..source import Source, Span


@dataclass(frozen=True)
class CallInfo:
    builtin: Builtin | None  # a builtin call ...
    overload: Overload | None
    definition: ast.Def | None  # ... or a call of a user `def`
    args: tuple[ast.Expr, ...]  # one per parameter, in declared order, defaults filled in


@cache
def default_expr(spec: ParamSpec) -> ast.Expr:
    """The parsed default value of a builtin parameter (e.g. `1m`)."""
    from ..syntax import parse

    result = parse(Source(f"answer {spec.default_text}", "<default>"))
    return result.program.statements[0].value


def suggest(name: str, candidates) -> str | None:
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


class Scope:
    def __init__(self, names: dict[str, T.Type], parent: Scope | None = None):
        self.names = names
        self.parent = parent

    def lookup(self, name: str) -> T.Type | None:
        scope = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def all_names(self) -> set[str]:
        names, scope = set(), self
        while scope is not None:
            names |= scope.names.keys()
            scope = scope.parent
        return names


class CheckContext(Protocol):
    """The checker as the call and task-header checks see it."""

    out: object  # the ``Checked`` being filled
    globals: Scope
    source: Source

    def expr(self, node: ast.Expr, scope: Scope) -> T.Type: ...

    def report(self, code: str, message: str, span: Span,
                     hint: str | None = None) -> None: ...

    def expect(self, node: ast.Expr, expected: T.Type, scope: Scope) -> T.Type: ...

    def expect_bool(self, node: ast.Expr, scope: Scope, what: str) -> None: ...

    def check_answer(self, value: ast.Expr, scope: Scope | None = None) -> None: ...

    def resolve_type_quietly(self, texpr: ast.TypeExpr) -> T.Type: ...

    def check_scene_name(self, lit: ast.String) -> None: ...

    def note_call(self, info: CallInfo) -> None: ...

    def note_coercion(self, arg: ast.Expr, how: str) -> None: ...

    def lambda_body(self, arg: ast.Lambda, param_type: T.Type, scope: Scope) -> T.Type: ...

    def note_lambda(self, arg: ast.Lambda, fn_type: T.FnType) -> None: ...
