"""Declarations of every builtin of language.md §4–5 (signatures, docs, examples).

Each builtin is declared here once. Its vectorized kernel is registered under the
same (name, overload index) in ``spatial_dsl.runtime.kernels.KERNELS`` and its
per-element reference implementation in ``spatial_dsl.runtime.reference.REFERENCES``;
a completeness test (tests/test_differential.py) checks that every overload has both.
"""

from __future__ import annotations

# The numbers of `above` / `on` and of visibility (language.md §5) are the spec's, held
# once in spatial_dsl.tolerances: the kernels, the reference interpreter and these docs
# read them there.
from ...tolerances import (
    CLEAR_FRACTION, CLEAR_PIXELS, SCREEN_NEAR, SUPPORT_MIN_RISE, SUPPORT_MIN_SHARE,
    SUPPORT_TOLERANCE, VISIBLE_FRACTION,
)
from .. import types as T
from .registry import declare, declare_attribute

# ---------------------------------------------------------------- scene values
S = "Scene values"
declare("objects() -> Objects", section=S, constant=True,
        doc="Every object of the scene.", example="count(objects)")
declare("frames() -> List[Frame]", section=S, constant=True,
        doc="The scene's camera frames in order; `[]` for a scene with no frames.",
        example="len(frames)")
declare("room() -> Room", section=S, constant=True,
        doc="The room: `.area` (floor polygon area, else the x–y area of the scene bounds), "
            "`.length`/`.width` (larger/smaller side of the floor's bounding rectangle), "
            "`.height`.",
        example="room.area in m2")
declare("frame(i: Int) -> Frame", section=S,
        doc="Frame number `i` (0-based, negative from the end); `NoFrames` if there is none.",
        example="frame(0).position")

# ------------------------------------------------------------ selection & sets
S = "Selection and sets"
declare("find(name: Str) -> Objects", section=S,
        doc="Objects whose category or label equals `name`, case-insensitively, ignoring "
            "spaces, `_` and `-` (`\"stove burner\"` finds `StoveBurner`).",
        example='find("stove burner")')
declare("the(S: Objects) -> Object", section=S,
        doc="The single member of `S`: `NoMatch` if it is empty, `Ambiguous` if it has more "
            "than one.",
        example='the("Fridge")')
declare("filter(S: Objects, p: Object => Bool) -> Objects", section=S,
        doc="The members of `S` for which `p` holds.",
        example='filter(objects, o => o.height > 1m)')
declare("count(S: Objects) -> Int", section=S, doc="Number of members of `S`.",
        example='count("Chair")')
declare("exists(S: Objects) -> Bool", section=S, doc="Whether `S` has a member.",
        example='exists("Microwave")')
declare("union(A: Objects, B: Objects) -> Objects", section=S, doc="Members of `A` or `B`.",
        example='union("Chair", "Sofa")')
declare("intersect(A: Objects, B: Objects) -> Objects", section=S,
        doc="Members of both `A` and `B`.",
        example='intersect("Chair", filter(objects, o => o.height > 1m))')
declare("minus(A: Objects, B: Objects) -> Objects", section=S,
        doc="Members of `A` that are not in `B`.",
        example='minus(objects, "Floor")')
declare("contains(S: Objects, o: Object) -> Bool", section=S, doc="Whether `o` is in `S`.",
        example='contains(objects, the("Fridge"))')
declare("argmin(S: Objects, key: Object => K) -> Object", section=S,
        doc="The member with the least key; `EmptySet` if `S` is empty, `Borderline` on a tie.",
        example='argmin("Chair", o => distance(o, the("Fridge")))')
declare("argmax(S: Objects, key: Object => K) -> Object", section=S,
        doc="The member with the greatest key; `EmptySet` if `S` is empty, `Borderline` on a "
            "tie.",
        example='argmax("Chair", o => o.height)')
declare("min(S: Objects, key: Object => K) -> K", "min(a: K, b: K) -> K", section=S,
        doc="Least key over the members of `S` (`EmptySet` if empty); with two values, the "
            "smaller.",
        example='min("Chair", o => o.height)')
declare("max(S: Objects, key: Object => K) -> K", "max(a: K, b: K) -> K", section=S,
        doc="Greatest key over the members of `S` (`EmptySet` if empty); with two values, the "
            "larger.",
        example='max("Chair", o => o.height)')
declare("sum(S: Objects, key: Object => K) -> K", section=S,
        doc="Sum of the keys over `S`; `EmptySet` if `S` is empty.",
        example='sum("Chair", o => o.volume)')
