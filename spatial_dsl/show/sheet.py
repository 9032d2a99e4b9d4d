"""Many pictures of one scene, fast (``Sheet``): what `spdsl review` draws with.

A picture of a program is the scene's map (grid, axes, room, walls, every object's
plain footprint), which is the same for every program on the scene, under what the
program touched (highlighted and answer objects, cameras, labels, legend, title,
caption). A ``Sheet`` draws the first part once, on a figure it keeps, and keeps its
pixels; each picture restores those pixels, draws only the program's artists on top
(matplotlib's blitting: ``draw_artist`` in z-order, the same order as a full draw since
every program artist lies above every base artist), pastes the labels and the legend's
words as sprites (each text and style drawn once per sheet, ``SpriteLabels``), crops
the caption band to the caption's height and encodes the PNG itself.

The picture is ``render``'s at the same DPI, with two differences a reader cannot see
(``tests/test_sheet.py`` measures them): a highlighted object's colour lies over its
plain grey footprint rather than over the white page (its fill is a few levels darker),
and a sprite's glyphs sit on whole pixels (up to half a pixel from where matplotlib
would put them). A program that highlights a floor or another surface, whose tint goes
*under* the objects standing on it, is drawn the plain way (``render``).
"""

from __future__ import annotations

import io
from collections import OrderedDict

import numpy as np

from ..scenes.model import Scene
from .analysis import Analysis
from .common import Drawing, is_surface
from .figure import (
    CAPTION_LINES_MAX, MapLayout, add_legend_axes, caption_inches, caption_lines, draw_objects,
    draw_program, draw_room, map_layout, new_figure, render,
)
from .output import to_bytes

SHEETS_KEPT = 4  # scenes whose sheet a process keeps (a review goes scene by scene)
_SHEETS: OrderedDict[tuple[int, int], Sheet] = OrderedDict()


class Sheet:
    """One scene's figure with its base layer drawn, for many pictures."""

    def __init__(self, scene: Scene, dpi: int):
        self.scene, self.dpi = scene, dpi
        self.layout: MapLayout = map_layout(scene)
        self.cap_in = caption_inches([""] * CAPTION_LINES_MAX)  # room for the longest
        base = new_figure(self.layout, self.cap_in, dpi)
        self.figure, self.ax = base.figure, base.ax
        draw_room(base, scene, self.layout)
        draw_objects(base, scene, self.layout, {}, set())
        self.legend_ax = add_legend_axes(self.figure, self.layout)
        self.figure.canvas.draw()
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        self.sprites = _SpriteCache(dpi)

    @classmethod
    def of(cls, scene: Scene, dpi: int) -> Sheet:
        """The process's sheet for this scene and DPI (a few are kept, the oldest dropped)."""
        key = (id(scene), dpi)  # the sheet holds the scene: its id is not reused meanwhile
        if key in _SHEETS:
            _SHEETS.move_to_end(key)
        else:
            _SHEETS[key] = cls(scene, dpi)
            while len(_SHEETS) > SHEETS_KEPT:
                _SHEETS.popitem(last=False)
        return _SHEETS[key]

    def png(self, analysis: Analysis, *, title: str | None = None, names=None,
            colors: int = 0) -> tuple[bytes, Drawing]:
        """The picture ``render`` draws for ``analysis`` at the sheet's DPI, as PNG bytes
        (``colors`` > 0: a palette of that many colours), and the index of what was drawn
        (its artists are already taken off the sheet)."""
        if self._needs_full_draw(analysis):
            drawing = render(self.scene, analysis, title=title, dpi=self.dpi, names=names)
            return to_bytes(drawing.figure, "png", colors=colors), drawing
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        drawing = Drawing(self.figure, self.ax)
        caption = caption_lines(self.scene, analysis, self.layout, names)
        before = self._artists()
        labels = SpriteLabels(self.sprites)
        try:
            draw_program(drawing, self.scene, self.layout, analysis, self.legend_ax, caption,
                         title=title, over_base=True, label_writer=labels)
            added = self._added(before, drawing)
            for artist in added:
                artist.draw(canvas.get_renderer())
            # the canvas' own pixels: the next picture restores them anyway
            pixels = np.asarray(canvas.buffer_rgba())
            labels.paste(pixels, canvas.get_renderer().height)  # labels are the top layer
            height = self.layout.rows(caption_inches(caption), self.dpi)
            data = _encode(pixels[:height], colors)
        finally:
            self._take_off(before, drawing)
        return data, drawing

    def _needs_full_draw(self, analysis: Analysis) -> bool:
        # a highlighted surface is tinted under the objects on it, below the base layer
        return any(is_surface(self.scene.categories[i]) for h in analysis.highlights
                   for i in h.members)

    def _artists(self) -> tuple[set, set, set]:
        return (set(self.ax.get_children()), set(self.legend_ax.get_children()),
                set(self.figure.texts))

    def _added(self, before, drawing: Drawing) -> list:
        """The program's artists, in the order a full draw paints them: the map's by
        z-order, then the legend's, then the figure's texts."""
        ax_before, key_before, fig_before = before
        on_map = [a for a in self.ax.get_children() if a not in ax_before]
        on_key = [a for a in self.legend_ax.get_children() if a not in key_before]
        on_figure = [t for t in self.figure.texts if t not in fig_before]
        return (sorted(on_map, key=lambda a: a.get_zorder())
                + sorted(on_key, key=lambda a: a.get_zorder()) + on_figure)

    def _take_off(self, before, drawing: Drawing) -> None:
        for artist in self._added(before, drawing):
            artist.remove()


