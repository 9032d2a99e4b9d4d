"""`spdsl run`: a program (or a task template's item program) on scenes."""

from __future__ import annotations

import json
import sys

from ..lang.diagnostics import render_all_text
from ..runtime.eval import Limits
from .common import compile_file, option_default, seed_arg
from .errors import EXIT_ERROR, EXIT_OK, EXIT_REJECTED, UsageError


def cmd_run(args) -> int:
    from ..api import Program
    from ..scenes.errors import SceneError
    from ..scenes.sources import expand_refs

    check_limits(args)
    limits = Limits(steps=args.max_steps, seconds=args.time_limit)
    checked = compile_file(args.program)
    if not checked.ok:
        print(render_all_text(checked.diagnostics, checked.source), file=sys.stderr)
        return EXIT_ERROR
    template, values = _template(args, checked)
    try:
        refs = expand_refs(args.scene)
    except SceneError as exc:
        raise UsageError(str(exc)) from None
    many = _is_batch(args.scene, refs)
    program = Program(checked) if template is None else None
    status = EXIT_OK
    for ref in refs:
        status = max(status, _run_one(ref, program, template, values, limits, args, many))
    return status


def _run_one(ref: str, program, template, values, limits, args, many: bool) -> int:
    """Answer on one scene: print the result (or the error) and return the exit code."""
    from ..api import SceneNameError
    from ..scenes.errors import SceneError
    from ..scenes.sources import load_scene
    from ..task_params import ParamError

    try:
        scene = load_scene(ref)
        if template is not None:
            program, filtered = _instance(template, scene, values, args)
            if filtered is not None:
                _print_result(filtered, args, many)
                return EXIT_REJECTED
        result = program.run(scene, limits, trace=args.trace)
        if result.ok and not args.labels:
            result.answer = _in_words(result.answer, scene)
    except SceneError as exc:
        _print_error(ref, str(exc), args, many)
        return EXIT_ERROR
    except ParamError as exc:
        _print_error(scene.id, str(exc), args, many)
        return EXIT_ERROR
    except SceneNameError as exc:
        _print_scene_names(exc, args, many)
        return EXIT_ERROR
    _print_result(result, args, many)
    return EXIT_OK if result.ok else EXIT_REJECTED


def check_limits(args) -> None:
    """--max-steps and --time-limit must be positive (and finite)."""
    if args.max_steps < 1:
        raise UsageError(f"--max-steps must be at least 1, got {args.max_steps}")
    if not 0 < args.time_limit < float("inf"):
        raise UsageError(f"--time-limit must be a positive number of seconds, got "
                         f"{args.time_limit:g}")


def _template(args, checked):
    """(TaskTemplate, parameter values) for a task file with --params, (None, None) for a
    program; a template without --params is refused as by `show` and `verify`."""
    if checked.task is None:
        if args.params is not None:
            raise UsageError(f"--params instantiates a task template; {args.program} is a "
                             "program")
        return None, None
    example = ",".join(f"{p.name}=..." for p in checked.task.params) or \
        "'' (it has no parameters)"
    if args.params is None:
        raise UsageError(f"{args.program} is a task template; give a program, or instantiate "
                         f"it on the scene with --params {example} (see `spdsl run --help`)")
    from pathlib import Path

    from ..task_params import ParamError, parse_params
    from ..tasks import TaskTemplate, load_task_file

    template = load_task_file(Path(args.program))
    if not isinstance(template, TaskTemplate):
        raise UsageError(template.details or template.reason)
    if template.skip_reason:
        raise UsageError(f"{args.program}: {template.skip_reason}")
    try:
        return template, parse_params(args.params)
    except ParamError as exc:
        raise UsageError(str(exc)) from None


def _instance(template, scene, values, args):
    """(Program of the binding's item, None) or (None, a Filtered result)."""
    from ..api import Program, Result
    from spatial_dsl.lang.check.checker import compile_source
    from ..runtime.values import Rejection
    from ..task_params import instantiate

    instance = instantiate(template, scene, values, seed=args.seed)
    if instance.where is not None:
        where = template.task.where
        binding = ", ".join(f"{k}={v}" for k, v in instance.params.items())
        rejection = Rejection("Filtered", f"{instance.where} ({binding}): `spdsl generate` "
                              "does not ask it", where.span)
        return None, Result(scene.id, rejection=rejection)
    # Parsed from its printed text, not checked as built: a rejection quotes the program's
    # source by span (`no object named "Fridge"`), and a built tree has no spans.
    checked = compile_source(instance.program, f"{args.program} [item program]")
    if not checked.ok:  # a bug: the item programs of generate always compile
        raise RuntimeError("the item program does not compile:\n" +
                           render_all_text(checked.diagnostics, checked.source))
    if args.show_program:
        print(instance.program, end="", file=sys.stderr)
    return Program(checked), None


