"""The canonical form of a program under the scene grammar: every name bound by construction,
and typed by its name.

Small models invent variable names (``gap(findct, findf)``, ``find_room_fridge``),
copy calls of functions a worked example defined (``instances("Chair")``), and pass
a set where one object goes (``let a = find("Chair")`` then ``gap(a, b)``). The
scene grammar (``synth.constrained``) rules all three out by fixing the names a
program may bind, and what each may hold, so a name can only be sampled where it
is bound and where its kind of value may stand:

- a ``let`` binds one object or one set of objects, and its name says which: the
  first let holding one object (``Object``) binds ``a``, the second ``b``, the
  third ``c`` (``OBJECT_LETS``); the first holding a set (``Objects``, a
  ``List``) binds ``xs``, the second ``ys`` (``SET_LETS``). An expression after
  them may use only the names bound above it;
- any other value (a number, a length, a Bool, a string, a point, a frame) has
  no let: it is written where it is used (the canonical form *inlines* such a
  let, and a let beyond the names of its kind). The grammar lets a set let hold
  a quoted category (``let xs = "Chair"``, which stands where a set goes), but
  the canonical form inlines a string;
- a lambda's parameter is ``o``, a lambda inside it ``p`` (``LAMBDA_NAMES``: one
  fixed name per nesting depth), usable only inside the lambda's body;
- there is no ``def``: a call is a builtin call.

Why two kinds and not one per type: a context-free grammar knows which names are
bound only by being in a different copy of its expression rules for each set of
bound names (``synth.constrained``); with lets counted per kind, that is one copy
per (object lets, set lets) pair -- 4 x 3 here -- where one per type and count
would be hundreds. Object-versus-set is the mistake small models make (Qwen2.5-
Coder-1.5B's commonest E-TYPE); numbers are short enough to write inline.

``canonical_program`` rewrites a checked program into that form, on the AST
(printed by the project's printer, never by editing text): every ``def`` is
inlined (each call replaced by the def's body with the arguments in place of the
parameters, defaults filled in, the defs it calls inlined too) and dropped, a let
of another kind is inlined the same way (its value renamed where it is used, so
its lambdas take the parameter names of that depth), then the lets and lambda
parameters are renamed to the canonical names. Renaming goes through an
environment (original name -> canonical expression), so shadowing and capture
cannot happen: each lambda depth has a name of its own, and a def's body sees
the lets bound before the def, as the checker's scoping has it. The kind of a
let is its checked type (``Checked.typed``). The prompt's worked examples are
shown in this form, so what the model reads is what the grammar lets it write;
and the soundness test of the grammar renames the test corpus and the stdlib
with it.

A program that cannot be written in this form (lambdas nested deeper than there
are names, a task template, a name that is not bound) raises
``CanonicalFormError``.
"""

from __future__ import annotations

from spatial_dsl.errors import SpdslError
from dataclasses import dataclass, replace

from spatial_dsl.lang import ast

OBJECT_LETS = ("a", "b", "c")  # lets holding one Object, in order
SET_LETS = ("xs", "ys")  # lets holding a set: Objects, a List
LAMBDA_NAMES = ("o", "p")


class CanonicalFormError(SpdslError):
    """The program cannot be written with the canonical names (the message says why)."""


def let_kind(t) -> str | None:
    """``"object"`` or ``"set"``: the pool of let names a value of type ``t`` takes; None for
    a value that has no let (written where it is used)."""
    from spatial_dsl.lang import types as T

    if t == T.OBJECT:
        return "object"
    if t == T.OBJECTS or isinstance(t, T.ListType):
        return "set"
    return None


@dataclass(frozen=True)
class _Inlined:
    """A let of a kind that has no let name: its value, renamed where it is used."""

    value: ast.Expr
    env: dict  # the lets bound before it


@dataclass(frozen=True)
class _Definition:
    node: ast.Def
    env: dict  # the lets bound before the def: what its body may see besides its params


def _constants() -> frozenset[str]:
    from spatial_dsl.lang.builtins import BUILTINS

    return frozenset(name for name, b in BUILTINS.items() if b.is_constant)


