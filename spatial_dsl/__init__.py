"""SpatialDSL: a typed language for exact spatial questions about 3D scenes."""

__version__ = "0.1.0"

from .api import CompileError, Program, Result, compile_program  # noqa: E402
from .scenes.errors import SceneError  # noqa: E402
from .scenes.sources import expand_refs, load_scene  # noqa: E402

__all__ = ["CompileError", "Program", "Result", "SceneError", "compile_program", "expand_refs",
           "load_scene", "__version__"]
