"""Shared test helpers: where the repository is and how to run the real `spdsl` script."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def spdsl_executable() -> str:
    """The installed console script: next to this interpreter first, then on PATH."""
    beside = Path(sys.executable).parent / "spdsl"
    if beside.exists():
        return str(beside)
    found = shutil.which("spdsl")
    if found is None:
        pytest.skip("the spdsl console script is not installed")
    return found


def run_spdsl(*args: str, cwd: str | Path | None = None, timeout: float = 60,
              input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run `spdsl ARGS...` as a subprocess; stdout and stderr are decoded leniently."""
    env = {k: v for k, v in os.environ.items() if k != "SPDSL_DEBUG"}
    proc = subprocess.run([spdsl_executable(), *args], cwd=cwd, capture_output=True,
                          timeout=timeout, input=input, env=env)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def spdsl():
    """`spdsl(*args, cwd=...)` -> CompletedProcess with text stdout/stderr."""
    return run_spdsl


# ------------------------------------------------------------ the scripted LLM server


@pytest.fixture
def scripted_llm_env(monkeypatch):
    """What `spdsl synth` tests against tests/llm_server.py need: a key, no base URL from
    the environment, and no proxy between the client and 127.0.0.1."""
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    """A scripted OpenAI-compatible server on 127.0.0.1, stopped after the test."""
    from tests.llm_server import ScriptedLLM

    with ScriptedLLM() as scripted:
        yield scripted


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal, so progress bars draw on it."""

    def isatty(self) -> bool:
        return True


def last_bar(text: str, label: str) -> str:
    """The last state of the progress bar labelled ``label`` in a terminal's output (a bar
    redraws itself after carriage returns)."""
    states = [s for s in text.replace("\n", "\r").split("\r") if s.startswith(label + ":")]
    return states[-1] if states else ""

