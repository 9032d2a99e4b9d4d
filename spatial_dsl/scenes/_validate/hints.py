"""How ids appear in messages: clipped quotes and did-you-mean hints at a bounded cost."""

from __future__ import annotations

import difflib

SUGGESTION_BUDGET = 20_000  # difflib comparisons per document for did-you-mean hints
MAX_SUGGESTED_LENGTH = 200  # longer names get no hint (difflib is quadratic in length)
MAX_SHOWN = 120  # characters of an id quoted in a message


def suggest(name: str, candidates) -> str:
    """``"; did you mean 'x'?"`` for a close match, else ``""``."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(s) for s in close) + "?"


def shown(name: str) -> str:
    """An id as quoted in a message: ``repr``, clipped so a megabyte id stays one line."""
    return repr(name) if len(name) <= MAX_SHOWN else repr(name[:MAX_SHOWN]) + "..."


class Suggestions:
    """Did-you-mean hints for unknown ids, with a bounded cost per document.

    ``difflib`` compares a name with every candidate, so a file with thousands of unknown
    ids against thousands of objects would take minutes. Each distinct name is looked up
    once; after ``SUGGESTION_BUDGET`` candidate comparisons in total, or for names too long
    to be a typo of an id, the message carries no hint (loading stays linear).
    """

    def __init__(self, candidates) -> None:
        self.candidates = [c for c in candidates if len(c) <= MAX_SUGGESTED_LENGTH]
        self.budget = SUGGESTION_BUDGET
        self.memo: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name in self.memo:
            return self.memo[name]
        if len(name) > MAX_SUGGESTED_LENGTH or self.budget < len(self.candidates):
            return ""
        self.budget -= len(self.candidates)
        self.memo[name] = suggest(name, self.candidates)
        return self.memo[name]
