"""Run the spdsl command line and die abruptly after a number of commits, as a kill would.

    python tests/kill_after.py synth|generate K spdsl-arguments...

The process ends with ``os._exit(75)`` (no cleanup, no flushing beyond what the command
itself made durable) right after its K-th commit: a unit logged to ``units.jsonl`` for
``synth``, a scene's part saved for ``generate``. The hook lives here, in the tests, so the
production code carries no test switch.
"""

from __future__ import annotations

import os
import sys

from spatial_dsl.cli.main import main
from spatial_dsl.datasets import OutputDir
from spatial_dsl.synth.run import UnitLog

KILLED = 75
COMMIT_POINTS = {"synth": (UnitLog, "append"), "generate": (OutputDir, "commit")}


def die_after(owner: type, method: str, count: int) -> None:
    """Wrap ``owner.method`` so the process exits at once after its ``count``-th call."""
    original = getattr(owner, method)
    calls = 0

    def wrapped(self, *args, **kwargs):
        nonlocal calls
        result = original(self, *args, **kwargs)
        calls += 1
        if calls >= count:
            os._exit(KILLED)
        return result

    setattr(owner, method, wrapped)


if __name__ == "__main__":
    command, count, *rest = sys.argv[1:]
    die_after(*COMMIT_POINTS[command], int(count))
    sys.exit(main([command, *rest]))
