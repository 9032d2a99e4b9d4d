"""The newcomer's CLI under bad input (issue 14): reproducers, the fuzz corpus through every
command, scene references, task templates in `run`, review's scene paths, a full disk and
a killed `generate`.

Everything runs through `spdsl`'s entry point (in-process where a hang is impossible, as
a subprocess where the process itself is the subject). No command may exit 3.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spatial_dsl.cli import main
from tests.conftest import spdsl_executable

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fuzz_corpus"
CLI_CORPUS = CORPUS / "cli"
KITCHEN = REPO / "tests" / "fixtures" / "scenes" / "kitchen.scene.json"
TASKS = REPO / "stdlib" / "tasks"
LONG = ",".join(f"ithor:FloorPlan{i}" for i in range(1, 26))  # 440 characters


def run(argv: list[str]) -> tuple[int, str, str]:
    """`spdsl ARGV` in-process: (exit code, stdout, stderr); never an internal error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code != 3 and "internal error" not in err.getvalue(), (argv, err.getvalue())
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def fill(arg: str, tmp: Path) -> str:
    return (arg.replace("{corpus}", str(CLI_CORPUS)).replace("{kitchen}", str(KITCHEN))
            .replace("{tmp}", str(tmp)).replace("{tasks}", str(TASKS))
            .replace("{long}", LONG).replace("{longname}", "x" * 300))


# ----------------------------------------------------------------------- reproducers

CASES = json.loads((CLI_CORPUS / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c["args"])[:70] for c in CASES])
def test_reproducer(case, tmp_path):
    code, out, err = run([fill(a, tmp_path) for a in case["args"]])
    assert code == case["exit"], (out, err)
    if "stderr" in case:
        assert case["stderr"] in err, err
    if "stdout" in case:
        assert case["stdout"] in out, out
    if case["exit"] == 2:
        assert (err + out).strip(), "an error says what is wrong"


# ----------------------------------------------------------------- the fuzz corpus

CORPUS_PROGRAMS = sorted(CORPUS.glob("*.sp")) + sorted(CLI_CORPUS.glob("*.sp"))


@pytest.mark.parametrize("path", CORPUS_PROGRAMS, ids=lambda p: p.name)
def test_no_command_exits_3_on_the_corpus(path, tmp_path):
    """Every command that takes a program, on every corpus file: 0, 1 or 2, never 3."""
    program, scene = str(path), str(KITCHEN)
    for argv in (["check", program], ["check", program, "--scene", scene],
                 ["fmt", "--check", program], ["run", program, "--scene", scene],
                 ["run", program, "--scene", scene, "--json", "--trace"],
                 ["verify", program, "--scene", scene],
                 ["show", program, "--scene", scene, "-o", str(tmp_path / "p.png")]):
        code, _, _ = run(argv)
        assert code in (0, 1, 2), argv


# ------------------------------------------------------------- scene references

SCENE_COMMANDS = {  # command -> argv with SCENE where the reference goes
    "check": ["check", str(CLI_CORPUS / "drawers.sp"), "--scene", "SCENE"],
    "run": ["run", str(CLI_CORPUS / "drawers.sp"), "--scene", "SCENE"],
    "scenes show": ["scenes", "show", "SCENE"],
    "scenes export": ["scenes", "export", "SCENE", "-o", "{tmp}/x.scene.json"],
    "scenes walk": ["scenes", "walk", "SCENE", "-n", "2", "-o", "{tmp}/x.scene.json"],
    "show": ["show", "--scene", "SCENE", "-o", "{tmp}/x.png"],
    "refer": ["refer", "SCENE"],
    "generate": ["generate", "--scenes", "SCENE", "--tasks", "vsi_room_size", "-o",
                 "{tmp}/out", "-q"],
    "prompt": ["prompt", "--scene", "SCENE", "--task", "vsi_room_size"],
    "verify": ["verify", str(CLI_CORPUS / "alternatives.sp"), "--scene", "SCENE"],
    "synth": ["synth", "--scenes", "SCENE", "--tasks", "vsi_room_size", "-n", "1", "-o",
              "{tmp}/out", "--base-url", "http://127.0.0.1:9/v1", "-q"],
}
BAD_REFERENCES = {  # kind -> (reference, piece of the message)
    "empty": ("", "names no scene"),
    "only commas": (" , ,", "names no scene"),
    "unknown room": ("ithor:FloorPlan31", "did you mean ithor:FloorPlan30?"),
    "unknown file": ("nosuch.scene.json", "no such file"),
    "unknown source": ("foo:bar", "unknown scene source 'foo'"),
    "no name": ("ithor:", "no ithor scene ''"),
    "colon only": (":", "no such file"),
    "bad glob": ("ithor:[", "no ithor scene matches"),
    "long list with a bad room": (LONG + ",ithor:FloorPlan999", "FloorPlan999"),
    "a directory without scenes": ("{tmp}/empty", "no *.scene.json files"),
    "a device": ("/dev/zero", "is a device"),
    "not a scene file": (str(TASKS / "vsi_room_size.sp"), "invalid JSON"),
    "an imported path too long for the OS": ("mesh:" + "x" * 300, "no such file or directory"),
    "NUL-free binary": ("\x7fELF", "no such file"),
}


