"""Import SPRITE meta-information (``--from sprite``, ``sprite:PATH``; AirSim episodes too).

Layout of a SPRITE data directory (one episode ``N``), as in SPRITE's
published sample (github.com/AI9Stars/SPRITE, ``data/``)::

    DATA/metainfo/N.json      list of objects
    DATA/camera_pose/N.json   {"0": {"position": [x, y, z], "rotation": [rx, ry, rz]}, ...}

INPUT is ``DATA/metainfo/N.json`` (the camera poses are read from the
sibling ``camera_pose/N.json``) or ``DATA`` itself when it holds exactly one
episode (else pass ``episode``).

Each object: ``object_name`` (unique; our id, falling back to ``id``),
``category``, ``id`` (SPRITE's unique alias: our label when unique as ``find``
sees it, always kept as attribute ``alias``), ``obb`` with ``center``,
``sizes``, ``rotation`` (Euler degrees ``[x, y, z]`` as AI2-THOR writes them,
or a quaternion ``[x, y, z, w]``) and, in AI2-THOR episodes, ``position`` (the
object's pivot), and ``appear``: the frame indices where the object is
visible (fraction 1.0).

**World-axis boxes** (scenes.md v0.2). In SPRITE's AI2-THOR episodes
``obb.sizes`` are extents along the *world* axes and ``obb.rotation`` is the
rotation of the object's pivot, not of the box: SPRITE's own sample episode
has a counter at centre (0.330, 0.469, 2.745) with sizes (0.611, 0.937, 2.439),
rotation y = 90 and pivot (0.026, 0.000, 1.527), so pivot - centre =
-(0.304, 0.469, 1.219), minus the half sizes *along the world axes* to the
millimetre. Turned by its 90 degrees the counter would run 2.44 m along x,
through the wall. ``boxes`` decides how sizes are read:

- ``"world"``: sizes are world-axis extents. A rotation whose Euler angles are
  all multiples of 90 degrees (a quaternion that permutes the axes) is kept,
  with the sizes permuted onto the object's own axes (yaw, length and width
  stay exact, the box is the same); any other rotation gives the
  axis-aligned box with identity rotation and ``attributes.box = "aabb"``
  (the rule of scenes.md for AI2-THOR boxes without an oriented box).
- ``"local"``: sizes are along the rotated box's own axes.
- ``"auto"`` (default): the pivots decide. For each object with a pivot, the
  pivot lies within the box read one way and outside it read the other way
  (within 1 cm + 1 %), or both (symmetric objects: no evidence). The reading
  with more such objects wins; without evidence, Euler-angle episodes (the
  AI2-THOR exporter) are world-axis and quaternion episodes are local. The
  reading and its evidence are recorded in ``source.boxes``.

**Frames** (coordinates are converted to ours, z up, right-handed):

- ``unity`` (AI2-THOR, ``handedness="left"``, default): left-handed y up,
  ``(x, y, z) -> (x, z, y)``; Euler angles in Unity's order (z, then x, then
  y); a camera looks along its local +z with +y up.
- ``habitat`` (``handedness="right"``): right-handed y up, -z forward,
  ``(x, y, z) -> (x, -z, y)``; a camera looks along -z with +y up.
- ``ned`` (AirSim, used by ``--from airsim``): x north, y east, z down,
  ``(x, y, z) -> (x, -y, -z)`` (see ``sims.importers.airsim``); Euler angles
  ``[x, y, z]`` = roll, pitch, yaw applied as AirSim does (``Rz Ry Rx``); a
  camera looks along its body +x with +y right and +z down.

Camera height and pitch are taken as recorded: SPRITE's AI2-THOR poses put the
camera at the agent's position (y = 0.90 m) with rotation x = 0, and the
importer does not guess another height or pitch. SPRITE records no
intrinsics: ``width``, ``height`` and ``hfov_deg`` default to 640 x 480 and 90
degrees (its AI2-THOR pictures are 600 x 600).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT
from spatial_dsl.scenes.model import normalise_name
from spatial_dsl.scenes.rotations import quat_to_matrix

from ._common import (
    Problems,
    axis_matrix,
    convert_box,
    is_signed_permutation,
    quat_of,
    read_json,
)

__all__ = ["BOX_READINGS", "FRAMES", "import_sprite", "sprite_paths"]

BOX_READINGS = ("auto", "world", "local")
PIVOT_TOLERANCE = 0.01  # metres (plus 1 % of the extent)
RIGHT_ANGLE_TOLERANCE = 0.01  # degrees from a multiple of 90


@dataclass(frozen=True)
class Frame:
    M: np.ndarray  # source coordinates -> ours
    camera: np.ndarray  # OpenCV camera axes in the source camera's local axes (columns)
    euler_order: str  # "unity" (Ry Rx Rz) or "ned" (Rz Ry Rx)


FRAMES = {
    "unity": Frame(np.array([[1.0, 0, 0], [0, 0, 1], [0, 1, 0]]), np.diag([1.0, -1, 1]),
                   "unity"),
    "habitat": Frame(np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]]), np.diag([1.0, -1, -1]),
                     "unity"),
    "ned": Frame(np.diag([1.0, -1, -1]), np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]]), "ned"),
}
HANDEDNESS = {"left": "unity", "right": "habitat"}


@dataclass
class RawObject:
    oid: str
    category: str
    alias: str | None
    center: np.ndarray
    sizes: np.ndarray
    R: np.ndarray  # source frame, local -> world
    euler: np.ndarray | None  # degrees, when given so
    pivot: np.ndarray | None
    appear: set[int]


def sprite_paths(path: Path, episode: str | None = None) -> tuple[Path, Path, str]:
    """(metainfo file, camera pose file, episode name) for INPUT."""
    if path.is_dir():
        meta_dir = path / "metainfo"
        if not meta_dir.is_dir():
            raise SceneError(["not a SPRITE data directory: no metainfo/ inside"], str(path))
        episodes = sorted(p.stem for p in meta_dir.glob("*.json"))
        if episode is None:
            if len(episodes) != 1:
                listed = ", ".join(episodes[:10]) or "none"
                raise SceneError([f"metainfo/ holds {len(episodes)} episodes ({listed}); "
                                  "name one (--episode N, or give metainfo/N.json)"], str(path))
            episode = episodes[0]
        meta = meta_dir / f"{episode}.json"
        if not meta.is_file():
            raise SceneError([f"no episode {episode!r} in metainfo/"], str(path))
    else:
        meta = path
        episode = path.stem
    pose = meta.parent.parent / "camera_pose" / f"{episode}.json"
    if not pose.is_file():
        raise SceneError([f"camera poses missing: expected {pose}"], str(meta))
    return meta, pose, episode


def import_sprite(path: Path, episode: str | None = None, handedness: str = "left",
                  width: int = 640, height: int = 480, hfov_deg: float = 90.0,
                  boxes: str = "auto", frame: str | None = None, kind: str = "sprite") -> dict:
    if handedness not in HANDEDNESS:
        raise SceneError([f"handedness must be 'left' or 'right', got {handedness!r}"],
                         str(path))
    if boxes not in BOX_READINGS:
        raise SceneError([f"--boxes must be one of {', '.join(BOX_READINGS)}, got {boxes!r}"],
                         str(path))
    if not 0 < hfov_deg < 180 or width < 1 or height < 1 or not math.isfinite(hfov_deg):
        raise SceneError(["bad intrinsics: width/height must be positive, hfov in (0, 180)"],
                         str(path))
    frame_name = frame or HANDEDNESS[handedness]
    convention = FRAMES[frame_name]
    meta_path, pose_path, episode = sprite_paths(path, episode)
    metainfo = read_json(meta_path, "SPRITE metainfo file")
    poses = read_json(pose_path, "SPRITE camera pose file")
    frames = _frames(poses, pose_path, convention, width, height, hfov_deg)
    raw = _raw_objects(metainfo, meta_path, convention, {f["index"] for f in frames})
    reading, evidence = box_reading(raw, boxes)
    objects = [_object(o, convention, reading) for o in raw]
    _labels(objects)
    for f in frames:
        f["visible"] = {o.oid: 1.0 for o in raw if f["index"] in o.appear}
    return {"format": FORMAT, "id": f"{kind}/{episode}",
            "source": {"kind": kind, "episode": episode, "frame": frame_name,
                       "boxes": {"reading": reading, "evidence": evidence},
                       "metainfo": meta_path.name},
            "objects": objects, "frames": frames}


# --------------------------------------------------------------------------- boxes


def box_reading(raw: list[RawObject], requested: str) -> tuple[str, str]:
    """("world" | "local", why) for the episode's ``obb.sizes``."""
    if requested != "auto":
        return requested, "--boxes"
    world = local = 0
    for o in raw:
        if o.pivot is None:
            continue
        offset = o.pivot - o.center
        room = o.sizes / 2 + PIVOT_TOLERANCE + 0.01 * o.sizes
        in_world = bool((np.abs(offset) <= room).all())
        in_local = bool((np.abs(o.R.T @ offset) <= room).all())
        world += in_world and not in_local
        local += in_local and not in_world
    if world != local:
        reading = "world" if world > local else "local"
        return reading, (f"pivots: {world} object(s) fit world-axis sizes only, {local} "
                         "rotated sizes only")
    if raw and all(o.euler is not None for o in raw):
        return "world", ("no pivot evidence; Euler-angle rotations: SPRITE's AI2-THOR "
                         "exporter, whose sizes are world-axis extents")
    return "local", "no pivot evidence; quaternion rotations: oriented boxes"


