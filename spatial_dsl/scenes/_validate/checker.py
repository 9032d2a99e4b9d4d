"""The ``Checker``: collects ``<json path>: <problem>`` messages and checks one value at a
time (numbers, lengths, points, quaternions, names...), returning the cleaned value or None.
``scan_json`` reports what no field check sees: non-finite numbers and repeated keys."""

from __future__ import annotations

import math
import numbers

from ..model import normalise_name
from .hints import Suggestions
from .json_values import NonFinite, OutOfRange, describe, finite, is_number, key_path

QUAT_TOLERANCE = 1e-3  # |q| must be within this of 1; the loader then normalises exactly
MAX_PIXELS = 2**31 - 1  # image width / height
# Coordinates and sizes (m) and intrinsics (px) are bounded so that nothing the runtime
# derives from them (a volume, a squared distance, a projection) can overflow a double:
# with |x| <= 1e9, a product of three is <= 1e27. 1e9 m leaves room for georeferenced
# (UTM) coordinates. The language bounds points it makes itself the same way (kernels).
MAX_MAGNITUDE = 1e9
MISSING = object()  # what ``Checker.get`` returns for an absent key


class Checker:
    """Collects problems; each ``check_*`` returns the cleaned value or None."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.suggest_id = Suggestions(())  # set once the object ids are known

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def get(self, obj: dict, key: str, path: str, required: bool = True) -> object:
        if key in obj:
            return obj[key]
        if required:
            self.add(key_path(path, key), "missing")
        return MISSING

    def number(self, value: object, path: str) -> float | None:
        # Non-finite values are reported once, by scan_json; stay silent here.
        if isinstance(value, NonFinite) or (is_number(value) and not finite(value)):
            return None
        if not is_number(value):
            self.add(path, f"expected a number, got {describe(value)}")
            return None
        return float(value)

    def length(self, value: object, path: str) -> float | None:
        """A coordinate or extent in metres (or a focal length / principal point in pixels):
        finite and within ``MAX_MAGNITUDE``, so no product the runtime forms overflows."""
        x = self.number(value, path)
        if x is not None and abs(x) > MAX_MAGNITUDE:
            self.add(path, f"{x:g} is out of range (coordinates, sizes and intrinsics are "
                     f"limited to 1e9 in absolute value)")
            return None
        return x

    def point(self, value: object, path: str, n: int) -> list[float] | None:
        """``n`` lengths (a position, a size, a floor corner)."""
        return self.vector(value, path, n, self.length)

    def vector(self, value: object, path: str, n: int, element=None) -> list[float] | None:
        if not isinstance(value, (list, tuple)):
            self.add(path, f"expected a list of {n} numbers, got {describe(value)}")
            return None
        if len(value) != n:
            self.add(path, f"expected {n} numbers, got {len(value)}")
            return None
        element = element or self.number
        out = [element(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return None if None in out else out

    def quaternion(self, value: object, path: str) -> list[float] | None:
        q = self.vector(value, path, 4)
        if q is None:
            return None
        norm = math.sqrt(sum(v * v for v in q))
        if abs(norm - 1.0) > QUAT_TOLERANCE:
            self.add(path, f"quaternion [x, y, z, w] is not normalised (|q| = {norm:.6g})")
            return None
        return [v / norm for v in q]

    def text(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string, got {describe(value)}")
            return None
        return value

    def name(self, value: object, path: str) -> str | None:
        """A category or label: `find` matches it normalised, so that must be non-empty."""
        text = self.written(value, path)
        if text is not None and not normalise_name(text):
            self.add(path, f"{text!r} has no characters besides spaces, '_' and '-'")
            return None
        return text

    def written(self, value: object, path: str) -> str | None:
        """An id, category or label: a program names it in a string literal, and a
        SpatialDSL string has no way to hold a line break (language.md "Strings")."""
        text = self.text(value, path)
        if text is not None and "\n" in text:
            self.add(path, f"{text!r} holds a line break, which no SpatialDSL string can write")
            return None
        return text

    def positive_int(self, value: object, path: str) -> int | None:
        if isinstance(value, NonFinite):
            return None  # reported by scan_json
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
            self.add(path, f"expected a positive integer, got {describe(value)}")
            return None
        if value > MAX_PIXELS:
            self.add(path, f"expected a positive integer up to {MAX_PIXELS}, got {value}")
            return None
        return int(value)

    def mapping(self, value: object, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"expected an object, got {describe(value)}")
            return None
        return value


def scan_json(c: Checker, node: object, path: str) -> None:
    """Report, anywhere in the document, non-finite numbers and repeated keys."""
    if isinstance(node, OutOfRange) or (isinstance(node, int) and not isinstance(node, bool)
                                        and not finite(node)):
        c.add(path or "(document)", f"{describe(node)} is out of range (numbers must be finite "
              "doubles)")
    elif isinstance(node, NonFinite) or (is_number(node) and not finite(node)):
        c.add(path or "(document)", f"{describe(node)} is not allowed: numbers must be finite")
    elif isinstance(node, dict):
        for k in getattr(node, "duplicates", ()):
            c.add(key_path(path, k), "key given more than once")
        for k, v in node.items():
            scan_json(c, v, key_path(path, str(k)))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            scan_json(c, v, f"{path}[{i}]")
