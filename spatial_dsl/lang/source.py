"""Source text and spans (1-based lines and columns, end exclusive)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0  # character offsets into the source text
    end: int = 0

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of ``other``."""
        return Span(self.line, self.column, other.end_line, other.end_column, self.start, other.end)


NO_SPAN = Span(1, 1, 1, 1, 0, 0)


class Source:
    """A program's text plus the name it is reported under."""

    def __init__(self, text: str, name: str = "<input>"):
        self.text = text
        self.name = name
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)


def decode_program_bytes(data: bytes) -> str:
    """Decode a program file strictly as UTF-8 (a leading BOM is dropped).

    Raises UnicodeDecodeError, which callers turn into an E-SYNTAX diagnostic.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8")
