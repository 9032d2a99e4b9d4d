"""The one exception the scene layer raises for bad input."""

from __future__ import annotations

from spatial_dsl.errors import SpdslError


class SceneError(SpdslError):
    """A scene (file, dict, metadata or reference) could not be loaded.

    ``problems`` lists *every* problem found, each usually starting with the
    JSON path it concerns (``objects[12].size: expected 3 numbers, got 2``);
    ``origin`` names what was being loaded (a file path, ``ithor:FloorPlan1``...).
    ``str()`` prints one problem per line, each prefixed by the origin, so the
    CLI can show it as is.
    """

    def __init__(self, problems: list[str], origin: str):
        self.problems = list(problems) or ["unknown problem"]
        self.origin = origin
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.origin}: {p}" for p in self.problems)
