"""The on-disk cache of LLM requests and responses.

Key: sha256 of the canonical JSON (sorted keys, no spaces, ASCII) of
``{"request": BODY, "sample": TAG}``, where BODY is the exact request body sent
(model, messages, temperature, seed, tools, tool_choice, ...) and TAG names the
sample (``propose`` or ``agree1`` .. ``agree{k-1}``), so the k independent
samples of one question are distinct entries even when their messages are equal.
The endpoint (``--base-url``) and the API key are not part of the key: the same
model behind another URL reuses the cache, and no secret is ever written.

Layout: ``DIR/ab/abcdef....json``, one file per request, holding
``{"key", "sample", "request", "response"}`` where ``response`` is the decoded
JSON body of the HTTP 200 reply. Only successful replies are stored (errors are
transient). Files are written atomically (temp file + rename), so concurrent
workers and interrupted runs never leave a partial entry; an unreadable entry is
treated as absent.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def cache_key(request: dict, sample: str) -> str:
    return hashlib.sha256(canonical_json({"request": request, "sample": sample})
                          .encode("ascii")).hexdigest()


class DiskCache:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(
                entry.get("response"), dict):
            return None
        return entry["response"]

    def put(self, key: str, sample: str, request: dict, response: dict) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"key": key, "sample": sample, "request": request,
                           "response": response}, ensure_ascii=True, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
