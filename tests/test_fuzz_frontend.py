"""Property tests and fuzzing of the front end (parser, checker, printer, `spdsl fmt`).

A hypothesis strategy builds random *well-typed* programs as ASTs (lets of many
types, lambdas in filter/argmin/map/..., arithmetic that respects dimensions,
if/then/else, `in UNIT`, comparisons, lists, defs and their calls). From them:

(a) the printed program checks clean;
(b) parse(print(ast)) == ast, also for a "noisy" rendering with redundant
    parentheses, odd whitespace, line breaks inside brackets, trailing commas,
    `;` separators and comments;
(c) formatting is idempotent and keeps the AST and every comment;
(d) random bytes, random text and mutations of valid programs only ever give
    registered Diagnostic values with spans inside the text, never an exception,
    both through compile_source and through the CLI's file reading path.

The corpus under tests/fuzz_corpus/ goes through the real `spdsl check`.
"""

from __future__ import annotations

import contextlib
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spatial_dsl.lang import ast as A
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.cli import main
from spatial_dsl.cli.common import compile_file
from spatial_dsl.lang.diagnostics import CODES
from spatial_dsl.lang.printer import format_program, print_program
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.syntax import parse

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
CASES = Path(__file__).resolve().parent / "cases" / "check"

FAST = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------ generator

Q_UNITS = {T.LENGTH: ("m", "cm", "mm"), T.AREA: ("m2", "cm2"), T.VOLUME: ("m3", "cm3", "L"),
           T.ANGLE: ("deg",)}
QUANTITIES = (T.LENGTH, T.AREA, T.VOLUME, T.ANGLE)
KEYS = (T.INT, T.NUMBER) + QUANTITIES
CATEGORIES = ("Fridge", "Sink", "Chair", "Sofa", "Lamp", "Mug", "StoveBurner", "Television",
              "stove burner", "dining table", "CounterTop")
ANSWERABLE = (T.BOOL, T.INT, T.NUMBER, T.STR, T.OBJECT, T.FRAME) + QUANTITIES
LET_TYPES = ANSWERABLE + (T.VEC3, T.OBJECTS, T.ListType(T.OBJECT), T.ListType(T.STR),
                          T.ListType(T.LENGTH), T.ListType(T.FRAME), T.ListType(T.INT))
STRING_TEXT = st.text(st.characters(blacklist_characters='\n', blacklist_categories=("Cs",)),
                      max_size=12)


def type_expr(t: T.Type) -> A.TypeExpr:
    if isinstance(t, T.ListType):
        return A.TypeExpr("List", type_expr(t.elem))
    return A.TypeExpr(str(t))


def call(name: str, *args: A.Expr, **keywords: A.Expr) -> A.Call:
    return A.Call(name, tuple(args), tuple(A.Keyword(k, v) for k, v in keywords.items()))


