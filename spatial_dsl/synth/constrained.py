"""Scene- and type-constrained grammars for `spdsl synth --grammar ...` (issue 15).

``scene_grammar(scene)`` writes a Lark grammar, generated from the builtin
registry (``builtins.BUILTINS``, ``ATTRIBUTES``, ``types.UNITS``) and the scene,
for programs of the form the prompt asks for (``question``, then ``let`` /
``assert`` / ``def`` statements, one per line, then ``answer``), in which:

- a string where a set of objects is expected (``the("...")``, ``find("...")``,
  ``count("...")``, ``union("...", ...)`` ...) can only be a category or label of
  *this scene* (as written in the scene, lower-cased, or as natural words:
  ``"StoveBurner"``, ``"stoveburner"``, ``"stove burner"``);
- a call can only be a builtin, with its arity and keyword names (``sectors=``
  only 2, 4 or 8); a call of another name only in a program that has a ``def``
  (the grammar cannot see which names a program defines);
- an attribute can only be a name some type has (``.height``, ``.x``,
  ``.position``, ``.area``; which type has it is the checker's business);
- the argument positions that take objects are typed: an ``Object`` position
  takes an object-valued call (``the``, ``argmin``, ``argmax``, ``first``,
  ``last``), a variable or an indexed list -- not a string, a number or an
  attribute; a ``Point`` position also a vector expression; an ``Objects``
  position a scene name, a set- or list-valued call, a variable, a string
  attribute; a ``Frame`` position ``frame(...)``, a variable or a list element;
- variables (``let`` names, lambda and ``def`` parameters) are lower-case
  identifiers (``[a-z_][A-Za-z0-9_]*``), so an unquoted category such as
  ``the(Fridge)`` cannot be written;
- number literals carry only the language's units (``1.5m``, ``30cm``, ``90deg``).

Why not more typing. llama.cpp checks every token of the vocabulary against
every parse stack of the grammar, at every step: a grammar whose expressions
are typed by sort and by dimension (a first version of this module: Length vs
Number, Area, Bool ...) had 456,413 leftmost derivations at an ``answer``
position and did not produce one token in 10 minutes. So numbers, booleans and
strings share one expression rule, as in the language's grammar (49 derivations
there), and only the object-valued positions above are typed; builtin,
attribute and scene names are written as character tries, so a name costs one
stack per distinct first character, not one per name. Dimension errors
(``distance(a, b) > 1.5``) are left to the checker and its repair hint.

What a context-free grammar cannot know is left to the checker, which stays
the judge: the type of a variable (a variable may stand wherever any type
may), whether a called ``def`` exists, the type of a list element. The grammar
is an *over-approximation* of the well-typed programs of its form: every
program that checks clean on the scene, written in that form (the project's
printer's layout, lower-case variable names), is accepted -- a test
(tests/test_synth_grammar.py) checks this on the test corpus and on stdlib
templates instantiated on a scene -- and a sample of ill-typed programs is
refused.

The grammar has no comments, and whitespace is bounded: in the GBNF form
(``gbnf.lark_to_gbnf(..., layout="compact")``) at most one space or newline
between tokens; statements end with a newline. In the Lark form (OpenAI custom
tools) single spaces are ``%ignore``d.
"""

from __future__ import annotations

import json
from functools import lru_cache

from spatial_dsl.lang import types as T

SECTORS = ("2", "4", "8")
NUMBER_BODY = r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"
# Object-like argument kinds, and the result types a call must have to stand there.
OBJECT_KINDS = ("o", "pt", "os", "f")


def _lit(text: str) -> str:
    return json.dumps(text)


def scene_names(scene) -> list[str]:
    """The spellings of the scene's categories and labels a program may use."""
    from ..names import natural_name

    out: set[str] = set()
    for name in set(scene.categories) | {scene.labels[i] for i in range(scene.n)
                                         if scene.has_label[i]}:
        name = str(name)
        natural = natural_name(name)
        out |= {name, name.lower(), natural, natural[:1].upper() + natural[1:]}
    return sorted(n for n in out if n and '"' not in n and "\\" not in n and "\n" not in n)


def _kinds_of_type(pattern) -> set[str]:
    """The object-like argument kinds a value of this (return) pattern may stand in."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        t = pattern.type
        if t == T.OBJECT:
            return {"o", "pt"}
        if t == T.VEC3:
            return {"pt"}
        if t == T.OBJECTS or t == T.STR or isinstance(t, T.ListType):
            return {"os"}
        if t == T.FRAME:
            return {"f"}
        return set()
    if isinstance(pattern, R.ListPat):
        return {"os"}
    if isinstance(pattern, R.ObjectsPat):
        return {"os"}
    if isinstance(pattern, R.Var) and pattern.name not in R.NUMERIC_VARS:
        return set(OBJECT_KINDS)  # first(xs), last(xs): any element type
    return set()


def _arg_kind(pattern) -> str:
    """The grammar rule an argument of this pattern takes."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        return {T.OBJECT: "o_arg", T.FRAME: "f_arg"}.get(pattern.type, "expr")
    if isinstance(pattern, R.ObjectsPat):
        return "os_arg"
    if getattr(pattern, "alias", None) == "Point":
        return "pt_arg"
    if isinstance(pattern, R.Union):
        kinds = {_arg_kind(p) for p in pattern.alternatives}
        return "os_arg" if kinds <= {"os_arg", "expr"} and "os_arg" in kinds else "expr"
    if isinstance(pattern, R.FnPat):
        return "lambda"
    return "expr"


