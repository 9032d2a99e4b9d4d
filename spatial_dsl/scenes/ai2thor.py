"""AI2-THOR (Unity) object metadata -> ``spdsl.scene/1`` (scenes.md, "Converting AI2-THOR").

Unity is left-handed with y up; ours is right-handed with z up. Swapping y and
z (``P`` below) maps one to the other: a point ``(x, y, z)_unity`` is
``(x, z, y)_ours``, and a Unity rotation matrix ``Ru`` becomes ``P @ Ru @ P``
(a rotation about Unity +y by theta is one about our +z by -theta).

The same functions serve the embedded iTHOR/RoboTHOR metadata
(``sources.py``) and live ``controller.last_event.metadata`` (with frames):
``objects_from_ai2thor`` turns the object list into scene-file object dicts,
``frame_from_ai2thor`` one event into a frame dict, and ``scene_from_ai2thor``
passes the document through the ordinary loader (one validation path).
"""

from __future__ import annotations

import math

import numpy as np

from .errors import SceneError
from .format import FORMAT, scene_from_dict
from .model import Scene
from .parents import set_parents
from .rotations import matrix_to_quat

P = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])  # Unity <-> ours
FLAG_ATTRIBUTES = ("pickupable", "receptacle", "openable", "moveable")
_PERMUTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def unity_point(v) -> np.ndarray:
    """A Unity ``{"x","y","z"}`` dict (or [x, y, z]) -> our [x, y, z] (y and z swapped)."""
    if isinstance(v, dict):
        v = (v["x"], v["y"], v["z"])
    x, y, z = (float(c) for c in v)
    return np.array([x, z, y])


