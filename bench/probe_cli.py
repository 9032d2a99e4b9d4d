"""The newcomer's CLI under hostile input: every command against bad paths, bad scene
references, out-of-range flags, the fuzz corpus and every task template.

Each invocation runs `spdsl`'s entry point in a forked child (the imports are paid
once; a crash or a hang cannot take the probe down), with a time limit; the probe
prints the exit codes it saw per section and every invocation that exited 3, printed
a traceback or hung. It exits 1 if there was one. (bench/probe_hostile.py probes the
language, the runtime and the scene loader; this one probes the commands around them.)

Usage: python bench/probe_cli.py [--timeout S] [--quick] [--verbose]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "sims"))  # the fake AI2-THOR

KITCHEN = REPO / "tests" / "fixtures" / "scenes" / "kitchen.scene.json"
CORPUS = REPO / "tests" / "fuzz_corpus"
TASKS = REPO / "stdlib" / "tasks"
LONG = ",".join(f"ithor:FloorPlan{i}" for i in range(1, 26))


def run_isolated(argv: list[str], timeout: float) -> tuple[str, str]:
    """(outcome, first line of stderr): outcome is the exit code, "hang" or "signal N"."""
    out_fd, out_path = tempfile.mkstemp(prefix="probe-")
    pid = os.fork()
    if pid == 0:  # the child: stdout/stderr to the file, run, exit with the code
        try:
            os.dup2(out_fd, 1)
            os.dup2(out_fd, 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), "utf-8")
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), "utf-8")
            sys.stdin = open(os.devnull)
            from spatial_dsl.cli import main

            code = main(argv)
            sys.stdout.flush()
            sys.stderr.flush()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # noqa: BLE001 - a crash of main itself is a finding
            code = 99
        os._exit(code)
    os.close(out_fd)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.unlink(out_path)
            return "hang", ""
        time.sleep(0.02)
    text = Path(out_path).read_text(encoding="utf-8", errors="replace")
    os.unlink(out_path)
    if "Traceback (most recent call last)" in text:
        return "traceback", text.strip().splitlines()[-1]
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}", ""
    code = os.WEXITSTATUS(status)
    lines = [line for line in text.splitlines() if "internal error" in line] or [""]
    return str(code), lines[0]


# ---------------------------------------------------------------------- the inputs


def bad_paths(tmp: Path) -> dict[str, str]:
    """Output paths that must be refused (exit 2), by class."""
    (tmp / "a-directory").mkdir(parents=True)
    (tmp / "a-file.txt").write_text("x\n")
    fifo = tmp / "a-fifo"
    os.mkfifo(fifo)
    return {"a directory": str(tmp / "a-directory"), "a file": str(tmp / "a-file.txt"),
            "through a file": str(tmp / "a-file.txt" / "out.x"), "a fifo": str(fifo),
            "a device": "/dev/null", "empty": "", "read-only (/proc)": "/proc/1/out.x",
            "sysfs": "/sys/out.x", "too long": str(tmp / ("n" * 300)),
            "nested too long": "/".join(["d" * 200] * 30)}


def writing_commands(tmp: Path, dataset: Path) -> dict[str, list[str]]:
    k = str(KITCHEN)
    return {
        "docs": ["docs", "-o", "OUT"],
        "scenes export": ["scenes", "export", k, "-o", "OUT"],
        "scenes walk": ["scenes", "walk", k, "-n", "2", "-o", "OUT"],
        "scenes import": ["scenes", "import", "--from", "mesh",
                          str(REPO / "tests" / "fixtures" / "sims" / "mesh" / "room.obj"),
                          "-o", "OUT"],
        "show": ["show", "--scene", k, "-o", "OUT"],
        "review": ["review", str(dataset), "-o", "OUT", "--workers", "1", "-q"],
        "generate": ["generate", "--scenes", k, "--tasks", "vsi_room_size", "-o", "OUT", "-q",
                     "--workers", "1"],
        "synth": ["synth", "--scenes", k, "--tasks", "vsi_room_size", "-n", "1", "-o", "OUT",
                  "--base-url", "http://127.0.0.1:9/v1", "--retries", "0", "-q"],
        "capture": ["capture", "ai2thor", "--scene", "FloorPlanFixture", "--walk", "2",
                    "--controller", "fake_ai2thor:make_controller", "-o", "OUT", "-q"],
    }


def scene_commands() -> dict[str, list[str]]:
    program = str(CORPUS / "cli" / "alternatives.sp")
    return {
        "check": ["check", program, "--scene", "SCENE"],
        "run": ["run", program, "--scene", "SCENE"],
        "run --json": ["run", program, "--scene", "SCENE", "--json"],
        "scenes show": ["scenes", "show", "SCENE"],
        "scenes export": ["scenes", "export", "SCENE", "-o", "{tmp}/e.scene.json"],
        "scenes walk": ["scenes", "walk", "SCENE", "-n", "2", "-o", "{tmp}/w.scene.json"],
        "show": ["show", "--scene", "SCENE", "-o", "{tmp}/s.png"],
        "refer": ["refer", "SCENE"],
        "generate": ["generate", "--scenes", "SCENE", "--tasks", "vsi_room_size", "-o",
                     "{tmp}/g", "-q", "--workers", "1"],
        "prompt": ["prompt", "--scene", "SCENE", "--task", "vsi_room_size"],
        "verify": ["verify", program, "--scene", "SCENE"],
        "synth": ["synth", "--scenes", "SCENE", "--tasks", "vsi_room_size", "-n", "1", "-o",
                  "{tmp}/y", "--base-url", "http://127.0.0.1:9/v1", "-q"],
    }


BAD_SCENES = ["", " ", ",", " , ,", "ithor:", ":", "::", "ithor:FloorPlan31", "ithor:31",
              "ithor:FloorPlan0", "ithor:FloorPlan-1", "ithor:FloorPlan999999999999",
              "robothor:75", "robothor:-1", "ithor:[", "ithor:*]", "ithor:**",
              "foo:bar", "mesh:", "mesh:/nonexistent.obj", "sprite:/dev/zero",
              "nosuch.scene.json", "/dev/zero", "/dev/null", "/proc/self/status", "/",
              str(TASKS / "vsi_room_size.sp"), str(CORPUS / "binary_random.sp"),
              "x" * 300, "mesh:" + "x" * 300, LONG + ",ithor:FloorPlan999", "\x7fELF",
              "ithor:FloorPlan1,,,,", "../../../../etc/passwd", "-", "~", "$HOME",
              "ithor:FloorPlan1\n", "ithor:\u00e9"]

FLAGS = {  # argv prefix, flag, values to try
    "run": (["run", str(CORPUS / "cli" / "alternatives.sp"), "--scene", str(KITCHEN)],
            ["--max-steps", "--time-limit", "--seed"]),
    "show": (["show", "--scene", str(KITCHEN), "-o", "{tmp}/f.png"],
             ["--dpi", "--frame", "--max-steps", "--time-limit"]),
    "generate": (["generate", "--scenes", str(KITCHEN), "--tasks", "vsi_room_size", "-o",
                  "{tmp}/f", "-q"],
                 ["--per-scene", "--seed", "--walk", "--workers", "--max-share"]),
    "scenes walk": (["scenes", "walk", str(KITCHEN), "-o", "{tmp}/f.scene.json"],
                    ["-n", "--seed", "--width", "--height", "--hfov", "--eye-height",
                     "--pitch"]),
    "refer": (["refer", str(KITCHEN)], ["--per-kind", "--chain", "--seed"]),
    "review": (["review", "{dataset}", "-o", "{tmp}/f.html", "-q"], ["--limit", "--workers"]),
    "verify": (["verify", str(CORPUS / "cli" / "alternatives.sp"), "--scene", str(KITCHEN)],
               ["--seed"]),
    "prompt": (["prompt", "--scene", str(KITCHEN), "--task", "vsi_room_size"],
               ["--attempt", "--attempts", "--seed"]),
}
FLAG_VALUES = ["-1", "0", "-0.5", "nan", "inf", "-inf", "1e400", "99999999999999999999",
               "abc", ""]


# --------------------------------------------------------------------------- probe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds per invocation before it counts as a hang")
    parser.add_argument("--quick", action="store_true", help="a third of each section")
    parser.add_argument("--verbose", action="store_true", help="print every invocation")
    args = parser.parse_args()
    os.environ.setdefault("SPDSL_CACHE_DIR", str(Path(tempfile.gettempdir()) / "spdsl-probe"))
    from spatial_dsl.cli import main as spdsl_main  # noqa: F401  (import once, fork after)

    tables: dict[str, Counter] = {}
    findings: list[tuple[str, list[str], str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="probe-cli-") as root:
        root = Path(root)
        dataset = root / "dataset"
        outcome, _ = run_isolated(["generate", "--scenes", str(KITCHEN), "--tasks", "all",
                                   "--per-scene", "1", "-o", str(dataset), "-q", "--workers",
                                   "1"], args.timeout)
        assert outcome == "0", f"could not make the probe's dataset: {outcome}"
        sections = list(_sections(root, dataset))
        for section, argvs in sections:
            argvs = argvs[::3] if args.quick else argvs
            table = tables.setdefault(section, Counter())
            for n, argv in enumerate(argvs):
                tmp = root / f"t{len(findings)}-{section.replace(' ', '_')}-{n}"
                tmp.mkdir()
                argv = [a.replace("{tmp}", str(tmp)).replace("{dataset}", str(dataset))
                        for a in argv]
                outcome, line = run_isolated(argv, args.timeout)
                table[outcome] += 1
                if args.verbose:
                    print(f"[{section}] {outcome}: spdsl {' '.join(a[:60] for a in argv)}",
                          flush=True)
                if outcome not in ("0", "1", "2"):
                    findings.append((section, argv, f"{outcome}: {line}"))
    _print(tables, findings, time.perf_counter() - started)
    return 1 if findings else 0


def _sections(root: Path, dataset: Path):
    paths = bad_paths(root / "paths")
    suffix = {"docs": ".md", "show": ".png", "review": ".html"}
    yield "output paths", [
        [a.replace("OUT", path + (suffix.get(name, "") if path and kind not in (
            "a fifo", "a device", "a directory") else "")) if a == "OUT" else a
         for a in argv]
        for name, argv in writing_commands(root, dataset).items()
        for kind, path in paths.items()]
    yield "scene references", [
        [a.replace("SCENE", bad) if a == "SCENE" else a for a in argv]
        for argv in scene_commands().values() for bad in BAD_SCENES]
    programs = sorted(CORPUS.glob("*.sp")) + sorted((CORPUS / "cli").glob("*.sp"))
    k = str(KITCHEN)
    yield "fuzz corpus", [argv for p in programs for argv in (
        ["check", str(p), "--scene", k], ["fmt", "--check", str(p)],
        ["run", str(p), "--scene", k, "--json", "--trace"], ["verify", str(p), "--scene", k],
        ["show", str(p), "--scene", k, "-o", "{tmp}/c.png"])]
    yield "flags", [prefix + [flag, value] for prefix, flags in FLAGS.values()
                    for flag in flags for value in FLAG_VALUES]
    yield "task templates", [argv for t in sorted(TASKS.glob("*.sp")) for argv in (
        ["run", str(t), "--scene", k], ["run", str(t), "--scene", k, "--params", "a=Fridge"],
        ["run", str(t), "--scene", k, "--params", "x=,=,,a"],
        ["show", str(t), "--scene", k, "-o", "{tmp}/t.png"], ["verify", str(t), "--scene", k])]
    cases = json.loads((CORPUS / "cli" / "cases.json").read_text())
    yield "issue 14 reproducers", [
        [a.replace("{corpus}", str(CORPUS / "cli")).replace("{kitchen}", k)
         .replace("{tasks}", str(TASKS)).replace("{long}", LONG)
         .replace("{longname}", "x" * 300) for a in c["args"]] for c in cases]


def _print(tables: dict[str, Counter], findings, seconds: float) -> None:
    codes = ["0", "1", "2", "3", "hang", "traceback"]
    others = sorted({c for t in tables.values() for c in t} - set(codes))
    header = ["section", "inputs", *codes, *others]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    total = Counter()
    for section, table in tables.items():
        total.update(table)
        print("| " + " | ".join([section, str(sum(table.values()))]
                                + [str(table.get(c, 0)) for c in codes + others]) + " |")
    print("| " + " | ".join(["all", str(sum(total.values()))]
                            + [str(total.get(c, 0)) for c in codes + others]) + " |")
    print(f"\n{sum(total.values())} invocations in {seconds:.0f} s; "
          f"{len(findings)} exited 3, printed a traceback or hung")
    for section, argv, what in findings:
        shown = " ".join(a if len(a) < 80 else a[:77] + "..." for a in argv)
        print(f"  [{section}] spdsl {shown}\n      -> {what}")


if __name__ == "__main__":
    sys.exit(main())
