"""The reference interpreter: walks the checker's typed program (``lang/typed.py``)
statement by statement and node by node with plain Python values, calling the reference
builtins.
"""

from __future__ import annotations

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang.typed import TExpr
from spatial_dsl.runtime.kernels import looked_for
from spatial_dsl.runtime.values import Rejection
from spatial_dsl.scenes.model import Scene

from .scalars import in_range
from .scene import REFERENCE_ATTRIBUTES, REFERENCES, ROOM, Ctx, RefRejection, RefScene, _find

# ----------------------------------------------------------------- interpreter


class ReferenceInterpreter:
    def __init__(self, checked: Checked, scene: Scene):
        self.checked = checked
        self.scene = RefScene(scene)
        self.globals: dict = {}

    def run(self) -> tuple[object, Rejection | None]:
        value = None
        try:
            for stmt, typed in self.checked.typed.statements:
                match stmt:
                    case ast.Let(name=name):
                        self.globals[name] = self.eval_node(typed, self.globals)
                    case ast.Assert(message=message):
                        if not self.eval_node(typed, self.globals):
                            raise RefRejection(RejectionKind.ASSERTION_FAILED, message, stmt.span)
                    case ast.Answer():
                        value = self.eval_node(typed, self.globals)
        except RefRejection as exc:
            return None, exc.rejection
        return value, None

    def _ctx(self, t: TExpr) -> Ctx:
        node = t.node
        what = looked_for(node, self.checked.source.text) if t.kernel is not None \
            and node.func == "the" else ""
        return Ctx(self.scene, node.span, t.type, what)

    def eval_node(self, t: TExpr, env: dict):
        kids = t.kids
        match t.node:
            case ast.Number(value=v):
                return v
            case ast.Quantity(value=v, unit=unit):
                return T.to_base(v, unit)
            case ast.String(value=v) | ast.Bool(value=v):
                return v
            case ast.Name(id=name):
                return self._name(name, env)
            case ast.ListLit():
                return [self.eval_node(item, env) for item in kids]
            case ast.Attr(name=name):
                owner = self.eval_node(kids[0], env)
                fn = REFERENCE_ATTRIBUTES[(kids[0].type, name)]
                return fn(self._ctx(t), owner)
            case ast.Index():
                xs = self.eval_node(kids[0], env)
                i = self.eval_node(kids[1], env)
                return REFERENCES[("_index", 0)](self._ctx(t), xs, i)
            case ast.Neg():
                v = self.eval_node(kids[0], env)
                return tuple(-x for x in v) if isinstance(v, tuple) else -v
            case ast.Not():
                return not self.eval_node(kids[0], env)
            case ast.BinOp(op="and"):
                return bool(self.eval_node(kids[0], env)) and bool(self.eval_node(kids[1], env))
            case ast.BinOp(op="or"):
                return bool(self.eval_node(kids[0], env)) or bool(self.eval_node(kids[1], env))
            case ast.BinOp(op=op):
                a, b = self.eval_node(kids[0], env), self.eval_node(kids[1], env)
                return in_range(self._ctx(t), REFERENCES[("_arith", 0)](
                    self._ctx(t), op, a, b, kids[0].type, kids[1].type))
            case ast.Compare(op=op):
                a, b = self.eval_node(kids[0], env), self.eval_node(kids[1], env)
                return REFERENCES[("_compare", 0)](self._ctx(t), op, a, b)
            case ast.InUnit(unit=unit):
                return in_range(self._ctx(t), T.from_base(self.eval_node(kids[0], env), unit))
            case ast.If():
                cond, then, orelse = kids
                return self.eval_node(then if self.eval_node(cond, env) else orelse, env)
            case ast.Call():
                return self._call(t, env)
        raise TypeError(f"cannot evaluate {type(t.node).__name__}")  # pragma: no cover

    def _name(self, name: str, env: dict):
        if name in env:
            return env[name]
        if name == "objects":
            return frozenset(range(self.scene.n))
        if name == "frames":
            return list(range(self.scene.frame_count))
        if name == "room":
            return ROOM
        raise KeyError(name)  # the checker rules this out

    def _call(self, t: TExpr, env: dict):
        if t.body is not None:
            args = [self.eval_node(a, env) for a in t.kids]
            names = dict(self.globals)
            names.update({p.name: a for p, a in zip(t.call.definition.params, args)})
            return self.eval_node(t.body, names)
        args = [self._argument(a, env) for a in t.kids]
        return in_range(self._ctx(t), REFERENCES[t.kernel](self._ctx(t), *args))

    def _argument(self, arg: TExpr, env: dict):
        if isinstance(arg.node, ast.Lambda):
            param, body = arg.node.param, arg.kids[0]
            return lambda x: self.eval_node(body, {**env, param: x})
        value = self.eval_node(arg, env)
        coercion = arg.coercion
        if coercion == "find":
            return _find(self.scene, value)
        if coercion == "set":
            return frozenset(value)
        return value


def run_reference(checked: Checked, scene: Scene) -> tuple[object, Rejection | None]:
    """(answer value, None) or (None, rejection), evaluated element by element."""
    return ReferenceInterpreter(checked, scene).run()
