"""The review screen: the pending drafts on the left; the selected one, beside the current
treatments of its risk, on the right. ``a`` accepts, ``e`` edits then accepts, ``r`` rejects."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from riskgraph.assistant.display import plain
from riskgraph.assistant.records import StoredDraft
from riskgraph.assistant.review import Decision
from riskgraph.tui.data.review import DraftContext, load_context, load_pending
from riskgraph.tui.review.decision import DecisionDialog, Verdict
from riskgraph.tui.review.draft_view import render_context, render_draft
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.workers import describe_error, in_background

NO_DRAFTS = (
    "No drafts wait for review. The assistant writes drafts with "
    "'riskgraph assist draft' (see docs/assistant.md)."
)


class ReviewScreen(RegisterScreen):
    MODE = "review"
    AUTO_FOCUS = "#review-drafts"
    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept"),
        Binding("e", "decide('edit')", "Edit then accept"),
        Binding("r", "decide('reject')", "Reject"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.drafts: list[StoredDraft] = []
        self.wanted: str | None = None
        """A draft to select once the list has loaded (from the dashboard)."""

    def body(self) -> ComposeResult:
        with Horizontal(id="review-main"):
            yield DataTable(id="review-drafts", cursor_type="row", zebra_stripes=True)
            with Container(id="review-detail"):
                with VerticalScroll(id="review-draft-box", can_focus=False):
                    yield Static("", id="review-draft")
                with VerticalScroll(id="review-context-box", can_focus=False):
                    yield Static("", id="review-context")

    def on_mount(self) -> None:
        table = self.query_one("#review-drafts", DataTable)
        table.add_columns(Text("draft"), Text("risk"), Text("flags"))
        table.border_title = "Pending drafts"
        super().on_mount()

    def reload(self) -> None:
        register = self.rg.register
        in_background(
            self,
            lambda: load_pending(register),
            self._show_drafts,
            name="review-drafts",
            failed=self._failed,
        )

    def select_draft(self, draft_id: str) -> None:
        self.wanted = draft_id
        self._select_wanted()

    def _show_drafts(self, drafts: list[StoredDraft]) -> None:
        self.drafts = drafts
        table = self.query_one("#review-drafts", DataTable)
        table.clear()
        for draft in drafts:
            flags = Text(str(len(draft.flags)), style="yellow" if draft.flags else "dim")
            table.add_row(plain(draft.id), plain(draft.risk_id), flags, key=draft.id)
        table.border_subtitle = f"{len(drafts)} pending"
        if not drafts:
            self.query_one("#review-draft", Static).update(Text(NO_DRAFTS, style="dim"))
            self.query_one("#review-context", Static).update("")
        self._select_wanted()
        self.refresh_bindings()

    def _select_wanted(self) -> None:
        table = self.query_one("#review-drafts", DataTable)
        ids = [d.id for d in self.drafts]
        if self.wanted in ids:
            table.move_cursor(row=ids.index(self.wanted))
            self.wanted = None
            table.focus()

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#review-draft", Static).update(Text(describe_error(exc), style="red"))

    def current(self) -> StoredDraft | None:
        table = self.query_one("#review-drafts", DataTable)
        if not self.drafts or table.cursor_row >= len(self.drafts):
            return None
        return self.drafts[table.cursor_row]

    @on(DataTable.RowHighlighted, "#review-drafts")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        draft = self.current()
        if draft is None:
            return
        self.query_one("#review-draft", Static).update(render_draft(draft))
        self.query_one("#review-context", Static).update(Text("loading the risk…", style="dim"))
        register = self.rg.register
        in_background(
            self,
            lambda: load_context(register, draft),
            self._show_context,
            name="review-context",
            failed=self._failed,
        )

    def _show_context(self, context: DraftContext) -> None:
        current = self.current()
        if current is not None and current.id == context.draft.id:
            self.query_one("#review-context", Static).update(render_context(context))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return bool(self.drafts) or None
        return True

    def action_decide(self, verdict: Verdict) -> None:
        if self.rg.refuse_write("deciding on a draft"):
            return
        draft = self.current()
        if draft is None:
            self.notify("There is no draft to decide on.", severity="warning")
            return

        def decided(decision: Decision | None) -> None:
            if decision is None:
                return
            if decision.treatment_id:
                created = (
                    f" and new planned control(s) {', '.join(decision.new_controls)}"
                    if decision.new_controls
                    else ""
                )
                message = f"{draft.id} accepted as {decision.treatment_id}{created}."
            else:
                message = f"{draft.id} rejected; the reason is kept with the draft."
            self.app.notify(message, title="Decision recorded", markup=False)
            self.rg.data_changed()

        self.app.push_screen(DecisionDialog(draft.id, verdict), decided)
