"""The parser: precedence, literals, spans, comments, layout rules and syntax errors."""

from __future__ import annotations

import pytest

from spatial_dsl.lang import ast as A
from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.lang.source import Source, Span
from spatial_dsl.lang.syntax import MAX_PROGRAM_BYTES, MAX_SYNTAX_ERRORS, parse


def program(text: str) -> A.Program:
    result = parse(Source(text))
    assert result.diagnostics == [], result.diagnostics
    return result.program


def value(expr_text: str) -> A.Expr:
    return program(f"answer {expr_text}\n").statements[0].value


def sexp(node) -> str:
    """A compact, fully parenthesized rendering of an expression tree."""
    match node:
        case A.Number(value=v) | A.Bool(value=v):
            return repr(v)
        case A.Quantity(value=v, unit=u):
            return f"{v!r}{u}"
        case A.String(value=v):
            return repr(v)
        case A.Name(id=n):
            return n
        case A.BinOp(op=op, left=a, right=b) | A.Compare(op=op, left=a, right=b):
            return f"({op} {sexp(a)} {sexp(b)})"
        case A.Not(operand=o):
            return f"(not {sexp(o)})"
        case A.Neg(operand=o):
            return f"(- {sexp(o)})"
        case A.InUnit(operand=o, unit=u):
            return f"(in {sexp(o)} {u})"
        case A.If(cond=c, then=t, orelse=e):
            return f"(if {sexp(c)} {sexp(t)} {sexp(e)})"
        case A.Attr(obj=o, name=n):
            return f"(. {sexp(o)} {n})"
        case A.Index(obj=o, index=i):
            return f"([] {sexp(o)} {sexp(i)})"
        case A.Call(func=f, args=args, keywords=kws):
            parts = [sexp(a) for a in args] + [f"{k.name}={sexp(k.value)}" for k in kws]
            return f"({f} {' '.join(parts)})".replace(" )", ")")
        case A.Lambda(param=p, body=b):
            return f"(=> {p} {sexp(b)})"
        case A.ListLit(items=items):
            return "[" + " ".join(sexp(i) for i in items) + "]"
    raise AssertionError(node)


# ------------------------------------------------------------------ precedence

@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("1 / 2 / 3", "(/ (/ 1 2) 3)"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("-1 * 2", "(* (- 1) 2)"),
    ("- -x", "(- (- x))"),
    ("-x.y", "(- (. x y))"),
    ("-xs[0]", "(- ([] xs 0))"),
    ("a or b and c", "(or a (and b c))"),
    ("a and b or c", "(or (and a b) c)"),
    ("not a and b", "(and (not a) b)"),
    ("not a == b", "(not (== a b))"),
    ("not not a", "(not (not a))"),
    ("not a < b or c", "(or (not (< a b)) c)"),
    ("a < b and c >= d", "(and (< a b) (>= c d))"),
    ("a + b < c * d", "(< (+ a b) (* c d))"),
    ("d in cm", "(in d cm)"),
    ("a + b in cm", "(in (+ a b) cm)"),
    ("d in cm + 1", "(+ (in d cm) 1)"),
    ("d in cm > 3", "(> (in d cm) 3)"),
    ("-d in cm", "(in (- d) cm)"),
    ("2 * d in cm", "(in (* 2 d) cm)"),
    ("if a then 1 else 2 + 3", "(if a 1 (+ 2 3))"),
    ("if a then b else if c then d else e", "(if a b (if c d e))"),
    ("if if a then b else c then 1 else 2", "(if (if a b c) 1 2)"),
    ("f(x).y[0].z", "(. ([] (. (f x) y) 0) z)"),
    ("[1, 2][0]", "([] [1 2] 0)"),
    ("filter(S, o => o.h > 1m and p)", "(filter S (=> o (and (> (. o h) 1m) p)))"),
    ("near(a, b, within=1m)", "(near a b within=1m)"),
    ("f(a,)", "(f a)"),
    ("[a, b,]", "[a b]"),
    ("f()", "(f)"),
    ("[]", "[]"),
    ("(((1)))", "1"),
])
def test_precedence_and_associativity(text, expected):
    assert sexp(value(text)) == expected


