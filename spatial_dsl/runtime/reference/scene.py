"""What every reference builtin works on: the scene as plain Python lists (``RefScene``),
the ``Ctx`` a builtin receives, the rejection exception, the ``REFERENCES`` registry and
small per-element helpers (points, boxes, members).
"""

from __future__ import annotations

from dataclasses import dataclass

from spatial_dsl.errors import SpdslError
from spatial_dsl.lang import types as T
from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang.source import Span
from spatial_dsl.runtime import refgeom as RG
from spatial_dsl.runtime.values import Rejection
from spatial_dsl.scenes.model import Scene
from spatial_dsl.tolerances import CLEAR_FRACTION, CLEAR_PIXELS, SCREEN_NEAR, VISIBLE_FRACTION

BETWEEN_DEGENERATE = 1e-3  # m: ends of `between` closer than this coincide


class RefRejection(SpdslError):
    def __init__(self, kind: str, message: str, span: Span):
        super().__init__(f"{kind}: {message}")
        self.rejection = Rejection(kind, message, span)


class _Room:
    def __repr__(self) -> str:
        return "ROOM"


ROOM = _Room()

_IDENTITY = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
_ZERO = (0.0, 0.0, 0.0)


# ------------------------------------------------------------------- the scene


class RefScene:
    """The scene as plain Python lists (read from the arrays once)."""

    def __init__(self, scene: Scene):
        self.n = scene.n
        self.ids = list(scene.ids)
        self.categories = list(scene.categories)
        self.labels = list(scene.labels)
        self.center = [tuple(c) for c in scene.center.tolist()]
        self.size = [tuple(s) for s in scene.size.tolist()]
        self.R = scene.R.tolist()
        for name in ("top", "bottom", "length", "width", "longest", "volume", "footprint",
                     "yaw"):
            setattr(self, name, getattr(scene, name).tolist())
        self.parent = scene.parent.tolist()
        self.support = scene.support.tolist()
        f = scene.frames
        self.frame_count = f.count
        self.frame_index = f.index.tolist()
        self.frame_time = f.time.tolist()
        self.frame_position = [tuple(p) for p in f.position.tolist()]
        self.frame_R = f.R.tolist()
        self.frame_intrinsics = [tuple(map(float, k)) for k in zip(
            f.fx.tolist(), f.fy.tolist(), f.cx.tolist(), f.cy.tolist(), f.width.tolist(),
            f.height.tolist())]
        # fractions[f] = {object row: recorded visible fraction} of frame row f (the file's
        # pairs); visible[f] = the object rows frame row f shows (fraction >= 0.1)
        self.fractions: list[dict[int, float]] = [{} for _ in range(f.count)]
        for frame, obj, fraction in zip(*(a.tolist() for a in f.visible.pairs())):
            self.fractions[frame][obj] = fraction
        self.visible = [{o for o, v in row.items() if v >= VISIBLE_FRACTION}
                        for row in self.fractions]
        room = scene.room
        self.room = {"area": float(room.area), "length": float(room.length),
                     "width": float(room.width), "height": float(room.height)}

    def screen_size(self, o: int, f: int) -> float:
        """`screen_size(o, f)`, computed from the box's centre, axes and extents."""
        return RG.screen_size(self.center[o], self.R[o], self.size[o], self.frame_position[f],
                              self.frame_R[f], *self.frame_intrinsics[f], SCREEN_NEAR)

    def clearly_visible(self, o: int, f: int) -> bool:
        return (self.fractions[f].get(o, 0.0) >= CLEAR_FRACTION
                and self.screen_size(o, f) >= CLEAR_PIXELS)

    def seen_frames(self, o: int) -> list[int]:
        """Rows of the frames in which object ``o`` is visible, in order."""
        return [f for f in range(self.frame_count) if o in self.visible[f]]


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def _find(scene: RefScene, name: str) -> frozenset:
    key = _normalise(name)
    return frozenset(i for i in range(scene.n)
                     if key in (_normalise(scene.categories[i]), _normalise(scene.labels[i])))


# ------------------------------------------------------------------ contexts


@dataclass
class Ctx:
    """What a reference builtin sees: the scene, the call's span and result type."""

    scene: RefScene
    span: Span
    result_type: T.Type | None = None
    looked_for: str = ""  # the first argument as written, for messages

    def reject(self, kind: str, message: str):
        raise RefRejection(kind, message, self.span)

    def need_frames(self) -> None:
        if self.scene.frame_count == 0:
            self.reject(RejectionKind.NO_FRAMES, "the scene has no frames")


REFERENCES: dict[tuple[str, int], object] = {}
REFERENCE_ATTRIBUTES: dict[tuple[T.Type, str], object] = {}


def ref(name: str, overload: int = 0):
    def register(fn):
        REFERENCES[(name, overload)] = fn
        return fn
    return register


# --------------------------------------------------------------- small helpers


def _sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _is_object(v) -> bool:
    return not isinstance(v, tuple)


def _point(s: RefScene, v):
    return s.center[v] if _is_object(v) else v


def _box(s: RefScene, v):
    if _is_object(v):
        return s.center[v], s.R[v], s.size[v]
    return v, _IDENTITY, _ZERO


def _bottom(s: RefScene, v):
    return s.bottom[v] if _is_object(v) else v[2]


def _top(s: RefScene, v):
    return s.top[v] if _is_object(v) else v[2]


def _volume(s: RefScene, v):
    return s.volume[v] if _is_object(v) else 0.0


def _members(S: frozenset) -> list[int]:
    return sorted(S)
