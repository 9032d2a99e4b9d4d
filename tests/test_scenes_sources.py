"""Scene references: built-in iTHOR/RoboTHOR rooms, files, directories, globs, errors."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from spatial_dsl.scenes import sources
from spatial_dsl.scenes.errors import SceneError
from spatial_dsl.scenes.sources import (
    all_scene_names,
    expand_refs,
    list_scenes,
    load_scene,
)

FIXTURES = Path(__file__).parent / "fixtures" / "scenes"
KITCHEN = FIXTURES / "kitchen.scene.json"


@pytest.fixture(scope="module")
def cold_build(tmp_path_factory):
    """A disk cache built from scratch in this module, and how long the first load took."""
    root = tmp_path_factory.mktemp("spdsl-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPDSL_CACHE_DIR", str(root))
        sources.clear_caches()
        start = time.perf_counter()
        scene = load_scene("ithor:FloorPlan1")
        elapsed = time.perf_counter() - start
    sources.clear_caches()  # other tests use the default cache
    return root, scene, elapsed


@pytest.fixture
def own_cache(cold_build, tmp_path, monkeypatch):
    """A private copy of the built disk cache, with empty in-process caches."""
    copy = tmp_path / "cache"
    shutil.copytree(cold_build[0], copy)
    monkeypatch.setenv("SPDSL_CACHE_DIR", str(copy))
    sources.clear_caches()
    yield copy
    sources.clear_caches()


# --------------------------------------------------------------------------- built-ins


def test_ithor_numbering():
    names = list_scenes("ithor")
    assert len(names) == 120
    assert names[:2] == ["ithor:FloorPlan1", "ithor:FloorPlan2"]
    assert names[29:31] == ["ithor:FloorPlan30", "ithor:FloorPlan201"]
    assert names[60] == "ithor:FloorPlan301" and names[90] == "ithor:FloorPlan401"
    assert names[-1] == "ithor:FloorPlan430"
    assert list_scenes("robothor") == [f"robothor:{i}" for i in range(75)]
    assert all_scene_names() == names + list_scenes("robothor")


@pytest.mark.parametrize("ref, group, expected_category", [
    ("ithor:FloorPlan1", "kitchens", "Fridge"),
    ("ithor:FloorPlan201", "living_rooms", "Sofa"),
    ("ithor:FloorPlan301", "bedrooms", "Bed"),
    ("ithor:FloorPlan401", "bathrooms", "Toilet"),
])
def test_room_groups_map_to_the_right_floor_plans(ref, group, expected_category):
    # The numbering must match the room types: kitchens have a fridge, bathrooms a toilet...
    s = load_scene(ref)
    assert s.id == ref.replace(":", "/") and s.source["group"] == group
    assert expected_category in s.categories


def test_all_builtin_scenes_load():
    refs = expand_refs(["ithor:*", "robothor:*"])
    assert len(refs) == 195
    start = time.perf_counter()
    for ref in refs:
        s = load_scene(ref)
        assert s.n > 0, ref
        assert s.room.area > 0 and s.room.height > 0, ref
    # Fast thanks to the caches (generous bound: only catches a missing cache).
    assert time.perf_counter() - start < 30


def test_robothor_scene_id():
    s = load_scene("robothor:0")
    assert s.id == "robothor/0" and s.source["dataset"] == "robothor" and s.n > 0


def test_repeated_load_returns_the_same_scene():
    assert load_scene("ithor:FloorPlan5") is load_scene("ithor:FloorPlan5")


def test_names_are_case_insensitive():
    assert expand_refs(["ITHOR:floorplan7"]) == ["ithor:FloorPlan7"]
    assert load_scene("ithor:floorplan7") is load_scene("ithor:FloorPlan7")


# --------------------------------------------------------------------------- expansion


def test_expand_globs_and_commas():
    assert len(expand_refs(["ithor:*"])) == 120
    fp2 = expand_refs(["ithor:FloorPlan2*"])
    # FloorPlan2, FloorPlan20-29 and FloorPlan201-230
    assert len(fp2) == 1 + 10 + 30 and fp2[0] == "ithor:FloorPlan2"
    assert expand_refs(["robothor:*"]) == [f"robothor:{i}" for i in range(75)]
    assert expand_refs(["ithor:FloorPlan1, robothor:3", "ithor:FloorPlan1"]) == [
        "ithor:FloorPlan1", "robothor:3"]  # comma lists, repeats dropped, order kept
    assert expand_refs("robothor:1?") == [f"robothor:{i}" for i in range(10, 20)]


def test_expand_directory_and_file_glob(tmp_path):
    for name in ("b.scene.json", "a.scene.json", "notes.txt"):
        shutil.copy(KITCHEN, tmp_path / name)
    (tmp_path / "sub").mkdir()
    shutil.copy(KITCHEN, tmp_path / "sub" / "c.scene.json")
    a, b = str(tmp_path / "a.scene.json"), str(tmp_path / "b.scene.json")
    assert expand_refs([str(tmp_path)]) == [a, b]  # sorted, only *.scene.json, not recursive
    assert expand_refs([str(tmp_path / "*.scene.json")]) == [a, b]
    assert expand_refs([str(tmp_path / "s*")]) == [str(tmp_path / "sub" / "c.scene.json")]
    assert expand_refs([f"{b},ithor:FloorPlan3"]) == [b, "ithor:FloorPlan3"]
    assert list_scenes(str(tmp_path)) == [a, b]


def test_path_with_comma_is_not_split(tmp_path):
    p = tmp_path / "x,y.scene.json"
    shutil.copy(KITCHEN, p)
    assert expand_refs([str(p)]) == [str(p)]


# --------------------------------------------------------------------------- errors


def test_unknown_ithor_scene_suggests():
    with pytest.raises(SceneError) as info:
        load_scene("ithor:FloorPlan999")
    (msg,) = info.value.problems
    # the nearest existing number, not a string look-alike (FloorPlan99 -> 199?)
    assert msg.startswith("no ithor scene 'FloorPlan999'; did you mean ithor:FloorPlan430?")
    assert ("iTHOR has kitchens FloorPlan1-30, living rooms FloorPlan201-230, bedrooms "
            "FloorPlan301-330 and bathrooms FloorPlan401-430") in msg
    assert str(info.value).startswith("ithor:FloorPlan999: ")


def test_number_only_suggests_floor_plan():
    with pytest.raises(SceneError, match=r"did you mean ithor:FloorPlan7\b"):
        load_scene("ithor:7")


def test_unknown_robothor_index():
    with pytest.raises(SceneError, match=r"no robothor scene '75'.*RoboTHOR has 0-74"):
        load_scene("robothor:75")


def test_unknown_source():
    with pytest.raises(SceneError) as info:
        load_scene("ithr:FloorPlan1")
    from sims.importers import KINDS  # every importer's KIND:PATH is listed

    imported = ", ".join(f"{kind}:PATH" for kind in KINDS)
    assert "mesh:PATH" in imported
    assert info.value.problems == [
        "unknown scene source 'ithr'; did you mean 'ithor' or 'ai2thor'? (built in: "
        f"ithor:NAME, robothor:NAME; imported files: {imported}; or a path to a *.scene.json "
        "file or a directory of them)"]
    with pytest.raises(SceneError, match="unknown scene source 'foo'"):
        expand_refs(["foo:bar"])


def test_missing_file_suggests_sibling(tmp_path):
    shutil.copy(KITCHEN, tmp_path / "kitchen.scene.json")
    with pytest.raises(SceneError) as info:
        load_scene(tmp_path / "kitchn.scene.json")
    assert info.value.problems == [
        f"no such file; did you mean '{tmp_path / 'kitchen.scene.json'}'?"]


def test_bare_floor_plan_name_suggests_builtin():
    with pytest.raises(SceneError, match="no such file; did you mean 'ithor:FloorPlan12'"):
        load_scene("FloorPlan12")


def test_empty_matches_and_directories(tmp_path):
    with pytest.raises(SceneError, match="no ithor scene matches 'Kitchen\\*'"):
        expand_refs(["ithor:Kitchen*"])
    with pytest.raises(SceneError, match="no file matches this pattern"):
        expand_refs([str(tmp_path / "*.scene.json")])
    with pytest.raises(SceneError, match=r"directory has no \*.scene.json files"):
        expand_refs([str(tmp_path)])
    # load_scene takes a directory that holds exactly one scene, as it takes a list of one
    with pytest.raises(SceneError, match=r"directory has no \*.scene.json files"):
        load_scene(tmp_path)
    shutil.copy(KITCHEN, tmp_path / "a.scene.json")
    assert load_scene(tmp_path).id == load_scene(KITCHEN).id
    shutil.copy(KITCHEN, tmp_path / "b.scene.json")
    with pytest.raises(SceneError, match="names 2 scenes .*; this command takes one scene"):
        load_scene(tmp_path)


def test_all_bad_refs_reported_together():
    with pytest.raises(SceneError) as info:
        expand_refs(["ithor:FloorPlan1,ithor:FloorPlan0", "foo:bar", "robothor:*"])
    assert info.value.origin == "scene references"
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith("ithor:FloorPlan0: no ithor scene")
    assert info.value.problems[1].startswith("foo:bar: unknown scene source 'foo'")


def test_bad_scene_file_error_names_the_file(tmp_path):
    p = tmp_path / "bad.scene.json"
    p.write_text("{")
    with pytest.raises(SceneError) as info:
        load_scene(p)
    assert str(info.value).startswith(f"{p}: invalid JSON at line 1, column 2")


# --------------------------------------------------------------------------- files & caching


def test_file_scene_is_reloaded_after_edit(tmp_path):
    p = tmp_path / "k.scene.json"
    shutil.copy(KITCHEN, p)
    first = load_scene(p)
    assert load_scene(str(p)) is first
    p.write_text(KITCHEN.read_text().replace('"test/kitchen"', '"test/edited"'))
    os.utime(p, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert load_scene(p).id == "test/edited"


def test_cold_cache_is_complete(cold_build):
    root, scene, _ = cold_build
    assert scene.id == "ithor/FloorPlan1"
    assert len(list(root.glob("ai2thor-metadata-v*/ithor/*.scene.json"))) == 120
    assert len(list(root.glob("ai2thor-metadata-v*/robothor/*.scene.json"))) == 75
    assert len(list(root.glob("*/index.json"))) == 1


def test_warm_cache_does_not_parse_the_metadata(cold_build, own_cache, monkeypatch):
    # A new process: nothing in memory; the big metadata file must not be parsed again.
    monkeypatch.setattr(sources, "_build_cache", lambda: pytest.fail("cache not used"))
    again = load_scene("ithor:FloorPlan1")
    assert again is not cold_build[1] and again.ids == cold_build[1].ids
    assert again.center.tolist() == cold_build[1].center.tolist()
    assert len(expand_refs(["ithor:*"])) == 120


def test_damaged_cache_entry_is_rebuilt(own_cache):
    (entry,) = own_cache.glob("*/ithor/FloorPlan2.scene.json")
    entry.write_text("garbage")
    assert load_scene("ithor:FloorPlan2").n > 0
    assert entry.read_text().startswith("{")


def test_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("SPDSL_CACHE_DIR", str(blocker / "cache"))
    sources.clear_caches()
    try:
        assert load_scene("robothor:4").n > 0
        assert len(list_scenes("ithor")) == 120
    finally:
        sources.clear_caches()
