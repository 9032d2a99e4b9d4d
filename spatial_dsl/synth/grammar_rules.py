"""Writing grammar rules (``synth.constrained``): alternatives added once each, rules of the
same body shared, and sets of names written as character tries."""

from __future__ import annotations

import json


def _lit(text: str) -> str:
    return json.dumps(text)


class RuleWriter:
    """Rules by name, each a list of alternatives in Lark syntax. ``tries``: names as
    character tries (GBNF: a parser holds one stack per distinct first character); else
    whole literals (Lark, whose lexer reads them)."""

    def __init__(self, tries: bool = True):
        self.tries = tries
        self.rules: dict[str, list[str]] = {}
        self._tries = 0
        # rules by body (argument lists, call tails): builtins of the same signature
        # (distance, gap, ...) share one rule
        self._shared: dict[str, str] = {}

    def rule(self, name: str, *alternatives: str) -> None:
        self.rules.setdefault(name, [])
        for alt in alternatives:
            if alt not in self.rules[name]:
                self.rules[name].append(alt)

    def trie(self, base: str, entries: list[tuple[str, str]]) -> None:
        """Rule ``base`` matches each literal of ``entries`` (non-empty) followed by its tail,
        written as a character trie: entries that share a first character share one
        alternative, so a parser holds one stack per first character, not one per name."""
        if not self.tries:
            self.rule(base, *(f"{_lit(text)} {tail}".strip() for text, tail in entries))
            return
        self.rule(base, *self._trie_alternatives(base, entries))

    def _trie_alternatives(self, base: str, entries: list[tuple[str, str]]) -> list[str]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for text, tail in entries:
            groups.setdefault(text[0], []).append((text, tail))
        alternatives = []
        for first, members in sorted(groups.items()):
            if len(members) == 1:
                text, tail = members[0]
                alternatives.append(f"{_lit(text)} {tail}".strip())
                continue
            ended = [tail for text, tail in members if len(text) == 1]
            going = [(text[1:], tail) for text, tail in members if len(text) > 1]
            options = [t for t in ended if t]
            if going:
                self._tries += 1
                sub = f"{base}_{self._tries}"
                self.rule(sub, *self._trie_alternatives(sub, going))
                options.append(sub)
            body = " | ".join(dict.fromkeys(options))
            if "" in ended:
                alternatives.append(f"{_lit(first)} [{body}]" if body else _lit(first))
            else:
                alternatives.append(f"{_lit(first)} ({body})")
        return alternatives

    def shared(self, body: str, name: str) -> str:
        """A rule of this body: the first rule written with it (argument lists and tails are
        shared by builtins of the same signature), else a new one named ``name``."""
        name = self._shared.setdefault(body, name)
        if name not in self.rules:
            self.rule(name, body)
        return name
