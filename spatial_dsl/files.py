"""Atomic file writes: readers see the old file or the new one, never a partial one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[str], None], durable: bool = False) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``path``, then rename it into place.

    ``durable`` fsyncs the data before the rename, so a crash cannot leave an empty file.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the usual permissions of a new file.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        # Name the file being written, not the temporary one (same errno, same subclass).
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes, durable: bool = False) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data), durable)


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), durable)
