"""Validation of a ``spdsl.scene/1`` document.

Every check appends a message ``<json path>: <problem>`` and carries on, so one
pass reports *every* problem; the caller raises ``SceneError`` if any were
found and only then builds the Scene (a bad scene is never half-loaded).
The output is a plain, already-checked description (``Checked*``) that
``_build`` turns into numpy arrays.

One module per responsibility: ``json_values`` (literals ``json`` would lose),
``checker`` (the problem collector and value checks), ``hints`` (ids in messages),
``checked`` (the output), ``document`` (header and objects), ``frames`` and ``room``.
"""

from .checked import CheckedFrame, CheckedObject, CheckedScene
from .document import FORMAT, check_document
from .hints import shown, suggest
from .json_values import KeyedDict, NonFinite, OutOfRange, keyed_dict, parse_int
from .room import shoelace

__all__ = ["FORMAT", "CheckedFrame", "CheckedObject", "CheckedScene", "KeyedDict", "NonFinite",
           "OutOfRange", "check_document", "keyed_dict", "parse_int", "shoelace", "shown",
           "suggest"]
