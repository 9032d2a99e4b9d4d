"""Geometry kernels: hand-computed cases, and the vectorized kernels
(spatial_dsl.runtime.geometry) against the per-element oracle (refgeom)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from spatial_dsl.runtime import geometry as G
from spatial_dsl.runtime import refgeom as F

I3 = np.eye(3)
UNIT = np.ones(3)


def rot_z(deg):
    return Rotation.from_euler("z", deg, degrees=True).as_matrix()


def ref(box):
    """A (c, R, s) numpy box as the oracle's tuples / nested lists."""
    c, R, s = box
    return tuple(map(float, c)), np.asarray(R).tolist(), tuple(map(float, s))


def ref_gap(b1, b2):
    return F.box_gap(*ref(b1), *ref(b2))


def cam(heading_deg, pitch_deg=0.0):
    """Camera rotation (columns: OpenCV x right, y down, z forward) looking
    along heading_deg, pitched down by pitch_deg."""
    h, p = math.radians(heading_deg), math.radians(pitch_deg)
    z = np.array([math.cos(h) * math.cos(p), math.sin(h) * math.cos(p), -math.sin(p)])
    x = np.array([math.sin(h), -math.cos(h), 0.0])
    return np.stack([x, np.cross(z, x), z], axis=1)


# ------------------------------------------------------------------ strategies

coord = st.one_of(st.integers(-16, 16).map(lambda k: k / 8),  # grid: touching cases
                  st.floats(-2.5, 2.5, allow_nan=False))
extent = st.one_of(st.integers(0, 12).map(lambda k: k / 8),
                   st.floats(0.0, 2.0, allow_nan=False))
vec3 = st.tuples(coord, coord, coord).map(np.array)
size3 = st.tuples(extent, extent, extent).map(np.array)
yaw = st.one_of(st.sampled_from([0.0, 45.0, 90.0, -30.0, 180.0]), st.floats(-180, 180))
quat = st.tuples(*[st.floats(-1, 1)] * 4).filter(lambda q: sum(x * x for x in q) > 0.01)
tilted_R = st.one_of(
    quat.map(lambda q: Rotation.from_quat(q).as_matrix()),
    # multiples of 45 degrees: parallel faces and edges, the hard cases for GJK/SAT
    st.tuples(*[st.integers(-4, 4)] * 3).map(
        lambda e: Rotation.from_euler("xyz", np.array(e) * 45.0, degrees=True).as_matrix()),
)
upright_box = st.tuples(vec3, yaw.map(rot_z), size3)
tilted_box = st.tuples(vec3, tilted_R, size3)
any_box = st.one_of(upright_box, tilted_box)


# ------------------------------------------------------------------ gap: hand cases


def test_gap_unit_cubes_side_by_side():
    # centres 2 m apart on x, half sizes 0.5 + 0.5: faces 1 m apart
    assert G.box_gap([0, 0, 0], I3, UNIT, [2, 0, 0], I3, UNIT) == pytest.approx(1.0)


def test_gap_diagonal_offset():
    # centres (0,0,0) and (2,2,0): nearest corners (0.5,0.5) and (1.5,1.5): sqrt(1+1)
    assert G.box_gap([0, 0, 0], I3, UNIT, [2, 2, 0], I3, UNIT) == pytest.approx(math.sqrt(2))
    # and (2,2,2): corner to corner, sqrt(3)
    assert G.box_gap([0, 0, 0], I3, UNIT, [2, 2, 2], I3, UNIT) == pytest.approx(math.sqrt(3))


def test_gap_rotated_corner_approaching_face():
    # a unit cube turned 45 deg about z reaches sqrt(2)/2 along x; placed at x = d,
    # its corner is d - 0.7071 from the origin, and 0.5 less from the other cube's face
    for d in (2.0, 1.5, 0.5 + math.sqrt(2) / 2 + 0.01):
        expect = d - math.sqrt(2) / 2 - 0.5
        assert G.box_gap([0, 0, 0], I3, UNIT, [d, 0, 0], rot_z(45), UNIT) == pytest.approx(expect)
        assert G.box_gap([0, 0, 0], I3, UNIT, [d, 0, 0], rot_z(45), UNIT, False, False) == (
            pytest.approx(expect))
    # corner just touching the face, and pushed in
    d = 0.5 + math.sqrt(2) / 2
    assert G.box_gap([0, 0, 0], I3, UNIT, [d, 0, 0], rot_z(45), UNIT) == 0.0
    assert G.box_gap([0, 0, 0], I3, UNIT, [d - 0.1, 0, 0], rot_z(45), UNIT) == 0.0


def test_gap_stacked_and_overlapping_are_zero():
    # a 1 m cube on a 2x2x1 table: bottom 1.0 == table top 1.0
    table = ([0, 0, 0.5], I3, [2, 2, 1])
    cube = ([0.3, 0.2, 1.5], rot_z(20), UNIT)
    assert G.box_gap(*cube, *table) == 0.0
    assert G.box_gap(*cube, *table, False, False) == 0.0  # also through GJK
    assert G.box_gap([0, 0, 0], I3, UNIT, [0.2, 0.1, 0], I3, UNIT) == 0.0
    # one box inside another
    assert G.box_gap([0, 0, 0], I3, [3, 3, 3], [0.1, 0, 0], rot_z(30), UNIT) == 0.0


