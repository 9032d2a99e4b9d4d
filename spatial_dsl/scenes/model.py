"""The in-memory scene: a struct of numpy arrays (one row per object / frame).

Objects are stored sorted by id, so an ``Objects`` mask, read in index order,
is already in the order the language promises (``map`` over ``Objects`` is
ordered by ``o.id``).

Conventions (scenes.md): world frame right-handed, z up, metres; quaternions
``[x, y, z, w]``; an object's rotation maps local axes to world; a camera's
rotation maps OpenCV camera axes (x right, y down, z forward) to world.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .visibility import Visibility


@dataclass(frozen=True, eq=False)
class Room:
    floor: np.ndarray | None  # (M, 2) floor polygon, or None
    height: float
    area: float  # floor polygon area, else x-y area of the bounds
    length: float  # larger horizontal extent of the floor's bounding rectangle
    width: float  # smaller one
    bounds_min: np.ndarray  # (2,) x-y minimum of the floor (or of the objects)
    bounds_max: np.ndarray  # (2,)
    walls: np.ndarray | None = None  # (K, 4) [x1, y1, x2, y2] as given in the file, or None

    def wall_segments(self) -> np.ndarray:
        """(K, 4) the room's walls: ``walls`` if the file gave them, else the floor
        polygon's edges; none for a room without a floor polygon (its extent is only
        the objects' bounding rectangle, no evidence of a wall)."""
        if self.walls is not None:
            return self.walls
        if self.floor is None:
            return np.zeros((0, 4))
        return np.concatenate([self.floor, np.roll(self.floor, -1, axis=0)], axis=1)


@dataclass(frozen=True, eq=False)
class Frames:
    index: np.ndarray  # (F,) int64, the frame's own index as in the file
    time: np.ndarray  # (F,) float64 seconds
    position: np.ndarray  # (F, 3) camera centre, world
    rotation: np.ndarray  # (F, 4) quaternion xyzw, camera -> world
    R: np.ndarray  # (F, 3, 3) columns = camera x, y, z axes in world
    width: np.ndarray  # (F,) pixels
    height: np.ndarray  # (F,)
    fx: np.ndarray  # (F,) intrinsics in pixels (derived from hfov_deg if given so)
    fy: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    image: tuple[str | None, ...]  # per frame, relative path or None
    # Recorded visible fractions of (frame row, object row) pairs, stored sparse; read them
    # with its accessors (``visible.fraction(o, f)``, ``visible.in_frames(f)``,
    # ``visible.first_last()``, ``visible.co_visible(a, b)``; see scenes/visibility.py).
    visible: Visibility

    @property
    def count(self) -> int:
        return len(self.index)

    @property
    def visibility(self) -> np.ndarray:
        """The (F, N) table of visible fractions (0 = not visible), made on each access.

        F x N x 8 bytes: for small scenes, tools and tests. Kernels read ``visible``."""
        return self.visible.dense()


class NameIndex(Mapping):
    """Normalised name (see ``normalise_name``) -> (N,) bool mask of the objects it names.

    Stores each name's member rows and makes the mask on lookup: a mask per distinct label
    would be N x N bytes (100 MB for 10,000 labelled objects).
    """

    def __init__(self, members: dict[str, np.ndarray], n: int):
        self._members = members
        self._n = n

    def __getitem__(self, key: str) -> np.ndarray:
        mask = np.zeros(self._n, dtype=bool)
        mask[self._members[key]] = True
        mask.setflags(write=False)
        return mask

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, key: object) -> bool:
        return key in self._members

    def members(self, key: str) -> np.ndarray:
        """The rows (ascending) of the objects ``key`` names; KeyError if none."""
        return self._members[key]


