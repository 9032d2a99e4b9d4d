"""The `spdsl` command line (package): one module per command, `main` the entry point.

The console script `spdsl` calls ``spatial_dsl.cli:main``.
"""

from __future__ import annotations

from .main import build_parser, main

__all__ = ["build_parser", "main"]
