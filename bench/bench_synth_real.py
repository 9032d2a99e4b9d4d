"""The LLM loop against a real model served locally (issue 15).

    python bench/bench_synth_real.py --model PATH.gguf [--llama-python PY] [--quick]
    python bench/bench_synth_real.py --base-url http://127.0.0.1:PORT/v1   (a running server)

Starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 (a free port,
``--n_threads 1 --n_threads_batch 2``, under ``nice -n 10``; stopped at the end)
with ``--llama-python`` (default: this interpreter, if it can import llama_cpp),
then runs `spdsl synth` on fixed scenes, tasks and seeds once per mode:

- ``none``: no grammar (the model writes fenced text);
- ``scene``: ``--grammar llama.cpp`` with the scene- and type-constrained grammar;
- ``syntax`` (with ``--modes``): the language's grammar only.

and prints, per mode: acceptance rate, completions (model replies) per accepted
item, first-try compile rate (the proposal's first reply passes `spdsl check
--scene`), repair success (conversations with a compile or format failure that
reached a program that compiles), identical resends, rejections and verification
failures by kind, seconds per accepted item, and the re-check of every accepted
item (its program compiled and run again on the scene file in the output
directory must give the recorded answer, and pass type fit again).

Requests are cached in OUT/<mode>/cache: a rerun with the same arguments costs
nothing and prints the same table (the seconds are those of the run that made
the requests, from report.json). CPU time is scarce on a shared machine: the
default is the issue's run (ithor:FloorPlan1 x 4 VSI tasks x 3 attempts, k = 2,
2 repair rounds); ``--first-try`` samples one completion per unit (no repairs, k
= 1) to measure the first-try compile rate cheaply; ``--quick`` is 1 x 1 x 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from spatial_dsl.synth.schedule import DEFAULT_STOP_AFTER_REPEATS  # noqa: E402

# The scene and tasks of the measurement reported in issue 15.
SCENES = ["ithor:FloorPlan1"]
TASKS = ["vsi_abs_distance", "vsi_object_count", "vsi_room_size", "vsi_object_size"]
MODES = {"none": None, "scene": ("llama.cpp", "scene"), "syntax": ("llama.cpp", "syntax")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _llama_python(given: str | None) -> str:
    if given:
        return given
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise SystemExit("llama-cpp-python is not installed here: pip install "
                         "'llama-cpp-python[server]' (in this or another venv, then "
                         "--llama-python /path/to/python)") from None
    return sys.executable


class Server:
    """llama-cpp-python's server on 127.0.0.1, niced, stopped by ``stop``."""

    def __init__(self, python: str, model: str, context: int, log: Path):
        self.port = _free_port()
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            ["nice", "-n", "10", python, "-m", "llama_cpp.server", "--model", model,
             "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(context),
             "--n_threads", "1", "--n_threads_batch", "2"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def wait(self, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the llama.cpp server exited ({self.proc.returncode}); see "
                                 f"{self.log.name}")
            try:
                with urllib.request.urlopen(self.base_url + "/models", timeout=5):
                    return
            except OSError:
                time.sleep(1)
        raise SystemExit("the llama.cpp server did not come up in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def run_mode(name: str, base_url: str, args, out: Path) -> dict:
    from spatial_dsl.synth.run import SynthOptions, run_synth

    grammar, scope = MODES[name] or (None, "scene")
    options = SynthOptions(
        scenes=args.scenes, tasks=args.tasks, n=args.n, out=str(out / name), model="local",
        base_url=base_url, temperature=args.temperature, concurrency=1, repairs=args.repairs,
        k=args.k, grammar=grammar, grammar_scope=scope, context=args.context,
        repair_conversation=args.repair_conversation, max_reply_tokens=args.max_reply_tokens,
        timeout=args.timeout, cold_timeout=1800,
        seed=args.seed, send_seed=True, progress=not args.quiet,
        max_requests=args.max_requests, walk=args.walk,
        stop_after_repeats=args.stop_after_repeats,
        cache=str(Path(args.cache) / name) if args.cache else None)
    result = run_synth(options)
    report = result.report
    report["recheck"] = recheck(out / name, args.seed)
    report["first_try_by_task"] = first_try_by_task(out / name)
    return report


def first_try_by_task(directory: Path) -> dict[str, str]:
    """Per task: proposals whose first reply passed `spdsl check --scene`, of those made
    (from the unit log, so the cells can be compared task by task)."""
    counts: dict[str, list[int]] = {}
    path = directory / "units.jsonl"
    for line in path.read_text().splitlines() if path.exists() else []:
        unit = json.loads(line)
        tally = counts.setdefault(unit["task"], [0, 0])
        tally[0] += unit["counters"].get("first_reply_compiled", 0)
        tally[1] += unit["counters"].get("first_reply", 0)
    return {task: f"{ok}/{total}" for task, (ok, total) in counts.items()}


def recheck(directory: Path, seed: int = 0) -> dict:
    """Every accepted record: its program compiled and run again on its scene file gives the
    recorded answer (objects in words, as the loop records them) and passes the item checks
    again, each from the record alone ("no accepted item wrong")."""
    from spatial_dsl.api import Program
    from spatial_dsl.lang.check.checker import compile_source
    from spatial_dsl.scenes.format import load_scene_file
    from spatial_dsl.scenes.names import SceneNameTable
    from spatial_dsl.naming import ObjectNames, in_words

    checked = wrong = 0
    problems = []
    path = directory / "data.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    for line in lines:
        record = json.loads(line)
        scene = load_scene_file(directory / record["scene_file"])
        compiled = compile_source(record["program"], "p.sp", SceneNameTable(scene))
        checked += 1
        ok = compiled.ok
        if ok:
            result = Program(compiled).run(scene)
            answer = (in_words(result.answer, ObjectNames.of(scene, seed)).answer
                      if result.ok else None)
            ok = result.ok and answer.text == record["answer"] and _item_holds(
                record, compiled, scene, answer, result.answer)
        if not ok:
            wrong += 1
            problems.append(record["id"])
    return {"checked": checked, "wrong": wrong, "ids": problems}


def _item_holds(record: dict, compiled, scene, answer, raw_answer) -> bool:
    """Every check synth runs on an item passes from the item alone (``verify.item_checks``),
    and the record's modality and frames are those the item gets (``item_modality``)."""
    from spatial_dsl.synth.prompts import resolve_tasks
    from spatial_dsl.synth.verify import item_checks, item_modality, without_structure

    template = resolve_tasks([record["task"]])[0].template
    modality = item_modality(template, compiled.program, scene, answer)
    frames = [int(i) for i in scene.frames.index] if modality == "video" else []
    checks = item_checks(record["question"], compiled, scene, answer, template=template,
                         bare=without_structure(scene), raw_answer=raw_answer,
                         modality=modality)
    return (record["modality"] == modality and record["frames"] == frames
            and all(check.ok for check in checks))


def metrics(report: dict) -> dict:
    accepted = report["accepted"]
    proposals = report["proposals"]
    first = report.get("first_try", {})
    rep = report["repairs"]
    seconds = report["run"]["wall_seconds"]
    return {
        "units": proposals,
        "skipped": report["units"].get("skipped", 0),
        "accepted": accepted,
        "acceptance": f"{accepted}/{proposals}",
        "completions": report["replies"],
        "completions_per_accepted": round(report["replies"] / accepted, 2) if accepted else None,
        "first_try_compiled": f"{first.get('compiled', 0)}/{first.get('proposals', 0)}",
        "first_try_by_task": report["first_try_by_task"],
        "accepted_by_task": {t: f"{c['verified']}/{c['proposals']}"
                             for t, c in report["per_task"].items()},
        "repair_success": f"{rep.get('compile_conversations_fixed', 0)}/"
                          f"{rep.get('compile_conversations', 0)}",
        "identical_resends": rep.get("identical_resends", 0),
        "fresh_conversations": rep.get("fresh_conversations", 0),
        "hints": rep.get("hints", {}),
        "diagnostics": report["compile_failures"]["diagnostics"],
        "reply_failures": report["reply_failures"],
        "rejections": report["rejections"],
        "dropped": report["dropped"],
        "verification_failures": {k: v for k, v in report["verification_failures"].items()
                                  if v},
        "seconds_per_accepted": round(seconds / accepted, 1) if accepted else None,
        "wall_seconds": seconds,
        "recheck_wrong": f"{report['recheck']['wrong']}/{report['recheck']['checked']}",
    }


def table(rows: dict[str, dict]) -> str:
    keys = ["acceptance", "skipped", "completions", "completions_per_accepted",
            "first_try_compiled", "repair_success", "identical_resends", "fresh_conversations",
            "seconds_per_accepted", "recheck_wrong"]
    width = max(len(k) for k in keys) + 2
    lines = [" " * width + "".join(f"{m:>16}" for m in rows)]
    for key in keys:
        lines.append(key.ljust(width) + "".join(f"{str(r[key]):>16}" for r in rows.values()))
    for key in ("first_try_by_task", "accepted_by_task", "diagnostics", "reply_failures",
                "rejections", "dropped", "verification_failures", "hints"):
        for mode, r in rows.items():
            lines.append(f"{key} [{mode}]: {json.dumps(r[key], sort_keys=True)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="GGUF weights (starts a llama-cpp-python server)")
    parser.add_argument("--base-url", help="use this running server instead")
    parser.add_argument("--llama-python", help="python of a venv with llama-cpp-python[server]")
    parser.add_argument("--out", default="/tmp/spdsl-bench-synth-real")
    parser.add_argument("--fresh", action="store_true", help="delete OUT first (no cache)")
    parser.add_argument("--modes", default="none,scene")
    parser.add_argument("--scenes", nargs="+", default=SCENES)
    parser.add_argument("--tasks", nargs="+", default=TASKS)
    parser.add_argument("-n", type=int, default=3, help="attempts per scene and task")
    parser.add_argument("--first-try", action="store_true",
                        help="one completion per unit: --repairs 0 --k 1")
    parser.add_argument("--k", type=int, default=2)
    parser.add_argument("--repairs", type=int, default=2)
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--context", type=int, default=8192)
    parser.add_argument("--max-reply-tokens", type=int, default=300)
    parser.add_argument("--repair-conversation",
                        choices=("auto", "continue", "fresh", "resample"),
                        default="auto", help="as spdsl synth (auto: resample for --context "
                        "8192 or less)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--cache", help="reply cache root (CACHE/<mode>; default: OUT/<mode>/"
                        "cache): runs of other settings share the replies they have in common")
    parser.add_argument("--max-requests", type=int,
                        help="stop each mode after this many requests (the figures are "
                             "those of the finished units; rerun to resume)")
    parser.add_argument("--walk", type=int, metavar="N",
                        help="give the scenes a camera walk of N frames (synth --walk)")
    parser.add_argument("--stop-after-repeats", type=int, default=DEFAULT_STOP_AFTER_REPEATS,
                        metavar="N", help="as spdsl synth (default %(default)s; 0: never)")
    parser.add_argument("--quick", action="store_true", help="1 scene x 1 task x 1 attempt")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.scenes, args.tasks, args.n = args.scenes[:1], args.tasks[:1], 1
    if args.first_try:
        args.repairs, args.k = 0, 1
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not (args.model or args.base_url):
        parser.error(f"unknown modes {unknown}" if unknown else "give --model or --base-url")
    out = Path(args.out)
    if args.fresh and out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("OPENAI_API_KEY", "local")
    server = None
    base_url = args.base_url
    if base_url is None:
        if not Path(args.model).is_file():
            parser.error(f"--model {args.model}: no such file")
        server = Server(_llama_python(args.llama_python), args.model, args.context,
                        out / "server.log")
        base_url = server.base_url
    rows = {}
    try:
        if server is not None:
            server.wait()
        for mode in modes:
            rows[mode] = metrics(run_mode(mode, base_url, args, out))
    finally:
        if server is not None:
            server.stop()
    config = {"scenes": args.scenes, "tasks": args.tasks, "n": args.n, "k": args.k,
              "repairs": args.repairs, "temperature": args.temperature, "seed": args.seed,
              "context": args.context, "max_reply_tokens": args.max_reply_tokens,
              "repair_conversation": args.repair_conversation}
    print(json.dumps(config))
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"config": config, "modes": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
