"""Quaternion <-> rotation-matrix conversions (quaternions are ``[x, y, z, w]``).

Written out in numpy so the scene layer does not depend on scipy's Rotation
conventions; tests cross-check against scipy.
"""

from __future__ import annotations

import math

import numpy as np


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """(..., 4) unit quaternions -> (..., 3, 3) matrices whose columns are the rotated axes."""
    q = np.asarray(q, dtype=np.float64)
    x, y, z, w = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    rows = [
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


def matrix_to_quat(R: np.ndarray) -> np.ndarray:
    """A proper rotation matrix (3, 3) -> unit quaternion ``[x, y, z, w]`` with ``w >= 0``.

    Shepperd's method: branch on the largest of trace and diagonal so the
    square root is taken of a number well away from zero (numerically stable
    for every rotation, including 180 degree turns).
    """
    R = np.asarray(R, dtype=np.float64)
    t = R[0, 0] + R[1, 1] + R[2, 2]
    if t > max(R[0, 0], R[1, 1], R[2, 2]):
        s = 2.0 * math.sqrt(1.0 + t)
        q = [(R[2, 1] - R[1, 2]) / s, (R[0, 2] - R[2, 0]) / s, (R[1, 0] - R[0, 1]) / s, s / 4]
    elif R[0, 0] >= R[1, 1] and R[0, 0] >= R[2, 2]:
        s = 2.0 * math.sqrt(max(1.0 + R[0, 0] - R[1, 1] - R[2, 2], 0.0))
        q = [s / 4, (R[0, 1] + R[1, 0]) / s, (R[0, 2] + R[2, 0]) / s, (R[2, 1] - R[1, 2]) / s]
    elif R[1, 1] >= R[2, 2]:
        s = 2.0 * math.sqrt(max(1.0 + R[1, 1] - R[0, 0] - R[2, 2], 0.0))
        q = [(R[0, 1] + R[1, 0]) / s, s / 4, (R[1, 2] + R[2, 1]) / s, (R[0, 2] - R[2, 0]) / s]
    else:
        s = 2.0 * math.sqrt(max(1.0 + R[2, 2] - R[0, 0] - R[1, 1], 0.0))
        q = [(R[0, 2] + R[2, 0]) / s, (R[1, 2] + R[2, 1]) / s, s / 4, (R[1, 0] - R[0, 1]) / s]
    q = np.array(q)
    q /= np.linalg.norm(q)
    # q and -q are the same rotation; pick one so output is deterministic.
    return -q if q[3] < 0 else q


def axis_angle_quat(axis: str, degrees: float) -> np.ndarray:
    """Quaternion of a right-handed rotation about world ``"x"``, ``"y"`` or ``"z"``."""
    half = math.radians(degrees) / 2
    q = np.zeros(4)
    q["xyz".index(axis)] = math.sin(half)
    q[3] = math.cos(half)
    return q
