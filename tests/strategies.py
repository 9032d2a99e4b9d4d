"""Hypothesis strategies: random `spdsl.scene/1` scenes and random well-typed programs.

- ``scene_docs()``: scene documents (dicts) with 2-12 objects of a few
  categories (some repeated, some unique, a few labels), upright and tilted
  boxes (unit quaternions), objects stacked on others (some half over the edge)
  or placed inside them, optional parent links and `support` records,
  0-4 frames with roughly horizontal cameras and random visibility maps.
  ``scenes()`` loads them with ``scene_from_dict``.
- ``programs(doc)``: program source text that type-checks (``compile_source``
  without a scene), generated bottom-up by type from the names of ``doc``
  (categories and labels that are present, plus absent ones).
- ``scenes_and_programs()``: (doc, source) pairs.

Everything is plain Python (no numpy), so the generated documents are JSON.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from spatial_dsl.lang import types as T

CATEGORIES = ("Chair", "DiningTable", "Mug", "Fridge", "Sink", "StoveBurner", "Lamp", "Book",
              "CounterTop", "Sofa")
LABELS = ("left chair", "big table", "red mug", "old lamp", "fridge", "sink_2", "Reading-Lamp")
ABSENT = ("Piano", "Television", "Bed", "Toaster")

# --------------------------------------------------------------------- scenes


def _grid(lo: int, hi: int, step: float = 0.125):
    """Multiples of ``step``: exact binary values, so boxes touch and keys tie."""
    return st.integers(lo, hi).map(lambda k: k * step)


def _coord(lo: float, hi: float):
    return st.one_of(_grid(int(lo * 8), int(hi * 8)),
                     st.floats(lo, hi, allow_nan=False, allow_infinity=False))


_extent = st.one_of(_grid(1, 12), st.floats(0.02, 1.5, allow_nan=False),
                    st.sampled_from([0.0, 0.01]))


def _yaw_quat(deg: float) -> list[float]:
    h = math.radians(deg) / 2
    return [0.0, 0.0, math.sin(h), math.cos(h)]


def _normalised(q) -> list[float] | None:
    n = math.sqrt(sum(x * x for x in q))
    return None if n < 0.1 else [x / n for x in q]


def _quat_mul(a, b):
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return [aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz]


def _euler45(e) -> list[float]:
    """Rotation about x, then y, then z by multiples of 45 degrees."""
    q = [0.0, 0.0, 0.0, 1.0]
    for axis, k in enumerate(e):
        h = math.radians(45 * k) / 2
        r = [0.0, 0.0, 0.0, math.cos(h)]
        r[axis] = math.sin(h)
        q = _quat_mul(r, q)
    return q


_yaw = st.one_of(st.sampled_from([0.0, 90.0, 45.0, -30.0, 180.0, -90.0]),
                 st.floats(-180, 180, allow_nan=False))
_upright_rotation = _yaw.map(_yaw_quat)
_tilted_rotation = st.one_of(
    st.tuples(*[st.floats(-1, 1, allow_nan=False)] * 4)
    .map(lambda q: _normalised(q) or [0.0, 0.0, 0.0, 1.0]),
    st.tuples(*[st.integers(-4, 4)] * 3).map(_euler45),
)


def _matrix_to_quat(R) -> list[float]:
    """Columns of R are the rotated axes; Shepperd's method."""
    t = R[0][0] + R[1][1] + R[2][2]
    if t > max(R[0][0], R[1][1], R[2][2]):
        s = 2.0 * math.sqrt(1.0 + t)
        q = [(R[2][1] - R[1][2]) / s, (R[0][2] - R[2][0]) / s, (R[1][0] - R[0][1]) / s, s / 4]
    elif R[0][0] >= R[1][1] and R[0][0] >= R[2][2]:
        s = 2.0 * math.sqrt(max(1.0 + R[0][0] - R[1][1] - R[2][2], 1e-300))
        q = [s / 4, (R[0][1] + R[1][0]) / s, (R[0][2] + R[2][0]) / s, (R[2][1] - R[1][2]) / s]
    elif R[1][1] >= R[2][2]:
        s = 2.0 * math.sqrt(max(1.0 + R[1][1] - R[0][0] - R[2][2], 1e-300))
        q = [(R[0][1] + R[1][0]) / s, s / 4, (R[1][2] + R[2][1]) / s, (R[0][2] - R[2][0]) / s]
    else:
        s = 2.0 * math.sqrt(max(1.0 + R[2][2] - R[0][0] - R[1][1], 1e-300))
        q = [(R[0][2] + R[2][0]) / s, (R[1][2] + R[2][1]) / s, s / 4, (R[1][0] - R[0][1]) / s]
    return _normalised(q)


def camera_quat(heading_deg: float, pitch_deg: float) -> list[float]:
    """OpenCV camera (x right, y down, z forward) looking along ``heading_deg``
    (CCW from +x), pitched down by ``pitch_deg``."""
    h, p = math.radians(heading_deg), math.radians(pitch_deg)
    z = (math.cos(h) * math.cos(p), math.sin(h) * math.cos(p), -math.sin(p))
    x = (math.sin(h), -math.cos(h), 0.0)
    y = (z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0])
    R = [[x[i], y[i], z[i]] for i in range(3)]
    return _matrix_to_quat(R)


