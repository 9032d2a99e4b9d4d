"""The canonical printer and the formatter behind `spdsl fmt`."""

from __future__ import annotations

from pathlib import Path

import pytest

from spatial_dsl.lang import ast as A
from spatial_dsl.lang.printer import (
    expr, format_number, format_program, format_string, print_program,
)
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.syntax import parse

REPO = Path(__file__).resolve().parent.parent


def parsed(text: str) -> A.Program:
    result = parse(Source(text))
    assert result.diagnostics == [], result.diagnostics
    return result.program


def fmt(text: str) -> str:
    return format_program(parsed(text), text)


def canonical(expr_text: str) -> str:
    return expr(parsed(f"answer {expr_text}\n").statements[0].value)


@pytest.mark.parametrize("text, expected", [
    ("1+2*3", "1 + 2 * 3"),
    ("(1+2)*3", "(1 + 2) * 3"),
    ("1-(2-3)", "1 - (2 - 3)"),
    ("(1-2)-3", "1 - 2 - 3"),
    ("1/(2*3)", "1 / (2 * 3)"),
    ("-(a+b)", "-(a + b)"),
    ("(-a).x", "(-a).x"),
    ("-a.x", "-a.x"),
    ("not(a and b)", "not (a and b)"),
    ("(not a)==b", "(not a) == b"),
    ("not a==b", "not a == b"),
    ("(a<b)==(c<d)", "(a < b) == (c < d)"),
    ("a or (b and c)", "a or b and c"),
    ("(a or b) and c", "(a or b) and c"),
    ("(d in cm)*2", "(d in cm) * 2"),
    ("(a+b) in cm", "a + b in cm"),
    ("(d in cm) > 3", "d in cm > 3"),
    ("(if c then 1 else 2)+1", "(if c then 1 else 2) + 1"),
    ("f(if c then 1 else 2)", "f(if c then 1 else 2)"),
    ("if c then (if d then 1 else 2) else 3", "if c then if d then 1 else 2 else 3"),
    ("filter( S ,o=>o.h>1m )", "filter(S, o => o.h > 1m)"),
    ("near(a,b,within = 1m,)", "near(a, b, within=1m)"),
    ("[ 1 ,2, ]", "[1, 2]"),
    ("xs [ 0 ] . y", "xs[0].y"),
    ("(f(x))[0]", "f(x)[0]"),
    ("((((x))))", "x"),
])
def test_canonical_expressions(text, expected):
    assert canonical(text) == expected
    assert canonical(expected) == expected


@pytest.mark.parametrize("value, text", [
    (3, "3"), (0, "0"), (0.5, "0.5"), (1e-05, "1e-05"), (1e16, "1e+16"), (2.0, "2.0"),
    (123456.789, "123456.789"),
])
def test_number_format_round_trips(value, text):
    assert format_number(value) == text
    assert parsed(f"answer {text}\n").statements[0].value == A.Number(value)


def test_quantities_and_strings_round_trip():
    for value in ("1.5m", "30cm", "1e-05m", "1e+16deg", "2L", "0.1m3"):
        assert canonical(value) == value
    for raw in ['a"b', "a\\b", "", "\\\\\"", "tab\there", "ünï ☕"]:
        literal = format_string(raw)
        assert parsed(f"answer {literal}\n").statements[0].value == A.String(raw)


def test_every_statement_form_prints():
    text = ('question "q"\nlet a: List[Object] = sort(objects, o => o.height)\n'
            "def f(x: Length, y: Length = 1m) -> Bool: x < y\n"
            'assert f(1m) else "m\\"sg"\nanswer a\n')
    assert print_program(parsed(text)) == text


def test_format_layout_comments_and_blank_lines():
    text = ("# header\n"
            'question   "q"   # trailing q\n'
            "let a=1;let b = ( 2 +\n  3 )  # after b\n"
            "# before answer\n\n\n"
            "answer   f( a , b, )   # end\n"
            "# final\n")
    assert fmt(text) == ("# header\n"
                         'question "q"  # trailing q\n'
                         "let a = 1\n"
                         "let b = 2 + 3  # after b\n"
                         "\n"  # a blank line before a statement's comments stays before them
                         "# before answer\n"
                         "answer f(a, b)  # end\n"
                         "# final\n")


def test_format_keeps_a_single_blank_line_between_groups():
    text = "let a = 1\n\n\n\nlet b = 2\nanswer a\n"
    assert fmt(text) == "let a = 1\n\nlet b = 2\nanswer a\n"


def test_format_moves_comments_inside_a_statement_before_it():
    text = "let a = f(\n  1,  # one\n  # two\n  2)\nanswer a\n"
    assert fmt(text) == "# one\n# two\nlet a = f(1, 2)\nanswer a\n"


def test_format_of_comment_only_and_empty_programs():
    assert fmt("") == ""
    assert fmt("\n\n") == ""
    assert fmt("# just a note\n") == "# just a note\n"
    assert fmt("# a\n\n\n# b\n") == "# a\n\n# b\n"


def test_format_uses_the_parsers_line_numbers():
    """Lines are split at `\\n` only: a form feed or U+2028 inside a line does not shift them."""
    text = 'let a = "x\fy\u2028z"\n# c\nlet b = 2  # t\nanswer 1\n'
    assert fmt(text) == 'let a = "x\fy\u2028z"\n# c\nlet b = 2  # t\nanswer 1\n'


def test_format_is_idempotent_on_crlf_and_tabs():
    text = "let\ta =\t1\r\n\r\n# note\r\nanswer a  # end\r\n"
    once = fmt(text)
    assert once == "let a = 1\n\n# note\nanswer a  # end\n"
    assert fmt(once) == once


def _sample_programs() -> list[Path]:
    return sorted((REPO / "tests" / "cases" / "check").glob("clean_*.sp")) + \
        sorted((REPO / "examples").glob("*.sp"))


@pytest.mark.parametrize("path", _sample_programs(), ids=lambda p: p.name)
def test_samples_format_idempotently(path):
    text = path.read_text(encoding="utf-8")
    program = parsed(text)
    once = format_program(program, text)
    again = parsed(once)
    assert again == program
    assert format_program(again, once) == once
    assert [c.text.rstrip() for c in program.comments] == [c.text for c in again.comments]
    assert parsed(print_program(program)) == program


def test_examples_are_already_formatted():
    for path in sorted((REPO / "examples").glob("*.sp")):
        text = path.read_text(encoding="utf-8")
        assert fmt(text) == text, path.name
