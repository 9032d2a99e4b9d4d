"""The reference interpreter: walks a checked program statement by statement and node by
node with plain Python values, calling the reference builtins.
"""

from __future__ import annotations

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from spatial_dsl.lang.diagnostics import RejectionKind
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
            for stmt in self.checked.program.statements:
                match stmt:
                    case ast.Let(name=name, value=expr):
                        self.globals[name] = self.eval_node(expr, self.globals)
                    case ast.Assert(cond=cond, message=message):
                        if not self.eval_node(cond, self.globals):
                            raise RefRejection(RejectionKind.ASSERTION_FAILED, message, stmt.span)
                    case ast.Answer(value=expr):
                        value = self.eval_node(expr, self.globals)
        except RefRejection as exc:
            return None, exc.rejection
        return value, None

    def _ctx(self, node: ast.Node) -> Ctx:
        what = looked_for(node, self.checked.source.text) if isinstance(node, ast.Call) \
            and node.func == "the" else ""
        return Ctx(self.scene, node.span, self.checked.types.get(id(node)), what)

    def _type(self, node: ast.Expr) -> T.Type:
        return self.checked.types[id(node)]

    def eval_node(self, node: ast.Expr, env: dict):
        match node:
            case ast.Number(value=v):
                return v
            case ast.Quantity(value=v, unit=unit):
                return T.to_base(v, unit)
            case ast.String(value=v) | ast.Bool(value=v):
                return v
            case ast.Name(id=name):
                return self._name(name, env)
            case ast.ListLit(items=items):
                return [self.eval_node(item, env) for item in items]
            case ast.Attr(obj=obj, name=name):
                owner = self.eval_node(obj, env)
                fn = REFERENCE_ATTRIBUTES[(self._type(obj), name)]
                return fn(self._ctx(node), owner)
            case ast.Index(obj=obj, index=index):
                xs = self.eval_node(obj, env)
                i = self.eval_node(index, env)
                return REFERENCES[("_index", 0)](self._ctx(node), xs, i)
            case ast.Neg(operand=operand):
                v = self.eval_node(operand, env)
                return tuple(-x for x in v) if isinstance(v, tuple) else -v
            case ast.Not(operand=operand):
                return not self.eval_node(operand, env)
            case ast.BinOp(op="and", left=left, right=right):
                return bool(self.eval_node(left, env)) and bool(self.eval_node(right, env))
            case ast.BinOp(op="or", left=left, right=right):
                return bool(self.eval_node(left, env)) or bool(self.eval_node(right, env))
            case ast.BinOp(op=op, left=left, right=right):
                a, b = self.eval_node(left, env), self.eval_node(right, env)
                return in_range(self._ctx(node), REFERENCES[("_arith", 0)](
                    self._ctx(node), op, a, b, self._type(left), self._type(right)))
            case ast.Compare(op=op, left=left, right=right):
                a, b = self.eval_node(left, env), self.eval_node(right, env)
                return REFERENCES[("_compare", 0)](self._ctx(node), op, a, b)
            case ast.InUnit(operand=operand, unit=unit):
                return in_range(self._ctx(node), T.from_base(self.eval_node(operand, env), unit))
            case ast.If(cond=cond, then=then, orelse=orelse):
                return self.eval_node(then if self.eval_node(cond, env) else orelse, env)
            case ast.Call():
                return self._call(node, env)
        raise TypeError(f"cannot evaluate {type(node).__name__}")  # pragma: no cover

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

    def _call(self, node: ast.Call, env: dict):
        info = self.checked.calls[id(node)]
        if info.definition is not None:
            args = [self.eval_node(a, env) for a in info.args]
            names = dict(self.globals)
            names.update({p.name: a for p, a in zip(info.definition.params, args)})
            return self.eval_node(info.definition.body, names)
        args = [self._argument(a, env) for a in info.args]
        index = info.builtin.overloads.index(info.overload)
        return in_range(self._ctx(node),
                        REFERENCES[(info.builtin.name, index)](self._ctx(node), *args))

    def _argument(self, arg: ast.Expr, env: dict):
        if isinstance(arg, ast.Lambda):
            return lambda x: self.eval_node(arg.body, {**env, arg.param: x})
        value = self.eval_node(arg, env)
        coercion = self.checked.coercions.get(id(arg))
        if coercion == "find":
            return _find(self.scene, value)
        if coercion == "set":
            return frozenset(value)
        return value


def run_reference(checked: Checked, scene: Scene) -> tuple[object, Rejection | None]:
    """(answer value, None) or (None, rejection), evaluated element by element."""
    return ReferenceInterpreter(checked, scene).run()
