"""Scene- and type-constrained grammars for `spdsl synth --grammar ...` (issue 15).

``scene_grammar(scene)`` writes a Lark grammar, generated from the builtin
registry (``builtins.BUILTINS``, ``ATTRIBUTES``, ``types.UNITS``) and the scene,
for programs of the form the prompt asks for (``question``, then ``let`` and
``assert`` statements, one per line, then ``answer``), in which:

- every name is bound by construction (``synth.canonical``), and typed by its
  name: a ``let`` holds one object (the first binds ``a``, then ``b``, ``c``:
  ``OBJECT_LETS``; its value is an object-valued expression, as at an
  ``Object`` argument) or a set of objects (``xs``, then ``ys``: ``SET_LETS``;
  its value as at an ``Objects`` argument); no other value has a let. An
  expression after them may use only the names bound above it, and an argument
  position only the names of a fitting kind: ``a`` where one object or a point
  goes (and, with an attribute, ``a.category``, where a set goes), ``xs`` where
  a set goes (and, indexed, ``xs[0]``, where one object, a point or a frame
  goes). A lambda's parameter is ``o``, a lambda's inside it ``p``, usable only
  in the lambda's body, of any type; besides these only the constants
  ``objects``, ``frames``, ``room``, ``true`` and ``false``. So an invented
  variable (``gap(findct, findf)``), an unquoted category (``the(Fridge)``), a
  name used before its ``let``, and a set let passed where one object goes
  (``let a = find("Chair")`` ... ``gap(a, b)``: Qwen2.5-Coder-1.5B's commonest
  E-TYPE) cannot be written;
- there is no ``def``: a call can only be a builtin, with its arity and keyword
  names (``sectors=`` only 2, 4 or 8), so a function copied from a worked
  example (``instances("Chair")``) cannot be written either (the prompt shows
  its examples with their defs inlined, in this same form);
- a string where a set of objects is expected (``the("...")``, ``find("...")``,
  ``count("...")``, ``union("...", ...)`` ...) can only be a category or label of
  *this scene* (as written in the scene, lower-cased, or as natural words:
  ``"StoveBurner"``, ``"stoveburner"``, ``"stove burner"``);
- an attribute can only be a name some type has (``.height``, ``.x``,
  ``.position``, ``.area``), and a chain of them is typed from the registry:
  after an attribute only one its result type has (``o.center.z``; not
  ``o.center.center``, the E-NAME Qwen2.5-Coder-1.5B made under the untyped
  chain), after an object let only an Object's (not ``a.area``), after a set let
  none (``xs[0].height``, not ``xs.height``). After a call or a lambda parameter,
  whose type the grammar does not know, the first attribute is any;
- the argument positions that take objects are typed: an ``Object`` position
  takes an object-valued call (``the``, ``argmin``, ``argmax``, ``first``,
  ``last``), a variable or an indexed list -- not a string, a number or an
  attribute; a ``Point`` position also a vector expression; an ``Objects``
  position a scene name, a set- or list-valued call, a variable, a string
  attribute; a ``Frame`` position ``frame(...)``, a variable or a list element;
  a parenthesized argument there is itself of that kind;
- the key of ``argmin``/``argmax``/``sort``/``sum``/... (``Object => K``) is a
  number: a literal, a call that gives a number or quantity, or an object, a
  call or a name followed by a numeric attribute (``o.height``, ``o.center.z``)
  or an index; so ``o => o.center`` and ``o => argmin(...)`` cannot be written;
- number literals carry only the language's units (``1.5m``, ``30cm``, ``90deg``).

How names are bound in a context-free grammar: the expression rules are copied
once per *scope* ``(i, j, d)`` -- i object lets and j set lets bound, inside d
lambdas -- (rule names end in ``_o{i}s{j}d{d}``), and a scope names only the
variables it has, each in the positions its kind fits. The statements thread
the scope (``body_{i}_{j}``: an object let moves on to ``body_{i+1}_{j}``, a set
let to ``body_{i}_{j+1}``); a lambda argument in scope (i, j, d) is
``LAMBDA_NAMES[d] "=>" expr_o{i}s{j}d{d+1}``, and in the deepest scope a builtin
that needs a lambda is not offered. That is 4 x 3 x 3 = 36 copies (21 when lets
were not typed: 7 let counts x 3 depths); builtins with the same argument list
share one rule per scope. The copies make the grammar long (about 0.8 MB of
GBNF, 0.37 MB of Lark; 0.51 and 0.24 MB untyped) but not slower to sample: a
parser is in one scope at a time, so the parse stacks at a position are those of
one copy (``leftmost_paths``, kept small by a test: 36 at an expression, as
before). Why two kinds of let and not one per type (Length, Number, Bool, Str,
Point ...): the copies multiply with every kind counted (one per type would be
hundreds), and object-versus-set is the confusion small models make; a number
is written where it is used.

Why not more typing. llama.cpp checks every token of the vocabulary against
every parse stack of the grammar, at every step: a grammar whose expressions
are typed by sort and by dimension (a first version of this module: Length vs
Number, Area, Bool ...) had 456,413 leftmost derivations at an ``answer``
position and did not produce one token in 10 minutes. So numbers, booleans and
strings share one expression rule, as in the language's grammar, and only the
object-valued positions above are typed; builtin, attribute, variable and scene
names are written as character tries, so a name costs one stack per distinct
first character, not one per name. Dimension errors (``distance(a, b) > 1.5``)
are left to the checker and its repair hint.

What a context-free grammar cannot know is left to the checker, which stays
the judge: the type of a lambda parameter (it may stand wherever any type may)
and of a call in an attribute chain (``the("Mug").area``), the type of an
attribute's value where it is used (``count(a.height)``), of a list element,
and any name in a position that takes any value (``xs + 1``). The grammar is an
*over-approximation* of the well-typed programs of its form: every program that
checks clean on the scene, put in canonical form (``canonical.canonical_program``:
defs inlined, lets and lambda parameters renamed, printed by the project's printer),
is accepted -- a
test (tests/test_synth_grammar.py) checks this on the test corpus and on stdlib
templates instantiated on a scene -- and a sample of ill-typed and unbound-name
programs is refused.

The grammar has no comments, and whitespace is bounded: in the GBNF form
(``gbnf.lark_to_gbnf(..., layout="compact")``) at most one space or newline
between tokens; statements end with a newline. In the Lark form (OpenAI custom
tools) single spaces are ``%ignore``d.
"""

