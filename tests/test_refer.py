"""Referring expressions (spatial_dsl.refer) on hand-made scenes, derived by hand.

Every scene below is a few boxes on a 10 m x 8 m floor (z up, metres, upright
boxes). Margins under test (spatial_dsl.refer): extremes >= 10 %, highest / lowest
>= 0.15 m, nearest / farthest >= 20 % and >= 0.3 m, leftmost / rightmost
>= 10 degrees of view bearing, closest >= 20 % and >= 0.3 m of depth.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from spatial_dsl import compile_program
from spatial_dsl.cli import main
from spatial_dsl.lang.printer import expr as print_expr
from spatial_dsl.refer import (
    Reference, binding_domain, find_references, jitter_for, references_for_binding,
)
from spatial_dsl.scenes.format import scene_from_dict


def box(oid, category, center, size, **extra):
    return {"id": oid, "category": category, "center": center, "size": size,
            "rotation": [0.0, 0.0, 0.0, 1.0], **extra}


def camera_quat(forward, right):
    """Quaternion of an OpenCV camera: columns x = right, y = down, z = forward."""
    forward, right = np.array(forward, float), np.array(right, float)
    down = np.cross(forward, right)
    return Rotation.from_matrix(np.column_stack([right, down, forward])).as_quat().tolist()


def frame(index, position, forward, right, visible):
    return {"index": index, "time": float(index),
            "camera": {"position": position, "rotation": camera_quat(forward, right),
                       "width": 640, "height": 480, "hfov_deg": 90},
            "visible": {oid: 1.0 for oid in visible}}


def make(objects, frames=(), name="refer"):
    doc = {"format": "spdsl.scene/1", "id": f"test/{name}",
           "room": {"floor": [[0, 0], [10, 0], [10, 8], [0, 8]], "height": 3.0},
           "objects": list(objects), "frames": list(frames)}
    return scene_from_dict(doc, name)


def refs_of(report, oid) -> list[Reference]:
    return next(o.references for o in report.objects if o.object_id == oid)


def texts(report, oid) -> list[str]:
    return [r.text for r in refs_of(report, oid)]


def selects(scene, expression: str) -> str:
    """What `spdsl run` answers for the reference: the id of the one object it selects."""
    result = compile_program(f"answer ({expression}).id").run(scene)
    assert result.ok, f"{expression} rejected: {result.rejection}"
    return result.answer.text


def assert_all_select_their_object(scene, report) -> None:
    for entry in report.objects:
        for ref in entry.references:
            assert ref.object_id == entry.object_id
            assert selects(scene, ref.expression) == entry.object_id, ref


def chair(oid, x, y, height=0.9, side=0.5, **extra):
    return box(oid, "Chair", [x, y, height / 2], [side, side, height], **extra)


# ---------------------------------------------------------------------- extremes


def test_heights_8_percent_apart_give_no_extreme():
    # heights 1.0 and 1.08 (volumes likewise 8 % apart); centres 0.04 m apart in z
    scene = make([chair("a", 2, 2, 1.0), chair("b", 6, 6, 1.08)])
    report = find_references(scene, per_kind=None)
    assert report.references == []
    assert report.unreferenced == ["a", "b"] and report.coverage == 0.0
    assert report.rejected["margin:tallest"] == 1 and report.rejected["margin:shortest"] == 1
    assert report.rejected["margin:largest"] == 1 and report.rejected["margin:highest"] == 1


def test_heights_12_percent_apart_give_tallest_and_shortest():
    scene = make([chair("a", 2, 2, 1.0), chair("b", 6, 6, 1.12)])
    report = find_references(scene, per_kind=None)
    # 1.12 >= 1.1 * 1.0; the volumes are 12 % apart too; centre heights only 0.06 m apart
    assert texts(report, "b") == ["the tallest chair", "the largest chair"]
    assert texts(report, "a") == ["the shortest chair", "the smallest chair"]
    tallest = refs_of(report, "b")[0]
    assert tallest.expression == 'argmax(find("Chair"), o => o.height)'
    assert (tallest.kind, tallest.form, tallest.level) == ("extreme", "tallest", 2)
    assert tallest.best == pytest.approx(1.12) and tallest.runner_up == pytest.approx(1.0)
    assert report.coverage == 1.0
    assert_all_select_their_object(scene, report)


def test_highest_and_lowest_need_015_m():
    # three identical shelves at centre heights 0.3, 0.5 and 0.9 m: the top one is 0.4 m
    # above the runner-up, the bottom one 0.2 m below it, the middle one 0.2 m and 0.4 m
    # from its neighbours
    shelves = [box(f"s{i}", "Shelf", [2, 2, z], [0.8, 0.3, 0.05])
               for i, z in enumerate((0.3, 0.5, 0.9))]
    scene = make(shelves)
    report = find_references(scene, per_kind=None)
    assert texts(report, "s2") == ["the highest shelf"]
    assert texts(report, "s0") == ["the lowest shelf"]
    assert texts(report, "s1") == ["the middle shelf"]
    assert refs_of(report, "s1")[0].expression == 'sort(find("Shelf"), o => o.center.z)[1]'
    assert_all_select_their_object(scene, report)
    shelves[0]["center"][2] = 0.36  # now only 0.14 m below the middle shelf
    report = find_references(make(shelves), per_kind=None)
    assert texts(report, "s0") == [] and report.rejected["margin:lowest"] == 1
    assert texts(report, "s1") == []


@pytest.mark.parametrize("heights, expected", [
    # five shelves 0.3 m apart: second from either end, the centre one is the middle
    ((0.3, 0.6, 0.9, 1.2, 1.5), {"s1": "the second-lowest shelf", "s2": "the middle shelf",
                                 "s3": "the second-highest shelf"}),
    # seven: the third from either end too
    ((0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4), {"s1": "the second-lowest shelf",
                                           "s2": "the third-lowest shelf",
                                           "s3": "the middle shelf",
                                           "s4": "the third-highest shelf",
                                           "s5": "the second-highest shelf"}),
    # s2 only 0.14 m above s1: neither of them has a rank, s3 still has
    ((0.3, 0.6, 0.74, 1.2, 1.5), {"s3": "the second-highest shelf"}),
    # two shelves at exactly the same height: `sort` would reject the tie, so no rank
    ((0.3, 0.6, 0.9, 0.9, 1.5), {}),
])
def test_ranks_in_a_stack(heights, expected):
    shelves = [box(f"s{i}", "Shelf", [2, 2 + (i if z == 0.9 else 0), z], [0.8, 0.3, 0.05])
               for i, z in enumerate(heights)]
    scene = make(shelves)
    report = find_references(scene, kinds=("extreme",), per_kind=None)
    ranked = {oid: [t for t in texts(report, oid) if t not in (
        "the highest shelf", "the lowest shelf")] for oid in (f"s{i}" for i in
                                                               range(len(heights)))}
    assert {oid: ts[0] for oid, ts in ranked.items() if ts} == expected
    assert_all_select_their_object(scene, report)


# ---------------------------------------------------------------- nearest / farthest


def lamp():
    return box("lamp", "FloorLamp", [5, 4, 0.45], [0.3, 0.3, 0.9])


def test_distances_025_m_apart_are_rejected_by_the_03_m_rule():
    # chair a 1.0 m from the lamp, chair b 1.25 m: 25 % apart but only 0.25 m
    scene = make([lamp(), chair("a", 6, 4), chair("b", 5, 2.75)])
    report = find_references(scene, per_kind=None)
    assert report.references == []
    assert report.rejected["margin:nearest"] == 1 and report.rejected["margin:farthest"] == 1


def test_distances_20_percent_rule():
    # 2.0 m and 2.35 m: 0.35 m apart but only 17.5 %
    scene = make([lamp(), chair("a", 7, 4), chair("b", 5, 1.65)])
    assert find_references(scene, per_kind=None).references == []


def test_nearest_and_farthest_chair():
    # 1.0 m and 1.35 m: 0.35 m and 35 % apart; no gap is within 0.5 m (0.6 m, 0.95 m)
    scene = make([lamp(), chair("a", 6, 4), chair("b", 5, 2.65)])
    report = find_references(scene, per_kind=None)
    assert texts(report, "a") == ["the chair nearest the floor lamp"]
    assert texts(report, "b") == ["the chair farthest from the floor lamp"]
    near = refs_of(report, "a")[0]
    assert near.expression == 'argmin(find("Chair"), o => distance(o, the("FloorLamp")))'
    assert near.landmark == "lamp" and near.kind == "distance"
    assert near.best == pytest.approx(1.0) and near.runner_up == pytest.approx(1.35)
    far = refs_of(report, "b")[0]
    assert far.expression == 'argmax(find("Chair"), o => distance(o, the("FloorLamp")))'
    assert_all_select_their_object(scene, report)


def test_floor_and_huge_landmarks_are_excluded():
    # the same chairs, but the only unique objects are the floor and a rug covering
    # half the room (footprint 5 x 8 = 40 m2 > 80 / 3)
    scene = make([box("floor", "Floor", [5, 4, 0], [10, 8, 0.01]),
                  box("rug", "Rug", [2.5, 4, 0.005], [5, 8, 0.01]),
                  chair("a", 6, 4), chair("b", 5, 2.65)])
    report = find_references(scene, per_kind=None)
    assert report.references == []
    assert report.rejected["landmark:huge"] == 1
    # a 1 m2 rug is a landmark again (the floor never is)
    small = make([box("floor", "Floor", [5, 4, 0], [10, 8, 0.01]),
                  box("rug", "Rug", [1, 1, 0.005], [1, 1, 0.01]),
                  chair("a", 6, 4), chair("b", 5, 2.65)])
    report = find_references(small, per_kind=None)
    assert report.rejected["landmark:huge"] == 0
    # from the rug's centre (1, 1, 0.005): a 5.85 m, b 4.35 m
    assert texts(report, "b") == ["the chair nearest the rug"]
    assert texts(report, "a") == ["the chair farthest from the rug"]


def test_a_box_holding_everything_is_no_landmark():
    # a crate (footprint 2.25 m2) holds the centres of all three chairs
    scene = make([box("crate", "Crate", [2.3, 2.3, 0.6], [1.5, 1.5, 1.2]),
                  chair("a", 2, 2), chair("b", 2.6, 2), chair("c", 2, 2.6)])
    report = find_references(scene, per_kind=None)
    assert report.rejected["landmark:contains everything"] == 1
    assert report.references == []


@pytest.mark.parametrize("xs, expected", [
    # a row of four chairs 1, 1.5, 2 and 3.5 m from the lamp: each neighbour in the
    # ranking is >= 0.3 m and >= 20 % away, so the two inner chairs have ranks
    ((6, 6.5, 7, 8.5), {"c1": "the second-nearest chair to the floor lamp",
                        "c2": "the second-farthest chair from the floor lamp"}),
    # 1.5 and 1.75 m: only 0.25 m apart, so neither inner chair has a rank
    ((6, 6.5, 6.75, 8.5), {}),
])
def test_ranks_by_distance_along_a_row(xs, expected):
    scene = make([lamp(), *(chair(f"c{i}", x, 4) for i, x in enumerate(xs))])
    report = find_references(scene, kinds=("distance",), per_kind=None)
    assert texts(report, "c0") == ["the chair nearest the floor lamp"]
    assert texts(report, "c3") == ["the chair farthest from the floor lamp"]
    ranked = {oid: texts(report, oid) for oid in ("c1", "c2") if texts(report, oid)}
    assert ranked == {oid: [text] for oid, text in expected.items()}
    if expected:
        assert refs_of(report, "c1")[0].expression == (
            'sort(find("Chair"), o => distance(o, the("FloorLamp")))[1]')
    assert_all_select_their_object(scene, report)


def test_the_centre_of_an_odd_row_is_counted_from_the_near_end():
    # five chairs 1, 1.5, 2, 2.6 and 3.5 m from the lamp (neighbours >= 0.3 m and >= 20 %
    # apart). The centre one is the third-nearest, sort(...)[2]; it used to be called
    # "the second-nearest chair", the words of c1 (FloorPlan227: "the second-nearest
    # statue to ..." selected the fourth of seven).
    scene = make([lamp(), *(chair(f"c{i}", x, 4) for i, x in enumerate((6, 6.5, 7, 7.6, 8.5)))])
    report = find_references(scene, kinds=("distance",), per_kind=None)
    assert texts(report, "c1") == ["the second-nearest chair to the floor lamp"]
    assert texts(report, "c2") == ["the third-nearest chair to the floor lamp"]
    assert refs_of(report, "c2")[0].expression == (
        'sort(find("Chair"), o => distance(o, the("FloorLamp")))[2]')
    assert texts(report, "c3") == ["the second-farthest chair from the floor lamp"]
    assert_all_select_their_object(scene, report)


# ------------------------------------------------------------------------- labels


def test_label_is_the_simplest_reference():
    scene = make([chair("a", 2, 2, label="red chair"), chair("b", 6, 6)])
    report = find_references(scene, per_kind=None)
    ref = refs_of(report, "a")[0]
    assert (ref.kind, ref.expression, ref.text) == (
        "label", 'the(find("red chair"))', "the red chair")
    assert texts(report, "b") == []
    assert selects(scene, ref.expression) == "a"


def test_a_label_that_is_also_a_category_name_is_not_a_reference():
    # find("sofa") matches the sofa's category too: `the` would be Ambiguous
    scene = make([chair("a", 2, 2, label="sofa"), chair("b", 6, 6),
                  box("s", "Sofa", [5, 7, 0.4], [2, 0.9, 0.8])])
    report = find_references(scene, kinds=("label",), per_kind=None)
    assert texts(report, "a") == []
    assert report.rejected["selects another object:Ambiguous:label"] == 1


# ---------------------------------------------------------------------- relations


def table():
    # x 4..6, y 3.5..4.5, top at z = 0.75
    return box("table", "DiningTable", [5, 4, 0.375], [2, 1, 0.75])


def test_mug_on_the_table():
    # mug a rests on the table (bottom 0.75 = table top); mug b stands on the floor
    # 3 m away (gap to the table 2.45 m)
    scene = make([table(), box("a", "Mug", [5, 4, 0.8], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    on = [r for r in refs_of(report, "a") if r.form == "on"]
    assert [(r.expression, r.text) for r in on] == [
        ('the(filter(find("Mug"), o => on(o, the("DiningTable"))))', "the mug on the dining table")]
    # the mug is also the only one near (gap 0) and above the table
    assert texts(report, "a") == ["the mug on the dining table", "the mug near the dining table",
                                  "the mug above the dining table"]
    assert texts(report, "b") == []
    assert_all_select_their_object(scene, report)
    # distances: 0.425 m vs 3.54 m -> nearest / farthest; heights 0.8 vs 0.05 -> highest
    everything = find_references(scene, per_kind=None)
    assert "the mug nearest the dining table" in texts(everything, "a")
    assert "the mug farthest from the dining table" in texts(everything, "b")
    assert "the highest mug" in texts(everything, "a")
    assert_all_select_their_object(scene, everything)


def test_egg_inside_the_fridge_and_the_drawer_containing_the_spoon():
    scene = make([
        box("fridge", "Fridge", [1, 1, 0.9], [0.8, 0.7, 1.8]),
        box("e1", "Egg", [1, 1, 1.0], [0.05, 0.05, 0.06]),  # inside the fridge
        box("e2", "Egg", [8, 6, 0.03], [0.05, 0.05, 0.06]),  # on the floor, far away
        box("d1", "Drawer", [5, 7, 0.3], [0.5, 0.5, 0.2]),
        box("d2", "Drawer", [8, 1, 0.3], [0.5, 0.5, 0.2]),
        box("spoon", "Spoon", [5, 7, 0.3], [0.2, 0.03, 0.02]),  # in drawer d1
    ])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the egg inside the fridge" in texts(report, "e1")
    ref = next(r for r in refs_of(report, "e1") if r.form == "inside")
    assert ref.expression == 'the(filter(find("Egg"), o => inside(o, the("Fridge"))))'
    assert "the drawer containing the spoon" in texts(report, "d1")
    ref = next(r for r in refs_of(report, "d1") if r.form == "containing")
    assert ref.expression == 'the(filter(find("Drawer"), o => inside(the("Spoon"), o)))'
    assert texts(report, "e2") == [] and texts(report, "d2") == []
    assert_all_select_their_object(scene, report)


def test_relations_that_hold_for_two_are_not_references():
    # both mugs on the table: "the mug on the dining table" is Ambiguous
    scene = make([table(), box("a", "Mug", [4.5, 4, 0.8], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5.5, 4, 0.8], [0.1, 0.1, 0.1])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert report.references == []
    assert report.rejected["not alone:on"] == 1


def test_stacked_drawers_below_a_toaster():
    # three drawers stacked under a toaster (centres 0.2, 0.4, 0.6 m), a fourth one
    # elsewhere at 0.4 m: highest / lowest / middle of those below the toaster
    drawers = [box(f"d{i}", "Drawer", [2, 2, z], [0.5, 0.5, 0.15])
               for i, z in enumerate((0.2, 0.4, 0.6))]
    drawers.append(box("d3", "Drawer", [8, 6, 0.4], [0.5, 0.5, 0.15]))
    toaster = box("toaster", "Toaster", [2, 2, 1.0], [0.3, 0.2, 0.2])
    scene = make([toaster, *drawers])
    report = find_references(scene, per_kind=None)
    assert texts(report, "d2")[0] == "the highest drawer"
    assert "the highest drawer below the toaster" in texts(report, "d2")
    assert texts(report, "d0")[0] == "the lowest drawer"
    assert "the lowest drawer below the toaster" in texts(report, "d0")
    # the toaster's bottom is at 0.9 m, the drawers' tops at 0.275, 0.475 and 0.675 m:
    # only d1 and d2 are within 0.5 m of it, and d1 is the lower one by 0.2 m
    assert texts(report, "d1") == ["the lowest drawer near the toaster",
                                   "the middle drawer below the toaster"]
    middle = refs_of(report, "d1")[1].expression
    assert middle == ('sort(filter(find("Drawer"), o => below(o, the("Toaster"))), '
                      'o => o.center.z)[1]')
    assert "the drawer farthest from the toaster" in texts(report, "d3")
    assert report.coverage == 1.0
    assert_all_select_their_object(scene, report)


def test_on_at_the_tolerance_is_rejected_by_the_band():
    # mug a's bottom is 0.05 m above the table top: `on` holds exactly at its 5 cm
    # tolerance and would flip whenever jitter lifts the mug relative to the table
    scene = make([table(), box("a", "Mug", [5, 4, 0.85], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    program = compile_program('answer on(the(filter(find("Mug"), o => o.id == "a")), '
                              'the("DiningTable"))')
    assert program.run(scene).answer.text == "yes"
    assert {program.run(j).answer.text for j in jitter_for(scene)} == {"yes", "no"}
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the mug on the dining table" not in texts(report, "a")
    assert report.rejected["margin:on"] == 1  # within 4 cm of the threshold
    # above (bottom >= top - 5 cm) holds by 10 cm: a clear margin
    assert "the mug above the dining table" in texts(report, "a")


def test_inside_on_the_boundary_is_rejected_by_the_band():
    # egg e1's centre lies exactly on the fridge's +x face (x = 1.4): `inside` holds (the
    # boundary counts) but flips whenever jitter moves the egg out
    scene = make([box("fridge", "Fridge", [1, 1, 0.9], [0.8, 0.7, 1.8]),
                  box("e1", "Egg", [1.4, 1, 1.0], [0.05, 0.05, 0.06]),
                  box("e2", "Egg", [8, 6, 0.03], [0.05, 0.05, 0.06])])
    expression = 'the(filter(find("Egg"), o => inside(o, the("Fridge"))))'
    assert selects(scene, expression) == "e1"
    jittered = [compile_program(f"answer ({expression}).id").run(j) for j in jitter_for(scene)]
    assert any(not r.ok and r.rejection.kind == "NoMatch" for r in jittered)
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the egg inside the fridge" not in texts(report, "e1")
    assert report.rejected["margin:inside"] == 1
    # 7 cm deeper inside (more than 4 cm * sqrt(3)), the same reference is proved
    scene = make([box("fridge", "Fridge", [1, 1, 0.9], [0.8, 0.7, 1.8]),
                  box("e1", "Egg", [1.33, 1, 1.0], [0.05, 0.05, 0.06]),
                  box("e2", "Egg", [8, 6, 0.03], [0.05, 0.05, 0.06])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert texts(report, "e1") == ["the egg inside the fridge", "the egg near the fridge"]


def test_footprints_overlapping_by_1_cm_are_rejected_by_the_band():
    # mug a hangs 10 cm above the table top (z is clear of every threshold) and its
    # footprint overlaps the table's by 1 cm in x (mug x 5.99..6.09, table x 4..6): `above`
    # holds, but a jitter moving the mug 1 cm further out ends it
    scene = make([table(), box("a", "Mug", [6.04, 4, 0.9], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    expression = 'the(filter(find("Mug"), o => above(o, the("DiningTable"))))'
    assert selects(scene, expression) == "a"
    jittered = [compile_program(f"answer ({expression}).id").run(j) for j in jitter_for(scene)]
    assert any(not r.ok and r.rejection.kind == "NoMatch" for r in jittered)
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the mug above the dining table" not in texts(report, "a")
    assert report.rejected["margin:above"] == 1  # a 4 cm horizontal shift ends the overlap
    # 5 cm further in, the footprints overlap by 6 cm and the reference is proved
    scene = make([table(), box("a", "Mug", [5.99, 4, 0.9], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the mug above the dining table" in texts(report, "a")


@pytest.mark.parametrize("mug_a, form", [
    ([5, 4, 0.85], "on"),  # bottom exactly 5 cm above the table top: the `on` tolerance
    ([6.04, 4, 0.9], "above"),  # footprints overlapping by 1 cm
])
def test_without_the_bands_the_jitter_proof_rejects_exact_margins(monkeypatch, mug_a, form):
    """The bands are a deterministic first line; the 8 jittered trials of the proof are
    the rule of synthesis.md and catch the same near-ties on their own."""
    from spatial_dsl.refer import candidates, keys

    for module in (keys, candidates):  # the key program's bands and the candidates' checks
        monkeypatch.setattr(module, "RELATION_BAND_M", 0.0)
    scene = make([table(), box("a", "Mug", mug_a, [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    expression = f'the(filter(find("Mug"), o => {form}(o, the("DiningTable"))))'
    assert selects(scene, expression) == "a"  # it holds exactly on the scene ...
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert report.rejected[f"margin:{form}"] == 0  # ... passes every (disabled) band ...
    # ... and flips under jitter: NoMatch in at least one of the 8 trials
    assert report.rejected[f"unstable under jitter:NoMatch:{form}"] == 1
    assert all(r.form != form for r in refs_of(report, "a"))


def test_near_within_the_band_is_rejected():
    # chair a's gap to the lamp is 0.3 m, chair b's 0.52 m: b is not near, but 2 cm of
    # jitter could make it so
    scene = make([lamp(), chair("a", 5.7, 4), chair("b", 5, 3.08)])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert report.references == [] and report.rejected["margin:near"] == 1
    scene = make([lamp(), chair("a", 5.7, 4), chair("b", 5, 2.9)])  # gap 0.7 m
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert texts(report, "a") == ["the chair near the floor lamp"]


def test_unnatural_on_is_skipped():
    # a crate resting on a smaller box: 0.6 x 0.6 crate centred on a 0.5 x 0.5 box, so
    # 0.25 of its 0.36 m2 footprint (69 %) lies over the box and `on` holds, but the
    # resting side has the larger footprint: "the crate on the box" is no reference
    scene = make([box("c1", "Crate", [2, 2, 0.8], [0.6, 0.6, 0.6]),
                  box("c2", "Crate", [8, 6, 0.3], [0.6, 0.6, 0.6]),
                  box("box", "Box", [2, 2, 0.25], [0.5, 0.5, 0.5])])
    assert compile_program('answer on(the(filter(find("Crate"), o => o.id == "c1")), '
                           'the("Box"))').run(scene).answer.value is True
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert report.rejected["unnatural:on"] == 1
    assert all(r.form != "on" for r in report.references)


def test_a_cabinet_over_a_fork_is_not_on_it():
    # A cabinet whose bottom meets the top of a fork under it (AI2-THOR: a fork in the
    # drawer below): only 0.006 of its 0.36 m2 footprint lies over the fork, far from
    # the half `on` needs (language.md v0.2), so there is no "on" candidate at all.
    scene = make([box("c1", "Cabinet", [2, 2, 0.5], [0.6, 0.6, 0.6]),
                  box("c2", "Cabinet", [8, 6, 0.3], [0.6, 0.6, 0.6]),
                  box("fork", "Fork", [2, 2, 0.19], [0.2, 0.03, 0.02])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert report.rejected["unnatural:on"] == 0
    assert all(r.form != "on" for r in report.references)


def bed_and_sofa_with_pillows():
    # A bed whose box includes its headboard (z 0..0.9; the mattress top is at 0.55) and
    # a sofa with its backrest (z 0..0.85, seat at 0.45), a pillow recorded on each
    # (AI2-THOR's receptacles: `parent` + `support: "on"`). Each pillow's centre lies
    # inside its support's box, so the boxes alone would call it contained, not on.
    return make([box("bed", "Bed", [2, 2, 0.45], [2.0, 1.6, 0.9]),
                 box("sofa", "Sofa", [7, 5, 0.425], [2.0, 0.9, 0.85]),
                 box("p_bed", "Pillow", [1.3, 2, 0.62], [0.3, 0.5, 0.14], parent="bed",
                     support="on"),
                 box("p_sofa", "Pillow", [7, 5, 0.52], [0.4, 0.4, 0.14], parent="sofa",
                     support="on")])


def test_on_follows_the_recorded_support_and_is_sure():
    # on(p_bed, bed) is true by the record; its height difference (bottom 0.55 - top 0.9
    # = -0.35 m) is far outside the geometric band, which must not make it "unsure".
    scene = bed_and_sofa_with_pillows()
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the pillow on the bed" in texts(report, "p_bed")
    assert "the pillow on the sofa" in texts(report, "p_sofa")
    assert report.rejected["margin:on"] == 0
    assert_all_select_their_object(scene, report)


def test_containment_never_contradicts_the_recorded_parent():
    # robothor/7: an armchair's 1.5 m box holds a side table and the alarm clock recorded
    # on it: "the armchair containing the alarm clock" is false for a reader. The cell
    # phone, with no recorded parent, lies on the first armchair's seat inside its box,
    # and "the armchair containing the cell phone" stays. (The pillow recorded on the bed
    # lies in the bed's box too; it is the pillow on the bed, never inside it.)
    scene = make([box("chair_a", "ArmChair", [2, 2, 0.4], [1.5, 1.5, 0.8]),
                  box("chair_b", "ArmChair", [8, 6, 0.4], [1.5, 1.5, 0.8]),
                  box("table", "SideTable", [2.4, 2.4, 0.25], [0.3, 0.3, 0.5]),
                  box("clock", "AlarmClock", [2.4, 2.4, 0.55], [0.1, 0.1, 0.1],
                      parent="table", support="on"),
                  box("phone", "CellPhone", [1.8, 1.8, 0.31], [0.08, 0.15, 0.01]),
                  box("p_bed", "Pillow", [5.3, 2, 0.62], [0.3, 0.5, 0.14], parent="bed",
                      support="on"),
                  box("p_far", "Pillow", [9, 1, 0.07], [0.3, 0.5, 0.14]),
                  box("bed", "Bed", [6, 2, 0.45], [2.0, 1.6, 0.9])])
    report = find_references(scene, kinds=("relation",), per_kind=None)
    assert "the armchair containing the cell phone" in texts(report, "chair_a")
    assert "the armchair containing the alarm clock" not in texts(report, "chair_a")
    assert "the pillow inside the bed" not in texts(report, "p_bed")
    assert "the pillow on the bed" in texts(report, "p_bed")
    assert report.rejected["recorded parent:containing"] >= 1
    assert_all_select_their_object(scene, report)


# ---------------------------------------------------------------- chained landmarks


def mugs_on_two_chairs():
    # two chairs, 1.0 m and 0.9 m tall (the tallest beats the runner-up by 11 %), a
    # mug on each. Nothing occurs once, so there is no unique landmark; the mugs'
    # centre heights differ by 0.1 m only (< 0.15 m) and their sizes not at all.
    return make([chair("tall", 2, 2, height=1.0), chair("short", 7, 5, height=0.9),
                  box("m_tall", "Mug", [2, 2, 1.05], [0.1, 0.1, 0.1]),
                  box("m_short", "Mug", [7, 5, 0.95], [0.1, 0.1, 0.1])])


def test_a_referenced_object_is_a_landmark_in_the_chained_round():
    scene = mugs_on_two_chairs()
    report = find_references(scene, chain=0, per_kind=None)
    assert set(report.unreferenced) == {"m_tall", "m_short"}
    report = find_references(scene, per_kind=None)
    assert report.coverage == 1.0
    assert "the mug on the tallest chair" in texts(report, "m_tall")
    assert "the mug on the shortest chair" in texts(report, "m_short")
    on = next(r for r in refs_of(report, "m_tall") if r.form == "on")
    assert on.expression == ('the(filter(find("Mug"), o => on(o, argmax(find("Chair"), '
                             'o => o.height))))')
    assert on.landmark == "tall" and on.kind == "relation" and on.chained
    assert_all_select_their_object(scene, report)


def test_a_same_category_landmark_is_never_related_to_itself():
    # a large flat tray with a small one lying on it, another small one far away.
    # Before language.md v0.2, `on` and `above` held
    # between a 3 cm thin tray and itself, so the search had to drop "the tray on the
    # largest tray"; the relations are irreflexive now, so `on(o, big)` holds for the
    # small tray alone (bottom 0.03 = the big tray's top, top 0.09 clears it by 6 cm,
    # more than the 2 cm `on` asks plus the 4 cm the jitter proof can move two centres,
    # its whole footprint over the big one) and the reference is kept.
    scene = make([box("big", "Tray", [3, 3, 0.015], [0.6, 0.6, 0.03]),
                  box("small", "Tray", [3, 3, 0.06], [0.2, 0.2, 0.06]),
                  box("far", "Tray", [8, 6, 0.03], [0.2, 0.2, 0.06])])
    report = find_references(scene, kinds=("extreme", "relation"), per_kind=None)
    # the big tray is referred to by its size ("the shortest tray": 3 cm against 6 cm)
    forms = {r.form for r in refs_of(report, "small") if r.landmark == "big"}
    assert {"on", "near", "above"} <= forms, texts(report, "small")
    assert "the tray on the shortest tray" in texts(report, "small")
    assert not [t for t in texts(report, "big") if "on the" in t or "above the" in t]
    assert_all_select_their_object(scene, report)


def test_no_extreme_among_those_near_a_landmark_of_the_same_kind():
    # four books lying flat: "tall" (30 cm, the tallest by 50 %) with "mid" (20 cm) and
    # "low" (10 cm) 0.3 m from it (within the 0.5 m of `near`), and "far" (5 cm) 5 m
    # away. `near(o, tallest)` holds for mid and low, so an extreme among them would be
    # "the tallest book near the tallest book", which reads as a riddle; a relation that
    # holds for one book alone stays ("the book near the ..." is still searched).
    scene = make([box("tall", "Book", [3, 3, 0.15], [0.2, 0.2, 0.3]),
                  box("mid", "Book", [3.5, 3, 0.1], [0.2, 0.2, 0.2]),
                  box("low", "Book", [3, 3.5, 0.05], [0.2, 0.2, 0.1]),
                  box("far", "Book", [8, 6, 0.025], [0.2, 0.2, 0.05])])
    report = find_references(scene, per_kind=None)
    assert "the tallest book" in texts(report, "tall")
    worded = [t for oid in ("mid", "low") for t in texts(report, oid)]
    assert not [t for t in worded if "book near the tallest book" in t], worded
    assert_all_select_their_object(scene, report)


# ------------------------------------------------------------------------- frames


def stool_scene():
    # camera at (0, 4, 1.5) looking +x (right = -y): depth = x, left = +y.
    #   a (2.4, 5): depth 2.4, bearing +22.6 deg     b (3, 3): depth 3, bearing -18.4 deg
    #   c (6, 4): depth 6, bearing 0
    # frame 1 (looking +y) shows only c; frame 5 (position 2) looks like frame 0 but
    # shows only b and c
    stools = [box("a", "Stool", [2.4, 5, 0.3], [0.4, 0.4, 0.6]),
              box("b", "Stool", [3, 3, 0.3], [0.4, 0.4, 0.6]),
              box("c", "Stool", [6, 4, 0.3], [0.4, 0.4, 0.6])]
    frames = [frame(0, [0, 4, 1.5], [1, 0, 0], [0, -1, 0], ["a", "b", "c"]),
              frame(1, [0, 4, 1.5], [0, 1, 0], [1, 0, 0], ["c"]),
              frame(5, [0, 4, 1.5], [1, 0, 0], [0, -1, 0], ["b", "c"])]
    return make(stools, frames, "stools")


def test_view_references():
    scene = stool_scene()
    report = find_references(scene, frames=True, kinds=("view",), per_kind=None)
    by_frame = {(r.object_id, r.frame): [] for r in report.references}
    for r in report.references:
        by_frame[r.object_id, r.frame].append(r.text)
    # frame 0: a is leftmost (22.6 deg vs 0: 22.6 >= 10) and closest (2.4 vs 3: 0.6 m, 25 %);
    # b rightmost (-18.4 vs 0); c nothing
    assert by_frame["a", 0] == ["the closest stool in this view",
                                "the leftmost stool in this view"]
    assert by_frame["b", 0] == ["the rightmost stool in this view"]
    assert ("c", 0) not in by_frame
    # frame 1 shows only c
    assert by_frame["c", 1] == ["the stool in this view"]
    # frame position 2 (file index 5) shows b and c: b closest (3 vs 6), c leftmost (0 vs
    # -18.4), b rightmost
    assert by_frame["b", 2] == ["the closest stool in this view",
                                "the rightmost stool in this view"]
    assert by_frame["c", 2] == ["the leftmost stool in this view"]
    left = next(r for r in refs_of(report, "a") if r.form == "leftmost")
    assert left.expression == ('argmax(filter(find("Stool"), o => visible(o, frame(0))), '
                               'o => view_bearing(o, frame(0)))')
    assert left.best == pytest.approx(math.degrees(math.atan2(1, 2.4)))
    closest = next(r for r in refs_of(report, "a") if r.form == "closest")
    assert closest.expression == ('argmin(filter(find("Stool"), o => visible(o, frame(0))), '
                                  'o => depth(o, frame(0)))')
    assert report.coverage == 1.0
    assert_all_select_their_object(scene, report)


def test_view_margins():
    # b at depth 2.6 is only 0.2 m behind a: no closest
    doc_objects = [box("a", "Stool", [2.4, 5, 0.3], [0.4, 0.4, 0.6]),
                   box("b", "Stool", [2.6, 3, 0.3], [0.4, 0.4, 0.6]),
                   box("c", "Stool", [6, 4.5, 0.3], [0.4, 0.4, 0.6])]
    frames = [frame(0, [0, 4, 1.5], [1, 0, 0], [0, -1, 0], ["a", "b", "c"])]
    scene = make(doc_objects, frames, "stools2")
    report = find_references(scene, frames=True, kinds=("view",), per_kind=None)
    # c's bearing atan(0.5 / 6) = 4.8 deg: a leftmost by 17.8 deg; b rightmost by 25.8
    assert texts(report, "a") == ["the leftmost stool in this view"]
    assert texts(report, "b") == ["the rightmost stool in this view"]
    assert report.rejected["margin:closest"] == 1


def test_frames_off_by_default_and_without_frames():
    scene = stool_scene()
    assert all(r.kind != "view" for r in find_references(scene).references)
    flat = make([chair("a", 2, 2), chair("b", 6, 6)])
    report = find_references(flat, frames=True)
    assert report.frames is False and report.references == []


# ---------------------------------------------------------------------- binding API


def test_references_for_binding_make_runnable_programs():
    scene = make([table(), box("a", "Mug", [5, 4, 0.8], [0.1, 0.1, 0.1]),
                  box("b", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1]),
                  chair("c1", 2, 2, 1.0, label="red chair"), chair("c2", 8, 6, 1.0)])
    # the expressions are ASTs; the printer writes them
    bindings = [(oid, print_expr(e), text) for oid, e, text in references_for_binding(scene)]
    ids = [oid for oid, _, _ in bindings]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # one per object, by id
    assert ("c1", 'the(find("red chair"))', "the red chair") in bindings
    for oid, expression, text in bindings:
        program = compile_program(f'question "How tall is {text}?"\nlet a = {expression}\n'
                                  "answer a.id")
        assert program.run(scene).answer.text == oid
    with_unique = [(oid, print_expr(e), text) for oid, e, text in
                   references_for_binding(scene, include_unique=True, best_only=False)]
    assert ("table", 'the("DiningTable")', "the dining table") in with_unique
    assert len(with_unique) > len(bindings)


def test_binding_domain_keeps_view_references_to_their_frame():
    scene = stool_scene()
    assert references_for_binding(scene, frames=True) == []  # no frame: no view references
    at0 = references_for_binding(scene, frame=0)
    assert [(oid, text) for oid, _, text in at0] == [
        ("a", "the closest stool in this view"), ("b", "the rightmost stool in this view")]
    report = find_references(scene, frames=True)
    assert [(oid, print_expr(e), text) for oid, e, text in
            binding_domain(report, scene, frame=1)] == [
        ("c", 'the(filter(find("Stool"), o => visible(o, frame(1))))', "the stool in this view")]
    everything = binding_domain(report, scene, frame=2, best_only=False)
    assert [(oid, text) for oid, _, text in everything] == [
        ("b", "the closest stool in this view"), ("b", "the rightmost stool in this view"),
        ("c", "the leftmost stool in this view")]


def test_report_json_and_unknown_kind():
    scene = make([chair("a", 2, 2, 1.0), chair("b", 6, 6, 1.12)])
    body = find_references(scene).to_json()
    json.dumps(body)
    assert body["multi_instance"] == 2 and body["referenced"] == 2 and body["coverage"] == 1.0
    assert body["objects"][0]["references"][0]["expression"].startswith("argmin(")
    with pytest.raises(ValueError):
        find_references(scene, kinds=("colour",))


# ------------------------------------------------------------------------------ CLI


def write(tmp_path, scene_doc_objects, frames=()):
    doc = {"format": "spdsl.scene/1", "id": "test/cli",
           "room": {"floor": [[0, 0], [10, 0], [10, 8], [0, 8]], "height": 3.0},
           "objects": scene_doc_objects, "frames": list(frames)}
    path = tmp_path / "s.scene.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_cli_text_and_json(tmp_path, capsys):
    path = write(tmp_path, [lamp(), chair("a", 6, 4), chair("b", 5, 2.65),
                            chair("c", 9, 7, 0.6)])
    assert main(["refer", path]) == 0
    out = capsys.readouterr().out
    assert "the chair nearest the floor lamp" in out
    assert 'argmin(find("Chair"), o => distance(o, the("FloorLamp")))' in out
    assert out.strip().splitlines()[-1].startswith("coverage: ")
    assert main(["refer", path, "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["multi_instance"] == 3
    assert {o["id"] for o in body["objects"]} == {"a", "b", "c"}
    assert set(body["unreferenced"]) | {o["id"] for o in body["objects"] if o["references"]} \
        == {"a", "b", "c"}


def test_cli_frames_and_unreferenced(tmp_path, capsys):
    path = write(tmp_path, [box("a", "Stool", [2.4, 5, 0.3], [0.4, 0.4, 0.6]),
                            box("b", "Stool", [3, 3, 0.3], [0.4, 0.4, 0.6])],
                 [frame(0, [0, 4, 1.5], [1, 0, 0], [0, -1, 0], ["a", "b"])])
    assert main(["refer", path]) == 0
    out = capsys.readouterr().out
    assert "no reference found (2):" in out and "coverage: 0/2 = 0.0%" in out
    assert main(["refer", path, "--frames"]) == 0
    out = capsys.readouterr().out
    assert "the leftmost stool in this view [frame 0]" in out
    assert "coverage: 2/2 = 100.0%" in out


def test_cli_bad_scene_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.scene.json"
    bad.write_text('{"format": "spdsl.scene/1", "objects": [{"id": 1}]}')
    assert main(["refer", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.scene.json" in err and "Traceback" not in err
    assert main(["refer", str(tmp_path / "missing.scene.json")]) == 2
    assert main(["refer", "ithor:FloorPlan1", "--kinds", "colour"]) == 2
    assert main(["refer", "ithor:FloorPlan1", "--kinds", "view"]) == 2


def test_proofs_in_batches_prove_what_one_program_proves(monkeypatch):
    """The candidates are checked as programs of at most PROOF_BATCH lets (the checker
    takes 500 statements; `spdsl refer --all --frames` on an iTHOR kitchen has more
    candidates than that): the batching changes nothing proved or rejected."""
    from spatial_dsl.lang.check.checker import MAX_STATEMENTS
    from spatial_dsl.refer import search

    assert search.PROOF_BATCH < MAX_STATEMENTS  # the lets and the `answer`
    scene = make([lamp(), table(), chair("a", 6, 4), chair("b", 5, 2.65),
                  box("m1", "Mug", [5, 4, 0.8], [0.1, 0.1, 0.1]),
                  box("m2", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    whole = find_references(scene, per_kind=None).to_json()
    monkeypatch.setattr(search, "PROOF_BATCH", 1)
    batched = find_references(scene, per_kind=None).to_json()
    assert batched == whole
    assert whole["referenced"] == 4  # both chairs and both mugs


def _overlaps_of_every_pair(scene, keys):
    """``k_overlap_all`` / ``k_overlap_any`` the slow way: the `above` kernel on every
    (landmark, member) pair of each of the 5 scenes with the landmarks moved (as
    ``steady_overlap`` documents them), no pair left out."""
    from spatial_dsl.refer.model import RELATION_BAND_M
    from spatial_dsl.runtime.jitter import jitter_scene
    from spatial_dsl.runtime.kernels.relations import above

    landmarks, members = np.flatnonzero(keys["L"]), np.flatnonzero(keys["M"])
    step = RELATION_BAND_M * 2 ** 0.5
    seen = []
    for dx, dy in ((0.0, 0.0), (step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)):
        delta = np.zeros((scene.n, 3))
        delta[landmarks] = (dx, dy, -1000.0)
        seen.append(above(jitter_scene(scene, delta), np.tile(members, len(landmarks)),
                          np.repeat(landmarks, len(members))).reshape(len(landmarks), -1))
    return np.logical_and.reduce(seen), np.logical_or.reduce(seen)


def _steady_overlaps_agree(scene, **search) -> np.ndarray:
    from spatial_dsl.refer.candidates import _Search

    keys = _Search(scene, False, ("relation",), **search).run_keys()
    every_all, every_any = _overlaps_of_every_pair(scene, keys)
    np.testing.assert_array_equal(keys["k_overlap_all"], every_all)
    np.testing.assert_array_equal(keys["k_overlap_any"], every_any)
    return every_any


def test_steady_overlap_skips_only_pairs_that_cannot_meet():
    # Thin rods along x (1 m x 1 mm x 1 mm): a footprint reaches the edge of the disc the
    # shortcut bounds it by. Rod a ends 3 cm short of the bar, so only the landmark moved
    # 5.7 cm towards it overlaps (2.7 cm x 1 mm); rod b is 4 m away; rod c lies across the
    # bar. Each pair's overlap at the 5 shifts is the slow way's.
    rod = [1.0, 0.001, 0.001]
    scene = make([box("bar", "Bar", [5.0, 4.0, 0.5], rod),
                  box("a", "Rod", [3.97, 4.0, 1.0], rod), box("b", "Rod", [1.0, 4.0, 1.0], rod),
                  box("c", "Rod", [5.2, 4.0, 1.0], rod)])
    overlap_any = _steady_overlaps_agree(scene)
    assert overlap_any.tolist() == [[True, False, True]]


@pytest.mark.parametrize("ref", ["ithor:FloorPlan1", "ithor:FloorPlan301"])
def test_steady_overlap_on_real_rooms_and_chained_landmarks(ref):
    from spatial_dsl import load_scene
    from spatial_dsl.lang import build
    from spatial_dsl.refer.model import _Landmark

    scene = load_scene(ref)
    overlap_any = _steady_overlaps_agree(scene)
    assert overlap_any.any() and not overlap_any.all()
    # chained landmarks are members too: a member and a landmark may be one object
    cabinets = [i for i in range(scene.n) if scene.categories[i] in ("Cabinet", "Drawer",
                                                                      "Shelf", "Pillow")]
    chained = {i: _Landmark(build.call("the", build.string(scene.ids[i])), "it", chained=True)
               for i in cabinets[:3]}
    _steady_overlaps_agree(scene, landmarks=chained)


def test_proofs_on_the_stacked_worlds_match_world_after_world(monkeypatch):
    """The proof evaluates the candidates that differ only in their strings together, a
    row per candidate and world of the scene and its 8 jittered copies stacked; evaluated
    as programs of their own, world after world (the path taken when the worlds do not
    stack), the same candidates are proved and the same rejections counted, in the same
    order. The scene holds one candidate of each failure: chair a's label also names
    the sofa (Ambiguous on the scene itself) and, with the bands off, mug m1 rests
    exactly at the `on` tolerance (NoMatch on a copy), as does book k1 on another copy."""
    from spatial_dsl.refer import candidates, keys, search

    for module in (keys, candidates):
        monkeypatch.setattr(module, "RELATION_BAND_M", 0.0)
    scene = make([chair("a", 2, 2, label="sofa"), chair("b", 6, 6), chair("c", 9, 7.5),
                  box("s", "Sofa", [5, 7, 0.4], [2, 0.9, 0.8]), table(),
                  box("m1", "Mug", [5, 4, 0.85], [0.1, 0.1, 0.1]),
                  box("m2", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1]),
                  box("k1", "Book", [4.5, 3.8, 0.775], [0.2, 0.3, 0.05]),
                  box("k2", "Book", [1, 7, 0.025], [0.2, 0.3, 0.05])])
    evaluations, real = [], search._evaluate_template
    monkeypatch.setattr(search, "_evaluate_template", lambda stack, template, strings: (
        evaluations.append(len(strings)) or real(stack, template, strings)))
    stacked = find_references(scene, per_kind=None)
    assert stacked.rejected["selects another object:Ambiguous:label"] == 1
    # mug m1 and book k1 (NoMatch on copy 6 of 8) share the `on` template's evaluation
    assert stacked.rejected["unstable under jitter:NoMatch:on"] == 2
    assert max(evaluations) > 1  # candidates shared an evaluation
    monkeypatch.setattr(search, "_select_worlds", lambda *args: False)
    one_by_one = find_references(scene, per_kind=None)
    assert one_by_one.to_json() == stacked.to_json()
    assert list(one_by_one.rejected.items()) == list(stacked.rejected.items())
    assert stacked.referenced >= 4


def test_a_proof_template_is_checked_once_and_bound_per_candidate():
    from spatial_dsl.lang import build
    from spatial_dsl.refer import search

    def near(category, landmark):
        return build.call("the", build.call("filter", build.call("find", build.string(category)),
                                            build.lam("o", build.call("near", "o", build.call(
                                                "the", build.string(landmark)),
                                                within=build.quantity(0.5, "m")))))

    first, strings = search._template_of(near("Mug", "DiningTable"))
    second, other = search._template_of(near("Chair", "Lamp"))
    assert first == second and (strings, other) == (["Mug", "DiningTable"], ["Chair", "Lamp"])
    assert print_expr(first) == "the(filter(find(q0), o => near(o, the(q1), within=0.5m)))"
    assert search._checked_template(first, 2) is search._checked_template(second, 2)
    assert search._template_of(near("Mug", "Lamp"))[0] != search._template_of(
        build.call("the", build.call("find", build.string("Mug"))))[0]
    # a template that does not check leaves its candidates to programs of their own
    odd, _ = search._template_of(build.call("frame", build.string("x")))
    assert search._checked_template(odd, 1) is None


def _keys_by_map(search):
    """Every key of the key program the plain way: its `map` call evaluated by the runtime
    with M and L bound (values as lists), as arrays."""
    from spatial_dsl.lang import ast
    from spatial_dsl.refer.keys import _checked
    from spatial_dsl.refer.model import _SEARCH_LIMITS
    from spatial_dsl.runtime.eval import Evaluator

    keys = search.run_keys()
    checked = _checked(search.key_program(), "fresh")  # checked anew, not the template
    evaluator = Evaluator(checked, search.scene, _SEARCH_LIMITS)
    names = {s: keys[s][None, :] for s in ("M", "L") if s in keys}
    out = {}
    for stmt in checked.program.statements:
        if isinstance(stmt, ast.Let) and stmt.name.startswith("k_"):
            value, rejection = evaluator.evaluate(stmt.value, names)
            assert rejection is None
            out[stmt.name] = value[0]
    return keys, out


@pytest.mark.parametrize("case", ["kitchen", "chained", "views"])
def test_keys_are_their_maps_values(case):
    """The search evaluates each key's innermost `map` body once over all (landmark,
    member) or (frame, member) pairs, from a key program checked once for every scene: the
    same numbers as the runtime's own `map`s over the sets, in the same places."""
    from spatial_dsl import load_scene
    from spatial_dsl.lang import build
    from spatial_dsl.refer.candidates import _Search
    from spatial_dsl.refer.model import _Landmark

    if case == "views":
        search = _Search(stool_scene(), True, None)
    else:
        scene = load_scene("ithor:FloorPlan1")
        landmarks = None
        if case == "chained":  # landmarks that are members, few of them
            drawers = [i for i in range(scene.n) if scene.categories[i] == "Drawer"]
            landmarks = {i: _Landmark(build.call("the", build.string("x")), "it", chained=True)
                         for i in drawers[:2]}
        search = _Search(scene, False, None, landmarks=landmarks)
    keys, by_map = _keys_by_map(search)
    assert len(by_map) >= (3 if case == "views" else 20)
    for name, listed in by_map.items():
        expected = np.array(listed, dtype=keys[name].dtype)
        np.testing.assert_array_equal(keys[name], expected, err_msg=name)
    groups = [np.flatnonzero(keys[f"s{j}"]).tolist() for j in range(len(search.multi))]
    assert groups == [[i for i in range(search.scene.n) if search.scene.categories[i] == c
                       or search.scene.labels[i] == c] for c in search.multi]


