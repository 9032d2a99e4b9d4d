"""Per-scene preparation of `spdsl generate`, timed alone (prints figures; does not gate).

Before its tasks run, ``generate`` gives each scene without frames a camera walk
(``sims.walk.walk_scene_doc``) and, when a template names an object of a repeated
category, searches the references that name it (``naming.reference_domain``, i.e.
``refer.find_references`` proving one candidate per object and kind on the engine's
jittered copies). This prints the CPU seconds of each on the 12 rooms of
``bench_generate.py --quick`` (3 kitchens, 3 living rooms, 3 bedrooms, 3 bathrooms),
with ``find_references`` at its defaults (two proofs per kind) for comparison, and a
digest of every output, so a change that should keep the bytes can be checked by eye.

Usage: python bench/bench_scene_prep.py [--walk N] [--repeat K]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sims.walk import WalkOptions, walk_scene_doc  # noqa: E402
from spatial_dsl import load_scene  # noqa: E402
from spatial_dsl.lang.printer import expr as print_expr  # noqa: E402
from spatial_dsl.naming import reference_domain  # noqa: E402
from spatial_dsl.refer import find_references  # noqa: E402
from spatial_dsl.runtime.jitter import (  # noqa: E402
    DEFAULT_RADIUS, DEFAULT_TRIALS, jittered_scenes,
)
from spatial_dsl.seeds import derive_seed  # noqa: E402

ROOMS = [f"ithor:FloorPlan{base + i}" for base in (1, 201, 301, 401) for i in range(3)]


def _domain(scene, jittered, _walk):
    return [(row, print_expr(e), text)
            for row, e, text in reference_domain(scene, 0, jittered)]


def _report(scene, jittered, _walk):
    return find_references(scene, jittered=jittered).to_json()


def _walked(scene, _jittered, walk):
    return walk_scene_doc(scene, WalkOptions(frames=walk, seed=0))


STEPS = {"reference_domain": _domain, "find_references": _report, "walk_scene_doc": _walked}


def timed(step, scene, jittered, walk: int, digest) -> float:
    """CPU seconds of one step on a fresh Scene object (kernels keep memos per scene
    object, so a step must not find the one before it warmed them)."""
    scene = replace(scene)
    start = time.process_time()
    out = step(scene, jittered, walk)
    seconds = time.process_time() - start
    digest.update(json.dumps(out, sort_keys=True, default=str).encode())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walk", type=int, default=40, help="walk frames (default 40)")
    parser.add_argument("--repeat", type=int, default=1, help="best of K runs")
    args = parser.parse_args()
    scenes = [load_scene(ref) for ref in ROOMS]  # loading is not part of the figures
    jitters = [jittered_scenes(s, DEFAULT_TRIALS, DEFAULT_RADIUS,
                               derive_seed(0, s.id, "jitter") % (2 ** 63)) for s in scenes]
    best: dict[str, float] = {}
    digests: dict[str, str] = {}
    for _ in range(args.repeat):
        for name, step in STEPS.items():
            digest = hashlib.sha256()
            seconds = sum(timed(step, scene, jittered, args.walk, digest)
                          for scene, jittered in zip(scenes, jitters))
            best[name] = min(best.get(name, float("inf")), seconds)
            digests[name] = digest.hexdigest()[:16]
    print(f"12 rooms, walk {args.walk} frames, CPU seconds (best of {args.repeat}):")
    for name, seconds in best.items():
        print(f"  {name:17s} {seconds:6.2f} s   output digest {digests[name]}")


if __name__ == "__main__":
    main()
