"""The keywords of SpatialDSL, read from the grammar (``grammar/spatial.lark``) at import.

The grammar is the one place a keyword is written. The parser front end (``syntax``: where
a statement starts), the LALR driver (``fastparse``: which words are soft) and the Pygments
lexer (``lexer``: what is highlighted how) take their word lists from here, so none of them
can drift from it. Read at import rather than generated into a file: one pass of a few
regular expressions over ~3 KB (about 1.5 ms), and no copy that could go stale.

What is read, by the grammar's own structure:

- a *keyword terminal* is a terminal whose pattern is one word (``LET: "let"``); a *rule
  keyword* is a word written as a literal inside a rule (``"else"``, ``"then"``);
- the *soft keywords* are the terminals listed under the grammar's ``// Soft keywords``
  comment, up to the next blank line: names everywhere except where a task-template clause
  (``CLAUSE_KEYWORDS``) or a domain (``DOMAIN_KEYWORDS``: the soft words of ``domain``) may
  start;
- ``STATEMENT_KEYWORDS``: the keyword each alternative of ``_stmt`` starts with;
- ``OPERATOR_KEYWORDS``: the keywords of the operator rules (``opseq``, ``_binop``,
  ``_unit``); ``LITERAL_KEYWORDS``: the keywords that are an ``atom`` on their own;
- ``HARD_KEYWORDS``: every other keyword (``let``, ``if``, ``else``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spatial_dsl.errors import SpdslError
from spatial_dsl.resources import read_text

_WORD = re.compile(r"[a-z_][a-z0-9_]*")
_TERMINAL = re.compile(r'^([A-Z][A-Z0-9_]*)\s*:\s*"([^"]*)"\s*$', re.M)
_RULE_HEAD = re.compile(r"^[?]?([a-z_][a-z0-9_]*)\s*:(.*)$")
_SYMBOL = re.compile(r'"[^"]*"|[A-Za-z_][A-Za-z0-9_]*')
_SOFT_MARK = "// Soft keywords"
_OPERATOR_RULES = ("opseq", "_binop", "_unit")


class GrammarKeywordsError(SpdslError):
    """The grammar lacks a part this module reads (a bug in the grammar file)."""


@dataclass(frozen=True)
class Keywords:
    terminals: dict[str, str]  # keyword terminal name -> its word ("LET" -> "let")
    rule_words: frozenset[str]  # words written as literals in rules ("else", "then")
    soft: frozenset[str]
    clause: frozenset[str]
    domain: frozenset[str]
    statement: tuple[str, ...]  # in the order of `_stmt`
    operator: frozenset[str]
    literal: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return frozenset(self.terminals.values()) | self.rule_words

    @property
    def hard(self) -> frozenset[str]:
        return self.all - self.soft - self.operator - self.literal


def _strip(line: str) -> str:
    """A grammar line without its comment (``//`` outside a string literal)."""
    out, quoted = [], False
    for i, ch in enumerate(line):
        if ch == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        if not quoted and line.startswith("//", i):
            break
        out.append(ch)
    return "".join(out)


def _rules(text: str) -> dict[str, list[list[str]]]:
    """rule name -> its alternatives, each a list of symbols (aliases ``-> x`` dropped)."""
    bodies: dict[str, str] = {}
    current = None
    for raw in text.splitlines():
        line = _strip(raw)
        head = _RULE_HEAD.match(line)
        if head:
            current = head.group(1)
            bodies[current] = head.group(2)
        elif current and line[:1].isspace() and line.strip():
            bodies[current] += " " + line.strip()
        else:
            current = None  # a terminal, a directive or a blank line ends the rule
    return {name: [[s for s in _SYMBOL.findall(alt.split("->")[0])]
                   for alt in body.split("|")] for name, body in bodies.items()}


def _soft_terminals(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(_SOFT_MARK)), None)
    if start is None:
        raise GrammarKeywordsError(f"the grammar has no '{_SOFT_MARK}' section")
    names = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        names += [m.group(1) for m in [_TERMINAL.match(line)] if m]
    return names


def read_keywords(text: str) -> Keywords:
    """The keywords of a grammar's text (see the module docstring)."""
    terminals = {name: word for name, word in _TERMINAL.findall(text) if _WORD.fullmatch(word)}
    rules = _rules(text)
    rule_words = frozenset(s.strip('"') for alts in rules.values() for alt in alts for s in alt
                           if s.startswith('"') and _WORD.fullmatch(s.strip('"')))

    def words_in(rule: str) -> set[str]:
        return {terminals[s] for alt in rules.get(rule, []) for s in alt if s in terminals}

    soft = frozenset(terminals[name] for name in _soft_terminals(text) if name in terminals)
    statement = tuple(terminals[rules[alt[0]][0][0]] for alt in rules.get("_stmt", [])
                      if alt and alt[0] in rules and rules[alt[0]][0][:1]
                      and rules[alt[0]][0][0] in terminals)
    literal = frozenset(terminals[alt[0]] for alt in rules.get("atom", [])
                        if len(alt) == 1 and alt[0] in terminals)
    domain = frozenset(words_in("domain") & soft)
    if not (soft and statement and literal):
        raise GrammarKeywordsError("the grammar's soft keywords, statements (_stmt) or "
                                   "literals (atom) were not found")
    return Keywords(terminals, rule_words, soft, soft - domain, domain, statement,
                    frozenset(set().union(*(words_in(r) for r in _OPERATOR_RULES))), literal)


KEYWORDS = read_keywords(read_text("grammar", "spatial.lark"))

WORD_OF = KEYWORDS.terminals  # terminal name -> word, for rules that name one keyword
HARD_KEYWORDS = KEYWORDS.hard
SOFT_KEYWORDS = KEYWORDS.soft
CLAUSE_KEYWORDS = KEYWORDS.clause
DOMAIN_KEYWORDS = KEYWORDS.domain
STATEMENT_KEYWORDS = KEYWORDS.statement
OPERATOR_KEYWORDS = KEYWORDS.operator
LITERAL_KEYWORDS = KEYWORDS.literal
