"""Hostile-input probe (not a test: it prints an exit-code table).

Throws generated, mutated and hand-picked hostile input at spdsl and counts what comes
back, by exit code (0 answer, 1 rejection, 2 compile error / bad scene / bad input, 3
internal error = a bug) and by rejection kind / diagnostic code:

1. programs, in process: ~100,000 programs (``--programs``) compiled and run on several
   scenes (a small kitchen with frames, an iTHOR room without frames, a walked room, a
   1,500-frame walk, a scene of extreme but valid numbers, and a random scene from
   tests/strategies.py). The programs come from (a) the builtin registry: every overload
   called with hostile arguments of the right type (empty sets, the empty list, frames
   out of range, huge numbers, degenerate points) at the top level and inside batches
   (``map(objects, q => ...)``, ``map(frames, g => ...)``); (b) the random well-typed
   programs of tests/strategies.py; (c) token-level mutations of those and of the fuzz
   corpus (tests/fuzz_corpus).
2. programs through the console script: ~700 ``spdsl run`` (plus ``check``/``fmt``) runs.
3. corrupted scene files: ~1,100 mutations of real scene files (values swapped for
   hostile ones, keys dropped or repeated, bytes flipped, files truncated, huge
   numbers, deep nesting, the loader's worst shapes at scale), loaded in process (and
   each loaded one answering a battery of programs), a tenth also through the CLI.
4. hostile paths: missing files, directories, FIFOs, /dev/zero, names over 255
   characters, symlink loops, empty and malformed scene references.

In-process work runs in a worker process watched by a per-job timeout: a job that
outlives it is a *hang* (the worker is killed and restarted); a run that answers but
took longer than its time limit plus a second is *slow*. Internal errors, hangs, slow
runs and numpy warnings are each written, one reproducer per distinct class, under
``--out`` (default /tmp/spdsl-probe).

Usage: nice python bench/probe_hostile.py [--quick] [--programs N] [--cli N]
       [--scenes N] [--seed S] [--out DIR] [--only programs,cli,scenes,paths]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import multiprocessing as mp
import os
import random
import re
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.strategies, sims

CORPUS = ROOT / "tests" / "fuzz_corpus"
KITCHEN = ROOT / "tests" / "fixtures" / "scenes" / "kitchen.scene.json"
TIME_LIMIT = 2.0  # seconds per run (the default Limits)
SLOW_MARGIN = 1.0  # a run over the limit by more than this is "slow"
SPDSL = str(Path(sys.executable).parent / "spdsl")

# ======================================================================= programs

# Hostile expressions by the type pattern of the registry's signatures. Names of
# categories are avoided where possible: every scene has `objects`.
BIG = "argmax(objects, o => o.volume)"
SMALL = "argmin(objects, o => o.volume)"
EMPTY = "filter(objects, o => o.height > 50m)"
POOLS: dict[str, list[str]] = {
    "Objects": ["objects", 'find("Mug")', 'find("NoSuchThing")', EMPTY, "minus(objects, objects)",
                "[]", f"children({BIG})", f"parents({SMALL})", "in_view(frame(0))",
                "in_view(frame(-1))", 'union(find("Chair"), [])', "filter(objects, o => seen(o))",
                "sort(objects, o => o.volume)", '"Fridge"', '""'],
    "Object": [BIG, SMALL, 'the("Fridge")', f"the({EMPTY})", f"argmin({EMPTY}, o => o.height)",
               "first(sort(objects, o => o.volume))", "argmax(objects, o => 0)",
               "last(appearance_order(filter(objects, o => seen(o))))",
               "sort(objects, o => o.volume)[-1]", "sort(objects, o => o.volume)[99999]",
               "the(objects)", f"the(children({BIG}))"],
    "Frame": ["frame(0)", "frame(-1)", "frame(99999)", "frame(-99999)", "frames[0]",
              "last(frames)", f"frame(first_seen({BIG}))", "frame(9007199254740992)",
              f"frame(min({EMPTY}, o => first_seen(o)))", "frame(count(objects))",
              f"frame(max({EMPTY}, o => last_seen(o)))"],
    "Int": ["0", "-1", "9007199254740992", "-9007199254740992", "count(objects)", "len(frames)",
            f"first_seen({BIG})", f"min({EMPTY}, o => first_seen(o))",
            "9007199254740992 * 9007199254740992", "sum(objects, o => 9007199254740992)",
            "1500", "-1500"],
    "Number": ["0.0", "1e308", "-1e308", "1e-308", "5e-324", "1e308 * 10", "sqrt(-1.0)",
               "1.0 / 0", f"mean({EMPTY}, o => o.volume / 1m3)", "frame(-1).time",
               "1e308 * 10 - 1e308 * 10", "0.0 / 0.0"],
    "Length": ["0m", "1e308m", "-1e308m", "5e-324m", f"distance({BIG}, {SMALL})",
               "sum(objects, o => o.height)", f"max({EMPTY}, o => o.height)",
               f"gap({BIG}, {BIG})", "travel(frame(0), frame(-1))", "1e308m * 10",
               "room.height", "-1m"],
    "Area": ["0m2", "1e308m2", f"{BIG}.footprint", "room.area", "1e200m * 1e200m", "-1m2"],
    "Volume": ["0m3", "1e308m3", "1L", f"{BIG}.volume", "1e200m2 * 1e200m", "-1L"],
    "Angle": ["0deg", "360deg", "-1e308deg", "1e308deg", "180deg", "-180deg",
              f"bearing({BIG}, {BIG}, {SMALL})", "turn(frame(0), frame(-1))"],
    "Vec3": ["vec(0m, 0m, 0m)", "vec(1e308m, 1e308m, 1e308m)", "vec(1e9m, -1e9m, 0m)",
             f"{BIG}.center", "frame(0).position", "vec(1m, 0m, 0m) - vec(1m, 0m, 0m)",
             "move(frame(0), frame(-1))", f"to_camera({BIG}, frame(0))",
             f"{SMALL}.size * 1e308", "vec(5e-324m, 0m, 0m)"],
    "Str": ['""', '"Mug"', '"\\\\"', '"' + "x" * 3000 + '"', f"{BIG}.label",
            "direction(vec(0m, 0m, 0m), vec(0m, 0m, 0m), vec(1m, 0m, 0m))",
            "first(route(frame(0), frame(-1)))", f"first(labels({EMPTY}))"],
    "Bool": ["true", "false", f"exists({EMPTY})", f"seen({BIG})", f"{BIG} == {SMALL}"],
    "List[T]": ["[]", "frames", "sort(objects, o => o.volume)", "labels(objects)",
                "route(frame(0), frame(-1))", "map(frames, f => f.index)", "[1, 2, 3]",
                "map(objects, o => o.center)", "[[]]", "appearance_order(objects)"],
    "List[Object] | Objects": ["objects", "[]", "sort(objects, o => o.volume)", EMPTY,
                               "appearance_order(objects)", '"Mug"'],
    "Object => Bool": ["o => o.height > 1m", "o => seen(o)", "o => the(children(o)).volume > 0m3",
                       "o => first_seen(o) > 0", "o => o.volume / o.volume > 0",
                       f"o => near(o, {BIG})", "o => count(in_view(frame(first_seen(o)))) > 0",
                       "o => exists(filter(objects, p => p.height > o.height))",
                       f"o => o == {BIG}", "o => len(route(frame(0), frame(first_seen(o)))) > 0"],
    "Object => K": ["o => o.volume", "o => o.height", "o => 0", "o => first_seen(o)",
                    "o => o.height / (o.height - o.height)", "o => 1e308 * o.volume / 1m3",
                    "o => count(children(o))", f"o => distance(o, {BIG})",
                    "o => 9007199254740992 * 9007199254740992", "o => o.yaw",
                    f"o => min({EMPTY}, p => p.height)", "o => travel(frame(0), frame(-1))"],
    "Object => R": ["o => o", "o => o.label", "o => o.center", "o => children(o)", "o => []",
                    "o => route(frame(0), frame(-1))", "o => frame(first_seen(o))",
                    "o => [o][1]", "o => sort(objects, p => distance(p, o))"],
    "T => R": ["x => x", "x => 1", "x => [x, x]", "x => []", "x => [x][-2]",
               "x => len(frames)"],
}
POOLS["K"] = POOLS["Int"] + POOLS["Number"] + POOLS["Length"] + POOLS["Angle"]
POOLS["Point"] = POOLS["Object"] + POOLS["Vec3"]


def consumer(returns: str, expr: str) -> str:
    """Make a value of the given return pattern answerable."""
    if returns == "Objects":
        return f"count({expr})"
    if returns == "Vec3":
        return f"norm({expr})"
    if returns.startswith("List"):
        return f"len({expr})"
    if returns == "Room":
        return f"{expr}.area"
    return expr


BATCHES = [(BIG, "map(objects, q => {})", "q"), ("frame(0)", "map(frames, g => {})", "g"),
           ("frame(-1)", "map(frames, g => {})", "g"), (SMALL, "filter(objects, q => {} == {})",
                                                       "q")]


def hostile_calls(rng: random.Random):
    """Endless programs calling each builtin overload with hostile arguments."""
    from spatial_dsl.lang.builtins import BUILTINS

    overloads = [(b.name, o) for b in BUILTINS.values() if not b.is_constant
                 for o in b.overloads]
    while True:
        name, overload = rng.choice(overloads)
        args = []
        for p in overload.params:
            pool = POOLS.get(str(p.pattern))
            if pool is None:
                break
            if p.default_text is not None and rng.random() < 0.3:
                continue
            text = rng.choice(pool)
            args.append(f"{p.name}={text}" if args and rng.random() < 0.1 else text)
        else:
            yield _in_context(rng, consumer(str(overload.returns), f"{name}({', '.join(args)})"))


def _in_context(rng: random.Random, expr: str) -> str:
    roll = rng.random()
    if roll < 0.55:
        return f"answer {expr}\n"
    if roll < 0.9:
        needle, wrapper, var = rng.choice(BATCHES)
        if needle in expr:
            inner = expr.replace(needle, var, 1)
            body = wrapper.format(inner, var) if "==" in wrapper else wrapper.format(inner)
            return f"answer {consumer('List' if 'map' in wrapper else 'Objects', body)}\n"
        return f"answer {expr}\n"
    return f"let v = {expr}\nassert true else \"never\"\nanswer if exists(objects) then v else v\n"


class RandomDraw:
    """Stands in for hypothesis's ``draw`` for tests.strategies.ProgramGen: draws from the
    few strategies it uses with a seeded ``random`` (hypothesis itself is 50x slower and
    keeps drawing the same small programs)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def __call__(self, strategy):
        inner = getattr(strategy, "wrapped_strategy", strategy)
        if hasattr(inner, "elements"):
            return self.rng.choice(list(inner.elements))
        if hasattr(inner, "start") and hasattr(inner, "end"):
            return self.rng.randint(inner.start, inner.end)
        if hasattr(inner, "min_value") and hasattr(inner, "max_value"):
            return self.rng.uniform(inner.min_value, inner.max_value)
        return strategy.example()  # pragma: no cover - not used by ProgramGen


