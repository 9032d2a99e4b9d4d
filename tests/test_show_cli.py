"""`spdsl show` from the command line: outputs and exit codes."""

from __future__ import annotations

import json

import pytest

from spatial_dsl.scenes.format import scene_from_dict, write_scene

from .conftest import REPO
from .test_show import hand_scene_doc


@pytest.fixture
def hand_file(tmp_path):
    path = tmp_path / "hand.scene.json"
    write_scene(scene_from_dict(hand_scene_doc()), path)
    return path


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_show_program_png_exit_0(spdsl, tmp_path):
    out = tmp_path / "fridge.png"
    proc = spdsl("show", str(REPO / "examples" / "closer_to_fridge.sp"), "--scene",
                 "ithor:FloorPlan1", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out}" in proc.stdout and "answer: sink" in proc.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["fridge.png"]


def test_show_rejection_draws_and_exits_1(spdsl, tmp_path, hand_file):
    program = _write(tmp_path, "chair.sp", 'question "Which chair?"\nanswer the("Chair")\n')
    out = tmp_path / "chair.svg"
    proc = spdsl("show", program, "--scene", str(hand_file), "-o", str(out), "--frame", "1")
    assert proc.returncode == 1, proc.stderr
    assert "rejected [Ambiguous]" in proc.stdout
    svg = out.read_text()
    assert "Rejected [Ambiguous]" in svg or "Rejected" in svg
    assert 'id="frustum:1"' in svg and 'id="frustum:0"' not in svg
    assert 'id="object:chair1"' in svg


def test_show_scene_alone(spdsl, tmp_path, hand_file):
    out = tmp_path / "scene.svg"
    proc = spdsl("show", "--scene", str(hand_file), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    svg = out.read_text()
    assert all(f'id="frustum:{r}"' in svg for r in range(3))
    proc = spdsl("show", "--scene", str(hand_file), "-o", str(out), "--frame", "-1")
    assert proc.returncode == 0, proc.stderr
    svg = out.read_text()
    assert 'id="frustum:2"' in svg and 'id="frustum:0"' not in svg


@pytest.mark.parametrize("case", ["compile", "scene", "suffix", "frame", "dir", "task"])
def test_show_errors_exit_2(spdsl, tmp_path, hand_file, case):
    good = _write(tmp_path, "good.sp", 'answer the("Sofa")\n')
    out = str(tmp_path / "out.png")
    args = {
        "compile": [_write(tmp_path, "bad.sp", 'answer distance(the("Sofa"), the("Sofa")) > 1\n'),
                    "--scene", str(hand_file), "-o", out],
        "scene": [good, "--scene", str(tmp_path / "missing.scene.json"), "-o", out],
        "suffix": [good, "--scene", str(hand_file), "-o", str(tmp_path / "out.jpg")],
        "frame": [good, "--scene", str(hand_file), "-o", out, "--frame", "3"],
        "dir": [good, "--scene", str(hand_file), "-o", str(tmp_path / "nope" / "out.png")],
        "task": [str(REPO / "stdlib" / "tasks" / "image_above.sp"), "--scene",
                 str(hand_file), "-o", out],
    }[case]
    if case == "dir":  # missing parents are created; a file in the way is refused
        (tmp_path / "nope").write_text("a file\n")
    proc = spdsl("show", *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
    assert not (tmp_path / "out.png").exists()
    if case == "compile":
        assert "E-TYPE" in proc.stderr


def test_show_a_name_the_scene_lacks_still_draws_exit_1(spdsl, tmp_path, hand_file):
    """README: a rejection still draws. A name the scene lacks is the outcome (E-SCENE-NAME
    with its suggestion, as `run` reports it), captioned on the picture; exit 1."""
    program = _write(tmp_path, "bad.sp", 'answer the("Sofaa")\n')
    out = tmp_path / "out.png"
    proc = spdsl("show", program, "--scene", str(hand_file), "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    assert out.stat().st_size > 0
    assert 'rejected [E-SCENE-NAME] at 1:12: the scene has no object named "Sofaa" ' \
           '(did you mean "Sofa"?)' in proc.stdout
    assert 'error[E-SCENE-NAME]' in proc.stderr and 'did you mean "Sofa"?' in proc.stderr


def test_show_help_lists_exit_codes(spdsl):
    proc = spdsl("show", "--help")
    assert proc.returncode == 0 and "1 on a rejection" in " ".join(proc.stdout.split())
    proc = spdsl("--help")
    assert "show" in proc.stdout and "review" in proc.stdout


def test_show_bad_scene_json(spdsl, tmp_path):
    bad = tmp_path / "bad.scene.json"
    bad.write_text(json.dumps({"format": "spdsl.scene/1", "id": "x", "objects": [
        {"id": "a", "category": "A", "center": [0, 0], "size": [1, 1, 1],
         "rotation": [0, 0, 0, 1]}]}))
    proc = spdsl("show", "--scene", str(bad), "-o", str(tmp_path / "o.png"))
    assert proc.returncode == 2 and "objects[0].center" in proc.stderr
