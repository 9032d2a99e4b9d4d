"""`spdsl show`: a picture of a program on a scene.

Exit codes: 0 the program answered (or no program was given), 1 the program was
rejected (the picture is still written; its caption says why), 2 a compile error,
a bad scene, a bad option or an unwritable output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .common import compile_file, option_default
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, UsageError
from .run import add_limit_flags, check_limits
from ..lang.diagnostics import render_all_text


def output_path(output: str, suffixes: tuple[str, ...]) -> Path:
    from ..outputs import output_file

    return output_file(output, suffixes)


def _frame_row(scene, frame: int) -> int:
    count = scene.frames.count
    if count == 0:
        raise UsageError(f"--frame {frame}: the scene has no frames")
    row = frame + count if frame < 0 else frame
    if not 0 <= row < count:
        raise UsageError(f"--frame {frame}: the scene has {count} frames (0..{count - 1})")
    return row


def cmd_show(args) -> int:
    from ..runtime.eval import Limits
    from ..scenes.errors import SceneError
    from ..scenes.names import SceneNameTable
    from ..scenes.sources import load_scene
    from ..show import FORMATS, ShowError, analyse, render, save

    out = output_path(args.output, FORMATS)
    check_limits(args)
    if args.dpi <= 0 or args.dpi > 1200:
        raise UsageError(f"--dpi must be in 1..1200, got {args.dpi}")
    try:
        scene = load_scene(args.scene)
    except SceneError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    rows = [_frame_row(scene, args.frame)] if args.frame is not None else []
    analysis = None
    if args.program is not None:
        checked = compile_file(args.program)
        if not checked.ok:
            print(render_all_text(checked.diagnostics, checked.source), file=sys.stderr)
            return EXIT_ERROR
        try:
            analysis = analyse(checked, scene, rows,
                               Limits(steps=args.max_steps, seconds=args.time_limit))
        except ShowError as exc:
            raise UsageError(f"{args.program}: {exc}") from None
        _reject_missing_names(analysis, checked, SceneNameTable(scene))
    drawing = render(scene, analysis, frames=rows if args.program is None and rows else None)
    try:
        save(drawing.figure, out, dpi=args.dpi)
    except OSError as exc:
        from ..outputs import write_error_message

        raise UsageError(write_error_message(out, exc)) from None
    print(f"wrote {out}")
    if analysis is None:
        return EXIT_OK
    if analysis.ok:
        unit = f" {analysis.answer.unit}" if analysis.answer.unit else ""
        print(f"answer: {analysis.answer.text}{unit}")
        return EXIT_OK
    r = analysis.rejection
    print(f"rejected [{r.kind}] at {r.span.line}:{r.span.column}: {r.message}")
    return EXIT_REJECTED


def _reject_missing_names(analysis, checked, table) -> None:
    """A name the scene lacks (E-SCENE-NAME, as `run` and `check --scene` report it) is
    shown as the program's outcome: the picture is still drawn (the scene, what the
    program touched before), captioned with the diagnostic, and `show` exits 1."""
    from spatial_dsl.lang.check.checker import scene_name_diagnostics
    from ..runtime.values import Rejection

    missing = scene_name_diagnostics(checked, table)
    if not missing:
        return
    print(render_all_text(missing, checked.source), file=sys.stderr)
    first = missing[0]
    hint = f" ({first.hint})" if first.hint else ""
    analysis.answer = None
    analysis.answer_objects = ()
    analysis.rejection = Rejection(first.code, first.message + hint, first.span)


def register(sub) -> None:
    show = sub.add_parser(
        "show", help="draw a top-down map of a scene and what a program touched",
        description="Draw a top-down map of the scene (PNG or SVG): object footprints, the "
        "objects each `let` and the answer touched, the cameras of the frames used, and the "
        "question with its answer. Without PROGRAM: the scene and its camera walk. Exit 0 on "
        "an answer, 1 on a rejection (the picture is still written), 2 on a compile error or "
        "a bad scene.")
    show.add_argument("program", nargs="?", metavar="PROGRAM", help="a .sp program (optional)")
    show.add_argument("--scene", required=True, metavar="SCENE",
                      help="a *.scene.json file, ithor:FloorPlanN, robothor:I, ...")
    show.add_argument("--frame", type=int, metavar="I",
                      help="also show frame I (its position in the frame list, as frame(I); "
                      "negative counts from the end)")
    show.add_argument("-o", "--output", required=True, metavar="OUT.png|OUT.svg",
                      help="the picture to write (parent directories are created)")
    from ..show import render

    dpi = option_default(render, "dpi")  # the library's default, written once
    show.add_argument("--dpi", type=int, default=dpi, help=f"resolution of a PNG (default {dpi})")
    add_limit_flags(show, steps_help="step budget", seconds_help="seconds")
    show.set_defaults(handler=cmd_show)
