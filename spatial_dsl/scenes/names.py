"""The scene's category and label names, for E-SCENE-NAME in the checker."""

from __future__ import annotations

import difflib
import functools

from .model import Scene, normalise_name


class SceneNameTable:
    """Answers the checker's two questions about a scene: is this a name, what is close."""

    def __init__(self, scene: Scene):
        self.scene = scene

    @functools.cached_property
    def names(self) -> list[str]:  # only needed for suggestions
        return sorted(set(self.scene.categories) | set(self.scene.labels))

    def has_name(self, name: str) -> bool:
        return normalise_name(name) in self.scene.name_index

    def suggest_names(self, name: str) -> list[str]:
        by_key = {normalise_name(n): n for n in self.names}
        close = difflib.get_close_matches(normalise_name(name), list(by_key), n=3, cutoff=0.6)
        return [by_key[c] for c in close]


def scene_names_for(ref: str) -> SceneNameTable:
    from .sources import load_scene

    return SceneNameTable(load_scene(ref))
