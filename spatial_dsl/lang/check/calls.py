"""Type checking of calls: argument binding, overload resolution, lambdas."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast
from .. import types as T
from ..builtins import BUILTINS
from ..builtins.registry import Builtin, FnPat, Overload, ParamSpec, Var
from .context import CallInfo, CheckContext, Scope, default_expr, suggest

_SECTOR_PARAMS = frozenset(("sectors",))
_VALID_SECTORS = (2, 4, 8)


@dataclass
class _Binding:
    """Arguments assigned to parameters: one expression (or None if missing) per parameter."""

    args: list[ast.Expr | None]
    problem: str | None = None  # an arity problem, or None


def bind_arguments(node: ast.Call, names: list[str], required: list[bool]) -> _Binding:
    slots: list[ast.Expr | None] = [None] * len(names)
    if len(node.args) > len(names):
        return _Binding(slots, f"`{node.func}` takes at most {len(names)} argument"
                               f"{'s' if len(names) != 1 else ''}, got {len(node.args)}")
    for i, arg in enumerate(node.args):
        slots[i] = arg
    for kw in node.keywords:
        if kw.name not in names:
            return _Binding(slots, f"`{node.func}` has no parameter `{kw.name}`")
        index = names.index(kw.name)
        if slots[index] is not None:
            return _Binding(slots, f"argument `{kw.name}` of `{node.func}` given twice")
        slots[index] = kw.value
    missing = [n for n, s, r in zip(names, slots, required) if s is None and r]
    if missing:
        return _Binding(slots, f"`{node.func}` is missing argument `{missing[0]}`")
    return _Binding(slots)


def check_call(checker: CheckContext, node: ast.Call, scope: Scope) -> T.Type:
    definition = checker.out.definitions.get(node.func)
    if definition is not None:
        return _check_def_call(checker, node, scope, definition)
    builtin = BUILTINS.get(node.func)
    if builtin is None or builtin.is_constant:
        return _not_callable(checker, node, scope, builtin)
    return _check_builtin_call(checker, node, scope, builtin)


def _not_callable(checker: CheckContext, node: ast.Call, scope: Scope, builtin) -> T.Type:
    if builtin is not None:
        checker.report("E-TYPE", f"`{node.func}` is a value, not a function", node.func_span,
                       f"write `{node.func}` without parentheses")
    elif scope.lookup(node.func) is not None:
        checker.report("E-TYPE", f"`{node.func}` is not a function", node.func_span)
    else:
        functions = [b.name for b in BUILTINS.values() if not b.is_constant]
        checker.report("E-NAME", f"unknown function `{node.func}`", node.func_span,
                       suggest(node.func, functions + list(checker.out.definitions)))
    _check_args_for_errors(checker, node, scope)
    return T.ERROR


def _check_args_for_errors(checker: CheckContext, node: ast.Call, scope: Scope) -> None:
    """Still report problems inside the arguments of a call that cannot be resolved."""
    for arg in list(node.args) + [kw.value for kw in node.keywords]:
        if not isinstance(arg, ast.Lambda):
            checker.expr(arg, scope)


def _check_builtin_call(checker: CheckContext, node: ast.Call, scope: Scope,
                        builtin: Builtin) -> T.Type:
    arg_types = _ArgTypes([(a, checker.expr(a, scope)) for a in _all_args(node)
                           if not isinstance(a, ast.Lambda)])
    # An overload that fits without a coercion wins over one that needs one: `map` of a
    # List[Object] keeps list order instead of becoming the set of its members.
    # The overload reported on a mismatch is the one whose arguments matched longest.
    closest: tuple[int, Overload, _Binding] | None = None
    coerced: tuple[Overload, _Binding, dict] | None = None
    arity_problem = None
    for overload in builtin.overloads:
        binding = bind_arguments(node, overload.param_names(),
                                 [p.default_text is None for p in overload.params])
        if binding.problem:
            arity_problem = arity_problem or binding.problem
            continue
        bindings: dict = {}
        mismatch = _first_mismatch(overload, binding, arg_types, bindings)
        if mismatch is None:
            if not _uses_coercion(overload, binding, arg_types):
                return _finish_builtin_call(checker, node, scope, builtin, overload, binding,
                                            arg_types, bindings)
            coerced = coerced or (overload, binding, bindings)
        elif closest is None or mismatch > closest[0]:
            closest = (mismatch, overload, binding)
    if coerced is not None:
        overload, binding, bindings = coerced
        return _finish_builtin_call(checker, node, scope, builtin, overload, binding,
                                    arg_types, bindings)
    if closest is None:
        checker.report("E-ARITY", arity_problem, node.span, _signature_hint(builtin))
    else:
        _report_mismatch(checker, node, builtin, closest[1], closest[2], arg_types)
    return T.ERROR


class _ArgTypes:
    """The types of one call's written arguments, looked up by the argument node itself (a
    call has a handful: a search beats a table keyed by ``id(node)``)."""

    def __init__(self, pairs: list[tuple[ast.Expr, T.Type]]):
        self.pairs = pairs

    def __getitem__(self, arg: ast.Expr) -> T.Type:
        for node, type_ in self.pairs:
            if node is arg:
                return type_
        raise KeyError(arg)


def _all_args(node: ast.Call) -> list[ast.Expr]:
    return list(node.args) + [kw.value for kw in node.keywords]


def _first_mismatch(overload: Overload, binding: _Binding, arg_types: _ArgTypes,
                    bindings: dict) -> int | None:
    """Index of the first parameter whose argument does not fit, or None."""
    for i, (spec, arg) in enumerate(zip(overload.params, binding.args)):
        if arg is None:
            continue
        if isinstance(arg, ast.Lambda) != spec.is_lambda:
            return i
        if not spec.is_lambda and not spec.pattern.match(arg_types[arg], bindings):
            return i
    return None


def _uses_coercion(overload: Overload, binding: _Binding, arg_types: _ArgTypes) -> bool:
    return any(isinstance(spec.pattern.match(arg_types[arg], {}), str)
               for spec, arg in zip(overload.params, binding.args)
               if arg is not None and not spec.is_lambda)


def _report_mismatch(checker: CheckContext, node: ast.Call, builtin: Builtin, overload: Overload,
                     binding: _Binding, arg_types: _ArgTypes) -> None:
    bindings: dict = {}
    index = _first_mismatch(overload, binding, arg_types, bindings)
    spec, arg = overload.params[index], binding.args[index]
    if spec.is_lambda:
        checker.report("E-TYPE", f"argument `{spec.name}` of `{builtin.name}` must be a lambda "
                       f"`x => ...`", arg.span, _signature_hint(builtin))
        return
    if isinstance(arg, ast.Lambda):
        checker.report("E-TYPE", f"argument `{spec.name}` of `{builtin.name}` is not a lambda",
                       arg.span, _signature_hint(builtin))
        return
    actual = arg_types[arg]
    # A type variable already bound by an earlier argument is shown as that type:
    # `min(1m, 2)` expects a Length for `b`.
    bound = isinstance(spec.pattern, Var) and spec.pattern.name in bindings
    expected = spec.pattern.subst(bindings) if bound else spec.pattern
    hint = None
    if isinstance(arg, ast.Number):
        hint = T.unit_suggestion(spec.pattern.subst(bindings),
                                 checker.source.text[arg.span.start:arg.span.end])
    checker.report("E-TYPE", f"argument `{spec.name}` of `{builtin.name}`: expected "
                   f"{expected}, got {actual}", arg.span, hint or _signature_hint(builtin))


def _signature_hint(builtin: Builtin) -> str:
    return "; ".join(o.text for o in builtin.overloads)


def _finish_builtin_call(checker: CheckContext, node: ast.Call, scope: Scope, builtin: Builtin,
                         overload: Overload, binding: _Binding, arg_types: _ArgTypes,
                         bindings: dict) -> T.Type:
    args: list[ast.Expr] = []
    for spec, arg in zip(overload.params, binding.args):
        if arg is None:
            arg = default_expr(spec)
            checker.expr(arg, checker.globals)
        elif spec.is_lambda:
            _check_lambda(checker, builtin, spec, arg, scope, bindings)
        else:
            _record_coercion(checker, spec, arg, arg_types[arg])
        if spec.name in _SECTOR_PARAMS:
            _check_sectors(checker, arg)
        args.append(arg)
    if builtin.name == "find" and isinstance(args[0], ast.String):
        checker.check_scene_name(args[0])
    checker.note_call(CallInfo(builtin, overload, None, tuple(args)))
    result = overload.returns.subst(bindings)
    return T.widen(result) if builtin.name == "mean" else result


def _record_coercion(checker: CheckContext, spec: ParamSpec, arg: ast.Expr, actual: T.Type) -> None:
    how = spec.pattern.match(actual, {})
    if isinstance(how, str):
        checker.note_coercion(arg, how)
        if how == "find" and isinstance(arg, ast.String):
            checker.check_scene_name(arg)


def _check_lambda(checker: CheckContext, builtin: Builtin, spec: ParamSpec, arg: ast.Lambda,
                  scope: Scope, bindings: dict) -> None:
    pattern: FnPat = spec.pattern
    param_type = pattern.param.subst(bindings)
    body_type = checker.lambda_body(arg, param_type, scope)
    if not pattern.ret.match(body_type, bindings):
        wanted = "a number or quantity" if str(pattern.ret) in ("K", "Q") else str(pattern.ret)
        checker.report("E-TYPE", f"the lambda of `{builtin.name}` must give {wanted}, got "
                       f"{body_type}", arg.body.span)
    checker.note_lambda(arg, T.FnType(param_type, body_type))


def _check_sectors(checker: CheckContext, arg: ast.Expr) -> None:
    if not (isinstance(arg, ast.Number) and arg.value in _VALID_SECTORS):
        checker.report("E-TYPE", "`sectors` must be the literal 2, 4 or 8", arg.span)


def _check_def_call(checker: CheckContext, node: ast.Call, scope: Scope,
                    definition: ast.Def) -> T.Type:
    names = [p.name for p in definition.params]
    binding = bind_arguments(node, names, [p.default is None for p in definition.params])
    if binding.problem:
        checker.report("E-ARITY", binding.problem, node.span)
        _check_args_for_errors(checker, node, scope)
        return T.ERROR
    args = []
    for param, arg in zip(definition.params, binding.args):
        expected = checker.resolve_type_quietly(param.annotation)
        if arg is None:
            arg = param.default
        else:
            checker.expect(arg, expected, scope)
        args.append(arg)
    checker.note_call(CallInfo(None, None, definition, tuple(args)))
    return checker.resolve_type_quietly(definition.returns)