def test_gap_vertical_only_and_mixed():
    # same footprint, 0.5 m above: dz only
    assert G.box_gap([0, 0, 0], I3, UNIT, [0, 0, 1.5], I3, UNIT) == pytest.approx(0.5)
    # 3 m apart horizontally (2 m face to face) and 1 m above top: hypot(2, 1)
    assert G.box_gap([0, 0, 0], I3, UNIT, [3, 0, 2], I3, UNIT) == pytest.approx(math.sqrt(5))


def test_gap_tilted_boxes():
    # a cube tilted 45 deg about x: its lowest edge sits sqrt(2)/2 below its centre;
    # centred 2 m above a unit cube whose top is at 0.5: gap 2 - 0.7071 - 0.5
    tilt = Rotation.from_euler("x", 45, degrees=True).as_matrix()
    expect = 2 - math.sqrt(2) / 2 - 0.5
    assert G.box_gap([0, 0, 0], I3, UNIT, [0, 0, 2], tilt, UNIT) == pytest.approx(expect)
    # edge-edge: both tilted, crossing edges (one along x, one along y) face each other:
    # each edge sits sqrt(2)/2 from its centre, centres 3 m apart on z
    tilt_y = Rotation.from_euler("y", 45, degrees=True).as_matrix()
    expect = 3 - math.sqrt(2)
    assert G.box_gap([0, 0, 0], tilt, UNIT, [0, 0, 3], tilt_y, UNIT) == pytest.approx(expect)
    assert ref_gap(([0, 0, 0], tilt, UNIT), ([0, 0, 3], tilt_y, UNIT)) == pytest.approx(expect)


def test_gap_of_point_boxes_is_point_distance():
    # a point is a box of size 0; gap to a box equals point_box_distance
    p, box = np.array([2.0, 1.5, 0.2]), ([0, 0, 0], rot_z(30), [1.0, 2.0, 0.5])
    expect = G.point_box_distance(p, *box)
    assert G.box_gap(p, I3, np.zeros(3), *box) == pytest.approx(expect)
    assert G.box_gap(p, I3, np.zeros(3), *box, False, False) == pytest.approx(expect)


def _touching_pair(delta, seed):
    """Two random tilted boxes with a vertex of box 2 placed delta off a face
    point of box 1 along the face normal: their gap is exactly delta."""
    rng = np.random.default_rng(seed)
    R1, R2 = Rotation.random(2, random_state=seed).as_matrix()
    s1, s2 = rng.uniform(0.1, 2, 3), rng.uniform(0.1, 2, 3)
    c1 = rng.uniform(-2, 2, 3)
    k, sign = rng.integers(3), rng.choice([-1.0, 1.0])
    normal = sign * R1[:, k]
    local = rng.uniform(-0.5, 0.5, 3) * s1
    local[k] = sign * s1[k] / 2
    face_point = c1 + R1 @ local
    vertex_offset = R2 @ np.where(R2.T @ -normal >= 0, s2 / 2, -s2 / 2)
    return (c1, R1, s1), (face_point + delta * normal - vertex_offset, R2, s2)


@pytest.mark.parametrize("delta", [0.0, 1e-5, 1e-3, 0.25])
def test_gap_constructed_exact_tilted(delta):
    pairs = [_touching_pair(delta, seed) for seed in range(40)]
    b1 = [np.array([p[0][i] for p in pairs]) for i in range(3)]
    b2 = [np.array([p[1][i] for p in pairs]) for i in range(3)]
    got = G.box_gap(*b1, *b2)
    assert got == pytest.approx(np.full(len(pairs), delta), abs=1e-9)
    for p in pairs[:10]:
        assert ref_gap(*p) == pytest.approx(delta, abs=1e-9)


# ------------------------------------------------------------------ gap: properties

SLOW = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(upright_box, upright_box)
def test_gap_upright_matches_reference(b1, b2):
    assert G.box_gap(*b1, *b2, True, True) == pytest.approx(ref_gap(b1, b2), abs=1e-6)


@SLOW
@given(any_box, any_box)
def test_gap_gjk_matches_reference(b1, b2):
    # force the GJK path for every pair, upright ones included
    assert G.box_gap(*b1, *b2, False, False) == pytest.approx(ref_gap(b1, b2), abs=1e-6)


@SLOW
@given(upright_box, upright_box)
def test_gap_prism_and_gjk_agree(b1, b2):
    assert G.box_gap(*b1, *b2, True, True) == pytest.approx(
        G.box_gap(*b1, *b2, False, False), abs=1e-9)


def _surface_samples(box, k=14):
    """k x k grid on each face of the box: every surface point is within half a
    cell diagonal of a sample."""
    c, R, s = (np.asarray(a, float) for a in box)
    u = np.linspace(-0.5, 0.5, k)
    a, b = (m.ravel() for m in np.meshgrid(u, u))
    faces = []
    for axis in range(3):
        for side in (-0.5, 0.5):
            local = np.empty((len(a), 3))
            local[:, axis] = side
            local[:, (axis + 1) % 3], local[:, (axis + 2) % 3] = a, b
            faces.append(local)
    pts = np.concatenate(faces) * s
    return c + pts @ R.T, 0.5 * np.linalg.norm(s) / (k - 1)


