"""Naive per-element reference versions of `geometry.py` (the test oracle).

Pure Python on tuples / lists (no numpy): one element at a time, written for
obviousness rather than speed.  Same names, arguments and meanings as in
`geometry.py`, with the same tolerances and decisions; where it matters the
method is deliberately different, so the two check each other:

- box_gap: a 3-D separating-axis test (15 axes) decides overlap; otherwise the
  distance is the least of all vertex-to-box and edge-to-edge distances (for
  disjoint convex polyhedra the closest pair is one of these).  The upright
  flags are accepted and ignored: every pair takes the full 3-D route.
  (geometry.py: 2-D rectangle distance for upright pairs, GJK for the rest.)
- footprints_overlap: convex hull of the 8 projected corners, polygon
  clipping, shoelace area.  (geometry.py: separating axes of a zonotope.)
- footprint_intersection_area (`on`'s support share): clipping of the two
  hulls one element at a time.  (geometry.py: the zonotopes' vertices from
  sorted edge vectors, clipped for the whole batch at once.)
- round_half_away: exact decimal arithmetic on the binary value (stdlib
  `decimal`).  (geometry.py: floating point with a decimal fix-up.)
- sector: the spec's tables as comparisons.  (geometry.py: np.digitize.)

Boxes are (center, R, size): center and size sequences of 3, R a 3x3 nested
sequence indexed R[row][col] whose COLUMNS are the local axes in world.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

GAP_SNAP = 1e-6  # as geometry.GAP_SNAP: gaps under 1 µm are touching
INSIDE_TOL = 1e-9
FOOTPRINT_MIN_AREA = 1e-10  # overlap area that counts as "positive" (as geometry.py)
AREA_SLACK = 1e-12  # as geometry.AREA_SLACK: areas this close are equal
from ..tolerances import DEGENERATE_LENGTH as DEGENERATE_LEN  # noqa: E402  (the spec's)
from ..tolerances import ROUTE_MIN_STEP, ROUTE_MIN_TURN  # noqa: E402,F401
ROUTE_REVERSAL_TOL = 1e-9

# ---------------------------------------------------------------- vectors


def _sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _add(a, b):
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _mul(a, k):
    return (a[0] * k, a[1] * k, a[2] * k)


def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a, b):
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a):
    return math.sqrt(_dot(a, a))


def _col(R, k):
    return (R[0][k], R[1][k], R[2][k])


# ---------------------------------------------------------------- angles


def wrap_deg(x):
    """(-180, 180]."""
    y = math.fmod(x, 360.0)
    if y > 180.0:
        y -= 360.0
    if y <= -180.0:
        y += 360.0
    return y


def round_half_away(x, n=0):
    """Round to n decimals, halves away from zero, decided on the exact binary value."""
    q = Decimal(x).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP)
    return float(q) + 0.0


# ---------------------------------------------------------------- boxes


def _corners(c, R, s):
    out = []
    for sx in (-1, 1):
        for sy in (-1, 1):
            for sz in (-1, 1):
                p = tuple(c)
                for k, sg in enumerate((sx, sy, sz)):
                    p = _add(p, _mul(_col(R, k), sg * s[k] / 2))
                out.append(p)
    return out


def _edges(c, R, s):
    """The 12 edges: pairs of corners differing in exactly one sign."""
    pts = _corners(c, R, s)  # index bits: x=4, y=2, z=1
    return [(pts[i], pts[i | bit]) for i in range(8) for bit in (4, 2, 1) if not i & bit]


def point_box_distance(p, c, R, s):
    """Distance from point p to the solid box (0 inside); under GAP_SNAP is 0."""
    d = _sub(p, c)
    total = 0.0
    for k in range(3):
        excess = max(abs(_dot(d, _col(R, k))) - s[k] / 2, 0.0)
        total += excess * excess
    dist = math.sqrt(total)
    return 0.0 if dist < GAP_SNAP else dist


def point_in_box(p, c, R, s):
    d = _sub(p, c)
    return all(abs(_dot(d, _col(R, k))) <= s[k] / 2 + INSIDE_TOL for k in range(3))


def _boxes_overlap(c1, R1, s1, c2, R2, s2):
    """3-D separating-axis test: 3 + 3 face normals and 9 edge cross products.
    Touching counts as overlapping; near-parallel edge pairs give no axis."""
    axes = [_col(R1, k) for k in range(3)] + [_col(R2, k) for k in range(3)]
    for i in range(3):
        for j in range(3):
            a = _cross(_col(R1, i), _col(R2, j))
            n = _norm(a)
            if n > 1e-9:
                axes.append(_mul(a, 1 / n))
    t = _sub(c2, c1)
    for a in axes:
        r1 = sum(abs(_dot(_col(R1, k), a)) * s1[k] / 2 for k in range(3))
        r2 = sum(abs(_dot(_col(R2, k), a)) * s2[k] / 2 for k in range(3))
        if abs(_dot(t, a)) > r1 + r2:
            return False
    return True


def _point_segment(p, a, b):
    ab = _sub(b, a)
    den = _dot(ab, ab)
    t = 0.0 if den == 0 else min(max(_dot(_sub(p, a), ab) / den, 0.0), 1.0)
    return _norm(_sub(p, _add(a, _mul(ab, t))))


def _segment_segment(p1, q1, p2, q2):
    """Closest pair is either at an endpoint of one segment, or interior to
    both (then unique, and only for non-parallel segments)."""
    best = min(_point_segment(p1, p2, q2), _point_segment(q1, p2, q2),
               _point_segment(p2, p1, q1), _point_segment(q2, p1, q1))
    d1, d2, r = _sub(q1, p1), _sub(q2, p2), _sub(p1, p2)
    a, e, b = _dot(d1, d1), _dot(d2, d2), _dot(d1, d2)
    c, f = _dot(d1, r), _dot(d2, r)
    den = a * e - b * b
    if den > 1e-12 * a * e:
        s = (b * f - c * e) / den
        t = (a * f - b * c) / den
        if 0 < s < 1 and 0 < t < 1:
            best = min(best, _norm(_sub(_add(p1, _mul(d1, s)), _add(p2, _mul(d2, t)))))
    return best


def box_gap(c1, R1, s1, c2, R2, s2, upright1=None, upright2=None):
    """Least distance between two solid boxes, 0 if touching/overlapping."""
    if _boxes_overlap(c1, R1, s1, c2, R2, s2):
        return 0.0
    best = min(point_box_distance(v, c2, R2, s2) for v in _corners(c1, R1, s1))
    best = min(best, min(point_box_distance(v, c1, R1, s1) for v in _corners(c2, R2, s2)))
    for e1 in _edges(c1, R1, s1):
        for e2 in _edges(c2, R2, s2):
            best = min(best, _segment_segment(e1[0], e1[1], e2[0], e2[1]))
    return 0.0 if best < GAP_SNAP else best


# ---------------------------------------------------------------- footprints


def _hull(points):
    """Counter-clockwise convex hull (monotone chain), collinear points dropped."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def turn(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def chain(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and turn(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = chain(pts), chain(reversed(pts))
    return lower[:-1] + upper[:-1]


