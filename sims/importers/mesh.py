"""Import mesh scenes (``--from mesh``, ``mesh:PATH``): ``.glb``/``.gltf``, ``.obj``, ``.ply``.

Loaded with ``trimesh`` (a core dependency). One object per *named*
geometry instance: a glTF node (its node name), an OBJ ``o NAME`` or ``g NAME``
block. The object's id is the name (repeats get ``#2``, ``#3``...), its
category the name without a trailing number (``Chair_2`` and ``chair.001``
are ``Chair`` and ``chair``).

Names trimesh makes up (``geometry_0``, the file name) are not names: a file
whose meshes are unnamed is an error, except that a file holding exactly one
mesh can be named with ``name=`` (``--name``), which is how a PLY (a format
without object names) is imported.

Up axis: glTF is y up by specification; OBJ and PLY have no convention and are
taken as z up unless ``up="y"``. A y-up point ``(x, y, z)`` becomes our
``(x, -z, y)`` (right-handed both). Units are taken as metres.

Box: upright (local z = world z). Its footprint is the minimum-area
rectangle of the vertices' x-y projection (convex hull + rotating calipers,
``sims.geometry.min_area_rect``), local x along the rectangle's longer side;
its height is the vertices' z extent.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT

from ..geometry import min_area_rect, yaw_matrix
from ._common import quat_of

__all__ = ["MESH_SUFFIXES", "import_mesh", "mesh_objects"]

MESH_SUFFIXES = (".glb", ".gltf", ".obj", ".ply")
_PLACEHOLDER = re.compile(r"^geometry(_\d+)?$")  # what trimesh names unnamed meshes
_TRAILING_NUMBER = re.compile(r"([._\-\s#]*\d+)+$")
_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])  # (x, y, z) -> (x, -z, y)


def import_mesh(path: Path, up: str | None = None, name: str | None = None) -> dict:
    objects = mesh_objects(path, up=up, name=name)
    return {"format": FORMAT, "id": f"mesh/{path.stem}",
            "source": {"kind": "mesh", "file": path.name, "up": _up_axis(path, up)},
            "objects": objects}


def _up_axis(path: Path, up: str | None) -> str:
    if up is not None:
        if up not in ("y", "z"):
            raise SceneError([f"up axis must be 'y' or 'z', got {up!r}"], str(path))
        return up
    return "y" if path.suffix.lower() in (".glb", ".gltf") else "z"


def _load(path: Path):
    try:
        import trimesh
    except ImportError:
        raise SceneError(["mesh import needs trimesh: pip install trimesh"], str(path)) from None
    if not path.exists():
        raise SceneError(["no such file"], str(path))
    if path.is_dir():
        raise SceneError(["is a directory, expected a mesh file"], str(path))
    suffix = path.suffix.lower()
    if suffix not in MESH_SUFFIXES:
        raise SceneError([f"unsupported mesh format {suffix or '(no suffix)'!r} "
                          f"(supported: {', '.join(MESH_SUFFIXES)})"], str(path))
    kwargs = {"split_objects": True, "split_groups": True} if suffix == ".obj" else {}
    try:
        return trimesh.load(str(path), force="scene", **kwargs)
    except Exception as e:  # trimesh raises many kinds of errors on bad files
        detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise SceneError([f"cannot read mesh: {detail}"], str(path)) from None


def _is_placeholder(label: str, path: Path) -> bool:
    return not label or bool(_PLACEHOLDER.match(label)) or label in (path.name, path.stem)


def mesh_objects(path: Path, up: str | None = None, name: str | None = None) -> list[dict]:
    """Scene-file object dicts, one per named geometry instance."""
    axis = _up_axis(path, up)
    scene = _load(path)
    instances = []  # (name or None, world vertices z-up)
    for node in sorted(scene.graph.nodes_geometry):
        transform, geom_name = scene.graph[node]
        geom = scene.geometry.get(geom_name)
        vertices = getattr(geom, "vertices", None)
        label = node if not _is_placeholder(str(node), path) else (
            geom_name if not _is_placeholder(str(geom_name), path) else None)
        if vertices is None or len(vertices) == 0:
            raise SceneError([f"object {label or node!r} has no vertices"], str(path))
        v = np.asarray(vertices, dtype=np.float64)
        v = v @ np.asarray(transform)[:3, :3].T + np.asarray(transform)[:3, 3]
        if axis == "y":
            v = v @ _Y_UP.T
        if not np.isfinite(v).all():
            raise SceneError([f"object {label or node!r} has non-finite vertices"], str(path))
        instances.append((label, v))
    if not instances:
        raise SceneError(["the file holds no meshes (an empty scene)"], str(path))
    unnamed = [i for i, (label, _) in enumerate(instances) if label is None]
    if unnamed:
        if name and len(instances) == 1:
            instances = [(name, instances[0][1])]
        else:
            raise SceneError([
                f"{len(unnamed)} of {len(instances)} meshes have no name; objects need names "
                "(glTF node names, OBJ 'o NAME'); a file with one mesh can be named with "
                "--name NAME"], str(path))
    objects, seen = [], {}
    for label, v in instances:
        seen[label] = seen.get(label, 0) + 1
        oid = label if seen[label] == 1 else f"{label}#{seen[label]}"
        objects.append(_upright_box(oid, _category(label), v))
    return objects


def _category(label: str) -> str:
    stripped = _TRAILING_NUMBER.sub("", label).strip(" ._-")
    return stripped or label


def _upright_box(oid: str, category: str, v: np.ndarray) -> dict:
    center2, size2, angle = min_area_rect(v[:, :2])
    z0, z1 = float(v[:, 2].min()), float(v[:, 2].max())
    return {"id": oid, "category": category,
            "center": [float(center2[0]), float(center2[1]), (z0 + z1) / 2],
            "size": [float(size2[0]), float(size2[1]), z1 - z0],
            "rotation": quat_of(yaw_matrix(angle))}
