"""The scene's category and label names, for E-SCENE-NAME in the checker."""

from __future__ import annotations

import difflib
import functools

from .model import Scene, normalise_name


class SceneNameTable:
    """Answers the checker's two questions about a scene: is this a name, what is close."""

    def __init__(self, scene: Scene):
        self.scene = scene
        self._memo: dict[str, list[str]] = {}

    @functools.cached_property
    def names(self) -> list[str]:  # only needed for suggestions
        return sorted(set(self.scene.categories) | set(self.scene.labels))

    @functools.cached_property
    def _by_key(self) -> dict[str, str]:
        return {normalise_name(n): n for n in self.names}

    @functools.cached_property
    def _keys(self) -> list[str]:
        return list(self._by_key)

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
