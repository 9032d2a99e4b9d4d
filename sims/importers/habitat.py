"""Import Habitat scene annotations (``--from habitat``, ``habitat:PATH``).

Two files Habitat reads its semantic scenes from (habitat-sim's
``SemanticScene::loadReplicaHouse`` and ``loadMp3dHouse``):

**Replica ``info_semantic.json``**: ``{"classes": [{"id", "name"}], "objects":
[{"id", "class_id", "oriented_bbox": {"abb": {"center", "sizes"},
"orientation": {"rotation": [x, y, z, w], "translation": [x, y, z]}}}]}``. The
box is ``abb`` in the box's own frame, placed by the rotation (a quaternion,
coefficients x, y, z, w) and translation: world centre ``= q * abb.center +
translation``, extents ``abb.sizes`` along the rotated axes. Objects of class
"undefined" (no class) are left out and counted in ``source.skipped``.

**Matterport3D ``.house``** (``house_segmentations/<id>.house``, header
``ASCII 1.1``): ``C category_index category_mapping_index
category_mapping_name mpcat40_index mpcat40_name ...`` (``#`` stands for a
space in names) and ``O object_index region_index category_index px py pz
a0x a0y a0z a1x a1y a1z r0 r1 r2 ...``: an oriented box with centre ``p``,
axes ``a0``, ``a1``, ``a2 = a0 x a1`` and radii (half extents) ``r``. The
category is the mpcat40 name (``chair``, ``table``, ``tv_monitor``...); the raw
annotation is kept as attribute ``raw_category`` and the region index as
``region``. Objects without a category (index -1) or of mpcat40 ``void`` /
``unlabeled`` are left out and counted.

**Frames.** Both files are written in the dataset's own frame, z up and
right-handed (Matterport: "the z-axis generally points upward"; Replica's
meshes likewise): ours, so ``up="z"`` (default) copies the numbers. Habitat
itself is y up and looks along -z: on load it turns these files by the
rotation taking -z to gravity (-y), ``(x, y, z) -> (x, z, -y)``. Data already
in Habitat's world frame (exported from a running simulator) is read with
``up="y"``, the inverse ``(x, y, z)_habitat -> (x, -z, y)_ours``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT
from spatial_dsl.scenes.rotations import quat_to_matrix

from ._common import Problems, convert_box, read_bytes, read_json

__all__ = ["import_habitat"]

UP = {"z": np.eye(3), "y": np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])}
SKIPPED_REPLICA = {"undefined"}
SKIPPED_MPCAT40 = {"void", "unlabeled"}
AXIS_TOLERANCE = 1e-3


def import_habitat(path: Path, up: str = "z") -> dict:
    if up not in UP:
        raise SceneError([f"--up must be y or z, got {up!r}"], str(path))
    if path.suffix.lower() == ".house":
        objects, skipped = _house(path, UP[up])
        source = {"kind": "habitat", "format": "matterport3d house"}
    elif path.suffix.lower() == ".json":
        objects, skipped = _replica(path, UP[up])
        source = {"kind": "habitat", "format": "replica info_semantic"}
    else:
        raise SceneError(["expected a Replica info_semantic.json or a Matterport3D .house "
                          "file"], str(path))
    if not objects:
        raise SceneError([f"no objects (an empty scene; {skipped} without a class)"],
                         str(path))
    source.update(file=path.name, up=up, skipped=skipped)
    scene = path.parent.name if path.name == "info_semantic.json" else path.stem
    return {"format": FORMAT, "id": f"habitat/{scene}", "source": source, "objects": objects}


# --------------------------------------------------------------------------- Replica


def _replica(path: Path, M: np.ndarray) -> tuple[list[dict], int]:
    doc = read_json(path, "Replica info_semantic.json")
    problems = Problems(str(path))
    if not isinstance(doc, dict):
        raise SceneError([f"expected an object with 'classes' and 'objects', got "
                          f"{type(doc).__name__}"], str(path))
    classes = _replica_classes(doc.get("classes"), problems)
    items = doc.get("objects")
    if not isinstance(items, list):
        problems.add("objects", "missing or not a list")
        problems.raise_if_any()
    objects, skipped = [], 0
    for i, item in enumerate(items):
        obj = _replica_object(item, f"objects[{i}]", classes, M, problems)
        if obj == "skip":
            skipped += 1
        elif obj is not None:
            objects.append(obj)
    problems.raise_if_any()
    return objects, skipped


def _replica_classes(classes, problems: Problems) -> dict[int, str]:
    if not isinstance(classes, list):
        problems.add("classes", "missing or not a list of {\"id\", \"name\"}")
        problems.raise_if_any()
    table = {}
    for i, c in enumerate(classes):
        if (not isinstance(c, dict) or not isinstance(c.get("id"), int)
                or not isinstance(c.get("name"), str) or not c["name"]):
            problems.add(f"classes[{i}]", "expected {\"id\": integer, \"name\": string}")
            continue
        table[c["id"]] = c["name"]
    return table


def _replica_object(item, p: str, classes: dict[int, str], M, problems: Problems):
    if not isinstance(item, dict):
        problems.add(p, "expected an object")
        return None
    oid, class_id = item.get("id"), item.get("class_id")
    if not isinstance(oid, int) or isinstance(oid, bool):
        problems.add(f"{p}.id", "expected an integer")
    if class_id not in classes:
        problems.add(f"{p}.class_id", f"{class_id!r} is not one of the file's classes")
        return None
    obb = item.get("oriented_bbox")
    abb = obb.get("abb") if isinstance(obb, dict) else None
    pose = obb.get("orientation") if isinstance(obb, dict) else None
    if not isinstance(abb, dict) or not isinstance(pose, dict):
        problems.add(f"{p}.oriented_bbox", "expected {\"abb\": {center, sizes}, "
                     "\"orientation\": {rotation, translation}}")
        return None
    center = problems.vector(abb.get("center"), 3, f"{p}.oriented_bbox.abb.center")
    sizes = problems.vector(abb.get("sizes"), 3, f"{p}.oriented_bbox.abb.sizes",
                            nonnegative=True)
    q = problems.quaternion(pose.get("rotation"), f"{p}.oriented_bbox.orientation.rotation")
    t = problems.vector(pose.get("translation"), 3,
                        f"{p}.oriented_bbox.orientation.translation")
    if any(v is None for v in (center, sizes, q, t)) or not isinstance(oid, int):
        return None
    name = classes[class_id]
    if name in SKIPPED_REPLICA:
        return "skip"
    R = quat_to_matrix(q)
    c, s, rotation = convert_box(M, R @ center + t, sizes, R)
    return {"id": f"{name}|{oid}", "category": name, "center": c, "size": s,
            "rotation": rotation, "attributes": {"class_id": class_id}}


# --------------------------------------------------------------------------- Matterport3D


def _house(path: Path, M: np.ndarray) -> tuple[list[dict], int]:
    try:
        text = read_bytes(path, "Matterport3D house file").decode("utf-8")
    except UnicodeDecodeError:
        raise SceneError(["not a text file (expected the ASCII 1.1 house format)"],
                         str(path)) from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "ASCII 1.1":
        raise SceneError([f"line 1: expected the header 'ASCII 1.1', got "
                          f"{(lines[0][:40] if lines else '')!r}"], str(path))
    problems = Problems(str(path))
    categories = {}
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        tokens = line.split()
        if tokens and tokens[0] == "C":
            _house_category(tokens, f"line {n}", categories, problems)
        elif tokens and tokens[0] == "O":
            rows.append((n, tokens))
    objects, skipped = [], 0
    for n, tokens in rows:
        obj = _house_object(tokens, f"line {n}", categories, M, problems)
        if obj == "skip":
            skipped += 1
        elif obj is not None:
            objects.append(obj)
    problems.raise_if_any()
    return objects, skipped


def _house_category(tokens, where: str, categories: dict, problems: Problems) -> None:
    if len(tokens) < 6:
        problems.add(where, f"a C record needs 6 fields (C index mapping_index name "
                     f"mpcat40_index mpcat40_name), got {len(tokens)}")
        return
    try:
        index = int(tokens[1])
    except ValueError:
        problems.add(where, f"category index {tokens[1]!r} is not an integer")
        return
    categories[index] = (tokens[3].replace("#", " "), tokens[5].replace("#", " "))


def _house_object(tokens, where: str, categories: dict, M, problems: Problems):
    if len(tokens) < 16:
        problems.add(where, f"an O record needs 16 fields (O index region category p a0 a1 "
                     f"r), got {len(tokens)}")
        return None
    try:
        index, region, category = (int(t) for t in tokens[1:4])
        numbers = np.array([float(t) for t in tokens[4:16]])
    except ValueError:
        problems.add(where, "object index, region, category must be integers and the box "
                     "12 numbers")
        return None
    if not np.isfinite(numbers).all():
        problems.add(where, "box numbers must be finite")
        return None
    if category < 0:
        return "skip"
    if category not in categories:
        problems.add(where, f"category index {category} has no C record")
        return None
    raw, mpcat40 = categories[category]
    if mpcat40 in SKIPPED_MPCAT40:
        return "skip"
    center, a0, a1, radii = numbers[:3], numbers[3:6], numbers[6:9], numbers[9:12]
    R = _axes(a0, a1, where, problems)
    if R is None:
        return None
    if (radii < 0).any():
        problems.add(where, f"radii must be >= 0, got {radii.tolist()}")
        return None
    c, s, rotation = convert_box(M, center, 2 * radii, R)
    return {"id": f"{mpcat40}|{index}", "category": mpcat40, "center": c, "size": s,
            "rotation": rotation, "attributes": {"raw_category": raw, "region": region}}


def _axes(a0: np.ndarray, a1: np.ndarray, where: str, problems: Problems):
    """[a0, a1, a0 x a1] as columns, when a0 and a1 are orthonormal (within 1e-3)."""
    n0, n1 = np.linalg.norm(a0), np.linalg.norm(a1)
    if abs(n0 - 1) > AXIS_TOLERANCE or abs(n1 - 1) > AXIS_TOLERANCE \
            or abs(float(a0 @ a1)) > AXIS_TOLERANCE:
        problems.add(where, "the box axes a0 and a1 must be unit length and perpendicular")
        return None
    a0 = a0 / n0
    a1 = a1 - (a0 @ a1) * a0  # remove the (tiny) overlap so R is exactly a rotation
    a1 = a1 / np.linalg.norm(a1)
    return np.stack([a0, a1, np.cross(a0, a1)], axis=1)
