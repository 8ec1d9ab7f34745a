"""Snapshots for the TUI, thread side: the list, one opened read-only, and a diff between two
(the read model of ``riskgraph diff``). Runs in workers; imports the core, never Textual."""

from __future__ import annotations

from riskgraph.register import Register
from riskgraph.snapshots import SnapshotInfo, diff_snapshots, list_snapshots, open_snapshot
from riskgraph.views.diff import RegisterDiff


def load_snapshot_list(register: Register) -> list[SnapshotInfo]:
    """The register's snapshots, oldest first (none for a register without a folder)."""
    if register.folder is None:
        return []
    return list_snapshots(register)


def open_frozen(register: Register, name: str) -> Register:
    """Snapshot ``name`` as a read-only register (its hash checked)."""
    return open_snapshot(register, name)


def load_diff(register: Register, before: str, after: str) -> RegisterDiff:
    return diff_snapshots(register, before, after)
