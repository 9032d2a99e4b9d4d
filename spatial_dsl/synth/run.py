"""The driver of `spdsl synth`: output directory, work units, threads, resume, dataset.

Layout of an output directory ``OUT``::

    OUT/config.json              the run's configuration (a rerun must match it)
    OUT/scenes/<id>.scene.json   every scene exactly as used
    OUT/units.jsonl              the log: one line per finished unit (its outcome,
                                 counters and, if accepted, its record)
    OUT/cache/                   request/response cache (default; --cache DIR)
    OUT/data.jsonl | data.llava.json | data.parquet
    OUT/report.json

Work units are ``(scene, task, attempt)`` for attempt ``0 .. n-1``, numbered in
that order (scenes in --scenes order, tasks in --tasks order). The units of one
scene and task run in turn, and once its last --stop-after-repeats attempts each
repeated an item it had accepted, its remaining units are logged as skipped
without a request (``synth.schedule``). A unit is
finished when its line is in ``units.jsonl``: the line is written with one
``write`` on an ``O_APPEND`` descriptor and ``fsync``-ed before the unit counts
as done, so the line *is* the done marker and the record at once, and a kill
leaves at most one torn last line, which the next run cuts off. A rerun with the
same configuration skips finished units and redoes the others, whose requests
made before the kill are answered by the cache (no network, same replies). A
unit logged twice (two runs racing on one directory) counts once: the first
line wins.

The dataset and the report are rebuilt from the log on every run, in unit order,
so an interrupted and resumed run writes the same bytes as an uninterrupted one,
whatever the concurrency. The `new` check happens here: an accepted unit whose
(scene, normalised question, answer) repeats an earlier accepted unit's is
left out and counted as a ``new`` verification failure.

Exit codes: 0 every unit finished; 1 the run stopped early and can be resumed
(budget used up, the endpoint failing after all retries, a unit that hit an
internal error); 2 bad input, or the endpoint refused the configuration
(HTTP 401/403: stop at once; 404; a 4xx before any success); 130 interrupted.
The report is written in every case.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .client import STOP_EXIT, ClientOptions, LLMClient, LLMStop, SetupError
from .loop import Loop, LoopOptions, SceneState, Unit
from .run_progress import Progress
from .schedule import DEFAULT_STOP_AFTER_REPEATS, work
from spatial_dsl.errors import SpdslError

LOG_FILE = "units.jsonl"
REPORT_FILE = "report.json"
DEFAULT_MODEL = "gpt-5-mini"


class SynthUsageError(SpdslError):
    """Bad input: a message, exit 2."""


@dataclass
class SynthOptions:
    scenes: list[str]
    tasks: list[str]
    n: int
    out: str
    fmt: str = "jsonl"
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key_env: str | None = None
    temperature: float | None = None
    concurrency: int = 4
    repairs: int = LoopOptions.repairs  # the loop's and the client's defaults, written once
    k: int = LoopOptions.k
    grammar: str | None = None  # None, "openai-tool", "vllm", "llama.cpp", "auto"
    # "scene" (scene- and type-constrained) or "syntax"
    grammar_scope: str = LoopOptions.grammar_scope
    context: int | None = None  # the model's context window in tokens (--context)
    # "continue", "fresh", "resample", or "auto": resample when --context is at most
    # SMALL_CONTEXT, else continue
    repair_conversation: str = "auto"
    cold_timeout: float = ClientOptions.cold_timeout
    max_requests: int | None = None
    max_tokens_total: int | None = None
    max_reply_tokens: int | None = None
    cache: str | None = None
    timeout: float = ClientOptions.timeout
    retries: int = ClientOptions.retries
    backoff: float = ClientOptions.backoff
    price_in: float = 0.0
    price_out: float = 0.0
    seed: int = LoopOptions.seed
    send_seed: bool = LoopOptions.send_seed
    # give every scene without frames a camera walk of this many frames (as generate --walk)
    walk: int | None = None
    # skip the rest of a scene and task once this many attempts in a row repeated accepted
    # items (0: never; synth.schedule)
    stop_after_repeats: int = DEFAULT_STOP_AFTER_REPEATS
    progress: bool = True


@dataclass
class SynthResult:
    exit_code: int
    report: dict
    data_file: Path
    report_file: Path


# ---------------------------------------------------------------------------- the log


class UnitLog:
    """``units.jsonl``: durable, append-only, one JSON line per finished unit."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._fd: int | None = None

    def load(self) -> dict[str, dict]:
        """Finished units by id (first line wins); a torn last line is cut off."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a partial line from a kill: drop it before appending
            with open(self.path, "r+b") as handle:
                handle.truncate(end)
                handle.flush()
                os.fsync(handle.fileno())
            data = data[:end]
        entries: dict[str, dict] = {}
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("unit"), str):
                entries.setdefault(entry["unit"], entry)
        return entries

    def append(self, entry: dict) -> None:
        line = (json.dumps(entry, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


# ----------------------------------------------------------------------- preparation


def _prepare_out(root: Path, config: dict) -> None:
    """The output directory, as for `spdsl generate` (a rerun resumes there)."""
    from ..datasets import OutputError, prepare_output

    try:
        prepare_output(root, config, "synth", ("scenes",))
    except OutputError as exc:
        raise SynthUsageError(str(exc)) from None


def _load_scenes(refs: list[str], walk: int | None = None, seed: int = 0,
                 stderr=None) -> list[tuple[str, str, str]]:
    """(scene id, OUT-relative scene file, scene file text) of every scene named; with
    ``walk``, a scene without frames is given a camera walk of that many frames first (one
    that cannot have one stays without frames, with a warning)."""
    from ..datasets import scene_file_name
    from ..scenes.errors import SceneError
    from ..scenes.sources import expand_refs, load_scene

    try:
        loaded = [(ref, load_scene(ref)) for ref in expand_refs(refs)]
    except SceneError as exc:
        raise SynthUsageError(str(exc)) from None
    if not loaded:
        raise SynthUsageError("--scenes names no scene")
    out: list[tuple[str, str, str]] = []
    ids: dict[str, str] = {}
    names: set[str] = set()
    for position, (ref, scene) in enumerate(loaded):
        if scene.id in ids:
            raise SynthUsageError(f"two scenes have the id {scene.id!r} ({ids[scene.id]} and "
                                  f"{ref}); scene ids must be unique in one dataset")
        ids[scene.id] = ref
        name = scene_file_name(scene.id)
        if name in names:
            name = name.replace(".scene.json", f"-{position}.scene.json")
        names.add(name)
        out.append((scene.id, f"scenes/{name}", run_scene_text(scene, walk, seed, stderr)))
    return out


def run_scene_text(scene, walk: int | None, seed: int, stderr=None) -> str:
    """The scene's file text as a run uses it (and `spdsl prompt --walk` shows it): walked
    when ``walk`` asks and it has no frames."""
    from ..scenes.errors import SceneError
    from ..scenes.format import scene_to_json

    if walk and scene.frames.count == 0:
        from ..generation import walked_scene_text

        try:
            return walked_scene_text(scene, walk, seed)
        except SceneError as exc:
            print(f"spdsl: warning: no camera walk for {scene.id}: {exc}; its items have no "
                  "frames", file=stderr or sys.stderr)
    return scene_to_json(scene)


def _scene_states(loaded: list[tuple[str, str, str]], root: Path, seed: int) -> list[SceneState]:
    """Write the scene files (unless already there) and parse each back from its text, so
    `spdsl run` on a record's program and its scene_file sees the same numbers."""
    from ..scenes.format import atomic_write_text, scene_from_json

    states = []
    for _id, relative, text in loaded:
        target = root / relative
        try:
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                atomic_write_text(target, text)
        except OSError as exc:
            raise SynthUsageError(f"cannot write {target}: {exc.strerror or exc}") from None
        states.append(SceneState(scene_from_json(text, relative), relative, seed))
    return states


