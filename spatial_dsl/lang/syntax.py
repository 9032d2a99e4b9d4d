"""Source text -> AST.

The Lark LALR parser calls ``_Builder`` at each reduction, so the AST is built
in the parser's own pass with no intermediate tree. Binary operators arrive
as a flat sequence and are ordered here by precedence climbing.

Syntax errors are reported one per statement: after an error the broken
statement is blanked out (positions kept) and the rest is parsed again.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Transformer

from . import ast, keywords
from .diagnostics import Diagnostic, error
from .fastparse import FastParser, SyntaxFailure
from spatial_dsl.resources import read_text
from .source import Source, Span

MAX_PROGRAM_BYTES = 64 * 1024
MAX_SYNTAX_ERRORS = 20

# Binary precedence (higher binds tighter); `not` is a prefix at level 3, `in UNIT` a postfix at 5.
_BINARY_PRECEDENCE = {"or": 1, "and": 2, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
                      "+": 6, "-": 6, "*": 7, "/": 7}
_NOT_OPERAND_PRECEDENCE = 4
_IN_PRECEDENCE = 5
_COMPARISONS = frozenset(("<", "<=", ">", ">=", "==", "!="))

_NUMBER_PARTS = re.compile(r"([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(.*)", re.S)
_MAX_INT_LITERAL = 2**53

# The words a statement starts with, read from the grammar's `_stmt` (keywords.py).
STATEMENT_KEYWORDS = keywords.STATEMENT_KEYWORDS
_STATEMENT_START = re.compile(r"(?:^|;)[ \t\f\r]*(" + "|".join(STATEMENT_KEYWORDS) + r")\b", re.M)


def token_span(tok: Token) -> Span:
    return Span(tok.line, tok.column, tok.end_line, tok.end_column, tok.start_pos, tok.end_pos)


def _depth(*nodes) -> int:
    return 1 + max((n.depth for n in nodes if n is not None), default=0)


class _Builder(Transformer):
    """One method per grammar rule or alias; each returns an AST node."""

    def __init__(self):
        super().__init__(visit_tokens=False)
        self.diagnostics: list[Diagnostic] = []
        self.comments: list[ast.Comment] = []

    def reset(self) -> None:
        self.diagnostics = []
        self.comments = []

    def on_comment(self, tok: Token) -> Token:
        self.comments.append(ast.Comment(tok.line, str(tok)))
        return tok

    # --------------------------------------------------------------- statements

    def start(self, items):
        statements = tuple(i for i in items if isinstance(i, ast.Stmt))
        if not statements:
            return ast.Program(statements)
        span = statements[0].span.to(statements[-1].span)
        return ast.Program(statements, span=span, depth=_depth(*statements))

    def question(self, items):
        kw, text = items
        return ast.Question(self._string_value(text), span=token_span(kw).to(token_span(text)))

    def let(self, items):
        kw, name, annotation, value = items
        return ast.Let(str(name), annotation, value, span=token_span(kw).to(value.span),
                       name_span=token_span(name), depth=_depth(value))

    def assert_(self, items):
        kw, cond, message = items
        return ast.Assert(cond, self._string_value(message),
                          span=token_span(kw).to(token_span(message)), depth=_depth(cond))

    def answer(self, items):
        kw, value = items
        return ast.Answer(value, span=token_span(kw).to(value.span), depth=_depth(value))

    def def_(self, items):
        kw, name, _lpar, params, _rpar, returns, body = items
        params = params or ()
        return ast.Def(str(name), params, returns, body, span=token_span(kw).to(body.span),
                       name_span=token_span(name), depth=_depth(body, *params))

    def params(self, items):
        return tuple(i for i in items if i is not None)

    def param(self, items):
        name, annotation, default = items
        end = default.span if default is not None else annotation.span
        return ast.Param(str(name), annotation, default, span=token_span(name).to(end),
                         depth=_depth(default))

    def type(self, items):
        name, _lsqb, arg, rsqb = items
        end = token_span(rsqb) if rsqb is not None else token_span(name)
        return ast.TypeExpr(str(name), arg, span=token_span(name).to(end))

    # -------------------------------------------------------------------- tasks

    def task(self, items):
        kw, name, _modality_kw, modality, params, where, *rest = items
        *asks, choices, answer = rest
        params = params or ()
        parts = [*params, where, choices, answer]
        return ast.Task(str(name), str(modality), params, where, tuple(asks), choices, answer,
                        span=token_span(kw).to(answer.span), name_span=token_span(name),
                        modality_span=token_span(modality), depth=_depth(*parts))

    def task_params(self, items):
        return tuple(i for i in items[1:] if i is not None)

    def task_param(self, items):
        name, domain = items
        return ast.TaskParam(str(name), domain, span=token_span(name).to(domain.span),
                             depth=_depth(domain))

    def domain_named(self, items):
        return ast.Domain(str(items[0]), span=token_span(items[0]))

    def domain_range(self, items):
        name, _in, low, _dots, high = items
        kind = "range" if str(name) == "Int" else str(name)
        return ast.Domain(kind, low[0], high[0], span=token_span(name).to(high[1]))

    def bound(self, items):
        minus, number = items
        value = self._number_value(str(number), number)
        if not isinstance(value, int):
            self.diagnostics.append(error("E-SYNTAX", "range bounds must be whole numbers",
                                          token_span(number)))
            value = int(value)
        start = token_span(minus) if minus is not None else token_span(number)
        return (-value if minus is not None else value), start.to(token_span(number))

    def domain_choice(self, items):
        one, _of, _lsqb, elems, rsqb = items
        return ast.Domain("choice", choices=tuple(elems or ()),
                          span=token_span(one).to(token_span(rsqb)), depth=_depth(*(elems or ())))

    def task_where(self, items):
        return items[1]

    def task_ask(self, items):
        return ast.Ask(self._string_value(items[1]), span=token_span(items[0]).to(
            token_span(items[1])))

    def task_choices(self, items):
        return items[1]

    # -------------------------------------------------------------- expressions

    def if_expr(self, items):
        kw, cond, then, orelse = items
        return ast.If(cond, then, orelse, span=token_span(kw).to(orelse.span),
                      depth=_depth(cond, then, orelse))

    def opseq(self, items):
        return _PrecedenceClimber(items, self.diagnostics).parse()

    def neg(self, items):
        minus, operand = items
        return ast.Neg(operand, span=token_span(minus).to(operand.span), depth=_depth(operand))

    def attr(self, items):
        obj, name = items
        return ast.Attr(obj, str(name), span=obj.span.to(token_span(name)),
                        name_span=token_span(name), depth=_depth(obj))

    def index(self, items):
        obj, _lsqb, index, rsqb = items
        return ast.Index(obj, index, span=obj.span.to(token_span(rsqb)), depth=_depth(obj, index))

    def number(self, items):
        (tok,) = items
        digits, unit = _NUMBER_PARTS.fullmatch(str(tok)).groups()
        value = self._number_value(digits, tok)
        if unit:
            return ast.Quantity(value, unit, span=token_span(tok))
        return ast.Number(value, span=token_span(tok))

    def string(self, items):
        (tok,) = items
        return ast.String(self._string_value(tok), span=token_span(tok))

    def true(self, items):
        return ast.Bool(True, span=token_span(items[0]))

    def false(self, items):
        return ast.Bool(False, span=token_span(items[0]))

    def name(self, items):
        return ast.Name(str(items[0]), span=token_span(items[0]))

    def call(self, items):
        name, _lpar, args, rpar = items
        positional, keywords = self._split_args(args or ())
        return ast.Call(str(name), positional, keywords, span=token_span(name).to(token_span(rpar)),
                        func_span=token_span(name), depth=_depth(*positional, *keywords))

    def paren(self, items):
        return items[1]

    def list(self, items):
        lsqb, elems, rsqb = items
        elems = elems or ()
        return ast.ListLit(elems, span=token_span(lsqb).to(token_span(rsqb)), depth=_depth(*elems))

    def args(self, items):
        return tuple(i for i in items if i is not None)

    items = args

    def kwarg(self, items):
        name, value = items
        return ast.Keyword(str(name), value, span=token_span(name).to(value.span),
                           depth=_depth(value))

    def lambda_(self, items):
        param, body = items
        return ast.Lambda(str(param), body, span=token_span(param).to(body.span),
                          param_span=token_span(param), depth=_depth(body))

    # ------------------------------------------------------------------ helpers

    def _split_args(self, args):
        positional, keywords = [], []
        for arg in args:
            if isinstance(arg, ast.Keyword):
                keywords.append(arg)
            elif keywords:
                self.diagnostics.append(error(
                    "E-SYNTAX", "positional argument after a keyword argument", arg.span,
                    "put positional arguments first"))
            else:
                positional.append(arg)
        return tuple(positional), tuple(keywords)

    def _number_value(self, digits: str, tok: Token) -> int | float:
        if "." not in digits and "e" not in digits.lower():
            # int() refuses strings over 4,300 digits (ValueError); anything over 19 is out
            # of range anyway, so long digit strings are never converted.
            if len(digits.lstrip("0")) <= 19 and int(digits) <= _MAX_INT_LITERAL:
                return int(digits)
            limit = f"integer literals are at most 2^53 = {_MAX_INT_LITERAL}"
        else:
            value = float(digits)
            if value != float("inf"):
                return value
            limit = "the largest number is about 1.8e308"
        self.diagnostics.append(error("E-SYNTAX", f"number {_shown_number(digits)} is out of "
                                      f"range", token_span(tok), limit))
        return 0

    def _string_value(self, tok: Token) -> str:
        body = str(tok)[1:-1]
        out, i = [], 0
        while i < len(body):
            ch = body[i]
            if ch == "\\":
                nxt = body[i + 1]
                if nxt not in "\"\\":
                    start = tok.start_pos + 1 + i
                    span = Span(tok.line, tok.column + 1 + i, tok.line, tok.column + 3 + i,
                                start, start + 2)
                    self.diagnostics.append(error(
                        "E-SYNTAX", f"unknown escape \\{nxt} in a string", span,
                        'only \\" and \\\\ are escapes'))
                out.append(nxt)
                i += 2
            else:
                out.append(ch)
                i += 1
        return "".join(out)


class _PrecedenceClimber:
    """Orders a flat operator sequence: [NOT*, operand, IN, NAME, OP, NOT*, operand, ...]."""

    def __init__(self, items: list, diagnostics: list[Diagnostic]):
        self.items = items
        self.pos = 0
        self.diagnostics = diagnostics

    def parse(self) -> ast.Expr:
        return self._expr(0)

    def _peek(self):
        return self.items[self.pos] if self.pos < len(self.items) else None

    def _take(self):
        item = self.items[self.pos]
        self.pos += 1
        return item

    def _prefix(self) -> ast.Expr:
        # Iterative over a run of `not`s, so `not not ... x` cannot exhaust the Python stack.
        nots = []
        while isinstance(item := self._take(), Token) and item.type == "NOT":
            nots.append(item)
        if not nots:
            return item
        self.pos -= 1
        operand = self._expr(_NOT_OPERAND_PRECEDENCE)
        for tok in reversed(nots):
            operand = ast.Not(operand, span=token_span(tok).to(operand.span),
                              depth=_depth(operand))
        return operand

    def _expr(self, min_prec: int) -> ast.Expr:
        lhs = self._prefix()
        made_comparison = False
        while (item := self._peek()) is not None:
            if item.type == "IN":
                if min_prec > _IN_PRECEDENCE:
                    break
                self._take()
                unit = self._take()
                lhs = ast.InUnit(lhs, str(unit), span=lhs.span.to(token_span(unit)),
                                 unit_span=token_span(unit), depth=_depth(lhs))
                continue
            op = str(item)
            prec = _BINARY_PRECEDENCE[op]
            if prec < min_prec:
                break
            self._take()
            rhs = self._expr(prec + 1)
            if op in _COMPARISONS:
                if made_comparison:
                    self.diagnostics.append(error(
                        "E-SYNTAX", "comparisons cannot be chained", token_span(item),
                        "combine two comparisons with `and`"))
                made_comparison = True
                lhs = ast.Compare(op, lhs, rhs, span=lhs.span.to(rhs.span),
                                  op_span=token_span(item), depth=_depth(lhs, rhs))
            else:
                lhs = ast.BinOp(op, lhs, rhs, span=lhs.span.to(rhs.span),
                                op_span=token_span(item), depth=_depth(lhs, rhs))
        return lhs


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return read_text("grammar", "spatial.lark")


@dataclass
class _Parser:
    lark: Lark  # builds the LALR tables and terminals from the grammar
    fast: FastParser  # runs them
    builder: _Builder
    lock: threading.Lock


@lru_cache(maxsize=1)
def _parser() -> _Parser:
    builder = _Builder()
    lark = Lark(grammar_text(), parser="lalr", lexer="basic", transformer=builder,
                propagate_positions=True, maybe_placeholders=True,
                lexer_callbacks={"COMMENT": builder.on_comment})
    return _Parser(lark, FastParser(lark, builder, builder.on_comment), builder,
                   threading.Lock())


@dataclass
class ParseResult:
    program: ast.Program | None  # None when there were syntax errors that stop checking
    diagnostics: list[Diagnostic]


def _shown_number(digits: str) -> str:
    """A number as quoted in a message: long ones clipped, with their length."""
    if len(digits) <= 40:
        return digits
    return f"{digits[:20]}...{digits[-8:]} ({len(digits)} characters)"


def parse(source: Source) -> ParseResult:
    """Parse a whole program, reporting every syntax error (one per statement)."""
    size = len(source.text.encode("utf-8", "surrogatepass"))
    if size > MAX_PROGRAM_BYTES:
        return ParseResult(None, [error(
            "E-LIMIT", f"program text is {size} bytes; the limit is {MAX_PROGRAM_BYTES}",
            source.span(0, 0), "split the question into smaller programs")])
    parser = _parser()
    with parser.lock:
        return _parse_with_recovery(source, parser)


def _parse_once(text: str, parser: _Parser):
    parser.builder.reset()
    program = parser.fast.parse(text)
    comments = tuple(parser.builder.comments)
    return ast.Program(program.statements, comments=comments, span=program.span,
                       depth=program.depth), list(parser.builder.diagnostics)


def _parse_with_recovery(source: Source, parser: _Parser) -> ParseResult:
    text = source.text
    syntax_errors: list[Diagnostic] = []
    while True:
        try:
            program, soft = _parse_once(text, parser)
        except SyntaxFailure as exc:
            syntax_errors.append(_describe(exc, source))
            blanked = _blank_broken_statement(text, exc.pos)
            if blanked is None or len(syntax_errors) >= MAX_SYNTAX_ERRORS:
                return ParseResult(None, syntax_errors)
            text = blanked
            continue
        if syntax_errors:
            return ParseResult(None, syntax_errors + soft)
        return ParseResult(program, soft + _layout_errors(program, source))


def _blank_broken_statement(text: str, offset: int) -> str | None:
    """Replace the statement around ``offset`` with spaces (newlines kept), or None."""
    starts = [m.start(1) for m in _STATEMENT_START.finditer(text)]
    begin = max((s for s in starts if s < offset), default=0)
    end = min((s for s in starts if s >= offset and s > begin), default=len(text))
    if end <= begin or not text[begin:end].strip():
        return None
    blank = re.sub(r"[^\n]", " ", text[begin:end])
    return text[:begin] + blank + text[end:]


_TOKEN_NAMES = {
    "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "LPAR": "`(`",
    "RPAR": "`)`", "LSQB": "`[`", "RSQB": "`]`", "COMMA": "`,`", "EQUAL": "`=`",
    "COLON": "`:`", "DOT": "`.`", "SEMICOLON": "`;`", "$END": "end of input",
    "__ANON_0": "`->`", "__ANON_1": "`=>`",
}
_EXPRESSION_STARTERS = {"NAME", "NUMBER", "STRING", "LPAR", "LSQB", "MINUS", "NOT", "IF",
                        "TRUE", "FALSE"}
_OPERATORS = {"PLUS", "MINUS", "STAR", "SLASH", "CMP", "AND", "OR", "IN", "LSQB", "DOT"}
_STATEMENT_STARTERS = {"QUESTION", "LET", "ASSERT", "ANSWER", "DEF", "SEMICOLON", "TASK"}


def _expected_text(expected: set[str]) -> str:
    names = set(expected)
    parts = []
    for group, text in ((_EXPRESSION_STARTERS, "an expression"), (_OPERATORS, "an operator"),
                        (_STATEMENT_STARTERS, "a new statement")):
        if len(names & group) >= 4:
            parts.append(text)
            names -= group
    for name in sorted(names):
        if name in _TOKEN_NAMES:
            parts.append(_TOKEN_NAMES[name])
        elif name.isupper() and name.isalpha():
            parts.append(f"`{name.lower()}`")
    if not parts:
        return ""
    if len(parts) > 6:
        parts = parts[:6] + ["..."]
    return "expected " + " or ".join(parts)


def _describe(exc: SyntaxFailure, source: Source) -> Diagnostic:
    if exc.token is None:
        return _unexpected_character(exc.pos, source)
    tok = exc.token
    hint = _expected_text(set(exc.expected))
    unclosed = _unclosed_bracket(exc)
    if unclosed is not None:
        return unclosed
    if tok.type == "$END":
        end = len(source.text)
        return error("E-SYNTAX", "unexpected end of program", source.span(end, end),
                     hint or None)
    if str(tok) == "=" and "CMP" in exc.expected:
        hint = "use `==` to compare"
    elif str(tok) == "=>":  # a lambda outside the arguments of a call
        hint = "a lambda `x => ...` can only be an argument of a higher-order builtin"
    return error("E-SYNTAX", f"unexpected `{tok}`", token_span(tok), hint or None)


_PAIRS = {"(": ")", "[": "]"}


def _unclosed_bracket(exc: SyntaxFailure) -> Diagnostic | None:
    """Python's "'(' was never closed": when the program ends, or a new statement begins,
    inside an open bracket, the bracket is the mistake, not the place parsing stopped (newlines
    inside brackets are ignored, so that place may be many lines below). A closing bracket of
    the other kind is reported as a mismatch with the bracket it would close."""
    if not exc.open_brackets:
        return None
    opening = exc.open_brackets[-1]
    tok = exc.token
    if tok.type == "$END" or tok.type in _STATEMENT_STARTERS:
        return error("E-SYNTAX", f"`{opening}` was never closed", token_span(opening),
                     f"close it with `{_PAIRS[str(opening)]}`")
    if str(tok) in (")", "]") and str(tok) != _PAIRS[str(opening)]:
        return error("E-SYNTAX", f"`{tok}` does not match `{opening}` at {opening.line}:"
                     f"{opening.column}", token_span(tok),
                     f"close `{opening}` with `{_PAIRS[str(opening)]}`")
    return None


def _unexpected_character(pos: int, source: Source) -> Diagnostic:
    char = source.text[pos]
    if char == '"':
        line_end = source.text.find("\n", pos)
        end = len(source.text) if line_end < 0 else line_end
        return error("E-SYNTAX", "unterminated string", source.span(pos, end),
                     "close the string with `\"` on the same line")
    shown = char if char.isprintable() else repr(char)[1:-1]
    return error("E-SYNTAX", f"unexpected character `{shown}`", source.span(pos, pos + 1))


def _layout_errors(program: ast.Program, source: Source) -> list[Diagnostic]:
    """Statements that share a line must be separated by `;`."""
    problems = []
    for prev, nxt in zip(program.statements, program.statements[1:]):
        between = source.text[prev.span.end:nxt.span.start]
        if prev.span.end_line == nxt.span.line and ";" not in between:
            problems.append(error("E-SYNTAX", "two statements on one line", nxt.span,
                                  "start a new line or separate them with `;`"))
    return problems