class ProgramBuilder:
    """Draws a well-typed expression of (a type that fits) a requested type."""

    def __init__(self, draw):
        self.draw = draw
        self.scopes: list[dict[str, T.Type]] = [{}]
        self.defs: list[tuple[str, tuple[T.Type, ...], T.Type]] = []
        self.fresh = 0

    # -- helpers
    def pick(self, n: int) -> int:
        return self.draw(st.integers(0, n - 1))

    def chance(self, p: float = 0.5) -> bool:
        return self.draw(st.floats(0, 1)) < p

    def name(self, prefix: str) -> str:
        self.fresh += 1
        return f"{prefix}{self.fresh}"

    def vars_of(self, t: T.Type) -> list[str]:
        found = []
        for scope in self.scopes:
            found += [n for n, vt in scope.items() if T.fits(vt, t)]
        return found

    def lam(self, param_type: T.Type, body_type: T.Type, depth: int) -> A.Lambda:
        param = self.name("p")
        self.scopes.append({param: param_type})
        try:
            body = self.expr(body_type, depth - 1)
        finally:
            self.scopes.pop()
        return A.Lambda(param, body)

    def objects_arg(self, depth: int) -> A.Expr:
        """Where a builtin wants Objects: a set, a name string or a List[Object]."""
        which = self.pick(3)
        if which == 1:
            return A.String(self.draw(st.sampled_from(CATEGORIES)))
        if which == 2 and depth > 1:
            return self.expr(T.ListType(T.OBJECT), depth - 1)
        return self.expr(T.OBJECTS, depth - 1)

    def point(self, depth: int) -> A.Expr:
        return self.expr(T.OBJECT if self.chance(0.8) else T.VEC3, depth - 1)

    def key_type(self) -> T.Type:
        return self.draw(st.sampled_from(KEYS))

    def number_literal(self, integer: bool) -> A.Number:
        if integer:
            return A.Number(self.draw(st.integers(0, 10**6)))
        value = self.draw(st.one_of(
            st.sampled_from([0.5, 0.25, 1.5, 2.0, 1e-3, 3.75, 1e16, 12.5]),
            st.floats(0, 1e6, allow_nan=False, allow_infinity=False)))
        return A.Number(float(value))

    def quantity_literal(self, t: T.Type) -> A.Quantity:
        unit = self.draw(st.sampled_from(Q_UNITS[t]))
        value = self.draw(st.one_of(st.integers(0, 5000),
                                    st.floats(0, 1e4, allow_nan=False, allow_infinity=False)))
        return A.Quantity(value, unit)

    # -- expressions
    def expr(self, t: T.Type, depth: int) -> A.Expr:
        leaves = self.leaves(t)
        if depth <= 0:
            if leaves:
                return self.draw(st.sampled_from(leaves))()
            assert isinstance(t, T.ListType), t  # every other type has a leaf
            return A.ListLit((self.expr(t.elem, 0),))
        if leaves and self.chance(0.2):
            return self.draw(st.sampled_from(leaves))()
        return self.compound(t, depth)

    def leaves(self, t: T.Type) -> list:
        out = [lambda n=n: A.Name(n) for n in self.vars_of(t)]
        if t == T.INT:
            out.append(lambda: self.number_literal(True))
        elif t == T.NUMBER:
            out += [lambda: self.number_literal(False), lambda: self.number_literal(True)]
        elif t in QUANTITIES:
            out.append(lambda: self.quantity_literal(t))
        elif t == T.BOOL:
            out += [lambda: A.Bool(True), lambda: A.Bool(False)]
        elif t == T.STR:
            out.append(lambda: A.String(self.draw(STRING_TEXT)))
        elif t == T.OBJECT:
            out.append(lambda: call("the", A.String(self.draw(st.sampled_from(CATEGORIES)))))
        elif t == T.OBJECTS:
            out += [lambda: A.Name("objects"),
                    lambda: call("find", A.String(self.draw(st.sampled_from(CATEGORIES))))]
        elif t == T.FRAME:
            out.append(lambda: call("frame", self.number_literal(True)))
        elif t == T.ListType(T.FRAME):
            out.append(lambda: A.Name("frames"))
        elif t == T.VEC3:
            out.append(lambda: A.Attr(call("the", A.String("Sofa")), "center"))
        return out

    def compound(self, t: T.Type, depth: int) -> A.Expr:
        callable_defs = [d for d in self.defs if T.fits(d[2], t)]
        if callable_defs and self.chance(0.3):
            name, params, _ = self.draw(st.sampled_from(callable_defs))
            return A.Call(name, tuple(self.expr(p, depth - 1) for p in params))
        if self.chance(0.2):
            return self.draw(st.sampled_from(self.generic(t, depth)))()
        return self.draw(st.sampled_from(self.productions(t, depth)))()

    def generic(self, t: T.Type, depth: int) -> list:
        """Productions that work for any type: if/then/else and list elements."""
        d = depth - 1
        out = [lambda: A.If(self.expr(T.BOOL, d), self.expr(t, d), self.expr(t, d))]
        if not isinstance(t, T.ListType) and t not in (T.OBJECTS,):
            out += [lambda: call(self.draw(st.sampled_from(("first", "last"))),
                                 self.expr(T.ListType(t), d)),
                    lambda: A.Index(self.expr(T.ListType(t), d), self.expr(T.INT, d))]
        return out

    def productions(self, t: T.Type, depth: int) -> list:  # noqa: C901 - one table
        d = depth - 1
        e = self.expr
        if t == T.INT:
            return [
                lambda: A.BinOp(self.draw(st.sampled_from("+-*")), e(T.INT, d), e(T.INT, d)),
                lambda: A.Neg(e(T.INT, d)),
                lambda: call("count", self.objects_arg(depth)),
                lambda: call("len", e(self.draw(st.sampled_from(LET_TYPES[-4:])), d)),
                lambda: call(self.draw(st.sampled_from(("first_seen", "last_seen"))),
                             e(T.OBJECT, d)),
                lambda: call("clock", self.point(depth), self.point(depth), self.point(depth)),
                lambda: A.Attr(e(T.FRAME, d), "index"),
                lambda: call("abs", e(T.INT, d)),
                lambda: call("round", e(T.INT, d)),
                lambda: call(self.draw(st.sampled_from(("min", "max"))), e(T.INT, d),
                             e(T.INT, d)),
                lambda: call("sum", self.objects_arg(depth), self.lam(T.OBJECT, T.INT, depth)),
            ]
        if t == T.NUMBER:
            q = self.draw(st.sampled_from(QUANTITIES))
            return self.productions(T.INT, depth) + [
                lambda: A.BinOp(self.draw(st.sampled_from("+-*/")), e(T.NUMBER, d),
                                e(T.NUMBER, d)),
                lambda: A.InUnit(e(q, d), self.draw(st.sampled_from(Q_UNITS[q]))),
                lambda: A.BinOp("/", e(q, d), e(q, d)),
                lambda: call("sqrt", e(T.NUMBER, d)),
                lambda: call("mean", self.objects_arg(depth),
                             self.lam(T.OBJECT, self.draw(st.sampled_from((T.INT, T.NUMBER))),
                                      depth)),
                lambda: A.Attr(e(T.FRAME, d), "time"),
                lambda: call("round", e(T.NUMBER, d), e(T.INT, d)),
                lambda: call("abs", A.Neg(e(T.NUMBER, d))),
            ]
        if t in QUANTITIES:
            return self.quantity_productions(t, depth)
        if t == T.BOOL:
            return self.bool_productions(depth)
        if t == T.STR:
            sectors = lambda: self.draw(st.sampled_from(({}, {"sectors": A.Number(2)},  # noqa: E731
                                                         {"sectors": A.Number(4)},
                                                         {"sectors": A.Number(8)})))
            margin = lambda: {"margin": e(T.ANGLE, d)} if self.chance(0.3) else {}  # noqa: E731
            return [
                lambda: A.Attr(e(T.OBJECT, d), self.draw(st.sampled_from(
                    ("label", "category", "id")))),
                lambda: call("direction", self.point(depth), self.point(depth),
                             self.point(depth), **sectors(), **margin()),
                lambda: call("view_direction", self.point(depth), e(T.FRAME, d), **sectors(),
                             **margin()),
            ]
        if t == T.VEC3:
            return [
                lambda: A.Attr(e(T.OBJECT, d), self.draw(st.sampled_from(("center", "size")))),
                lambda: call("vec", e(T.LENGTH, d), e(T.LENGTH, d), e(T.LENGTH, d)),
                lambda: A.BinOp(self.draw(st.sampled_from("+-")), e(T.VEC3, d), e(T.VEC3, d)),
                lambda: A.BinOp("*", e(T.NUMBER, d), e(T.VEC3, d)),
                lambda: A.BinOp(self.draw(st.sampled_from("*/")), e(T.VEC3, d),
                                e(T.NUMBER, d)),
                lambda: A.Neg(e(T.VEC3, d)),
                lambda: call("to_camera", self.point(depth), e(T.FRAME, d)),
                lambda: call("move", e(T.FRAME, d), e(T.FRAME, d)),
                lambda: A.Attr(e(T.FRAME, d), "position"),
            ]
        if t == T.OBJECT:
            return [
                lambda: call("the", self.objects_arg(depth)),
                lambda: call(self.draw(st.sampled_from(("argmin", "argmax"))),
                             self.objects_arg(depth), self.lam(T.OBJECT, self.key_type(), depth)),
            ]
        if t == T.OBJECTS:
            return [
                lambda: call("filter", self.objects_arg(depth), self.lam(T.OBJECT, T.BOOL, depth)),
                lambda: call(self.draw(st.sampled_from(("union", "intersect", "minus"))),
                             self.objects_arg(depth), self.objects_arg(depth)),
                lambda: call(self.draw(st.sampled_from(("parents", "children"))),
                             e(T.OBJECT, d)),
                lambda: call("in_view", e(T.FRAME, d)),
            ]
        if t == T.FRAME:
            return [lambda: call("frame", e(T.INT, d))]
        if isinstance(t, T.ListType):
            return self.list_productions(t, depth)
        raise AssertionError(t)

    def quantity_productions(self, t: T.Type, depth: int) -> list:
        d = depth - 1
        e = self.expr
        out = [
            lambda: A.BinOp(self.draw(st.sampled_from("+-")), e(t, d), e(t, d)),
            lambda: A.BinOp("*", e(T.NUMBER, d), e(t, d)),
            lambda: A.BinOp(self.draw(st.sampled_from("*/")), e(t, d), e(T.NUMBER, d)),
            lambda: A.Neg(e(t, d)),
            lambda: call("abs", e(t, d)),
            lambda: call("round", e(t, d), *([e(T.INT, d)] if self.chance() else [])),
            lambda: call(self.draw(st.sampled_from(("min", "max"))), e(t, d), e(t, d)),
            lambda: call(self.draw(st.sampled_from(("min", "max", "sum", "mean"))),
                         self.objects_arg(depth), self.lam(T.OBJECT, t, depth)),
        ]
        if t == T.LENGTH:
            out += [
                lambda: call(self.draw(st.sampled_from(("distance", "horizontal_distance",
                                                        "gap"))),
                             self.point(depth), self.point(depth)),
                lambda: A.Attr(e(T.OBJECT, d), self.draw(st.sampled_from(
                    ("height", "length", "width", "longest", "top", "bottom")))),
                lambda: A.Attr(e(T.VEC3, d), self.draw(st.sampled_from("xyz"))),
                lambda: call("norm", e(T.VEC3, d)),
                lambda: call("sqrt", e(T.AREA, d)),
                lambda: call(self.draw(st.sampled_from(("depth", "camera_distance",
                                                        "camera_gap"))),
                             self.point(depth), e(T.FRAME, d)),
                lambda: call("travel", e(T.FRAME, d), e(T.FRAME, d)),
                lambda: A.Attr(A.Name("room"), self.draw(st.sampled_from(
                    ("length", "width", "height")))),
            ]
        elif t == T.AREA:
            out += [lambda: A.BinOp("*", e(T.LENGTH, d), e(T.LENGTH, d)),
                    lambda: A.Attr(e(T.OBJECT, d), "footprint"),
                    lambda: A.Attr(A.Name("room"), "area")]
        elif t == T.VOLUME:
            out += [lambda: A.BinOp("*", e(T.AREA, d), e(T.LENGTH, d)),
                    lambda: A.BinOp("*", e(T.LENGTH, d), e(T.AREA, d)),
                    lambda: A.Attr(e(T.OBJECT, d), "volume")]
        else:
            out += [lambda: call("bearing", self.point(depth), self.point(depth),
                                 self.point(depth)),
                    lambda: call("view_bearing", self.point(depth), e(T.FRAME, d)),
                    lambda: call("turn", e(T.FRAME, d), e(T.FRAME, d)),
                    lambda: A.Attr(e(T.OBJECT, d), "yaw")]
        return out

    def bool_productions(self, depth: int) -> list:
        d = depth - 1
        e = self.expr

        def ordered():
            kind = self.draw(st.sampled_from(KEYS))
            left_kind = T.INT if kind == T.NUMBER and self.chance(0.3) else kind
            return A.Compare(self.draw(st.sampled_from(("<", "<=", ">", ">="))),
                             e(left_kind, d), e(kind, d))

        def equality():
            kind = self.draw(st.sampled_from((T.INT, T.NUMBER, T.STR, T.BOOL, T.OBJECT,
                                              T.FRAME)))
            return A.Compare(self.draw(st.sampled_from(("==", "!="))), e(kind, d), e(kind, d))

        within = lambda: {"within": e(T.LENGTH, d)} if self.chance(0.3) else {}  # noqa: E731
        return [
            lambda: A.BinOp(self.draw(st.sampled_from(("and", "or"))), e(T.BOOL, d),
                            e(T.BOOL, d)),
            lambda: A.Not(e(T.BOOL, d)),
            ordered,
            equality,
            lambda: call("exists", self.objects_arg(depth)),
            lambda: call("contains", self.objects_arg(depth), e(T.OBJECT, d)),
            lambda: call(self.draw(st.sampled_from(("any", "all"))), self.objects_arg(depth),
                         self.lam(T.OBJECT, T.BOOL, depth)),
            lambda: call("near", self.point(depth), self.point(depth), **within()),
            lambda: call(self.draw(st.sampled_from(("above", "below", "on", "inside",
                                                    "higher"))),
                         self.point(depth), self.point(depth)),
            lambda: call("between", self.point(depth), self.point(depth), self.point(depth),
                         **within()),
            lambda: call("visible", e(T.OBJECT, d), e(T.FRAME, d)),
            lambda: call("seen", e(T.OBJECT, d)),
            lambda: call("co_visible", e(T.OBJECT, d), e(T.OBJECT, d)),
            lambda: call(self.draw(st.sampled_from(("left_of", "right_of", "closer"))),
                         self.point(depth), self.point(depth), e(T.FRAME, d)),
        ]

    def list_productions(self, t: T.ListType, depth: int) -> list:
        d = depth - 1
        e = self.expr
        elem = t.elem
        out = [lambda: A.ListLit(tuple(e(elem, d) for _ in range(1 + self.pick(3))))]
        source_type = self.draw(st.sampled_from((T.ListType(T.LENGTH), T.ListType(T.STR),
                                                 T.ListType(T.FRAME))))
        out += [lambda: call("map", self.objects_arg(depth), self.lam(T.OBJECT, elem, depth)),
                lambda: call("map", e(source_type, d),
                             self.lam(source_type.elem, elem, depth))]
        if elem == T.OBJECT:
            out += [lambda: call("sort", self.objects_arg(depth),
                                 self.lam(T.OBJECT, self.key_type(), depth)),
                    lambda: call("appearance_order", self.objects_arg(depth))]
        elif elem == T.STR:
            out += [lambda: call("labels", self.objects_arg(depth)),
                    lambda: call("route", e(T.FRAME, d), e(T.FRAME, d))]
        return out

    # -- statements
    def program(self) -> A.Program:
        statements: list[A.Stmt] = []
        if self.chance(0.3):
            statements.append(A.Question(self.draw(STRING_TEXT)))
        for _ in range(self.draw(st.integers(0, 6))):
            kind = self.pick(4)
            if kind == 0 and len(self.defs) < 3:
                statements.append(self.definition())
            elif kind == 1:
                statements.append(A.Assert(self.expr(T.BOOL, self.depth()), self.draw(STRING_TEXT)))
            else:
                t = self.draw(st.sampled_from(LET_TYPES))
                value = self.expr(t, self.depth())
                name = self.name("v")
                annotate = self.chance(0.3)
                statements.append(A.Let(name, type_expr(t) if annotate else None, value))
                # unannotated: the value's own type fits `t` (e.g. Int for Number): only
                # ever used where `t` is wanted, so `t` is the right type to remember
                self.scopes[0][name] = t
        answer_type = self.draw(st.sampled_from(ANSWERABLE + (T.ListType(T.STR),)))
        statements.append(A.Answer(self.expr(answer_type, self.depth())))
        return A.Program(tuple(statements))

    def depth(self) -> int:
        return self.draw(st.integers(1, 4))

    def definition(self) -> A.Def:
        name = self.name("f")
        params = []
        scope: dict[str, T.Type] = {}
        for _ in range(self.draw(st.integers(0, 3))):
            pname = self.name("a")
            ptype = self.draw(st.sampled_from(LET_TYPES))
            params.append(A.Param(pname, type_expr(ptype)))
            scope[pname] = ptype
        returns = self.draw(st.sampled_from(LET_TYPES))
        self.scopes.append(scope)
        try:
            body = self.expr(returns, self.depth())
        finally:
            self.scopes.pop()
        self.defs.append((name, tuple(scope[p.name] for p in params), returns))
        return A.Def(name, tuple(params), type_expr(returns), body)


