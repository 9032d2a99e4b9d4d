"""Angles and rounding shared by the geometry: wrapping degrees to (-180, 180], rounding
half away from zero, degree atan2, and ``_out`` (0-d results become numpy scalars).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np



def _out(x):
    """0-d results become numpy scalars; arrays stay arrays."""
    return x[()] if isinstance(x, np.ndarray) else x


# --------------------------------------------------------------------------
# Angles and rounding


def wrap_deg(x):
    """Wrap degrees to (-180, 180].  fmod is exact, so values already in range
    come back unchanged (bit for bit)."""
    y = np.fmod(np.asarray(x, dtype=float), 360.0)
    y = np.where(y > 180.0, y - 360.0, y)
    return _out(np.where(y <= -180.0, y + 360.0, y))


def round_half_away(x, n: int = 0):
    """Round to ``n`` decimals, halves away from zero (language.md `round`).

    The decision is made on the exact binary value of ``x`` (as Python's
    ``round`` and ``Decimal`` do): ``2.675`` is stored as 2.67499999... and
    rounds to 2.67.  Scaling by 10**n can blur a near-half case, so those few
    elements are re-decided exactly with ``Decimal``.
    """
    a = np.asarray(x, dtype=float)
    scale = 10.0 ** abs(n)
    y = np.abs(a) * scale if n >= 0 else np.abs(a) / scale
    whole = np.floor(y)
    frac = y - whole
    r = whole + (frac >= 0.5)
    out = r / scale if n >= 0 else r * scale
    out = np.copysign(out, a) + 0.0  # + 0.0 turns -0.0 into 0.0
    if n != 0:  # with n == 0 the scaling is exact and so is frac
        near = np.flatnonzero(np.isfinite(a) & (np.abs(frac - 0.5) < 1e-6))
        if near.size:
            out, flat_a = np.array(out, dtype=float).reshape(-1), a.reshape(-1)
            quantum = Decimal(1).scaleb(-n)
            for i in near:  # rare near-half elements only
                q = Decimal(float(flat_a[i])).quantize(quantum, rounding=ROUND_HALF_UP)
                out[i] = float(q) + 0.0
            out = out.reshape(a.shape)
    return _out(np.asarray(out))


def _deg_atan2(y, x):
    return wrap_deg(np.degrees(np.arctan2(y, x)))
