"""Import ScanNet-style boxes (``--from scannet``, ``scannet:PATH``).

ScanNet boxes are z up already (metres, right-handed: our frame). A box is
``[cx, cy, cz, dx, dy, dz]`` (centre and full extents) or, with a heading,
``[cx, cy, cz, dx, dy, dz, yaw]`` (VoteNet / mmdetection3d
``gt_boxes_upright_depth``): ``yaw`` in radians, counter-clockwise about +z from
+x, ``dx`` along the heading. The yaw is never part of the label. Layouts:

JSON (``*.json``)::

    {"scene": "scene0000_00",
     "boxes": [{"label": "chair", "box": [1.0, 2.0, 0.45, 0.5, 0.5, 0.9]},
               {"label": "table", "box": [...7 numbers...], "id": "table-7"}]}

(a bare list of box objects is accepted too; ``id`` is optional).

Text (``*.txt`` and other suffixes): one box per line, 6 or 7 numbers then the
label (the rest of the line; it may contain spaces but not start with a
number)::

    # cx cy cz dx dy dz [yaw] label
    1.0 2.0 0.45 0.5 0.5 0.9 chair
    1.0 2.0 0.38 1.2 0.6 0.76 0.5235987756 coffee table

VoteNet ``*_bbox.npy`` (``scannet_train_detection_data``): an (K, 7) array of
``[cx, cy, cz, dx, dy, dz, class]`` (or (K, 8) with a yaw before the class),
class last. The class is a label id mapped through a table, never used as the
category itself: ``labels="nyu40"`` (default; VoteNet saves the NYU40 id of
ScanNet's 18 detection classes, ``VOTENET_NYU40``), ``"index"`` (the 0-17
class index of VoteNet's ``type2class``) or a JSON file ``{"id": "name"}``.
An id missing from the table is an error naming the row.

mmdetection3d ``scannet_infos_*.pkl``: read with ``safe_pickle`` (numpy arrays
and plain containers only; any other class in the file is refused, never
executed). Both info layouts: 0.x (a list of per-scene dicts whose ``annos``
hold ``name`` and ``gt_boxes_upright_depth``) and 1.x (``{"metainfo":
{"categories": {name: index}}, "data_list": [{"lidar_points": {"lidar_path"},
"instances": [{"bbox_3d", "bbox_label_3d"}]}]}``). The boxes used are the
axis-aligned scene frame's (``gt_boxes_upright_depth`` / ``bbox_3d``). A file
with several scenes needs ``scene_id`` (``--scene-id scene0000_00``).

Category names: VoteNet's ``showercurtrain`` and ``garbagebin`` read as
"shower curtain" and "garbage bin". Ids default to ``<label>|<k>`` (k counts
boxes of that label from 1).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT

from ._common import Problems, is_number, read_bytes, read_json
from .safe_pickle import load_pickle

__all__ = ["LABEL_TABLES", "VOTENET_CLASSES", "VOTENET_NYU40", "import_scannet"]

VOTENET_CLASSES = ("cabinet", "bed", "chair", "sofa", "table", "door", "window", "bookshelf",
                   "picture", "counter", "desk", "curtain", "refrigerator", "shower curtain",
                   "toilet", "sink", "bathtub", "garbage bin")
# VoteNet's ScannetDatasetConfig.nyu40ids, in class order
VOTENET_NYU40 = dict(zip((3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 24, 28, 33, 34, 36, 39),
                         VOTENET_CLASSES))
LABEL_TABLES = {"nyu40": VOTENET_NYU40, "index": dict(enumerate(VOTENET_CLASSES))}
SPELLING = {"showercurtrain": "shower curtain", "garbagebin": "garbage bin"}


def import_scannet(path: Path, labels: str = "nyu40", scene_id: str | None = None) -> dict:
    suffix = path.suffix.lower()
    if suffix == ".json":
        boxes, scene = _json_boxes(path)
    elif suffix == ".npy":
        boxes, scene = _npy_boxes(path, labels), path.stem.removesuffix("_bbox")
    elif suffix == ".pkl":
        boxes, scene = _pkl_boxes(path, scene_id)
    else:
        boxes, scene = _text_boxes(path), path.stem
    if not boxes:
        raise SceneError(["no boxes (an empty scene)"], str(path))
    counts: dict[str, int] = {}
    objects = []
    for label, box, oid in boxes:
        counts[label] = counts.get(label, 0) + 1
        yaw = box[6] if len(box) == 7 else 0.0
        objects.append({"id": oid or f"{label}|{counts[label]}", "category": label,
                        "center": box[:3], "size": box[3:6],
                        "rotation": [0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)]})
    return {"format": FORMAT, "id": f"scannet/{scene}",
            "source": {"kind": "scannet", "file": path.name}, "objects": objects}


def _box_problem(box: list[float]) -> str | None:
    if not all(is_number(v) for v in box):
        return "numbers must be finite"
    if min(box[3:6]) < 0:
        return f"extents must be >= 0, got {box[3:6]}"
    return None


# --------------------------------------------------------------------------- JSON and text


def _json_boxes(path: Path):
    doc = read_json(path, "ScanNet boxes file")
    problems = Problems(str(path))
    scene = path.stem
    if isinstance(doc, dict):
        if isinstance(doc.get("scene"), str) and doc["scene"]:
            scene = doc["scene"]
        items, prefix = doc.get("boxes"), "boxes"
        if not isinstance(items, list):
            problems.add("boxes", "missing or not a list")
            problems.raise_if_any()
    elif isinstance(doc, list):
        items, prefix = doc, ""
    else:
        raise SceneError([f"expected an object with 'boxes' or a list, got "
                          f"{type(doc).__name__}"], str(path))
    out = []
    for i, item in enumerate(items):
        p = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            problems.add(p, "expected {\"label\": ..., \"box\": [cx, cy, cz, dx, dy, dz(, yaw)]}")
            continue
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.add(f"{p}.label", "missing class label")
        raw = item.get("box")
        n = 7 if isinstance(raw, list) and len(raw) == 7 else 6
        box = problems.vector(raw, n, f"{p}.box")
        if box is not None and (box[3:6] < 0).any():
            problems.add(f"{p}.box", f"extents must be >= 0, got {box[3:6].tolist()}")
            box = None
        oid = item.get("id")
        if oid is not None and not isinstance(oid, (str, int)):
            problems.add(f"{p}.id", "expected a string")
        if box is not None and isinstance(label, str) and label.strip():
            out.append((label.strip(), box.tolist(), None if oid is None else str(oid)))
    problems.raise_if_any()
    return out, scene


def _leading_numbers(parts: list[str]) -> int:
    n = 0
    for part in parts[:7]:
        try:
            float(part)
        except ValueError:
            break
        n += 1
    return n


def _text_boxes(path: Path):
    data = read_bytes(path, "ScanNet boxes file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SceneError(["not UTF-8 text (expected lines 'cx cy cz dx dy dz [yaw] label')"],
                         str(path)) from None
    problems = Problems(str(path))
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        count = _leading_numbers(parts)
        where = f"line {n}"
        if count < 6:
            problems.add(where, "the first six fields must be numbers" if len(parts) > 6 else
                         f"expected 6 or 7 numbers and a label, got {len(parts)} fields")
            continue
        label = " ".join(parts[count:])
        if not label:
            problems.add(where, f"{count} numbers but no label")
            continue
        box = [float(v) for v in parts[:count]]
        problem = _box_problem(box)
        if problem:
            problems.add(where, problem)
            continue
        out.append((label, box, None))
    problems.raise_if_any()
    return out


# --------------------------------------------------------------------------- VoteNet .npy


def _label_table(labels: str) -> dict[int, str]:
    if labels in LABEL_TABLES:
        return LABEL_TABLES[labels]
    table_path = Path(labels)
    doc = read_json(table_path, "label table")
    problems = Problems(str(table_path))
    if not isinstance(doc, dict) or not doc:
        raise SceneError(['expected a JSON object {"label id": "class name", ...}'],
                         str(table_path))
    table = {}
    for key, name in doc.items():
        try:
            table[int(key)] = name
        except ValueError:
            problems.add(f"[{key!r}]", "keys must be integer label ids")
            continue
        if not isinstance(name, str) or not name.strip():
            problems.add(f"[{key!r}]", "expected a class name")
    problems.raise_if_any()
    return table


def _npy_boxes(path: Path, labels: str):
    table = _label_table(labels)
    try:
        rows = np.load(path, allow_pickle=False)
    except ValueError as e:
        raise SceneError([f"not a numeric .npy array ({e}); VoteNet boxes are (K, 7) "
                          "floats"], str(path)) from None
    except OSError as e:
        raise SceneError([f"cannot read: {e}"], str(path)) from None
    if rows.ndim != 2 or rows.shape[1] not in (7, 8) or not np.issubdtype(rows.dtype,
                                                                       np.number):
        raise SceneError([f"expected a (K, 7) or (K, 8) array of numbers "
                          "[cx, cy, cz, dx, dy, dz, (yaw,) class id], got "
                          f"{rows.dtype} {rows.shape}"], str(path))
    problems = Problems(str(path))
    out = []
    for k, row in enumerate(rows.astype(np.float64)):
        box, label_id = row[:-1].tolist(), row[-1]
        problem = _box_problem(box)
        if problem:
            problems.add(f"row {k}", problem)
            continue
        if label_id != round(label_id) or int(label_id) not in table:
            problems.add(f"row {k}", f"class id {label_id:g} is not in the {labels} label "
                         "table (give the table with --labels)")
            continue
        out.append((table[int(label_id)], box, None))
    problems.raise_if_any()
    return out


# --------------------------------------------------------------------------- mmdetection3d .pkl


def _pkl_boxes(path: Path, scene_id: str | None):
    doc = load_pickle(path, "mmdetection3d info file")
    if isinstance(doc, dict) and "data_list" in doc:
        scenes = _v1_scenes(doc, path)
    elif isinstance(doc, list):
        scenes = _v0_scenes(doc, path)
    else:
        raise SceneError(["not an mmdetection3d info file: expected a list of scene infos "
                          "or {\"metainfo\", \"data_list\"}"], str(path))
    if scene_id is None:
        if len(scenes) != 1:
            names = ", ".join(list(scenes)[:5]) or "none"
            raise SceneError([f"holds {len(scenes)} scenes ({names}...); name one with "
                              "--scene-id"], str(path))
        scene_id = next(iter(scenes))
    if scene_id not in scenes:
        raise SceneError([f"no scene {scene_id!r} in the file"], str(path))
    return scenes[scene_id](), scene_id


def _scene_name(info: dict, k: int) -> str:
    for keys in (("point_cloud", "lidar_idx"), ("lidar_points", "lidar_path")):
        node = info
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str) and node:
            return Path(node).stem
    return str(info.get("sample_idx", k))


def _v0_scenes(infos: list, path: Path) -> dict:
    scenes = {}
    for k, info in enumerate(infos):
        if not isinstance(info, dict):
            raise SceneError([f"[{k}]: expected a scene info dict"], str(path))
        scenes[_scene_name(info, k)] = (lambda info=info, k=k: _v0_boxes(info, k, path))
    return scenes


def _v0_boxes(info: dict, k: int, path: Path) -> list:
    where = f"[{k}].annos"
    annos = info.get("annos")
    if not isinstance(annos, dict):
        raise SceneError([f"{where}: missing"], str(path))
    if not annos.get("gt_num", 1):
        return []
    names, boxes = annos.get("name"), annos.get("gt_boxes_upright_depth")
    return _named_boxes(names, boxes, f"{where}.name", f"{where}.gt_boxes_upright_depth", path)


def _v1_scenes(doc: dict, path: Path) -> dict:
    data = doc.get("data_list")
    if not isinstance(data, list):
        raise SceneError(["data_list: expected a list"], str(path))
    categories = (doc.get("metainfo") or {}).get("categories")
    if isinstance(categories, dict):
        names = {int(v): k for k, v in categories.items() if isinstance(v, (int, np.integer))}
    else:
        names = dict(enumerate(VOTENET_CLASSES))
    scenes = {}
    for k, info in enumerate(data):
        if not isinstance(info, dict):
            raise SceneError([f"data_list[{k}]: expected a scene info dict"], str(path))
        scenes[_scene_name(info, k)] = (lambda info=info, k=k: _v1_boxes(info, k, names, path))
    return scenes


def _v1_boxes(info: dict, k: int, names: dict[int, str], path: Path) -> list:
    instances = info.get("instances")
    where = f"data_list[{k}].instances"
    if not isinstance(instances, list):
        raise SceneError([f"{where}: expected a list"], str(path))
    labels, boxes = [], []
    problems = Problems(str(path))
    for i, inst in enumerate(instances):
        label = inst.get("bbox_label_3d") if isinstance(inst, dict) else None
        if not isinstance(label, (int, np.integer)) or int(label) not in names:
            problems.add(f"{where}[{i}].bbox_label_3d", f"unknown class index {label!r}")
            continue
        labels.append(names[int(label)])
        boxes.append(inst.get("bbox_3d"))
    problems.raise_if_any()
    return _named_boxes(labels, boxes, f"{where}[].bbox_label_3d", f"{where}[].bbox_3d", path)


def _named_boxes(names, boxes, names_at: str, boxes_at: str, path: Path) -> list:
    """(name, box) pairs of parallel name and box lists; each box has 6 or 7 numbers."""
    names = [str(n) for n in (list(names) if names is not None else [])]
    rows = list(boxes) if isinstance(boxes, (list, tuple, np.ndarray)) else None
    if rows is None or len(rows) != len(names):
        got = "nothing" if rows is None else f"{len(rows)} boxes"
        raise SceneError([f"{boxes_at}: expected one box per name of {names_at} "
                          f"({len(names)}), got {got}"], str(path))
    out, problems = [], Problems(str(path))
    for i, (name, row) in enumerate(zip(names, rows)):
        try:
            box = [float(v) for v in np.asarray(row, dtype=np.float64).reshape(-1)]
        except (TypeError, ValueError):
            problems.add(f"{boxes_at}[{i}]", "expected numbers")
            continue
        problem = (f"expected 6 or 7 numbers, got {len(box)}" if len(box) not in (6, 7)
                   else _box_problem(box))
        if problem:
            problems.add(f"{boxes_at}[{i}]", problem)
            continue
        out.append((SPELLING.get(name, name), box, None))
    problems.raise_if_any()
    return out
