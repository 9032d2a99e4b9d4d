"""`spdsl generate` benchmark (prints figures; does not gate).

1. Throughput: every bundled task (stdlib/tasks, whatever is there) on all 120 iTHOR
   rooms, each given a camera walk, with 1 and with 2 workers: items, total seconds and
   items per second, and whether the target (>= 100,000 items in under 5 minutes) is met.
   The two runs must produce the same bytes; that is checked too.
2. Where the time goes: per-scene phases (walk, scene I/O, tasks) and, inside the
   engine, the most expensive tasks split into where / answer / choices / jitter / items,
   measured in-process on a sample of rooms.
3. Batched against the baseline, in this process: the same sample of rooms through
   ``SceneEngine`` with batching (a batch of jittered worlds, segmented higher-order
   calls) and with ``batched=False`` (each jittered copy and each row alone, as before
   batching): items per CPU-second of each, their ratio, and whether the items are the
   same. A ratio measured in one process is what to compare across runs on a shared
   machine, where the absolute figures move with the load.

Usage: python bench/bench_generate.py [--quick] [--workers 1,2] [--per-scene N]
       [--walk N] [--scenes REFS] [--tasks SPEC] [--keep DIR] [--sample N]
       [--baseline N]

``--quick`` uses 12 rooms (3 of each kind) instead of 120. The machine is shared with
other work in CI and development, so CPU seconds are printed next to wall seconds.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spatial_dsl.generation import generate  # noqa: E402
from spatial_dsl.scenes.format import scene_from_json, scene_to_json, to_json_text  # noqa: E402
from spatial_dsl.scenes.sources import expand_refs, load_scene  # noqa: E402
from spatial_dsl.tasks import GenerateOptions, SceneEngine, load_tasks  # noqa: E402

QUICK_SCENES = ",".join(f"ithor:FloorPlan{base + i}" for base in (1, 201, 301, 401)
                        for i in range(3))
TARGET_ITEMS, TARGET_SECONDS = 100_000, 300.0


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def throughput(args, refs: list[str], root: Path) -> dict[int, Path]:
    outs = {}
    print(f"== throughput: {len(refs)} scenes, tasks {args.tasks}, per-scene "
          f"{args.per_scene}, walk {args.walk}")
    for workers in args.workers:
        out = root / f"w{workers}"
        cpu0, t0 = cpu_seconds(), time.perf_counter()
        result = generate(refs, [args.tasks], out, per_scene=args.per_scene,
                              walk=args.walk, workers=workers, progress=False)
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
        run = result.stats["run"]
        print(f"workers={workers}: {result.items} items in {wall:.1f} s wall "
              f"({result.items / wall:.0f} items/s; {cpu:.1f} CPU-s = "
              f"{result.items / cpu:.0f} items per CPU-second; per scene "
              f"{run['scene_seconds'] / max(1, result.stats['scenes']):.2f} s of worker time)")
        if len(refs) >= 120:
            met = result.items >= TARGET_ITEMS and wall < TARGET_SECONDS
            print(f"  target >= {TARGET_ITEMS} items in < {TARGET_SECONDS:.0f} s: "
                  f"{'met' if met else 'NOT met'}")
        outs[workers] = out
    if len(outs) > 1:
        first, *rest = outs.values()
        data = result.data_file.name
        same = all(filecmp.cmp(first / data, o / data, shallow=False) for o in rest)
        print(f"same bytes for {', '.join(f'{w} worker(s)' for w in outs)}: {same}")
    return outs


def where_time_goes(args, refs: list[str], sample: int) -> None:
    from sims.walk import WalkOptions, walk_scene_doc

    templates, broken = load_tasks([args.tasks])
    phases: Counter = Counter()
    timings: Counter = Counter()
    items: Counter = Counter()
    picked = refs[:: max(1, len(refs) // sample)][:sample]
    for ref in picked:
        t0 = time.perf_counter()
        scene = load_scene(ref)
        t1 = time.perf_counter()
        text = None
        if args.walk and scene.frames.count == 0:
            text = to_json_text(walk_scene_doc(scene, WalkOptions(frames=args.walk))) + "\n"
        t2 = time.perf_counter()
        scene = scene_from_json(text or scene_to_json(scene))
        t3 = time.perf_counter()
        engine = SceneEngine(scene, GenerateOptions(per_scene=args.per_scene))
        assert engine.jittered  # built once per scene
        t4 = time.perf_counter()
        for template in templates:
            produced, _ = engine.run_task(template)
            items[template.name] += len(produced)
        t5 = time.perf_counter()
        phases.update({"load": t1 - t0, "walk": t2 - t1, "scene text + reload": t3 - t2,
                       "jittered copies": t4 - t3, "tasks": t5 - t4})
        timings.update(engine.timings)
    total = sum(phases.values())
    print(f"== where the time goes ({len(picked)} scenes in-process, {total:.1f} s, "
          f"{total / len(picked):.2f} s per scene)")
    for phase, seconds in phases.most_common():
        print(f"  {phase:<22}{seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    by_phase: Counter = Counter()
    by_task: Counter = Counter()
    for (task, phase), seconds in timings.items():
        by_phase[phase] += seconds
        by_task[task] += seconds
    print("  engine phases: " + ", ".join(f"{p} {s:.2f} s" for p, s in by_phase.most_common()))
    print("  slowest tasks (seconds, items; where / answer / jitter):")
    for task, seconds in by_task.most_common(12):
        split = " / ".join(f"{timings[task, p]:.2f}" for p in ("where", "answer", "jitter"))
        print(f"    {task:<34}{seconds:6.2f} s {items[task]:5d} items  ({split})")


def _walked(ref: str, walk: int):
    from sims.walk import WalkOptions, walk_scene_doc

    scene = load_scene(ref)
    if walk and scene.frames.count == 0:
        return scene_from_json(to_json_text(walk_scene_doc(scene, WalkOptions(frames=walk)))
                               + "\n")
    return scene_from_json(scene_to_json(scene))


def against_baseline(args, refs: list[str], sample: int) -> None:
    """Items per CPU-second batched and one by one (``batched=False``), same process."""
    import json

    templates, _ = load_tasks([args.tasks])
    picked = refs[:: max(1, len(refs) // sample)][:sample]
    scenes = [_walked(ref, args.walk) for ref in picked]
    figures, outputs = {}, {}
    for batched in (False, True):
        cpu0, made, out = time.process_time(), 0, []
        for scene in scenes:
            engine = SceneEngine(scene, GenerateOptions(per_scene=args.per_scene),
                                 batched=batched)
            for template in templates:
                produced, stats = engine.run_task(template)
                made += len(produced)
                out.append((produced, stats.to_json()))
        cpu = time.process_time() - cpu0
        figures[batched] = (made, cpu)
        outputs[batched] = json.dumps(out, sort_keys=True)
    print(f"== batched against the baseline ({len(scenes)} scenes in-process, CPU seconds)")
    for batched, label in ((False, "baseline (one by one)"), (True, "batched")):
        made, cpu = figures[batched]
        print(f"  {label:<22}{made:6d} items {cpu:7.2f} CPU-s {made / cpu:7.0f} items per "
              f"CPU-second")
    ratio = figures[False][1] / figures[True][1]
    print(f"  speed-up {ratio:.2f}x; same items and stats: {outputs[True] == outputs[False]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="12 rooms instead of 120")
    parser.add_argument("--scenes", default=None, help="scene references (default ithor:*)")
    parser.add_argument("--tasks", default="all", help="task spec (default: all bundled)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    parser.add_argument("--per-scene", type=int, default=25)
    parser.add_argument("--walk", type=int, default=40)
    parser.add_argument("--sample", type=int, default=6, help="rooms profiled in-process")
    parser.add_argument("--baseline", type=int, default=3,
                        help="rooms compared with the unbatched baseline (0: skip)")
    parser.add_argument("--keep", metavar="DIR", help="keep the outputs in DIR")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",") if w]
    refs = expand_refs(args.scenes or (QUICK_SCENES if args.quick else "ithor:*"))
    for ref in refs:  # warm the scene cache so the first run does not pay for it
        load_scene(ref)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        throughput(args, refs, root)
        if args.sample > 0:  # --sample 0 skips the in-process profile
            where_time_goes(args, refs, args.sample)
        if args.baseline > 0:
            against_baseline(args, refs, args.baseline)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
