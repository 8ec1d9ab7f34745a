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


def run_tui(folder: Path, *, today: date | None = None) -> None:
    """Open the register in ``folder`` and run the app until the user quits."""
    from riskgraph.register import Register
    from riskgraph.tui.app import RiskgraphApp

    RiskgraphApp(Register.open(folder), today=today).run()