@st.composite
def programs(draw) -> A.Program:
    return ProgramBuilder(draw).program()


# ------------------------------------------------------------- noisy rendering

_SPACES = st.sampled_from([" ", " ", " ", "  ", "\t", " \n ", "\n", " # note\n  ", "\n\n",
                           "\f "])
_LEAVES = (A.Number, A.Quantity, A.String, A.Bool, A.Name)


class NoisyPrinter:
    """Renders an AST as valid, non-canonical text that parses to the same AST.

    Independent of the canonical printer's precedence table: every compound
    operand is parenthesized, leaves sometimes get redundant parentheses, and
    tokens are separated by random whitespace, line breaks and comments (newlines
    are whitespace to the grammar). Calls and lists may get trailing commas.
    """

    def __init__(self, draw):
        self.draw = draw

    def ws(self) -> str:
        return self.draw(_SPACES)

    def opt_ws(self) -> str:
        return self.draw(st.sampled_from(["", "", self.ws()]))

    def wrap(self, node: A.Expr) -> str:
        """An operand: parenthesized unless it is a leaf, a call, a list, `.attr` or `[i]`."""
        text = self.expr(node)
        bare = isinstance(node, _LEAVES + (A.Call, A.ListLit, A.Attr, A.Index))
        if bare and not self.draw(st.integers(0, 5)) == 0:
            return text
        return "(" + self.opt_ws() + text + self.opt_ws() + ")"

    def expr(self, node: A.Expr) -> str:  # noqa: C901 - one case per node type
        from spatial_dsl.lang.printer import expr as canonical

        ws = self.ws
        match node:
            case A.Number() | A.Quantity() | A.String() | A.Bool() | A.Name():
                return canonical(node)
            case A.ListLit(items=items):
                return self.bracketed("[", [self.expr(i) for i in items], "]")
            case A.Call(func=f, args=args, keywords=kws):
                parts = [self.expr(a) for a in args]
                parts += [f"{k.name}{self.opt_ws()}={self.opt_ws()}{self.expr(k.value)}"
                          for k in kws]
                return self.bracketed(f + self.opt_ws() + "(", parts, ")")
            case A.Lambda(param=p, body=b):
                return f"{p}{ws()}=>{ws()}{self.expr(b)}"
            case A.Attr(obj=o, name=n):
                return f"{self.wrap(o)}{self.opt_ws()}.{self.opt_ws()}{n}"
            case A.Index(obj=o, index=i):
                return f"{self.wrap(o)}{self.opt_ws()}[{self.opt_ws()}{self.expr(i)}" \
                       f"{self.opt_ws()}]"
            case A.Neg(operand=o):
                return f"-{self.opt_ws()}{self.wrap(o)}"
            case A.Not(operand=o):
                return f"not{ws()}{self.wrap(o)}"
            case A.BinOp(op=op, left=a, right=b) | A.Compare(op=op, left=a, right=b):
                return f"{self.wrap(a)}{ws()}{op}{ws()}{self.wrap(b)}"
            case A.InUnit(operand=o, unit=u):
                return f"{self.wrap(o)}{ws()}in{ws()}{u}"
            case A.If(cond=c, then=t, orelse=e):
                return f"if{ws()}{self.expr(c)}{ws()}then{ws()}{self.expr(t)}{ws()}else" \
                       f"{ws()}{self.expr(e)}"
        raise AssertionError(node)

    def bracketed(self, opener: str, parts: list[str], closer: str) -> str:
        sep = self.opt_ws() + "," + self.opt_ws()
        trailing = "," if parts and self.draw(st.booleans()) else ""
        return opener + self.opt_ws() + sep.join(parts) + trailing + self.opt_ws() + closer

    def statement(self, node: A.Stmt) -> str:
        from spatial_dsl.lang.printer import format_string, type_expr

        ws = self.ws
        match node:
            case A.Question(text=t):
                return f"question{ws()}{format_string(t)}"
            case A.Let(name=n, annotation=a, value=v):
                annotation = f"{self.opt_ws()}:{ws()}{type_expr(a)}" if a is not None else ""
                return f"let{ws()}{n}{annotation}{ws()}={ws()}{self.expr(v)}"
            case A.Assert(cond=c, message=m):
                return f"assert{ws()}{self.expr(c)}{ws()}else{ws()}{format_string(m)}"
            case A.Answer(value=v):
                return f"answer{ws()}{self.expr(v)}"
            case A.Def(name=n, params=ps, returns=r, body=b):
                params = ("," + ws()).join(
                    f"{p.name}{self.opt_ws()}:{ws()}{type_expr(p.annotation)}" for p in ps)
                return f"def{ws()}{n}{self.opt_ws()}({self.opt_ws()}{params}{self.opt_ws()})" \
                       f"{ws()}->{ws()}{type_expr(r)}{self.opt_ws()}:{ws()}{self.expr(b)}"
        raise AssertionError(node)

    def program(self, program: A.Program) -> str:
        out = [self.draw(st.sampled_from(["", "# head\n", "\n", "  \n# two\n\n"]))]
        for i, stmt in enumerate(program.statements):
            if i:
                out.append(self.draw(st.sampled_from(
                    ["\n", "\n", "\n\n", "  # comment\n", "\n# c\n", "; ", " ;\n", ";"])))
            out.append(self.statement(stmt))
        out.append(self.draw(st.sampled_from(["\n", "", "  # tail\n", "\n\n", "\r\n"])))
        return "".join(out)


