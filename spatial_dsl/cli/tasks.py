"""`spdsl tasks list|show`: the task templates (bundled in stdlib/tasks, or given)."""

from __future__ import annotations

import sys

from .errors import EXIT_OK, UsageError


def _task_rows(paths) -> list[tuple[str, str, str]]:
    from ..tasks import BrokenTask, load_task_file

    rows = []
    for path in paths:
        loaded = load_task_file(path)
        if isinstance(loaded, BrokenTask):
            rows.append((loaded.name, "?", f"(does not compile: {loaded.reason})"))
        else:
            note = f" (skipped by generate: {loaded.skip_reason})" if loaded.skip_reason else ""
            rows.append((loaded.name, loaded.modality, loaded.description + note))
    return rows


def cmd_tasks_list(args) -> int:
    from ..tasks import TaskSpecError, bundled_task_files, resolve_task_files

    if args.paths:
        try:
            paths = resolve_task_files(args.paths)
        except TaskSpecError as exc:
            raise UsageError(str(exc)) from None
    else:
        paths = list(bundled_task_files().values())
    rows = _task_rows(paths)
    if not rows:
        print("no task files found", file=sys.stderr)
        return EXIT_OK
    width = max(len(r[0]) for r in rows)
    for name, modality, description in rows:
        print(f"{name:<{width}}  {modality:<8}{description}".rstrip())
    return EXIT_OK


def cmd_tasks_show(args) -> int:
    from ..tasks import TaskSpecError, resolve_task_files

    try:
        paths = resolve_task_files([args.name])
    except TaskSpecError as exc:
        raise UsageError(str(exc)) from None
    for path in paths:
        try:
            sys.stdout.write(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {path}: {exc}") from None
    return EXIT_OK


def register(sub) -> None:
    tasks = sub.add_parser("tasks", help="list and show task templates",
                           description="The task templates bundled in stdlib/tasks.")
    tsub = tasks.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    listing = tsub.add_parser("list", help="task names, modality and description")
    listing.add_argument("paths", nargs="*", metavar="PATH",
                         help="task files or directories (default: the bundled tasks)")
    listing.set_defaults(handler=cmd_tasks_list)
    show = tsub.add_parser("show", help="print a task file")
    show.add_argument("name", metavar="NAME", help="a bundled task name or a task file")
    show.set_defaults(handler=cmd_tasks_show)
