"""Render recorded camera poses with AI2-THOR (``spdsl capture ai2thor --poses PATH``).

This module renders the frames of one scene file; ``render.render`` is the entry point
that also takes a directory of scene files or a dataset (``render_dataset``).

PATH is one of

- a scene file with frames (``X.scene.json``): each frame without an image
  is rendered to ``X.frames/<index:06d>.png`` beside it and its ``image``
  field filled in (relative to the scene file's directory, scenes.md);
- a dataset directory made by ``spdsl generate`` (``OUT/config.json``,
  ``OUT/scenes/``, ``OUT/parts/``): every scene under ``OUT/scenes`` with
  frames, the same way (``OUT/scenes/X.frames/...``); then each scene's part
  and marker are re-committed (so a later ``spdsl generate`` with the same
  arguments still resumes instead of redoing the scene) and the data file is
  rewritten from the parts, so records whose frames pointed at
  ``scenes/X.scene.json#frame=N`` now name ``scenes/X.frames/00000N.png``;
- any other directory: each ``*.scene.json`` in it, as single files.

Only AI2-THOR rooms can be rendered: scenes whose ``source.kind`` is
``ai2thor`` and whose ``source.scene`` names the AI2-THOR scene (built-in
``ithor:*`` scenes and captures do; the built-in RoboTHOR metadata does not
say which AI2-THOR scene an entry is, so ``--ai2thor-scene`` must name it).

How a frame is rendered. Our camera pose (z up, OpenCV axes; ``R`` maps
camera axes to the world) is inverted to the agent's Teleport arguments
(``teleport_pose``): forward ``f = R[:, 2] = (sin t cos p, cos t cos p,
-sin p)`` in our axes gives the Unity yaw ``t = atan2(f_x, f_y)`` (clockwise
from Unity +z, which is our +y) and the horizon ``p = -asin(f_z)`` (positive
looks down); our ``(x, y, z)`` is Unity ``(x, z, y)``. The agent's camera
cannot roll, so a frame whose camera x axis leaves the horizontal by more than
0.5 degrees cannot be rendered; neither can a horizon outside AI2-THOR's
[-30, 60] degrees, off-centre principal points or non-square pixels. The
field of view is AI2-THOR's vertical one, ``2 atan(h / 2 / fy)``; frames of
different intrinsics are rendered in separate sessions.

The agent stands at its own height (Teleport's ``y`` is the agent's standing
height: a lower one drops it through the floor), so the rendered camera is at
AI2-THOR's eye height (1.575 m in iTHOR) whatever the recorded one (a walk's
is 1.5 m); the difference is recorded in ``source.render.camera_height_offset``
(metres, rendered minus recorded). After each Teleport the camera AI2-THOR
reports is compared with the recorded pose: more than 5 cm horizontally or
0.5 degrees in yaw or horizon away, or a refused Teleport (the agent would
collide), and the frame is left without an image and reported, never
rendered from somewhere else, because the items' answers belong to the
recorded pose.

Before rendering, the live room is compared with the scene file: the share of
the scene's objects found (by id) within 10 cm of their recorded centre is
``source.render.objects_matched``; below one half the live room is not the
recorded one (another AI2-THOR version, another scene) and nothing is
rendered, unless ``--no-scene-check``.

Resumable: frames whose image file exists are kept; images are written to a
temporary file and renamed, and a scene file is rewritten (atomically) only
after its frames are done, so an interrupted render leaves whole images and
consistent scene files, and a rerun continues where it stopped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spatial_dsl.files import atomic_write_text
from spatial_dsl.scenes.ai2thor import unity_point
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import parse_json, scene_from_dict, to_json_text

from .capture import (
    GRID_SIZE,
    HORIZON_RANGE,
    _agent_y,
    _event_metadata,
    _step,
    image_writer,
    start_controller,
    stop_quietly,
)
from .convert import scene_name

__all__ = ["RenderOptions", "RenderReport", "SceneReport", "render_scene_file", "teleport_pose"]

SCENE_SUFFIX = ".scene.json"
POSITION_TOLERANCE = 0.05  # metres between the recorded and the rendered camera (x-y)
ANGLE_TOLERANCE = 0.5  # degrees of yaw, horizon or roll
MATCH_RADIUS = 0.10  # metres: an object is "where it was recorded"
MATCH_NEEDED = 0.5  # share of the scene's objects the live room must reproduce


@dataclass(frozen=True)
class RenderOptions:
    image_format: str = "png"
    platform: str | None = None  # None or "cloud"
    ai2thor_scene: str | None = None  # the AI2-THOR scene, when the file does not say
    scene_check: bool = True


@dataclass
class SceneReport:
    scene_file: Path
    rendered: int = 0
    kept: int = 0
    failed: list[str] = field(default_factory=list)  # "frame 7: ..." (frames left out)
    skipped: str | None = None  # why the whole scene was not rendered


@dataclass
class RenderReport:
    scenes: list[SceneReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data_file: Path | None = None  # rewritten dataset file, if any

    @property
    def complete(self) -> bool:
        return not any(s.failed or s.skipped for s in self.scenes)


# --------------------------------------------------------------------------- poses


def teleport_pose(position, R) -> dict:
    """Our camera pose -> AI2-THOR's: camera position (Unity), yaw, horizon and roll (degrees).

    The inverse of ``spatial_dsl.scenes.ai2thor.camera_from_ai2thor``: there
    ``R = P Ry(yaw) Rx(horizon) diag(1, -1, 1)`` (Unity matrices, ``P`` swaps y
    and z), whose forward column is ``(sin yaw cos h, cos yaw cos h, -sin h)``
    and whose x column ``(cos yaw, -sin yaw, 0)`` is horizontal; ``roll`` is
    the angle the x column (image right) dips below the horizontal (0 for
    every pose AI2-THOR can take).
    """
    R = np.asarray(R, dtype=np.float64)
    f = R[:, 2]
    yaw = math.degrees(math.atan2(f[0], f[1])) % 360.0
    horizon = -math.degrees(math.asin(max(-1.0, min(1.0, float(f[2])))))
    roll = math.degrees(math.asin(max(-1.0, min(1.0, -float(R[2, 0])))))  # right axis dips
    x, y, z = (float(v) for v in position)
    return {"position": {"x": x, "y": z, "z": y}, "yaw": yaw, "horizon": horizon, "roll": roll}


def _angle_gap(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _frame_problem(scene, k: int, pose: dict) -> str | None:
    """Why AI2-THOR's agent camera cannot take frame row ``k``'s pose, or None."""
    f = scene.frames
    w, h = int(f.width[k]), int(f.height[k])
    if abs(pose["roll"]) > ANGLE_TOLERANCE:
        return f"the camera is rolled {abs(pose['roll']):.1f} degrees; AI2-THOR's cannot roll"
    if not HORIZON_RANGE[0] - 1e-9 <= pose["horizon"] <= HORIZON_RANGE[1] + 1e-9:
        return (f"pitch {pose['horizon']:.1f} degrees is outside AI2-THOR's horizon range "
                "[-30, 60]")
    if abs(f.cx[k] - w / 2) > 0.5 or abs(f.cy[k] - h / 2) > 0.5:
        return "the principal point is off the image centre; AI2-THOR's is centred"
    if abs(f.fx[k] - f.fy[k]) > 1e-6 * f.fy[k]:
        return "pixels are not square (fx != fy); AI2-THOR's are"
    return None


def render_scene_file(path: Path, options: RenderOptions, factory, log,
                      single: bool) -> SceneReport:
    """Render one scene file in place. As part of a batch, a scene that cannot be
    rendered at all is reported (``skipped``); alone, it is an error."""
    try:
        doc, scene = read_scene(path)
        new_doc, report = render_doc(doc, scene, path, options, factory, log)
    except SceneError as e:
        if single:
            raise
        log(f"{path}: skipped: {e.problems[0]}")
        return SceneReport(path, skipped="; ".join(e.problems))
    if new_doc is not None:
        atomic_write_text(path, scene_text(new_doc))
    return report


def read_scene(path: Path):
    """(raw document, validated Scene) of a scene file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SceneError([f"cannot read: {e.strerror or e}"], str(path)) from None
    doc = parse_json(data, str(path))
    return doc, scene_from_dict(doc, origin=str(path))


