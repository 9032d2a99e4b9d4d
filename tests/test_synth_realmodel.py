"""A short run of bench/bench_synth_real.py against a real local model (issue 15).

Marked ``realmodel``: deselected by default (pyproject.toml), run with
``pytest -m realmodel``. It needs the GGUF weights (``SPDSL_REAL_MODEL=/path.gguf``)
and llama-cpp-python[server] (in this interpreter, or in the interpreter named by
``SPDSL_LLAMA_PYTHON``); without them it is skipped with the reason. It checks
that the loop runs end to end on a real server with the scene grammar (every
request answered, no internal error, the report's figures present, nothing
accepted that a re-check finds wrong) -- not the benchmark's targets, which
need far more samples than a test can afford.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.realmodel

REPO = Path(__file__).resolve().parent.parent


def _llama_python() -> str | None:
    given = os.environ.get("SPDSL_LLAMA_PYTHON")
    if given:
        return given if Path(given).exists() else None
    return sys.executable if importlib.util.find_spec("llama_cpp") else None


def test_short_benchmark_on_a_real_model(tmp_path):
    model = os.environ.get("SPDSL_REAL_MODEL")
    if not model or not Path(model).is_file():
        pytest.skip("no weights: set SPDSL_REAL_MODEL to a GGUF file (README: real models)")
    python = _llama_python()
    if python is None:
        pytest.skip("llama-cpp-python[server] is not installed (or SPDSL_LLAMA_PYTHON is "
                    "wrong)")
    figures = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_synth_real.py"), "--model", model,
         "--llama-python", python, "--out", str(tmp_path / "out"), "--quick", "--modes",
         "scene", "--quiet", "--json", str(figures)],
        capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = json.loads(figures.read_text())["modes"]["scene"]
    assert row["units"] == 1 and row["completions"] >= 1
    assert row["recheck_wrong"].startswith("0/")
    report = json.loads((tmp_path / "out" / "scene" / "report.json").read_text())
    assert report["run"]["internal_errors"] == {} and report["run"]["stopped"] is None