declare("mean(S: Objects, key: Object => K) -> K", section=S,
        doc="Mean of the keys over `S` (an `Int` key gives a `Number`); `EmptySet` if empty.",
        example='mean("Chair", o => o.height)')
declare("sort(S: Objects, key: Object => K) -> List[Object]", section=S,
        doc="The members in ascending order of key; `Borderline` if two keys are equal.",
        example='sort("Chair", o => o.height)')
declare("map(xs: Objects, f: Object => R) -> List[R]", "map(xs: List[T], f: T => R) -> List[R]",
        section=S,
        doc="`f` applied to each element: over `Objects` in order of `o.id`, over a `List` in "
            "list order.",
        example='map("Chair", o => o.height)')
declare("any(S: Objects, p: Object => Bool) -> Bool", section=S,
        doc="Whether `p` holds for some member of `S` (false for an empty set).",
        example='any("Chair", o => near(o, the("Table")))')
declare("all(S: Objects, p: Object => Bool) -> Bool", section=S,
        doc="Whether `p` holds for every member of `S` (true for an empty set).",
        example='all("Chair", o => o.height < 1.2m)')
declare("labels(xs: List[Object] | Objects) -> List[Str]", section=S,
        doc="Labels of the objects, in list order (for an `Objects` argument: sorted).",
        example='labels(sort("Chair", o => o.height))')
declare("parents(o: Object) -> Objects", section=S,
        doc="The object's parent in the scene graph (0 or 1 objects): the receptacle or "
            "support it was recorded in or on.",
        example='parents(the("Mug"))')
declare("children(o: Object) -> Objects", section=S,
        doc="The objects whose parent is `o`.",
        example='count(children(the("CounterTop")))')

# ----------------------------------------------------------------------- lists
S = "Lists"
declare("len(xs: List[T]) -> Int", section=S, doc="Number of elements of a list.",
        example="len(frames)")
declare("first(xs: List[T]) -> T", section=S,
        doc="The first element; `EmptySet` for an empty list.",
        example='first(sort("Chair", o => o.height))')
declare("last(xs: List[T]) -> T", section=S,
        doc="The last element; `EmptySet` for an empty list.",
        example='last(sort("Chair", o => o.height))')

# --------------------------------------------------------------------- scalars
S = "Scalars"
declare("abs(x: K) -> K", section=S, doc="Absolute value.",
        example='abs(the("Sink").center.x)')
declare("round(x: K, n: Int = 0) -> K", section=S,
        doc="`x` rounded to `n` decimals, half away from zero; keeps the type of `x` (a "
            "quantity rounds in its base unit).",
        example='round(distance(the("Sink"), the("Fridge")) in m, 2)')
declare("sqrt(x: Number) -> Number", "sqrt(x: Area) -> Length", section=S,
        doc="Square root of a `Number` (a `Number`) or of an `Area` (a `Length`).",
        example="sqrt(room.area)")
declare("norm(v: Vec3) -> Length", section=S, doc="Length of a vector.",
        example='norm(the("Sink").center - the("Fridge").center)')
declare("vec(x: Length, y: Length, z: Length) -> Vec3", section=S,
        doc="The vector (x, y, z) in the world frame (z up).", example="vec(1m, 0m, 1.5m)")

# ------------------------------------------------------------ metric relations
S = "Metric relations"
declare("distance(a: Point, b: Point) -> Length", section=S,
        doc="Euclidean distance between centres (a `Vec3` is a point).",
        example='distance(the("Sink"), the("Fridge"))')
declare("horizontal_distance(a: Point, b: Point) -> Length", section=S,
        doc="Distance between centres using the x–y components only.",
        example='horizontal_distance(the("Lamp"), the("Bed"))')
declare("gap(a: Point, b: Point) -> Length", section=S,
        doc="Least distance between the two solid boxes, 0 if they touch or overlap; exact to "
            "1 mm.",
        example='gap(the("Sink"), the("Fridge"))')
declare("higher(a: Point, b: Point) -> Bool", section=S,
        doc="`a.center.z > b.center.z`.", example='higher(the("Painting"), the("Sofa"))')
declare("above(a: Point, b: Point) -> Bool", section=S,
        doc=f"`a` and `b` are different, `a.bottom >= b.top - {SUPPORT_TOLERANCE:g}m`, "
            "`a.center.z > b.top`, and the x–y footprints (the boxes' projections) overlap "
            "with positive area. Irreflexive: a thin object is not above itself, nor above "
            "the surface it lies in.",
        example='above(the("Lamp"), the("Table"))')
declare("below(a: Point, b: Point) -> Bool", section=S, doc="`above(b, a)`.",
        example='below(the("Table"), the("Lamp"))')
