"""Exit codes of every `spdsl` command and the error a command raises for bad input.

Exit codes (language.md §7): 0 an answer / a clean check, 1 a rejection (and
`fmt --check` finding a file to reformat), 2 a compile error, a bad scene, bad
flags or an unreadable file, 3 an internal error (a bug: reported without a
traceback unless SPDSL_DEBUG is set), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from ..errors import SpdslError

EXIT_OK, EXIT_REJECTED, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class UsageError(SpdslError):
    """A problem with the command line or an input file: its message, exit 2."""