def scene_text(doc: dict) -> str:
    return to_json_text(doc) + "\n"


def ai2thor_scene_of(scene, path: Path, override: str | None) -> str:
    """The AI2-THOR scene name to load for a scene file (SceneError if unknown)."""
    if override:
        return override
    source = scene.source or {}
    if source.get("kind") != "ai2thor":
        kind = source.get("kind") or "not recorded"
        raise SceneError([f"not an AI2-THOR room (source.kind is {kind}); only AI2-THOR "
                          "scenes can be rendered"], str(path))
    name = source.get("scene")
    if source.get("dataset") == "robothor" or not isinstance(name, str) or not name:
        raise SceneError(["the scene file does not name its AI2-THOR scene (the built-in "
                          "RoboTHOR metadata does not): pass --ai2thor-scene NAME"], str(path))
    return scene_name(name)


def images_dir(path: Path) -> Path:
    name = path.name
    stem = name[: -len(SCENE_SUFFIX)] if name.endswith(SCENE_SUFFIX) else path.stem
    return path.parent / f"{stem}.frames"


# --------------------------------------------------------------------------- one scene


def render_doc(doc: dict, scene, path: Path, options: RenderOptions, factory, log):
    """(updated document or None when nothing changed, SceneReport)."""
    report = SceneReport(path)
    f = scene.frames
    todo = []
    for k in range(f.count):
        image = f.image[k]
        if image is not None and (path.parent / image).is_file():
            report.kept += 1
        else:
            todo.append(k)
    if not todo:
        log(f"{path}: all {f.count} frames have images" if f.count else
            f"{path}: no frames to render")
        return None, report
    name = ai2thor_scene_of(scene, path, options.ai2thor_scene)
    target = images_dir(path)
    if target.exists() and not target.is_dir():
        raise SceneError([f"{target.name} exists and is not a directory"], str(path))
    poses, groups = {}, {}
    for k in todo:
        poses[k] = teleport_pose(f.position[k], f.R[k])
        problem = _frame_problem(scene, k, poses[k])
        if problem:
            report.failed.append(f"frame {int(f.index[k])}: {problem}")
            continue
        vfov = 2 * math.degrees(math.atan(f.height[k] / 2 / f.fy[k]))
        groups.setdefault((int(f.width[k]), int(f.height[k]), round(vfov, 9)), []).append(k)
    images, stats = {}, {"height": [], "matched": None}
    target.mkdir(exist_ok=True)
    for (w, h, vfov), rows in groups.items():
        kwargs = {"scene": name, "width": w, "height": h, "fieldOfView": vfov,
                  "gridSize": GRID_SIZE, "snapToGrid": False, "renderDepthImage": False,
                  "renderInstanceSegmentation": False}
        if options.platform == "cloud":
            kwargs["platform"] = "cloud"
        _session(kwargs, scene, rows, poses, target, options, factory, images, stats, report,
                 path)
    log(f"{path}: rendered {report.rendered} frames, kept {report.kept}, "
        f"{len(report.failed)} could not be rendered")
    if not images:
        return None, report
    return _with_images(doc, scene, path, images, stats, name), report


