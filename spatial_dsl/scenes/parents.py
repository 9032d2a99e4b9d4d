"""The direct parent of each AI2-THOR object among its ``parentReceptacles`` (scenes.md v0.2).

AI2-THOR lists every receptacle whose trigger volume holds an object, in scene
order, not nearest first: a mug in a coffee machine that stands on a table lists
the table first. The parent is the *direct* support or container, chosen so:

1. candidates: the listed receptacles that are other objects of the scene;
2. of several, keep the first non-empty tier: those whose top the object touches
   (bottom within ``TOUCH_TOLERANCE`` of the top: a book on a table that a tucked
   chair's box also encloses); else those that contain it (its centre in their box,
   its bottom above theirs: a mug on a coffee machine's drip tray, a few cm above the
   counter, but not a chair that merely stands under a table); else those it rests near
   the top of (within ``HOLD_TOLERANCE``); else all;
3. drop a candidate listed among another remaining candidate's own receptacles
   (the counter under the plate the tomato lies on);
4. of what remains, the smallest box (then the nearest centre, then the id).

How the object is held (the scene file's ``support``, a v0.2 decision documented in
docs/reference.md): ``"in"`` its parent when the parent is one of ``CONTAINERS`` (a
fridge, a cabinet, a sink basin, a bowl...) and the object's centre lies in the
parent's box, else ``"on"`` it (a pillow on a bed whose box, headboard included,
encloses the pillow; a knife on a counter slab thinner than the knife's centre height).

Objects that AI2-THOR cannot move (``pickupable`` and ``moveable`` both false: counters,
sinks, drawers, cabinets, shelves, windows, faucets, the floor) are parts of the room or
of a piece of furniture: they get no parent and ``support = "fixed"`` (they rest on
nothing, though other things rest on them). Their ``parentReceptacles`` record trigger
volumes that overlap the fixture, not support: a countertop "in" a sink basin or a cup,
a window "on" a counter, a drawer "on" the floor. (Metadata without the two flags says
nothing about it, and its objects keep their receptacles.) Televisions are the exception
(``FREE_STANDING``): some are flagged immovable yet stand on a dresser or table.

Parent cycles left in the recorded data are broken by dropping the link of the largest
object in the cycle (the container, not the content).
"""

from __future__ import annotations

import numpy as np

from spatial_dsl.tolerances import SUPPORT_TOLERANCE
from .rotations import quat_to_matrix

# AI2-THOR receptacles that hold things *in* them (a reader says "the mug is in the
# fridge", "the sponge is in the sink"); every other receptacle is a surface things
# are *on* (tables, counters, beds, sofas, shelves, plates, burners, holders, the floor).
CONTAINERS = frozenset({
    "Bathtub", "BathtubBasin", "Bowl", "Box", "Cabinet", "Cart", "CoffeeMachine", "Cup",
    "Drawer", "Fridge", "GarbageBag", "GarbageCan", "LaundryHamper", "Microwave", "Mug",
    "Pan", "Pot", "Safe", "Sink", "SinkBasin", "Toaster",
})
TOUCH_TOLERANCE = 0.005  # m: an object whose bottom is this close to a top touches it
HOLD_TOLERANCE = SUPPORT_TOLERANCE  # m: ... this close: it rests near that surface (`on`'s band)


class _Boxes:
    """Centres, rotation matrices, sizes, bottoms, tops and volumes of converted objects."""

    def __init__(self, out: list[dict]):
        self.index = {o["id"]: i for i, o in enumerate(out)}
        self.center = np.array([o["center"] for o in out], dtype=float).reshape(-1, 3)
        self.size = np.array([o["size"] for o in out], dtype=float).reshape(-1, 3)
        self.R = quat_to_matrix(np.array([o["rotation"] for o in out], dtype=float)
                                .reshape(-1, 4))
        half_z = 0.5 * np.einsum("nk,nk->n", np.abs(self.R[:, 2, :]), self.size)
        self.bottom = self.center[:, 2] - half_z
        self.top = self.center[:, 2] + half_z
        self.volume = self.size.prod(axis=1)

    def contains_centre(self, box: int, of: int) -> bool:
        local = self.R[box].T @ (self.center[of] - self.center[box])
        return bool(np.all(np.abs(local) <= self.size[box] / 2 + 1e-9))

    def touches_top(self, box: int, of: int, tolerance: float = TOUCH_TOLERANCE) -> bool:
        return abs(self.bottom[of] - self.top[box]) <= tolerance

    def contains(self, box: int, of: int) -> bool:
        """``of``'s centre is in ``box`` and its bottom above ``box``'s (it is held, not
        standing beside ``box`` on the same floor)."""
        return (self.bottom[of] > self.bottom[box] + TOUCH_TOLERANCE
                and self.contains_centre(box, of))