def _object(o: RawObject, convention: Frame, reading: str) -> dict:
    attributes: dict = {}
    if reading == "local":
        center, size, rotation = convert_box(convention.M, o.center, o.sizes, o.R)
    else:
        R = o.R
        if o.euler is not None:  # snap 89.99999 to 90 so the permutation is exact
            snapped = np.round(o.euler / 90.0) * 90.0
            if np.all(np.abs(o.euler - snapped) <= RIGHT_ANGLE_TOLERANCE):
                R = _euler_matrix(snapped, convention.euler_order)
        if is_signed_permutation(R):
            R = np.round(R)
            local_sizes = np.abs(R.T) @ o.sizes  # world extents onto the object's axes
            center, size, rotation = convert_box(convention.M, o.center, local_sizes, R)
        else:
            center, size, rotation = convert_box(convention.M, o.center, o.sizes, np.eye(3))
            attributes["box"] = "aabb"
    obj = {"id": o.oid, "category": o.category, "center": center, "size": size,
           "rotation": rotation, "attributes": attributes}
    if o.alias:
        attributes["alias"] = o.alias
    return obj


def _labels(objects: list[dict]) -> None:
    """A SPRITE alias becomes the label when no other object shares it (as find sees it)."""
    groups: dict[str, list[dict]] = {}
    for obj in objects:
        alias = obj["attributes"].get("alias")
        if alias:
            groups.setdefault(normalise_name(alias), []).append(obj)
    for members in groups.values():
        if len(members) == 1:
            members[0]["label"] = members[0]["attributes"]["alias"]


