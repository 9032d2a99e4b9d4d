"""Import saved AI2-THOR event metadata (``--from ai2thor``, ``ai2thor:PATH``).

INPUT is one of:

- a JSON file holding one event's metadata (``controller.last_event.metadata``)
  -> a scene with one frame;
- a JSON file holding a list of them -> one frame each, in order;
- a capture directory written by ``spdsl capture ai2thor`` (``capture.json``
  + ``metadata/`` + ``frames/``) -> its frames with their images.

The conversion is ``sims.ai2thor.convert`` (objects from the first event,
visibility from the simulator's ``visible`` flags).
"""

from __future__ import annotations

from pathlib import Path

from spatial_dsl.scenes.errors import SceneError

from ..ai2thor.capture import CAPTURE_FORMAT
from ..ai2thor.convert import events_scene_doc, scene_name
from ._common import image_ref, read_json

__all__ = ["import_ai2thor"]


def import_ai2thor(path: Path, image_base: Path | None = None) -> dict:
    if path.is_dir():
        return _capture_dir(path, image_base)
    doc = read_json(path, "AI2-THOR metadata file")
    if isinstance(doc, dict) and doc.get("format") == CAPTURE_FORMAT:
        return _capture_dir(path.parent, image_base)
    if isinstance(doc, dict):
        events, names = [doc], [path.name]
    elif isinstance(doc, list):
        events, names = doc, [f"[{i}]" for i in range(len(doc))]
    else:
        raise SceneError(["expected an AI2-THOR event metadata object or a list of them, "
                          f"got {type(doc).__name__}"], str(path))
    name = _scene_name(events, path.stem)
    return events_scene_doc(events, f"ai2thor/{name}", origin=str(path), names=names,
                            source={"file": path.name})


def _scene_name(events: list, fallback: str) -> str:
    first = events[0] if events else None
    if isinstance(first, dict) and isinstance(first.get("sceneName"), str) and first["sceneName"]:
        return scene_name(first["sceneName"])
    return fallback


def _capture_dir(directory: Path, image_base: Path | None) -> dict:
    manifest_path = directory / "capture.json"
    origin = str(directory)
    if not manifest_path.is_file():
        hint = (" (it has metadata/ but no manifest: an interrupted or hand-copied capture?)"
                if (directory / "metadata").is_dir() else "")
        raise SceneError([f"not a capture directory: no capture.json{hint}"], origin)
    manifest = read_json(manifest_path, "capture manifest")
    if not isinstance(manifest, dict) or manifest.get("format") != CAPTURE_FORMAT:
        raise SceneError([f"capture.json: expected \"format\": \"{CAPTURE_FORMAT}\""], origin)
    frames = manifest.get("frames")
    if not isinstance(frames, list) or not frames:
        raise SceneError(["capture.json: 'frames' must be a non-empty list"], origin)
    problems, events, images, times, names = [], [], [], [], []
    for i, entry in enumerate(frames):
        where = f"capture.json: frames[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("metadata"), str):
            problems.append(f"{where}: expected an object with a 'metadata' path")
            continue
        meta_path = directory / entry["metadata"]
        if not meta_path.is_file():
            problems.append(f"{where}: metadata file {entry['metadata']} is missing")
            continue
        try:
            events.append(read_json(meta_path, "metadata file"))
        except SceneError as e:
            problems.extend(str(e).splitlines())
            continue
        image = entry.get("image")
        if image is not None:
            if not isinstance(image, str) or not (directory / image).is_file():
                problems.append(f"{where}: image file {image} is missing")
                continue
            image = image_ref(directory / image, image_base)
        images.append(image)
        time = entry.get("time", float(i))
        times.append(float(time) if isinstance(time, (int, float)) else float(i))
        names.append(entry["metadata"])
    if problems:
        raise SceneError(problems, origin)
    scene = manifest.get("scene") if isinstance(manifest.get("scene"), str) else directory.name
    scene = scene_name(scene)
    return events_scene_doc(events, f"ai2thor/{scene}", images=images, times=times,
                            origin=origin, names=names,
                            source={"scene": scene, "capture_dir": directory.name})
