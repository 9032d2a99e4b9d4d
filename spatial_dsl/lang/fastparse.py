"""The LALR driver and lexer for SpatialDSL.

Lark computes the LALR tables and the terminal definitions from
grammar/spatial.lark; this module runs them in a tighter loop than Lark's
general-purpose one: one master regex for the lexer (terminals in the order
Lark's basic lexer tries them, keywords recognised the way Lark does), and a
shift/reduce loop calling the same rule callbacks Lark would, minus the
position-propagation wrapper (our AST builder computes spans from tokens).

Soft keywords (the clause words of task templates) are lexed as names and
become keywords only in parser states that accept them, as a contextual
lexer would do; everywhere else they stay ordinary names.

The first unexpected character or token raises ``SyntaxFailure`` with what the
parser state would have accepted.
"""

from __future__ import annotations

import re

from lark import Lark, Token, Tree
from lark.parse_tree_builder import ParseTreeBuilder
from lark.parsers.lalr_analysis import Shift
from spatial_dsl.errors import SpdslError
from .keywords import SOFT_KEYWORDS  # read from the grammar's soft-keyword section


class SyntaxFailure(SpdslError):
    """Parsing stopped: at ``token`` (a Token, `$END` at the end) or at character ``pos``."""

    def __init__(self, pos: int, token: Token | None = None,
                 expected: frozenset[str] = frozenset(), open_brackets: tuple = ()):
        super().__init__(f"syntax error at {pos}")
        self.pos = pos
        self.token = token
        self.expected = expected
        self.open_brackets = open_brackets  # `(` and `[` tokens not closed yet, innermost last



class FastParser:
    def __init__(self, lark: Lark, transformer, on_comment):
        table = lark.parser.parser.parser.parse_table
        builder = ParseTreeBuilder(lark.rules, Tree, False, False, True)
        self.states = _plain_table(table.states, builder.create_callback(transformer))
        self.start_state = table.start_states["start"]
        self.end_state = table.end_states["start"]
        self.ignore = frozenset(lark.ignore_tokens)
        self.on_comment = on_comment
        self.master, self.keywords, self.soft = _build_lexer(lark)

    def parse(self, text: str):
        states = self.states
        state_stack = [self.start_state]
        value_stack: list = []
        brackets: list[Token] = []  # shifted `(` / `[` not yet closed (for error messages)
        for tok in self._tokens(text):
            kind = tok.type
            while True:
                row = states[state_stack[-1]]
                if kind == "NAME" and tok in self.soft and self.soft[tok] in row:
                    kind = tok.type = self.soft[tok]
                try:
                    is_shift, arg = row[kind]
                except KeyError:
                    raise SyntaxFailure(tok.start_pos, tok, _terminals(row),
                                        tuple(brackets)) from None
                if is_shift:
                    state_stack.append(arg)
                    value_stack.append(tok)
                    if kind in _OPENING:
                        brackets.append(tok)
                    elif kind in _CLOSING:
                        brackets.pop()
                    break
                size, callback, origin = arg
                if size:
                    children = value_stack[-size:]
                    del value_stack[-size:]
                    del state_stack[-size:]
                else:
                    children = []
                value_stack.append(callback(children))
                state_stack.append(states[state_stack[-1]][origin][1])
                if kind == "$END" and state_stack[-1] == self.end_state:
                    return value_stack[-1]
        raise SyntaxFailure(len(text))

    def _tokens(self, text: str):
        match, keywords, ignore = self.master.match, self.keywords, self.ignore
        pos, line, line_start, end = 0, 1, 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise SyntaxFailure(pos)
            kind, value = m.lastgroup, m.group()
            new_pos = m.end()
            if kind in ignore:
                if kind == "COMMENT":
                    self.on_comment(Token(kind, value, pos, line, pos - line_start + 1, line,
                                          new_pos - line_start + 1, new_pos))
                newlines = value.count("\n")
                if newlines:
                    line += newlines
                    line_start = pos + value.rindex("\n") + 1
            else:
                if kind == "NAME":
                    kind = keywords.get(value, kind)
                column = pos - line_start + 1
                yield Token(kind, value, pos, line, column, line, column + len(value), new_pos)
            pos = new_pos
        column = end - line_start + 1
        yield Token("$END", "", end, line, column, line, column, end)


_OPENING = frozenset(("LPAR", "LSQB"))
_CLOSING = frozenset(("RPAR", "RSQB"))


def _plain_table(states: dict, callbacks: dict) -> dict:
    """Lark's table with plain-str keys; a reduce carries (size, callback, goto symbol)."""
    plain = {}
    for state, row in states.items():
        plain[state] = {
            str(symbol): (True, arg) if action is Shift
            else (False, (len(arg.expansion), callbacks[arg], str(arg.origin.name)))
            for symbol, (action, arg) in row.items()}
    return plain


def _terminals(row: dict) -> frozenset[str]:
    """The terminal symbols a parser state accepts (rules are lower case)."""
    return frozenset(k for k in row if k.isupper() or k.startswith("__ANON") or k == "$END")


def _build_lexer(lark: Lark) -> tuple[re.Pattern, dict[str, str], dict[str, str]]:
    """The master regex (Lark's basic-lexer order), hard keywords and soft keywords."""
    terminals = list(lark.terminals)
    name_re = next(t for t in terminals if t.name == "NAME").pattern.to_regexp()
    words = {t.pattern.value: t.name for t in terminals
             if t.pattern.type == "str" and re.fullmatch(name_re, t.pattern.value)}
    soft = {w: n for w, n in words.items() if w in SOFT_KEYWORDS}
    hard = {w: n for w, n in words.items() if w not in SOFT_KEYWORDS}
    ordered = sorted((t for t in terminals if t.pattern.value not in words),
                     key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value),
                                    t.name))
    master = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in ordered)
    return re.compile(master), hard, soft