def strategy_programs(rng: random.Random, docs: list[dict]):
    """Endless (program, doc index) pairs from tests.strategies.ProgramGen."""
    from tests.strategies import ProgramGen

    while True:
        k = rng.randrange(len(docs))
        try:
            yield ProgramGen(RandomDraw(rng), docs[k]).program(rng.randint(2, 5)), k
        except RecursionError:  # pragma: no cover - a very deep draw
            continue


HOSTILE_TOKENS = ["[]", "first([])", "0", "-1", "1e308", "9" * 25, "9" * 5000, "5e-324",
                  "frames", "objects", "frame(99999)", EMPTY, '""', "(", ")", "[", "]", ",",
                  "=>", "1e308m", "-", "not", "in cm", ".x", ".volume", "[0]", "[-9]",
                  "children", "route", "map", "the", "let", "answer", ";", "\n", "\x00",
                  "\u200b", "é", "#", '"\\', "=="]
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[A-Za-z0-9]*|\w+|=>|'
                   r'[<>=!]=|\S')


def mutate(rng: random.Random, text: str) -> str:
    tokens = TOKEN.findall(text)
    if not tokens:
        return rng.choice(HOSTILE_TOKENS)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(tokens))
        op = rng.random()
        if op < 0.35:
            tokens[i] = rng.choice(HOSTILE_TOKENS)
        elif op < 0.5:
            del tokens[i]
            if not tokens:
                tokens = ["answer", "1"]
        elif op < 0.65:
            tokens.insert(i, rng.choice(HOSTILE_TOKENS))
        elif op < 0.8:
            tokens.insert(i, tokens[rng.randrange(len(tokens))])
        elif op < 0.9 and tokens[i][:1].isdigit():
            tokens[i] = rng.choice(["0", "-0", "1e308", "9" * 20, "1e-324", "1" + "0" * 400])
        else:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
    return " ".join(tokens).replace(" \n ", "\n") + "\n"


