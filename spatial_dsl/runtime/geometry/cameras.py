"""Cameras and camera motion: world points in camera coordinates, on-screen size of a box,
bearing in the view, the camera's heading, and turn / move / travel / route between
frames.
"""

from __future__ import annotations

import math

import numpy as np

# route: a horizontal step shorter than ROUTE_MIN_STEP is "not moving" (the spec's numbers)
from spatial_dsl.tolerances import ROUTE_MIN_STEP, ROUTE_MIN_TURN

from .angles import _deg_atan2, _out, round_half_away, wrap_deg
from .boxes import _local

ROUTE_REVERSAL_TOL = 1e-9  # degrees


# --------------------------------------------------------------------------
# Cameras and camera motion


def to_camera(p, cam_pos, cam_R):
    """World point(s) in camera coordinates: R^T (p - position), shape (...,3)."""
    return _out(_local(p, np.asarray(cam_pos, float), np.asarray(cam_R, float)))


# The 12 edges of a box: pairs of corners (ordered as scenes._build.CORNER_SIGNS, index bits
# x=4, y=2, z=1) that differ in one sign.
BOX_EDGES = np.array([(i, i | bit) for i in range(8) for bit in (4, 2, 1) if not i & bit])


def screen_size(corners, cam_pos, cam_R, fx, fy, cx, cy, width, height, near):
    """Shorter side in pixels of the image-clipped 2-D box of a box's projection.

    ``corners`` (...,8,3) world corners; the camera's pose and intrinsics broadcast
    against the leading dimensions. The box is first cut by the plane ``z = near`` in
    camera coordinates (its part behind stays out): the projected points are the corners
    in front and the points where edges cross that plane. 0 when nothing lies in front
    or the box misses the image.
    """
    pos = np.asarray(cam_pos, float)[..., None, :]
    R = np.asarray(cam_R, float)
    cam = np.einsum("...ji,...kj->...ki", R, np.asarray(corners, float) - pos)  # (...,8,3)
    z = cam[..., 2]
    front = z >= near
    a, b = cam[..., BOX_EDGES[:, 0], :], cam[..., BOX_EDGES[:, 1], :]  # (...,12,3)
    za, zb = a[..., 2], b[..., 2]
    crossing = (za - near) * (zb - near) < 0
    t = np.where(crossing, (near - za) / np.where(crossing, zb - za, 1.0), 0.0)
    cut = a + t[..., None] * (b - a)
    cut[..., 2] = near
    points = np.concatenate([cam, cut], axis=-2)  # (...,20,3)
    valid = np.concatenate([front, crossing], axis=-1)
    depth = np.where(valid, points[..., 2], 1.0)
    fx, fy, cx, cy, width, height = (np.asarray(v, float)[..., None]
                                     for v in (fx, fy, cx, cy, width, height))
    u = fx * points[..., 0] / depth + cx
    v = fy * points[..., 1] / depth + cy
    inf = np.inf
    u0 = np.maximum(np.where(valid, u, inf).min(axis=-1), 0.0)
    u1 = np.minimum(np.where(valid, u, -inf).max(axis=-1), width[..., 0])
    v0 = np.maximum(np.where(valid, v, inf).min(axis=-1), 0.0)
    v1 = np.minimum(np.where(valid, v, -inf).max(axis=-1), height[..., 0])
    side = np.minimum(u1 - u0, v1 - v0)
    return _out(np.where(valid.any(axis=-1) & (side > 0), side, 0.0))


def view_bearing(p_cam):
    """atan2(-x, z) in degrees, (-180, 180]; positive = left of the optical axis."""
    p = np.asarray(p_cam, float)
    return _deg_atan2(-p[..., 0], p[..., 2])


def heading(cam_R):
    """Horizontal heading of the camera's forward axis (column 2), degrees CCW
    from +x in (-180, 180].  Looking (within 1e-6) straight down, the forward
    axis has no horizontal part; the top of the image (-y axis) then points
    the way the camera was heading, so that is used (+y looking straight up).
    """
    R = np.asarray(cam_R, float)
    fwd = R[..., :2, 2]
    vertical = np.hypot(fwd[..., 0], fwd[..., 1]) < 1e-6
    up_in_image = np.where((R[..., 2, 2] < 0.0)[..., None], -R[..., :2, 1], R[..., :2, 1])
    d = np.where(vertical[..., None], up_in_image, fwd)
    return _deg_atan2(d[..., 1], d[..., 0])


def turn(R1, R2):
    """Signed heading change from camera 1 to camera 2, (-180, 180], left positive."""
    return wrap_deg(np.asarray(heading(R2)) - np.asarray(heading(R1)))


def move(pos1, R1, pos2):
    """Displacement pos2 - pos1 in camera 1's body frame: x forward (horizontal
    heading), y left, z world up.  Shape (...,3)."""
    h = np.radians(np.asarray(heading(R1)))
    d = np.asarray(pos2, float) - np.asarray(pos1, float)
    cos, sin = np.cos(h), np.sin(h)
    forward = cos * d[..., 0] + sin * d[..., 1]
    left = -sin * d[..., 0] + cos * d[..., 1]
    return _out(np.stack(np.broadcast_arrays(forward, left, d[..., 2]), axis=-1))


