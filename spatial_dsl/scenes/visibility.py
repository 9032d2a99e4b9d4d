"""Sparse per-frame visibility: which objects each frame shows, and how much of them.

A scene file records, per frame, a map object id -> visible fraction in (0, 1]
(scenes.md). Most (frame, object) pairs are absent: a camera sees a few dozen of
a room's objects. A dense frames x objects table would need 8 bytes per pair
(10,000 objects x 100,000 frames: 8 GB), so the pairs are stored sparse, in
CSR order (by frame row, then object row), and every kernel reads them through
the accessors of ``Visibility``, which stay vectorized over a batch of rows:

- ``fraction(o, f)``: the recorded fraction of objects ``o`` in frames ``f`` (0 when
  absent), element-wise over broadcast row arrays;
- ``in_frames(f, at_least)``: a (B, N) mask of the objects each frame ``f`` shows;
- ``first_last(at_least)``: per object, the first and last frame row showing it
  (-1 if none), computed once per threshold and kept;
- ``co_visible(a, b, at_least)``: whether some frame shows both ``a`` and ``b``;
- ``frames_of(o, at_least)``: the frame rows that show object ``o``, ascending;
  ``frame_counts(at_least)``: how many frames show each object;
- ``row(i)``: the (object rows, fractions) of frame row ``i``; ``pairs()``: all of them;
- ``dense()``: the (F, N) table, for small scenes and tests only.

"Shows" means a recorded fraction ``>= at_least``; ``at_least=0`` (the default)
means any recorded fraction (they are all > 0). All arrays are frame *rows*
(positions in ``Frames``, sorted by the file's frame index) and object *rows*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def segment_positions(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ranges ``starts[r] .. starts[r] + lengths[r]``: (positions, owning row)."""
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(lengths)), lengths)
    if total == 0:
        return np.zeros(0, dtype=np.int64), owner
    first_of_segment = np.cumsum(lengths) - lengths  # output offset where row r's range starts
    positions = np.arange(total) - np.repeat(first_of_segment, lengths) + np.repeat(starts,
                                                                                   lengths)
    return positions.astype(np.int64), owner


