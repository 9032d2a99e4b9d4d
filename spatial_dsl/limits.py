"""Bounds on the size of a run that the library and the command line both check.

A leaf module (it imports nothing), so generation and the CLI read the same numbers.
"""

MAX_WALK_FRAMES = 100_000  # camera-walk frames at most (`scenes walk -n`, `generate --walk`)
MAX_WORKERS = 1024  # processes of a pool (`generate --workers`, `review --workers`)
