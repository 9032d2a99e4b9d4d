"""Pictures: a top-down map of a scene, with what a program touched highlighted.

    from spatial_dsl.show import analyse_program, render, save

    analysis = analyse_program(program_text, scene)       # runs the program once
    drawing = render(scene, analysis)                     # matplotlib Figure + index
    save(drawing.figure, "out.png")                       # atomic; .png or .svg

Everything is drawn with matplotlib's object API on an Agg canvas (never pyplot),
so no display is needed and nothing global is touched.

The package's modules: ``analysis`` (run the program, collect what it touched),
``figure`` (the map, title and caption), ``key`` (the legend), ``labels`` (label
placement), ``output`` (PNG/SVG bytes and files), ``sheet`` (many pictures of one
scene on one reused figure, for `spdsl review`), ``common`` (palette, sizes,
``ShowError``, ``Drawing``).

What is drawn, bottom to top:

- the room outline (the floor polygon, else the scene's x-y bounds) and its walls
  (v0.2), thick dark lines: ``room.walls``, else the floor polygon's edges;
- every object's footprint: the x-y convex hull of its 8 box corners (an oriented
  rectangle for upright boxes), largest first so that small things sit on top of
  what they stand on; floors palest; an object too small to see at the map's
  scale also gets a dot of a minimum size;
- the objects the program touched, above all others: each ``let`` bound to an
  Object, Objects or List[Object] value gets a colour of its own (legend: the
  let name), as does each other object-valued expression outside lambdas in
  the statements that ran (``find("Chair")`` inside ``count(...)``, ``the(a)``
  inside ``distance(...)``, a string standing for ``find``; legend: its source
  text), evaluated on its own, unless it selects nothing, everything, or the
  same objects as an earlier highlight. An object in several highlights is
  filled with the colour of the smallest of them (the most specific), ties to
  the first; a highlighted floor is tinted, not covered;
- the answer's objects (Object / List[Object] answers) outlined thick black;
- the camera path (when the scene has frames), and the positions and view
  frustums (horizontal field of view from ``fx`` and ``width``) of the frames
  the program uses: frames bound by ``let``, frame-valued expressions outside
  lambdas (``frame(2)``), the span of ``route``/``travel``, the frames given by
  the caller, and every frame when the program is frame-wide (it names
  ``frames`` or calls ``seen``, ``first_seen``, ``last_seen``, ``co_visible``
  or ``appearance_order``). Without a program, every frame is drawn (the walk);
- labels, placed greedily in display pixels (answer objects first, then other
  highlighted objects, then used frames, then other objects, largest first):
  on the object when the label fits inside it, else at the first spot, ring by
  ring around it, whose box overlaps no label placed before and no camera or
  highlighted object's centre; optional labels also keep off highlighted
  footprints. A label away from its object gets a leader line. Labels of
  highlighted objects and used frames are always placed (falling back to a
  scan of the whole map); other labels are dropped when there is no room
  within three rings, and tiny unhighlighted objects (under 15 cm) and floors
  are never labelled.
- a legend beside the map and a caption under it with the question and the
  answer (or the rejection).
"""

from .analysis import Analysis, Highlight, analyse, analyse_program
from .common import (
    ANSWER_COLOR, CAMERA_COLOR, DPI, FLOOR_FACE, FORMATS, MAX_WALK_LABELS, MIN_MARK_PT,
    OBJECT_EDGE, OBJECT_FACE, PALETTE, PATH_COLOR, ROOM_EDGE, TINY, WALL_COLOR, Drawing,
    ShowError,
)
from .figure import render
from .output import save, to_bytes
from .sheet import Sheet

__all__ = ["Analysis", "Drawing", "Highlight", "Sheet", "ShowError", "analyse",
           "analyse_program", "render", "save", "to_bytes", "FORMATS", "ANSWER_COLOR",
           "CAMERA_COLOR", "DPI", "FLOOR_FACE", "MAX_WALK_LABELS", "MIN_MARK_PT", "OBJECT_EDGE",
           "OBJECT_FACE", "PALETTE", "PATH_COLOR", "ROOM_EDGE", "TINY", "WALL_COLOR"]
