"""Diagnostics: every compile-time problem is a value with a code and a span.

Codes live in one registry (``CODES``); the checker, the CLI renderers and the
generated language reference all read it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from .source import NO_SPAN, Source, Span

CODES: dict[str, str] = {
    "E-SYNTAX": "The text is not a well-formed program: unexpected or missing tokens, "
    "an unterminated string, a bad escape, invalid UTF-8, or a misplaced statement.",
    "E-NAME": "A name is not defined (or is defined twice); suggestions name the closest "
    "known names.",
    "E-TYPE": "A value has the wrong type for where it is used: a dimension mismatch, "
    "a non-Bool condition, a lambda outside a higher-order builtin, a bad type annotation.",
    "E-ARITY": "A call has the wrong number of arguments or an unknown keyword argument.",
    "E-UNIT": "An unknown unit in a quantity literal (`5ft`) or after `in`.",
    "E-SCENE-NAME": "A category or label that the given scene does not contain "
    "(only when the checker is given a scene).",
    "E-ANSWER": "The program has no `answer` statement, more than one, or one that is "
    "not the last statement.",
    "E-LIMIT": "The program exceeds a limit: text over 64 KiB, nesting deeper than 64, "
    "or more than 500 statements.",
    "W-EQ": "Warning: `==` or `!=` on quantities compares floating-point values exactly; "
    "compare with a tolerance instead.",
}

class RejectionKind(StrEnum):
    """The kinds of runtime rejection (language.md §6). String-valued: a kind prints,
    serialises and compares as its name (``RejectionKind.NO_MATCH == "NoMatch"``), so
    outputs are the same bytes as with plain strings."""

    NO_MATCH = "NoMatch"
    AMBIGUOUS = "Ambiguous"
    EMPTY_SET = "EmptySet"
    BORDERLINE = "Borderline"
    DEGENERATE = "Degenerate"
    NOT_SEEN = "NotSeen"
    NO_FRAMES = "NoFrames"
    ASSERTION_FAILED = "AssertionFailed"
    LIMIT_EXCEEDED = "LimitExceeded"


_K = RejectionKind
REJECTION_KINDS: dict[RejectionKind, str] = {
    _K.NO_MATCH: "`the` found no object, or a name selected nothing where one was required.",
    _K.AMBIGUOUS: "`the` found more than one object.",
    _K.EMPTY_SET: "`argmin`/`argmax`/`min`/`max`/`sum`/`mean` of an empty set, or an index "
    "out of range of a list.",
    _K.BORDERLINE: "A tie (equal keys) or a bearing on or within the margin of a sector "
    "boundary: the answer would flip under a tiny change.",
    _K.DEGENERATE: "A value is undefined: a direction between points that coincide (under "
    "1 mm), a division by zero, the square root of a negative value, or a number out of range "
    "(an Int beyond 64 bits, a Number that is not finite).",
    _K.NOT_SEEN: "`first_seen`/`last_seen` of an object that no frame shows.",
    _K.NO_FRAMES: "A frame function on a scene with no frames, or a frame index out of range.",
    _K.ASSERTION_FAILED: "An `assert` was false; the message is the assert's own.",
    _K.LIMIT_EXCEEDED: "Evaluation went over the step budget or the wall-clock limit.",
}


MAX_MESSAGE = 300  # characters of a diagnostic's message or hint
ELLIPSIS = "..."


def clip_text(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` shortened in the middle to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    keep = limit - len(ELLIPSIS)
    return text[:keep * 2 // 3] + ELLIPSIS + text[len(text) - (keep - keep * 2 // 3):]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span = NO_SPAN
    hint: str | None = None
    severity: str = "error"

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unregistered diagnostic code {self.code}")
        # Messages quote the program (names, strings, numbers): a 60 KB string literal must
        # not make a 60 KB message, in the text or the JSON form (the LLM loop's input).
        object.__setattr__(self, "message", clip_text(self.message))
        if self.hint is not None:
            object.__setattr__(self, "hint", clip_text(self.hint))

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "hint": self.hint,
        }


def error(code: str, message: str, span: Span = NO_SPAN, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, message, span, hint)


def warning(code: str, message: str, span: Span = NO_SPAN, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, message, span, hint, severity="warning")


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def render_text(diagnostic: Diagnostic, source: Source) -> str:
    """mypy/rustc style: a header line, the source line, a caret underline with the hint."""
    span = diagnostic.span
    header = (
        f"{source.name}:{span.line}:{span.column}: "
        f"{diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"
    )
    line_text = _displayable(source.line_text(span.line))
    if not line_text and span.line > len(source.text.splitlines()) + 1:
        return header + (f"\n  hint: {diagnostic.hint}" if diagnostic.hint else "")
    gutter = str(span.line)
    pad = " " * len(gutter)
    end_column = span.end_column if span.end_line == span.line else len(line_text) + 1
    start, end = span.column - 1, max(span.column, end_column - 1)  # 0-based, end exclusive
    shown, start, end = clip_line(line_text, start, end)
    underline = " " * start + "^" * (end - start)
    if diagnostic.hint:
        underline += " " + diagnostic.hint
    return f"{header}\n  {gutter} | {shown}\n  {pad} | {underline}"


MAX_SHOWN_LINE = 100  # characters of a source line shown under a diagnostic
SHOWN_BEFORE = 30  # of them, at most this many before the span (when the line is clipped)


def clip_line(line: str, start: int, end: int) -> tuple[str, int, int]:
    """A window of a long line around the span [start, end) (0-based): the text shown, and
    the span within it. A 60 KB line shows 100 characters, not the whole line and 60,000
    carets; "..." marks each clipped side."""
    if len(line) <= MAX_SHOWN_LINE:
        return line, start, max(end, start + 1)
    lo = max(0, min(start - SHOWN_BEFORE, len(line) - MAX_SHOWN_LINE))
    hi = min(len(line), lo + MAX_SHOWN_LINE)
    prefix = ELLIPSIS if lo > 0 else ""
    suffix = ELLIPSIS if hi < len(line) else ""
    shift = len(prefix) - lo
    shown_end = min(max(end, start + 1), hi + len(suffix))  # carets may run onto the "..."
    return prefix + line[lo:hi] + suffix, start + shift, shown_end + shift


def _displayable(line: str) -> str:
    """The source line as shown under a diagnostic: one cell per character, no control codes.

    A tab shows as one space and other control characters (a CR of a CRLF line end,
    ESC, NUL, ...) as U+FFFD, so columns still line up and no terminal escape is emitted.
    """
    line = line.removesuffix("\r").expandtabs(1)
    if line.isprintable():
        return line
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in line)


def render_all_text(diagnostics: list[Diagnostic], source: Source) -> str:
    return "\n".join(render_text(d, source) for d in diagnostics)


def render_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False)


def sort_key(diagnostic: Diagnostic) -> tuple:
    return (diagnostic.span.line, diagnostic.span.column, diagnostic.code)
