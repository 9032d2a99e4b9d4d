"""The language: source text, syntax, AST, printer, types, builtins, checker, docs.

The lowest stage of the compiler; it imports nothing of the scene, runtime or
generation layers.
"""
