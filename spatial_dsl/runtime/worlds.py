"""A batch of worlds: the jittered copies of a scene evaluated as one batch.

The stability check (synthesis.md) evaluates an answer on W jittered copies of a scene.
Instead of W evaluations, ``stack_worlds`` builds one *stacked* scene holding every
copy's objects side by side (world ``w``'s object ``i`` is object ``w * N + i``), and
the evaluator runs with a leading world axis: every row of the batch belongs to one
world (``Env.world``), its Object values are stacked indices, and the three sources of
object sets that do not come from an object (``objects``, ``find``, ``in_view``) are
restricted to the row's world (``restrict``). Everything else follows from the stacked
arrays: a kernel reads world ``w``'s centre at ``w * N + i``, the parent of a stacked
object is in its own world, the recorded visibility is repeated per world.

So a row of world ``w`` computes exactly what evaluating world ``w`` alone computes,
with the same numbers in the same floating-point operations (tests/test_worlds.py
checks it on every bundled task and on a program per builtin). Only copies that share
the room are stacked (a room given by a floor polygon does not move; one derived from
the objects does, and its attributes are one value per scene), and answers holding an
Objects set are not (a set of stacked objects is not a set of the scene's objects);
``stack_worlds`` / ``stackable`` return None / False there and the caller evaluates
the copies one by one.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from spatial_dsl.lang import types as T
from ..scenes.model import OBJECT_ARRAYS, OBJECT_TUPLES, NameIndex, Scene
from ..scenes.visibility import Visibility

__all__ = ["WorldStack", "restrict", "stack_worlds", "stackable", "to_world_rows",
           "world_value"]

# Fields of a Scene with one entry per object, repeated per world (a parent is an object
# row, so it is shifted into its own world instead).
_PER_OBJECT = tuple(name for name in OBJECT_ARRAYS if name != "parent")


@dataclasses.dataclass(frozen=True, eq=False)
class WorldStack:
    scene: Scene  # the stacked scene: worlds * n objects
    worlds: int
    n: int  # objects per world


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def stack_worlds(copies: list[Scene]) -> WorldStack | None:
    """The copies (same objects, same room, same frames) as one stacked scene, or None
    when their rooms differ."""
    first = copies[0]
    if any(c.room is not first.room for c in copies) or first.n == 0:
        return None
    w, n = len(copies), first.n
    fields = {name: _frozen(np.concatenate([getattr(c, name) for c in copies]))
              for name in _PER_OBJECT}
    fields.update({name: tuple(getattr(first, name)) * w for name in OBJECT_TUPLES})
    offsets = np.repeat(np.arange(w, dtype=np.int64) * n, n)
    parent = np.tile(first.parent, w)
    fields["parent"] = _frozen(np.where(parent >= 0, parent + offsets, -1))
    names = first.name_index
    members = {key: np.concatenate([names.members(key) + k * n for k in range(w)])
               for key in names}
    fields["name_index"] = NameIndex(members, w * n)
    fields["frames"] = _stacked_frames(first, w)
    return WorldStack(dataclasses.replace(first, **fields), w, n)


def _stacked_frames(scene: Scene, w: int):
    frames, objects, fractions = scene.frames.visible.pairs()
    n = scene.n
    visible = Visibility.from_pairs(
        scene.frames.count, w * n, np.tile(frames, w),
        np.concatenate([objects + k * n for k in range(w)]), np.tile(fractions, w))
    return dataclasses.replace(scene.frames, visible=visible)


def stackable(t: T.Type) -> bool:
    """Whether values of type t can come back from the stacked scene (no Objects set)."""
    if t == T.OBJECTS:
        return False
    if isinstance(t, T.ListType):
        return stackable(t.elem)
    return True


def restrict(masks: np.ndarray, world: np.ndarray | None, per_world: int) -> np.ndarray:
    """Object sets (B, W * N) cut to each row's own world (rows of ``world``).

    Each row copies its own world's N columns into a cleared (B, W, N) block: B * N
    elements moved, where comparing every column's world with the row's would touch
    B * W * N (this runs on every ``objects`` / ``find`` / ``in_view`` of a stack)."""
    if world is None:
        return masks
    rows, width = max(len(world), masks.shape[0]), masks.shape[-1]
    worlds = width // per_world
    own = np.broadcast_to(world, (rows,))
    blocks = np.broadcast_to(masks, (rows, width)).reshape(rows, worlds, per_world)
    out = np.zeros((rows, worlds, per_world), dtype=bool)
    at = np.arange(rows)
    out[at, own] = blocks[at, own]
    return out.reshape(rows, width)


def to_world_rows(value, t: T.Type, stack: WorldStack, size: int):
    """A bound name of ``size`` rows (or one broadcast row) as W * size rows, world-major;
    Object values become the stacked objects of each world."""
    from .values import broadcast_rows

    value = broadcast_rows(value, size)
    if isinstance(value, list):
        return value * stack.worlds
    tiled = np.concatenate([value] * stack.worlds)
    if t == T.OBJECT:
        tiled = tiled + np.repeat(np.arange(stack.worlds, dtype=np.int64) * stack.n, size)
    return tiled


def world_value(element, t: T.Type, n: int):
    """An answer element from the stacked scene in the scene's own object rows."""
    if t == T.OBJECT and element is not None:
        return int(element) % n
    if isinstance(t, T.ListType) and isinstance(element, list):
        return [world_value(x, t.elem, n) for x in element]
    return element


