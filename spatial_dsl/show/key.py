"""The legend beside the map (``draw_key``): a title, then one row per highlight (its
colour and its let name or expression, with its size), the answer outline, the other
objects, the frames and the camera path.

It is laid out here rather than by matplotlib's ``Legend``: rows of a swatch and its
words, placed in pixels and written in the legend axes' data coordinates (so a PNG at
another DPI or an SVG keep the layout). Its words go through the same writer as the
map's labels (``labels.TextLabels``, or a ``sheet``'s sprites), which `spdsl review`
needs to draw a picture in a few hundredths of a second; a ``Legend`` cost as much as
all the rest of a picture drawn over a ``Sheet``.
"""

from __future__ import annotations

from .common import (
    ANSWER_COLOR, CAMERA_COLOR, OBJECT_EDGE, OBJECT_FACE, PATH_COLOR, Drawing, darker, rgba,
)

KEY_FONT = 7.5  # points, the rows' words
TITLE_FONT = 8.0
ROW_PITCH = 1.5  # a row's height, in KEY_FONT
PAD = 0.4  # from the axes' top-left corner to the title, in KEY_FONT
SWATCH_W, SWATCH_H = 2.0, 0.7  # in KEY_FONT
TEXT_GAP = 0.8  # between the swatch and the words, in KEY_FONT


def key_entries(analysis, scene, frame_rows, walk) -> list[tuple[str, dict]]:
    """(words, swatch) per row: a swatch is a patch's style, or a line's (``"line"``)."""
    rows = []
    if analysis is not None:
        for h in analysis.highlights:
            count = len(h.members)
            what = "let " + h.name if h.kind == "let" else h.name
            suffix = " (none)" if count == 0 else f" ({count})" if count != 1 else ""
            rows.append((what + suffix, dict(facecolor=rgba(h.color, 0.6),
                                             edgecolor=darker(h.color), linewidth=1.0)))
        if analysis.answer_objects:
            rows.append(("answer", dict(facecolor="none", edgecolor=ANSWER_COLOR,
                                        linewidth=2.4)))
    rows.append(("other objects", dict(facecolor=rgba(OBJECT_FACE, 0.55),
                                       edgecolor=OBJECT_EDGE, linewidth=1.0)))
    if frame_rows:
        what = "camera walk" if walk else "frames used"
        rows.append((f"{what} ({len(frame_rows)})", dict(
            facecolor=rgba(CAMERA_COLOR, 0.13), edgecolor=CAMERA_COLOR, linewidth=1.0)))
    if scene.frames.count > 1:
        rows.append(("camera path", dict(line=True, color=PATH_COLOR,
                                         linestyle=(0, (3, 2)), linewidth=1.0)))
    return rows


def draw_key(lax, drawing: Drawing, analysis, scene, frame_rows, walk, writer=None) -> None:
    """Draw the legend in ``lax`` (an empty axes, axis off), from its top-left corner."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from .labels import TextLabels

    writer = writer or TextLabels(lax)
    pt = lax.figure.dpi / 72.0
    box = lax.get_window_extent(lax.figure.canvas.get_renderer())
    to_data = lax.transData.inverted().transform
    title = "program" if analysis is not None else "scene"
    left, top = box.x0 + PAD * KEY_FONT * pt, box.y1 - PAD * KEY_FONT * pt
    height = _write_left(writer, title, dict(fontsize=TITLE_FONT), "key-title", left, top=top)
    drawing.key = [title]
    row_top = top - height - 0.3 * KEY_FONT * pt
    for words, swatch in key_entries(analysis, scene, frame_rows, walk):
        mid = row_top - ROW_PITCH * KEY_FONT * pt / 2
        (x0, y0), (x1, y1) = to_data([[left, mid - SWATCH_H * KEY_FONT * pt / 2],
                                      [left + SWATCH_W * KEY_FONT * pt,
                                       mid + SWATCH_H * KEY_FONT * pt / 2]])
        style = dict(swatch)
        if style.pop("line", False):
            lax.add_line(Line2D([x0, x1], [(y0 + y1) / 2] * 2, gid="key-swatch", **style))
        else:
            lax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, gid="key-swatch", **style))
        text_left = left + (SWATCH_W + TEXT_GAP) * KEY_FONT * pt
        _write_left(writer, words, dict(fontsize=KEY_FONT), "key-row", text_left, middle=mid)
        drawing.key.append(words)
        row_top -= ROW_PITCH * KEY_FONT * pt


def _write_left(writer, text: str, style: dict, gid: str, left: float, *,
                top: float | None = None, middle: float | None = None) -> float:
    """Write ``text`` from ``left`` (pixels), its box's top at ``top`` or its middle at
    ``middle``; its height."""
    handle, (width, height), shift = writer.measure(text, style, gid, (left, 0.0))
    centre_y = middle if middle is not None else top - height / 2
    writer.put(handle, (left + width / 2 - shift[0], centre_y - shift[1]))
    return height
