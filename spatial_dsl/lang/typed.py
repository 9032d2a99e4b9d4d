"""The typed program: what the checker hands to the evaluator and the reference interpreter.

Every expression the checker accepted becomes a ``TExpr``: a stable id (its position in
check order, the same for the same source), the AST node it types (for its spans and
literal fields), its type, its shape, and its typed children in the order the evaluators
use them. A call also carries what the checker resolved: the builtin and overload (and the
kernel key they register under), or the typed body of a user `def`; an argument carries the
coercion applied to it (``find``: a Str where Objects is expected; ``set``: a List[Object]
where Objects is expected). A lambda is a ``TExpr`` whose one child is its body.

The evaluators therefore never look a node up by identity and never redo name, overload or
coercion resolution; the old ``id(node)`` side tables are gone.

Shapes (``Shape``): an expression outside every lambda body is ``ONE`` (one value per
evaluation, or per row of a batch the caller asked for: a task's bindings); one inside a
lambda body is ``PER_ELEMENT`` (one value per member the lambda runs over). A `def`'s body
and parameter defaults are typed once, at the `def`, outside lambdas. The evaluator
runs a higher-order call (``TExpr.higher_order``) once per row when its batch has more than
one row: at check time that is known to be possible only for ``PER_ELEMENT`` calls and for
calls in expressions a caller evaluates batched (task clauses); the row count itself is a
run-time quantity.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ast
from . import types as T

if TYPE_CHECKING:
    from .check.context import CallInfo


class Shape(enum.Enum):
    ONE = "one"  # outside every lambda body
    PER_ELEMENT = "per-element"  # inside a lambda body: one value per member


@dataclass(eq=False)
class TExpr:
    nid: int
    node: ast.Expr
    type: T.Type
    shape: Shape
    kids: tuple[TExpr, ...] = ()
    call: CallInfo | None = None  # what the checker resolved a call to (builtin or `def`)
    kernel: tuple[str, int] | None = None  # (builtin name, overload index) of a builtin call
    body: TExpr | None = None  # a call of a user `def`: its typed body (its kids: the
    #                            arguments, a missing one being the `def`'s typed default)
    coercion: str | None = None  # "find" | "set" applied to this argument
    higher_order: bool = False  # a builtin call with a lambda argument

    @property
    def span(self):
        return self.node.span

    def walk(self) -> Iterator[TExpr]:
        """This node and every node under it (lambda bodies included), pre-order."""
        stack = [self]
        while stack:
            t = stack.pop()
            yield t
            stack.extend(reversed(t.kids))


@dataclass(eq=False)
class TDef:
    """A user `def`: its typed parameter defaults (None: no default) and body."""

    node: ast.Def
    defaults: tuple[TExpr | None, ...]
    body: TExpr


@dataclass(eq=False)
class TypedProgram:
    """The typed expressions of a program, statement by statement.

    ``statements`` pairs each statement with the typed expression it evaluates (a `let`'s
    value, an `assert`'s condition, the `answer`'s value; None for `question`, `def` and
    `task`). ``task`` holds the typed clauses of a task template by name (`where`,
    `answer`, `choices`)."""

    statements: list[tuple[ast.Stmt, TExpr | None]] = field(default_factory=list)
    definitions: dict[str, TDef] = field(default_factory=dict)
    task: dict[str, TExpr] = field(default_factory=dict)
    size: int = 0  # how many ids were given
    _index: dict | None = field(default=None, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def roots(self) -> Iterator[TExpr]:
        for _, t in self.statements:
            if t is not None:
                yield t
        for d in self.definitions.values():
            yield from (t for t in d.defaults if t is not None)
            yield d.body
        yield from self.task.values()

    def nodes(self) -> Iterator[TExpr]:
        """Every typed expression once (the defaults filled into builtin calls included; a
        `def`'s default, shared by its calls, once)."""
        seen: set[int] = set()
        for root in self.roots():
            for t in root.walk():
                if t.nid not in seen:
                    seen.add(t.nid)
                    yield t

    def of(self, node: ast.Expr) -> TExpr:
        """The typed expression of an AST node of this program (KeyError if none)."""
        found = self.find(node)
        if found is None:
            raise KeyError(f"not an expression of this program: {type(node).__name__}")
        return found

    def find(self, node: ast.Expr) -> TExpr | None:
        """The typed expression of an AST node, or None. The nodes are indexed by value
        (AST nodes are frozen and hashable) and told apart by identity: two equal
        expressions in different places may differ in type (a name bound by a lambda)."""
        if self._index is None or self._indexed != self.size:
            self._index, self._indexed = {}, self.size
            for t in self.nodes():
                self._index.setdefault(t.node, []).append(t)
        for t in self._index.get(node, ()):
            if t.node is node:
                return t
        return None

    def calls(self) -> list[TExpr]:
        """The typed calls (builtin and `def`), in id order."""
        return sorted((t for t in self.nodes() if t.call is not None), key=lambda t: t.nid)