def _axis_matrix(axis: int, degrees: float) -> np.ndarray:
    """Rotation matrix about coordinate axis 0/1/2 (the usual formula, in any handedness)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m = np.eye(3)
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def unity_euler_to_ours(rotation) -> np.ndarray:
    """Unity Euler angles (degrees, dict or [x, y, z]) -> our rotation matrix.

    Unity applies z, then x, then y: ``Ru = Ry @ Rx @ Rz`` in Unity coordinates.
    """
    if isinstance(rotation, dict):
        rotation = (rotation["x"], rotation["y"], rotation["z"])
    rx, ry, rz = (float(a) for a in rotation)
    ru = _axis_matrix(1, ry) @ _axis_matrix(0, rx) @ _axis_matrix(2, rz)
    return P @ ru @ P


# --------------------------------------------------------------------------- box fitting


def _box_edges(corners: np.ndarray) -> list[np.ndarray]:
    """The (up to 3) edge vectors of a box from its first corner.

    Taking the 3 nearest corners is wrong for elongated boxes (a face diagonal
    can be shorter than the long edge), so walk the 7 offsets shortest first
    and keep one only if it is not a sum of edges already kept. Zero-size
    directions (flat boxes) yield fewer than 3 edges.
    """
    offsets = sorted(corners[1:] - corners[0], key=np.linalg.norm)
    tol = 1e-4 * float(np.linalg.norm(offsets[-1])) + 1e-7
    edges: list[np.ndarray] = []
    sums = np.zeros((1, 3))  # all subset sums of the edges kept so far
    for v in offsets:
        if np.linalg.norm(v - sums, axis=1).min() > tol:
            edges.append(v)
            sums = np.concatenate([sums, sums + v])
    return edges[:3]


def _orthonormal_frame(edges: list[np.ndarray]) -> np.ndarray:
    """Columns: an orthonormal basis that starts with the given edges' directions.

    Gram-Schmidt from the longest edge (its direction is the most precise);
    missing directions are completed with any perpendicular.
    """
    axes: list[np.ndarray] = []
    for v in sorted(edges, key=np.linalg.norm, reverse=True):
        for a in axes:
            v = v - (v @ a) * a
        axes.append(v / np.linalg.norm(v))
    for candidate in np.eye(3):
        if len(axes) == 3:
            break
        v = candidate - sum(((candidate @ a) * a for a in axes), np.zeros(3))
        if np.linalg.norm(v) > 1e-3:
            axes.append(v / np.linalg.norm(v))
    return np.stack(axes, axis=1)


def _label_axes(frame: np.ndarray, hint: np.ndarray) -> np.ndarray:
    """Order and sign the frame's columns to best match ``hint`` (right-handed result).

    A box alone does not say which edge is the object's local x or which way
    it points; the object's own rotation does, so local axes (and so yaw)
    follow the object rather than the corner order.
    """
    match = hint.T @ frame  # match[j, k] = cos(angle between hint axis j, fitted axis k)
    perm = max(_PERMUTATIONS, key=lambda p: sum(abs(match[j, p[j]]) for j in range(3)))
    signs = [1.0 if match[j, perm[j]] >= 0 else -1.0 for j in range(3)]
    out = np.stack([signs[j] * frame[:, perm[j]] for j in range(3)], axis=1)
    if np.linalg.det(out) < 0:  # only possible when the hint matches poorly
        weakest = min(range(3), key=lambda j: abs(match[j, perm[j]]))
        out[:, weakest] *= -1
    return out


def fit_box(corners, hint: np.ndarray | None = None):
    """8 box corners (our coordinates, any order) -> (center, size, rotation matrix).

    ``hint`` (3x3, columns = expected local axes) decides which fitted axis
    is local x, y, z; default: the world axes.
    """
    corners = np.asarray(corners, dtype=np.float64).reshape(8, 3)
    R = _label_axes(_orthonormal_frame(_box_edges(corners)),
                    np.eye(3) if hint is None else hint)
    local = corners @ R  # corner coordinates along each local axis
    center = corners.mean(axis=0)
    return center, local.max(axis=0) - local.min(axis=0), R


# --------------------------------------------------------------------------- objects


RIGHT_ANGLE_TOLERANCE = 1.0  # degrees: Euler angles this close to a multiple of 90 snap to it


def right_angle_rotation(rotation) -> np.ndarray | None:
    """Our rotation matrix for Unity Euler angles that are all multiples of 90 degrees.

    Angles within ``RIGHT_ANGLE_TOLERANCE`` of a multiple of 90 are snapped to it (the
    recorded angles carry float noise such as 89.9996 or 0.0052); ``None`` when an angle
    is further off (a stove knob turned 45 degrees), or when there is no rotation.
    """
    if not rotation:
        return None
    if isinstance(rotation, dict):
        rotation = (rotation["x"], rotation["y"], rotation["z"])
    snapped = []
    for angle in (float(a) for a in rotation):
        quarter = round(angle / 90.0)
        if not abs(angle - 90.0 * quarter) <= RIGHT_ANGLE_TOLERANCE:
            return None
        snapped.append(90.0 * quarter)
    R = unity_euler_to_ours(snapped)
    return np.round(R)  # a signed permutation matrix: exact zeros and ones


def _object_box(o: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """center, size, quaternion of one object, and whether the box is only axis-aligned.

    Without an oriented box the axis-aligned one is used. When the object's rotation is
    a multiple of 90 degrees about every axis, its axis-aligned box *is* its oriented box
    with the extents permuted (scenes.md v0.2), so the recorded rotation is kept and yaw,
    length and width stay exact; otherwise it gets the identity rotation and is marked.
    Raises KeyError/TypeError/ValueError if malformed.
    """
    obb = o.get("objectOrientedBoundingBox")
    if obb and obb.get("cornerPoints"):
        corners = np.array([unity_point(c) for c in obb["cornerPoints"]])
        if corners.shape != (8, 3):
            raise ValueError(f"expected 8 corner points, got {len(corners)}")
        hint = unity_euler_to_ours(o["rotation"]) if o.get("rotation") else None
        center, size, R = fit_box(corners, hint)
        return center, size, matrix_to_quat(R), False
    aabb = o["axisAlignedBoundingBox"]
    extents = np.abs(unity_point(aabb["size"]))  # Unity (x, y, z) extents -> ours (x, z, y)
    R = right_angle_rotation(o.get("rotation"))
    if R is None:
        return unity_point(aabb["center"]), extents, np.array([0.0, 0.0, 0.0, 1.0]), True
    # Local axis k lies along the world axis where column k of R is nonzero.
    return unity_point(aabb["center"]), np.abs(R).T @ extents, matrix_to_quat(R), False


def _attributes(o: dict, aabb_only: bool) -> dict:
    attrs = {k: o[k] for k in FLAG_ATTRIBUTES if isinstance(o.get(k), bool)}
    for k in ("name", "assetId"):
        if isinstance(o.get(k), str) and o[k]:
            attrs[k] = o[k]
    if aabb_only:
        attrs["box"] = "aabb"  # scenes.md v0.2: the box is axis-aligned, not the object's own
    return attrs


# A part's recorded type that contradicts the whole its id names, corrected: FloorPlan420's
# bathtub basin is recorded as ``Bathtub|...|SinkBasin`` (the only such slip among the 195
# rooms; the 19 other bathtub basins are BathtubBasin), so questions said "the tallest sink
# basin" in a room with one sink. The recorded type stays in ``attributes.recorded_type``.
PART_TYPE_OF_WHOLE = {("Bathtub", "SinkBasin"): "BathtubBasin"}


def _category(o: dict) -> str:
    whole = o["objectId"].split("|")[0] if "|" in o["objectId"] else None
    return PART_TYPE_OF_WHOLE.get((whole, o["objectType"]), o["objectType"])


def _convert_object(o: object) -> dict:
    if not isinstance(o, dict):
        raise TypeError(f"expected an object dict, got {type(o).__name__}")
    center, size, quat, aabb_only = _object_box(o)
    category, attributes = _category(o), _attributes(o, aabb_only)
    if category != o["objectType"]:
        attributes["recorded_type"] = o["objectType"]
    return {"id": o["objectId"], "category": category, "center": center.tolist(),
            "size": size.tolist(), "rotation": quat.tolist(), "parent": None,
            "attributes": attributes}


def objects_from_ai2thor(objs: list[dict], origin: str = "AI2-THOR metadata") -> list[dict]:
    """AI2-THOR object dicts (``event.metadata["objects"]``) -> ``spdsl.scene/1`` object dicts.

    Box from ``objectOrientedBoundingBox.cornerPoints`` when present, else the
    axis-aligned box (see ``_object_box``). ``parent`` is the direct support or
    container among ``parentReceptacles`` and ``support`` says which, or that the object
    is a fixture resting on nothing (see ``parents.py``).
    """
    out, problems = [], []
    for i, o in enumerate(objs):
        try:
            out.append(_convert_object(o))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            detail = f"missing key {e}" if isinstance(e, KeyError) else str(e)
            problems.append(f"objects[{i}]: cannot convert: {detail}")
    if problems:
        raise SceneError(problems, origin)
    set_parents(out, objs)
    return out


# --------------------------------------------------------------------------- frames


def camera_from_ai2thor(metadata: dict) -> dict:
    """The camera of one AI2-THOR event's metadata as a scene-file camera dict.

    Pose: ``cameraPosition``; yaw ``agent.rotation.y`` and pitch
    ``agent.cameraHorizon`` (positive looks down), i.e. Unity ``Ry(yaw) Rx(pitch)``.
    Unity cameras look along local +z with +y up; OpenCV axes are x right,
    y down, z forward, hence the flip of the y column. ``fov`` is vertical.
    """
    agent = metadata["agent"]
    ru = _axis_matrix(1, float(agent["rotation"]["y"])) @ _axis_matrix(
        0, float(agent["cameraHorizon"]))
    R = P @ ru @ np.diag([1.0, -1.0, 1.0])
    width, height = int(metadata["screenWidth"]), int(metadata["screenHeight"])
    vfov = math.radians(float(metadata["fov"]))
    hfov = 2 * math.degrees(math.atan(math.tan(vfov / 2) * width / height))
    return {"position": unity_point(metadata["cameraPosition"]).tolist(),
            "rotation": matrix_to_quat(R).tolist(), "width": width, "height": height,
            "hfov_deg": hfov}


def frame_from_ai2thor(metadata: dict, index: int, time: float = 0.0,
                       image: str | None = None) -> dict:
    """One event -> a frame dict; objects AI2-THOR flags ``visible`` count as fully visible."""
    frame = {"index": index, "time": time, "camera": camera_from_ai2thor(metadata),
             "visible": {o["objectId"]: 1.0 for o in metadata.get("objects", [])
                         if o.get("visible")}}
    if image is not None:
        frame["image"] = image
    return frame


def ai2thor_scene_doc(objs: list[dict], scene_id: str, source: dict | None = None,
                      frames: list[dict] | None = None) -> dict:
    """A full ``spdsl.scene/1`` document from AI2-THOR objects (and converted frames)."""
    doc = {"format": FORMAT, "id": scene_id, "source": dict(source or {"kind": "ai2thor"}),
           "objects": objects_from_ai2thor(objs, origin=scene_id)}
    if frames:
        doc["frames"] = frames
    return doc


def scene_from_ai2thor(objs: list[dict], scene_id: str, source: dict | None = None,
                       frames: list[dict] | None = None) -> Scene:
    return scene_from_dict(ai2thor_scene_doc(objs, scene_id, source, frames), origin=scene_id)
