"""How fast `spdsl review` draws: items per second, with pictures, wall and CPU.

Generates a fixed dataset first (every task on a few built-in rooms with a camera walk,
seed 0; about a minute, not timed), then times, in this process:

- ``review``: ``build_review`` end to end (read, re-run, draw, write the page) with
  pictures for every item and ``--workers`` processes (default 1), as `spdsl review`
  runs; its CPU time counts the worker processes too;
- ``pictures``: the drawing step alone (``check_item`` with a picture) over the same
  items, warm (scenes read and object names searched once before);
- ``old path``: the same items drawn the way `spdsl review` drew before the scene sheets
  (a new figure per item, ``render`` at 100 DPI, ``to_bytes`` at 80), and the ratio.

    python bench/bench_review.py [--items N] [--rooms K] [--workers W] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spatial_dsl.generation import generate  # noqa: E402
from spatial_dsl.review import build_review, check_item, load_records  # noqa: E402
from spatial_dsl.review.checks import PICTURE_DPI, _scene  # noqa: E402

ROOMS = ["ithor:FloorPlan1", "ithor:FloorPlan201", "ithor:FloorPlan301", "ithor:FloorPlan401",
         "robothor:1", "robothor:30"]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (review workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(step) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    step()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def old_picture(root, record) -> bytes | None:
    """An item's picture as `spdsl review` drew it before: a new figure per item."""
    from spatial_dsl.naming import ObjectNames
    from spatial_dsl.show import analyse_program, render, to_bytes

    scene = _scene(root, record["scene_file"])
    analysis = analyse_program(record["program"], scene, [], name=record["id"])
    names = ObjectNames.of(scene, record.get("seed") or 0)
    drawing = render(scene, analysis, title=record["id"], names=names)
    return to_bytes(drawing.figure, "png", dpi=PICTURE_DPI, colors=128)


def line(what: str, n: int, wall: float, cpu: float) -> None:
    print(f"  {what:<11} {n:5d} items  {wall:7.2f} s wall  {cpu:7.2f} s CPU  "
          f"{n / wall:6.1f} items/s wall  {n / cpu:6.1f} items/CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200, help="items drawn (default 200)")
    parser.add_argument("--rooms", type=int, default=4, help=f"rooms (1-{len(ROOMS)}, default 4)")
    parser.add_argument("--workers", type=int, default=1, help="review processes (default 1)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the old path")
    args = parser.parse_args()
    os.environ.setdefault("SPDSL_CACHE_DIR", tempfile.gettempdir() + "/spdsl-cache-bench")
    with tempfile.TemporaryDirectory() as tmp:
        out = generate(ROOMS[:args.rooms], ["all"], Path(tmp) / "ds", per_scene=2, walk=16,
                       workers=1, progress=False).out
        root, _files, records = load_records(out)
        step = max(1, len(records) // args.items)
        sample = records[::step][:args.items]
        n = len(sample)
        print(f"review: {n} of {len(records)} items of {args.rooms} rooms (every task), "
              f"pictures at {PICTURE_DPI} DPI")
        (root / "sample.jsonl").write_text("".join(json.dumps(r) + "\n" for r in sample))
        wall, cpu = timed(lambda: build_review(root / "sample.jsonl", Path(tmp) / "r.html",
                                               limit=n, workers=args.workers))
        line(f"review -j{args.workers}", n, wall, cpu)
        for record in sample:  # warm: scenes read, object names searched
            check_item(root, record, False)
        wall, cpu = timed(lambda: [check_item(root, r, True) for r in sample])
        line("pictures", n, wall, cpu)
        if not args.no_baseline:
            old_wall, old_cpu = timed(lambda: [old_picture(root, r) for r in sample])
            line("old path", n, old_wall, old_cpu)
            print(f"  pictures vs old path: {old_wall / wall:.1f}x wall, "
                  f"{old_cpu / cpu:.1f}x CPU")


if __name__ == "__main__":
    main()
