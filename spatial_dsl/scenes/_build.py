"""Turn a validated document (``_validate.CheckedScene``) into the array ``Scene``.

Everything here may assume the input is valid: ``_validate`` has already
reported every problem, so nothing in this module raises on user data.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ._validate import CheckedFrame, CheckedScene, shoelace
from .model import (
    SUPPORT_CODES,
    SUPPORT_NOT_RECORDED,
    Frames,
    NameIndex,
    Room,
    Scene,
    normalise_name,
)
from .rotations import quat_to_matrix
from .visibility import Visibility

# Corner k of a box has local signs CORNER_SIGNS[k] (x, y, z each -1 or +1),
# i.e. k = 4*(x>0) + 2*(y>0) + (z>0).
CORNER_SIGNS = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))
UPRIGHT_TOLERANCE = 1e-6  # |R[2,2]| > 1 - this  <=>  local z is (anti)parallel to world z


def frozen(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only: scenes are cached and shared, so nobody may edit them."""
    a.setflags(write=False)
    return a


def box_corners(center: np.ndarray, size: np.ndarray, R: np.ndarray) -> np.ndarray:
    """(N,3), (N,3), (N,3,3) -> (N,8,3) world corners, ordered as ``CORNER_SIGNS``."""
    local = CORNER_SIGNS[None, :, :] * (size[:, None, :] / 2)  # (N,8,3)
    return center[:, None, :] + np.einsum("nij,nkj->nki", R, local)


def horizontal_extents(size: np.ndarray, R: np.ndarray):
    """Length, width and the index of the "length" local axis, per object.

    The local axis whose world direction is most vertical (largest |z|) is
    the object's height; the other two are its horizontal extents, the larger
    being the length. Ties pick the lower axis index (deterministic).
    """
    n = len(size)
    up = np.argmax(np.abs(R[:, 2, :]), axis=1)  # (N,) most vertical local axis
    others = np.array([[1, 2], [0, 2], [0, 1]])[up]  # (N,2) the two horizontal ones
    ext = size[np.arange(n)[:, None], others]  # (N,2)
    pick = np.where(ext[:, 0] >= ext[:, 1], 0, 1)
    length_axis = others[np.arange(n), pick]
    return ext.max(axis=1), ext.min(axis=1), length_axis


def headings(R: np.ndarray, length_axis: np.ndarray) -> np.ndarray:
    """Yaw in degrees, CCW from +x, in (-180, 180]: heading of local x in the x-y plane.

    When local x is vertical it has no heading; the "length" axis (see
    ``horizontal_extents``) is used instead, which then is horizontal enough.
    """
    n = len(R)
    axis_x = R[:, :, 0]
    vertical = np.hypot(axis_x[:, 0], axis_x[:, 1]) < 1e-9
    d = np.where(vertical[:, None], R[np.arange(n), :, length_axis], axis_x)
    yaw = np.degrees(np.arctan2(d[:, 1], d[:, 0])) + 0.0  # + 0.0 turns -0.0 into 0.0
    return np.where(yaw <= -180.0, 180.0, yaw)


def build_scene(ch: CheckedScene) -> Scene:
    objs = sorted(ch.objects, key=lambda o: o.id)  # the language's order is by id
    ids = tuple(o.id for o in objs)
    index_of = {oid: i for i, oid in enumerate(ids)}
    center = np.array([o.center for o in objs], dtype=np.float64).reshape(-1, 3)
    size = np.array([o.size for o in objs], dtype=np.float64).reshape(-1, 3)
    rotation = np.array([o.rotation for o in objs], dtype=np.float64).reshape(-1, 4)
    rotation /= np.linalg.norm(rotation, axis=1, keepdims=True)
    R = quat_to_matrix(rotation)
    corners = box_corners(center, size, R)
    length, width, length_axis = horizontal_extents(size, R)
    labels = tuple(o.label if o.label is not None else o.category for o in objs)
    arrays = {
        "center": center, "size": size, "rotation": rotation, "R": R, "corners": corners,
        "top": corners[:, :, 2].max(axis=1), "bottom": corners[:, :, 2].min(axis=1),
        "length": length, "width": width, "longest": size.max(axis=1), "volume": size.prod(axis=1),
        "footprint": length * width, "yaw": headings(R, length_axis),
        "upright": np.abs(R[:, 2, 2]) > 1 - UPRIGHT_TOLERANCE,
        "has_label": np.array([o.label is not None for o in objs], dtype=bool),
        "parent": np.array([index_of.get(o.parent, -1) for o in objs], dtype=np.int64),
        "support": np.array([SUPPORT_CODES.get(o.support, SUPPORT_NOT_RECORDED) for o in objs],
                            dtype=np.int8),
    }
    return Scene(
        id=ch.id, source=ch.source, ids=ids,
        categories=tuple(o.category for o in objs), labels=labels,
        attributes=tuple(o.attributes for o in objs),
        room=build_room(ch, corners, arrays["top"]),
        frames=build_frames(ch.frames, index_of),
        name_index=build_name_index(tuple(o.category for o in objs), labels),
        **{k: frozen(v) for k, v in arrays.items()},
    )