from __future__ import annotations

import json
from functools import lru_cache

from spatial_dsl.lang import types as T
from .canonical import LAMBDA_NAMES, OBJECT_LETS, SET_LETS

SECTORS = ("2", "4", "8")
NUMBER_BODY = r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"
# Object-like argument kinds, and the result types a call must have to stand there.
OBJECT_KINDS = ("o", "pt", "os", "f")
# Value kinds of calls: a number or quantity (``n``), anything else (``x``).
VALUE_KINDS = ("n", "x")


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


def _value_kinds(pattern) -> set[str]:
    """Whether a call of this (return) pattern gives a number (``n``: a number or quantity,
    what an argmin/argmax key must give) or something else (``x``); both for an element of
    a list of unknown type."""
    from spatial_dsl.lang.builtins import registry as R

    if isinstance(pattern, R.Exact):
        return {"n"} if pattern.type in T.NUMERIC else {"x"}
    if isinstance(pattern, R.Var):
        return {"n"} if pattern.name in R.NUMERIC_VARS else {"n", "x"}
    return {"x"}


def _is_key(pattern) -> bool:
    """A lambda whose value must be a number or quantity (``key: Object => K``)."""
    from spatial_dsl.lang.builtins import registry as R

    return isinstance(pattern.ret, R.Var) and pattern.ret.name in R.NUMERIC_VARS


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