def test_statements_continue_over_newlines_and_semicolons():
    p = program("let a =\n  1 +\n  2\nlet b = [\n 1,\n 2,\n]; answer a\n")
    assert [type(s).__name__ for s in p.statements] == ["Let", "Let", "Answer"]
    assert sexp(p.statements[0].value) == "(+ 1 2)"


def test_every_statement_form():
    p = program('question "q"\nlet a: List[Object] = sort(objects, o => o.height)\n'
                'def f(x: Length, y: Length = 1m) -> Bool: x < y\n'
                'assert f(1m) else "msg"\nanswer a\n')
    q, let, d, a, ans = p.statements
    assert q == A.Question("q")
    assert let.annotation == A.TypeExpr("List", A.TypeExpr("Object"))
    assert d.name == "f" and [p.name for p in d.params] == ["x", "y"]
    assert d.params[1].default == A.Quantity(1, "m")
    assert d.returns == A.TypeExpr("Bool")
    assert a.message == "msg" and ans.value == A.Name("a")


# -------------------------------------------------------------------- literals

@pytest.mark.parametrize("text, node", [
    ("3", A.Number(3)),
    ("0.25", A.Number(0.25)),
    ("1e-3", A.Number(0.001)),
    ("2E3", A.Number(2000.0)),
    ("1.5m", A.Quantity(1.5, "m")),
    ("30cm", A.Quantity(30, "cm")),
    ("5mm", A.Quantity(5, "mm")),
    ("2m2", A.Quantity(2, "m2")),
    ("0.1m3", A.Quantity(0.1, "m3")),
    ("500cm3", A.Quantity(500, "cm3")),
    ("2L", A.Quantity(2, "L")),
    ("90deg", A.Quantity(90, "deg")),
    ("1e2cm", A.Quantity(100.0, "cm")),
    ("5ft", A.Quantity(5, "ft")),  # parsed; the checker reports E-UNIT
    ("true", A.Bool(True)),
    ("false", A.Bool(False)),
    ('"a \\"b\\" \\\\ c"', A.String('a "b" \\ c')),
    ('""', A.String("")),
])
def test_literals(text, node):
    assert value(text) == node


def test_int_and_float_literals_keep_their_kind():
    assert isinstance(value("3").value, int)
    assert isinstance(value("3.0").value, float)
    assert isinstance(value("3e0").value, float)


def test_number_range():
    assert value(str(2**53)) == A.Number(2**53)
    for text in (str(2**53 + 1), "1e999", "1e999m"):
        result = parse(Source(f"answer {text}\n"))
        assert [d.code for d in result.diagnostics] == ["E-SYNTAX"]
        assert "out of range" in result.diagnostics[0].message


def test_keywords_are_not_names():
    for keyword in ("question", "let", "answer", "assert", "else", "if", "then", "and", "or",
                    "not", "true", "false", "def", "task", "in"):
        result = parse(Source(f"let {keyword} = 1\nanswer 1\n"))
        assert result.diagnostics[0].code == "E-SYNTAX", keyword


def test_names_may_start_with_underscore_and_contain_digits():
    assert value("_x1") == A.Name("_x1")
    assert value("letter") == A.Name("letter")  # a keyword prefix is still a name
    assert value("answered") == A.Name("answered")


def test_task_is_reserved():
    result = parse(Source("task t\nanswer 1\n"))
    assert result.program is None and result.diagnostics[0].code == "E-SYNTAX"
    for text in ("let task = 1\nanswer 1\n", "def task() -> Int: 1\nanswer 1\n",
                 "def f(task: Int) -> Int: 1\nanswer 1\n",
                 "answer count(filter(objects, task => true))\n"):
        result = parse(Source(text))
        assert [d.code for d in result.diagnostics] == ["E-SYNTAX"], text