# Builtins whose value, given the same arguments, reads nothing the jitter moves (the
# object boxes and what is derived from them): sets, lists, arithmetic, the recorded
# visibility and the camera poses. Every other builtin (a relation, a distance, a view of
# a box, a screen size) is taken to depend on the world; a new builtin does until it is
# listed here (tests/test_worlds.py checks each listed one on the jittered copies).
WORLD_INVARIANT_BUILTINS = frozenset({
    "abs", "all", "any", "appearance_order", "argmax", "argmin", "children", "co_visible",
    "contains", "count", "exists", "filter", "find", "first", "first_seen", "frame",
    "frames", "in_view", "intersect", "labels", "last", "last_seen", "len", "map", "max",
    "mean", "min", "minus", "move", "norm", "objects", "parents", "room", "round", "route",
    "seen", "sort", "sqrt", "sum", "the", "travel", "turn", "union", "vec", "visibility",
    "visible"})
# Attributes that do not move with the centre: the box's extents and heading, names,
# frame data; the room's, for copies that share their room (those ``stack_worlds`` takes).
WORLD_INVARIANT_ATTRIBUTES = frozenset(
    [(T.OBJECT, a) for a in ("id", "category", "label", "size", "length", "width", "longest",
                             "volume", "footprint", "yaw")]
    + [(T.VEC3, a) for a in "xyz"] + [(T.FRAME, a) for a in ("index", "time", "position")]
    + [(T.ROOM, a) for a in ("area", "height", "length", "width")])


def world_invariant(checked, node) -> bool:
    """Whether ``node`` (an expression of ``checked``, with the ``def``s it calls) has the
    same value and the same rejections on every jittered copy that shares the scene's
    room: then its stability needs no evaluation at all."""
    from spatial_dsl.lang import ast

    pending, seen = [checked.typed.of(node)], set()
    while pending:
        for t in pending.pop().walk():
            if t.body is not None and t.body.nid not in seen:  # a `def`: its body too
                seen.add(t.body.nid)
                pending.append(t.body)
            elif t.kernel is not None and t.kernel[0] not in WORLD_INVARIANT_BUILTINS:
                return False
            if isinstance(t.node, ast.Attr) and \
                    (t.kids[0].type, t.node.name) not in WORLD_INVARIANT_ATTRIBUTES:
                return False
    return True

