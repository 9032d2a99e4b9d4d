"""`spdsl run` and `spdsl scenes ...`: programs on scenes."""

from __future__ import annotations

import json
import sys

from .cli import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, UsageError, _EXTRA_COMMANDS, compile_file
from .diagnostics import render_all_text


def _load_scenes(refs: list[str]):
    """Every scene named by the --scene references, loaded lazily one by one."""
    from .scenes.sources import expand_refs, load_scene

    for ref in expand_refs(refs):
        yield ref, load_scene(ref)


def cmd_run(args) -> int:
    from .api import Program
    from .runtime.eval import Limits
    from .scenes.errors import SceneError

    checked = compile_file(args.program)
    if not checked.ok:
        print(render_all_text(checked.diagnostics, checked.source), file=sys.stderr)
        return EXIT_ERROR
    program = Program(checked)
    limits = Limits(steps=args.max_steps, seconds=args.time_limit)
    status, many = EXIT_OK, _is_batch(args.scene)
    try:
        for _ref, scene in _load_scenes(args.scene):
            result = program.run(scene, limits, trace=args.trace)
            _print_result(result, args, many)
            status = max(status, EXIT_OK if result.ok else EXIT_REJECTED)
    except SceneError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    return status


def _is_batch(refs: list[str]) -> bool:
    return len(refs) > 1 or any(c in r for r in refs for c in ",*?[") or any(
        not r.endswith(".json") and ":" not in r for r in refs)


def _print_result(result, args, many: bool) -> None:
    if args.json:
        body = result.to_json()
        if args.trace:
            body["trace"] = [{"name": n, "value": v} for n, v in result.trace]
        if not many:
            body.pop("scene")
        print(json.dumps(body, ensure_ascii=False))
        return
    for name, value in result.trace:
        print(f"  let {name} = {value}")
    prefix = f"{result.scene}: " if many else ""
    if result.ok:
        unit = f" {result.answer.unit}" if result.answer.unit else ""
        print(f"{prefix}{result.answer.text}{unit}")
    else:
        r = result.rejection
        print(f"{prefix}rejected [{r.kind}] at {r.span.line}:{r.span.column}: {r.message}")


def cmd_scenes_list(args) -> int:
    from .scenes.sources import list_scenes

    for name in list_scenes(args.source):
        print(name)
    return EXIT_OK


def cmd_scenes_show(args) -> int:
    from collections import Counter

    from .scenes.sources import load_scene

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
    from .outputs import output_file
    from .scenes.format import write_scene
    from .scenes.sources import load_scene

    out = output_file(args.output)
    write_scene(load_scene(args.scene), out)
    print(f"wrote {out}")
    return EXIT_OK


def scene_errors_exit(handler):
    """Scene problems are bad input: their message, exit 2."""
    def run(args):
        from .scenes.errors import SceneError

        try:
            return handler(args)
        except SceneError as exc:
            raise UsageError(str(exc)) from None
    return run


# Callables ``f(ssub)`` adding actions to the `scenes` subparsers (e.g. walk, import).
SCENE_ACTIONS: list = []


def register(sub) -> None:
    run = sub.add_parser("run", help="answer a program on one or more scenes",
                         description="Run a program; exit 0 if every scene answered, 1 if a "
                         "scene rejected it, 2 on a compile error or a bad scene.")
    run.add_argument("program", metavar="PROGRAM")
    run.add_argument("--scene", action="append", required=True, metavar="SCENE",
                     help="a *.scene.json file, a directory of them, ithor:FloorPlanN, "
                     "robothor:I, a glob such as ithor:*; repeat or separate with commas")
    run.add_argument("--json", action="store_true", help="one JSON object per scene")
    run.add_argument("--trace", action="store_true", help="print the value of each `let`")
    run.add_argument("--max-steps", type=int, default=1_000_000, help="step budget")
    run.add_argument("--time-limit", type=float, default=2.0, help="seconds per scene")
    run.set_defaults(handler=cmd_run)
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
    for add_actions in SCENE_ACTIONS:  # more `scenes` actions from other modules (cli_sims)
        add_actions(ssub)


_EXTRA_COMMANDS.append(register)