# ------------------------------------------------------------ spans & comments

def test_spans_are_one_based_and_end_exclusive():
    text = 'let a = the("Sink")  # c\n# own\nanswer distance(a,\n  a) > 1.5m\n'
    p = program(text)
    let, ans = p.statements
    assert let.name_span == Span(1, 5, 1, 6, 4, 5)
    assert let.span == Span(1, 1, 1, 20, 0, 19)
    cmp = ans.value
    assert cmp.op_span == Span(4, 6, 4, 7, 55, 56)
    assert cmp.left.func_span == Span(3, 8, 3, 16, 38, 46)
    assert cmp.left.span == Span(3, 8, 4, 5, 38, 54)
    assert ans.span == Span(3, 1, 4, 12, 31, 61)
    assert text[ans.span.start:ans.span.end] == "answer distance(a,\n  a) > 1.5m"
    assert p.comments == (A.Comment(1, "# c"), A.Comment(2, "# own"))


def test_spans_of_every_node_cover_their_text():
    text = ('let x = -filter(find("A"), o => not o.height in cm > 3)[0].center.z\n'
            'answer if x > 1m then [1, 2][1] else 3\n')
    p = program(text)

    def walk(node):
        yield node
        for child in A.children(node):
            yield from walk(child)

    source = Source(text)
    for node in walk(p):
        span = node.span
        assert 0 <= span.start <= span.end <= len(text)
        assert source.span(span.start, span.end) == span
        if isinstance(node, A.Name):
            assert text[span.start:span.end] == node.id


def test_depth_is_the_height_of_the_tree():
    assert value("1").depth == 1
    assert value("1 + 2").depth == 2
    assert value("-(1 + 2) * 3").depth == 4
    assert value("((((1))))").depth == 1  # parentheses are free
    assert value("not " * 100 + "true").depth == 101


def test_very_deep_prefix_operators_do_not_exhaust_the_stack():
    for text in ("not " * 12000 + "true", "-" * 12000 + "1"):
        result = parse(Source(f"answer {text}\n"))
        assert result.diagnostics == []
        assert result.program.statements[0].depth == 12002


# --------------------------------------------------------------------- layout

def test_two_statements_on_one_line_need_a_semicolon():
    result = parse(Source("let a = 1 let b = 2\nanswer a\n"))
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("E-SYNTAX", "two statements on one line")]
    assert program("let a = 1; let b = 2; answer a\n").statements[2] == A.Answer(A.Name("a"))


def test_empty_and_comment_only_programs_parse():
    assert program("").statements == ()
    assert program("# nothing\n\n").comments == (A.Comment(1, "# nothing"),)
    assert program(";;;\n").statements == ()


def test_crlf_and_tabs_and_form_feeds_are_whitespace():
    p = program("let a =\t1\r\n\fanswer a\r\n")
    assert len(p.statements) == 2
    assert p.statements[1].span.line == 2


# ---------------------------------------------------------------- syntax errors

def errors(text: str) -> list[tuple[str, int, int, str]]:
    result = parse(Source(text))
    return [(d.code, d.span.line, d.span.column, d.message) for d in result.diagnostics]


def test_unterminated_string_spans_to_end_of_line():
    result = parse(Source('let a = "abc\nanswer 1\n'))
    (d,) = result.diagnostics
    assert (d.code, d.message) == ("E-SYNTAX", "unterminated string")
    assert (d.span.line, d.span.column, d.span.end_line, d.span.end_column) == (1, 9, 1, 13)
    assert d.hint == 'close the string with `"` on the same line'


def test_strings_cannot_span_lines():
    assert errors('answer "a\nb"\n')[0][3] == "unterminated string"


