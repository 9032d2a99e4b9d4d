"""Directions around a point: signed horizontal bearing, its sector label (4 or 8 sectors
with a margin) and the clock hour.
"""

from __future__ import annotations

import numpy as np

# bearing: a horizontal vector shorter than 1 mm has no direction (Degenerate; the spec's)
from spatial_dsl.tolerances import DEGENERATE_LENGTH as DEGENERATE_LEN

from .angles import _deg_atan2, _out, round_half_away, wrap_deg

# --------------------------------------------------------------------------
# Directions


def bearing(at, facing, target):
    """Signed horizontal angle from (facing - at) to (target - at), degrees in
    (-180, 180], positive = left (language.md `bearing`).

    Returns (bearing float64, degenerate bool): degenerate where either
    horizontal vector is shorter than 1 mm; the bearing there is finite but
    meaningless.
    """
    at = np.asarray(at, float)
    f = np.asarray(facing, float)[..., :2] - at[..., :2]
    r = np.asarray(target, float)[..., :2] - at[..., :2]
    cross = f[..., 0] * r[..., 1] - f[..., 1] * r[..., 0]
    dot = f[..., 0] * r[..., 0] + f[..., 1] * r[..., 1]
    degenerate = (np.hypot(f[..., 0], f[..., 1]) < DEGENERATE_LEN) | (
        np.hypot(r[..., 0], r[..., 1]) < DEGENERATE_LEN)
    return _deg_atan2(cross, dot), _out(degenerate)


_SECTORS = {
    # boundaries for np.digitize (b in [edges[i-1], edges[i]) -> labels[i]) and
    # every boundary on the circle (180 included) for the borderline test
    2: ([0.0], ["right", "left"], [0.0, 180.0]),
    4: ([-90.0, 0.0, 90.0], ["back-right", "front-right", "front-left", "back-left"],
        [-90.0, 0.0, 90.0, 180.0]),
    8: ([-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5],
        ["back", "back-right", "right", "front-right", "front", "front-left", "left",
         "back-left", "back"],
        [-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5]),
}


def sector(bearing_deg, sectors: int = 4, margin_deg=0.0):
    """Sector label of a bearing (language.md `direction` tables).

    ``margin_deg`` broadcasts with the bearings.  Returns (labels str array,
    borderline bool), both of the broadcast shape.  Borderline: exactly on a
    boundary for sectors 2 and 4, or strictly closer than ``margin_deg`` to any
    boundary (circularly; 180 is a boundary of 2 and 4).  "Within margin" is
    strict so that margin 0 adds nothing: the half-open 8-sector intervals
    make their boundaries unambiguous.  On an exact 2/4 boundary the label is
    the sector counter-clockwise of it (as the 8-sector intervals do: 0 ->
    "left"/"front-left", 90 -> "back-left", -90 -> "front-right",
    180 -> "left"/"back-left"); such bearings are borderline anyway.
    """
    if sectors not in _SECTORS:
        raise ValueError(f"sectors must be 2, 4 or 8, not {sectors}")
    edges, labels, bounds = _SECTORS[sectors]
    b, margin = np.broadcast_arrays(np.asarray(wrap_deg(bearing_deg), float),
                                    np.asarray(margin_deg, float))
    names = np.asarray(labels)[np.digitize(b, edges)]
    off = np.abs(b[..., None] - np.asarray(bounds))
    off = np.minimum(off, 360.0 - off)  # circular distance to each boundary
    borderline = np.any(off < margin[..., None], axis=-1)
    if sectors in (2, 4):
        borderline |= np.any(b[..., None] == np.asarray(bounds), axis=-1)
    return _out(names), _out(borderline)


def clock(bearing_deg):
    """Clock hour of a bearing: round(-b/30) mod 12 (half away from zero), 0 -> 12.
    int64; e.g. 0 -> 12, 15 -> 11 (-0.5 rounds to -1), -15 -> 1, 90 -> 9."""
    h = np.asarray(round_half_away(-np.asarray(bearing_deg, float) / 30.0)).astype(np.int64) % 12
    return _out(np.where(h == 0, 12, h))
