"""Canonical plain values for comparing the two interpreters: ``to_plain`` (a reference
value), ``plain_runtime`` (a vectorized-runtime value) and ``same_plain``.
"""

from __future__ import annotations

import math

from spatial_dsl.lang import types as T

# ------------------------------------------------------- comparable plain values

_SCALARS = (T.INT, T.NUMBER, T.LENGTH, T.AREA, T.VOLUME, T.ANGLE)


def to_plain(value, t: T.Type):
    """A reference value as a canonical plain value (see ``plain_runtime``)."""
    if isinstance(t, T.ListType):
        return [to_plain(v, t.elem) for v in value]
    if t == T.BOOL:
        return bool(value)
    if t == T.INT:
        return int(value)
    if t in _SCALARS:
        return float(value)
    if t == T.STR:
        return str(value)
    if t == T.VEC3:
        return tuple(float(x) for x in value)
    if t in (T.OBJECT, T.FRAME):
        return int(value)
    if t == T.OBJECTS:
        return tuple(sorted(int(o) for o in value))
    if t == T.ROOM:
        return "room"
    raise TypeError(f"no plain form for {t}")


def plain_runtime(value, t: T.Type, top: bool = True):
    """A vectorized-runtime value (one row at the top level) as a canonical plain value:
    bool, int, float, str, tuple (Vec3), int (Object / Frame row), sorted tuple (Objects),
    list (List)."""
    import numpy as np  # reading the vectorized runtime's values only

    if top:
        if isinstance(value, list):
            (value,) = value
        elif isinstance(value, np.ndarray) and value.ndim >= 1:
            value = value[0]
    if isinstance(t, T.ListType):
        return [plain_runtime(v, t.elem, top=False) for v in value]
    if t == T.VEC3:
        return tuple(float(x) for x in np.asarray(value, dtype=float).reshape(3))
    if t == T.OBJECTS:
        return tuple(int(i) for i in np.flatnonzero(np.asarray(value)))
    if t == T.ROOM:
        return "room"
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.ndim else value[()]
    if isinstance(value, np.generic):
        value = value.item()
    return to_plain(value, t)


def same_plain(a, b, t: T.Type, tol: float = 1e-9) -> bool:
    """Whether two plain values agree: numbers within ``tol`` (relative or absolute)."""
    if isinstance(t, T.ListType):
        return len(a) == len(b) and all(same_plain(x, y, t.elem, tol) for x, y in zip(a, b))
    if t == T.VEC3:
        return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b))
    if t in _SCALARS and t != T.INT:
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol) or (math.isnan(a) and math.isnan(b))
    return a == b
