"""A fast path for parsing well-formed programs.

Lark computes the LALR tables and the terminal definitions from
grammar/spatial.lark; this module only runs them in a tighter loop than
Lark's general-purpose one: one master regex for the lexer (terminals in the
order Lark's basic lexer tries them, keywords recognised the way Lark does),
and a shift/reduce loop calling the same rule callbacks Lark would, minus the
position-propagation wrapper (our AST builder computes spans from tokens).

On the first unexpected character or token it gives up (``FastPathMiss``);
the caller then parses with Lark itself, which produces the exact error.
"""

from __future__ import annotations

import re

from lark import Lark, Token, Tree
from lark.parse_tree_builder import ParseTreeBuilder
from lark.parsers.lalr_analysis import Shift


class FastPathMiss(Exception):
    """The fast path cannot parse this text; use Lark's parser for the error."""


class FastParser:
    def __init__(self, lark: Lark, transformer, on_comment):
        table = lark.parser.parser.parser.parse_table
        builder = ParseTreeBuilder(lark.rules, Tree, False, False, True)
        self.states = _plain_table(table.states, builder.create_callback(transformer))
        self.start_state = table.start_states["start"]
        self.end_state = table.end_states["start"]
        self.ignore = frozenset(lark.ignore_tokens)
        self.on_comment = on_comment
        self.master, self.keywords = _build_lexer(lark)

    def parse(self, text: str):
        states = self.states
        state_stack = [self.start_state]
        value_stack: list = []
        for tok in self._tokens(text):
            kind = tok.type
            while True:
                try:
                    is_shift, arg = states[state_stack[-1]][kind]
                except KeyError:
                    raise FastPathMiss() from None
                if is_shift:
                    state_stack.append(arg)
                    value_stack.append(tok)
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
        raise FastPathMiss()

    def _tokens(self, text: str):
        match, keywords, ignore = self.master.match, self.keywords, self.ignore
        pos, line, line_start, end = 0, 1, 0, len(text)
        while pos < end:
            m = match(text, pos)
            if m is None:
                raise FastPathMiss()
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


def _plain_table(states: dict, callbacks: dict) -> dict:
    """Lark's table with plain-str keys; a reduce carries (size, callback, goto symbol)."""
    plain = {}
    for state, row in states.items():
        plain[state] = {
            str(symbol): (True, arg) if action is Shift
            else (False, (len(arg.expansion), callbacks[arg], str(arg.origin.name)))
            for symbol, (action, arg) in row.items()}
    return plain


def _build_lexer(lark: Lark) -> tuple[re.Pattern, dict[str, str]]:
    """The master regex (Lark's basic-lexer order) and the keyword table."""
    terminals = list(lark.terminals)
    name_re = next(t for t in terminals if t.name == "NAME").pattern.to_regexp()
    keywords = {t.pattern.value: t.name for t in terminals
                if t.pattern.type == "str" and re.fullmatch(name_re, t.pattern.value)}
    ordered = sorted((t for t in terminals if t.pattern.value not in keywords),
                     key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value),
                                    t.name))
    master = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in ordered)
    return re.compile(master), keywords
