"""`spdsl review`'s pictures (``show.Sheet``): the picture ``render`` draws, made over a
per-scene base layer; checked against ``render`` at the same DPI, and for state left over
from one picture to the next."""

from __future__ import annotations

import io

import numpy as np
import pytest

from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.show import Sheet, analyse_program, render, to_bytes

from .test_show import _walked, hand_scene_doc

DPI = 80

KITCHEN_PROGRAMS = [
    # a let, an expression inside a call, an answer object, one frame
    'question "Which is nearer to the fridge, the sink or the toaster?"\n'
    'let f = the("Fridge")\n'
    'answer argmin([the("Sink"), the("Toaster")], o => distance(o, f))\n',
    # many highlighted objects, no answer objects
    'question "How many drawers are there?"\nanswer count(find("Drawer"))\n',
    # frames used, with let names on the cameras
    'question "How far did the camera move?"\nlet a = frame(0)\nlet b = frame(5)\n'
    'answer round(distance(a.position, b.position) in m, 2)\n',
    # a rejection (several drawers): the caption in red
    'question "Which drawer?"\nlet d = find("Drawer")\nanswer the(d)\n',
]


@pytest.fixture(scope="module")
def kitchen():
    return _walked("ithor:FloorPlan1")


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _label_spots(drawing) -> dict[str, tuple[float, float]]:
    """Each label's text -> its anchor in pixels from the map's top-left corner."""
    ax = drawing.ax
    box = ax.get_window_extent(drawing.figure.canvas.get_renderer())
    spots = {}
    for key, label in drawing.labels.items():
        anchor = getattr(label, "anchor", None)
        if anchor is None:  # a Text on the map
            anchor = ax.transData.transform(label.get_position())
        spots[key] = (round(float(anchor[0] - box.x0), 1), round(float(box.y1 - anchor[1]), 1))
    return spots


@pytest.mark.parametrize("program", KITCHEN_PROGRAMS)
def test_a_sheet_picture_is_renders_picture(kitchen, program):
    analysis = analyse_program(program, kitchen)
    assert analysis.ok == ("Which drawer" not in program)
    png, drawing = Sheet.of(kitchen, DPI).png(analysis, title="item")
    full = render(kitchen, analysis, title="item", dpi=DPI)
    sheet_px, full_px = _pixels(png), _pixels(to_bytes(full.figure, "png"))
    assert sheet_px.shape == full_px.shape  # the caption band cropped to the caption
    # the same labels at the same spots (placed at the same DPI, measured the same)
    spots, full_spots = _label_spots(drawing), _label_spots(full)
    assert spots.keys() == full_spots.keys() and len(spots) > 10
    assert max(max(abs(a - b) for a, b in zip(spots[k], full_spots[k])) for k in spots) <= 1.0
    assert drawing.highlights == full.highlights and drawing.answer == full.answer
    assert drawing.key == full.key and len(drawing.key) >= 3
    # the same picture to the eye: a highlight over a grey footprint instead of white
    # paper is a few levels darker, a sprite's glyphs sit up to half a pixel off
    diff = np.abs(sheet_px - full_px)
    assert diff.mean() < 1.0
    assert (diff.max(axis=2) > 96).mean() < 0.003


def test_pictures_leave_nothing_behind(kitchen):
    sheet = Sheet.of(kitchen, DPI)
    a, b = (analyse_program(p, kitchen) for p in KITCHEN_PROGRAMS[:2])
    first, _ = sheet.png(a, title="a")
    children = len(sheet.ax.get_children()) + len(sheet.legend_ax.get_children())
    sheet.png(b, title="b")
    again, _ = sheet.png(a, title="a")
    assert again == first  # nothing of b (highlights, labels, legend rows) is left over
    assert len(sheet.ax.get_children()) + len(sheet.legend_ax.get_children()) == children
    assert len(sheet.figure.texts) == 0


def test_a_sheet_is_kept_per_scene_and_dpi(kitchen):
    assert Sheet.of(kitchen, DPI) is Sheet.of(kitchen, DPI)
    assert Sheet.of(kitchen, DPI + 10) is not Sheet.of(kitchen, DPI)


def test_a_highlighted_floor_is_drawn_the_plain_way():
    # the floor's tint lies under the objects standing on it, below the sheet's base
    # layer: such a picture is render's own, byte for byte
    scene = scene_from_dict(hand_scene_doc())
    program = 'question "q"\nlet f = the("Floor")\nanswer count(find("Chair"))\n'
    analysis = analyse_program(program, scene)
    assert any(scene.categories[i] == "Floor" for h in analysis.highlights for i in h.members)
    png, _ = Sheet.of(scene, DPI).png(analysis, title="t", colors=64)
    full = render(scene, analysis, title="t", dpi=DPI)
    assert png == to_bytes(full.figure, "png", colors=64)


def test_a_long_label_gets_a_sprite_of_its_own_size():
    # a label longer than the scratch figure widens it rather than being cut
    from spatial_dsl.show.sheet import _SpriteCache

    cache = _SpriteCache(DPI)
    short = cache.get("Sofa", dict(fontsize=8))
    long = cache.get("a very long label " * 12, dict(fontsize=8))
    assert long.size[0] > 8 * DPI  # wider than the first scratch figure
    assert long.alpha.shape[1] >= long.size[0]
    assert short.alpha.shape[1] < long.alpha.shape[1]
    assert cache.get("Sofa", dict(fontsize=8)) is short