@dataclass(frozen=True, eq=False)
class Scene:
    id: str
    source: dict
    ids: tuple[str, ...]  # (N,) sorted ascending
    categories: tuple[str, ...]  # (N,)
    labels: tuple[str, ...]  # (N,) label if given else the category
    has_label: np.ndarray  # (N,) bool: label given explicitly in the source
    center: np.ndarray  # (N, 3)
    size: np.ndarray  # (N, 3) extents along local x, y, z
    rotation: np.ndarray  # (N, 4) quaternion xyzw, local -> world
    R: np.ndarray  # (N, 3, 3) columns = local x, y, z axes in world
    corners: np.ndarray  # (N, 8, 3) world box corners
    top: np.ndarray  # (N,) max z of corners
    bottom: np.ndarray  # (N,) min z of corners
    length: np.ndarray  # (N,) larger of the two most-horizontal local extents
    width: np.ndarray  # (N,) smaller of them
    longest: np.ndarray  # (N,)
    volume: np.ndarray  # (N,)
    footprint: np.ndarray  # (N,) length * width
    yaw: np.ndarray  # (N,) degrees, heading of local x, CCW from +x, (-180, 180]
    upright: np.ndarray  # (N,) bool: local z is world z (within 1e-6), so gap may use 2-D polygons
    parent: np.ndarray  # (N,) int64 index of the parent object, -1 for none
    support: np.ndarray  # (N,) int8 SUPPORT code: how the source says the object is held
    attributes: tuple[dict, ...]
    room: Room
    frames: Frames
    # normalised name (see normalise_name) -> bool mask (N,) over category or label
    name_index: Mapping[str, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)


# The Scene fields with one entry per object, in field order: the arrays, and the tuples.
OBJECT_ARRAYS = ("has_label", "center", "size", "rotation", "R", "corners", "top", "bottom",
                 "length", "width", "longest", "volume", "footprint", "yaw", "upright",
                 "parent", "support")
OBJECT_TUPLES = ("ids", "categories", "labels", "attributes")


# How the source says an object is held (the scene file's optional ``support``): 0 = not
# recorded (language.md decides from the boxes), else the code of the word.
SUPPORT_NOT_RECORDED = 0
SUPPORT_CODES = {"on": 1, "in": 2, "fixed": 3}
SUPPORT_ON, SUPPORT_IN, SUPPORT_FIXED = (SUPPORT_CODES[w] for w in ("on", "in", "fixed"))
SUPPORT_WORDS = {code: word for word, code in SUPPORT_CODES.items()}


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The key ``find`` matches on: case-insensitive, ignoring spaces, ``_`` and ``-``."""
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def scene_differences(a: Scene, b: Scene, atol: float = 1e-9) -> list[str]:
    """Names of the fields in which two scenes differ (floats compared within ``atol``).

    Empty means equal; used to check that a written scene loads back unchanged.
    """
    diffs = [name for name in ("id", "source", *OBJECT_TUPLES)
             if getattr(a, name) != getattr(b, name)]
    for name in OBJECT_ARRAYS:
        if not _arrays_close(getattr(a, name), getattr(b, name), atol):
            diffs.append(name)
    for name in ("floor", "height", "area", "length", "width", "bounds_min", "bounds_max",
                 "walls"):
        if not _arrays_close(getattr(a.room, name), getattr(b.room, name), atol):
            diffs.append(f"room.{name}")
    if a.frames.image != b.frames.image:
        diffs.append("frames.image")
    for name in ("index", "time", "position", "rotation", "R", "width", "height",
                 "fx", "fy", "cx", "cy"):
        if not _arrays_close(getattr(a.frames, name), getattr(b.frames, name), atol):
            diffs.append(f"frames.{name}")
    if not a.frames.visible.same_as(b.frames.visible, atol):
        diffs.append("frames.visible")
    if a.name_index.keys() != b.name_index.keys() or any(
            not np.array_equal(v, b.name_index[k]) for k, v in a.name_index.items()):
        diffs.append("name_index")
    return diffs


def _arrays_close(x, y, atol: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    x, y = np.asarray(x), np.asarray(y)
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=0, atol=atol))