def corpus_programs() -> list[str]:
    files = sorted(CORPUS.glob("*.sp")) + sorted((CORPUS / "runtime").glob("*.sp"))
    return [p.read_bytes().decode("utf-8", "replace") for p in files]


# ======================================================================= scenes


def _circle_walk(frames: int) -> dict:
    cams = [{"index": k, "time": k * 0.1,
             "camera": {"position": [math.cos(k / 40) * 2, math.sin(k / 40) * 2, 1.5],
                        "rotation": [0.0, 0.0, math.sin(k / 80), math.cos(k / 80)],
                        "width": 64, "height": 48, "hfov_deg": 90},
             "visible": {"mug": 0.5, **({"cup": 1.0} if k % 3 else {})}} for k in range(frames)]
    objects = [{"id": oid, "category": cat, "center": c, "size": [0.1, 0.1, 0.1]}
               for oid, cat, c in (("mug", "Mug", [0, 0, 0.5]), ("cup", "Mug", [0.5, 0, 0.5]),
                                   ("table", "DiningTable", [0, 0, 0.2]))]
    return {"format": "spdsl.scene/1", "id": "probe/long-walk", "objects": objects,
            "frames": cams}


def _extreme() -> dict:
    """Valid but hostile numbers: the 1e9 m bound, zero sizes, coincident centres, a
    camera looking straight down, one straight up, two frames at one place."""
    big, tiny = 1e9, 0.0
    objects = [
        {"id": "far", "category": "Box", "center": [big, -big, big], "size": [big, big, big]},
        {"id": "antipode", "category": "Box", "center": [-big, big, -big], "size": [big, 1, 1]},
        {"id": "dot", "category": "Mug", "center": [0, 0, 0], "size": [tiny, tiny, tiny]},
        {"id": "dot2", "category": "Mug", "center": [0, 0, 0], "size": [tiny, tiny, tiny]},
        {"id": "sheet", "category": "Fridge", "center": [0, 0, 1], "size": [1, 1, 0],
         "rotation": [0.7071067811865476, 0, 0, 0.7071067811865476], "parent": "dot"},
        {"id": "tilted", "category": "Chair", "center": [1e-9, 0, 0], "size": [5e-324, 1, 1],
         "rotation": [0.5, 0.5, 0.5, 0.5]},
    ]
    down = [1.0, 0.0, 0.0, 0.0]  # OpenCV camera turned 180 about x: looks along -z
    frames = [{"index": k, "time": t, "camera": {"position": p, "rotation": q, "width": 1,
                                                 "height": 2**31 - 1, "fx": big, "fy": 1e-9,
                                                 "cx": -big, "cy": big},
               "visible": v} for k, t, p, q, v in (
                   (0, 0.0, [0, 0, 5], down, {"dot": 1.0, "far": 5e-324}),
                   (1, 1e308, [0, 0, 5], down, {"dot": 1.0, "dot2": 1.0}),
                   (-5, -1e308, [big, big, -big], [0, 0, 0, 1], {"antipode": 1.0}))]
    return {"format": "spdsl.scene/1", "id": "probe/extreme", "objects": objects,
            "frames": frames, "room": {"floor": [[-big, -big], [big, -big], [big, big]],
                                       "height": big}}


