"""The scene's category and label names, for E-SCENE-NAME in the checker."""

from __future__ import annotations

import difflib

from .model import Scene, normalise_name


class SceneNameTable:
    """Answers the checker's two questions about a scene: is this a name, what is close."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self.names = sorted(set(scene.categories) | set(scene.labels))
        self._by_key = {normalise_name(n): n for n in self.names}
        self._keys = list(self._by_key)
        self._memo: dict[str, list[str]] = {}

    def has_name(self, name: str) -> bool:
        return normalise_name(name) in self.scene.name_index

    def suggest_names(self, name: str) -> list[str]:
        """Up to 3 close names (difflib compares with every name of the scene: the checker
        asks for a bounded number of suggestions per program)."""
        key = normalise_name(name)
        if key not in self._memo:
            close = difflib.get_close_matches(key, self._keys, n=3, cutoff=0.6)
            self._memo[key] = [self._by_key[c] for c in close]
        return self._memo[key]


def scene_names_for(ref: str) -> SceneNameTable:
    from .sources import load_scene

    return SceneNameTable(load_scene(ref))
