"""Choose what the TUI shows: the register itself, or one of its snapshots (read-only)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from riskgraph.snapshots import NOW, SnapshotInfo
from riskgraph.tui.text import visible


def snapshot_label(info: SnapshotInfo) -> str:
    return f"{info.name}  {info.created_at:%Y-%m-%d %H:%M} UTC · revision {info.revision}"


class SnapshotPicker(ModalScreen[str | None]):
    """Dismissed with a snapshot's name, ``now`` for the register itself, or None."""

    CSS_PATH = "picker.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="snapshots.cancel")
    ]

    def __init__(self, infos: list[SnapshotInfo], current: str | None) -> None:
        super().__init__()
        self.infos = infos
        self.current = current

    def compose(self) -> ComposeResult:
        mark = {self.current or NOW: "● "}
        options = [Option(mark.get(NOW, "  ") + "The register as it is now (editable)", id=NOW)]
        options += [
            Option(visible(mark.get(info.name, "  ") + snapshot_label(info)), id=info.name)
            for info in reversed(self.infos)  # newest first
        ]
        with Vertical(id="snapshot-box"):
            yield Label("Open … (a snapshot opens read-only)")
            if not self.infos:
                yield Label(
                    "No snapshots yet: take one with riskgraph snapshot create NAME",
                    id="no-snapshots",
                )
            yield OptionList(*options, id="snapshot-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
