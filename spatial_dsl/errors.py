"""The root of every exception spdsl defines.

``SpdslError`` is what a caller catches to handle any error spdsl raises on purpose (a bad
program, scene, dataset, flag or reply) apart from a bug; each layer's own classes
(``SceneError``, ``CompileError``, ``TaskSpecError``, the CLI's ``UsageError`` ...) derive
from it, and so do the internal signals (``Abort``, ``LimitExceeded``) that never leave
their layer. A test checks that every exception class of the packages derives from it.

A leaf module: it imports nothing, so any layer may read it.
"""

from __future__ import annotations


class SpdslError(Exception):
    """An error spdsl raises on purpose (never a bug)."""
