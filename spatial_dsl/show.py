"""Pictures: a top-down map of a scene, with what a program touched highlighted.

    from spatial_dsl.show import analyse_program, render, save

    analysis = analyse_program(program_text, scene)       # runs the program once
    drawing = render(scene, analysis)                     # matplotlib Figure + index
    save(drawing.figure, "out.png")                       # atomic; .png or .svg

Everything is drawn with matplotlib's object API on an Agg canvas (never pyplot),
so no display is needed and nothing global is touched.

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

from __future__ import annotations

import math
import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spatial_dsl.lang import ast
from spatial_dsl.lang import types as T
from spatial_dsl.lang.check.checker import Checked
from .runtime.answers import Answer, serialize
from .runtime.eval import DEFAULT_LIMITS, Evaluator, Limits
from .runtime.kernels import find_mask, list_to_mask
from .runtime.values import Rejection, element
from .scenes.model import Scene, normalise_name
from spatial_dsl.errors import SpdslError

__all__ = ["Analysis", "Drawing", "Highlight", "ShowError", "analyse", "analyse_program",
           "render", "save", "FORMATS"]

FORMATS = (".png", ".svg")

# Highlight colours, in order of appearance (lets first); chosen to stay apart from the
# grey of other objects, the black answer outline and the camera blue.
PALETTE = ("#e6194b", "#3cb44b", "#f58231", "#911eb4", "#f032e6", "#42d4f4", "#9a6324",
           "#808000", "#469990", "#ffd8b1")
ANSWER_COLOR = "#000000"
CAMERA_COLOR = "#1f5fa8"
PATH_COLOR = "#7a8ca3"
OBJECT_FACE, OBJECT_EDGE = "#d9d9d9", "#8c8c8c"
FLOOR_FACE = "#f6f5ef"
ROOM_EDGE = "#222222"
WALL_COLOR = "#5a5a5a"

SURFACE_NAMES = {"floor", "wall", "ceiling", "room"}
TINY = 0.15  # m: unhighlighted objects smaller than this are not labelled
MIN_MARK_PT = 5.0  # an object drawn smaller than this (points) also gets a dot
FRAME_WIDE_CALLS = {"seen", "first_seen", "last_seen", "co_visible", "appearance_order"}
FRAME_SPAN_CALLS = {"route", "travel"}
MAX_WALK_LABELS = 40

MAP_MIN_IN, MAP_MAX_IN = 4.0, 9.0
LEGEND_IN = 2.7
DPI = 100


class ShowError(SpdslError):
    """A program that cannot be pictured (e.g. a task template)."""


# --------------------------------------------------------------------------- analysis


@dataclass
class Highlight:
    name: str  # the let name, or the source text of the expression
    members: tuple[int, ...]  # object rows, ascending
    kind: str  # "let" | "expr"
    color: str = ""


@dataclass
class Analysis:
    question: str | None = None
    answer: Answer | None = None
    rejection: Rejection | None = None
    highlights: list[Highlight] = field(default_factory=list)
    answer_objects: tuple[int, ...] = ()
    frames: tuple[int, ...] = ()  # frame rows used, ascending
    frame_names: dict[int, list[str]] = field(default_factory=dict)  # row -> let names
    all_frames: bool = False  # a frame-wide program

    @property
    def ok(self) -> bool:
        return self.answer is not None


def analyse_program(text: str, scene: Scene, frames=(), name: str = "<program>",
                    limits: Limits = DEFAULT_LIMITS) -> Analysis:
    """Compile ``text`` against ``scene`` and analyse it; CompileError if it does not check."""
    from .api import CompileError
    from spatial_dsl.lang.check.checker import compile_source
    from .scenes.names import SceneNameTable

    checked = compile_source(text, name, SceneNameTable(scene))
    if not checked.ok:
        raise CompileError(checked)
    return analyse(checked, scene, frames, limits)


def analyse(checked: Checked, scene: Scene, frames=(),
            limits: Limits = DEFAULT_LIMITS) -> Analysis:
    """Run a checked program once and collect what it touched.

    ``frames`` are frame rows to show in any case (``--frame``, an image item's frame).
    """
    if checked.task is not None:
        raise ShowError("this is a task template; show one of its items' programs instead")
    trace: list = []
    evaluator = Evaluator(checked, scene, limits, trace)
    value, rejection = evaluator.run()
    out = Analysis(question=checked.question, rejection=rejection)
    if rejection is None:
        out.answer = serialize(value, checked.answer_type, scene)
    used: set[int] = {int(r) for r in frames if 0 <= int(r) < scene.frames.count}
    seen_sets: list[tuple[int, ...]] = []

    def add(name: str, members, kind: str) -> None:
        members = tuple(sorted({int(m) for m in members}))
        if kind == "expr" and (not members or members in seen_sets or len(members) == scene.n):
            return
        seen_sets.append(members)
        out.highlights.append(Highlight(name, members, kind))

    for name, v, t in trace:
        objs = _objects_of(v, t)
        if objs is not None:
            add(name, objs, "let")
        rows = _frames_of(v, t)
        for r in rows or ():
            used.add(r)
            out.frame_names.setdefault(r, []).append(name)
    if rejection is None:
        out.answer_objects = tuple(_objects_of(value, checked.answer_type) or ())
        used.update(_frames_of(value, checked.answer_type) or ())
    # Object- and frame-valued expressions outside lambdas, evaluated on their own.
    sub = Evaluator(checked, scene, limits)
    sub.globals = {name: v for name, v, _t in trace}  # the lets that were evaluated
    statements = [st for st in checked.program.statements
                  if not isinstance(st, (ast.Def, ast.Task))]
    at = rejection.span.start if rejection is not None else None
    if at is not None and any(st.span.start <= at < st.span.end for st in statements):
        # nothing after the statement that was rejected ran
        statements = [st for st in statements if st.span.start <= at]
    for node in _expressions(statements):
        typed = checked.typed.find(node)
        t, coercion = (typed.type, typed.coercion) if typed is not None else (None, None)
        wanted = (t in (T.OBJECT, T.OBJECTS, T.FRAME) or t == T.ListType(T.OBJECT)
                  or t == T.ListType(T.FRAME) or coercion in ("find", "set")
                  or _call_name(node) in FRAME_SPAN_CALLS)
        if not wanted or (isinstance(node, ast.Name) and node.id in ("objects", "frames")):
            continue
        if isinstance(node, ast.Name) and node.id in sub.globals and coercion is None:
            continue  # a let: already there under its own name
        v, problem = _evaluate(sub, node)
        if problem:
            continue
        if coercion == "find":
            objs = np.flatnonzero(find_mask(scene, np.asarray(v).reshape(-1))[0])
        elif coercion == "set":
            objs = np.flatnonzero(list_to_mask(scene, v)[0])
        else:
            objs = _objects_of(v, t)
        if objs is not None:
            text = _snippet(checked, node)
            add(f"find({text})" if coercion == "find" else text, objs, "expr")
        used.update(_frames_of(v, t) or ())
        if _call_name(node) in FRAME_SPAN_CALLS:
            used.update(_frame_span(sub, checked, node))
    if _frame_wide(checked.program):
        out.all_frames = True
        used.update(range(scene.frames.count))
    out.frames = tuple(sorted(used))
    for i, h in enumerate(out.highlights):
        h.color = PALETTE[i % len(PALETTE)]
    return out


def _evaluate(evaluator: Evaluator, node: ast.Expr):
    try:
        value, rejection = evaluator.evaluate(node, {})
    except KeyError:  # names a `let` that the run did not reach (it was rejected before)
        return None, True
    return value, rejection is not None


def _objects_of(value, t) -> list[int] | None:
    if t == T.OBJECT:
        return [int(element(value, 0))]
    if t == T.OBJECTS:
        return [int(i) for i in np.flatnonzero(np.asarray(value)[0])]
    if t == T.ListType(T.OBJECT):
        return [int(i) for i in element(value, 0)]
    return None


def _frames_of(value, t) -> list[int] | None:
    if t == T.FRAME:
        return [int(element(value, 0))]
    if t == T.ListType(T.FRAME):
        return [int(i) for i in element(value, 0)]
    return None


def _frame_span(evaluator: Evaluator, checked: Checked, node: ast.Call) -> list[int]:
    typed = checked.typed.find(node)
    if typed is None or typed.call is None or len(typed.kids) < 2:
        return []
    ends = []
    for arg in typed.kids[:2]:
        v, problem = _evaluate(evaluator, arg.node)
        if problem:
            return []
        ends.append(int(element(v, 0)))
    lo, hi = min(ends), max(ends)
    return list(range(lo, hi + 1))


def _call_name(node) -> str | None:
    return node.func if isinstance(node, ast.Call) else None


def _expressions(statements):
    """Every expression of the statements, outside lambdas, parents before children."""
    stack = list(reversed(statements))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Expr):
            yield node
        stack.extend(reversed(ast.children(node)))


def _frame_wide(program: ast.Program) -> bool:
    stack = list(program.statements)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and node.id == "frames":
            return True
        if isinstance(node, ast.Call) and node.func in FRAME_WIDE_CALLS:
            return True
        stack.extend(ast.children(node))
    return False


def _snippet(checked: Checked, node: ast.Expr, limit: int = 36) -> str:
    span = node.span
    text = " ".join(checked.source.text[span.start:span.end].split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --------------------------------------------------------------------------- drawing


@dataclass
class Drawing:
    """The figure and an index of what was drawn (artists carry the same names as gid)."""

    figure: object  # matplotlib.figure.Figure
    ax: object
    objects: dict[str, object] = field(default_factory=dict)  # object id -> footprint patch
    markers: dict[str, object] = field(default_factory=dict)  # object id -> min-size dot
    fill: dict[str, str] = field(default_factory=dict)  # object id -> highlight filling it
    highlights: dict[str, set[str]] = field(default_factory=dict)  # highlight -> object ids
    colors: dict[str, str] = field(default_factory=dict)  # highlight -> colour
    answer: set[str] = field(default_factory=set)  # object ids outlined as the answer
    labels: dict[str, object] = field(default_factory=dict)  # object id -> Text
    leaders: dict[str, object] = field(default_factory=dict)  # object id -> Line2D
    frustums: dict[int, object] = field(default_factory=dict)  # frame row -> Polygon
    cameras: dict[int, object] = field(default_factory=dict)  # frame row -> Line2D marker
    frame_labels: dict[int, object] = field(default_factory=dict)  # frame row -> Text
    path: object | None = None
    room: object | None = None
    walls: object | None = None  # LineCollection of the room's walls, when it has any
    caption: object | None = None
    unplaced: list[str] = field(default_factory=list)  # must-labels that had to overlap

    def label_artists(self) -> list:
        return list(self.labels.values()) + list(self.frame_labels.values())


def render(scene: Scene, analysis: Analysis | None = None, *, title: str | None = None,
           dpi: int = DPI, frames=None) -> Drawing:
    """Draw the map. Without ``analysis``: the scene alone, with its whole camera walk
    (or only the frame rows in ``frames``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    hulls = [_hull(scene.corners[i, :, :2]) for i in range(scene.n)]
    walk = analysis is None
    if walk:
        frame_rows = sorted(set(frames)) if frames is not None else list(
            range(scene.frames.count))
    else:
        frame_rows = list(analysis.frames)
    room_poly = _room_polygon(scene)
    lo, hi = _extent(scene, hulls, room_poly)
    span = float(max(hi - lo))
    pad = 0.06 * span + 0.3
    lo, hi = lo - pad, hi + pad
    w_in, h_in, lo, hi = _map_box(lo, hi)
    caption = _caption_lines(scene, analysis, w_in + LEGEND_IN)
    cap_in = 0.22 * len(caption) + 0.25
    top_in, left_in, right_in = 0.45, 0.55, 0.15
    fig_w = left_in + w_in + LEGEND_IN + right_in
    fig_h = top_in + h_in + 0.45 + cap_in
    fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([left_in / fig_w, (0.45 + cap_in) / fig_h, w_in / fig_w, h_in / fig_h])
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_autoscale_on(False)
    ax.tick_params(labelsize=7, length=2)
    ax.set_xlabel("x (m)", fontsize=7, labelpad=1)
    ax.set_ylabel("y (m)", fontsize=7, labelpad=1)
    ax.grid(True, color="#eeeeee", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    drawing = Drawing(fig, ax)
    points_per_m = w_in * 72 / float(hi[0] - lo[0])

    from matplotlib.patches import Polygon

    drawing.room = ax.add_patch(Polygon(room_poly, closed=True, fill=False, edgecolor=ROOM_EDGE,
                                        linewidth=1.6, zorder=1.8, gid="room"))
    drawing.walls = _draw_walls(ax, scene.room.wall_segments())
    highlights = analysis.highlights if analysis else []
    owner = _fill_owner(highlights)
    for h in highlights:
        drawing.highlights[h.name] = {scene.ids[i] for i in h.members}
        drawing.colors[h.name] = h.color
    answer = set(analysis.answer_objects) if analysis else set()
    _draw_objects(drawing, scene, hulls, owner, answer, points_per_m)
    frustum_len = float(np.clip(0.22 * span, 0.6, 2.0))
    _draw_frames(drawing, scene, frame_rows, walk, frustum_len * (0.45 if walk else 1.0))
    _place_labels(drawing, scene, hulls, owner, answer, analysis, frame_rows, walk)
    _draw_legend(fig, drawing, analysis, scene, frame_rows, walk,
                 [(left_in + w_in + 0.1) / fig_w, (0.45 + cap_in) / fig_h,
                  (LEGEND_IN - 0.1) / fig_w, h_in / fig_h])
    heading = title or _title(scene, analysis)
    fig.text(left_in / fig_w, 1 - 0.12 / fig_h, heading, fontsize=10, fontweight="bold",
             va="top", ha="left", gid="title")
    color = "#b00020" if analysis is not None and not analysis.ok else "#111111"
    drawing.caption = fig.text(left_in / fig_w, (cap_in - 0.1) / fig_h, "\n".join(caption),
                               fontsize=9, va="top", ha="left", color=color, gid="caption",
                               linespacing=1.35)
    return drawing


def _title(scene: Scene, analysis: Analysis | None) -> str:
    frames = f", {scene.frames.count} frames" if scene.frames.count else ""
    return f"{scene.id} — {scene.n} objects{frames}"


def _in_words(scene: Scene, answer):
    """The answer as a dataset item words it ("the tallest chair, sofa", not "Chair,
    Sofa"): objects by their natural names or proved references (``naming``)."""
    from .naming import ObjectNames, in_words

    return in_words(answer, ObjectNames.of(scene)).answer


def _caption_lines(scene: Scene, analysis: Analysis | None, width_in: float) -> list[str]:
    chars = max(40, int(width_in * 14))
    if analysis is None:
        text = ["Scene only" + (" — camera walk shown with frame numbers"
                                if scene.frames.count else "")]
        return text
    lines: list[str] = []
    question = analysis.question or "(the program states no question)"
    lines += textwrap.wrap("Q: " + question, chars) or ["Q:"]
    if analysis.ok:
        a = _in_words(scene, analysis.answer)
        unit = f" {a.unit}" if a.unit else ""
        lines += textwrap.wrap(f"A: {a.text}{unit}", chars)
    else:
        r = analysis.rejection
        lines += textwrap.wrap(f"Rejected [{r.kind}] at {r.span.line}:{r.span.column}: "
                               f"{r.message}", chars)
    return lines[:8]


def _hull(points: np.ndarray) -> np.ndarray:
    from .scenes.hull import convex_hull_2d

    return convex_hull_2d(points)


def _room_polygon(scene: Scene) -> np.ndarray:
    if scene.room.floor is not None:
        return np.asarray(scene.room.floor, dtype=float)
    (x0, y0), (x1, y1) = scene.room.bounds_min, scene.room.bounds_max
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def _draw_walls(ax, walls: np.ndarray):
    """The walls as thick dark segments under the objects (None when there are none)."""
    if not len(walls):
        return None
    from matplotlib.collections import LineCollection

    return ax.add_collection(LineCollection(walls.reshape(-1, 2, 2), colors=WALL_COLOR,
                                            linewidths=3.0, zorder=1.85, gid="walls",
                                            capstyle="projecting"))


def _extent(scene: Scene, hulls, room_poly) -> tuple[np.ndarray, np.ndarray]:
    pts = [room_poly, scene.room.wall_segments().reshape(-1, 2)] + [h for h in hulls if len(h)]
    if scene.frames.count:
        pts.append(scene.frames.position[:, :2])
    allp = np.concatenate(pts, axis=0)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    size = np.maximum(hi - lo, 1.0)  # at least a metre either way
    mid = (lo + hi) / 2
    return mid - size / 2, mid + size / 2


def _map_box(lo, hi):
    """Map size in inches within limits, with the data range grown to keep 1:1 scale."""
    dx, dy = float(hi[0] - lo[0]), float(hi[1] - lo[1])
    scale = min(MAP_MAX_IN / dx, MAP_MAX_IN / dy)  # inches per metre
    w_in, h_in = dx * scale, dy * scale
    if w_in < MAP_MIN_IN:
        w_in = MAP_MIN_IN
    if h_in < MAP_MIN_IN:
        h_in = MAP_MIN_IN
    # grow the data range of the short side so that both axes have the same scale
    scale = min(w_in / dx, h_in / dy)
    need = np.array([w_in / scale, h_in / scale])
    mid = (lo + hi) / 2
    return w_in, h_in, mid - need / 2, mid + need / 2


def _fill_owner(highlights: list[Highlight]) -> dict[int, Highlight]:
    owner: dict[int, Highlight] = {}
    for h in highlights:
        for i in h.members:
            if i not in owner or len(h.members) < len(owner[i].members):
                owner[i] = h
    return owner


def _is_surface(category: str) -> bool:
    return normalise_name(category) in SURFACE_NAMES


def _draw_objects(drawing: Drawing, scene: Scene, hulls, owner, answer, points_per_m) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    ax = drawing.ax
    area = np.array([_area(h) for h in hulls])
    order = sorted(range(scene.n), key=lambda i: (-area[i], scene.ids[i]))
    n = max(scene.n, 1)
    for rank, i in enumerate(order):
        oid, hull = scene.ids[i], hulls[i]
        h = owner.get(i)
        surface = _is_surface(scene.categories[i])
        z = 2 + rank / n + (3 if h is not None else 0)
        if h is not None and surface:  # a highlighted floor stays under everything
            face, edge, alpha, lw = h.color, _darker(h.color), 0.22, 1.3
            z = 1.5
        elif h is not None:
            face, edge, alpha, lw = h.color, _darker(h.color), 0.6, 1.3
        elif surface:
            face, edge, alpha, lw = FLOOR_FACE, "#bbbbbb", 1.0, 0.6
            z = 1.5
        else:
            face, edge, alpha, lw = OBJECT_FACE, OBJECT_EDGE, 0.55, 0.6
        if len(hull) >= 3:
            patch = Polygon(hull, closed=True, facecolor=_rgba(face, alpha), edgecolor=edge,
                            linewidth=lw, zorder=z, gid=f"object:{oid}")
            drawing.objects[oid] = ax.add_patch(patch)
        else:
            pts = np.asarray(hull).reshape(-1, 2)
            line = Line2D(pts[:, 0], pts[:, 1], color=edge, linewidth=lw, zorder=z,
                          gid=f"object:{oid}")
            drawing.objects[oid] = ax.add_line(line)
        size_pt = _extent_of(hull) * points_per_m
        if size_pt < MIN_MARK_PT:
            cx, cy = scene.center[i, :2]
            dot = Line2D([cx], [cy], marker="o", markersize=MIN_MARK_PT * (1.0 if h else 0.8),
                         markerfacecolor=face if h else "#9a9a9a", markeredgecolor=edge,
                         markeredgewidth=0.6, linestyle="none", zorder=z + 0.001,
                         gid=f"marker:{oid}")
            drawing.markers[oid] = ax.add_line(dot)
        if h is not None:
            drawing.fill[oid] = h.name
        if i in answer:
            if len(hull) >= 3 and size_pt >= MIN_MARK_PT:
                ring = Polygon(hull, closed=True, fill=False, edgecolor=ANSWER_COLOR,
                               linewidth=2.6, zorder=8, gid=f"answer:{oid}")
                ax.add_patch(ring)
            else:
                cx, cy = scene.center[i, :2]
                ring = ax.add_line(Line2D([cx], [cy], marker="o", markersize=MIN_MARK_PT + 5,
                                          markerfacecolor="none", markeredgecolor=ANSWER_COLOR,
                                          markeredgewidth=2.0, linestyle="none", zorder=8,
                                          gid=f"answer:{oid}"))
            drawing.answer.add(oid)


def _area(hull) -> float:
    if len(hull) < 3:
        return 0.0
    x, y = hull[:, 0], hull[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _extent_of(hull) -> float:
    pts = np.asarray(hull).reshape(-1, 2)
    return float(max(pts.max(axis=0) - pts.min(axis=0))) if len(pts) else 0.0


def _rgba(color: str, alpha: float):
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


def _darker(color: str, factor: float = 0.7):
    from matplotlib.colors import to_rgb

    return tuple(c * factor for c in to_rgb(color))


def _hfov(scene: Scene, row: int) -> float:
    f = scene.frames
    return 2 * math.atan2(float(f.width[row]) / 2, float(f.fx[row]))


def _draw_frames(drawing: Drawing, scene: Scene, rows: list[int], walk: bool,
                 length: float) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    ax, frames = drawing.ax, scene.frames
    if not frames.count:
        return
    pos = frames.position[:, :2]
    if frames.count > 1:
        drawing.path = ax.add_line(Line2D(pos[:, 0], pos[:, 1], color=PATH_COLOR,
                                          linewidth=0.9, linestyle=(0, (3, 2)), zorder=9,
                                          alpha=0.8, gid="camera-path"))
    if not walk:  # faint dots for the frames the program does not use
        unused = sorted(set(range(frames.count)) - set(rows))
        if unused:
            ax.add_line(Line2D(pos[unused, 0], pos[unused, 1], marker="o", markersize=2.5,
                               color=PATH_COLOR, linestyle="none", zorder=9, alpha=0.8,
                               gid="camera-unused"))
    for r in rows:
        p = pos[r]
        forward = frames.R[r][:2, 2]
        norm = float(np.hypot(*forward))
        if norm > 1e-6:
            heading = math.atan2(forward[1], forward[0])
            half = _hfov(scene, r) / 2
            angles = np.linspace(heading - half, heading + half, 9)
            arc = p + length * np.stack([np.cos(angles), np.sin(angles)], axis=1)
            wedge = Polygon(np.vstack([p, arc]), closed=True,
                            facecolor=_rgba(CAMERA_COLOR, 0.07 if walk else 0.13),
                            edgecolor=_rgba(CAMERA_COLOR, 0.55 if walk else 0.85),
                            linewidth=0.6 if walk else 1.0, zorder=10 if walk else 11,
                            gid=f"frustum:{r}")
            drawing.frustums[r] = ax.add_patch(wedge)
        dot = Line2D([p[0]], [p[1]], marker="o", markersize=3.5 if walk else 5,
                     markerfacecolor=CAMERA_COLOR, markeredgecolor="white",
                     markeredgewidth=0.6, linestyle="none", zorder=12, gid=f"camera:{r}")
        drawing.cameras[r] = ax.add_line(dot)


# --------------------------------------------------------------------------- labels


MAX_SCANNED = 4000  # grid spots tried (nearest first) for a label with no free spot nearby


class _Placer:
    """Greedy label placement in display pixels: first free spot, nearest rings first."""

    def __init__(self, bounds: tuple[float, float, float, float]):
        self.bounds = bounds  # x0, y0, x1, y1 of the axes, pixels
        self.boxes = np.zeros((0, 4))
        self.obstacles: list[tuple[np.ndarray, object]] = []  # (box, owner key)
        self.soft: list[tuple[np.ndarray, object]] = []  # only optional labels avoid these

    def inside(self, box) -> bool:
        x0, y0, x1, y1 = self.bounds
        return box[0] >= x0 + 2 and box[1] >= y0 + 2 and box[2] <= x1 - 2 and box[3] <= y1 - 2

    def overlaps(self, box, key=None, soft: bool = False) -> float:
        """Total overlap area with placed labels and foreign obstacles."""
        total = 0.0
        if len(self.boxes):
            total += float(_overlap_areas(self.boxes, box).sum())
        boxes, owners, codes = self._obstacle_arrays(soft)
        if len(boxes):
            foreign = owners != codes.get(key, -1)
            total += float(_overlap_areas(boxes, box)[foreign].sum())
        return total

    def _obstacle_arrays(self, soft: bool):
        """(boxes (K, 4), owner codes (K,), owner -> code) of the obstacles, made once per
        set of obstacles: a walk of 1,500 cameras made 10,000 Python loops over them."""
        items = self.obstacles + (self.soft if soft else [])
        cache_key = (len(self.obstacles), len(self.soft) if soft else -1)
        cached = getattr(self, "_obstacle_cache", {})
        if cache_key not in cached:
            codes: dict = {}
            owner_codes = np.array([codes.setdefault(owner, len(codes)) for _, owner in items],
                                   dtype=np.int64)
            boxes = np.array([ob for ob, _ in items], dtype=float).reshape(-1, 4)
            cached[cache_key] = (boxes, owner_codes, codes)
            self._obstacle_cache = cached
        return cached[cache_key]

    def add(self, box) -> None:
        self.boxes = np.vstack([self.boxes, np.asarray(box, dtype=float)[None]])

    def place(self, centre, radius, size, key, rings: int, centre_first: bool,
              must: bool) -> tuple[np.ndarray | None, bool]:
        """(box, away) for a label of ``size`` near ``centre``; None if nothing is free."""
        w, h = size
        gap = 3.0
        step = max(h * 0.9, 8.0)
        cands = []
        if centre_first:
            cands.append(np.array([centre[0], centre[1]]))
        for k in range(rings):
            d = radius + gap + k * step
            for a in _DIRECTIONS:
                u = np.array([math.cos(a), math.sin(a)])
                t = min((w / 2) / abs(u[0]) if abs(u[0]) > 1e-9 else math.inf,
                        (h / 2) / abs(u[1]) if abs(u[1]) > 1e-9 else math.inf)
                cands.append(centre + u * (d + t))
        best, best_cost = None, math.inf
        for c in cands:
            box = np.array([c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2])
            if not self.inside(box):
                continue
            cost = self.overlaps(box, key, soft=not must)
            if cost == 0:
                return box, self._away(box, centre, radius, gap + step * 0.5)
            if cost < best_cost:
                best, best_cost = box, cost
        if not must:
            return None, False
        box = self._scan(centre, size, key)
        if box is not None:
            return box, True
        return best, True  # nowhere free: the least overlap (reported in Drawing.unplaced)

    def _scan(self, centre, size, key):
        w, h = size
        x0, y0, x1, y1 = self.bounds
        xs = np.arange(x0 + 3 + w / 2, x1 - 3 - w / 2, max(w / 4, 4))
        ys = np.arange(y0 + 3 + h / 2, y1 - 3 - h / 2, max(h / 2, 4))
        if not len(xs) or not len(ys):
            return None
        gx, gy = np.meshgrid(xs, ys)
        pts = np.stack([gx.ravel(), gy.ravel()], axis=1)
        order = np.argsort(np.hypot(*(pts - centre).T), kind="stable")[:MAX_SCANNED]
        boxes = np.concatenate([pts[order] - (w / 2, h / 2), pts[order] + (w / 2, h / 2)],
                               axis=1)
        free = np.flatnonzero(self._free(boxes, key))
        return boxes[free[0]] if len(free) else None

    def _free(self, candidates: np.ndarray, key) -> np.ndarray:
        """(C,) bool: the candidate boxes that overlap no label and no foreign obstacle
        (``overlaps(box, key) == 0`` for each, at once)."""
        free = np.ones(len(candidates), dtype=bool)
        obstacles, owners, codes = self._obstacle_arrays(False)
        for boxes in (self.boxes, obstacles[owners != codes.get(key, -1)]):
            for start in range(0, len(candidates), 256):  # (256, K) at a time
                chunk = candidates[start:start + 256]
                w = (np.minimum(chunk[:, None, 2], boxes[None, :, 2])
                     - np.maximum(chunk[:, None, 0], boxes[None, :, 0]))
                h = (np.minimum(chunk[:, None, 3], boxes[None, :, 3])
                     - np.maximum(chunk[:, None, 1], boxes[None, :, 1]))
                free[start:start + 256] &= ~((w > 0) & (h > 0)).any(axis=1)
        return free

    @staticmethod
    def _away(box, centre, radius, slack) -> bool:
        nearest = np.clip(centre, box[:2], box[2:])
        return float(np.hypot(*(nearest - centre))) > radius + slack


def _overlap_areas(boxes: np.ndarray, box) -> np.ndarray:
    """Overlap area of ``box`` (x0, y0, x1, y1) with each row of ``boxes``."""
    w = np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0])
    h = np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1])
    return np.clip(w, 0, None) * np.clip(h, 0, None)


