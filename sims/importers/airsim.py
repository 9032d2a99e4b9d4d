"""Import AirSim scenes (``--from airsim``, ``airsim:PATH``).

INPUT is either

- a SPRITE AirSim episode (``DATA`` or ``DATA/metainfo/N.json`` with
  ``DATA/camera_pose/N.json``): SPRITE's meta-info layout (see
  ``sims.importers.sprite``) with AirSim's coordinates; or
- a JSON file of objects read with AirSim's own API, one entry per name of
  ``simListSceneObjects()``::

      {"scene": "Blocks",
       "objects": [{"name": "Chair_3",
                    "pose": {"position": {"x_val": 2.0, "y_val": 1.0, "z_val": -0.45},
                             "orientation": {"w_val": 0.7071, "x_val": 0.0,
                                             "y_val": 0.0, "z_val": 0.7071}},
                    "scale": {"x_val": 1.2, "y_val": 0.6, "z_val": 0.9}}]}

  (a bare list of objects too). ``pose`` is ``simGetObjectPose(name)``,
  ``scale`` is ``simGetObjectScale(name)``; vectors may also be plain lists
  ``[x, y, z]`` and quaternions ``[x, y, z, w]``. AirSim reports an object's
  scale, not its size: the box is ``scale * unit_size`` along the object's
  axes (``unit_size`` 1 m: Unreal's basic shapes are 1 m at scale 1), unless
  the entry gives ``"size": [sx, sy, sz]`` in metres. The pose is taken as the
  box centre. ``category`` defaults to the name without a trailing ``_N``
  number.

**Coordinates.** AirSim's API is NED, metres: x north, y east, z down. NED is
right-handed (north x east = down). Ours is z up, so z must flip; flipping z
alone, ``(x, y, -z)``, is a mirror (determinant -1) that would make every
rotation left-handed. Flipping y too,

    M = diag(1, -1, -1):   (x, y, z)_NED -> (x, -y, -z)_ours

is the rotation by 180 degrees about the north axis (determinant +1): ours x
= north, y = west, z = up, and north x west = up. A point maps by ``M``, an
orientation ``R`` by ``M R M^T``; for a quaternion ``(x, y, z, w)`` that is
``(x, -y, -z, w)``. Box extents stay on the object's own axes. A camera's body
axes are x forward, y right, z down; its OpenCV axes (right, down, forward)
are body (y, z, x).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT
from spatial_dsl.scenes.rotations import quat_to_matrix

from ._common import Problems, convert_box, read_json
from .sprite import FRAMES, import_sprite

__all__ = ["NED_TO_OURS", "import_airsim"]

NED_TO_OURS = FRAMES["ned"].M


def import_airsim(path: Path, episode: str | None = None, width: int = 640, height: int = 480,
                  hfov_deg: float = 90.0, boxes: str = "auto",
                  unit_size: float = 1.0) -> dict:
    if path.is_dir() or path.parent.name == "metainfo":
        return import_sprite(path, episode=episode, width=width, height=height,
                             hfov_deg=hfov_deg, boxes=boxes, frame="ned", kind="airsim")
    if not unit_size > 0:
        raise SceneError([f"--unit-size must be > 0, got {unit_size:g}"], str(path))
    doc = read_json(path, "AirSim object list")
    scene = path.stem
    if isinstance(doc, dict):
        scene = doc.get("scene") if isinstance(doc.get("scene"), str) else scene
        items, prefix = doc.get("objects"), "objects"
    else:
        items, prefix = doc, ""
    if not isinstance(items, list):
        raise SceneError(["expected a list of objects (or {\"objects\": [...]})"], str(path))
    problems = Problems(str(path))
    objects = [obj for i, item in enumerate(items)
               if (obj := _object(item, f"{prefix}[{i}]", unit_size, problems)) is not None]
    problems.raise_if_any()
    if not objects:
        raise SceneError(["no objects (an empty scene)"], str(path))
    names = [o["id"] for o in objects]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise SceneError([f"object name {duplicate!r} appears twice"], str(path))
    return {"format": FORMAT, "id": f"airsim/{scene}",
            "source": {"kind": "airsim", "file": path.name, "frame": "ned",
                       "unit_size": unit_size},
            "objects": objects}


def _vector(value, n: int, path: str, problems: Problems):
    """AirSim's {x_val, y_val, z_val(, w_val)} or a plain list, as numbers [x, y, z(, w)]."""
    if isinstance(value, dict):
        keys = ["x_val", "y_val", "z_val"] + (["w_val"] if n == 4 else [])
        missing = [k for k in keys if k not in value]
        if missing:
            problems.add(path, f"missing {', '.join(missing)}")
            return None
        value = [value[k] for k in keys]
    if n == 4:
        return problems.quaternion(value, path)
    return problems.vector(value, n, path)


def _object(item, p: str, unit_size: float, problems: Problems) -> dict | None:
    if not isinstance(item, dict):
        problems.add(p, "expected an object with name, pose and scale")
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name:
        problems.add(f"{p}.name", "missing object name")
    pose = item.get("pose")
    if not isinstance(pose, dict):
        problems.add(f"{p}.pose", "missing (expected {position, orientation})")
        return None
    position = _vector(pose.get("position"), 3, f"{p}.pose.position", problems)
    q = _vector(pose.get("orientation"), 4, f"{p}.pose.orientation", problems)
    if item.get("size") is not None:
        size = problems.vector(item.get("size"), 3, f"{p}.size", nonnegative=True)
    else:
        scale = _vector(item.get("scale"), 3, f"{p}.scale", problems)
        size = None if scale is None else np.abs(scale) * unit_size
    if position is None or q is None or size is None or not isinstance(name, str) or not name:
        return None
    category = item.get("category")
    if not isinstance(category, str) or not category:
        category = re.sub(r"[_\s-]*\d+$", "", name) or name
    center, box_size, rotation = convert_box(NED_TO_OURS, position, size, quat_to_matrix(q))
    return {"id": name, "category": category, "center": center, "size": box_size,
            "rotation": rotation}
