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
    """Every item's check, in order; pictures for the first ``limit``."""
    jobs = [(root, r, i < limit) for i, r in enumerate(records)]
    if workers <= 1 or len(jobs) < 8:
        results = []
        for job in jobs:
            results.append(_check_job(job))
            if progress:
                progress(len(results), len(jobs))
        return results
    return _check_in_workers(jobs, workers, progress)


def _check_in_workers(jobs: list, workers: int, progress) -> list[ItemCheck]:
    """The jobs in worker processes, each given one contiguous run of the jobs in scene
    order: a worker meets few scenes, and each scene's object names (a search of ~2 s)
    and picture sheet are made once per worker that meets it, not by every worker."""
    import multiprocessing
    import queue

    order = sorted(range(len(jobs)), key=lambda i: str(jobs[i][1].get("scene_file")))
    runs = _balanced_runs(order, [1.0 if jobs[i][2] else 0.1 for i in order], workers)
    done_queue = multiprocessing.get_context().Queue()
    results: list[ItemCheck | None] = [None] * len(jobs)
    with ProcessPoolExecutor(max_workers=len(runs), initializer=_init_worker,
                             initargs=(os.getpid(), done_queue)) as pool:
        futures = [pool.submit(_check_run, [(i, jobs[i]) for i in run]) for run in runs]
        done = 0
        while done < len(jobs):
            try:
                done_queue.get(timeout=0.2)
            except queue.Empty:
                if all(f.done() for f in futures):
                    break  # a worker died (its future raises below), or a last message lags
                continue
            done += 1
            if progress:
                progress(done, len(jobs))
        for future in futures:
            for i, result in future.result():
                results[i] = result
    if progress and done < len(jobs):
        progress(len(jobs), len(jobs))
    return results


def _balanced_runs(order: list[int], weights: list[float], count: int) -> list[list[int]]:
    """``order`` cut into at most ``count`` contiguous non-empty runs of about equal weight."""
    total = sum(weights)
    runs, run, acc = [], [], 0.0
    for index, weight in zip(order, weights):
        target = total * (len(runs) + 1) / count  # where this run should end
        if run and len(runs) < count - 1 and acc + weight - target > target - acc:
            runs.append(run)  # ending here is nearer the target than taking one more
            run = []
        run.append(index)
        acc += weight
    return runs + ([run] if run else [])


_DONE_QUEUE = None  # a worker's queue to the parent: one message per item checked


def _init_worker(parent_pid: int, done_queue) -> None:
    from ..workers import exit_with_parent

    global _DONE_QUEUE
    exit_with_parent(parent_pid)
    _DONE_QUEUE = done_queue


def _check_run(run: list) -> list[tuple[int, ItemCheck]]:
    out = []
    for index, job in run:
        out.append((index, _check_job(job)))
        _DONE_QUEUE.put(index)
    return out