def _volume_samples(box, k=7):
    c, R, s = (np.asarray(a, float) for a in box)
    u = np.linspace(-0.5, 0.5, k)
    local = np.stack([m.ravel() for m in np.meshgrid(u, u, u)], axis=1) * s
    return c + local @ R.T, 0.5 * np.linalg.norm(s) / (k - 1)


@settings(max_examples=60, deadline=None)
@given(any_box, any_box)
def test_gap_against_dense_sampling(b1, b2):
    gap = G.box_gap(*b1, *b2)
    if gap > 0:
        # sampled surface pairs are never closer than the gap, and the closest
        # sample pair is within the two sampling radii of it
        p1, r1 = _surface_samples(b1)
        p2, r2 = _surface_samples(b2)
        sampled = np.sqrt(((p1[:, None, :] - p2[None, :, :]) ** 2).sum(-1)).min()
        assert gap <= sampled + 1e-9
        assert sampled <= gap + r1 + r2 + 1e-9
    else:
        # overlapping: some sample of box 1 lies within its sampling radius of box 2
        p1, r1 = _volume_samples(b1)
        assert np.min(G.point_box_distance(p1, *b2)) <= r1 + 1e-9


def _moved(box, R, t):
    c, Rb, s = box
    return R @ c + t, R @ Rb, s


@SLOW
@given(any_box, any_box, st.floats(-180, 180), vec3)
def test_gap_rigid_motion_about_z(b1, b2, angle, t):
    M = rot_z(angle)
    before = G.box_gap(*b1, *b2)
    assert G.box_gap(*_moved(b1, M, t), *_moved(b2, M, t)) == pytest.approx(before, abs=1e-6)


@SLOW
@given(any_box, any_box, quat, vec3)
def test_gap_rigid_motion_any_rotation(b1, b2, q, t):
    # a general rotation sends upright pairs down the GJK path: both must agree
    M = Rotation.from_quat(q).as_matrix()
    before = G.box_gap(*b1, *b2)
    assert G.box_gap(*_moved(b1, M, t), *_moved(b2, M, t)) == pytest.approx(before, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.lists(any_box, min_size=1, max_size=12), any_box)
def test_gap_batch_equals_elementwise(boxes, other):
    c, R, s = (np.array([b[i] for b in boxes]) for i in range(3))
    batch = G.box_gap(c, R, s, *other)
    assert batch.shape == (len(boxes),)
    single = [G.box_gap(*b, *other) for b in boxes]
    assert batch == pytest.approx(single, abs=1e-12)
    # swapped arguments, and a (k,1) x (1,) grid of pairs
    assert G.box_gap(*other, c, R, s) == pytest.approx(single, abs=1e-9)
    grid = G.box_gap(c[:, None], R[:, None], s[:, None], c[None], R[None], s[None])
    assert grid.shape == (len(boxes), len(boxes))
    assert np.diag(grid) == pytest.approx(np.zeros(len(boxes)))


def test_gap_near_upright_box_is_exact_despite_flag():
    # tilted 0.05 deg: a loose `upright` flag (|R[2,2]| > 1 - 1e-6) says True, but
    # the 2-D prism would be ~0.9 mm off for this 2 m tall box; it must go through GJK
    tall = ([0, 0, 0], Rotation.from_euler("x", 0.05, degrees=True).as_matrix(), [1, 1, 2])
    other = ([0, 1.2, 0.3], rot_z(10), UNIT)
    assert G.box_gap(*tall, *other, True, True) == pytest.approx(ref_gap(tall, other), abs=1e-9)
    # upside down (local z = -world z) is still an exact prism
    flipped = ([0, 0, 0], Rotation.from_euler("x", 180, degrees=True).as_matrix() @ rot_z(30),
               [1, 0.5, 2])
    assert G.box_gap(*flipped, *other) == pytest.approx(ref_gap(flipped, other), abs=1e-9)


def test_gap_upright_flags_broadcast():
    c = np.array([[2.0, 0, 0], [0, 3, 0]])
    flags = np.array([True, False])
    got = G.box_gap(c, I3, UNIT, [0, 0, 0], I3, UNIT, flags, True)
    assert got == pytest.approx([1.0, 2.0])
    assert G.box_gap(np.zeros((0, 3)), I3, UNIT, [0, 0, 0], I3, UNIT).shape == (0,)


# ------------------------------------------------------------------ points in / near boxes


def test_point_box_distance_and_inside_hand():
    box = ([1, 0, 0], rot_z(90), [2, 1, 1])  # local x along world y: spans x in [0.5, 1.5]
    assert G.point_box_distance([3, 0, 0], *box) == pytest.approx(1.5)
    assert G.point_box_distance([1, 3, 0], *box) == pytest.approx(2.0)
    assert G.point_box_distance([1, 0.5, 0.2], *box) == 0.0
    assert G.point_in_box([1, 0.99, 0.5], *box)
    assert G.point_in_box([1.5, 1.0, 0.5], *box)  # corner: inclusive
    assert not G.point_in_box([1.6, 0, 0], *box)
    got = G.point_in_box(np.array([[1, 0, 0], [9, 9, 9]]), *box)
    assert got.tolist() == [True, False]


