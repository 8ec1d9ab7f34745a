"""Locks that let one writer and many readers share an embedded register.

Two lock files sit in the register folder:

- ``writer.lock``: held for the whole of a write session (an import, an edit, a TUI save). A
  second writer fails at once with an error naming the process that holds it.
- ``access.lock``: shared by readers while they have the store open, exclusive for the short
  moment a writer has it open. The store files are never read while they are being written.

Locks are ``fcntl.flock`` locks: the operating system releases them when a process dies, even
when it is killed with SIGKILL, so a crash never leaves the register locked.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from riskgraph.store.base import RegisterLockedError, StoreError

WRITER_LOCK = "writer.lock"
ACCESS_LOCK = "access.lock"


def describe_holder(lock_path: Path) -> str:
    """What the lock file says about the process holding it."""
    try:
        info = json.loads(lock_path.read_text() or "{}")
    except (OSError, ValueError):
        return "another process"
    if not info:
        return "another process"
    return (
        f"process {info.get('pid')} on {info.get('host')} "
        f"({info.get('command', 'riskgraph')}, since {info.get('since')})"
    )


def _open_lock_file(path: Path) -> IO[str]:
    return open(path, "a+", encoding="utf-8")


@contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold the register's writer lock, or raise RegisterLockedError at once."""
    path = folder / WRITER_LOCK
    handle = _open_lock_file(path)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RegisterLockedError(
                f"the register at {folder} is being written by {describe_holder(path)}; "
                "try again when it has finished (readers are not affected)"
            ) from None
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[
                :200
            ],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def access_lock(folder: Path, *, exclusive: bool, timeout: float = 30.0) -> Iterator[None]:
    """Shared (reader) or exclusive (writer) access to the store files; waits ``timeout``."""
    path = folder / ACCESS_LOCK
    handle = _open_lock_file(path)
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    who = describe_holder(folder / WRITER_LOCK)
                    raise StoreError(
                        f"timed out after {timeout:.0f}s waiting for the register at {folder}; "
                        f"it is busy with {who}"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