def _scope_tag(scope: tuple[int, int, int]) -> str:
    """The rule-name suffix of a scope (i, j, d): i object lets and j set lets bound, inside
    d lambdas."""
    i, j, d = scope
    return f"_o{i}s{j}d{d}"


def _inner(scope: tuple[int, int, int]) -> tuple[int, int, int]:
    """The scope of a lambda's body."""
    return scope[0], scope[1], scope[2] + 1


SCOPES = [(i, j, d) for i in range(len(OBJECT_LETS) + 1) for j in range(len(SET_LETS) + 1)
          for d in range(len(LAMBDA_NAMES) + 1)]


class _Builder:
    """Writes the rules: one copy of the expression and call rules per scope (k, d)."""

    def __init__(self, names: list[str], tries: bool = True):
        self.names = names
        self.tries = tries  # GBNF: names as character tries; Lark (a lexer): whole literals
        self.rules: dict[str, list[str]] = {}
        self._tries = 0
        # argument lists by text (their rule names carry the scope): builtins of the same
        # signature (distance, gap, ...) share one rule
        self._shared_args: dict[str, str] = {}

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

    def _value(self, param, scope) -> str | None:
        """An argument of this parameter in ``scope``; None: none can be written here (a
        lambda inside the deepest lambda)."""
        if param.name == "sectors":  # the literal 2, 4 or 8 (language.md)
            return "(" + " | ".join(_lit(x) for x in SECTORS) + ")"
        kind = _arg_kind(param.pattern)
        if kind != "lambda":
            return f"{kind}{_scope_tag(scope)}"
        d = scope[2]
        if d >= len(LAMBDA_NAMES):
            return None
        body = "key" if _is_key(param.pattern) else "expr"
        return f'{_lit(LAMBDA_NAMES[d])} "=>" {body}{_scope_tag(_inner(scope))}'

    def _arguments(self, builtin, overload, scope) -> str | None:
        """The argument list of one overload: the required arguments by position, then the
        optional ones by position (a prefix, in order), then any of them by keyword."""
        required = [p for p in overload.params if p.default_text is None]
        optional = [p for p in overload.params if p.default_text is not None]
        parts = [self._value(p, scope) for p in required]
        values = [self._value(p, scope) for p in optional]
        if None in parts + values:
            return None
        if builtin.name == "find":  # a category or label of the scene, as for Objects
            parts = [f"os_arg{_scope_tag(scope)}"]
        inner = ' "," '.join(parts)
        if optional:
            tag = f"{builtin.name}{_scope_tag(scope)}"
            self.rule(f"kw_{tag}", *(f'{_lit(p.name)} "=" {v}' for p, v in zip(optional, values)))
            self.rule(f"opt_{tag}", *(' "," '.join(values[:n])
                                      for n in range(1, len(values) + 1)))
            if parts:
                inner += f' ["," opt_{tag}] ("," kw_{tag})*'
            else:  # no required parameter: a keyword may come first
                inner = f'[(opt_{tag} | kw_{tag}) ("," kw_{tag})*]'
        return f'"(" {inner} ")"' if inner else '"(" ")"'

    def calls(self, scope) -> None:
        """``call``: every builtin call; ``call_<kind>``: those whose result may stand in an
        object-like argument of that kind. Constants (``objects``, ``frames``, ``room``) are
        names (``name`` rule)."""
        from spatial_dsl.lang.builtins import BUILTINS

        s = _scope_tag(scope)
        every: list[tuple[str, str]] = []
        by_kind: dict[str, list[tuple[str, str]]] = {
            kind: [] for kind in OBJECT_KINDS + VALUE_KINDS}
        for builtin in BUILTINS.values():
            if builtin.is_constant:
                continue
            tails = []
            kinds: set[str] = set()
            for overload in builtin.overloads:
                tail = self._arguments(builtin, overload, scope)
                if tail is not None:
                    tails.append(tail)
                    kinds |= _kinds_of_type(overload.returns) | _value_kinds(overload.returns)
            if not tails:
                continue
            tail = tails[0] if len(set(tails)) == 1 else "(" + " | ".join(dict.fromkeys(
                tails)) + ")"
            # the arguments are a rule of their own: a trie rule is glued (no separators),
            # the argument list is not
            args = self._shared_args.setdefault(tail, f"args_{builtin.name}{s}")
            if args == f"args_{builtin.name}{s}":
                self.rule(args, tail)
            every.append((builtin.name, args))
            for kind in kinds:
                by_kind[kind].append((builtin.name, args))
        self.rule(f"call{s}", f"trie_call{s}")
        self.trie(f"trie_call{s}", every)
        for kind, entries in by_kind.items():
            self.rule(f"call_{kind}{s}", f"trie_call_{kind}{s}")
            self.trie(f"trie_call_{kind}{s}", entries)

    # -------------------------------------------------------------- expressions

    def names_in_scope(self, scope) -> dict[str, str]:
        """Rule ``name`` (every name an expression may use here: the bound variables, the
        constants, ``true`` and ``false``), and one rule per kind of bound variable that has
        one here: ``objname`` (object lets), ``setname`` (set lets), ``lamname`` (lambda
        parameters, of any type). Returns {kind: rule name}."""
        from spatial_dsl.lang.builtins import BUILTINS

        i, j, d = scope
        s = _scope_tag(scope)
        pools = {"objname": OBJECT_LETS[:i], "setname": SET_LETS[:j],
                 "lamname": LAMBDA_NAMES[:d]}
        constants = [n for n, b in BUILTINS.items() if b.is_constant] + ["true", "false"]
        every = [n for names in pools.values() for n in names] + constants
        self.rule(f"name{s}", f"trie_name{s}")
        self.trie(f"trie_name{s}", [(n, "") for n in every])
        # the names whose type the grammar does not know: constants and lambda parameters
        self.rule(f"free{s}", f"trie_free{s}")
        self.trie(f"trie_free{s}", [(n, "") for n in list(pools["lamname"]) + constants])
        out = {}
        for kind, names in pools.items():
            if names:
                out[kind] = f"{kind}{s}"
                self.rule(out[kind], f"trie_{kind}{s}")
                self.trie(f"trie_{kind}{s}", [(n, "") for n in names])
        return out

    def expressions(self, scope) -> None:
        r = self.rule
        s = _scope_tag(scope)
        names = self.names_in_scope(scope)
        # the language's expression grammar, with typed calls and known attribute names
        r(f"expr{s}", f'"if" expr{s} "then" expr{s} "else" expr{s}', f"opseq{s}")
        r(f"opseq{s}", f"operand{s} (BINOP operand{s})*")
        r(f"operand{s}", f'NOT* unary{s} ("in" UNIT)*')
        r(f"unary{s}", f'"-" unary{s}', f"post{s}")
        obj, sets = names.get("objname"), names.get("setname")
        r(f"post{s}", f"prim{s} [tail{s}]", *([f"{obj} [objtail{s}]"] if obj else []),
          *([f"{sets} [settail{s}]"] if sets else []))
        r(f"prim{s}", "NUM", "STRING", f"free{s}", f"call{s}", f'"(" expr{s} ")"',
          f'"[" [expr{s} ("," expr{s})*] "]"')
        self.tails(s)
        self.object_arguments(s, names)

    def tails(self, s: str) -> None:
        """What may follow a value: indexes and one typed attribute chain (``achain``: an
        attribute is followed only by one its result type has, so ``o.center.z`` can be
        written and ``o.center.center`` cannot), then indexes. ``tail``: after a value of
        unknown type; ``objtail``: after an object let (an Object's attributes only: ``a.area``
        cannot be written); ``settail``: after a set let (indexes first: a set has no
        attribute, ``xs.height`` cannot be written). ``suffix``: the untyped form, for keys."""
        r = self.rule
        every, on_object = self.chains["any"], self.chains["object"]
        r(f"idx{s}", f'("[" expr{s} "]")+')
        r(f"tail{s}", f'idx{s} ["." {every} [idx{s}]]', f'"." {every} [idx{s}]')
        r(f"objtail{s}", f'"." {on_object} [idx{s}]')
        r(f"settail{s}", f'idx{s} ["." {every} [idx{s}]]')
        r(f"suffix{s}", '"." attr', f'"[" expr{s} "]"')

    def object_arguments(self, s: str, names: dict[str, str]) -> None:
        """The object-like argument positions. A variable stands in one by its kind: an object
        let (``a``) where one object or a point goes, or followed by an attribute where a
        set goes (``a.category``); a set let (``xs``) where a set goes, or indexed
        (``xs[0]``) where one object, a point or a frame goes; a lambda parameter, whose
        type the grammar does not know, anywhere."""
        r = self.rule
        index, index1 = f'("[" expr{s} "]")*', f'("[" expr{s} "]")+'
        obj, sets, lam = (names.get(k) for k in ("objname", "setname", "lamname"))

        def named(*pairs):
            return [f"{rule} {tail}".strip() for rule, tail in pairs if rule]

        r(f"o_arg{s}", f'"if" expr{s} "then" o_arg{s} "else" o_arg{s}',
          f"call_o{s} {index}", *named((obj, ""), (sets, index1), (lam, index)),
          f'"(" o_arg{s} ")" {index}')
        r(f"f_arg{s}", f'"if" expr{s} "then" f_arg{s} "else" f_arg{s}',
          f"call_f{s} {index}", *named((sets, index1), (lam, index)),
          f'"frames" ("[" expr{s} "]")+', f'"(" f_arg{s} ")" {index}')
        r(f"pt_arg{s}", f'"if" expr{s} "then" pt_arg{s} "else" pt_arg{s}',
          f'pt_operand{s} (BINOP unary{s})*')
        r(f"pt_operand{s}", f'"-" pt_operand{s}', f"call_pt{s} [tail{s}]",
          *named((obj, f"[objtail{s}]"), (sets, f"settail{s}"), (lam, f"[tail{s}]")),
          f'"frames" tail{s}', f'"(" pt_arg{s} ")" [tail{s}]')
        r(f"os_arg{s}", f'"if" expr{s} "then" os_arg{s} "else" os_arg{s}', "scene_name",
          f"call_os{s} [tail{s}]",
          *named((obj, f"objtail{s}"), (sets, f"[settail{s}]"), (lam, f"[tail{s}]")),
          f'("objects" | "frames") [tail{s}]', f'"(" os_arg{s} ")" [tail{s}]',
          f'"[" [expr{s} ("," expr{s})*] "]" [tail{s}]')

    def keys(self, scope) -> None:
        r = self.rule
        s = _scope_tag(scope)
        # an argmin/argmax/sort/sum... key: a number or quantity, so an object-valued body
        # (`o => o.center`, `o => argmin(...)`) cannot be written; an object or a name
        # needs a numeric attribute (or an index) last
        r(f"key{s}", f'"if" expr{s} "then" key{s} "else" key{s}',
          f"key_operand{s} (BINOP operand{s})*")
        r(f"key_operand{s}", f'NOT* key_unary{s} ("in" UNIT)*')
        r(f"key_unary{s}", f'"-" key_unary{s}', f"key_post{s}")
        r(f"key_post{s}", "NUM", f'"(" expr{s} ")" suffix{s}*', f"call_n{s} suffix{s}*",
          f"(call_x{s} | name{s}) suffix{s}* num_suffix{s}")
        r(f"num_suffix{s}", '"." num_attr', f'"[" expr{s} "]"')

    def attribute_chains(self) -> None:
        """``self.chains``: the rules of an attribute chain on a value of unknown type
        (``any``) and on an object (``object``), from the registry's attributes (owner ->
        name -> result type): a state is the set of types the receiver may have, and each
        attribute leads to the types it may give (``center`` -> Vec3 -> ``x``, ``y``, ``z``);
        one rule per state, scene- and scope-independent."""
        from spatial_dsl.lang.builtins.registry import ATTRIBUTES

        owned: dict[str, dict[str, set[str]]] = {}
        for (owner, name), attribute in ATTRIBUTES.items():
            owned.setdefault(str(owner), {}).setdefault(name, set()).add(str(attribute.type))
        states: dict[frozenset, str] = {}

        def state(receivers: frozenset) -> str:
            if receivers not in states:
                # a trie rule: glued, no separator between its characters (synth.gbnf)
                states[receivers] = rule = f"trie_achain_{len(states)}"
                entries = []
                for name in sorted({n for r in receivers for n in owned.get(r, {})}):
                    gives = frozenset(t for r in receivers for t in owned[r].get(name, ())
                                      if t in owned)
                    entries.append((name, f'["." {state(gives)}]' if gives else ""))
                self.trie(rule, entries)
            return states[receivers]

        self.chains = {"any": state(frozenset(owned)), "object": state(frozenset(["Object"]))}

    def statements(self) -> None:
        """question, then lets and asserts, then answer. ``body_{i}_{j}``: i object lets and
        j set lets bound; an object let binds the next name of ``OBJECT_LETS`` to an
        object-valued expression, a set let the next of ``SET_LETS`` to a set-valued one."""
        from spatial_dsl.lang.builtins.registry import ATTRIBUTES

        r = self.rule
        r("type", *(_lit(t) for t in sorted(T.NAMED_TYPES)), '"List" "[" type "]"')
        r("question", '"question" STRING')
        r("start", "question _NL body_0_0")
        for i in range(len(OBJECT_LETS) + 1):
            for j in range(len(SET_LETS) + 1):
                s, at = _scope_tag((i, j, 0)), f"{i}_{j}"
                lets = []
                if i < len(OBJECT_LETS):
                    r(f"let_o_{at}", f'"let" {_lit(OBJECT_LETS[i])} [":" type] "=" o_arg{s}')
                    lets.append(f"let_o_{at} _NL body_{i + 1}_{j}")
                if j < len(SET_LETS):
                    r(f"let_s_{at}", f'"let" {_lit(SET_LETS[j])} [":" type] "=" os_arg{s}')
                    lets.append(f"let_s_{at} _NL body_{i}_{j + 1}")
                r(f"assert_{at}", f'"assert" expr{s} "else" STRING')
                r(f"answer_{at}", f'"answer" expr{s}')
                r(f"body_{at}", *lets, f"assert_{at} _NL body_{at}", f"answer_{at} [_NL]")
        self.rule("scene_name", "trie_scene_name")
        self.trie("trie_scene_name", [(json.dumps(n), "") for n in self.names] or [('""', "")])
        self.rule("attr", "trie_attr")
        self.trie("trie_attr", [(name, "") for name in sorted({n for (_o, n) in ATTRIBUTES})])
        self.rule("num_attr", "trie_num_attr")
        self.trie("trie_num_attr", [(name, "") for name in sorted(
            {n for (_o, n), a in ATTRIBUTES.items() if a.type in T.NUMERIC})])

    def text(self) -> str:
        units = sorted(T.UNITS, key=len, reverse=True)
        lines = [f"{name}: {' | '.join(alts)}" for name, alts in self.rules.items()]
        terminals = [
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
    builder.attribute_chains()
    builder.statements()
    for scope in SCOPES:
        builder.expressions(scope)
        builder.keys(scope)
        builder.calls(scope)
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