class SpriteLabel:
    """A label written as a sprite: its text and its anchor (display pixels)."""

    def __init__(self, text: str, sprite, anchor):
        self.text, self.sprite, self.anchor = text, sprite, np.asarray(anchor, dtype=float)

    def get_text(self) -> str:
        return self.text


class SpriteLabels:
    """Labels for ``labels.place_labels`` as images pasted on the picture, each text and
    style drawn once per sheet by matplotlib (``_SpriteCache``)."""

    def __init__(self, cache: _SpriteCache):
        self.cache = cache
        self.placed: list[SpriteLabel] = []

    def measure(self, text: str, style: dict, gid: str, centre):
        sprite = self.cache.get(text, style)
        return SpriteLabel(text, sprite, centre), sprite.size, sprite.shift

    def put(self, label: SpriteLabel, anchor) -> SpriteLabel:
        label.anchor = np.asarray(anchor, dtype=float)
        self.placed.append(label)
        return label

    def drop(self, label: SpriteLabel) -> None:
        pass

    def paste(self, image: np.ndarray, height: float) -> None:
        """Blend every placed label onto ``image`` (RGBA rows from the top of a canvas
        ``height`` pixels high), in placing order as matplotlib would draw them."""
        for label in self.placed:
            label.sprite.paste(image, label.anchor, height)


class _Sprite:
    """One label drawn alone: straight-alpha RGBA pixels and where its anchor lies."""

    def __init__(self, rgba: np.ndarray, left: float, top: float, size, shift):
        self.rgb = rgba[..., :3].astype(np.float32)
        self.alpha = rgba[..., 3:].astype(np.float32) / 255.0
        self.left, self.top = left, top  # the pixels' top-left corner minus the anchor
        self.size, self.shift = size, shift

    def paste(self, image: np.ndarray, anchor, height: float) -> None:
        col = int(round(anchor[0] + self.left))
        row = int(round(height - (anchor[1] + self.top)))
        h, w = self.alpha.shape[:2]
        r0, c0 = max(row, 0), max(col, 0)
        r1, c1 = min(row + h, image.shape[0]), min(col + w, image.shape[1])
        if r0 >= r1 or c0 >= c1:
            return
        a = self.alpha[r0 - row:r1 - row, c0 - col:c1 - col]
        src = self.rgb[r0 - row:r1 - row, c0 - col:c1 - col]
        dst = image[r0:r1, c0:c1, :3].astype(np.float32)
        image[r0:r1, c0:c1, :3] = np.rint(dst + (src - dst) * a).astype(np.uint8)


class _SpriteCache:
    """Label sprites by text and style, drawn on a scratch transparent figure (at most
    MAX_SPRITES, then drawn afresh: the legend's words differ from item to item)."""

    MAX_SPRITES = 2000

    def __init__(self, dpi: int):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(8, 2), dpi=dpi)
        self.figure.patch.set_alpha(0.0)
        FigureCanvasAgg(self.figure)
        self.sprites: dict[tuple[str, str], _Sprite] = {}

    def get(self, text: str, style: dict) -> _Sprite:
        key = (text, repr(style))
        if key not in self.sprites:
            if len(self.sprites) >= self.MAX_SPRITES:
                self.sprites.clear()
            self.sprites[key] = self._draw(text, style)
        return self.sprites[key]

    def _draw(self, text: str, style: dict) -> _Sprite:
        from matplotlib.text import Text
        from matplotlib.transforms import IdentityTransform

        canvas = self.figure.canvas
        renderer = canvas.get_renderer()
        anchor = (round(renderer.width / 2), round(renderer.height / 2))
        label = Text(*anchor, text, ha="center", va="center", transform=IdentityTransform(),
                     clip_on=False, **style)
        label.set_figure(self.figure)
        ext = label.get_window_extent(renderer)
        if ext.width + 40 > renderer.width or ext.height + 40 > renderer.height:
            w, h = self.figure.get_size_inches()  # a long label: a wider scratch figure
            self.figure.set_size_inches(max(w, 2 * (ext.width + 40) / self.figure.dpi),
                                        max(h, 2 * (ext.height + 40) / self.figure.dpi))
            return self._draw(text, style)
        renderer.clear()
        label.draw(renderer)
        box = ext.union([ext, label.get_bbox_patch().get_window_extent(renderer)]
                        if label.get_bbox_patch() is not None else [ext])
        x0, x1 = int(np.floor(box.x0)) - 2, int(np.ceil(box.x1)) + 2
        y0, y1 = int(np.floor(box.y0)) - 2, int(np.ceil(box.y1)) + 2
        pixels = np.asarray(renderer.buffer_rgba())
        rows = slice(int(renderer.height) - y1, int(renderer.height) - y0)
        shift = np.array([(ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2]) - anchor
        return _Sprite(pixels[rows, x0:x1].copy(), x0 - anchor[0], y1 - anchor[1],
                       (ext.width, ext.height), shift)


def _encode(rgba: np.ndarray, colors: int) -> bytes:
    """PNG bytes of an (H, W, 4) uint8 opaque image, in RGB, reduced to ``colors`` palette
    colours if > 0 (as ``output.to_bytes`` does)."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(rgba)).convert("RGB")
    if colors > 0:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                               dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)  # optimize: 11 % smaller, 6x slower
    return out.getvalue()