declare("on(a: Point, b: Point) -> Bool", section=S,
        doc="`a` rests on `b`; never `a` itself, and containment is not support. Where the "
            "scene records how `a` is held (AI2-THOR's receptacles): true iff `b` is `a`'s "
            "parent and `a` is on it, not in it; a fixture (a counter, a drawer) rests on "
            "nothing. Otherwise `inside(a, b)` is false and the geometric rule holds: "
            f"`above(a, b)`, `|a.bottom - b.top| <= {SUPPORT_TOLERANCE:g}m`, "
            f"`a.top > b.top + {SUPPORT_MIN_RISE:g}m`, and at least "
            f"{SUPPORT_MIN_SHARE:.0%} of `a`'s footprint area lies over `b`'s footprint.",
        notes=("The record is the scene file's `parent` with its optional `support`: "
               "`\"on\"` or `\"in\"` the parent, or `\"fixed\"` (built into the room or a "
               "piece of furniture; no parent). A parent without `support` is `on` it unless "
               "`inside(a, b)`; an object with neither falls to the geometric rule. So a "
               "pillow recorded on a bed is on it although the bed's box, headboard "
               "included, encloses the pillow, and a mug recorded in a fridge is not on it.",
               "Footprints are the boxes' x–y projections (as for `above`); an exact half "
               "counts. A `Vec3` has no footprint: it is never on anything, nor anything on "
               "it."),
        example='on(the("Mug"), the("DiningTable"))')
declare("inside(a: Point, b: Point) -> Bool", section=S,
        doc="The centre of `a` lies inside the box of `b` and `a.volume < b.volume`. Where the "
            "scene records that `a` rests on an object `p`, also `b != p` and `inside(p, b)`: "
            "containment passes through the support (a mug on a shelf in a cabinet is inside "
            "the cabinet; a book on a table is not inside the tucked-in chair whose box "
            "reaches over the table top, nor inside a bed it lies on).",
        example='inside(the("Egg"), the("Fridge"))')
declare("near(a: Point, b: Point, within: Length = 1m) -> Bool", section=S,
        doc="`gap(a, b) <= within` and `a != b`. A negative `within` is `Degenerate`.",
        example='near(the("Chair"), the("Table"), within=0.5m)')
declare("between(x: Point, a: Point, b: Point, within: Length = 0.5m) -> Bool", section=S,
        doc="With `t = (x-a)·(b-a)/|b-a|²` on centres: `0 < t < 1` and the horizontal distance "
            "from `x`'s centre to the line through `a` and `b` is at most `within`. A negative "
            "`within` is `Degenerate`.",
        example='between(the("Table"), the("Sofa"), the("Television"))')

# ------------------------------------------------------------------ directions
S = "Directions"
_SECTORS_NOTE = (
    "Sectors (`b` = bearing in degrees): `sectors=2`: `left` if b > 0, `right` if b < 0. "
    "`sectors=4`: `front-left` (0, 90), `back-left` (90, 180), `front-right` (-90, 0), "
    "`back-right` (-180, -90). `sectors=8`: `front` [-22.5, 22.5), `front-left` [22.5, 67.5), "
    "`left` [67.5, 112.5), `back-left` [112.5, 157.5), `back` b ≥ 157.5 or b < -157.5, "
    "`back-right` [-157.5, -112.5), `right` [-112.5, -67.5), `front-right` [-67.5, -22.5). "
    "A bearing exactly on a boundary of sectors 2 or 4, or within `margin` of any boundary, is "
    "`Borderline`; a negative `margin` is `Degenerate`. `sectors` must be the literal 2, 4 or "
    "8.",
)
declare("bearing(at: Point, facing: Point, target: Point) -> Angle", section=S,
        doc="Standing at `at` and facing `facing`, the horizontal angle to `target`: with "
            "`f = facing-at`, `r = target-at` in x–y, `atan2(f.x*r.y - f.y*r.x, f.x*r.x + "
            "f.y*r.y)` in degrees, in (-180, 180]; positive = left. `Degenerate` if `f` or `r` "
            "is under 1 mm.",
        example='bearing(the("Sofa"), the("Television"), the("Lamp"))')
declare("direction(at: Point, facing: Point, target: Point, sectors: Int = 4, "
        "margin: Angle = 0deg) -> Str", section=S,
        doc="The sector of `bearing(at, facing, target)` (see the sector table).",
        example='direction(the("Sofa"), the("Television"), the("Lamp"), sectors=8)',
        notes=_SECTORS_NOTE)
