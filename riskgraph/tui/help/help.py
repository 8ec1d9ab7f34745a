"""The help screen, written for risk managers: the screens, levels and appetite, every key."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from riskgraph.tui.keys import keys_of, sections
from riskgraph.tui.text import markdown_literal

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


def key_tables(keymap: Mapping[str, str]) -> str:
    """One Markdown table of keys per screen, read from the screens' own bindings with the
    register's key map applied, each with its ID for ``[keys]`` in ``register.toml``."""
    parts = []
    for title, bindings in sections():
        rows = [
            f"| {_keys(keys_of(b, keymap))} | {b.description} | {_id(b.id)} |"
            for b in bindings
            if b.description
        ]
        parts.append(f"**{title}**\n\n| key | action | ID |\n|---|---|---|\n" + "\n".join(rows))
    return "\n\n".join(parts)


_NAMES = {
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "slash": "/",
}


def _id(binding_id: str | None) -> str:
    return f"`{binding_id}`" if binding_id else ""


def _keys(keys: list[str]) -> str:
    return ", ".join(f"`{_NAMES.get(k, k)}`" for k in keys)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark,f1", "close", "Close help", key_display="esc", id="help.close"
        ),
    ]

    def compose(self) -> ComposeResult:
        app = cast("RiskgraphApp", self.app)
        text = (files("riskgraph.tui.help") / "help.md").read_text(encoding="utf-8")
        content = text.format(
            register=markdown_literal(app.register.display_name),
            appetite=app.register.config.risk.appetite.replace("-", " "),
            keys=key_tables(app.keymap),
        )
        scroll = VerticalScroll(Markdown(content, id="help-text"))
        scroll.border_title = "Help · esc to close"
        yield scroll

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
