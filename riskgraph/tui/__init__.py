"""The terminal UI for risk managers (``riskgraph tui``), built with Textual.

Layout: ``app`` (the application, its modes and global keys), one folder per screen or feature
(``dashboard``, ``browser``, ``detail``, ``query``, ``editor``, ``review``, ``help``, ``export``),
each widget or screen with its own ``.tcss`` file, and ``data``: the thread-side data access,
which imports the core but never Textual, so every read and write runs in a worker thread.
Core modules never import this package.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path


def run_tui(
    folder: Path,
    *,
    today: date | None = None,
    headless: bool = False,
    snapshot: str | None = None,
) -> int:
    """Open the register in ``folder`` (or its snapshot ``snapshot``, read-only) and run the app
    until the user quits. Returns the exit status: 0 when the user quit, non-zero when the app
    stopped on an error (Textual has then printed what went wrong)."""
    from riskgraph.register import Register
    from riskgraph.tui.app import RiskgraphApp
    from riskgraph.tui.keys import check_keymap

    register = Register.open(folder)
    check_keymap(register.config.keys, register.folder)  # a bad [keys] is refused before start
    frozen = None
    if snapshot is not None:
        from riskgraph.snapshots import open_snapshot

        frozen = open_snapshot(register, snapshot)  # an unknown name is refused before start
    app = RiskgraphApp(register, today=today, snapshot=frozen)
    app.run(headless=headless)
    return app.return_code or 0