def scene_files(out: Path) -> dict[str, Path]:
    """The named scene files of the probe (written once under ``out``/scenes)."""
    from sims.walk import WalkOptions, walk_scene_doc
    from spatial_dsl.scenes.format import scene_to_json, to_json_text
    from spatial_dsl.scenes.sources import load_scene

    folder = out / "scenes"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"kitchen": KITCHEN}
    docs = {"long-walk": _circle_walk(1500), "extreme": _extreme()}
    walked = folder / "walk-FloorPlan201.scene.json"
    if not walked.exists():
        doc = walk_scene_doc(load_scene("ithor:FloorPlan201"), WalkOptions(frames=30))
        walked.write_text(to_json_text(doc) + "\n")
    paths["walk"] = walked
    floorplan = folder / "FloorPlan1.scene.json"
    if not floorplan.exists():
        floorplan.write_text(scene_to_json(load_scene("ithor:FloorPlan1")))
    paths["ithor"] = floorplan
    for name, doc in docs.items():
        paths[name] = folder / f"{name}.scene.json"
        paths[name].write_text(json.dumps(doc))
    return paths


def random_docs(count: int, seed: int) -> list[dict]:
    """Scene documents from tests.strategies (hypothesis), seeded."""
    from hypothesis import HealthCheck, Phase, given, seed as hseed, settings

    from tests.strategies import scene_docs

    docs: list[dict] = []

    @hseed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(scene_docs())
    def collect(doc):
        docs.append(doc)

    collect()
    return docs


# ======================================================================= worker


def _outcome_of_run(program, scene, limits) -> tuple[str, str, float]:
    from spatial_dsl.api import SceneNameError

    t0 = time.monotonic()
    try:
        result = program.run(scene, limits)
    except SceneNameError as exc:  # Program.run's documented name check: `run` exits 2
        code = exc.diagnostics[0].code if exc.diagnostics else "E-SCENE-NAME"
        return "exit 2", code, time.monotonic() - t0
    elapsed = time.monotonic() - t0
    if result.ok:
        return "exit 0", "answer", elapsed
    return "exit 1", result.rejection.kind, elapsed


