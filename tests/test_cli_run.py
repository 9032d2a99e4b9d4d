"""`spdsl run`, `spdsl check --scene` and `spdsl scenes` through the real console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_runtime import SCENE_DOC

SPDSL = shutil.which("spdsl") or str(Path(sys.executable).parent / "spdsl")


def spdsl(*args, cwd=None):
    proc = subprocess.run([SPDSL, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


@pytest.fixture
def files(tmp_path):
    scene = tmp_path / "handmade.scene.json"
    scene.write_text(json.dumps(SCENE_DOC))
    programs = {
        "count": 'question "How many chairs?"\nlet chairs = find("Chair")\n'
                 "answer count(chairs)\n",
        "ambiguous": 'answer the("Chair")\n',
        "broken": "answer distance(a, b) > 1.5\n",
        "misspelt": 'answer count("Chiar")\n',
    }
    for name, text in programs.items():
        (tmp_path / f"{name}.sp").write_text(text)
    return tmp_path


def test_run_answers_with_exit_0(files):
    proc = spdsl("run", files / "count.sp", "--scene", files / "handmade.scene.json")
    assert (proc.returncode, proc.stdout) == (0, "2\n")


def test_run_json_and_trace(files):
    proc = spdsl("run", files / "count.sp", "--scene", files / "handmade.scene.json", "--json",
                 "--trace")
    record = json.loads(proc.stdout)
    assert record["answer"] == "2" and record["type"] == "Int" and record["value"] == 2
    assert record["trace"] == [{"name": "chairs", "value": "{Chair, red chair}"}]


def test_rejection_exits_1_with_kind_and_span(files):
    proc = spdsl("run", files / "ambiguous.sp", "--scene", files / "handmade.scene.json",
                 "--json")
    assert proc.returncode == 1
    rejected = json.loads(proc.stdout)["rejected"]
    assert rejected["kind"] == "Ambiguous"
    assert (rejected["span"]["line"], rejected["span"]["column"]) == (1, 8)


def test_compile_error_exits_2_with_the_caret_diagnostic(files):
    proc = spdsl("run", files / "broken.sp", "--scene", files / "handmade.scene.json")
    assert proc.returncode == 2
    assert "error[E-TYPE]: expected Length, got Number" in proc.stderr
    assert "write 1.5m for a length" in proc.stderr


def test_many_scenes_one_line_each(files):
    other = files / "more"
    other.mkdir()
    for name in ("a", "b"):
        (other / f"{name}.scene.json").write_text(json.dumps({**SCENE_DOC, "id": f"test/{name}"}))
    proc = spdsl("run", files / "count.sp", "--scene", other, "--scene",
                 "ithor:FloorPlan1,ithor:FloorPlan2", "--json")
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["scene"] for r in records] == ["test/a", "test/b", "ithor/FloorPlan1",
                                             "ithor/FloorPlan2"]
    assert [r.get("answer") for r in records[:2]] == ["2", "2"]
    # FloorPlan1 has no chair: E-SCENE-NAME, and the other scenes still run
    (diagnostic,) = records[2]["diagnostics"]
    assert diagnostic["code"] == "E-SCENE-NAME" and '"Chair"' in diagnostic["message"]
    assert records[3]["answer"] == "1"
    assert proc.returncode == 2
    assert "in scene ithor/FloorPlan1:\n" in proc.stderr
    assert proc.stderr.count("error[E-SCENE-NAME]") == 1


def test_glob_over_all_ithor_rooms(files):
    proc = spdsl("run", files / "count.sp", "--scene", "ithor:*")
    lines = proc.stdout.splitlines()
    assert len(lines) == 120 and all(": " in line for line in lines)


def test_unknown_scene_reference_exits_2_with_suggestion(files):
    proc = spdsl("run", files / "count.sp", "--scene", "ithor:FloorPlan999")
    assert proc.returncode == 2
    assert "FloorPlan999" in proc.stderr and "did you mean" in proc.stderr


@pytest.mark.parametrize("content,expected", [
    ("{not json", "line 1"),
    (json.dumps({**SCENE_DOC, "objects": [{**SCENE_DOC["objects"][0], "size": [1, 2]}]}),
     "objects[0].size"),
])
def test_bad_scene_file_exits_2_naming_the_problem(files, content, expected):
    bad = files / "bad.scene.json"
    bad.write_text(content)
    proc = spdsl("run", files / "count.sp", "--scene", bad)
    assert proc.returncode == 2
    assert expected in proc.stderr


def test_check_with_scene_reports_scene_names(files):
    proc = spdsl("check", files / "misspelt.sp", "--scene", files / "handmade.scene.json")
    assert proc.returncode == 2
    assert "error[E-SCENE-NAME]" in proc.stdout and '"Chair"' in proc.stdout
    assert spdsl("check", files / "count.sp", "--scene", "ithor:FloorPlan10").returncode == 0


def test_scenes_list_show_export_round_trip(files, tmp_path):
    listed = spdsl("scenes", "list", "ithor").stdout.split()
    assert len(listed) == 120 and "ithor:FloorPlan1" in listed
    shown = spdsl("scenes", "show", "ithor:FloorPlan1").stdout
    assert "77 objects" in shown
    out = tmp_path / "fp1.scene.json"
    assert spdsl("scenes", "export", "ithor:FloorPlan1", "-o", out).returncode == 0
    direct = spdsl("run", files / "count.sp", "--scene", "ithor:FloorPlan1").stdout
    exported = spdsl("run", files / "count.sp", "--scene", out).stdout
    assert direct == exported
