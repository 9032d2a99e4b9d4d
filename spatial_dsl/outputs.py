"""One output-path policy for every command that writes a file or a directory.

Commands: ``docs -o``, ``fmt`` (in place), ``scenes export|walk|import -o``,
``show -o``, ``review -o`` (and its ``_files/`` folder), ``generate -o``,
``synth -o`` / ``--cache``, ``capture ai2thor -o`` -- and any new command that
writes: call ``output_file`` or ``output_dir`` before doing the work, write
files with ``spatial_dsl.files`` (atomic), and let ``OutputPathError`` reach
``spdsl``'s main (exit 2).

The policy (also in the README, "Output paths"):

- **Missing parent directories are created**, as ``mkdir -p`` would:
  ``-o out/review/page.html`` works on a fresh clone.
- **Refused before any work is done**, with a message naming the path and exit 2:
  an empty path; a file output that is an existing directory (or a directory
  output that is an existing file); an existing output that is neither a
  regular file nor a directory (a FIFO, a device such as ``/dev/null``, a
  socket); a path that runs through an existing file (``notes.txt/x.png``); a
  location that cannot be written (permission denied, a read-only file system);
  a name the file system cannot hold (too long).
- **Written atomically** (a temporary file beside the target, then a rename):
  a failure while writing (disk full, quota, file-size limit) is reported the
  same way, and leaves the old file or nothing, never half a file.

An existing regular file is replaced (that is what ``-o`` asks for); an
existing directory output is handled by its command (``generate`` and ``synth``
resume their own directories and refuse foreign ones).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from spatial_dsl.errors import SpdslError

__all__ = ["OutputPathError", "output_dir", "output_file", "write_error_message"]

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (the file-size limit was reached)",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOTDIR: "a part of the path is a file, not a directory",
    errno.EISDIR: "is a directory",
}
# OSErrors that mean "this location cannot take the output", whatever wrote it.
WRITE_ERRNOS = frozenset((errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS))


class OutputPathError(SpdslError):
    """An output path that cannot be used: a message for the user (exit 2)."""


def write_error_message(path: str | os.PathLike, exc: OSError) -> str:
    """``cannot write PATH: <reason>`` for an OSError raised while writing ``path``."""
    reason = _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
    return f"cannot write {os.fspath(path)}: {reason}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _stat(path: Path, shown: str) -> os.stat_result | None:
    """``os.stat`` of the path, None when it does not exist; other failures refuse."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            blocker = _first_existing(path.parent)
            raise OutputPathError(f"{shown}: {blocker} is a file, not a directory") from None
        raise OutputPathError(f"{shown}: {_REASONS.get(exc.errno or 0, exc.strerror)}") \
            from None


def _first_existing(path: Path) -> Path:
    """The nearest ancestor of ``path`` (or itself) that exists."""
    for candidate in (path, *path.parents):
        try:
            os.stat(candidate)
            return candidate
        except OSError:
            continue
    return Path(".")


def _writable(directory: Path, shown: str) -> None:
    """Refuse a directory in which no file can be created."""
    if os.access(directory, os.W_OK | os.X_OK):
        return
    try:
        read_only = bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    reason = "read-only file system" if read_only else "permission denied"
    raise OutputPathError(f"{shown}: cannot write in {directory}: {reason}")


def _ensure_dir(directory: Path, shown: str) -> None:
    """Make ``directory`` (and its parents) exist as a writable directory."""
    st = _stat(directory, shown)
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            raise OutputPathError(f"{shown}: {directory} is a file, not a directory")
        _writable(directory, shown)
        return
    existing = _first_existing(directory)
    if not existing.is_dir():
        raise OutputPathError(f"{shown}: {existing} is a file, not a directory")
    _writable(existing, shown)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(f"{shown}: cannot create directory {directory}: "
                              f"{_REASONS.get(exc.errno or 0, exc.strerror)}") from None


def _path(path: str | os.PathLike, option: str) -> Path:
    text = os.fspath(path)
    if not text.strip():
        raise OutputPathError(f"{option}: the output path is empty")
    if "\0" in text:
        raise OutputPathError(f"{option}: the output path holds a NUL character")
    return Path(text)


def output_file(path: str | os.PathLike, suffixes: tuple[str, ...] = (),
                option: str = "-o") -> Path:
    """Check a file output (creating its missing parent directories); return its Path.

    ``suffixes`` (lower case, with the dot): the accepted endings, if restricted.
    """
    out = _path(path, option)
    shown = os.fspath(path)
    if suffixes and out.suffix.lower() not in suffixes:
        raise OutputPathError(f"{shown}: the output must end in {' or '.join(suffixes)}")
    st = _stat(out, shown)
    if st is not None and stat.S_ISDIR(st.st_mode):
        example = f" such as {out / ('name' + suffixes[0])}" if suffixes else ""
        raise OutputPathError(f"{shown}: is a directory; give a file name{example}")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputPathError(f"{shown}: is {_kind(st.st_mode)}; give a regular file to write")
    _ensure_dir(out.parent, shown)
    return out


def output_dir(path: str | os.PathLike, option: str = "-o", create: bool = True) -> Path:
    """Check a directory output and create it with its missing parents; with ``create``
    False only the parents (for a command that makes the directory itself, e.g. by
    renaming a staging directory into place)."""
    out = _path(path, option)
    shown = os.fspath(path)
    st = _stat(out, shown)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        kind = "a file" if stat.S_ISREG(st.st_mode) else _kind(st.st_mode)
        raise OutputPathError(f"{shown}: is {kind}, not a directory; give a directory")
    _ensure_dir(out if create or st is not None else out.parent, shown)
    return out
