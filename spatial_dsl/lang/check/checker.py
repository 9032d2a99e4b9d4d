"""Name resolution and type checking (language.md §3), reporting every error.

The result, ``Checked``, carries the typed program (``lang/typed.py``): every expression
with a stable id, its type and shape, every call with its resolved overload (or `def`) and
arguments in declared order, every argument with its coercion (a ``Str`` where ``Objects``
is expected means ``find(str)``). The runtime and the reference interpreter both read it,
so they never redo name or overload resolution.

The checker builds the typed program as it goes (``typed_builder.TypedBuilder``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .. import ast
from .. import types as T
from ..builtins import BUILTINS, attributes_of
from ..builtins.registry import FnPat
from ..diagnostics import Diagnostic, error, warning
from ..source import Source, Span
from ..typed import TypedProgram
from .calls import check_call
from .context import CallInfo, Scope, suggest
from .tasks import check_task
from .typed_builder import TypedBuilder

MAX_DEPTH = 64
MAX_STATEMENTS = 500
MAX_SCENE_SUGGESTIONS = 20  # did-you-mean hints for E-SCENE-NAME per program (and scene)

_ANSWERABLE = (T.BOOL, T.INT, T.NUMBER, T.STR, T.LENGTH, T.AREA, T.VOLUME, T.ANGLE, T.OBJECT,
               T.FRAME)


class SceneNames(Protocol):
    """What the checker needs of a scene to report E-SCENE-NAME."""

    def has_name(self, name: str) -> bool: ...

    def suggest_names(self, name: str) -> list[str]: ...


@dataclass
class Checked:
    program: ast.Program
    source: Source
    diagnostics: list[Diagnostic]
    typed: TypedProgram = field(default_factory=TypedProgram)
    definitions: dict[str, ast.Def] = field(default_factory=dict)
    question: str | None = None
    answer_type: T.Type | None = None
    task: ast.Task | None = None  # the template of a task file
    task_params: dict[str, T.Type] = field(default_factory=dict)
    # the string literals that name a category or label (`find("Mug")`, `the("Mug")`,
    # `o.category == "Mug"`), checked against each scene a program runs on
    scene_names: list[ast.String] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def type_of(self, node: ast.Expr) -> T.Type:
        """The type of an expression of the program (see ``TypedProgram.of``)."""
        return self.typed.of(node).type


def _constant_types() -> dict[str, T.Type]:
    return {b.name: b.overloads[0].returns.subst({}) for b in BUILTINS.values() if b.is_constant}


class Checker(TypedBuilder):
    def __init__(self, source: Source, scene: SceneNames | None = None):
        self.source = source
        self.scene = scene
        self.diagnostics: list[Diagnostic] = []
        self.globals = Scope(dict(_constant_types()))
        self.out: Checked | None = None
        self._init_typed()

    # ------------------------------------------------------------------ program

    def check_program(self, program: ast.Program) -> Checked:
        self.out = Checked(program, self.source, self.diagnostics)
        if len(program.statements) > MAX_STATEMENTS:
            self.report("E-LIMIT", f"{len(program.statements)} statements; the limit is "
                        f"{MAX_STATEMENTS}", program.statements[MAX_STATEMENTS].span)
            return self.out
        self._check_structure(program)
        for stmt in program.statements:
            if stmt.depth > MAX_DEPTH:
                self.report("E-LIMIT", f"nesting depth {stmt.depth}; the limit is {MAX_DEPTH}",
                            stmt.span, "name intermediate values with `let`")
                self._declare_unchecked(stmt)
                continue
            self._statement(stmt)
            self.record_statement(stmt)
        self.diagnostics.sort(key=lambda d: (d.span.line, d.span.column))
        return self.out

    def _declare_unchecked(self, stmt: ast.Stmt) -> None:
        """Bind the name of a statement too deep to check, so later uses do not cascade."""
        if isinstance(stmt, ast.Let) and stmt.name not in self.globals.names:
            self.globals.names[stmt.name] = T.ERROR
        elif isinstance(stmt, ast.Def) and stmt.name not in BUILTINS:
            self.out.definitions.setdefault(stmt.name, stmt)

    def _check_structure(self, program: ast.Program) -> None:
        tasks = [s for s in program.statements if isinstance(s, ast.Task)]
        if tasks:
            self._check_task_file(program, tasks)
            return
        statements = program.statements
        answers = [s for s in statements if isinstance(s, ast.Answer)]
        questions = [s for s in statements if isinstance(s, ast.Question)]
        end = self.source.span(len(self.source.text), len(self.source.text))
        if not answers:
            self.report("E-ANSWER", "the program has no `answer` statement",
                        statements[-1].span if statements else end,
                        "end the program with `answer EXPR`")
        for extra in answers[1:]:
            self.report("E-ANSWER", "a program has exactly one `answer`", extra.span)
        if answers and statements[-1] is not answers[-1]:
            self.report("E-ANSWER", "`answer` must be the last statement", answers[0].span)
        for q in questions:
            if q is not statements[0]:
                self.report("E-SYNTAX", "`question` must be the first statement (at most one)",
                            q.span)
        if questions and statements[0] is questions[0]:
            self.out.question = questions[0].text

    def _check_task_file(self, program: ast.Program, tasks: list[ast.Task]) -> None:
        """A task file holds `def`s and exactly one `task`."""
        for extra in tasks[1:]:
            self.report("E-SYNTAX", "a file holds one `task`", extra.span,
                        "put each task in a file of its own")
        for stmt in program.statements:
            if not isinstance(stmt, ast.Task | ast.Def):
                self.report("E-SYNTAX", "a task file holds only `def`s and one `task`",
                            stmt.span, "move this statement into the task")

    def _statement(self, stmt: ast.Stmt) -> None:
        match stmt:
            case ast.Let():
                self._let(stmt)
            case ast.Assert(cond=cond):
                self.expect_bool(cond, self.globals, "an assert condition")
            case ast.Answer(value=value):
                self.check_answer(value)
            case ast.Def():
                self._def(stmt)
            case ast.Task():
                check_task(self, stmt)

    def _bind(self, name: str, type_: T.Type, span: Span) -> None:
        if name in BUILTINS or name in self.out.definitions:
            self.report("E-NAME", f"`{name}` is already a function name", span,
                        "choose another name")
        elif name in self.globals.names:
            self.report("E-NAME", f"`{name}` is already defined", span,
                        "names are immutable: choose another name")
        else:
            self.globals.names[name] = type_

    def _let(self, stmt: ast.Let) -> None:
        value_type = self.expr(stmt.value, self.globals)
        if stmt.annotation is not None:
            declared = self.resolve_type(stmt.annotation)
            if not T.fits(value_type, declared):
                self._mismatch(declared, value_type, stmt.value)
            value_type = declared
        self._bind(stmt.name, value_type, stmt.name_span)

    def check_answer(self, value: ast.Expr, scope: Scope | None = None) -> None:
        answer_type = self.expr(value, scope or self.globals)
        self.out.answer_type = answer_type
        if not _answerable(answer_type):
            hint = {T.OBJECTS: "answer count(S) or labels(S)",
                    T.VEC3: "answer a component such as `.z`, or a distance"}.get(answer_type)
            self.report("E-TYPE", f"a value of type {answer_type} cannot be the answer",
                        value.span, hint)

    def _def(self, stmt: ast.Def) -> None:
        params: dict[str, T.Type] = {}
        for param in stmt.params:
            ptype = self.resolve_type(param.annotation)
            if param.name in params:
                self.report("E-NAME", f"parameter `{param.name}` appears twice", param.span)
            params[param.name] = ptype
            if param.default is not None:
                self.expect(param.default, ptype, self.globals)
        returns = self.resolve_type(stmt.returns)
        body_type = self.expr(stmt.body, Scope(params, self.globals))
        if not T.fits(body_type, returns):
            self._mismatch(returns, body_type, stmt.body)
        if stmt.name in BUILTINS or stmt.name in self.out.definitions \
                or stmt.name in self.globals.names:
            self.report("E-NAME", f"`{stmt.name}` is already defined", stmt.name_span)
        else:
            self.out.definitions[stmt.name] = stmt

    def resolve_type(self, texpr: ast.TypeExpr) -> T.Type:
        if texpr.name == "List":
            if texpr.arg is None:
                self.report("E-TYPE", "`List` needs an element type", texpr.span,
                            "write List[Object]")
                return T.ERROR
            return T.ListType(self.resolve_type(texpr.arg))
        found = T.NAMED_TYPES.get(texpr.name)
        if found is not None and texpr.arg is not None:
            self.report("E-TYPE", f"`{texpr.name}` takes no type argument", texpr.span,
                        f"write {texpr.name}, or List[...] for a list")
            return T.ERROR
        if found is None:
            self.report("E-TYPE", f"unknown type `{texpr.name}`", texpr.span,
                        suggest(texpr.name, list(T.NAMED_TYPES) + ["List"]))
            return T.ERROR
        return found

    def resolve_type_quietly(self, texpr: ast.TypeExpr) -> T.Type:
        """Resolve a type whose problems were already reported (at its `def`)."""
        mark = len(self.diagnostics)
        resolved = self.resolve_type(texpr)
        del self.diagnostics[mark:]
        return resolved

    # -------------------------------------------------------------- expressions

    def expr(self, node: ast.Expr, scope: Scope) -> T.Type:
        method = getattr(self, "_" + type(node).__name__.lower())
        self.open_node()
        result = method(node, scope)
        if result == T.NOTHING:
            result = self._element_of_empty_list(node)
        self.close_node(node, result)
        return result

    # ------------------------------------------------------------ typed program

    def _element_of_empty_list(self, node: ast.Expr) -> T.Type:
        """`[][0]`, `first([])`, `x` in `map([], x => x)`: a value that cannot exist."""
        self.report("E-TYPE", "an element of the empty list `[]`: there is none, and its type "
                    "is unknown", node.span,
                    "give the list a type, e.g. `let xs: List[Object] = []`")
        return T.ERROR

    def _number(self, node: ast.Number, scope) -> T.Type:
        return T.INT if isinstance(node.value, int) else T.NUMBER

    def _quantity(self, node: ast.Quantity, scope) -> T.Type:
        unit = T.UNITS.get(node.unit)
        if unit is None:
            self.report("E-UNIT", f"unknown unit `{node.unit}`", node.span,
                        suggest(node.unit, T.UNITS) or "units: " + " ".join(T.UNITS))
            return T.ERROR
        return unit[0]

    def _string(self, node, scope) -> T.Type:
        return T.STR

    def _bool(self, node, scope) -> T.Type:
        return T.BOOL

    def _name(self, node: ast.Name, scope: Scope) -> T.Type:
        found = scope.lookup(node.id)
        if found is not None:
            return found
        if node.id in BUILTINS or node.id in self.out.definitions:
            self.report("E-TYPE", f"`{node.id}` is a function", node.span,
                        f"call it: {node.id}(...)")
            return T.ERROR
        self.report("E-NAME", f"unknown name `{node.id}`", node.span,
                    suggest(node.id, scope.all_names() | BUILTINS.keys()))
        return T.ERROR

    def _listlit(self, node: ast.ListLit, scope) -> T.Type:
        elem: T.Type = T.NOTHING
        for item in node.items:
            item_type = self.expr(item, scope)
            joined = item_type if elem == T.NOTHING else T.join(elem, item_type)
            if joined is None:
                self.report("E-TYPE", f"list items have different types: {elem} and "
                            f"{item_type}", item.span)
                return T.ERROR
            elem = joined
        return T.ListType(elem)

    def _lambda(self, node: ast.Lambda, scope) -> T.Type:
        self.report("E-TYPE", "a lambda can only be an argument of a higher-order builtin",
                    node.span, "e.g. filter(objects, o => ...)")
        return T.ERROR

    def _attr(self, node: ast.Attr, scope) -> T.Type:
        owner = self.expr(node.obj, scope)
        if owner == T.ERROR:
            return T.ERROR
        table = attributes_of(owner)
        if not table:
            self.report("E-TYPE", f"a value of type {owner} has no attributes", node.name_span,
                        "the(S) picks the object of a set" if owner == T.OBJECTS else None)
            return T.ERROR
        attr = table.get(node.name)
        if attr is None:
            self.report("E-NAME", f"{owner} has no attribute `{node.name}`", node.name_span,
                        suggest(node.name, table) or "attributes: " + ", ".join(table))
            return T.ERROR
        return attr.type

    def _index(self, node: ast.Index, scope) -> T.Type:
        seq = self.expr(node.obj, scope)
        self.expect(node.index, T.INT, scope)
        if isinstance(seq, T.ListType):
            return seq.elem
        if seq != T.ERROR:
            hint = "sets are unordered: index sort(S, o => key)" if seq == T.OBJECTS else None
            self.report("E-TYPE", f"cannot index a value of type {seq}", node.obj.span, hint)
        return T.ERROR

    def _neg(self, node: ast.Neg, scope) -> T.Type:
        operand = self.expr(node.operand, scope)
        if operand in T.NUMERIC or operand in (T.VEC3, T.ERROR):
            return operand
        self.report("E-TYPE", f"cannot negate a value of type {operand}", node.span)
        return T.ERROR

    def _not(self, node: ast.Not, scope) -> T.Type:
        self.expect_bool(node.operand, scope, "the operand of `not`")
        return T.BOOL

    def _binop(self, node: ast.BinOp, scope) -> T.Type:
        if node.op in ("and", "or"):
            self.expect_bool(node.left, scope, f"the operands of `{node.op}`")
            self.expect_bool(node.right, scope, f"the operands of `{node.op}`")
            return T.BOOL
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        result = T.arithmetic(node.op, left, right)
        if result is None:
            self._operand_error(node, left, right)
            return T.ERROR
        return result

    def _compare(self, node: ast.Compare, scope) -> T.Type:
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        if not T.comparable(node.op, left, right):
            self._operand_error(node, left, right)
        elif node.op in ("==", "!=") and (left in T.QUANTITIES or right in T.QUANTITIES):
            self.diagnostics.append(warning(
                "W-EQ", f"`{node.op}` compares {left} values exactly", node.op_span,
                "compare the difference with a tolerance, e.g. abs(a - b) < 1cm"))
        elif node.op in ("==", "!="):
            self._scene_name_in_comparison(node)
        return T.BOOL

    def _inunit(self, node: ast.InUnit, scope) -> T.Type:
        operand = self.expr(node.operand, scope)
        unit = T.UNITS.get(node.unit)
        if unit is None:
            self.report("E-UNIT", f"unknown unit `{node.unit}`", node.unit_span,
                        suggest(node.unit, T.UNITS) or "units: " + " ".join(T.UNITS))
            return T.ERROR
        if operand != T.ERROR and operand != unit[0]:
            self.report("E-TYPE", f"cannot convert {_a(operand)} to {node.unit}", node.span,
                        f"`in {node.unit}` converts {_a(unit[0])}")
        return T.NUMBER

    def _if(self, node: ast.If, scope) -> T.Type:
        self.expect_bool(node.cond, scope, "an `if` condition")
        then, orelse = self.expr(node.then, scope), self.expr(node.orelse, scope)
        joined = T.join(then, orelse)
        if joined is None:
            self.report("E-TYPE", f"the branches of `if` differ: {then} and {orelse}",
                        node.orelse.span, "both branches must have the same type")
            return T.ERROR
        return joined

    def _call(self, node: ast.Call, scope) -> T.Type:
        return check_call(self, node, scope)

    # ------------------------------------------------------------------ helpers

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, span, hint))

    def expect(self, node: ast.Expr, expected: T.Type, scope: Scope) -> T.Type:
        actual = self.expr(node, scope)
        if not T.fits(actual, expected):
            self._mismatch(expected, actual, node)
        return actual

    def expect_bool(self, node: ast.Expr, scope: Scope, what: str) -> None:
        actual = self.expr(node, scope)
        if not T.fits(actual, T.BOOL):
            self.report("E-TYPE", f"{what} must be a Bool, got {actual}", node.span)

    def _mismatch(self, expected: T.Type, actual: T.Type, node: ast.Expr) -> None:
        hint = None
        if isinstance(node, ast.Number):
            hint = T.unit_suggestion(expected, self.source.text[node.span.start:node.span.end])
        self.report("E-TYPE", f"expected {expected}, got {actual}", node.span, hint)

    def _operand_error(self, node: ast.BinOp | ast.Compare, left: T.Type, right: T.Type):
        """Point at the plain number when the other side is a quantity (`d > 1.5`)."""
        for number, other in ((node.right, left), (node.left, right)):
            if isinstance(number, ast.Number) and other in T.QUANTITIES:
                self._mismatch(other, self._number(number, None), number)
                return
        self.report("E-TYPE", f"cannot apply `{node.op}` to {left} and {right}", node.op_span,
                    _operator_hint(node.op, left, right))

    def _scene_name_in_comparison(self, node: ast.Compare) -> None:
        """`o.category == "Fridgee"` names a category: check it against the scene."""
        for attr, lit in ((node.left, node.right), (node.right, node.left)):
            if isinstance(attr, ast.Attr) and attr.name in ("category", "label") \
                    and isinstance(lit, ast.String):
                self.check_scene_name(lit)

    def check_scene_name(self, lit: ast.String) -> None:
        self.out.scene_names.append(lit)
        if self.scene is not None:
            hinted = sum(1 for d in self.diagnostics if d.code == "E-SCENE-NAME")
            found = scene_name_error(lit, self.scene, hinted < MAX_SCENE_SUGGESTIONS)
            if found is not None:
                self.diagnostics.append(found)


def _operator_hint(op: str, left: T.Type, right: T.Type) -> str | None:
    if op == "/" and left in T.QUANTITIES and right in T.QUANTITIES:
        return "only quantities of one dimension divide (giving a Number)"
    if op in ("+", "-") and left in T.NUMERIC and right in T.NUMERIC:
        return "both sides of + and - must have the same dimension"
    if op in ("<", "<=", ">", ">=", "==", "!=") and T.is_quantity(left) != T.is_quantity(right):
        return "convert with `in UNIT`, or write the number with a unit"
    return None


def _a(t: T.Type) -> str:
    """The type name with its indefinite article: `an Int`, `a Length`."""
    return f"an {t}" if str(t)[:1] in "AEIOU" else f"a {t}"


def _answerable(t: T.Type) -> bool:
    if t in _ANSWERABLE or t == T.ERROR:
        return True
    return isinstance(t, T.ListType) and t.elem in _ANSWERABLE + (T.NOTHING, T.ERROR)


def scene_name_error(lit: ast.String, scene: SceneNames,
                     suggest: bool = True) -> Diagnostic | None:
    """E-SCENE-NAME for a literal naming no category or label of the scene. Suggestions
    compare with every name of the scene (10,000 labels: ~50 ms each), so the callers
    stop asking for them after MAX_SCENE_SUGGESTIONS; a very long name gets none."""
    if scene.has_name(lit.value):
        return None
    close = scene.suggest_names(lit.value) if suggest and len(lit.value) <= 200 else []
    hint = ("did you mean " + " or ".join(f'"{c}"' for c in close) + "?") if close else None
    return error("E-SCENE-NAME", f'the scene has no object named "{lit.value}"', lit.span, hint)


def scene_name_diagnostics(checked: Checked, scene: SceneNames) -> list[Diagnostic]:
    """The E-SCENE-NAME errors of a program checked without a scene, for this scene:
    the same diagnostics ``compile_source(text, name, scene)`` would add."""
    found: dict[tuple[int, int], Diagnostic] = {}
    for lit in checked.scene_names:
        key = (lit.span.start, lit.span.end)
        if key not in found:
            diagnostic = scene_name_error(lit, scene, len(found) < MAX_SCENE_SUGGESTIONS)
            if diagnostic is not None:
                found[key] = diagnostic
    return sorted(found.values(), key=lambda d: (d.span.line, d.span.column))


def check(program: ast.Program, source: Source, scene: SceneNames | None = None) -> Checked:
    return Checker(source, scene).check_program(program)


def compile_source(text: str, name: str = "<input>",
                   scene: SceneNames | None = None) -> Checked:
    """Parse and check a program; the result's ``diagnostics`` lists every problem."""
    from ..syntax import parse

    source = Source(text, name)
    parsed = parse(source)
    if parsed.program is None:
        return Checked(ast.Program(()), source, parsed.diagnostics)
    checked = check(parsed.program, source, scene)
    checked.diagnostics[:0] = parsed.diagnostics
    checked.diagnostics.sort(key=lambda d: (d.span.line, d.span.column))
    return checked


# re-exported for the call checker
__all__ = ["Checked", "CallInfo", "Checker", "FnPat", "check", "compile_source",
           "scene_name_diagnostics", "suggest"]