@SLOW
@given(vec3, any_box)
def test_points_match_reference(p, box):
    assert G.point_box_distance(p, *box) == pytest.approx(
        F.point_box_distance(tuple(p), *ref(box)), abs=1e-9)
    assert G.point_in_box(p, *box) == F.point_in_box(tuple(p), *ref(box))


# ------------------------------------------------------------------ footprints


def test_footprints_hand():
    sq = ([0, 0, 0], I3, UNIT)
    assert G.footprints_overlap(*sq, [0.9, 0, 5], I3, UNIT)  # 0.1 m overlap, any height
    assert not G.footprints_overlap(*sq, [1.0, 0, 0], I3, UNIT)  # shared edge
    assert not G.footprints_overlap(*sq, [1.0, 1.0, 0], I3, UNIT)  # shared corner
    # diamond (square turned 45 deg) whose corner touches the square's side
    d = 0.5 + math.sqrt(2) / 2
    assert not G.footprints_overlap(*sq, [d, 0, 0], rot_z(45), UNIT)
    assert G.footprints_overlap(*sq, [d - 0.01, 0, 0], rot_z(45), UNIT)
    # a vertical sheet (zero-area footprint) overlaps nothing
    assert not G.footprints_overlap(*sq, [0, 0, 0], I3, [1, 0, 1])


def test_footprint_of_tilted_box_is_hull_of_corners():
    # a unit cube tilted 45 deg about x: its footprint is 1 x sqrt(2) on y.
    tilt = Rotation.from_euler("x", 45, degrees=True).as_matrix()
    small = [0.05, 0.05, 0.05]
    assert G.footprints_overlap([0, 0, 0], tilt, UNIT, [0, 0.66, 0], I3, small)
    assert not G.footprints_overlap([0, 0, 0], tilt, UNIT, [0, 0.74, 0], I3, small)
    assert F.footprints_overlap(*ref(([0, 0, 0], tilt, UNIT)), *ref(([0, 0.66, 0], I3, small)))


@SLOW
@given(any_box, any_box)
def test_footprints_match_reference(b1, b2):
    area = F.footprint_intersection_area(*ref(b1), *ref(b2))
    # the two use different tolerances (overlap length vs area): skip slivers
    assume(not 1e-13 < area < 1e-5)
    assert G.footprints_overlap(*b1, *b2) == F.footprints_overlap(*ref(b1), *ref(b2))


def _overlap_both_ways(b1, b2):
    """footprints_overlap with and without the disc shortcut (footprints._overlapping)."""
    from spatial_dsl.runtime.geometry import footprints
    boxes = footprints._broadcast_boxes(*b1, *b2)[1]
    return (footprints._overlapping(*boxes), footprints._overlapping(*boxes, shortcut=False))


@SLOW
@given(any_box, any_box, st.floats(-1e-4, 1e-4))
def test_footprint_overlap_shortcut_agrees_with_clipping(b1, b2, nudge):
    # the shortcut skips clipping only where a disc of clearly more than the minimum area
    # fits in both footprints: the answer must be the clipping's, slivers included
    b2 = (b2[0] + nudge, b2[1], b2[2])
    fast, clipped = _overlap_both_ways(b1, b2)
    assert fast.tolist() == clipped.tolist()


def test_footprint_slivers_are_measured_not_shortcut():
    # a diamond (unit square turned 45 deg) whose corner reaches e past the unit square's
    # side: the overlap is a right triangle of height e and base 2e, area e^2. Its axes
    # all overlap (by e / sqrt(2) > OVERLAP_TOL), so only the area decides: 2.5e-11 m^2 is
    # under FOOTPRINT_MIN_AREA (1e-10), 4e-10 is over. No disc of that area fits in the
    # triangle, so the shortcut must leave both to the clipping.
    sq = ([0, 0, 0], I3, UNIT)
    edge = 0.5 + math.sqrt(2) / 2
    for e, expected in ((5e-6, False), (2e-5, True)):
        diamond = ([edge - e, 0, 0], rot_z(45), UNIT)
        assert bool(G.footprints_overlap(*sq, *diamond)) is expected
        fast, clipped = _overlap_both_ways(sq, diamond)
        assert fast.tolist() == clipped.tolist() == [expected]


def test_footprint_overlap_shortcut_skips_clipping(monkeypatch):
    # a 0.4 m square over the middle of a unit one: the disc test decides, no clipping
    from spatial_dsl.runtime.geometry import footprints

    def no_clipping(*args):
        raise AssertionError("clipped a pair the disc test decides")
    monkeypatch.setattr(footprints, "footprint_overlap_area", no_clipping)
    assert G.footprints_overlap([0, 0, 0], I3, UNIT, [0.1, 0.2, 1], rot_z(30), [0.4, 0.4, 0.4])


