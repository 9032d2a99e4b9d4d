"""Scene importers: other formats -> ``spdsl.scene/1`` (``spdsl scenes import``, scene sources).

=========  ============================================  ==========================
kind       INPUT                                         reference
=========  ============================================  ==========================
ai2thor    event metadata JSON (one or a list), or a     ``ai2thor:PATH``
           capture directory
sprite     SPRITE ``metainfo/N.json`` (+ camera_pose/)   ``sprite:PATH``
scannet    boxes ``.json`` or ``.txt``                   ``scannet:PATH``
mesh       ``.glb`` / ``.gltf`` / ``.obj`` / ``.ply``    ``mesh:PATH``
=========  ============================================  ==========================

``import_doc`` returns the scene document, ``import_scene`` the validated
Scene (every problem is one ``SceneError``). As references (``--scene
mesh:room.glb``) importers run with their default options; the result is
cached per file and modification time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.scenes.model import Scene

__all__ = ["KINDS", "import_doc", "import_scene", "load_imported"]

KINDS = ("ai2thor", "sprite", "scannet", "mesh")


def import_doc(kind: str, path: str | os.PathLike, image_base: str | os.PathLike | None = None,
               **options) -> dict:
    """The ``spdsl.scene/1`` document of INPUT read as ``kind``.

    ``image_base``: directory the written scene file will live in, so image
    paths (AI2-THOR captures) are made relative to it; None: absolute paths.
    ``options`` are the importer's own (``up``/``name`` for meshes;
    ``episode``/``handedness``/``width``/``height``/``hfov_deg`` for SPRITE).
    Options of value None are ignored.
    """
    options = {k: v for k, v in options.items() if v is not None}
    path = Path(path)
    base = Path(image_base) if image_base is not None else None
    if kind == "ai2thor":
        from .ai2thor import import_ai2thor

        return import_ai2thor(path, image_base=base, **options)
    if not path.exists():
        raise SceneError(["no such file or directory"], str(path))
    if kind == "sprite":
        from .sprite import import_sprite

        return import_sprite(path, **options)
    if kind == "scannet":
        from .scannet import import_scannet

        return import_scannet(path, **options)
    if kind == "mesh":
        from .mesh import import_mesh

        return import_mesh(path, **options)
    raise SceneError([f"unknown import format {kind!r} (known: {', '.join(KINDS)})"], str(path))


def import_scene(kind: str, path: str | os.PathLike, **options) -> Scene:
    doc = import_doc(kind, path, **options)
    return scene_from_dict(doc, origin=str(path))


def load_imported(kind: str, path: str, ref: str | None = None) -> Scene:
    """A scene source reference ``KIND:PATH`` (default options; cached by mtime)."""
    p = Path(path)
    if not path or not p.exists():
        raise SceneError([f"no such file or directory: {path!r}"], ref or f"{kind}:{path}")
    st = p.stat()
    try:
        return _cached(kind, str(p.resolve()), st.st_mtime_ns, st.st_size)
    except SceneError as e:
        raise SceneError(e.problems, f"{ref} ({e.origin})" if ref else e.origin) from None


@functools.lru_cache(maxsize=32)
def _cached(kind: str, resolved: str, mtime_ns: int, size: int) -> Scene:
    return import_scene(kind, resolved)