@st.composite
def noisy_programs(draw) -> tuple[A.Program, str]:
    program = draw(programs())
    return program, NoisyPrinter(draw).program(program)


# ----------------------------------------------------------------- properties


def _check_clean(text: str):
    checked = compile_source(text)
    assert checked.diagnostics == [], "\n" + text + "\n" + "\n".join(
        f"{d.code} {d.message} @{d.span.line}:{d.span.column}" for d in checked.diagnostics)
    return checked


@FAST
@given(programs())
def test_generated_programs_check_clean(program):
    _check_clean(print_program(program))


@FAST
@given(programs())
def test_parse_of_print_is_identity(program):
    text = print_program(program)
    parsed = parse(Source(text))
    assert parsed.diagnostics == []
    assert parsed.program == program
    assert print_program(parsed.program) == text


@FAST
@given(noisy_programs())
def test_noisy_text_parses_to_the_same_ast(pair):
    program, text = pair
    parsed = parse(Source(text))
    assert parsed.diagnostics == [], text
    assert parsed.program == program, text
    _check_clean(text)


def _comments(text: str) -> list[str]:
    return sorted(c.text.rstrip() for c in parse(Source(text)).program.comments)


@FAST
@given(noisy_programs())
def test_format_is_idempotent_and_keeps_ast_and_comments(pair):
    program, text = pair
    parsed = parse(Source(text)).program
    once = format_program(parsed, text)
    reparsed = parse(Source(once))
    assert reparsed.diagnostics == [], once
    assert reparsed.program == program
    twice = format_program(reparsed.program, once)
    assert twice == once
    assert _comments(once) == _comments(text)