@pytest.mark.parametrize("escape", ["\\n", "\\t", "\\q", "\\'", "\\0"])
def test_unknown_escapes_are_errors(escape):
    result = parse(Source(f'answer "x{escape}y"\n'))
    (d,) = result.diagnostics
    assert d.code == "E-SYNTAX" and d.message.startswith("unknown escape")
    assert (d.span.column, d.span.end_column) == (10, 12)


def test_chained_comparison():
    assert errors("answer 1 < 2 < 3\n") == [
        ("E-SYNTAX", 1, 14, "comparisons cannot be chained")]
    assert errors("answer (1 < 2) == (2 < 3)\n") == []


def test_assignment_for_comparison_gets_a_hint():
    result = parse(Source("answer if a = 1 then 1 else 2\n"))
    assert result.diagnostics[0].hint == "use `==` to compare"


def test_lambda_outside_a_call_gets_a_hint():
    result = parse(Source("let f = o => o\nanswer 1\n"))
    assert "lambda" in result.diagnostics[0].hint


def test_one_error_per_broken_statement():
    text = "let a = (1\nlet b = 2 +\nlet c = )\nlet d = 4\nanswer a b\n"
    found = errors(text)
    assert [e[0] for e in found] == ["E-SYNTAX"] * 4
    # the first: the `(` of line 1 that was never closed, not the `let` after it
    assert [e[1] for e in found] == [1, 3, 3, 5]


def test_syntax_errors_are_capped():
    text = "".join(f"let x{i} = )\n" for i in range(100)) + "answer 1\n"
    assert len(errors(text)) == MAX_SYNTAX_ERRORS


def test_unexpected_end_of_program():
    (found,) = errors("answer 1 +\n")
    assert found[:3] == ("E-SYNTAX", 2, 1)
    assert found[3] == "unexpected end of program"


def test_a_bracket_never_closed_is_reported_at_the_bracket():
    # as Python does: newlines inside brackets are ignored, so the end of the program (or
    # the next statement) may be far below the bracket that is the mistake
    assert errors("answer f(1,") == [("E-SYNTAX", 1, 9, "`(` was never closed")]
    text = 'let a = count(filter(objects, o => [o.height > 1m)\n\nlet b = 2\nanswer a\n'
    assert errors(text) == [("E-SYNTAX", 1, 50, "`)` does not match `[` at 1:36")]
    assert errors("let a = (1 +\n\n\nanswer a\n") == [
        ("E-SYNTAX", 1, 9, "`(` was never closed")]
    assert errors("answer [1, 2\n;answer 3") == [("E-SYNTAX", 1, 8, "`[` was never closed")]
    # a bracket closed in time is not blamed for an error inside it
    assert errors("answer (1 + )\n")[0][3] == "unexpected `)`"


def test_unexpected_characters_are_shown_printably():
    assert errors("answer 1 @ 2\n")[0][3] == "unexpected character `@`"
    assert errors("answer 1\x00\n")[0][3] == "unexpected character `\\x00`"
    assert errors("answer 1\u200b\n")[0][3] == "unexpected character `\\u200b`"


def test_positional_after_keyword():
    result = parse(Source("answer f(a=1, 2)\n"))
    assert [d.message for d in result.diagnostics] == [
        "positional argument after a keyword argument"]


def test_program_size_limit_counts_utf8_bytes():
    small = "answer 1\n# " + "é" * 30000 + "\n"  # 30k characters, 60k bytes: fine
    assert parse(Source(small)).diagnostics == []
    big = "answer 1\n# " + "é" * 33000 + "\n"  # 33k characters but 66k bytes
    assert len(big) < MAX_PROGRAM_BYTES < len(big.encode())
    result = parse(Source(big))
    assert result.program is None
    assert [d.code for d in result.diagnostics] == ["E-LIMIT"]


def test_parse_never_raises_on_lone_surrogates():
    checked = compile_source('answer "\ud800"\n')
    assert checked.ok
