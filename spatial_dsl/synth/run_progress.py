"""The progress line of `spdsl synth`: units done, accepted items, requests and tokens."""

from __future__ import annotations

from spatial_dsl.progress import Progress as ProgressBar
from .client import LLMClient


class Progress:
    """The synth bar (``spatial_dsl.progress``): units done, accepted items, requests."""

    def __init__(self, total: int, done: int, stream, enabled: bool,
                 finished: list[dict] | None = None):
        self._keys: set[str] = set()
        for entry in finished or []:
            self._count(entry)
        self.bar = ProgressBar(total, label="synth", unit="units", done=done, enabled=enabled,
                               stream=stream)

    @property
    def accepted(self) -> int:
        """Accepted items so far: accepted units less repeats of an earlier item (the `new`
        check), as the dataset will hold them -- the count does not depend on the order."""
        return len(self._keys)

    def _count(self, entry: dict) -> None:
        from .verify import dedupe_key

        record = entry.get("record")
        if entry.get("status") == "accepted" and isinstance(record, dict):
            self._keys.add(dedupe_key(record["scene"], record["question"], record))

    def advance(self, entry: dict, client: LLMClient | None) -> None:
        self._count(entry)
        self.show(client)
        self.bar.advance()

    def show(self, client: LLMClient | None) -> None:
        stats = client.stats if client is not None else None
        requests = (f", {stats.network} requests, {stats.cached} cached, "
                    f"{stats.prompt_tokens + stats.completion_tokens} tokens" if stats else "")
        self.bar.note(f"{self.accepted} accepted{requests}")

    def write(self, message: str) -> None:
        self.bar.write(message)

    def close(self) -> None:
        self.bar.close()
