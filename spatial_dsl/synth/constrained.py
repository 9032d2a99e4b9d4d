"""Scene- and type-constrained grammars for `spdsl synth --grammar ...` (issue 15).

``scene_grammar(scene)`` writes a Lark grammar, generated from the builtin
registry (``builtins.BUILTINS``, ``ATTRIBUTES``, ``types.UNITS``) and the scene,
for programs of the form the prompt asks for (``question``, then ``let`` /
``assert`` / ``def`` statements, one per line, then ``answer``), in which:

- a string where a set of objects is expected (``the("...")``, ``find("...")``,
  ``count("...")``, ``union("...", ...)`` ...) can only be a category or label of
  *this scene* (as written in the scene, lower-cased, or as natural words:
  ``"StoveBurner"``, ``"stoveburner"``, ``"stove burner"``);
- an attribute can only be one the value's type has (``o.height``, ``v.x``,
  ``f.position``, ``room.area``);
- a call can only be a builtin, with its arity and keyword names; a call of
  another name only in a program that has a ``def`` (the grammar cannot see which
  names a program defines, so a program with defs may call any name);
- each argument position, operand and attribute owner only takes an expression
  of the right type: Object / Objects / Point / Frame / Vec3 / Bool / Str / a
  list, and for numbers the *dimension*: a dimensionless number, a Length, an
  Area, a Volume or an Angle (``distance(a, b) > 1.5`` cannot be written;
  ``> 1.5m`` can); ``sectors=`` only 2, 4 or 8;
- variables (``let`` names, lambda and ``def`` parameters) are lower-case
  identifiers (``[a-z_][A-Za-z0-9_]*``), so an unquoted category such as
  ``the(Fridge)`` cannot be written.

What a context-free grammar cannot know is left to the checker, which stays
the judge: the type of a variable (a variable may stand wherever any type
may), whether a called ``def`` exists, Int versus Number, and the type of an
element taken out of a list (``xs[0]``, ``first(xs)``). The grammar is
therefore an *over-approximation* of the well-typed programs of its form:
every program that checks clean on the scene, written in that form (the
project's printer's layout, lower-case variable names), is accepted -- a test
(tests/test_synth_grammar.py) checks this on the test corpus and on stdlib
templates instantiated on scenes -- and a sample of ill-typed programs is
refused.

The grammar has no comments, and whitespace is bounded: in the GBNF form
(``gbnf.lark_to_gbnf(..., layout="compact")``) at most one space or newline
between tokens; statements end with a newline. In the Lark form (OpenAI custom
tools) single spaces are ``%ignore``d.
"""

from __future__ import annotations

import json
from functools import lru_cache

from .. import types as T

NUMERIC = {"n": "a number", "l": "a Length", "a": "an Area", "v": "a Volume", "g": "an Angle"}
SORT_OF_TYPE = {T.INT: "n", T.NUMBER: "n", T.LENGTH: "l", T.AREA: "a", T.VOLUME: "v",
                T.ANGLE: "g", T.BOOL: "b", T.STR: "s", T.OBJECT: "o", T.OBJECTS: "os",
                T.FRAME: "f", T.VEC3: "vec", T.ROOM: "room"}
OTHER_SORTS = ("b", "s", "o", "os", "f", "vec", "lst", "room")
NUMBER_BODY = r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"
SECTORS = ("2", "4", "8")


def _lit(text: str) -> str:
    return json.dumps(text)


def _units_of(sort: str) -> list[str]:
    return sorted(u for u, (t, _f) in T.UNITS.items() if SORT_OF_TYPE[t] == sort)


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


