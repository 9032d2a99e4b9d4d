"""Writing grammar rules (``synth.constrained``): alternatives added once each, rules of the
same body shared, sets of names written as character tries, and the attribute chains typed
from the registry (scene- and scope-independent)."""

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

    def attribute_chains(self) -> None:
        """``self.chains``: the rules of an attribute chain on a value of unknown type
        (``any``) and on a value of each type that has attributes (``Object``, ``Vec3`` ...),
        from the registry's attributes (owner -> name -> result type): a state is the set of
        types the receiver may have, and each attribute leads to the types it may give
        (``center`` -> Vec3 -> ``x``, ``y``, ``z``); one rule per state, scene- and
        scope-independent. ``self.num_chains``: the same chains that end in a number or
        quantity (``center.z``, not ``center`` or ``category``), for keys."""
        from spatial_dsl.lang import types as T
        from spatial_dsl.lang.builtins.registry import ATTRIBUTES

        owned: dict[str, dict[str, set[str]]] = {}
        for (owner, name), attribute in ATTRIBUTES.items():
            owned.setdefault(str(owner), {}).setdefault(name, set()).add(str(attribute.type))
        numeric = {str(t) for t in T.NUMERIC}
        states: dict[tuple[frozenset, bool], str] = {}

        def state(receivers: frozenset, numbers: bool) -> str:
            if (receivers, numbers) not in states:
                # a trie rule: glued, no separator between its characters (synth.gbnf)
                states[receivers, numbers] = rule = f"trie_achain_{len(states)}"
                entries = []
                for name in sorted({n for r in receivers for n in owned.get(r, {})}):
                    types = {t for r in receivers for t in owned[r].get(name, ())}
                    gives = frozenset(types & set(owned))
                    ends = not numbers or bool(types & numeric)  # may the chain end here
                    if gives:
                        more = f'"." {state(gives, numbers)}'
                        entries.append((name, f"[{more}]" if ends else more))
                    elif ends:
                        entries.append((name, ""))
                self.trie(rule, entries)
            return states[receivers, numbers]

        every = frozenset(owned)
        self.chains = {"any": state(every, False)}
        self.num_chains = {"any": state(every, True)}
        for owner in sorted(owned):
            self.chains[owner] = state(frozenset([owner]), False)
            self.num_chains[owner] = state(frozenset([owner]), True)
