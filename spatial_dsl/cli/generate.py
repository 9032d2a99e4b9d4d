"""`spdsl generate`: task templates over scenes into a dataset (``spatial_dsl.generation``).

    spdsl generate --scenes 'ithor:*' --tasks all -o out/ [--per-scene 10] [--seed 0]
                   [--format jsonl|llava|parquet|sharegpt] [--walk 40] [--workers N]
                   [--executor local|ray] [--ray-address ADDR] [--max-share X]

Bad input is a message and exit 2 (the library's ``GenerateError``); a task file that does
not compile is reported and skipped. Exit 0 on success.
"""

from __future__ import annotations

import sys

from ..generation import GenerateError, generate
from .common import option_default, seed_arg
from .errors import EXIT_OK, UsageError


def cmd_generate(args) -> int:
    scenes = [s for group in args.scenes for s in group]
    tasks = [t for group in args.tasks for t in group]
    try:
        result = generate(scenes, tasks, args.output, per_scene=args.per_scene, seed=args.seed,
                          fmt=args.format, walk=args.walk, workers=args.workers,
                          executor=args.executor, ray_address=args.ray_address,
                          max_share=args.max_share, progress=not args.quiet)
    except GenerateError as exc:
        raise UsageError(str(exc)) from None
    stats = result.stats
    skipped = f", {len(stats['skipped_tasks'])} task(s) skipped" if stats["skipped_tasks"] \
        else ""
    print(f"wrote {result.items} items from {stats['scenes']} scenes and "
          f"{len(stats['tasks'])} tasks to {result.data_file}{skipped} "
          f"({stats['run']['wall_seconds']:.1f} s)")
    for line in skip_report(stats, args.walk):
        print(f"spdsl: {line}", file=sys.stderr)
    return EXIT_OK


# the fix for each reason a task does not run on a scene (TaskSceneStats.skipped)
SKIP_FIXES = {
    "no frames": "image and video tasks need frames: give scenes without frames a camera "
                 "walk with --walk N (e.g. --walk 40), or give scenes that have frames",
}


def skip_report(stats: dict, walk: int | None = None) -> list[str]:
    """One line per reason tasks were skipped or kept no item, with how many and the fix
    (what stats.json holds, said where a user looks)."""
    lines = []
    for name, reason in stats["skipped_tasks"].items():
        lines.append(f"task {name} skipped on every scene: {reason}")
    skipped: dict[str, dict[str, int]] = {}  # reason -> task -> scenes skipped
    for name, task in stats["tasks"].items():
        for reason, count in task["scenes_skipped"].items():
            skipped.setdefault(reason, {})[name] = count
    for reason, counts in sorted(skipped.items()):
        fix = SKIP_FIXES.get(reason, "see stats.json (tasks.*.scenes_skipped)")
        if reason == "no frames" and walk:
            fix = "the camera walk failed on those scenes (stats.json: walk_failures)"
        lines.append(f"{len(counts)} of {len(stats['tasks'])} tasks skipped on up to "
                     f"{max(counts.values())} of {stats['scenes']} scene(s) "
                     f"({sum(counts.values())} task-scene pairs): {reason}; {fix}")
    for scene, error in stats.get("walk_failures", {}).items():
        lines.append(f"no camera walk for {scene}: {error}")
    empty = [name for name, task in stats["tasks"].items()
             if task["items"] == 0 and task["scenes_run"] > 0]
    if empty:
        shown = ", ".join(empty[:8]) + (", ..." if len(empty) > 8 else "")
        lines.append(f"{len(empty)} task(s) ran but kept no item ({shown}): every binding was "
                     "filtered or rejected; stats.json lists the rejections per task")
    return lines


def _int(text: str) -> int:
    import argparse

    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def register(sub) -> None:
    def default(name: str):  # the library's default, written once (generate(), GenerateOptions)
        return option_default(generate, name)

    gen = sub.add_parser(
        "generate", help="instantiate task templates over scenes into a dataset",
        description="Instantiate task templates over scenes and write a dataset "
        "(jsonl, llava, parquet or sharegpt) with the scenes used, stats.json and a Hugging "
        "Face dataset card (README.md). Resumable: "
        "rerun the same command to finish an interrupted run. Exit 0 on success, 2 on "
        "bad input.")
    gen.add_argument("--scenes", action="append", nargs="+", required=True, metavar="SCENES",
                     help="scene files, directories, ithor:FloorPlanN, robothor:I, globs "
                     "such as ithor:*; comma lists allowed")
    gen.add_argument("--tasks", action="append", nargs="+", required=True,
                     metavar="TASKS", help="task files, directories of them, bundled task "
                     "names, or `all`; comma lists allowed")
    gen.add_argument("-o", "--output", required=True, metavar="OUT",
                     help="output directory (created; a rerun resumes it)")
    gen.add_argument("--per-scene", type=_int, default=default("per_scene"), metavar="N",
                     help=f"items per task per scene at most (default {default('per_scene')})")
    gen.add_argument("--seed", type=seed_arg, default=default("seed"),
                     help=f"random seed (default {default('seed')})")
    gen.add_argument("--format", choices=("jsonl", "llava", "parquet", "sharegpt"),
                     default=default("fmt"), help=f"dataset format (default {default('fmt')}); "
                     "sharegpt also writes LLaMA-Factory's dataset_info.json")
    gen.add_argument("--walk", type=_int, metavar="N",
                     help="give every scene without frames a camera walk of N frames first")
    gen.add_argument("--workers", type=_int, metavar="N",
                     help="worker processes (default: all cores)")
    gen.add_argument("--executor", choices=("local", "ray"), default=default("executor"),
                     help=f"local process pool or Ray tasks (default {default('executor')})")
    gen.add_argument("--ray-address", metavar="ADDR",
                     help="Ray cluster address (default: start a local Ray instance)")
    gen.add_argument("--max-share", type=float, metavar="X",
                     help="largest share of one answer among a Bool/categorical task's "
                     "items (default 0.5 for Bool, else 1/#answers + 0.1)")
    gen.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(handler=cmd_generate)