def test_the_key_program_is_checked_once_per_kinds_and_tolerances(monkeypatch):
    from spatial_dsl import load_scene
    from spatial_dsl.refer import keys as K
    from spatial_dsl.refer.candidates import _Search

    kitchen, bedroom = load_scene("ithor:FloorPlan1"), load_scene("ithor:FloorPlan301")
    first = K._checked_once(_Search(kitchen, False, None).key_program())
    assert K._checked_once(_Search(bedroom, False, None).key_program()) is first
    assert K._checked_once(_Search(kitchen, False, ("extreme",)).key_program()) is not first
    monkeypatch.setattr(K, "RELATION_BAND_M", 0.0)  # the bands' keys read it when built
    assert K._checked_once(_Search(kitchen, False, None).key_program()) is not first


def test_the_generation_domain_proves_one_reference_per_kind(monkeypatch):
    """`spdsl generate` names each object by its simplest reference only, so its domain
    (naming.reference_domain) proves one candidate per object and kind, the next only
    where a proof fails: the same simplest reference as proving two. With the bands off,
    mug m1's clearest relation (`on`, at the tolerance) fails under jitter and the next
    relation is proved in its place."""
    from spatial_dsl.naming import reference_domain
    from spatial_dsl.refer import candidates, keys

    for module in (keys, candidates):
        monkeypatch.setattr(module, "RELATION_BAND_M", 0.0)
    scene = make([chair("a", 2, 2, label="sofa"), chair("b", 6, 6), chair("c", 9, 7.5),
                  box("s", "Sofa", [5, 7, 0.4], [2, 0.9, 0.8]), table(),
                  box("m1", "Mug", [5, 4, 0.85], [0.1, 0.1, 0.1]),
                  box("m2", "Mug", [5, 0.5, 0.05], [0.1, 0.1, 0.1])])
    jittered = jitter_for(scene)
    domain = [(scene.ids[row], print_expr(e), text)
              for row, e, text in reference_domain(scene, jittered=jittered)]
    report = find_references(scene, jittered=jittered)  # two per kind
    full = binding_domain(report, scene, include_unique=True, include_structural=False)
    assert domain == [(oid, print_expr(e), text) for oid, e, text in full]
    # relations alone: m1's first candidate fails, so the one-per-kind search goes on
    relations = find_references(scene, jittered=jittered, kinds=("relation",))
    assert relations.rejected["unstable under jitter:NoMatch:on"] == 1
    best = [(oid, print_expr(e), text) for oid, e, text in references_for_binding(
        scene, jittered=jittered, kinds=("relation",))]
    assert best == [(oid, print_expr(e), text) for oid, e, text in binding_domain(
        relations, scene)]
    assert [text for oid, _, text in best if oid == "m1"] == ["the mug near the dining table"]