def _api_key(env_name: str | None) -> str | None:
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise SynthUsageError(f"--api-key-env {env_name}: the environment variable is "
                                  "not set")
        return value
    return os.environ.get("OPENAI_API_KEY") or None


def _endpoint(opts: SynthOptions) -> str | None:
    """The base URL requests go to: --base-url, else OPENAI_BASE_URL (as the openai package
    does), else None (OpenAI's)."""
    return opts.base_url or os.environ.get("OPENAI_BASE_URL") or None


def _is_openai(base_url: str | None) -> bool:
    from .grammar import _is_openai as is_openai

    return is_openai(base_url)


def _grammar_mode(opts: SynthOptions, api_key: str | None) -> str | None:
    """The --grammar mode, with `auto` resolved by asking the server."""
    from .grammar import GrammarModeError, detect_mode

    if opts.grammar != "auto":
        return opts.grammar
    try:
        return detect_mode(_endpoint(opts), api_key)
    except GrammarModeError as exc:
        raise SynthUsageError(str(exc)) from None


REPAIR_CONVERSATIONS = ("auto", "continue", "fresh", "resample")
# A model served with a window this small is a small local model: it copies the program it
# is shown when asked to repair it (Qwen2.5-Coder-1.5B, 4,096 tokens: 13 identical resends in
# 14 continued conversations; 17 identical resends and 3 of 18 repairs in fresh
# conversations; 2 resends and 14 of 18 repairs resampled, on the same 60 units).
SMALL_CONTEXT = 8192


