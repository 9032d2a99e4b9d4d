"""Our LALR driver must build exactly the AST (and comments) Lark's own parser builds
from the same tables, and give up exactly where Lark gives up.

Lark's basic lexer treats the task clause words as hard keywords, so programs
that use them (task files) are compared on the AST printer round trip instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from spatial_dsl.lang.fastparse import SOFT_KEYWORDS, SyntaxFailure
from spatial_dsl.lang.syntax import _parser

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = sorted(ROOT.glob("examples/**/*.sp")) + sorted(ROOT.glob("tests/cases/**/*.sp"))


def both(text: str):
    parser = _parser()
    with parser.lock:
        parser.builder.reset()
        try:
            fast = (parser.fast.parse(text), list(parser.builder.comments),
                    list(parser.builder.diagnostics))
        except SyntaxFailure:
            fast = None
        parser.builder.reset()
        try:
            slow = (parser.lark.parse(text), list(parser.builder.comments),
                    list(parser.builder.diagnostics))
        except Exception:
            slow = None
    return fast, slow


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_path_agrees_with_lark(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    if set(text.split()) & SOFT_KEYWORDS:
        pytest.skip("uses soft keywords, which Lark's basic lexer treats as hard")
    fast, slow = both(text)
    if slow is None:  # a program with a syntax error: the fast path must give up too
        assert fast is None
        return
    assert fast is not None, "the fast path missed a program Lark parses"
    assert fast[0] == slow[0]
    assert [n.span for n in fast[0].statements] == [n.span for n in slow[0].statements]
    assert fast[1:] == slow[1:]


@pytest.mark.parametrize("text", ["answer 1 @ 2", 'answer "open', "let = 3", "answer",
                                  "answer f(1,, 2)", "let x = 1 2"])
def test_driver_and_lark_both_reject(text):
    fast, slow = both(text)
    assert fast is None and slow is None


def test_soft_keywords_are_names_outside_tasks():
    from spatial_dsl.lang.check.checker import compile_source

    checked = compile_source("let where = 1\nlet params = where + 1\nanswer params")
    assert checked.ok, checked.diagnostics
