"""Which unit of `spdsl synth` runs when: the thread pool, and the early stop of a scene
and task whose proposals keep repeating items it has accepted.

Units start in position order. With ``--stop-after-repeats N`` (N > 0; the default is
``DEFAULT_STOP_AFTER_REPEATS``) the units of one scene and task run one after another,
beside the units of other scenes and tasks, and a unit of an *exhausted* scene and task
is not run: it is logged as ``skipped`` (reason ``exhausted``) without a request. A scene
and task are exhausted when each of its previous N attempts ended as a repeat of an item
it had accepted (the `new` check), or when its previous attempt was skipped. Why: a task
with few facts per scene (room size has one) is asked -n times, and a small model
repeats the one question it knows; each repeat costs a completion and adds nothing.

The decision reads only finished attempts of the same scene and task, in order, so the
run makes the same requests and the same dataset at any --concurrency and on resume.
With N = 0 nothing is skipped and the units of one scene and task run side by side
(a repeat the loop could not see yet is then caught when the dataset is assembled).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager

from .client import LLMClient, LLMStop, SetupError
from .loop import Loop, Unit
from .run_progress import Progress

POLL_SECONDS = 0.1  # how often the pool loop looks for Ctrl-C
DEFAULT_STOP_AFTER_REPEATS = 2
REPEAT = "verify:new"  # the reason of a unit whose item repeated an accepted one
SKIPPED = "skipped"


def work(loop: Loop, pending: list[Unit], log, entries: dict, progress: Progress,
         internal: dict, concurrency: int, repeats: int) -> None:
    """Run the pending units on a thread pool, logging each as it finishes (``log`` is a
    ``run.UnitLog``). Ctrl-C stops the run at the next poll (a tenth of a second), not
    after the requests in flight."""
    client = loop.client
    queue = list(reversed(pending))
    progress.show(client)

    def commit(entry: dict) -> None:
        log.append(entry)
        entries.setdefault(entry["unit"], entry)
        progress.advance(entry, client)

    with _sigint_as_flag() as interrupted, \
            ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="synth") as pool:
        running: dict = {}
        try:
            while queue or running:
                while len(running) < concurrency and not client.stop.is_set():
                    unit = next_ready(queue, running.values(), repeats)
                    if unit is None:
                        break
                    if exhausted(unit, entries, repeats):
                        commit(skipped_entry(unit, repeats))
                        continue
                    running[pool.submit(loop.run_unit, unit, earlier(unit, entries))] = unit
                if not running:
                    break
                done, _ = wait(list(running), timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                if interrupted.is_set():
                    raise KeyboardInterrupt
                for future in sorted(done, key=lambda f: running[f].position):
                    unit = running.pop(future)
                    entry = _outcome(future, unit, client, internal, progress)
                    if entry is not None:
                        commit(entry)
        except BaseException:
            client.stop.set()  # the workers see it within 50 ms; the pool's exit joins them
            for future in running:
                future.cancel()
            raise


def next_ready(queue: list[Unit], running: Iterable[Unit], repeats: int) -> Unit | None:
    """Take the first queued unit (the queue is in reverse position order) that may start:
    any when ``repeats`` is 0, else the first whose scene and task has no unit running
    and no earlier unit queued."""
    if not repeats:
        return queue.pop() if queue else None
    busy = {_pair(u) for u in running}
    for i in range(len(queue) - 1, -1, -1):
        pair = _pair(queue[i])
        if pair not in busy:
            return queue.pop(i)
        busy.add(pair)  # a later unit of this pair waits for this one
    return None


def exhausted(unit: Unit, entries: dict, repeats: int) -> bool:
    """Whether the unit's scene and task stopped before it (see the module's docstring)."""
    if not repeats or unit.attempt == 0:
        return False
    before = [entries.get(_attempt_id(unit, a))
              for a in range(unit.attempt - 1, max(unit.attempt - repeats, 0) - 1, -1)]
    if before[0] is not None and before[0].get("status") == SKIPPED:
        return True
    return len(before) == repeats and all(e is not None and e.get("reason") == REPEAT
                                          for e in before)


def skipped_entry(unit: Unit, repeats: int) -> dict:
    """The log entry of a unit not run because its scene and task are exhausted."""
    times = "attempt" if repeats == 1 else f"{repeats} attempts"
    return {**unit.log_entry(), "status": SKIPPED, "reason": "exhausted",
            "detail": f"not run: the last {times} of this scene and task repeated items it "
                      "had accepted (--stop-after-repeats)",
            "counters": {"skipped_exhausted": 1}}


def earlier(unit: Unit, entries: dict) -> tuple[dict, ...]:
    """The records accepted so far by the earlier attempts of the unit's scene and task."""
    found = (entries.get(_attempt_id(unit, a)) for a in range(unit.attempt))
    return tuple(e["record"] for e in found
                 if e and e.get("status") == "accepted" and e.get("record"))


def _attempt_id(unit: Unit, attempt: int) -> str:
    return Unit(0, unit.scene_index, unit.scene_id, unit.task, attempt).id


def _pair(unit: Unit) -> tuple[int, str]:
    return unit.scene_index, unit.task.name


def _outcome(future, unit: Unit, client: LLMClient, internal: dict,
             progress: Progress) -> dict | None:
    """A finished unit's log entry, or None when it has none (the run stops, or a bug
    left the unit pending)."""
    try:
        return future.result()
    except LLMStop as exc:
        client.halt(exc)
    except SetupError:
        client.stop.set()
        raise
    except Exception as exc:  # a bug: keep the unit pending, go on
        if os.environ.get("SPDSL_DEBUG"):
            raise
        internal[unit.id] = f"{type(exc).__name__}: {exc}"
        progress.write(f"spdsl: internal error in unit {unit.id}: {internal[unit.id]} (a bug: "
                       "please report it; the unit stays pending, set SPDSL_DEBUG=1 for details)")
    return None


@contextmanager
def _sigint_as_flag() -> Iterator[threading.Event]:
    """While the pool runs, Ctrl-C sets an event that the main loop polls instead of raising
    KeyboardInterrupt wherever the main thread happens to be: raised inside
    ``concurrent.futures.wait`` between its taking and releasing a future's lock, it left
    the lock held, the worker could not publish its result, and the pool's exit waited
    forever. Only the main thread can install a handler; elsewhere, and under a handler
    someone else installed, nothing changes."""
    flag = threading.Event()
    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None
    if previous is not signal.default_int_handler:
        yield flag
        return
    signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
