"""Scene-loader benchmark (prints figures; does not gate).

Loading must be linear in the file. Three hostile shapes that once took minutes
(issue 14), each generated here at a few sizes so the growth is visible:

- a parent chain: object k's parent is object k-1 (3,000 deep: 45 s before);
- objects that all name a missing parent (10,000: more than 300 s before);
- one frame listing unknown visibility ids (1,000: 52 s before);

plus a valid scene of plain objects for comparison. For each: file size, seconds
to parse + validate (+ build when valid), and how many problems were reported.

Usage: python bench/bench_loader.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import time

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import scene_from_json

CAMERA = {"position": [0.0, 0.0, 1.5], "rotation": [0.0, 0.0, 0.0, 1.0], "width": 64,
          "height": 48, "hfov_deg": 90}


def _object(k: int, parent: str | None = None) -> dict:
    return {"id": f"Box|{k:06d}", "category": "Box", "center": [k * 0.01, 0.0, 0.5],
            "size": [0.1, 0.1, 0.1], "rotation": [0.0, 0.0, 0.0, 1.0], "parent": parent}


def chain(n: int) -> dict:
    return {"format": "spdsl.scene/1", "id": "bench/chain",
            "objects": [_object(k, f"Box|{k - 1:06d}" if k else None) for k in range(n)]}


def missing_parent(n: int) -> dict:
    return {"format": "spdsl.scene/1", "id": "bench/missing-parent",
            "objects": [_object(k, "Nope|000000") for k in range(n)]}


def unknown_visibility(n: int) -> dict:
    frame = {"index": 0, "time": 0.0, "camera": CAMERA,
             "visible": {f"Bax|{k:06d}": 0.5 for k in range(n)}}
    return {"format": "spdsl.scene/1", "id": "bench/unknown-visibility",
            "objects": [_object(k) for k in range(n)], "frames": [frame]}


def plain(n: int) -> dict:
    return {"format": "spdsl.scene/1", "id": "bench/plain",
            "objects": [_object(k) for k in range(n)]}


SHAPES = {"parent chain": chain, "missing parent": missing_parent,
          "unknown visibility ids": unknown_visibility, "valid objects": plain}


def load_seconds(text: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        scene = scene_from_json(text, "bench")
        outcome = f"loaded, {scene.n} objects"
    except SceneError as exc:
        outcome = f"refused, {len(exc.problems)} problems"
    return time.perf_counter() - t0, outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the smaller sizes")
    args = parser.parse_args()
    sizes = (1_000, 3_000) if args.quick else (1_000, 3_000, 10_000, 30_000)
    print("scene loader: seconds to parse, validate and build (linear: ~10x per 10x size)")
    for name, make in SHAPES.items():
        for n in sizes:
            text = json.dumps(make(n))
            seconds, outcome = load_seconds(text)
            print(f"  {name:<24} n={n:>6}  {len(text) / 1e6:6.2f} MB  {seconds:7.2f} s  "
                  f"{outcome}")


if __name__ == "__main__":
    main()