def _golden_clean_programs() -> list[Path]:
    return [p for p in sorted(CASES.glob("*.sp"))
            if p.with_suffix(".expected").read_text(encoding="utf-8") == ""]


@pytest.mark.parametrize("path", _golden_clean_programs(), ids=lambda p: p.stem)
def test_golden_clean_programs_round_trip(path):
    text = path.read_text(encoding="utf-8")
    program = parse(Source(text)).program
    printed = print_program(program)
    assert parse(Source(printed)).program == program
    formatted = format_program(program, text)
    assert parse(Source(formatted)).program == program
    assert format_program(parse(Source(formatted)).program, formatted) == formatted
    assert _comments(formatted) == _comments(text)


# ---------------------------------------------------------------------- fuzz


def assert_only_diagnostics(text: str, diagnostics) -> None:
    for d in diagnostics:
        assert d.code in CODES, d
        assert d.severity in ("error", "warning")
        span = d.span
        assert 0 <= span.start <= span.end <= len(text), (d, len(text))
        assert Source(text).span(span.start, span.end) == span, d
        assert isinstance(d.message, str) and d.message


def fuzz_compile(text: str):
    checked = compile_source(text, "<fuzz>")
    assert_only_diagnostics(text, checked.diagnostics)
    if checked.ok:  # a program that checks clean also formats and round-trips
        program = parse(Source(text)).program
        assert parse(Source(print_program(program))).program == program
    return checked