@st.composite
def _object_docs(draw, n: int, stack_one_in: int = 4):
    shuffled = draw(st.permutations(CATEGORIES))
    unique = draw(st.integers(1, min(4, n)))
    pool = shuffled[unique:unique + draw(st.integers(1, 3))]
    categories = list(shuffled[:unique]) + [draw(st.sampled_from(pool))
                                            for _ in range(n - unique)]
    categories = draw(st.permutations(categories))
    labels = list(draw(st.permutations(LABELS)))
    objs: list[dict] = []
    for k in range(n):
        category = categories[k]
        size = [draw(_extent), draw(_extent), draw(_extent)]
        upright = draw(st.integers(0, 9)) < 7
        rotation = draw(_upright_rotation) if upright else draw(_tilted_rotation)
        stack_on = None
        if objs and upright and draw(st.integers(1, stack_one_in)) == 1:
            stack_on = draw(st.integers(0, len(objs) - 1))
            if not objs[stack_on]["_upright"]:
                stack_on = None
        placement = draw(st.sampled_from(["on", "on", "on", "in"]))
        if stack_on is not None and placement == "in":
            # inside the base (a mug in a fridge): centred low in a smaller box
            base = objs[stack_on]
            size = [min(e, b / 2) for e, b in zip(size, base["size"])]
            center = [base["center"][0], base["center"][1],
                      base["center"][2] - base["size"][2] / 2 + size[2] / 2]
        elif stack_on is not None:
            base = objs[stack_on]
            lift = draw(st.sampled_from([0.0, 0.0, 0.01, 0.05, 0.3]))
            # or over the base's +x edge with a share `over` of its x extent above the
            # base: exactly half, or just either side of it (`on`'s half-footprint rule)
            over = draw(st.sampled_from([None, None, 0.5, 0.5, 0.45, 0.55, 0.75, 0.25]))
            if over is None:
                dx, dy = draw(_grid(-2, 2, 0.0625)), draw(_grid(-2, 2, 0.0625))
            else:  # no wider than the base, so `over` is the share of the footprint
                size[:2] = [min(size[0], base["size"][0]), min(size[1], base["size"][1])]
                dx, dy = (base["size"][0] + size[0]) / 2 - over * size[0], 0.0
            center = [base["center"][0] + dx, base["center"][1] + dy,
                      base["center"][2] + base["size"][2] / 2 + lift + size[2] / 2]
        else:
            center = [draw(_coord(-3, 3)), draw(_coord(-3, 3)), draw(_coord(0, 2))]
        # ids unrelated to categories, so id order and label order differ
        tag = draw(st.sampled_from(["o", "item", "Z", f"{category.lower()}_"]))
        obj = {"id": f"{tag}{draw(st.integers(0, 99)):02d}",
               "category": category, "center": center, "size": size, "rotation": rotation,
               "_upright": upright}
        if draw(st.integers(0, 4)) == 0 and labels:
            obj["label"] = labels.pop()
        if objs and draw(st.integers(0, 3)) == 0:
            obj["parent"] = objs[stack_on if stack_on is not None
                                 else draw(st.integers(0, len(objs) - 1))]["id"]
        # how the source says it is held (scene format `support`), sometimes recorded
        if "parent" in obj:
            support = draw(st.sampled_from([None, None, "on", "in"]))
        else:
            support = draw(st.sampled_from([None, None, None, "fixed"]))
        if support is not None:
            obj["support"] = support
        objs.append(obj)
    ids = [o["id"] for o in objs]
    if len(set(ids)) < len(ids):  # make ids unique
        for k, o in enumerate(objs):
            o["id"] = f"{o['id']}~{k}"
        for o in objs:
            if "parent" in o:
                o["parent"] = objs[ids.index(o["parent"])]["id"]
    for o in objs:
        del o["_upright"]
    return objs


@st.composite
def _frame_docs(draw, ids: list[str]):
    count = draw(st.sampled_from([0, 1, 2, 3, 3, 4, 4]))
    indices = sorted(draw(st.lists(st.integers(0, 9), min_size=count, max_size=count,
                                   unique=True)))
    frames = []
    for index in indices:
        heading = draw(st.one_of(st.sampled_from([0.0, 90.0, 45.0, 180.0, -90.0]),
                                 st.floats(-180, 180, allow_nan=False)))
        pitch = draw(st.one_of(st.floats(-20, 20, allow_nan=False),
                               st.sampled_from([0.0, 0.0, 90.0])))
        position = [draw(_coord(-3, 3)), draw(_coord(-3, 3)),
                    draw(st.sampled_from([1.5, 1.2, 0.9]))]
        visible = {}
        for oid in ids:
            if draw(st.integers(0, 9)) < 4:
                visible[oid] = draw(st.sampled_from([1.0, 0.5, 0.3, 0.25, 0.1, 0.05]))
        frames.append({"index": index, "time": index * 0.5,
                       "camera": {"position": position,
                                  "rotation": camera_quat(heading, pitch),
                                  "width": 640, "height": 480, "hfov_deg": 90},
                       "visible": visible})
    return frames


