"""Scene importers: other formats -> ``spdsl.scene/1`` (``spdsl scenes import``, scene sources).

===========  ==============================================  =======================
kind         INPUT                                           reference
===========  ==============================================  =======================
ai2thor      event metadata JSON (one or a list), or a       ``ai2thor:PATH``
             capture directory
sprite       SPRITE ``metainfo/N.json`` (+ camera_pose/)     ``sprite:PATH``
scannet      boxes ``.json``/``.txt`` (6 or 7 numbers),      ``scannet:PATH``
             VoteNet ``*_bbox.npy``, mmdetection3d ``.pkl``
habitat      Replica ``info_semantic.json``, Matterport3D    ``habitat:PATH``
             ``.house``
airsim       object-pose list ``.json`` (NED), or a SPRITE   ``airsim:PATH``
             AirSim episode
arkitscenes  ``*_3dod_annotation.json``                      ``arkitscenes:PATH``
mesh         ``.glb`` / ``.gltf`` / ``.obj`` / ``.ply``      ``mesh:PATH``
===========  ==============================================  =======================

``import_doc`` returns the scene document, ``import_scene`` the validated
Scene (every problem is one ``SceneError``). As references (``--scene
mesh:room.glb``) importers run with their default options; the result is
cached per file and modification time.
"""

from __future__ import annotations

import functools
import importlib
import os
from pathlib import Path

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.scenes.model import Scene

__all__ = ["KINDS", "import_doc", "import_scene", "load_imported", "register"]

# kind -> (module, function); each function takes (path, **its own options)
IMPORTERS = {
    "ai2thor": ("ai2thor", "import_ai2thor"),
    "sprite": ("sprite", "import_sprite"),
    "scannet": ("scannet", "import_scannet"),
    "habitat": ("habitat", "import_habitat"),
    "airsim": ("airsim", "import_airsim"),
    "arkitscenes": ("arkitscenes", "import_arkitscenes"),
    "mesh": ("mesh", "import_mesh"),
}
KINDS = tuple(IMPORTERS)


def register() -> None:
    """Register every kind with the scene layer, so ``KIND:PATH`` scene references load
    here (called through the ``spdsl.scene_importers`` entry point, pyproject.toml)."""
    from spatial_dsl.scenes.sources import register_importer

    for kind in KINDS:
        register_importer(kind, load_imported)


def import_doc(kind: str, path: str | os.PathLike, image_base: str | os.PathLike | None = None,
               **options) -> dict:
    """The ``spdsl.scene/1`` document of INPUT read as ``kind``.

    ``image_base``: directory the written scene file will live in, so image
    paths (AI2-THOR captures) are made relative to it; None: absolute paths.
    ``options`` are the importer's own (see each module). Options of value
    None are ignored.
    """
    options = {k: v for k, v in options.items() if v is not None}
    path = Path(path)
    if kind not in IMPORTERS:
        raise SceneError([f"unknown import format {kind!r} (known: {', '.join(KINDS)})"],
                         str(path))
    if kind == "ai2thor":
        options["image_base"] = Path(image_base) if image_base is not None else None
    elif _stat(path) is None:
        raise SceneError(["no such file or directory"], str(path)[:200])
    module, function = IMPORTERS[kind]
    importer = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return importer(path, **options)


def import_scene(kind: str, path: str | os.PathLike, **options) -> Scene:
    doc = import_doc(kind, path, **options)
    return scene_from_dict(doc, origin=str(path))


def load_imported(kind: str, path: str, ref: str | None = None) -> Scene:
    """A scene source reference ``KIND:PATH`` (default options; cached by mtime)."""
    p = Path(path)
    st = _stat(p) if path else None
    if st is None:
        shown = path if len(path) <= 120 else path[:117] + "..."
        raise SceneError([f"no such file or directory: {shown!r}"],
                         (ref or f"{kind}:{path}")[:200])
    try:
        return _cached(kind, str(p.resolve()), st.st_mtime_ns, st.st_size)
    except SceneError as e:
        raise SceneError(e.problems, f"{ref} ({e.origin})" if ref else e.origin) from None


def _stat(path: Path) -> os.stat_result | None:
    """``os.stat``, or None for a path that does not exist or cannot (a name too long
    for the file system, a NUL byte): a missing input, not an internal error."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=32)
def _cached(kind: str, resolved: str, mtime_ns: int, size: int) -> Scene:
    return import_scene(kind, resolved)
