"""Referring expressions: SpatialDSL expressions that provably select one object.

SPRITE names objects by captioning crops with a model; spdsl *synthesizes*
references instead (synthesis.md, "Referring expressions"). For every object of
a category that occurs more than once, ``find_references`` searches, simplest
first (the ``kind`` of a reference; its ``form`` says which variant):

1. ``label``    the scene's own unique label: ``the(find("red chair"))``;
2. ``extreme``  tallest / shortest / largest (volume) / smallest of its category,
                ``argmax(find("Chair"), o => o.height)``; also highest / lowest
                (centre height: "the highest shelf") and, in a stack, the ranks
                between: "the second-highest shelf", "the middle shelf",
                ``sort(find("Shelf"), o => o.center.z)[-2]``;
3. ``distance`` nearest / farthest of its category to a unique landmark:
                ``argmin(find("Chair"), o => distance(o, the("Window")))``, and
                the ranks between along a row ("the second-nearest cabinet to
                the fridge", ``sort(find("Cabinet"), o => distance(o, ...))[1]``);
4. ``relation`` a relation to a unique landmark that holds for it alone:
                ``the(filter(find("Mug"), o => on(o, the("DiningTable"))))``.
                Relations: ``on``, ``inside``, ``near(within=0.5m)`` (the spec's)
                and, as additions, their converses "containing the spoon"
                (``inside(L, o)``) and "with the toaster on it" (``on(L, o)``),
                ``above`` and ``below``. ``inside`` / "containing" is not used
                where it contradicts a recorded parent (the inner object is
                recorded on, or in, another object). When a relation holds for several
                members, an extreme or a stack rank among them ("the highest drawer
                below the toaster", "the largest cabinet near the fridge", "the
                second-lowest drawer near the sink", same margins as kind 2);
5. ``view``     (``frames=True``) in one frame, the leftmost / rightmost /
                closest of its category among those visible, or the only one
                visible: ``argmin(filter(find("Stool"), o => visible(o, frame(3))),
                o => depth(o, frame(3)))``. ``frame(i)`` is the frame's position in
                the scene's frame list (``Reference.frame``).

Chained landmarks
-----------------
Kinds 3 and 4 need a landmark, and in a kitchen the unique objects are few:
rows of drawers and cabinets stay out of reach. After the first round
(``chain`` rounds, default 1) the objects still unreferenced are searched again
with new landmarks: the objects *referenced* in the round before, each selected
by its simplest allocentric reference -- "the mug on the tallest chair",
``the(filter(find("Mug"), o => on(o, argmax(find("Chair"), o => o.height))))``
(the inner ``o`` shadows the outer one, as the language allows). Such a
reference has ``chained=True``. A landmark of the target's own category is
allowed ("the drawer near the highest drawer", "the tray on the largest tray":
every relation is irreflexive since language.md v0.2, and ``near`` excludes the
landmark), but only when the relation holds for one member: an extreme among the
members it holds for would read as a riddle ("the tallest book near the tallest
book", "the largest cabinet near the largest cabinet above the microwave").
Distances to a same-category landmark are not searched (the landmark is its own
nearest). Margins, bands and proofs are those of the first
round; the proof evaluates the whole expression, landmark included, on every
jittered copy. Measured on the 120 iTHOR rooms (``bench/bench_refer.py``): one
chained round lifts coverage from 77.1 % to 82.3 % for 25 % more time; a second
adds 1 point (83.3 %) for 15 % more and longer texts, so it is off by default.

How a reference is found and proved
-----------------------------------
The search never computes geometry itself (the runtime's kernels do). Per scene
it runs **one key program** whose ``let`` values are every key the search needs,
all evaluated by the vectorized runtime: per object its height, volume and
centre height; per (landmark, object) pair the distance and every relation; per
(frame, object) visibility, depth and view bearing. Each key is a ``map`` over
the landmarks of a ``map`` over the multi-instance objects, whose innermost body
is evaluated once over all pairs (as the runtime batches nested maps). The
program names no category and no object (the sets are bound when it runs), so
it is checked once for all scenes searched with the same kinds. From the keys
the search takes, per key and category, the best member and the runner-up and
applies the margins below; a relation is a candidate when it holds for exactly
one member of the category.

Programs and references are data: every expression is an AST made with
``lang.build`` (a ``Reference`` holds its ``expr`` and its English ``text``; its
``expression`` is the printer's text of ``expr``), and each program is type-checked as
built (``check.check``), never printed and parsed again.

Every candidate is then **proved** by the runtime: its expression is evaluated
on the scene and on its 8 jittered copies (``runtime.jitter``: every centre
moved by up to 2 cm, seeded, built once per scene and reusable by the caller),
stacked as 9 worlds (``runtime.worlds``: world by world the same numbers). A
candidate is kept only if all 9 evaluations answer exactly its object (a
rejection -- ``NoMatch``, ``Ambiguous``, ``Borderline`` -- or another object
fails it). Candidates whose expressions differ only in their strings ("the mug
on the table", "the book on the shelf") share one *template*,
``the(filter(find(q0), o => on(o, the(q1))))``, checked once for every scene and
evaluated once for all of them, a row per candidate and world with its strings
bound, so each is still judged on its own rows. Should the worlds not stack (a
room derived from the moved objects) or an evaluation run out of its limits, the
candidates are checked as programs of one ``let`` each (at most ``PROOF_BATCH``
lets a program) and evaluated on the scene, then copy after copy. Proofs run in
rounds: the clearest ``per_kind`` candidates of every (object, kind) first, and
the next ones only where a proof failed.

Margins (the runner-up is the second-best member of the same set)
----------------------------------------------------------------
- size extremes: the best beats the runner-up by >= 10 %: tallest
  ``h1 >= 1.1 * h2``, shortest ``h2 >= 1.1 * h1`` (volume likewise);
- highest / lowest: centre heights >= 0.15 m apart (a height above the floor has
  no meaningful ratio; stacked drawers are ~0.17 m apart); a stack rank
  (second-highest, third-lowest, middle: counted from the nearer end, up to the
  third; "middle" is the centre of an odd set) needs 0.15 m to *both* neighbours
  in the ranking, and no two members at exactly the same height (``sort`` rejects
  a tie as Borderline);
- nearest / farthest: the runner-up's distance differs by >= 20 % of the
  smaller distance **and** by >= 0.3 m; a distance rank (second-nearest,
  third-farthest, up to the third from either end) by as much from *both*
  neighbours in the ranking, and no two members at exactly the same distance;
- relations: a *band* instead of a runner-up. Jitter moves two centres apart by
  at most r = 4 cm, so a relation is a reference for (category, landmark) only
  if no member's truth could change by such a move:
  ``near``: no member's gap within 4 cm of 0.5 m; ``on`` / ``above`` / ``below``
  (and converses): an ``on`` whose resting side has its support recorded (the
  scene's ``support``, as every AI2-THOR object has) follows the record and is
  sure; otherwise no member's height difference (``bottom - top``) within 4 cm
  of the -5 cm / +5 cm tolerances, and no member's footprint overlap changes
  when the landmarks move by r * sqrt(2) along +-x and +-y (4 shifted copies of
  the scene; convexity makes an overlap at those 4 shifts an overlap at every
  shift up to r); ``inside`` / ``containing``: every member's centre either
  farther than r from the box or inside it with the 6 points at r * sqrt(3)
  along the world axes inside too (their octahedron holds the ball of radius r).
  Every band quantity is a key of the key program, but the footprint overlaps: the
  runtime's ``above`` kernel on the 4 shifted copies and the scene (stacked as
  worlds), for the pairs whose footprints can meet (the discs of their half
  diagonals come within the shift). A near-miss the bands let
  through still meets the jitter proof (``RELATION_BAND_M = 0`` turns the bands
  off and leaves the proof alone, as synthesis.md minimally asks);
- view, closest: depth (camera z) margin >= 20 % and >= 0.3 m, as for distances;
- view, leftmost / rightmost: >= 10 degrees of ``view_bearing`` between the
  best and the runner-up. The bearing (``atan2(-x, z)`` in camera coordinates)
  orders objects by image column, which is what "leftmost in this view" means;
  raw camera x does not (a near object slightly right of the axis can have a
  smaller x than a far object well right of it);
- view, only one visible: "the stool in this view" needs no margin.

Naturalness filters (candidates that would be true but refer to nothing a person
would say): in an ``on`` the resting object must have the smaller footprint and
rest on nothing else (in a scene without support records, a crate resting on a
smaller box is "the box with the crate on it" rather than "the crate on the box",
and a mug on a plate 1 cm above a table rests on both); ``find(category)``
members of another category (matched by their label) are never referred to as
"the ... <category>".

Landmarks
---------
A landmark is an object ``the(NAME)`` selects on its own: its category occurs
once (``find(category)`` matches exactly it), or else its explicit label does.
Excluded, because "nearest the floor" or "inside the room" says nothing:

- structural categories: floor, wall, ceiling, room (and plurals);
- huge objects: footprint larger than a third of the room's floor area (the box
  of an L-shaped AI2-THOR countertop can cover 70 % of a kitchen);
- containers of everything: boxes holding the centres of more than half of the
  scene's other objects (a "room" box in imported scans).

Both exclusion keys (footprint share, contained count) come from the key program.

Modules
-------
``model`` (kinds, forms, relations, the records), ``landmarks`` (what ``the(NAME)``
selects; chained landmarks), ``keys`` (the key program and its run), ``margins`` (margins
and ranks), ``candidates`` (keys -> candidate references), ``search`` (the driver, the
proof and the ``Ref`` domains). This package re-exports the public names.
"""

from spatial_dsl.tolerances import (
    BEARING_MARGIN_DEG, DISTANCE_MARGIN_M, DISTANCE_MARGIN_REL, EXTREME_MARGIN,
)
from .model import (
    DEFAULT_CHAIN, DEFAULT_PER_KIND, KINDS, MAX_CONTAINED_SHARE, MAX_LANDMARK_SHARE,
    NEAR_WITHIN, RELATION_BAND_M, STRUCTURAL, ObjectReferences, Reference, ReferenceReport,
)
from .search import binding_domain, find_references, jitter_for, references_for_binding

__all__ = [
    "EXTREME_MARGIN", "DISTANCE_MARGIN_M", "DISTANCE_MARGIN_REL", "BEARING_MARGIN_DEG",
    "NEAR_WITHIN", "KINDS", "ObjectReferences", "Reference", "ReferenceReport",
    "binding_domain", "find_references", "references_for_binding", "jitter_for",
    "DEFAULT_CHAIN", "DEFAULT_PER_KIND", "MAX_CONTAINED_SHARE", "MAX_LANDMARK_SHARE",
    "RELATION_BAND_M", "STRUCTURAL",
]
