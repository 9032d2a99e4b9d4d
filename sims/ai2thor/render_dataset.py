"""Render every scene of a ``spdsl generate`` output directory (see ``render``).

For each finished scene (``OUT/parts/NNNNN.json``; its scene file is
``OUT/<part.scene_file>``) the frames are rendered into
``OUT/scenes/<stem>.frames/`` and the scene file, the part's ``images`` map and
the scene's marker are re-committed together (``OutputDir.commit``: scene,
part, then marker, each atomically), so the directory stays one that
``spdsl generate`` resumes from: a rerun with the same arguments finds every
scene done and only rewrites the data file.

The data file is rewritten from the parts on disk (``datasets.assemble``, the
same code ``spdsl generate`` ends with, with the task list and skipped tasks
that ``stats.json`` recorded), so its bytes are those a rerun of
``spdsl generate`` would write: records whose frames had no image and pointed
at ``scenes/X.scene.json#frame=N`` now name the rendered file. If the
generate run has not finished (some scene has no marker, or there is no
``stats.json``), the scenes are still rendered but the data file is left for
that rerun to write.
"""

from __future__ import annotations

import json
from pathlib import Path

from spatial_dsl.datasets import (
    CONFIG_FILE,
    DATA_FILES,
    STATS_FILE,
    OutputDir,
    assemble,
    write_stats,
)
from spatial_dsl.scenes.errors import SceneError

from .render_scene import RenderReport, SceneReport, read_scene, render_doc, scene_text

__all__ = ["render_dataset"]


def render_dataset(root: Path, options, factory, log) -> RenderReport:
    config = _read_json(root / CONFIG_FILE, "config.json")
    if not isinstance(config, dict) or "spdsl_generate" not in config:
        raise SceneError(["config.json was not written by spdsl generate"], str(root))
    out = OutputDir(root)
    report = RenderReport()
    parts = sorted(out.parts.glob("[0-9]*.json"))
    if not parts:
        raise SceneError(["the dataset has no finished scenes (parts/ is empty): run "
                          "spdsl generate first"], str(root))
    for part_path in parts:
        report.scenes.append(_render_part(out, part_path, options, factory, log))
    report.data_file = _refresh_data(out, config, report, log)
    return report


def _render_part(out: OutputDir, part_path: Path, options, factory, log) -> SceneReport:
    part = _read_json(part_path, part_path.name)
    scene_file = part.get("scene_file") if isinstance(part, dict) else None
    position = part.get("position") if isinstance(part, dict) else None
    if not isinstance(scene_file, str) or not isinstance(position, int):
        raise SceneError([f"{part_path.name}: not a part written by spdsl generate"],
                         str(out.root))
    path = out.root / scene_file
    try:
        doc, scene = read_scene(path)
        new_doc, report = render_doc(doc, scene, path, options, factory, log)
    except SceneError as e:
        log(f"{scene_file}: skipped: {e.problems[0]}")
        return SceneReport(path, skipped="; ".join(e.problems))
    images = {str(int(i)): img for i, img in zip(scene.frames.index, scene.frames.image)
              if img is not None}
    if new_doc is not None:
        images.update({str(f["index"]): f["image"] for f in new_doc.get("frames") or []
                       if isinstance(f, dict) and f.get("image")})
    text = scene_text(new_doc) if new_doc is not None else None
    if text is None and part.get("images", {}) == images and out.is_done(position, scene_file):
        return report  # nothing new, and the marker already matches
    part = dict(part)
    if images:
        part["images"] = images
    out.commit(position, scene_file, text or path.read_text(encoding="utf-8"), part)
    return report


def _refresh_data(out: OutputDir, config: dict, report: RenderReport, log) -> Path | None:
    """Rewrite the data file from the parts, when the generate run had finished."""
    positions = list(range(len(config.get("scenes") or [])))
    unfinished = [p for p in positions if not out.marker_path(p).is_file()]
    stats_path = out.root / STATS_FILE
    if unfinished or not stats_path.is_file():
        note = ("the data file was not rewritten: the generate run has not finished "
                f"({len(unfinished)} scene(s) to go); rerun spdsl generate with the same "
                "arguments (it resumes) to write it with the rendered images")
        report.notes.append(note)
        log(note)
        return None
    old = _read_json(stats_path, STATS_FILE)
    if not isinstance(old, dict) or not isinstance(old.get("tasks"), dict):
        note = f"the data file was not rewritten: {STATS_FILE} has no task list"
        report.notes.append(note)
        log(note)
        return None
    tasks = [{"name": name, "file": t.get("file"), "modality": t.get("modality"),
              "answer_type": t.get("answer_type")} for name, t in old["tasks"].items()]
    stats, _ = assemble(out, positions, tasks, config["seed"], config["format"],
                        config.get("max_share"), old.get("skipped_tasks", {}))
    if "run" in old:
        stats["run"] = old["run"]
    write_stats(out, stats)
    return out.root / DATA_FILES[config["format"]]


def _read_json(path: Path, what: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SceneError([f"cannot read {what}: {e.strerror or e}"], str(path)) from None
    except ValueError as e:
        raise SceneError([f"{what} is not valid JSON ({e})"], str(path)) from None