def _repair_conversation(opts: SynthOptions) -> str:
    """The resolved --repair-conversation: ``auto`` is ``resample`` for a small --context."""
    if opts.repair_conversation != "auto":
        return opts.repair_conversation
    small = opts.context is not None and opts.context <= SMALL_CONTEXT
    return "resample" if small else "continue"


def _validate(opts: SynthOptions) -> None:
    from ..datasets import FORMATS

    problems = []
    if opts.fmt not in FORMATS:
        problems.append(f"--format must be one of {', '.join(FORMATS)}")
    if opts.n < 1:
        problems.append(f"-n must be at least 1, got {opts.n}")
    from ..generation import walk_problem

    if problem := walk_problem(opts.walk):
        problems.append(problem)
    if opts.k < 1:
        problems.append(f"--k must be at least 1, got {opts.k}")
    if opts.stop_after_repeats < 0:
        problems.append(f"--stop-after-repeats must be 0 or more, got {opts.stop_after_repeats}")
    if opts.repairs < 0:
        problems.append(f"--repairs must be 0 or more, got {opts.repairs}")
    if opts.concurrency < 1:
        problems.append(f"--concurrency must be at least 1, got {opts.concurrency}")
    if opts.retries < 0:
        problems.append(f"--retries must be 0 or more, got {opts.retries}")
    for flag, value in (("--max-requests", opts.max_requests),
                        ("--max-tokens-total", opts.max_tokens_total),
                        ("--max-reply-tokens", opts.max_reply_tokens)):
        if value is not None and value < 1:
            problems.append(f"{flag} must be at least 1, got {value}")
    if not opts.timeout > 0:
        problems.append(f"--timeout must be positive, got {opts.timeout:g}")
    if not opts.cold_timeout > 0:
        problems.append(f"--cold-timeout must be positive, got {opts.cold_timeout:g}")
    from .grammar import MODES, SCOPES

    if opts.grammar is not None and opts.grammar not in MODES:
        problems.append(f"--grammar must be one of {', '.join(MODES)}")
    if opts.grammar_scope not in SCOPES:
        problems.append(f"--grammar-scope must be one of {', '.join(SCOPES)}")
    if opts.repair_conversation not in REPAIR_CONVERSATIONS:
        problems.append("--repair-conversation must be one of "
                        f"{', '.join(REPAIR_CONVERSATIONS)}")
    if opts.context is not None and opts.context < 256:
        problems.append(f"--context must be at least 256 tokens, got {opts.context}")
    if not opts.backoff >= 0:
        problems.append(f"--backoff must be 0 or more, got {opts.backoff:g}")
    if opts.price_in < 0 or opts.price_out < 0:
        problems.append("--price-in/--price-out must be 0 or more")
    if opts.temperature is not None and not 0 <= opts.temperature <= 2:
        problems.append(f"--temperature must be between 0 and 2, got {opts.temperature:g}")
    if not opts.model.strip():
        problems.append("--model must not be empty")
    if problems:
        raise SynthUsageError("; ".join(problems))


# ------------------------------------------------------------------------------ driver