def build_room(ch: CheckedScene, corners: np.ndarray, top: np.ndarray) -> Room:
    height = ch.room_height if ch.room_height is not None else float(top.max())
    if ch.floor is not None:
        floor = frozen(np.array(ch.floor, dtype=np.float64))
        lo, hi, area = floor.min(axis=0), floor.max(axis=0), abs(shoelace(ch.floor))
    else:
        floor = None
        xy = corners[:, :, :2].reshape(-1, 2)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        area = float(np.prod(hi - lo))
    sides = hi - lo
    walls = None
    if ch.walls is not None:
        walls = frozen(np.array(ch.walls, dtype=np.float64).reshape(-1, 4))
    return Room(floor=floor, height=height, area=float(area), length=float(sides.max()),
                width=float(sides.min()), bounds_min=frozen(lo), bounds_max=frozen(hi),
                walls=walls)


def intrinsics(f: CheckedFrame) -> list[float]:
    """fx, fy, cx, cy; from ``hfov_deg`` square pixels and a centred principal point."""
    if f.pinhole is not None:
        return f.pinhole
    fx = (f.width / 2) / math.tan(math.radians(f.hfov_deg) / 2)
    return [fx, fx, f.width / 2, f.height / 2]


def build_frames(frames: list[CheckedFrame], index_of: dict[str, int]) -> Frames:
    frames = sorted(frames, key=lambda f: f.index)  # time order, as objects are id order
    k = np.array([intrinsics(f) for f in frames], dtype=np.float64).reshape(-1, 4)
    rotation = np.array([f.rotation for f in frames], dtype=np.float64).reshape(-1, 4)
    rotation /= np.maximum(np.linalg.norm(rotation, axis=1, keepdims=True), 1e-300)
    pairs = [(i, index_of[oid], frac) for i, f in enumerate(frames)
             for oid, frac in f.visible.items()]
    rows, objects, fractions = (list(c) for c in zip(*pairs)) if pairs else ([], [], [])
    visible = Visibility.from_pairs(len(frames), len(index_of), rows, objects, fractions)
    arrays = {
        "index": np.array([f.index for f in frames], dtype=np.int64),
        "time": np.array([f.time for f in frames], dtype=np.float64),
        "position": np.array([f.position for f in frames], dtype=np.float64).reshape(-1, 3),
        "rotation": rotation, "R": quat_to_matrix(rotation).reshape(-1, 3, 3),
        "width": np.array([f.width for f in frames], dtype=np.int64),
        "height": np.array([f.height for f in frames], dtype=np.int64),
        "fx": k[:, 0], "fy": k[:, 1], "cx": k[:, 2], "cy": k[:, 3],
    }
    return Frames(image=tuple(f.image for f in frames), visible=visible,
                  **{name: frozen(np.ascontiguousarray(a)) for name, a in arrays.items()})


def build_name_index(categories: tuple[str, ...], labels: tuple[str, ...]) -> NameIndex:
    """normalised category or label -> (N,) mask of the objects it names."""
    rows: dict[str, list[int]] = {}
    for i, names in enumerate(zip(categories, labels)):
        for key in {normalise_name(n) for n in names}:
            rows.setdefault(key, []).append(i)
    members = {k: frozen(np.array(v, dtype=np.int64)) for k, v in rows.items()}
    return NameIndex(members, len(categories))
