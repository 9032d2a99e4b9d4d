"""The per-scene memos of the metric kernels (runtime/kernels/relations.py) give, call
after call, exactly what the geometry gives for each pair on its own: pairs asked twice,
in both orders, in batches that overlap, on a scene and on jittered copies of it (a copy
moves every box, so a memo shared with the scene would answer with the scene's values).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

from spatial_dsl.lang.source import Span
from spatial_dsl.runtime import geometry as G
from spatial_dsl.runtime.eval import DEFAULT_LIMITS, Budget
from spatial_dsl.runtime.jitter import jittered_scenes
from spatial_dsl.runtime.kernels.call import Call
from spatial_dsl.runtime.kernels.relations import k_gap
from spatial_dsl.runtime.values import Rows
from spatial_dsl.scenes.format import scene_from_dict


def _tilted_room():
    """Six boxes, some tilted (GJK) and some upright (prisms), in a 3 m square."""
    rng = np.random.default_rng(7)
    objects = []
    for i in range(6):
        tilt = [0.0, 0.0, 0.0, 1.0] if i % 2 else Rotation.from_euler(
            "xyz", rng.uniform(-20, 20, 3), degrees=True).as_quat().tolist()
        objects.append({"id": f"box{i}", "category": "Box",
                        "center": rng.uniform(0.3, 2.7, 3).tolist(),
                        "size": rng.uniform(0.1, 0.6, 3).tolist(), "rotation": tilt})
    # a floor polygon: the room does not move with the boxes, so copies can be stacked
    return scene_from_dict({"format": "spdsl.scene/1", "id": "test/memos", "objects": objects,
                            "room": {"floor": [[-1, -1], [4, -1], [4, 4], [-1, 4]]}})


def _gap_call(scene, a, b) -> np.ndarray:
    size = max(len(a), len(b))
    call = Call(scene, Rows(size), Span(1, 1, 1, 1), size, Budget(DEFAULT_LIMITS))
    return k_gap(call, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))


def _expected_gaps(scene, a, b) -> list[float]:
    """box_gap of each pair alone, in the order asked."""
    return [float(G.box_gap(scene.center[i], scene.R[i], scene.size[i], scene.center[j],
                            scene.R[j], scene.size[j], scene.upright[i], scene.upright[j]))
            for i, j in zip(a, b)]


def test_gap_memo_answers_each_pair_as_computed_alone():
    scene = _tilted_room()
    copies = jittered_scenes(scene, trials=2, radius=0.05, seed=3)
    batches = [([0, 1, 2, 0], [3, 4, 5, 3]),  # a pair twice in one batch
               ([3, 4, 5, 1], [0, 1, 2, 2]),  # the same pairs swapped, one new
               ([0, 5, 5, 2], [5, 0, 5, 4])]  # both orders at once, an object with itself
    for world in [scene, *copies, scene]:  # the scene again after its copies
        for a, b in batches:
            assert _gap_call(world, a, b).tolist() == _expected_gaps(world, a, b)
    # the copies moved the boxes: their gaps are not the scene's
    a, b = batches[0]
    assert _gap_call(copies[0], a, b).tolist() != _gap_call(scene, a, b).tolist()


# ------------------------------------------------------------- above, below, on

# A table (x 0..1.2, y 0..0.8, top at z 0.75), a book lying on it, a lamp hanging over
# it (bottom 1.2 m up, over the table's corner) and a chair beside it (x 1.4..1.9): the
# book and the lamp are above the table, the lamp above the book; the book rests on the
# table (bottom at its top, all of its footprint over it); nothing is above the chair.
def _table_scene():
    def box(oid, lo, hi):
        return {"id": oid, "category": oid.capitalize(),
                "center": [(p + q) / 2 for p, q in zip(lo, hi)],
                "size": [q - p for p, q in zip(lo, hi)], "rotation": [0.0, 0.0, 0.0, 1.0]}
    return scene_from_dict({"format": "spdsl.scene/1", "id": "test/table", "objects": [
        box("table", [0, 0, 0], [1.2, 0.8, 0.75]),
        box("book", [0.2, 0.2, 0.75], [0.5, 0.4, 0.8]),
        box("lamp", [0.1, 0.1, 1.2], [0.6, 0.5, 1.5]),
        box("chair", [1.4, 0, 0], [1.9, 0.5, 1.0])]})


def _relation_call(kernel, scene, a, b):
    size = max(len(a), len(b))
    call = Call(scene, Rows(size), Span(1, 1, 1, 1), size, Budget(DEFAULT_LIMITS))
    return kernel(call, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))


def _all_pairs(n):
    a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    return a.ravel(), b.ravel()


def test_above_on_inside_memos_answer_each_scene_for_itself():
    from spatial_dsl.runtime.jitter import jitter_scene
    from spatial_dsl.runtime.kernels import relations as R

    scene = _table_scene()
    book, chair, lamp, table = (scene.ids.index(name) for name in ("book", "chair", "lamp",
                                                                    "table"))
    # the copy slides the book and the lamp 1.3 m along x, off the table: the lamp over
    # the chair (x 1.4..1.9), the book in the chair's box at 0.75..0.8 m, under its 1 m top
    delta = np.zeros((4, 3))
    delta[[book, lamp], 0] = 1.3
    moved = jitter_scene(scene, delta)
    expected = {scene: {(book, table), (lamp, table), (lamp, book)},
                moved: {(lamp, chair), (lamp, book)}}  # the book is below the chair's top
    a, b = _all_pairs(4)
    for world in (scene, moved, scene, moved):  # each asked twice, in turns
        got = _relation_call(R.k_above, world, a, b)
        assert {(int(i), int(j)) for i, j, x in zip(a, b, got) if x} == expected[world]
        # below(b, a) is above(a, b), from the same table read the other way round
        assert _relation_call(R.k_below, world, b, a).tolist() == got.tolist()
        # with repeats and a Vec3 (no table) in the batch: the same answers
        assert _relation_call(R.k_above, world, [lamp, lamp, book], [book, book, table]
                              ).tolist() == [True, True, world is scene]
    # the book rests on the table in the scene, on nothing in the copy (its bottom, 0.75 m,
    # is below the chair's top)
    assert R.rests_on(scene, np.array([book]), np.array([table])).tolist() == [True]
    assert R.rests_on(moved, np.array([book, book]), np.array([table, chair])).tolist() == [
        False, False]
    # one object against several, as the rule broadcasts it
    assert R.rests_on(scene, np.array([book]), np.array([table, chair, book])).tolist() == [
        True, False, False]
    # and is inside the chair's box in the copy only (its centre in it, and smaller)
    for world, inside in ((scene, False), (moved, True), (scene, False)):
        assert _relation_call(R.k_inside, world, [book, book], [chair, table]).tolist() == [
            inside, False]


def test_relation_memos_match_the_rules_on_every_pair_and_in_a_world_stack():
    from spatial_dsl.runtime.kernels import relations as R
    from spatial_dsl.runtime.worlds import stack_worlds

    scene = _tilted_room()
    copies = jittered_scenes(scene, trials=3, radius=0.3, seed=5)
    stack = stack_worlds([scene, *copies])
    a, b = _all_pairs(scene.n)
    for w, world in enumerate([scene, *copies]):
        direct = R._decide_above(world, a, b)
        assert R.above(world, a, b).tolist() == direct.tolist()
        # world w of the stack: its objects are w * n + i
        shift = w * scene.n
        assert R.above(stack.scene, a + shift, b + shift).tolist() == direct.tolist()
        assert R.rests_on(world, a, b).tolist() == R._decide_rests_on(world, a, b).tolist()
        holds = R._decide_box_holds(world, a, b)
        assert R._box_holds(world, a, b).tolist() == holds.tolist()
        assert R._box_holds(stack.scene, a + shift, b + shift).tolist() == holds.tolist()
