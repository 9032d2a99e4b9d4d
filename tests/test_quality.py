"""quality.unclear / unclear_rows: which named objects a reader cannot see clearly.

The engine asks ``unclear_rows`` of every candidate item, which looks objects up in a
per-frame table kept per visibility table (``quality._shown_in``); the expected rows here
are derived from the rule itself (synthesis.md: clearly visible = recorded fraction >= 0.3
and >= 32 px on screen) over the dense tables, for every frame of two walked rooms asked
in turn, so a table kept under the wrong frame or the wrong room shows.
"""

from __future__ import annotations

import numpy as np
import pytest

from spatial_dsl import quality
from spatial_dsl.runtime.kernels import _screen_sizes
from spatial_dsl.scenes.format import scene_from_json, to_json_text
from spatial_dsl.scenes.sources import load_scene


@pytest.fixture(scope="module")
def rooms():
    from sims.walk import WalkOptions, walk_scene_doc

    out = []
    for ref in ("ithor:FloorPlan1", "ithor:FloorPlan301"):
        doc = walk_scene_doc(load_scene(ref), WalkOptions(frames=6))
        out.append(scene_from_json(to_json_text(doc) + "\n"))
    return out


def _clear_table(scene) -> tuple[np.ndarray, np.ndarray]:
    """(recorded fractions, clearly visible) as dense (frames, objects) tables."""
    recorded = scene.frames.visible.dense()
    f, o = np.meshgrid(np.arange(scene.frames.count), np.arange(scene.n), indexing="ij")
    pixels = _screen_sizes(scene, o.reshape(-1), f.reshape(-1)).reshape(recorded.shape)
    return recorded, (recorded >= 0.3) & (pixels >= 32)


def test_image_rows_follow_the_rule_in_every_frame_of_each_room(rooms):
    tables = [_clear_table(scene) for scene in rooms]
    everyone = {id(s): list(range(s.n)) for s in rooms}
    checked = 0
    for f in range(min(s.frames.count for s in rooms)):
        for scene, (recorded, clear) in zip(rooms, tables):  # the rooms in turn
            for absent_ok in (False, True):
                expected = [o for o in range(scene.n) if not clear[f, o]
                            and not (absent_ok and recorded[f, o] == 0)]
                got = quality.unclear_rows(scene, everyone[id(scene)], "image", f, absent_ok)
                assert got == expected, (scene.id, f, absent_ok)
                checked += len(expected) < scene.n  # some objects of the frame are clear
    assert checked >= 4


def test_video_rows_are_the_objects_never_clear(rooms):
    for scene in rooms:
        _, clear = _clear_table(scene)
        rows = list(range(scene.n))
        assert quality.unclear_rows(scene, rows, "video", None) == \
            [o for o in rows if not clear[:, o].any()]


def test_unclear_says_why_for_exactly_the_unclear_rows(rooms):
    scene = rooms[0]
    rows = list(range(scene.n))
    for f in range(scene.frames.count):
        found = quality.unclear(scene, rows, "image", f)
        assert [row for row, _ in found] == quality.unclear_rows(scene, rows, "image", f)
        index = int(scene.frames.index[f])
        assert all(why.endswith(f"in frame {index}") for _, why in found)
    assert quality.unclear(scene, rows, "scene", None) == []


def _hand_scene(ids: list[str]):
    from spatial_dsl.scenes.format import scene_from_dict

    objects = [{"id": oid, "category": oid.split("|")[-1] if oid.count("|") > 1 else
                oid.split("|")[0], "center": [i, 0, 0.5], "size": [0.5, 0.5, 0.5]}
               for i, oid in enumerate(ids)]
    return scene_from_dict({"format": "spdsl.scene/1", "id": "test/parts",
                            "room": {"floor": [[-1, -1], [9, -1], [9, 9], [-1, 9]],
                                     "height": 2.6}, "objects": objects}, "parts")


def test_part_and_whole_by_ids():
    # A part's id is its whole's id followed by "|" (AI2-THOR's basins): "Sink|1|SinkBasin"
    # is part of "Sink|1"; "Sink|10" is not part of "Sink|1" (no "|" after the prefix).
    ids = ["Sink|1", "Sink|1|SinkBasin", "Sink|10", "Cup|3", "Bathtub|2",
           "Bathtub|2|BathtubBasin"]
    scene = _hand_scene(ids)
    row = {oid: i for i, oid in enumerate(scene.ids)}  # the scene's own row order
    sink, basin, tub, tub_basin = (row[k] for k in ("Sink|1", "Sink|1|SinkBasin", "Bathtub|2",
                                                     "Bathtub|2|BathtubBasin"))
    assert quality._parts_and_wholes(scene) == {sink, basin, tub, tub_basin}
    assert quality.part_and_whole(scene, [sink], [basin]) == (basin, sink)
    assert quality.part_and_whole(scene, [tub_basin], [tub]) == (tub_basin, tub)
    assert quality.part_and_whole(scene, [row["Sink|10"]], [sink]) is None
    assert quality.part_and_whole(scene, [row["Cup|3"]], [sink, basin]) is None  # both answers
    assert quality.part_and_whole(scene, [sink, row["Cup|3"]], [row["Sink|10"], -1]) is None
    cup = _hand_scene(["Cup|3", "Cup|3|Handle"])
    handle, whole = cup.ids.index("Cup|3|Handle"), cup.ids.index("Cup|3")
    assert quality.part_and_whole(cup, [handle], [whole]) == (handle, whole)
