"""Scenes: the ``spdsl.scene/1`` file format, the in-memory ``Scene`` and scene sources.

Main entry points: ``load_scene(ref)`` (a file, ``ithor:FloorPlan1``,
``robothor:0``), ``expand_refs(refs)`` for batch commands, ``write_scene``,
and ``SceneError`` for every kind of bad input.
"""

from .errors import SceneError
from .format import dump_scene, load_scene_file, scene_from_dict, write_scene
from .model import Scene, normalise_name
from .sources import all_scene_names, expand_refs, list_scenes, load_scene

__all__ = [
    "Scene",
    "SceneError",
    "all_scene_names",
    "dump_scene",
    "expand_refs",
    "list_scenes",
    "load_scene",
    "load_scene_file",
    "normalise_name",
    "scene_from_dict",
    "write_scene",
]
