"""Reference builtins of scene values, selection and sets (find, the, filter, argmin, sum,
sort, map, any/all, parents/children...) and lists (len, index, first/last), one member at
a time in id order.
"""

from __future__ import annotations

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime.kernels import ambiguous_message, no_match_message

from .scene import Ctx, _find, _members, ref

# ---------------------------------------------------------------- scene values


@ref("frame")
def r_frame(c: Ctx, i):
    c.need_frames()
    count = c.scene.frame_count
    idx = i + count if i < 0 else i
    if not 0 <= idx < count:
        c.reject(RejectionKind.NO_FRAMES, f"there is no frame {i} (the scene has {count})")
    return idx


# ------------------------------------------------------------ selection & sets


@ref("find")
def r_find(c: Ctx, name):
    return _find(c.scene, name)


@ref("the")
def r_the(c: Ctx, S):
    if not S:
        c.reject(RejectionKind.NO_MATCH, no_match_message(c.looked_for))
    if len(S) > 1:
        c.reject(RejectionKind.AMBIGUOUS, ambiguous_message(len(S), c.looked_for))
    return next(iter(S))


@ref("filter")
def r_filter(c: Ctx, S, p):
    return frozenset(o for o in _members(S) if p(o))


@ref("count")
def r_count(c: Ctx, S):
    return len(S)


@ref("exists")
def r_exists(c: Ctx, S):
    return len(S) > 0


@ref("union")
def r_union(c: Ctx, A, B):
    return A | B


@ref("intersect")
def r_intersect(c: Ctx, A, B):
    return A & B


@ref("minus")
def r_minus(c: Ctx, A, B):
    return A - B


@ref("contains")
def r_contains(c: Ctx, S, o):
    return o in S


def _keyed(c: Ctx, S, key) -> list[tuple[int, object]]:
    members = _members(S)
    if not members:
        c.reject(RejectionKind.EMPTY_SET, "the set is empty")
    return [(o, key(o)) for o in members]


def _extreme(c: Ctx, S, key, better):
    pairs = _keyed(c, S, key)
    best_o, best_k = pairs[0]
    for o, k in pairs[1:]:
        if better(k, best_k):
            best_o, best_k = o, k
    if sum(1 for _, k in pairs if k == best_k) > 1:
        c.reject(RejectionKind.BORDERLINE, "two members tie for the extreme key")
    return best_o


@ref("argmin")
def r_argmin(c: Ctx, S, key):
    return _extreme(c, S, key, lambda a, b: a < b)


@ref("argmax")
def r_argmax(c: Ctx, S, key):
    return _extreme(c, S, key, lambda a, b: a > b)


@ref("min")
def r_min_set(c: Ctx, S, key):
    return min(k for _, k in _keyed(c, S, key))


@ref("min", 1)
def r_min_pair(c: Ctx, a, b):
    return b if b < a else a


@ref("max")
def r_max_set(c: Ctx, S, key):
    return max(k for _, k in _keyed(c, S, key))


@ref("max", 1)
def r_max_pair(c: Ctx, a, b):
    return b if b > a else a


@ref("sum")
def r_sum(c: Ctx, S, key):
    total = 0
    for _, k in _keyed(c, S, key):
        total += k
    return total


@ref("mean")
def r_mean(c: Ctx, S, key):
    keys = [k for _, k in _keyed(c, S, key)]
    return sum(keys) / len(keys)


@ref("sort")
def r_sort(c: Ctx, S, key):
    pairs = _keyed(c, S, key)
    keys = [k for _, k in pairs]
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            if keys[i] == keys[j]:
                c.reject(RejectionKind.BORDERLINE, "two members have equal sort keys")
    return [o for o, _ in sorted(pairs, key=lambda pair: pair[1])]


@ref("map")
def r_map_set(c: Ctx, xs, f):
    return [f(o) for o in _members(xs)]


@ref("map", 1)
def r_map_list(c: Ctx, xs, f):
    return [f(x) for x in xs]


@ref("any")
def r_any(c: Ctx, S, p):
    for o in _members(S):
        if p(o):
            return True
    return False


@ref("all")
def r_all(c: Ctx, S, p):
    for o in _members(S):
        if not p(o):
            return False
    return True


@ref("labels")
def r_labels(c: Ctx, xs):
    if isinstance(xs, list):
        return [c.scene.labels[o] for o in xs]
    return sorted(c.scene.labels[o] for o in xs)


@ref("parents")
def r_parents(c: Ctx, o):
    p = c.scene.parent[o]
    return frozenset([p]) if p >= 0 else frozenset()


@ref("children")
def r_children(c: Ctx, o):
    return frozenset(i for i in range(c.scene.n) if c.scene.parent[i] == o)


# ----------------------------------------------------------------------- lists


@ref("len")
def r_len(c: Ctx, xs):
    return len(xs)


def _at(c: Ctx, xs: list, i: int):
    j = i + len(xs) if i < 0 else i
    if not 0 <= j < len(xs):
        c.reject(RejectionKind.EMPTY_SET, f"index {i} is out of range of a list of {len(xs)}")
    return xs[j]


@ref("_index")
def r_index(c: Ctx, xs, i):
    return _at(c, xs, i)


@ref("first")
def r_first(c: Ctx, xs):
    return _at(c, xs, 0)


@ref("last")
def r_last(c: Ctx, xs):
    return _at(c, xs, -1)
