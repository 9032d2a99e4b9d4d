"""Import ScanNet-style axis-aligned boxes (``--from scannet``, ``scannet:PATH``).

Boxes are ``[cx, cy, cz, dx, dy, dz]`` (centre and full extents, metres, z up
already, as ScanNet/VoteNet box exports) with a class label. Two layouts:

JSON (``*.json``)::

    {"scene": "scene0000_00",
     "boxes": [{"label": "chair", "box": [1.0, 2.0, 0.45, 0.5, 0.5, 0.9]},
               {"label": "table", "box": [...], "id": "table-7"}]}

(a bare list of box objects is accepted too; ``id`` is optional).

Text (any other suffix, e.g. ``*.txt``): one box per line, six numbers then
the label (the rest of the line, may contain spaces)::

    # cx cy cz dx dy dz label
    1.0 2.0 0.45 0.5 0.5 0.9 chair
    3.1 0.2 0.40 1.2 0.8 0.8 coffee table

Blank lines and lines starting with ``#`` are ignored. The label is the
category; ids default to ``<label>|<k>`` (k counts boxes of that label from 1).
"""

from __future__ import annotations

from pathlib import Path

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT

from ._common import Problems, read_bytes, read_json

__all__ = ["import_scannet"]


def import_scannet(path: Path) -> dict:
    if path.suffix.lower() == ".json":
        boxes, scene = _json_boxes(path)
    else:
        boxes, scene = _text_boxes(path), path.stem
    if not boxes:
        raise SceneError(["no boxes (an empty scene)"], str(path))
    counts: dict[str, int] = {}
    objects = []
    for label, box, oid in boxes:
        counts[label] = counts.get(label, 0) + 1
        objects.append({"id": oid or f"{label}|{counts[label]}", "category": label,
                        "center": box[:3], "size": box[3:],
                        "rotation": [0.0, 0.0, 0.0, 1.0]})
    return {"format": FORMAT, "id": f"scannet/{scene}",
            "source": {"kind": "scannet", "file": path.name}, "objects": objects}


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
            problems.add(p, "expected {\"label\": ..., \"box\": [cx, cy, cz, dx, dy, dz]}")
            continue
        label = item.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.add(f"{p}.label", "missing class label")
        box = problems.vector(item.get("box"), 6, f"{p}.box")
        if box is not None and (box[3:] < 0).any():
            problems.add(f"{p}.box", f"extents must be >= 0, got {box[3:].tolist()}")
            box = None
        oid = item.get("id")
        if oid is not None and not isinstance(oid, (str, int)):
            problems.add(f"{p}.id", "expected a string")
        if box is not None and isinstance(label, str) and label.strip():
            out.append((label.strip(), box.tolist(), None if oid is None else str(oid)))
    problems.raise_if_any()
    return out, scene


def _text_boxes(path: Path):
    data = read_bytes(path, "ScanNet boxes file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SceneError(["not UTF-8 text (expected lines 'cx cy cz dx dy dz label')"],
                         str(path)) from None
    problems = Problems(str(path))
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 6)
        where = f"line {n}"
        if len(parts) < 7:
            problems.add(where, f"expected 6 numbers and a label, got {len(parts)} fields")
            continue
        try:
            box = [float(v) for v in parts[:6]]
        except ValueError:
            problems.add(where, "the first six fields must be numbers")
            continue
        if not all(abs(v) < float("inf") and v == v for v in box):
            problems.add(where, "numbers must be finite")
            continue
        if min(box[3:]) < 0:
            problems.add(where, f"extents must be >= 0, got {box[3:]}")
            continue
        out.append((parts[6].strip(), box, None))
    problems.raise_if_any()
    return out
