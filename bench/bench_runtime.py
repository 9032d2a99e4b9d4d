"""Runtime benchmark (prints figures; does not gate).

1. A fixed suite of 20 typical programs on all 120 iTHOR rooms: total seconds and
   programs x scenes per second.
2. Scaling on synthetic seeded scenes of 100, 1,000 and 10,000 objects for three
   queries, vectorized runtime vs the naive reference interpreter in the same run.
3. Visibility and time builtins (seen, first_seen, in_view, co_visible, ...) on a
   seeded scene of 100 objects x 300 frames (an ordinary walk-sized scene), and on a
   large one (10,000 objects x --vis-frames frames, 20 objects seen per frame):
   ms per run and the process's peak memory.

Usage: python bench/bench_runtime.py [--quick] [--only suite|scaling|visibility]
       [--vis-frames 100000]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from spatial_dsl import compile_program, expand_refs, load_scene
from spatial_dsl.scenes.format import scene_from_dict

SUITE = [
    'answer count("Cabinet")',
    'answer exists("Microwave")',
    'answer round(the("Fridge").height in cm)',
    'answer count(filter(objects, o => o.height > 1m))',
    'answer argmax(objects, o => o.volume)',
    'answer round(room.area in m2, 1)',
    'answer labels(filter(objects, o => inside(o, the("Fridge"))))',
    'let f = the("Floor")\nanswer count(filter(objects, o => on(o, f)))',
    'answer count(filter(objects, o => near(o, the("Sink"), within=0.5m)))',
    'answer argmin(minus(objects, "Floor"), o => gap(o, the("Fridge")))',
    'answer round(max(objects, o => o.top) in m, 2)',
    'answer round(mean(objects, o => o.height) in cm, 1)',
    'answer count(filter(objects, o => higher(o, the("Floor"))))',
    'answer any(objects, o => o.volume > 1m3)',
    'answer all(objects, o => o.bottom > -1m)',
    'let s = sort(filter(objects, o => o.volume > 0.2m3), o => o.volume)\nanswer len(s)',
    'answer count(filter(objects, o => count(children(o)) > 0))',
    'let c = map(filter(objects, o => o.height > 1.5m), o => o.category)\nanswer len(c)',
    'answer round(sum(objects, o => o.footprint) in m2, 1)',
    'answer count(filter(objects, o => between(o, the("Floor"), the("Fridge"), within=1m)))',
]


def bench_suite() -> None:
    refs = expand_refs(["ithor:*"])
    t0 = time.perf_counter()
    scenes = [load_scene(r) for r in refs]
    load_s = time.perf_counter() - t0
    programs = [compile_program(text) for text in SUITE]
    # a room without a category a program names by a literal is a compile-time error
    # there (E-SCENE-NAME, Program.run raises SceneNameError): those pairs are not run
    pairs = [(p, s) for p in programs for s in scenes if not p.check_scene(s)]
    t0 = time.perf_counter()
    answered = rejected = 0
    for program, scene in pairs:
        result = program.run(scene)
        answered += result.ok
        rejected += not result.ok
    run_s = time.perf_counter() - t0
    runs = len(pairs)
    skipped = len(programs) * len(scenes) - runs
    print(f"suite: {len(programs)} programs x {len(scenes)} iTHOR rooms = {runs} runs "
          f"({answered} answered, {rejected} rejected; {skipped} pairs skipped: the room "
          "lacks a name the program uses)")
    print(f"  loading scenes: {load_s:.2f} s; running: {run_s:.2f} s "
          f"= {runs / run_s:,.0f} programs x scenes / s (target: < 10 s)")


def synthetic_scene(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    side = max(5.0, np.sqrt(n) * 0.8)
    objects = []
    for i in range(n):
        yaw = rng.uniform(-np.pi, np.pi)
        objects.append({
            "id": f"obj{i:05d}", "category": "Anchor" if i == 0 else f"Cat{i % 20}",
            "center": [float(rng.uniform(0, side)), float(rng.uniform(0, side)),
                       float(rng.uniform(0.2, 2.0))],
            "size": [float(x) for x in rng.uniform(0.1, 1.0, 3)],
            "rotation": [0.0, 0.0, float(np.sin(yaw / 2)), float(np.cos(yaw / 2))]})
    return scene_from_dict({"format": "spdsl.scene/1", "id": f"synthetic/{n}",
                            "objects": objects}, f"synthetic-{n}")


SCALING = {
    # answers Borderline (objects overlapping x tie at gap 0), after computing every gap
    "argmin gap": 'let x = the("Anchor")\nanswer argmin(objects, o => gap(o, x))',
    "count near": 'let x = the("Anchor")\nanswer count(filter(objects, o => near(o, x)))',
    "10 statements": """let x = the("Anchor")
