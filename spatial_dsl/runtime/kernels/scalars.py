"""Kernels of scalar arithmetic: abs, round (half away from zero, exact in decimal), sqrt,
norm, vec, the arithmetic and comparison operators (with int64 overflow checks).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np

from spatial_dsl.lang import types as T
from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime import geometry as G

from .call import Call, _int_result, _rows, kernel

# --------------------------------------------------------------------- scalars


@kernel("abs")
def k_abs(k: Call, x):
    return np.abs(x)


def _round_exact(x: float, digits: int) -> float:
    """Half-away rounding with exact decimals, for digit counts beyond a double's range."""
    if not np.isfinite(x) or digits > 1100:  # finer than any double: unchanged
        return float(x)
    if digits < -400:  # coarser than any double: 0
        return 0.0
    exact = Decimal(float(x))
    with localcontext() as ctx:
        ctx.prec = max(exact.adjusted(), 0) + max(digits, 0) + 10
        ctx.Emax, ctx.Emin = 10**6, -(10**6)
        return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)) + 0.0


def _timed(k: Call, values):
    """The values, checking the wall-clock limit before each (a loop in Python)."""
    for v in values:
        k.budget.check_time(k.span)
        yield v


@kernel("round")
def k_round(k: Call, x, n):
    size = _rows(x, n)
    xs = np.broadcast_to(np.asarray(x, dtype=float), (size,))
    ns = np.broadcast_to(n, (size,))
    out = np.empty(size)
    for digits in np.unique(ns):  # the geometry helper rounds with one digit count at a time
        chosen = ns == digits
        if abs(int(digits)) > 300:  # 10**digits overflows a double: exact decimals, slow
            out[chosen] = [_round_exact(v, int(digits)) for v in _timed(k, xs[chosen])]
        else:
            out[chosen] = G.round_half_away(xs[chosen], int(digits))
    return out.astype(np.int64) if np.issubdtype(np.asarray(x).dtype, np.integer) else out


def _sqrt(k: Call, x):
    negative = x < 0
    k.reject(negative, RejectionKind.DEGENERATE, "square root of a negative value")
    return np.sqrt(np.where(negative, 0.0, x))


@kernel("sqrt")
def k_sqrt(k: Call, x):
    return _sqrt(k, x)


@kernel("sqrt", 1)
def k_sqrt_area(k: Call, x):
    return _sqrt(k, x)


@kernel("norm")
def k_norm(k: Call, v):
    return np.linalg.norm(v, axis=-1)


@kernel("vec")
def k_vec(k: Call, x, y, z):
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1).astype(float)


@kernel("_arith")
def k_arith(k: Call, op: str, a, b, ta: T.Type, tb: T.Type):
    with np.errstate(over="ignore", invalid="ignore"):
        return _arith(k, op, a, b, ta, tb)


def _arith(k: Call, op: str, a, b, ta: T.Type, tb: T.Type):
    if ta == T.VEC3 and tb != T.VEC3:
        b = np.asarray(b, dtype=float)[:, None]
    elif tb == T.VEC3 and ta != T.VEC3:
        a = np.asarray(a, dtype=float)[:, None]
    if op in ("+", "-", "*"):
        return _plus_minus_times(k, op, a, b)
    zero = np.all(np.asarray(b) == 0, axis=-1) if tb == T.VEC3 else (np.asarray(b) == 0)
    k.reject(zero.reshape(-1), RejectionKind.DEGENERATE, "division by zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, 0.0, np.true_divide(a, np.where(b == 0, 1, b)))


_OPS = {"+": np.add, "-": np.subtract, "*": np.multiply}
_PY_OPS = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}


def _plus_minus_times(k: Call, op: str, a, b):
    with np.errstate(over="ignore", invalid="ignore"):
        result = _OPS[op](a, b)
    if result.dtype.kind not in "iu":
        return result
    approx = _OPS[op](np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    rows = len(np.atleast_1d(result))
    a_rows, b_rows = np.broadcast_to(a, (rows,)), np.broadcast_to(b, (rows,))
    exact = lambda r: _PY_OPS[op](int(a_rows[r]), int(b_rows[r]))  # noqa: E731
    return _int_result(k, exact, approx, result)


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}


@kernel("_compare")
def k_compare(k: Call, op: str, a, b):
    return np.asarray(_COMPARE[op](a, b), dtype=bool)