def test_footprint_areas_hand():
    sq = ([0, 0, 0], I3, UNIT)
    # unit squares offset by 0.5 along x: 0.5 x 1; touching (offset 1): 0; apart: 0
    assert G.footprint_overlap_area(*sq, [0.5, 0, 3], I3, UNIT) == pytest.approx(0.5)
    assert G.footprint_overlap_area(*sq, [1.0, 0, 0], I3, UNIT) == pytest.approx(0.0)
    assert G.footprint_overlap_area(*sq, [2.0, 2.0, 0], I3, UNIT) == 0.0
    # a 0.4 x 0.4 square inside a unit one: its whole area, 0.16, either way round
    small = [0.4, 0.4, 0.1]
    assert G.footprint_overlap_area([0.1, 0.1, 0], I3, small, *sq) == pytest.approx(0.16)
    assert G.footprint_overlap_area(*sq, [0.1, 0.1, 0], I3, small) == pytest.approx(0.16)
    # the unit square turned 45 degrees about its own centre over the square: an octagon,
    # the square minus 4 corner triangles of legs 1 - sqrt(2)/2: 1 - 2 (1 - sqrt(2)/2)^2
    octagon = 1 - 2 * (1 - math.sqrt(2) / 2) ** 2
    assert G.footprint_overlap_area(*sq, [0, 0, 0], rot_z(45), UNIT) == pytest.approx(octagon)
    # a diamond whose corner reaches 0.2 past the square's side: a triangle 0.2 high, 0.4
    # wide
    d = 0.5 + math.sqrt(2) / 2 - 0.2
    assert G.footprint_overlap_area(*sq, [d, 0, 0], rot_z(45), UNIT) == pytest.approx(0.04)
    # a unit cube tilted 45 degrees about x: footprint 1 x sqrt(2); a vertical sheet: 0
    tilt = Rotation.from_euler("x", 45, degrees=True).as_matrix()
    assert G.footprint_area([0, 0, 0], tilt, UNIT) == pytest.approx(math.sqrt(2))
    assert G.footprint_overlap_area([0, 0, 0], tilt, UNIT, [0, 0, 0], I3, [4, 4, 1]) == \
        pytest.approx(math.sqrt(2))
    assert G.footprint_area([0, 0, 0], I3, [1, 0, 1]) == 0.0
    assert G.footprint_overlap_area(*sq, [0, 0, 0], I3, [1, 0, 1]) == 0.0
    # A square sheet (1/8 side, no thickness) tilted obliquely: its footprint is the
    # parallelogram (0, -1/16), (1/12, 1/48), (0, 1/16), (-1/12, -1/48) and the zero
    # extent leaves repeated vertices whose rounding-noise edge once halved the clip. Its
    # intersection with the 1/8 square is the hexagon (0, -1/16), (1/16, 0), (1/16, 1/32),
    # (0, 1/16), (-1/16, 0), (-1/16, -1/32): shoelace area 5/512.
    oblique = np.array([[-1, -2, 2], [2, 1, 2], [-2, 2, 1]]) / 3
    square = ([0, 0, 0], I3, [1 / 8, 1 / 8, 0])
    sheet = ([0, 0, 0], oblique, [0, 1 / 8, 1 / 8])
    assert G.footprint_overlap_area(*square, *sheet) == pytest.approx(5 / 512)
    assert G.footprint_overlap_area(*sheet, *square) == pytest.approx(5 / 512)


@SLOW
@given(any_box, any_box)
def test_footprint_areas_match_reference(b1, b2):
    """Vectorized zonotope clipping (geometry) against per-element hull clipping (refgeom)."""
    area = F.footprint_intersection_area(*ref(b1), *ref(b2))
    assert G.footprint_overlap_area(*b1, *b2) == pytest.approx(area, rel=1e-9, abs=1e-12)
    assert G.footprint_area(*b1) == pytest.approx(F.footprint_area(*ref(b1)), rel=1e-9,
                                                  abs=1e-12)


def test_footprint_area_batch_equals_elementwise():
    rng = np.random.default_rng(3)
    c1, c2 = rng.uniform(-1, 1, (20, 3)), rng.uniform(-1, 1, (20, 3))
    R1 = Rotation.random(20, random_state=4).as_matrix()
    R2 = np.stack([rot_z(a) for a in rng.uniform(-180, 180, 20)])
    s1, s2 = rng.uniform(0, 1.5, (20, 3)), rng.uniform(0, 1.5, (20, 3))
    batch = G.footprint_overlap_area(c1, R1, s1, c2, R2, s2)
    assert batch.shape == (20,)
    for k in range(20):
        assert batch[k] == pytest.approx(G.footprint_overlap_area(c1[k], R1[k], s1[k], c2[k],
                                                                  R2[k], s2[k]), abs=1e-15)


# ------------------------------------------------------------------ angles and rounding


def test_round_half_away_hand():
    assert G.round_half_away(2.5) == 3.0 and G.round_half_away(-2.5) == -3.0
    assert G.round_half_away(0.25, 1) == 0.3  # 0.25 is exact in binary
    assert G.round_half_away(2.675, 2) == 2.67  # stored as 2.67499999...
    assert G.round_half_away(0.49999999999999994) == 0.0
    assert G.round_half_away(25, -1) == 30.0
    assert math.copysign(1, G.round_half_away(-0.3)) == 1.0  # no negative zero
    assert G.round_half_away(np.array([0.5, 1.5, -0.5])).tolist() == [1.0, 2.0, -1.0]


@given(st.one_of(st.floats(-1e6, 1e6), st.integers(-2000, 2000).map(lambda k: k / 20)),
       st.integers(0, 3))
