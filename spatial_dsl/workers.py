"""Worker processes that end with their parent.

A ``ProcessPoolExecutor`` worker waits on its call queue; when the parent is
killed outright (SIGKILL, the OOM killer) nobody tells it, and it lives on as
an orphan holding its memory. ``exit_with_parent`` (a pool initializer step)
asks Linux to kill the worker when its parent dies (``PR_SET_PDEATHSIG``) and,
everywhere, starts a daemon thread that ends the process once its parent
process id changes (the orphan is re-parented).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["exit_with_parent"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5


def exit_with_parent(parent_pid: int) -> None:
    """Make this (worker) process exit when ``parent_pid`` is no longer its parent."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watch thread still works
            pass
    if os.getppid() != parent_pid:  # the parent died before this ran
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), name="exit-with-parent",
                     daemon=True).start()


def _watch(parent_pid: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)