def _clip(poly, a, b):
    """Part of poly on the left of the directed line a -> b (Sutherland-Hodgman)."""
    def side(p):
        return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])

    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        sp, sq = side(p), side(q)
        if sp >= 0:
            out.append(p)
        if (sp >= 0) != (sq >= 0):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _area(poly):
    n = len(poly)
    return 0.5 * abs(sum(poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1]
                         for i in range(n)))


def footprint(c, R, s):
    """Convex hull (counter-clockwise) of the box's corners projected on x-y."""
    return _hull([(p[0], p[1]) for p in _corners(c, R, s)])


def footprint_intersection_area(c1, R1, s1, c2, R2, s2):
    poly, clipper = footprint(c1, R1, s1), footprint(c2, R2, s2)
    if len(clipper) < 3:
        return 0.0
    for i in range(len(clipper)):
        if len(poly) < 3:
            return 0.0
        poly = _clip(poly, clipper[i], clipper[(i + 1) % len(clipper)])
    return _area(poly) if len(poly) >= 3 else 0.0


def footprint_area(c, R, s):
    poly = footprint(c, R, s)
    return _area(poly) if len(poly) >= 3 else 0.0


def footprints_overlap(c1, R1, s1, c2, R2, s2):
    return footprint_intersection_area(c1, R1, s1, c2, R2, s2) > FOOTPRINT_MIN_AREA


# ---------------------------------------------------------------- directions


def bearing(at, facing, target):
    """(degrees in (-180, 180], left positive; degenerate flag)."""
    fx, fy = facing[0] - at[0], facing[1] - at[1]
    rx, ry = target[0] - at[0], target[1] - at[1]
    b = wrap_deg(math.degrees(math.atan2(fx * ry - fy * rx, fx * rx + fy * ry)))
    degenerate = math.hypot(fx, fy) < DEGENERATE_LEN or math.hypot(rx, ry) < DEGENERATE_LEN
    return b, degenerate


def _label(b, sectors):
    """The spec's tables; on an exact 2/4 boundary the counter-clockwise sector."""
    if sectors == 2:
        return "left" if b >= 0 else "right"
    if sectors == 4:
        if 0 <= b < 90:
            return "front-left"
        if b >= 90:
            return "back-left"
        return "front-right" if b >= -90 else "back-right"
    if -22.5 <= b < 22.5:
        return "front"
    if 22.5 <= b < 67.5:
        return "front-left"
    if 67.5 <= b < 112.5:
        return "left"
    if 112.5 <= b < 157.5:
        return "back-left"
    if b >= 157.5 or b < -157.5:
        return "back"
    if -157.5 <= b < -112.5:
        return "back-right"
    if -112.5 <= b < -67.5:
        return "right"
    return "front-right"


