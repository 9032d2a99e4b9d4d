"""Kernels of scene values, selection and sets (find, the, filter, count, argmin, sum,
sort, map, any/all, parents/children...) and lists (len, index, first/last), with the
NoMatch / Ambiguous messages the reference interpreter shares.
"""

from __future__ import annotations

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.runtime.values import element, filler, stack_elements

from .call import (
    CHARGES_PER_OBJECT, CHARGES_UNBOUNDED, Call, _int_result, _pick, _rows, find_codes, find_mask,
    kernel,
)


@kernel("frame")
def k_frame(k: Call, i):
    count = k.frames().count
    idx = np.where(i < 0, i + count, i)
    bad = (idx < 0) | (idx >= count)
    k.reject(bad, RejectionKind.NO_FRAMES,
             lambda r: f"there is no frame {int(np.broadcast_to(i, bad.shape)[r])}"
             f" (the scene has {count})")
    return np.where(bad, 0, idx)


# ------------------------------------------------------------ selection & sets


@kernel("find", charges=CHARGES_PER_OBJECT)
def k_find(k: Call, names):
    k.charge_masks(len(names))
    return k.own_world(find_mask(k.scene, names))


@kernel("the")
def k_the(k: Call, S):
    return _the(k, S.sum(axis=-1), S.argmax(axis=-1))


def the_named(k: Call, names, found=None) -> np.ndarray:
    """`the(name)` of one world: what ``k_the`` gives on ``find(name)``'s masks, read
    from the scene's find table instead of summing a (B, N) mask per row. ``found``: the
    names' (table, codes) when the caller knows them already."""
    table, codes = found or find_codes(k.scene, names)
    return _the(k, table.counts[codes], table.firsts[codes])


def count_named(k: Call, names, found=None) -> np.ndarray:
    """`count(find(name))` of one world: what ``k_count`` gives, from the find table."""
    table, codes = found or find_codes(k.scene, names)
    return table.counts[codes]


def _the(k: Call, counts: np.ndarray, firsts: np.ndarray) -> np.ndarray:
    k.reject(counts == 0, RejectionKind.NO_MATCH, no_match_message(k.looked_for))
    k.reject(counts > 1, RejectionKind.AMBIGUOUS,
             lambda r: ambiguous_message(int(counts[r]), k.looked_for))
    return firsts


def looked_for(node, source_text: str, width: int = 80) -> str:
    """The first argument of a call as written (one line, clipped): what `the` looked for."""
    args = getattr(node, "args", None)
    if not args:
        return ""
    span = args[0].span
    text = " ".join(source_text[span.start:span.end].split())
    return text if len(text) <= width else text[:width - 3] + "..."


def no_match_message(what: str) -> str:
    if what.startswith('"'):
        return f"no object named {what}"
    return f"no object matches {what}" if what else "no object matches"


def ambiguous_message(count: int, what: str) -> str:
    return f"{count} objects match {what}, expected one" if what else \
        f"{count} objects match, expected one"


def _members(S: np.ndarray) -> np.ndarray:
    return np.flatnonzero(S[0])


@kernel("filter")
def k_filter(k: Call, S, p):
    members = _members(S)
    out = np.zeros((1, k.scene.n), dtype=bool)
    if len(members):
        keep, rows = p.over_members(members)
        k.report(rows)
        out[0, members[np.asarray(keep, dtype=bool)]] = True
    return out


@kernel("count")
def k_count(k: Call, S):
    return S.sum(axis=-1).astype(np.int64)


@kernel("exists")
def k_exists(k: Call, S):
    return S.any(axis=-1)


@kernel("union")
def k_union(k: Call, A, B):
    return A | B


@kernel("intersect")
def k_intersect(k: Call, A, B):
    return A & B


@kernel("minus")
def k_minus(k: Call, A, B):
    return A & ~B


@kernel("contains")
def k_contains(k: Call, S, o):
    return _pick(S, o)


def _keys(k: Call, S, key):
    """(members, keys) of a keyed aggregate, or None when it cannot answer."""
    members = _members(S)
    if len(members) == 0:
        k.reject(True, RejectionKind.EMPTY_SET, "the set is empty")
        return None
    keys, rows = key.over_members(members)
    if k.report(rows):
        return None
    return members, np.asarray(keys)


def _extreme(k: Call, S, key, pick):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    members, keys = found
    best = pick(keys)
    if np.count_nonzero(keys == keys[best]) > 1:
        k.reject(True, RejectionKind.BORDERLINE, "two members tie for the extreme key")
    return members[best:best + 1]


@kernel("argmin")
def k_argmin(k: Call, S, key):
    return _extreme(k, S, key, np.argmin)


@kernel("argmax")
def k_argmax(k: Call, S, key):
    return _extreme(k, S, key, np.argmax)


def _placeholder(k: Call):
    """The value a rejected row carries on: of the call's checked type, so that later
    kernels (a frame index, an object row) can use it without crashing."""
    return filler(k.result_type, 1, k.scene.n)


