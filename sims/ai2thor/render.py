"""The entry point of rendering recorded camera poses in AI2-THOR: ``render(PATH)``.

PATH is a scene file, a directory of scene files or a dataset made by ``spdsl generate``;
``render_scene`` renders one scene file's frames (its docstring tells how), and
``render_dataset`` a dataset's scenes and parts. This module sits above both, so neither
imports the other's caller.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from spatial_dsl.scenes.errors import SceneError

from .capture import IMAGE_FORMATS, default_controller_factory
from .render_dataset import render_dataset
from .render_scene import (
    SCENE_SUFFIX, RenderOptions, RenderReport, SceneReport, render_scene_file, teleport_pose,
)

__all__ = ["RenderOptions", "RenderReport", "SceneReport", "render", "teleport_pose"]


def render(path: str | os.PathLike, options: RenderOptions,
           controller_factory: Callable | None = None,
           log: Callable[[str], None] | None = None) -> RenderReport:
    """Render a scene file, a dataset directory or a directory of scene files."""
    if options.image_format not in IMAGE_FORMATS:
        raise SceneError([f"--image-format: one of {', '.join(IMAGE_FORMATS)}"], "render")
    path = Path(path)
    log = log or (lambda _msg: None)
    factory = controller_factory or default_controller_factory
    if path.is_dir() and (path / "config.json").is_file() and (path / "parts").is_dir():
        return render_dataset(path, options, factory, log)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.endswith(SCENE_SUFFIX))
        if not files:
            raise SceneError([f"directory has no *{SCENE_SUFFIX} files (and is no dataset "
                              "made by spdsl generate)"], str(path))
        report = RenderReport()
        for file in files:
            report.scenes.append(render_scene_file(file, options, factory, log,
                                                   single=False))
        return report
    if not path.exists():
        raise SceneError(["no such file or directory"], str(path))
    return RenderReport([render_scene_file(path, options, factory, log, single=True)])
