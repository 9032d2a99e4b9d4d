"""The Pygments lexer for SpatialDSL."""

from __future__ import annotations

import importlib.metadata

import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from spatial_dsl.lang.builtins import BUILTINS
from spatial_dsl.lang.lexer import SpatialDSLLexer

from .conftest import REPO


def _tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in SpatialDSLLexer().get_tokens(text) if v.strip()]


def _sources():
    paths = sorted((REPO / "stdlib").rglob("*.sp")) + sorted((REPO / "examples").rglob("*.sp"))
    assert len(paths) > 40
    return paths


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_every_bundled_program_lexes_without_errors(path):
    text = path.read_text()
    tokens = list(SpatialDSLLexer().get_tokens(text))
    assert "".join(v for _, v in tokens).rstrip("\n") == text.rstrip("\n")
    assert [v for t, v in tokens if t is Error] == []


def test_statements_types_and_literals():
    toks = _tokens('# a comment\nquestion "How far, in \\"cm\\"?"\n'
                   "let d: Length = distance(the(\"Sofa\"), frame(0).position) in cm\n"
                   "assert d > 1.5m and not false else \"too close\"\n"
                   "def big(o: Object) -> Bool: o.volume >= 500cm3\n"
                   "answer if d < 2e-3 then 1 else round(d, 2)\n")
    assert toks[0] == (Comment.Single, "# a comment")
    assert (Keyword, "question") in toks and (String.Escape, '\\"') in toks
    assert (Name.Variable, "d") in toks and (Keyword.Type, "Length") in toks
    assert (Name.Builtin, "distance") in toks and (Name.Builtin, "the") in toks
    assert (Name.Builtin, "frame") in toks and (Name.Attribute, "position") in toks
    # `in UNIT` and quantities: the number, then its unit
    i = toks.index((Operator.Word, "in"))
    assert toks[i + 1] == (Keyword.Type, "cm")
    i = toks.index((Number, "1.5"))
    assert toks[i + 1] == (Keyword.Type, "m")
    i = toks.index((Number, "500"))
    assert toks[i + 1] == (Keyword.Type, "cm3")
    assert (Number.Float, "2e-3") in toks and (Number.Integer, "1") in toks
    assert (Keyword.Constant, "false") in toks and (Operator.Word, "not") in toks
    assert (Keyword, "def") in toks and (Name.Function, "big") in toks
    for word in ("assert", "else", "answer", "if", "then"):
        assert (Keyword, word) in toks
    assert (Operator, "->") in toks and (Operator, ">=") in toks


def test_lambdas_keywords_and_constants():
    toks = _tokens("answer count(filter(objects, o => near(o, the(\"Bed\"), within=1m)))")
    assert (Name.Variable, "o") in toks and (Operator, "=>") in toks
    assert (Name.Label, "within") in toks
    assert (Name.Builtin.Pseudo, "objects") in toks
    # a builtin name used as a plain name (not called) is not highlighted as a builtin
    assert (Name, "count") in _tokens("let count = 3\nanswer count")


def test_task_soft_keywords_only_start_clauses():
    text = ("task demo\n  modality image\n  params f: Frame, a: Category, s: one of "
            '["left", "right"], n: Int in 1..3\n  where count(find(a)) == 1\n'
            '  ask "Is the {a} to the {s}?"\n  choices ["yes", "no"]\n  answer true\n'
            "let where = 1\n")
    toks = _tokens(text)
    assert (Keyword, "task") in toks and (Name.Class, "demo") in toks
    assert (Keyword, "modality") in toks and (Name.Constant, "image") in toks
    for word in ("params", "where", "ask", "choices", "one", "of"):
        assert (Keyword, word) in toks, word
    assert (String.Interpol, "{a}") in toks and (String.Interpol, "{s}") in toks
    assert (Operator, "..") in toks and (Keyword.Type, "Category") in toks
    # `where` as an ordinary name elsewhere
    assert toks[-4:] == [(Keyword, "let"), (Name.Variable, "where"), (Operator, "="),
                         (Number.Integer, "1")]


def test_every_builtin_of_the_registry_is_highlighted():
    for b in BUILTINS.values():
        if b.is_constant:
            assert (Name.Builtin.Pseudo, b.name) in _tokens(f"answer {b.name}"), b.name
        else:
            assert (Name.Builtin, b.name) in _tokens(f"answer {b.name}(x)"), b.name


def test_unterminated_string_and_junk_do_not_break_the_lexer():
    toks = list(SpatialDSLLexer().get_tokens('answer "open\nanswer 1 @ 2x\n'))
    assert (Keyword, "answer") in [(t, v) for t, v in toks][3:]
    assert any(t is Error for t, _ in toks)


def test_registered_as_a_pygments_plugin():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    eps = importlib.metadata.entry_points(group="pygments.lexers")
    if not any(ep.value == "spatial_dsl.lang.lexer:SpatialDSLLexer" for ep in eps):
        pytest.skip("the package is not installed with its entry points (pip install -e .)")
    assert isinstance(get_lexer_by_name("spatialdsl"), SpatialDSLLexer)
    assert isinstance(get_lexer_by_name("spdsl"), SpatialDSLLexer)
    assert isinstance(get_lexer_for_filename("count.sp", "answer count(\"Chair\")"),
                      SpatialDSLLexer)


def test_html_output():
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    html = highlight('answer distance(the("A"), the("B")) in cm', SpatialDSLLexer(),
                     HtmlFormatter())
    assert '<span class="nb">distance</span>' in html and '<span class="kt">cm</span>' in html
