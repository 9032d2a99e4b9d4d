"""`spdsl scenes walk`, `spdsl scenes import` and `spdsl capture ai2thor` (package ``sims``).

Bad input of any kind (a scene, a file to import, options, a capture that
cannot start) is a message and exit 2; outputs are written atomically (a temp
file or staging directory, then a rename), so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from .cli import EXIT_OK, UsageError, _EXTRA_COMMANDS
from .cli_run import SCENE_ACTIONS
from .cli_run import scene_errors_exit as _scene_errors


def _write_scene_file(scene, output: str) -> None:
    from .scenes.format import write_scene

    out = Path(output)
    if out.is_dir():
        raise UsageError(f"{output}: is a directory (give the scene file to write)")
    if not out.parent.is_dir():
        raise UsageError(f"{output}: directory {out.parent} does not exist")
    try:
        write_scene(scene, out)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def _check_camera_options(args) -> None:
    problems = []
    if args.width < 1 or args.height < 1:
        problems.append("--width and --height must be positive")
    if not 0 < args.hfov < 180:
        problems.append(f"--hfov must be in (0, 180) degrees, got {args.hfov:g}")
    if problems:
        raise UsageError("; ".join(problems))


# --------------------------------------------------------------------------- scenes walk


def cmd_scenes_walk(args) -> int:
    from sims.walk import WalkOptions, walk_scene

    from .scenes.sources import load_scene

    if args.frames < 1:
        raise UsageError(f"-n/--frames must be at least 1, got {args.frames}")
    _check_camera_options(args)
    if args.eye_height <= 0:
        raise UsageError(f"--eye-height must be positive, got {args.eye_height:g}")
    if not -89 <= args.pitch <= 89:
        raise UsageError(f"--pitch must be in [-89, 89] degrees, got {args.pitch:g}")
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


def cmd_scenes_import(args) -> int:
    from sims.importers import import_doc

    from .scenes.format import scene_from_dict

    out = Path(args.output)
    options = {}
    if args.kind == "mesh":
        options = {"up": args.up, "name": args.name}
    elif args.kind == "sprite":
        _check_camera_options(args)
        options = {"episode": args.episode, "handedness": args.handedness,
                   "width": args.width, "height": args.height, "hfov_deg": args.hfov}
    elif args.kind == "ai2thor":
        options = {"image_base": out.parent}
    ignored = [flag for flag, kinds, value in (
        ("--up", ("mesh",), args.up), ("--name", ("mesh",), args.name),
        ("--episode", ("sprite",), args.episode),
        ("--handedness", ("sprite",), args.handedness != "left"))
        if value and args.kind not in kinds]
    if ignored:
        raise UsageError(f"{', '.join(ignored)}: not an option of --from {args.kind}")
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


def cmd_capture_ai2thor(args) -> int:
    from sims.ai2thor.capture import CaptureOptions, capture

    scene = args.scene.split(":", 1)[1] if args.scene.lower().startswith("ithor:") else args.scene
    options = CaptureOptions(scene=scene, frames=args.walk, width=args.width,
                             height=args.height, hfov_deg=args.hfov, pitch_deg=args.pitch,
                             seed=args.seed, image_format=args.image_format,
                             platform=args.platform)
    factory = _controller_factory(args.controller)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)

    result = capture(options, args.output, controller_factory=factory, log=log)
    skipped = f", {len(result.skipped)} poses skipped" if result.skipped else ""
    print(f"wrote {result.out_dir}: {result.frames} frames ({result.image_format} images)"
          f"{skipped}; scene {result.scene_file}")
    return EXIT_OK


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
    walk.add_argument("--seed", type=int, default=0, help="random seed (0)")
    _camera_flags(walk)
    walk.add_argument("--eye-height", type=float, default=1.5,
                      help="camera height above the floor in metres (1.5)")
    walk.add_argument("--pitch", type=float, default=15.0,
                      help="camera pitch in degrees, positive looks down (15)")
    walk.add_argument("-o", "--output", required=True, metavar="OUT.scene.json")
    walk.set_defaults(handler=_scene_errors(cmd_scenes_walk))

    imp = ssub.add_parser(
        "import", help="convert AI2-THOR metadata, SPRITE, ScanNet boxes or a mesh",
        description="Convert another format into a spdsl.scene/1 file (see sims/README.md).")
    imp.add_argument("--from", dest="kind", required=True,
                     choices=("ai2thor", "sprite", "scannet", "mesh"), help="input format")
    imp.add_argument("input", metavar="INPUT")
    imp.add_argument("-o", "--output", required=True, metavar="OUT.scene.json")
    imp.add_argument("--up", choices=("y", "z"),
                     help="mesh: up axis (default: y for glTF, z for OBJ/PLY)")
    imp.add_argument("--name", help="mesh: name for a file holding one unnamed mesh")
    imp.add_argument("--episode", help="sprite: episode N when INPUT is the data directory")
    imp.add_argument("--handedness", choices=("left", "right"), default="left",
                     help="sprite: left (AI2-THOR/Unity, default) or right (Habitat) y-up")
    _camera_flags(imp)
    imp.set_defaults(handler=_scene_errors(cmd_scenes_import))


def register(sub) -> None:
    cap = sub.add_parser("capture", help="record frames from a simulator",
                         description="Record images, metadata and a scene file from a "
                         "simulator along a camera walk.")
    csub = cap.add_subparsers(dest="capture_command", metavar="SIMULATOR", required=True)
    thor = csub.add_parser(
        "ai2thor", help="capture an AI2-THOR room (needs pip install 'spdsl[ai2thor]')",
        description="Start AI2-THOR, teleport the agent along a planned walk and save each "
        "frame's RGB image, metadata and the simulator's visibility flags.")
    thor.add_argument("--scene", required=True, help="AI2-THOR scene, e.g. FloorPlan1")
    thor.add_argument("--walk", type=int, default=40, metavar="N", help="frames (40)")
    thor.add_argument("-o", "--output", required=True, metavar="DIR",
                      help="new (or empty) output directory")
    _camera_flags(thor)
    thor.add_argument("--pitch", type=float, default=15.0,
                      help="camera horizon in degrees, positive looks down (15; -30..60)")
    thor.add_argument("--seed", type=int, default=0, help="walk seed (0)")
    thor.add_argument("--image-format", choices=("png", "jpg", "npy"), default="png")
    thor.add_argument("--platform", choices=("cloud",),
                      help="cloud: headless rendering on a GPU (ai2thor CloudRendering)")
    thor.add_argument("--controller", metavar="MODULE:CALLABLE",
                      help="advanced: factory called with the Controller keyword arguments "
                      "instead of ai2thor.controller.Controller")
    thor.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    thor.set_defaults(handler=_scene_errors(cmd_capture_ai2thor))


SCENE_ACTIONS.append(add_scene_actions)
_EXTRA_COMMANDS.append(register)
