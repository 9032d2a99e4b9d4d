"""SpatialDSL: a typed language for exact spatial questions about 3D scenes."""

__version__ = "0.1.0"

__all__ = ["CompileError", "GenerateError", "GenerateResult", "Program", "Result", "SceneError",
           "SceneNameError", "SpdslError", "compile_program", "expand_refs", "generate",
           "load_scene", "__version__"]

# The public API is imported on first use, so `spdsl check` and `spdsl fmt` (which need no
# numpy) start quickly.
_LAZY = {"CompileError": "api", "Program": "api", "Result": "api", "SceneNameError": "api",
         "compile_program": "api",
         "SceneError": "scenes.errors", "expand_refs": "scenes.sources",
         "load_scene": "scenes.sources", "SpdslError": "errors",
         "generate": "generation", "GenerateError": "generation", "GenerateResult": "generation"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'spatial_dsl' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
