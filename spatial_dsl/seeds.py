"""Seeds derived from names: the one rule every stage uses to seed its random choices.

A leaf module (standard library only), so the template engine, the naming of answers, the
reference search and the LLM loop all derive the same seed for the same parts without
importing one another.
"""

from __future__ import annotations

import hashlib


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from the parts (stable across processes, platforms and runs)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")
