"""Types of SpatialDSL (language.md §3) and the dimension rules of arithmetic."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Type:
    def __str__(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError


@dataclass(frozen=True)
class Prim(Type):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListType(Type):
    elem: Type

    def __str__(self) -> str:
        return f"List[{self.elem}]"


@dataclass(frozen=True)
class FnType(Type):
    """The type of a lambda: one parameter."""

    param: Type
    ret: Type

    def __str__(self) -> str:
        return f"{self.param} => {self.ret}"


BOOL = Prim("Bool")
INT = Prim("Int")
NUMBER = Prim("Number")
STR = Prim("Str")
LENGTH = Prim("Length")
AREA = Prim("Area")
VOLUME = Prim("Volume")
ANGLE = Prim("Angle")
VEC3 = Prim("Vec3")
OBJECT = Prim("Object")
OBJECTS = Prim("Objects")
FRAME = Prim("Frame")
ROOM = Prim("Room")
# The type of an expression that already produced a diagnostic: it matches
# everything, so one mistake is reported once, not at every use.
ERROR = Prim("<error>")
# Element type of the empty list `[]`, which fits any List[T]. No value has this type: an
# expression that would produce one (`[][0]`, `first([])`, the parameter of `map([], x =>
# ...)`) is a type error (see Checker.expr), so the runtime never meets it.
NOTHING = Prim("Nothing")

NAMED_TYPES: dict[str, Type] = {
    t.name: t
    for t in (BOOL, INT, NUMBER, STR, LENGTH, AREA, VOLUME, ANGLE, VEC3, OBJECT, OBJECTS, FRAME)
}

TYPE_DOCS: dict[str, str] = {
    "Bool": "`true` or `false`; answers serialize as `yes` / `no`.",
    "Int": "A whole number; widens to `Number` where a `Number` is expected.",
    "Number": "A dimensionless real number.",
    "Str": "A string of text.",
    "Length": "A quantity in metres (`1.5m`, `30cm`, `5mm`).",
    "Area": "A quantity in square metres (`2m2`, `500cm2`).",
    "Volume": "A quantity in cubic metres (`0.1m3`, `500cm3`, `2L`).",
    "Angle": "A quantity in degrees (`90deg`).",
    "Vec3": "A point or displacement in the world frame (z up); components are `Length`.",
    "Object": "One object of the scene.",
    "Objects": "An unordered set of objects of the scene (a mask over the object table).",
    "Frame": "One camera view of the scene.",
    "List[T]": "An ordered list of values of type T (0-based indexing, negative from the end); "
    "`[]` has type List[Nothing], which fits any List[T].",
    "Room": "The type of `room`, the scene's room: `.area`, `.length`, `.width`, `.height`.",
}

# Quantity dimensions as (length exponent, angle exponent).
DIMENSIONS: dict[Type, tuple[int, int]] = {
    NUMBER: (0, 0),
    INT: (0, 0),
    LENGTH: (1, 0),
    AREA: (2, 0),
    VOLUME: (3, 0),
    ANGLE: (0, 1),
}
QUANTITIES = (LENGTH, AREA, VOLUME, ANGLE)
NUMERIC = (INT, NUMBER, LENGTH, AREA, VOLUME, ANGLE)

# unit -> (type, factor to the base unit)
UNITS: dict[str, tuple[Type, float]] = {
    "m": (LENGTH, 1.0),
    "cm": (LENGTH, 0.01),
    "mm": (LENGTH, 0.001),
    "m2": (AREA, 1.0),
    "cm2": (AREA, 1e-4),
    "m3": (VOLUME, 1.0),
    "cm3": (VOLUME, 1e-6),
    "L": (VOLUME, 1e-3),
    "deg": (ANGLE, 1.0),
}
BASE_UNIT: dict[Type, str] = {LENGTH: "m", AREA: "m2", VOLUME: "m3", ANGLE: "deg"}
# Every factor is a power of ten: unit = 10**UNIT_EXPONENTS[unit] base units.
UNIT_EXPONENTS: dict[str, int] = {u: round(math.log10(f)) for u, (_, f) in UNITS.items()}
assert all(10.0**UNIT_EXPONENTS[u] == f for u, (_, f) in UNITS.items()), "not a power of ten"


def to_base(value, unit: str):
    """A value in ``unit`` in the base unit (``value`` a float or a numpy array).

    Metric conversions are one correctly rounded operation with an exact power of ten
    (10**k is exact in a double for k <= 22): multiplying by 1e-6 (not exact) would make
    `1L in cm3` 1000.0000000000001; dividing by 1e6 (exact) makes it 1000.0."""
    exponent = UNIT_EXPONENTS[unit]
    return value * 10.0**exponent if exponent >= 0 else value / 10.0**-exponent


def from_base(value, unit: str):
    """A value in the base unit expressed in ``unit`` (the inverse of ``to_base``)."""
    exponent = UNIT_EXPONENTS[unit]
    return value / 10.0**exponent if exponent >= 0 else value * 10.0**-exponent


def is_numeric(t: Type) -> bool:
    return t in NUMERIC


def is_quantity(t: Type) -> bool:
    return t in QUANTITIES


def widen(t: Type) -> Type:
    return NUMBER if t == INT else t


def fits(actual: Type, expected: Type) -> bool:
    """Whether a value of type ``actual`` may stand where ``expected`` is wanted."""
    if actual in (ERROR, NOTHING) or expected == ERROR or actual == expected:
        return True
    if actual == INT and expected == NUMBER:
        return True
    if isinstance(actual, ListType) and isinstance(expected, ListType):
        return actual.elem == NOTHING or fits(actual.elem, expected.elem)
    return False


def join(a: Type, b: Type) -> Type | None:
    """The common type of two branches or list items, or None if there is none."""
    if a in (ERROR, NOTHING):
        return b
    if b in (ERROR, NOTHING) or a == b:
        return a
    if {a, b} == {INT, NUMBER}:
        return NUMBER
    if isinstance(a, ListType) and isinstance(b, ListType):
        if a.elem == NOTHING:
            return b
        if b.elem == NOTHING:
            return a
        elem = join(a.elem, b.elem)
        return ListType(elem) if elem is not None else None
    return None


def _arith_add(a: Type, b: Type) -> Type | None:
    if a == INT and b == INT:
        return INT
    if a in NUMERIC and b in NUMERIC and DIMENSIONS[a] == DIMENSIONS[b]:
        return widen(a)
    if a == VEC3 and b == VEC3:
        return VEC3
    return None


def _arith_mul(a: Type, b: Type) -> Type | None:
    if a == INT and b == INT:
        return INT
    if a in (INT, NUMBER) and (b in NUMERIC or b == VEC3):
        return widen(b)
    if b in (INT, NUMBER) and (a in NUMERIC or a == VEC3):
        return widen(a)
    products = {(LENGTH, LENGTH): AREA, (AREA, LENGTH): VOLUME, (LENGTH, AREA): VOLUME}
    return products.get((a, b))


def _arith_div(a: Type, b: Type) -> Type | None:
    if a in NUMERIC and b in NUMERIC and DIMENSIONS[a] == DIMENSIONS[b]:
        return NUMBER
    if (a in NUMERIC or a == VEC3) and b in (INT, NUMBER):
        return widen(a)
    return None


def arithmetic(op: str, a: Type, b: Type) -> Type | None:
    """Result type of ``a op b`` under the dimension rules, or None if it is an error.

    Only the combinations language.md §3 lists are allowed: Length*Length is
    Area, Area*Length is Volume, but e.g. Area/Length is an error.
    """
    if ERROR in (a, b):
        return ERROR
    rule = {"+": _arith_add, "-": _arith_add, "*": _arith_mul, "/": _arith_div}[op]
    return rule(a, b)


def comparable(op: str, a: Type, b: Type) -> bool:
    if ERROR in (a, b):
        return True
    if a in NUMERIC and b in NUMERIC:
        return DIMENSIONS[a] == DIMENSIONS[b]
    if op in ("==", "!="):
        return a == b and a in (OBJECT, FRAME, STR, BOOL)
    return False


def unit_suggestion(expected: Type, number_text: str) -> str | None:
    """A hint turning a plain number into a quantity literal of the expected type."""
    unit = BASE_UNIT.get(expected)
    if unit is None:
        return None
    names = {LENGTH: "a length", AREA: "an area", VOLUME: "a volume", ANGLE: "an angle"}
    return f"write {number_text}{unit} for {names[expected]}"
