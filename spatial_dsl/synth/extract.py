"""Finding the one program in a model's reply (or counting why there is none).

A reply holds its program as plain text or in one fenced block (```` ```sp ````);
anything else is ignored. The outcome is a program text or one *problem*:

- ``empty``: no text at all (or only whitespace);
- ``too_long``: more than ``MAX_REPLY_CHARS`` characters (absurdly long output);
- ``invalid_utf8``: the text cannot be UTF-8 (lone surrogates from undecodable
  bytes) or holds U+FFFD, the mark a server leaves for bytes it could not decode;
- ``several_programs``: two or more fenced blocks that hold statements, or two
  or more ``question`` statements;
- ``prose``: text without any statement (``question``, ``let``, ``assert``,
  ``answer``, ``def``);
- ``no_question``: statements but no ``question`` statement;
- ``truncated``: the server cut the reply off at the token limit
  (``finish_reason: "length"``; decided by the loop, not here): a partial
  program is not a syntax error of the model's.

Plain text: the program runs from the first line that begins with a statement
keyword to the end of the last ``answer`` statement (with its continuation
lines while brackets are open); prose before and after is dropped. Whatever is
left is only ever parsed and interpreted, never executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spatial_dsl.lang.syntax import MAX_PROGRAM_BYTES

MAX_REPLY_CHARS = 2 * MAX_PROGRAM_BYTES
PROBLEMS = ("empty", "too_long", "invalid_utf8", "several_programs", "prose", "no_question",
            "truncated")

_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+.-]*)[^\n]*$")
_STATEMENT = re.compile(r"^[ \t]*(question[ \t]*\"|let[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*[:=]"
                        r"|assert\b|answer\b|def[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\()")
_QUESTION = re.compile(r"^[ \t]*question[ \t]*\"")
_ANSWER = re.compile(r"^[ \t]*answer\b")


@dataclass(frozen=True)
class Extracted:
    program: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.program is not None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\ufffd" not in text


def fenced_blocks(text: str) -> list[str]:
    """The contents of the fenced blocks (an unclosed last fence runs to the end)."""
    blocks: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i])
        if not opened:
            i += 1
            continue
        fence = opened[1]
        body: list[str] = []
        i += 1
        while i < len(lines) and not (lines[i].strip().startswith(fence[0] * len(fence))
                                      and lines[i].strip().strip(fence[0]) == ""):
            body.append(lines[i])
            i += 1
        blocks.append("\n".join(body))
        i += 1
    return blocks


def _has_statement(text: str) -> bool:
    return any(_STATEMENT.match(line) for line in text.split("\n"))


def _depth_change(line: str) -> int:
    """Open minus closed brackets on a line, outside strings and comments."""
    depth, in_string, escaped = 0, False, False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "#":
            break
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
    return depth


def _program_span(text: str) -> str:
    """From the first statement line to the end of the last `answer` statement."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if _STATEMENT.match(line))
    answers = [i for i in range(start, len(lines)) if _ANSWER.match(lines[i])]
    if not answers:
        return "\n".join(lines[start:])
    end, depth = answers[-1], 0
    while end < len(lines):
        depth += _depth_change(lines[end])
        if depth <= 0:
            break
        end += 1
    return "\n".join(lines[start:end + 1])


def extract_program(text: str | None) -> Extracted:
    if text is None or not text.strip():
        return Extracted(None, "empty")
    if len(text) > MAX_REPLY_CHARS:
        return Extracted(None, "too_long")
    if not _is_utf8(text):
        return Extracted(None, "invalid_utf8")
    text = text.replace("\r\n", "\n")
    blocks = [b for b in fenced_blocks(text) if _has_statement(b)]
    if len(blocks) > 1:
        return Extracted(None, "several_programs")
    candidate = blocks[0] if blocks else text
    if not _has_statement(candidate):
        return Extracted(None, "prose")
    program = _program_span(candidate) if not blocks else candidate
    questions = sum(1 for line in program.split("\n") if _QUESTION.match(line))
    if questions > 1:
        return Extracted(None, "several_programs")
    if questions == 0:
        return Extracted(None, "no_question")
    return Extracted(program.strip("\n") + "\n")
