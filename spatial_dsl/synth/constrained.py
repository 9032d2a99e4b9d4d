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
- a string where a set of objects is expected (``find("...")``, ``count("...")``,
  ``union("...", ...)`` ...) can only be a category or label of *this scene* (as
  written in the scene, lower-cased, or as natural words: ``"StoveBurner"``,
  ``"stoveburner"``, ``"stove burner"``); inside ``the(...)``, directly or through
  ``find``, only one that names exactly one object of the scene, so ``the("StoveKnob")``
  of 4 knobs (``Ambiguous`` on every run; 4 of 15 of Qwen2.5-Coder-1.5B's units were
  lost to it) cannot be written, and a repeated category is reached by ``argmin``,
  ``filter`` ... as the prompt says;
- an attribute can only be a name some type has (``.height``, ``.x``,
  ``.position``, ``.area``), and a chain of them is typed from the registry:
  after an attribute only one its result type has (``o.center.z``; not
  ``o.center.center``, the E-NAME Qwen2.5-Coder-1.5B made under the untyped
  chain), after an object let only an Object's (not ``a.area``), after a set let
  none (``xs[0].height``, not ``xs.height``);
- what follows a call, a literal or a constant is typed by its type in the registry
  (``grammar_types.shape_of``): after ``the(...)`` an Object's attributes, after
  ``room`` a Room's, after ``frames``/``sort(...)`` an index then the element's
  attributes, after a number, a string, a Bool or a set (``on(...)``, ``"..."``,
  ``count(...)``, ``objects``) nothing; no attribute gives a list, so no index
  follows an attribute. So ``on(o, the("Window")).center.x``, ``"text".top``,
  ``o.category[0]`` and ``argmin(...)[0]``, all Qwen2.5-Coder-1.5B's, cannot be
  written. Only after a lambda parameter or a parenthesized expression, whose type
  the grammar does not know, is the first attribute any;
- the argument positions that take objects are typed: an ``Object`` position
  takes an object-valued call (``the``, ``argmin``, ``argmax``, ``first``,
  ``last``), a variable or an indexed list -- not a string, a number or an
  attribute; a ``Point`` position also a vector expression; an ``Objects``
  position a scene name, a set- or list-valued call, a variable, a string
  attribute; a ``Frame`` position ``frame(...)``, a variable or a list element;
  a parenthesized argument there is itself of that kind;
- the key of ``argmin``/``argmax``/``sort``/``sum``/... (``Object => K``) is a
  number: a literal, a call that gives a number or quantity, or a call or a name
  followed by a typed chain that ends in a numeric attribute (``o.height``,
  ``the("Mug").center.z``), or an indexed name; so ``o => o.center``,
  ``o => argmin(...)`` and ``o => near(o, a)`` cannot be written;
- number literals carry only the language's units (``1.5m``, ``30cm``, ``90deg``);
- on a scene with no frames, no frame function (``registry.needs_frames``: the camera
  view, visibility and camera motion builtins, ``frame``) and no ``frames``: each is
  ``NoFrames`` there (Qwen2.5-Coder-1.5B wrote ``clearly_seen`` in 8 of 60 units of
  ithor:FloorPlan1, after the vsi templates it was shown);
- a key, and every numeric parameter, joins its operands by arithmetic only (``ARITH``):
  a comparison or ``and``/``or`` gives a Bool (``max(xs, o => o.height > 1m)``);
- for a task whose answer is a number (``grammar_answer``: a count, a distance, an area),
  ``answer`` is a key-like numeric expression, so ``d1 or d2`` of Lengths, a comparison,
  an object or a set cannot be the answer (the grammar is then one per scene and answer
  kind: ``scene_grammar(scene, "number")``).

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
and of a parenthesized expression, the type of an attribute's value where it is
used (``count(a.height)``), of a list element, any name in a position that takes
any value (``xs + 1``), and dimensions (``distance(a, b) > 1.5``). The grammar is an
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
from .grammar_rules import RuleWriter, _lit
from .grammar_types import (
    OBJECT_KINDS, arg_kind, is_key, is_numeric, kinds_of_type, shape_of,
)

SECTORS = ("2", "4", "8")
NUMBER_BODY = r"[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?"


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


def unique_names(scene, names: list[str]) -> list[str]:
    """Those of ``names`` that name exactly one object of the scene (what ``the`` needs)."""
    from ..quality import one_object

    return [n for n in names if one_object(scene, n) is not None]


