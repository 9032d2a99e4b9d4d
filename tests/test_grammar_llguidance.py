"""grammar/spatial.lark is sent unchanged to grammar-constrained LLM services: check it there.

llguidance validates the grammar, and a matcher over a byte-level tokenizer (one
token per byte, plus an end-of-sequence token) checks that whole programs are
accepted: each byte is consumed as one token, and the matcher must then be in
an accepting state and take EOS. No model and no network are needed.

llguidance does not, by default, let an `%ignore`d lexeme (whitespace, a
comment) begin the output (guidance-ai/llguidance#233): a constrained model
must start with a statement. So programs are checked (a) as is against the
grammar with llguidance's own `allow_initial_skip` option prepended, and (b)
against the unchanged grammar with their leading whitespace and comments removed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spatial_dsl.lang.check.checker import compile_source
from spatial_dsl.lang.syntax import grammar_text

llguidance = pytest.importorskip("llguidance")

REPO = Path(__file__).resolve().parent.parent
GRAMMAR_FILE = REPO / "grammar" / "spatial.lark"
CASES = REPO / "tests" / "cases" / "check"
EOS = 256


class _ByteVocabulary:
    """What llguidance.TokenizerWrapper needs: 256 one-byte tokens and an EOS token."""

    eos_token_id = EOS
    bos_token_id = None
    tokens = [bytes([b]) for b in range(256)] + [b"<eos>"]
    special_token_ids = [EOS]

    def __call__(self, text):
        return list(text.encode("utf-8") if isinstance(text, str) else text)


@pytest.fixture(scope="module")
def grammar() -> str:
    return llguidance.grammar_from("lark", GRAMMAR_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def grammar_initial_skip() -> str:
    """The same grammar with llguidance's option to allow leading whitespace and comments."""
    option = '%llguidance {"allow_initial_skip": true}\n'
    return llguidance.grammar_from("lark", option + GRAMMAR_FILE.read_text(encoding="utf-8"))


_LEADING_TRIVIA = re.compile(r"\A(?:[ \t\f\r\n]+|#[^\n]*)*")


def strip_leading_trivia(text: str) -> str:
    return _LEADING_TRIVIA.sub("", text)


@pytest.fixture(scope="module")
def tokenizer():
    return llguidance.LLTokenizer(llguidance.TokenizerWrapper(_ByteVocabulary()))


def accepts(tokenizer, grammar: str, text: str) -> bool:
    matcher = llguidance.LLMatcher(tokenizer, grammar, log_level=0)
    assert not matcher.is_error(), matcher.get_error()
    if not matcher.consume_tokens(list(text.encode("utf-8"))):
        return False
    return matcher.is_accepting() and matcher.consume_token(EOS)


def _clean_programs() -> list[Path]:
    clean = [p for p in sorted(CASES.glob("*.sp"))
             if p.with_suffix(".expected").read_text(encoding="utf-8") == ""]
    return clean + sorted((REPO / "examples").glob("*.sp"))


CLEAN = _clean_programs()


def test_grammar_file_is_the_one_the_compiler_uses():
    assert grammar_text() == GRAMMAR_FILE.read_text(encoding="utf-8")


def test_llguidance_validates_the_grammar(grammar, grammar_initial_skip):
    assert llguidance.LLMatcher.validate_grammar(grammar) == ""
    is_error, messages = llguidance.LLMatcher.validate_grammar_with_warnings(grammar)
    assert not is_error and messages == []
    assert llguidance.LLMatcher.validate_grammar(grammar_initial_skip) == ""


def _code_lines() -> list[str]:
    text = GRAMMAR_FILE.read_text(encoding="utf-8")
    return [line.split("//")[0] if not line.lstrip().startswith("/") else ""
            for line in text.splitlines()]


def test_grammar_uses_only_portable_features():
    code = "\n".join(_code_lines())
    for lookaround in ("(?=", "(?!", "(?<=", "(?<!"):
        assert lookaround not in code
    assert "%import" not in code
    assert "%declare" not in code and "%override" not in code and "%extend" not in code
    # terminal priorities: `NAME.2:`; rule templates: `_sep{x, sep}`
    assert not re.search(r"^\s*[A-Z_][A-Z0-9_]*\.-?\d+\s*:", code, re.M)
    assert not re.search(r"^\s*[a-z_][a-z0-9_]*\{", code, re.M)
    assert not re.search(r"^\s*[a-z_][a-z0-9_]*\.-?\d+\s*:", code, re.M)


def test_samples_exist():
    assert len(CLEAN) >= 15


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_programs_are_accepted(tokenizer, grammar, grammar_initial_skip, path):
    text = path.read_text(encoding="utf-8")
    assert compile_source(text).ok
    assert accepts(tokenizer, grammar_initial_skip, text)
    assert accepts(tokenizer, grammar, strip_leading_trivia(text))


def test_builtin_examples_are_accepted(tokenizer, grammar):
    from spatial_dsl.lang.builtins import BUILTINS

    for builtin in BUILTINS.values():
        assert accepts(tokenizer, grammar, f"let _x = {builtin.example}\nanswer 1\n"), builtin.name


@pytest.mark.parametrize("text", [
    "let = 1\nanswer 1\n",
    'answer "unterminated\n',
    "answer (1 + 2\n",
    "answer 1 +\n",
    "let x = o => o\nanswer 1\n",
    "answer 1 @ 2\n",
    "answer [1, 2\n",
    'assert true else 3\nanswer 1\n',
])
def test_malformed_programs_are_rejected(tokenizer, grammar, text):
    assert not accepts(tokenizer, grammar, text)
    assert not compile_source(text).ok


def test_sample_with_unicode_comments_and_strings(tokenizer, grammar, grammar_initial_skip):
    text = '# Küche — naïve ☕\nquestion "Wo ist die Tür?"\nanswer count(find("Tür"))  # ✓\n'
    assert compile_source(text).ok
    assert accepts(tokenizer, grammar_initial_skip, text)
    assert accepts(tokenizer, grammar, strip_leading_trivia(text))


def test_leading_trivia_needs_the_initial_skip_option(tokenizer, grammar, grammar_initial_skip):
    """Documents llguidance's default (see the module docstring), so a change is noticed."""
    text = "# a comment\nanswer 1\n"
    assert accepts(tokenizer, grammar_initial_skip, text)
    assert accepts(tokenizer, grammar, "answer 1  # a comment\n")
    assert strip_leading_trivia(text) == "answer 1\n"