# --------------------------------------------------------------------------- parsing


def _euler_matrix(e: np.ndarray, order: str) -> np.ndarray:
    if order == "ned":  # AirSim: yaw about z, then pitch about y, then roll about x
        return axis_matrix(2, e[2]) @ axis_matrix(1, e[1]) @ axis_matrix(0, e[0])
    return axis_matrix(1, e[1]) @ axis_matrix(0, e[0]) @ axis_matrix(2, e[2])  # Unity


def _rotation(value, path: str, problems: Problems, order: str):
    """(source-frame matrix, Euler degrees or None) of Euler [x, y, z] or a quaternion."""
    if isinstance(value, (list, tuple)) and len(value) == 4:
        q = problems.quaternion(value, path)
        return (None, None) if q is None else (quat_to_matrix(q), None)
    e = problems.vector(value, 3, path)
    if e is None:
        return None, None
    return _euler_matrix(e, order), e


def _raw_objects(metainfo, meta_path: Path, convention: Frame,
                 frame_ids: set[int]) -> list[RawObject]:
    problems = Problems(str(meta_path))
    if not isinstance(metainfo, list):
        problems.add("", f"expected a list of objects, got {type(metainfo).__name__}")
        problems.raise_if_any()
    if not metainfo:
        problems.add("", "no objects (an empty scene)")
        problems.raise_if_any()
    out = []
    for i, o in enumerate(metainfo):
        raw = _raw_object(o, f"[{i}]", problems, convention, frame_ids)
        if raw is not None:
            out.append(raw)
    problems.raise_if_any()
    return out


