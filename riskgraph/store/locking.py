"""Locks that let one writer and many readers share an embedded register.

Two lock files sit in the register folder:

- ``writer.lock``: held for the whole of a write session (an import, an edit, a TUI save). A
  second writer fails at once with an error naming the process that holds it.
- ``access.lock``: shared by readers while they have the store open, exclusive for the short
  moment a writer has it open. The store files are never read while they are being written.

Locks are ``fcntl.flock`` locks: the operating system releases them when a process dies, even
when it is killed with SIGKILL, so a crash never leaves the register locked.

A register on read-only media (an auditor's copy on a read-only share) can still be read: a
reader opens ``access.lock`` for reading only, and where the file cannot even be created it reads
without a lock, since nobody can write there either. Writers are refused with a clear message.
"""

from __future__ import annotations

import errno
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

from riskgraph.store.base import DOCTOR_HINT, RegisterLockedError, StoreDamagedError, StoreError

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


def _not_a_file(path: Path) -> StoreDamagedError:
    return StoreDamagedError(
        f"the register at {path.parent} cannot be opened: {path.name} is not a lock file (it is "
        "a folder or a special file). " + DOCTOR_HINT
    )


def _open_lock_file(path: Path) -> IO[bytes]:
    """The lock file opened for writing (a writer records who it is there)."""
    if path.exists() and not path.is_file():
        raise _not_a_file(path)
    try:
        return open(path, "a+b", buffering=0)
    except IsADirectoryError:
        raise _not_a_file(path) from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StoreError(
                f"the register at {path.parent} is read-only here ({exc.strerror}: "
                f"{path.name}); it can be read but not changed"
            ) from None
        raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None


def _open_for_reading(path: Path) -> IO[bytes] | None:
    """The lock file for a reader: writable if possible, else read-only; None on read-only media
    where it does not exist (nobody can write there, so there is nothing to wait for)."""
    if path.exists() and not path.is_file():
        raise _not_a_file(path)
    for mode in ("a+b", "rb"):
        try:
            return open(path, mode, buffering=0)
        except IsADirectoryError:
            raise _not_a_file(path) from None
        except FileNotFoundError:
            if mode == "rb":
                return None
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise StoreError(f"cannot open {path}: {exc.strerror or exc}") from None
    return None


def lock_holders(path: Path) -> list[int]:
    """Processes other than this one holding a flock on ``path`` (Linux: from /proc/locks)."""
    try:
        info = path.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return []
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    pids = []
    for line in table.splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter, not a holder
            continue
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
            pid = int(fields[4]) if fields[4].isdigit() else 0
            if pid and pid != os.getpid() and pid not in pids:
                pids.append(pid)
    return pids


def _describe_pid(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"process {pid}"
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if len(words) > 2 and words[1] == "-m":  # python -m riskgraph ...
        words = words[2:]
    elif words and Path(words[0]).name.startswith("python") and len(words) > 1:
        words = words[1:]
    command = " ".join(Path(w).name if i == 0 else w for i, w in enumerate(words))[:200]
    return f"process {pid} ({command})" if command else f"process {pid}"


def _busy_with(folder: Path, *, exclusive: bool) -> str:
    """Who keeps the waiting process from the store: readers (for a writer) or the writer."""
    holders = lock_holders(folder / ACCESS_LOCK)
    if holders:
        kind = "being read by" if exclusive else "being written by"
        return f"it is {kind} " + ", ".join(_describe_pid(pid) for pid in holders[:5])
    if exclusive:
        return "it is being read by other processes"
    return f"it is being written by {describe_holder(folder / WRITER_LOCK)}"


def _record(handle: IO[bytes], text: str) -> None:
    """Say who holds the lock, where the disk allows (a full disk must not stop a writer that
    would otherwise fail cleanly, or a reader)."""
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(text.encode("utf-8"))
    except OSError:
        pass


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
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[
                :200
            ],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        _record(handle, json.dumps(holder))
        try:
            yield
        finally:
            _record(handle, "")
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def access_lock(folder: Path, *, exclusive: bool, timeout: float = 30.0) -> Iterator[None]:
    """Shared (reader) or exclusive (writer) access to the store files; waits ``timeout``."""
    path = folder / ACCESS_LOCK
    handle = _open_lock_file(path) if exclusive else _open_for_reading(path)
    if handle is None:  # read-only media without a lock file: no writer can exist
        yield
        return
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"timed out after {timeout:.0f}s waiting for the register at {folder}; "
                        + _busy_with(folder, exclusive=exclusive)
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