class _Renamer:
    def __init__(self):
        self.defs: dict[str, _Definition] = {}
        self.constants = _constants()

    def expr(self, node: ast.Expr, env: dict, depth: int) -> ast.Expr:
        match node:
            case ast.Name(id=name):
                if isinstance(env.get(name), _Inlined):
                    return self.expr(env[name].value, env[name].env, depth)
                if name in env:
                    return env[name]
                if name in self.constants:
                    return node
                raise CanonicalFormError(f"`{name}` is not bound")
            case ast.Call():
                return self._call(node, env, depth)
            case ast.Lambda(param=param, body=body):
                if depth >= len(LAMBDA_NAMES):
                    raise CanonicalFormError(f"lambdas nested more than {len(LAMBDA_NAMES)} "
                                             "deep")
                name = LAMBDA_NAMES[depth]
                inner = {**env, param: ast.Name(name)}
                return replace(node, param=name, body=self.expr(body, inner, depth + 1))
            case ast.ListLit(items=items):
                return replace(node, items=tuple(self.expr(i, env, depth) for i in items))
        return self._compound(node, env, depth)

    def _compound(self, node: ast.Expr, env: dict, depth: int) -> ast.Expr:
        def sub(e):
            return self.expr(e, env, depth)

        match node:
            case ast.Attr(obj=obj):
                return replace(node, obj=sub(obj))
            case ast.Index(obj=obj, index=index):
                return replace(node, obj=sub(obj), index=sub(index))
            case ast.Neg(operand=o) | ast.Not(operand=o) | ast.InUnit(operand=o):
                return replace(node, operand=sub(o))
            case ast.BinOp(left=a, right=b) | ast.Compare(left=a, right=b):
                return replace(node, left=sub(a), right=sub(b))
            case ast.If(cond=c, then=t, orelse=e):
                return replace(node, cond=sub(c), then=sub(t), orelse=sub(e))
            case ast.Number() | ast.Quantity() | ast.String() | ast.Bool():
                return node
        raise CanonicalFormError(f"cannot rename a {type(node).__name__}")

    def _call(self, node: ast.Call, env: dict, depth: int) -> ast.Expr:
        args = tuple(self.expr(a, env, depth) for a in node.args)
        keywords = tuple(replace(k, value=self.expr(k.value, env, depth))
                         for k in node.keywords)
        definition = self.defs.get(node.func)
        if definition is None:
            return replace(node, args=args, keywords=keywords)
        return self._inline(definition, args, keywords, depth)

    def _inline(self, definition: _Definition, args: tuple, keywords: tuple,
                depth: int) -> ast.Expr:
        """The def's body with the (already renamed) arguments in place of its parameters."""
        params = definition.node.params
        if len(args) > len(params):
            raise CanonicalFormError(f"`{definition.node.name}` takes {len(params)} arguments")
        bound = dict(definition.env)
        given = {p.name: a for p, a in zip(params, args)}
        given |= {k.name: k.value for k in keywords}
        for param in params:
            if param.name in given:
                bound[param.name] = given[param.name]
            elif param.default is not None:
                bound[param.name] = self.expr(param.default, dict(definition.env), depth)
            else:
                raise CanonicalFormError(f"`{definition.node.name}` needs `{param.name}`")
        return self.expr(definition.node.body, bound, depth)


def canonical_program(checked) -> ast.Program:
    """The program of ``checked`` (a clean ``Checked``) with its defs and its lets of other
    kinds inlined, and its lets and lambda parameters renamed to the canonical names (see
    the module docstring); raises CanonicalFormError."""
    kinds = {id(stmt): let_kind(t.type) for stmt, t in checked.typed.statements
             if isinstance(stmt, ast.Let) and t is not None}
    renamer = _Renamer()
    env: dict[str, object] = {}
    pools = {"object": list(OBJECT_LETS), "set": list(SET_LETS)}
    out: list[ast.Stmt] = []
    for stmt in checked.program.statements:
        match stmt:
            case ast.Question():
                out.append(stmt)
            case ast.Def():
                renamer.defs[stmt.name] = _Definition(stmt, dict(env))
            case ast.Let(name=name, value=value):
                pool = pools.get(kinds.get(id(stmt)))
                if not pool:  # no let of this kind, or none left: written where used
                    env[name] = _Inlined(value, dict(env))
                    continue
                canonical = pool.pop(0)
                out.append(replace(stmt, name=canonical, value=renamer.expr(value, env, 0)))
                env[name] = ast.Name(canonical)
            case ast.Assert(cond=cond):
                out.append(replace(stmt, cond=renamer.expr(cond, env, 0)))
            case ast.Answer(value=value):
                out.append(replace(stmt, value=renamer.expr(value, env, 0)))
            case _:
                raise CanonicalFormError(f"a {type(stmt).__name__.lower()} statement has no "
                                         "canonical form")
    return ast.Program(tuple(out))


def canonical_text(checked) -> str:
    """``canonical_program`` printed by the project's printer (one statement per line)."""
    from spatial_dsl.lang.printer import print_program

    return print_program(canonical_program(checked))


def canonical_examples(examples: list, scene) -> list:
    """Worked examples (objects with ``program`` and ``answer``) in canonical form, for a
    prompt whose replies the scene grammar constrains. An example whose canonical form does
    not check clean on the scene is left out (an inlined def may compare a category the
    scene lacks, ``o.category == "Wall"``, which the checker refuses outside a def); one
    whose answer changes would be a bug of this module, and is left out too."""
    from spatial_dsl.lang.check.checker import compile_source
    from ..scenes.names import SceneNameTable

    names = SceneNameTable(scene)
    out = []
    for example in examples:
        checked = compile_source(example.program, "example.sp", names)
        if not checked.ok:
            continue
        try:
            text = canonical_text(checked)
        except CanonicalFormError:
            continue
        renamed = compile_source(text, "example.sp", names)
        if not renamed.ok:
            continue
        if example.answer is not None and _answer(renamed, scene) != _answer(checked, scene):
            continue
        out.append(replace(example, program=text))
    return out


def _answer(checked, scene) -> tuple | None:
    from ..api import Program

    result = Program(checked).run(scene)
    if not result.ok:
        return None
    return result.answer.text, result.answer.type, result.answer.unit


def bound_names_values() -> dict[str, object]:
    """The placeholders of prompts/system_bound_names.txt: the names the grammar allows."""
    return {"object_lets": _listed(OBJECT_LETS), "max_object_lets": len(OBJECT_LETS),
            "set_lets": _listed(SET_LETS), "max_set_lets": len(SET_LETS),
            "first_object": OBJECT_LETS[0], "second_object": OBJECT_LETS[1],
            "first_set": SET_LETS[0],
            "lambda_outer": LAMBDA_NAMES[0], "lambda_inner": LAMBDA_NAMES[1]}


def _listed(names) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