def _aggregate(k: Call, S, key, reduce, dtype=None):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    return np.array([reduce(found[1])], dtype=dtype or found[1].dtype)


@kernel("min")
def k_min_set(k: Call, S, key):
    return _aggregate(k, S, key, np.min)


@kernel("min", 1)
def k_min_pair(k: Call, a, b):
    return np.minimum(a, b)


@kernel("max")
def k_max_set(k: Call, S, key):
    return _aggregate(k, S, key, np.max)


@kernel("max", 1)
def k_max_pair(k: Call, a, b):
    return np.maximum(a, b)


@kernel("sum")
def k_sum(k: Call, S, key):
    found = _keys(k, S, key)
    if found is None:
        return _placeholder(k)
    keys = found[1]
    total = np.array([np.sum(keys)], dtype=keys.dtype)
    if keys.dtype.kind in "iu":
        approx = np.array([np.sum(keys.astype(float))])
        return _int_result(k, lambda _r: sum(int(x) for x in keys), approx, total)
    return total


@kernel("mean")
def k_mean(k: Call, S, key):
    return _aggregate(k, S, key, np.mean, float)


@kernel("sort")
def k_sort(k: Call, S, key):
    found = _keys(k, S, key)
    if found is None:
        return [[]]
    members, keys = found
    if len(np.unique(keys)) < len(keys):
        k.reject(True, RejectionKind.BORDERLINE, "two members have equal sort keys")
    order = np.argsort(keys, kind="stable")
    return [[int(m) for m in members[order]]]


@kernel("map")
def k_map_set(k: Call, xs, f):
    members = _members(xs)
    if len(members) == 0:
        return [[]]
    values, rows = f.over_members(members)
    k.report(rows)
    return [[element(values, i) for i in range(len(members))]]


@kernel("map", 1)
def k_map_list(k: Call, xs, f):
    items = xs[0]
    if not items:
        return [[]]
    values, rows = f.over_list(items)
    k.report(rows)
    return [[element(values, i) for i in range(len(items))]]


def _quantified(k: Call, S, p, decisive: bool):
    """any/all with the short-circuit of a per-element loop: stop at the first decisive member."""
    members = _members(S)
    if len(members) == 0:
        return np.array([not decisive])
    values, rows = p.over_members(members)
    values = np.asarray(values, dtype=bool)
    hits = np.flatnonzero((values == decisive) & ~rows.rejected)
    first_hit = hits[0] if len(hits) else len(members)
    rejected = np.flatnonzero(rows.rejected)
    if len(rejected) and rejected[0] < first_hit:
        k.report(rows)
    return np.array([decisive if len(hits) else not decisive])


@kernel("any")
def k_any(k: Call, S, p):
    return _quantified(k, S, p, True)


@kernel("all")
def k_all(k: Call, S, p):
    return _quantified(k, S, p, False)


@kernel("labels", charges=CHARGES_UNBOUNDED)
def k_labels(k: Call, xs):
    k.budget.charge(sum(len(x) for x in xs) if isinstance(xs, list) else xs.size, k.span)
    labels = k.scene.labels
    if isinstance(xs, list):
        return [[labels[i] for i in row] for row in xs]
    return [sorted(labels[i] for i in np.flatnonzero(row)) for row in xs]


@kernel("parents", charges=CHARGES_PER_OBJECT)
def k_parents(k: Call, o):
    k.charge_masks(len(o))
    parent = k.scene.parent[o]
    out = np.zeros((len(o), k.scene.n), dtype=bool)
    has = parent >= 0
    out[np.flatnonzero(has), parent[has]] = True
    return out


@kernel("children", charges=CHARGES_PER_OBJECT)
def k_children(k: Call, o):
    k.charge_masks(len(o))
    return k.scene.parent[None, :] == o[:, None]


# ----------------------------------------------------------------------- lists


@kernel("len")
def k_len(k: Call, xs):
    return np.array([len(x) for x in xs], dtype=np.int64)


def _elements_at(k: Call, xs: list, positions) -> object:
    """Element ``positions[r]`` of list row r; out of range is EmptySet."""
    size = _rows(np.asarray(positions), np.empty(len(xs)))
    spare = element(filler(k.result_type, 1, k.scene.n), 0)
    out = []
    for r in range(size):
        items = xs[r if len(xs) > 1 else 0]
        given = int(np.broadcast_to(positions, (size,))[r])
        i = given + len(items) if given < 0 else given
        if 0 <= i < len(items):
            out.append(items[i])
        else:  # the message names the index as written: `[1, 2, 3][-4]` says -4
            k.reject(np.arange(size) == r, RejectionKind.EMPTY_SET,
                     f"index {given} is out of range of a list of {len(items)}")
            out.append(spare)
    return stack_elements(k.result_type, out)


@kernel("_index")
def k_index(k: Call, xs, i):
    return _elements_at(k, xs, i)


@kernel("first")
def k_first(k: Call, xs):
    return _elements_at(k, xs, 0)


@kernel("last")
def k_last(k: Call, xs):
    return _elements_at(k, xs, -1)
