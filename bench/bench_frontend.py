"""Front-end throughput: parse + type-check of realistic programs, on one core.

A corpus of 50 programs of 5-20 lines (spatial questions about kitchens and
living rooms, using most builtins) is compiled over and over for at least
--seconds (default 3 s) per measurement. Every iteration compiles fresh text
(a varying trailing comment defeats any cache keyed on the text), so the
figure is parse + check work, not lookups. Also reported: parse only, and
check only (on ASTs parsed beforehand).

    .venv/bin/python bench/bench_frontend.py [--seconds 3] [--profile]

Target: >= 1,000 programs/s for parse + check.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from spatial_dsl.lang.check.checker import check, compile_source
from spatial_dsl.lang.source import Source
from spatial_dsl.lang.syntax import parse

TARGET = 1000

CORPUS = [
    '''question "Which is closer to the fridge: the sink or the stove burner?"
let fridge = the("Fridge")
let sink = the("Sink")
let burner = argmin(find("StoveBurner"), b => distance(b, fridge))
assert gap(sink, fridge) > 0m else "sink touches the fridge"
answer if distance(sink, fridge) < distance(burner, fridge) then "sink" else "stove burner"
''',
    '''question "How far apart are the fridge and the microwave, in meters?"
assert count(find("Fridge")) == 1 and count(find("Microwave")) == 1 else "not unique"
let fridge = the("Fridge")
let microwave = the("Microwave")
assert seen(fridge) and seen(microwave) else "not seen"
answer round(distance(fridge, microwave) in m, 2)
''',
    '''question "How many mugs are on the counter?"
let counter = the("CounterTop")
let mugs = find("Mug")
let on_counter = filter(mugs, m => on(m, counter))
assert exists(mugs) else "no mugs"
answer count(on_counter)
''',
    '''question "Is the toaster taller than the coffee machine?"
let toaster = the("Toaster")
let coffee = the("CoffeeMachine")
let diff = toaster.height - coffee.height
assert abs(diff) > 2cm else "too close to call"
answer diff > 0m
''',
    '''question "What is the volume of the fridge, in liters?"
assert count(find("Fridge")) == 1 else "not exactly one fridge"
let fridge = the("Fridge")
let dims = fridge.size
let product = dims.x * dims.y * dims.z
assert fridge.volume > 0m3 else "empty box"
assert abs(product - fridge.volume) < 1L else "inconsistent size"
answer round(fridge.volume in L)
''',
    '''question "Which stool is nearest to the kitchen island?"
let island = the("KitchenIsland")
let stools = find("Stool")
assert count(stools) >= 2 else "needs two stools"
let nearest = argmin(stools, s => gap(s, island))
let second = sort(stools, s => gap(s, island))[1]
assert gap(second, island) - gap(nearest, island) > 5cm else "tie"
answer nearest
''',
    '''question "Standing at the sink facing the window, is the fridge to the left or right?"
let sink = the("Sink")
let window = the("Window")
let fridge = the("Fridge")
let b = bearing(sink, window, fridge)
assert abs(b) > 10deg and abs(b) < 170deg else "nearly straight ahead or behind"
answer direction(sink, window, fridge, sectors=2, margin=5deg)
''',
    '''question "How many objects are inside the fridge?"
let fridge = the("Fridge")
let candidates = minus(objects, union("Floor", "Wall"))
let inside_fridge = filter(candidates, o => inside(o, fridge) and o != fridge)
let on_top = filter(candidates, o => on(o, fridge))
assert not exists(intersect(inside_fridge, on_top)) else "inconsistent boxes"
answer count(inside_fridge)
''',
    '''question "What is the floor area of the kitchen, in square meters?"
assert room.length >= room.width else "room sides out of order"
let area = room.area
assert area > 1m2 else "implausible room"
answer round(area in m2, 1)
''',
    '''question "Which cabinet is highest above the floor?"
let cabinets = find("Cabinet")
assert count(cabinets) > 1 else "only one cabinet"
let top = argmax(cabinets, c => c.bottom)
let others = minus(cabinets, filter(cabinets, c => c == top))
assert all(others, c => top.bottom - c.bottom > 3cm) else "tie"
answer top
''',
    '''question "Is there a knife near the cutting board?"
let board = the("CuttingBoard")
let knives = union("Knife", "ButterKnife")
let close = filter(knives, k => near(k, board, within=30cm))
let far = filter(knives, k => gap(k, board) > 35cm)
assert count(close) + count(far) == count(knives) else "a knife is borderline"
answer exists(close)
''',
    '''question "List the appliances from smallest to largest."
let appliances = union(union("Toaster", "Microwave"), union("CoffeeMachine", "Fridge"))
assert count(appliances) >= 2 else "too few appliances"
let ordered = sort(appliances, a => a.volume)
answer labels(ordered)
''',
    '''question "How many burners does the stove have?"
let burners = find("stove burner")
let stove = argmin(find("StoveKnob"), k => k.center.z)
let spread = max(burners, b => b.center.x) - min(burners, b => b.center.x)
assert spread < 1.5m else "burners of two stoves"
assert exists(burners) else "no stove"
answer count(burners)
''',
    '''question "Is the pan on a burner?"
let pan = the("Pan")
let burners = find("StoveBurner")
assert exists(burners) else "no burners"
answer any(burners, b => on(pan, b))
''',
    '''question "How far is the dining table from the counter, edge to edge, in centimeters?"
let table = the("DiningTable")
let counter = argmin(find("CounterTop"), c => gap(c, table))
let d = gap(table, counter)
answer round(d in cm)
''',
    '''question "Which chair is between the table and the window?"
let table = the("DiningTable")
let window = the("Window")
let chairs = filter("Chair", c => between(c, table, window, within=0.6m))
assert count(chairs) == 1 else "not exactly one chair"
answer the(chairs)
''',
    '''question "What is the average height of the chairs, in centimeters?"
let chairs = find("Chair")
assert exists(chairs) else "no chairs"
let h = mean(chairs, c => c.height)
answer round(h in cm, 1)
''',
    '''question "How much counter space is there in total, in square meters?"
let counters = find("CounterTop")
assert exists(counters) else "no counters"
let total = sum(counters, c => c.footprint)
answer round(total in m2, 2)
''',
    '''question "Is the kettle higher than the sink?"
let kettle = the("Kettle")
let sink = the("Sink")
assert abs(kettle.center.z - sink.center.z) > 2cm else "same height"
answer higher(kettle, sink)
''',
    '''question "What is on the shelf?"
let shelf = the("Shelf")
let items = filter(objects, o => on(o, shelf) and o != shelf)
assert exists(items) else "the shelf is empty"
answer labels(items)
''',
    '''question "How many things sit on the counter top?"
# The scene graph records what each object was placed on; check it geometrically too.
let counter = the("CounterTop")
let recorded = children(counter)
let resting = filter(objects, o => on(o, counter))
assert count(recorded) == count(intersect(recorded, resting)) else "graph and boxes disagree"
answer count(recorded)
''',
    '''question "What holds the apple?"
let apple = the("Apple")
let holder = parents(apple)
assert count(holder) == 1 else "no recorded parent"
answer the(holder)
''',
    '''question "Sitting on the sofa and facing the TV, where is the lamp?"
let sofa = the("Sofa")
let tv = the("Television")
let lamp = the("FloorLamp")
let b = bearing(sofa, tv, lamp)
assert abs(b) > 5deg else "straight ahead"
answer direction(sofa, tv, lamp, sectors=8, margin=3deg)
''',
    '''question "At what clock position is the armchair, seen from the sofa facing the TV?"
let sofa = the("Sofa")
let tv = the("Television")
let chair = the("ArmChair")
answer clock(sofa, tv, chair)
''',
    '''question "Is the coffee table between the sofa and the TV?"
let table = the("CoffeeTable")
let sofa = the("Sofa")
let tv = the("Television")
assert distance(sofa, tv) > 1m else "sofa and TV too close"
answer between(table, sofa, tv)
''',
    '''question "Which is bigger, the sofa or the armchair?"
let sofa = the("Sofa")
let chair = the("ArmChair")
let ratio = sofa.volume / chair.volume
assert abs(ratio - 1) > 0.05 else "about the same size"
answer if ratio > 1 then "sofa" else "armchair"
''',
    '''question "How many pillows are on the sofa?"
let sofa = the("Sofa")
let all_pillows = find("Pillow")
let pillows = filter(all_pillows, p => on(p, sofa) or inside(p, sofa))
let elsewhere = minus(all_pillows, pillows)
assert all(elsewhere, p => gap(p, sofa) > 5cm) else "a pillow is at the sofa's edge"
answer count(pillows)
''',
    '''question "Is the painting above the sofa?"
let painting = the("Painting")
let sofa = the("Sofa")
assert painting.bottom - sofa.top > 5cm or painting.bottom < sofa.top else "borderline"
answer above(painting, sofa)
''',
    '''question "What is the longest object in the living room?"
let furniture = minus(objects, union(union("Floor", "Wall"), "Window"))
let big = argmax(furniture, o => o.longest)
let runner_up = argmax(minus(furniture, filter(furniture, o => o == big)), o => o.longest)
assert big.longest - runner_up.longest > 5cm else "two objects of about the same length"
answer big
''',
    '''question "How tall is the room, in meters?"
let tallest = argmax(objects, o => o.top)
let h = room.height
assert h >= tallest.top - 1cm else "an object sticks out of the room"
assert h > 2m and h < 6m else "implausible ceiling"
answer round(h in m, 2)
''',
    '''question "Which lamp is closest to the armchair?"
let chair = the("ArmChair")
let lamps = union("FloorLamp", "DeskLamp")
assert count(lamps) >= 1 else "no lamps"
answer argmin(lamps, l => horizontal_distance(l, chair))
''',
    '''question "In the first frame, is the TV left of the sofa?"
let f = frame(0)
let tv = the("Television")
let sofa = the("Sofa")
assert visible(tv, f) and visible(sofa, f) else "not both visible"
let dx = to_camera(tv, f).x - to_camera(sofa, f).x
assert abs(dx) > 5cm else "too close to call"
answer left_of(tv, sofa, f)
''',
    '''question "In the last frame, which is closer to the camera: the lamp or the plant?"
let f = frame(-1)
let lamp = the("FloorLamp")
let plant = the("HousePlant")
assert abs(depth(lamp, f) - depth(plant, f)) > 10cm else "similar depth"
answer if closer(lamp, f.position, f) then "lamp" else "plant"
''',
    '''question "How far is the camera from the TV in the first frame, in meters?"
assert len(frames) > 0 else "no frames"
let f = frame(0)
let tv = the("Television")
assert visible(tv, f) else "the TV is not in the first frame"
assert camera_gap(tv, f) > 0m else "the camera is inside the TV"
answer round(camera_distance(tv, f) in m, 1)
''',
    '''question "Is the sofa on the left or right of the first view?"
let f = frame(0)
let sofa = the("Sofa")
assert visible(sofa, f) else "sofa not in view"
assert abs(view_bearing(sofa, f)) > 3deg else "in the middle"
answer view_direction(sofa, f, sectors=2, margin=3deg)
''',
    '''question "How many objects are visible in the first frame?"
assert len(frames) > 0 else "no frames"
let f = first(frames)
let shown = in_view(f)
let structure = union(union("Floor", "Wall"), union("Ceiling", "Window"))
let things = minus(shown, structure)
assert all(things, o => visible(o, f)) else "inconsistent visibility"
answer count(things)
''',
    '''question "Which did the camera see first, the sofa or the TV?"
let sofa = the("Sofa")
let tv = the("Television")
assert seen(sofa) and seen(tv) else "not both seen"
assert first_seen(sofa) != first_seen(tv) else "same frame"
answer first(appearance_order(union("Sofa", "Television")))
''',
    '''question "For how many frames was the sofa in view?"
let sofa = the("Sofa")
assert seen(sofa) else "never seen"
let shown = map(frames, f => if visible(sofa, f) then 1 else 0)
answer last_seen(sofa) - first_seen(sofa) + 1
''',
    '''question "Were the lamp and the plant ever seen together?"
let lamp = the("FloorLamp")
let plant = the("HousePlant")
assert seen(lamp) else "the lamp is never seen"
assert seen(plant) else "the plant is never seen"
let overlap = first_seen(lamp) <= last_seen(plant) and first_seen(plant) <= last_seen(lamp)
answer co_visible(lamp, plant)
''',
    '''question "How did the camera turn between the first and the last frame?"
assert len(frames) >= 2 else "needs a video"
let t = turn(frame(0), frame(-1))
assert abs(t) > 5deg else "barely turned"
answer if t > 0deg then "left" else "right"
''',
    '''question "How far did the camera travel, in meters?"
assert len(frames) >= 2 else "needs a video"
let walked = travel(frame(0), frame(-1))
let straight = norm(frame(-1).position - frame(0).position)
assert walked >= straight - 1cm else "inconsistent"
answer round(walked in m, 1)
''',
    '''question "Describe the camera path from start to end."
assert len(frames) >= 2 else "needs a video"
let start = frame(0)
let finish = frame(-1)
let steps = route(start, finish)
assert travel(start, finish) > 20cm or abs(turn(start, finish)) > 10deg else "no movement"
assert len(steps) <= 12 else "too many steps to describe"
answer steps
''',
    '''question "Did the camera move forward overall?"
assert len(frames) >= 2 else "needs a video"
let m = move(frame(0), frame(-1))
assert abs(m.x) > 10cm else "barely moved"
answer m.x > 0m
''',
    '''question "How many chairs are taller than the dining table?"
let table = the("DiningTable")
let chairs = find("Chair")
let tall = filter(chairs, c => c.top > table.top + 2cm)
let short = filter(chairs, c => c.top < table.top - 2cm)
assert count(tall) + count(short) == count(chairs) else "a chair is level with the table"
answer count(tall)
''',
    '''question "What is the gap between the two closest chairs, in centimeters?"
def pair_gap(a: Object, b: Object) -> Length: if a == b then 100m else gap(a, b)
let chairs = find("Chair")
assert count(chairs) >= 2 else "needs two chairs"
let first_chair = argmin(chairs, c => c.center.x)
let nearest = argmin(minus(chairs, filter(chairs, c => c == first_chair)),
                     c => pair_gap(c, first_chair))
answer round(pair_gap(first_chair, nearest) in cm)
''',
    '''question "Is the rug under the coffee table?"
def over(a: Object, b: Object, slack: Length = 5cm) -> Bool:
    above(a, b) and a.bottom - b.top <= slack
let rug = the("Rug")
let table = the("CoffeeTable")
answer over(table, rug) or below(rug, table)
''',
    '''question "How many seats face the TV?"
let tv = the("Television")
let seats = union(union("Sofa", "ArmChair"), "Chair")
let facing = filter(seats, s => abs(s.yaw - 90deg) < 45deg)
answer count(facing)
''',
    '''question "What fraction of the floor does the rug cover?"
let rug = the("Rug")
let share = rug.footprint / room.area
assert share > 0 and share < 1 else "implausible rug"
answer round(share * 100, 1)
''',
    '''question "Which window is widest?"
let windows = find("Window")
assert count(windows) >= 2 else "needs two windows"
let widest = argmax(windows, w => w.length)
let widths = map(sort(windows, w => w.length), w => round(w.length in cm))
answer widest
''',
    '''question "Is the bookshelf against a wall (within 10 cm of the room's edge)?"
let shelf = the("Bookshelf")
let half_x = room.length / 2
let margin = 10cm
let xs = [shelf.center.x, shelf.center.y]
let near_edge = abs(first(xs)) + shelf.width / 2 > half_x - margin
answer near_edge or abs(last(xs)) > room.width / 2 - margin
''',
    '''question "How much taller is the tallest chair than the shortest, in centimeters?"
let chairs = find("Chair")
assert count(chairs) >= 2 else "needs two chairs"
let spread = max(chairs, c => c.height) - min(chairs, c => c.height)
assert spread > 1cm else "all the same"
answer round(spread in cm)
''',
    '''question "Which seat in the living room has the best view of the TV?"
# A seat has a good view when it faces the TV, is not too close, and nothing tall is between.
def facing(seat: Object, target: Object) -> Bool:
    abs(bearing(seat.center, seat.center + vec(1m, 0m, 0m), target)) < 60deg
def clear(seat: Object, target: Object) -> Bool:
    not any(objects, o => o.height > 1m and between(o, seat, target, within=0.3m))
let tv = the("Television")
let seats = union(union("Sofa", "ArmChair"), filter("Chair", c => c.height < 1.1m))
assert count(seats) >= 2 else "fewer than two seats"
let good = filter(seats, s => facing(s, tv) and clear(s, tv) and distance(s, tv) > 1.5m)
assert exists(good) else "no seat has a clear view"
let best = argmin(good, s => abs(distance(s, tv) - 2.5m))
let ranked = sort(good, s => abs(distance(s, tv) - 2.5m))
let margin = abs(distance(ranked[1], tv) - 2.5m) - abs(distance(best, tv) - 2.5m)
assert len(ranked) == 1 or margin > 10cm else "tie"
answer best
''',
    '''question "Could the armchair fit through the gap between the sofa and the coffee table?"
let sofa = the("Sofa")
let table = the("CoffeeTable")
let chair = the("ArmChair")
# the passage width is the clearance between the two boxes
let passage = gap(sofa, table)
let chair_width = chair.width
let chair_depth = chair.length
let narrowest = min(chair_width, chair_depth)
let margin = passage - narrowest
assert passage > 0m else "sofa and table touch"
assert abs(margin) > 3cm else "too close to call"
let tight = margin < 10cm
let verdict = if margin > 0m then (if tight then "barely" else "yes") else "no"
answer verdict
''',
]


def _varied(text: str, i: int) -> str:
    return f"{text}# run {i}\n"


def _timed(seconds: float, work) -> tuple[int, float]:
    """Run work(i) for at least `seconds`; returns (programs done, elapsed CPU seconds)."""
    done, start, wall = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - wall < seconds:
        for i, text in enumerate(CORPUS):
            work(i + done, text)
        done += len(CORPUS)
    return done, time.process_time() - start


def _compile(i: int, text: str) -> None:
    compile_source(_varied(text, i))


def _parse(i: int, text: str) -> None:
    parse(Source(_varied(text, i)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--profile", action="store_true", help="cProfile parse + check")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    lines = [t.count("\n") for t in CORPUS]
    for text in CORPUS:  # the corpus itself must be clean
        checked = compile_source(text)
        if not checked.ok:
            print(text, [d.message for d in checked.diagnostics], file=sys.stderr)
            return 1
    compile_source(CORPUS[0])  # build the parser tables outside the timing

    parsed = [(Source(t), parse(Source(t)).program) for t in CORPUS]

    def _check(i: int, text: str) -> None:
        source, program = parsed[i % len(parsed)]
        check(program, source)

    print(f"corpus: {len(CORPUS)} programs, {min(lines)}-{max(lines)} lines "
          f"(mean {sum(lines) / len(lines):.1f}), {sum(map(len, CORPUS)) / len(CORPUS):.0f} "
          "chars on average")
    results = {}
    for label, work in (("parse + check", _compile), ("parse only", _parse),
                        ("check only", _check)):
        done, cpu = _timed(args.seconds, work)
        results[label] = done / cpu
        print(f"{label:>14}: {done / cpu:8.0f} programs/s  {1000 * cpu / done:6.3f} ms/program "
              f"({done} programs, {cpu:.2f} s CPU)")
    verdict = "meets" if results["parse + check"] >= TARGET else "is BELOW"
    print(f"parse + check {verdict} the target of {TARGET} programs/s")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        _timed(args.seconds, _compile)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(20)
        print(stream.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
