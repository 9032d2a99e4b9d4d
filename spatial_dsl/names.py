"""Category names -> natural language (``"StoveBurner"`` -> ``"stove burner"``).

Scene sources name categories in code style: AI2-THOR uses CamelCase
(``HousePlant``, ``TVStand``), ScanNet and mesh node names use snake_case or
spaces (``coffee_table``), some carry numeric suffixes. ``natural_name`` turns
any of them into the lower-case words a person would say, for labels, prompts
and generated questions:

- CamelCase and ``_``/``-``/space separated words are split and lower-cased;
- a run of capitals is one word (an acronym): ``TVStand`` -> ``TV stand``,
  ``USBCable`` -> ``USB cable``; the acronyms people write in capitals (``ACRONYMS``:
  CD, TV, USB, DVD, PC) keep them, so a question says "the CD", not "the cd";
- digits are their own word (``Shelf2`` -> ``shelf 2``);
- ``OVERRIDES`` fixes names whose split reads wrong (``CounterTop`` ->
  ``countertop``, ``BasketBall`` -> ``basketball``) and a few AI2-THOR names
  whose meaning is not in the words (``Desktop`` is a desktop computer).

Overrides are matched on the compact lower-case key (``counter_top`` and
``Counter Top`` hit the same entry as ``CounterTop``).
"""

from __future__ import annotations

import functools
import re

__all__ = ["ACRONYMS", "OVERRIDES", "natural_name", "plural_name"]

# Compact key (lower case, no separators) -> natural name.
OVERRIDES: dict[str, str] = {
    "countertop": "countertop",
    "basketball": "basketball",
    "tabletopdecor": "tabletop decor",
    "armchair": "armchair",
    "keychain": "keychain",
    "footstool": "footstool",
    "showerhead": "showerhead",
    "desktop": "desktop computer",
    "tvstand": "TV stand",
    "television": "television",
    "garbagecan": "garbage can",
    "lightswitch": "light switch",
    "cellphone": "cell phone",
    "houseplant": "house plant",
    "soapbar": "bar of soap",
    "toiletpaperhanger": "toilet paper holder",
    "boots": "boots",
    "curtains": "curtains",
    "blinds": "blinds",
    "sinkbasin": "sink basin",
    "bathtubbasin": "bathtub basin",
    "dishsponge": "dish sponge",
    "roomdecor": "room decor",
    "dogbed": "dog bed",
    "baseballbat": "baseball bat",
    "otherfurniture": "other furniture",
    "otherprop": "other prop",
    "otherstructure": "other structure",
    "tv": "TV",
    "iphone": "iphone",
}

# Words written in capitals wherever they occur (a reader writes "CD", not "cd").
ACRONYMS: dict[str, str] = {"cd": "CD", "tv": "TV", "usb": "USB", "dvd": "DVD", "pc": "PC"}

# An acronym run (capitals before a capitalised word), a capitalised or
# lower-case word, a bare capital run, or digits.
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SEPARATORS = re.compile(r"[\s_\-./|]+")


def _compact(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


@functools.lru_cache(maxsize=4096)
def natural_name(category: str) -> str:
    """The category as lower-case words: ``"StoveBurner"`` -> ``"stove burner"``.

    Never empty for a non-empty name: characters the splitter does not know
    (non-ASCII letters) are kept as they are, lower-cased.
    """
    text = str(category).strip()
    key = _compact(text)
    if key in OVERRIDES:
        return OVERRIDES[key]
    words: list[str] = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        found = _WORDS.findall(part)
        if "".join(found) != part:  # something the ASCII splitter does not cover
            found = [part]
        words.extend(ACRONYMS.get(w.casefold(), w.casefold()) for w in found)
    return " ".join(words) if words else text.casefold()


# Natural names whose plural is not the last word + s/es (mass nouns, pairs, irregulars).
PLURAL_OVERRIDES: dict[str, str] = {
    "bread": "loaves of bread",
    "lettuce": "heads of lettuce",
    "toilet paper": "rolls of toilet paper",
    "aluminum foil": "rolls of aluminum foil",
    "bar of soap": "bars of soap",
    "boots": "pairs of boots",
    "room decor": "room decor pieces",
    "tabletop decor": "tabletop decor pieces",
    "CD": "CDs",
}
_IRREGULAR = {"knife": "knives", "shelf": "shelves", "loaf": "loaves", "leaf": "leaves"}


def plural_name(category: str) -> str:
    """The plural of the natural name, for "how many {a:plural}" questions:
    ``StoveBurner`` -> ``stove burners``, ``ButterKnife`` -> ``butter knives``,
    ``Blinds`` -> ``blinds`` (already plural), ``Bread`` -> ``loaves of bread``."""
    name = natural_name(category)
    if name in PLURAL_OVERRIDES:
        return PLURAL_OVERRIDES[name]
    head, _, last = name.rpartition(" ")
    return f"{head} {_plural_word(last)}" if head else _plural_word(last)


def _plural_word(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("s") and not word.endswith("ss"):
        return word  # blinds, curtains: AI2-THOR names these objects in the plural
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word[-1] == "y" and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if len(word) > 1 and word[-1] == "o" and word[-2] not in "aeiou":
        return word + "es"  # tomatoes, potatoes
    return word + "s"
