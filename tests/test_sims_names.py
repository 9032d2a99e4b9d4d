"""Category names -> natural language (spatial_dsl.names)."""

from __future__ import annotations

import re

import pytest

from spatial_dsl.names import ACRONYMS, OVERRIDES, natural_name, plural_name
from spatial_dsl.scenes.sources import list_scenes, load_scene


@pytest.mark.parametrize("category, expected", [
    ("StoveBurner", "stove burner"),
    ("TVStand", "TV stand"),
    ("HousePlant", "house plant"),
    ("CounterTop", "countertop"),
    ("GarbageCan", "garbage can"),
    ("LightSwitch", "light switch"),
    ("Television", "television"),
    ("CD", "CD"),  # a reader writes "the CD", not "the cd"
    ("cd_player", "CD player"),
    ("USBCable", "USB cable"),
    ("Tv", "TV"),
    ("BasketBall", "basketball"),
    ("ArmChair", "armchair"),
    ("Desktop", "desktop computer"),
    ("coffee_table", "coffee table"),
    ("Counter Top", "countertop"),
    ("kitchen-cabinet", "kitchen cabinet"),
    ("Shelf2", "shelf 2"),
    ("AlarmClock", "alarm clock"),
    ("Fridge", "fridge"),
    ("chair", "chair"),
    ("Çay", "çay"),
])
def test_examples(category, expected):
    assert natural_name(category) == expected


def all_builtin_categories() -> set[str]:
    return {c for ref in list_scenes() for c in load_scene(ref).categories}


def test_every_builtin_category_reads_sensibly():
    categories = all_builtin_categories()
    assert len(categories) > 100
    for category in categories:
        name = natural_name(category)
        words = [w for w in name.split() if w not in ACRONYMS.values()]  # "CD", "TV"
        assert all(re.fullmatch(r"[a-z0-9]+", w) for w in words), (category, name)
        assert all(len(w) >= 2 for w in name.split()), (category, name)  # no "i phone"
        assert natural_name(name) == name, category  # already natural: unchanged
        compact = re.sub(r"[\s_\-]", "", category).lower()
        if compact not in OVERRIDES:  # a plain split keeps every letter, in order
            assert name.replace(" ", "").lower() == compact, (category, name)


def test_override_keys_are_compact_lowercase():
    for key in OVERRIDES:
        assert key == key.lower() and not re.search(r"[\s_\-]", key)


@pytest.mark.parametrize("category, expected", [
    ("StoveBurner", "stove burners"),
    ("ButterKnife", "butter knives"),
    ("Shelf", "shelves"),
    ("Box", "boxes"),
    ("Watch", "watches"),
    ("ShowerGlass", "shower glasses"),
    ("Tomato", "tomatoes"),
    ("Blinds", "blinds"),  # AI2-THOR names these in the plural already
    ("Bread", "loaves of bread"),
    ("Boots", "pairs of boots"),
    ("CD", "CDs"),
    ("Chair", "chairs"),
    ("HandTowelHolder", "hand towel holders"),
])
def test_plurals(category, expected):
    assert plural_name(category) == expected


def test_every_builtin_category_has_a_plural():
    # a plural ends in s, or is a "loaves of bread" phrase whose first word does
    for category in all_builtin_categories():
        plural = plural_name(category)
        assert plural.endswith("s") or plural.split()[0].endswith("s"), (category, plural)