def _in_words(answer, scene):
    """Objects in the words a question uses, as dataset items write them (naming.py):
    "fridge", "the shortest vase"; an object without words keeps its label. The ids
    stay in ``--json`` (``value`` and ``answer_ids``)."""
    from ..naming import ObjectNames, in_words

    return in_words(answer, ObjectNames.of(scene)).answer


def _is_batch(args: list[str], refs: list[str]) -> bool:
    """Several scenes, or arguments that may name several (a list, a glob, a directory):
    each output line then starts with its scene."""
    from pathlib import Path

    if len(refs) > 1:
        return True
    for arg in args:
        try:
            if Path(arg).is_dir():
                return True
            exists = Path(arg).exists()
        except (OSError, ValueError):
            exists = False
        if not exists and any(c in arg for c in ",*?["):
            return True
    return False


def _print_error(scene: str, message: str, args, many: bool) -> None:
    """A scene that could not be answered for a reason other than the program."""
    if args.json:
        print(json.dumps({"scene": scene, "error": message}, ensure_ascii=False))
    elif many:
        print(f"{scene}: error: {message.splitlines()[0]}")
    print(f"spdsl: error: {message}", file=sys.stderr)


def _print_scene_names(exc, args, many: bool) -> None:
    """E-SCENE-NAME: exactly what `spdsl check --scene` prints, on stderr."""
    if args.json:
        print(json.dumps({"scene": exc.scene, "diagnostics": [d.to_json()
                                                              for d in exc.diagnostics]},
                         ensure_ascii=False))
    elif many:
        first = exc.diagnostics[0]
        print(f"{exc.scene}: error[{first.code}] at {first.span.line}:{first.span.column}: "
              f"{first.message}" + (f" ({first.hint})" if first.hint else ""))
    if many:
        print(f"in scene {exc.scene}:", file=sys.stderr)
    print(str(exc), file=sys.stderr)


def _print_result(result, args, many: bool) -> None:
    if args.json:
        body = result.to_json()
        if args.trace:
            body["trace"] = [{"name": n, "value": v} for n, v in result.trace]
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


def add_limit_flags(parser, steps_help: str, seconds_help: str) -> None:
    """--max-steps and --time-limit, their defaults those of ``runtime.eval.Limits``."""
    steps, seconds = option_default(Limits, "steps"), option_default(Limits, "seconds")
    parser.add_argument("--max-steps", type=int, default=steps, help=steps_help.format(steps))
    parser.add_argument("--time-limit", type=float, default=seconds,
                        help=seconds_help.format(seconds))


def register(sub) -> None:
    run = sub.add_parser("run", help="answer a program on one or more scenes",
                         description="Run a program; exit 0 if every scene answered, 1 if a "
                         "scene rejected it, 2 on a compile error, a name a scene does not "
                         "have (E-SCENE-NAME) or a bad scene (the other scenes still run).")
    run.add_argument("program", metavar="PROGRAM")
    run.add_argument("--scene", action="append", required=True, metavar="SCENE",
                     help="a *.scene.json file, a directory of them, ithor:FloorPlanN, "
                     "robothor:I, a glob such as ithor:*; repeat or separate with commas")
    run.add_argument("--json", action="store_true", help="one JSON object per scene")
    run.add_argument("--trace", action="store_true", help="print the value of each `let`")
    run.add_argument("--labels", action="store_true",
                     help="print objects by their label (language.md §6) instead of the words "
                     "a question uses (\"the largest cabinet\"), which for an object of a "
                     "repeated category needs a reference search of about a second per scene")
    add_limit_flags(run, steps_help="step budget per scene (default {})",
                    seconds_help="seconds per scene (default {:g})")
    run.add_argument("--params", action="append", nargs="?", const="", metavar="NAME=VALUE,...",
                     help="PROGRAM is a task template: run the item program `spdsl generate` "
                     "writes for this binding on each scene (values as in an item's `params`: "
                     "category, object id, frame index, number or literal)")
    run.add_argument("--seed", type=seed_arg, default=0,
                     help="with --params: the generate seed that picks the question's wording")
    run.add_argument("--show-program", action="store_true",
                     help="with --params: print the item program on stderr")
    run.set_defaults(handler=cmd_run)
