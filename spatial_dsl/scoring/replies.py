"""Reading a model's reply: the comparison key of a text, the cleaning of a reply, and
the parsers for an option, a yes/no, a number (with its unit converted to the asked
one), an angle and a list. The rules are in the package docstring."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation


def key(text: str) -> str:
    """The comparison key of an answer text (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).casefold().strip()
    t = re.sub(r"^(the|a|an)\s+", "", t)
    return re.sub(r"[^0-9a-z.]", "", t).strip(".")


_PREFIX = re.compile(r"^(?:(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is|:)\s*|answer\s*-\s*)",
                     re.IGNORECASE)


def clean(text: str) -> str:
    """A reply without its wrapping (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).strip()
    tagged = re.search(r"<answer>(.*?)</answer>", t, re.DOTALL | re.IGNORECASE)
    if tagged:
        t = tagged.group(1).strip()
    for _ in range(3):  # "**Answer: `B`**"
        t = t.strip().strip("`*\"'“”‘’").strip()
        t = _PREFIX.sub("", t)
    t = t.strip().strip("`*\"'“”‘’").strip()
    return t[:-1].rstrip() if t.endswith(".") and not re.search(r"\d\.$", t[-2:]) else t


_LETTER = re.compile(r"^\(?([A-Za-z])\)?[.:)]?$")
_LETTER_TEXT = re.compile(r"^(?:\(([A-Za-z])\)|([A-Za-z])[.:)])\s*(.+)$")
_OPTION_WORD = re.compile(r"^(?:option|choice)\s*\(?([A-Za-z])\)?$", re.IGNORECASE)


def parse_choice(text: str, choices: list[str]) -> int | None:
    """The index of the option a reply picks, or None."""
    t = clean(text)
    for pattern in (_LETTER, _OPTION_WORD):
        m = pattern.match(t)
        if m:
            return letter_index(m.group(1), len(choices))
    m = _LETTER_TEXT.match(t)
    if m:
        return letter_index(m.group(1) or m.group(2), len(choices))
    keys = [key(str(c)) for c in choices]
    exact = [i for i, k in enumerate(keys) if k and k == key(t)]
    if len(exact) == 1:
        return exact[0]
    return _mentioned_option(t, [str(c) for c in choices])


def letter_index(letter: str, count: int) -> int | None:
    index = ord(letter.upper()) - ord("A")
    return index if 0 <= index < count else None


def _phrase(option: str) -> re.Pattern:
    words = [re.escape(w) for w in re.findall(r"[0-9A-Za-z.]+", option)]
    return re.compile(r"(?<![0-9A-Za-z])" + r"[\s_-]*".join(words) + r"(?![0-9A-Za-z])",
                      re.IGNORECASE)


def _mentioned_option(text: str, choices: list[str]) -> int | None:
    """The one option a reply mentions; options only inside a longer mention do not count."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for i, option in enumerate(choices):
        if re.search(r"[0-9A-Za-z]", option):
            found = [m.span() for m in _phrase(option).finditer(text)]
            if found:
                spans[i] = found
    others = {i: [o for j, fo in spans.items() if j != i for o in fo] for i in spans}
    standalone = [i for i, found in spans.items()
                  if any(not any(_inside(s, o) for o in others[i]) for s in found)]
    return standalone[0] if len(standalone) == 1 else None


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other[0] <= span[0] and span[1] <= other[1] and other != span


