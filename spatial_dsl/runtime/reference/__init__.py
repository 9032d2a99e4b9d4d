"""A deliberately naive, per-element reference interpreter (a test oracle only).

``run_reference(checked, scene)`` evaluates a checked program one element at
a time with plain Python values, and gives ``(value, None)`` or ``(None,
Rejection)`` exactly like ``Evaluator(checked, scene).run()``. It shares
nothing with the vectorized runtime except the checker's typed program and the
per-element geometry of ``refgeom.py``; the differential test
(tests/test_differential.py) requires both to agree on every program.

Values:

| type | value |
|---|---|
| Bool, Int, Number, quantities, Str | ``bool``, ``int``, ``float`` (or ``int``), ``str`` |
| Vec3 | ``tuple`` of 3 floats |
| Object | ``int``: the object's row (objects are sorted by id) |
| Objects | ``frozenset`` of object rows (iterated in sorted order = id order) |
| Frame | ``int``: the frame's row (frames are sorted by index) |
| List[T] | ``list`` |
| Room | ``ROOM`` |

The natural per-element semantics: a lambda over a set runs member by member
in id order and the first rejection stops everything; `and`/`or`
short-circuit; `if` evaluates one branch; any/all stop at the first decisive
member. A rejection is an exception (``RefRejection``) raised at once, with
the span of the node where it arises (the call, index, binop or assert).

Decisions taken from the vectorized runtime where language.md is silent:
argmin/argmax report `Borderline` only when the *extreme* key is shared;
min/max/sum/mean/sort of an empty set are `EmptySet`; `first`/`last`/index out
of range are `EmptySet`; `between` with ends closer than 1 mm is
`Degenerate`; `appearance_order` checks `NotSeen` (first unseen member) before
`Borderline`; `travel`/`route` walk backwards when `f2` comes before `f1`;
arguments are evaluated in declared parameter order (defaults filled in).

Numpy is used only to read the scene's arrays once (``.tolist()``), and in
``plain_runtime`` to read the vectorized runtime's values.

The package, by responsibility: ``scene`` (``RefScene``, ``Ctx``, the registry), ``sets``,
``scalars``, ``relations``, ``views`` and ``attributes`` (the reference builtins, as the
kernels are grouped), ``interpreter`` (the tree walk) and ``plain`` (values the two
interpreters can be compared by). Importing the package registers every reference builtin.
"""

from __future__ import annotations

from . import attributes, relations, sets, views  # noqa: F401  (registers the builtins)
from .interpreter import ReferenceInterpreter, run_reference
from .plain import plain_runtime, same_plain, to_plain
from .scalars import INT_MAX, INT_MIN, MAX_COORDINATE, in_range, round_half_away
from .scene import (
    BETWEEN_DEGENERATE, REFERENCE_ATTRIBUTES, REFERENCES, ROOM, Ctx, RefRejection, RefScene, ref,
)

__all__ = [
    "BETWEEN_DEGENERATE", "INT_MAX", "INT_MIN", "MAX_COORDINATE", "REFERENCES",
    "REFERENCE_ATTRIBUTES", "ROOM", "Ctx", "RefRejection", "RefScene", "ReferenceInterpreter",
    "in_range", "plain_runtime", "ref", "round_half_away", "run_reference", "same_plain",
    "to_plain",
]