def _seed_texts() -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(CASES.glob("*.sp"))
             if p.stat().st_size < 4000 and p.name != "syntax_invalid_utf8.sp"]
    return seeds


SEEDS = _seed_texts()
TOKENS = ["(", ")", "[", "]", '"', "\\", "let", "answer", "question", "def", "task", "assert",
          "else", "if", "then", "->", "=>", ":", ",", ";", "\n", "not", "and", "in", "m",
          "1e999", "99999999999999999999", "#", ".", "=", "==", "<", "x", "o =>", "\x00",
          "\t", "é", "List[", "1.5", "-", "*", "\r", "\ufeff", '"\\q"', "cm2", "objects"]


@st.composite
def mutated_programs(draw) -> str:
    chars = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.integers(0, 5))
        i = draw(st.integers(0, len(chars)))
        if op == 0 and chars:  # delete a run
            del chars[i:i + draw(st.integers(1, 5))]
        elif op == 1:  # insert a token
            chars[i:i] = list(draw(st.sampled_from(TOKENS)))
        elif op == 2 and chars:  # duplicate a run
            j = draw(st.integers(0, len(chars) - 1))
            chars[i:i] = chars[j:j + draw(st.integers(1, 30))]
        elif op == 3 and len(chars) > 1:  # swap two characters
            j, k = draw(st.integers(0, len(chars) - 1)), draw(st.integers(0, len(chars) - 1))
            chars[j], chars[k] = chars[k], chars[j]
        elif op == 4:  # insert a random character
            chars.insert(i, draw(st.characters(blacklist_categories=("Cs",))))
        else:  # swap two whitespace-separated tokens
            words = re.split(r"(\s+)", "".join(chars))
            if len(words) > 2:
                j, k = draw(st.integers(0, len(words) - 1)), draw(st.integers(0, len(words) - 1))
                words[j], words[k] = words[k], words[j]
            chars = list("".join(words))
    return "".join(chars)


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_random_text(text):
    fuzz_compile(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS + [" ", "a", "1", "m", '"']), max_size=60))