class _Builder:
    """Writes the rules; ``suffix`` "_d" makes the variant of programs with a def."""

    def __init__(self, names: list[str]):
        self.names = names
        self.rules: dict[str, list[str]] = {}

    def rule(self, name: str, *alternatives: str) -> None:
        self.rules.setdefault(name, [])
        for alt in alternatives:
            if alt not in self.rules[name]:
                self.rules[name].append(alt)

    # -------------------------------------------------------------- signatures

    def _param_expr(self, pattern, d: str, k: str | None) -> str | None:
        """The grammar expression of an argument of this pattern (``k``: the numeric sort
        a K/Q type variable stands for in this instantiation)."""
        from ..builtins import registry as R

        if isinstance(pattern, R.Exact):
            t = pattern.type
            if isinstance(t, T.ListType):
                return f"lst_top{d}"
            return f"{SORT_OF_TYPE[t]}_top{d}"
        if isinstance(pattern, R.ObjectsPat):
            return f"os_top{d}"
        if pattern is R.POINT or getattr(pattern, "alias", None) == "Point":
            return f"pt_top{d}"
        if isinstance(pattern, R.Union):
            parts = [self._param_expr(p, d, k) for p in pattern.alternatives]
            return "(" + " | ".join(dict.fromkeys(p for p in parts if p)) + ")"
        if isinstance(pattern, R.ListPat):
            return f"lst_top{d}"
        if isinstance(pattern, R.Var):
            if pattern.name in R.NUMERIC_VARS:
                return f"{k}_top{d}" if k else f"num_top{d}"
            return f"any_top{d}"
        if isinstance(pattern, R.FnPat):
            body = self._param_expr(pattern.ret, d, k)
            return f"VAR \"=>\" {body}"
        return None

    def _return_sorts(self, pattern, k: str | None) -> list[str]:
        from ..builtins import registry as R

        if isinstance(pattern, R.Exact):
            t = pattern.type
            return ["lst"] if isinstance(t, T.ListType) else [SORT_OF_TYPE[t]]
        if isinstance(pattern, R.ListPat):
            return ["lst"]
        if isinstance(pattern, R.Var):
            if pattern.name in R.NUMERIC_VARS:
                return [k] if k else list(NUMERIC)
            return ["gen"]
        if isinstance(pattern, R.ObjectsPat):
            return ["os"]
        return ["gen"]

    @staticmethod
    def _uses_numeric_var(overload) -> bool:
        from ..builtins import registry as R

        def walk(p) -> bool:
            if isinstance(p, R.Var):
                return p.name in R.NUMERIC_VARS
            if isinstance(p, R.FnPat):
                return walk(p.param) or walk(p.ret)
            if isinstance(p, R.ListPat):
                return walk(p.elem)
            if isinstance(p, R.Union):
                return any(walk(a) for a in p.alternatives)
            return False

        return any(walk(p.pattern) for p in overload.params) or walk(overload.returns)

    def _value(self, param, d: str, k: str | None) -> str:
        if param.name == "sectors":  # the literal 2, 4 or 8 (language.md)
            return "(" + " | ".join(_lit(s) for s in SECTORS) + ")"
        return self._param_expr(param.pattern, d, k)

    def _call(self, builtin, overload, d: str, k: str | None) -> str:
        """A call: the required arguments by position, then the optional ones by position
        (a prefix, in order) and then any of them by keyword."""
        required = [p for p in overload.params if p.default_text is None]
        optional = [p for p in overload.params if p.default_text is not None]
        parts = [self._value(p, d, k) for p in required]
        if builtin.name == "find":  # a category or label of the scene, as for Objects
            parts = [f"cat_top{d}"]
        inner = ' "," '.join(parts)
        if optional:
            tag = f"{builtin.name}{'_' + k if k else ''}{d}"
            values = [self._value(p, d, k) for p in optional]
            self.rule(f"kw_{tag}", *(f'{_lit(p.name)} "=" {v}' for p, v in zip(optional, values)))
            self.rule(f"opt_{tag}", *(' "," '.join(values[:n])
                                      for n in range(1, len(values) + 1)))
            if parts:
                inner += f' ["," opt_{tag}] ("," kw_{tag})*'
            else:  # no required parameter: a keyword may come first
                inner = f'[(opt_{tag} | kw_{tag}) ("," kw_{tag})*]'
        return f'{_lit(builtin.name)} "(" {inner} ")"'

    def builtins(self, d: str) -> None:
        from ..builtins import BUILTINS

        for builtin in BUILTINS.values():
            if builtin.is_constant:
                overload = builtin.overloads[0]
                for sort in self._return_sorts(overload.returns, None):
                    self.rule(f"{sort}_prim{d}", _lit(builtin.name))
                continue
            for overload in builtin.overloads:
                # a K that the result carries is instantiated per dimension; a K only in
                # a key function (argmin, sort) takes any number
                ks = (list(NUMERIC) if self._uses_numeric_var(overload)
                      and self._return_sorts(overload.returns, None) == list(NUMERIC)
                      else [None])
                for k in ks:
                    call = self._call(builtin, overload, d, k)
                    for sort in self._return_sorts(overload.returns, k):
                        self.rule(f"{sort}_prim{d}", call)

    # -------------------------------------------------------------- attributes

    def attributes(self, d: str) -> None:
        from ..builtins.registry import ATTRIBUTES

        for (owner, name), attr in ATTRIBUTES.items():
            result = SORT_OF_TYPE.get(attr.type)
            if result is None:
                continue
            owner_sort = SORT_OF_TYPE[owner]
            self.rule(f"{result}_post{d}", f'{owner_sort}_post{d} "." {_lit(name)}',
                      f'gen_post{d} "." {_lit(name)}')

    # ------------------------------------------------------------- expressions

    def expressions(self, d: str) -> None:
        r = self.rule
        for sort in list(NUMERIC) + list(OTHER_SORTS):
            r(f"{sort}_top{d}", f'"if" b_top{d} "then" {sort}_top{d} "else" {sort}_top{d}',
              f"{sort}_base{d}")
            if sort not in ("b",):
                r(f"{sort}_post{d}", f"{sort}_prim{d}", f"gen_post{d}",
                  f'"(" {sort}_top{d} ")"')
        # untyped values: variables, list elements, defs' results
        # (a list element starts from a list *primary*: `lst_post` includes `gen_post`, and
        # a rule may not reach itself without consuming a character -- llama.cpp refuses it)
        r(f"gen_post{d}", f'gen_prim{d} ("[" n_top{d} "]")*',
          f'lst_prim{d} ("[" n_top{d} "]")+', f'"(" lst_top{d} ")" ("[" n_top{d} "]")+')
        r(f"gen_prim{d}", "VAR")
        if d:
            r(f"gen_prim{d}", f'VAR "(" [uarg{d} ("," uarg{d})*] ")"')
            r(f"uarg{d}", f"any_top{d}", f'VAR "=" any_top{d}')
        # numbers, by dimension
        for unit_sort in NUMERIC:
            units = _units_of(unit_sort)
            if unit_sort == "n":
                r(f"n_prim{d}", "NUM")
            else:
                r(f"{unit_sort}_prim{d}", f"NUM_{unit_sort.upper()}")
            r(f"{unit_sort}_factor{d}", f'"-" {unit_sort}_factor{d}', f"{unit_sort}_post{d}")
            r(f"{unit_sort}_base{d}", f"{unit_sort}_sum{d}")
            if unit_sort != "n":
                r(f"unit_{unit_sort}", *(_lit(u) for u in units))
        scale = f'("*" | "/") n_factor{d}'
        lead = f'(n_factor{d} "*")*'
        r(f"n_prod{d}", f"n_factor{d} ({scale})*",
          *(f'{q}_factor{d} "/" {q}_factor{d} ({scale})*' for q in "lagv"))
        cores = {"l": [f"l_factor{d}"], "g": [f"g_factor{d}"],
                 "a": [f"a_factor{d}", f'l_factor{d} "*" l_factor{d}'],
                 "v": [f"v_factor{d}", f'a_factor{d} "*" l_factor{d}',
                       f'l_factor{d} "*" a_factor{d}', f'l_factor{d} "*" l_factor{d} "*" '
                       f'l_factor{d}']}
        for q, options in cores.items():
            r(f"{q}_core{d}", *options)
            r(f"{q}_prod{d}", f"{lead} {q}_core{d} ({scale})*")
            r(f"{q}_sum{d}", f'{q}_prod{d} (("+" | "-") {q}_prod{d})*')
        r(f"n_sum{d}", f'n_term{d} (("+" | "-") n_term{d})*')
        r(f"n_term{d}", f"n_prod{d}", f"conv{d} ({scale})*")
        r(f"conv{d}", *(f'{q}_sum{d} "in" unit_{q}' for q in "lagv"))
        r(f"num_top{d}", *(f"{q}_top{d}" for q in NUMERIC))
        # booleans
        r(f"b_base{d}", f'b_and{d} ("or" b_and{d})*')
        r(f"b_and{d}", f'b_not{d} ("and" b_not{d})*')
        r(f"b_not{d}", f'"not" b_not{d}', f"b_cmp{d}", f"b_post{d}")
        r(f"b_post{d}", f"b_prim{d}", f"gen_post{d}", f'"(" b_top{d} ")"')
        r(f"b_prim{d}", '"true"', '"false"')
        r(f"b_cmp{d}", *(f"{q}_sum{d} CMP {q}_sum{d}" for q in NUMERIC),
          *(f'{s}_post{d} ("==" | "!=") {s}_post{d}' for s in ("s", "o", "f", "b")))
        # the other sorts
        for sort in ("s", "o", "f", "lst", "room"):
            r(f"{sort}_base{d}", f"{sort}_post{d}")
        r(f"s_prim{d}", "STRING")
        r(f"os_base{d}", f"os_post{d}")
        r(f"os_post{d}", f"scene_name", f"lst_post{d}", *(f"s_{x}{d}" for x in ("attr",)))
        r(f"s_attr{d}", *[a for a in self._str_attrs(d)])
        r(f"cat_top{d}", "scene_name", f"s_attr{d}", f"gen_post{d}",
          f'"if" b_top{d} "then" cat_top{d} "else" cat_top{d}')
        r(f"lst_prim{d}", f'"[" [any_top{d} ("," any_top{d})*] "]"')
        r(f"vec_base{d}", f'vec_prod{d} (("+" | "-") vec_prod{d})*')
        r(f"vec_prod{d}", f"{lead} vec_factor{d} ({scale})*")
        r(f"vec_factor{d}", f'"-" vec_factor{d}', f"vec_post{d}")
        r(f"pt_top{d}", f"o_top{d}", f"vec_top{d}")
        r(f"any_top{d}", *(f"{s}_top{d}" for s in list(NUMERIC) + list(OTHER_SORTS)))
        r(f"room_prim{d}", '"room"')

    def _str_attrs(self, d: str) -> list[str]:
        from ..builtins.registry import ATTRIBUTES

        out = []
        for (owner, name), attr in ATTRIBUTES.items():
            if attr.type == T.STR:
                out.append(f'{SORT_OF_TYPE[owner]}_post{d} "." {_lit(name)}')
                out.append(f'gen_post{d} "." {_lit(name)}')
        return out or ['"\\u0000"']

    # -------------------------------------------------------------- statements

    def statements(self) -> None:
        r = self.rule
        types = sorted(T.NAMED_TYPES)
        r("type", *(_lit(t) for t in types), '"List" "[" type "]"')
        for d in ("", "_d"):
            r(f"let{d}", f'"let" VAR [":" type] "=" any_top{d}')
            r(f"assert{d}", f'"assert" b_top{d} "else" STRING')
            r(f"answer{d}", f'"answer" any_top{d}')
        r("def_d", '"def" VAR "(" [dparam ("," dparam)*] ")" "->" type ":" any_top_d')
        r("dparam", 'VAR ":" type ["=" any_top_d]')
        r("question", '"question" STRING')
        r("stmt", "let", "assert")
        r("stmt_d", "let_d", "assert_d", "def_d")
        r("start", 'question _NL (stmt _NL)* answer [_NL]',
          'question _NL (stmt_d _NL)* def_d _NL (stmt_d _NL)* answer_d [_NL]')
        r("scene_name", *(_lit(json.dumps(n)) for n in self.names) or ['"\\"\\""'])

    def text(self) -> str:
        lines = [f"{name}: {' | '.join(alts)}" for name, alts in self.rules.items()]
        terminals = [
            'VAR: /[a-z_][A-Za-z0-9_]*/',
            f"NUM: /{NUMBER_BODY}/",
            *(f"NUM_{q.upper()}: /{NUMBER_BODY}({'|'.join(_units_of(q))})/" for q in "lagv"),
            r'STRING: /"([^"\\\n]|\\[^\n])*"/',
            'CMP: "<=" | ">=" | "==" | "!=" | "<" | ">"',
            '_NL: "\\n"',
            'WS: " "',
            "%ignore WS",
        ]
        return "\n".join(lines + terminals) + "\n"


@lru_cache(maxsize=64)
def _grammar_for_names(names: tuple[str, ...]) -> str:
    builder = _Builder(list(names))
    builder.statements()
    for d in ("", "_d"):
        builder.expressions(d)
        builder.builtins(d)
        builder.attributes(d)
    return builder.text()


def scene_grammar(scene) -> str:
    """The scene- and type-constrained grammar of ``scene``, in Lark syntax."""
    return _grammar_for_names(tuple(scene_names(scene)))


@lru_cache(maxsize=64)
def _gbnf_for_names(names: tuple[str, ...]) -> str:
    from .gbnf import lark_to_gbnf

    return lark_to_gbnf(_grammar_for_names(names), layout="compact")


def scene_gbnf(scene) -> str:
    """The same grammar as GBNF (compact layout), for llama.cpp and vLLM."""
    return _gbnf_for_names(tuple(scene_names(scene)))