def travel(positions):
    """Sum of horizontal distances between consecutive positions (...,n,3) -> (...)."""
    step = np.diff(np.asarray(positions, float)[..., :2], axis=-2)
    return _out(np.sum(np.hypot(step[..., 0], step[..., 1]), axis=-1))


def route(positions, headings) -> list[str]:
    """The camera path as instructions (language.md `route`).

    positions (n,3), headings (n,) in degrees (see `heading`).  Start with h =
    headings[0]; for each consecutive pair with horizontal displacement d: if
    |d| >= 0.05 m, turn from h to the direction of d, go forward |d|, h = that
    direction; then turn from h to the next heading.  Turns are signed (left
    positive), wrapped to (-180, 180].  Then, in this order: merge each run of
    consecutive turns (sum, wrapped), drop merged turns with |t| < 1 degree,
    merge each run of consecutive forwards.  A turn within 1e-9 deg of -180
    is +180 (roundoff must not decide the side of an exact reversal).

    Decision (literal reading of the order of the three steps): forwards that
    become adjacent because a small turn between them was dropped ARE merged.
    Before the drop no two forwards are ever adjacent (every forward is
    followed by the turn to the next heading), so the forward merge could only
    mean this.  Degrees are rounded half away from zero to an integer (a turn
    of 179.6 reads "turn left 180 degrees", 1 degree reads "1 degrees"),
    metres to one decimal.
    """
    return route_words([route_ops(positions, headings)])[0]


def route_ops(positions, headings) -> list[tuple[str, float]]:
    """`route`'s instructions before they are put in words: ("turn", degrees, left
    positive) and ("forward", metres), merged and filtered as ``route`` says."""
    pos = np.asarray(positions, float)[:, :2]
    head = np.asarray(headings, float)
    steps = np.diff(pos, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    directions = np.degrees(np.arctan2(steps[:, 1], steps[:, 0]))
    # Step i starts at heading head[i] (the previous step ended turning to it), so every
    # turn is known up front: to the step's direction if it moves, then to head[i + 1].
    moves = lengths >= ROUTE_MIN_STEP
    start = head[:len(steps)]
    to_step = _turn_angles(directions - start)
    to_next = _turn_angles(head[1:len(steps) + 1] - np.where(moves, directions, start))
    ops: list[tuple[str, float]] = []
    # one trajectory: the loop is over frames (Python floats, the same values as numpy's)
    for move_i, turn_i, length_i, next_i in zip(moves.tolist(), to_step.tolist(),
                                                lengths.tolist(), to_next.tolist()):
        if move_i:
            ops += [("turn", turn_i), ("forward", length_i)]
        ops.append(("turn", next_i))
    ops = _merge_runs(ops, "turn")
    ops = [(k, x) for k, x in ops if k != "turn" or abs(x) >= ROUTE_MIN_TURN]
    return _merge_runs(ops, "forward")


def _turn_angle(x) -> float:
    """Wrapped to (-180, 180]; within 1e-9 deg of -180 counts as +180, so an
    exact reversal reads "turn left 180 degrees" whatever the roundoff."""
    t = _wrap_scalar(float(x))
    return 180.0 if t <= -180.0 + ROUTE_REVERSAL_TOL else t


def _turn_angles(x: np.ndarray) -> np.ndarray:
    """``_turn_angle`` of each element (the same operations, vectorized)."""
    t = wrap_deg(x)
    return np.where(t <= -180.0 + ROUTE_REVERSAL_TOL, 180.0, t)


def _wrap_scalar(x: float) -> float:
    """``wrap_deg`` of one float without numpy's per-call cost (a route makes a few turns
    per frame): the same C ``fmod`` and the same two corrections, so the same bits."""
    y = math.fmod(x, 360.0)
    if y > 180.0:
        y -= 360.0
    if y <= -180.0:
        y += 360.0
    return y


def _merge_runs(ops, kind):
    out: list[tuple[str, float]] = []
    for k, x in ops:
        if k == kind and out and out[-1][0] == kind:
            total = out[-1][1] + x
            out[-1] = (k, _turn_angle(total) if kind == "turn" else total)
        else:
            out.append((k, x))
    return out


def route_words(routes: list[list[tuple[str, float]]]) -> list[list[str]]:
    """Routes' ops (``route_ops``) in words: metres to one decimal, degrees to an integer,
    each rounded half away from zero. ``round_half_away`` works element by element, so
    one call per kind for all the routes gives each op what a call of its own would."""
    metres = _rounded([x for ops in routes for k, x in ops if k == "forward"], 1)
    degrees = _rounded([abs(x) for ops in routes for k, x in ops if k == "turn"], 0)
    return [[_words(kind, x, metres, degrees) for kind, x in ops] for ops in routes]


def _words(kind: str, x: float, metres, degrees) -> str:
    """One op in words, its rounded number the next of ``metres`` or ``degrees``."""
    if kind == "forward":
        return f"go forward {next(metres):.1f} meters"
    side = "left" if x > 0 else "right"
    return f"turn {side} {int(next(degrees))} degrees"


def _rounded(values: list[float], digits: int):
    """An iterator over the values rounded half away from zero, as Python floats."""
    if not values:
        return iter(())
    return iter(np.asarray(round_half_away(np.array(values), digits)).reshape(-1).tolist())
