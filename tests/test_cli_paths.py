"""The output-path policy (spatial_dsl/outputs.py), for every command that writes.

Policy: missing parent directories are created; a directory where a file is wanted,
a file where a directory is wanted, a path through a file, a read-only location, an
existing FIFO or device, and an empty path are refused with exit 2 and a message
naming the path, before any output is written. Each writing command is run against
each class of bad path (in-process, as `spdsl` would run it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from spatial_dsl.cli import main

REPO = Path(__file__).resolve().parent.parent
KITCHEN = REPO / "tests" / "fixtures" / "scenes" / "kitchen.scene.json"
SIMS = REPO / "tests" / "fixtures" / "sims"


@pytest.fixture(autouse=True)
def _no_hang():
    """A refused FIFO must never be opened: fail instead of blocking the suite."""
    def hung(*_):
        raise TimeoutError("the command blocked (opened a FIFO?)")
    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A tiny `spdsl generate` output to review."""
    root = tmp_path_factory.mktemp("ds") / "gen"
    assert main(["generate", "--scenes", str(KITCHEN), "--tasks", "vsi_room_size", "-o",
                 str(root), "-q", "--workers", "1"]) == 0
    return root


def _mesh():
    return str(SIMS / "mesh" / "room.obj")


# command name -> (argv builder taking the output path, what it writes: "file" or "dir")
COMMANDS = {
    "docs": (lambda out, ds: ["docs", "-o", out], "file", ".md"),
    "scenes export": (lambda out, ds: ["scenes", "export", str(KITCHEN), "-o", out], "file",
                      ".scene.json"),
    "scenes walk": (lambda out, ds: ["scenes", "walk", str(KITCHEN), "-n", "2", "-o", out],
                    "file", ".scene.json"),
    "scenes import": (lambda out, ds: ["scenes", "import", "--from", "mesh", _mesh(), "-o",
                                       out], "file", ".scene.json"),
    "show": (lambda out, ds: ["show", "--scene", str(KITCHEN), "-o", out], "file", ".png"),
    "review": (lambda out, ds: ["review", str(ds), "-o", out, "--workers", "1", "-q"],
               "file", ".html"),
    "review --images files": (lambda out, ds: ["review", str(ds), "-o", out, "--workers", "1",
                                               "-q", "--images", "files"], "file", ".html"),
    "generate": (lambda out, ds: ["generate", "--scenes", str(KITCHEN), "--tasks",
                                  "vsi_room_size", "-o", out, "-q", "--workers", "1"],
                 "dir", ""),
    "synth": (lambda out, ds: ["synth", "--scenes", str(KITCHEN), "--tasks", "vsi_room_size",
                               "-n", "1", "-o", out, "--base-url", "http://127.0.0.1:9/v1",
                               "--retries", "0", "--timeout", "2", "-q"], "dir", ""),
    "synth --cache": (lambda out, ds: ["synth", "--scenes", str(KITCHEN), "--tasks",
                                       "vsi_room_size", "-n", "1", "-o",
                                       str(Path(ds).parent / "synth-out"), "--cache", out,
                                       "--base-url", "http://127.0.0.1:9/v1", "--retries", "0",
                                       "--timeout", "2", "-q"], "dir", ""),
    "capture ai2thor": (lambda out, ds: ["capture", "ai2thor", "--scene", "FloorPlanFixture",
                                         "--walk", "2", "--width", "40", "--height", "30",
                                         "-o", out, "--controller",
                                         "fake_ai2thor:make_controller", "-q"], "dir", ""),
}


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


