"""The AST: frozen dataclasses, each node with a source span.

Spans, depths and comments never take part in equality, so
``parse(print(ast)) == ast`` compares structure and values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .source import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, kw_only=True, repr=False)


def _depth() -> int:
    return field(default=1, compare=False, kw_only=True, repr=False)


@dataclass(frozen=True)
class Node:
    span: Span = _span()
    depth: int = _depth()  # height of the subtree: 1 for a leaf (checked against E-LIMIT)


# ----------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expr(Node):
    pass


@dataclass(frozen=True)
class Number(Expr):
    value: int | float  # an int literal is Int, anything else Number


@dataclass(frozen=True)
class Quantity(Expr):
    value: int | float  # as written, in `unit`
    unit: str


@dataclass(frozen=True)
class String(Expr):
    value: str


@dataclass(frozen=True)
class Bool(Expr):
    value: bool


@dataclass(frozen=True)
class Name(Expr):
    id: str


@dataclass(frozen=True)
class ListLit(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Keyword(Node):
    name: str
    value: Expr


@dataclass(frozen=True)
class Call(Expr):
    func: str
    args: tuple[Expr, ...]
    keywords: tuple[Keyword, ...] = ()
    func_span: Span = _span()


@dataclass(frozen=True)
class Lambda(Expr):
    param: str
    body: Expr
    param_span: Span = _span()


@dataclass(frozen=True)
class Attr(Expr):
    obj: Expr
    name: str
    name_span: Span = _span()


@dataclass(frozen=True)
class Index(Expr):
    obj: Expr
    index: Expr


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class BinOp(Expr):
    op: str  # + - * / and or
    left: Expr
    right: Expr
    op_span: Span = _span()


@dataclass(frozen=True)
class Compare(Expr):
    op: str  # < <= > >= == !=
    left: Expr
    right: Expr
    op_span: Span = _span()


@dataclass(frozen=True)
class InUnit(Expr):
    operand: Expr
    unit: str
    unit_span: Span = _span()


@dataclass(frozen=True)
class If(Expr):
    cond: Expr
    then: Expr
    orelse: Expr


# ------------------------------------------------------------------ statements


@dataclass(frozen=True)
class TypeExpr(Node):
    name: str
    arg: TypeExpr | None = None


@dataclass(frozen=True)
class Stmt(Node):
    pass


@dataclass(frozen=True)
class Question(Stmt):
    text: str


@dataclass(frozen=True)
class Let(Stmt):
    name: str
    annotation: TypeExpr | None
    value: Expr
    name_span: Span = _span()


@dataclass(frozen=True)
class Assert(Stmt):
    cond: Expr
    message: str


@dataclass(frozen=True)
class Answer(Stmt):
    value: Expr


@dataclass(frozen=True)
class Param(Node):
    name: str
    annotation: TypeExpr
    default: Expr | None = None


@dataclass(frozen=True)
class Def(Stmt):
    name: str
    params: tuple[Param, ...]
    returns: TypeExpr
    body: Expr
    name_span: Span = _span()


@dataclass(frozen=True)
class Domain(Node):
    """A task parameter's domain: `Category`, `Ref`, `Object`, `Frame`, `Int in lo..hi`,
    or `one of [...]`."""

    kind: str  # "Category" | "Ref" | "Object" | "Frame" | "range" | "choice" | other (an error)
    low: int | None = None
    high: int | None = None
    choices: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class TaskParam(Node):
    name: str
    domain: Domain


@dataclass(frozen=True)
class Ask(Node):
    text: str


@dataclass(frozen=True)
class Task(Stmt):
    name: str
    modality: str
    params: tuple[TaskParam, ...]
    where: Expr | None
    asks: tuple[Ask, ...]
    choices: Expr | None
    answer: Answer
    name_span: Span = _span()
    modality_span: Span = _span()


@dataclass(frozen=True)
class Comment:
    line: int
    text: str  # including the leading '#'


@dataclass(frozen=True)
class Program(Node):
    statements: tuple[Stmt, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False, kw_only=True)


def children(node: Node) -> tuple[Node, ...]:
    """The direct child nodes of a node, in source order."""
    match node:
        case ListLit(items=items):
            return items
        case Call(args=args, keywords=kws):
            return args + tuple(kws)
        case Keyword(value=v):
            return (v,)
        case Lambda(body=b):
            return (b,)
        case Attr(obj=o):
            return (o,)
        case Index(obj=o, index=i):
            return (o, i)
        case Neg(operand=o) | Not(operand=o) | InUnit(operand=o):
            return (o,)
        case BinOp(left=a, right=b) | Compare(left=a, right=b):
            return (a, b)
        case If(cond=c, then=t, orelse=e):
            return (c, t, e)
        case Let(value=v):
            return (v,)
        case Assert(cond=c):
            return (c,)
        case Answer(value=v):
            return (v,)
        case Def(params=ps, body=b):
            return tuple(ps) + (b,)
        case Param(default=d):
            return (d,) if d is not None else ()
        case Program(statements=s):
            return s
        case Task(params=ps, where=w, choices=c, answer=a):
            return tuple(ps) + tuple(x for x in (w, c) if x is not None) + (a,)
        case TaskParam(domain=d):
            return (d,)
        case Domain(choices=cs):
            return cs
    return ()


def walk(node: Node):
    """The node and every node under it, in source order (pre-order)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))