def test_fuzz_token_soup(tokens):
    fuzz_compile("".join(tokens))


@FUZZ
@given(mutated_programs())
def test_fuzz_mutations_of_valid_programs(text):
    fuzz_compile(text)


@FAST
@given(programs(), st.data())
def test_fuzz_mutations_of_generated_programs(program, data):
    text = print_program(program)
    i = data.draw(st.integers(0, len(text)))
    token = data.draw(st.sampled_from(TOKENS))
    fuzz_compile(text[:i] + token + text[i:])
    j = data.draw(st.integers(0, len(text)))
    fuzz_compile(text[:min(i, j)] + text[max(i, j):])


def _spans(node) -> list:
    return [(type(node).__name__, node.span)] + [s for c in A.children(node) for s in _spans(c)]


def assert_fast_path_agrees(text: str) -> None:
    """The fast parsing path and Lark's parser: same AST, spans, comments and diagnostics."""
    from spatial_dsl.lang.fastparse import SyntaxFailure
    from spatial_dsl.lang.syntax import _parser

    from spatial_dsl.lang.fastparse import SOFT_KEYWORDS

    if set(re.findall(r"[A-Za-z_]+", text)) & SOFT_KEYWORDS:
        return  # Lark's basic lexer makes the task clause words hard keywords; ours does not
    parser = _parser()
    results = []
    with parser.lock:
        for run in (parser.fast.parse, parser.lark.parse):
            parser.builder.reset()
            try:
                tree = run(text)
            except SyntaxFailure:
                tree = None
            except Exception as exc:  # Lark's syntax errors
                if type(exc).__module__.startswith("lark"):
                    tree = None
                else:
                    raise
            results.append(None if tree is None else (
                tree, _spans(tree), list(parser.builder.comments),
                [(d.code, d.span) for d in parser.builder.diagnostics]))
    fast, lark = results
    if lark is None:
        assert fast is None, "the fast path accepted text Lark rejects"
    else:
        assert fast is not None, "the fast path missed text Lark parses"
        assert fast == lark


