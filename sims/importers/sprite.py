"""Import SPRITE meta-information (``--from sprite``, ``sprite:PATH``).

Layout of a SPRITE data directory (one episode ``N``)::

    DATA/metainfo/N.json      list of objects
    DATA/camera_pose/N.json   {"0": {"position": [x, y, z], "rotation": [rx, ry, rz]}, ...}

INPUT is ``DATA/metainfo/N.json`` (the camera poses are read from the
sibling ``camera_pose/N.json``) or ``DATA`` itself when it holds exactly one
episode (else pass ``episode``).

Each object: ``object_name`` (unique; our id, falling back to ``id``),
``category``, ``id`` (SPRITE's unique alias: our label when unique as ``find``
sees it, always kept as attribute ``alias``), ``obb`` with ``center``,
``sizes`` (full extents along the local axes) and ``rotation`` (Euler degrees
``[x, y, z]`` as AI2-THOR writes them, or a quaternion ``[x, y, z, w]``),
and ``appear``: the frame indices where the object is visible (fraction 1.0).

Coordinates are y up. ``handedness="left"`` (default: AI2-THOR/Unity)
maps ``(x, y, z)`` to our ``(x, z, y)``; ``"right"`` (Habitat-style, right-handed
y up) maps it to ``(x, -z, y)``. Euler angles are applied in Unity's order (z,
then x, then y); a camera looks along its local +z with +y up (left) or along
-z (right). SPRITE does not record intrinsics: ``width``, ``height`` and
``hfov_deg`` default to 640 x 480 and 90 degrees.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.ai2thor import _axis_matrix
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT
from spatial_dsl.scenes.model import normalise_name
from spatial_dsl.scenes.rotations import quat_to_matrix

from ._common import Problems, quat_of, read_json

__all__ = ["import_sprite", "sprite_paths"]

_LEFT = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
_RIGHT = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])


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
                  width: int = 640, height: int = 480, hfov_deg: float = 90.0) -> dict:
    if handedness not in ("left", "right"):
        raise SceneError([f"handedness must be 'left' or 'right', got {handedness!r}"],
                         str(path))
    meta_path, pose_path, episode = sprite_paths(path, episode)
    M = _LEFT if handedness == "left" else _RIGHT
    metainfo = read_json(meta_path, "SPRITE metainfo file")
    poses = read_json(pose_path, "SPRITE camera pose file")
    frames = _frames(poses, pose_path, M, handedness, width, height, hfov_deg)
    objects, appear = _objects(metainfo, meta_path, M, {f["index"] for f in frames})
    for f in frames:
        f["visible"] = {oid: 1.0 for oid, idx in appear.items() if f["index"] in idx}
    return {"format": FORMAT, "id": f"sprite/{episode}",
            "source": {"kind": "sprite", "episode": episode, "handedness": handedness,
                       "metainfo": meta_path.name},
            "objects": objects, "frames": frames}


def _rotation(value, path: str, problems: Problems) -> np.ndarray | None:
    """Source rotation (Euler degrees or quaternion xyzw) -> source-frame matrix."""
    if isinstance(value, (list, tuple)) and len(value) == 4:
        q = problems.vector(value, 4, path)
        if q is None:
            return None
        norm = float(np.linalg.norm(q))
        if abs(norm - 1.0) > 1e-3:
            problems.add(path, f"quaternion must have norm 1, got {norm:.6g}")
            return None
        return quat_to_matrix(q / norm)
    e = problems.vector(value, 3, path)
    if e is None:
        return None
    return _axis_matrix(1, e[1]) @ _axis_matrix(0, e[0]) @ _axis_matrix(2, e[2])


def _objects(metainfo, meta_path: Path, M: np.ndarray, frame_ids: set[int]):
    problems = Problems(str(meta_path))
    if not isinstance(metainfo, list):
        problems.add("", f"expected a list of objects, got {type(metainfo).__name__}")
        problems.raise_if_any()
    if not metainfo:
        problems.add("", "no objects (an empty scene)")
        problems.raise_if_any()
    objects, appear, aliases = [], {}, {}
    for i, o in enumerate(metainfo):
        p = f"[{i}]"
        if not isinstance(o, dict):
            problems.add(p, "expected an object")
            continue
        oid = o.get("object_name", o.get("id"))
        category = o.get("category")
        if not isinstance(oid, str) or not oid:
            problems.add(p, "missing 'object_name' (or 'id')")
        if not isinstance(category, str) or not category:
            problems.add(p, "missing 'category'")
        obb = o.get("obb")
        if not isinstance(obb, dict):
            problems.add(f"{p}.obb", "missing (expected center, sizes, rotation)")
            continue
        center = problems.vector(obb.get("center"), 3, f"{p}.obb.center")
        sizes = problems.vector(obb.get("sizes"), 3, f"{p}.obb.sizes", nonnegative=True)
        R = _rotation(obb.get("rotation", [0, 0, 0]), f"{p}.obb.rotation", problems)
        frames = o.get("appear", [])
        if not isinstance(frames, list) or not all(
                isinstance(k, int) and not isinstance(k, bool) for k in frames):
            problems.add(f"{p}.appear", "expected a list of frame indices")
            frames = []
        missing = sorted(set(frames) - frame_ids)
        if missing:
            problems.add(f"{p}.appear", f"frame {missing[0]} has no camera pose")
        if (any(x is None for x in (center, sizes, R)) or not isinstance(oid, str)
                or not isinstance(category, str)):
            continue
        obj = {"id": oid, "category": category, "center": (M @ center).tolist(),
               "size": [float(sizes[0]), float(sizes[2]), float(sizes[1])],
               "rotation": quat_of(M @ R @ M.T), "attributes": {}}
        alias = o.get("id")
        if isinstance(alias, str) and alias:
            obj["attributes"]["alias"] = alias
            aliases.setdefault(normalise_name(alias), []).append(len(objects))
        objects.append(obj)
        appear[oid] = set(frames)
    problems.raise_if_any()
    for members in aliases.values():  # a label must be unique; shared aliases stay attributes
        if len(members) == 1:
            obj = objects[members[0]]
            obj["label"] = obj["attributes"]["alias"]
    return objects, appear


def _frames(poses, pose_path: Path, M, handedness, width, height, hfov_deg) -> list[dict]:
    problems = Problems(str(pose_path))
    if isinstance(poses, list):
        items = [(str(i), v) for i, v in enumerate(poses)]
    elif isinstance(poses, dict):
        items = list(poses.items())
    else:
        problems.add("", f"expected an object of frame index -> pose, got {type(poses).__name__}")
        problems.raise_if_any()
    flip = np.diag([1.0, -1.0, 1.0]) if handedness == "left" else np.diag([1.0, -1.0, -1.0])
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
        R = _rotation(pose.get("rotation"), f"{p}.rotation", problems)
        if pos is None or R is None:
            continue
        frames.append({"index": int(key), "time": float(int(key)),
                       "camera": {"position": (M @ pos).tolist(),
                                  "rotation": quat_of(M @ R @ flip),
                                  "width": int(width), "height": int(height),
                                  "hfov_deg": float(hfov_deg)},
                       "visible": {}})
    if not items:
        problems.add("", "no camera poses")
    problems.raise_if_any()
    if not 0 < hfov_deg < 180 or width < 1 or height < 1 or not math.isfinite(hfov_deg):
        raise SceneError(["bad intrinsics: width/height must be positive, hfov in (0, 180)"],
                         str(pose_path))
    return sorted(frames, key=lambda f: f["index"])