@pytest.mark.parametrize("kind", list(BAD_REFERENCES))
@pytest.mark.parametrize("command", list(SCENE_COMMANDS))
def test_bad_scene_references_exit_2(command, kind, tmp_path):
    if command == "synth":
        pytest.importorskip("openai")
    (tmp_path / "empty").mkdir()
    reference, message = BAD_REFERENCES[kind]
    argv = [fill(a, tmp_path).replace("SCENE", fill(reference, tmp_path)) if a == "SCENE"
            else fill(a, tmp_path) for a in SCENE_COMMANDS[command]]
    code, out, err = run(argv)
    assert code == 2, (out, err)
    assert message in err, err


def test_a_long_scene_list_works_in_run_and_check(tmp_path):
    program = tmp_path / "count.sp"
    program.write_text("answer count(objects)\n")
    code, out, err = run(["run", str(program), "--scene", LONG])
    assert code == 0, err
    assert [line.split(":")[0] for line in out.splitlines()] == [
        f"ithor/FloorPlan{i}" for i in range(1, 26)]
    assert run(["check", str(program), "--scene", LONG])[0] == 0


def test_single_scene_json_has_its_scene(tmp_path):
    code, out, _ = run(["run", str(CLI_CORPUS / "alternatives.sp"), "--scene", str(KITCHEN),
                        "--json"])
    assert code == 0 and json.loads(out)["scene"] == "test/kitchen"


# ------------------------------------------------------------- task templates in run

TASK_FILES = sorted(TASKS.glob("*.sp"))


@pytest.mark.parametrize("path", TASK_FILES, ids=lambda p: p.stem)
def test_run_refuses_every_task_template(path):
    code, out, err = run(["run", str(path), "--scene", str(KITCHEN)])
    assert code == 2 and out == ""
    assert f"{path} is a task template; give a program" in err
    assert "--params" in err



def test_parameterless_template_runs_as_its_refusal_suggests():
    # vsi_room_size has no parameters: the refusal must show a command that works
    path = TASKS / "vsi_room_size.sp"
    code, _, err = run(["run", str(path), "--scene", str(KITCHEN)])
    assert code == 2 and "--params ''" in err
    code, out, _ = run(["run", str(path), "--scene", str(KITCHEN), "--params", ""])
    assert code == 0 and float(out) > 0

@pytest.fixture(scope="module")
def walked_items(tmp_path_factory):
    """Items of every bundled task on a small room with frames."""
    sys.path.insert(0, str(REPO / "tests" / "fixtures"))
    try:
        import task_scene
    finally:
        sys.path.pop(0)
    root = tmp_path_factory.mktemp("items")
    scene = root / "room.scene.json"
    scene.write_text(json.dumps(task_scene.SCENE_DOC))
    out = root / "out"
    code, _, err = run(["generate", "--scenes", str(scene), "--tasks", "all", "--per-scene",
                        "1", "--seed", "3", "-o", str(out), "-q", "--workers", "1"])
    assert code == 0, err
    return out, [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]


