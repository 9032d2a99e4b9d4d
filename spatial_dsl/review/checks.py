"""Re-running one item (``check_item``): its program on its scene file (read only from
inside the dataset directory), compared with the record's answer, and its picture
(``spatial_dsl.show``); ``check_all`` does every item, in worker processes if asked."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PICTURE_DPI = 80


@dataclass
class ItemCheck:
    """What re-running one item gave."""

    png: bytes | None = None
    problems: list[str] = field(default_factory=list)
    answer: str | None = None  # what the program answers now


_SCENES: dict[str, object] = {}


def _scene(root: Path, scene_file: str):
    """The scene an item names, read only from inside the dataset directory: a regular
    file of at most MAX_SCENE_FILE_BYTES (records are data, not trusted paths)."""
    from ..files import InputFileError, path_inside, read_input
    from ..scenes.errors import SceneError
    from ..scenes.format import MAX_SCENE_FILE_BYTES, scene_from_json

    key = None
    try:
        path = path_inside(root, scene_file)
        key = str(path)
        if key not in _SCENES:
            data = read_input(path, MAX_SCENE_FILE_BYTES, regular_only=True)
    except InputFileError as exc:
        raise SceneError([str(exc)], scene_file) from None
    if key not in _SCENES:
        if len(_SCENES) > 16:
            _SCENES.clear()
        _SCENES[key] = scene_from_json(data, scene_file)
    return _SCENES[key]


def check_item(root: Path, record: dict, picture: bool) -> ItemCheck:
    """Run the item's program on its scene; draw it if ``picture``. Never raises."""
    from ..api import CompileError
    from ..scenes.errors import SceneError
    from ..naming import ObjectNames, in_words
    from ..show import ShowError, Sheet, analyse_program

    out = ItemCheck()
    program, scene_file = record.get("program"), record.get("scene_file")
    if not isinstance(program, str) or not isinstance(scene_file, str):
        out.problems.append("the record has no program or no scene_file")
        return out
    try:
        scene = _scene(root, scene_file)
    except SceneError as exc:
        out.problems.append(f"scene {scene_file}: {exc.problems[0]}")
        return out
    except OSError as exc:
        out.problems.append(f"scene {scene_file}: {exc.strerror or exc}")
        return out
    rows = []
    if record.get("modality") == "image":
        index = {int(i): r for r, i in enumerate(scene.frames.index)}
        rows = [index[f] for f in record.get("frames") or [] if isinstance(f, int)
                and f in index]
    try:
        analysis = analyse_program(program, scene, rows, name=str(record.get("id", "<item>")))
    except CompileError as exc:
        out.problems.append("the program does not compile: " + _first_line(str(exc)))
        return out
    except ShowError as exc:
        out.problems.append(str(exc))
        return out
    # objects in the words the item uses ("the shortest vase"), as generate wrote them
    seed = record.get("seed") if isinstance(record.get("seed"), int) else 0
    names = ObjectNames.of(scene, seed)
    if analysis.ok:
        answer = in_words(analysis.answer, names).answer
        out.answer = answer.text
        if "answer" in record and str(record["answer"]) != answer.text:
            out.problems.append(f"the program now answers {answer.text!r}, the "
                                f"record says {record['answer']!r}")
    else:
        r = analysis.rejection
        out.problems.append(f"the program is rejected: [{r.kind}] {r.message}")
    if picture:
        title = str(record.get("id", scene.id))
        out.png, _drawing = Sheet.of(scene, PICTURE_DPI).png(analysis, title=title, names=names,
                                                             colors=128)
    return out


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _check_job(args) -> ItemCheck:
    root, record, picture = args
    try:
        return check_item(root, record, picture)
    except Exception as exc:  # a bug in one item must not lose the page
        return ItemCheck(problems=[f"internal error while drawing: {type(exc).__name__}: {exc}"])


def check_all(root: Path, records: list[dict], limit: int, workers: int = 1,
              progress=None) -> list[ItemCheck]:
    jobs = [(root, r, i < limit) for i, r in enumerate(records)]
    if workers <= 1 or len(jobs) < 8:
        results = []
        for job in jobs:
            results.append(_check_job(job))
            if progress:
                progress(len(results), len(jobs))
        return results
    from ..workers import exit_with_parent

    with ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        results = []
        for res in pool.map(_check_job, jobs, chunksize=4):
            results.append(res)
            if progress:
                progress(len(results), len(jobs))
        return results
