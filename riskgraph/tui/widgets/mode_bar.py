"""The top line: the screens (click one, or press its number) and the register's name."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import visible

MODES: tuple[tuple[str, str, str], ...] = (
    ("1", "dashboard", "Dashboard"),
    ("2", "browse", "Browse"),
    ("3", "explore", "Explore"),
    ("4", "query", "Query"),
    ("5", "review", "Review"),
)
"""Key, mode name and label of every screen, in order."""


class ModeBar(Static):
    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, current: str, register_name: str) -> None:
        super().__init__(self._markup(current, register_name))
        self.current = current

    def show_name(self, register_name: str) -> None:
        """Name another register (or a snapshot of it)."""
        self.update(self._markup(self.current, register_name))

    @staticmethod
    def _markup(current: str, register_name: str) -> Content:
        """The screens as markup of our own (with their click actions), then the register's
        name as plain text."""
        tabs = []
        for key, mode, label in MODES:
            style = "reverse bold " if mode == current else ""
            tabs.append(f"[{style}@click=app.switch_mode('{mode}')] {key} {label} [/]")
        name = Content("  " + visible(register_name)).stylize("italic")
        return Content.from_markup("".join(tabs)) + name
