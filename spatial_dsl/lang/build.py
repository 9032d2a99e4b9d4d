"""AST builders: small functions that make the frozen nodes of ``lang.ast``.

Code that writes SpatialDSL (references, key programs, item programs, prompts) builds
it with these and gets its text from ``lang.printer`` only, so it never formats source
text by hand and never parses its own output again::

    from spatial_dsl.lang import build as b

    chair = b.call("argmax", b.call("find", b.string("Chair")),
                   b.lam("o", b.attr("o", "height")))
    printer.expr(chair)  # 'argmax(find("Chair"), o => o.height)'

Every builder sets ``depth`` (the height of the subtree, 1 for a leaf) as the parser
does, so the checker's nesting limit sees a built program exactly as it would see the
parsed text. Spans are ``NO_SPAN``: a built node has no source.

Operands are coerced (``expr``): an ``ast.Expr`` is kept, a Python ``bool`` is a
``true`` / ``false`` literal, an ``int`` / ``float`` a number (a negative one
``-x``, which is how it prints and parses), and a ``str`` is a *name* (``"o"``,
``"objects"``). A string literal is always written ``string("Fridge")``: a text value
never becomes code by accident. A lambda is only an argument of a call (as the grammar
has it): any other builder refuses one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

from . import ast

__all__ = [
    "answer", "and_", "assert_", "attr", "binop", "boolean", "call", "compare", "def_", "expr",
    "if_", "in_unit", "index", "item_program", "keyword", "lam", "let", "list_", "name",
    "neg", "not_", "number", "or_", "param", "program", "quantity", "question", "string",
    "type_expr", "union",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BINARY = frozenset({"+", "-", "*", "/", "and", "or"})
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})

Operand = ast.Expr | bool | int | float | str


def _depth(*nodes: ast.Node | None) -> int:
    return 1 + max((n.depth for n in nodes if n is not None), default=0)


def _operand(value: Operand) -> ast.Expr:
    """``expr(value)`` where the grammar allows no lambda."""
    node = expr(value)
    if isinstance(node, ast.Lambda):
        raise ValueError("a lambda can only be an argument of a call")
    return node


def _identifier(text: str, what: str) -> str:
    if not isinstance(text, str) or not _IDENTIFIER.match(text):
        raise ValueError(f"not a SpatialDSL {what}: {text!r}")
    return text


def expr(value: Operand) -> ast.Expr:
    """An operand as an expression node (see the module doc for the coercions)."""
    if isinstance(value, ast.Expr):
        return value
    if isinstance(value, bool):
        return boolean(value)
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return name(value)
    raise TypeError(f"cannot build a SpatialDSL expression from {type(value).__name__}")


# ------------------------------------------------------------------------- literals


def number(value: int | float) -> ast.Expr:
    """An Int (Python int) or Number (float) literal; a negative value is ``-x``."""
    _finite(value)
    if _negative(value):
        return neg(ast.Number(-value))
    return ast.Number(value)


def quantity(value: int | float, unit: str) -> ast.Expr:
    """``0.5m``, ``90deg``: a literal with a unit; a negative value is ``-x<unit>``."""
    _finite(value)
    if _negative(value):
        return neg(ast.Quantity(-value, unit))
    return ast.Quantity(value, unit)


def _negative(value: int | float) -> bool:
    """Below zero, or the float -0.0: the printer writes its sign, which the parser reads
    as a negation, so the built tree must be that negation too."""
    return value < 0 or math.copysign(1.0, value) < 0


def _finite(value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"SpatialDSL has no literal for {value!r}")


def string(value: str) -> ast.String:
    """A string literal (the language has no escape for a line break)."""
    return ast.String(_one_line(value))


def _one_line(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    if "\n" in value:
        raise ValueError(f"a SpatialDSL string cannot hold a line break: {value!r}")
    return value


def boolean(value: bool) -> ast.Bool:
    return ast.Bool(bool(value))


def name(identifier: str) -> ast.Name:
    return ast.Name(_identifier(identifier, "name"))


def list_(*items: Operand) -> ast.ListLit:
    nodes = tuple(_operand(i) for i in items)
    return ast.ListLit(nodes, depth=_depth(*nodes))


# ---------------------------------------------------------------------- expressions


def keyword(key: str, value: Operand) -> ast.Keyword:
    node = expr(value)
    return ast.Keyword(_identifier(key, "keyword"), node, depth=_depth(node))


def call(func: str, *args: Operand, **keywords: Operand) -> ast.Call:
    """``func(args..., key=value...)``; keywords keep their order."""
    positional = tuple(expr(a) for a in args)
    named = tuple(keyword(k, v) for k, v in keywords.items())
    return ast.Call(_identifier(func, "function name"), positional, named,
                    depth=_depth(*positional, *named))


def lam(param: str, body: Operand) -> ast.Lambda:
    """``param => body`` (an argument of a call)."""
    node = _operand(body)
    return ast.Lambda(_identifier(param, "lambda parameter"), node, depth=_depth(node))


def attr(obj: Operand, *names: str) -> ast.Expr:
    """``obj.a.b``: one attribute access per name (at least one)."""
    if not names:
        raise ValueError("attr needs at least one attribute name")
    node = _operand(obj)
    for attribute in names:
        node = ast.Attr(node, _identifier(attribute, "attribute"), depth=_depth(node))
    return node


def index(obj: Operand, at: Operand) -> ast.Index:
    """``obj[at]`` (``at`` -1 is ``obj[-1]``)."""
    container, position = _operand(obj), _operand(at)
    return ast.Index(container, position, depth=_depth(container, position))


def neg(operand: Operand) -> ast.Neg:
    node = _operand(operand)
    return ast.Neg(node, depth=_depth(node))


def not_(operand: Operand) -> ast.Not:
    node = _operand(operand)
    return ast.Not(node, depth=_depth(node))


def binop(op: str, left: Operand, right: Operand) -> ast.BinOp:
    """``left op right`` for ``+ - * / and or``."""
    if op not in _BINARY:
        raise ValueError(f"not a binary operator: {op!r}")
    a, b = _operand(left), _operand(right)
    return ast.BinOp(op, a, b, depth=_depth(a, b))


def and_(first: Operand, *rest: Operand) -> ast.Expr:
    """``a and b and c`` (left-associative, as the parser groups it)."""
    return _chain("and", first, rest)


def or_(first: Operand, *rest: Operand) -> ast.Expr:
    return _chain("or", first, rest)


def _chain(op: str, first: Operand, rest: tuple[Operand, ...]) -> ast.Expr:
    node = _operand(first)
    for operand in rest:
        node = binop(op, node, operand)
    return node


def compare(op: str, left: Operand, right: Operand) -> ast.Compare:
    """``left op right`` for ``< <= > >= == !=``."""
    if op not in _COMPARISONS:
        raise ValueError(f"not a comparison: {op!r}")
    a, b = _operand(left), _operand(right)
    return ast.Compare(op, a, b, depth=_depth(a, b))


def in_unit(operand: Operand, unit: str) -> ast.InUnit:
    """``operand in unit`` (a quantity as a Number in ``unit``)."""
    node = _operand(operand)
    return ast.InUnit(node, unit, depth=_depth(node))


def if_(cond: Operand, then: Operand, orelse: Operand) -> ast.If:
    c, t, e = _operand(cond), _operand(then), _operand(orelse)
    return ast.If(c, t, e, depth=_depth(c, t, e))


def union(parts: Iterable[Operand]) -> ast.Expr:
    """``union(...)`` of one or more sets as a balanced tree, so n parts nest only
    about log2(n) deep (the checker's nesting limit is 64)."""
    nodes = [_operand(p) for p in parts]
    if not nodes:
        raise ValueError("union needs at least one part")
    return _balanced_union(nodes)


def _balanced_union(nodes: list[ast.Expr]) -> ast.Expr:
    if len(nodes) == 1:
        return nodes[0]
    mid = len(nodes) // 2
    return call("union", _balanced_union(nodes[:mid]), _balanced_union(nodes[mid:]))


# ------------------------------------------------------------------------ statements


def type_expr(type_name: str, arg: ast.TypeExpr | str | None = None) -> ast.TypeExpr:
    """``Object``, ``List[Object]`` (``type_expr("List", "Object")``)."""
    inner = type_expr(arg) if isinstance(arg, str) else arg
    return ast.TypeExpr(_identifier(type_name, "type"), inner,
                        depth=_depth(inner))


def question(text: str) -> ast.Question:
    return ast.Question(_one_line(text))


def let(binding: str, value: Operand, annotation: ast.TypeExpr | str | None = None) -> ast.Let:
    node = _operand(value)
    note = type_expr(annotation) if isinstance(annotation, str) else annotation
    return ast.Let(_identifier(binding, "name"), note, node, depth=_depth(node))


def assert_(cond: Operand, message: str) -> ast.Assert:
    node = _operand(cond)
    return ast.Assert(node, _one_line(message), depth=_depth(node))


def answer(value: Operand) -> ast.Answer:
    node = _operand(value)
    return ast.Answer(node, depth=_depth(node))


def param(param_name: str, annotation: ast.TypeExpr | str,
          default: Operand | None = None) -> ast.Param:
    note = type_expr(annotation) if isinstance(annotation, str) else annotation
    node = None if default is None else _operand(default)
    return ast.Param(_identifier(param_name, "parameter"), note, node, depth=_depth(node))


def def_(def_name: str, params: Iterable[ast.Param], returns: ast.TypeExpr | str,
         body: Operand) -> ast.Def:
    ps = tuple(params)
    note = type_expr(returns) if isinstance(returns, str) else returns
    node = _operand(body)
    return ast.Def(_identifier(def_name, "function name"), ps, note, node,
                   depth=_depth(node, *ps))


def program(*statements: ast.Stmt) -> ast.Program:
    """A program of the statements, in order."""
    for s in statements:
        if not isinstance(s, ast.Stmt):
            raise TypeError(f"not a statement: {type(s).__name__}")
    return ast.Program(tuple(statements), depth=_depth(*statements) if statements else 1)


def item_program(question_text: str | None, defs: Iterable[ast.Def],
                 lets: Mapping[str, Operand] | Iterable[ast.Let],
                 answer_value: Operand) -> ast.Program:
    """The standalone program of a question: ``question "..."`` (when given), the
    ``def``s, one ``let`` per binding (a mapping name -> value, in its order, or ``Let``
    statements) and ``answer``."""
    statements: list[ast.Stmt] = [] if question_text is None else [question(question_text)]
    statements += list(defs)
    if isinstance(lets, Mapping):
        statements += [let(k, v) for k, v in lets.items()]
    else:
        statements += list(lets)
    statements.append(answer(answer_value))
    return program(*statements)
