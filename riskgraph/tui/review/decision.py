"""The reviewer's decision on a draft: who decides (a person in the register), and for a
rejection why, for an edit the treatment as YAML. Errors show in the dialog; nothing is written
until the assistant's API accepts the decision."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from riskgraph.assistant.display import plain
from riskgraph.tui.data.review import (
    Decided,
    Reviewer,
    decide_accept,
    decide_reject,
    editable_text,
    load_reviewers,
)
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp

Verdict = Literal["accept", "edit", "reject"]
TITLES = {
    "accept": "Accept {draft} as an approved treatment",
    "edit": "Edit {draft}, then accept it",
    "reject": "Reject {draft}",
}
CANDIDATE_TITLES = {
    "accept": "Accept {draft} as a register risk of its AI system",
    "reject": "Reject {draft}",
}
MAPPING_TITLES = {
    "accept": "Accept {draft}: link the entity to the concept",
    "reject": "Reject {draft}",
}


class DecisionDialog(ModalScreen[Decided | None]):
    CSS_PATH = "decision.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="esc"),
        Binding("ctrl+s", "confirm", "Confirm", key_display="^s", priority=True),
    ]

    def __init__(self, draft_id: str, verdict: Verdict, *, kind: str = "draft") -> None:
        super().__init__()
        self.draft_id = draft_id
        self.verdict = verdict
        self.kind = kind
        """'draft' (a treatment draft), 'candidate' (a risk candidate) or 'mapping'."""
        self.busy = False

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-box", classes=self.verdict):
            titles = {"candidate": CANDIDATE_TITLES, "mapping": MAPPING_TITLES}.get(
                self.kind, TITLES
            )
            yield Label(
                plain(titles[self.verdict].format(draft=self.draft_id)), id="decision-title"
            )
            yield Label("Who decides? (a person in the register; this is your signature)")
            yield Select[str]([], prompt="choose the reviewer", id="reviewer")
            if self.verdict == "reject":
                yield Label("Why is it rejected?")
                yield Input(placeholder=f"the reason, kept with the {self.kind}", id="reason")
            if self.verdict == "edit":
                yield Label("The treatment to accept (YAML; lines starting with # are notes)")
                yield TextArea("", id="edited", language=None)
            yield Static("", id="decision-error")
            with Horizontal(id="decision-buttons"):
                yield Button(
                    self.verdict.capitalize() if self.verdict != "edit" else "Accept",
                    variant="error" if self.verdict == "reject" else "primary",
                    id="decision-go",
                    compact=True,
                )
                yield Button("Cancel", id="decision-cancel", compact=True)

    def on_mount(self) -> None:
        register, draft_id = self.rg.register, self.draft_id
        in_background(self, lambda: load_reviewers(register), self._reviewers, name="reviewers")
        if self.verdict == "edit":
            in_background(
                self,
                lambda: editable_text(register, draft_id),
                lambda text: self.query_one("#edited", TextArea).load_text(text),
                name="draft-yaml",
                failed=self._failed,
            )
        self.query_one("#reviewer", Select).focus()

    def _reviewers(self, reviewers: list[Reviewer]) -> None:
        self.query_one("#reviewer", Select).set_options(
            (plain(f"{r.id}  {r.name}"), r.id) for r in reviewers
        )

    @on(Button.Pressed, "#decision-go")
    def _go(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#decision-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        if self.busy:
            return
        person = self.query_one("#reviewer", Select).value
        if not isinstance(person, str):
            self._error("Choose who takes the decision: only a named person can.")
            return
        register, draft_id = self.rg.register, self.draft_id
        if self.verdict == "reject":
            reason = self.query_one("#reason", Input).value
            if not reason.strip():
                self._error("Give the reason for the rejection.")
                return

            def job() -> Decided:
                return decide_reject(register, draft_id, person, reason)
        else:
            edited = self.query_one("#edited", TextArea).text if self.verdict == "edit" else None

            def job() -> Decided:
                return decide_accept(register, draft_id, person, edited)

        self.busy = True
        self.query_one("#decision-error", Static).update(Text("saving…", style="italic"))
        in_background(self, job, self._done, name="decision", failed=self._failed)

    def _done(self, decision: Decided) -> None:
        self.busy = False
        self.dismiss(decision)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._error(describe_error(exc))

    def _error(self, message: str) -> None:
        self.query_one("#decision-error", Static).update(Text(message, style="bold red"))
