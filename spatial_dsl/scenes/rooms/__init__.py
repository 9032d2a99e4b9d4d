"""Room inference for the built-in AI2-THOR scenes: a floor polygon and walls (scenes.md v0.2).

The recorded iTHOR/RoboTHOR metadata has objects and no walls, and the
``Floor`` object's box is no guide to them: it reaches past the walls (3.4 m
in FloorPlan311) or stops short of them (0.4 m in FloorPlan30). So the room
is inferred from what the objects say, deterministically, in the scene's own
x-y axes (every AI2-THOR wall is axis-aligned). An iTHOR scene is one room:

1. **Footprints.** Each object's footprint is the x-y bounding rectangle of
   its box corners. The ``Floor`` is left out. An object more than ``STRAY``
   (0.5 m) outside the floor box is *stray* (FloorPlan410 has a faucet at
   the world origin, 1.15 m outside its bathroom): it is left out and
   reported.
2. **Pins.** Wall-mounted objects pin walls (``wall_mounted``): windows,
   paintings, posters, mirrors, light switches, towel holders, hand-towel
   holders, toilet-paper hangers, curtains, blinds, and televisions at most
   0.2 m deep resting on nothing (hung, not on a stand or a dresser). A
   pin must be axis-aligned (yaw within 5 degrees of a multiple of 90, and
   not an ``attributes.box == "aabb"`` box of a turned object) and at most
   0.6 m deep. Its wall runs along it, across its thin direction (or, for
   a squarish object, across the direction in which it is nearest a side
   of the objects' rectangle), at its *back face*, the face towards that
   nearer side. A window fills
   the wall's thickness and the room ends at its *inner* face (where the
   counters under FloorPlan1's window end). Wall cabinets and shelves are
   not pins: their boxes are not flush with the wall (FloorPlan24's hang
   0.3 m in front of the wall its fridge and counter touch), so they bound
   the room like furniture.
3. **Rectangle.** Each side starts at the outermost footprint on that side
   (furniture stands inside the room; windows count only along their wall).
   Pins whose wall lies within ``SIDE_TOL`` (0.3 m) inside that side, or
   beyond it, decide it: the side moves to the outermost such wall. Objects
   then left outside by more than ``PROTRUDE_TOL`` (0.15 m) are reported as
   *protruding*: fridges, counters, faucets and toilets whose boxes poke
   through the wall, windows by their thickness. A side without pins stays
   at the outermost footprint, or at the floor box if that is nearer (a
   counter top reaching 0.32 m past FloorPlan16's floor pokes through the
   wall): no evidence says the wall is further out.
4. **Cuts.** A pin whose wall lies more than ``SIDE_TOL`` inside the
   rectangle says the room ends there. Behind its back face (for a window,
   its outer face, so that a window set deeper into the same wall, as in
   FloorPlan218, is not cut away) a strip is cut out of the rectangle:
   across, from the wall to the rectangle's side; along the wall, from the
   pin both ways until a footprint reaching more than ``SIDE_TOL`` behind
   the wall stops it. The cut is kept only if it reaches a corner of the
   rectangle (the room is an L, a T, a staircase...). A pin cuts nothing,
   and is reported as an *unused pin*, when it hangs on an object (one
   right at its back reaching more than ``HANG_TOL``, 5 cm, past it, like a
   bed's headboard, or a shower's glass, door or curtain: a towel holder on
   the glass), when it stands in front of an object further behind (it is
   on a partition with more room behind: FloorPlan204's light switch and
   its dining room), or when objects stand behind it on both sides.
5. **Polygon.** Rectangle minus cuts is a rectilinear polygon, its vertices
   rounded to the millimetre; the cuts are corner rectangles, so it has no
   holes and is orthogonally convex. Its edges are the walls (``walls`` is
   left out of the scene file). Wall-mounted objects further than
   ``PROTRUDE_TOL`` from every wall (a free-standing mirror) are reported as
   *off the wall*. A degenerate rectangle (narrower than ``MIN_SIDE``, e.g. a
   scene of one window) falls back to the footprints' bounding rectangle.

RoboTHOR (``shell``) holds several rooms in one apartment. Its 75 scenes are
furniture and wall layouts inside one apartment shell: every RoboTHOR
painting on an outer wall hangs on one of four lines (x = 1.02, x = 9.77,
y = -4.89, y = -1.03, within 0.01 m, over all 75 scenes). So the polygon of
every RoboTHOR scene is that shell (``robothor_shell`` takes each side as the
median wall of the pins near it over all scenes), and the apartment's inner
walls are explicit ``walls`` segments besides the shell's four edges: each
interior pin's wall line (through its middle: a partition may carry pictures
on both faces; pins within ``INNER_MERGE`` of one line are one wall), from
the pin along its line up to ``INNER_REACH`` (1 m) each way, stopped by any
footprint standing across the line, and joined to the outer wall when it
ends within ``JOIN_GAP`` (0.5 m, too narrow for a doorway) of it. A
footprint across the line at the pin itself pokes through the wall (the
picture hangs on it): the wall keeps the pin's span but does not extend
past that footprint. Doorways are not in the metadata, so an inner wall is
only as long as the evidence for it: inference never closes a doorway, at
the price of inner walls that may be shorter than the real ones.

Everything is a pure function of the scene (and, for RoboTHOR, of the pins of
all RoboTHOR scenes), so inference is deterministic. ``RoomInference.report``
(kept in the scene's ``source.room``) lists what the polygon leaves out
(stray and protruding objects, with how far they stick out), the cuts, and
the pins it could not use, with why. A scene file's own ``room`` is never
replaced: inference runs only where built-in scenes are converted.

The package, one module per responsibility: ``thresholds`` (the numbers above),
``evidence`` (footprints and pins), ``single`` (an iTHOR room), ``apartment``
(RoboTHOR), ``planar`` (plane geometry), ``report`` (``source.room``) and ``infer``
(the entry points).
"""

from .apartment import robothor_shell
from .evidence import footprints, pin_mask, wall_mounted
from .infer import RoomInference, add_inferred_rooms, infer_room, room_document
from .planar import inside_polygon, segment_distance

__all__ = ["RoomInference", "add_inferred_rooms", "footprints", "infer_room", "inside_polygon",
           "pin_mask", "robothor_shell", "room_document", "segment_distance", "wall_mounted"]