def test_run_params_runs_the_item_program_generate_wrote(walked_items):
    """For every item: `run TASK --params <its params>` runs its very program (same
    question wording for the same --seed) and gives its answer."""
    out, items = walked_items
    assert len({it["task"] for it in items}) >= 40
    for item in items:
        params = ",".join(f"{k}={v}" for k, v in item["params"].items())
        code, stdout, stderr = run(["run", str(TASKS / f"{item['task']}.sp"), "--scene",
                                    str(out / item["scene_file"]), "--params", params,
                                    "--seed", "3", "--json", "--show-program"])
        assert code == 0, (item["id"], stderr)
        assert json.loads(stdout)["answer"] == item["answer"], item["id"]
        assert stderr == item["program"], item["id"]


def test_run_params_errors_and_filtered_bindings(walked_items):
    out, _ = walked_items
    scene = str(out / "scenes" / "test__task_living_room.scene.json")
    above = str(TASKS / "image_above.sp")
    cases = [
        ("a=Mug", "missing f, b"),
        ("a=Mug,b=DiningTable,f=2,c=1", "has no parameter c"),
        ("a=Mug,b=dinningtable,f=2", "did you mean DiningTable?"),
        ("a=Mug,b=DiningTable,f=9", "not a frame index of the scene (indices 0..4"),
        ("a=Chair,b=DiningTable,f=2", "the scene has 3 objects of that name"),
        ("a=Mug,a=Vase,b=DiningTable,f=2", "a is given twice"),
        ("Mug", "expected NAME=VALUE"),
    ]
    for params, message in cases:
        code, _, err = run(["run", above, "--scene", scene, "--params", params])
        assert code == 2 and message in err, (params, err)
    # the lamp hangs over the table but frame 2 ... `where` wants both in view: it filters
    code, stdout, _ = run(["run", above, "--scene", scene, "--params",
                           "a=Sofa,b=DiningTable,f=1", "--json"])
    assert code == 1 and json.loads(stdout)["rejected"]["kind"] == "Filtered"
    code, _, err = run(["run", str(CLI_CORPUS / "drawers.sp"), "--scene", scene, "--params",
                        "a=1"])
    assert code == 2 and "--params instantiates a task template" in err


# ------------------------------------------------------------------ generate

def test_generate_says_why_tasks_were_skipped(tmp_path):
    code, out, err = run(["generate", "--scenes", str(KITCHEN.parent / "no_room.scene.json"),
                          "--tasks", "vsi_room_size,video_counting,image_counting", "-o",
                          str(tmp_path / "out"), "-q", "--workers", "1"])
    assert code == 0, err
    assert "2 of 3 tasks skipped on up to 1 of 1 scene(s) (2 task-scene pairs): no frames; " \
           "image and video tasks need frames: give scenes without frames a camera walk " \
           "with --walk N" in err


def _spdsl_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "SPDSL_DEBUG"}


def _two_scenes(root: Path) -> Path:
    scenes = root / "scenes"
    scenes.mkdir()
    doc = json.loads(KITCHEN.read_text())
    for name in ("a", "b"):
        (scenes / f"{name}.scene.json").write_text(json.dumps({**doc, "id": f"test/{name}"}))
    return scenes