def grammar_answer(answer_type) -> str:
    """``number`` for a task whose answer is a number or quantity (a count, a distance, an
    area): its grammar's ``answer`` is a numeric expression (``key``), so an answer that
    cannot be one (``d1 or d2`` of Lengths, an object, a comparison) cannot be sampled."""
    return "number" if answer_type in T.NUMERIC else "any"


def _scene_key(scene) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """What a scene's grammar depends on: its names, those that name one object, whether it
    has frames."""
    names = scene_names(scene)
    return tuple(names), tuple(unique_names(scene, names)), bool(scene.frames.count)


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


class _Builder(RuleWriter):
    """Writes the rules: one copy of the expression and call rules per scope (k, d)."""

    def __init__(self, names: list[str], unique: list[str], tries: bool = True,
                 framed: bool = True, answer: str = "any"):
        super().__init__(tries)
        self.names = names
        self.unique = unique  # the names of exactly one object
        # no frames: no frame function, nor the `frames` value (each is NoFrames there)
        self.framed = framed
        self.answer = answer

    def offered(self, builtin) -> bool:
        from spatial_dsl.lang.builtins.registry import needs_frames

        return self.framed or not needs_frames(builtin)

    def frames_value(self, *alternatives: str) -> list[str]:
        """``alternatives`` that write the ``frames`` value, on a scene that has frames."""
        return list(alternatives) if self.framed else []

    # -------------------------------------------------------------- calls

    def _value(self, param, scope) -> str | None:
        """An argument of this parameter in ``scope``; None: none can be written here (a
        lambda inside the deepest lambda)."""
        if param.name == "sectors":  # the literal 2, 4 or 8 (language.md)
            return "(" + " | ".join(_lit(x) for x in SECTORS) + ")"
        kind = arg_kind(param.pattern)
        if kind != "lambda":
            return f"{kind}{_scope_tag(scope)}"
        d = scope[2]
        if d >= len(LAMBDA_NAMES):
            return None
        body = "key" if is_key(param.pattern) else "expr"
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
        if builtin.name == "the":  # a scene name only if it names one object
            parts = [f"the_arg{_scope_tag(scope)}"]
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
        """``call``: every builtin call, each followed by what its result type may take (no
        attribute after ``on(...)``, an Object's attributes after ``the(...)``: typed tails);
        ``call_<kind>``: the calls whose result may stand in an object-like argument of that
        kind, with the tail that makes it one (``sort(...)[0]`` where one object goes);
        ``call_key``: the calls that give a number, or reach one by a tail (an argmin key).
        Constants (``objects``, ``frames``, ``room``) are names (``free`` rule)."""
        from spatial_dsl.lang.builtins import BUILTINS

        s = _scope_tag(scope)
        tries: dict[str, list[tuple[str, str]]] = {
            kind: [] for kind in ("every", "key", "the") + OBJECT_KINDS}
        for builtin in BUILTINS.values():
            if builtin.is_constant or not self.offered(builtin):
                continue
            args, returns = self._builtin_arguments(builtin, scope)
            if args is None:
                continue
            for kind, body in self._entry_bodies(builtin.name, args, returns, s).items():
                # a rule of its own: a trie rule is glued (no separators), this is not
                rule = self.shared(body, f"ct_{kind}_{builtin.name}{s}")
                tries[kind].append((builtin.name, rule))
        for kind, entries in tries.items():
            name = f"call{s}" if kind == "every" else f"call_{kind}{s}"
            self.rule(name, f"trie_{name}")
            self.trie(f"trie_{name}", entries)

    def _entry_bodies(self, name: str, args: str, returns: list, s: str) -> dict[str, str]:
        """Per call trie (kind), the body of one builtin's entry: its argument list, then
        the tail its result takes there; a kind where the result cannot stand is left out.
        In a fixed order (the request body, grammar included, keys the reply cache)."""
        shapes = {shape_of(r) for r in returns}
        shape = shapes.pop() if len(shapes) == 1 else "any"
        listed = shape.startswith("list")
        kinds = set().union(*(kinds_of_type(r) for r in returns))
        if listed:
            kinds |= {"o", "pt", "f"}  # by an index
        if "os" in kinds:  # the(find("Cabinet")) of 9 cabinets cannot be written either
            kinds.add("the")
        tails = {"every": self.typed_tail(shape, s),
                 "key": self.key_tail(shape, any(is_numeric(r) for r in returns), s)}
        for kind in sorted(kinds):
            if kind in ("o", "f"):
                tails[kind] = self.element_tail(shape, s)
            elif kind == "pt" and listed:
                tails[kind] = f"idx{s} {self.after_index(shape)}"
            elif kind != "the":
                tails[kind] = self.typed_tail(shape, s)
        bodies = {}
        for kind, tail in tails.items():
            if tail is not None:
                bodies[kind] = f"{args} {tail}".strip()
            if kind == "os" and "the" in kinds:
                bodies["the"] = (f'"(" the_arg{s} ")"' if name == "find"
                                 else f"{args} {tail}")
        return bodies

    def _builtin_arguments(self, builtin, scope) -> tuple[str | None, list]:
        """The argument-list rule of a builtin in ``scope`` (the alternatives of its overloads)
        and the return patterns of those overloads; None: no overload can be written here."""
        tails, returns = [], []
        for overload in builtin.overloads:
            tail = self._arguments(builtin, overload, scope)
            if tail is not None:
                tails.append(tail)
                returns.append(overload.returns)
        if not tails:
            return None, []
        tails = list(dict.fromkeys(tails))
        body = tails[0] if len(tails) == 1 else "(" + " | ".join(tails) + ")"
        return self.shared(body, f"args_{builtin.name}{_scope_tag(scope)}"), returns

    def typed_tail(self, shape: str, s: str) -> str:
        """What may follow a value of this shape (see ``grammar_types.shape_of``), optionally."""
        if shape == "none":
            return ""
        if shape == "any":
            return f"[tail{s}]"
        if shape.startswith("list"):
            return f"[idx{s} {self.after_index(shape)}]"
        return f'["." {self.chains[shape]}]'

    def after_index(self, shape: str) -> str:
        """The attributes of a list's element (any, when the element type is not known)."""
        return f'["." {self.chains[shape.partition(":")[2] or "any"]}]'

    def element_tail(self, shape: str, s: str) -> str:
        """What makes a value of this shape one object or frame: indexes after a list (at
        least one) or a value of unknown type."""
        if shape == "any":
            return f'("[" expr{s} "]")*'
        return f"idx{s}" if shape.startswith("list") else ""

    def key_tail(self, shape: str, numeric: bool, s: str) -> str | None:
        """What must follow a call of this shape for it to give a number (a chain that ends
        in a numeric attribute: ``the("Mug").center.z``); None: it cannot give one (a Bool, a
        Str, a set)."""
        if shape == "none":
            return "" if numeric else None
        if shape == "any":
            return f'("[" expr{s} "]")* ["." {self.num_chains["any"]}]'
        if shape.startswith("list"):
            elem = shape.partition(":")[2]
            chain = f'"." {self.num_chains[elem or "any"]}'
            return f"idx{s} {chain}" if elem else f"idx{s} [{chain}]"
        return f'"." {self.num_chains[shape]}'

    # -------------------------------------------------------------- expressions

    def names_in_scope(self, scope) -> dict[str, str]:
        """Rule ``free`` (the lambda parameters, of any type, and the constants, ``true`` and
        ``false``, each with its typed tail), and one rule per kind of bound variable that has
        one here: ``objname`` (object lets), ``setname`` (set lets), ``lamname`` (lambda
        parameters). Returns {kind: rule name}."""
        from spatial_dsl.lang.builtins import BUILTINS

        i, j, d = scope
        s = _scope_tag(scope)
        pools = {"objname": OBJECT_LETS[:i], "setname": SET_LETS[:j],
                 "lamname": LAMBDA_NAMES[:d]}
        constants = [n for n, b in BUILTINS.items()
                     if b.is_constant and self.offered(b)] + ["true", "false"]
        # lambda parameters, of a type the grammar does not know, and the constants, each
        # with the tail its type takes (``room.area``, ``frames[0].index``, not ``objects[0]``)
        typed = {n: self.typed_tail(shape_of(BUILTINS[n].overloads[0].returns), s)
                 for n in constants if n in BUILTINS}
        self.rule(f"free{s}", f"trie_free{s}")
        self.trie(f"trie_free{s}", [(n, f"[tail{s}]") for n in pools["lamname"]]
                  + [(n, typed.get(n, "")) for n in constants])
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
        # a number or a string takes no tail; a call or a name the tail its type takes
        r(f"post{s}", "NUM", "STRING", f"free{s}", f"call{s}", f'"(" expr{s} ")" [tail{s}]',
          f'"[" [expr{s} ("," expr{s})*] "]" [tail{s}]',
          *([f"{obj} [objtail{s}]"] if obj else []), *([f"{sets} [settail{s}]"] if sets else []))
        self.tails(s)
        self.object_arguments(s, names)
        self.key_names(scope, names)

    def tails(self, s: str) -> None:
        """What may follow a value: indexes and one typed attribute chain (``achain``: an
        attribute is followed only by one its result type has, so ``o.center.z`` can be
        written and ``o.center.center`` cannot), then indexes. ``tail``: after a value of
        unknown type; ``objtail``: after an object let (an Object's attributes only: ``a.area``
        cannot be written); ``settail``: after a set let (indexes first: a set has no
        attribute, ``xs.height`` cannot be written). ``suffix``: the untyped form, for keys."""
        r = self.rule
        every, on_object = self.chains["any"], self.chains["Object"]
        r(f"idx{s}", f'("[" expr{s} "]")+')
        r(f"tail{s}", f'idx{s} ["." {every}]', f'"." {every}')
        r(f"objtail{s}", f'"." {on_object}')
        r(f"settail{s}", f'idx{s} ["." {every}]')
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
          f"call_o{s}", *named((obj, ""), (sets, index1), (lam, index)),
          f'"(" o_arg{s} ")" {index}')
        r(f"f_arg{s}", f'"if" expr{s} "then" f_arg{s} "else" f_arg{s}',
          f"call_f{s}", *named((sets, index1), (lam, index)),
          *self.frames_value(f'"frames" ("[" expr{s} "]")+'), f'"(" f_arg{s} ")" {index}')
        r(f"pt_arg{s}", f'"if" expr{s} "then" pt_arg{s} "else" pt_arg{s}',
          f'pt_operand{s} (BINOP unary{s})*')
        r(f"pt_operand{s}", f'"-" pt_operand{s}', f"call_pt{s}",
          *named((obj, f"[objtail{s}]"), (sets, f"settail{s}"), (lam, f"[tail{s}]")),
          *self.frames_value(f'"frames" tail{s}'), f'"(" pt_arg{s} ")" [tail{s}]')
        # a set; inside the(...) a scene name only if it names one object (``the_arg``)
        frames = self.typed_tail("list:Frame", s)
        for arg, scene_name, calls in (("os_arg", "scene_name", "call_os"),
                                       ("the_arg", "unique_name", "call_the")):
            r(f"{arg}{s}", f'"if" expr{s} "then" {arg}{s} "else" {arg}{s}', scene_name,
              f"{calls}{s}",
              *named((obj, f"objtail{s}"), (sets, f"[settail{s}]"), (lam, f"[tail{s}]")),
              '"objects"', *self.frames_value(f'"frames" {frames}'),
              f'"(" {arg}{s} ")" [tail{s}]',
              f'"[" [expr{s} ("," expr{s})*] "]" [tail{s}]')

    def keys(self, scope) -> None:
        r = self.rule
        s = _scope_tag(scope)
        # an argmin/argmax/sort/sum... key: a number or quantity, so an object-valued body
        # (`o => o.center`, `o => argmin(...)`) cannot be written, nor a Bool or a Str one
        # (`o => near(o, a)`): a call gives a number or a chain that ends in a numeric
        # attribute (``call_key``), as does a name (or it is indexed)
        # and only arithmetic joins its operands: a comparison or `and`/`or` gives a Bool
        # (`max(d, x > y)`, `d1 or d2`: 22 of the 1.5B model's E-TYPEs)
        r(f"key{s}", f'"if" expr{s} "then" key{s} "else" key{s}',
          f"key_operand{s} (ARITH operand{s})*")
        r(f"key_operand{s}", f'NOT* key_unary{s} ("in" UNIT)*')
        r(f"key_unary{s}", f'"-" key_unary{s}', f"key_post{s}")
        r(f"key_post{s}", "NUM", f'"(" expr{s} ")" suffix{s}*', f"call_key{s}", f"key_name{s}")

    def key_names(self, scope, names: dict[str, str]) -> None:
        """``key_name``: a name that gives a number through a chain that ends in a numeric
        attribute, typed by the name's kind (``a.height``, ``xs[0].center.z``,
        ``room.area``, ``frames[0].index``; a lambda parameter's chain is untyped)."""
        s, numbers = _scope_tag(scope), self.num_chains
        obj, sets = names.get("objname"), names.get("setname")
        self.rule(f"lam_key_tail{s}", f'("[" expr{s} "]")* "." {numbers["any"]}', f"idx{s}")
        entries = [(n, f"lam_key_tail{s}") for n in LAMBDA_NAMES[:scope[2]]]
        entries += [("room", f'"." {numbers["Room"]}')]
        if self.framed:
            entries.append(("frames", f'idx{s} "." {numbers["Frame"]}'))
        self.trie(f"trie_key_free{s}", entries)
        self.rule(f"key_name{s}", f"trie_key_free{s}",
                  *([f'{obj} "." {numbers["Object"]}'] if obj else []),
                  *([f'{sets} idx{s} ["." {numbers["any"]}]'] if sets else []))

    def statements(self) -> None:
        """question, then lets and asserts, then answer. ``body_{i}_{j}``: i object lets and
        j set lets bound; an object let binds the next name of ``OBJECT_LETS`` to an
        object-valued expression, a set let the next of ``SET_LETS`` to a set-valued one."""
        from spatial_dsl.lang.builtins.registry import ATTRIBUTES

        r = self.rule
        r("type", *(_lit(t) for t in sorted(T.NAMED_TYPES)), '"List" "[" type "]"')
        # a question needs no backtick, angle bracket or brace: the placeholders small
        # models copy from a task's phrasings (`<a>`, `{a}`, "`Ref(") cannot be sampled
        r("question", '"question" QUESTION')
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
                r(f"answer_{at}", f'"answer" {"key" if self.answer == "number" else "expr"}{s}')
                r(f"body_{at}", *lets, f"assert_{at} _NL body_{at}", f"answer_{at} [_NL]")
        self.rule("scene_name", "trie_scene_name")
        self.trie("trie_scene_name", [(json.dumps(n), "") for n in self.names] or [('""', "")])
        self.rule("unique_name", "trie_unique_name")
        self.trie("trie_unique_name", [(json.dumps(n), "") for n in self.unique] or [('""', "")])
        self.rule("attr", "trie_attr")
        self.trie("trie_attr", [(name, "") for name in sorted({n for (_o, n) in ATTRIBUTES})])

    def text(self) -> str:
        units = sorted(T.UNITS, key=len, reverse=True)
        lines = [f"{name}: {' | '.join(alts)}" for name, alts in self.rules.items()]
        terminals = [
            f"NUM: /{NUMBER_BODY}({'|'.join(units)})?/",
            f"UNIT: {' | '.join(_lit(u) for u in units)}",
            r'STRING: /"([^"\\\n]|\\[^\n])*"/',
            r'QUESTION: /"([^"\\\n`<>{}]|\\[^\n])*"/',
            'BINOP: "+" | "-" | "*" | "/" | "<=" | ">=" | "==" | "!=" | "<" | ">" | "and" | "or"',
            'ARITH: "+" | "-" | "*" | "/"',
            'NOT: "not"',
            '_NL: "\\n"',
            'WS: /[ ]/',  # a regex: a literal " " in a scene-name trie stays a character
            "%ignore WS",
        ]
        return "\n".join(lines + terminals) + "\n"


