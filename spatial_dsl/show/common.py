"""What every part of a picture shares: the palette, the sizes and limits of the map,
``ShowError``, and the small colour and footprint helpers the drawing and the labels
both use."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spatial_dsl.errors import SpdslError

from ..scenes.model import normalise_name

FORMATS = (".png", ".svg")

# Highlight colours, in order of appearance (lets first); chosen to stay apart from the
# grey of other objects, the black answer outline and the camera blue.
PALETTE = ("#e6194b", "#3cb44b", "#f58231", "#911eb4", "#f032e6", "#42d4f4", "#9a6324",
           "#808000", "#469990", "#ffd8b1")
ANSWER_COLOR = "#000000"
CAMERA_COLOR = "#1f5fa8"
PATH_COLOR = "#7a8ca3"
OBJECT_FACE, OBJECT_EDGE = "#d9d9d9", "#8c8c8c"
FLOOR_FACE = "#f6f5ef"
ROOM_EDGE = "#222222"
WALL_COLOR = "#5a5a5a"

SURFACE_NAMES = {"floor", "wall", "ceiling", "room"}
TINY = 0.15  # m: unhighlighted objects smaller than this are not labelled
MIN_MARK_PT = 5.0  # an object drawn smaller than this (points) also gets a dot
FRAME_WIDE_CALLS = {"seen", "first_seen", "last_seen", "co_visible", "appearance_order"}
FRAME_SPAN_CALLS = {"route", "travel"}
MAX_WALK_LABELS = 40

MAP_MIN_IN, MAP_MAX_IN = 4.0, 9.0
LEGEND_IN = 2.7
DPI = 100


class ShowError(SpdslError):
    """A program that cannot be pictured (e.g. a task template)."""


@dataclass
class Drawing:
    """The figure and an index of what was drawn (artists carry the same names as gid)."""

    figure: object  # matplotlib.figure.Figure
    ax: object
    objects: dict[str, object] = field(default_factory=dict)  # object id -> footprint patch
    markers: dict[str, object] = field(default_factory=dict)  # object id -> min-size dot
    fill: dict[str, str] = field(default_factory=dict)  # object id -> highlight filling it
    highlights: dict[str, set[str]] = field(default_factory=dict)  # highlight -> object ids
    colors: dict[str, str] = field(default_factory=dict)  # highlight -> colour
    answer: set[str] = field(default_factory=set)  # object ids outlined as the answer
    labels: dict[str, object] = field(default_factory=dict)  # object id -> Text
    leaders: dict[str, object] = field(default_factory=dict)  # object id -> Line2D
    frustums: dict[int, object] = field(default_factory=dict)  # frame row -> Polygon
    cameras: dict[int, object] = field(default_factory=dict)  # frame row -> Line2D marker
    frame_labels: dict[int, object] = field(default_factory=dict)  # frame row -> Text
    path: object | None = None
    room: object | None = None
    walls: object | None = None  # LineCollection of the room's walls, when it has any
    caption: object | None = None
    title: object | None = None
    key: list[str] = field(default_factory=list)  # the legend's title and rows, in order
    unplaced: list[str] = field(default_factory=list)  # must-labels that had to overlap

    def label_artists(self) -> list:
        return list(self.labels.values()) + list(self.frame_labels.values())


def is_surface(category: str) -> bool:
    return normalise_name(category) in SURFACE_NAMES


def hull_area(hull) -> float:
    if len(hull) < 3:
        return 0.0
    x, y = hull[:, 0], hull[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def hull_extent(hull) -> float:
    pts = np.asarray(hull).reshape(-1, 2)
    return float(max(pts.max(axis=0) - pts.min(axis=0))) if len(pts) else 0.0


def rgba(color: str, alpha: float):
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def darker(color: str, factor: float = 0.7):
    from matplotlib.colors import to_rgb

    return tuple(c * factor for c in to_rgb(color))
