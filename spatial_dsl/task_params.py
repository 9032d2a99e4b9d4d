"""One binding of a task template on a scene: ``spdsl run TASK.sp --params a=Fridge,b=Sink``.

The program that runs is the item program ``spdsl generate`` writes for that
binding on that scene (the same paraphrase of the question for the same
``--seed``, the same ``let`` per parameter), so ``run --params`` shows what an
item would ask and answer. A value is written as an item's ``params`` record
holds it:

- ``Category``: a category of the scene (``Fridge``; any letter case);
- ``Object``: an object id;
- ``Ref``: an object id, or a category the scene has one object of (``Fridge``);
  the object needs a proved reference (``spdsl refer``), as in ``generate``;
- ``Frame``: the frame's ``index`` (as in the scene file);
- ``Int in lo..hi``: an integer of the range; ``one of [...]``: one of the
  literals as written (``1m``, ``"left"`` or ``left``).

A missing, unknown or repeated parameter, a value the scene does not offer, or an
image or video task on a scene without frames (``generate`` skips it there) is a
``ParamError`` (exit 2) saying what is available. A binding that the
task's ``where`` filters out is not an error: ``Instance.where`` says why, and
``spdsl run`` reports it as a rejection of kind ``Filtered`` (exit 1), because
``generate`` would never ask it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from .scenes.model import Scene, normalise_name
from .tasks import (
    MODALITIES_WITH_FRAMES, GenerateOptions, ParamInfo, SceneEngine, TaskTemplate,
)
from spatial_dsl.errors import SpdslError

__all__ = ["Instance", "ParamError", "instantiate", "parse_params"]

MAX_LISTED = 12


class ParamError(SpdslError):
    """A --params value that names no binding: a message for the user (exit 2)."""


@dataclass(frozen=True)
class Instance:
    question: str
    program: str  # the item program generate writes for this binding
    binding: int  # the binding number (part of the item id)
    params: dict  # as the item's `params` record
    where: str | None  # None: the binding passes `where`; else why it does not


def parse_params(groups: list[str]) -> dict[str, str]:
    """``["a=Fridge,b=Sink", "c=3"]`` -> ``{"a": "Fridge", "b": "Sink", "c": "3"}``.

    A piece without ``=`` continues the value before it (``a=x,y`` is ``"x,y"``)."""
    values: dict[str, str] = {}
    for group in groups:
        last = None
        for piece in group.split(","):
            if "=" not in piece:
                if last is None:
                    if piece.strip():
                        raise ParamError(f"--params {group!r}: expected NAME=VALUE, got "
                                         f"{piece.strip()!r}")
                    continue
                values[last] += "," + piece
                continue
            name, value = (x.strip() for x in piece.split("=", 1))
            if not name.isidentifier():
                raise ParamError(f"--params: {name!r} is not a parameter name")
            if name in values:
                raise ParamError(f"--params: {name} is given twice")
            values[name] = value
            last = name
    return values


def _listing(values: list[str]) -> str:
    shown = ", ".join(values[:MAX_LISTED])
    return shown + (f", ... ({len(values)} in all)" if len(values) > MAX_LISTED else "")


def _no_such(param: ParamInfo, value: str, available: list[str], what: str) -> ParamError:
    close = difflib.get_close_matches(value, available, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    offered = f"; the scene offers {_listing(available)}" if available else \
        "; the scene offers none"
    return ParamError(f"--params {param.name}={value}: {what}{hint}{offered}")


def _index(engine: SceneEngine, param: ParamInfo, value: str) -> int:
    """The position of ``value`` in the parameter's domain on the engine's scene."""
    scene: Scene = engine.scene
    if param.kind == "Category":
        categories = engine._categories
        by_key = {normalise_name(c): i for i, c in enumerate(categories)}
        if normalise_name(value) in by_key:
            return by_key[normalise_name(value)]
        raise _no_such(param, value, categories, "not a category of the scene")
    if param.kind == "Object":
        if value in scene.ids:
            return scene.ids.index(value)
        raise _no_such(param, value, list(scene.ids), "not an object id of the scene")
    if param.kind == "Ref":
        return _ref_index(engine, param, value)
    if param.kind == "Frame":
        return _frame_index(scene, param, value)
    for i, (shown, plain) in enumerate(zip(param.shown, param.plain)):
        if value in (shown, str(plain)) or (shown.startswith('"') and value == shown[1:-1]):
            return i
    what = "not in its range" if param.kind == "range" else "not one of its values"
    raise ParamError(f"--params {param.name}={value}: {what} ({_listing(list(param.shown))})")


def _ref_index(engine: SceneEngine, param: ParamInfo, value: str) -> int:
    scene = engine.scene
    rows = [row for row, _, _ in engine.references]
    row = scene.ids.index(value) if value in scene.ids else None
    if row is None:
        mask = scene.name_index.get(normalise_name(value))
        if mask is not None and mask.sum() == 1:
            row = int(np.flatnonzero(mask)[0])
        elif mask is not None:
            raise ParamError(f"--params {param.name}={value}: the scene has {int(mask.sum())} "
                             f"objects of that name; give one's id (`spdsl refer "
                             f"{scene.id}` lists those with a reference)")
    if row is not None and row in rows:
        return rows.index(row)
    if row is not None:
        raise ParamError(f"--params {param.name}={value}: no proved reference names this "
                         "object (it is not in the task's Ref domain; see `spdsl refer`)")
    offered = sorted({scene.categories[r] for r in rows if
                      int(scene.name_index[normalise_name(scene.categories[r])].sum()) == 1})
    raise _no_such(param, value, offered, "neither an object id nor a category with one "
                   "object in the scene")


def _frame_index(scene: Scene, param: ParamInfo, value: str) -> int:
    if scene.frames.count == 0:
        raise ParamError(f"--params {param.name}={value}: the scene has no frames (give it a "
                         "camera walk: `spdsl scenes walk SCENE -o OUT.scene.json`)")
    indices = [int(i) for i in scene.frames.index]
    try:
        wanted = int(value)
    except ValueError:
        wanted = None
    if wanted in indices:
        return indices.index(wanted)
    raise ParamError(f"--params {param.name}={value}: not a frame index of the scene "
                     f"(indices {indices[0]}..{indices[-1]}, {len(indices)} frames)")


def instantiate(template: TaskTemplate, scene: Scene, values: dict[str, str],
                seed: int = 0) -> Instance:
    """The item of ``template`` on ``scene`` for the parameter ``values``."""
    names = [p.name for p in template.params]
    unknown = [n for n in values if n not in names]
    if unknown:
        close = difflib.get_close_matches(unknown[0], names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ParamError(f"--params: task {template.name} has no parameter {unknown[0]}{hint}; "
                         f"its parameters: {_signature(template)}")
    missing = [n for n in names if n not in values]
    if missing:
        raise ParamError(f"--params: missing {', '.join(missing)}; task {template.name} takes "
                         f"{_signature(template)}")
    if template.modality in MODALITIES_WITH_FRAMES and scene.frames.count == 0:
        raise ParamError(f"task {template.name} is a {template.modality} task and scene "
                         f"{scene.id} has no frames (generate skips it there): give the scene "
                         "a camera walk first, `spdsl scenes walk SCENE -o OUT.scene.json`")
    engine = SceneEngine(scene, GenerateOptions(seed=seed))
    ix = [_index(engine, p, values[p.name]) for p in template.params]
    domains = [engine._domain(p) for p in template.params]
    sizes = tuple(size for size, _ in domains)
    binding = int(np.ravel_multi_index(ix, sizes)) if sizes else 0
    rendered, question, program = engine.item_text(template, ix, engine.item_rng(template,
                                                                                 binding))
    where = _where(engine, template, domains, ix)
    params = {p.name: rendered[p.name][1] for p in template.params}
    return Instance(question, program, binding, params, where)


def _signature(template: TaskTemplate) -> str:
    kinds = ("Category", "Object", "Ref", "Frame")
    return ", ".join(f"{p.name}: {p.kind if p.kind in kinds else p.type}"
                     for p in template.params) or "no parameters"


def _where(engine: SceneEngine, template: TaskTemplate, domains, ix: list[int]) -> str | None:
    """None if the binding passes the task's ``where``, else why not."""
    where = template.task.where
    if where is None:
        return None
    names = {p.name: values[i:i + 1] for p, (_, values), i in zip(template.params, domains, ix)}
    batch = engine._evaluate(template.checked, where, names, 1)
    if batch.rejected[0]:
        return f"the task's `where` is rejected ({batch.kinds[0]}) for this binding"
    if not bool(np.asarray(batch.value).reshape(-1)[0]):
        return "the task's `where` is false for this binding"
    return None
