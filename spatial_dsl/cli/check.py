"""`spdsl check`: parse and type-check programs (optionally against scenes' names)."""

from __future__ import annotations

import json
import sys

from ..lang.check.checker import Checked
from .common import compile_file, print_diagnostics
from .errors import EXIT_ERROR, EXIT_OK, UsageError


def cmd_check(args) -> int:
    scenes = _scene_tables(args.scene) if args.scene else []
    records, clean = [], True
    for path in args.files:
        try:
            checked = compile_file(path)
        except UsageError as exc:  # one unreadable file does not hide the others' results
            print(f"spdsl: error: {exc}", file=sys.stderr)
            clean = False
            continue
        # one compile, then the names against each scene (as `run` checks them)
        runs = [(scene_id, _with_names(checked, table)) for scene_id, table in scenes] \
            or [(None, checked)]
        for scene_id, result in runs:
            clean = clean and result.ok
            if args.format == "json":
                extra = {"scene": scene_id} if len(scenes) > 1 else {}
                records += [{**d.to_json(), "file": path, **extra} for d in result.diagnostics]
            elif result.diagnostics:
                if len(scenes) > 1:
                    print(f"in scene {scene_id}:")
                print_diagnostics(result, sys.stdout)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False))
    return EXIT_OK if clean else EXIT_ERROR


def _with_names(checked: Checked, table) -> Checked:
    """The checked program with the E-SCENE-NAME errors of one scene added, in order."""
    from dataclasses import replace

    from spatial_dsl.lang.check.checker import scene_name_diagnostics

    extra = scene_name_diagnostics(checked, table)
    if not extra:
        return checked
    merged = sorted(checked.diagnostics + extra, key=lambda d: (d.span.line, d.span.column))
    return replace(checked, diagnostics=merged)


def _scene_tables(refs: list[str]) -> list:
    """(scene id, name table) of every scene the --scene arguments name (lists, globs and
    directories as for `run`)."""
    from ..scenes.errors import SceneError
    from ..scenes.names import SceneNameTable
    from ..scenes.sources import expand_refs, load_scene

    try:
        return [(scene.id, SceneNameTable(scene))
                for scene in (load_scene(ref) for ref in expand_refs(refs))]
    except SceneError as exc:
        raise UsageError(str(exc)) from None


def register(sub) -> None:
    check = sub.add_parser("check", help="parse and type-check programs",
                           description="Parse and type-check programs; exit 0 if clean, 2 on "
                           "errors.")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--scene", action="append", metavar="SCENE",
                       help="also check category and label names against these scenes (as "
                       "for run: files, directories, ithor:FloorPlanN, globs such as "
                       "'ithor:*', comma lists; repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_check)
