"""`spdsl scenes list|show|export|walk|import`: scene utilities.

`walk` plans a camera walk (package ``sims``); `import` converts another tool's scene
export. Scene problems are bad input (exit 2); outputs are written atomically, so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sims.options import WalkOptions

from ..limits import MAX_WALK_FRAMES
from .common import option_default, scene_errors_exit, seed_arg
from .errors import EXIT_OK, UsageError


def cmd_scenes_list(args) -> int:
    from ..scenes.sources import list_scenes

    for name in list_scenes(args.source):
        print(name)
    return EXIT_OK


def cmd_scenes_show(args) -> int:
    from collections import Counter

    from ..scenes.sources import load_scene

    scene = load_scene(args.scene)
    counts = Counter(scene.categories)
    room = scene.room
    print(f"scene {scene.id}: {scene.n} objects, {len(counts)} categories, "
          f"{scene.frames.count} frames")
    print(f"room: {room.length:.2f} m x {room.width:.2f} m, area {room.area:.2f} m2, "
          f"height {room.height:.2f} m")
    print("categories: " + ", ".join(f"{c} x{n}" for c, n in sorted(counts.items())))
    if args.objects:
        for i in range(scene.n):
            c = scene.center[i]
            print(f"  {scene.ids[i]}  {scene.labels[i]}  center=({c[0]:.2f}, {c[1]:.2f}, "
                  f"{c[2]:.2f})  height={scene.top[i] - scene.bottom[i]:.2f}")
    return EXIT_OK


def cmd_scenes_export(args) -> int:
    from ..outputs import output_file
    from ..scenes.format import write_scene
    from ..scenes.sources import load_scene

    out = output_file(args.output)
    write_scene(load_scene(args.scene), out)
    print(f"wrote {out}")
    return EXIT_OK


def _write_scene_file(scene, output: str) -> None:
    from ..outputs import output_file, write_error_message
    from ..scenes.format import write_scene

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
    from sims.walk import walk_scene

    from ..outputs import output_file
    from ..scenes.sources import load_scene

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

    from ..outputs import output_file
    from ..scenes.format import scene_from_dict

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


# --------------------------------------------------------------------------- parsers


def _walk_default(name: str):
    """The library's default of a walk option, written once (``sims.options.WalkOptions``)."""
    return option_default(WalkOptions, name)


def _camera_flags(parser) -> None:
    width, height, hfov = (_walk_default(n) for n in ("width", "height", "hfov_deg"))
    parser.add_argument("--width", type=int, default=width, help=f"image width (default {width})")
    parser.add_argument("--height", type=int, default=height,
                        help=f"image height (default {height})")
    parser.add_argument("--hfov", type=float, default=hfov,
                        help=f"horizontal field of view in degrees (default {hfov:g})")


def _add_walk_and_import(ssub) -> None:
    walk = ssub.add_parser(
        "walk", help="plan a camera walk with visibility through a scene",
        description="Plan a loop through the room's free floor at eye height, turning in "
        "place at corners, and compute each frame's visible objects geometrically "
        "(frustum + occlusion by boxes). Frame k has time k s. Deterministic for a seed.")
    walk.add_argument("scene", metavar="SCENE",
                      help="a *.scene.json file, ithor:FloorPlanN, robothor:I, KIND:PATH")
    frames, seed = _walk_default("frames"), _walk_default("seed")
    eye_height, pitch = _walk_default("eye_height"), _walk_default("pitch_deg")
    walk.add_argument("-n", "--frames", type=int, default=frames,
                      help=f"number of frames ({frames})")
    walk.add_argument("--seed", type=seed_arg, default=seed, help=f"random seed ({seed})")
    _camera_flags(walk)
    walk.add_argument("--eye-height", type=float, default=eye_height,
                      help=f"camera height above the floor in metres ({eye_height:g})")
    walk.add_argument("--pitch", type=float, default=pitch,
                      help=f"camera pitch in degrees, positive looks down ({pitch:g})")
    walk.add_argument("-o", "--output", required=True, metavar="OUT.scene.json",
                      help="the file to write (parent directories are created)")
    walk.set_defaults(handler=scene_errors_exit(cmd_scenes_walk))

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
    imp.set_defaults(handler=scene_errors_exit(cmd_scenes_import))


def register(sub) -> None:
    scenes = sub.add_parser("scenes", help="list, show, export, walk and import scenes",
                            description="Scene utilities.")
    ssub = scenes.add_subparsers(dest="scenes_command", metavar="ACTION", required=True)
    listing = ssub.add_parser("list", help="list the scenes of a source (ithor, robothor)")
    listing.add_argument("source", nargs="?", help="ithor or robothor (default: both)")
    listing.set_defaults(handler=scene_errors_exit(cmd_scenes_list))
    show = ssub.add_parser("show", help="objects, counts and frames of a scene")
    show.add_argument("scene", metavar="SCENE")
    show.add_argument("--objects", action="store_true", help="list every object")
    show.set_defaults(handler=scene_errors_exit(cmd_scenes_show))
    export = ssub.add_parser("export", help="write a scene as a spdsl.scene/1 file")
    export.add_argument("scene", metavar="SCENE")
    export.add_argument("-o", "--output", required=True, metavar="FILE.scene.json",
                        help="the file to write (parent directories are created)")
    export.set_defaults(handler=scene_errors_exit(cmd_scenes_export))
    _add_walk_and_import(ssub)


