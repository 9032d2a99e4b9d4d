"""Atomic file writes: readers see the old file or the new one, never a partial one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from spatial_dsl.errors import SpdslError


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


class InputFileError(SpdslError):
    """An input file that must not be read: its message names what is wrong (exit 2)."""


def read_input(path: str | os.PathLike, limit: int, regular_only: bool = False) -> bytes:
    """The bytes of an input file of at most ``limit`` bytes.

    Refused with InputFileError: a device (``/dev/zero`` would never end), a socket, a
    file larger than ``limit``, and with ``regular_only`` anything but a regular file
    (a FIFO would block). The file is opened without blocking and checked with
    ``fstat`` on the open descriptor, so what is checked is what is read. OSError
    (missing, unreadable, a directory) passes through.
    """
    import fcntl
    import stat

    # A FIFO the caller accepts is opened as `cat` would (waiting for its writer); any
    # other file without blocking, so a FIFO swapped in meanwhile cannot hang the read.
    pipe = not regular_only and stat.S_ISFIFO(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY if pipe else os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode) or (
                regular_only and not stat.S_ISREG(mode)):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) \
                else "a device"
            raise InputFileError(f"is {kind}, not a regular file")
        if stat.S_ISREG(mode) and os.fstat(fd).st_size > limit:
            raise InputFileError(f"is larger than {limit} bytes")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # a pipe, or a file that grew while it was read
            raise InputFileError(f"is larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def path_inside(root: str | os.PathLike, relative: str) -> Path:
    """``root / relative`` when it stays inside ``root`` (symbolic links followed), for
    paths read from a file (a dataset's ``scene_file``): an absolute path, ``../`` out of
    the directory, or a link leading out is refused with InputFileError."""
    from pathlib import PurePosixPath, PureWindowsPath

    if not isinstance(relative, str) or not relative or "\0" in relative:
        raise InputFileError("is not a file name")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).drive:
        raise InputFileError("is an absolute path; it must be relative to the dataset "
                             "directory")
    base = Path(root).resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise InputFileError("points outside the dataset directory")
    return target
