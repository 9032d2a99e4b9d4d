"""The whole document: ``check_document``, the header and the objects (their fields, unique
ids and labels, parents and parent cycles)."""

from __future__ import annotations

from ..model import SUPPORT_CODES, normalise_name
from .checked import CheckedObject, CheckedScene
from .checker import MISSING, Checker, scan_json
from .frames import check_frames
from .hints import Suggestions, shown
from .json_values import describe
from .room import check_room

FORMAT = "spdsl.scene/1"
OBJECT_KEYS = {"id", "category", "label", "center", "size", "rotation", "parent", "support",
               "attributes"}
SCENE_KEYS = {"format", "id", "source", "room", "objects", "frames"}


def check_document(doc: object) -> tuple[CheckedScene, list[str]]:
    """Check a parsed document; returns the cleaned scene and the problems found."""
    c = Checker()
    out = CheckedScene()
    if not isinstance(doc, dict):
        c.add("(document)", f"expected a JSON object at the top level, got {describe(doc)}")
        return out, c.problems
    scan_json(c, doc, "")
    _check_header(c, doc, out)
    out.objects = _check_objects(c, doc.get("objects", MISSING))
    # If some object has no valid id, references to ids cannot be judged: skip those checks
    # rather than report follow-on "unknown id" errors.
    ids = _known_ids(out.objects)
    if "frames" in doc and doc["frames"] is not None:
        out.frames = check_frames(c, doc["frames"], ids)
    if "room" in doc and doc["room"] is not None:
        check_room(c, doc["room"], out)
    return out, c.problems


def _known_ids(objs: list[CheckedObject]) -> set[str] | None:
    if not objs or any(o.id is None for o in objs):
        return None
    return {o.id for o in objs}


def _check_header(c: Checker, doc: dict, out: CheckedScene) -> None:
    fmt = c.get(doc, "format", "")
    if fmt is not MISSING and fmt != FORMAT:
        got = repr(fmt) if isinstance(fmt, str) else describe(fmt)
        c.add("format", f"unsupported format {got} (expected {FORMAT!r})")
    scene_id = c.get(doc, "id", "")
    if scene_id is not MISSING:
        out.id = c.text(scene_id, "id")
    source = doc.get("source", {})
    if source is not None and c.mapping(source, "source") is not None:
        out.source = dict(source)
    # Unknown scene-level keys are kept in `source` (the file's own source keys win).
    for k, v in doc.items():
        if k not in SCENE_KEYS:
            out.source.setdefault(k, v)


def _check_objects(c: Checker, objs: object) -> list[CheckedObject]:
    if objs is MISSING:
        c.add("objects", "missing")
        return []
    if not isinstance(objs, (list, tuple)):
        c.add("objects", f"expected a list of objects, got {describe(objs)}")
        return []
    if not objs:
        c.add("objects", "scene has no objects")
        return []
    out = [_check_object(c, o, f"objects[{i}]") for i, o in enumerate(objs)]
    _check_unique(c, out, "id", str)
    # Labels name single objects in questions, so they must differ as `find` sees them.
    _check_unique(c, out, "label", normalise_name)
    _check_parents(c, out)
    return out


def _check_object(c: Checker, o: object, path: str) -> CheckedObject:
    out = CheckedObject()
    if c.mapping(o, path) is None:
        return out
    if (v := c.get(o, "id", path)) is not MISSING:
        out.id = c.written(v, f"{path}.id")
    if (v := c.get(o, "category", path)) is not MISSING:
        out.category = c.name(v, f"{path}.category")
    if (v := o.get("label")) is not None:
        out.label = c.name(v, f"{path}.label")
    if (v := c.get(o, "center", path)) is not MISSING:
        out.center = c.point(v, f"{path}.center", 3)
    if (v := c.get(o, "size", path)) is not MISSING:
        out.size = _check_size(c, v, f"{path}.size")
    # rotation is optional: an axis-aligned box needs none.
    out.rotation = c.quaternion(o.get("rotation", [0.0, 0.0, 0.0, 1.0]), f"{path}.rotation")
    if (v := o.get("parent")) is not None:
        out.parent = c.text(v, f"{path}.parent")
    if (v := o.get("support")) is not None:
        out.support = _check_support(c, v, out.parent, f"{path}.support")
    attrs = o.get("attributes", {})
    if attrs is not None and c.mapping(attrs, f"{path}.attributes") is not None:
        out.attributes = dict(attrs)
    # Unknown object keys are kept as attributes (explicit attributes win).
    for k, v in o.items():
        if k not in OBJECT_KEYS:
            out.attributes.setdefault(k, v)
    return out


