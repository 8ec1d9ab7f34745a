"""The help screen, written for risk managers: the screens, levels and appetite, every key."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from riskgraph.tui.text import markdown_literal

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


def key_tables() -> str:
    """One Markdown table of keys per screen, read from the screens' own bindings."""
    from riskgraph.tui.app import RiskgraphApp
    from riskgraph.tui.browser.browser import BrowserScreen
    from riskgraph.tui.dashboard.dashboard import DashboardScreen
    from riskgraph.tui.detail.explore import ExploreScreen
    from riskgraph.tui.editor.form import EditorScreen
    from riskgraph.tui.query.console import QueryScreen
    from riskgraph.tui.review.review import ReviewScreen

    sections = [
        ("Everywhere", RiskgraphApp.BINDINGS),
        ("Dashboard", DashboardScreen.BINDINGS),
        ("Browse", BrowserScreen.BINDINGS),
        ("Explore", ExploreScreen.BINDINGS),
        ("Query", QueryScreen.BINDINGS),
        ("Review", ReviewScreen.BINDINGS),
        ("Forms", EditorScreen.BINDINGS),
    ]
    parts = []
    for title, bindings in sections:
        rows = [
            f"| `{_keys(b)}` | {b.description} |"
            for b in bindings
            if isinstance(b, Binding) and b.description
        ]
        parts.append(f"**{title}**\n\n| key | action |\n|---|---|\n" + "\n".join(rows))
    return "\n\n".join(parts)


def _keys(binding: Binding) -> str:
    names = {"question_mark": "?", "left_square_bracket": "[", "right_square_bracket": "]"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", key_display="esc"),
    ]

    def compose(self) -> ComposeResult:
        app = cast("RiskgraphApp", self.app)
        text = (files("riskgraph.tui.help") / "help.md").read_text(encoding="utf-8")
        content = text.format(
            register=markdown_literal(app.register.display_name),
            appetite=app.register.config.risk.appetite.replace("-", " "),
            keys=key_tables(),
        )
        scroll = VerticalScroll(Markdown(content, id="help-text"))
        scroll.border_title = "Help · esc to close"
        yield scroll

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
