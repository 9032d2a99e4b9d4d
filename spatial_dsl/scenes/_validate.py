"""Validation of a ``spdsl.scene/1`` document.

Every check appends a message ``<json path>: <problem>`` and carries on, so one
pass reports *every* problem; the caller raises ``SceneError`` if any were
found and only then builds the Scene (a bad scene is never half-loaded).
The output is a plain, already-checked description (``Checked*``) that
``_build`` turns into numpy arrays.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
from dataclasses import dataclass, field

from .model import SUPPORT_CODES, normalise_name

FORMAT = "spdsl.scene/1"
QUAT_TOLERANCE = 1e-3  # |q| must be within this of 1; the loader then normalises exactly
SUGGESTION_BUDGET = 20_000  # difflib comparisons per document for did-you-mean hints
MAX_SUGGESTED_LENGTH = 200  # longer names get no hint (difflib is quadratic in length)
MAX_SHOWN = 120  # characters of an id quoted in a message
MAX_PIXELS = 2**31 - 1  # image width / height
# Coordinates and sizes (m) and intrinsics (px) are bounded so that nothing the runtime
# derives from them (a volume, a squared distance, a projection) can overflow a double:
# with |x| <= 1e9, a product of three is <= 1e27. 1e9 m leaves room for georeferenced
# (UTM) coordinates. The language bounds points it makes itself the same way (kernels).
MAX_MAGNITUDE = 1e9
INT64 = (-(2**63), 2**63 - 1)  # frame indices are stored as int64

OBJECT_KEYS = {"id", "category", "label", "center", "size", "rotation", "parent", "support",
               "attributes"}
SCENE_KEYS = {"format", "id", "source", "room", "objects", "frames"}
PINHOLE_KEYS = ("fx", "fy", "cx", "cy")
_MISSING = object()


class NonFinite:
    """Stands in for a ``NaN``/``Infinity`` literal, which ``json`` would otherwise accept.

    Parsing keeps going so the literal can be reported with its JSON path.
    """

    def __init__(self, literal: str):
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal


class OutOfRange(NonFinite):
    """Stands in for an integer literal too long for a double (``json`` would make a Python
    int of any size, and refuse outright beyond 4,300 digits)."""

    def __init__(self, digits: int):
        super().__init__(f"an integer of {digits} digits")


MAX_INT_DIGITS = 4000  # longer digit strings are not even converted (Python refuses 4,300+)


def parse_int(text: str) -> int | OutOfRange:
    """``json``'s ``parse_int``: an int, or ``OutOfRange`` when no double can hold it."""
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return OutOfRange(digits)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        return OutOfRange(digits)
    return value


class KeyedDict(dict):
    """A JSON object that remembers keys given more than once (``json`` keeps the last)."""

    duplicates: tuple[str, ...] = ()


def keyed_dict(pairs: list[tuple[str, object]]) -> KeyedDict:
    d = KeyedDict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        d.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return d


@dataclass
class CheckedObject:
    id: str | None = None
    category: str | None = None
    label: str | None = None
    center: list[float] | None = None
    size: list[float] | None = None
    rotation: list[float] | None = None
    parent: str | None = None
    support: str | None = None  # "on", "in" or "fixed" when the source records it
    attributes: dict = field(default_factory=dict)


@dataclass
class CheckedFrame:
    index: int | None = None
    time: float | None = None
    position: list[float] | None = None
    rotation: list[float] | None = None
    width: int | None = None
    height: int | None = None
    hfov_deg: float | None = None
    pinhole: list[float] | None = None  # fx, fy, cx, cy when given explicitly
    image: str | None = None
    visible: dict[str, float] = field(default_factory=dict)


@dataclass
class CheckedScene:
    id: str | None = None
    source: dict = field(default_factory=dict)
    objects: list[CheckedObject] = field(default_factory=list)
    frames: list[CheckedFrame] = field(default_factory=list)
    floor: list[list[float]] | None = None
    room_height: float | None = None
    walls: list[list[float]] | None = None  # None: the floor polygon's edges are the walls