@dataclass(frozen=True, eq=False)
class Visibility:
    """Recorded visible fractions of (frame row, object row) pairs, CSR by frame."""

    n_frames: int
    n_objects: int
    frame_ptr: np.ndarray  # (F+1,) int64: frame row i's pairs are [frame_ptr[i], frame_ptr[i+1])
    objects: np.ndarray  # (P,) int64 object rows, ascending within each frame
    fractions: np.ndarray  # (P,) float64 in (0, 1]
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_pairs(cls, n_frames: int, n_objects: int, frame_rows, object_rows,
                   fractions) -> Visibility:
        """From unordered (frame row, object row, fraction) triples; each pair at most once."""
        f = np.asarray(frame_rows, dtype=np.int64).reshape(-1)
        o = np.asarray(object_rows, dtype=np.int64).reshape(-1)
        v = np.asarray(fractions, dtype=np.float64).reshape(-1)
        order = np.lexsort((o, f))
        counts = np.bincount(f, minlength=n_frames) if len(f) else np.zeros(n_frames, np.int64)
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(n_frames, n_objects, _frozen(ptr), _frozen(o[order].copy()),
                   _frozen(v[order].copy()))

    @classmethod
    def from_dense(cls, table: np.ndarray) -> Visibility:
        """From an (F, N) table whose zeros mean "not visible"."""
        table = np.asarray(table, dtype=np.float64)
        f, o = np.nonzero(table)
        return cls.from_pairs(table.shape[0], table.shape[1], f, o, table[f, o])

    @property
    def count(self) -> int:
        """Number of recorded (frame, object) pairs."""
        return len(self.objects)

    # ---------------------------------------------------------------- lookups

    def _keys(self) -> np.ndarray:
        """frame row * N + object row of every pair: ascending, for binary search."""
        if "keys" not in self._cache:
            frames = np.repeat(np.arange(self.n_frames, dtype=np.int64), np.diff(self.frame_ptr))
            self._cache["keys"] = _frozen(frames * self.n_objects + self.objects)
        return self._cache["keys"]

    def fraction(self, o, f) -> np.ndarray:
        """Recorded fraction of object rows ``o`` in frame rows ``f`` (broadcast), 0 if absent."""
        o, f = np.broadcast_arrays(np.asarray(o, dtype=np.int64), np.asarray(f, dtype=np.int64))
        keys = self._keys()
        if len(keys) == 0:
            return np.zeros(o.shape)
        wanted = f * self.n_objects + o
        pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[pos] == wanted, self.fractions[pos], 0.0)

    def in_frames(self, f, at_least: float = 0.0) -> np.ndarray:
        """(B, N) bool: the objects each of the frame rows ``f`` shows."""
        f = np.asarray(f, dtype=np.int64).reshape(-1)
        starts = self.frame_ptr[f]
        positions, owner = segment_positions(starts, self.frame_ptr[f + 1] - starts)
        keep = self.fractions[positions] >= at_least
        out = np.zeros((len(f), self.n_objects), dtype=bool)
        out[owner[keep], self.objects[positions[keep]]] = True
        return out

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(object rows, fractions) recorded for frame row ``i``."""
        lo, hi = self.frame_ptr[i], self.frame_ptr[i + 1]
        return self.objects[lo:hi], self.fractions[lo:hi]

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(frame rows, object rows, fractions) of every recorded pair, in CSR order."""
        frames = np.repeat(np.arange(self.n_frames, dtype=np.int64), np.diff(self.frame_ptr))
        return frames, self.objects, self.fractions

    # ------------------------------------------------------- by object (CSC)

    def _by_object(self, at_least: float) -> tuple[np.ndarray, np.ndarray]:
        """(object_ptr (N+1,), frame rows) of the pairs with fraction >= ``at_least``,
        grouped by object, frames ascending within each object."""
        key = ("by_object", at_least)
        if key not in self._cache:
            frames, objects, fractions = self.pairs()
            keep = fractions >= at_least
            frames, objects = frames[keep], objects[keep]
            order = np.argsort(objects, kind="stable")  # CSR order: frames already ascending
            counts = np.bincount(objects, minlength=self.n_objects)
            ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            self._cache[key] = (_frozen(ptr), _frozen(frames[order]))
        return self._cache[key]

    def frames_of(self, o: int, at_least: float = 0.0) -> np.ndarray:
        """The frame rows that show object row ``o``, ascending."""
        ptr, frames = self._by_object(at_least)
        return frames[ptr[o]:ptr[o + 1]]

    def frame_counts(self, at_least: float = 0.0) -> np.ndarray:
        """(N,) how many frames show each object."""
        return np.diff(self._by_object(at_least)[0])

    def first_last(self, at_least: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(first, last) frame row showing each object, (N,) each; -1 where none does."""
        key = ("first_last", at_least)
        if key not in self._cache:
            ptr, frames = self._by_object(at_least)
            seen = ptr[1:] > ptr[:-1]
            first = np.full(self.n_objects, -1, dtype=np.int64)
            last = np.full(self.n_objects, -1, dtype=np.int64)
            first[seen] = frames[ptr[:-1][seen]]
            last[seen] = frames[ptr[1:][seen] - 1]
            self._cache[key] = (_frozen(first), _frozen(last))
        return self._cache[key]

    def co_visible(self, a, b, at_least: float = 0.0) -> np.ndarray:
        """(B,) bool: some frame shows both object rows ``a[r]`` and ``b[r]`` (broadcast)."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.int64).reshape(-1),
                                   np.asarray(b, dtype=np.int64).reshape(-1))
        if len(a) and (b == b[0]).all():
            return self._co_visible_with(b[0], a, at_least)
        if len(a) and (a == a[0]).all():
            return self._co_visible_with(a[0], b, at_least)
        ptr, frames = self._by_object(at_least)
        starts = ptr[a]
        positions, owner = segment_positions(starts, ptr[a + 1] - starts)
        got = self.fraction(b[owner], frames[positions])
        both = (got > 0) & (got >= at_least)  # 0: b not recorded in that frame
        return np.bincount(owner[both], minlength=len(a)) > 0

    def _co_visible_with(self, one: int, others: np.ndarray, at_least: float) -> np.ndarray:
        """co_visible(one, o) for each o of ``others``: one pass over the frames of ``one``."""
        ptr, frames = self._by_object(at_least)
        shows_one = np.zeros(self.n_frames, dtype=bool)
        shows_one[frames[ptr[one]:ptr[one + 1]]] = True
        starts = ptr[others]
        positions, owner = segment_positions(starts, ptr[others + 1] - starts)
        hits = shows_one[frames[positions]]
        return np.bincount(owner[hits], minlength=len(others)) > 0

    def dense(self) -> np.ndarray:
        """The (F, N) table of fractions (0 = not visible). Memory F x N x 8 bytes: for small
        scenes, tools and tests; kernels use the accessors above."""
        table = np.zeros((self.n_frames, self.n_objects))
        frames, objects, fractions = self.pairs()
        table[frames, objects] = fractions
        return _frozen(table)  # a copy, but read-only like every array of a scene

    def same_as(self, other: Visibility, atol: float = 0.0) -> bool:
        return (self.n_frames == other.n_frames and self.n_objects == other.n_objects
                and np.array_equal(self.frame_ptr, other.frame_ptr)
                and np.array_equal(self.objects, other.objects)
                and bool(np.allclose(self.fractions, other.fractions, rtol=0, atol=atol)))
