"""Every reproducer of the fuzz corpus through the CLI: never exit 3, never a traceback,
never a warning on stderr.

tests/fuzz_corpus/ holds the front-end corpus (*.sp at the top, see test_fuzz_frontend),
runtime/ the programs of issue 14 that crashed or hung the runtime, and scenes/ the scene
files that crashed or stalled the loader. Each program goes through `check`, `fmt --check`
and `run` on two scenes (a small one with frames and a 2,000-frame walk, where the route and
travel reproducers must stop at the step budget); each scene file through `scenes show`,
`check --scene` and `run`. In process, through ``spatial_dsl.cli.main`` (exactly what the
console script calls), so the whole corpus takes seconds; a few go through the real
console script as well.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import pytest

from spatial_dsl.cli import main

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
KITCHEN = Path(__file__).resolve().parent / "fixtures" / "scenes" / "kitchen.scene.json"
PROGRAMS = sorted(CORPUS.glob("*.sp")) + sorted((CORPUS / "runtime").glob("*.sp"))
SCENES = sorted((CORPUS / "scenes").glob("*.scene.json"))
EXIT_CODES = {0, 1, 2}


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_clean(args, code: int, out: str, err: str) -> None:
    assert code in EXIT_CODES, (args, code, err[:500])
    for text in (out, err):
        assert "Traceback" not in text, args
        assert "internal error" not in text, args
        assert "Warning" not in text, (args, err[:500])  # e.g. numpy's RuntimeWarning


@pytest.fixture(scope="module")
def long_walk(tmp_path_factory) -> str:
    """2,000 frames on a circle, object o1 visible in every frame."""
    frames = [{"index": k, "time": k * 0.1,
               "camera": {"position": [math.cos(k / 50) * 2, math.sin(k / 50) * 2, 1.5],
                          "rotation": [0.0, 0.0, 0.0, 1.0], "width": 64, "height": 48,
                          "hfov_deg": 90},
               "visible": {"o1": 0.5}} for k in range(2000)]
    doc = {"format": "spdsl.scene/1", "id": "test/walk", "frames": frames,
           "objects": [{"id": "o1", "category": "Mug", "center": [0, 0, 0.5],
                        "size": [0.1, 0.1, 0.1]}]}
    path = tmp_path_factory.mktemp("walk") / "walk.scene.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_the_corpus_holds_the_issue_14_reproducers():
    names = {p.name for p in PROGRAMS} | {p.name for p in SCENES}
    assert {"empty_list_last_volume.sp", "empty_min_as_frame_index.sp",
            "huge_int_5000_digits.sp", "route_nested.sp", "long_line_60kb_error.sp",
            "unclosed_bracket_before_statement.sp", "size_1e308.scene.json",
            "parent_chain_3000.scene.json", "missing_parent_1000.scene.json",
            "unknown_visibility_ids_300.scene.json"} <= names


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_corpus_program_through_the_cli(path, long_walk):
    runs = [("check", str(path)), ("fmt", "--check", str(path)),
            ("run", str(path), "--scene", str(KITCHEN)),
            ("run", str(path), "--scene", long_walk, "--json")]
    for args in runs:
        assert_clean(args, *cli(*args))


def test_route_reproducers_stop_at_the_budget(long_walk):
    for name in ("route_from_first_to_every_frame.sp", "route_nested.sp",
                 "travel_to_every_frame.sp"):
        code, out, _ = cli("run", str(CORPUS / "runtime" / name), "--scene", long_walk,
                           "--json")
        assert code == 1 and json.loads(out)["rejected"]["kind"] == "LimitExceeded", name


@pytest.mark.parametrize("path", SCENES, ids=lambda p: p.name)
def test_a_corpus_scene_through_the_cli(path, tmp_path):
    program = tmp_path / "count.sp"
    program.write_text('answer count(objects)\n')
    runs = [("scenes", "show", str(path)), ("check", "--scene", str(path), str(program)),
            ("run", str(program), "--scene", str(path))]
    for args in runs:
        code, out, err = cli(*args)
        assert_clean(args, code, out, err)
        # a refused scene names the file and the JSON path of each problem, briefly
        if code == 2:
            assert str(path) in err and max(len(line) for line in err.splitlines()) < 400


def test_a_few_reproducers_through_the_console_script(spdsl, long_walk):
    runs = [("check", str(CORPUS / "runtime" / "huge_int_5000_digits.sp")),
            ("run", str(CORPUS / "runtime" / "empty_min_as_frame_index.sp"), "--scene",
             str(KITCHEN)),
            ("run", str(CORPUS / "runtime" / "overflow_in_attribute_product.sp"), "--scene",
             str(KITCHEN)),
            ("scenes", "show", str(CORPUS / "scenes" / "size_1e308.scene.json"))]
    for args in runs:
        proc = spdsl(*args)
        assert_clean(args, proc.returncode, proc.stdout, proc.stderr)


def test_show_over_every_frame_of_a_long_walk_labels_a_sample(long_walk, tmp_path):
    # The probe's one hang: a program using every frame of a 1,500-frame walk made `show`
    # label every camera (over 5 minutes of label placement). Frames are now labelled like
    # a walk: every k-th, the last and those the program names.
    from spatial_dsl.scenes.format import load_scene_file
    from spatial_dsl.show import MAX_WALK_LABELS, analyse_program, render

    scene = load_scene_file(long_walk)
    analysis = analyse_program("let f = frame(7)\nanswer len(map(frames, g => turn(f, g)))",
                               scene)
    drawing = render(scene, analysis)
    assert len(drawing.cameras) == 2000
    assert 7 in drawing.frame_labels and 1999 in drawing.frame_labels
    assert len(drawing.frame_labels) <= MAX_WALK_LABELS + 2
    args = ("show", str(CORPUS / "runtime" / "co_visible_all_pairs.sp"), "--scene", long_walk,
            "-o", str(tmp_path / "map.png"))
    assert_clean(args, *cli(*args))
    assert (tmp_path / "map.png").stat().st_size > 0
