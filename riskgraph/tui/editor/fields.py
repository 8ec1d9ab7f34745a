"""One row of a form: label, input, and the error shown at the field.

The input depends on the field: text, a multi-line text, a drop-down (choices and scores), a
date, or a link button that opens the picker.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from riskgraph.editing import rules
from riskgraph.scoring import MATRIX_NAMES, matrix
from riskgraph.tui.data.editing import FormField
from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import plain, visible


def score_range(matrix_name: object) -> range:
    """The scores a risk on ``matrix_name`` can take (1 to 5 on the 5x5 matrix), from the core's
    rule (``riskgraph.editing.rules.score_range``); an unknown or empty matrix gives the largest
    one, for the checks to judge."""
    name = str(getattr(matrix_name, "value", matrix_name))
    if name not in MATRIX_NAMES:
        name = max(MATRIX_NAMES, key=lambda n: matrix(n).size)
    low, high = rules.score_range(name)
    return range(low, high + 1)


class LinkButton(Static, can_focus=True):
    """The chosen link(s) of a field; ``enter`` (or a click) opens the picker, ``delete``
    clears."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "pick", "Choose", show=True, id="link-field.pick"),
        Binding("delete,backspace", "clear", "Clear", show=False, id="link-field.clear"),
    ]

    class Pick(Message):
        def __init__(self, button: LinkButton) -> None:
            self.button = button
            super().__init__()

    def __init__(self, form_field: FormField, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.form_field = form_field
        self.keys: list[str] = []

    def set_keys(self, keys: list[str]) -> None:
        self.keys = list(keys)
        text = Text(no_wrap=False)
        if self.keys:
            text.append(visible(", ".join(self.keys)), style="bold")
        else:
            text.append("(none)", style="dim")
        text.append("  ▸ choose", style="dim italic")
        self.update(text)

    def action_pick(self) -> None:
        self.post_message(self.Pick(self))

    def action_clear(self) -> None:
        self.set_keys([])

    def on_click(self) -> None:
        self.action_pick()


class FieldRow(Vertical):
    """A labelled input with its error line."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, form_field: FormField, *, read_only: bool = False) -> None:
        super().__init__(id=f"row-{form_field.name}", classes="field-row")
        self.form_field = form_field
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        f = self.form_field
        label = Text(f.label, style="bold")
        if f.required:
            label.append(" *", style="red")
        yield Label(label, classes="field-label")
        yield self._input()
        yield Static("", id=f"error-{f.name}", classes="field-error")

    def _input(self) -> Widget:
        f = self.form_field
        tooltip = plain(f.description) if f.description else None
        widget: Widget
        if f.widget == "long":
            widget = TextArea("", id=f"field-{f.name}", classes="field-input long", compact=True)
        elif f.widget in ("choice", "score"):
            values = f.choices if f.widget == "choice" else tuple(str(n) for n in score_range(None))
            widget = Select(
                [(plain(v), v) for v in values],
                id=f"field-{f.name}",
                classes="field-input",
                allow_blank=self.blank_allowed,
                compact=True,
                prompt="(none)",
            )
        elif f.widget in ("link", "links"):
            widget = LinkButton(f, id=f"field-{f.name}")
            widget.add_class("field-input")
        else:
            placeholder = "YYYY-MM-DD" if f.widget == "date" else ""
            widget = Input(
                id=f"field-{f.name}",
                classes="field-input",
                placeholder=placeholder,
                compact=True,
                disabled=self.read_only,
            )
        widget.tooltip = tooltip
        return widget

    @property
    def blank_allowed(self) -> bool:
        """Whether a choice field may be left empty: optional ones, and scores (which follow
        the matrix and are checked on saving)."""
        return not self.form_field.required or self.form_field.widget == "score"

    @property
    def input(self) -> Widget:
        return self.query_one(f"#field-{self.form_field.name}")

    def set_value(self, value: object) -> None:
        widget = self.input
        if isinstance(widget, LinkButton):
            items = value if isinstance(value, list) else [] if value is None else [value]
            widget.set_keys([str(v) for v in items])
        elif isinstance(widget, TextArea):
            widget.load_text("" if value is None else str(value))
        elif isinstance(widget, Select):
            text = None if value is None else str(getattr(value, "value", value))
            if text is not None:
                widget.value = text
            elif self.blank_allowed:
                widget.value = Select.NULL
            # else: a required choice without a value (a new entity) keeps the first choice,
            # which the Select shows; it cannot be blank (setting that raised and cut the form
            # short)
        elif isinstance(widget, Input):
            widget.value = "" if value is None else _text(value)

    def set_scale(self, scores: range) -> int | None:
        """Offer only ``scores`` in a score field. Returns the score it held if that is no
        longer offered (the field is then emptied), else None."""
        widget = self.input
        if self.form_field.widget != "score" or not isinstance(widget, Select):
            return None
        held = self.value()
        with widget.prevent(Select.Changed):
            widget.set_options([(plain(str(n)), str(n)) for n in scores])
            if isinstance(held, int) and held in scores:
                widget.value = str(held)
        return held if isinstance(held, int) and held not in scores else None

    def value(self) -> object:
        """What the field holds, as the model takes it (None when empty)."""
        widget = self.input
        if isinstance(widget, LinkButton):
            if self.form_field.widget == "links":
                return list(widget.keys)
            return widget.keys[0] if widget.keys else None
        if isinstance(widget, TextArea):
            return widget.text.strip() or None
        if isinstance(widget, Select):
            chosen = widget.value
            if not isinstance(chosen, str):
                return None
            return int(chosen) if self.form_field.widget == "score" else chosen
        if isinstance(widget, Input):
            return widget.value.strip() or None
        return None

    def show_errors(self, messages: list[str]) -> None:
        error = self.query_one(f"#error-{self.form_field.name}", Static)
        error.update(plain("\n".join(messages), style="bold red") if messages else "")
        error.display = bool(messages)
        self.set_class(bool(messages), "-invalid")


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