def _session(kwargs, scene, rows, poses, target: Path, options, factory, images, stats,
             report: SceneReport, path: Path) -> None:
    """One controller: check the room, then Teleport to and save every frame in ``rows``."""
    where = f"{path} (AI2-THOR scene {kwargs['scene']})"
    controller = start_controller(factory, kwargs, where)
    try:
        first = getattr(controller, "last_event", None)
        if first is None or getattr(first, "metadata", None) is None:
            first = _step(controller, action="Pass")
        meta0 = _event_metadata(first, "initial event")
        agent_y = _agent_y(meta0)
        if agent_y is None:
            raise SceneError(["initial event: missing 'agent.position.y'"], where)
        if stats["matched"] is None:
            stats["matched"] = _objects_matched(scene, meta0)
            if options.scene_check and stats["matched"] < MATCH_NEEDED:
                raise SceneError([
                    f"the live AI2-THOR room is not the recorded one: only "
                    f"{stats['matched']:.0%} of the scene's objects are within "
                    f"{MATCH_RADIUS:g} m of their recorded centres (another AI2-THOR version "
                    "or scene?); --no-scene-check renders anyway"], where)
        writer, ext = image_writer(options.image_format)
        for k in rows:
            _render_frame(controller, scene, k, poses[k], agent_y, target, writer, ext,
                          images, stats, report)
    except BaseException:
        stop_quietly(controller)
        raise
    stop_quietly(controller)


