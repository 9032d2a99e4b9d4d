"""Type checking of task templates (synthesis.md "Task templates")."""

from __future__ import annotations

import re

from .. import ast
from .. import types as T
from .context import CheckContext, Scope, suggest

MODALITIES = ("image", "video", "scene")
DOMAIN_TYPES: dict[str, T.Type] = {"Category": T.STR, "Ref": T.OBJECT, "Object": T.OBJECT,
                                   "Frame": T.FRAME}
# `{a}` (the parameter's natural name) or `{a:plural}` (a Category's plural: "stove burners")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(plural))?\}")


def check_task(checker: CheckContext, task: ast.Task) -> None:
    checker.out.task = task
    if task.modality not in MODALITIES:
        checker.report("E-NAME", f"unknown modality `{task.modality}`", task.modality_span,
                       suggest(task.modality, MODALITIES) or "one of: image, video, scene")
    params = _param_types(checker, task.params)
    checker.out.task_params = params
    scope = Scope(dict(params), checker.globals)
    if task.where is not None:
        checker.expect_bool(task.where, scope, "a `where` condition")
    kinds = {p.name: p.domain.kind for p in task.params}
    for ask in task.asks:
        _check_placeholders(checker, ask, params, kinds)
    checker.check_answer(task.answer.value, scope)
    if task.choices is not None:
        _check_choices(checker, task.choices, scope)


def _param_types(checker: CheckContext, params: tuple[ast.TaskParam, ...]) -> dict[str, T.Type]:
    types: dict[str, T.Type] = {}
    for param in params:
        if param.name in types or param.name in checker.globals.names:
            checker.report("E-NAME", f"parameter `{param.name}` is already defined", param.span)
        types[param.name] = _domain_type(checker, param.domain)
    return types


def _domain_type(checker: CheckContext, domain: ast.Domain) -> T.Type:
    if domain.kind in DOMAIN_TYPES:
        return DOMAIN_TYPES[domain.kind]
    if domain.kind == "range":
        if domain.low > domain.high:
            checker.report("E-TYPE", f"empty range {domain.low}..{domain.high}", domain.span)
        return T.INT
    if domain.kind == "choice":
        return _choice_type(checker, domain)
    checker.report("E-TYPE", f"unknown parameter domain `{domain.kind}`", domain.span,
                   suggest(domain.kind, list(DOMAIN_TYPES) + ["Int"])
                   or "Category, Ref, Object, Frame, Int in lo..hi, one of [...]")
    return T.ERROR


def _choice_type(checker: CheckContext, domain: ast.Domain) -> T.Type:
    if not domain.choices:
        checker.report("E-TYPE", "`one of` needs at least one value", domain.span)
        return T.ERROR
    joined: T.Type | None = T.NOTHING
    for item in domain.choices:
        if not isinstance(item, ast.String | ast.Number | ast.Quantity | ast.Bool):
            checker.report("E-TYPE", "`one of` takes literal values", item.span)
        item_type = checker.expr(item, checker.globals)
        joined = item_type if joined == T.NOTHING else T.join(joined, item_type)
        if joined is None:
            checker.report("E-TYPE", "the values of `one of` have different types", item.span)
            return T.ERROR
    return joined


def _check_placeholders(checker: CheckContext, ask: ast.Ask, params: dict[str, T.Type],
                        kinds: dict[str, str]) -> None:
    for name, form in PLACEHOLDER.findall(ask.text):
        if name not in params:
            checker.report("E-NAME", f"`{{{name}}}` names no parameter", ask.span,
                           suggest(name, params) or "parameters: " + ", ".join(params))
        elif form and kinds.get(name) != "Category":
            checker.report("E-TYPE", f"`{{{name}:{form}}}` needs a Category parameter",
                           ask.span, f"write `{{{name}}}`")


def _check_choices(checker: CheckContext, choices: ast.Expr, scope: Scope) -> None:
    choices_type = checker.expr(choices, scope)
    answer_type = checker.out.answer_type
    wanted = T.ListType(answer_type) if answer_type not in (None, T.ERROR) else None
    if choices_type == T.ERROR or wanted is None:
        return
    if not T.fits(choices_type, wanted):
        checker.report("E-TYPE", f"`choices` must be a {wanted} (the answer's type), got "
                       f"{choices_type}", choices.span)