def describe(value: object) -> str:
    """How a value is named in messages ("a string", "null", "NaN"...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, NonFinite):
        return value.literal
    if isinstance(value, numbers.Integral) and not _finite(value):  # str() may refuse it
        return f"an integer of about {int(int(value).bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, numbers.Real):
        return repr(value) if _finite(value) else str(value)
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def key_path(path: str, key: str) -> str:
    """JSON path of ``key`` inside ``path``; non-identifier keys are quoted."""
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _finite(value: numbers.Real) -> bool:
    """Finite as a double: a Python int beyond ~1.8e308 (from a dict, not JSON) is not."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _is_number(value: object) -> bool:
    if type(value) in (float, int):  # the common case, without the slow ABC check
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Checker:
    """Collects problems; each ``check_*`` returns the cleaned value or None."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.suggest_id = Suggestions(())  # set once the object ids are known

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def get(self, obj: dict, key: str, path: str, required: bool = True) -> object:
        if key in obj:
            return obj[key]
        if required:
            self.add(key_path(path, key), "missing")
        return _MISSING

    def number(self, value: object, path: str) -> float | None:
        # Non-finite values are reported once, by scan_json; stay silent here.
        if isinstance(value, NonFinite) or (_is_number(value) and not _finite(value)):
            return None
        if not _is_number(value):
            self.add(path, f"expected a number, got {describe(value)}")
            return None
        return float(value)

    def length(self, value: object, path: str) -> float | None:
        """A coordinate or extent in metres (or a focal length / principal point in pixels):
        finite and within ``MAX_MAGNITUDE``, so no product the runtime forms overflows."""
        x = self.number(value, path)
        if x is not None and abs(x) > MAX_MAGNITUDE:
            self.add(path, f"{x:g} is out of range (coordinates, sizes and intrinsics are "
                     f"limited to 1e9 in absolute value)")
            return None
        return x

    def point(self, value: object, path: str, n: int) -> list[float] | None:
        """``n`` lengths (a position, a size, a floor corner)."""
        return self.vector(value, path, n, self.length)

    def vector(self, value: object, path: str, n: int, element=None) -> list[float] | None:
        if not isinstance(value, (list, tuple)):
            self.add(path, f"expected a list of {n} numbers, got {describe(value)}")
            return None
        if len(value) != n:
            self.add(path, f"expected {n} numbers, got {len(value)}")
            return None
        element = element or self.number
        out = [element(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return None if None in out else out

    def quaternion(self, value: object, path: str) -> list[float] | None:
        q = self.vector(value, path, 4)
        if q is None:
            return None
        norm = math.sqrt(sum(v * v for v in q))
        if abs(norm - 1.0) > QUAT_TOLERANCE:
            self.add(path, f"quaternion [x, y, z, w] is not normalised (|q| = {norm:.6g})")
            return None
        return [v / norm for v in q]

    def text(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string, got {describe(value)}")
            return None
        return value

    def name(self, value: object, path: str) -> str | None:
        """A category or label: `find` matches it normalised, so that must be non-empty."""
        text = self.written(value, path)
        if text is not None and not normalise_name(text):
            self.add(path, f"{text!r} has no characters besides spaces, '_' and '-'")
            return None
        return text

    def written(self, value: object, path: str) -> str | None:
        """An id, category or label: a program names it in a string literal, and a
        SpatialDSL string has no way to hold a line break (language.md "Strings")."""
        text = self.text(value, path)
        if text is not None and "\n" in text:
            self.add(path, f"{text!r} holds a line break, which no SpatialDSL string can write")
            return None
        return text

    def positive_int(self, value: object, path: str) -> int | None:
        if isinstance(value, NonFinite):
            return None  # reported by scan_json
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
            self.add(path, f"expected a positive integer, got {describe(value)}")
            return None
        if value > MAX_PIXELS:
            self.add(path, f"expected a positive integer up to {MAX_PIXELS}, got {value}")
            return None
        return int(value)

    def mapping(self, value: object, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"expected an object, got {describe(value)}")
            return None
        return value


def scan_json(c: Checker, node: object, path: str) -> None:
    """Report, anywhere in the document, non-finite numbers and repeated keys."""
    if isinstance(node, OutOfRange) or (isinstance(node, int) and not isinstance(node, bool)
                                        and not _finite(node)):
        c.add(path or "(document)", f"{describe(node)} is out of range (numbers must be finite "
              "doubles)")
    elif isinstance(node, NonFinite) or (_is_number(node) and not _finite(node)):
        c.add(path or "(document)", f"{describe(node)} is not allowed: numbers must be finite")
    elif isinstance(node, dict):
        for k in getattr(node, "duplicates", ()):
            c.add(key_path(path, k), "key given more than once")
        for k, v in node.items():
            scan_json(c, v, key_path(path, str(k)))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            scan_json(c, v, f"{path}[{i}]")


def check_document(doc: object) -> tuple[CheckedScene, list[str]]:
    """Check a parsed document; returns the cleaned scene and the problems found."""
    c = Checker()
    out = CheckedScene()
    if not isinstance(doc, dict):
        c.add("(document)", f"expected a JSON object at the top level, got {describe(doc)}")
        return out, c.problems
    scan_json(c, doc, "")
    _check_header(c, doc, out)
    out.objects = _check_objects(c, doc.get("objects", _MISSING))
    # If some object has no valid id, references to ids cannot be judged: skip those checks
    # rather than report follow-on "unknown id" errors.
    ids = _known_ids(out.objects)
    if "frames" in doc and doc["frames"] is not None:
        out.frames = _check_frames(c, doc["frames"], ids)
    if "room" in doc and doc["room"] is not None:
        _check_room(c, doc["room"], out)
    return out, c.problems


def _known_ids(objs: list[CheckedObject]) -> set[str] | None:
    if not objs or any(o.id is None for o in objs):
        return None
    return {o.id for o in objs}


def _check_header(c: Checker, doc: dict, out: CheckedScene) -> None:
    fmt = c.get(doc, "format", "")
    if fmt is not _MISSING and fmt != FORMAT:
        got = repr(fmt) if isinstance(fmt, str) else describe(fmt)
        c.add("format", f"unsupported format {got} (expected {FORMAT!r})")
    scene_id = c.get(doc, "id", "")
    if scene_id is not _MISSING:
        out.id = c.text(scene_id, "id")
    source = doc.get("source", {})
    if source is not None and c.mapping(source, "source") is not None:
        out.source = dict(source)
    # Unknown scene-level keys are kept in `source` (the file's own source keys win).
    for k, v in doc.items():
        if k not in SCENE_KEYS:
            out.source.setdefault(k, v)


def _check_objects(c: Checker, objs: object) -> list[CheckedObject]:
    if objs is _MISSING:
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
    if (v := c.get(o, "id", path)) is not _MISSING:
        out.id = c.written(v, f"{path}.id")
    if (v := c.get(o, "category", path)) is not _MISSING:
        out.category = c.name(v, f"{path}.category")
    if (v := o.get("label")) is not None:
        out.label = c.name(v, f"{path}.label")
    if (v := c.get(o, "center", path)) is not _MISSING:
        out.center = c.point(v, f"{path}.center", 3)
    if (v := c.get(o, "size", path)) is not _MISSING:
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


def suggest(name: str, candidates) -> str:
    """``"; did you mean 'x'?"`` for a close match, else ``""``."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(s) for s in close) + "?"


