"""`python -m spatial_dsl.cli ...` runs the `spdsl` command line."""

from .main import entry

entry()
