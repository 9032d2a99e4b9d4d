"""Label placement (``place_labels``): greedy, in display pixels, answer objects first,
then other highlighted objects, used frames and the rest, each at the first free spot
ring by ring around its object (``_Placer``), with a leader line when it sits away."""

from __future__ import annotations

import math

import numpy as np

from ..scenes.model import Scene
from .common import (
    ANSWER_COLOR, CAMERA_COLOR, MAX_WALK_LABELS, TINY, Drawing, is_surface, rgba,
)


MAX_SCANNED = 4000  # grid spots tried (nearest first) for a label with no free spot nearby


class _Placer:
    """Greedy label placement in display pixels: first free spot, nearest rings first."""

    def __init__(self, bounds: tuple[float, float, float, float]):
        self.bounds = bounds  # x0, y0, x1, y1 of the axes, pixels
        self.boxes = np.zeros((0, 4))
        self.obstacles: list[tuple[np.ndarray, object]] = []  # (box, owner key)
        self.soft: list[tuple[np.ndarray, object]] = []  # only optional labels avoid these

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
              must: bool) -> tuple[np.ndarray | None, bool, bool]:
        """(box, away, clear) for a label of ``size`` near ``centre``: the box is None if
        nothing is free for an optional label; ``clear``: it overlaps nothing."""
        w, h = size
        gap = 3.0
        step = max(h * 0.9, 8.0)
        best, best_cost = None, math.inf
        # candidates ring by ring, a few rings at a time: the first free one wins, so the
        # later rings are rarely needed
        for first in range(0, max(rings, 1), _RINGS_AT_ONCE):
            cands = self._ring_spots(centre, radius + gap, step, size,
                                     range(first, min(first + _RINGS_AT_ONCE, rings)))
            if centre_first and first == 0:
                cands = np.vstack([np.asarray(centre, dtype=float)[None], cands])
            boxes = np.concatenate([cands - (w / 2, h / 2), cands + (w / 2, h / 2)], axis=1)
            boxes = boxes[self._inside_all(boxes)]
            if not len(boxes):
                continue
            costs = self._costs(boxes, key, soft=not must)
            free = np.flatnonzero(costs == 0)
            if len(free):
                box = boxes[free[0]]
                return box, self._away(box, centre, radius, gap + step * 0.5), True
            j = int(np.argmin(costs))  # the first of the least overlaps
            if costs[j] < best_cost:
                best, best_cost = boxes[j], float(costs[j])
        if not must:
            return None, False, False
        box = self._scan(centre, size, key)
        if box is not None:
            return box, True, True
        # nowhere free: the least overlap (reported in Drawing.unplaced)
        return best, True, best is not None and self.overlaps(best, key) == 0

    @staticmethod
    def _ring_spots(centre, inner: float, step: float, size, rings) -> np.ndarray:
        """(len(rings) * 16, 2) label centres: on ring k, in each of the 16 directions, the
        label's box just clear of a circle of radius ``inner + k * step``."""
        w, h = size
        ux, uy = np.abs(_UNIT[:, 0]), np.abs(_UNIT[:, 1])
        t = np.minimum(np.divide(w / 2, ux, out=np.full(len(ux), np.inf), where=ux > 1e-9),
                       np.divide(h / 2, uy, out=np.full(len(uy), np.inf), where=uy > 1e-9))
        d = inner + np.asarray(rings, dtype=float)[:, None] * step  # (R, 1)
        spots = centre + _UNIT[None] * (d + t[None])[..., None]  # (R, 16, 2)
        return spots.reshape(-1, 2)

    def _inside_all(self, boxes: np.ndarray) -> np.ndarray:
        """(C,) bool: the boxes 2 pixels or more inside the map."""
        x0, y0, x1, y1 = self.bounds
        return ((boxes[:, 0] >= x0 + 2) & (boxes[:, 1] >= y0 + 2) & (boxes[:, 2] <= x1 - 2)
                & (boxes[:, 3] <= y1 - 2))

    def _costs(self, candidates: np.ndarray, key, soft: bool) -> np.ndarray:
        """(C,) ``overlaps(box, key, soft)`` of each candidate box, at once."""
        obstacles, owners, codes = self._obstacle_arrays(soft)
        total = np.zeros(len(candidates))
        for boxes in (self.boxes, obstacles[owners != codes.get(key, -1)]):
            if len(boxes):
                w = (np.minimum(candidates[:, None, 2], boxes[None, :, 2])
                     - np.maximum(candidates[:, None, 0], boxes[None, :, 0]))
                h = (np.minimum(candidates[:, None, 3], boxes[None, :, 3])
                     - np.maximum(candidates[:, None, 1], boxes[None, :, 1]))
                total += (np.maximum(w, 0.0) * np.maximum(h, 0.0)).sum(axis=1)
        return total

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
    return np.maximum(w, 0.0) * np.maximum(h, 0.0)


# right, left, up, down, then the diagonals, then 16 directions
_DIRECTIONS = [math.radians(a) for a in
               (0, 180, 90, 270, 45, 135, 225, 315, 22.5, 157.5, 202.5, 337.5,
                67.5, 112.5, 247.5, 292.5)]
_UNIT = np.array([[math.cos(a), math.sin(a)] for a in _DIRECTIONS])  # (16, 2)
_RINGS_AT_ONCE = 4


