"""The map itself (``render``): the figure's layout, the room and its walls, the object
footprints with their highlight fills and answer outlines, the camera path and
frustums, the title and caption. Label placement is ``labels``, the legend ``key``;
what to highlight is ``analysis``."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import numpy as np

from ..scenes.model import Scene
from .analysis import Analysis, Highlight
from .common import (
    ANSWER_COLOR, CAMERA_COLOR, DPI, FLOOR_FACE, LEGEND_IN, MAP_MAX_IN, MAP_MIN_IN, MIN_MARK_PT,
    OBJECT_EDGE, OBJECT_FACE, PATH_COLOR, ROOM_EDGE, WALL_COLOR, Drawing, darker, hull_area,
    hull_extent, is_surface, rgba,
)
from .key import draw_key
from .labels import place_labels


TOP_IN, LEFT_IN, RIGHT_IN = 0.45, 0.55, 0.15  # margins around the map, inches
BELOW_MAP_IN = 0.45  # the x axis' ticks and label, between the map and the caption
CAPTION_LINES_MAX = 8


@dataclass
class MapLayout:
    """The scene's part of a picture's geometry: footprints, the room, the data limits
    and the map's size in inches (the same for every program on the scene)."""

    hulls: list
    room_poly: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    span: float
    w_in: float
    h_in: float
    areas: np.ndarray  # (N,) footprint areas, m²
    extents: np.ndarray  # (N,) footprint extents (the larger side of the box), m

    @property
    def fig_w(self) -> float:
        return LEFT_IN + self.w_in + LEGEND_IN + RIGHT_IN

    def fig_h(self, cap_in: float) -> float:
        return TOP_IN + self.h_in + BELOW_MAP_IN + cap_in

    def rows(self, cap_in: float, dpi: int) -> int:
        """The picture's height in pixels: whole, so that everything placed from the top
        (as all is) lands on the same pixels in a taller figure (a ``Sheet``'s)."""
        return round(self.fig_h(cap_in) * dpi)

    @property
    def points_per_m(self) -> float:
        return self.w_in * 72 / float(self.hi[0] - self.lo[0])


def map_layout(scene: Scene) -> MapLayout:
    hulls = [_hull(scene.corners[i, :, :2]) for i in range(scene.n)]
    room_poly = _room_polygon(scene)
    lo, hi = _extent(scene, hulls, room_poly)
    span = float(max(hi - lo))
    pad = 0.06 * span + 0.3
    w_in, h_in, lo, hi = _map_box(lo - pad, hi + pad)
    areas = np.array([hull_area(h) for h in hulls], dtype=float)
    extents = np.array([hull_extent(h) for h in hulls], dtype=float)
    return MapLayout(hulls, room_poly, lo, hi, span, w_in, h_in, areas, extents)


def caption_inches(lines: list[str]) -> float:
    """The height of the caption's band under the map."""
    return 0.22 * len(lines) + 0.25


def render(scene: Scene, analysis: Analysis | None = None, *, title: str | None = None,
           dpi: int = DPI, frames=None, names=None) -> Drawing:
    """Draw the map. Without ``analysis``: the scene alone, with its whole camera walk
    (or only the frame rows in ``frames``). ``names``: the ``naming.ObjectNames`` the
    caption words the answer with (default: the scene's, for seed 0)."""
    layout = map_layout(scene)
    caption = caption_lines(scene, analysis, layout, names)
    drawing = new_figure(layout, caption_inches(caption), dpi)
    draw_room(drawing, scene, layout)
    legend_ax = add_legend_axes(drawing.figure, layout)
    draw_program(drawing, scene, layout, analysis, legend_ax, caption, title=title,
                 frames=frames)
    return drawing