class _Builder:
    """Writes the rules; ``d`` = "_d" makes the variant of programs with a def."""

    def __init__(self, names: list[str], tries: bool = True):
        self.names = names
        self.tries = tries  # GBNF: names as character tries; Lark (a lexer): whole literals
        self.rules: dict[str, list[str]] = {}
        self._tries = 0

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

    # -------------------------------------------------------------- calls

    def _value(self, param, d: str) -> str:
        if param.name == "sectors":  # the literal 2, 4 or 8 (language.md)
            return "(" + " | ".join(_lit(x) for x in SECTORS) + ")"
        kind = _arg_kind(param.pattern)
        return f'VAR "=>" expr{d}' if kind == "lambda" else f"{kind}{d}"

    def _arguments(self, builtin, overload, d: str) -> str:
        """The argument list of one overload: the required arguments by position, then the
        optional ones by position (a prefix, in order), then any of them by keyword."""
        required = [p for p in overload.params if p.default_text is None]
        optional = [p for p in overload.params if p.default_text is not None]
        parts = [self._value(p, d) for p in required]
        if builtin.name == "find":  # a category or label of the scene, as for Objects
            parts = [f"os_arg{d}"]
        inner = ' "," '.join(parts)
        if optional:
            tag = f"{builtin.name}{d}"
            values = [self._value(p, d) for p in optional]
            self.rule(f"kw_{tag}", *(f'{_lit(p.name)} "=" {v}' for p, v in zip(optional, values)))
            self.rule(f"opt_{tag}", *(' "," '.join(values[:n])
                                      for n in range(1, len(values) + 1)))
            if parts:
                inner += f' ["," opt_{tag}] ("," kw_{tag})*'
            else:  # no required parameter: a keyword may come first
                inner = f'[(opt_{tag} | kw_{tag}) ("," kw_{tag})*]'
        return f'"(" {inner} ")"' if inner else '"(" ")"'

    def calls(self, d: str) -> None:
        """``call``: every builtin call; ``call_<kind>``: those whose result may stand in an
        object-like argument of that kind. Constants (``objects``, ``frames``, ``room``) are
        variables to the grammar (lower-case names)."""
        from spatial_dsl.lang.builtins import BUILTINS

        every: list[tuple[str, str]] = []
        by_kind: dict[str, list[tuple[str, str]]] = {k: [] for k in OBJECT_KINDS}
        for builtin in BUILTINS.values():
            if builtin.is_constant:
                continue
            tails = []
            kinds: set[str] = set()
            for overload in builtin.overloads:
                tails.append(self._arguments(builtin, overload, d))
                kinds |= _kinds_of_type(overload.returns)
            tail = tails[0] if len(set(tails)) == 1 else "(" + " | ".join(dict.fromkeys(
                tails)) + ")"
            # the arguments are a rule of their own: a trie rule is glued (no separators),
            # the argument list is not
            args = f"args_{builtin.name}{d}"
            self.rule(args, tail)
            every.append((builtin.name, args))
            for kind in kinds:
                by_kind[kind].append((builtin.name, args))
        self.rule(f"call{d}", f"trie_call{d}")
        self.trie(f"trie_call{d}", every)
        for kind, entries in by_kind.items():
            self.rule(f"call_{kind}{d}", f"trie_call_{kind}{d}")
            self.trie(f"trie_call_{kind}{d}", entries)
        if d:  # a program with a def may call any name
            for rule in [f"call{d}"] + [f"call_{k}{d}" for k in OBJECT_KINDS]:
                self.rule(rule, f'VAR "(" [uarg{d} ("," uarg{d})*] ")"')
            self.rule(f"uarg{d}", f"expr{d}", f'VAR "=" expr{d}')

    # -------------------------------------------------------------- expressions

    def expressions(self, d: str) -> None:
        r = self.rule
        # the language's expression grammar, with typed calls and known attribute names
        r(f"expr{d}", f'"if" expr{d} "then" expr{d} "else" expr{d}', f"opseq{d}")
        r(f"opseq{d}", f"operand{d} (BINOP operand{d})*")
        r(f"operand{d}", f'NOT* unary{d} ("in" UNIT)*')
        r(f"unary{d}", f'"-" unary{d}', f"post{d}")
        r(f"post{d}", f"prim{d} suffix{d}*")
        r(f"suffix{d}", '"." attr', f'"[" expr{d} "]"')
        r(f"prim{d}", "NUM", "STRING", "VAR", f"call{d}", f'"(" expr{d} ")"',
          f'"[" [expr{d} ("," expr{d})*] "]"')
        # object-like arguments
        index = f'("[" expr{d} "]")*'
        r(f"o_arg{d}", f'"if" expr{d} "then" o_arg{d} "else" o_arg{d}',
          f"call_o{d} {index}", f"VAR {index}", f'"(" expr{d} ")" {index}')
        r(f"f_arg{d}", f'"if" expr{d} "then" f_arg{d} "else" f_arg{d}',
          f"call_f{d} {index}", f"VAR {index}", f'"(" expr{d} ")" {index}')
        r(f"pt_arg{d}", f'"if" expr{d} "then" pt_arg{d} "else" pt_arg{d}',
          f'pt_operand{d} (BINOP unary{d})*')
        r(f"pt_operand{d}", f'"-" pt_operand{d}', f"call_pt{d} suffix{d}*",
          f"VAR suffix{d}*", f'"(" expr{d} ")" suffix{d}*')
        r(f"os_arg{d}", f'"if" expr{d} "then" os_arg{d} "else" os_arg{d}', "scene_name",
          f"call_os{d} suffix{d}*", f"VAR suffix{d}*", f'"(" expr{d} ")" suffix{d}*',
          f'"[" [expr{d} ("," expr{d})*] "]" suffix{d}*')

    def statements(self) -> None:
        from spatial_dsl.lang.builtins.registry import ATTRIBUTES

        r = self.rule
        r("type", *(_lit(t) for t in sorted(T.NAMED_TYPES)), '"List" "[" type "]"')
        for d in ("", "_d"):
            r(f"let{d}", f'"let" VAR [":" type] "=" expr{d}')
            r(f"assert{d}", f'"assert" expr{d} "else" STRING')
            r(f"answer{d}", f'"answer" expr{d}')
        r("def_d", '"def" VAR "(" [dparam ("," dparam)*] ")" "->" type ":" expr_d')
        r("dparam", 'VAR ":" type ["=" expr_d]')
        r("question", '"question" STRING')
        r("stmt", "let", "assert")
        r("stmt_d", "let_d", "assert_d", "def_d")
        r("start", 'question _NL (stmt _NL)* answer [_NL]',
          'question _NL (stmt_d _NL)* def_d _NL (stmt_d _NL)* answer_d [_NL]')
        self.rule("scene_name", "trie_scene_name")
        self.trie("trie_scene_name", [(json.dumps(n), "") for n in self.names] or [('""', "")])
        self.rule("attr", "trie_attr")
        self.trie("trie_attr", [(name, "") for name in sorted({n for (_o, n) in ATTRIBUTES})])

    def text(self) -> str:
        units = sorted(T.UNITS, key=len, reverse=True)
        lines = [f"{name}: {' | '.join(alts)}" for name, alts in self.rules.items()]
        terminals = [
            'VAR: /[a-z_][A-Za-z0-9_]*/',
            f"NUM: /{NUMBER_BODY}({'|'.join(units)})?/",
            f"UNIT: {' | '.join(_lit(u) for u in units)}",
            r'STRING: /"([^"\\\n]|\\[^\n])*"/',
            'BINOP: "+" | "-" | "*" | "/" | "<=" | ">=" | "==" | "!=" | "<" | ">" | "and" | "or"',
            'NOT: "not"',
            '_NL: "\\n"',
            'WS: /[ ]/',  # a regex: a literal " " in a scene-name trie stays a character
            "%ignore WS",
        ]
        return "\n".join(lines + terminals) + "\n"


@lru_cache(maxsize=64)
def _grammar_for_names(names: tuple[str, ...], tries: bool = False) -> str:
    builder = _Builder(list(names), tries)
    builder.statements()
    for d in ("", "_d"):
        builder.expressions(d)
        builder.calls(d)
    return builder.text()


def scene_grammar(scene) -> str:
    """The scene- and type-constrained grammar of ``scene``, in Lark syntax (names as whole
    literals: a Lark engine lexes them; the GBNF form spells them as tries)."""
    return _grammar_for_names(tuple(scene_names(scene)))


@lru_cache(maxsize=64)
def _gbnf_for_names(names: tuple[str, ...]) -> str:
    from .gbnf import lark_to_gbnf

    return lark_to_gbnf(_grammar_for_names(names, tries=True), layout="compact")


def scene_gbnf(scene) -> str:
    """The same grammar as GBNF (compact layout), for llama.cpp and vLLM."""
    return _gbnf_for_names(tuple(scene_names(scene)))
