"""The builtin registry; importing this package declares every builtin."""

from . import catalog  # noqa: F401  (declares the builtins)
from .registry import ATTRIBUTES, BUILTINS, SECTIONS, attributes_of

__all__ = ["ATTRIBUTES", "BUILTINS", "SECTIONS", "attributes_of"]
