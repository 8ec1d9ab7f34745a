"""Versioned store folders: the all-or-nothing path for large writes to an embedded register.

A register folder keeps its store as ``store -> store-versions/<n>`` (a relative symlink). A small
write is one pyoxigraph transaction. A large one (an import of many thousands of rows) would be
slow as a transaction, so it is staged instead:

1. the current version is checkpointed into ``store-versions/<n+1>`` (RocksDB hard links, instant);
2. the change is applied to that private copy with pyoxigraph's fast bulk loader;
3. the ``store`` link is replaced atomically (``rename`` of a new link over the old one).

A crash or SIGKILL before step 3 leaves the link on the old version, untouched; the unfinished
copy is removed the next time a writer opens the register (``discard_stale_versions``).

The last good copy
------------------
After every write session that changed the store, a checkpoint of it is kept in
``store-versions/last-good`` (hard links to RocksDB's immutable table files plus copies of its
small bookkeeping files, so it costs little). ``riskgraph doctor --repair`` restores from it when
the store is damaged (an emptied ``CURRENT``, a garbled ``MANIFEST``, a deleted table file, a lost
link). It is replaced atomically: written as ``last-good.new``, then swapped in by renames; a
crash between them is tidied up by the next writer. Damaged copies that a repair set aside are
kept as ``damaged-<n>`` until the user deletes them.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from riskgraph.store.base import DOCTOR_HINT, StoreDamagedError
from riskgraph.store.failpoints import crash_point

VERSIONS_DIR = "store-versions"
STORE_MARKER = "CURRENT"
"""The file every RocksDB folder has once it holds a store."""
LAST_GOOD = "last-good"
DAMAGED_PREFIX = "damaged-"
LAST_GOOD_NAMES = (LAST_GOOD, LAST_GOOD + ".new", LAST_GOOD + ".old")


def create_versioned(link: Path) -> None:
    """Create a new, empty store as the first version and make ``link`` a symlink to it.

    The only place a store is created (``riskgraph init``)."""
    first = link.parent / VERSIONS_DIR / "1"
    first.mkdir(parents=True)
    store = ox.Store(str(first))
    store.flush()
    del store
    os.symlink(first.relative_to(link.parent), link)


def is_versioned(link: Path) -> bool:
    try:
        return link.is_symlink() and link.resolve(strict=True).parent.name == VERSIONS_DIR
    except (OSError, RuntimeError):
        return False


def store_problem(link: Path) -> str | None:
    """What is wrong with the store at ``link`` before it is opened (None: it is there).

    Only ``init`` creates a store: a missing one is damage to report, never a reason to start
    an empty register in its place.
    """
    name = f"the store link {link.name!r}" if link.is_symlink() else f"the store {link.name!r}"
    if not link.exists() and not link.is_symlink():
        return f"the store link {link.name!r} (to {VERSIONS_DIR}/N) is missing"
    try:
        target = link.resolve(strict=True)
    except RuntimeError:
        return f"{name} is a link loop"
    except FileNotFoundError:
        return f"{name} points to {os.readlink(link)}, which is missing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{name} is a link loop"
        return f"{name} cannot be read: {exc.strerror or exc}"
    shown = os.readlink(link) if link.is_symlink() else link.name
    if not target.is_dir():
        return f"{shown} is not a folder"
    if not (target / STORE_MARKER).is_file():
        return f"{shown} holds no store (it has no {STORE_MARKER} file)"
    return None


def check_store(link: Path, register: Path) -> Path:
    """The store folder ``link`` leads to, or StoreDamagedError saying what is wrong."""
    problem = store_problem(link)
    if problem is not None:
        raise StoreDamagedError(
            f"the register at {register} cannot be opened: {problem}; nothing was changed. "
            + DOCTOR_HINT
        )
    return link.resolve()


def discard_stale_versions(link: Path) -> None:
    """Remove what interrupted writes left: versions the link does not point to (unfinished
    staged writes), a half-made last good copy, a stray swap link. Keeps ``last-good`` and the
    ``damaged-*`` copies a repair set aside."""
    if not is_versioned(link):
        return
    current = link.resolve()
    versions = current.parent
    last_good, _new, old = (versions / name for name in LAST_GOOD_NAMES)
    if not last_good.exists() and old.is_dir():
        os.replace(old, last_good)  # a crash between the two renames of refresh_last_good
    for version in versions.iterdir():
        if version in (current, last_good) or version.name.startswith(DAMAGED_PREFIX):
            continue
        if version in _LIVE:
            continue
        if version.is_dir() and not version.is_symlink():
            shutil.rmtree(version, ignore_errors=True)
    stray = link.with_name(link.name + ".swap")
    if stray.is_symlink():
        stray.unlink()


def refresh_last_good(store: ox.Store, link: Path) -> None:
    """Keep a checkpoint of ``store`` (the current version, just written) as the last good copy.

    Best effort: when it cannot be written (a full disk), the previous copy stays."""
    versions = link.parent / VERSIONS_DIR
    last_good, new, old = (versions / name for name in LAST_GOOD_NAMES)
    try:
        shutil.rmtree(new, ignore_errors=True)
        store.backup(str(new))
        if old.exists():
            shutil.rmtree(old)
        if last_good.exists():
            os.replace(last_good, old)
        crash_point("last-good:swapping")
        os.replace(new, last_good)
        _fsync_dir(versions)
        shutil.rmtree(old, ignore_errors=True)
    except (OSError, RuntimeError):
        shutil.rmtree(new, ignore_errors=True)
        if not last_good.exists() and old.exists():
            os.replace(old, last_good)


def switch_to(link: Path, version: Path) -> None:
    """Point ``link`` at ``version`` atomically (a new link renamed over the old one)."""
    swap = link.with_name(link.name + ".swap")
    if swap.is_symlink() or swap.exists():
        swap.unlink()
    os.symlink(version.relative_to(link.parent), swap)
    os.replace(swap, link)  # the commit point
    _fsync_dir(link.parent)


def next_version(versions: Path) -> Path:
    """A new numbered version folder, above every number in use."""
    numbers = [
        int(p.name.removeprefix(DAMAGED_PREFIX))
        for p in versions.iterdir()
        if p.name.removeprefix(DAMAGED_PREFIX).isdigit()
    ]
    return versions / str(max(numbers, default=0) + 1)


def staged_write(
    current_store: ox.Store, link: Path, remove: list[ox.Quad], add: list[ox.Quad]
) -> Path:
    """Apply the change to a copy of the current version and switch the link to it atomically.

    Returns the folder of the new version. The caller holds the writer lock and exclusive access,
    and must reopen its store on ``link`` afterwards.
    """
    new = stage_copy(current_store, link)
    finish_staged(new, link, remove, add)
    return new


def stage_copy(current_store: ox.Store, link: Path, *, flush: bool = True) -> Path:
    """A private copy of the current version (a RocksDB checkpoint: hard links, instant) in the
    next numbered folder, for a staged write to fill. A read-only ``current_store`` (which
    cannot hold unflushed writes) is copied with ``flush=False``."""
    current = link.resolve()
    new = current.parent / str(int(current.name) + 1)
    if new.exists():
        shutil.rmtree(new)
    if flush:
        current_store.flush()
    current_store.backup(str(new))
    _LIVE.add(new)
    return new


def finish_staged(new: Path, link: Path, remove: list[ox.Quad], add: list[ox.Quad]) -> None:
    """Apply the last of a change to the staged copy at ``new`` (no one else may hold it open),
    close it and switch the link to it: the commit point of a staged write."""
    copy = ox.Store(str(new))
    for quad in remove:
        copy.remove(quad)
    copy.bulk_extend(add)
    copy.flush()
    del copy
    crash_point("staged:copied")
    switch_to(link, new)
    _LIVE.discard(new)
    crash_point("staged:switched")


def abandon_staged(new: Path) -> None:
    """Throw away a staged copy that will not be switched in."""
    _LIVE.discard(new)
    drop_version(new)


_LIVE: set[Path] = set()
"""Staged copies this process is still filling: ``discard_stale_versions`` leaves them alone
(after a crash, the set is gone and the next writer removes them)."""


def drop_version(version: Path) -> None:
    shutil.rmtree(version, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
