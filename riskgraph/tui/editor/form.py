"""The form that creates or edits one entity.

``ctrl+s`` runs every check (model, ID, links, SHACL shapes) in a worker; problems show at their
fields and nothing is written. When all is well the entity is saved in one transaction, and the
app remembers the change so that ``u`` can undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, HorizontalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Select, Static

from riskgraph.model.entities import Entity
from riskgraph.tui.data.editing import (
    EDITABLE,
    Change,
    Choice,
    Editing,
    FormErrors,
    check,
    choices_for,
    form_fields,
    new_values,
    open_for_edit,
    save,
)
from riskgraph.tui.editor.fields import FieldRow, LinkButton, score_range
from riskgraph.tui.editor.link_picker import LinkPicker
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


@dataclass(frozen=True)
class Opened:
    """What a form starts from."""

    cls: type[Entity]
    values: dict[str, object]
    editing: Editing | None
    types: dict[str, set[str]]
    choices: list[Choice]


@dataclass(frozen=True)
class Saved:
    change: Change | None
    warnings: list[str]


def field_pairs(rows: list[FieldRow]) -> list[HorizontalGroup]:
    """The rows two by two. On a wide terminal a pair is a line of two columns; on a narrow one
    the pair stacks its rows (``form.tcss``). Each pair is as tall as its taller row, so inputs and
    error messages always have room, and the focus order stays the reading order."""
    return [HorizontalGroup(*rows[i : i + 2], classes="field-pair") for i in range(0, len(rows), 2)]


class EditorScreen(Screen[None]):
    CSS_PATH = "form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "save", "Check and save", key_display="^s", priority=True, id="form.save"
        ),
        Binding("escape", "cancel", "Cancel", key_display="esc", id="form.cancel"),
    ]

    def __init__(self, *, entity_id: str | None = None, kind: str | None = None) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.kind = kind
        self.opened: Opened | None = None
        self.busy = False

    @classmethod
    def for_entity(cls, entity_id: str) -> EditorScreen:
        return cls(entity_id=entity_id)

    @classmethod
    def for_new(cls, kind: str) -> EditorScreen:
        return cls(kind=kind)

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        title = f"Edit {self.entity_id}" if self.entity_id else f"New {self.kind}"
        yield Static(Text(title, style="bold"), id="form-title")
        yield Static("", id="form-status")
        yield VerticalScroll(id="form-fields")
        with Horizontal(id="form-buttons"):
            yield Button("Check and save", variant="primary", id="form-save", compact=True)
            yield Button("Cancel", id="form-cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._status(Text("loading…", style="italic"))
        app = self.rg
        register = app.register
        entity_id, kind = self.entity_id, self.kind

        def job() -> Opened:
            types, choices = app.link_choices()
            if entity_id is not None:
                editing = open_for_edit(register, entity_id)
                entity = editing.entity
                return Opened(type(entity), entity.model_dump(), editing, types, choices)
            entity_class = EDITABLE[kind or "risk"]
            values = new_values(register, entity_class)
            return Opened(entity_class, values, None, types, choices)

        in_background(self, job, self._opened, name="form-open", failed=self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        self.app.notify(describe_error(exc), title="Cannot open the form", severity="error")
        self.dismiss(None)

    async def _opened(self, opened: Opened) -> None:
        self.opened = opened
        what = opened.cls.kind
        title = f"Edit {what} {self.entity_id}" if self.entity_id else f"New {what}"
        self.query_one("#form-title", Static).update(Text(title, style="bold"))
        rows = [
            FieldRow(f, read_only=f.name == "id" and opened.editing is not None)
            for f in form_fields(opened.cls)
        ]
        await self.query_one("#form-fields", VerticalScroll).mount_all(field_pairs(rows))
        for row in rows:
            row.set_value(opened.values.get(row.form_field.name))
        self._follow_matrix()
        self._status(Text("* required · ctrl+s checks and saves · esc cancels", style="dim"))
        focusable = [r for r in rows if not r.read_only]
        if focusable:
            focusable[0].input.focus()

    def rows(self) -> list[FieldRow]:
        return list(self.query(FieldRow))

    # --- scores follow the matrix -----------------------------------------------------------

    @on(Select.Changed, "#field-matrix")
    def _matrix_changed(self) -> None:
        self._follow_matrix()

    def _follow_matrix(self) -> None:
        """Score fields offer the scores of the risk's own matrix; a score the new matrix
        does not have is emptied, with a word at its field."""
        matrix_rows = [r for r in self.rows() if r.form_field.name == "matrix"]
        if not matrix_rows:
            return
        name = matrix_rows[0].value()
        scores = score_range(name)
        for row in self.rows():
            dropped = row.set_scale(scores)
            if dropped is not None:
                row.show_errors(
                    [f"{dropped} is not on the {name} matrix: choose from 1 to {scores[-1]}"]
                )

    # --- link pickers -----------------------------------------------------------------------

    @on(LinkButton.Pick)
    def _pick(self, event: LinkButton.Pick) -> None:
        if self.opened is None:
            return
        button = event.button
        form_field = button.form_field
        choices = choices_for(form_field, self.opened.types, self.opened.choices)

        def chosen(keys: list[str] | None) -> None:
            if keys is not None:
                button.set_keys(keys if form_field.widget == "links" else keys[:1])
            button.focus()

        many = form_field.widget == "links"
        title = f"{form_field.label}: choose {'one or more' if many else 'one'}"
        self.app.push_screen(LinkPicker(title, choices, button.keys, many=many), chosen)

    # --- saving -----------------------------------------------------------------------------

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def values(self) -> dict[str, object]:
        return {row.form_field.name: row.value() for row in self.rows()}

    def action_save(self) -> None:
        if self.opened is None or self.busy:
            return
        self.busy = True
        opened = self.opened
        values = self.values()
        register = self.rg.register
        self.show_errors({})
        self._status(Text("checking…", style="italic"))

        def job() -> Saved:
            original = opened.editing.entity if opened.editing else None
            checked = check(register, opened.cls, values, original=original)
            return Saved(save(register, checked.entity, opened.editing), checked.warnings)

        in_background(self, job, self._saved, name="form-save", failed=self._save_failed)

    def _saved(self, saved: Saved) -> None:
        self.busy = False
        for warning in saved.warnings:
            self.app.notify(warning, title="Saved, with a warning", severity="warning")
        if saved.change is None:
            self.app.notify("Nothing changed, so nothing was saved.")
            self.dismiss(None)
            return
        change = saved.change
        self.dismiss(None)
        self.rg.saved(change)
        if change.created:
            self.rg.open_node(change.iri)

    def _save_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, FormErrors):
            elsewhere = self.show_errors(exc.errors)
            count = sum(len(m) for m in exc.errors.values())
            status = Text(
                f"{count} problem(s), shown at their fields; nothing was written", style="bold red"
            )
            for message in elsewhere:
                status.append(f"\n{message}", style="red")
            self._status(status)
            return
        self._status(Text(describe_error(exc), style="bold red"))
        self.app.notify(describe_error(exc), title="Not saved", severity="error")

    def show_errors(self, errors: dict[str, list[str]]) -> list[str]:
        """Show each error at its field; returns those that belong to no field."""
        first: FieldRow | None = None
        for row in self.rows():
            messages = errors.get(row.form_field.name, [])
            row.show_errors(messages)
            if messages and first is None:
                first = row
        if first is not None:
            first.scroll_visible()
            first.input.focus()
        names = {row.form_field.name for row in self.rows()}
        return [m for name, ms in errors.items() if name not in names for m in ms]

    def _status(self, text: Text) -> None:
        self.query_one("#form-status", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