def _raw_object(o, p: str, problems: Problems, convention: Frame, frame_ids: set[int]):
    if not isinstance(o, dict):
        problems.add(p, "expected an object")
        return None
    oid = o.get("object_name", o.get("id"))
    category = o.get("category")
    if not isinstance(oid, str) or not oid:
        problems.add(p, "missing 'object_name' (or 'id')")
    if not isinstance(category, str) or not category:
        problems.add(p, "missing 'category'")
    obb = o.get("obb")
    if not isinstance(obb, dict):
        problems.add(f"{p}.obb", "missing (expected center, sizes, rotation)")
        return None
    center = problems.vector(obb.get("center"), 3, f"{p}.obb.center")
    sizes = problems.vector(obb.get("sizes"), 3, f"{p}.obb.sizes", nonnegative=True)
    R, euler = _rotation(obb.get("rotation", [0, 0, 0]), f"{p}.obb.rotation", problems,
                         convention.euler_order)
    pivot = None
    if obb.get("position") is not None:
        pivot = problems.vector(obb.get("position"), 3, f"{p}.obb.position")
    frames = o.get("appear", [])
    if not isinstance(frames, list) or not all(
            isinstance(k, int) and not isinstance(k, bool) for k in frames):
        problems.add(f"{p}.appear", "expected a list of frame indices")
        frames = []
    missing = sorted(set(frames) - frame_ids)
    if missing:
        problems.add(f"{p}.appear", f"frame {missing[0]} has no camera pose")
    if (any(x is None for x in (center, sizes, R)) or not isinstance(oid, str) or not oid
            or not isinstance(category, str) or not category):
        return None
    alias = o.get("id") if isinstance(o.get("id"), str) and o.get("id") else None
    return RawObject(oid, category, alias, center, sizes, R, euler, pivot, set(frames))


def _frames(poses, pose_path: Path, convention: Frame, width, height, hfov_deg) -> list[dict]:
    problems = Problems(str(pose_path))
    if isinstance(poses, list):
        items = [(str(i), v) for i, v in enumerate(poses)]
    elif isinstance(poses, dict):
        items = list(poses.items())
    else:
        problems.add("", f"expected an object of frame index -> pose, got {type(poses).__name__}")
        problems.raise_if_any()
    M = convention.M
    frames = []
    for key, pose in items:
        p = f"[{key!r}]" if isinstance(poses, dict) else f"[{key}]"
        if not re.fullmatch(r"[0-9]+", key):
            problems.add(p, "frame keys must be non-negative integers")
            continue
        if not isinstance(pose, dict):
            problems.add(p, "expected {\"position\": [...], \"rotation\": [...]}")
            continue
        pos = problems.vector(pose.get("position"), 3, f"{p}.position")
        R, _ = _rotation(pose.get("rotation"), f"{p}.rotation", problems, convention.euler_order)
        if pos is None or R is None:
            continue
        frames.append({"index": int(key), "time": float(int(key)),
                       "camera": {"position": (M @ pos).tolist(),
                                  "rotation": quat_of(M @ R @ convention.camera),
                                  "width": int(width), "height": int(height),
                                  "hfov_deg": float(hfov_deg)},
                       "visible": {}})
    if not items:
        problems.add("", "no camera poses")
    problems.raise_if_any()
    return sorted(frames, key=lambda f: f["index"])
