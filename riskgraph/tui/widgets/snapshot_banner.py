"""The line under the mode bar that says a snapshot is on display, read-only (hidden otherwise)."""

from __future__ import annotations

from textual.widgets import Static

from riskgraph.tui.text import plain


class SnapshotBanner(Static):
    DEFAULT_CSS = """
    SnapshotBanner {
        height: 1;
        padding: 0 1;
        background: $warning-muted;
        color: $text;
        display: none;
    }
    SnapshotBanner.-shown {
        display: block;
    }
    """

    def show_frozen(self, frozen: str | None) -> None:
        """Say which snapshot is on display (``frozen`` from ``Register.frozen``), or hide."""
        self.set_class(frozen is not None, "-shown")
        if frozen is not None:
            self.update(plain(f"Read-only: {frozen} · key o goes back to the register"))