def _guarded(fn, *args):
    """(outcome, detail, elapsed, warning texts); an exception is an internal error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.monotonic()
        try:
            outcome, detail, elapsed = fn(*args)
        except Exception as exc:  # noqa: BLE001 - the point is to catch everything
            tb = traceback.extract_tb(exc.__traceback__)
            where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else "?"
            outcome, detail = "exit 3", f"{type(exc).__name__} at {where}: {str(exc)[:200]}"
            elapsed = time.monotonic() - t0
    texts = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return outcome, detail, elapsed, texts


def _compile(text: str):
    from spatial_dsl.api import CompileError, compile_program

    try:
        return compile_program(text, "<probe>"), None
    except CompileError as exc:
        return None, exc.diagnostics[0].code if exc.diagnostics else "E-?"


BATTERY = [  # one or more calls of every family, for scenes that loaded
    "answer count(objects)", "answer argmax(objects, o => o.volume).label",
    "answer round(max(objects, o => o.top) in m, 3)", "answer room.area",
    "answer count(filter(objects, o => any(objects, p => on(o, p) or inside(o, p))))",
    "answer count(filter(objects, o => any(objects, p => near(o, p) and above(p, o))))",
    "answer map(objects, o => direction(o, argmax(objects, p => p.volume), "
    "argmin(objects, p => p.volume), sectors=8))",
    "answer map(frames, f => count(in_view(f)))",
    "answer map(objects, o => seen(o) and first_seen(o) <= last_seen(o))",
    "answer map(frames, f => len(map(objects, o => round(depth(o, f) in m, 2))))",
    "answer map(frames, f => first(map(objects, o => view_direction(o, f))))",
    "answer len(route(frame(0), frame(-1))) + round(travel(frame(0), frame(-1)) in m)",
    "answer map(objects, o => len(labels(children(o))))",
    "answer appearance_order(filter(objects, o => seen(o)))",
    "answer map(objects, o => gap(o, argmax(objects, p => p.volume)) in cm)",
    "answer map(frames, f => turn(frame(0), f))",
]


def worker_main(conn, scene_paths: dict, docs: list[dict]) -> None:
    """Serve jobs: ("program", text, doc index or -1) and ("scene", path)."""
    from spatial_dsl.runtime.eval import Limits
    from spatial_dsl.scenes.format import load_scene_file, scene_from_dict

    scenes = {name: load_scene_file(path) for name, path in scene_paths.items()}
    doc_scenes: dict[int, object] = {}
    limits = Limits(seconds=TIME_LIMIT)
    battery = [_compile(text)[0] for text in BATTERY]
    while True:
        job = conn.recv()
        if job is None:
            return
        if job[0] == "program":
            _, text, k = job
            targets = dict(scenes)
            if k >= 0:
                if k not in doc_scenes:
                    doc_scenes[k] = scene_from_dict(docs[k])
                targets["random"] = doc_scenes[k]
            conn.send(_program_job(text, targets, limits))
        else:
            conn.send(_scene_job(job[1], battery, limits, load_scene_file))


def _program_job(text: str, targets: dict, limits) -> list:
    """[("compile", ...)] and, when it compiled, one (scene name, ...) per scene."""
    compiled: list = []

    def compile_outcome():
        program, code = _compile(text)
        compiled.append(program)
        return ("exit 0", "compiled", 0.0) if program is not None else ("exit 2", code, 0.0)

    out = [("compile", *_guarded(compile_outcome))]
    if compiled and compiled[0] is not None:
        for name, scene in targets.items():
            out.append((name, *_guarded(_outcome_of_run, compiled[0], scene, limits)))
    return out


def _scene_job(path: str, battery: list, limits, load) -> list:
    from spatial_dsl.scenes.errors import SceneError

    def load_outcome():
        t0 = time.monotonic()
        try:
            scene = load(path)
        except SceneError:
            return "exit 2", "refused", time.monotonic() - t0
        loaded.append(scene)
        return "exit 0", "loaded", time.monotonic() - t0

    loaded: list = []
    out = [("load", *_guarded(load_outcome))]
    for k, program in enumerate(battery if loaded else []):
        out.append((f"battery{k}", *_guarded(_outcome_of_run, program, loaded[0], limits)))
    return out


class Worker:
    """A worker process with a watchdog: ``ask`` returns its answer or "hang"."""

    def __init__(self, scene_paths: dict, docs: list[dict]):
        self.args = ({k: str(v) for k, v in scene_paths.items()}, docs)
        self.ctx = mp.get_context("fork")
        self.proc = None
        self.conn = None
        self.restarts = 0

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=worker_main, args=(child, *self.args), daemon=True)
        self.proc.start()
        self.conn = parent

    def ask(self, job, timeout: float):
        if self.proc is None or not self.proc.is_alive():
            self.start()
        self.conn.send(job)
        if self.conn.poll(timeout):
            try:
                return self.conn.recv()
            except EOFError:  # the worker died (a crash in C code, or killed by the OS)
                self.stop()
                return "died"
        self.stop()
        self.restarts += 1
        return "hang"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
        self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(5)
        self.stop()


# ======================================================================= findings


class Findings:
    """Counts by (section, exit code) and by detail, plus one reproducer per problem class."""

    def __init__(self, out: Path):
        self.out = out
        self.exits: dict[str, Counter] = {}
        self.details: dict[str, Counter] = {}
        self.inputs: Counter = Counter()
        self.classes: dict[tuple, int] = {}

    def count(self, section: str, outcome: str, detail: str) -> None:
        self.exits.setdefault(section, Counter())[outcome] += 1
        self.details.setdefault(section, Counter())[f"{outcome}: {detail}"] += 1

    def problem(self, kind: str, key: str, reproducer: str | bytes, note: str,
                suffix: str = ".sp") -> None:
        """Keep the smallest reproducer of each (kind, key) class."""
        klass = (kind, key)
        size = len(reproducer)
        if klass in self.classes and self.classes[klass] <= size:
            self.classes[klass] = min(self.classes[klass], size)
            return
        self.classes[klass] = size
        folder = self.out / kind
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(key.encode()).hexdigest()[:12]
        data = reproducer.encode("utf-8", "surrogatepass") if isinstance(reproducer, str) \
            else reproducer
        (folder / (name + suffix)).write_bytes(data)
        (folder / (name + ".txt")).write_text(f"{key}\n{note}\n")


def record_runs(findings: Findings, section: str, text, runs, label: str = "",
                suffix: str = ".sp") -> None:
    if runs in ("hang", "died"):
        findings.count(section, runs, runs)
        findings.problem(runs, f"{section} {runs} {label}", text, "watchdog timeout", suffix)
        return
    for target, outcome, detail, elapsed, texts in runs:
        where = section + " (compile)" if target == "compile" else section
        findings.count(where, outcome, detail)
        if outcome == "exit 3":
            findings.problem("internal", detail[:100], text, f"on {target}: {detail}", suffix)
        if texts:
            findings.count(where, "warning", texts[0][:80])
            findings.problem("warning", texts[0][:120], text, f"on {target}", suffix)
        if elapsed > TIME_LIMIT + SLOW_MARGIN:
            findings.count(where, "slow", f"{elapsed:.1f} s")
            findings.problem("slow", f"{target} {detail}", text, f"{elapsed:.1f} s on {target}",
                             suffix)


# ======================================================================= sections


def probe_programs(n: int, rng: random.Random, worker: Worker, docs: list[dict],
                   findings: Findings) -> list[str]:
    """Returns a sample of the programs (for the CLI section)."""
    hostile, generated = hostile_calls(rng), strategy_programs(rng, docs)
    corpus = corpus_programs()
    pool: list[str] = list(corpus)
    sample: list[str] = list(corpus)
    t0 = time.monotonic()
    for i in range(n):
        source, k = _next_program(rng, hostile, generated, pool, corpus)
        runs = worker.ask(("program", source, k), timeout=8 * TIME_LIMIT + 30)
        record_runs(findings, "programs", source, runs)
        findings.inputs["programs"] += 1
        if len(pool) < 5000:
            pool.append(source)
        elif rng.random() < 0.05:
            pool[rng.randrange(len(pool))] = source
        if rng.random() < 0.01:
            sample.append(source)
        if (i + 1) % 5000 == 0:
            print(f"  programs: {i + 1:,}/{n:,} in {time.monotonic() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    return sample


def _next_program(rng, hostile, generated, pool, corpus) -> tuple[str, int]:
    roll = rng.random()
    if roll < 0.35:
        return next(hostile), -1
    if roll < 0.6:
        return next(generated)
    if roll < 0.65:
        return rng.choice(corpus), -1
    return mutate(rng, rng.choice(pool)), -1


def run_cli(args: list[str], timeout: float, cwd: Path | None = None) -> tuple[str, str]:
    """(outcome, detail) of one console-script run."""
    env = {k: v for k, v in os.environ.items() if k != "SPDSL_DEBUG"}
    try:
        proc = subprocess.run([SPDSL, *args], capture_output=True, timeout=timeout, env=env,
                              cwd=cwd)
    except subprocess.TimeoutExpired:
        return "hang", f"over {timeout:g} s"
    err = proc.stderr.decode("utf-8", "replace")
    if b"Traceback" in proc.stdout + proc.stderr:
        return "traceback", err[-300:]
    if "Warning" in err:
        return "warning", err[:300]
    shown = (err or proc.stdout.decode("utf-8", "replace")).strip()
    detail = _short(shown.splitlines()[0]) if shown else "no output"
    return f"exit {proc.returncode}", detail


def _short(line: str) -> str:
    """A message without its file path and position (so equal messages count together)."""
    line = re.sub(r"^spdsl: error: ", "", line)
    line = re.sub(r"^\S*?(\.sp|\.json|<probe>)(:\d+:\d+)?: ", "", line)
    return line[:90]


def probe_cli(n: int, rng: random.Random, programs: list[str], scenes: dict[str, Path],
              findings: Findings) -> None:
    folder = findings.out / "cli-programs"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = []
    for i in range(n):
        text = programs[i] if i < len(programs) else mutate(rng, rng.choice(programs))
        path = folder / f"p{i:04d}.sp"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        scene = rng.choice(list(scenes.values()) + ["ithor:FloorPlan1"])
        jobs.append(["run", str(path), "--scene", str(scene)] + (["--json"] if i % 2 else []))
        if i % 4 == 0:
            jobs.append(["check", str(path)] if i % 8 else ["fmt", "--check", str(path)])
        if i % 10 == 5:  # the picture: the same evaluation, then drawing what it touched
            jobs.append(["show", str(path), "--scene", str(scene), "-o",
                         str(folder / f"p{i:04d}.png")])
    with ThreadPoolExecutor(max_workers=2) as pool:
        for args, (outcome, detail) in zip(jobs, pool.map(lambda a: run_cli(a, 60), jobs)):
            findings.inputs["cli runs"] += 1
            findings.count(f"cli {args[0]}", outcome, detail if outcome != "exit 0" else "ok")
            if outcome not in ("exit 0", "exit 1", "exit 2"):
                findings.problem(outcome, f"cli {args[0]} {detail[:60]}",
                                 Path(args[1]).read_bytes(), " ".join(args))
    shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------- scenes

HOSTILE_VALUES = [None, True, "", "x" * 10000, -1, 0, 1e308, -1e308, 5e-324, 1e9, 1e10, [], {},
                  [1, 2], [0, 0, 0, 0], "NaN", [[[[[[[[]]]]]]]], -0.0, 2**63, "Mug", 0.5]


def _json_paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _json_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:40]):
            yield from _json_paths(v, path + (i,))


def _set_at(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _del_at(doc, path):
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


VALID_EXTREMES = [0.0, 1e9, -1e9, 1e-300, 5e-324, -0.0, 0.05, 1e-9, 999999999.9]


def _unit_quaternion(rng: random.Random) -> list[float]:
    q = [rng.gauss(0, 1) for _ in range(4)]
    norm = math.sqrt(sum(x * x for x in q)) or 1.0
    return [x / norm for x in q]


def oddly_valid(rng: random.Random, doc: dict) -> None:
    """Valid but extreme edits: bounds, zero and denormal sizes, coincident objects, random
    tilts, cameras moved onto objects, tiny visible fractions."""
    objects, frames = doc.get("objects", []), doc.get("frames", [])
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if objects and roll < 0.3:
            o = rng.choice(objects)
            o[rng.choice(["center", "size"])][rng.randrange(3)] = abs(
                rng.choice(VALID_EXTREMES)) if roll < 0.15 else rng.choice(VALID_EXTREMES)
        elif objects and roll < 0.45:
            rng.choice(objects)["rotation"] = _unit_quaternion(rng)
        elif objects and roll < 0.6:
            a, b = rng.choice(objects), rng.choice(objects)
            a["center"], a["size"] = list(b["center"]), list(b["size"])
        elif frames and roll < 0.75:
            f = rng.choice(frames)
            f["camera"]["position"] = list(rng.choice(objects)["center"]) if objects else [0, 0, 0]
            f["camera"]["rotation"] = _unit_quaternion(rng)
        elif frames and roll < 0.9:
            f = rng.choice(frames)
            for oid in list(f.get("visible", {}))[:5]:
                f["visible"][oid] = rng.choice([5e-324, 1e-9, 1.0, 0.1])
        elif frames:
            g = json.loads(json.dumps(rng.choice(frames)))
            g["index"] = rng.choice([-2**63, 2**63 - 1, 10**6])
            frames.append(g)


def mutate_scene(rng: random.Random, doc: dict) -> bytes:
    """One corrupted (or oddly valid) scene file (bytes) made from a valid document."""
    doc = json.loads(json.dumps(doc))
    if rng.random() < 0.3:
        oddly_valid(rng, doc)
        return json.dumps(doc).encode()
    roll = rng.random()
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _json_paths(doc) if p]
        if not paths:
            break
        path = rng.choice(paths)
        with contextlib.suppress(KeyError, IndexError, TypeError):
            if roll < 0.45:
                _set_at(doc, path, rng.choice(HOSTILE_VALUES))
            elif roll < 0.6:
                _del_at(doc, path)
    text = json.dumps(doc)
    if roll >= 0.6:
        text = _mutate_text(rng, text)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        data = data[:rng.randrange(len(data))]  # truncated
    return data


def _mutate_text(rng: random.Random, text: str) -> str:
    numbers = [m.span() for m in re.finditer(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]
    op = rng.random()
    if op < 0.3 and numbers:
        a, b = rng.choice(numbers)
        return text[:a] + rng.choice(["9" * 5000, "1" + "0" * 400, "NaN", "Infinity", "-1e999",
                                      "1e308", "2e9", "1e-400", "-0"]) + text[b:]
    if op < 0.45:
        i = rng.randrange(len(text))
        return text[:i] + chr(rng.randrange(0, 0x250)) + text[i + 1:]
    if op < 0.55:
        keys = [m.start() for m in re.finditer(r'"\w+": ', text)]
        if keys:
            i = rng.choice(keys)
            j = text.index(": ", i)
            return text[:i] + text[i:j] + ': 1, ' + text[i:]  # a repeated key
    if op < 0.65:
        return "\ufeff" + text if rng.random() < 0.5 else "[" * 100000 + "]" * 100000
    if op < 0.75:
        ids = re.findall(r'"id": "([^"]+)"', text)
        if ids:
            victim = rng.choice(ids)
            return text.replace(f'"{victim}"', '"' + rng.choice(ids) + '"', 1)
    if op < 0.85:
        return text.replace('"parent": null', '"parent": "' + rng.choice(["x" * 5000, "a"]) + '"')
    return text.replace('"visible": {', '"visible": {"ghost": 0.5, ', rng.randint(1, 5))


def loader_shapes() -> list[tuple[str, bytes]]:
    """The loader's worst shapes at the issue's scale (bench/bench_loader.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_loader import chain, missing_parent, unknown_visibility

    return [("chain 3000", json.dumps(chain(3000)).encode()),
            ("missing parent 10000", json.dumps(missing_parent(10000)).encode()),
            ("unknown visibility 1000", json.dumps(unknown_visibility(1000)).encode())]


def probe_scenes(n: int, rng: random.Random, worker: Worker, scenes: dict[str, Path],
                 findings: Findings) -> None:
    bases = [json.loads(scenes[k].read_text()) for k in ("kitchen", "walk", "ithor",
                                                         "extreme")]
    folder = findings.out / "corrupted-scenes"
    folder.mkdir(parents=True, exist_ok=True)
    cli_program = folder / "battery.sp"
    cli_program.write_text(BATTERY[5] + "\n")
    items = loader_shapes() + [(f"mutation {i}", mutate_scene(rng, rng.choice(bases)))
                               for i in range(max(n - 3, 0))]
    cli_jobs = []
    for i, (label, data) in enumerate(items):
        path = folder / f"s{i:04d}.scene.json"
        path.write_bytes(data)
        runs = worker.ask(("scene", str(path)), timeout=len(BATTERY) * TIME_LIMIT + 60)
        findings.inputs["scene files"] += 1
        if not isinstance(runs, list):
            record_runs(findings, "scene loads", data, runs, label, ".scene.json")
            continue
        record_runs(findings, "scene loads", data, runs[:1], label, ".scene.json")
        record_runs(findings, "scene battery runs", data, runs[1:], label, ".scene.json")
        if runs[0][3] > 5:
            findings.count("scene loads", "slow", f"{label}: {runs[0][3]:.1f} s")
            findings.problem("slow", f"load {label}", data, f"{runs[0][3]:.1f} s",
                             ".scene.json")
        if i % 10 == 0 or i < 3:
            cli_jobs.append(["run", str(cli_program), "--scene", str(path)])
    with ThreadPoolExecutor(max_workers=2) as pool:
        for args, (outcome, detail) in zip(cli_jobs, pool.map(lambda a: run_cli(a, 120),
                                                              cli_jobs)):
            findings.inputs["scene files through the CLI"] += 1
            findings.count("scenes (cli)", outcome, detail[:60])
            if outcome not in ("exit 0", "exit 1", "exit 2"):
                findings.problem(outcome, f"cli scene {detail[:60]}", Path(args[3]).read_bytes(),
                                 " ".join(args), ".scene.json")
    shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------- paths


def hostile_paths(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    loop = folder / "loop"
    if not loop.is_symlink():
        loop.symlink_to(folder / "loop")
    big = folder / "big.sp"
    big.write_bytes(b" " * 70_000_000)
    binary = folder / "binary.scene.json"
    binary.write_bytes(bytes(range(256)) * 10)
    (folder / "dir.scene.json").mkdir(exist_ok=True)
    return {
        "missing file": str(folder / "missing.sp"), "a directory": str(folder),
        "a directory named *.scene.json": str(folder / "dir.scene.json"),
        "/dev/null": "/dev/null", "/dev/zero": "/dev/zero",
        "a symlink loop": str(loop), "300-character name": str(folder / ("n" * 300)),
        "5000-character path": "/" + "/".join(["d" * 200] * 25), "empty": "",
        "newline in name": str(folder / "a\nb.sp"), "70 MB of spaces": str(big),
        "binary bytes": str(binary), "dot-dot": str(folder / ".." / ".." / "etc" / "passwd"),
    }


def probe_paths(findings: Findings) -> None:
    folder = findings.out / "paths"
    paths = hostile_paths(folder)
    program = folder / "ok.sp"
    program.write_text("answer count(objects)\n")
    rooms = ",".join(f"ithor:FloorPlan{i}" for i in range(1, 26))
    scene_refs = dict(paths, **{"comma": ",", "25 rooms (over 255 characters)": rooms,
                                "no such room": "ithor:FloorPlan99999", "unknown source": "foo:bar",
                                "glob of nothing": str(folder / "*.nothing.json"),
                                "mesh of /dev/zero": "mesh:/dev/zero"})
    jobs = []
    for name, path in paths.items():
        jobs += [(f"check {name}", ["check", path]), (f"run {name}", ["run", path, "--scene",
                                                                      str(KITCHEN)]),
                 (f"fmt {name}", ["fmt", "--check", path])]
    for name, ref in scene_refs.items():
        jobs += [(f"run --scene {name}", ["run", str(program), "--scene", ref]),
                 (f"check --scene {name}", ["check", "--scene", ref, str(program)]),
                 (f"scenes show {name}", ["scenes", "show", ref])]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: run_cli(job[1], 30), jobs))
    fifo_jobs = _fifo_jobs(folder, program)
    jobs += [(name, args) for name, args, _ in fifo_jobs]
    results += [_run_with_writer(args, fifo, content) for _, args, (fifo, content) in fifo_jobs]
    for (name, args), (outcome, detail) in zip(jobs, results):
        findings.inputs["hostile paths"] += 1
        findings.count("paths", outcome, f"{name} -> {detail[:70]}")
        if outcome not in ("exit 0", "exit 1", "exit 2"):
            findings.problem(outcome, f"path {name}", " ".join(args[:1]) + "\n", detail)
    (folder / "big.sp").unlink(missing_ok=True)


