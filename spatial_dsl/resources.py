"""Locate the package's data files (grammar, stdlib, prompts).

An installed wheel carries them under ``spatial_dsl/_data``; an editable
install or a source checkout finds them at the repository's top level.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir(kind: str) -> Path:
    """Directory of one kind of package data: "grammar", "stdlib" or "prompts"."""
    packaged = resources.files("spatial_dsl") / "_data" / kind
    if packaged.is_dir():
        return Path(str(packaged))
    return _REPO_ROOT / kind


def read_text(kind: str, name: str) -> str:
    return (data_dir(kind) / name).read_text(encoding="utf-8")
