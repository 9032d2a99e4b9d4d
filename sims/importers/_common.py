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

__all__ = ["Problems", "axis_matrix", "convert_box", "image_ref", "is_number",
           "is_signed_permutation", "quat_of", "read_bytes", "read_json"]


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

    def quaternion(self, value, path: str) -> np.ndarray | None:
        """A unit quaternion ``[x, y, z, w]`` (norm within 1e-3 of 1, then normalised)."""
        q = self.vector(value, 4, path)
        if q is None:
            return None
        norm = float(np.linalg.norm(q))
        if abs(norm - 1.0) > 1e-3:
            self.add(path, f"quaternion must have norm 1, got {norm:.6g}")
            return None
        return q / norm

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


# --------------------------------------------------------------------------- frames and boxes


def axis_matrix(axis: int, degrees: float) -> np.ndarray:
    """Rotation matrix about coordinate axis 0/1/2 by ``degrees`` (the usual formula; what
    it means for handedness is the caller's convention)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m = np.eye(3)
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


def is_signed_permutation(R: np.ndarray, tol: float = 1e-6) -> bool:
    """Every column of R is +-1 on one axis: the box's axes are the world's, permuted."""
    a = np.abs(np.asarray(R, dtype=np.float64))
    return bool((np.minimum(a, np.abs(a - 1.0)) <= tol).all())


def convert_box(M: np.ndarray, center, size, R) -> tuple[list, list, list]:
    """A box (centre, full extents along its local axes, local->world R) given in a source
    frame, in ours: ``M`` maps source coordinates to ours and is a signed permutation, so

        centre' = M c,   R' = M R M^T,   size' = |M| s

    (the corners ``c + R (+-s/2)`` map to ``M c + (M R M^T) (M (+-s/2))`` and
    ``M (+-s/2)`` is the same set of sign patterns on the permuted extents).
    ``M R M^T`` is a proper rotation whether or not ``M`` flips handedness,
    because det(M)^2 = 1."""
    M = np.asarray(M, dtype=np.float64)
    R = np.asarray(R, dtype=np.float64)
    c2 = M @ np.asarray(center, dtype=np.float64)
    s2 = np.abs(M) @ np.asarray(size, dtype=np.float64)
    return c2.tolist(), s2.tolist(), quat_of(M @ R @ M.T)
