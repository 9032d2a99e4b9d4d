"""Import ARKitScenes 3D detection annotations (``--from arkitscenes``, ``arkitscenes:PATH``).

INPUT is ``<video_id>_3dod_annotation.json`` (ARKitScenes ``3dod``): ``{"data":
[{"uid", "label", "segments": {"obbAligned": {"centroid": [x, y, z],
"axesLengths": [l0, l1, l2], "normalizedAxes": [9 numbers]}}}], "skipped",
...}``. As in ARKitScenes' own loader (``threedod/benchmark_scripts``),
``normalizedAxes`` reshaped row by row to 3 x 3 has the box's axes as its
*rows* (``corners = R^T (+-l/2) + centroid``) and ``axesLengths`` are full
extents along them.

**Frame.** ARKitScenes' world (the laser-scan frame the boxes and meshes live
in) is X right, Y forward, Z up and gravity-aligned (the maintainers,
apple/ARKitScenes issues 78 and 81): ours, so the numbers are copied. Axes
that form a left-handed set (determinant -1) get their third axis reversed,
which describes the same box.

**Unit.** The annotations are in metres: ARKitScenes' loader puts the boxes
on point clouds it builds from depth images divided by 1000, and on the
3dod mesh, without scaling them. Some tools treat the numbers as millimetres
(the depth PNGs are), so ``unit="auto"`` (default) checks: when the scene's
mesh ``<video_id>_3dod_mesh.ply`` lies beside the file (and trimesh is
installed), the extent of all boxes together is compared with the mesh's
(ratio 0.2..5: metres, 200..5000: millimetres, else an error); without a
mesh, a median box axis longer than 20 (no indoor object is 20 m long, and
20 mm is a thumbnail) means millimetres. ``unit="m"`` or ``"mm"`` forces it.
The decision and its evidence are recorded in ``source.unit``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT

from ._common import Problems, quat_of, read_json

__all__ = ["import_arkitscenes"]

UNITS = {"m": 1.0, "mm": 0.001}
MM_MEDIAN_AXIS = 20.0
AXIS_TOLERANCE = 1e-3


def import_arkitscenes(path: Path, unit: str = "auto") -> dict:
    if unit not in ("auto", *UNITS):
        raise SceneError([f"--unit must be auto, m or mm, got {unit!r}"], str(path))
    doc = read_json(path, "ARKitScenes annotation")
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise SceneError(["expected an object with a 'data' list (a *_3dod_annotation.json)"],
                         str(path))
    problems = Problems(str(path))
    boxes = [b for i, item in enumerate(doc["data"])
             if (b := _box(item, f"data[{i}]", problems)) is not None]
    problems.raise_if_any()
    if not boxes:
        raise SceneError(["no boxes (an empty scene)"], str(path))
    chosen, evidence = _unit(boxes, path, unit)
    scale = UNITS[chosen]
    counts: dict[str, int] = {}
    objects = []
    for label, uid, center, lengths, R in boxes:
        counts[label] = counts.get(label, 0) + 1
        oid = f"{label}|{uid}" if uid else f"{label}|{counts[label]}"
        objects.append({"id": oid, "category": label, "center": (center * scale).tolist(),
                        "size": (lengths * scale).tolist(), "rotation": quat_of(R)})
    video = path.name.removesuffix("_3dod_annotation.json") or path.stem
    return {"format": FORMAT, "id": f"arkitscenes/{video}",
            "source": {"kind": "arkitscenes", "file": path.name,
                       "unit": {"unit": chosen, "evidence": evidence}},
            "objects": objects}


def _box(item, p: str, problems: Problems):
    if not isinstance(item, dict):
        problems.add(p, "expected an object with label and segments.obbAligned")
        return None
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.add(f"{p}.label", "missing class label")
    obb = (item.get("segments") or {}).get("obbAligned") if isinstance(
        item.get("segments"), dict) else None
    if not isinstance(obb, dict):
        problems.add(f"{p}.segments.obbAligned", "missing (expected centroid, axesLengths, "
                     "normalizedAxes)")
        return None
    where = f"{p}.segments.obbAligned"
    center = problems.vector(obb.get("centroid"), 3, f"{where}.centroid")
    lengths = problems.vector(obb.get("axesLengths"), 3, f"{where}.axesLengths",
                              nonnegative=True)
    axes = problems.vector(obb.get("normalizedAxes"), 9, f"{where}.normalizedAxes")
    R = None if axes is None else _rotation(axes, f"{where}.normalizedAxes", problems)
    if any(v is None for v in (center, lengths, R)) or not isinstance(label, str) \
            or not label.strip():
        return None
    uid = item.get("uid")
    return label.strip(), str(uid) if uid not in (None, "") else "", center, lengths, R


def _rotation(axes: np.ndarray, where: str, problems: Problems):
    """Rows of the 3 x 3 are the box axes; as columns they are the local->world rotation."""
    R = axes.reshape(3, 3).T
    if np.abs(R.T @ R - np.eye(3)).max() > AXIS_TOLERANCE:
        problems.add(where, "the three axes must be unit length and perpendicular")
        return None
    if np.linalg.det(R) < 0:
        R = R * np.array([1.0, 1.0, -1.0])  # a left-handed set: same box, third axis reversed
    u, _, vt = np.linalg.svd(R)
    return u @ vt  # the nearest exact rotation


def _unit(boxes, path: Path, unit: str) -> tuple[str, str]:
    if unit != "auto":
        return unit, "--unit"
    extent = _boxes_extent(boxes)
    mesh = path.with_name(path.name.replace("_3dod_annotation.json", "_3dod_mesh.ply"))
    mesh_extent = _mesh_extent(mesh) if mesh != path and mesh.is_file() else None
    if mesh_extent is not None:
        ratio = float(extent.max() / max(mesh_extent.max(), 1e-9))
        if 0.2 <= ratio <= 5:
            return "m", f"boxes span {ratio:.2f} times the mesh {mesh.name}"
        if 200 <= ratio <= 5000:
            return "mm", f"boxes span {ratio:.0f} times the mesh {mesh.name}"
        raise SceneError([f"the boxes span {ratio:.3g} times the mesh {mesh.name}: neither "
                          "metres nor millimetres (pass --unit m or mm)"], str(path))
    median = float(np.median(np.concatenate([b[3] for b in boxes])))
    if median > MM_MEDIAN_AXIS:
        return "mm", f"median box axis {median:.3g} (> {MM_MEDIAN_AXIS:g}: millimetres)"
    return "m", f"median box axis {median:.3g} (metres; no mesh beside the file to compare)"


def _boxes_extent(boxes) -> np.ndarray:
    corners = []
    for _, _, center, lengths, R in boxes:
        signs = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)])
        corners.append(center + (signs * lengths / 2) @ R.T)
    pts = np.concatenate(corners)
    return pts.max(axis=0) - pts.min(axis=0)


def _mesh_extent(mesh: Path) -> np.ndarray | None:
    try:
        import trimesh
    except ImportError:
        return None
    try:
        loaded = trimesh.load(mesh, process=False)
        return np.asarray(loaded.bounds[1] - loaded.bounds[0], dtype=np.float64)
    except Exception:  # an unreadable mesh is no evidence either way
        return None
