"""Run-time values, rejections and per-row rejection tracking.

Every value in the vectorized runtime has a leading *row* dimension: 1 at the
top level, k while a lambda is evaluated over k elements at once. Scalars are
arrays of shape (B,), a Vec3 (B, 3), an Objects mask (B, N), an Object or a
Frame an index array (B,), a Str an object array (B,), a List a Python list of
B Python lists. A value with B = 1 broadcasts against any batch.

A rejection (language.md §7) in one row must not stop the other rows, and the
rejection reported must be the one a per-element interpreter would meet
first. So rows record their first rejection and evaluation goes on with
harmless filler values; a higher-order builtin, once its lambda has run,
reports the first rejected element's rejection to its own row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spatial_dsl.lang.diagnostics import RejectionKind
from spatial_dsl.lang import types as T
from spatial_dsl.lang.source import Span
from spatial_dsl.errors import SpdslError


@dataclass(frozen=True)
class Rejection:
    kind: str
    message: str
    span: Span

    def to_json(self) -> dict:
        span = self.span
        return {"kind": self.kind, "message": self.message,
                "span": {"line": span.line, "column": span.column, "end_line": span.end_line,
                         "end_column": span.end_column}}


class Abort(SpdslError):
    """Every row of the current batch is rejected and no filler value can be made."""


class LimitExceeded(SpdslError):
    """The step budget or the time limit ran out: the whole program is rejected."""

    def __init__(self, message: str, span: Span):
        super().__init__(message)
        self.rejection = Rejection(RejectionKind.LIMIT_EXCEEDED, message, span)


class Rows:
    """First rejection of each row of a batch (rows are elements in evaluation order)."""

    def __init__(self, size: int):
        self.size = size
        self.rejected = np.zeros(size, dtype=bool)
        self._events: list[tuple[np.ndarray, Rejection | list]] = []

    def record(self, mask, kind: str, message, span: Span) -> None:
        """Reject the rows in ``mask`` that are not rejected yet.

        ``message`` is a string, or a function of the row index (called lazily). A mask
        of one row (a broadcast value, such as a literal, rejected in a batch of many)
        rejects every row with the message of that one row.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():  # the common case: nothing to reject
            return
        if callable(message) and mask.size == 1 and self.size > 1:
            message = _first_row(message)
        if mask.shape != (self.size,):
            mask = np.broadcast_to(mask, (self.size,))
        new = mask & ~self.rejected
        if new.any():
            self.rejected |= new
            self._events.append((new, (kind, message, span)))

    def record_all(self, rejection: Rejection) -> None:
        self.record(True, rejection.kind, rejection.message, rejection.span)

    def any(self) -> bool:
        return bool(self.rejected.any())

    def first(self) -> Rejection | None:
        """The rejection of the first rejected row."""
        rows = np.flatnonzero(self.rejected)
        return self.rejection_of(int(rows[0])) if len(rows) else None

    def rejection_of(self, row: int) -> Rejection | None:
        for mask, (kind, message, span) in self._events:
            if mask[row]:
                text = message(row) if callable(message) else message
                return Rejection(kind, text, span)
        return None

    def mark(self) -> int:
        """A point in the history of rejections, for ``recorded_since``."""
        return len(self._events)

    def recorded_since(self, mark: int):
        """The rejections recorded after ``mark``: (rows mask, kind, message, span) each,
        the message a string or a function of the row."""
        return [(mask, kind, message, span)
                for mask, (kind, message, span) in self._events[mark:]]

    def merge(self, child: Rows, rows: np.ndarray) -> None:
        """Fold the rejections of a sub-batch (made of ``rows`` of this batch) back in."""
        for mask, (kind, message, span) in child._events:
            full = np.zeros(self.size, dtype=bool)
            full[rows[mask]] = True
            if callable(message):
                lookup = {int(r): i for i, r in enumerate(rows)}
                message = _shifted(message, lookup)
            self.record(full, kind, message, span)


def _first_row(message):
    return lambda row: message(0)


def _shifted(message, lookup: dict[int, int]):
    return lambda row: message(lookup[row])


class RoomValue:
    """The value of `room` (it has only attributes)."""


ROOM = RoomValue()


def rows_of(value) -> int:
    """The row count of a value (1 for broadcast values and the room)."""
    if isinstance(value, np.ndarray):
        return value.shape[0] if value.ndim else 1
    if isinstance(value, list):
        return len(value)
    return 1


def take_rows(value, rows: np.ndarray, batch: int):
    """The given rows of a value of a batch of size ``batch`` (broadcast values stay)."""
    if batch == 1 or rows_of(value) != batch:
        return value
    if isinstance(value, np.ndarray):
        return value[rows]
    if isinstance(value, list):
        return [value[int(r)] for r in rows]
    return value


def filler(t: T.Type, size: int, n_objects: int):
    """A harmless value of type ``t`` for rows that are already rejected."""
    if isinstance(t, T.ListType):
        return [[] for _ in range(size)]
    if t == T.VEC3:
        return np.zeros((size, 3))
    if t == T.OBJECTS:
        return np.zeros((size, n_objects), dtype=bool)
    if t == T.STR:
        return np.full(size, "", dtype=object)
    if t == T.BOOL:
        return np.zeros(size, dtype=bool)
    if t in (T.INT, T.OBJECT, T.FRAME):
        return np.zeros(size, dtype=np.int64)
    if t == T.ROOM:
        return ROOM
    return np.zeros(size)


def broadcast_rows(value, size: int):
    """Expand a broadcast (1-row) value to ``size`` rows."""
    if rows_of(value) == size:
        return value
    if isinstance(value, np.ndarray):
        return np.repeat(value, size, axis=0)
    if isinstance(value, list):
        return value * size
    return value


def scatter(t: T.Type, size: int, n_objects: int, parts: list[tuple[np.ndarray, object]]):
    """Assemble a value of ``size`` rows from (rows, value) parts (the `if` branches)."""
    out = filler(t, size, n_objects)
    for rows, value in parts:
        if len(rows) == 0:
            continue
        value = broadcast_rows(value, len(rows))
        if isinstance(out, list):
            for i, r in enumerate(rows):
                out[int(r)] = value[i]
        elif isinstance(out, np.ndarray):
            if out.dtype != np.asarray(value).dtype and t in (T.NUMBER,):
                out = out.astype(np.float64)
            out[rows] = value
    return out


def stack_elements(t: T.Type, elements: list):
    """Elements of a list (Python values) as one batch of type ``t``."""
    if t == T.VEC3:
        return np.array(elements, dtype=float).reshape(len(elements), 3)
    if t == T.STR:
        arr = np.empty(len(elements), dtype=object)
        arr[:] = elements
        return arr
    if isinstance(t, T.ListType):
        return list(elements)
    if t == T.OBJECTS:
        return np.array(elements, dtype=bool)
    dtype = {T.BOOL: bool, T.INT: np.int64, T.OBJECT: np.int64, T.FRAME: np.int64}.get(t, float)
    return np.array(elements, dtype=dtype)


def element(value, row: int):
    """Row ``row`` of a value as a plain list element (what a List holds)."""
    if isinstance(value, list):
        return value[row if len(value) > 1 else 0]
    if isinstance(value, np.ndarray):
        item = value[row if value.shape[0] > 1 else 0]
        return item.item() if isinstance(item, np.generic) else item
    return value