@st.composite
def scene_docs(draw, min_objects: int = 2, max_objects: int = 12, stack_one_in: int = 4):
    """``stack_one_in``: one upright object in this many is put on or in an earlier one."""
    n = draw(st.integers(min_objects, max_objects))
    objects = draw(_object_docs(n, stack_one_in))
    doc = {"format": "spdsl.scene/1", "id": "test/generated", "objects": objects}
    frames = draw(_frame_docs([o["id"] for o in objects]))
    if frames:
        doc["frames"] = frames
    if draw(st.booleans()):
        w, d = draw(_grid(24, 48)), draw(_grid(24, 48))
        doc["room"] = {"floor": [[-w / 2, -d / 2], [w / 2, -d / 2], [w / 2, d / 2],
                                 [-w / 2, d / 2]], "height": 2.5}
    return doc


def scenes():
    from spatial_dsl.scenes.format import scene_from_dict

    return scene_docs().map(scene_from_dict)


def scene_names(doc: dict) -> tuple[list[str], list[str]]:
    """(names that occur once, names that occur more than once) as find() sees them."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for o in doc["objects"]:
        keys = {o["category"]}
        if "label" in o:
            keys.add(o["label"])
        for key in {_norm(k): k for k in keys}.items():
            counts[key[0]] = counts.get(key[0], 0) + 1
            shown.setdefault(key[0], key[1])
    once = [shown[k] for k, c in counts.items() if c == 1]
    many = [shown[k] for k, c in counts.items() if c > 1]
    return once, many


def _norm(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


# ------------------------------------------------------------------- programs

Q_TYPES = (T.LENGTH, T.AREA, T.VOLUME, T.ANGLE)
NUM_TYPES = (T.INT, T.NUMBER) + Q_TYPES
ANSWER_ELEMS = (T.OBJECT, T.STR, T.NUMBER, T.LENGTH, T.FRAME, T.INT, T.BOOL)
LIST_ELEMS = ANSWER_ELEMS + (T.VEC3, T.OBJECTS)  # lists of these cannot be answers
LET_TYPES = (T.BOOL, T.INT, T.NUMBER, T.LENGTH, T.AREA, T.ANGLE, T.STR, T.OBJECT, T.OBJECTS,
             T.FRAME, T.VEC3) + tuple(T.ListType(e) for e in LIST_ELEMS)
ANSWER_TYPES = (T.BOOL, T.INT, T.NUMBER, T.LENGTH, T.AREA, T.VOLUME, T.ANGLE, T.STR, T.OBJECT,
                T.FRAME) + tuple(T.ListType(e) for e in ANSWER_ELEMS)
DEF_TYPES = (T.BOOL, T.LENGTH, T.NUMBER, T.STR, T.OBJECT, T.OBJECTS, T.ListType(T.OBJECT))
UNITS = {T.LENGTH: ("m", "cm", "mm"), T.AREA: ("m2", "cm2"), T.VOLUME: ("m3", "cm3", "L"),
         T.ANGLE: ("deg",)}
OBJECT_ATTRS = {T.LENGTH: ("height", "length", "width", "longest", "top", "bottom"),
                T.AREA: ("footprint",), T.VOLUME: ("volume",), T.ANGLE: ("yaw",),
                T.STR: ("id", "category", "label"), T.VEC3: ("center", "size")}


class ProgramGen:
    """Draws typed source text bottom-up; ``expr(t, d)`` has depth at most ``d``."""

    def __init__(self, draw, doc: dict):
        self.draw = draw
        once, many = scene_names(doc)
        self.once, self.many = once, many
        variants = [n.lower() for n in once + many] + [
            "".join(" " + ch.lower() if ch.isupper() else ch for ch in n).strip()
            for n in once + many]
        self.names = once + many + list(ABSENT[:2]) + variants[:3]
        self.frames = len(doc.get("frames", ()))
        self.scope: list[tuple[str, T.Type]] = []  # lets and lambda params
        self.lambdas = 0
        self.defs: list[tuple[str, T.Type]] = []  # (name, return type) of `def`s

    # ------------------------------------------------------------- helpers

    def pick(self, options):
        return self.draw(st.sampled_from(list(options)))

    def coin(self, one_in: int) -> bool:
        return self.draw(st.integers(0, one_in - 1)) == 0

    def sub(self, d: int) -> int:
        """Depth of a child: usually one less, sometimes a leaf or anything between."""
        if d <= 1 or self.coin(2):
            return max(d - 1, 0)
        return self.draw(st.integers(0, d - 1))

    def names_of(self, t: T.Type) -> list[str]:
        return [name for name, nt in self.scope if nt == t]

    def name_literal(self) -> str:
        pool = self.once * 3 + self.many * 2 + self.names
        return '"' + self.pick(pool) + '"'

    def unique_literal(self) -> str:
        """Mostly a name that finds exactly one object (so `the` answers)."""
        if self.once and not self.coin(4):
            return '"' + self.pick(self.once) + '"'
        return self.name_literal()

    # ------------------------------------------------------------- entry

    def expr(self, t: T.Type, d: int) -> str:
        names = self.names_of(t)
        if names and self.coin(5 if d else 2):
            return self.pick(names)
        options = self.leaves(t)
        if d > 0:
            options = options + self.nodes(t, d)
        return self.pick(options)()

    def leaves(self, t: T.Type) -> list:
        if isinstance(t, T.ListType):
            return [lambda: self.list_literal(t.elem, 0)] + (
                [lambda: "frames"] if t.elem == T.FRAME else [])
        table = {
            T.BOOL: [lambda: self.pick(["true", "false"])],
            T.INT: [lambda: str(self.draw(st.integers(-3, 12)))],
            T.NUMBER: [lambda: self.pick(["0.5", "2.0", "1.25", "0.0", "3", "-1.5", "1e-3"])],
            T.STR: [lambda: self.name_literal(), lambda: '"left"', lambda: '"front-left"'],
            T.OBJECT: [lambda: f"the({self.unique_literal()})"],
            T.OBJECTS: [lambda: "objects", lambda: f"find({self.name_literal()})"],
            T.FRAME: [lambda: f"frame({self.frame_number()})"],
            T.VEC3: [lambda: f"the({self.name_literal()}).center",
                     lambda: "vec({}, {}, {})".format(*(self.quantity(T.LENGTH)
                                                         for _ in range(3)))],
            T.ROOM: [lambda: "room"],
        }
        if t in Q_TYPES:
            return [lambda: self.quantity(t)]
        return table[t]

    def frame_number(self) -> int:
        if self.coin(4):
            return self.draw(st.integers(-6, 6))
        return self.draw(st.integers(-self.frames, max(self.frames - 1, 0)))

    def quantity(self, t: T.Type) -> str:
        value = self.pick(["0", "1", "0.5", "2", "1.5", "30", "0.25", "90", "45", "-1"])
        return f"{value}{self.pick(UNITS[t])}"

    # ------------------------------------------------------------- composites

    def nodes(self, t: T.Type, d: int) -> list:
        s = self.sub
        out = [lambda: f"(if {self.expr(T.BOOL, s(d))} then {self.expr(t, s(d))} "
                       f"else {self.expr(t, s(d))})"]
        if t in LIST_ELEMS:
            out.append(lambda: self.element_of(t, d))
        if isinstance(t, T.ListType):
            out += self.list_nodes(t.elem, d)
        elif t in NUM_TYPES:
            out += self.numeric_nodes(t, d)
        specific = {
            T.BOOL: self.bool_nodes, T.INT: self.int_nodes, T.NUMBER: self.number_nodes,
            T.LENGTH: self.length_nodes, T.AREA: self.area_nodes, T.VOLUME: self.volume_nodes,
            T.ANGLE: self.angle_nodes, T.STR: self.str_nodes, T.OBJECT: self.object_nodes,
            T.OBJECTS: self.objects_nodes, T.FRAME: lambda d: [], T.VEC3: self.vec_nodes,
        }.get(t)
        if specific is not None:
            out += specific(d)
        for name, returns in self.defs:
            if returns == t:
                out.append(lambda name=name: f"{name}({self.expr(T.OBJECT, self.sub(d))})")
        return out[:1] + out[1:] * 3  # `if` and the rest at weight 1 : 3

    def element_of(self, t: T.Type, d: int) -> str:
        xs = self.expr(T.ListType(t), self.sub(d))
        how = self.draw(st.integers(0, 2))
        if how == 0:
            return f"first({xs})"
        if how == 1:
            return f"last({xs})"
        index = self.draw(st.integers(-2, 2)) if self.coin(2) else self.expr(T.INT, 0)
        return f"({xs})[{index}]"

    def lam(self, param_type: T.Type, body_type: T.Type, d: int) -> str:
        self.lambdas += 1
        name = ("o" if param_type == T.OBJECT else "x") + str(self.lambdas)
        self.scope.append((name, param_type))
        body = self.expr(body_type, d)
        self.scope.pop()
        return f"{name} => {body}"

    def objects_arg(self, d: int) -> str:
        how = self.draw(st.integers(0, 5))
        if how == 0:
            return self.name_literal()
        if how == 1 and d > 0:
            return self.expr(T.ListType(T.OBJECT), self.sub(d))
        if how == 2 and d > 0:  # a Str computed at run time: find(str)
            return self.expr(T.STR, self.sub(d))
        return self.expr(T.OBJECTS, self.sub(d))

    def point(self, d: int) -> str:
        return self.expr(T.VEC3 if self.coin(4) else T.OBJECT, self.sub(d))

    def key_type(self) -> T.Type:
        return self.pick([T.LENGTH, T.LENGTH, T.NUMBER, T.INT, T.ANGLE, T.AREA, T.VOLUME])

    def list_literal(self, elem: T.Type, d: int) -> str:
        k = self.draw(st.integers(1, 3))
        return "[" + ", ".join(self.expr(elem, self.sub(d)) for _ in range(k)) + "]"

    def mapped(self, elem: T.Type, d: int) -> str:
        if self.coin(3):
            src = self.pick([T.STR, T.NUMBER, T.FRAME, T.OBJECT, T.INT, T.VEC3, T.OBJECTS])
            xs = self.expr(T.ListType(src), self.sub(d))
            return f"map({xs}, {self.lam(src, elem, self.sub(d))})"
        return f"map({self.objects_arg(d)}, {self.lam(T.OBJECT, elem, self.sub(d))})"

    # ------------------------------------------------------------- per type

    def list_nodes(self, elem: T.Type, d: int) -> list:
        s = self.sub
        out = [lambda: self.list_literal(elem, d), lambda: self.mapped(elem, d)]
        if elem == T.OBJECT:
            out += [lambda: f"sort({self.objects_arg(d)}, "
                            f"{self.lam(T.OBJECT, self.key_type(), s(d))})",
                    lambda: f"appearance_order({self.objects_arg(d)})"]
        if elem == T.STR:
            out += [lambda: f"labels({self.objects_arg(d)})",
                    lambda: f"route({self.expr(T.FRAME, s(d))}, {self.expr(T.FRAME, s(d))})"]
        return out

    def numeric_nodes(self, t: T.Type, d: int) -> list:
        s = self.sub
        out = [
            lambda: f"abs({self.expr(t, s(d))})",
            lambda: f"round({self.expr(t, s(d))}{self.round_digits()})",
            lambda: f"{self.pick(['min', 'max'])}({self.expr(t, s(d))}, {self.expr(t, s(d))})",
            lambda: f"{self.pick(['min', 'max', 'sum'])}({self.objects_arg(d)}, "
                    f"{self.lam(T.OBJECT, t, s(d))})",
            lambda: f"(-{self.expr(t, s(d))})",
            lambda: f"({self.expr(t, s(d))} {self.pick('+-')} {self.expr(t, s(d))})",
        ]
        if t != T.INT:
            out += [lambda: f"({self.expr(T.NUMBER, s(d))} * {self.expr(t, s(d))})",
                    lambda: f"({self.expr(t, s(d))} / {self.expr(T.NUMBER, s(d))})"]
        return out

    def round_digits(self) -> str:
        how = self.draw(st.integers(0, 4))
        if how == 0:
            return ""
        if how == 1:
            return f", n={self.draw(st.integers(-1, 3))}"
        if how == 2:
            return f", count({self.objects_arg(0)})"
        return f", {self.draw(st.integers(-2, 4))}"

    def bool_nodes(self, d: int) -> list:
        s = self.sub
        P = self.point

        def compare():
            t = self.pick(NUM_TYPES)
            other = self.pick([T.INT, T.NUMBER]) if t in (T.INT, T.NUMBER) else t
            return f"({self.expr(t, s(d))} {self.pick(['<', '<=', '>', '>='])} " \
                   f"{self.expr(other, s(d))})"

        def equal():
            t = self.pick([T.OBJECT, T.STR, T.BOOL, T.FRAME, T.OBJECT])
            return f"({self.expr(t, s(d))} {self.pick(['==', '!='])} {self.expr(t, s(d))})"

        def within(default: str) -> str:
            return "" if self.coin(2) else f", within={self.expr(T.LENGTH, s(d))}"

        F = lambda: self.expr(T.FRAME, s(d))  # noqa: E731
        Obj = lambda: self.expr(T.OBJECT, s(d))  # noqa: E731
        return [
            compare, compare, equal,
            lambda: f"({self.expr(T.BOOL, s(d))} {self.pick(['and', 'or'])} "
                    f"{self.expr(T.BOOL, s(d))})",
            lambda: f"(not {self.expr(T.BOOL, s(d))})",
            lambda: f"exists({self.objects_arg(d)})",
            lambda: f"contains({self.objects_arg(d)}, {Obj()})",
            lambda: f"{self.pick(['any', 'all'])}({self.objects_arg(d)}, "
                    f"{self.lam(T.OBJECT, T.BOOL, s(d))})",
            lambda: f"{self.pick(['higher', 'above', 'below', 'on', 'inside'])}({P(d)}, {P(d)})",
            lambda: f"near({P(d)}, {P(d)}{within('1m')})",
            lambda: f"between({P(d)}, {P(d)}, {P(d)}{within('0.5m')})",
            lambda: f"{self.pick(['left_of', 'right_of', 'closer'])}({P(d)}, {P(d)}, {F()})",
            lambda: f"{self.pick(['visible', 'clearly_visible'])}({Obj()}, {F()})",
            lambda: f"{self.pick(['seen', 'clearly_seen'])}({Obj()})",
            lambda: f"co_visible({Obj()}, {Obj()})",
        ]

    def int_nodes(self, d: int) -> list:
        s = self.sub
        P = self.point
        return [
            lambda: f"count({self.objects_arg(d)})",
            lambda: f"len({self.expr(T.ListType(self.pick(LIST_ELEMS)), s(d))})",
            lambda: f"clock({P(d)}, {P(d)}, {P(d)})",
            lambda: f"{self.pick(['first_seen', 'last_seen'])}({self.expr(T.OBJECT, s(d))})",
            lambda: f"{self.expr(T.FRAME, s(d))}.index",
            lambda: f"({self.expr(T.INT, s(d))} * {self.expr(T.INT, s(d))})",
        ]

    def number_nodes(self, d: int) -> list:
        s = self.sub

        def ratio():
            t = self.pick(NUM_TYPES)
            return f"({self.expr(t, s(d))} / {self.expr(t, s(d))})"

        def in_unit():
            t = self.pick(Q_TYPES)
            return f"({self.expr(t, s(d))} in {self.pick(UNITS[t])})"

        return [
            lambda: self.expr(T.INT, d),
            ratio, in_unit, in_unit,
            lambda: f"{self.expr(T.FRAME, s(d))}.time",
            lambda: f"{self.pick(['visibility', 'screen_size'])}({self.expr(T.OBJECT, s(d))}, "
                    f"{self.expr(T.FRAME, s(d))})",
            lambda: f"sqrt({self.expr(T.NUMBER, s(d))})",
            lambda: f"mean({self.objects_arg(d)}, "
                    f"{self.lam(T.OBJECT, self.pick([T.INT, T.NUMBER]), s(d))})",
        ]

    def _quantity_common(self, t: T.Type, d: int) -> list:
        return [
            lambda: f"{self.expr(T.OBJECT, self.sub(d))}.{self.pick(OBJECT_ATTRS[t])}",
            lambda: f"mean({self.objects_arg(d)}, {self.lam(T.OBJECT, t, self.sub(d))})",
        ]

    def length_nodes(self, d: int) -> list:
        s = self.sub
        P = self.point
        F = lambda: self.expr(T.FRAME, s(d))  # noqa: E731
        return self._quantity_common(T.LENGTH, d) + [
            lambda: f"{self.expr(T.VEC3, s(d))}.{self.pick('xyz')}",
            lambda: f"room.{self.pick(['length', 'width', 'height'])}",
            lambda: f"{self.pick(['distance', 'horizontal_distance', 'gap'])}({P(d)}, {P(d)})",
            lambda: f"norm({self.expr(T.VEC3, s(d))})",
            lambda: f"sqrt({self.expr(T.AREA, s(d))})",
            lambda: f"travel({F()}, {F()})",
            lambda: f"{self.pick(['depth', 'camera_distance', 'camera_gap'])}({P(d)}, {F()})",
        ]

    def area_nodes(self, d: int) -> list:
        s = self.sub
        return self._quantity_common(T.AREA, d) + [
            lambda: "room.area",
            lambda: f"({self.expr(T.LENGTH, s(d))} * {self.expr(T.LENGTH, s(d))})",
        ]

    def volume_nodes(self, d: int) -> list:
        s = self.sub
        return self._quantity_common(T.VOLUME, d) + [
            lambda: f"({self.expr(T.LENGTH, s(d))} * {self.expr(T.AREA, s(d))})",
            lambda: f"({self.expr(T.AREA, s(d))} * {self.expr(T.LENGTH, s(d))})",
        ]

    def angle_nodes(self, d: int) -> list:
        s = self.sub
        P = self.point
        F = lambda: self.expr(T.FRAME, s(d))  # noqa: E731
        return self._quantity_common(T.ANGLE, d) + [
            lambda: f"bearing({P(d)}, {P(d)}, {P(d)})",
            lambda: f"view_bearing({P(d)}, {F()})",
            lambda: f"turn({F()}, {F()})",
        ]

    def sector_args(self, d: int) -> str:
        out = ""
        if not self.coin(3):
            out += f", sectors={self.pick(['2', '4', '8'])}"
        if self.coin(2):
            out += f", margin={self.expr(T.ANGLE, self.sub(d))}"
        return out

    def str_nodes(self, d: int) -> list:
        s = self.sub
        P = self.point
        return [
            lambda: f"{self.expr(T.OBJECT, s(d))}.{self.pick(OBJECT_ATTRS[T.STR])}",
            lambda: f"direction({P(d)}, {P(d)}, {P(d)}{self.sector_args(d)})",
            lambda: f"view_direction({P(d)}, {self.expr(T.FRAME, s(d))}{self.sector_args(d)})",
        ]

    def object_nodes(self, d: int) -> list:
        return [
            lambda: f"the({self.objects_arg(d)})",
            lambda: f"{self.pick(['argmin', 'argmax'])}({self.objects_arg(d)}, "
                    f"{self.lam(T.OBJECT, self.key_type(), self.sub(d))})",
        ]

    def objects_nodes(self, d: int) -> list:
        s = self.sub
        return [
            lambda: f"filter({self.objects_arg(d)}, {self.lam(T.OBJECT, T.BOOL, s(d))})",
            lambda: f"{self.pick(['union', 'intersect', 'minus'])}({self.objects_arg(d)}, "
                    f"{self.objects_arg(d)})",
            lambda: f"{self.pick(['parents', 'children'])}({self.expr(T.OBJECT, s(d))})",
            lambda: f"in_view({self.expr(T.FRAME, s(d))})",
        ]

    def vec_nodes(self, d: int) -> list:
        s = self.sub
        F = lambda: self.expr(T.FRAME, s(d))  # noqa: E731
        return [
            lambda: f"{self.expr(T.OBJECT, s(d))}.{self.pick(['center', 'size'])}",
            lambda: f"{F()}.position",
            lambda: "vec({}, {}, {})".format(*(self.expr(T.LENGTH, s(d)) for _ in range(3))),
            lambda: f"({self.expr(T.VEC3, s(d))} {self.pick('+-')} {self.expr(T.VEC3, s(d))})",
            lambda: f"({self.expr(T.NUMBER, s(d))} * {self.expr(T.VEC3, s(d))})",
            lambda: f"({self.expr(T.VEC3, s(d))} / {self.expr(T.NUMBER, s(d))})",
            lambda: f"(-{self.expr(T.VEC3, s(d))})",
            lambda: f"to_camera({self.point(d)}, {F()})",
            lambda: f"move({F()}, {F()})",
        ]

    # ------------------------------------------------------------- programs

    def definition(self, i: int, max_depth: int) -> str:
        """`def gI(p: Object, k: Length = 1m) -> T: body` (before every let)."""
        t = self.pick(DEF_TYPES)
        self.scope = [(f"p{i}", T.OBJECT), (f"k{i}", T.LENGTH)]
        body = self.expr(t, self.draw(st.integers(1, max_depth - 1)))
        self.scope = []
        self.defs.append((f"g{i}", t))
        return f"def g{i}(p{i}: Object, k{i}: Length = 1m) -> {t}: {body}"

    def program(self, max_depth: int = 4) -> str:
        lines = []
        for i in range(self.draw(st.integers(0, 2)) if self.coin(3) else 0):
            lines.append(self.definition(i, max_depth))
        for i in range(self.draw(st.integers(1, 6))):
            t = self.pick(LET_TYPES)
            value = self.expr(t, self.draw(st.integers(1, max_depth)))
            name = f"v{i}"
            annotation = f": {t}" if self.coin(4) else ""
            lines.append(f"let {name}{annotation} = {value}")
            self.scope.append((name, t))
        if self.coin(3):
            cond = self.expr(T.BOOL, self.draw(st.integers(0, max_depth)))
            lines.append(f'assert {cond} else "precondition {len(lines)}"')
        t = self.pick(ANSWER_TYPES)
        lines.append(f"answer {self.expr(t, self.draw(st.integers(1, max_depth)))}")
        return "\n".join(lines) + "\n"


@st.composite
def programs(draw, doc: dict, max_depth: int = 4) -> str:
    return ProgramGen(draw, doc).program(max_depth)


def scenes_and_programs(max_depth: int = 4):
    """(doc, source) pairs."""
    return scene_docs().flatmap(lambda doc: st.tuples(st.just(doc), programs(doc, max_depth)))


# ------------------------------------------------------------------- sweeps

# One builtin over every object (pair, triple) or frame (pair) of the scene:
# a cheap way to compare the two interpreters on many inputs of one builtin.
# `{A}`/`{B}`/`{C}` are points made of the loop variables a, b, c; `{L}` a
# length, `{ANG}` an angle, `{SECT}` sector keywords.
_GUARD = "horizontal_distance({A}, {B}) < 2mm or horizontal_distance({A}, {C}) < 2mm"
SWEEPS = (
    ("pair", "distance({A}, {B})"),
    ("pair", "horizontal_distance({A}, {B})"),
    ("pair", "gap({A}, {B})"),
    ("pair", "higher({A}, {B})"),
    ("pair", "above({A}, {B})"),
    ("pair", "below({A}, {B})"),
    ("pair", "on({A}, {B})"),
    ("pair", "inside({A}, {B})"),
    ("pair", "near({A}, {B})"),
    ("pair", "near({A}, {B}, within={L})"),
    ("pair", "co_visible(a, b)"),
    ("pair", "contains(children(a), b) == contains(parents(b), a)"),
    ("triple", "between({A}, {B}, {C}, within={L})"),
    ("triple", "if distance({B}, {C}) < 2mm then false else between({A}, {B}, {C})"),
    ("triple", f"if {_GUARD} then 0deg else bearing({{A}}, {{B}}, {{C}})"),
    ("triple", f'if {_GUARD} then "none" else direction({{A}}, {{B}}, {{C}}{{SECT}})'),
    ("triple", f"if {_GUARD} then 0 else clock({{A}}, {{B}}, {{C}})"),
    ("frame", "to_camera({A}, f)"),
    ("frame", "depth({A}, f)"),
    ("frame", "camera_distance({A}, f)"),
    ("frame", "camera_gap({A}, f)"),
    ("frame", "view_bearing({A}, f)"),
    ("frame", 'view_direction({A}, f{SECT})'),
    ("frame", "visible(a, f)"),
    ("frame", "[visibility(a, f), screen_size(a, f)]"),
    ("frame", "clearly_visible(a, f)"),
    ("frame2", "left_of({A}, {B}, f)"),
    ("frame2", "right_of({A}, {B}, f)"),
    ("frame2", "closer({A}, {B}, f)"),
    ("object", "[o.height, o.length, o.width, o.longest, o.top, o.bottom]"),
    ("object", "[o.volume, o.footprint * 1m]"),
    ("object", "[o.yaw]"),
    ("object", "[o.id, o.category, o.label]"),
    ("object", "[o.center, o.size]"),
    ("object", "seen(o)"),
    ("object", "clearly_seen(o)"),
    ("object", "if seen(o) then [first_seen(o), last_seen(o)] else []"),
    ("object", "labels(union(parents(o), children(o)))"),
    ("frames", "[turn(f, g)]"),
    ("frames", "move(f, g)"),
    ("frames", "travel(f, g)"),
    ("frames", "route(f, g)"),
    ("frames", "labels(in_view(f))"),
    ("set", "appearance_order({S})"),
    ("set", "sort({S}, o => {KEY})"),
    ("set", "[argmin({S}, o => {KEY}), argmax({S}, o => {KEY})]"),
    ("set", "[min({S}, o => {KEY}), max({S}, o => {KEY}), sum({S}, o => {KEY}), "
            "mean({S}, o => {KEY})]"),
    ("set", "labels({S})"),
    ("set", "[any({S}, o => {PRED}), all({S}, o => {PRED})]"),
    ("set", "[any({S}, o => {PRED})]"),
    ("set", "[all({S}, o => {PRED})]"),
    ("set", "labels(filter({S}, o => {PRED}))"),
    ("set", "map({S}, o => {PRED})"),
    ("set", "map({S}, o => if {PRED} then o.label else \"-\")"),
    ("set", "map({S}, o => count(filter(objects, p => {PRED2})))"),
    ("set", "map({S}, o => any(objects, p => {PRED2}))"),
)
# Predicates of one member `o`, several of which reject for some members only.
_PREDS = ("o.height > 0.5m", "the(children(o)).height > 0.1m", "first_seen(o) > 0",
          "o.center.z > 1m or the(parents(o)).height > 0.5m", "seen(o) and last_seen(o) < 3",
          "visible(o, frame(1))", "1m / (o.center.x in m) > 0.5m",
          "sqrt(o.center.y in m) > 1", "o.category == \"Chair\" or count(children(o)) > 0",
          "not (o.center.x > 0m and the(children(o)).volume > 1L)")
# ... and of a pair `o`, `p`.
_PREDS2 = ("p.center.x > o.center.x", "gap(p, o) < 0.2m and p != o",
           "above(p, o) or the(parents(p)) == o", "distance(p, o) / gap(p, o) > 2",
           "bearing(o, vec(0m, 0m, 0m), p) > 0deg")
_KEYS = ("o.height", "o.center.x", "o.volume / 1m3", "count(children(o))", "o.yaw",
         "distance(o, vec(0m, 0m, 0m))", "round(o.top, 1)", "o.size.z")
_SETS = ("objects", "objects", "in_view(frame(0))", "filter(objects, o => seen(o))",
         "filter(objects, o => o.center.z > 0.5m)", "children(first(sort(objects, o => "
         "0 - count(children(o)))))")


def _point_in(var: str, draw) -> str:
    how = draw(st.integers(0, 5))
    if how == 0:
        return f"{var}.center"
    if how == 1:
        return f"({var}.center + vec(0.25m, 0m, 0.1m))"
    return var


@st.composite
def sweep_programs(draw, doc: dict, count: int = 12) -> list[str]:
    """``count`` programs ``let v0 = map(objects, a => map(objects, b => F(a, b)))`` and
    the like, each for a different builtin (a rejection in one does not hide the rest)."""
    templates = draw(st.lists(st.sampled_from(_WEIGHTED_SWEEPS), min_size=count,
                              max_size=count))
    return [_sweep(draw, kind, body) for kind, body in templates]


# The set-level sweeps (aggregates, any/all, filter, labels with members that reject)
# exercise the runtime's own logic rather than geometry (test_geometry.py covers that).
_WEIGHTED_SWEEPS = SWEEPS + tuple(t for t in SWEEPS if t[0] == "set") * 3


def _sweep(draw, kind: str, body: str) -> str:
    fill = {"A": _point_in("a", draw), "B": _point_in("b", draw), "C": _point_in("c", draw),
            "L": draw(st.sampled_from(["0m", "0.5m", "1m", "2mm", "0.3m"])),
            "KEY": draw(st.sampled_from(_KEYS)), "S": draw(st.sampled_from(_SETS)),
            "PRED": draw(st.sampled_from(_PREDS)), "PRED2": draw(st.sampled_from(_PREDS2))}
    sect = ""
    if draw(st.booleans()):
        sect += f", sectors={draw(st.sampled_from(['2', '4', '8']))}"
    if draw(st.booleans()):
        sect += f", margin={draw(st.sampled_from(['0deg', '1deg', '10deg']))}"
    fill["SECT"] = sect
    text = body.format(**fill)
    if kind == "pair":
        value = f"map(objects, a => map(objects, b => {text}))"
    elif kind == "triple":
        value = f"map(objects, a => map(objects, b => map(objects, c => {text})))"
    elif kind == "frame":
        value = f"map(objects, a => map(frames, f => {text}))"
    elif kind == "frame2":
        value = f"map(frames, f => map(objects, a => map(objects, b => {text})))"
    elif kind == "object":
        value = f"map(objects, o => {text})"
    elif kind == "frames":
        value = f"map(frames, f => map(frames, g => {text}))"
    else:
        value = text
    return f"let v0 = {value}\nanswer len([v0])\n"


def scenes_and_sweeps(count: int = 12):
    """(doc, [source, ...]): several sweeps over one scene."""
    return scene_docs().flatmap(lambda doc: st.tuples(st.just(doc), sweep_programs(doc, count)))