def shown(name: str) -> str:
    """An id as quoted in a message: ``repr``, clipped so a megabyte id stays one line."""
    return repr(name) if len(name) <= MAX_SHOWN else repr(name[:MAX_SHOWN]) + "..."


class Suggestions:
    """Did-you-mean hints for unknown ids, with a bounded cost per document.

    ``difflib`` compares a name with every candidate, so a file with thousands of unknown
    ids against thousands of objects would take minutes. Each distinct name is looked up
    once; after ``SUGGESTION_BUDGET`` candidate comparisons in total, or for names too long
    to be a typo of an id, the message carries no hint (loading stays linear).
    """

    def __init__(self, candidates) -> None:
        self.candidates = [c for c in candidates if len(c) <= MAX_SUGGESTED_LENGTH]
        self.budget = SUGGESTION_BUDGET
        self.memo: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name in self.memo:
            return self.memo[name]
        if len(name) > MAX_SUGGESTED_LENGTH or self.budget < len(self.candidates):
            return ""
        self.budget -= len(self.candidates)
        self.memo[name] = suggest(name, self.candidates)
        return self.memo[name]


def _check_frames(c: Checker, frames: object, ids: set[str] | None) -> list[CheckedFrame]:
    if not isinstance(frames, (list, tuple)):
        c.add("frames", f"expected a list of frames, got {describe(frames)}")
        return []
    out = [_check_frame(c, f, f"frames[{i}]", ids) for i, f in enumerate(frames)]
    first: dict[int, int] = {}
    for i, f in enumerate(out):
        if f.index is None:
            continue
        if f.index in first:
            c.add(f"frames[{i}].index", f"duplicate frame index {f.index} "
                  f"(first at frames[{first[f.index]}])")
        first.setdefault(f.index, i)
    return out


def _check_frame(c: Checker, f: object, path: str, ids: set[str] | None) -> CheckedFrame:
    out = CheckedFrame()
    if c.mapping(f, path) is None:
        return out
    if (v := c.get(f, "index", path)) is not _MISSING and not isinstance(v, NonFinite):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            c.add(f"{path}.index", f"expected an integer, got {describe(v)}")
        elif not INT64[0] <= v <= INT64[1]:
            c.add(f"{path}.index", f"expected an integer in [-2^63, 2^63), got {v}")
        else:
            out.index = int(v)
    if (v := c.get(f, "time", path)) is not _MISSING:
        out.time = c.number(v, f"{path}.time")
    if (cam := c.get(f, "camera", path)) is not _MISSING:
        _check_camera(c, cam, f"{path}.camera", out)
    image = f.get("image")
    if image is not None and c.text(image, f"{path}.image") is not None:
        out.image = image
    visible = f.get("visible")
    if visible is not None and c.mapping(visible, f"{path}.visible") is not None:
        out.visible = _check_visible(c, visible, f"{path}.visible", ids)
    return out


