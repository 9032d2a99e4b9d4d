"""`spdsl scenes walk`, `spdsl scenes import` and `spdsl capture ai2thor` (package ``sims``).

Bad input of any kind (a scene, a file to import, options, a capture that
cannot start) is a message and exit 2; outputs are written atomically (a temp
file or staging directory, then a rename), so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .cli import (
    EXIT_OK, EXIT_REJECTED, MAX_WALK_FRAMES, _EXTRA_COMMANDS, UsageError, seed_arg,
)
from .cli_run import SCENE_ACTIONS
from .cli_run import scene_errors_exit as _scene_errors


def _write_scene_file(scene, output: str) -> None:
    from .outputs import output_file, write_error_message
    from .scenes.format import write_scene

    out = output_file(output)  # checked again: the disk may have changed meanwhile
    try:
        write_scene(scene, out)
    except OSError as exc:
        raise UsageError(write_error_message(output, exc)) from None


MAX_IMAGE_SIDE = 65_536  # pixels: the intrinsics stay ordinary numbers


def _check_camera_options(args) -> None:
    problems = []
    if not (1 <= args.width <= MAX_IMAGE_SIDE and 1 <= args.height <= MAX_IMAGE_SIDE):
        problems.append(f"--width and --height must be 1 to {MAX_IMAGE_SIDE} pixels")
    if not 0 < args.hfov < 180:
        problems.append(f"--hfov must be in (0, 180) degrees, got {args.hfov:g}")
    if problems:
        raise UsageError("; ".join(problems))


# --------------------------------------------------------------------------- scenes walk


def cmd_scenes_walk(args) -> int:
    from sims.walk import WalkOptions, walk_scene

    from .outputs import output_file
    from .scenes.sources import load_scene

    if not 1 <= args.frames <= MAX_WALK_FRAMES:
        raise UsageError(f"-n/--frames must be 1 to {MAX_WALK_FRAMES}, got {args.frames}")
    _check_camera_options(args)
    if not 0 < args.eye_height < float("inf"):
        raise UsageError(f"--eye-height must be positive, got {args.eye_height:g}")
    if not -89 <= args.pitch <= 89:
        raise UsageError(f"--pitch must be in [-89, 89] degrees, got {args.pitch:g}")
    output_file(args.output)  # refuse a bad -o before the work
    scene = load_scene(args.scene)
    options = WalkOptions(frames=args.frames, seed=args.seed, width=args.width,
                          height=args.height, hfov_deg=args.hfov, eye_height=args.eye_height,
                          pitch_deg=args.pitch)
    if scene.frames.count:
        print(f"note: {args.scene} has {scene.frames.count} frames; the walk replaces them",
              file=sys.stderr)
    walked = walk_scene(scene, options)
    _write_scene_file(walked, args.output)
    pairs = walked.frames.visible.count
    print(f"wrote {args.output}: {walked.frames.count} frames, {pairs} visible "
          f"(frame, object) pairs")
    return EXIT_OK


# --------------------------------------------------------------------------- scenes import


# flag -> (destination, importer option, the kinds that take it)
IMPORT_FLAGS = (
    ("--up", "up", "up", ("mesh", "habitat")),
    ("--name", "name", "name", ("mesh",)),
    ("--episode", "episode", "episode", ("sprite", "airsim")),
    ("--handedness", "handedness", "handedness", ("sprite",)),
    ("--boxes", "boxes", "boxes", ("sprite", "airsim")),
    ("--width", "width", "width", ("sprite", "airsim")),
    ("--height", "height", "height", ("sprite", "airsim")),
    ("--hfov", "hfov", "hfov_deg", ("sprite", "airsim")),
    ("--labels", "labels", "labels", ("scannet",)),
    ("--scene-id", "scene_id", "scene_id", ("scannet",)),
    ("--unit", "unit", "unit", ("arkitscenes",)),
    ("--unit-size", "unit_size", "unit_size", ("airsim",)),
)


def cmd_scenes_import(args) -> int:
    from sims.importers import import_doc

    from .outputs import output_file
    from .scenes.format import scene_from_dict

    output_file(args.output)  # refuse a bad -o before the work
    options = {}
    wrong = []
    for flag, dest, option, kinds in IMPORT_FLAGS:
        value = getattr(args, dest)
        if value is None:
            continue
        if args.kind not in kinds:
            wrong.append(flag)
        options[option] = value
    if wrong:
        raise UsageError(f"{', '.join(wrong)}: not an option of --from {args.kind}")
    if args.kind in ("sprite", "airsim"):
        _check_camera_options(argparse.Namespace(
            width=options.get("width", 640), height=options.get("height", 480),
            hfov=options.get("hfov_deg", 90.0)))
    if args.kind == "ai2thor":
        options["image_base"] = Path(args.output).parent
    doc = import_doc(args.kind, args.input, **options)
    scene = scene_from_dict(doc, origin=args.input)
    _write_scene_file(scene, args.output)
    print(f"wrote {args.output}: {scene.n} objects, {scene.frames.count} frames")
    return EXIT_OK


# --------------------------------------------------------------------------- capture ai2thor


def _controller_factory(spec: str | None):
    if spec is None:
        return None
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"--controller must be MODULE:CALLABLE, got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--controller: cannot import {module_name}: {exc}") from None
    factory = getattr(module, attr, None)
    if not callable(factory):
        raise UsageError(f"--controller: {module_name} has no callable {attr!r}")
    return factory


CAPTURE_ONLY = (("--scene", "scene"), ("--walk", "walk"), ("-o/--output", "output"),
                ("--width", "width"), ("--height", "height"), ("--hfov", "hfov"),
                ("--pitch", "pitch"), ("--seed", "seed"),
                ("--visibility-distance", "visibility_distance"))
RENDER_ONLY = (("--ai2thor-scene", "ai2thor_scene"), ("--no-scene-check", "no_scene_check"))


def cmd_capture_ai2thor(args) -> int:
    if args.poses is not None:
        return _render_poses(args)
    given = [flag for flag, name in RENDER_ONLY if getattr(args, name)]
    if given:
        raise UsageError(f"{', '.join(given)}: only with --poses")
    if not args.scene or not args.output:
        raise UsageError("give --scene NAME and -o DIR to capture a walk, or --poses PATH to "
                         "render the frames of a scene file or dataset")
    from sims.ai2thor.capture import VISIBILITY_DISTANCE, CaptureOptions, capture

    from .outputs import output_dir

    scene = args.scene.split(":", 1)[1] if args.scene.lower().startswith("ithor:") else args.scene
    options = CaptureOptions(
        scene=scene, frames=_default(args.walk, 40), width=_default(args.width, 640),
        height=_default(args.height, 480), hfov_deg=_default(args.hfov, 90.0),
        pitch_deg=_default(args.pitch, 15.0), seed=_default(args.seed, 0),
        image_format=args.image_format, platform=args.platform,
        visibility_distance=_default(args.visibility_distance, VISIBILITY_DISTANCE))
    factory = _controller_factory(args.controller)
    output_dir(args.output, create=False)  # parents only: capture renames its staging dir
    result = capture(options, args.output, controller_factory=factory, log=_logger(args))
    skipped = f", {len(result.skipped)} poses skipped" if result.skipped else ""
    print(f"wrote {result.out_dir}: {result.frames} frames ({result.image_format} images)"
          f"{skipped}; scene {result.scene_file}")
    return EXIT_OK


def _render_poses(args) -> int:
    """``--poses PATH``: render the recorded frames of a scene file or a dataset."""
    from sims.ai2thor.render import RenderOptions, render

    given = [flag for flag, name in CAPTURE_ONLY if getattr(args, name) is not None]
    if given:
        raise UsageError(f"{', '.join(given)}: not an option with --poses (the frames "
                         "recorded in the scene files give the cameras)")
    options = RenderOptions(image_format=args.image_format, platform=args.platform,
                            ai2thor_scene=args.ai2thor_scene,
                            scene_check=not args.no_scene_check)
    factory = _controller_factory(args.controller)
    _writable_beside(args.poses)
    report = render(args.poses, options, controller_factory=factory, log=_logger(args))
    rendered = sum(s.rendered for s in report.scenes)
    kept = sum(s.kept for s in report.scenes)
    failed = [(s.scene_file, line) for s in report.scenes for line in s.failed]
    skipped = [s for s in report.scenes if s.skipped]
    for scene_file, line in failed:
        print(f"{scene_file}: {line}", file=sys.stderr)
    for s in skipped:
        print(f"{s.scene_file}: not rendered: {s.skipped}", file=sys.stderr)
    summary = (f"rendered {rendered} frames ({kept} already had images) in "
               f"{len(report.scenes)} scene file(s)")
    if report.data_file:
        summary += f"; rewrote {report.data_file}"
    if failed or skipped:
        summary += (f"; {len(failed)} frame(s) and {len(skipped)} scene(s) could not be "
                    "rendered (listed above)")
    print(summary)
    return EXIT_OK if report.complete else EXIT_REJECTED


def _writable_beside(poses: str) -> None:
    """The pictures go beside the scene files: refuse a read-only place before rendering
    (the output-path policy, spatial_dsl/outputs.py). A missing PATH is render's to
    report."""
    from .outputs import output_dir

    target = Path(poses)
    if target.is_dir():
        output_dir(target, option="--poses")
        if (target / "scenes").is_dir():  # a dataset: its scene files are in scenes/
            output_dir(target / "scenes", option="--poses")
    elif target.exists():
        output_dir(target.parent, option="--poses")


def _default(value, default):
    return default if value is None else value


def _logger(args):
    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)
    return log


# --------------------------------------------------------------------------- parsers


def _camera_flags(parser) -> None:
    parser.add_argument("--width", type=int, default=640, help="image width (default 640)")
    parser.add_argument("--height", type=int, default=480, help="image height (default 480)")
    parser.add_argument("--hfov", type=float, default=90.0,
                        help="horizontal field of view in degrees (default 90)")


def add_scene_actions(ssub) -> None:
    walk = ssub.add_parser(
        "walk", help="plan a camera walk with visibility through a scene",
        description="Plan a loop through the room's free floor at eye height, turning in "
        "place at corners, and compute each frame's visible objects geometrically "
        "(frustum + occlusion by boxes). Frame k has time k s. Deterministic for a seed.")
    walk.add_argument("scene", metavar="SCENE",
                      help="a *.scene.json file, ithor:FloorPlanN, robothor:I, KIND:PATH")
    walk.add_argument("-n", "--frames", type=int, default=40, help="number of frames (40)")
    walk.add_argument("--seed", type=seed_arg, default=0, help="random seed (0)")
    _camera_flags(walk)
    walk.add_argument("--eye-height", type=float, default=1.5,
                      help="camera height above the floor in metres (1.5)")
    walk.add_argument("--pitch", type=float, default=15.0,
                      help="camera pitch in degrees, positive looks down (15)")
    walk.add_argument("-o", "--output", required=True, metavar="OUT.scene.json",
                      help="the file to write (parent directories are created)")
    walk.set_defaults(handler=_scene_errors(cmd_scenes_walk))

    imp = ssub.add_parser(
        "import", help="convert AI2-THOR metadata, SPRITE, ScanNet, Habitat, AirSim, "
        "ARKitScenes or a mesh into a scene file",
        description="Convert another format into a spdsl.scene/1 file, z up, metres "
        "(every format and its coordinate conversion: sims/README.md). Kinds: ai2thor (event "
        "metadata or a capture directory), sprite (SPRITE metainfo/N.json), scannet (boxes "
        ".json/.txt with 6 or 7 numbers, VoteNet *_bbox.npy, mmdetection3d *.pkl), habitat "
        "(Replica info_semantic.json, Matterport3D .house), airsim (object-pose list .json "
        "in NED, or a SPRITE AirSim episode), arkitscenes (*_3dod_annotation.json), mesh "
        "(.glb/.gltf/.obj/.ply). The same files load directly as --scene KIND:PATH.")
    imp.add_argument("--from", dest="kind", required=True,
                     choices=("ai2thor", "sprite", "scannet", "habitat", "airsim",
                              "arkitscenes", "mesh"), help="input format")
    imp.add_argument("input", metavar="INPUT")
    imp.add_argument("-o", "--output", required=True, metavar="OUT.scene.json",
                     help="the file to write (parent directories are created)")
    imp.add_argument("--up", choices=("y", "z"),
                     help="mesh: up axis (default: y for glTF, z for OBJ/PLY); habitat: z "
                     "(default, the files' own frame) or y (Habitat's world frame)")
    imp.add_argument("--name", help="mesh: name for a file holding one unnamed mesh")
    imp.add_argument("--episode", help="sprite, airsim: episode N when INPUT is the data "
                     "directory")
    imp.add_argument("--handedness", choices=("left", "right"),
                     help="sprite: left (AI2-THOR/Unity, default) or right (Habitat) y-up")
    imp.add_argument("--boxes", choices=("auto", "world", "local"),
                     help="sprite, airsim: obb.sizes are world-axis extents (world) or "
                     "along the rotated box (local); auto (default) decides from the "
                     "objects' pivots")
    imp.add_argument("--width", type=int, help="sprite, airsim: image width (640)")
    imp.add_argument("--height", type=int, help="sprite, airsim: image height (480)")
    imp.add_argument("--hfov", type=float,
                     help="sprite, airsim: horizontal field of view in degrees (90)")
    imp.add_argument("--labels", metavar="TABLE",
                     help="scannet .npy: nyu40 (default, VoteNet's NYU40 ids), index "
                     "(VoteNet's 0-17 class index) or a JSON file {\"id\": \"name\"}")
    imp.add_argument("--scene-id", help="scannet .pkl: the scene of a multi-scene info file")
    imp.add_argument("--unit", choices=("auto", "m", "mm"),
                     help="arkitscenes: unit of the annotation (auto: checked against the "
                     "mesh beside it, else by box size)")
    imp.add_argument("--unit-size", type=float, metavar="M",
                     help="airsim object lists: metres per unit of simGetObjectScale (1)")
    imp.set_defaults(handler=_scene_errors(cmd_scenes_import))


def register(sub) -> None:
    cap = sub.add_parser("capture", help="record frames from a simulator",
                         description="Record images, metadata and a scene file from a "
                         "simulator along a camera walk.")
    csub = cap.add_subparsers(dest="capture_command", metavar="SIMULATOR", required=True)
    thor = csub.add_parser(
        "ai2thor", help="capture an AI2-THOR room, or render recorded frames "
        "(needs pip install 'spdsl[ai2thor]')",
        description="Capture: start AI2-THOR, teleport the agent along a walk planned on "
        "its reachable positions and save each frame's RGB image, metadata and the "
        "simulator's visibility flags (--scene NAME -o DIR). Render: teleport to every "
        "recorded frame pose of a scene file, of each scene file in a directory, or of a "
        "dataset made by spdsl generate, write the images beside the scene files and fill "
        "each frame's image (--poses PATH). Exit 0 when every frame has an image, 1 when "
        "some could not be rendered (listed), 2 on bad input.")
    thor.add_argument("--scene", help="capture: AI2-THOR scene, e.g. FloorPlan1")
    thor.add_argument("--walk", type=int, metavar="N", help="capture: frames (40)")
    thor.add_argument("-o", "--output", metavar="DIR",
                      help="capture: new (or empty) output directory")
    thor.add_argument("--poses", metavar="PATH",
                      help="render the frames of a *.scene.json file, a directory of them or "
                      "a spdsl generate output directory (images beside each scene file, "
                      "in <stem>.frames/)")
    thor.add_argument("--width", type=int, help="capture: image width (640)")
    thor.add_argument("--height", type=int, help="capture: image height (480)")
    thor.add_argument("--hfov", type=float,
                      help="capture: horizontal field of view in degrees (90)")
    thor.add_argument("--pitch", type=float,
                      help="capture: camera horizon in degrees, positive looks down "
                      "(15; -30..60)")
    thor.add_argument("--seed", type=seed_arg, help="capture: walk seed (0)")
    thor.add_argument("--image-format", choices=("png", "jpg", "npy"), default="png")
    thor.add_argument("--visibility-distance", type=float, metavar="M",
                      help="capture: AI2-THOR's visibilityDistance in metres (default 100: "
                      "recorded 'visible' means in view and unoccluded; AI2-THOR's own "
                      "default, 1.5, would also require the object to be within 1.5 m)")
    thor.add_argument("--ai2thor-scene", metavar="NAME",
                      help="render: the AI2-THOR scene of a scene file that does not name "
                      "it (built-in RoboTHOR scenes)")
    thor.add_argument("--no-scene-check", action="store_true",
                      help="render even when the live room's objects are not where the "
                      "scene file has them")
    thor.add_argument("--platform", choices=("cloud",),
                      help="cloud: headless rendering on a GPU (ai2thor CloudRendering)")
    thor.add_argument("--controller", metavar="MODULE:CALLABLE",
                      help="advanced: factory called with the Controller keyword arguments "
                      "instead of ai2thor.controller.Controller")
    thor.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    thor.set_defaults(handler=_scene_errors(cmd_capture_ai2thor))


SCENE_ACTIONS.append(add_scene_actions)
_EXTRA_COMMANDS.append(register)
