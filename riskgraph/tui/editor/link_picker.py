"""Pick the entities (or ISO/IEC 42001 items) a link field points to, searching by ID or title.
Single links: ``enter`` picks. Lists: ``enter`` or ``space`` ticks and unticks; ``ctrl+s`` is
done."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from riskgraph.tui.data.editing import Choice
from riskgraph.tui.text import plain, visible

MAX_SHOWN = 300


class LinkPicker(ModalScreen[list[str] | None]):
    CSS_PATH = "link_picker.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="esc", id="picker.cancel"),
        Binding("ctrl+s", "done", "Done", key_display="^s", id="picker.done"),
        Binding("space", "tick", "Tick", show=False, id="picker.tick"),
        Binding("down", "to_list", "List", show=False, id="picker.to-list"),
    ]

    def __init__(self, title: str, choices: list[Choice], chosen: list[str], *, many: bool) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.chosen = list(chosen)
        self.many = many
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(plain(self.title_text), id="picker-title")
            yield Input(placeholder="search by ID or title", id="picker-search")
            yield OptionList(id="picker-options")
            yield Static("", id="picker-status")

    def on_mount(self) -> None:
        self._refill("")
        self.query_one("#picker-search", Input).focus()

    @on(Input.Changed, "#picker-search")
    def _search(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#picker-search")
    def _search_done(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if self.shown:
            options.focus()
            options.highlighted = 0

    def action_to_list(self) -> None:
        self._search_done()

    def _refill(self, text: str) -> None:
        words = text.lower().split()
        matching = [
            c for c in self.choices if all(w in f"{c.key} {c.title}".lower() for w in words)
        ]
        self.shown = matching[:MAX_SHOWN]
        options = self.query_one("#picker-options", OptionList)
        options.clear_options()
        options.add_options(Option(self._line(c), id=c.key) for c in self.shown)
        more = f" (first {MAX_SHOWN}; search to narrow)" if len(matching) > MAX_SHOWN else ""
        chosen = f" · chosen: {', '.join(self.chosen) or 'none'}" if self.many else ""
        self.query_one("#picker-status", Static).update(
            plain(f"{len(matching)} match{more}{chosen}", style="dim")
        )

    def _line(self, choice: Choice) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.many:
            text.append("[x] " if choice.key in self.chosen else "[ ] ", style="bold")
        text.append(visible(choice.key), style="bold")
        text.append(f"  {visible(choice.title)}")
        if choice.kind:
            text.append(f"  ({choice.kind})", style="dim")
        return text

    @on(OptionList.OptionSelected, "#picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if key is None:
            return
        if not self.many:
            self.dismiss([key])
            return
        self._toggle(key)

    def action_tick(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        if self.many and options.has_focus and options.highlighted is not None:
            key = options.get_option_at_index(options.highlighted).id
            if key is not None:
                self._toggle(key)

    def _toggle(self, key: str) -> None:
        if key in self.chosen:
            self.chosen.remove(key)
        else:
            self.chosen.append(key)
        options = self.query_one("#picker-options", OptionList)
        highlighted = options.highlighted
        self._refill(self.query_one("#picker-search", Input).value)
        options.highlighted = highlighted

    def action_done(self) -> None:
        self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