# Free-standing objects AI2-THOR sometimes flags immovable: 10 of the 94 televisions in the
# bundled metadata, standing on a dresser, table or stand like the 84 moveable ones. Their
# recorded receptacle is their support, not a trigger-volume overlap.
FREE_STANDING = frozenset({"Television"})


def _fixed(raw: dict) -> bool:
    """AI2-THOR says the object can be neither picked up nor moved (metadata without the
    flags says nothing, and keeps its receptacles), and it is not a ``FREE_STANDING`` kind."""
    return (raw.get("pickupable") is False and raw.get("moveable") is False
            and raw.get("objectType") not in FREE_STANDING)


def candidates(raw: dict, oid: str, boxes: _Boxes) -> list[int]:
    """The listed receptacles that are other objects of the scene, in listed order."""
    seen: list[int] = []
    for rid in raw.get("parentReceptacles") or []:
        j = boxes.index.get(rid) if isinstance(rid, str) else None
        if j is not None and rid != oid and j not in seen:
            seen.append(j)
    return seen


def direct_parent(i: int, listed: list[list[int]], boxes: _Boxes) -> int | None:
    """Object ``i``'s direct parent among ``listed[i]`` (module docstring, steps 2-4)."""
    cands = listed[i]
    if len(cands) <= 1:
        return cands[0] if cands else None
    tiers = ([c for c in cands if boxes.touches_top(c, i)],
             [c for c in cands if boxes.contains(c, i)],
             [c for c in cands if boxes.touches_top(c, i, HOLD_TOLERANCE)])
    cands = next((tier for tier in tiers if tier), cands)
    cands = [c for c in cands if not any(d != c and c in listed[d] for d in cands)] or cands
    h = boxes.center[i, :2]
    return min(cands, key=lambda c: (boxes.volume[c],
                                     float(np.hypot(*(boxes.center[c, :2] - h))), c))


def set_parents(out: list[dict], objs: list[dict]) -> None:
    """Fill ``parent`` and ``support`` of the converted objects ``out`` from the raw
    AI2-THOR ``objs`` (module docstring)."""
    boxes = _Boxes(out)
    listed = [candidates(raw, o["id"], boxes) for o, raw in zip(out, objs)]
    for i, (o, raw) in enumerate(zip(out, objs)):
        if _fixed(raw):
            o["support"] = "fixed"
        else:
            j = direct_parent(i, listed, boxes)
            o["parent"] = out[j]["id"] if j is not None else None
    by_id = {o["id"]: o for o in out}
    for o in out:
        cycle = _cycle_from(o, by_id)
        if cycle:
            biggest = max(cycle, key=lambda c: (float(np.prod(c["size"])), c["id"]))
            biggest["parent"] = None
    for i, o in enumerate(out):
        if o["parent"] is not None:
            j = boxes.index[o["parent"]]
            inside = out[j]["category"] in CONTAINERS and boxes.contains_centre(j, i)
            o["support"] = "in" if inside else "on"


def _cycle_from(o: dict, by_id: dict[str, dict]) -> list[dict]:
    """The parent cycle reached from ``o`` (empty if the chain ends)."""
    chain: list[dict] = []
    while o is not None and all(o is not c for c in chain):
        chain.append(o)
        o = by_id.get(o["parent"]) if o["parent"] is not None else None
    if o is None:
        return []
    return chain[next(i for i, c in enumerate(chain) if c is o):]