class TextLabels:
    """Labels as matplotlib Text artists on the map, measured by matplotlib (``render``).
    A ``sheet.SpriteLabels`` has the same three methods."""

    def __init__(self, ax):
        self.ax = ax
        self.renderer = ax.figure.canvas.get_renderer()

    def measure(self, text: str, style: dict, gid: str, centre):
        """(handle, (width, height) of the text in pixels, offset of the text's centre
        from its anchor) for a label anchored at ``centre`` (pixels)."""
        label = self.ax.text(0, 0, text, ha="center", va="center", zorder=20, gid=gid,
                             clip_on=False, **style)
        label.set_position(tuple(self.ax.transData.inverted().transform(centre)))
        ext = label.get_window_extent(self.renderer)
        shift = np.array([(ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2]) - centre
        return label, (ext.width, ext.height), shift

    def put(self, label, anchor):
        """The label, anchored at ``anchor`` (pixels)."""
        label.set_position(tuple(self.ax.transData.inverted().transform(anchor)))
        return label

    def drop(self, label) -> None:
        label.remove()


def place_labels(drawing: Drawing, scene: Scene, layout, owner, answer, analysis, frame_rows,
                 walk, writer=None) -> None:
    """Place and write the labels (``writer``: default ``TextLabels`` on the map);
    ``layout`` is the picture's ``figure.MapLayout``."""
    from matplotlib.lines import Line2D

    fig, ax = drawing.figure, drawing.ax
    writer = writer or TextLabels(ax)
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted().transform
    bbox = ax.get_window_extent(renderer)
    placer = _Placer((bbox.x0, bbox.y0, bbox.x1, bbox.y1))
    px_per_pt = fig.dpi / 72.0
    hulls = layout.hulls
    centres_px, hulls_px, frames_px = _in_pixels(ax, scene, hulls)

    # Obstacles: highlighted objects' centres and used cameras stay visible.
    for i in owner:
        c = centres_px[i]
        placer.obstacles.append((np.array([c[0] - 4, c[1] - 4, c[0] + 4, c[1] + 4]),
                                 ("object", i)))
    for i in set(owner) | set(answer):  # optional labels keep off highlighted objects
        if is_surface(scene.categories[i]) or not len(hulls[i]):
            continue
        hp = hulls_px[i]
        placer.soft.append((np.concatenate([hp.min(axis=0), hp.max(axis=0)]), ("object", i)))
    for r in frame_rows:
        c = frames_px[r]
        placer.obstacles.append((np.array([c[0] - 4, c[1] - 4, c[0] + 4, c[1] + 4]),
                                 ("frame", r)))

    jobs = []  # (priority, kind, key)
    for i in range(scene.n):
        highlighted = i in owner or i in answer
        if highlighted:
            jobs.append(((0 if i in answer else 1, 0.0, scene.ids[i]), "object", i))
            continue
        if is_surface(scene.categories[i]):
            continue
        if layout.extents[i] < TINY:
            continue
        jobs.append(((3, -layout.areas[i], scene.ids[i]), "object", i))
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
            centre = centres_px[i]
            hull_px = hulls_px[i] if len(hulls[i]) else centre[None]
            radius = float(np.max(np.hypot(*(hull_px - centre).T))) if len(hull_px) else 0
            radius = max(radius, 3.0)
            edge = h.color if h is not None else ANSWER_COLOR
            style = dict(fontsize=8, fontweight="bold", color="#111111",
                         bbox=dict(boxstyle="round,pad=0.2", facecolor=rgba("#ffffff", 0.88),
                                   edgecolor=edge, linewidth=1.0)) if must else dict(
                fontsize=6.5, color="#333333",
                bbox=dict(boxstyle="square,pad=0.1", facecolor=rgba("#ffffff", 0.55),
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
            centre = frames_px[r]
            radius = 5.0
            style = dict(fontsize=7 if not walk else 6.5, color=CAMERA_COLOR,
                         fontweight="bold" if not walk else "normal",
                         bbox=dict(boxstyle="round,pad=0.15",
                                   facecolor=rgba("#ffffff", 0.85),
                                   edgecolor=rgba(CAMERA_COLOR, 0.6), linewidth=0.6))
            pad_pt = 0.15 * style["fontsize"] + 0.6
            gid, ident = f"frame-label:{r}", r
            rings = 30
            edge = CAMERA_COLOR
        label, (width, height), shift = writer.measure(text, style, gid, centre)
        pad_px = pad_pt * px_per_pt + 1.0
        size = (width + 2 * pad_px, height + 2 * pad_px)
        if kind == "object":  # a label that fits inside its object may sit on it
            centre_first = _fits_inside(hull_px, centre, size) and not is_surface(
                scene.categories[key])
        box, away, clear = placer.place(centre, radius, size, (kind, key), rings, centre_first,
                                        must)
        if box is None:
            writer.drop(label)
            continue
        if not clear:
            drawing.unplaced.append(str(ident))
        placer.add(box)
        mid = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        label = writer.put(label, mid - shift)
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


def _in_pixels(ax, scene: Scene, hulls):
    """Object centres, footprints and camera positions in display pixels, each set in one
    transform (a transform per point was a third of the placing time)."""
    to_px = ax.transData.transform
    centres = to_px(scene.center[:, :2]) if scene.n else np.zeros((0, 2))
    sizes = [len(h) for h in hulls]
    points = [np.asarray(h, dtype=float).reshape(-1, 2) for h in hulls if len(h)]
    flat = to_px(np.concatenate(points)) if points else np.zeros((0, 2))
    hulls_px = np.split(flat, np.cumsum(sizes)[:-1]) if sizes else []
    frames = scene.frames
    cameras = to_px(frames.position[:, :2]) if frames.count else np.zeros((0, 2))
    return centres, hulls_px, cameras


def _fits_inside(hull_px, centre, size) -> bool:
    """A label centred on the object stays within the object's bounding box."""
    if len(hull_px) < 3:
        return False
    lo, hi = hull_px.min(axis=0), hull_px.max(axis=0)
    return (hi[0] - lo[0]) >= size[0] * 1.05 and (hi[1] - lo[1]) >= size[1] * 1.2
