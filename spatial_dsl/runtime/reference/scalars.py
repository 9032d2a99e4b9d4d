"""Reference builtins of scalar arithmetic (abs, round, sqrt, norm, vec, the arithmetic and
comparison operators) on Python numbers, with the 64-bit Int range checks.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

from spatial_dsl.lang import types as T
from spatial_dsl.lang.diagnostics import RejectionKind

from .scene import Ctx, _dot, ref

# --------------------------------------------------------------------- scalars


INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_COORDINATE = 1e9  # m: a Vec3 component beyond this is out of range


def in_range(c: Ctx, value):
    """A number out of range is `Degenerate`: an Int beyond 64 bits, a non-finite Number,
    a Vec3 with a component that is not finite or beyond ``MAX_COORDINATE``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        c.reject(RejectionKind.DEGENERATE, "the integer result is out of range")
    if isinstance(value, float) and not math.isfinite(value):
        c.reject(RejectionKind.DEGENERATE, "the result is not a finite number")
    if isinstance(value, tuple) and not all(math.isfinite(x) and abs(x) <= MAX_COORDINATE
                                            for x in value):
        c.reject(RejectionKind.DEGENERATE,
                 "a point farther than 1e9 m along an axis, or not finite")
    return value


@ref("abs")
def r_abs(c: Ctx, x):
    return abs(x)


def round_half_away(x, n: int) -> float:
    """``x`` rounded to ``n`` decimals, halves away from zero, decided on the exact binary
    value of ``x`` (exact decimal arithmetic with enough digits for any ``x`` and ``n``).

    Not ``refgeom.round_half_away``: that one runs out of the default 28 decimal digits
    (``decimal.InvalidOperation``) when ``|x| * 10**n >= 1e28``, e.g. ``round(1e20, 12)``.
    """
    if not math.isfinite(x):
        return x
    if n > 1100:  # finer than any double: the exact value rounds to itself
        return float(x)
    if n < -400:  # coarser than any double: everything rounds to 0
        return 0.0
    exact = Decimal(x)
    with localcontext() as ctx:
        ctx.prec = max(exact.adjusted(), 0) + max(n, 0) + 10
        rounded = exact.quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)
    return float(rounded) + 0.0


@ref("round")
def r_round(c: Ctx, x, n):
    rounded = round_half_away(x, n)
    return int(rounded) if isinstance(x, int) else rounded


def _sqrt(c: Ctx, x):
    if x < 0:
        c.reject(RejectionKind.DEGENERATE, "square root of a negative value")
    return math.sqrt(x)


@ref("sqrt")
def r_sqrt(c: Ctx, x):
    return _sqrt(c, x)


@ref("sqrt", 1)
def r_sqrt_area(c: Ctx, x):
    return _sqrt(c, x)


@ref("norm")
def r_norm(c: Ctx, v):
    return math.sqrt(_dot(v, v))


@ref("vec")
def r_vec(c: Ctx, x, y, z):
    return (float(x), float(y), float(z))


@ref("_arith")
def r_arith(c: Ctx, op: str, a, b, ta: T.Type, tb: T.Type):
    if op == "/" and b == 0:
        c.reject(RejectionKind.DEGENERATE, "division by zero")
    if ta == T.VEC3 and tb == T.VEC3:
        sign = 1 if op == "+" else -1
        return tuple(float(x + sign * y) for x, y in zip(a, b))
    if ta == T.VEC3:
        return tuple(float(x * b) if op == "*" else x / b for x in a)
    if tb == T.VEC3:
        return tuple(float(a * y) for y in b)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


_COMPARE = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


@ref("_compare")
def r_compare(c: Ctx, op: str, a, b):
    return bool(_COMPARE[op](a, b))
