"""The entry points: infer one scene's room, and give every built-in scene document its room."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Scene
from .apartment import infer_apartment, robothor_shell
from .evidence import floor_mask, footprints
from .planar import to_mm
from .report import room_report
from .single import infer_single_room
from .thresholds import STRAY


@dataclass
class RoomInference:
    floor: list[list[float]]  # counter-clockwise rectilinear polygon
    walls: list[list[float]] | None  # None: the polygon's edges are the walls
    height: float
    report: dict = field(default_factory=dict)


def infer_room(scene: Scene, shell: tuple[np.ndarray, np.ndarray] | None = None) -> RoomInference:
    """The room of a built-in scene (see the package docstring); ``shell`` for RoboTHOR."""
    lo, hi = footprints(scene)
    floors = floor_mask(scene)
    use = ~floors & ~_stray(lo, hi, floors)
    if not use.any():  # nothing but a floor: the floor is all there is to go by
        use = np.ones(scene.n, dtype=bool)
    if shell is None:
        floor, walls, cuts, unused = infer_single_room(scene, lo, hi, use, floors)
    else:
        floor, walls, unused = infer_apartment(scene, lo, hi, use, shell)
        cuts = []
    floor = [[to_mm(x), to_mm(y)] for x, y in floor]
    walls = None if walls is None else [[to_mm(v) for v in w] for w in walls]
    report = room_report(scene, lo, hi, use, floors, floor, walls, unused, cuts, shell is not None)
    # The height stays what a scene without a room gets (the largest top), so no answer
    # about room.height changes.
    return RoomInference(floor, walls, float(scene.top.max()), report)


def _stray(lo, hi, floors) -> np.ndarray:
    if not floors.any():
        return np.zeros(len(lo), dtype=bool)
    f_lo, f_hi = lo[floors].min(axis=0), hi[floors].max(axis=0)
    outside = np.maximum(f_lo - lo, hi - f_hi).max(axis=1)
    return outside > STRAY


def room_document(inference: RoomInference) -> dict:
    """The ``room`` entry of a scene file."""
    room: dict = {"floor": inference.floor, "height": inference.height}
    if inference.walls is not None:
        room["walls"] = inference.walls
    return room


def add_inferred_rooms(docs: dict[str, dict]) -> None:
    """Give every built-in scene document (``ithor:...`` / ``robothor:...`` -> document) its
    inferred ``room``, and its ``source.room`` report. The documents are changed in place."""
    from ..format import scene_from_dict  # noqa: PLC0415 (format imports nothing from here)

    scenes = {ref: scene_from_dict(doc, origin=ref) for ref, doc in docs.items()}
    robothor = [ref for ref in scenes if ref.startswith("robothor:")]
    shell = robothor_shell([scenes[ref] for ref in robothor]) if robothor else None
    for ref, scene in scenes.items():
        inference = infer_room(scene, shell if ref in robothor else None)
        docs[ref]["room"] = room_document(inference)
        docs[ref].setdefault("source", {})["room"] = {"inferred": True, **inference.report}