_BOUNDS = {2: (0.0, 180.0), 4: (-90.0, 0.0, 90.0, 180.0),
           8: (-157.5, -112.5, -67.5, -22.5, 22.5, 67.5, 112.5, 157.5)}


def sector(b, sectors=4, margin_deg=0.0):
    """(label, borderline) for one bearing."""
    b = wrap_deg(b)
    borderline = False
    for edge in _BOUNDS[sectors]:
        off = abs(b - edge)
        off = min(off, 360.0 - off)
        if off < margin_deg or (sectors != 8 and b == edge):
            borderline = True
    return _label(b, sectors), borderline


def clock(b):
    h = int(round_half_away(-b / 30.0)) % 12
    return 12 if h == 0 else h


# ---------------------------------------------------------------- cameras


def to_camera(p, cam_pos, cam_R):
    d = _sub(p, cam_pos)
    return tuple(_dot(_col(cam_R, k), d) for k in range(3))


def screen_size(c, R, s, cam_pos, cam_R, fx, fy, cx, cy, width, height, near):
    """Shorter side in pixels of the image-clipped 2-D box of the box's projection.

    The box is cut by the plane z = near in camera coordinates: the projected points
    are the corners at or in front of it and the crossing points of edges that pass
    through it. 0 when no point is in front or the 2-D box misses the image."""
    points = []
    for p, q in _edges(c, R, s):
        pc, qc = to_camera(p, cam_pos, cam_R), to_camera(q, cam_pos, cam_R)
        if (pc[2] - near) * (qc[2] - near) < 0:
            t = (near - pc[2]) / (qc[2] - pc[2])
            points.append((pc[0] + t * (qc[0] - pc[0]), pc[1] + t * (qc[1] - pc[1]), near))
    points += [pc for pc in (to_camera(p, cam_pos, cam_R) for p in _corners(c, R, s))
               if pc[2] >= near]
    if not points:
        return 0.0
    us = [fx * x / z + cx for x, _, z in points]
    vs = [fy * y / z + cy for _, y, z in points]
    side = min(min(max(us), width) - max(min(us), 0.0),
               min(max(vs), height) - max(min(vs), 0.0))
    return side if side > 0 else 0.0


def view_bearing(p_cam):
    return wrap_deg(math.degrees(math.atan2(-p_cam[0], p_cam[2])))


def heading(cam_R):
    fx, fy = cam_R[0][2], cam_R[1][2]
    if math.hypot(fx, fy) < 1e-6:  # straight down: image up (-y); straight up: +y
        sign = -1.0 if cam_R[2][2] < 0 else 1.0
        fx, fy = sign * cam_R[0][1], sign * cam_R[1][1]
    return wrap_deg(math.degrees(math.atan2(fy, fx)))


def turn(R1, R2):
    return wrap_deg(heading(R2) - heading(R1))


def move(pos1, R1, pos2):
    h = math.radians(heading(R1))
    fwd, left = (math.cos(h), math.sin(h), 0.0), (-math.sin(h), math.cos(h), 0.0)
    d = _sub(pos2, pos1)
    return (_dot(d, fwd), _dot(d, left), d[2])


def travel(positions):
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(positions, positions[1:]))


def _turn_angle(x):
    t = wrap_deg(x)
    return 180.0 if t <= -180.0 + ROUTE_REVERSAL_TOL else t


def route(positions, headings):
    """See geometry.route (same decisions)."""
    ops = []
    h = headings[0] if headings else 0.0
    for i in range(len(positions) - 1):
        dx = positions[i + 1][0] - positions[i][0]
        dy = positions[i + 1][1] - positions[i][1]
        if math.hypot(dx, dy) >= ROUTE_MIN_STEP:
            direction = math.degrees(math.atan2(dy, dx))
            ops.append(["turn", _turn_angle(direction - h)])
            ops.append(["forward", math.hypot(dx, dy)])
            h = direction
        ops.append(["turn", _turn_angle(headings[i + 1] - h)])
        h = headings[i + 1]
    merged = []
    for op in ops:
        if merged and op[0] == "turn" and merged[-1][0] == "turn":
            merged[-1][1] = _turn_angle(merged[-1][1] + op[1])
        else:
            merged.append(list(op))
    kept = [op for op in merged if op[0] != "turn" or abs(op[1]) >= ROUTE_MIN_TURN]
    final = []
    for op in kept:
        if final and op[0] == "forward" and final[-1][0] == "forward":
            final[-1][1] += op[1]
        else:
            final.append(op)
    out = []
    for kind, x in final:
        if kind == "forward":
            out.append("go forward %.1f meters" % round_half_away(x, 1))
        else:
            out.append("turn %s %d degrees" % ("left" if x > 0 else "right",
                                               round_half_away(abs(x))))
    return out