def test_round_half_away_matches_reference(x, n):
    assert G.round_half_away(x, n) == F.round_half_away(x, n)
    assert G.round_half_away(np.array([x, x]), n).tolist() == [F.round_half_away(x, n)] * 2


def test_wrap_deg():
    got = G.wrap_deg(np.array([-180.0, 180.0, 540.0, -540.0, 190.0, -190.0, 360.0, 1e-20]))
    assert got.tolist() == [180.0, 180.0, 180.0, 180.0, -170.0, 170.0, 0.0, 1e-20]


@given(st.floats(-1e4, 1e4))
def test_wrap_deg_range_and_reference(x):
    y = G.wrap_deg(x)
    assert -180 < y <= 180 and y == F.wrap_deg(x)
    assert math.isclose(math.remainder(y - x, 360.0), 0.0, abs_tol=1e-9)


def test_bearing_hand():
    at, facing = [0, 0, 0], [1, 0, 0]
    targets = [[0, 1, 0], [0, -1, 0], [-1, 0, 0], [1, 1, 7], [0, 0, 5]]
    b, degenerate = G.bearing(at, facing, targets)
    assert b.tolist() == pytest.approx([90, -90, 180, 45, 0])  # left positive, z ignored
    assert degenerate.tolist() == [False, False, False, False, True]
    assert G.bearing(at, [0, 0, 3], [1, 0, 0])[1]  # facing straight up: no direction


@given(vec3, vec3, vec3)
def test_bearing_matches_reference(a, f, t):
    b, deg = G.bearing(a, f, t)
    rb, rdeg = F.bearing(tuple(a), tuple(f), tuple(t))
    assert deg == rdeg
    assert abs(G.wrap_deg(b - rb)) < 1e-9


SECTOR_TABLE = [  # (bearing, sectors, label, borderline at margin 0)
    (10, 2, "left", False), (-10, 2, "right", False), (0, 2, "left", True),
    (180, 2, "left", True), (179.9, 2, "left", False), (-179.9, 2, "right", False),
    (45, 4, "front-left", False), (135, 4, "back-left", False),
    (-45, 4, "front-right", False), (-135, 4, "back-right", False),
    (0, 4, "front-left", True), (90, 4, "back-left", True), (-90, 4, "front-right", True),
    (180, 4, "back-left", True),
    (0, 8, "front", False), (-22.5, 8, "front", False), (22.5, 8, "front-left", False),
    (67.5, 8, "left", False), (112.5, 8, "back-left", False), (157.5, 8, "back", False),
    (180, 8, "back", False), (-157.5, 8, "back-right", False), (-112.5, 8, "right", False),
    (-67.5, 8, "front-right", False), (-157.50000000000003, 8, "back", False),
    (22.499999999999996, 8, "front", False), (-22.500000000000004, 8, "front-right", False),
]


@pytest.mark.parametrize("b,sectors,label,borderline", SECTOR_TABLE)
def test_sector_table(b, sectors, label, borderline):
    assert G.sector(b, sectors) == (label, borderline)
    assert F.sector(b, sectors) == (label, borderline)


def test_sector_boundaries_and_margin():
    for sectors, bounds in ((2, [0, 180]), (4, [-90, 0, 90, 180]),
                            (8, [-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5])):
        for edge in bounds:
            near = G.wrap_deg(np.array([edge - 4.9, edge + 4.9, edge - 5.1, edge + 5.1]))
            _, bl = G.sector(near, sectors, 5.0)
            assert bl.tolist() == [True, True, False, False]
            # margin 0: only the exact 2/4 boundaries are borderline
            exact = G.sector(float(G.wrap_deg(edge)), sectors, 0.0)[1]
            assert exact == (sectors != 8)
            e = float(G.wrap_deg(edge))
            for off in (np.nextafter(e, 0.0 if e else 1.0), np.nextafter(e, -200.0 if e else -1.0)):
                assert not G.sector(off, sectors, 0.0)[1]
    # -179 is circularly 1 deg from the 180 boundary of 2 (8 has no boundary there)
    assert G.sector(-179.0, 2, 2.0)[1] and not G.sector(-179.0, 8, 2.0)[1]
    # margins broadcast with bearings (the runtime passes a column)
    labels, bl = G.sector(np.array([10.0, 10.0, 50.0]), 4, np.array([5.0, 15.0, 0.0]))
    assert labels.tolist() == ["front-left"] * 3 and bl.tolist() == [False, True, False]
    assert G.sector(10.0, 4, np.array([15.0]))[1].shape == (1,)
    with pytest.raises(ValueError):
        G.sector(0.0, 3)


@given(st.floats(-180, 180), st.sampled_from([2, 4, 8]),
       st.sampled_from([0.0, 1.0, 5.0, 22.5]))
def test_sector_matches_reference(b, sectors, margin):
    label, bl = G.sector(b, sectors, margin)
    assert (str(label), bool(bl)) == F.sector(b, sectors, margin)
    labels, bls = G.sector(np.array([b, b]), sectors, margin)
    assert labels.tolist() == [label] * 2 and bls.tolist() == [bl] * 2


