"""A JSON request with one deadline for the whole reply: the probes of an LLM server
(its grammar support, its tokenizer) share it."""

from __future__ import annotations

import json
import urllib.request


def http_json(url: str, body: dict | None = None, headers: dict | None = None,
              timeout: float = 10.0, limit: int = 20_000_000):
    """GET (or POST ``body``) a JSON document within ``timeout`` seconds *in all*: the body is
    read in chunks against one deadline, so a server that trickles bytes cannot hang the
    run (the socket timeout alone applies to each read). Raises OSError / ValueError."""
    import time

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} took longer than {timeout:g} s")
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(
                65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ValueError(f"{url}: reply larger than {limit} bytes")
            chunks.append(chunk)
    return json.loads(b"".join(chunks).decode("utf-8", "replace"))