declare("clock(at: Point, facing: Point, target: Point) -> Int", section=S,
        doc="Clock direction: 12 straight ahead, 3 to the right, 9 to the left: "
            "`h = round(-bearing/30) mod 12`, 0 → 12.",
        example='clock(the("Sofa"), the("Television"), the("Lamp"))')

# ---------------------------------------------------------------- camera views
S = "Camera views"
declare("to_camera(p: Point, f: Frame) -> Vec3", section=S,
        doc="The point (an `Object`: its centre) in `f`'s camera coordinates (OpenCV: x right, "
            "y down, z forward).",
        example='to_camera(the("Sofa"), frame(0))')
declare("depth(o: Point, f: Frame) -> Length", section=S, doc="`to_camera(o, f).z`.",
        example='depth(the("Sofa"), frame(0))')
declare("camera_distance(o: Point, f: Frame) -> Length", section=S,
        doc="Distance from the camera centre to `o`'s centre.",
        example='camera_distance(the("Sofa"), frame(0))')
declare("camera_gap(o: Point, f: Frame) -> Length", section=S,
        doc="Distance from the camera centre to the nearest point of `o`'s box (0 inside it).",
        example='camera_gap(the("Sofa"), frame(0))')
declare("view_bearing(o: Point, f: Frame) -> Angle", section=S,
        doc="`atan2(-x, z)` of `to_camera(o, f)` in degrees; positive = left of the optical "
            "axis.",
        example='view_bearing(the("Sofa"), frame(0))')
declare("view_direction(o: Point, f: Frame, sectors: Int = 2, margin: Angle = 0deg) -> Str",
        section=S, doc="The sector of `view_bearing(o, f)`, same table as `direction`.",
        example='view_direction(the("Sofa"), frame(0))', notes=_SECTORS_NOTE)
declare("left_of(a: Point, b: Point, f: Frame) -> Bool", section=S,
        doc="`a`'s centre has a smaller camera x than `b`'s in frame `f`.",
        example='left_of(the("Sofa"), the("Lamp"), frame(0))')
declare("right_of(a: Point, b: Point, f: Frame) -> Bool", section=S,
        doc="`a`'s centre has a larger camera x than `b`'s in frame `f`.",
        example='right_of(the("Sofa"), the("Lamp"), frame(0))')
declare("closer(a: Point, b: Point, f: Frame) -> Bool", section=S,
        doc="`depth(a, f) < depth(b, f)`.",
        example='closer(the("Sofa"), the("Lamp"), frame(0))')

# --------------------------------------------------------- visibility and time
S = "Visibility and time"

declare("visible(o: Object, f: Frame) -> Bool", section=S,
        doc=f"`visibility(o, f) >= {VISIBLE_FRACTION:g}`: `o` can be seen in `f`.",
        example='visible(the("Sofa"), frame(0))')
declare("visibility(o: Object, f: Frame) -> Number", section=S,
        doc="The visible fraction of `o` recorded in `f`'s visibility map, in [0, 1]; 0 if the "
            "map does not list `o` (a source that records only flags gives 1).",
        example='visibility(the("Sofa"), frame(0))')
declare("screen_size(o: Object, f: Frame) -> Number", section=S,
        doc="Shorter side, in pixels, of the 2-D box of `o`'s projected corners, clipped to the "
            "image; 0 if `o` is behind the camera or outside the image. A box that reaches "
            f"behind the camera is first cut at {SCREEN_NEAR * 100:g} cm in front of it, so its "
            "near part stretches to the image border as it does in a picture.",
        example='screen_size(the("Sofa"), frame(0))')
declare("clearly_visible(o: Object, f: Frame) -> Bool", section=S,
        doc=f"`visibility(o, f) >= {CLEAR_FRACTION:g}` and `screen_size(o, f) >= "
            f"{CLEAR_PIXELS:g}`: clear enough in `f` to ask about (synthesis.md).",
        example='clearly_visible(the("Sofa"), frame(0))')
declare("in_view(f: Frame) -> Objects", section=S, doc="The objects visible in `f`.",
        example="count(in_view(frame(0)))")
declare("seen(o: Object) -> Bool", section=S, doc="`o` is visible in some frame.",
        example='seen(the("Sofa"))')
declare("clearly_seen(o: Object) -> Bool", section=S,
        doc="`clearly_visible(o, f)` for some frame `f`.",
        example='clearly_seen(the("Sofa"))')
declare("first_seen(o: Object) -> Int", section=S,
        doc="Index of the first frame showing `o`; `NotSeen` if none does.",
        example='first_seen(the("Sofa"))')
