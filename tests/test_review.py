"""`spdsl review`: the page's content, its errors, and its filters in headless Chromium."""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spatial_dsl.api import compile_program
from spatial_dsl.naming import ObjectNames, in_words
from spatial_dsl.review import build_review
from spatial_dsl.scenes.format import scene_from_dict, write_scene

from .test_show import _walked, hand_scene_doc

HAND_FILE = "scenes/test__hand.scene.json"
KITCHEN_FILE = "scenes/ithor__FloorPlan1.scene.json"


def _record(n, scene, scene_file, task, question, program, modality="scene", frames=(),
            answer=None, choices=None, letter=None, **extra):
    return {"id": f"{scene}/{task}/{n}", "scene": scene, "scene_file": scene_file,
            "task": task, "modality": modality, "frames": list(frames),
            "question": question, "answer": answer, "answer_type": None, "unit": None,
            "choices": choices, "answer_choice": letter, "program": program,
            "params": {}, "producer": "template", "seed": 0, **extra}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A tiny dataset in the `spdsl generate` layout, written by hand (7 items, 2 scenes)."""
    root = tmp_path_factory.mktemp("ds")
    (root / "scenes").mkdir()
    hand = scene_from_dict(hand_scene_doc())
    kitchen = _walked("ithor:FloorPlan1", frames=6)
    write_scene(hand, root / HAND_FILE)
    write_scene(kitchen, root / KITCHEN_FILE)
    scenes = {HAND_FILE: hand, KITCHEN_FILE: kitchen}
    records = [
        _record(0, "test/hand", HAND_FILE, "object_on", "What is on the table?",
                'question "What is on the table?"\n'
                'answer the(filter(objects, o => on(o, the("Table"))))\n'),
        _record(1, "test/hand", HAND_FILE, "count_chairs", "How many chairs are there?",
                'question "How many chairs are there?"\nanswer count(find("Chair"))\n'),
        _record(2, "ithor/FloorPlan1", KITCHEN_FILE, "count_chairs",
                "How many stools are there?",
                'question "How many stools are there?"\nanswer count(find("Stool"))\n'),
        _record(3, "ithor/FloorPlan1", KITCHEN_FILE, "in_view", "What is the biggest thing "
                "in this image?", 'let f = frame(2)\nanswer argmax(in_view(f), o => o.volume)\n',
                modality="image", frames=[2]),
        _record(4, "ithor/FloorPlan1", KITCHEN_FILE, "closer",
                "Which is closer to the fridge: the sink or the stove burner?",
                (Path(__file__).parent.parent / "examples" / "closer_to_fridge.sp").read_text(),
                choices=["stove burner", "sink"], letter="B"),
        # a wrong recorded answer and a program that no longer compiles: both problems
        _record(5, "test/hand", HAND_FILE, "count_chairs", "How many chairs?",
                'answer count(find("Chair"))\n', answer="3"),
        _record(6, "test/hand", HAND_FILE, "object_on", "What is on the sofa?",
                'answer the(filter(objects, o => on(o, the("Sofaa"))))\n', answer="x"),
    ]
    for r in records:
        if r["answer"] is None:
            scene = scenes[r["scene_file"]]
            result = compile_program(r["program"]).run(scene)
            assert result.ok, (r["id"], result.rejection)
            # as `spdsl generate` records it: objects in the words of a question
            r["answer"] = in_words(result.answer, ObjectNames.of(scene)).answer.text
    with open(root / "data.jsonl", "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return root


class _Items(HTMLParser):
    """Articles of a review page: their data attributes, hidden flag and images."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "item" in a.get("class", "").split():
            self.items.append({**a, "hidden": "hidden" in a, "img": None})
        elif tag == "img" and self.items:
            self.items[-1]["img"] = a.get("src")


def _items(page: str) -> list[dict]:
    parser = _Items()
    parser.feed(page)
    return parser.items


# --------------------------------------------------------------------------- page content


