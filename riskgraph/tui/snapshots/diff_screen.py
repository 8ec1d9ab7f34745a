"""The diff screen: choose two snapshots (or a snapshot and now) and browse what changed,
entity by entity (left) and field by field (right), from the read model of ``riskgraph diff``
(``riskgraph.views.diff``). The diff is computed in a worker; nothing here writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Select, Static

from riskgraph.snapshots import NOW, SnapshotInfo
from riskgraph.tui.data.snapshots import load_diff
from riskgraph.tui.text import cell, plain
from riskgraph.tui.workers import describe_error, in_background
from riskgraph.views.diff import EntityChange, RegisterDiff

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp

CHANGE_STYLES = {"added": "green", "removed": "red", "changed": "yellow"}


class DiffScreen(Screen[None]):
    CSS_PATH = "diff_screen.tcss"
    AUTO_FOCUS = "#diff-entities"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close diff", key_display="esc", id="diff.close"),
        Binding("f", "focus_fields", "Fields", id="diff.fields"),
        Binding("s", "swap", "Swap", id="diff.swap"),
    ]

    def __init__(self, infos: list[SnapshotInfo], before: str, after: str = NOW) -> None:
        super().__init__()
        self.infos = infos
        self.before = before
        self.after = after
        self.diff: RegisterDiff | None = None

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        names = [info.name for info in self.infos]
        with Horizontal(id="diff-choice"):
            yield Label("From ")
            yield Select(
                [(name, name) for name in names], value=self.before, allow_blank=False,
                id="diff-before", compact=True,
            )  # fmt: skip
            yield Label(" to ")
            yield Select(
                [(name, name) for name in names] + [("now (the register)", NOW)],
                value=self.after, allow_blank=False, id="diff-after", compact=True,
            )  # fmt: skip
        yield Static("", id="diff-summary")
        with Horizontal(id="diff-main"):
            entities: DataTable[object] = DataTable(
                id="diff-entities", cursor_type="row", zebra_stripes=True
            )
            entities.add_columns("ID", "kind", "change", "fields")
            entities.border_title = "Entities"
            yield entities
            fields: DataTable[object] = DataTable(id="diff-fields", cursor_type="row")
            fields.add_columns("field", "change", "before", "after")
            fields.border_title = "Fields"
            yield fields
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        register, before, after = self.rg.live, self.before, self.after
        self.query_one("#diff-summary", Static).update(plain(f"Comparing {before} → {after} …"))

        def failed(exc: BaseException) -> None:
            self.diff = None
            self.query_one("#diff-summary", Static).update(
                plain(f"Cannot compare {before} → {after}: {describe_error(exc)}", "red")
            )
            self._fill_entities([])

        in_background(
            self, lambda: load_diff(register, before, after), self.show, name="diff",
            failed=failed,
        )  # fmt: skip

    def show(self, diff: RegisterDiff) -> None:
        self.diff = diff
        counts = diff.counts()
        summary = (
            f"{diff.before} → {diff.after}: {counts['added']} added, {counts['removed']} "
            f"removed, {counts['changed']} changed"
        )
        if diff.is_empty:
            summary += " · no changes"
        self.query_one("#diff-summary", Static).update(plain(summary))
        self._fill_entities(list(diff.entities))

    def _fill_entities(self, entities: list[EntityChange]) -> None:
        table = cast("DataTable[object]", self.query_one("#diff-entities", DataTable))
        table.clear()
        for index, entity in enumerate(entities):
            table.add_row(
                cell(entity.id),
                cell(entity.kind),
                cell(entity.change, CHANGE_STYLES[entity.change]),
                cell(str(len(entity.fields))),
                key=str(index),
            )
        self._fill_fields(entities[0] if entities else None)

    def _fill_fields(self, entity: EntityChange | None) -> None:
        table = cast("DataTable[object]", self.query_one("#diff-fields", DataTable))
        table.clear()
        table.border_title = f"Fields of {entity.id}" if entity else "Fields"
        if entity is None:
            return
        for field in entity.fields:
            table.add_row(
                cell(field.field),
                cell(field.change, CHANGE_STYLES[field.change]),
                cell("; ".join(field.before)),
                cell("; ".join(field.after)),
            )

    @on(DataTable.RowHighlighted, "#diff-entities")
    def _entity_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.diff is None or event.row_key.value is None:
            return
        self._fill_fields(self.diff.entities[int(event.row_key.value)])

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        value = str(event.value)
        if event.select.id == "diff-before" and value != self.before:
            self.before = value
            self.load()
        elif event.select.id == "diff-after" and value != self.after:
            self.after = value
            self.load()

    def action_swap(self) -> None:
        """Compare the other way round (only between two snapshots)."""
        if self.after == NOW:
            self.notify("'now' can only be the later state.", severity="warning")
            return
        self.before, self.after = self.after, self.before
        with self.prevent(Select.Changed):
            self.query_one("#diff-before", Select).value = self.before
            self.query_one("#diff-after", Select).value = self.after
        self.load()

    def action_focus_fields(self) -> None:
        self.query_one("#diff-fields").focus()

    def action_close(self) -> None:
        self.dismiss()
