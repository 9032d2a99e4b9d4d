"""The evidence rooms are inferred from: object footprints and wall pins (steps 1-2).

A *pin* is a wall-mounted object (a window, a painting, a light switch, a hung
television...) that is axis-aligned and thin enough to show where its wall runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Scene, normalise_name
from .thresholds import (ALWAYS_PINS, AXIS_TOL_DEG, ELONGATED, FLAT_TV, FLOOR, MAX_PIN_DEPTH,
                         REST_TOL, TELEVISION, WINDOW)


@dataclass(frozen=True)
class Pin:
    """A wall-mounted object and the wall line it pins."""
    index: int
    axis: int  # 0: the wall is x = const (the object is thin in x); 1: y = const
    back_high: bool  # the wall is on the object's high-coordinate side
    wall: float  # the wall's coordinate on ``axis`` (a window's inner face)
    span: tuple[float, float]  # the object's extent along the wall
    back: float  # the back face's coordinate (a window's outer face; else ``wall``)


def footprints(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """(N, 2) low and high x-y corners of every object's footprint rectangle."""
    xy = scene.corners[:, :, :2]
    return xy.min(axis=1), xy.max(axis=1)


def floor_mask(scene: Scene) -> np.ndarray:
    return np.array([normalise_name(c) == FLOOR for c in scene.categories], dtype=bool)


def wall_mounted(scene: Scene) -> np.ndarray:
    """(N,) bool: objects of a kind that hangs on a wall (step 2 of the package docstring)."""
    lo, hi = footprints(scene)
    ext = hi - lo
    depth = ext.min(axis=1)
    out = np.zeros(scene.n, dtype=bool)
    for i, category in enumerate(scene.categories):
        key = normalise_name(category)
        if key in ALWAYS_PINS:
            out[i] = True
        elif key == TELEVISION:
            out[i] = depth[i] <= FLAT_TV and not _stands_on_something(scene, lo, hi, i)
    return out


def _stands_on_something(scene: Scene, lo, hi, i: int) -> bool:
    """Whether object i's bottom rests on another object's top (a television on a dresser)."""
    under = (np.abs(scene.top - scene.bottom[i]) <= REST_TOL) & np.all(
        (lo < hi[i]) & (hi > lo[i]), axis=1)
    under[i] = False
    return bool(under.any())


def pin_mask(scene: Scene) -> np.ndarray:
    """(N,) bool: wall-mounted objects that can pin a wall (axis-aligned and thin).

    An object whose box is only the axis-aligned box of a turned object
    (``attributes.box == "aabb"``, scenes.md v0.2) does not show its wall's direction.
    """
    lo, hi = footprints(scene)
    ext = hi - lo
    off_axis = np.abs(((scene.yaw + 45.0) % 90.0) - 45.0)
    turned = np.array([a.get("box") == "aabb" for a in scene.attributes], dtype=bool)
    return (wall_mounted(scene) & ~turned & (off_axis <= AXIS_TOL_DEG)
            & (ext.min(axis=1) <= MAX_PIN_DEPTH))


def _across_axis(ext: np.ndarray, gaps: np.ndarray) -> int:
    """The axis across a pin's wall: its thin direction, if clearly thinner (a painting);
    else (a square cabinet) the direction in which it is nearest a side of the rectangle."""
    if ext.max() >= ELONGATED * ext.min():
        return int(np.argmin(ext))
    return int(np.argmin(gaps.min(axis=1)))


def find_pins(scene: Scene, lo, hi, rect_lo, rect_hi, use) -> list[Pin]:
    pins = []
    windows = {i for i, c in enumerate(scene.categories) if normalise_name(c) == WINDOW}
    for i in np.flatnonzero(pin_mask(scene) & use):
        gaps = np.array([[lo[i, 0] - rect_lo[0], rect_hi[0] - hi[i, 0]],
                         [lo[i, 1] - rect_lo[1], rect_hi[1] - hi[i, 1]]])
        axis = _across_axis(hi[i] - lo[i], gaps)
        other = 1 - axis
        back_high = bool(gaps[axis, 1] < gaps[axis, 0])
        back = float(hi[i, axis] if back_high else lo[i, axis])
        # A window fills the wall's thickness: the room ends at its inner face.
        wall = float(lo[i, axis] if back_high else hi[i, axis]) if i in windows else back
        pins.append(Pin(int(i), axis, bool(back_high), wall,
                        (float(lo[i, other]), float(hi[i, other])), back))
    return pins
