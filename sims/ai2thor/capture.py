"""Live capture: drive an AI2-THOR controller along a camera walk (``spdsl capture ai2thor``).

1. Start the controller: ``Controller(scene=..., width=..., height=...,
   fieldOfView=<vertical fov from the requested horizontal one>,
   visibilityDistance=<--visibility-distance, 100 m>, gridSize=0.25,
   snapToGrid=False)`` (through ``controller_factory``; the default imports
   ``ai2thor.controller.Controller``, an optional dependency).
   ``visibilityDistance`` matters: AI2-THOR flags an object ``visible`` only
   within that distance of the agent (1.5 m by default), so without it a
   recorded ``visible`` flag would mean "in view, unoccluded *and* within
   arm's reach". With a distance larger than any room it means "in view and
   unoccluded", like the geometric walk.
2. ``GetReachablePositions``: the walk is planned on the simulator's own
   walkable grid (``sims.ai2thor.reachable``), at the agent's own camera
   height; ``sceneBounds`` (walls and all) is not the floor.
3. For each planned pose: ``controller.step(action="Teleport", position=...,
   rotation=..., horizon=..., standing=True)``. A refused pose (the agent
   would collide) is retried once at the nearest reachable position; if that
   fails too it is skipped and listed in ``capture.json``.
4. Save each event's RGB ``event.frame`` (PNG/JPEG with Pillow, else
   ``.npy``) and its metadata JSON, then one scene file with all frames.
5. ``controller.stop()``, on success and on every failure after the
   controller was started (the default factory also stops a controller whose
   constructor failed after starting Unity: a wrong scene name raises there).

Scene ids drop AI2-THOR's ``_physics`` suffix (``FloorPlan1_physics`` is
``ai2thor/FloorPlan1``), so a capture and the built-in ``ithor:FloorPlan1``
name the same room.

Output directory layout::

    DIR/capture.json               manifest (format spdsl.capture/1)
    DIR/<scene>.scene.json         the scene, one frame per captured pose
    DIR/frames/000000.png          RGB images (paths in the scene are relative)
    DIR/metadata/000000.json       raw event metadata, one per frame

Everything is written to a hidden staging directory next to ``DIR`` and
renamed into place at the end, so an interrupted or failed capture leaves
nothing behind. Frame ``k`` of the plan has time ``k`` s (1 frame/s); skipped
poses leave a gap in the times.

Coordinates: a planned pose ``(x, y)`` ours with heading ``psi`` (CCW from +x)
is the Unity position ``(x, agent_y, y)`` and yaw ``90 - psi`` degrees
(clockwise from Unity +z, which is our +y).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spatial_dsl.files import atomic_write
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import scene_from_dict, write_scene

from ..options import CaptureOptions
from .convert import check_event, events_scene_doc, scene_name
from .reachable import grid_step, plan_on_reachable

__all__ = ["CAPTURE_FORMAT", "CaptureOptions", "CaptureResult", "capture",
           "controller_kwargs", "default_controller_factory", "image_writer", "start_controller",
           "stop_quietly", "teleport_args"]

CAPTURE_FORMAT = "spdsl.capture/1"
IMAGE_FORMATS = ("png", "jpg", "npy")
GRID_SIZE = 0.25  # AI2-THOR's default; the spacing of GetReachablePositions
HORIZON_RANGE = (-30.0, 60.0)  # degrees the agent's camera can pitch (positive looks down)
INSTALL_HINT = ("AI2-THOR is not installed: pip install 'spdsl[ai2thor]' (it downloads a "
                "Unity build on first use and needs a display, or a GPU with --platform cloud)")


@dataclass
class CaptureResult:
    out_dir: Path
    scene_file: Path
    frames: int
    skipped: list[dict] = field(default_factory=list)
    image_format: str | None = None


def vertical_fov(hfov_deg: float, width: int, height: int) -> float:
    return 2 * math.degrees(math.atan(math.tan(math.radians(hfov_deg) / 2) * height / width))


def controller_kwargs(options: CaptureOptions) -> dict:
    """Keyword arguments for ``ai2thor.controller.Controller``."""
    kwargs = {"scene": options.scene, "width": options.width, "height": options.height,
              "fieldOfView": vertical_fov(options.hfov_deg, options.width, options.height),
              "visibilityDistance": float(options.visibility_distance),
              "gridSize": GRID_SIZE, "snapToGrid": False, "renderDepthImage": False,
              "renderInstanceSegmentation": False}
    if options.platform == "cloud":
        kwargs["platform"] = "cloud"  # resolved by default_controller_factory
    return kwargs


def default_controller_factory(**kwargs):
    """``ai2thor.controller.Controller(**kwargs)``; SceneError when ai2thor is missing.

    The real constructor starts Unity and *then* loads the scene, so a bad
    scene name (or a failed ``Initialize``) raises with Unity running and no
    controller returned to stop it. A subclass that remembers itself before
    the constructor runs lets us stop it anyway.
    """
    try:
        from ai2thor.controller import Controller
    except ImportError:
        raise SceneError([INSTALL_HINT], "ai2thor") from None
    if kwargs.get("platform") == "cloud":
        from ai2thor.platform import CloudRendering

        kwargs["platform"] = CloudRendering
    started: list = []

    class _Stoppable(Controller):
        def __init__(self, **kw):
            started.append(self)
            super().__init__(**kw)

    try:
        return _Stoppable(**kwargs)
    except BaseException:
        for controller in started:
            stop_quietly(controller)
        raise


def start_controller(factory: Callable, kwargs: dict, where: str):
    """``factory(**kwargs)``; any failure to start is a SceneError naming the scene."""
    try:
        return factory(**kwargs)
    except SceneError:
        raise
    except Exception as e:  # Unity failed to start, no display, download failed, bad scene
        raise SceneError([f"cannot start the AI2-THOR controller: {_first_line(e)}"],
                         where) from None


def stop_quietly(controller) -> str | None:
    """``controller.stop()``; a failure to stop is returned as text, never raised (it
    must not hide the error that made us stop)."""
    stop = getattr(controller, "stop", None)
    if not callable(stop):
        return None
    try:
        stop()
    except Exception as e:  # a half-started controller may fail to stop cleanly
        return _first_line(e)
    return None


def teleport_args(position, yaw_deg: float, pitch_deg: float, agent_y: float) -> dict:
    """``controller.step`` arguments placing the agent at our (x, y) facing ``yaw_deg``."""
    unity_yaw = (90.0 - float(yaw_deg)) % 360.0
    return {"action": "Teleport",
            "position": {"x": float(position[0]), "y": float(agent_y), "z": float(position[1])},
            "rotation": {"x": 0.0, "y": unity_yaw, "z": 0.0},
            "horizon": float(pitch_deg), "standing": True}


# --------------------------------------------------------------------------- capture


def capture(options: CaptureOptions, out_dir: str | os.PathLike,
            controller_factory: Callable | None = None,
            log: Callable[[str], None] | None = None) -> CaptureResult:
    """Run the capture; every problem is a SceneError and leaves no output behind."""
    _check_options(options)
    out = Path(out_dir)
    _check_output_dir(out)
    log = log or (lambda _msg: None)
    factory = controller_factory or default_controller_factory
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "frames").mkdir(parents=True)
        (staging / "metadata").mkdir()
        controller = start_controller(factory, controller_kwargs(options),
                                      f"AI2-THOR scene {options.scene}")
        try:
            result = _run(controller, options, staging, out, log)
        except BaseException:
            stop_quietly(controller)
            raise
        problem = stop_quietly(controller)
        if problem:
            log(f"warning: controller.stop() failed: {problem}")
        if out.is_dir():
            out.rmdir()  # checked empty above
        os.replace(staging, out)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_options(options: CaptureOptions) -> None:
    problems = []
    if options.frames < 1:
        problems.append(f"--walk: need at least 1 frame, got {options.frames}")
    if options.width < 1 or options.height < 1:
        problems.append("--width and --height must be positive")
    if not 0 < options.hfov_deg < 180:
        problems.append(f"--hfov: expected degrees in (0, 180), got {options.hfov_deg:g}")
    if not HORIZON_RANGE[0] <= options.pitch_deg <= HORIZON_RANGE[1]:
        problems.append(f"--pitch: AI2-THOR's horizon must be in [-30, 60], got "
                        f"{options.pitch_deg:g}")
    if options.image_format not in IMAGE_FORMATS:
        problems.append(f"--image-format: one of {', '.join(IMAGE_FORMATS)}")
    if not (math.isfinite(options.visibility_distance) and options.visibility_distance > 0):
        problems.append(f"--visibility-distance: expected metres > 0, got "
                        f"{options.visibility_distance:g}")
    if problems:
        raise SceneError(problems, "capture")


def _check_output_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SceneError(["output exists and is not a directory"], str(out))
    if out.is_dir() and any(out.iterdir()):
        raise SceneError(["output directory exists and is not empty (choose a new one)"],
                         str(out))
    if not out.parent.is_dir():
        raise SceneError([f"parent directory {out.parent} does not exist"], str(out))


def _event_metadata(event, what: str) -> dict:
    meta = getattr(event, "metadata", None)
    if not isinstance(meta, dict):
        raise SceneError([f"{what}: the controller returned no event metadata"], "capture")
    return meta


def _run(controller, options: CaptureOptions, staging: Path, out: Path, log) -> CaptureResult:
    meta0, agent_y = _initial_event(controller, options)
    name = scene_name(meta0.get("sceneName") or options.scene)
    reachable = _reachable(controller, options.scene)
    positions, headings = plan_on_reachable(reachable, options.frames, options.seed)
    log(f"planned {len(positions)} poses on {len(reachable)} reachable positions")
    shots = _shoot(controller, options, reachable, positions, headings, agent_y, staging, log)
    events, images, times, names, skipped, image_ext = shots
    if not events:
        raise SceneError([f"every one of the {len(positions)} planned poses was refused "
                          "by the simulator; nothing captured"], f"AI2-THOR scene {options.scene}")
    source = {"scene": name,
              "capture": {"format": CAPTURE_FORMAT, "seed": options.seed,
                          "planned": len(positions), "skipped": len(skipped),
                          "hfov_deg": options.hfov_deg, "pitch_deg": options.pitch_deg,
                          "visibility_distance": options.visibility_distance,
                          "reachable_positions": len(reachable),
                          "grid_step": round(grid_step(reachable), 6)}}
    doc = events_scene_doc(events, f"ai2thor/{name}", images=images, times=times,
                           source=source, origin=str(out), names=names)
    scene_file = f"{_safe_name(name)}.scene.json"
    write_scene(scene_from_dict(doc, origin=str(out)), staging / scene_file)
    manifest = {"format": CAPTURE_FORMAT, "scene": name, "scene_file": scene_file,
                "frames": [{"index": i, "time": times[i], "metadata": names[i],
                            "image": images[i]} for i in range(len(events))],
                "skipped": skipped,
                "controller": {k: v for k, v in controller_kwargs(options).items()
                               if k != "platform"}}
    (staging / "capture.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                          encoding="utf-8")
    return CaptureResult(out, out / scene_file, len(events), skipped, image_ext)


def _shoot(controller, options, reachable, positions, headings, agent_y, staging: Path, log):
    """Teleport to each planned pose and save its image and metadata in ``staging``."""
    writer, image_ext = image_writer(options.image_format)
    events, images, times, names, skipped = [], [], [], [], []
    for k, (pos, yaw) in enumerate(zip(positions, headings)):
        event, meta = _teleport(controller, reachable, pos, yaw, options.pitch_deg, agent_y, k)
        if not meta.get("lastActionSuccess", True):
            skipped.append({"pose": k, "position": [float(pos[0]), float(pos[1])],
                            "yaw_deg": float(yaw), "error": str(meta.get("errorMessage", ""))})
            log(f"pose {k}: teleport refused, skipped")
            continue
        stem = f"{len(events):06d}"
        frame = getattr(event, "frame", None)
        image = None
        if frame is not None:
            image = f"frames/{stem}.{image_ext}"
            writer(np.asarray(frame), staging / image)
        text = json.dumps(meta, default=_json_default)
        (staging / "metadata" / f"{stem}.json").write_text(text, encoding="utf-8")
        events.append(json.loads(text))  # exactly what was saved (plain JSON types)
        images.append(image)
        times.append(float(k))
        names.append(f"metadata/{stem}.json")
    return events, images, times, names, skipped, image_ext


def _initial_event(controller, options: CaptureOptions) -> tuple[dict, float]:
    """The first event's metadata (checked) and the agent's standing height."""
    first = getattr(controller, "last_event", None)
    if first is None or getattr(first, "metadata", None) is None:
        first = _step(controller, action="Pass")
    meta0 = _event_metadata(first, "initial event")
    problems = check_event(meta0, "initial event")
    agent_y = _agent_y(meta0)
    if agent_y is None:
        problems.append("initial event: missing 'agent.position.y'")
    if not problems and not meta0["objects"]:
        problems.append("initial event has no objects (an empty scene)")
    if problems:
        raise SceneError(problems, f"AI2-THOR scene {options.scene}")
    return meta0, agent_y


def _teleport(controller, reachable: np.ndarray, pos, yaw: float, pitch: float,
              agent_y: float, k: int):
    """Teleport to a planned pose, once more at the nearest reachable point if refused."""
    event = _step(controller, **teleport_args(pos, yaw, pitch, agent_y))
    meta = _event_metadata(event, f"pose {k}")
    if not meta.get("lastActionSuccess", True):
        d = np.hypot(reachable[:, 0] - pos[0], reachable[:, 1] - pos[1])
        d[d < 1e-6] = np.inf  # the refused point itself is no alternative
        if np.isfinite(d).any():
            near = reachable[np.argmin(d)]
            event = _step(controller, **teleport_args(near, yaw, pitch, agent_y))
            meta = _event_metadata(event, f"pose {k}")
    return event, meta


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _step(controller, **kwargs):
    """``controller.step``; a simulator failure (Unity crashed, timeout) is a SceneError."""
    try:
        return controller.step(**kwargs)
    except Exception as e:
        raise SceneError([f"AI2-THOR failed during {kwargs.get('action')}: {_first_line(e)}"],
                         "capture") from None


def _agent_y(meta: dict) -> float | None:
    try:
        y = float(meta["agent"]["position"]["y"])
    except (KeyError, TypeError, ValueError):
        return None
    return y if math.isfinite(y) else None


def _reachable(controller, scene: str) -> np.ndarray:
    """(M, 2) our x-y of ``GetReachablePositions``; a SceneError when there are none."""
    where = f"AI2-THOR scene {scene}"
    meta = _event_metadata(_step(controller, action="GetReachablePositions"),
                           "GetReachablePositions")
    if not meta.get("lastActionSuccess", False):
        raise SceneError([f"GetReachablePositions failed: {meta.get('errorMessage') or '?'}"],
                         where)
    points = meta.get("actionReturn")
    try:
        pts = np.array([(float(p["x"]), float(p["z"])) for p in points or []],
                       dtype=np.float64).reshape(-1, 2)
    except (KeyError, TypeError, ValueError):
        raise SceneError(["GetReachablePositions: actionReturn is not a list of "
                          "{x, y, z} positions"], where) from None
    if not len(pts) or not np.isfinite(pts).all():
        raise SceneError(["GetReachablePositions returned no (finite) positions: the agent "
                          "cannot stand anywhere"], where)
    return pts


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "scene"


def _json_default(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def image_writer(fmt: str):
    """(writer(array, path), extension); Pillow for png/jpg, else raw .npy. Each image is
    written to a temporary file and renamed into place: never half a picture."""
    if fmt != "npy":
        try:
            from PIL import Image
        except ImportError:
            fmt = "npy"
        else:
            pil_format = {"png": "PNG", "jpg": "JPEG"}[fmt]

            def write_pil(array: np.ndarray, path: Path) -> None:
                picture = Image.fromarray(_as_rgb8(array))
                atomic_write(Path(path), lambda tmp: picture.save(tmp, format=pil_format))
            return write_pil, fmt

    def write_npy(array: np.ndarray, path: Path) -> None:
        rgb = _as_rgb8(array)

        def save(tmp: str) -> None:
            with open(tmp, "wb") as f:
                np.save(f, rgb)
        atomic_write(Path(path), save)
    return write_npy, "npy"


def _as_rgb8(array: np.ndarray) -> np.ndarray:
    a = np.asarray(array)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise SceneError([f"event.frame: expected an H x W x 3 RGB image, got shape {a.shape}"],
                         "capture")
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a[:, :, :3])