def test_clock_hand():
    # h = round(-b / 30) mod 12, 0 -> 12; -0.5 rounds away from zero to -1
    got = G.clock(np.array([0.0, 15.0, -15.0, 90.0, -90.0, 180.0, 165.0, -165.0, 14.9]))
    assert got.tolist() == [12, 11, 1, 9, 3, 6, 6, 6, 12]
    assert G.clock(-30.0) == 1 and G.clock(30.0) == 11
    assert [F.clock(b) for b in (0.0, 15.0, -15.0, 90.0, -90.0, 180.0)] == [12, 11, 1, 9, 3, 6]


@given(st.floats(-180, 180))
def test_clock_matches_reference(b):
    assert G.clock(b) == F.clock(b)


# ------------------------------------------------------------------ cameras


def test_to_camera_and_view_bearing_hand():
    # camera at height 1 looking along +x: a point 2 m ahead and 1 m to the left
    # has camera x = -1 (x is right), y = 0, z = 2; view bearing atan(1/2) to the left
    p = G.to_camera([2, 1, 1], [0, 0, 1], cam(0))
    assert p == pytest.approx([-1, 0, 2])
    assert G.view_bearing(p) == pytest.approx(math.degrees(math.atan2(1, 2)))
    assert G.view_bearing([0, 0, -1.0]) == 180.0
    pts = G.to_camera(np.array([[2, 1, 1], [1, 0, 0]]), [0, 0, 1], cam(0))
    assert pts.shape == (2, 3) and pts[1] == pytest.approx([0, 1, 1])  # below: y down


def test_heading_turn_move_hand():
    assert G.heading(cam(90, 30)) == pytest.approx(90)  # pitch does not change heading
    assert G.heading(cam(90, 90)) == pytest.approx(90)  # straight down: image-up
    assert G.heading(cam(90, -90)) == pytest.approx(90)  # straight up
    assert G.turn(cam(170), cam(-170)) == pytest.approx(20)  # across +-180, left
    assert G.turn(cam(0), cam(180)) == 180.0
    assert G.turn(cam(0), cam(-90)) == pytest.approx(-90)
    # facing +y: stepping +y is forward, stepping -x is to the left, z is up
    m = G.move([1, 1, 1.5], cam(90, 20), np.array([[1, 3, 1.7], [0, 1, 1.5]]))
    assert m == pytest.approx(np.array([[2, 0, 0.2], [0, 1, 0]]), abs=1e-12)
    assert G.travel([[0, 0, 0], [3, 4, 9], [3, 4, 0]]) == 5.0  # vertical motion is free


@given(st.floats(-180, 180), st.floats(-89, 89), st.floats(-180, 180), st.floats(-89, 89),
       vec3, vec3)
def test_cameras_match_reference(h1, p1, h2, p2, a, b):
    R1, R2 = cam(h1, p1), cam(h2, p2)
    assert abs(G.wrap_deg(G.heading(R1) - F.heading(R1.tolist()))) < 1e-9
    assert abs(G.wrap_deg(G.turn(R1, R2) - F.turn(R1.tolist(), R2.tolist()))) < 1e-9
    assert G.move(a, R1, b) == pytest.approx(F.move(tuple(a), R1.tolist(), tuple(b)), abs=1e-9)
    pc = G.to_camera(b, a, R1)
    assert pc == pytest.approx(F.to_camera(tuple(b), tuple(a), R1.tolist()), abs=1e-9)
    assert G.view_bearing(pc) == pytest.approx(F.view_bearing(tuple(pc)), abs=1e-9)


# ------------------------------------------------------------------ route

SQUARE = [[0, 0, 1], [2, 0, 1], [2, 2, 1], [0, 2, 1], [0, 0, 1]]


def test_route_square_loop():
    # headings 0, 90, 180, -90, 0: each leg is "turn 0, forward 2, turn +90";
    # the zero turn merges with the previous +90, and the first is dropped (< 1 deg)
    expect = ["go forward 2.0 meters", "turn left 90 degrees"] * 4
    assert G.route(SQUARE, [0, 90, 180, -90, 0]) == expect
    assert F.route(SQUARE, [0, 90, 180, -90, 0]) == expect


def test_route_square_loop_looking_sideways():
    # always facing +x while walking the square counter-clockwise: before each leg
    # turn to its direction, after it turn back to 0
    got = G.route(SQUARE, [0, 0, 0, 0, 0])
    # spelled out: leg 1 (+x): T0 F2 T0; leg 2 (+y): T+90 F2 T-90; leg 3 (-x): T180 F2 T180
    # (wrap(0 - 180) = 180); leg 4 (-y): T-90 F2 T+90.  Runs of turns merge:
    # T0 | F2 | T0+90 | F2 | T-90+180=90 | F2 | T180-90=90 | F2 | T90
    assert got == ["go forward 2.0 meters", "turn left 90 degrees", "go forward 2.0 meters",
                   "turn left 90 degrees", "go forward 2.0 meters", "turn left 90 degrees",
                   "go forward 2.0 meters", "turn left 90 degrees"]