def _check_support(c: Checker, value: object, parent: str | None, path: str) -> str | None:
    """``on``/``in`` describe the link to the parent; ``fixed`` says there is none."""
    if not isinstance(value, str) or value not in SUPPORT_CODES:
        got = repr(value) if isinstance(value, str) else describe(value)
        c.add(path, f"expected one of {', '.join(map(repr, SUPPORT_CODES))}, got {got}")
        return None
    if value == "fixed" and parent is not None:
        c.add(path, "a 'fixed' object rests on nothing, so it cannot have a parent")
    elif value != "fixed" and parent is None:
        c.add(path, f"{value!r} describes how the object is held by its parent, "
                    "but it has none")
    return value


def _check_size(c: Checker, value: object, path: str) -> list[float] | None:
    size = c.point(value, path, 3)
    negative = [i for i, v in enumerate(size or []) if v < 0]
    for i in negative:
        c.add(f"{path}[{i}]", f"sizes must be >= 0, got {size[i]:g}")
    return None if negative else size


def _check_unique(c: Checker, objs: list[CheckedObject], attr: str, normalise) -> None:
    """Report repeats of ``attr`` (compared after ``normalise``) at the later objects."""
    first: dict[str, int] = {}
    for i, o in enumerate(objs):
        value = getattr(o, attr)
        if value is None:
            continue
        key = normalise(value)
        if key not in first:
            first[key] = i
            continue
        prev = getattr(objs[first[key]], attr)
        same = "" if prev == value else f", same as {prev!r} ignoring case, spaces, '_' and '-'"
        where = f"first at objects[{first[key]}]{same}"
        c.add(f"objects[{i}].{attr}", f"duplicate {attr} {value!r} ({where})")


def _check_parents(c: Checker, objs: list[CheckedObject]) -> None:
    by_id = {o.id: i for i, o in reversed(list(enumerate(objs))) if o.id is not None}
    complete = _known_ids(objs) is not None
    c.suggest_id = Suggestions(by_id)
    for i, o in enumerate(objs):
        if o.parent is None:
            continue
        path = f"objects[{i}].parent"
        if o.parent == o.id:
            c.add(path, "an object cannot be its own parent")
        elif o.parent not in by_id and complete:
            c.add(path, f"unknown object id {shown(o.parent)}{c.suggest_id(o.parent)}")
    _check_cycles(c, objs, by_id)


def _check_cycles(c: Checker, objs: list[CheckedObject], by_id: dict[str, int]) -> None:
    """Report each parent cycle once, at its member listed first in the file.

    Linear: each object has at most one parent, so one walk up from every object that no
    earlier walk has visited finds every cycle; a walk stops where an earlier one passed.
    """
    walked: dict[int, int] = {}  # object -> the walk (its starting object) that visited it
    for start in range(len(objs)):
        chain: list[int] = []
        at: int | None = start
        while at is not None and at not in walked:
            walked[at] = start
            chain.append(at)
            at = _parent_index(objs, at, by_id)
        if at is None or walked[at] != start:
            continue  # the chain ends, or joins a chain walked before
        cycle = chain[chain.index(at):]
        first = min(cycle)
        names = " -> ".join(objs[j].id for j in cycle + [cycle[0]])
        c.add(f"objects[{first}].parent", f"parent cycle: {names}")


def _parent_index(objs: list[CheckedObject], i: int, by_id: dict[str, int]) -> int | None:
    parent = objs[i].parent
    return by_id.get(parent) if parent is not None and parent != objs[i].id else None