declare("first_clearly_seen(o: Object) -> Int", section=S,
        doc="Index of the first frame in which `o` is `clearly_visible`; `NotSeen` if none. "
            "Where it differs from `first_seen`, a viewer may say `o` first appears here.",
        example='first_clearly_seen(the("Sofa"))')
declare("last_seen(o: Object) -> Int", section=S,
        doc="Index of the last frame showing `o`; `NotSeen` if none does.",
        example='last_seen(the("Sofa"))')
declare("co_visible(a: Object, b: Object) -> Bool", section=S,
        doc="Some frame shows both `a` and `b`.",
        example='co_visible(the("Sofa"), the("Lamp"))')
declare("appearance_order(xs: List[Object] | Objects) -> List[Object]", section=S,
        doc="The objects sorted by `first_seen`; `Borderline` if two first appear in the same "
            "frame, `NotSeen` if one is never seen.",
        example='appearance_order(union("Sofa", "Lamp"))')

# --------------------------------------------------------------- camera motion
S = "Camera motion"
declare("turn(f1: Frame, f2: Frame) -> Angle", section=S,
        doc="Signed change of the camera's horizontal heading from `f1` to `f2`, wrapped to "
            "(-180, 180]; positive = turned left.",
        example="turn(frame(0), frame(-1))")
declare("move(f1: Frame, f2: Frame) -> Vec3", section=S,
        doc="Camera displacement from `f1` to `f2` in `f1`'s body frame: x forward (heading), "
            "y left, z up.",
        example="move(frame(0), frame(-1)).x")
declare("travel(f1: Frame, f2: Frame) -> Length", section=S,
        doc="Sum of the horizontal distances between consecutive frames from `f1` to `f2`.",
        example="travel(frame(0), frame(-1))")
declare("route(f1: Frame, f2: Frame) -> List[Str]", section=S,
        doc="The camera path from `f1` to `f2` as instructions: `turn left 45 degrees`, "
            "`turn right 90 degrees`, `go forward 2.7 meters` (see the route rules).",
        example="route(frame(0), frame(-1))",
        notes=("Start with heading h = the heading of f1. For each pair of consecutive frames "
               "with horizontal displacement d: if |d| ≥ 0.05 m, turn from h to the direction "
               "of d, go forward |d|, and set h to that direction; then turn from h to the next "
               "frame's heading. Turns are signed (left positive) and wrapped to (-180, 180]. "
               "Runs of consecutive turns merge into one (their sum, wrapped); merged turns "
               "under 1° are dropped; runs of consecutive forwards merge into one. Degrees are "
               "rounded to an integer, metres to one decimal.",))

# ------------------------------------------------------------------ attributes
_OBJECT_ATTRIBUTES = (
    ("id", T.STR, "Scene-unique id."),
    ("category", T.STR, "Class, e.g. `\"Fridge\"`."),
    ("label", T.STR, "The scene's human-readable name if given (unique), else the category."),
    ("center", T.VEC3, "Centre of the oriented box."),
    ("size", T.VEC3, "Extents along the object's local x, y, z."),
    ("height", T.LENGTH, "`o.top - o.bottom`."),
    ("length", T.LENGTH, "Larger of the two local extents whose axes are most horizontal."),
    ("width", T.LENGTH, "Smaller of the two local extents whose axes are most horizontal."),
    ("longest", T.LENGTH, "Largest of the three extents."),
    ("volume", T.VOLUME, "Product of the three extents."),
    ("footprint", T.AREA, "`o.length * o.width`."),
    ("top", T.LENGTH, "Largest z over the 8 box corners."),
    ("bottom", T.LENGTH, "Smallest z over the 8 box corners."),
    ("yaw", T.ANGLE, "Heading of the local x axis, CCW from world +x, in (-180, 180]."),
)
for _name, _type, _doc in _OBJECT_ATTRIBUTES:
    declare_attribute(T.OBJECT, _name, _type, _doc)
for _axis in "xyz":
    declare_attribute(T.VEC3, _axis, T.LENGTH, f"The {_axis} component.")
declare_attribute(T.FRAME, "index", T.INT, "The frame's index.")
declare_attribute(T.FRAME, "time", T.NUMBER, "The frame's time in seconds.")
declare_attribute(T.FRAME, "position", T.VEC3, "The camera centre.")
declare_attribute(T.ROOM, "area", T.AREA,
                  "Floor polygon area, else the x–y area of the scene bounds.")
declare_attribute(T.ROOM, "length", T.LENGTH, "Larger side of the floor's bounding rectangle.")
declare_attribute(T.ROOM, "width", T.LENGTH, "Smaller side of the floor's bounding rectangle.")
declare_attribute(T.ROOM, "height", T.LENGTH, "Room height.")
