"""The thresholds and object kinds of room inference, in one place.

Each is named in the package docstring (``spatial_dsl.scenes.rooms``), which says where it
acts and shows the scene that motivated it. They are properties of the recorded AI2-THOR
metadata, not of the language: the spec's own numbers live in ``spatial_dsl.tolerances``.
"""

from __future__ import annotations

from ..model import normalise_name

STRAY = 0.5  # m outside the floor box: the object is not in the room at all
SIDE_TOL = 0.3  # m: a pin this close to a side decides it; a cut must be deeper
PROTRUDE_TOL = 0.15  # m: objects further outside the polygon are reported as protruding
FLAT_TV = 0.2  # m: a television at most this deep, resting on nothing, hangs on the wall
REST_TOL = 0.05  # m between a top and a bottom: one object rests on the other
MAX_PIN_DEPTH = 0.6  # m across the wall
AXIS_TOL_DEG = 5.0
INNER_REACH = 1.0  # m an inner wall extends beyond its pins (RoboTHOR)
JOIN_GAP = 0.5  # m: an inner wall this close to the outer wall is joined to it
CROSS_TOL = 0.05  # m: a footprint crossing a wall line by more than this stops the wall
HANG_TOL = 0.05  # m: an object this far behind a pin's wall is what the pin hangs on
ELONGATED = 2.0  # a pin this many times longer than deep is thin across its wall
INNER_MERGE = 0.15  # m: pins of one inner wall (pictures on both faces of a partition)
MIN_SIDE = 0.1  # m: a room narrower than this is degenerate
EPS = 1e-9

ALWAYS_PINS = {normalise_name(c) for c in (
    "Window", "Painting", "Poster", "Mirror", "LightSwitch", "TowelHolder", "HandTowelHolder",
    "ToiletPaperHanger", "Curtains", "Blinds")}
PARTITIONS = {normalise_name(c) for c in ("ShowerGlass", "ShowerDoor", "ShowerCurtain")}
TELEVISION = normalise_name("Television")
WINDOW = normalise_name("Window")
FLOOR = normalise_name("Floor")
