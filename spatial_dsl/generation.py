"""Generation as a library: ``generate(scenes, tasks, out, ...)`` writes a dataset.

`spdsl generate` is this function behind flags (``spatial_dsl.cli.generate``); a notebook
calls it directly. Bad input raises ``GenerateError`` (an ``SpdslError``) with a message
that names the offending argument as the command line spells it (``--per-scene`` is the
keyword ``per_scene``): unknown task names (the available ones are listed), bad scenes
(the SceneError), an output directory of another configuration, a missing ``ray``. A task
file that does not compile is reported on ``stderr`` (file:line:col and the diagnostic)
and skipped; the other tasks still run.

The unit of work is one scene: load it (and give it a camera walk with ``walk=N`` if it
has no frames), instantiate every task on it (``spatial_dsl.tasks``), and commit its scene
file, its part and a done-marker (``spatial_dsl.datasets``). Scenes run in-process
(``workers=1``), in a process pool, or as Ray tasks; the driver alone writes files. A
rerun with the same configuration skips finished scenes; the dataset is assembled from
the parts in scene order, so the bytes never depend on the executor, the worker count or
interruptions (``stats.json``'s ``run`` section is the only part that does: wall time,
workers, resumed scenes).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import SpdslError
from .limits import MAX_WALK_FRAMES, MAX_WORKERS
from .progress import Progress
from .tasks import GenerateOptions

DEFAULT_PER_SCENE = GenerateOptions.per_scene  # the engine's defaults, written once
DEFAULT_SEED = GenerateOptions.seed


class GenerateError(SpdslError):
    """Bad input to ``generate``: the message says what and where."""


# ------------------------------------------------------------------------ worker side


@dataclass(frozen=True)
class WorkSpec:
    """Everything a worker needs besides the scene (picklable, small)."""

    tasks: tuple[tuple[str, bytes], ...]  # (shown path, file bytes) of the runnable tasks
    seed: int
    per_scene: int
    walk: int | None

    def key(self) -> str:
        h = hashlib.sha256(repr((self.seed, self.per_scene, self.walk)).encode())
        for shown, data in self.tasks:
            h.update(shown.encode() + b"\0" + data)
        return h.hexdigest()


_ENGINE_CACHE: dict[str, list] = {}


def _templates(spec: WorkSpec) -> list:
    """The compiled templates of a spec, compiled once per process."""
    key = spec.key()
    if key not in _ENGINE_CACHE:
        from .tasks import TaskTemplate, compile_task

        compiled = [compile_task(data, shown) for shown, data in spec.tasks]
        _ENGINE_CACHE.clear()
        _ENGINE_CACHE[key] = [t for t in compiled if isinstance(t, TaskTemplate)]
    return _ENGINE_CACHE[key]


def _adopt_templates(spec: WorkSpec, templates: list) -> None:
    """Let this process run ``spec`` with the templates the driver already compiled (the
    inline executor) rather than compile the same texts again. Only when every template
    was compiled from exactly the spec's bytes under the spec's name (a file read with a
    byte-order mark is compiled again from its text, as a worker would)."""
    same = len(templates) == len(spec.tasks) and all(
        t.path == shown and t.sha256 == hashlib.sha256(data).hexdigest()
        for t, (shown, data) in zip(templates, spec.tasks))
    if same:
        _ENGINE_CACHE.clear()
        _ENGINE_CACHE[spec.key()] = list(templates)


def process_scene(spec: WorkSpec, position: int, scene_file: str, ref: str | None = None,
                  scene_text: str | None = None) -> dict:
    """One unit of work: the scene file text and the part of the scene at ``position``."""
    from .scenes.errors import SceneError
    from .scenes.format import scene_from_json, scene_to_json
    from .scenes.sources import load_scene
    from .tasks import SceneEngine

    started = time.perf_counter()
    # Every executor starts from the same text (a Ray worker gets it from the driver), so
    # the numbers are bit-identical whichever process ran the scene.
    if scene_text is None:
        scene_text = scene_to_json(load_scene(ref))
    scene = scene_from_json(scene_text, ref or "<scene>")
    walk_error, text = None, None
    if spec.walk and scene.frames.count == 0:
        try:
            text = walked_scene_text(scene, spec.walk, spec.seed)
        except SceneError as exc:
            walk_error = str(exc)
    # Evaluate on the scene exactly as written to OUT/scenes (parsed back from that very
    # text), so `spdsl run` on an item's program and that file sees the same numbers.
    if text is None:
        text = scene_to_json(scene)
    if text != scene_text:
        scene = scene_from_json(text, scene_file)
    engine = SceneEngine(scene, GenerateOptions(seed=spec.seed, per_scene=spec.per_scene),
                         scene_file)
    items, stats = [], {}
    for template in _templates(spec):
        task_items, task_stats = engine.run_task(template)
        items.extend(task_items)
        stats[template.name] = task_stats.to_json()
    part = {"position": position, "scene": scene.id, "scene_file": scene_file,
            "items": items, "tasks": stats,
            "seconds": round(time.perf_counter() - started, 4)}
    images = {str(int(i)): img for i, img in zip(scene.frames.index, scene.frames.image)
              if img is not None}
    if images:
        part["images"] = images
    if walk_error:
        part["walk_error"] = walk_error
    return {"position": position, "scene_file": scene_file, "scene_text": text, "part": part}


def walked_scene_text(scene, frames: int, seed: int) -> str:
    """The scene file text of a scene given a planned camera walk of ``frames`` frames
    (``sims.walk``; raises SceneError when no walk can be planned), as `generate --walk` and
    `synth --walk` write it."""
    from sims.walk import WalkOptions, walk_scene_doc
    from .scenes.format import to_json_text

    return to_json_text(walk_scene_doc(scene, WalkOptions(frames=frames, seed=seed))) + "\n"


def walk_problem(walk: int | None) -> str | None:
    """What is wrong with a ``--walk`` value here (None: nothing)."""
    if walk is None:
        return None
    if not 1 <= walk <= MAX_WALK_FRAMES:
        return f"--walk must be 1 to {MAX_WALK_FRAMES} frames, got {walk}"
    try:
        import sims.walk  # noqa: F401
    except ImportError as exc:
        return f"--walk needs the camera-walk planner (package `sims`): {exc}"
    return None


_POOL_SPEC: WorkSpec | None = None


def _pool_init(spec: WorkSpec, parent_pid: int) -> None:
    from .workers import exit_with_parent

    global _POOL_SPEC
    exit_with_parent(parent_pid)  # no orphan keeps running after the driver is killed
    _POOL_SPEC = spec
    _templates(spec)


def _pool_work(job: tuple[int, str, str]) -> dict:
    position, scene_file, ref = job
    return process_scene(_POOL_SPEC, position, scene_file, ref=ref)


# ------------------------------------------------------------------------- executors


def _run_inline(spec, jobs, commit) -> None:
    for position, scene_file, ref in jobs:
        commit(process_scene(spec, position, scene_file, ref=ref))


def _run_pool(spec, jobs, commit, workers: int) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=workers, initializer=_pool_init,
                             initargs=(spec, os.getpid())) as pool:
        pending = {pool.submit(_pool_work, job) for job in jobs}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: f.result()["position"]):
                    commit(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _ray_work(spec: WorkSpec, position: int, scene_file: str, ref: str, scene_text: str):
    return process_scene(spec, position, scene_file, ref=ref, scene_text=scene_text)


def _check_reachable(address: str | None, timeout: float = 5.0) -> None:
    """Fail fast on a cluster address nothing listens on (Ray itself retries for minutes)."""
    import socket
    from urllib.parse import urlsplit

    if not address or address in ("auto", "local"):
        return
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise GenerateError(f"--ray-address {address!r}: not HOST:PORT") from None
    if not host or not port:
        raise GenerateError(f"--ray-address {address!r}: expected HOST:PORT (or ray://HOST:PORT)")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise GenerateError(f"cannot reach Ray at {address}: {exc.strerror or exc}") from None


def _run_ray(spec, jobs, commit, address: str | None, scene_texts: dict[int, str]) -> None:
    try:
        import ray
    except ImportError:
        raise GenerateError("--executor ray needs the optional `ray` package: "
                            "pip install 'spdsl[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")
        except Exception as exc:  # a bad address, no cluster: a usage problem, exit 2
            raise GenerateError(f"cannot start or reach Ray ({address or 'local'}): "
                                f"{exc}") from None
    try:
        remote = ray.remote(_ray_work)
        spec_ref = ray.put(spec)
        pending = [remote.remote(spec_ref, position, scene_file, ref, scene_texts[position])
                   for position, scene_file, ref in jobs]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            commit(ray.get(done[0]))
    finally:
        if started_here:
            ray.shutdown()


# ---------------------------------------------------------------------------- driver


@dataclass
class GenerateResult:
    out: Path
    items: int
    data_file: Path
    stats: dict
    broken: list


def generate(scenes: list[str], tasks: list[str], out: str | os.PathLike, *,
                 per_scene: int = DEFAULT_PER_SCENE, seed: int = DEFAULT_SEED, fmt: str = "jsonl",
                 walk: int | None = None, workers: int | None = None,
                 executor: str = "local", ray_address: str | None = None,
                 max_share: float | None = None, progress: bool = True,
                 stderr=None) -> GenerateResult:
    """Generate a dataset (what `spdsl generate` runs).

    Raises GenerateError for bad input (unknown tasks, bad scenes, a foreign output
    directory, a missing `ray`); reports broken task files on ``stderr``.
    """
    from .datasets import (
        DATA_FILES, FORMATS, OutputDir, OutputError, assemble, scene_file_name, write_stats,
    )
    from .scenes.errors import SceneError
    from .scenes.format import scene_to_json
    from .scenes.sources import expand_refs, load_scene
    from .tasks import TaskSpecError, load_tasks

    stderr = stderr or sys.stderr
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise GenerateError(f"--format must be one of {', '.join(FORMATS)}")
    if per_scene < 1:
        raise GenerateError(f"--per-scene must be at least 1, got {per_scene}")
    if problem := walk_problem(walk):
        raise GenerateError(problem)
    if max_share is not None and not 0 < max_share <= 1:
        raise GenerateError(f"--max-share is a share of a task's items: in (0, 1], got "
                            f"{max_share:g}")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise GenerateError(f"--workers must be 1 to {MAX_WORKERS}, got {workers}")
    if executor not in ("local", "ray"):
        raise GenerateError("--executor must be local or ray")
    if executor == "ray":
        try:
            import ray
        except ImportError:
            raise GenerateError("--executor ray needs the optional `ray` package: "
                             "pip install 'spdsl[ray]'") from None
        if not ray.is_initialized():
            _check_reachable(ray_address)

    try:
        templates, broken = load_tasks(tasks)
    except TaskSpecError as exc:
        raise GenerateError(str(exc)) from None
    for b in broken:
        print(f"spdsl: skipping broken task file {b.path}:\n{b.details or b.reason}",
              file=stderr)
    skipped = {b.name: f"does not compile: {b.reason}" for b in broken}
    skipped.update({t.name: t.skip_reason for t in templates if t.skip_reason})
    runnable = [t for t in templates if not t.skip_reason]
    if not runnable:
        raise GenerateError("no task to run: " + ("; ".join(f"{k}: {v}" for k, v in
                                                         skipped.items()) or "none given"))

    try:
        refs = expand_refs(scenes)
        loaded = [(ref, load_scene(ref)) for ref in refs]
    except SceneError as exc:
        raise GenerateError(str(exc)) from None
    seen: dict[str, str] = {}
    for ref, scene in loaded:
        if scene.id in seen:
            raise GenerateError(f"two scenes have the id {scene.id!r} ({seen[scene.id]} and {ref});"
                             " scene ids must be unique in one dataset")
        seen[scene.id] = ref
    names: list[str] = []
    taken: set[str] = set()
    for position, (_, scene) in enumerate(loaded):
        name = scene_file_name(scene.id)
        if name in taken:  # two ids that only differ in characters a file name cannot hold
            name = name.replace(".scene.json", f"-{position}.scene.json")
        taken.add(name)
        names.append("scenes/" + name)

    config = {
        "spdsl_generate": 1, "seed": seed, "per_scene": per_scene, "format": fmt,
        "max_share": max_share, "walk": walk,
        "tasks": [{"task": t.name, "sha256": t.sha256} for t in templates]
        + [{"file": b.name, "broken": True} for b in broken],
        "scenes": [scene.id for _, scene in loaded],
    }
    output = OutputDir(out)
    try:
        output.prepare(config)
    except OutputError as exc:
        raise GenerateError(str(exc)) from None

    jobs = [(position, names[position], ref) for position, (ref, _) in enumerate(loaded)
            if not output.is_done(position, names[position])]
    resumed = len(loaded) - len(jobs)
    spec = WorkSpec(tuple((t.path, t.text.encode("utf-8")) for t in runnable), seed, per_scene,
                    walk)
    workers = workers or os.cpu_count() or 1
    bar = Progress(len(loaded), label="generate", unit="scenes", done=resumed, stream=stderr,
                   enabled=progress)
    candidates = 0
    committed = 0

    def commit(result: dict) -> None:
        nonlocal committed, candidates
        output.commit(result["position"], result["scene_file"], result["scene_text"],
                      result["part"])
        committed += 1
        candidates += len(result["part"]["items"])
        bar.note(f"{candidates} candidate items")
        bar.advance()

    try:
        if executor == "ray" and jobs:
            texts = {position: scene_to_json(loaded[position][1]) for position, _, _ in jobs}
            _run_ray(spec, jobs, commit, ray_address, texts)
        elif workers == 1 or len(jobs) <= 1:
            _adopt_templates(spec, runnable)
            _run_inline(spec, jobs, commit)
        else:
            _run_pool(spec, jobs, commit, min(workers, len(jobs)))
    except OSError as exc:
        _write_failure(exc, out, f"{resumed + committed} of {len(loaded)} scenes are saved")
    finally:
        bar.close()

    command = generate_command(scenes, tasks, per_scene=per_scene, seed=seed, fmt=fmt,
                               walk=walk, max_share=max_share)
    try:
        parts = [output.read_part(p) for p in range(len(loaded))]  # read once, from disk
        stats, count = assemble(output, list(range(len(loaded))),
                                [{"name": t.name, "file": t.path, "modality": t.modality,
                                  "answer_type": str(t.answer_type)} for t in runnable],
                                seed, fmt, max_share, skipped, command, parts)
        scene_seconds = sum(part["seconds"] for part in parts)
        stats["run"] = {"wall_seconds": round(time.perf_counter() - started, 3),
                        "scene_seconds": round(scene_seconds, 3), "executor": executor,
                        "workers": workers if executor == "local" else None,
                        "scenes_resumed": resumed,
                        "items_per_second": round(count / max(1e-9, time.perf_counter()
                                                              - started), 1)}
        write_stats(output, stats)
    except OSError as exc:
        _write_failure(exc, out, f"all {len(loaded)} scenes are saved, the dataset file is not")
    return GenerateResult(Path(out), count, Path(out) / DATA_FILES[fmt], stats, broken)


def _write_failure(exc: OSError, out, saved: str):
    """A full disk, a quota, a file-size limit or a read-only file system while writing:
    say what happened and how to go on (every finished scene is committed with its marker,
    so the same command resumes after the cause is fixed). Other OSErrors are bugs."""
    import errno

    from .outputs import WRITE_ERRNOS, write_error_message

    if exc.errno not in WRITE_ERRNOS and exc.errno not in (errno.EACCES, errno.EPERM):
        raise exc
    raise GenerateError(f"{write_error_message(exc.filename or out, exc)}; {saved} in {out}: "
                     "make room (or make it writable) and rerun the same command to "
                     "resume") from None


def generate_command(scenes: list[str], tasks: list[str], *, per_scene: int, seed: int,
                     fmt: str, walk: int | None, max_share: float | None) -> str:
    """The `spdsl generate` command line that makes this configuration (for the dataset
    card): the options that change the data, none that only change how it is run, and
    ``-o OUT`` (the bytes must not depend on where the directory is)."""
    import shlex

    words = ["spdsl", "generate", "--scenes", ",".join(scenes), "--tasks", ",".join(tasks),
             "-o", "OUT", "--per-scene", str(per_scene), "--seed", str(seed), "--format", fmt]
    if walk:
        words += ["--walk", str(walk)]
    if max_share is not None:
        words += ["--max-share", f"{max_share:g}"]
    return shlex.join(words)


__all__ = ["GenerateError", "GenerateResult", "WorkSpec", "generate", "generate_command",
           "process_scene"]
