"""`spdsl capture ai2thor`: record, or render, frames in AI2-THOR (package ``sims``).

Bad input of any kind (a scene, a file to import, options, a capture that
cannot start) is a message and exit 2; outputs are written atomically (a temp
file or staging directory, then a rename), so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from sims.options import CaptureOptions

from .common import option_default, scene_errors_exit, seed_arg
from .errors import EXIT_OK, EXIT_REJECTED, UsageError


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
    from sims.ai2thor.capture import capture

    from ..outputs import output_dir

    scene = args.scene.split(":", 1)[1] if args.scene.lower().startswith("ithor:") else args.scene
    flags = {"frames": args.walk, "width": args.width, "height": args.height,
             "hfov_deg": args.hfov, "pitch_deg": args.pitch, "seed": args.seed,
             "visibility_distance": args.visibility_distance}
    given = {name: value for name, value in flags.items() if value is not None}
    options = CaptureOptions(scene=scene, image_format=args.image_format,
                             platform=args.platform, **given)  # the rest: its defaults
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
    from ..outputs import output_dir

    target = Path(poses)
    if target.is_dir():
        output_dir(target, option="--poses")
        if (target / "scenes").is_dir():  # a dataset: its scene files are in scenes/
            output_dir(target / "scenes", option="--poses")
    elif target.exists():
        output_dir(target.parent, option="--poses")


def _logger(args):
    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)
    return log


# --------------------------------------------------------------------------- parsers


def register(sub) -> None:
    def default(name: str):  # the library's default, written once (CaptureOptions)
        return option_default(CaptureOptions, name)

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
    thor.add_argument("--walk", type=int, metavar="N",
                      help=f"capture: frames ({default('frames')})")
    thor.add_argument("-o", "--output", metavar="DIR",
                      help="capture: new (or empty) output directory")
    thor.add_argument("--poses", metavar="PATH",
                      help="render the frames of a *.scene.json file, a directory of them or "
                      "a spdsl generate output directory (images beside each scene file, "
                      "in <stem>.frames/)")
    thor.add_argument("--width", type=int, help=f"capture: image width ({default('width')})")
    thor.add_argument("--height", type=int,
                      help=f"capture: image height ({default('height')})")
    thor.add_argument("--hfov", type=float, help="capture: horizontal field of view in "
                      f"degrees ({default('hfov_deg'):g})")
    thor.add_argument("--pitch", type=float,
                      help="capture: camera horizon in degrees, positive looks down "
                      f"({default('pitch_deg'):g}; -30..60)")
    thor.add_argument("--seed", type=seed_arg, help=f"capture: walk seed ({default('seed')})")
    thor.add_argument("--image-format", choices=("png", "jpg", "npy"),
                      default=default("image_format"))
    thor.add_argument("--visibility-distance", type=float, metavar="M",
                      help="capture: AI2-THOR's visibilityDistance in metres (default "
                      f"{default('visibility_distance'):g}: "
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
    thor.set_defaults(handler=scene_errors_exit(cmd_capture_ai2thor))
