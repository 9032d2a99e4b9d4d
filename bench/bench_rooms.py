"""Rooms benchmark (prints figures; does not gate).

1. Room inference (``spatial_dsl.scenes.rooms``) for all 195 built-in scenes:
   the RoboTHOR shell from the 75 RoboTHOR scenes, then ``infer_room`` for
   each scene. Scenes are loaded (from the cache) before the clock starts.
2. Walk + visibility with walls: a 60-frame walk through ithor:FloorPlan1
   (its inferred polygon, walls as occluders) and robothor:0 (inner walls).
   Target: under 1 s for FloorPlan1.
3. Before / after for the rooms named in issue 13: ``room.area`` and how
   many of a 30-frame walk's cameras stand outside the inferred room, for the
   scene without a room (v0.1: the bounding rectangle of all boxes, the
   floor's included) and with it.

Usage: python bench/bench_rooms.py [--repeat K] [--frames N]
"""

from __future__ import annotations

import argparse
import time

from sims.walk import WalkOptions, plan_poses, walk_frames
from spatial_dsl.scenes.format import dump_scene, scene_from_dict
from spatial_dsl.scenes.rooms import infer_room, inside_polygon, robothor_shell
from spatial_dsl.scenes.sources import list_scenes, load_scene

ISSUE_ROOMS = ("FloorPlan311", "FloorPlan418", "FloorPlan15", "FloorPlan402", "FloorPlan428")


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def infer_all(scenes: dict) -> int:
    robothor = [s for ref, s in scenes.items() if ref.startswith("robothor:")]
    shell = robothor_shell(robothor)
    cuts = 0
    for ref, scene in scenes.items():
        room = infer_room(scene, shell if ref.startswith("robothor:") else None)
        cuts += len(room.report.get("cuts", []))
    return cuts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--frames", type=int, default=60)
    args = parser.parse_args()
    scenes = {ref: load_scene(ref) for ref in list_scenes()}  # not part of the figures
    seconds, cuts = best_of(args.repeat, lambda: infer_all(scenes))
    print(f"room inference, {len(scenes)} built-in scenes: {seconds:.3f} s "
          f"(best of {args.repeat}; {1000 * seconds / len(scenes):.1f} ms per scene, "
          f"{cuts} cuts)")
    for ref, target in (("ithor:FloorPlan1", " ; target < 1 s"), ("robothor:0", "")):
        scene = scenes[ref]
        seconds, (frames, _poses) = best_of(
            args.repeat, lambda s=scene: walk_frames(s, WalkOptions(frames=args.frames, seed=0)))
        pairs = sum(len(f["visible"]) for f in frames)
        print(f"walk + visibility with walls, {ref}, {args.frames} frames, {scene.n} objects, "
              f"{len(scene.room.wall_segments())} walls: {seconds:.3f} s "
              f"(best of {args.repeat}{target}); {pairs} visible (frame, object) pairs")
    before_after(scenes)


def before_after(scenes: dict) -> None:
    for name in ISSUE_ROOMS:
        after = scenes[f"ithor:{name}"]
        doc = dump_scene(after)
        del doc["room"]
        before = scene_from_dict(doc, origin=name)  # no room: the v0.1 bounding rectangle
        cells = []
        for label, scene in (("before", before), ("after", after)):
            poses = plan_poses(scene, WalkOptions(frames=30, seed=0))
            outside = int((~inside_polygon(poses.position[:, :2], after.room.floor)).sum())
            cells.append(f"{label}: area {scene.room.area:6.2f} m2, "
                         f"{outside:2d}/30 cameras outside the room")
        print(f"{name:13s} " + " | ".join(cells))


if __name__ == "__main__":
    main()