def run_synth(opts: SynthOptions, stderr=None, stdout=None) -> SynthResult:
    """Run (or resume) a synthesis; raises SynthUsageError on bad input."""
    from ..datasets import DATA_FILES
    from .prompts import PromptBuilder, PromptError, prompt_files_digest, resolve_tasks

    stderr = stderr or sys.stderr
    started = time.perf_counter()
    _validate(opts)
    api_key = _api_key(opts.api_key_env)
    mode = _grammar_mode(opts, api_key)
    try:
        tasks = resolve_tasks(opts.tasks)
        digest = prompt_files_digest()
    except PromptError as exc:
        raise SynthUsageError(str(exc)) from None
    if not tasks:
        raise SynthUsageError("--tasks names no task")
    loaded = _load_scenes(opts.scenes, opts.walk, opts.seed, stderr)
    root = Path(opts.out)
    config = {
        "spdsl_synth": 1, "model": opts.model, "temperature": opts.temperature,
        "k": opts.k, "repairs": opts.repairs, "n": opts.n,
        "grammar": mode, "grammar_scope": opts.grammar_scope if mode else None,
        "context": opts.context, "repair_conversation": _repair_conversation(opts),
        "seed": opts.seed, "send_seed": opts.send_seed,
        "max_reply_tokens": opts.max_reply_tokens, "prompts": digest,
        "tasks": [t.config() for t in tasks], "scenes": [scene_id for scene_id, _, _ in loaded],
    }
    if opts.walk:  # only when given: a run made without --walk stays resumable
        config["walk"] = opts.walk
    if opts.stop_after_repeats:  # a run made before the flag existed never stopped early
        config["stop_after_repeats"] = opts.stop_after_repeats
    _prepare_out(root, config)
    states = _scene_states(loaded, root, opts.seed)
    units = [Unit(0, i, s.scene.id, t, a) for i, s in enumerate(states) for t in tasks
             for a in range(opts.n)]
    units = [Unit(p, u.scene_index, u.scene_id, u.task, u.attempt) for p, u in enumerate(units)]

    log = UnitLog(root / LOG_FILE)
    entries = log.load()
    resumed = sum(1 for u in units if u.id in entries)
    pending = [u for u in units if u.id not in entries]
    if pending:
        try:
            import openai  # noqa: F401
        except ImportError:
            raise SynthUsageError("spdsl synth needs the `openai` package: pip install "
                                  "'spdsl[llm]'") from None
        if api_key is None:
            print("spdsl: warning: OPENAI_API_KEY is not set: sending no API key (local "
                  "servers need none; for a hosted API set it, or name another variable "
                  "with --api-key-env)", file=stderr)
    from .cache import DiskCache

    client = LLMClient(
        ClientOptions(model=opts.model, base_url=opts.base_url, api_key=api_key,
                      temperature=opts.temperature, max_reply_tokens=opts.max_reply_tokens,
                      timeout=opts.timeout, retries=opts.retries, backoff=opts.backoff,
                      max_requests=opts.max_requests, max_tokens_total=opts.max_tokens_total,
                      grammar=mode, send_max_tokens=not _is_openai(_endpoint(opts)),
                      cold_timeout=opts.cold_timeout),
        DiskCache(opts.cache or root / "cache"))
    builder = PromptBuilder(mode, opts.seed, context=opts.context, base_url=_endpoint(opts),
                            model=opts.model, grammar_scope=opts.grammar_scope)
    if opts.context is not None:  # never send a prompt the model cannot hold
        for state in states:
            for task in {u.task.name: u.task for u in pending
                         if u.scene_index == states.index(state)}.values():
                try:
                    builder.proposal(state.scene, task, 0, opts.n)
                except PromptError as exc:
                    raise SynthUsageError(str(exc)) from None
    loop = Loop(client, builder, states,
                LoopOptions(n=opts.n, k=opts.k, repairs=opts.repairs, seed=opts.seed,
                            send_seed=opts.send_seed, grammar=mode,
                            grammar_scope=opts.grammar_scope,
                            repair_mode=_repair_conversation(opts)))
    progress = Progress(len(units), resumed, stderr, opts.progress,
                        [entries[u.id] for u in units if u.id in entries])
    internal: dict[str, str] = {}
    interrupted = False
    try:
        work(loop, pending, log, entries, progress, internal, opts.concurrency,
             opts.stop_after_repeats)
    except KeyboardInterrupt:
        interrupted = True
        client.halt(LLMStop("interrupted", "interrupted by the user; rerun the same command "
                            "to resume"))
    except SetupError as exc:
        raise SynthUsageError(str(exc)) from None
    finally:
        progress.close()
        log.close()

    # ------------------------------------------------------------------ assemble
    from ..datasets import write_dataset
    from ..scenes.format import atomic_write_text
    from .report import build_report
    from .verify import dedupe_key

    records, keys, duplicates = [], set(), 0
    for unit in units:
        entry = entries.get(unit.id)
        if not entry or entry.get("status") != "accepted" or not entry.get("record"):
            continue
        record = entry["record"]
        key = dedupe_key(record["scene"], record["question"], record)
        if key in keys:
            duplicates += 1
            continue
        keys.add(key)
        records.append(record)
    images = {s.scene_file: {int(i): img for i, img in zip(s.scene.frames.index,
                                                            s.scene.frames.image)}
              for s in states}
    data_file = root / DATA_FILES[opts.fmt]
    write_dataset(data_file, opts.fmt, records, images)

    stop = client.stop_error
    pending_now = sum(1 for u in units if u.id not in entries)
    if stop is not None:
        exit_code = stop.exit_code
    else:
        exit_code = 1 if pending_now else 0
    run = {"requests": client.stats.to_json(),
           "wall_seconds": round(time.perf_counter() - started, 3),
           "concurrency": opts.concurrency, "base_url": opts.base_url,
           "stopped": stop.reason if stop else None, "message": stop.message if stop else None,
           "internal_errors": internal, "exit_code": exit_code}
    report = build_report(config=config, units=units, entries=entries, accepted=len(records),
                          duplicates=duplicates, run=run, price_in=opts.price_in,
                          price_out=opts.price_out, resumed=resumed)
    report_file = root / REPORT_FILE
    atomic_write_text(report_file, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    if interrupted:
        raise KeyboardInterrupt
    return SynthResult(exit_code, report, data_file, report_file)


__all__ = ["DEFAULT_MODEL", "STOP_EXIT", "SynthOptions", "SynthResult",
           "SynthUsageError", "UnitLog", "run_synth"]
