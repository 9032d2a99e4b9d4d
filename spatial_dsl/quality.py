"""What an item names, and whether a reader can see it (synthesis.md "What a good item is").

Shared by the template engine (which drops items that fail) and ``spdsl audit`` (which
reports them), so both hold items to one rule:

- **Named objects.** An item names the objects of its parameters (object ids; a category
  that occurs once names its object), the landmarks of its references (every
  ``the("Name")`` in the program that selects one object: "the chair nearest the
  *window*"), and the objects of its answer and choices.
- **Clearly visible.** An image item's named objects must be clearly visible in its frame
  (``clearly_visible``: fraction >= 0.3 and >= 32 px); a video item's in at least one
  frame (``clearly_seen``). One exception: when the answer itself is about what the image
  shows (its expression calls ``visible``, ``clearly_visible``, ``visibility``,
  ``in_view``, ``co_visible``, ``seen`` or ``clearly_seen``, as in "are the sofa and the
  lamp both in this image?"), a named object may also be entirely out of the image
  (fraction 0), never partly in it.
- **An object and its own part.** AI2-THOR records a sink's basin and a bathtub's basin
  as objects of their own whose id extends the whole's (``Sink|...`` and
  ``Sink|...|SinkBasin``). A question about an object and its own part ("which object is
  closest to the sink?" -> "sink basin") asks about one physical thing twice.
- **CamelCase labels.** An answer or a choice that writes a category in code style
  (``CounterTop``, ``Vase``) where its natural name (``countertop``, ``vase``) exists.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable

import numpy as np

from spatial_dsl.lang import ast
from .names import natural_name
from .scenes.model import NameIndex, Scene, normalise_name
from .scenes.visibility import Visibility

__all__ = ["ABOUT_VISIBILITY", "about_visibility", "answers_about_visibility", "camelcase_labels",
           "landmarks", "the_names", "unclear", "unclear_rows"]

ABOUT_VISIBILITY = ("visible", "clearly_visible", "visibility", "in_view", "co_visible", "seen",
                    "clearly_seen")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def about_visibility(answer: ast.Expr) -> bool:
    """Whether an answer expression asks what a frame shows (see the module doc)."""
    return any(isinstance(node, ast.Call) and node.func in ABOUT_VISIBILITY
               for node in ast.walk(answer))


def answers_about_visibility(program: ast.Program | None) -> bool:
    """Whether a program's answer (its last ``answer`` statement) asks what a frame shows:
    then an object it names may be absent from its frame (``unclear``'s ``absent_ok``)."""
    answers = [s.value for s in program.statements if isinstance(s, ast.Answer)] \
        if program is not None else []
    return bool(answers) and about_visibility(answers[-1])


def the_names(node: ast.Node) -> list[str]:
    """The names a program or expression selects one object by, ``the("Name")``, in
    source order (repeats kept)."""
    return [n.args[0].value for n in ast.walk(node)
            if isinstance(n, ast.Call) and n.func == "the" and len(n.args) == 1
            and isinstance(n.args[0], ast.String)]


def one_object(scene: Scene, name: str) -> int | None:
    """The row of the single object ``find(name)`` selects, else None."""
    key, index = normalise_name(name), scene.name_index
    if isinstance(index, NameIndex):  # its member rows, without making the (N,) mask
        rows = index.members(key) if key in index else ()
        return int(rows[0]) if len(rows) == 1 else None
    mask = index.get(key)
    if mask is None or int(mask.sum()) != 1:
        return None
    return int(np.flatnonzero(mask)[0])


def landmarks(scene: Scene, program: ast.Node) -> list[int]:
    """Rows of the objects a program (or an expression) selects by ``the("Name")``, in
    order, no repeats."""
    rows: list[int] = []
    for name in the_names(program):
        row = one_object(scene, name)
        if row is not None and row not in rows:
            rows.append(row)
    return rows


def part_and_whole(scene: Scene, asked: Iterable[int],
                   answered: Iterable[int] = ()) -> tuple[int, int] | None:
    """(part row, whole row) of two objects an item names of which one is a part of the
    other (its id is the other's id followed by ``|``), else None. ``asked``: the objects
    the question names; ``answered``: the answer's. Two answer objects may be part and
    whole (a list of what lies near the mirror holds the sink and its basin)."""
    asked = {int(r) for r in asked if r >= 0}
    rows = asked | {int(r) for r in answered if r >= 0}
    if len(rows & _parts_and_wholes(scene)) < 2:
        return None  # (most items: no object of the scene has a part, or none is named)
    for part in rows:
        for whole in rows:
            if (part in asked or whole in asked) and \
                    scene.ids[part].startswith(scene.ids[whole] + "|"):
                return part, whole
    return None


def _parts_and_wholes(scene: Scene) -> frozenset[int]:
    """The rows of the objects that are a part of another object or have one (an id
    that is another's followed by ``|``), found once per scene: a part's id is its
    whole's id cut at one of its own ``|``."""
    found = _PARTS.get(scene)
    if found is None:
        rows: dict[str, list[int]] = {}
        for row, oid in enumerate(scene.ids):
            rows.setdefault(oid, []).append(row)
        related: set[int] = set()
        for row, oid in enumerate(scene.ids):
            for cut in (i for i, c in enumerate(oid) if c == "|"):
                if oid[:cut] in rows:
                    related.add(row)
                    related.update(rows[oid[:cut]])
        found = _PARTS[scene] = frozenset(related)
    return found


def named_rows(scene: Scene, program: ast.Node | None, ids: Iterable[str]) -> list[int]:
    """Rows of the objects an item names besides its parameters: those its program selects
    by ``the("Name")`` and those of ``ids`` (its answer's and choices' object ids), in
    order, no repeats -- what must be clearly visible in an image or video item."""
    rows = landmarks(scene, program) if program is not None else []
    index = {oid: i for i, oid in enumerate(scene.ids)}
    rows += [index[oid] for oid in ids if oid in index]
    return list(dict.fromkeys(rows))


_PARTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _clear(scene: Scene):
    """The clearly visible (frame, object) pairs (a sparse ``Visibility``)."""
    from .runtime.kernels import _clear_pairs  # the runtime's (it imports much)

    return _clear_pairs(scene)


def unclear(scene: Scene, rows: Iterable[int], modality: str, frame_row: int | None,
            absent_ok: bool = False) -> list[tuple[int, str]]:
    """(row, why) of the named objects a reader cannot see clearly enough.

    ``modality`` "image" checks frame ``frame_row``; "video" any frame; "scene" nothing.
    ``absent_ok``: an image item's object may be entirely out of the frame (fraction 0)."""
    hidden = unclear_rows(scene, rows, modality, frame_row, absent_ok)
    if modality == "video":
        return [(row, _why_never(scene, row)) for row in hidden]
    return [(row, _why(scene, row, frame_row, _shown_in(scene.frames.visible, frame_row)
                       .get(row, 0.0))) for row in hidden]


def unclear_rows(scene: Scene, rows: Iterable[int], modality: str, frame_row: int | None,
                 absent_ok: bool = False) -> list[int]:
    """The rows of ``unclear``, without saying why (what the template engine asks of
    every candidate item: most are clear, and a why costs a screen projection)."""
    if modality not in ("image", "video") or scene.frames.count == 0:
        return []
    named = list(dict.fromkeys(int(r) for r in rows))
    if modality == "video":
        ever = _clear_ever(scene)
        return [row for row in named if not ever[row]]
    if frame_row is None:
        return []
    clear = _shown_in(_clear(scene), frame_row)
    recorded = _shown_in(scene.frames.visible, frame_row)
    return [row for row in named if not clear.get(row, 0.0) > 0
            and not (absent_ok and recorded.get(row, 0.0) == 0)]


# Per visibility table (recorded, clear), frame row -> {object row: fraction}: an image
# item looks up its few named objects in its one frame, and a scene's items share a few
# dozen frames, so each frame's pairs are made a dict once.
_FRAME_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _shown_in(visibility: Visibility, frame_row: int) -> dict[int, float]:
    """Object row -> fraction recorded in ``visibility`` for frame row ``frame_row`` (an
    object absent from the dict has fraction 0, as ``Visibility.fraction`` says)."""
    per_frame = _FRAME_TABLES.get(visibility)
    if per_frame is None:
        per_frame = _FRAME_TABLES[visibility] = {}
    found = per_frame.get(frame_row)
    if found is None:
        objects, fractions = visibility.row(frame_row)
        found = per_frame[frame_row] = dict(zip(objects.tolist(), fractions.tolist()))
    return found


def _clear_ever(scene: Scene) -> np.ndarray:
    """(N,) bool: the objects clearly visible in at least one frame (kept per table)."""
    clear = _clear(scene)
    found = _CLEAR_EVER.get(clear)
    if found is None:
        found = _CLEAR_EVER[clear] = clear.frame_counts() > 0
    return found


_CLEAR_EVER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _why_never(scene: Scene, row: int) -> str:
    recorded = scene.frames.visible
    best = float(recorded.fraction(row, recorded.frames_of(row)).max(initial=0.0))
    return "never visible" if best == 0 else \
        f"never clearly visible (at most {best:.0%} visible or under 32 px)"


def _why(scene: Scene, row: int, frame_row: int, fraction: float) -> str:
    from .runtime.kernels import _screen_sizes

    pixels = float(_screen_sizes(scene, np.array([row]), np.array([frame_row]))[0])
    index = int(scene.frames.index[frame_row])
    if fraction == 0:
        return f"not in frame {index}"
    return f"{fraction:.0%} visible, {pixels:.0f} px in frame {index}"


def camelcase_labels(scene: Scene, text: str) -> list[str]:
    """Code-style category or label names written in ``text`` whose natural name differs
    (``CounterTop`` -> "countertop"), in order of appearance, no repeats."""
    names = set(scene.categories) | set(scene.labels)
    found = []
    for word in _WORD.findall(text):
        if word in names and word != natural_name(word) and word not in found:
            found.append(word)
    return found
