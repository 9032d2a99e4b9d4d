"""Vectorized geometry kernels behind the spatial builtins (language.md §4-5).

Conventions (scenes.md): world frame right-handed, z up, metres; user-facing
angles in degrees.  A box is ``center (...,3)``, ``R (...,3,3)`` whose COLUMNS
are the box's local x, y, z axes in world, and ``size (...,3)`` full extents.
A camera is ``position (...,3)`` and ``R (...,3,3)`` whose columns are the
OpenCV camera axes (x right, y down, z forward) in world.

Every function broadcasts over leading dimensions, so the runtime can evaluate
``gap(batch of k boxes, one box)`` as one call.  Results are numpy arrays of
the broadcast batch shape; a call on a single element returns a numpy scalar.

``refgeom.py`` holds naive per-element versions used as the test oracle; where
the exact meaning of a builtin is decided here (tolerances, labels on sector
boundaries, rounding), the same decision is written there.

The package, by responsibility: ``angles`` (wrapping, rounding), ``boxes`` (points and
boxes, ``box_gap``), ``gjk`` (the distance for tilted boxes), ``footprints``, ``directions``
(bearing, sector, clock) and ``cameras`` (camera views and camera motion).
"""

from __future__ import annotations

# the spec's numbers, read from spatial_dsl.tolerances under the names used here
from spatial_dsl.tolerances import DEGENERATE_LENGTH as DEGENERATE_LEN
from spatial_dsl.tolerances import ROUTE_MIN_STEP, ROUTE_MIN_TURN

from .angles import round_half_away, wrap_deg
from .boxes import GAP_SNAP, INSIDE_TOL, PRISM_MAX_TILT, box_gap, point_box_distance, point_in_box
from .cameras import (
    BOX_EDGES, ROUTE_REVERSAL_TOL, heading, move, route, route_ops, route_words, screen_size,
    to_camera, travel, turn, view_bearing,
)
from .directions import bearing, clock, sector
from .footprints import (
    AREA_SLACK, FOOTPRINT_MIN_AREA, OVERLAP_TOL, footprint_area, footprint_overlap_area,
    footprints_overlap,
)
from .gjk import GJK_MAX_ITER, GJK_TOL

__all__ = [
    "AREA_SLACK", "BOX_EDGES", "DEGENERATE_LEN", "FOOTPRINT_MIN_AREA", "GAP_SNAP", "GJK_MAX_ITER",
    "GJK_TOL", "INSIDE_TOL", "OVERLAP_TOL", "PRISM_MAX_TILT", "ROUTE_MIN_STEP", "ROUTE_MIN_TURN",
    "ROUTE_REVERSAL_TOL", "bearing", "box_gap", "clock", "footprint_area",
    "footprint_overlap_area", "footprints_overlap", "heading", "move", "point_box_distance",
    "point_in_box", "round_half_away", "route", "route_ops", "route_words", "screen_size",
    "sector", "to_camera", "travel", "turn", "view_bearing", "wrap_deg",
]
