"""The kernel registry (``KERNELS``, ``ATTRIBUTE_KERNELS`` and their decorators), the
``Call`` every kernel receives, the numeric range checks on results, and the helpers that
read a scene's arrays (points, boxes, name masks) shared by all kernels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import threading

import numpy as np

from spatial_dsl.lang import types as T
from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang.source import Span
from spatial_dsl.runtime import geometry as G
from spatial_dsl.runtime.values import Abort, Rows, stack_elements
from spatial_dsl.scenes.model import Scene, normalise_name
from spatial_dsl.scenes.visibility import Visibility
from spatial_dsl.tolerances import CLEAR_FRACTION, CLEAR_PIXELS, SCREEN_NEAR

KERNELS: dict[tuple[str, int], object] = {}
ATTRIBUTE_KERNELS: dict[tuple[T.Type, str], object] = {}

# What a kernel charges the step budget itself, per row of its batch, at most (on top of
# the evaluator's one step per node and row): nothing (most kernels), one step per object
# of the scene (a (B, N) mask), one per camera frame, or an amount no bound is known for
# before the call (the length of a list argument). ``runtime/tables.py`` bounds the steps
# of a whole expression with it; a test checks that every kernel that charges says so.
CHARGES_NOTHING = "nothing"
CHARGES_PER_OBJECT = "per object"
CHARGES_PER_FRAME = "per frame"
CHARGES_UNBOUNDED = "unbounded"
KERNEL_CHARGES: dict[tuple[str, int], str] = {}

DEGENERATE = 1e-3  # m: shorter displacements have no direction


def kernel(name: str, overload: int = 0, charges: str = CHARGES_NOTHING):
    def register(fn):
        KERNELS[(name, overload)] = fn
        KERNEL_CHARGES[(name, overload)] = charges
        return fn
    return register


def attribute(owner: T.Type, name: str):
    def register(fn):
        ATTRIBUTE_KERNELS[(owner, name)] = fn
        return fn
    return register


@dataclass
class Call:
    scene: Scene
    rows: Rows
    span: Span
    size: int
    budget: object
    result_type: T.Type | None = None
    looked_for: str = ""  # the source text of the first argument, for messages
    # A batch of worlds (runtime/worlds.py): each row's world, and objects per world.
    world: np.ndarray | None = None
    per_world: int = 0

    def own_world(self, masks: np.ndarray) -> np.ndarray:
        """Object sets made from the whole scene, cut to each row's own world."""
        if self.world is None:  # one world: every set is its own
            return masks
        from ..worlds import restrict

        return restrict(masks, self.world, self.per_world)

    def reject(self, mask, kind: str, message) -> None:
        self.rows.record(mask, kind, message, self.span)

    def abort(self, kind: str, message: str):
        self.rows.record(True, kind, message, self.span)
        raise Abort()

    def report(self, lambda_rows: Rows) -> bool:
        """Pass the first rejection inside a lambda to this call's row; True if there was one."""
        first = lambda_rows.first()
        if first is not None:
            self.rows.record(True, first.kind, first.message, first.span)
        return first is not None

    def charge_masks(self, rows: int) -> None:
        """Charge the making of ``rows`` Objects masks of N elements each."""
        self.budget.charge(rows * self.scene.n, self.span)

    def frames(self):
        if self.scene.frames.count == 0:
            self.abort(RejectionKind.NO_FRAMES, "the scene has no frames")
        return self.scene.frames


# ------------------------------------------------------------- numeric range

INT_LIMIT = 2**63 - 1


MAX_COORDINATE = 1e9  # m: the bound scenes are validated against (scenes/_validate.py)