@pytest.fixture(scope="module")
def page(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "review.html"
    summary = build_review(dataset, out, limit=5, workers=1)
    assert summary == {"items": 7, "pictures": 5, "problems": 2}
    return out


def test_page_lists_every_item_with_pictures_up_to_the_limit(page):
    text = page.read_text()
    items = _items(text)
    assert [i["id"] for i in items] == [f"item-{n}" for n in range(7)]
    assert [i["data-task"] for i in items] == ["object_on", "count_chairs", "count_chairs",
                                               "in_view", "closer", "count_chairs",
                                               "object_on"]
    assert not any(i["hidden"] for i in items)  # nothing is hidden before the script runs
    pictures = [i["img"] for i in items]
    assert all(p and p.startswith("data:image/png;base64,") for p in pictures[:5])
    assert pictures[5:] == [None, None]
    png = base64.b64decode(pictures[0].split(",", 1)[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Pictures are drawn for the first 5 of 7 items (--limit 5)." in text
    assert "no picture: beyond --limit" in text
    # the problems: a wrong answer and a compile error, flagged and explained
    assert [i["data-problem"] for i in items] == ["0"] * 5 + ["1", "1"]
    assert "the program now answers &#x27;2&#x27;, the record says &#x27;3&#x27;" in text
    assert "the program does not compile" in text and "E-SCENE-NAME" in text
    # the answer, the choices (correct one marked) and the highlighted program
    assert '<li class="correct"><b>B.</b> sink</li>' in text
    assert 'Answer: <b>B (sink)</b>' in text
    assert '<div class="hl"><pre>' in text and '<span class="k">question</span>' in text
    assert '<span class="nb">argmin</span>' in text


def test_page_is_self_contained(page):
    text = page.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert text.count("<script") == 1 and "<link" not in text


def test_the_page_assets_are_package_files_a_copied_package_finds(tmp_path):
    # the wheel carries spatial_dsl/ whole (pyproject: packages = ["spatial_dsl", ...]), so
    # the page's template, style sheet and script are files inside the package, read with
    # importlib.resources: a copy of the package elsewhere (as pip installs it) finds them
    import os
    import sys
    import tomllib

    import spatial_dsl

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert "spatial_dsl" in pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    package = Path(spatial_dsl.__path__[0])
    shutil.copytree(package, tmp_path / "spatial_dsl",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import sys, spatial_dsl; from spatial_dsl.review.page import render_page; "
            "print(spatial_dsl.__file__); sys.stdout.write(render_page('t', [], [], [], [], 0))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    where, page = run.stdout.split("\n", 1)
    assert Path(where).parent == tmp_path / "spatial_dsl"  # the copy, not the checkout
    assets = package / "review" / "assets"
    assert page.startswith("<!DOCTYPE html>") and "${" not in page
    for name in ("review.css", "review.js"):
        assert (assets / name).read_text(encoding="utf-8") in page


def test_workers_write_the_same_page_with_progress(dataset, tmp_path):
    # 14 items, the two scenes interleaved: the workers get runs of the items in scene
    # order, and the page lists them in the dataset's order all the same
    records = [json.loads(line) for line in (dataset / "data.jsonl").read_text().splitlines()]
    twice = [{**r, "id": f"{r['id']}#{k}"} for r in records for k in range(2)]
    data = dataset / "twice.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in twice))
    pages, calls = {}, []
    for workers in (1, 2):
        out = tmp_path / f"j{workers}.html"
        summary = build_review(data, out, limit=10, workers=workers,
                               progress=lambda done, total, w=workers: calls.append(
                                   (w, done, total)))
        assert summary == {"items": 14, "pictures": 10, "problems": 4}
        pages[workers] = out.read_text()
    assert pages[2] == pages[1]
    assert [(d, t) for w, d, t in calls if w == 2] == [(d, 14) for d in range(1, 15)]


def test_worker_runs_are_contiguous_and_balanced():
    from spatial_dsl.review.checks import _balanced_runs

    order = list(range(10))
    assert _balanced_runs(order, [1.0] * 10, 2) == [order[:5], order[5:]]
    # items without pictures weigh a tenth: the first run takes more of them
    runs = _balanced_runs(order, [0.1] * 5 + [1.0] * 5, 2)
    assert runs[0] == order[:7] and runs[1] == order[7:]
    assert _balanced_runs(order[:2], [1.0, 1.0], 4) == [[0], [1]]  # never an empty run


def test_images_beside_the_page(dataset, tmp_path):
    out = tmp_path / "r.html"
    summary = build_review(dataset, out, limit=2, images="files", workers=1)
    assert summary["pictures"] == 2
    items = _items(out.read_text())
    assert [i["img"] for i in items[:3]] == ["r_files/00000.png", "r_files/00001.png", None]
    assert (tmp_path / "r_files" / "00001.png").read_bytes()[:4] == b"\x89PNG"


def test_parquet_dataset(dataset, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "pq"
    shutil.copytree(dataset / "scenes", root / "scenes")
    records = [json.loads(line) for line in (dataset / "data.jsonl").read_text().splitlines()]
    for r in records:
        r["params"] = json.dumps(r["params"])
    pq.write_table(pa.Table.from_pylist(records), root / "data.parquet")
    summary = build_review(root, tmp_path / "pq.html", limit=1, workers=1)
    assert summary == {"items": 7, "pictures": 1, "problems": 2}


# --------------------------------------------------------------------------- CLI errors


def test_review_cli(spdsl, dataset, tmp_path):
    out = tmp_path / "page.html"
    proc = spdsl("review", str(dataset), "-o", str(out), "--limit", "0", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "7 items, 0 pictures, 2 with problems" in proc.stdout
    proc = spdsl("review", str(dataset / "data.jsonl"), "-o", str(out), "--limit", "1")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("case", ["missing", "empty", "not-json", "not-object", "out-dir",
                                  "suffix"])
def test_review_bad_input_exits_2(spdsl, tmp_path, case):
    ds = tmp_path / "ds"
    ds.mkdir()
    out = tmp_path / "page.html"
    if case == "not-json":
        (ds / "data.jsonl").write_text('{"id": "a"}\n{"id": \n')
    elif case == "not-object":
        (ds / "data.jsonl").write_text('[1, 2]\n')
    elif case in ("out-dir", "suffix"):
        (ds / "data.jsonl").write_text("")
    target = str(tmp_path / "nope") if case == "missing" else str(ds)
    if case == "out-dir":  # missing parents are created; a file in the way is not
        (tmp_path / "no").write_text("a file\n")
        out = tmp_path / "no" / "page.html"
    if case == "suffix":
        out = tmp_path / "page.txt"
    proc = spdsl("review", target, "-o", str(out))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("spdsl: error:") and "Traceback" not in proc.stderr
    assert not out.exists()
    expected = {"missing": "no such file", "empty": "no dataset here",
                "not-json": "data.jsonl:2: not JSON", "not-object": "expected a JSON object",
                "out-dir": "no is a file, not a directory", "suffix": ".html"}[case]
    assert expected in proc.stderr


@pytest.mark.skipif(importlib.util.find_spec("spatial_dsl.generation") is None,
                    reason="`spdsl generate` is not available")
def test_review_a_generated_dataset(spdsl, tmp_path):
    scene = tmp_path / "hand.scene.json"
    write_scene(scene_from_dict(hand_scene_doc()), scene)
    gen = tmp_path / "gen"
    proc = spdsl("generate", "--scenes", str(scene), "--tasks", "all", "--per-scene", "1",
                 "-o", str(gen), "-q", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "gen.html"
    proc = spdsl("review", str(gen), "-o", str(out), "--limit", "6", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    count = sum(1 for line in (gen / "data.jsonl").read_text().splitlines() if line.strip())
    assert count > 0
    assert f"{count} items, {min(6, count)} pictures, 0 with problems" in proc.stdout
    assert len(_items(out.read_text())) == count


# --------------------------------------------------------------------------- in a browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = _chromium()
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def _visible(tmp_path: Path, page: Path, fragment: str) -> list[dict]:
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    proc = _browser(tmp_path, "--dump-dom", url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    items = _items(proc.stdout)
    assert len(items) == 7, proc.stdout[:500]
    return [i for i in items if not i["hidden"]]


@pytest.mark.skipif(_chromium() is None, reason="no Chromium here (Debian: apt-get install "
                    "chromium); the browser test needs it")
def test_filters_in_headless_chromium(page, tmp_path):
    shot = tmp_path / "shot.png"
    proc = _browser(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
                    page.resolve().as_uri() + "#task=count_chairs")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    def ids(fragment):
        return [i["id"] for i in _visible(tmp_path, page, fragment)]

    assert ids("") == [f"item-{n}" for n in range(7)]
    assert ids("task=count_chairs") == ["item-1", "item-2", "item-5"]
    assert ids("task=count_chairs&scene=test%2Fhand") == ["item-1", "item-5"]
    # exact, case-insensitive; the answer names the only ring as a question would ("ring",
    # its natural name; the record is made as `spdsl generate` makes it)
    assert ids("answer=RING") == ["item-0"]
    assert ids("problems=1&q=chair") == ["item-5"]
    assert ids("task=no_such_task") == []
    # keys: j, j, k moves over the visible items only; / goes to the text filter
    keyed = tmp_path / "keys.html"
    press = "".join(f'document.dispatchEvent(new KeyboardEvent("keydown", {{key: "{k}"}}));'
                    for k in ("j", "j", "j", "k", "/"))
    keyed.write_text(page.read_text().replace(
        "</body>", f"<script>{press}document.body.dataset.active = "
        "document.activeElement.id;</script></body>"))
    url = keyed.resolve().as_uri() + "#task=count_chairs"
    dom = _browser(tmp_path, "--dump-dom", url).stdout
    items = [i for i in _items(dom) if not i["hidden"]]
    assert [i["id"] for i in items] == ["item-1", "item-2", "item-5"]
    assert [i["id"] for i in items if "current" in i["class"].split()] == ["item-2"]
    assert 'data-active="f-text"' in dom
    # an item named in the URL is the current one (where j/k continue from)
    items = _visible(tmp_path, page, "task=count_chairs&item=2")
    assert [i["id"] for i in items if "current" in i["class"].split()] == ["item-2"]