def _render_frame(controller, scene, k: int, pose: dict, agent_y: float, target: Path,
                  writer, ext: str, images, stats, report: SceneReport) -> None:
    index = int(scene.frames.index[k])
    event = _step(controller, action="Teleport",
                  position={"x": pose["position"]["x"], "y": agent_y,
                            "z": pose["position"]["z"]},
                  rotation={"x": 0.0, "y": pose["yaw"], "z": 0.0}, horizon=pose["horizon"],
                  standing=True)
    meta = _event_metadata(event, f"frame {index}")
    if not meta.get("lastActionSuccess", False):
        report.failed.append(f"frame {index}: AI2-THOR refused the pose "
                             f"({meta.get('errorMessage') or 'no reason given'})")
        return
    gap = _pose_gap(meta, pose)
    if gap:
        report.failed.append(f"frame {index}: {gap}")
        return
    frame = getattr(event, "frame", None)
    if frame is None:
        report.failed.append(f"frame {index}: the controller returned no image")
        return
    file = target / f"{index:06d}.{ext}"
    writer(np.asarray(frame), file)
    images[index] = f"{target.name}/{file.name}"
    stats["height"].append(float(meta["cameraPosition"]["y"]) - pose["position"]["y"])
    report.rendered += 1


def _pose_gap(meta: dict, pose: dict) -> str | None:
    """How far the camera AI2-THOR reports is from the requested pose, if too far."""
    try:
        cam = meta["cameraPosition"]
        dx = float(cam["x"]) - pose["position"]["x"]
        dz = float(cam["z"]) - pose["position"]["z"]
        yaw = float(meta["agent"]["rotation"]["y"])
        horizon = float(meta["agent"]["cameraHorizon"])
    except (KeyError, TypeError, ValueError):
        return "the event metadata has no camera pose (cameraPosition, agent rotation)"
    off = math.hypot(dx, dz)
    turn = max(_angle_gap(yaw, pose["yaw"]), abs(horizon - pose["horizon"]))
    if off > POSITION_TOLERANCE or turn > ANGLE_TOLERANCE:
        return (f"AI2-THOR put the camera {off:.3f} m and {turn:.1f} degrees away from the "
                "recorded pose; not rendered from elsewhere")
    return None


def _objects_matched(scene, meta: dict) -> float:
    """Share of the scene's objects whose id is live within MATCH_RADIUS of its centre."""
    live = {}
    for o in meta.get("objects") or []:
        try:
            live[o["objectId"]] = unity_point(o["axisAlignedBoundingBox"]["center"])
        except (KeyError, TypeError, ValueError):
            continue
    found = sum(1 for i, oid in enumerate(scene.ids)
                if oid in live and np.linalg.norm(live[oid] - scene.center[i]) <= MATCH_RADIUS)
    return found / max(1, scene.n)


def _with_images(doc: dict, scene, path: Path, images: dict[int, str], stats, name: str):
    """The document with the new images and ``source.render``; validated before use."""
    new = json.loads(json.dumps(doc))
    for frame in new.get("frames") or []:
        if isinstance(frame, dict) and frame.get("index") in images:
            frame["image"] = images[frame["index"]]
    heights = stats["height"]
    source = dict(new.get("source") or {})
    source["render"] = {"simulator": "ai2thor", "scene": name,
                        "objects_matched": round(float(stats["matched"] or 0.0), 4),
                        "camera_height_offset": round(float(np.mean(heights)), 4)}
    new["source"] = source
    scene_from_dict(new, origin=str(path))  # never write a scene that does not load
    return new