def in_range(k: Call, value):
    """Reject rows whose number is out of range (`Degenerate`): a non-finite Number, or a
    Vec3 with a component that is not finite or beyond ``MAX_COORDINATE`` (geometry on such
    a point would overflow). Int results are checked exactly where they are made (see
    ``_int_result``)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim == 0:
        return value
    ok = np.isfinite(value)
    if value.ndim == 2:  # a Vec3 batch (B, 3); Objects masks are bool, never float
        ok &= np.abs(np.where(ok, value, 0.0)) <= MAX_COORDINATE
    rows_ok = ok.reshape(value.shape[0], -1).all(axis=1)
    if rows_ok.all():
        return value
    message = ("the result is not a finite number" if value.ndim == 1 else
               "a point farther than 1e9 m along an axis, or not finite")
    k.reject(~rows_ok, RejectionKind.DEGENERATE, message)
    return np.where(ok, value, 0.0)


def _int_result(k: Call, exact, approx: np.ndarray, result: np.ndarray) -> np.ndarray:
    """int64 arithmetic wraps silently: where the float estimate is near the limit, redo
    the rows with Python integers and reject those beyond 64 bits."""
    risky = np.flatnonzero(np.abs(np.atleast_1d(approx)) > 2.0**62)
    if len(risky) == 0:
        return result
    bad = np.zeros(len(np.atleast_1d(result)), dtype=bool)
    for r in risky:
        bad[r] = abs(exact(int(r))) > INT_LIMIT
    k.reject(bad, RejectionKind.DEGENERATE, "the integer result is out of range")
    return np.where(bad, 0, result)


# ------------------------------------------------------------------ scene data


@lru_cache(maxsize=256)
def _strings(scene: Scene, field: str) -> np.ndarray:
    return stack_elements(T.STR, list(getattr(scene, field)))


def _screen_sizes(scene: Scene, o: np.ndarray, f: np.ndarray) -> np.ndarray:
    """`screen_size` of objects ``o`` in frame rows ``f`` (broadcast against each other)."""
    fr = scene.frames
    return np.asarray(G.screen_size(scene.corners[o], fr.position[f], fr.R[f], fr.fx[f],
                                    fr.fy[f], fr.cx[f], fr.cy[f], fr.width[f], fr.height[f],
                                    SCREEN_NEAR), dtype=float).reshape(-1)


@lru_cache(maxsize=256)
def _clear_pairs(scene: Scene) -> Visibility:
    """The clearly visible (frame, object) pairs, sparse like the recorded ones. The
    screen size is only computed where the visible fraction already passes."""
    frames, objects, fractions = scene.frames.visible.pairs()
    keep = np.flatnonzero(fractions >= CLEAR_FRACTION)
    if len(keep):
        keep = keep[_screen_sizes(scene, objects[keep], frames[keep]) >= CLEAR_PIXELS]
    return Visibility.from_pairs(scene.frames.count, scene.n, frames[keep], objects[keep],
                                 fractions[keep])


def point_of(scene: Scene, v: np.ndarray) -> np.ndarray:
    """An Object (index array) as its centre, a Vec3 as itself."""
    return scene.center[v] if v.ndim == 1 else v


def box_of(scene: Scene, v: np.ndarray):
    """(centre, R, size, upright) of an Object; a Vec3 is a box of size zero."""
    if v.ndim == 1:
        return scene.center[v], scene.R[v], scene.size[v], scene.upright[v]
    rows = v.shape[0]
    return v, np.broadcast_to(np.eye(3), (rows, 3, 3)), np.zeros((rows, 3)), np.ones(rows, bool)


def _z_range(scene: Scene, v: np.ndarray):
    if v.ndim == 1:
        return scene.bottom[v], scene.top[v]
    return v[:, 2], v[:, 2]


def _volume(scene: Scene, v: np.ndarray):
    return scene.volume[v] if v.ndim == 1 else np.zeros(v.shape[0])


class _FindTable:
    """The masks `find` has made on one scene, one row per distinct name as written: a
    batch of thousands of rows asks for the same few names again and again. Per name it
    also keeps what `the` and `count` read of its mask (members, first member)."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.codes: dict = {}
        self.masks = np.zeros((0, scene.n), dtype=bool)
        self.counts = np.zeros(0, dtype=np.int64)
        self.firsts = np.zeros(0, dtype=np.int64)
        # `spdsl synth` runs units in threads over one Scene: two names added at once gave
        # one of them a row past the end of `counts` (IndexError in the(name))
        self._lock = threading.Lock()

    def code(self, name) -> int:
        code = self.codes.get(name)
        if code is not None:
            return code
        with self._lock:
            code = self.codes.get(name)
            if code is None:
                mask = self.scene.name_index.get(normalise_name(str(name)))
                row = np.zeros((1, self.scene.n), dtype=bool) if mask is None else mask[None]
                self.masks = np.concatenate([self.masks, row])
                self.counts = np.append(self.counts, row.sum(axis=-1))
                self.firsts = np.append(self.firsts, row.argmax(axis=-1))
                # published last: a reader that finds the code finds its rows
                code = self.codes[name] = len(self.masks) - 1
        return code


@lru_cache(maxsize=256)
def _find_table(scene: Scene) -> _FindTable:
    return _FindTable(scene)


def find_codes(scene: Scene, names: np.ndarray) -> tuple[_FindTable, np.ndarray]:
    """The scene's find table and each name's row in it."""
    table = _find_table(scene)
    names = np.asarray(names, dtype=object).reshape(-1).tolist()
    codes = list(map(table.codes.get, names))  # a dict lookup per row, in C
    if None in codes:
        codes = [table.code(name) for name in names]
    return table, np.array(codes, dtype=np.intp)


def find_mask(scene: Scene, names: np.ndarray) -> np.ndarray:
    table, codes = find_codes(scene, names)
    return table.masks[codes]


def list_to_mask(scene: Scene, lists: list) -> np.ndarray:
    masks = np.zeros((len(lists), scene.n), dtype=bool)
    for r, members in enumerate(lists):
        masks[r, list(members)] = True
    return masks


def _rows(*arrays) -> int:
    return max(np.shape(a)[0] if np.ndim(a) else 1 for a in arrays)


def _pick(masks: np.ndarray, index: np.ndarray) -> np.ndarray:
    size = _rows(masks, index)
    masks = np.broadcast_to(masks, (size, masks.shape[-1]))
    return masks[np.arange(size), np.broadcast_to(index, (size,))]


# ---------------------------------------------------------------- scene values
