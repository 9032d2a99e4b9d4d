"""`spdsl show` pictures: checked on the figure's artists (what was drawn), not on pixels."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from spatial_dsl.api import compile_program
from spatial_dsl.tolerances import VISIBLE_FRACTION
from spatial_dsl.scenes.format import scene_from_dict
from spatial_dsl.scenes.sources import load_scene
from spatial_dsl.show import (
    ANSWER_COLOR, MAX_WALK_LABELS, OBJECT_EDGE, analyse_program, render, save, to_bytes,
)

from .conftest import REPO

# --------------------------------------------------------------------------- scenes


def _walked(ref: str, frames: int = 8):
    from sims.walk import WalkOptions, walk_scene

    return walk_scene(load_scene(ref), WalkOptions(frames=frames, seed=0))


@pytest.fixture(scope="module")
def kitchen():
    return _walked("ithor:FloorPlan1")


@pytest.fixture(scope="module")
def living():
    return _walked("ithor:FloorPlan201")


@pytest.fixture(scope="module")
def bedroom():
    return _walked("ithor:FloorPlan301")


def _quat_z(deg: float) -> list[float]:
    return Rotation.from_euler("z", deg, degrees=True).as_quat().tolist()


def _camera_quat(yaw_deg: float, pitch_deg: float = 10.0) -> list[float]:
    from sims.walk import camera_matrix

    return Rotation.from_matrix(camera_matrix(yaw_deg, pitch_deg)).as_quat().tolist()


def hand_scene_doc() -> dict:
    """An L-shaped room: a rotated table with a tiny ring on it, chairs, a floor, 3 frames."""
    objects = [
        {"id": "floor", "category": "Floor", "center": [2.0, 1.5, -0.01],
         "size": [4.0, 3.0, 0.02], "rotation": [0, 0, 0, 1]},
        {"id": "table", "category": "Table", "center": [1.5, 1.0, 0.375],
         "size": [1.2, 0.8, 0.75], "rotation": _quat_z(30)},
        {"id": "ring", "category": "Ring", "label": "gold ring", "center": [1.5, 1.0, 0.76],
         "size": [0.02, 0.02, 0.01], "rotation": [0, 0, 0, 1], "parent": "table"},
        {"id": "chair1", "category": "Chair", "center": [0.6, 0.6, 0.45],
         "size": [0.45, 0.45, 0.9], "rotation": _quat_z(10)},
        {"id": "chair2", "category": "Chair", "center": [2.4, 1.5, 0.45],
         "size": [0.45, 0.45, 0.9], "rotation": _quat_z(-20)},
        {"id": "lamp", "category": "Lamp", "center": [3.6, 0.3, 0.8],
         "size": [0.3, 0.3, 1.6], "rotation": [0, 0, 0, 1]},
        {"id": "sofa", "category": "Sofa", "center": [0.5, 2.5, 0.4],
         "size": [1.8, 0.8, 0.8], "rotation": [0, 0, 0, 1]},
    ]
    frames = []
    for k, (pos, yaw) in enumerate([((3.5, 2.5, 1.5), 200.0), ((3.0, 0.5, 1.5), 160.0),
                                    ((1.0, 0.3, 1.5), 60.0)]):
        frames.append({"index": k, "time": float(k), "camera": {
            "position": list(pos), "rotation": _camera_quat(yaw), "width": 640,
            "height": 480, "hfov_deg": 90.0},
            "visible": {"table": 0.8, "chair2": 0.5} if k < 2 else {"sofa": 0.9}})
    return {"format": "spdsl.scene/1", "id": "test/hand",
            "room": {"floor": [[0, 0], [4, 0], [4, 1.5], [2.5, 1.5], [2.5, 3], [0, 3]],
                     "height": 2.5},
            "objects": objects, "frames": frames}


@pytest.fixture(scope="module")
def hand():
    return scene_from_dict(hand_scene_doc())


# --------------------------------------------------------------------------- helpers


def _answer_ids(scene, text: str) -> list[str]:
    """Object ids an independent program answers (Object or List[Object])."""
    result = compile_program(text).run(scene)
    assert result.ok, result.rejection
    value = result.answer.value
    return [v["id"] for v in value] if isinstance(value, list) else [value["id"]]


def _ids_of(scene, category: str) -> set[str]:
    return {scene.ids[i] for i in range(scene.n) if scene.categories[i] == category}


def _label_boxes(drawing):
    fig = drawing.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {}
    for key, text in list(drawing.labels.items()) + [
            (f"frame {r}", t) for r, t in drawing.frame_labels.items()]:
        patch = text.get_bbox_patch()
        ext = (patch or text).get_window_extent(renderer)
        boxes[key] = (ext.x0, ext.y0, ext.x1, ext.y1)
    return boxes


def assert_readable(drawing):
    """Every highlighted object has a label; no two labels overlap; all inside the map."""
    highlighted = set().union(*drawing.highlights.values()) | drawing.answer
    missing = highlighted - set(drawing.labels)
    assert not missing, f"highlighted objects without a label: {sorted(missing)}"
    boxes = _label_boxes(drawing)
    overlapping = []
    for (a, ba), (b, bb) in combinations(boxes.items(), 2):
        w = min(ba[2], bb[2]) - max(ba[0], bb[0])
        h = min(ba[3], bb[3]) - max(ba[1], bb[1])
        if w > 0.5 and h > 0.5:
            overlapping.append((a, b))
    assert not overlapping, f"overlapping labels: {overlapping[:5]}"
    ax = drawing.ax.get_window_extent()
    for key, (x0, y0, x1, y1) in boxes.items():
        assert ax.x0 - 1 <= x0 and x1 <= ax.x1 + 1 and ax.y0 - 1 <= y0 and y1 <= ax.y1 + 1, key
    assert drawing.unplaced == []


def _facecolor(patch):
    return tuple(round(c, 3) for c in patch.get_facecolor()[:3])


# --------------------------------------------------------------------------- highlights


CLOSER = (REPO / "examples" / "closer_to_fridge.sp").read_text()


def test_each_let_and_expression_gets_its_own_highlight(kitchen):
    analysis = analyse_program(CLOSER, kitchen)
    drawing = render(kitchen, analysis)
    fridge = _answer_ids(kitchen, 'answer the("Fridge")')
    sink = _answer_ids(kitchen, 'answer the("Sink")')
    burner = _answer_ids(kitchen, 'answer argmin(find("StoveBurner"), b => '
                                  'distance(b, the("Fridge")))')
    assert drawing.highlights == {"fridge": set(fridge), "sink": set(sink),
                                  "burner": set(burner),
                                  'find("StoveBurner")': _ids_of(kitchen, "StoveBurner")}
    assert len(set(drawing.colors.values())) == 4  # one colour each
    # the burner is in two highlights: the smaller (the let) fills it
    assert drawing.fill[burner[0]] == "burner"
    # exactly the highlighted objects are filled in colour; all others plain
    filled = set(drawing.fill)
    assert filled == set().union(*drawing.highlights.values())
    plain = [oid for oid, patch in drawing.objects.items()
             if oid not in filled and kitchen.categories[kitchen.ids.index(oid)] != "Floor"]
    assert plain and all(_facecolor(drawing.objects[o]) == (0.851, 0.851, 0.851) for o in plain)
    for name, members in drawing.highlights.items():
        owners = [o for o in members if drawing.fill[o] == name]
        for o in owners:
            expected = tuple(round(int(drawing.colors[name][k:k + 2], 16) / 255, 3)
                             for k in (1, 3, 5))
            assert _facecolor(drawing.objects[o]) == expected
    # a Str answer outlines nothing; no frames in this program
    assert drawing.answer == set() and drawing.frustums == {}
    assert_readable(drawing)


def test_list_answer_is_outlined(living):
    program = ('question "Which chairs are within 1.5 m of the sofa, nearest first?"\n'
               'let sofa = the("Sofa")\n'
               'let chairs = filter(find("Chair"), c => near(c, sofa, within=1.5m))\n'
               'answer sort(chairs, c => distance(c, sofa))\n')
    drawing = render(living, analyse_program(program, living))
    answer = set(_answer_ids(living, 'answer sort(filter(find("Chair"), c => near(c, '
                                     'the("Sofa"), within=1.5m)), c => distance(c, the("Sofa")))'))
    assert answer and drawing.answer == answer
    assert drawing.highlights["chairs"] == answer
    assert drawing.highlights["sofa"] == _ids_of(living, "Sofa")
    assert drawing.highlights['find("Chair")'] == _ids_of(living, "Chair")
    outlines = {a.get_gid() for a in drawing.ax.patches + drawing.ax.lines
                if (a.get_gid() or "").startswith("answer:")}
    assert outlines == {f"answer:{o}" for o in answer}
    for gid in outlines:
        artist = next(a for a in drawing.ax.patches + drawing.ax.lines if a.get_gid() == gid)
        color = artist.get_edgecolor() if hasattr(artist, "get_edgecolor") else \
            artist.get_markeredgecolor()
        assert tuple(color[:3]) == (0.0, 0.0, 0.0) and ANSWER_COLOR == "#000000"
    # the caption words the answer as a dataset item does: each chair by its reference,
    # never "A: Chair, Chair, ..." (code-style labels a reader cannot tell apart)
    said = drawing.caption.get_text().split("\nA: ")[1].split(", ")
    assert len(said) == len(answer) == len(set(said))
    assert all(name.startswith("the chair ") for name in said), said
    assert_readable(drawing)


def test_rejection_still_draws_and_says_so(bedroom):
    analysis = analyse_program('question "Which drawer?"\nanswer the("Drawer")', bedroom)
    assert not analysis.ok and analysis.rejection.kind == "Ambiguous"
    drawing = render(bedroom, analysis)
    caption = drawing.caption.get_text()
    assert "Q: Which drawer?" in caption and "Rejected [Ambiguous]" in caption
    # what the rejected program looked at is still shown: every drawer
    assert drawing.highlights == {'find("Drawer")': _ids_of(bedroom, "Drawer")}
    assert_readable(drawing)


def test_a_rejected_let_is_not_shown_but_earlier_ones_are(kitchen):
    program = 'let f = the("Fridge")\nlet d = the("Drawer")\nanswer distance(f, d)\n'
    analysis = analyse_program(program, kitchen)
    assert analysis.rejection.kind == "Ambiguous"
    # `d` never got a value; the set its `the` was asked to pick from is still shown
    assert [(h.name, h.kind) for h in analysis.highlights] == [
        ("f", "let"), ('find("Drawer")', "expr")]
    assert len(analysis.highlights[1].members) == kitchen.categories.count("Drawer")


def test_statements_after_a_rejection_are_not_shown(kitchen):
    program = ('let f = the("Fridge")\nassert count(find("Stool")) > 100 else "few stools"\n'
               'answer the("Sink")\n')
    analysis = analyse_program(program, kitchen)
    assert analysis.rejection.kind == "AssertionFailed"
    assert [h.name for h in analysis.highlights] == ["f", 'find("Stool")']


# --------------------------------------------------------------------------- frames


def test_frames_the_program_uses_get_frustums(kitchen):
    program = ("let f = frame(2)\n"
               "let seen_there = in_view(f)\n"
               "assert camera_distance(the(\"Fridge\"), frame(5)) > 0m else \"x\"\n"
               "answer len(route(frame(0), frame(3)))\n")
    analysis = analyse_program(program, kitchen, frames=[7])
    assert analysis.ok
    drawing = render(kitchen, analysis)
    used = {0, 1, 2, 3, 5, 7}  # let, frame(5), route's span 0..3, the extra frame 7
    assert set(analysis.frames) == used
    assert set(drawing.frustums) == used and set(drawing.cameras) == used
    assert set(drawing.frame_labels) == used
    assert drawing.frame_labels[2].get_text() == "f = frame 2"
    assert drawing.frame_labels[5].get_text() == "frame 5"
    # the frustum opens by the horizontal field of view (fx, width)
    hfov = math.degrees(2 * math.atan2(kitchen.frames.width[2] / 2, kitchen.frames.fx[2]))
    xy = drawing.frustums[2].get_xy()
    apex = kitchen.frames.position[2, :2]
    assert np.allclose(xy[0], apex)
    a1, a2 = (math.degrees(math.atan2(*(xy[k] - apex)[::-1])) for k in (1, -2))
    assert abs(((a2 - a1) % 360) - hfov) < 1e-6
    assert drawing.highlights["seen_there"] == {
        kitchen.ids[i] for i in np.flatnonzero(kitchen.frames.visibility[2] >= VISIBLE_FRACTION)}
    assert_readable(drawing)


@pytest.mark.parametrize("program", [
    "answer len(frames)",
    'answer seen(the("Fridge"))',
    'answer map(frames, f => f.index)',
])
def test_frame_wide_programs_show_every_frame(kitchen, program):
    analysis = analyse_program(program, kitchen)
    drawing = render(kitchen, analysis)
    assert analysis.all_frames
    assert set(drawing.frustums) == set(range(kitchen.frames.count))


def test_scene_alone_shows_the_walk(living, hand):
    drawing = render(living)
    n = living.frames.count
    assert set(drawing.frustums) == set(range(n)) and drawing.path is not None
    assert set(drawing.frame_labels) == set(range(n))
    assert [t.get_text() for _, t in sorted(drawing.frame_labels.items())] == [
        str(int(i)) for i in living.frames.index]
    assert drawing.highlights == {} and drawing.answer == set()
    assert "Scene only" in drawing.caption.get_text()
    assert_readable(drawing)


def test_long_walks_label_a_subset_of_frames():
    scene = _walked("ithor:FloorPlan1", frames=90)
    drawing = render(scene)
    assert len(drawing.frustums) == 90
    assert 0 in drawing.frame_labels and 89 in drawing.frame_labels
    assert len(drawing.frame_labels) <= MAX_WALK_LABELS + 1
    assert_readable(drawing)


# --------------------------------------------------------------------------- geometry


def test_hand_made_scene_footprints_room_and_small_objects(hand):
    program = ('question "What is on the table?"\nlet t = the("Table")\n'
               'answer the(filter(objects, o => on(o, t)))\n')
    analysis = analyse_program(program, hand)
    assert analysis.ok and analysis.answer.text == "gold ring"
    drawing = render(hand, analysis)
    # the rotated table: its footprint is the rotated rectangle
    table = drawing.objects["table"].get_xy()[:-1]
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    expected = [np.array([1.5, 1.0]) + np.array([[c, -s], [s, c]]) @ np.array([dx, dy])
                for dx in (-0.6, 0.6) for dy in (-0.4, 0.4)]
    assert len(table) == 4
    for p in expected:
        assert min(np.hypot(*(table - p).T)) < 1e-9
    # the room outline is the L-shaped floor polygon
    assert np.allclose(drawing.room.get_xy()[:-1], hand.room.floor)
    # the 2 cm ring is too small to see: it gets a dot, and (answer) a ring, and a label
    assert "ring" in drawing.markers and drawing.answer == {"ring"}
    assert drawing.labels["ring"].get_text() == "gold ring"
    # the floor is drawn below everything else
    z = {oid: p.get_zorder() for oid, p in drawing.objects.items()}
    assert z["floor"] < min(v for k, v in z.items() if k != "floor")
    assert z["ring"] > z["table"]  # small things above what they stand on
    assert_readable(drawing)


def test_unhighlighted_tiny_objects_are_not_labelled(hand):
    drawing = render(hand)
    assert "ring" not in drawing.labels and "ring" in drawing.markers
    assert "floor" not in drawing.labels
    assert {"table", "sofa", "chair1", "chair2", "lamp"} <= set(drawing.labels)
    edge = tuple(int(OBJECT_EDGE[k:k + 2], 16) / 255 for k in (1, 3, 5))
    assert np.allclose(drawing.objects["table"].get_edgecolor()[:3], edge)


@pytest.mark.parametrize("ref", ["ithor:FloorPlan1", "ithor:FloorPlan201", "ithor:FloorPlan301",
                                 "ithor:FloorPlan5", "ithor:FloorPlan210"])
def test_busy_rooms_stay_readable(ref):
    """Highlight a whole category plus a single object: labels never pile up."""
    scene = load_scene(ref)
    cats = sorted(set(scene.categories), key=lambda c: -scene.categories.count(c))
    program = (f'let many = find("{cats[0]}")\nlet more = find("{cats[1]}")\n'
               'answer argmax(objects, o => o.volume)\n')
    drawing = render(scene, analyse_program(program, scene))
    assert drawing.highlights["many"] == _ids_of(scene, cats[0])
    assert drawing.highlights["more"] == _ids_of(scene, cats[1])
    assert len(drawing.labels) >= 0.4 * scene.n
    assert_readable(drawing)


# --------------------------------------------------------------------------- output


def test_png_and_svg_output(tmp_path, hand):
    drawing = render(hand, analyse_program('answer the("Sofa")', hand))
    png, svg = tmp_path / "a.png", tmp_path / "a.svg"
    save(drawing.figure, png)
    save(drawing.figure, svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert 'id="object:sofa"' in text and 'id="answer:sofa"' in text
    assert 'id="label:sofa"' in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]  # no temp files
    small = to_bytes(drawing.figure, "png", dpi=60, colors=128)
    assert small[:8] == b"\x89PNG\r\n\x1a\n" and len(small) < len(png.read_bytes())
