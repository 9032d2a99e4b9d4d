"""Keywords are written once, in grammar/spatial.lark; the front end and the lexer read them.

spatial_dsl/lang/keywords.py reads the grammar at import. These tests pin what it reads
from today's grammar (the expected sets are copied by hand from grammar/spatial.lark: its
keyword terminals, the `// Soft keywords` section, `_stmt`, `atom` and the operator rules),
check it against Lark's own reading of the grammar, show that a keyword added to a grammar
reaches every reader, and grep that the readers list no keyword themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pygments.token import Keyword, Name, Operator

import spatial_dsl
from spatial_dsl.lang import fastparse, keywords, lexer, syntax
from spatial_dsl.lang.keywords import GrammarKeywordsError, read_keywords
from spatial_dsl.resources import read_text

GRAMMAR = read_text("grammar", "spatial.lark")


def test_the_grammar_keywords_as_read_from_todays_grammar():
    assert keywords.STATEMENT_KEYWORDS == ("question", "let", "assert", "answer", "def", "task")
    assert keywords.HARD_KEYWORDS == {"question", "let", "assert", "answer", "def", "task",
                                      "if", "then", "else"}
    assert keywords.SOFT_KEYWORDS == {"modality", "params", "where", "ask", "choices", "one",
                                      "of"}
    assert keywords.DOMAIN_KEYWORDS == {"one", "of"}
    assert keywords.CLAUSE_KEYWORDS == {"modality", "params", "where", "ask", "choices"}
    assert keywords.OPERATOR_KEYWORDS == {"and", "or", "not", "in"}
    assert keywords.LITERAL_KEYWORDS == {"true", "false"}


def test_the_reading_agrees_with_larks_terminals():
    # Lark's own reading: every terminal whose pattern is one word, named in the grammar or
    # written inside a rule (Lark names "else" ELSE), is a keyword
    from lark import Lark

    lark = Lark(GRAMMAR, parser="lalr")
    words = {t.name: t.pattern.value for t in lark.terminals
             if t.pattern.type == "str" and re.fullmatch(r"[a-z_]+", t.pattern.value)}
    assert set(words.values()) == keywords.KEYWORDS.all
    assert keywords.WORD_OF.items() <= words.items()
    assert keywords.KEYWORDS.rule_words == {"else", "then"}


def test_the_readers_use_the_grammar_sets():
    assert fastparse.SOFT_KEYWORDS is keywords.SOFT_KEYWORDS
    assert syntax.STATEMENT_KEYWORDS is keywords.STATEMENT_KEYWORDS
    assert set(lexer.KEYWORDS) == keywords.HARD_KEYWORDS
    assert set(lexer.WORD_OPERATORS) == keywords.OPERATOR_KEYWORDS
    assert set(lexer.CONSTANTS) == keywords.LITERAL_KEYWORDS


def _with_statement(grammar: str, word: str) -> str:
    """The grammar with a new statement ``WORD expr`` and a new soft keyword ``hint``."""
    grammar = grammar.replace("_stmt: question |", f"_stmt: {word}_stmt | question |")
    grammar = grammar.replace('TASK: "task"\n', f'TASK: "task"\n{word.upper()}: "{word}"\n')
    grammar = grammar.replace('OF: "of"\n', 'OF: "of"\nHINT: "hint"\n')
    return grammar + f"\n{word}_stmt: {word.upper()} expr\n"


def test_a_keyword_added_to_the_grammar_reaches_every_set():
    read = read_keywords(_with_statement(GRAMMAR, "assume"))
    assert read.statement[0] == "assume" and "assume" in read.hard
    assert "hint" in read.soft and "hint" in read.clause and "hint" not in read.hard
    assert read.soft - {"hint"} == keywords.SOFT_KEYWORDS


def test_a_grammar_without_its_soft_keyword_section_is_refused():
    with pytest.raises(GrammarKeywordsError, match="Soft keywords"):
        read_keywords(GRAMMAR.replace("// Soft keywords", "// Keywords"))


def _tokens(text: str) -> list[tuple]:
    return [(t, v) for t, v in lexer.SpatialDSLLexer().get_tokens(text) if v.strip()]


def test_the_lexer_highlights_each_kind_of_keyword_as_the_grammar_says():
    program = 'let a = if true then 1 else 2\nassert a > 0 and not false else "x"\nanswer a'
    tokens = dict((v, t) for t, v in _tokens(program))
    assert {tokens[w] for w in ("let", "if", "then", "else", "assert", "answer")} == {Keyword}
    assert tokens["and"] == tokens["not"] == Operator.Word
    assert tokens["true"] == tokens["false"] == Keyword.Constant
    # a soft keyword is a keyword where a clause starts a line, a name elsewhere
    template = "task t\nmodality image\nwhere x\nask \"q\"\nanswer x\n"
    assert (Keyword, "where") in _tokens(template)
    assert (Name, "where") in _tokens("let where = 1\nanswer where")


def test_no_reader_lists_keywords_by_hand():
    # a tuple or set of two or more keyword strings in the readers' source is a second copy
    lang = Path(spatial_dsl.__path__[0]) / "lang"
    words = "|".join(sorted(keywords.KEYWORDS.all))
    listed = re.compile(rf'["\']({words})["\']\s*,\s*["\']({words})["\']')
    found = [f"{name}: {m.group(0)}" for name in ("syntax.py", "fastparse.py", "lexer.py")
             for m in listed.finditer((lang / name).read_text("utf-8"))]
    assert found == []
