"""The output of validation: a plain, already-checked description of a scene that
``_build`` turns into numpy arrays (a field is None where its input was bad)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CheckedObject:
    id: str | None = None
    category: str | None = None
    label: str | None = None
    center: list[float] | None = None
    size: list[float] | None = None
    rotation: list[float] | None = None
    parent: str | None = None
    support: str | None = None  # "on", "in" or "fixed" when the source records it
    attributes: dict = field(default_factory=dict)


@dataclass
class CheckedFrame:
    index: int | None = None
    time: float | None = None
    position: list[float] | None = None
    rotation: list[float] | None = None
    width: int | None = None
    height: int | None = None
    hfov_deg: float | None = None
    pinhole: list[float] | None = None  # fx, fy, cx, cy when given explicitly
    image: str | None = None
    visible: dict[str, float] = field(default_factory=dict)


@dataclass
class CheckedScene:
    id: str | None = None
    source: dict = field(default_factory=dict)
    objects: list[CheckedObject] = field(default_factory=list)
    frames: list[CheckedFrame] = field(default_factory=list)
    floor: list[list[float]] | None = None
    room_height: float | None = None
    walls: list[list[float]] | None = None  # None: the floor polygon's edges are the walls
