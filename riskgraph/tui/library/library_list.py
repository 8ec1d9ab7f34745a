"""The libraries: bundled and loaded, with their status; choosing one shows its concepts."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from riskgraph.library.catalogue import LibraryInfo
from riskgraph.tui.styles import stylesheet


class LibraryList(DataTable[Text]):
    DEFAULT_CSS = stylesheet(__file__)

    class Chosen(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self) -> None:
        super().__init__(id="library-list", cursor_type="row", zebra_stripes=True)
        self.infos: list[LibraryInfo] = []
        self.border_title = "Libraries"

    def on_mount(self) -> None:
        self.add_columns(Text("library"), Text("status"))

    def show(self, infos: list[LibraryInfo]) -> None:
        self.infos = infos
        self.clear()
        for info in infos:
            style = "green" if info.loaded_version is not None else "dim"
            self.add_row(Text(info.name), Text(info.status, style=style), key=info.name)
        self.border_subtitle = f"{sum(1 for i in infos if i.loaded_version)} loaded"

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Chosen(event.row_key.value))
