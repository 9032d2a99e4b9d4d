"""Hostile scene files (issue 14): loading stays linear, messages stay bounded, and the
sparse visibility store answers exactly like the dense table it replaced."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings

from spatial_dsl.scenes._validate import hints
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.format import dump_scene, scene_from_dict, scene_from_json
from spatial_dsl.scenes.model import scene_differences
from spatial_dsl.scenes.visibility import Visibility

from .strategies import scene_docs

CAMERA = {"position": [0.0, 0.0, 1.5], "rotation": [0.0, 0.0, 0.0, 1.0], "width": 64,
          "height": 48, "hfov_deg": 90}


def box(k: int, parent: str | None = None) -> dict:
    return {"id": f"Box|{k:06d}", "category": "Box", "center": [k * 0.01, 0.0, 0.5],
            "size": [0.1, 0.1, 0.1], "parent": parent}


def doc_of(objects: list[dict], frames: list[dict] | None = None) -> dict:
    doc = {"format": "spdsl.scene/1", "id": "test/hostile", "objects": objects}
    if frames is not None:
        doc["frames"] = frames
    return doc


def problems_of(doc: dict) -> list[str]:
    with pytest.raises(SceneError) as info:
        scene_from_dict(doc)
    return info.value.problems


# ------------------------------------------------------------- parent chains and cycles


def test_a_3000_deep_parent_chain_loads_with_every_parent():
    # Object k's parent is object k-1: the old cycle check walked the whole chain from
    # every object (cubic); the file of issue 14 took 45 s.
    scene = scene_from_dict(doc_of([box(k, f"Box|{k - 1:06d}" if k else None)
                                    for k in range(3000)]))
    assert scene.parent[0] == -1
    assert (scene.parent[1:] == np.arange(2999)).all()


def test_a_cycle_at_the_end_of_a_long_chain_is_reported_once_at_its_first_member():
    objects = [box(k, f"Box|{k - 1:06d}" if k else None) for k in range(2000)]
    objects[0]["parent"] = "Box|001999"  # closes the whole chain into one cycle
    objects.append(box(5000, "Box|000010"))  # leads into the cycle: not a second report
    found = [p for p in problems_of(doc_of(objects)) if "parent cycle" in p]
    assert len(found) == 1
    assert found[0].startswith("objects[0].parent: parent cycle: Box|000000 -> Box|001999 ->")
    assert found[0].endswith("Box|000001 -> Box|000000")


def test_two_separate_cycles_are_both_reported():
    objects = [box(0, "Box|000001"), box(1, "Box|000000"), box(2),
               box(3, "Box|000004"), box(4, "Box|000003")]
    found = [p for p in problems_of(doc_of(objects)) if "parent cycle" in p]
    assert found == ["objects[0].parent: parent cycle: Box|000000 -> Box|000001 -> Box|000000",
                     "objects[3].parent: parent cycle: Box|000003 -> Box|000004 -> Box|000003"]


# ---------------------------------------------------------------- did-you-mean hints


def test_every_object_naming_a_missing_parent_is_reported_with_the_same_hint():
    problems = problems_of(doc_of([box(k, "Box|0000001") for k in range(3000)]))
    assert len(problems) == 3000
    # the hint is computed once per distinct name and repeated
    assert len(set(p.split(": ", 1)[1] for p in problems)) == 1
    assert "did you mean 'Box|000001'" in problems[0]


def test_hints_stop_when_the_suggestion_budget_is_spent(monkeypatch):
    # 100 objects: a budget of 250 comparisons pays for two distinct unknown names
    monkeypatch.setattr(hints, "SUGGESTION_BUDGET", 250)
    frame = {"index": 0, "time": 0.0, "camera": CAMERA,
             "visible": {f"Bax|{k:06d}": 0.5 for k in range(5)}}
    problems = problems_of(doc_of([box(k) for k in range(100)], [frame]))
    assert len(problems) == 5  # every unknown id is still reported, with its path
    hinted = ["did you mean" in p for p in problems]
    assert hinted == [True, True, False, False, False]
    assert problems[2] == 'frames[0].visible["Bax|000002"]: unknown object id \'Bax|000002\''


def test_a_megabyte_id_is_clipped_in_messages_and_gets_no_hint():
    huge = "X" * 1_000_000
    problems = problems_of(doc_of([box(0, huge), box(1)]))
    assert len(problems) == 1
    assert len(problems[0]) < 300 and "did you mean" not in problems[0]
    assert problems[0].startswith("objects[0].parent: unknown object id 'XXXX")


# ------------------------------------------------------------------- huge numbers


@pytest.mark.parametrize("digits", [400, 4301, 100_000])
def test_integers_too_long_for_a_double_are_refused_with_their_path(digits):
    text = json.dumps(doc_of([box(0)]))
    text = text.replace('"center": [0.0,', '"center": [' + "9" * digits + ",")
    with pytest.raises(SceneError) as info:
        scene_from_json(text)
    assert info.value.problems == [
        f"objects[0].center[0]: an integer of {digits} digits is out of range "
        "(numbers must be finite doubles)"]


def test_a_huge_frame_index_is_out_of_range():
    frame = {"index": int("9" * 30), "time": 0.0, "camera": CAMERA}
    problems = problems_of(doc_of([box(0)], [frame]))
    assert problems == ["frames[0].index: expected an integer in [-2^63, 2^63), got " + "9" * 30]


# ------------------------------------------------------------ sparse visibility


def test_visibility_accessors_on_a_hand_made_table():
    # 3 frames x 4 objects; dense table written out by hand
    dense = np.array([[0.5, 0.0, 1.0, 0.0],
                      [0.0, 0.0, 0.2, 0.0],
                      [0.3, 0.0, 0.0, 0.9]])
    vis = Visibility.from_dense(dense)
    assert vis.count == 5
    np.testing.assert_array_equal(vis.dense(), dense)
    np.testing.assert_array_equal(vis.fraction([0, 2, 3, 1], [0, 1, 2, 2]), [0.5, 0.2, 0.9, 0.0])
    np.testing.assert_array_equal(vis.in_frames([2, 0]),
                                  [[True, False, False, True], [True, False, True, False]])
    np.testing.assert_array_equal(vis.in_frames([0], at_least=0.6), [[False, False, True, False]])
    first, last = vis.first_last()
    np.testing.assert_array_equal(first, [0, -1, 0, 2])
    np.testing.assert_array_equal(last, [2, -1, 1, 2])
    np.testing.assert_array_equal(vis.first_last(at_least=0.4)[0], [0, -1, 0, 2])
    np.testing.assert_array_equal(vis.first_last(at_least=0.6)[1], [-1, -1, 0, 2])
    np.testing.assert_array_equal(vis.frames_of(0), [0, 2])
    # 0&2 share frame 0, 0&3 frame 2, 2&3 never, 1 is never seen; broadcast both ways
    np.testing.assert_array_equal(vis.co_visible([0, 0, 2, 1], [2, 3, 3, 1]),
                                  [True, True, False, False])
    np.testing.assert_array_equal(vis.co_visible(0, [1, 2, 3]), [False, True, True])
    np.testing.assert_array_equal(vis.co_visible([1, 2, 3], 3), [False, False, True])


def test_visibility_of_a_scene_without_frames():
    vis = Visibility.from_pairs(0, 3, [], [], [])
    assert vis.dense().shape == (0, 3)
    np.testing.assert_array_equal(vis.first_last()[0], [-1, -1, -1])
    np.testing.assert_array_equal(vis.co_visible([0, 1], [1, 2]), [False, False])
    assert vis.fraction([0], [0]).tolist() == [0.0]


@settings(max_examples=60, deadline=None)
@given(scene_docs())
def test_sparse_visibility_agrees_with_the_document(doc):
    scene = scene_from_dict(doc)
    frames = sorted(doc.get("frames", []), key=lambda f: f["index"])
    expected = np.zeros((len(frames), scene.n))
    for i, frame in enumerate(frames):
        for oid, fraction in frame["visible"].items():
            expected[i, scene.ids.index(oid)] = fraction
    np.testing.assert_array_equal(scene.frames.visibility, expected)
    seen = expected > 0
    first, last = scene.frames.visible.first_last()
    for o in range(scene.n):
        rows = np.flatnonzero(seen[:, o])
        assert first[o] == (rows[0] if len(rows) else -1)
        assert last[o] == (rows[-1] if len(rows) else -1)
        for b in range(scene.n):
            assert scene.frames.visible.co_visible(o, b)[0] == (seen[:, o] & seen[:, b]).any()
    again = scene_from_dict(json.loads(json.dumps(dump_scene(scene))))
    assert scene_differences(scene, again) == []


def test_a_huge_python_int_in_a_dict_is_out_of_range():
    # the API path (scene_from_dict) never goes through the JSON parser's hook
    doc = doc_of([box(0)])
    doc["objects"][0]["size"] = [10**5000, 0.1, 0.1]
    assert problems_of(doc) == ["objects[0].size[0]: an integer of about 5001 digits is out "
                                "of range (numbers must be finite doubles)"]


# ------------------------------------------------------------------ hostile paths


def test_a_name_too_long_for_the_os_is_a_missing_file(tmp_path):
    from spatial_dsl.scenes.sources import expand_refs, load_scene

    with pytest.raises(SceneError) as info:
        load_scene(str(tmp_path / ("n" * 300)))
    assert info.value.problems[0].startswith("no such file")
    with pytest.raises(SceneError):
        expand_refs([str(tmp_path / ("n" * 300))])


def test_the_documented_comma_list_of_25_rooms_is_longer_than_a_file_name():
    from spatial_dsl.scenes.sources import expand_refs

    refs = ",".join(f"ithor:FloorPlan{i}" for i in range(1, 26))
    assert len(refs) > 255  # ENAMETOOLONG when probed as a path
    assert expand_refs([refs]) == [f"ithor:FloorPlan{i}" for i in range(1, 26)]


def test_a_device_is_not_read_as_a_scene():
    from spatial_dsl.scenes.format import load_scene_file

    with pytest.raises(SceneError) as info:
        load_scene_file("/dev/zero")  # reading it filled memory
    assert info.value.problems == ["is a device, not a regular file"]


def test_a_fifo_is_read_like_a_file(tmp_path):
    # `--scene <(...)` hands spdsl a pipe
    import os
    import threading

    from spatial_dsl.scenes.format import load_scene_file, scene_to_json

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = scene_to_json(scene_from_dict(doc_of([box(0), box(1)])))
    writer = threading.Thread(target=lambda: fifo.write_text(text))
    writer.start()
    assert load_scene_file(fifo).n == 2
    writer.join()