@FUZZ
@given(st.one_of(mutated_programs(), noisy_programs().map(lambda pair: pair[1])))
def test_fuzz_fast_parser_agrees_with_lark(text):
    assert_fast_path_agrees(text)


def _cli_read(tmp_path: Path, data: bytes):
    path = tmp_path / "fuzz.sp"
    path.write_bytes(data)
    checked = compile_file(str(path))
    assert_only_diagnostics(checked.source.text, checked.diagnostics)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path)])
        fmt_code = main(["fmt", "--check", str(path)])
    assert code in (0, 2), err.getvalue()
    assert fmt_code in (0, 1, 2), err.getvalue()
    assert "internal error" not in err.getvalue()
    if code == 2:
        assert "error[E-" in out.getvalue()
    return checked


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_cli_reads_random_bytes(tmp_path_factory, data):
    _cli_read(tmp_path_factory.mktemp("bytes"), data)


@FAST
@given(mutated_programs(), st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"]))
def test_fuzz_cli_reads_encoded_mutations(tmp_path_factory, text, encoding):
    _cli_read(tmp_path_factory.mktemp("enc"), text.encode(encoding, "replace"))


# ---------------------------------------------------------------- the corpus

CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix == ".sp") \
    if CORPUS.exists() else []
VALID_IN_CORPUS = {"valid_crlf.sp", "valid_bom.sp", "valid_unicode.sp", "valid_paren_200.sp",
                   "valid_many_comments.sp", "valid_tabs_formfeed.sp"}


def test_corpus_size():
    assert 20 <= len(CORPUS_FILES) <= 40
    assert VALID_IN_CORPUS <= {p.name for p in CORPUS_FILES}


def _header(name: str) -> str:
    return rf"^{re.escape(name)}:\d+:\d+: error\[E-[A-Z-]+\]: "


def test_corpus_through_the_real_cli(spdsl):
    """The console script over the corpus: broken files exit 2 with a diagnostic, valid 0.

    A few batches instead of one process per file (each start-up imports numpy):
    every broken file of a batch must show its own diagnostic header, and a
    batch of only broken files exits 2; the valid files run one by one.
    """
    broken = [p.name for p in CORPUS_FILES if p.name not in VALID_IN_CORPUS]
    batches = [broken[i::3] for i in range(3)]
    runs = [("check", *batch) for batch in batches]
    runs += [("check", name) for name in sorted(VALID_IN_CORPUS)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        procs = list(pool.map(lambda args: spdsl(*args, cwd=CORPUS), runs))
    for args, proc in zip(runs, procs):
        output = proc.stdout + proc.stderr
        assert "Traceback" not in output, args
        assert "internal error" not in output, args
        names = args[1:]
        if names[0] in VALID_IN_CORPUS:
            assert proc.returncode == 0 and output == "", (names, output)
            continue
        assert proc.returncode == 2, (names, output)
        for name in names:
            assert re.search(_header(name), proc.stdout, re.M), (name, output)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_in_process(path):
    """Each file alone through the CLI's entry point: its own exit code and output."""
    checked = compile_file(str(path))
    assert_only_diagnostics(checked.source.text, checked.diagnostics)
    assert checked.ok == (path.name in VALID_IN_CORPUS)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path)])
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert main(["fmt", "--check", str(path)]) in (0, 1, 2)
    assert "internal error" not in err.getvalue()
    if path.name in VALID_IN_CORPUS:
        assert code == 0 and out.getvalue() == ""
    else:
        assert code == 2
        assert re.search(_header(str(path)), out.getvalue(), re.M)
