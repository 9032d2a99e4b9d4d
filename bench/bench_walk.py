"""Walk + visibility benchmark (prints figures; does not gate).

Plans a 60-frame camera walk through ithor:FloorPlan1 and computes every
frame's visibility (frustum + box occlusion, 48 surface samples per object).
Prints the best wall-clock seconds of a few runs (target: under 5 s) and the
number of visible (frame, object) pairs.

Usage: python bench/bench_walk.py [--frames N] [--scene REF] [--repeat K]
"""

from __future__ import annotations

import argparse
import time

from sims.walk import WalkOptions, walk_frames
from spatial_dsl.scenes.sources import load_scene


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scene", default="ithor:FloorPlan1")
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scene = load_scene(args.scene)  # loading is not part of the figure
    best, pairs = float("inf"), 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        frames, _poses = walk_frames(scene, WalkOptions(frames=args.frames, seed=0))
        best = min(best, time.perf_counter() - start)
        pairs = sum(len(f["visible"]) for f in frames)
    print(f"walk + visibility, {args.scene}, {args.frames} frames, {scene.n} objects: "
          f"{best:.3f} s (best of {args.repeat}; target < 5 s)")
    print(f"visible (frame, object) pairs: {pairs}")


if __name__ == "__main__":
    main()
