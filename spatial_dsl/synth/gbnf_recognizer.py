"""A small exact recogniser for GBNF grammars (llama.cpp's format), for tests and checks.

``GbnfGrammar(text).accepts(program)`` says whether the whole string is in the
grammar's language (from rule ``root``), with GBNF's character-level semantics:
an Earley parser over characters, so ambiguity and nullable rules are handled
exactly. It reads the GBNF this project writes (``synth.gbnf``) and llama.cpp's
documented syntax: rules ``name ::= ...``, ``|``, groups, ``? * + {m} {m,} {m,n}``,
string literals and character classes (``[a-z]``, ``[^...]``) with the escapes
``\\n \\r \\t \\\\ \\" \\] \\[ \\xHH \\uHHHH``, and ``#`` comments. It is slow for long
inputs (pure Python); programs of a few hundred characters take milliseconds.

Why not llguidance: its GBNF reader turns regular sub-rules into lexemes with
maximal munch, which is not GBNF's semantics (``"not" ws1 name`` where ``not
(ws1 not)*`` became one lexeme refuses ``not a``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from spatial_dsl.errors import SpdslError


class GbnfSyntaxError(SpdslError):
    pass


@dataclass(frozen=True)
class CharSet:
    ranges: tuple[tuple[int, int], ...]
    negated: bool

    def __contains__(self, ch: str) -> bool:
        c = ord(ch)
        hit = any(lo <= c <= hi for lo, hi in self.ranges)
        return hit != self.negated


_NAME = re.compile(r"[A-Za-z0-9-]+")


class _Reader:
    def __init__(self, text: str):
        self.t = text
        self.i = 0
        self.rules: dict[str, list[list]] = {}  # name -> alternatives of symbols
        self.counter = 0

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}~{self.counter}"

    def skip(self, newlines: bool) -> None:
        while self.i < len(self.t):
            ch = self.t[self.i]
            if ch == "#":
                while self.i < len(self.t) and self.t[self.i] != "\n":
                    self.i += 1
            elif ch in " \t" or (newlines and ch in "\r\n"):
                self.i += 1
            else:
                return

    def parse(self) -> dict[str, list[list]]:
        while True:
            self.skip(True)
            if self.i >= len(self.t):
                return self.rules
            m = _NAME.match(self.t, self.i)
            if not m:
                raise GbnfSyntaxError(f"expected a rule name at {self.i}")
            name = m[0]
            self.i = m.end()
            self.skip(False)
            if not self.t.startswith("::=", self.i):
                raise GbnfSyntaxError(f"expected ::= after {name}")
            self.i += 3
            self.rules.setdefault(name, []).extend(self.alternatives(name, True))

    def alternatives(self, base: str, top: bool) -> list[list]:
        alts = [self.sequence(base, top)]
        while True:
            self.skip(not top)
            if self.i < len(self.t) and self.t[self.i] == "|":
                self.i += 1
                alts.append(self.sequence(base, top))
            else:
                return alts

    def sequence(self, base: str, top: bool) -> list:
        seq: list = []
        while True:
            # A rule ends at a newline unless the next line continues it with `|`... or
            # the newline is inside a group.
            self.skip(not top)
            if self.i >= len(self.t):
                return seq
            ch = self.t[self.i]
            if ch in "|)" or (top and ch in "\r\n"):
                if top and ch in "\r\n":
                    save = self.i
                    self.skip(True)
                    if self.i < len(self.t) and self.t[self.i] == "|":
                        return seq
                    self.i = save
                return seq
            seq.extend(self.repeat(base, self.atom(base)))

    def atom(self, base: str):
        ch = self.t[self.i]
        if ch == '"':
            self.i += 1
            chars = []
            while self.t[self.i] != '"':
                chars.append(self.char())
            self.i += 1
            return ("lit", "".join(chars))
        if ch == "[":
            self.i += 1
            negated = self.t[self.i] == "^"
            if negated:
                self.i += 1
            ranges = []
            while self.t[self.i] != "]":
                lo = self.char()
                if self.t[self.i] == "-" and self.t[self.i + 1] != "]":
                    self.i += 1
                    hi = self.char()
                else:
                    hi = lo
                ranges.append((ord(lo), ord(hi)))
            self.i += 1
            return ("set", CharSet(tuple(ranges), negated))
        if ch == "(":
            self.i += 1
            name = self.fresh(base)
            self.rules[name] = self.alternatives(base, False)
            self.skip(True)
            if self.t[self.i] != ")":
                raise GbnfSyntaxError(f"expected ) at {self.i}")
            self.i += 1
            return ("rule", name)
        if ch == ".":
            self.i += 1
            return ("set", CharSet(((10, 10),), True))
        m = _NAME.match(self.t, self.i)
        if not m:
            raise GbnfSyntaxError(f"unexpected {ch!r} at {self.i}")
        self.i = m.end()
        return ("rule", m[0])

    def char(self) -> str:
        ch = self.t[self.i]
        if ch != "\\":
            self.i += 1
            return ch
        esc = self.t[self.i + 1]
        self.i += 2
        simple = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "]": "]", "[": "["}
        if esc in simple:
            return simple[esc]
        width = {"x": 2, "u": 4, "U": 8}.get(esc)
        if width is None:
            raise GbnfSyntaxError(f"unknown escape \\{esc}")
        code = self.t[self.i:self.i + width]
        self.i += width
        return chr(int(code, 16))

    def repeat(self, base: str, sym) -> list:
        if self.i >= len(self.t):
            return [sym]
        ch = self.t[self.i]
        if ch in "?*+":
            self.i += 1
            lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
        elif ch == "{":
            m = re.match(r"\{\s*(\d+)\s*(,\s*(\d*)\s*)?\}", self.t[self.i:])
            if not m:
                return [sym]
            self.i += m.end()
            lo = int(m[1])
            hi = lo if m[2] is None else (int(m[3]) if m[3] else None)
        else:
            return [sym]
        items = [sym] * lo
        if hi is None:
            star = self.fresh(base)
            self.rules[star] = [[], [sym, ("rule", star)]]
            items.append(("rule", star))
        else:
            opt = self.fresh(base)
            self.rules[opt] = [[], [sym]]
            items.extend([("rule", opt)] * (hi - lo))
        return items


class GbnfGrammar:
    def __init__(self, text: str, root: str = "root"):
        rules = _Reader(text).parse()
        if root not in rules:
            raise GbnfSyntaxError(f"no rule {root!r}")
        for alts in rules.values():
            for alt in alts:
                for sym in alt:
                    if sym[0] == "rule" and sym[1] not in rules:
                        raise GbnfSyntaxError(f"undefined rule {sym[1]!r}")
        # literals become one symbol per character
        self.rules = {name: [tuple(self._chars(alt)) for alt in alts]
                      for name, alts in rules.items()}
        self.root = root
        self.nullable = self._nullable()

    @staticmethod
    def _chars(alt: list) -> list:
        out = []
        for sym in alt:
            if sym[0] == "lit":
                out.extend(("set", CharSet(((ord(c), ord(c)),), False)) for c in sym[1])
            else:
                out.append(sym)
        return out

    def _nullable(self) -> set[str]:
        nullable: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, alts in self.rules.items():
                if name in nullable:
                    continue
                if any(all(s[0] == "rule" and s[1] in nullable for s in alt) for alt in alts):
                    nullable.add(name)
                    changed = True
        return nullable

    def leftmost_paths(self, rule: str) -> int:
        """How many parse stacks llama.cpp holds at the start of ``rule``: the number of
        leftmost derivation paths from it to a first character (through nullable
        symbols too)."""
        memo: dict[str, int] = {}

        def paths(name: str, active: frozenset) -> int:
            if name in memo:
                return memo[name]
            total = sum(seq(alt, 0, active | {name}) for alt in self.rules[name])
            memo[name] = total
            return total

        def seq(alt: tuple, i: int, active: frozenset) -> int:
            if i >= len(alt):
                return 1
            kind, value = alt[i]
            if kind != "rule":
                return 1
            count = paths(value, active) if value not in active else 0
            if value in self.nullable:
                count += seq(alt, i + 1, active)
            return count

        return paths(rule, frozenset())

    def left_recursion(self) -> list[str] | None:
        """A cycle of rules that derive themselves without consuming a character (llama.cpp
        refuses such a grammar -- llama-cpp-python's server even dies on it), or None."""
        edges: dict[str, set[str]] = {}
        for name, alts in self.rules.items():
            targets = edges.setdefault(name, set())
            for alt in alts:
                for sym in alt:
                    if sym[0] != "rule":
                        break
                    targets.add(sym[1])
                    if sym[1] not in self.nullable:
                        break
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(node: str) -> list[str] | None:
            state[node] = 1
            stack.append(node)
            for nxt in sorted(edges.get(node, ())):
                if state.get(nxt) == 1:
                    return stack[stack.index(nxt):] + [nxt]
                if nxt not in state:
                    found = visit(nxt)
                    if found:
                        return found
            stack.pop()
            state[node] = 2
            return None

        import sys

        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10 * len(self.rules) + 100))
        try:
            for name in sorted(edges):
                if name not in state:
                    found = visit(name)
                    if found:
                        return [n.split("~")[0] for n in found]
        finally:
            sys.setrecursionlimit(limit)
        return None

    def _compiled(self):
        """Alternatives as a flat table: (rule, symbols); rules -> their alternative ids."""
        if getattr(self, "_table", None) is None:
            table: list[tuple[str, tuple]] = [("$start", (("rule", self.root),))]
            by_rule: dict[str, list[int]] = {}
            for name, alts in self.rules.items():
                for alt in alts:
                    by_rule.setdefault(name, []).append(len(table))
                    table.append((name, alt))
            self._table, self._by_rule = table, by_rule
        return self._table, self._by_rule

    def accepts(self, text: str) -> bool:
        """Whether the whole of ``text`` derives from the root rule (Earley; an item is
        (alternative id, dot, origin), indexed by the rule it waits for)."""
        table, by_rule = self._compiled()
        nullable = self.nullable
        n = len(text)
        waiting: list[dict[str, list]] = [dict() for _ in range(n + 1)]
        seen: list[set] = [set() for _ in range(n + 1)]
        scan: list[list] = [[] for _ in range(n + 1)]
        membership: dict = {}
        seen[0].add((0, 0, 0))

        for pos in range(n + 1):
            current, wait_here = seen[pos], waiting[pos]
            agenda = list(current)
            predicted: set[str] = set()
            while agenda:
                item = agenda.pop()
                alt_id, dot, origin = item
                rule, symbols = table[alt_id]
                if dot < len(symbols):
                    kind, value = symbols[dot]
                    if kind == "rule":
                        wait_here.setdefault(value, []).append(item)
                        if value not in predicted:
                            predicted.add(value)
                            for j in by_rule[value]:
                                new = (j, 0, pos)
                                if new not in current:
                                    current.add(new)
                                    agenda.append(new)
                        if value in nullable:
                            new = (alt_id, dot + 1, origin)
                            if new not in current:
                                current.add(new)
                                agenda.append(new)
                    else:
                        scan[pos].append((alt_id, dot, origin, value))
                else:
                    for p_alt, p_dot, p_origin in list(waiting[origin].get(rule, ())):
                        new = (p_alt, p_dot + 1, p_origin)
                        if new not in current:
                            current.add(new)
                            agenda.append(new)
            if pos == n:
                break
            ch = text[pos]
            following = seen[pos + 1]
            for alt_id, dot, origin, charset in scan[pos]:
                key = (id(charset), ch)
                hit = membership.get(key)
                if hit is None:
                    hit = membership[key] = ch in charset
                if hit:
                    following.add((alt_id, dot + 1, origin))
            if not following:
                return False
        return (0, 1, 0) in seen[n]
