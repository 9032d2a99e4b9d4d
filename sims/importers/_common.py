"""Helpers shared by the importers: reading JSON, checking numbers, quaternions."""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import numpy as np

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import parse_json
from spatial_dsl.scenes.rotations import matrix_to_quat

__all__ = ["Problems", "image_ref", "is_number", "quat_of", "read_bytes", "read_json"]


def read_bytes(path: Path, what: str = "file") -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SceneError([f"no such {what}"], str(path)) from None
    except IsADirectoryError:
        raise SceneError([f"is a directory, expected a {what}"], str(path)) from None
    except OSError as e:
        raise SceneError([f"cannot read: {e.strerror or e}"], str(path)) from None


def read_json(path: Path, what: str = "JSON file") -> object:
    """Parse a JSON file; every failure is a SceneError naming the file (line:column)."""
    return parse_json(read_bytes(path, what), str(path))


def is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(float(v))


class Problems:
    """Collects ``path: message`` problems so one SceneError can report them all."""

    def __init__(self, origin: str):
        self.origin = origin
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}" if path else message)

    def vector(self, value, n: int, path: str, nonnegative: bool = False) -> np.ndarray | None:
        """``n`` finite numbers (a list), else a problem and None."""
        if not isinstance(value, (list, tuple)):
            self.add(path, f"expected {n} numbers, got {_describe(value)}")
            return None
        if len(value) != n:
            self.add(path, f"expected {n} numbers, got {len(value)}")
            return None
        bad = [i for i, v in enumerate(value) if not is_number(v)]
        if bad:
            self.add(f"{path}[{bad[0]}]", f"expected a finite number, got {value[bad[0]]!r}")
            return None
        out = np.array([float(v) for v in value])
        if nonnegative and (out < 0).any():
            self.add(path, f"sizes must be >= 0, got {[float(v) for v in value]}")
            return None
        return out

    def raise_if_any(self) -> None:
        if self.items:
            raise SceneError(self.items, self.origin)


def _describe(value) -> str:
    if value is None:
        return "nothing (null or missing)"
    if isinstance(value, str):
        return f"a string {value!r}"
    return type(value).__name__ if not isinstance(value, dict) else "an object"


def quat_of(R: np.ndarray) -> list[float]:
    return matrix_to_quat(np.asarray(R, dtype=np.float64)).tolist()


def image_ref(path: Path, image_base: Path | None) -> str:
    """How a scene file refers to an image: relative to ``image_base`` (the scene
    file's directory) when given, else absolute."""
    if image_base is None:
        return str(path.resolve())
    return Path(os.path.relpath(path.resolve(), image_base.resolve())).as_posix()
