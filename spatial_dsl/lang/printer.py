"""The canonical printer: AST -> source text, with ``parse(print(ast)) == ast``.

Layout: one statement per line, single spaces around binary operators and
`=>`, `, ` between arguments, parentheses only where precedence needs them.
``format_program`` also keeps comments (own-line comments before their
statement, trailing comments after it) and single blank lines between groups.
Lines are not wrapped.
"""

from __future__ import annotations

from . import ast

# Precedence levels, as in syntax.py (higher binds tighter).
_LEVEL = {"if": 0, "or": 1, "and": 2, "not": 3, "cmp": 4, "in": 5, "+": 6, "-": 6, "*": 7,
          "/": 7, "neg": 8, "postfix": 9}


def _level(node: ast.Expr) -> int:
    match node:
        case ast.If() | ast.Lambda():
            return _LEVEL["if"]
        case ast.BinOp(op=op):
            return _LEVEL[op]
        case ast.Not():
            return _LEVEL["not"]
        case ast.Compare():
            return _LEVEL["cmp"]
        case ast.InUnit():
            return _LEVEL["in"]
        case ast.Neg():
            return _LEVEL["neg"]
    return _LEVEL["postfix"]


def _wrap(node: ast.Expr, min_level: int) -> str:
    text = expr(node)
    return f"({text})" if _level(node) < min_level else text


def format_number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def format_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def expr(node: ast.Expr) -> str:
    match node:
        case ast.Number(value=v):
            return format_number(v)
        case ast.Quantity(value=v, unit=u):
            return format_number(v) + u
        case ast.String(value=v):
            return format_string(v)
        case ast.Bool(value=v):
            return "true" if v else "false"
        case ast.Name(id=name):
            return name
        case ast.ListLit(items=items):
            return "[" + ", ".join(expr(i) for i in items) + "]"
        case ast.Call():
            return _call(node)
        case ast.Lambda(param=p, body=b):
            return f"{p} => {expr(b)}"
        case ast.Attr(obj=o, name=n):
            return f"{_wrap(o, _LEVEL['postfix'])}.{n}"
        case ast.Index(obj=o, index=i):
            return f"{_wrap(o, _LEVEL['postfix'])}[{expr(i)}]"
        case ast.Neg(operand=o):
            return f"-{_wrap(o, _LEVEL['neg'])}"
        case ast.Not(operand=o):
            return f"not {_wrap(o, _LEVEL['cmp'])}"
        case ast.InUnit(operand=o, unit=u):
            return f"{_wrap(o, _LEVEL['in'] + 1)} in {u}"
    return _compound(node)


def _compound(node: ast.Expr) -> str:
    match node:
        case ast.BinOp(op=op, left=a, right=b):
            level = _LEVEL[op]
            return f"{_wrap(a, level)} {op} {_wrap(b, level + 1)}"
        case ast.Compare(op=op, left=a, right=b):
            level = _LEVEL["cmp"]
            return f"{_wrap(a, level + 1)} {op} {_wrap(b, level + 1)}"
        case ast.If(cond=c, then=t, orelse=e):
            return f"if {expr(c)} then {expr(t)} else {expr(e)}"
    raise TypeError(f"cannot print {type(node).__name__}")


def _call(node: ast.Call) -> str:
    parts = [expr(a) for a in node.args] + [f"{k.name}={expr(k.value)}" for k in node.keywords]
    return f"{node.func}({', '.join(parts)})"


def type_expr(node: ast.TypeExpr) -> str:
    return node.name + (f"[{type_expr(node.arg)}]" if node.arg is not None else "")


def statement(node: ast.Stmt) -> str:
    match node:
        case ast.Question(text=t):
            return f"question {format_string(t)}"
        case ast.Let(name=n, annotation=a, value=v):
            annotation = f": {type_expr(a)}" if a is not None else ""
            return f"let {n}{annotation} = {expr(v)}"
        case ast.Assert(cond=c, message=m):
            return f"assert {expr(c)} else {format_string(m)}"
        case ast.Answer(value=v):
            return f"answer {expr(v)}"
        case ast.Def(name=n, params=ps, returns=r, body=b):
            return f"def {n}({', '.join(_param(p) for p in ps)}) -> {type_expr(r)}: {expr(b)}"
        case ast.Task():
            return _task(node)
    raise TypeError(f"cannot print {type(node).__name__}")


def _domain(d: ast.Domain) -> str:
    if d.kind == "range":
        return f"Int in {d.low}..{d.high}"
    if d.kind == "choice":
        return "one of [" + ", ".join(expr(c) for c in d.choices) + "]"
    return d.kind


def _task(t: ast.Task) -> str:
    lines = [f"task {t.name}", f"  modality {t.modality}"]
    if t.params:
        lines.append("  params " + ", ".join(f"{p.name}: {_domain(p.domain)}" for p in t.params))
    if t.where is not None:
        lines.append(f"  where {expr(t.where)}")
    lines += [f"  ask {format_string(a.text)}" for a in t.asks]
    if t.choices is not None:
        lines.append(f"  choices {expr(t.choices)}")
    lines.append(f"  {statement(t.answer)}")
    return "\n".join(lines)


def _param(p: ast.Param) -> str:
    default = f" = {expr(p.default)}" if p.default is not None else ""
    return f"{p.name}: {type_expr(p.annotation)}{default}"


def print_program(program: ast.Program) -> str:
    """Statements only, one per line (no comments)."""
    return "".join(statement(s) + "\n" for s in program.statements)


def format_program(program: ast.Program, text: str) -> str:
    """Canonical text of a parsed program, keeping its comments and blank-line groups."""
    comments = sorted(program.comments, key=lambda c: c.line)
    lines: list[str] = []
    ci = 0
    prev_end = 0
    source_lines = text.split("\n")  # as the parser counts lines (not splitlines())
    for stmt in program.statements:
        if lines and _blank_between(source_lines, prev_end, stmt.span.line):
            lines.append("")
        trailing = []
        while ci < len(comments) and comments[ci].line <= stmt.span.end_line:
            comment = comments[ci]
            own_line = source_lines[comment.line - 1].lstrip().startswith("#")
            (lines if own_line or comment.line != stmt.span.end_line else trailing).append(
                comment.text.rstrip())
            ci += 1
        lines.append(statement(stmt) + ("  " + trailing[0] if trailing else ""))
        prev_end = stmt.span.end_line
    for comment in comments[ci:]:
        if lines and _blank_between(source_lines, prev_end, comment.line):
            lines.append("")
        lines.append(comment.text.rstrip())
        prev_end = comment.line
    return "\n".join(lines) + "\n" if lines else ""


def _blank_between(source_lines: list[str], after_line: int, before_line: int) -> bool:
    """Whether the source has a blank line between two (1-based) lines."""
    return any(not source_lines[i].strip() for i in range(after_line, before_line - 1)
               if i < len(source_lines))
