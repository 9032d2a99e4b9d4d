"""The options of a camera walk and of an AI2-THOR capture, with their defaults.

A light module (no numpy, no simulator): `spdsl scenes walk` and `spdsl capture ai2thor`
read their flags' defaults from these dataclasses when the command line is built, so
each default is written once.
"""

from __future__ import annotations

from dataclasses import dataclass

EYE_HEIGHT = 1.5  # m: the camera above the floor
PITCH_DEG = 15.0  # degrees, positive looks down
CLEARANCE = 0.2  # m: the walk keeps this far from obstacles where it can
VISIBILITY_DISTANCE = 100.0  # metres: larger than any AI2-THOR room or house


@dataclass(frozen=True)
class WalkOptions:
    frames: int = 40
    seed: int = 0
    width: int = 640
    height: int = 480
    hfov_deg: float = 90.0
    eye_height: float = EYE_HEIGHT
    pitch_deg: float = PITCH_DEG
    clearance: float = CLEARANCE


@dataclass(frozen=True)
class CaptureOptions:
    scene: str
    frames: int = 40
    width: int = 640
    height: int = 480
    hfov_deg: float = 90.0
    pitch_deg: float = PITCH_DEG
    seed: int = 0
    image_format: str = "png"
    platform: str | None = None  # None or "cloud" (ai2thor.platform.CloudRendering)
    visibility_distance: float = VISIBILITY_DISTANCE