let big = filter(objects, o => o.volume > 0.2m3)
let close = filter(big, o => distance(o, x) < 3m)
let tall = argmax(objects, o => o.height)
let low = min(objects, o => o.bottom)
let n = count(close)
let h = mean(big, o => o.height)
let far = argmax(close, o => horizontal_distance(o, x))
assert n > 0 else "nothing close"
answer round(h in cm, 1)""",
}


def _time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_scaling(sizes: list[int]) -> None:
    try:
        from spatial_dsl.runtime.reference import run_reference
    except ImportError:
        run_reference = None
    print("scaling: best of runs, ms (vectorized | reference | ratio)")
    for n in sizes:
        scene = synthetic_scene(n)
        for name, text in SCALING.items():
            program = compile_program(text)
            vec = _time(lambda p=program, s=scene: p.run(s), 5) * 1000
            line = f"  n={n:>6}  {name:<14} {vec:9.2f} ms"
            if run_reference is not None and n <= 1000:
                ref = _time(lambda p=program, s=scene: run_reference(p.checked, s), 1) * 1000
                line += f" | {ref:9.1f} ms | {ref / vec:6.1f}x"
            print(line)


VISIBILITY = {
    "visible in one frame": 'answer count(filter(objects, o => visible(o, frame(5))))',
    "in_view": 'answer count(in_view(frame(7)))',
    "seen (all objects)": 'answer count(filter(objects, o => seen(o)))',
    "first_seen argmin": 'answer argmin(filter(objects, o => seen(o)), o => first_seen(o) * '
                         '100000 - last_seen(o))',
    "co_visible": 'let x = the("Anchor")\nanswer count(filter(objects, o => co_visible(o, x)))',
    "in_view per frame": 'answer len(map(frames, f => count(in_view(f))))',
}


def seen_scene(n: int, frames: int, per_frame: int, seed: int = 0):
    """``n`` objects, ``frames`` frames each showing ``per_frame`` random objects (object 0,
    "Anchor", in every third frame)."""
    rng = np.random.default_rng(seed)
    ids = [f"obj{i:05d}" for i in range(n)]
    objects = [{"id": ids[i], "category": "Anchor" if i == 0 else f"Cat{i % 20}",
                "center": [float(i % 100) * 0.3, float(i // 100) * 0.3, 0.5],
                "size": [0.2, 0.2, 0.2]} for i in range(n)]
    camera = {"position": [0.0, 0.0, 1.5], "rotation": [0.0, 0.0, 0.0, 1.0],
              "width": 64, "height": 48, "hfov_deg": 90}
    frame_docs = []
    for k in range(frames):
        shown = set(rng.choice(n, size=min(per_frame, n), replace=False).tolist())
        if k % 3 == 0:
            shown.add(0)
        frame_docs.append({"index": k, "time": float(k), "camera": camera,
                           "visible": {ids[j]: 0.5 for j in sorted(shown)}})
    return scene_from_dict({"format": "spdsl.scene/1", "id": f"seen/{n}x{frames}",
                            "objects": objects, "frames": frame_docs}, "seen-scene")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_visibility(large_frames: int) -> None:
    print("visibility: best of runs, ms per run (peak memory of the process so far)")
    programs = {name: compile_program(text) for name, text in VISIBILITY.items()}
    for n, frames, repeat in ((100, 300, 20), (10_000, large_frames, 3)):
        t0 = time.perf_counter()
        scene = seen_scene(n, frames, 20)
        print(f"  {n} objects x {frames} frames: built and loaded in "
              f"{time.perf_counter() - t0:.1f} s, peak {_peak_mb():,.0f} MB")
        for name, program in programs.items():
            ms = _time(lambda p=program, s=scene: p.run(s), repeat) * 1000
            result = program.run(scene)
            outcome = result.answer.text if result.ok else result.rejection.kind
            print(f"    {name:<22} {ms:10.2f} ms  -> {outcome:<10} peak {_peak_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-object scene")
    parser.add_argument("--only", choices=("suite", "scaling", "visibility"))
    parser.add_argument("--vis-frames", type=int, default=100_000,
                        help="frames of the large visibility scene (default 100,000)")
    args = parser.parse_args()
    if args.only in (None, "suite"):
        bench_suite()
    if args.only in (None, "scaling"):
        bench_scaling([100, 1000] if args.quick else [100, 1000, 10000])
    if args.only in (None, "visibility"):
        bench_visibility(10_000 if args.quick else args.vis_frames)


if __name__ == "__main__":
    main()
