"""Jittered copies of a scene for the stability check (synthesis.md).

An answer is *stable* when it stays the same (numbers within 5 %) while every
object's centre moves by up to 2 cm, over 8 seeded trials. This module builds
the perturbed scenes; ``spatial_dsl.tasks`` compares the answers.

What a jittered scene is
------------------------
Each object's centre moves by its own random displacement drawn uniformly from
the ball of radius ``radius`` (direction uniform on the sphere, length
``radius * u**(1/3)``), from ``numpy.random.default_rng(seed)``: trial ``t``
uses the ``t``-th draw of one generator, so the trials are a deterministic
function of ``(seed, trials, radius)`` and of the object order (by id).

Everything derived from the centres is recomputed consistently: the 8 box
corners move with the centre (the rotation and the extents are unchanged, so
``size``, ``R``, ``length``, ``width``, ``longest``, ``volume``,
``footprint``, ``yaw`` and ``upright`` stay as they are) and so do ``top``
and ``bottom``. A room given by a floor polygon stays put; a room derived from
the objects (no floor: x-y bounds of all corners, and, when the file gave no
height, the largest ``top``) is recomputed from the moved boxes, exactly as
loading a scene file with those centres would. Frames (camera poses and the
recorded visibility) are not objects and are kept unchanged: a jittered scene
answers "what if the boxes had been measured 2 cm differently", not "what if
the camera had seen something else".

How the trials are evaluated
----------------------------
synthesis.md asks for the jittered trials to be one batched evaluation rather
than eight runs, and they are:

- the ``trials`` jittered scenes are built **once per scene** (here, one
  ``dataclasses.replace`` of a few arrays each, no re-validation) and reused
  for every task and every item of that scene;
- ``runtime.worlds`` stacks them into one scene with a leading *world* axis
  (world ``w``'s object ``i`` is object ``w * N + i``; every row of a batch
  knows its world, and ``objects``, ``find`` and ``in_view`` only see its
  world's objects), so the answers of *all* candidates of a chunk on *all*
  trials are **one evaluation** of ``trials x candidates`` rows
  (``tasks.engine``), and each of refer's candidate references is one
  evaluation over the trials (``refer.search``);
- an answer that reads nothing the jitter moves (``worlds.world_invariant``:
  counts, recorded visibility, camera routes) is not evaluated on the trials
  at all: it is the same on each of them by construction.

Each world's rows compute exactly what evaluating that trial alone computes
(tests/test_worlds.py). Trials whose room moves (a room without a floor
polygon is the objects' bounds) are not stacked and are evaluated one by one.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..scenes.model import Room, Scene
from ..tolerances import JITTER_RADIUS as DEFAULT_RADIUS  # metres
from ..tolerances import JITTER_TRIALS as DEFAULT_TRIALS

__all__ = ["DEFAULT_RADIUS", "DEFAULT_TRIALS", "displacements", "jitter_scene",
           "jittered_scenes"]


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def displacements(n: int, trials: int, radius: float, seed: int) -> np.ndarray:
    """(trials, n, 3) displacements, uniform in the ball of the given radius."""
    rng = np.random.default_rng(seed)
    out = np.empty((trials, n, 3))
    for t in range(trials):
        direction = rng.normal(size=(n, 3))
        norms = np.linalg.norm(direction, axis=1, keepdims=True)
        direction = direction / np.where(norms > 0, norms, 1.0)
        length = radius * rng.random(n) ** (1.0 / 3.0)
        out[t] = direction * length[:, None]
    return out


def _room(scene: Scene, corners: np.ndarray, top: np.ndarray) -> Room:
    """The room of the moved boxes (unchanged when the scene has a floor polygon)."""
    room = scene.room
    if room.floor is not None:
        return room
    # Without a floor the bounds come from the objects. The height came from them too
    # unless the file gave one; it is taken as given when it differs from the old top.
    height = room.height
    if height == float(scene.top.max()):
        height = float(top.max())
    xy = corners[:, :, :2].reshape(-1, 2)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    sides = hi - lo
    return Room(floor=None, height=height, area=float(np.prod(sides)), length=float(sides.max()),
                width=float(sides.min()), bounds_min=_frozen(lo), bounds_max=_frozen(hi),
                walls=room.walls)


def jitter_scene(scene: Scene, delta: np.ndarray) -> Scene:
    """The scene with every object's centre moved by ``delta`` (N, 3)."""
    delta = np.asarray(delta, dtype=np.float64).reshape(scene.n, 3)
    center = scene.center + delta
    corners = scene.corners + delta[:, None, :]
    top = scene.top + delta[:, 2]
    bottom = scene.bottom + delta[:, 2]
    return dataclasses.replace(
        scene, center=_frozen(center), corners=_frozen(corners), top=_frozen(top),
        bottom=_frozen(bottom), room=_room(scene, corners, top))


def jittered_scenes(scene: Scene, trials: int = DEFAULT_TRIALS, radius: float = DEFAULT_RADIUS,
                    seed: int = 0) -> list[Scene]:
    """``trials`` jittered copies of the scene (deterministic for a seed)."""
    deltas = displacements(scene.n, trials, radius, seed)
    return [jitter_scene(scene, d) for d in deltas]