def _check_camera(c: Checker, cam: object, path: str, out: CheckedFrame) -> None:
    if c.mapping(cam, path) is None:
        return
    if (v := c.get(cam, "position", path)) is not _MISSING:
        out.position = c.point(v, f"{path}.position", 3)
    if (v := c.get(cam, "rotation", path)) is not _MISSING:
        out.rotation = c.quaternion(v, f"{path}.rotation")
    for key in ("width", "height"):
        if (v := c.get(cam, key, path)) is not _MISSING:
            setattr(out, key, c.positive_int(v, f"{path}.{key}"))
    _check_intrinsics(c, cam, path, out)


def _check_intrinsics(c: Checker, cam: dict, path: str, out: CheckedFrame) -> None:
    given = [k for k in PINHOLE_KEYS if cam.get(k) is not None]
    hfov = cam.get("hfov_deg")
    if hfov is not None and given:
        c.add(path, "give either hfov_deg or fx, fy, cx, cy, not both")
    elif hfov is not None:
        h = c.number(hfov, f"{path}.hfov_deg")
        if h is not None and not 0 < h < 180:
            c.add(f"{path}.hfov_deg", f"expected degrees in (0, 180), got {h:g}")
        elif h is not None:
            out.hfov_deg = h
    elif given and len(given) < 4:
        missing = ", ".join(k for k in PINHOLE_KEYS if k not in given)
        c.add(path, f"missing {missing} (give all of fx, fy, cx, cy, or hfov_deg)")
    elif not given:
        c.add(path, "missing intrinsics: give hfov_deg or all of fx, fy, cx, cy")
    else:
        vals = [c.length(cam[k], f"{path}.{k}") for k in PINHOLE_KEYS]
        bad_focal = [k for k, v in zip(("fx", "fy"), vals) if v is not None and v <= 0]
        for k in bad_focal:
            c.add(f"{path}.{k}", f"focal length must be > 0, got {cam[k]:g}")
        out.pinhole = None if None in vals or bad_focal else vals


def _check_visible(c: Checker, visible: dict, path: str,
                   ids: set[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in visible.items():
        p = f"{path}[{json.dumps(str(k), ensure_ascii=False)}]"  # ids are always quoted
        if ids is not None and k not in ids:
            c.add(p, f"unknown object id {shown(k)}{c.suggest_id(k)}")
            continue
        frac = c.number(v, p)
        if frac is not None and not 0 < frac <= 1:
            c.add(p, f"visible fraction must be in (0, 1], got {frac:g}")
        elif frac is not None:
            out[k] = frac
    return out


def _check_room(c: Checker, room: object, out: CheckedScene) -> None:
    if c.mapping(room, "room") is None:
        return
    floor = room.get("floor")
    if floor is not None:
        out.floor = _check_floor(c, floor, "room.floor")
    walls = room.get("walls")
    if walls is not None:
        out.walls = _check_walls(c, walls, "room.walls")
    height = room.get("height")
    if height is not None:
        h = c.length(height, "room.height")
        if h is not None and h <= 0:
            c.add("room.height", f"must be > 0, got {h:g}")
        elif h is not None:
            out.room_height = h


def _check_floor(c: Checker, floor: object, path: str) -> list[list[float]] | None:
    if not isinstance(floor, (list, tuple)) or len(floor) < 3:
        got = f"{len(floor)} points" if isinstance(floor, (list, tuple)) else describe(floor)
        c.add(path, f"expected a polygon of at least 3 [x, y] points, got {got}")
        return None
    pts = [c.point(p, f"{path}[{i}]", 2) for i, p in enumerate(floor)]
    if None in pts:
        return None
    if abs(shoelace(pts)) < 1e-12:
        c.add(path, "floor polygon has zero area")
        return None
    return pts


def _check_walls(c: Checker, walls: object, path: str) -> list[list[float]] | None:
    """Wall segments ``[x1, y1, x2, y2]``; an empty list means a room without walls."""
    if not isinstance(walls, (list, tuple)):
        c.add(path, f"expected a list of [x1, y1, x2, y2] segments, got {describe(walls)}")
        return None
    out = [c.vector(w, f"{path}[{i}]", 4) for i, w in enumerate(walls)]
    for i, w in enumerate(out):
        if w is not None and math.hypot(w[2] - w[0], w[3] - w[1]) < 1e-9:
            c.add(f"{path}[{i}]", "a wall needs two different end points")
            out[i] = None
    return None if None in out else out


def shoelace(pts) -> float:
    """Signed area of a polygon given as [x, y] points (positive if counter-clockwise)."""
    n = len(pts)
    return 0.5 * sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1]
                     for i in range(n))
