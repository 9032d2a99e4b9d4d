"""`spdsl scenes walk`, `spdsl scenes import`, `spdsl capture ai2thor`: exit codes and messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from spatial_dsl.cli import main
from spatial_dsl.scenes.format import load_scene_file

FIXTURES = Path(__file__).parent / "fixtures" / "sims"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# --------------------------------------------------------------------------- walk


def test_walk_writes_a_scene_with_frames(tmp_path, capsys):
    out = tmp_path / "fp1.scene.json"
    code, stdout, err = run(capsys, "scenes", "walk", "ithor:FloorPlan1", "-n", "6", "--seed",
                            "4", "-o", str(out))
    assert code == 0, err
    assert stdout.startswith(f"wrote {out}: 6 frames, ")
    scene = load_scene_file(out)
    assert scene.frames.count == 6 and (scene.frames.visibility > 0).any()
    assert scene.frames.width.tolist() == [640] * 6
    assert scene.source["walk"]["seed"] == 4
    again = tmp_path / "again.scene.json"
    assert run(capsys, "scenes", "walk", "ithor:FloorPlan1", "-n", "6", "--seed", "4", "-o",
               str(again))[0] == 0
    assert again.read_bytes() == out.read_bytes()  # deterministic for a seed
    # walking a scene that has frames replaces them, with a note
    code, _, err = run(capsys, "scenes", "walk", str(out), "-n", "3", "-o", str(again))
    assert code == 0 and "has 6 frames; the walk replaces them" in err
    assert load_scene_file(again).frames.count == 3


@pytest.mark.parametrize("args, message", [
    (["ithor:FloorPlan1", "-n", "0"], "-n/--frames must be 1 to 100000, got 0"),
    (["ithor:FloorPlan1", "--hfov", "200"], "--hfov must be in (0, 180)"),
    (["ithor:FloorPlan1", "--pitch", "95"], "--pitch must be in [-89, 89]"),
    (["ithor:FloorPlan9999"], "no ithor scene 'FloorPlan9999'"),
    (["missing.scene.json"], "missing.scene.json: no such file"),
])
def test_walk_bad_arguments_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "out.scene.json"
    code, _, err = run(capsys, "scenes", "walk", *args, "-o", str(out))
    assert code == 2 and message in err
    assert not out.exists()


def test_walk_bad_outputs_and_impossible_rooms(tmp_path, capsys):
    (tmp_path / "nope").write_text("a file\n")
    code, _, err = run(capsys, "scenes", "walk", "ithor:FloorPlan1", "-o",
                       str(tmp_path / "nope" / "x.scene.json"))
    assert code == 2 and "nope is a file, not a directory" in err
    code, _, err = run(capsys, "scenes", "walk", "ithor:FloorPlan1", "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err
    full = tmp_path / "full.scene.json"
    full.write_text(json.dumps({
        "format": "spdsl.scene/1", "id": "full",
        "room": {"floor": [[0, 0], [2, 0], [2, 2], [0, 2]], "height": 2.5},
        "objects": [{"id": "Bed", "category": "Bed", "center": [1, 1, 0.4],
                     "size": [2, 2, 0.8]}]}))
    code, _, err = run(capsys, "scenes", "walk", str(full), "-o", str(tmp_path / "o.json"))
    assert code == 2 and "no free floor to walk" in err
    broken = tmp_path / "broken.scene.json"
    broken.write_text('{"format": "spdsl.scene/1", "objects": [}')
    code, _, err = run(capsys, "scenes", "walk", str(broken), "-o", str(tmp_path / "o.json"))
    assert code == 2 and "invalid JSON at line 1" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.scene.json", "full.scene.json",
                                                           "nope"]


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize("kind, source, objects, frames", [
    ("ai2thor", "ai2thor/event_kitchen.json", 6, 1),
    ("ai2thor", "ai2thor/events_two.json", 6, 2),
    ("sprite", "sprite/metainfo/0.json", 4, 3),
    ("scannet", "scannet/boxes.json", 4, 0),
    ("scannet", "scannet/boxes.txt", 3, 0),
    ("mesh", "mesh/room.obj", 3, 0),
])
def test_import_each_kind(tmp_path, capsys, kind, source, objects, frames):
    out = tmp_path / "imported.scene.json"
    code, stdout, err = run(capsys, "scenes", "import", "--from", kind, str(FIXTURES / source),
                            "-o", str(out))
    assert code == 0, err
    assert stdout == f"wrote {out}: {objects} objects, {frames} frames\n"
    scene = load_scene_file(out)
    assert (scene.n, scene.frames.count) == (objects, frames)


@pytest.mark.parametrize("args, message", [
    (["--from", "mesh", "mesh/unnamed.obj"], "have no name"),
    (["--from", "scannet", "scannet/bad.txt"], "line 2: the first six fields must be numbers"),
    (["--from", "sprite", "sprite"], "holds 3 episodes"),
    (["--from", "scannet", "scannet/boxes.txt", "--up", "y"], "--up: not an option"),
    (["--from", "ai2thor", "sprite"], "not a capture directory"),
    (["--from", "mesh", "mesh/missing.glb"], "no such file"),
])
def test_import_bad_inputs_exit_2(tmp_path, capsys, args, message):
    out = tmp_path / "x.scene.json"
    *flags, source = args[:3]
    code, _, err = run(capsys, "scenes", "import", *flags, str(FIXTURES / source), *args[3:],
                       "-o", str(out))
    assert code == 2 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_import_unknown_kind_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["scenes", "import", "--from", "fbx", "x", "-o", "y"])
    assert info.value.code == 2
    assert "invalid choice: 'fbx'" in capsys.readouterr().err


# --------------------------------------------------------------------------- capture


def test_capture_without_ai2thor_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ai2thor", None)
    monkeypatch.setitem(sys.modules, "ai2thor.controller", None)
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "FloorPlan1", "--walk", "3",
                       "-o", str(tmp_path / "cap"))
    assert code == 2 and "pip install 'spdsl[ai2thor]'" in err
    assert list(tmp_path.iterdir()) == []


def test_capture_with_a_controller_factory(tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    out = tmp_path / "cap"
    code, stdout, err = run(capsys, "capture", "ai2thor", "--scene", "ithor:FloorPlanFixture",
                            "--walk", "4", "--width", "80", "--height", "60", "-o", str(out),
                            "--controller", "fake_ai2thor:make_controller")
    assert code == 0, err
    assert "wrote" in stdout and "4 frames (png images)" in stdout
    assert "planned 4 poses" in err
    scene = load_scene_file(out / "FloorPlanFixture.scene.json")
    assert scene.frames.count == 4 and scene.frames.image[0] == "frames/000000.png"
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "X", "-o", str(out),
                       "--controller", "fake_ai2thor:make_controller")
    assert code == 2 and "not empty" in err
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "FloorPlanFixture", "-o",
                       str(tmp_path / "c2"), "--controller", "fake_ai2thor:failing_controller",
                       "-q")
    assert code == 2 and "refused" in err and not (tmp_path / "c2").exists()
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "FloorPlan999", "-o",
                       str(tmp_path / "c2"), "--controller", "fake_ai2thor:make_controller")
    assert code == 2 and "Scene 'FloorPlan999_physics' not contained in build" in err
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "FloorPlan1", "-o",
                       str(tmp_path / "c2"), "--controller", "fake_ai2thor:make_controller",
                       "--visibility-distance", "-1")
    assert code == 2 and "--visibility-distance: expected metres > 0" in err
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "X", "-o", str(tmp_path / "c3"),
                       "--controller", "no_such_module:factory")
    assert code == 2 and "cannot import no_such_module" in err
    code, _, err = run(capsys, "capture", "ai2thor", "--scene", "X", "-o", str(tmp_path / "c3"),
                       "--controller", "fake_ai2thor", "--walk", "0")
    assert code == 2 and "MODULE:CALLABLE" in err


def test_real_script_exit_codes(tmp_path, spdsl):
    result = spdsl("scenes", "import", "--from", "mesh", str(FIXTURES / "mesh" / "unnamed.obj"),
                   "-o", str(tmp_path / "x.scene.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "have no name" in result.stderr
    result = spdsl("scenes", "walk", "ithor:FloorPlan201", "-n", "3",
                   "-o", str(tmp_path / "w.scene.json"))
    assert result.returncode == 0, result.stderr
    result = spdsl("scenes", "show", f"scannet:{FIXTURES / 'scannet' / 'boxes.txt'}")
    assert result.returncode == 0 and "3 objects" in result.stdout
