"""Landmarks: the objects ``the(NAME)`` selects on their own (their names and
renderings), and, for a chained round, the objects referenced in the round before."""

from __future__ import annotations

from spatial_dsl.lang import build as b
from ..names import natural_name
from ..scenes.model import Scene, normalise_name
from .model import STRUCTURAL, Reference, _Landmark, _order


def _chain_landmarks(scene: Scene, proved: dict[int, list[Reference]],
                     fresh: set[int]) -> dict[int, _Landmark]:
    """Objects first referenced in the last round, as landmarks by their simplest
    allocentric reference (a view reference holds in one frame only)."""
    out = {}
    for i in sorted(fresh):
        refs = sorted((r for r in proved[i] if r.kind != "view"), key=_order)
        if refs:
            out[i] = _Landmark(refs[0].expr, refs[0].text, chained=True)
    return out


def _unique_names(scene: Scene) -> dict[int, tuple[str, str]]:
    """Object index -> (name ``the(name)`` selects it by, rendering) for unique objects."""
    out: dict[int, tuple[str, str]] = {}
    for i in range(scene.n):
        category = scene.categories[i]
        mask = scene.name_index.get(normalise_name(category))
        if mask is not None and mask.sum() == 1 and mask[i]:
            out[i] = (category, "the " + natural_name(category))
            continue
        if scene.has_label[i]:
            label = scene.labels[i]
            mask = scene.name_index.get(normalise_name(label))
            if mask is not None and mask.sum() == 1 and mask[i]:
                out[i] = (label, _with_article(label))
    return out


def _unique_landmarks(scene: Scene) -> dict[int, _Landmark]:
    """The objects ``the(NAME)`` selects on their own, minus structural ones."""
    out = {}
    for i, (name, text) in _unique_names(scene).items():
        if STRUCTURAL.isdisjoint({normalise_name(scene.categories[i]), normalise_name(name)}):
            out[i] = _Landmark(b.call("the", b.string(name)), text)
    return out


def _with_article(label: str) -> str:
    lowered = label.casefold()
    return label if lowered.startswith(("the ", "a ", "an ")) else "the " + label
