"""Vectorized kernels of the builtins, registered by (name, overload index).

Each kernel takes a ``Call`` (the scene, the rows of the batch being evaluated,
the call's span) and its argument values, all with a leading row dimension
(see values.py). Higher-order kernels run with one row and evaluate their
lambda once over all members of the set.

The package, by responsibility: ``call`` (the registry, ``Call``, range checks, scene-array
helpers), ``sets`` (selection, sets, lists), ``scalars`` (arithmetic), ``relations`` (metric
relations, directions), ``views`` (camera frames: views, visibility, motion) and
``attributes``. Importing the package registers every kernel.
"""

from __future__ import annotations

from . import attributes, relations, scalars, sets, views  # noqa: F401  (registers the kernels)
from .call import (
    ATTRIBUTE_KERNELS, CHARGES_NOTHING, CHARGES_PER_FRAME, CHARGES_PER_OBJECT,
    CHARGES_UNBOUNDED, DEGENERATE, INT_LIMIT, KERNEL_CHARGES, KERNELS, MAX_COORDINATE, Call,
    _clear_pairs, _screen_sizes, attribute, box_of, find_mask, in_range, kernel, list_to_mask,
    point_of,
)
from .relations import GAP_MEMO_MAX_OBJECTS, above, negative_message, reject_negative, rests_on
from .sets import ambiguous_message, count_named, looked_for, no_match_message, the_named

__all__ = [
    "ATTRIBUTE_KERNELS", "CHARGES_NOTHING", "CHARGES_PER_FRAME", "CHARGES_PER_OBJECT",
    "CHARGES_UNBOUNDED", "DEGENERATE", "GAP_MEMO_MAX_OBJECTS", "INT_LIMIT", "KERNEL_CHARGES",
    "KERNELS", "MAX_COORDINATE", "Call", "_clear_pairs", "_screen_sizes", "above",
    "ambiguous_message", "attribute", "box_of", "count_named", "find_mask", "in_range", "kernel",
    "list_to_mask", "looked_for", "negative_message", "no_match_message", "point_of",
    "reject_negative", "rests_on", "the_named",
]
