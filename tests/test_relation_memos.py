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
    return scene_from_dict({"format": "spdsl.scene/1", "id": "test/memos", "objects": objects})


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
