"""Diagnose and repair an embedded register folder: what ``riskgraph doctor`` runs.

What can go wrong with the files of a register folder, and what a repair does:

- ``writer.lock`` or ``access.lock`` is not a file (a folder, a device): it is moved aside as
  ``NAME.damaged`` and the next command makes a new one.
- the store is missing or damaged (the ``store`` link deleted, looping or dangling, an empty
  version folder, ``store-versions/`` deleted, RocksDB files emptied, garbled or deleted): the
  first good copy in ``store-versions/`` (``last-good``, kept after every write, else the copy
  it replaced, else another numbered version) is checked by reading every quad, copied into a
  new version and the link is switched to it atomically. The damaged version is kept as
  ``damaged-<n>``.
- there is no last good copy yet (a register made by an older riskgraph): one is made.

A problem the repair cannot fix (a damaged ``register.toml``, no good copy left) is reported
with what the user can do instead. Nothing here prints.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from riskgraph.store.base import StoreError
from riskgraph.store.locking import ACCESS_LOCK, WRITER_LOCK, access_lock, writer_lock
from riskgraph.store.versions import (
    DAMAGED_PREFIX,
    LAST_GOOD,
    LAST_GOOD_NAMES,
    VERSIONS_DIR,
    next_version,
    store_problem,
    switch_to,
)
from riskgraph.vocab import META_GRAPH, ONTOLOGY_GRAPH, RG

STORE_LINK = "store"
_REVISION = ox.NamedNode(RG + "revision")


@dataclass
class Finding:
    """One problem: what is wrong, and what ``--repair`` does about it (or the user must do)."""

    problem: str
    remedy: str
    repairable: bool


@dataclass
class Copy:
    """A readable store folder that a damaged store can be restored from."""

    path: Path
    revision: int
    quads: int


def check_copy(path: Path) -> Copy | str:
    """Open the store at ``path`` read-only and read every quad; the copy, or what is wrong."""
    if not (path / "CURRENT").is_file():
        return "it holds no store"
    try:
        store = ox.Store.read_only(str(path))
        quads = sum(1 for _ in store.quads_for_pattern(None, None, None, None))
        if not any(
            True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
        ):
            return "it has no ontology graph"
        meta = ox.NamedNode(META_GRAPH)
        revisions = [
            int(q.object.value)
            for q in store.quads_for_pattern(meta, _REVISION, None, meta)
            if isinstance(q.object, ox.Literal) and q.object.value.isdigit()
        ]
    except (OSError, RuntimeError, ValueError) as exc:
        return str(exc).strip() or type(exc).__name__
    return Copy(path, max(revisions, default=0), quads)


def good_copies(folder: Path, exclude: Path | None = None) -> list[Copy]:
    """Readable copies in ``store-versions/``, the one to restore first: the last good copy
    (always a whole commit), the one it replaced, then numbered versions, newest first (a
    numbered version other than the current one may be an unfinished staged write)."""
    versions = folder / VERSIONS_DIR
    if not versions.is_dir():
        return []
    numbered = sorted(
        (p for p in versions.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
    )
    copies: list[Copy] = []
    for path in (versions / LAST_GOOD_NAMES[0], versions / LAST_GOOD_NAMES[2], *numbered):
        if not path.is_dir() or (exclude is not None and path.resolve() == exclude):
            continue
        found = check_copy(path)
        if isinstance(found, Copy):
            copies.append(found)
    return copies


def _lock_findings(folder: Path) -> list[Finding]:
    findings = []
    for name in (WRITER_LOCK, ACCESS_LOCK):
        path = folder / name
        if (path.exists() or path.is_symlink()) and not path.is_file():
            findings.append(
                Finding(
                    f"{name} is not a lock file (it is a folder or a special file)",
                    f"move it aside as {name}.damaged; the next command makes a new one",
                    True,
                )
            )
    return findings


def _current(folder: Path) -> Path | None:
    link = folder / STORE_LINK
    try:
        return link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def store_findings(folder: Path) -> list[Finding]:
    """Problems of the store and its last good copy."""
    link = folder / STORE_LINK
    problem = store_problem(link)
    current = _current(folder)
    if problem is None and current is not None:
        checked = check_copy(current)
        if isinstance(checked, Copy):
            versions = folder / VERSIONS_DIR
            if versions.is_dir() and not any(
                (versions / name).is_dir() for name in LAST_GOOD_NAMES[::2]
            ):
                return [
                    Finding(
                        "there is no last good copy of the store to repair from",
                        f"make one now in {VERSIONS_DIR}/{LAST_GOOD}",
                        True,
                    )
                ]
            return []
        problem = f"the store {os.path.relpath(current, folder)} is damaged: {checked}"
    problem = problem or "the store cannot be opened"
    copies = good_copies(folder, exclude=current)
    if not copies:
        return [
            Finding(
                problem,
                "no good copy is left in store-versions/ to restore from: restore the register "
                "folder from a backup, or pull it from the team's endpoint into a new register "
                "('riskgraph init NEW' then 'riskgraph pull URL -r NEW')",
                False,
            )
        ]
    best = copies[0]
    return [
        Finding(
            problem,
            f"restore {VERSIONS_DIR}/{best.path.name} (register revision {best.revision}, "
            f"{best.quads} quads) as the store",
            True,
        )
    ]


def diagnose(folder: Path) -> list[Finding]:
    """Everything wrong with the files of the embedded register in ``folder``."""
    return [*_lock_findings(folder), *store_findings(folder)]


def repair(folder: Path) -> list[str]:
    """Fix what can be fixed; returns what was done. Holds the writer lock and exclusive access
    while the store is restored, so no other riskgraph process reads or writes meanwhile."""
    done = []
    for name in (WRITER_LOCK, ACCESS_LOCK):
        path = folder / name
        if (path.exists() or path.is_symlink()) and not path.is_file():
            aside = _free_name(folder / f"{name}.damaged")
            os.replace(path, aside)
            done.append(f"moved {name} aside as {aside.name}")
    if not store_findings(folder):
        return done
    with writer_lock(folder), access_lock(folder, exclusive=True):
        done.extend(_repair_store(folder))
    return done


def _repair_store(folder: Path) -> list[str]:
    link = folder / STORE_LINK
    versions = folder / VERSIONS_DIR
    current = _current(folder)
    if (
        store_problem(link) is None
        and current is not None
        and isinstance(check_copy(current), Copy)
    ):
        ox.Store.read_only(str(current)).backup(str(versions / LAST_GOOD))
        return [f"made a last good copy in {VERSIONS_DIR}/{LAST_GOOD}"]
    copies = good_copies(folder, exclude=current)
    if not copies:
        raise StoreError(
            f"the store of the register at {folder} cannot be repaired: no good copy is left "
            "in store-versions/"
        )
    best = copies[0]
    target = next_version(versions)
    ox.Store.read_only(str(best.path)).backup(str(target))
    checked = check_copy(target)
    if not isinstance(checked, Copy) or checked.quads != best.quads:
        shutil.rmtree(target, ignore_errors=True)
        raise StoreError(f"the copy of {best.path.name} could not be checked: {checked}")
    done = []
    damaged = None
    if current is not None and current.is_dir() and current.parent == versions.resolve():
        damaged = versions / f"{DAMAGED_PREFIX}{current.name}"
        os.replace(current, _free_name(damaged))
    elif link.is_dir() and not link.is_symlink():  # a store kept in the folder itself
        damaged = _free_name(versions / f"{DAMAGED_PREFIX}{STORE_LINK}")
        os.replace(link, damaged)
    if link.exists() and not link.is_symlink() and not link.is_dir():
        link.unlink()
    switch_to(link, target)
    done.append(
        f"restored register revision {best.revision} ({best.quads} quads) from "
        f"{VERSIONS_DIR}/{best.path.name} into {VERSIONS_DIR}/{target.name}"
    )
    if damaged is not None:
        done.append(
            f"kept the damaged store as {VERSIONS_DIR}/{damaged.name}; delete it when you no "
            "longer need it"
        )
    return done


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate
