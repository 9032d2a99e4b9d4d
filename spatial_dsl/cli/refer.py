"""`spdsl refer SCENE`: synthesized unique references for multi-instance objects."""

from __future__ import annotations

import json
from collections import Counter

from .common import option_default, seed_arg
from .errors import EXIT_OK, UsageError


def cmd_refer(args) -> int:
    from ..refer import KINDS, find_references
    from ..scenes.errors import SceneError
    from ..scenes.sources import load_scene

    if args.per_kind is not None and args.per_kind < 1:
        raise UsageError("--per-kind must be at least 1")
    if args.chain < 0:
        raise UsageError("--chain must be 0 or more")
    kinds = None
    if args.kinds:
        kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise UsageError(f"unknown kind(s) {', '.join(unknown)}; choose from "
                             f"{', '.join(KINDS)}")
        if "view" in kinds and not args.frames:
            raise UsageError("the `view` kind needs --frames")
    try:
        scene = load_scene(args.scene)
    except SceneError as exc:
        raise UsageError(str(exc)) from None
    per_kind = None if args.all else args.per_kind
    report = find_references(scene, frames=args.frames, seed=args.seed, kinds=kinds,
                             per_kind=per_kind, chain=args.chain)
    if args.json:
        body = report.to_json()
        body["seconds"] = round(report.seconds, 3)
        print(json.dumps(body, ensure_ascii=False))
        return EXIT_OK
    _print_text(report, scene)
    return EXIT_OK


def _print_text(report, scene) -> None:
    counts = Counter(o.category for o in report.objects)
    frames = ", view references" if report.frames else ""
    print(f"scene {report.scene}: {len(report.objects)} objects in {len(counts)} "
          f"categories that occur more than once{frames}")
    for entry in report.objects:
        if not entry.references:
            continue
        print(f"{entry.object_id}")
        for ref in entry.references:
            where = f" [frame {ref.frame}]" if ref.frame is not None else ""
            print(f"  {ref.kind:<8} {ref.text}{where}")
            print(f"           {ref.expression}")
    missing = report.unreferenced
    if missing:
        print(f"no reference found ({len(missing)}):")
        for oid in missing:
            print(f"  {oid}")
    kinds = report.by_kind()
    summary = ", ".join(f"{k} {kinds[k]}" for k in ("label", "extreme", "distance",
                                                     "relation", "view") if kinds[k])
    print(f"coverage: {report.referenced}/{len(report.objects)} = {100 * report.coverage:.1f}%"
          f" of multi-instance objects referenced ({len(report.references)} references"
          f"{': ' + summary if summary else ''}); {report.seconds:.2f} s")


def register(sub) -> None:
    from ..refer import find_references

    def default(name: str):  # the library's default, written once (find_references)
        return option_default(find_references, name)

    refer = sub.add_parser(
        "refer", help="synthesize unique references to objects of repeated categories",
        description="For every object whose category occurs more than once, search "
        "SpatialDSL expressions that select exactly it (label, tallest/largest..., "
        "nearest/farthest to a unique landmark, a relation to one, second-highest/middle in "
        "a stack, relative to an object referenced so (--chain), and with --frames the "
        "leftmost/rightmost/closest in a view), each proved by the runtime on the scene "
        "and under 2 cm jitter. Exit 0, or 2 on a bad scene.")
    refer.add_argument("scene", metavar="SCENE",
                       help="a *.scene.json file, ithor:FloorPlanN, robothor:I")
    refer.add_argument("--json", action="store_true", help="print the report as JSON")
    refer.add_argument("--frames", action="store_true",
                       help="also search view references (one frame each)")
    refer.add_argument("--kinds", metavar="K,K",
                       help="only these kinds: label, extreme, distance, relation, view")
    refer.add_argument("--per-kind", type=int, default=default("per_kind"), metavar="N",
                       help="references proved per object and kind (default "
                       f"{default('per_kind')})")
    refer.add_argument("--all", action="store_true",
                       help="prove every candidate (overrides --per-kind)")
    refer.add_argument("--chain", type=int, default=default("chain"), metavar="N",
                       help="chained rounds: objects still unreferenced may be relative to an "
                       "object referenced in the round before, \"the mug on the tallest "
                       f"chair\" (default {default('chain')}; 0: unique landmarks only)")
    refer.add_argument("--seed", type=seed_arg, default=default("seed"),
                       help=f"seed of the jittered copies (default {default('seed')})")
    refer.set_defaults(handler=cmd_refer)