def new_figure(layout: MapLayout, cap_in: float, dpi: int) -> Drawing:
    """A figure with room for a caption of ``cap_in`` inches, a whole number of pixels
    high, and its empty map axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = layout.rows(cap_in, dpi)
    fig_w, fig_h = layout.fig_w, rows / dpi
    if fig_h * dpi < rows:  # Agg truncates the height in pixels
        fig_h = float(np.nextafter(fig_h, np.inf))
    fig = Figure(figsize=(fig_w, fig_h), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([LEFT_IN / fig_w, 1 - (TOP_IN + layout.h_in) / fig_h, layout.w_in / fig_w,
                       layout.h_in / fig_h])
    lo, hi = layout.lo, layout.hi
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_autoscale_on(False)
    ax.tick_params(labelsize=7, length=2)
    ax.set_xlabel("x (m)", fontsize=7, labelpad=1)
    ax.set_ylabel("y (m)", fontsize=7, labelpad=1)
    ax.grid(True, color="#eeeeee", linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    return Drawing(fig, ax)


def add_legend_axes(fig, layout: MapLayout):
    """The empty axes beside the map that hold the legend."""
    fig_w, fig_h = fig.get_figwidth(), fig.get_figheight()
    lax = fig.add_axes([(LEFT_IN + layout.w_in + 0.1) / fig_w,
                        1 - (TOP_IN + layout.h_in) / fig_h, (LEGEND_IN - 0.1) / fig_w,
                        layout.h_in / fig_h])
    lax.set_axis_off()
    return lax


def draw_room(drawing: Drawing, scene: Scene, layout: MapLayout) -> None:
    """The room outline and its walls."""
    from matplotlib.patches import Polygon

    ax = drawing.ax
    drawing.room = ax.add_patch(Polygon(layout.room_poly, closed=True, fill=False,
                                        edgecolor=ROOM_EDGE, linewidth=1.6, zorder=1.8,
                                        gid="room"))
    drawing.walls = _draw_walls(ax, scene.room.wall_segments())


def draw_program(drawing: Drawing, scene: Scene, layout: MapLayout,
                 analysis: Analysis | None, legend_ax, caption: list[str], *,
                 title: str | None = None, frames=None, over_base: bool = False,
                 label_writer=None) -> None:
    """Everything above the room: the objects with what the program touched, the cameras,
    the labels, the legend, the title and the caption (its lines from 0.1 inch under the
    x axis' label down; all placed from the figure's top). ``over_base``: the objects'
    plain footprints are already there (a ``Sheet``'s base layer), so only highlighted
    and answer objects are drawn.
    ``label_writer``: how labels are measured and written (``labels.place_labels``)."""
    fig = drawing.figure
    walk = analysis is None
    if walk:
        frame_rows = sorted(set(frames)) if frames is not None else list(
            range(scene.frames.count))
    else:
        frame_rows = list(analysis.frames)
    highlights = analysis.highlights if analysis else []
    owner = _fill_owner(highlights)
    for h in highlights:
        drawing.highlights[h.name] = {scene.ids[i] for i in h.members}
        drawing.colors[h.name] = h.color
    answer = set(analysis.answer_objects) if analysis else set()
    draw_objects(drawing, scene, layout, owner, answer, over_base=over_base)
    frustum_len = float(np.clip(0.22 * layout.span, 0.6, 2.0))
    _draw_frames(drawing, scene, frame_rows, walk, frustum_len * (0.45 if walk else 1.0))
    place_labels(drawing, scene, layout, owner, answer, analysis, frame_rows, walk,
                 label_writer)
    draw_key(legend_ax, drawing, analysis, scene, frame_rows, walk, label_writer)
    fig_w, fig_h = fig.get_figwidth(), fig.get_figheight()
    heading = title or _title(scene, analysis)
    drawing.title = fig.text(LEFT_IN / fig_w, 1 - 0.12 / fig_h, heading, fontsize=10,
                             fontweight="bold", va="top", ha="left", gid="title")
    color = "#b00020" if analysis is not None and not analysis.ok else "#111111"
    caption_top = 1 - (TOP_IN + layout.h_in + BELOW_MAP_IN + 0.1) / fig_h
    drawing.caption = fig.text(LEFT_IN / fig_w, caption_top, "\n".join(caption),
                               fontsize=9, va="top", ha="left", color=color, gid="caption",
                               linespacing=1.35)


def _title(scene: Scene, analysis: Analysis | None) -> str:
    frames = f", {scene.frames.count} frames" if scene.frames.count else ""
    return f"{scene.id} — {scene.n} objects{frames}"


def _in_words(scene: Scene, answer, names=None):
    """The answer as a dataset item words it ("the tallest chair, sofa", not "Chair,
    Sofa"): objects by their natural names or proved references (``naming``)."""
    from ..naming import ObjectNames, in_words

    return in_words(answer, names or ObjectNames.of(scene)).answer


def caption_lines(scene: Scene, analysis: Analysis | None, layout: MapLayout,
                  names=None) -> list[str]:
    """The question and the answer (or the rejection), wrapped to the picture's width, at
    most CAPTION_LINES_MAX lines."""
    chars = max(40, int((layout.w_in + LEGEND_IN) * 14))
    if analysis is None:
        text = ["Scene only" + (" — camera walk shown with frame numbers"
                                if scene.frames.count else "")]
        return text
    lines: list[str] = []
    question = analysis.question or "(the program states no question)"
    lines += textwrap.wrap("Q: " + question, chars) or ["Q:"]
    if analysis.ok:
        a = _in_words(scene, analysis.answer, names)
        unit = f" {a.unit}" if a.unit else ""
        lines += textwrap.wrap(f"A: {a.text}{unit}", chars)
    else:
        r = analysis.rejection
        lines += textwrap.wrap(f"Rejected [{r.kind}] at {r.span.line}:{r.span.column}: "
                               f"{r.message}", chars)
    return lines[:CAPTION_LINES_MAX]


def _hull(points: np.ndarray) -> np.ndarray:
    from ..scenes.hull import convex_hull_2d

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


def draw_objects(drawing: Drawing, scene: Scene, layout: MapLayout, owner, answer, *,
                 over_base: bool = False) -> None:
    """Every object's footprint, largest first, filled with its highlight's colour (``owner``),
    and the answer's outlines. ``over_base``: only the highlighted and answer objects, over
    plain footprints drawn before (their z-order is above every plain one's)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    ax, hulls, points_per_m = drawing.ax, layout.hulls, layout.points_per_m
    area = layout.areas
    order = sorted(range(scene.n), key=lambda i: (-area[i], scene.ids[i]))
    n = max(scene.n, 1)
    for rank, i in enumerate(order):
        oid, hull = scene.ids[i], hulls[i]
        h = owner.get(i)
        if over_base and h is None and i not in answer:
            continue
        surface = is_surface(scene.categories[i])
        z = 2 + rank / n + (3 if h is not None else 0)
        if h is not None and surface:  # a highlighted floor stays under everything
            face, edge, alpha, lw = h.color, darker(h.color), 0.22, 1.3
            z = 1.5
        elif h is not None:
            face, edge, alpha, lw = h.color, darker(h.color), 0.6, 1.3
        elif surface:
            face, edge, alpha, lw = FLOOR_FACE, "#bbbbbb", 1.0, 0.6
            z = 1.5
        else:
            face, edge, alpha, lw = OBJECT_FACE, OBJECT_EDGE, 0.55, 0.6
        size_pt = layout.extents[i] * points_per_m
        if not (over_base and h is None):  # else an answer object left plain: in the base
            drawing.objects[oid] = _footprint(ax, hull, rgba(face, alpha), edge, lw, z, oid)
            if size_pt < MIN_MARK_PT:
                cx, cy = scene.center[i, :2]
                dot = Line2D([cx], [cy], marker="o",
                             markersize=MIN_MARK_PT * (1.0 if h else 0.8),
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


def _footprint(ax, hull, face, edge, lw: float, z: float, oid: str):
    """An object's footprint: its hull as a polygon, or a line when it is flat or a point."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon

    if len(hull) >= 3:
        return ax.add_patch(Polygon(hull, closed=True, facecolor=face, edgecolor=edge,
                                    linewidth=lw, zorder=z, gid=f"object:{oid}"))
    pts = np.asarray(hull).reshape(-1, 2)
    return ax.add_line(Line2D(pts[:, 0], pts[:, 1], color=edge, linewidth=lw, zorder=z,
                              gid=f"object:{oid}"))


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
                            facecolor=rgba(CAMERA_COLOR, 0.07 if walk else 0.13),
                            edgecolor=rgba(CAMERA_COLOR, 0.55 if walk else 0.85),
                            linewidth=0.6 if walk else 1.0, zorder=10 if walk else 11,
                            gid=f"frustum:{r}")
            drawing.frustums[r] = ax.add_patch(wedge)
        dot = Line2D([p[0]], [p[1]], marker="o", markersize=3.5 if walk else 5,
                     markerfacecolor=CAMERA_COLOR, markeredgecolor="white",
                     markeredgewidth=0.6, linestyle="none", zorder=12, gid=f"camera:{r}")
        drawing.cameras[r] = ax.add_line(dot)
