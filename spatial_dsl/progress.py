"""The one progress reporter: every command that shows progress draws it with ``Progress``.

A thin wrapper over ``tqdm`` that fixes the rules every command follows:

- progress goes to stderr (or the stream given), never to stdout, so stdout and any
  JSON written there stay clean;
- a bar is drawn only on a terminal; a log file, a pipe or a captured stream gets no bar
  and no carriage returns, but a plain line at each tenth of the way
  (``generate: 4/10 scenes, 120 candidate items``), so a batch job's log still shows how
  far a long run got;
- nothing is written when the caller turns progress off (``-q/--quiet``, ``--json``);
- a message printed while a bar is drawn (``Progress.write``) goes above the bar instead of
  through it.

``Progress(total, label=..., unit=...)`` is for a loop the caller runs; ``reporter(...)``
adapts it to the ``progress(done, total)`` callbacks that library functions which learn
their total late (``audit_dataset``, ``build_review``) take.
"""

from __future__ import annotations

import sys
from tqdm import tqdm

# "generate: 40%|████      | 4/10 scenes [00:03<00:05, 120 candidate items]"
BAR_FORMAT = ("{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} "
              "[{elapsed}<{remaining}{postfix}]")


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """A progress bar over ``total`` steps, drawn on ``stream`` (default stderr) only when it
    is a terminal and ``enabled``. ``done`` steps already finished (a resumed run) start
    the bar there. Use as a context manager, or call ``close``."""

    def __init__(self, total: int, *, label: str, unit: str, done: int = 0,
                 enabled: bool = True, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self._bar = None
        self._log: _LogLines | None = None
        if enabled and total > 0 and _is_terminal(self.stream):
            self._bar = tqdm(total=total, initial=done, desc=label, unit=unit,
                             file=self.stream, bar_format=BAR_FORMAT, dynamic_ncols=True,
                             leave=True)
        elif enabled and total > 0:
            self._log = _LogLines(total, done, label, unit, self.stream)

    @property
    def shown(self) -> bool:
        """Whether a bar is drawn at all."""
        return self._bar is not None

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)
        elif self._log is not None:
            self._log.move(self._log.done + steps)

    def set(self, done: int) -> None:
        """Move the bar to ``done`` steps (for callers that report a running count)."""
        if self._bar is not None and done != self._bar.n:
            self._bar.update(done - self._bar.n)
        elif self._log is not None:
            self._log.move(done)

    def note(self, text: str) -> None:
        """What the bar shows after its counts (``120 candidate items``)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)  # drawn by the next step
        elif self._log is not None:
            self._log.note = text

    def write(self, message: str) -> None:
        """Print a line on the stream without breaking the bar (tqdm redraws it below)."""
        if self._bar is not None:
            self._bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _LogLines:
    """Progress off a terminal: one plain line each time the count passes another tenth of
    the total (and at the end), never a carriage return."""

    STEPS = 10

    def __init__(self, total: int, done: int, label: str, unit: str, stream):
        self.total, self.done, self.label, self.unit, self.stream = total, done, label, unit, stream
        self.note = ""
        self._step = self._tenth(done)

    def _tenth(self, done: int) -> int:
        return min(done, self.total) * self.STEPS // self.total

    def move(self, done: int) -> None:
        self.done = done
        if self._tenth(done) > self._step:
            self._step = self._tenth(done)
            note = f", {self.note}" if self.note else ""
            print(f"{self.label}: {done}/{self.total} {self.unit}{note}", file=self.stream,
                  flush=True)


class reporter:  # noqa: N801 (used like a function: ``with reporter(...) as progress``)
    """A ``progress(done, total)`` callback drawing one ``Progress``, for library functions
    that learn their total late: the bar starts at the first call and closes when ``done``
    reaches ``total``, or when the ``with`` block ends (an error half-way)."""

    def __init__(self, *, label: str, unit: str, enabled: bool = True, stream=None):
        self._args = {"label": label, "unit": unit, "enabled": enabled, "stream": stream}
        self._bar: Progress | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = Progress(total, **self._args)
        self._bar.set(done)
        if done >= total:
            self._bar.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> reporter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
