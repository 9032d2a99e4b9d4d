"""No module of the package (spatial_dsl/, sims/) is over 600 lines (issue 16).

A module that grows past the limit is split by responsibility into a package whose
``__init__`` re-exports its public names (see spatial_dsl/scenes/rooms/ for one).
"""

from __future__ import annotations

from pathlib import Path

import sims
import spatial_dsl

MAX_LINES = 600


def _line_counts() -> dict[str, int]:
    counts = {}
    for package in (spatial_dsl, sims):
        root = Path(package.__path__[0])
        for path in sorted(root.rglob("*.py")):
            name = f"{package.__name__}/{path.relative_to(root).as_posix()}"
            counts[name] = len(path.read_text(encoding="utf-8").splitlines())
    return counts


def _over(counts: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in counts.items() if n > MAX_LINES}


def test_the_walk_sees_the_package():
    counts = _line_counts()
    assert "spatial_dsl/cli/main.py" in counts and "sims/walk.py" in counts
    assert len(counts) > 100  # ~200 modules when written


def test_no_module_over_the_limit():
    over = _over(_line_counts())
    assert over == {}, f"split these modules by responsibility (at most {MAX_LINES} lines)"