def test_route_small_turn_dropped_and_forwards_merged():
    # leg 1: T0 F1 T0.3; leg 2 heads 0.573 deg: T0.273 F1.00005 T-0.573.
    # merged turns: T0 | F1 | T0.573 | F1.00005 | T-0.573 -> all turns < 1 deg dropped,
    # and the now adjacent forwards merge (the forward merge runs after the drop)
    got = G.route([[0, 0, 0], [1, 0, 0], [2, 0.01, 0]], [0, 0.3, 0])
    assert got == ["go forward 2.0 meters"]
    assert F.route([[0, 0, 0], [1, 0, 0], [2, 0.01, 0]], [0, 0.3, 0]) == got


def test_route_formats_and_edges():
    still = [[0, 0, 0], [0, 0.01, 0]]  # under 5 cm: not a step
    assert G.route(still, [0, 180]) == ["turn left 180 degrees"]  # 180 wraps to +180
    assert G.route(still, [0, -179.6]) == ["turn right 180 degrees"]
    assert G.route(still, [0, 1]) == ["turn left 1 degrees"]
    assert G.route(still, [0, 0.99]) == []
    assert G.route(still, [0, -1.5]) == ["turn right 2 degrees"]  # half away from zero
    assert G.route([[0, 0, 0]], [37]) == []
    # turning in place over several frames: one merged turn, the sum wrapped
    spot = [[0, 0, 0]] * 3
    assert G.route(spot, [0, 50, 100]) == ["turn left 100 degrees"]
    assert G.route(spot, [0, 120, -120]) == ["turn right 120 degrees"]  # 120 + 120 = 240
    # backing up 1 m while facing +x: turn around, walk, turn around
    assert G.route([[0, 0, 0], [-1, 0, 0]], [0, 0]) == [
        "turn left 180 degrees", "go forward 1.0 meters", "turn left 180 degrees"]
    assert G.route([[0, 0, 0], [0.25, 0, 0]], [0, 0]) == ["go forward 0.3 meters"]
    # out and back along a slanted line: the reversal is 180 up to roundoff, and
    # roundoff must not make it "turn right 180"
    there_and_back = [(0, 0.970703125, 1), (1.625, -0.5, 1), (0, 0.970703125, 1)]
    got = G.route(there_and_back, [0, 0, 0])
    assert got[2] == "turn left 180 degrees"
    assert got == F.route(there_and_back, [0, 0, 0])


def test_route_rounds_each_instruction_on_its_own():
    # 0.25 m east (facing east, then turning to north: left 90), 1.04 m north (then
    # turning to north-east: right 45), 0.66 m north-east: the route rounds the whole
    # path's numbers in one call, and each must still get its own rounding and words
    # (0.25 -> 0.3 half away from zero, 1.04 -> 1.0, 0.66 -> 0.7)
    diagonal = 0.66 * math.sqrt(0.5)
    path = [(0, 0, 1), (0.25, 0, 1), (0.25, 1.04, 1), (0.25 + diagonal, 1.04 + diagonal, 1)]
    headings = [0, 90, 45, 45]
    expect = ["go forward 0.3 meters", "turn left 90 degrees", "go forward 1.0 meters",
              "turn right 45 degrees", "go forward 0.7 meters"]
    assert G.route(path, headings) == expect
    assert F.route(path, headings) == expect


def test_route_words_of_several_routes_are_each_routes_own():
    # `route` kernels put all the new routes of a call in words at once: each route keeps
    # its own words, an empty route included (a single frame, or turns under 1 degree)
    east = [(0, 0, 1), (0.25, 0, 1)]
    cases = [(east, [0, 0]), ([(0, 0, 1)], [10]), ([(0, 0, 1)] * 2, [0, -1.5]),
             ([(0, 0, 1)] * 2, [0, 0.5]), ([(0, 0, 1), (0, -1.04, 1)], [0, -90])]
    ops = [G.route_ops(p, h) for p, h in cases]
    assert G.route_words(ops) == [
        ["go forward 0.3 meters"], [], ["turn right 2 degrees"], [],
        ["turn right 90 degrees", "go forward 1.0 meters"]]
    assert G.route_words(ops) == [G.route(p, h) for p, h in cases]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.floats(-180, 180)),
                min_size=1, max_size=8))
def test_route_matches_reference(frames):
    pos = [(x, y, 1.0) for x, y, _ in frames]
    heads = [h for _, _, h in frames]
    assert G.route(pos, heads) == F.route(pos, heads)
    assert G.travel(pos) == pytest.approx(F.travel(pos))


def test_heading_of_all_frames_sliced_is_heading_of_the_slice():
    # the `route` kernel reads each path's headings from one array made for all the
    # frames of a scene: that must be, bit for bit, the heading of the path's rotations
    # (random cameras, some looking straight down or up, paths forwards and backwards)
    rng = np.random.default_rng(11)
    R = Rotation.random(400, random_state=5).as_matrix()
    R[::7] = [cam(h, 90) for h in rng.uniform(-180, 180, len(R[::7]))]
    R[3::11] = [cam(h, -90) for h in rng.uniform(-180, 180, len(R[3::11]))]
    every = np.asarray(G.heading(R))
    for start, stop in rng.integers(0, len(R), (200, 2)):
        path = np.arange(start, stop + 1) if stop >= start else np.arange(start, stop - 1, -1)
        assert every[path].tolist() == np.asarray(G.heading(R[path])).reshape(-1).tolist()
