"""The AST builders (spatial_dsl.lang.build): what they build prints as the canonical text
a person would write, parses back to the same tree, and carries the parser's depths."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatial_dsl.lang import ast
from spatial_dsl.lang import build as b
from spatial_dsl.lang.check.checker import check
from spatial_dsl.lang.printer import expr as print_expr
from spatial_dsl.lang.printer import print_program
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.syntax import parse


def parsed_program(text: str) -> ast.Program:
    result = parse(Source(text))
    assert result.program is not None and not result.diagnostics, result.diagnostics
    return result.program


def parsed_expr(text: str) -> ast.Expr:
    return parsed_program(f"answer {text}\n").statements[0].value


def depths(node: ast.Node) -> list[tuple[str, int]]:
    """Every node's (type, depth), pre-order: depth takes no part in ``==``."""
    out = [(type(node).__name__, node.depth)]
    for child in ast.children(node):
        out += depths(child)
    return out


# The expected texts are written by hand, as a person writes SpatialDSL.
BUILT = [
    (b.call("argmax", b.call("find", b.string("Chair")), b.lam("o", b.attr("o", "height"))),
     'argmax(find("Chair"), o => o.height)'),
    (b.call("near", "o", b.call("the", b.string("Window")), within=b.quantity(0.5, "m")),
     'near(o, the("Window"), within=0.5m)'),
    (b.index(b.call("sort", b.call("find", b.string("Shelf")),
                    b.lam("o", b.attr("o", "center", "z"))), -2),
     'sort(find("Shelf"), o => o.center.z)[-2]'),
    (b.compare("<=", b.call("distance", "a", "b"), b.quantity(1, "m")),
     "distance(a, b) <= 1m"),
    (b.in_unit(b.binop("-", b.attr("o", "bottom"), b.attr("l", "top")), "m"),
     "o.bottom - l.top in m"),  # `in` binds looser than `-` (language.md precedence)
    (b.binop("-", b.in_unit(b.attr("o", "bottom"), "m"), 1), "(o.bottom in m) - 1"),
    (b.binop("*", b.binop("+", 1, 2), 3), "(1 + 2) * 3"),
    (b.binop("-", 1, b.binop("-", 2, 3)), "1 - (2 - 3)"),
    (b.and_(b.compare(">", "x", 1), b.not_(b.compare("==", "y", 2)), True),
     "x > 1 and not y == 2 and true"),
    (b.if_(b.call("inside", "o", "l"), b.call("count", "objects"), 1000.0),
     "if inside(o, l) then count(objects) else 1000.0"),
    (b.call("filter", "objects", b.lam("x", b.compare("==", b.attr("x", "id"),
                                                       b.string('Cup|"1"\\')))),
     'filter(objects, x => x.id == "Cup|\\"1\\"\\\\")'),
    (b.list_(1, 2.5, b.neg(b.attr("o", "height")), b.string("a")), '[1, 2.5, -o.height, "a"]'),
    (b.union([b.name(f"s{i}") for i in range(5)]),
     "union(union(s0, s1), union(s2, union(s3, s4)))"),
    (b.call("frame", 3), "frame(3)"),
    (b.number(-1.5), "-1.5"),
]


@pytest.mark.parametrize("node, text", BUILT, ids=[t for _, t in BUILT])
def test_a_built_expression_prints_canonically_and_parses_back(node, text):
    assert print_expr(node) == text
    back = parsed_expr(text)
    assert back == node
    assert depths(back) == depths(node)


def test_item_program_prints_one_statement_per_line_and_parses_back():
    inside = b.def_("inside_of", [b.param("o", "Object"), b.param("c", "Object")], "Bool",
                    b.call("inside", "o", "c"))
    built = b.item_program(
        'Is the mug in the "big" box?', [inside],
        {"a": b.call("the", b.string("Mug")), "n": 1.0},
        b.call("inside_of", "a", b.call("the", b.string("Box"))))
    text = print_program(built)
    assert text == ('question "Is the mug in the \\"big\\" box?"\n'
                    "def inside_of(o: Object, c: Object) -> Bool: inside(o, c)\n"
                    'let a = the("Mug")\n'
                    "let n = 1.0\n"
                    'answer inside_of(a, the("Box"))\n')
    back = parsed_program(text)
    assert back == built
    assert depths(back) == depths(built)
    checked = check(built, Source(text, "<built>"))
    assert checked.ok, checked.diagnostics


