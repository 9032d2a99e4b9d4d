"""Reference-search benchmark: synthesized unique references on all 120 iTHOR rooms.

For every object of a category that occurs more than once in its room, the search
(spatial_dsl.refer, allocentric kinds 1-4: the iTHOR metadata has no frames) looks
for references and proves each one on the room and 8 jittered copies. Printed:

- seconds of the search (scene loading excluded) against the 60 s target;
- coverage, the share of multi-instance objects with at least one reference,
  against the 80 % target, per kind, per room type and for the worst categories;
- a check, asserted: every reference, compiled and run on its own exactly as
  `spdsl run` would (``compile_program(...).run(scene)``), answers its object --
  never a rejection (zero or several objects) and never another object.

Usage: python bench/bench_refer.py [--quick] [--profile] [--frames] [--chain N]
  --quick    every 6th room
  --chain N  chained rounds (default 1), 0 for unique landmarks only
  --profile  cProfile the search, print the top functions
  --frames   also walk each room (sims.walk) and search view references (kind 5)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spatial_dsl import compile_program, expand_refs, load_scene  # noqa: E402
from spatial_dsl.refer import DEFAULT_CHAIN, find_references  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_COVERAGE = 0.80
ROOM_TYPES = [(1, 30, "kitchens"), (201, 230, "living rooms"), (301, 330, "bedrooms"),
              (401, 430, "bathrooms")]


def room_type(scene_id: str) -> str:
    number = int(scene_id.rsplit("FloorPlan", 1)[1])
    return next(name for lo, hi, name in ROOM_TYPES if lo <= number <= hi)


def search(scenes, frames: bool, chain: int = DEFAULT_CHAIN):
    reports = []
    started = time.perf_counter()
    for scene in scenes:
        reports.append(find_references(scene, frames=frames, chain=chain))
    return reports, time.perf_counter() - started


def verify(scenes, reports) -> tuple[int, float]:
    """Every reference compiled and run on its own answers exactly its object."""
    started = time.perf_counter()
    checked = 0
    for scene, report in zip(scenes, reports):
        for ref in report.references:
            result = compile_program(f"answer ({ref.expression}).id").run(scene)
            got = result.answer.text if result.ok else f"rejected {result.rejection.kind}"
            assert got == ref.object_id, (scene.id, ref.expression, ref.object_id, got)
            checked += 1
    return checked, time.perf_counter() - started


def summarize(title: str, reports, seconds: float) -> None:
    objects = [o for r in reports for o in r.objects]
    referenced = sum(1 for o in objects if o.references)
    coverage = referenced / len(objects)
    kinds = Counter(ref.kind for r in reports for ref in r.references)
    rejected = Counter()
    for r in reports:
        for reason, n in r.rejected.items():
            rejected[reason.split(":")[0]] += n
    print(f"{title}: {len(reports)} rooms, {len(objects)} multi-instance objects")
    ok_time = "ok" if seconds < TARGET_SECONDS else "MISSED"
    ok_cov = "ok" if coverage >= TARGET_COVERAGE else "MISSED"
    print(f"  search: {seconds:.1f} s ({1000 * seconds / len(reports):.0f} ms per room; "
          f"target < {TARGET_SECONDS:.0f} s for 120 rooms: {ok_time})")
    print(f"  coverage: {referenced}/{len(objects)} = {100 * coverage:.1f}% "
          f"(target >= {100 * TARGET_COVERAGE:.0f}%: {ok_cov})")
    print("  references by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    chained_only = sum(1 for o in objects if o.references and all(r.chained for r in o.references))
    print(f"  objects referenced only through a chained landmark: {chained_only}")
    print("  candidates dropped: " + ", ".join(f"{k} {n}" for k, n in rejected.most_common()))
    by_type: dict[str, list[int]] = {}
    for r in reports:
        slot = by_type.setdefault(room_type(r.scene), [0, 0])
        slot[0] += r.referenced
        slot[1] += len(r.objects)
    print("  by room type: " + ", ".join(f"{name} {100 * a / b:.0f}% ({a}/{b})"
                                         for name, (a, b) in by_type.items()))
    per_cat: dict[str, list[int]] = {}
    for o in objects:
        slot = per_cat.setdefault(o.category, [0, 0])
        slot[0] += bool(o.references)
        slot[1] += 1
    worst = sorted(per_cat.items(), key=lambda kv: kv[1][0] - kv[1][1])[:8]
    print("  most unreferenced: " + ", ".join(f"{c} {b - a}/{b}" for c, (a, b) in worst))
    grid = {"StoveKnob", "StoveBurner"}
    rest = [o for o in objects if o.category not in grid]
    if len(rest) < len(objects):
        done = sum(1 for o in rest if o.references)
        print(f"  coverage without stove knobs and burners (rows/grids of identical "
              f"fixtures 0.15-0.4 m apart): {done}/{len(rest)} = {100 * done / len(rest):.1f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 6th room")
    parser.add_argument("--profile", action="store_true", help="profile the search")
    parser.add_argument("--frames", action="store_true",
                        help="also walk the rooms and search view references")
    parser.add_argument("--chain", type=int, default=DEFAULT_CHAIN, metavar="N",
                        help=f"chained rounds (default {DEFAULT_CHAIN}; 0: unique landmarks only)")
    args = parser.parse_args()
    refs = expand_refs(["ithor:*"])
    if args.quick:
        refs = refs[::6]
    started = time.perf_counter()
    scenes = [load_scene(r) for r in refs]
    print(f"loaded {len(scenes)} iTHOR rooms in {time.perf_counter() - started:.1f} s")
    find_references(scenes[0])  # warm-up: imports, grammar, caches
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    reports, seconds = search(scenes, frames=False, chain=args.chain)
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    summarize("allocentric references (kinds 1-4)", reports, seconds)
    checked, verify_s = verify(scenes, reports)
    print(f"  verified: all {checked} references, each compiled and run alone, select "
          f"exactly their object ({verify_s:.1f} s)")
    if args.frames:
        from sims.walk import walk_scene

        started = time.perf_counter()
        walked = [walk_scene(s) for s in scenes]
        frames = sum(s.frames.count for s in walked)
        print(f"walked {len(walked)} rooms ({frames} frames) in "
              f"{time.perf_counter() - started:.1f} s")
        reports, seconds = search(walked, frames=True, chain=args.chain)
        summarize("with view references (kinds 1-5)", reports, seconds)
        checked, verify_s = verify(walked, reports)
        print(f"  verified: all {checked} references select exactly their object "
              f"({verify_s:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