@lru_cache(maxsize=64)
def _grammar_for_names(names: tuple[str, ...], unique: tuple[str, ...], framed: bool = True,
                       answer: str = "any", tries: bool = False) -> str:
    builder = _Builder(list(names), list(unique), tries, framed, answer)
    builder.attribute_chains()
    builder.statements()
    for scope in SCOPES:
        builder.expressions(scope)
        builder.keys(scope)
        builder.calls(scope)
    return builder.text()


def scene_grammar(scene, answer: str = "any") -> str:
    """The scene- and type-constrained grammar of ``scene``, in Lark syntax (names as whole
    literals: a Lark engine lexes them; the GBNF form spells them as tries). ``answer``:
    ``number`` for a task that asks for a number (``grammar_answer``)."""
    return _grammar_for_names(*_scene_key(scene), answer)


@lru_cache(maxsize=64)
def _gbnf_for_names(names: tuple[str, ...], unique: tuple[str, ...], framed: bool,
                    answer: str) -> str:
    from .gbnf import lark_to_gbnf

    return lark_to_gbnf(_grammar_for_names(names, unique, framed, answer, tries=True),
                        layout="compact")


def scene_gbnf(scene, answer: str = "any") -> str:
    """The same grammar as GBNF (compact layout), for llama.cpp and vLLM."""
    return _gbnf_for_names(*_scene_key(scene), answer)
