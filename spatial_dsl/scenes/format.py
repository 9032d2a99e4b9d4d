"""Reading and writing scene files in the ``spdsl.scene/1`` JSON format (scenes.md).

Loading validates everything first and reports *every* problem with its JSON
path in one ``SceneError``; only a fully valid document is turned into a
``model.Scene`` (never a traceback, never a half-loaded scene).

Decisions beyond scenes.md:

- A scene must have at least one object (``objects: scene has no objects``):
  every question is about objects, so an empty scene is almost surely a bug
  in whatever produced the file.
- ``rotation`` of an object may be omitted (identity: an axis-aligned box).
- ``room`` may give only ``floor``, only ``height``, or both; what is missing
  comes from the objects (x-y bounds of all corners, largest ``top``).
  ``room.walls`` (v0.2) lists wall segments ``[x1, y1, x2, y2]``, each as high
  as the room; without it the floor polygon's edges are the walls (and a room
  without a floor polygon has none). ``walls: []`` means a room without walls.
- Labels must be unique as ``find`` sees them (ignoring case, spaces, ``_``
  and ``-``); a ``parent`` must not create a cycle; frame indices are unique.
- Unknown object keys go into ``attributes`` and unknown top-level keys into
  ``source`` (an explicit entry of the same name wins); unknown keys inside
  frames, cameras and the room are ignored and not kept.
- Objects are sorted by id and frames by index.
- ``support`` (optional, v0.2 decision, see docs/reference.md "Decisions"): how the
  source says the object is held: ``"on"`` its parent (a pillow on a bed, even where
  the bed's box, headboard included, encloses the pillow), ``"in"`` its parent (a mug
  in a fridge), or ``"fixed"``: built into the room or into a piece of furniture
  (a drawer, a counter, a window), resting on nothing. ``on``/``in`` need a parent,
  ``fixed`` forbids one. Absent: not recorded, and `on` decides from the boxes.
- Coordinates, sizes, camera positions, the room and pinhole intrinsics must lie within
  1e9 in absolute value (metres or pixels): then nothing the runtime derives from them (a
  volume, a squared distance) can overflow a double, so no answer is ever infinite. A file
  with 1e308 in it is refused with the JSON path of each such number.
- An integer too long for a double (JSON allows any number of digits; Python refuses to
  convert more than 4,300) is refused as out of range; frame indices must fit 64 bits and
  image sizes 31.
- Loading is linear in the file: the parent-cycle check walks each object once, and
  did-you-mean hints for unknown ids are computed once per name, within a fixed budget of
  comparisons per file (later unknown ids are still reported, without a hint).
- A file is read up to 512 MiB (``MAX_SCENE_FILE_BYTES``); devices (``/dev/zero``) are
  refused; a FIFO is read like a file (``--scene <(...)``), so one nobody writes to
  blocks, as with ``cat``.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path


from ._build import build_scene
from ._validate import FORMAT, NonFinite, check_document, keyed_dict, parse_int
from ..files import atomic_write_text
from .errors import SceneError
from .model import SUPPORT_NOT_RECORDED, SUPPORT_WORDS, Scene

__all__ = [
    "FORMAT",
    "atomic_write_text",
    "dump_scene",
    "json_schema",
    "load_scene_file",
    "scene_from_dict",
    "scene_from_json",
    "scene_to_json",
    "write_scene",
]


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the format, shipped as package data.

    For users and tools; the loader's own checks are stricter and authoritative.
    """
    text = resources.files(__package__).joinpath("schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def scene_from_dict(doc: object, origin: str = "<scene>") -> Scene:
    """Validate an already-parsed document and build the Scene (raises SceneError)."""
    try:
        checked, problems = check_document(doc)
    except RecursionError:
        raise SceneError(["document nested too deeply"], origin) from None
    if problems:
        raise SceneError(problems, origin)
    return build_scene(checked)


def parse_json(data: bytes | str, origin: str) -> object:
    """Parse JSON text, turning every failure into a SceneError with line:column.

    ``NaN``/``Infinity`` literals are kept as markers so validation can report
    them with their JSON path; repeated keys are remembered for the same reason.
    """
    if isinstance(data, bytes):
        data = _decode_utf8(data, origin)
    try:
        return json.loads(data, parse_constant=NonFinite, parse_int=parse_int,
                          object_pairs_hook=keyed_dict)
    except json.JSONDecodeError as e:
        raise SceneError([f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"],
                         origin) from None
    except RecursionError:
        raise SceneError(["invalid JSON: nested too deeply"], origin) from None


def _decode_utf8(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a leading BOM is harmless, accept it
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SceneError([(f"not valid UTF-8: byte 0x{data[e.start]:02x} at line {line}, "
                          f"column {col} (scene files must be UTF-8 JSON)")], origin) from None


def scene_from_json(data: bytes | str, origin: str = "<scene>") -> Scene:
    return scene_from_dict(parse_json(data, origin), origin)


MAX_SCENE_FILE_BYTES = 512 * 2**20  # a scene file larger than this is refused, not read


def load_scene_file(path: str | os.PathLike) -> Scene:
    """Load one ``spdsl.scene/1`` file; every failure is a SceneError naming the file.

    A device (``/dev/zero``), a socket or a file over ``MAX_SCENE_FILE_BYTES`` is refused
    before it fills the memory; a FIFO is read as ``cat`` would (``--scene <(...)``)."""
    from ..files import InputFileError, read_input

    origin = str(path)
    try:
        data = read_input(path, MAX_SCENE_FILE_BYTES)
    except InputFileError as e:
        raise SceneError([str(e)], origin) from None
    except FileNotFoundError:
        raise SceneError(["no such file"], origin) from None
    except IsADirectoryError:
        raise SceneError(["is a directory, not a scene file"], origin) from None
    except OSError as e:
        raise SceneError([f"cannot read: {e.strerror or e}"], origin) from None
    return scene_from_json(data, origin)


# --------------------------------------------------------------------------- writing


def dump_scene(scene: Scene) -> dict:
    """The scene as a ``spdsl.scene/1`` document that loads back to an equal scene.

    Intrinsics are always written as fx, fy, cx, cy (exact, whatever was given).
    """
    doc: dict = {"format": FORMAT, "id": scene.id}
    if scene.source:
        doc["source"] = scene.source
    room = _dump_room(scene)
    if room:
        doc["room"] = room
    doc["objects"] = [_dump_object(scene, i) for i in range(scene.n)]
    if scene.frames.count:
        doc["frames"] = [_dump_frame(scene, i) for i in range(scene.frames.count)]
    return doc


def _dump_room(scene: Scene) -> dict:
    room: dict = {}
    if scene.room.floor is not None:
        room["floor"] = scene.room.floor.tolist()
    # Without a floor the height is only worth writing when it is not the default.
    if room or scene.room.height != float(scene.top.max()) or scene.room.walls is not None:
        room["height"] = float(scene.room.height)
    if scene.room.walls is not None:
        room["walls"] = scene.room.walls.tolist()
    return room


def _dump_object(scene: Scene, i: int) -> dict:
    obj = {"id": scene.ids[i], "category": scene.categories[i]}
    if scene.has_label[i]:
        obj["label"] = scene.labels[i]
    obj["center"] = scene.center[i].tolist()
    obj["size"] = scene.size[i].tolist()
    obj["rotation"] = scene.rotation[i].tolist()
    p = int(scene.parent[i])
    obj["parent"] = scene.ids[p] if p >= 0 else None
    if scene.support[i] != SUPPORT_NOT_RECORDED:
        obj["support"] = SUPPORT_WORDS[int(scene.support[i])]
    if scene.attributes[i]:
        obj["attributes"] = scene.attributes[i]
    return obj


def _dump_frame(scene: Scene, i: int) -> dict:
    f = scene.frames
    camera = {"position": f.position[i].tolist(), "rotation": f.rotation[i].tolist(),
              "width": int(f.width[i]), "height": int(f.height[i]),
              "fx": float(f.fx[i]), "fy": float(f.fy[i]),
              "cx": float(f.cx[i]), "cy": float(f.cy[i])}
    frame: dict = {"index": int(f.index[i]), "time": float(f.time[i]), "camera": camera}
    if f.image[i] is not None:
        frame["image"] = f.image[i]
    objects, fractions = f.visible.row(i)
    frame["visible"] = {scene.ids[j]: float(v) for j, v in zip(objects.tolist(),
                                                                fractions.tolist())}
    return frame


def scene_to_json(scene: Scene) -> str:
    return to_json_text(dump_scene(scene)) + "\n"


def to_json_text(node: object, level: int = 0) -> str:
    """Indented JSON that keeps lists of plain values (vectors) on one line."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(node, dict) and node:
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {to_json_text(v, level + 1)}"
                 for k, v in node.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(node, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in node):
        items = [inner + to_json_text(v, level + 1) for v in node]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    if isinstance(node, (list, tuple)):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False, allow_nan=False)
                               for v in node) + "]"
    return json.dumps(node, ensure_ascii=False, allow_nan=False)


def write_scene(scene: Scene, path: str | os.PathLike) -> None:
    """Write the scene file atomically (readers never see a partial file)."""
    atomic_write_text(Path(path), scene_to_json(scene))


