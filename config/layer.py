"""Which channel layer serves this process, and the one-process rule.

The in-memory layer lives inside one process: a second daphne process on the
same database would hold its own, and a broadcast sent in one would never reach
browsers connected to the other. So a process on the in-memory layer takes an
exclusive lock named after its database and refuses to start without it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from realtime.live import uses_in_memory_layer

_held_locks: list[int] = []


def describe_layer() -> str:
    if uses_in_memory_layer():
        return (
            "in-memory (serves this one process only; set REDIS_URL to run "
            "several workers)"
        )
    return "Redis via channels-redis (several workers may share it)"


def _lock_path() -> Path:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return Path(f"{database['NAME']}.layer.lock")
    identity = "|".join(
        str(database.get(key, "")) for key in ("ENGINE", "HOST", "PORT", "NAME")
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(settings.DATA_DIR) / f"layer-{digest}.lock"


def claim_in_memory_layer() -> None:
    """Hold the database's layer lock for the life of this process, or refuse."""
    if not uses_in_memory_layer():
        return
    path = _lock_path()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise ImproperlyConfigured(
            f"Another ServiceStar process (pid {holder}) already serves this "
            f"database on the in-memory channel layer ({path}). The in-memory "
            "layer serves one process only: set REDIS_URL to run several "
            "workers (docs/operations.md)."
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _held_locks.append(fd)
