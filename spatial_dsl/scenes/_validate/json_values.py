"""The JSON layer under validation: literals ``json`` would accept or lose silently.

``NaN``/``Infinity`` literals and integers too long for a double are parsed into
stand-ins (``NonFinite``, ``OutOfRange``) and repeated keys are remembered
(``KeyedDict``), so the checks can report them with their JSON paths. Also how a value
and a path are written in messages (``describe``, ``key_path``).
"""

from __future__ import annotations

import json
import math
import numbers


class NonFinite:
    """Stands in for a ``NaN``/``Infinity`` literal, which ``json`` would otherwise accept.

    Parsing keeps going so the literal can be reported with its JSON path.
    """

    def __init__(self, literal: str):
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal


class OutOfRange(NonFinite):
    """Stands in for an integer literal too long for a double (``json`` would make a Python
    int of any size, and refuse outright beyond 4,300 digits)."""

    def __init__(self, digits: int):
        super().__init__(f"an integer of {digits} digits")


MAX_INT_DIGITS = 4000  # longer digit strings are not even converted (Python refuses 4,300+)


def parse_int(text: str) -> int | OutOfRange:
    """``json``'s ``parse_int``: an int, or ``OutOfRange`` when no double can hold it."""
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return OutOfRange(digits)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        return OutOfRange(digits)
    return value


class KeyedDict(dict):
    """A JSON object that remembers keys given more than once (``json`` keeps the last)."""

    duplicates: tuple[str, ...] = ()


def keyed_dict(pairs: list[tuple[str, object]]) -> KeyedDict:
    d = KeyedDict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        d.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return d


def describe(value: object) -> str:
    """How a value is named in messages ("a string", "null", "NaN"...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, NonFinite):
        return value.literal
    if isinstance(value, numbers.Integral) and not finite(value):  # str() may refuse it
        return f"an integer of about {int(int(value).bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, numbers.Real):
        return repr(value) if finite(value) else str(value)
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def key_path(path: str, key: str) -> str:
    """JSON path of ``key`` inside ``path``; non-identifier keys are quoted."""
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def finite(value: numbers.Real) -> bool:
    """Finite as a double: a Python int beyond ~1.8e308 (from a dict, not JSON) is not."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def is_number(value: object) -> bool:
    if type(value) in (float, int):  # the common case, without the slow ABC check
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