@pytest.mark.parametrize("limit", [20_000, 100_000])
def test_generate_on_a_full_disk_exits_2_and_resumes(tmp_path, limit):
    """A file-size limit (RLIMIT_FSIZE: writes fail with EFBIG, as on a full disk): exit 2
    saying what happened and what is saved; the same command then finishes, and the output
    is byte for byte that of an undisturbed run. 20 kB stops the first scene's part (77 kB),
    100 kB the dataset file (139 kB) after both scenes."""
    scenes = _two_scenes(tmp_path)
    argv = [spdsl_executable(), "generate", "--scenes", str(scenes), "--tasks", "all",
            "--per-scene", "2", "--workers", "1", "-q"]

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "out"
    proc = subprocess.run([*argv, "-o", str(out)], capture_output=True, text=True,
                          preexec_fn=small_files, env=_spdsl_env(), timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "file too large" in proc.stderr and "rerun the same command to resume" in \
        proc.stderr and "internal error" not in proc.stderr
    assert ("0 of 2 scenes are saved" if limit < 50_000 else "all 2 scenes are saved") \
        in proc.stderr
    resumed = subprocess.run([*argv, "-o", str(out)], capture_output=True, text=True,
                             env=_spdsl_env(), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    clean = tmp_path / "clean"
    assert subprocess.run([*argv, "-o", str(clean)], capture_output=True, env=_spdsl_env(),
                          timeout=300).returncode == 0
    assert (out / "data.jsonl").read_bytes() == (clean / "data.jsonl").read_bytes()


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_no_worker_outlives_a_killed_generate(tmp_path):
    """SIGKILL the driver while its pool works: every worker exits within seconds."""
    refs = ",".join(f"ithor:FloorPlan{i}" for i in range(1, 9))
    proc = subprocess.Popen([spdsl_executable(), "generate", "--scenes", refs, "--tasks",
                             "all", "--walk", "10", "--workers", "2", "-q", "-o",
                             str(tmp_path / "out")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=_spdsl_env())
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            time.sleep(0.2)
            workers = _descendants(proc.pid)
        assert len(workers) >= 2, "the pool never started"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:  # do not leave them to the next test
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"


# ------------------------------------------------------------------ review

def test_review_reads_scene_files_only_inside_the_dataset(tmp_path):
    dataset = tmp_path / "hostile_review"
    shutil.copytree(CLI_CORPUS / "hostile_review", dataset)
    os.mkfifo(dataset / "fifo.scene.json")
    (dataset / "link.scene.json").symlink_to(KITCHEN)
    with open(dataset / "big.scene.json", "wb") as handle:  # sparse: no disk used
        handle.truncate(600 * 2**20)
    code, out, err = run(["review", str(dataset), "-o", str(tmp_path / "page.html"),
                          "--workers", "1", "-q"])
    assert code == 0, err
    assert "9 items, 0 pictures, 9 with problems" in out
    page = (tmp_path / "page.html").read_text()
    for message in ("is an absolute path", "points outside the dataset directory",
                    "is a FIFO, not a regular file", "is larger than 536870912 bytes",
                    "is not a file name"):
        assert message in page, message


def test_read_input_caps_pipes_and_refuses_devices(tmp_path):
    from spatial_dsl.files import InputFileError, path_inside, read_input

    regular = tmp_path / "a.json"
    regular.write_bytes(b"x" * 10)
    assert read_input(regular, 10) == b"x" * 10
    with pytest.raises(InputFileError, match="larger than 9 bytes"):
        read_input(regular, 9)
    with pytest.raises(InputFileError, match="is a device"):
        read_input("/dev/zero", 1 << 20)
    read_end, write_end = os.pipe()  # a pipe that keeps writing is cut at the limit
    os.write(write_end, b"y" * 100)
    with pytest.raises(InputFileError, match="larger than 50 bytes"):
        read_input(f"/proc/self/fd/{read_end}", 50)
    os.close(read_end)
    os.close(write_end)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match="is a FIFO"):  # opened without blocking
        read_input(fifo, 10, regular_only=True)
    assert path_inside(tmp_path, "scenes/../a.json") == regular.resolve()
    for bad in ("/etc/passwd", "../x.json", "", "a\0b"):
        with pytest.raises(InputFileError):
            path_inside(tmp_path, bad)


def test_a_scene_from_a_pipe_is_read(tmp_path):
    """`--scene <(cat kitchen.scene.json)`: a pipe is read as `cat` would read it."""
    proc = subprocess.run(["bash", "-c", f'"{spdsl_executable()}" run '
                           f'"{CLI_CORPUS / "alternatives.sp"}" --scene <(cat "{KITCHEN}")'],
                          capture_output=True, text=True, env=_spdsl_env(), timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "fridge\n"), proc.stderr


def test_many_unknown_names_get_few_suggestions_and_stay_fast():
    """400 unknown names: all reported, suggestions only for the first 20 (each compares
    with every name of the scene)."""
    from spatial_dsl import compile_program, load_scene
    from spatial_dsl.lang.check.checker import MAX_SCENE_SUGGESTIONS

    program = compile_program("".join(f'let n{i} = count("Chiar{i}")\n' for i in range(400))
                              + "answer 1\n")
    started = time.perf_counter()
    problems = program.check_scene(load_scene(str(KITCHEN)))
    assert len(problems) == 400 and time.perf_counter() - started < 30
    assert sum(1 for d in problems if d.hint) <= MAX_SCENE_SUGGESTIONS
