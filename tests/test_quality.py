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
