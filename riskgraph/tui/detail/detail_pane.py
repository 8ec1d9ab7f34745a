"""One node: its kind, key and title, its fields, and its links out and in. ``enter`` on a link
opens the node at the other end."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import plain, visible
from riskgraph.views.detail import Detail, Link

RELATION_WIDTH = 20


def link_line(link: Link) -> Text:
    """'→ mitigates            R-001  Proxy discrimination …'."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{link.arrow} ", style="bold cyan" if link.outgoing else "bold magenta")
    text.append(f"{link.relation[:RELATION_WIDTH]:<{RELATION_WIDTH}} ", style="dim")
    text.append(visible(link.node.key), style="bold")
    if link.node.title:
        text.append(f"  {visible(link.node.title)}")
    return text


class LinkList(OptionList):
    """The links of a node; selecting one asks to open its other end."""

    class Follow(Message):
        def __init__(self, iri: str) -> None:
            self.iri = iri
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.targets: list[str] = []

    def show(self, links: list[Link]) -> None:
        self.clear_options()
        self.targets = [link.node.iri for link in links]
        self.add_options(Option(link_line(link), id=str(i)) for i, link in enumerate(links))
        out = sum(1 for link in links if link.outgoing)
        self.border_subtitle = f"{out} out, {len(links) - out} in"
        if links:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Follow(self.targets[int(event.option.id)]))


def fields_table(detail: Detail) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    for field in detail.fields:
        table.add_row(plain(field.name), plain(field.value))
    return table


def heading(detail: Detail) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(visible(detail.node.key), style="bold")
    if detail.node.kind:
        text.append(f"  {detail.node.kind}", style="italic dim")
    text.append("\n")
    text.append(visible(detail.node.title) if detail.node.title else "(no title)", style="bold")
    return text


class DetailPane(Vertical):
    """Heading, fields and links of one node."""

    DEFAULT_CSS = stylesheet(__file__)

    def compose(self) -> ComposeResult:
        yield Static("", id="detail-heading")
        with VerticalScroll(id="detail-fields-box", can_focus=False):
            yield Static("", id="detail-fields")
        yield LinkList(id="detail-links")

    def on_mount(self) -> None:
        self.query_one("#detail-links", LinkList).border_title = "Links"

    def show(self, detail: Detail) -> None:
        self.query_one("#detail-heading", Static).update(heading(detail))
        self.query_one("#detail-fields", Static).update(fields_table(detail))
        self.query_one("#detail-links", LinkList).show(detail.links)

    def show_message(self, message: str | Text) -> None:
        self.query_one("#detail-heading", Static).update(
            plain(message) if isinstance(message, str) else message
        )
        self.query_one("#detail-fields", Static).update("")
        self.query_one("#detail-links", LinkList).show([])