# right, left, up, down, then the diagonals, then 16 directions
_DIRECTIONS = [math.radians(a) for a in
               (0, 180, 90, 270, 45, 135, 225, 315, 22.5, 157.5, 202.5, 337.5,
                67.5, 112.5, 247.5, 292.5)]


def _place_labels(drawing: Drawing, scene: Scene, hulls, owner, answer, analysis, frame_rows,
                  walk) -> None:
    from matplotlib.lines import Line2D

    fig, ax = drawing.figure, drawing.ax
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    to_data = ax.transData.inverted().transform
    bbox = ax.get_window_extent(renderer)
    placer = _Placer((bbox.x0, bbox.y0, bbox.x1, bbox.y1))
    px_per_pt = fig.dpi / 72.0

    # Obstacles: highlighted objects' centres and used cameras stay visible.
    for i in owner:
        c = to_px(scene.center[i, :2])
        placer.obstacles.append((np.array([c[0] - 4, c[1] - 4, c[0] + 4, c[1] + 4]),
                                 ("object", i)))
    for i in set(owner) | set(answer):  # optional labels keep off highlighted objects
        if _is_surface(scene.categories[i]) or not len(hulls[i]):
            continue
        hp = to_px(hulls[i])
        placer.soft.append((np.concatenate([hp.min(axis=0), hp.max(axis=0)]), ("object", i)))
    for r in frame_rows:
        c = to_px(scene.frames.position[r, :2])
        placer.obstacles.append((np.array([c[0] - 4, c[1] - 4, c[0] + 4, c[1] + 4]),
                                 ("frame", r)))

    jobs = []  # (priority, kind, key)
    for i in range(scene.n):
        highlighted = i in owner or i in answer
        if highlighted:
            jobs.append(((0 if i in answer else 1, 0.0, scene.ids[i]), "object", i))
            continue
        if _is_surface(scene.categories[i]):
            continue
        if _extent_of(hulls[i]) < TINY:
            continue
        jobs.append(((3, -_area(hulls[i]), scene.ids[i]), "object", i))
    labelled_frames = frame_rows
    if len(frame_rows) > MAX_WALK_LABELS:  # a walk, or a program over every frame of one
        every = math.ceil(len(frame_rows) / MAX_WALK_LABELS)
        named = set(analysis.frame_names) if analysis else set()
        labelled_frames = sorted(set(frame_rows[::every]) | {frame_rows[-1]}
                                 | (named & set(frame_rows)))
    for r in labelled_frames:
        jobs.append(((2, float(r), ""), "frame", r))
    jobs.sort(key=lambda j: j[0])

    for _prio, kind, key in jobs:
        centre_first = False
        if kind == "object":
            i = key
            h = owner.get(i)
            must = h is not None or i in answer
            text = scene.labels[i]
            centre = to_px(scene.center[i, :2])
            hull_px = to_px(hulls[i]) if len(hulls[i]) else centre[None]
            radius = float(np.max(np.hypot(*(hull_px - centre).T))) if len(hull_px) else 0
            radius = max(radius, 3.0)
            edge = h.color if h is not None else ANSWER_COLOR
            style = dict(fontsize=8, fontweight="bold", color="#111111",
                         bbox=dict(boxstyle="round,pad=0.2", facecolor=_rgba("#ffffff", 0.88),
                                   edgecolor=edge, linewidth=1.0)) if must else dict(
                fontsize=6.5, color="#333333",
                bbox=dict(boxstyle="square,pad=0.1", facecolor=_rgba("#ffffff", 0.55),
                          edgecolor="none"))
            pad_pt = (0.2 * 8 if must else 0.1 * 6.5) + (1.0 if must else 0.0)
            gid, ident = f"label:{scene.ids[i]}", scene.ids[i]
            rings = 40 if must else 3
        else:
            r = key
            must = True
            names = analysis.frame_names.get(r, []) if analysis else []
            index = int(scene.frames.index[r])
            text = (f"{', '.join(names)} = frame {index}" if names
                    else (f"{index}" if walk else f"frame {index}"))
            centre = to_px(scene.frames.position[r, :2])
            radius = 5.0
            style = dict(fontsize=7 if not walk else 6.5, color=CAMERA_COLOR,
                         fontweight="bold" if not walk else "normal",
                         bbox=dict(boxstyle="round,pad=0.15",
                                   facecolor=_rgba("#ffffff", 0.85),
                                   edgecolor=_rgba(CAMERA_COLOR, 0.6), linewidth=0.6))
            pad_pt = 0.15 * style["fontsize"] + 0.6
            gid, ident = f"frame-label:{r}", r
            rings = 30
            edge = CAMERA_COLOR
        label = ax.text(0, 0, text, ha="center", va="center", zorder=20, gid=gid,
                        clip_on=False, **style)
        label.set_position(tuple(to_data(centre)))
        ext = label.get_window_extent(renderer)
        pad_px = pad_pt * px_per_pt + 1.0
        size = (ext.width + 2 * pad_px, ext.height + 2 * pad_px)
        shift = np.array([(ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2]) - centre
        if kind == "object":  # a label that fits inside its object may sit on it
            centre_first = _fits_inside(hull_px, centre, size) and not _is_surface(
                scene.categories[key])
        box, away = placer.place(centre, radius, size, (kind, key), rings, centre_first, must)
        if box is None:
            label.remove()
            continue
        if placer.overlaps(box, (kind, key)) > 0:
            drawing.unplaced.append(str(ident))
        placer.add(box)
        mid = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        label.set_position(tuple(to_data(mid - shift)))
        if kind == "object":
            drawing.labels[scene.ids[key]] = label
        else:
            drawing.frame_labels[key] = label
        if away:
            nearest = np.clip(centre, box[:2], box[2:])
            a, b = to_data(centre), to_data(nearest)
            line = Line2D([a[0], b[0]], [a[1], b[1]], color=edge, linewidth=0.7, alpha=0.8,
                          zorder=19, gid=f"leader:{ident}")
            ax.add_line(line)
            if kind == "object":
                drawing.leaders[scene.ids[key]] = line


def _fits_inside(hull_px, centre, size) -> bool:
    """A label centred on the object stays within the object's bounding box."""
    if len(hull_px) < 3:
        return False
    lo, hi = hull_px.min(axis=0), hull_px.max(axis=0)
    return (hi[0] - lo[0]) >= size[0] * 1.05 and (hi[1] - lo[1]) >= size[1] * 1.2


def _draw_legend(fig, drawing: Drawing, analysis, scene, frame_rows, walk, rect) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lax = fig.add_axes(rect)
    lax.set_axis_off()
    handles = []
    if analysis is not None:
        for h in analysis.highlights:
            count = len(h.members)
            what = "let " + h.name if h.kind == "let" else h.name
            suffix = f" ({count})" if count != 1 else ""
            if count == 0:
                suffix = " (none)"
            handles.append(Patch(facecolor=_rgba(h.color, 0.6), edgecolor=_darker(h.color),
                                 label=what + suffix))
        if analysis.answer_objects:
            handles.append(Patch(facecolor="none", edgecolor=ANSWER_COLOR, linewidth=2.4,
                                 label="answer"))
    handles.append(Patch(facecolor=_rgba(OBJECT_FACE, 0.55), edgecolor=OBJECT_EDGE,
                         label="other objects"))
    if frame_rows:
        what = "camera walk" if walk else "frames used"
        handles.append(Patch(facecolor=_rgba(CAMERA_COLOR, 0.13), edgecolor=CAMERA_COLOR,
                             label=f"{what} ({len(frame_rows)})"))
    if scene.frames.count > 1:
        handles.append(Line2D([], [], color=PATH_COLOR, linestyle=(0, (3, 2)),
                              label="camera path"))
    legend = lax.legend(handles=handles, loc="upper left", fontsize=7.5, frameon=False,
                        title="program" if analysis is not None else "scene",
                        title_fontsize=8, alignment="left", borderaxespad=0.0)
    legend.set_gid("legend")


# --------------------------------------------------------------------------- output


def save(figure, path: str | os.PathLike, dpi: int | None = None) -> None:
    """Write the figure as PNG or SVG (by suffix), atomically: a temp file, then rename."""
    from .files import atomic_write

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ShowError(f"{path}: the output must end in .png or .svg")

    def write(tmp: str) -> None:
        import warnings

        with open(tmp, "wb") as handle, warnings.catch_warnings():
            # a question in a script the font lacks draws boxes; no warning on stderr
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            figure.savefig(handle, format=suffix[1:], dpi=dpi or figure.dpi,
                           metadata=_metadata(suffix))

    atomic_write(path, write)


def _metadata(suffix: str) -> dict:
    # No dates: the same picture gives the same bytes.
    if suffix == ".svg":
        return {"Date": None}
    return {"Software": None}


def to_bytes(figure, fmt: str = "png", dpi: int | None = None, colors: int = 0) -> bytes:
    """The figure as PNG or SVG bytes; ``colors`` > 0 reduces a PNG to that many palette
    colours (about a quarter of the size, for pages that embed many pictures)."""
    import io

    buf = io.BytesIO()
    figure.savefig(buf, format=fmt, dpi=dpi or figure.dpi, metadata=_metadata("." + fmt))
    if fmt != "png" or colors <= 0:
        return buf.getvalue()
    from PIL import Image  # matplotlib depends on Pillow

    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    small = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
