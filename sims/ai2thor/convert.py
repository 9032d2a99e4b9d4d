"""AI2-THOR event metadata (``controller.last_event.metadata``) -> ``spdsl.scene/1``.

One event is one frame: its camera from ``cameraPosition``, ``agent.rotation.y``
(yaw, clockwise seen from above in Unity = rotation about our +z by -yaw),
``agent.cameraHorizon`` (pitch, positive looks down) and ``fov`` (AI2-THOR's
is *vertical*; converted to a horizontal one with ``screenWidth /
screenHeight``), and its visibility from the simulator's own per-object
``visible`` flags (a flagged object gets fraction 1.0). The conversion
itself lives in ``spatial_dsl.scenes.ai2thor`` (shared with the built-in
iTHOR scenes); this module checks whole events and assembles several of them
into one scene.

- Objects come from the *first* event (a capture only teleports the agent,
  so they do not change). Ids flagged visible in a later event but absent
  from the first are left out of that frame's visibility and counted under
  ``source.unknown_visible``.
- ``sceneBounds`` is *not* the room: it encloses the walls and whatever lies
  outside them (scenes.md, "Live capture details"), so it is ignored. An iTHOR
  room (``FloorPlanN``, one room per scene) gets the same inferred floor polygon
  and walls as the built-in scene of that name (``spatial_dsl.scenes.rooms``), so
  a captured FloorPlan1 and ``ithor:FloorPlan1`` agree on ``room.*``; any other
  scene (RoboTHOR apartments, ProcTHOR houses: several rooms that single-room
  inference would merge) keeps the default room, the objects' extent.
- ``sceneName`` loses AI2-THOR's ``_physics`` suffix (``scene_name``).
- Frame ``i`` has time ``i`` seconds unless times are given.
"""

from __future__ import annotations

import math
import numbers
import re

from spatial_dsl.scenes.ai2thor import frame_from_ai2thor, objects_from_ai2thor
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import FORMAT, scene_from_dict
from spatial_dsl.scenes.model import Scene
from spatial_dsl.scenes.rooms import infer_room, room_document

__all__ = ["REQUIRED_FIELDS", "check_event", "events_scene_doc", "scene_from_events",
           "scene_name"]

PHYSICS_SUFFIX = "_physics"
ITHOR_ROOM = re.compile(r"FloorPlan[1-4]?[0-9]{1,2}")  # FloorPlan1 ... FloorPlan430: one room each
# Dotted paths every event must have (numbers unless noted).
REQUIRED_FIELDS = ("agent.rotation.y", "agent.cameraHorizon", "cameraPosition.x",
                   "cameraPosition.y", "cameraPosition.z", "fov", "screenWidth", "screenHeight")


def _get(doc, dotted: str):
    node = doc
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(dotted)
        node = node[key]
    return node


def _is_number(v) -> bool:
    return (isinstance(v, numbers.Real) and not isinstance(v, bool)
            and math.isfinite(float(v)))


def check_event(meta: object, where: str = "event") -> list[str]:
    """Every problem of one event's metadata, each prefixed by ``where``."""
    if not isinstance(meta, dict):
        return [f"{where}: expected an event metadata object, got {type(meta).__name__}"]
    problems = []
    objects = meta.get("objects")
    if objects is None:
        problems.append(f"{where}: missing 'objects'")
    elif not isinstance(objects, list):
        problems.append(f"{where}.objects: expected a list, got {type(objects).__name__}")
    for dotted in REQUIRED_FIELDS:
        try:
            value = _get(meta, dotted)
        except KeyError:
            problems.append(f"{where}: missing '{dotted}'")
            continue
        if not _is_number(value):
            problems.append(f"{where}.{dotted}: expected a finite number, got {value!r}")
    if not problems:
        if meta["screenWidth"] <= 0 or meta["screenHeight"] <= 0:
            problems.append(f"{where}: screenWidth and screenHeight must be > 0")
        if not 0 < meta["fov"] < 180:
            problems.append(f"{where}.fov: expected degrees in (0, 180), got {meta['fov']!r}")
        for i, o in enumerate(objects):
            if isinstance(o, dict) and "visible" in o and not isinstance(o["visible"], bool):
                problems.append(f"{where}.objects[{i}].visible: expected true or false")
    return problems


def scene_name(name: str) -> str:
    """AI2-THOR's scene name without its ``_physics`` suffix (``FloorPlan1_physics`` ->
    ``FloorPlan1``), so captured and built-in scenes name the same room."""
    return name[: -len(PHYSICS_SUFFIX)] if name.endswith(PHYSICS_SUFFIX) else name


def events_scene_doc(events: list, scene_id: str, images: list | None = None,
                     times: list | None = None, source: dict | None = None,
                     origin: str | None = None, names: list[str] | None = None) -> dict:
    """A scene document with one frame per event (raises SceneError listing every problem).

    ``names`` (optional) says where each event came from, for messages
    (``metadata/000003.json``); default ``events[i]``.
    """
    origin = origin or scene_id
    if not isinstance(events, list) or not events:
        raise SceneError(["no events: expected at least one AI2-THOR event metadata object"],
                         origin)
    where = names or [f"events[{i}]" for i in range(len(events))]
    problems = [p for i, e in enumerate(events) for p in check_event(e, where[i])]
    if problems:
        raise SceneError(problems, origin)
    first = events[0]
    if not first["objects"]:
        raise SceneError([f"{where[0]}: the event has no objects (an empty scene)"], origin)
    objects = objects_from_ai2thor(first["objects"], origin=f"{origin}: {where[0]}")
    ids = {o["id"] for o in objects}
    frames, unknown = [], 0
    for i, meta in enumerate(events):
        image = images[i] if images else None
        time = float(times[i]) if times else float(i)
        frame = frame_from_ai2thor(meta, index=i, time=time, image=image)
        unknown += sum(1 for k in frame["visible"] if k not in ids)
        frame["visible"] = {k: v for k, v in frame["visible"].items() if k in ids}
        frames.append(frame)
    src = {"kind": "ai2thor", **(source or {})}
    if isinstance(first.get("sceneName"), str) and "scene" not in src:
        src["scene"] = scene_name(first["sceneName"])
    if unknown:
        src["unknown_visible"] = unknown
    doc = {"format": FORMAT, "id": scene_id, "source": src}
    doc["objects"] = objects
    doc["frames"] = frames
    if ITHOR_ROOM.fullmatch(str(src.get("scene", ""))):
        _add_room(doc, origin)
    return doc


def _add_room(doc: dict, origin: str) -> None:
    """The inferred room of a single iTHOR room (its ``source.room`` says so)."""
    inference = infer_room(scene_from_dict({**doc, "frames": []}, origin=origin))
    doc["room"] = room_document(inference)
    doc["source"]["room"] = {"inferred": True, **inference.report}


def scene_from_events(events: list, scene_id: str, **kwargs) -> Scene:
    doc = events_scene_doc(events, scene_id, **kwargs)
    return scene_from_dict(doc, origin=kwargs.get("origin") or scene_id)