def _fifo_jobs(folder: Path, program: Path) -> list:
    """A FIFO is read like a file (``--scene <(...)`` must work): each job gets a fresh
    FIFO and a writer (a FIFO nobody writes blocks, as it does for ``cat``)."""
    scene = KITCHEN.read_bytes()
    jobs = []
    for k, (name, args, content) in enumerate([
            ("check a FIFO", ["check", "{}"], b"answer 1\n"),
            ("run a FIFO", ["run", "{}", "--scene", str(KITCHEN)], b"answer count(objects)\n"),
            ("run --scene a FIFO", ["run", str(program), "--scene", "{}"], scene),
            ("scenes show a FIFO", ["scenes", "show", "{}"], scene),
            ("scenes show a FIFO of garbage", ["scenes", "show", "{}"], b"\x00" * 100000)]):
        fifo = folder / f"fifo{k}"
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
        jobs.append((name, [a.format(fifo) for a in args], (fifo, content)))
    return jobs


def _run_with_writer(args: list[str], fifo: Path, content: bytes) -> tuple[str, str]:
    def write():
        with contextlib.suppress(OSError), open(fifo, "wb") as handle:
            handle.write(content)

    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(write)
        result = run_cli(args, 30)
        if not writer.done():  # the reader never opened it: let the writer go
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    return result