@contextlib.contextmanager
def _read_only(directory: Path):
    """Nobody may write in ``directory`` while inside: mode 0555, or for root the immutable
    flag (skips the test where root cannot set it)."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield directory
        finally:
            directory.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(directory)], capture_output=True).returncode != 0:
        pytest.skip("running as root without `chattr +i`: no read-only directory possible")
    try:
        yield directory
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


@pytest.fixture
def read_only_dir(tmp_path):
    """A directory nobody may write in."""
    directory = tmp_path / "read-only"
    directory.mkdir()
    with _read_only(directory):
        yield directory


def _bad_path(case: str, tmp_path: Path, read_only: Path | None, kind: str, suffix: str):
    """(output path, message expected on stderr) for one class of bad path."""
    if case == "directory-for-a-file":
        directory = tmp_path / f"taken{suffix}"
        directory.mkdir()
        return str(directory), "is a directory"
    if case == "file-for-a-directory":
        existing = tmp_path / "existing.txt"
        existing.write_text("mine\n")
        return str(existing), "is a file, not a directory"
    if case == "path-through-a-file":
        blocker = tmp_path / "notes.txt"
        blocker.write_text("mine\n")
        return str(blocker / f"out{suffix}"), "notes.txt is a file, not a directory"
    if case == "read-only":
        return str(read_only / "sub" / f"out{suffix}"), "cannot write in"
    if case == "fifo":
        fifo = tmp_path / f"pipe{suffix}"
        os.mkfifo(fifo)
        return str(fifo), "named pipe"
    if case == "device":  # show and review check the suffix first
        return "/dev/null", "must end in" if suffix in (".png", ".html") else "device"
    if case == "empty":
        return "", "empty"
    raise AssertionError(case)


CASES = ("directory-for-a-file", "file-for-a-directory", "path-through-a-file", "read-only",
         "fifo", "device", "empty")


def _applies(case: str, kind: str) -> bool:
    return not (case == "directory-for-a-file" and kind == "dir"
                or case == "file-for-a-directory" and kind == "file")


@pytest.mark.parametrize("command,case", [(c, k) for c in COMMANDS for k in CASES
                                          if _applies(k, COMMANDS[c][1])])
def test_bad_output_paths_exit_2_naming_the_path(command, case, tmp_path, capsys, request,
                                                 monkeypatch, dataset):
    build, kind, suffix = COMMANDS[command]
    if command.startswith("synth"):
        pytest.importorskip("openai")
    monkeypatch.syspath_prepend(str(SIMS))
    read_only = request.getfixturevalue("read_only_dir") if case == "read-only" else None
    out, expected = _bad_path(case, tmp_path, read_only, kind, suffix)
    if command == "capture ai2thor" and case == "empty":
        expected = "-o DIR"  # capture needs -o unless it renders (--poses)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(capsys, build(out, dataset))
    assert code == 2, err
    assert err.startswith("spdsl: error:") and expected in err, err
    if out:
        assert out in err or Path(out).name in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize("command", list(COMMANDS))
def test_missing_parent_directories_are_created(command, tmp_path, capsys, monkeypatch,
                                                dataset):
    build, kind, suffix = COMMANDS[command]
    if command.startswith("synth"):
        pytest.importorskip("openai")
    monkeypatch.syspath_prepend(str(SIMS))
    out = tmp_path / "new" / "deeper" / f"out{suffix}"
    code, _, err = run(capsys, build(str(out), dataset))
    # synth cannot reach its (absent) endpoint: exit 1, stopped early and resumable
    assert code == (1 if command.startswith("synth") else 0), err
    assert out.is_dir() if kind == "dir" else out.is_file()


def test_fmt_in_a_read_only_directory_exit_2(tmp_path, capsys):
    directory = tmp_path / "programs"
    directory.mkdir()
    target = directory / "messy.sp"
    target.write_text("answer   count( objects )\n")
    with _read_only(directory):
        code, _, err = run(capsys, ["fmt", str(target)])
    assert code == 2 and f"cannot write {target}" in err, err
    assert target.read_text() == "answer   count( objects )\n"


def test_write_errors_name_the_target_not_the_temp_file(tmp_path):
    from spatial_dsl.files import atomic_write

    def fail(tmp: str) -> None:
        raise OSError(28, "No space left on device", tmp)

    with pytest.raises(OSError) as info:
        atomic_write(tmp_path / "x.json", fail)
    assert info.value.filename == str(tmp_path / "x.json") and info.value.errno == 28
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone


def test_the_real_script_on_a_bad_path(tmp_path, spdsl):
    proc = spdsl("scenes", "export", str(KITCHEN), "-o", str(tmp_path))
    assert proc.returncode == 2 and "is a directory" in proc.stderr


def test_capture_poses_refuses_a_read_only_place_before_rendering(tmp_path, capsys,
                                                                  monkeypatch):
    """`capture ai2thor --poses` writes the pictures beside the scene files: a directory
    that cannot take them is refused first, exit 2."""
    monkeypatch.syspath_prepend(str(SIMS))
    directory = tmp_path / "scenes"
    directory.mkdir()
    shutil.copy(KITCHEN, directory / "kitchen.scene.json")
    with _read_only(directory):
        code, _, err = run(capsys, ["capture", "ai2thor", "--poses", str(directory),
                                    "--controller", "fake_ai2thor:make_controller", "-q"])
    assert code == 2 and "cannot write in" in err, err
    assert sorted(p.name for p in directory.iterdir()) == ["kitchen.scene.json"]
