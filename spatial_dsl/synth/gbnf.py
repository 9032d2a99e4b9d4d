"""Lark grammar -> GBNF (llama.cpp's grammar format, also read by vLLM's xgrammar and
guidance backends), generated, never maintained by hand.

The converter reads a Lark grammar through Lark itself (``Lark(...).rules``: the
grammar compiled to BNF, EBNF operators expanded into helper rules) and writes a
character-level GBNF grammar for the same language, up to the losses listed
below. Used for ``grammar/spatial.lark`` (``--grammar-scope syntax``) and for the
scene- and type-constrained grammars of ``synth.constrained``.

How the token-level Lark grammar maps to characters
---------------------------------------------------
- **Whitespace and comments** (Lark's ``%ignore``d terminals) become the rule
  ``ws`` between every two tokens. Two layouts:

  - ``full``: ``ws`` is any run of the ignored terminals (whitespace and ``#``
    comments), as the compiler reads them: the grammar to test programs against;
  - ``compact`` (sent to models): ``ws`` is at most one blank character, a
    space or a newline, of those the ignored terminals match (``[ \\n]?`` for
    ``grammar/spatial.lark``; ``[ ]?`` for the scene grammars, which ignore only
    spaces and write the newline between statements as a token of their own, so
    an expression cannot run on over several lines), and there are no comments,
    so a small model cannot ramble in whitespace or comments until the token
    limit. Programs written by the project's printer (``spdsl fmt``) fit it.

- **Word boundaries.** Lark's lexer needs a space between two word tokens
  (``let x``, ``x and y``); where a token that may end with a word character
  [A-Za-z0-9_] is followed by one that may start with one, the converter
  demands ``ws1`` (one or more whitespace characters) or a follower that starts
  with another character. Loss: a word token directly after a closing bracket
  or quote (``(a)and b``, valid for the compiler) is refused; write a space.
- **Keywords and soft keywords.** GBNF has no lexer, so ``NAME`` also matches
  the keywords: ``let let = 1`` is accepted by the GBNF and refused by the
  compiler (over-acceptance; the compiler stays the judge). The task-template
  clause words (``modality``, ``params``, ``where``, ``ask``, ``choices``,
  ``one``, ``of``) are soft keywords in the compiler and plain literals here,
  which accepts the same strings.
- **Left recursion** (``postfix: postfix "." NAME``, and Lark's expansion of
  ``x*``) is rewritten into repetition, which llama.cpp requires; indirect left
  recursion is refused (``GrammarConversionError``: llama-cpp-python's server
  exits on such a grammar).
- **Left factoring.** Alternatives that begin with the same symbol share it
  (Lark expands ``a [b] c*`` into four alternatives that all begin with ``a``).
  llama.cpp holds one parse stack per alternative and checks every token of the
  vocabulary against every stack at every step, so this is what makes a grammar
  usable there (``GbnfGrammar.leftmost_paths`` counts the stacks).
- Rules named ``trie_...`` are *glued*: no separator between their symbols (a
  name spelled as a character trie, see ``synth.constrained``).

Regular expressions of terminals are translated by a small translator for the
subset Lark grammars here use: literals and escapes, ``.``, classes
``[...]`` / ``[^...]``, groups ``(...)`` / ``(?:...)``, ``|``, ``? * +`` and
``{m,n}``. Anything else raises ``GrammarConversionError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from spatial_dsl.errors import SpdslError

WORD = "w"
PUNCT = "p"
LAYOUTS = ("full", "compact")


class GrammarConversionError(SpdslError):
    """The Lark grammar uses a construct the converter does not translate."""


# ----------------------------------------------------------------- regular expressions


@dataclass
class _Node:
    kind: str  # lit, cls, seq, alt, rep
    text: str = ""  # lit: the character; cls: the GBNF class text
    words: frozenset = frozenset()  # cls/lit: which of WORD/PUNCT its characters are
    items: list = field(default_factory=list)
    lo: int = 0
    hi: int | None = None


_WORD_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "0": "\0"}


def _char_kind(ch: str) -> frozenset:
    return frozenset({WORD if ch in _WORD_CHARS else PUNCT})


def _gbnf_char(ch: str, in_class: bool) -> str:
    special = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}  # llama.cpp knows no \\f
    if ch in special:
        return special[ch]
    if in_class and ch == "]":
        return "\\]"
    if not in_class and ch == '"':
        return '\\"'
    if ord(ch) < 0x20:
        return f"\\x{ord(ch):02x}"
    return ch


class _RegexParser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0

    def parse(self) -> _Node:
        node = self._alt()
        if self.i != len(self.p):
            raise GrammarConversionError(f"cannot translate regex {self.p!r} at {self.i}")
        return node

    def _peek(self) -> str | None:
        return self.p[self.i] if self.i < len(self.p) else None

    def _alt(self) -> _Node:
        options = [self._seq()]
        while self._peek() == "|":
            self.i += 1
            options.append(self._seq())
        return options[0] if len(options) == 1 else _Node("alt", items=options)

    def _seq(self) -> _Node:
        items = []
        while self._peek() not in (None, "|", ")"):
            items.append(self._repeat(self._atom()))
        return _Node("seq", items=items)

    def _repeat(self, node: _Node) -> _Node:
        while True:
            ch = self._peek()
            if ch in ("?", "*", "+"):
                self.i += 1
                lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
                node = _Node("rep", items=[node], lo=lo, hi=hi)
            elif ch == "{":
                m = re.match(r"\{(\d+)(?:(,)(\d*))?\}", self.p[self.i:])
                if not m:
                    raise GrammarConversionError(f"cannot translate regex {self.p!r}")
                self.i += m.end()
                lo = int(m[1])
                hi = lo if not m[2] else (int(m[3]) if m[3] else None)
                node = _Node("rep", items=[node], lo=lo, hi=hi)
            else:
                return node
            if self._peek() in ("?", "+") and self.p[self.i - 1] in "?*+}":
                raise GrammarConversionError(f"lazy/possessive quantifier in {self.p!r}")

    def _atom(self) -> _Node:
        ch = self.p[self.i]
        if ch == "(":
            self.i += 1
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self._peek() == "?":
                raise GrammarConversionError(f"look-around or flags in regex {self.p!r}")
            node = self._alt()
            if self._peek() != ")":
                raise GrammarConversionError(f"unbalanced regex {self.p!r}")
            self.i += 1
            return node
        if ch == "[":
            return self._class()
        if ch == ".":
            self.i += 1
            return _Node("cls", text="[^\\n]", words=frozenset({WORD, PUNCT}))
        if ch == "\\":
            self.i += 2
            esc = self.p[self.i - 1]
            if esc in "dwsDWSbB":
                raise GrammarConversionError(f"class escape \\{esc} in regex {self.p!r}")
            literal = _ESCAPES.get(esc, esc)
            return _Node("lit", text=literal, words=_char_kind(literal))
        if ch in "^$":
            raise GrammarConversionError(f"anchor in regex {self.p!r}")
        self.i += 1
        return _Node("lit", text=ch, words=_char_kind(ch))

    def _class(self) -> _Node:
        self.i += 1
        negated = self._peek() == "^"
        if negated:
            self.i += 1
        chars: list[tuple[str, str]] = []  # (first, last) ranges
        first = True
        while first or self._peek() != "]":
            first = False
            lo = self._class_char()
            if self._peek() == "-" and self.p[self.i + 1] != "]":
                self.i += 1
                hi = self._class_char()
            else:
                hi = lo
            chars.append((lo, hi))
        self.i += 1
        # llama.cpp escapes only \\ and ] in a class: a literal `-` goes last, a `^` not
        # first.
        plain = [(a, b) for a, b in chars if (a, b) not in (("-", "-"), ("^", "^"))]
        tail = [(a, b) for a, b in chars if (a, b) == ("^", "^")] + [
            (a, b) for a, b in chars if (a, b) == ("-", "-")]
        if not plain and tail and tail[0][0] == "^":
            plain, tail = tail[:0], tail  # `[^]` alone cannot be written; `[-^]` can
            tail.sort(key=lambda r: r[0] != "-")
        body = "".join(_gbnf_char(a, True) + ("-" + _gbnf_char(b, True) if b != a else "")
                       for a, b in plain + tail)
        kinds: set = set()
        for a, b in chars:
            span = [chr(c) for c in range(ord(a), min(ord(b), ord(a) + 400) + 1)]
            kinds |= {WORD if c in _WORD_CHARS else PUNCT for c in span}
            if ord(b) - ord(a) > 400:
                kinds.add(PUNCT)
        if negated:
            kinds = {WORD, PUNCT}
        return _Node("cls", text=f"[{'^' if negated else ''}{body}]", words=frozenset(kinds))

    def _class_char(self) -> str:
        ch = self.p[self.i]
        if ch == "\\":
            self.i += 2
            esc = self.p[self.i - 1]
            if esc in "dwsDWS":
                raise GrammarConversionError(f"class escape \\{esc} in regex {self.p!r}")
            return _ESCAPES.get(esc, esc)
        self.i += 1
        return ch


def _node_gbnf(node: _Node) -> str:
    if node.kind == "lit":
        return f'"{_gbnf_char(node.text, False)}"'
    if node.kind == "cls":
        return node.text
    if node.kind == "seq":
        parts = [_node_gbnf(n) for n in node.items]
        return " ".join(parts) if parts else '""'
    if node.kind == "alt":
        return "(" + " | ".join(_node_gbnf(n) for n in node.items) + ")"
    inner = _node_gbnf(node.items[0])
    if node.items[0].kind in ("seq", "alt") and not inner.startswith("("):
        inner = f"({inner})"
    if (node.lo, node.hi) == (0, 1):
        return inner + "?"
    if (node.lo, node.hi) == (0, None):
        return inner + "*"
    if (node.lo, node.hi) == (1, None):
        return inner + "+"
    return inner + "{" + str(node.lo) + ("," + (str(node.hi) if node.hi is not None else "")
                                         if node.hi != node.lo else "") + "}"


def _edge(node: _Node, last: bool) -> tuple[frozenset, bool]:
    """(kinds of the first -- or last -- character, nullable) of a regex node."""
    if node.kind in ("lit", "cls"):
        return node.words, False
    if node.kind == "alt":
        kinds, nullable = frozenset(), False
        for n in node.items:
            k, z = _edge(n, last)
            kinds, nullable = kinds | k, nullable or z
        return kinds, nullable
    if node.kind == "rep":
        kinds, nullable = _edge(node.items[0], last)
        return kinds, nullable or node.lo == 0
    kinds = frozenset()
    for n in (reversed(node.items) if last else node.items):
        k, z = _edge(n, last)
        kinds |= k
        if not z:
            return kinds, False
    return kinds, True


@dataclass(frozen=True)
class Terminal:
    gbnf: str
    first: frozenset
    last: frozenset


def terminal_of(pattern_kind: str, value: str, flags=()) -> Terminal:
    if flags:
        raise GrammarConversionError(f"terminal flags {sorted(flags)} are not translated")
    if pattern_kind == "str":
        if not value:
            raise GrammarConversionError("empty terminal")
        text = "".join(_gbnf_char(c, False) for c in value)
        return Terminal(f'"{text}"', _char_kind(value[0]), _char_kind(value[-1]))
    node = _RegexParser(value).parse()
    first, z1 = _edge(node, False)
    last, _ = _edge(node, True)
    if z1:
        raise GrammarConversionError(f"terminal regex {value!r} matches the empty string")
    return Terminal(_node_gbnf(node), first, last)


# ------------------------------------------------------------------------ the grammar


@dataclass
class Bnf:
    rules: dict[str, list[list[tuple[bool, str]]]]  # name -> alternatives of (is_term, name)
    terminals: dict[str, Terminal]
    ignore: list[str]
    start: str = "start"
    blanks: str = " \n"  # the blank characters (space, newline) an ignored terminal matches


def bnf_from_lark(text: str, start: str = "start") -> Bnf:
    from lark.load_grammar import load_grammar

    # Lark's own grammar compiler (what `lark.Lark` runs first), without building a parser:
    # the rules come out as plain BNF, with EBNF operators, templates and inlining expanded
    grammar, _files = load_grammar(text, "<grammar>", [], False)
    terminal_defs, bnf_rules, ignore = grammar.compile([start], set())
    rules: dict[str, list] = {}
    for rule in bnf_rules:
        name = str(rule.origin.name)
        rules.setdefault(name, []).append([(s.is_term, str(s.name)) for s in rule.expansion])
    terminals = {}
    for t in terminal_defs:
        kind = "str" if type(t.pattern).__name__ == "PatternStr" else "re"
        terminals[t.name] = terminal_of(kind, t.pattern.value, t.pattern.flags)
    ignored = [t for t in terminal_defs if t.name in ignore]
    blanks = "".join(c for c in " \n"
                     if any(re.fullmatch(t.pattern.to_regexp(), c) for t in ignored))
    return Bnf(rules, terminals, list(ignore), start, blanks)


def _rule_name(name: str) -> str:
    """A GBNF rule name ([a-zA-Z0-9-]): terminals get a `t-` prefix, `_` becomes `-`."""
    clean = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "x"
    return clean


class _Converter:
    def __init__(self, bnf: Bnf, layout: str):
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")
        self.bnf = bnf
        self.layout = layout
        self.names: dict[tuple[str, bool], str] = {}
        used: set[str] = {"root", "ws", "ws1", "start"}  # llguidance renames root to start
        for is_term, name in [(False, n) for n in bnf.rules] + [(True, n) for n in
                                                                 bnf.terminals]:
            base = ("t-" if is_term else "") + _rule_name(name)
            candidate, k = base, 1
            while candidate in used:
                k += 1
                candidate = f"{base}-{k}"
            used.add(candidate)
            self.names[(is_term, name)] = candidate
        self._first: dict[str, frozenset] = {}
        self._last: dict[str, frozenset] = {}
        self._nullable: set[str] = set()
        self._analyse()
        self.restricted: dict[str, str] = {}  # rule -> name of its punct-first variant
        self.pending: list[str] = []

    # analysis ---------------------------------------------------------------

    def _sym_edge(self, sym: tuple[bool, str], last: bool) -> frozenset:
        is_term, name = sym
        if is_term:
            t = self.bnf.terminals[name]
            return t.last if last else t.first
        return (self._last if last else self._first).get(name, frozenset())

    def _seq_edge(self, seq: list, last: bool) -> frozenset:
        kinds = frozenset()
        for sym in (reversed(seq) if last else seq):
            kinds |= self._sym_edge(sym, last)
            if sym[0] or sym[1] not in self._nullable:
                break
        return kinds

    def _analyse(self) -> None:
        changed = True
        while changed:
            changed = False
            for name, alts in self.bnf.rules.items():
                first, last = self._first.get(name, frozenset()), self._last.get(name,
                                                                                 frozenset())
                nullable = name in self._nullable
                for alt in alts:
                    first |= self._seq_edge(alt, False)
                    last |= self._seq_edge(alt, True)
                    if all(not s[0] and s[1] in self._nullable for s in alt):
                        nullable = True
                if (first, last) != (self._first.get(name), self._last.get(name)) or (
                        nullable and name not in self._nullable):
                    self._first[name], self._last[name] = first, last
                    if nullable:
                        self._nullable.add(name)
                    changed = True

    # emission ---------------------------------------------------------------

    def _ref(self, sym: tuple[bool, str]) -> str:
        return self.names[sym]

    def _punct_first(self, sym: tuple[bool, str]) -> str | None:
        """The symbol restricted to strings whose first character is not a word character."""
        is_term, name = sym
        if is_term:
            return self._ref(sym) if WORD not in self.bnf.terminals[name].first else None
        if WORD not in self._first.get(name, frozenset()):
            return self._ref(sym)
        if PUNCT not in self._first.get(name, frozenset()) and name not in self._nullable:
            return None
        if name not in self.restricted:
            self.restricted[name] = self._ref(sym) + "-p"
            self.pending.append(name)
        return self.restricted[name]

    def _joined(self, prev_last: frozenset, sym: tuple[bool, str]) -> str:
        """The separator before ``sym`` and ``sym`` itself: a word boundary where both
        sides may be word characters."""
        if WORD in prev_last and WORD in self._sym_edge(sym, False):
            restricted = self._punct_first(sym)
            if restricted is None:
                return f"ws1 {self._ref(sym)}"
            return f"(ws1 {self._ref(sym)} | ws {restricted})"
        return f"ws {self._ref(sym)}"

    def _seq(self, seq: list, prev_last: frozenset | None = None) -> str:
        """A sequence with its separators; ``prev_last``: the kinds before it (a tail of a
        left-recursive rule starts after the rule itself)."""
        if not seq:
            return '""'
        out: list[str] = []
        for index, sym in enumerate(seq):
            if index == 0 and prev_last is None:
                out.append(self._ref(sym))
                continue
            before = self._seq_edge(seq[:index], True) if index else frozenset()
            if all(not s[0] and s[1] in self._nullable for s in seq[:index]):
                before = before | (prev_last or frozenset())
            out.append(self._joined(before, sym))
        return " ".join(out)

    def _factored(self, alts: list, prev_last: frozenset | None,
                  restrict: bool = False, glued: bool = False) -> str:
        """Alternatives (symbol lists, none empty) with their separators, *left-factored*:
        alternatives that begin with the same symbol share it (``A B | A`` becomes
        ``A (B)?``). llama.cpp keeps one parse stack per alternative and checks every
        token of the vocabulary against every stack, so duplicated prefixes -- which
        Lark's expansion of ``x*`` and ``[x]`` makes everywhere -- cost time on every
        token. ``restrict``: the first symbol may not begin with a word character."""
        groups: dict[tuple[bool, str], list[list]] = {}
        for alt in alts:
            groups.setdefault(alt[0], []).append(alt[1:])
        parts = []
        for sym, rests in groups.items():
            if restrict:
                head = self._punct_first(sym)
                if head is None:
                    continue
            elif prev_last is None or glued:
                head = self._ref(sym)
            else:
                head = self._joined(prev_last, sym)
            going = [r for r in rests if r]
            if going:
                last = self._sym_edge(sym, True)
                if not sym[0] and sym[1] in self._nullable:
                    last = last | (prev_last or frozenset())
                inner = self._factored(going, last, glued=glued)
                head += f" ({inner})" + ("?" if len(going) < len(rests) else "")
            parts.append(head)
        return " | ".join(parts)

    def _rule(self, name: str, alts: list, restrict: bool = False) -> str:
        """A rule's body. A rule whose name starts with ``trie_`` is *glued*: no separator
        between its symbols (a name spelled one character group at a time, so that a
        parser holds one stack per first character, not one per name)."""
        recursive = [a[1:] for a in alts if a and a[0] == (False, name)]
        base = [a for a in alts if a and a[0] != (False, name)]
        empty = any(not a for a in alts)
        if not base and not empty:
            raise GrammarConversionError(f"rule {name} has no non-recursive alternative")
        glued = name.startswith("trie_")
        body = self._factored(base, None, restrict, glued) if base else ""
        if restrict and not body:
            body = '"\\x00"'  # no string of this rule starts so; never matched
        if empty and not restrict:
            body = f"({body})?" if body else '""'
        if recursive:
            last = self._last.get(name, frozenset())
            tails = self._factored(recursive, last)
            body = f"({body}) ({tails})*"
        return body

    def _restricted_rule(self, name: str) -> str:
        return self._rule(name, self.bnf.rules[name], restrict=True)

    def emit(self) -> str:
        # `ws` repeats the ignored terminals itself: a `[...]+` inside would only make
        # the grammar ambiguous.
        ignore = [re.sub(r"^(\[[^\]]*\])\+$", r"\1", self.bnf.terminals[n].gbnf)
                  for n in self.bnf.ignore]
        lines = [f"root ::= ws {self._ref((False, self.bnf.start))} ws"]
        if self.layout == "full":
            skip = " | ".join(ignore) if ignore else '" "'
            lines += [f"ws ::= ({skip})*", f"ws1 ::= ({skip})+"]
        else:
            blanks = self.bnf.blanks.replace("\n", "\\n") or " "
            lines += [f"ws ::= [{blanks}]?", f"ws1 ::= [{blanks}]"]
        for name, alts in self.bnf.rules.items():
            lines.append(f"{self._ref((False, name))} ::= {self._rule(name, alts)}")
        done: set[str] = set()
        while self.pending:
            name = self.pending.pop()
            if name in done:
                continue
            done.add(name)
            lines.append(f"{self.restricted[name]} ::= {self._restricted_rule(name)}")
        for name, terminal in self.bnf.terminals.items():
            if name in self.bnf.ignore:
                continue
            lines.append(f"{self._ref((True, name))} ::= {terminal.gbnf}")
        return "\n".join(lines) + "\n"


def lark_to_gbnf(text: str, layout: str = "full", start: str = "start") -> str:
    """The GBNF grammar (root rule ``root``) of a Lark grammar; see the module docstring.

    Raises GrammarConversionError when the result would still be left-recursive
    (through several rules: only direct left recursion is rewritten), which
    llama.cpp refuses -- llama-cpp-python's server even exits on it."""
    from .gbnf_recognizer import GbnfGrammar

    gbnf = _Converter(bnf_from_lark(text, start), layout).emit()
    cycle = GbnfGrammar(gbnf).left_recursion()
    if cycle:
        raise GrammarConversionError("the grammar is left-recursive through "
                                     + " -> ".join(cycle))
    return gbnf


def spatial_gbnf(layout: str = "full") -> str:
    """grammar/spatial.lark as GBNF."""
    from spatial_dsl.lang.syntax import grammar_text

    return lark_to_gbnf(grammar_text(), layout)