# ======================================================================= report


def print_table(findings: Findings, seconds: float, args) -> None:
    print(f"hostile-input probe: seed {args.seed}, {seconds / 60:.1f} min, reproducers in "
          f"{findings.out}")
    print("inputs tried: " + ", ".join(f"{k} {v:,}" for k, v in findings.inputs.items()))
    columns = ["exit 0", "exit 1", "exit 2", "exit 3", "hang", "died", "traceback", "warning",
               "slow"]
    print(f"\n{'section':<22}" + "".join(f"{c:>11}" for c in columns))
    for section, counts in findings.exits.items():
        print(f"{section:<22}" + "".join(f"{counts.get(c, 0):>11,}" for c in columns))
    for section, details in findings.details.items():
        print(f"\n{section}:")
        shown = None if section == "paths" else (25 if args.verbose else 12)  # paths: all
        for detail, count in details.most_common(shown):
            print(f"  {count:>9,}  {detail}")
    bad = {k: v for k, v in Counter(kind for kind, _ in findings.classes).items()}
    print("\nproblem classes (one reproducer each): " + (", ".join(
        f"{k} {v}" for k, v in sorted(bad.items())) or "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/50 of the full scale")
    parser.add_argument("--programs", type=int, default=100_000)
    parser.add_argument("--cli", type=int, default=700)
    parser.add_argument("--scenes", type=int, default=1_100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/spdsl-probe"))
    parser.add_argument("--only", default="programs,cli,scenes,paths")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.programs, args.cli, args.scenes = args.programs // 50, args.cli // 50, \
            args.scenes // 50
    sections = set(args.only.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    findings = Findings(args.out)
    t0 = time.monotonic()
    scenes = scene_files(args.out)
    docs = random_docs(40, args.seed)
    worker = Worker(scenes, docs)
    try:
        sample = corpus_programs()
        if "programs" in sections:
            sample = probe_programs(args.programs, rng, worker, docs, findings)
        if "cli" in sections:
            probe_cli(args.cli, rng, sample, scenes, findings)
        if "scenes" in sections:
            probe_scenes(args.scenes, rng, worker, scenes, findings)
        if "paths" in sections:
            probe_paths(findings)
    finally:
        worker.close()
        print_table(findings, time.monotonic() - t0, args)


if __name__ == "__main__":
    main()