def test_a_let_with_a_list_type_and_an_assert():
    built = b.program(b.let("xs", b.call("find", b.string("Mug")), b.type_expr("List", "Object")),
                      b.assert_(b.compare(">", b.call("count", "xs"), 0), "no mug"),
                      b.answer(b.call("count", "xs")))
    text = print_program(built)
    assert text == ('let xs: List[Object] = find("Mug")\n'
                    'assert count(xs) > 0 else "no mug"\nanswer count(xs)\n')
    assert parsed_program(text) == built
    assert depths(parsed_program(text)) == depths(built)


@pytest.mark.parametrize("bad", [
    lambda: b.name("not a name"), lambda: b.call("fi nd"), lambda: b.attr("o"),
    lambda: b.binop("<", 1, 2), lambda: b.compare("+", 1, 2), lambda: b.expr(None),
    lambda: b.union([]), lambda: b.string(3), lambda: b.lam("", 1),
    lambda: b.number(float("nan")), lambda: b.quantity(float("inf"), "m"),
    lambda: b.string("two\nlines"), lambda: b.question("two\nlines"),
    lambda: b.attr(b.lam("o", 1), "x"), lambda: b.let("a", b.lam("o", 1)),  # lambda: a call's
])
def test_the_builders_refuse_what_is_no_spatial_dsl(bad):
    with pytest.raises((ValueError, TypeError)):
        bad()


def test_a_python_string_is_a_name_never_a_literal():
    assert b.expr("objects") == ast.Name("objects")
    with pytest.raises(ValueError):
        b.expr('the("Mug")')  # text is never code


# ------------------------------------------------------------ random trees round trip

_NAMES = st.sampled_from(["o", "l", "objects", "x"])
_LEAVES = st.one_of(
    st.integers(-50, 50).map(b.number),
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).map(b.number),
    st.tuples(st.floats(0, 100, allow_nan=False), st.sampled_from(["m", "cm", "deg"])).map(
        lambda t: b.quantity(*t)),
    st.text(max_size=6).filter(lambda s: "\n" not in s).map(b.string),
    st.booleans().map(b.boolean), _NAMES.map(b.name))


def _grow(children):
    # a lambda only as an argument of a call, as the grammar has it
    arguments = st.one_of(children, st.tuples(_NAMES, children).map(lambda t: b.lam(*t)))
    return st.one_of(
        st.tuples(st.sampled_from(["distance", "the", "count"]),
                  st.lists(arguments, max_size=3)).map(lambda t: b.call(t[0], *t[1])),
        st.tuples(children, children).map(lambda t: b.call("near", *t, within=t[1])),
        st.tuples(children, st.sampled_from(["center", "z", "height"])).map(
            lambda t: b.attr(*t)),
        st.tuples(children, children).map(lambda t: b.index(*t)),
        children.map(b.neg), children.map(b.not_),
        st.tuples(st.sampled_from(sorted(b._BINARY)), children, children).map(
            lambda t: b.binop(*t)),
        st.tuples(st.sampled_from(sorted(b._COMPARISONS)), children, children).map(
            lambda t: b.compare(*t)),
        st.tuples(children, st.sampled_from(["m", "cm"])).map(lambda t: b.in_unit(*t)),
        st.tuples(children, children, children).map(lambda t: b.if_(*t)),
        st.lists(children, max_size=3).map(lambda xs: b.list_(*xs)))


@settings(max_examples=300, deadline=None)
@given(st.recursive(_LEAVES, _grow, max_leaves=12))
def test_any_built_tree_prints_and_parses_back_with_its_depths(node):
    text = print_expr(node)
    back = parsed_expr(text)
    assert back == node, text
    assert depths(back) == depths(node), text
    assert print_expr(back) == text


@pytest.mark.parametrize("literal", [b.number(-0.0), b.quantity(-0.0, "m")])
def test_negative_zero_is_built_as_the_negation_the_parser_reads(literal):
    # Hypothesis found it: Number(-0.0) printed "-0.0", which parses as Neg(Number(0.0)).
    text = print_expr(literal)
    assert text.startswith("-")
    assert parsed_expr(text) == literal