def parse_bool(text: str) -> str | None:
    t = clean(text).casefold()
    words = re.findall(r"[a-z]+", t)
    if words and words[0] in ("yes", "true", "y"):
        return "yes"
    if words and words[0] in ("no", "false", "n"):
        return "no"
    said = {w for w in words if w in ("yes", "no")}
    return said.pop() if len(said) == 1 else None


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
# spoken unit -> (dimension, factor to the base unit), longest names first when matched
_UNITS = {
    "mm": ("L", "0.001"), "millimeters": ("L", "0.001"), "millimetres": ("L", "0.001"),
    "cm": ("L", "0.01"), "centimeters": ("L", "0.01"), "centimetres": ("L", "0.01"),
    "centimeter": ("L", "0.01"), "centimetre": ("L", "0.01"),
    "m": ("L", "1"), "meters": ("L", "1"), "metres": ("L", "1"), "meter": ("L", "1"),
    "metre": ("L", "1"), "km": ("L", "1000"), "ft": ("L", "0.3048"), "feet": ("L", "0.3048"),
    "foot": ("L", "0.3048"),
    "m2": ("A", "1"), "m²": ("A", "1"), "sq m": ("A", "1"), "square meters": ("A", "1"),
    "square metres": ("A", "1"), "cm2": ("A", "0.0001"), "cm²": ("A", "0.0001"),
    "square centimeters": ("A", "0.0001"), "sq ft": ("A", "0.09290304"),
    "square feet": ("A", "0.09290304"),
    "m3": ("V", "1"), "m³": ("V", "1"), "cubic meters": ("V", "1"), "cubic metres": ("V", "1"),
    "cm3": ("V", "0.000001"), "cm³": ("V", "0.000001"), "cubic centimeters": ("V", "0.000001"),
    "l": ("V", "0.001"), "liters": ("V", "0.001"), "litres": ("V", "0.001"),
    "liter": ("V", "0.001"), "litre": ("V", "0.001"),
    "deg": ("D", "1"), "degrees": ("D", "1"), "degree": ("D", "1"), "°": ("D", "1"),
}
_ASKED = {"m": ("L", "1"), "cm": ("L", "0.01"), "mm": ("L", "0.001"), "m2": ("A", "1"),
          "cm2": ("A", "0.0001"), "m3": ("V", "1"), "cm3": ("V", "0.000001"),
          "L": ("V", "0.001"), "deg": ("D", "1")}
_UNIT_AFTER = re.compile(r"^\s*(" + "|".join(sorted((re.escape(u) for u in _UNITS),
                                                     key=len, reverse=True))
                         + r")(?![0-9a-z])", re.IGNORECASE)


def parse_number(text: str, asked_unit: str | None = None) -> Decimal | None:
    """The number a reply gives, in the asked unit when it names another (see above)."""
    t = clean(text).replace("\u2212", "-")
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)
    found = list(_NUMBER.finditer(t))
    if not found:  # "three", "There are three chairs.": one number word and no digits
        words = [w for w in re.findall(r"[a-z]+", t.casefold()) if w in _WORDS]
        return Decimal(_WORDS[words[0]]) if len(words) == 1 else None
    lead = re.match(r"^(?:about|approximately|approx\.?|around|roughly|~|≈)?\s*", t,
                    re.IGNORECASE).end()
    if found[0].start() == lead:
        m = found[0]
    elif len(found) == 1:
        m = found[0]
    else:
        return None
    try:
        value = Decimal(m.group())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    if not value.is_finite():
        return None
    return _convert(value, t[m.end():], asked_unit)


def _convert(value: Decimal, rest: str, asked_unit: str | None) -> Decimal:
    said = _UNIT_AFTER.match(rest)
    if not said or asked_unit not in _ASKED:
        return value
    dimension, factor = _UNITS[said.group(1).lower()]
    asked_dimension, asked_factor = _ASKED[asked_unit]
    if dimension != asked_dimension:
        return value
    return value * Decimal(factor) / Decimal(asked_factor)


def parse_angle(text: str) -> Decimal | None:
    value = parse_number(text, "deg")
    if value is None:
        return None
    t = clean(text).casefold()
    signed = re.match(r"^\s*[-+]", re.sub(r"^(?:about|approximately|around|roughly)\s*", "",
                                           t.replace("\u2212", "-")))
    right = re.search(r"\bright\b|(?<!counter)(?<!counter-)(?<!anti)(?<!anti-)\bclockwise\b",
                      t)
    left = re.search(r"\bleft\b|counter-?clockwise|anti-?clockwise", t)
    if not signed and right and not left:
        return -abs(value)
    return value


def parse_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:[,;\n]|\bthen\b)\s*", clean(text))
    items = []
    for part in parts:
        part = re.sub(r"^(?:\d+[.)]|[-*•])\s+", "", part.strip())
        part = re.sub(r"^(?:and|then)\s+", "", part, flags=re.IGNORECASE)
        if key(part):
            items.append(key(part))
    return items
