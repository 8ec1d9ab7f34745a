"""The review screen: the pending drafts and risk candidates on the left; the selected one on the
right, beside the current treatments of its risk (a draft) or the current risks of its AI system
(a candidate). ``a`` accepts, ``e`` edits then accepts (drafts), ``r`` rejects."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from riskgraph.assistant.candidates import StoredCandidate
from riskgraph.assistant.display import plain
from riskgraph.assistant.mappings import StoredMapping
from riskgraph.tui.data.review import (
    CandidateContext,
    Decided,
    DraftContext,
    MappingContext,
    Pending,
    load_candidate_context,
    load_context,
    load_mapping_context,
    load_pending_reviews,
)
from riskgraph.tui.review.decision import DecisionDialog, Verdict
from riskgraph.tui.review.draft_view import (
    render_candidate,
    render_candidate_context,
    render_context,
    render_draft,
    render_mapping,
    render_mapping_context,
)
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.workers import describe_error, in_background

NO_DRAFTS = (
    "No drafts wait for review. The assistant writes drafts with "
    "'riskgraph assist draft', and risk candidates with 'riskgraph assist identify' or key i "
    "on an AI system (see docs/assistant.md)."
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
        self.drafts: list[Pending] = []
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
        table.add_columns(Text("draft"), Text("for"), Text("flags"))
        table.border_title = "Pending drafts"
        super().on_mount()

    def reload(self) -> None:
        register = self.rg.register
        in_background(
            self,
            lambda: load_pending_reviews(register),
            self._show_drafts,
            name="review-drafts",
            failed=self._failed,
        )

    def select_draft(self, draft_id: str) -> None:
        self.wanted = draft_id
        self._select_wanted()

    def _show_drafts(self, drafts: list[Pending]) -> None:
        self.drafts = drafts
        table = self.query_one("#review-drafts", DataTable)
        table.clear()
        for draft in drafts:
            flags = Text(str(len(draft.flags)), style="yellow" if draft.flags else "dim")
            target = (
                draft.system_id
                if isinstance(draft, StoredCandidate)
                else draft.entity_id
                if isinstance(draft, StoredMapping)
                else draft.risk_id
            )
            table.add_row(plain(draft.id), plain(target), flags, key=draft.id)
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

    def current(self) -> Pending | None:
        table = self.query_one("#review-drafts", DataTable)
        if not self.drafts or table.cursor_row >= len(self.drafts):
            return None
        return self.drafts[table.cursor_row]

    @on(DataTable.RowHighlighted, "#review-drafts")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        draft = self.current()
        if draft is None:
            return
        register = self.rg.register
        if isinstance(draft, StoredMapping):
            mapping = draft
            self.query_one("#review-draft", Static).update(render_mapping(mapping))
            self.query_one("#review-context", Static).update(Text("loading…", style="dim"))
            in_background(
                self,
                lambda: load_mapping_context(register, mapping),
                self._show_mapping_context,
                name="review-context",
                failed=self._failed,
            )
            self.refresh_bindings()
            return
        if isinstance(draft, StoredCandidate):
            candidate = draft
            self.query_one("#review-draft", Static).update(render_candidate(candidate))
            self.query_one("#review-context", Static).update(
                Text("loading the system…", style="dim")
            )
            in_background(
                self,
                lambda: load_candidate_context(register, candidate),
                self._show_candidate_context,
                name="review-context",
                failed=self._failed,
            )
            self.refresh_bindings()
            return
        treatment_draft = draft
        self.query_one("#review-draft", Static).update(render_draft(treatment_draft))
        self.query_one("#review-context", Static).update(Text("loading the risk…", style="dim"))
        in_background(
            self,
            lambda: load_context(register, treatment_draft),
            self._show_context,
            name="review-context",
            failed=self._failed,
        )
        self.refresh_bindings()

    def _show_context(self, context: DraftContext) -> None:
        current = self.current()
        if current is not None and current.id == context.draft.id:
            self.query_one("#review-context", Static).update(render_context(context))

    def _show_mapping_context(self, context: MappingContext) -> None:
        current = self.current()
        if current is not None and current.id == context.draft.id:
            self.query_one("#review-context", Static).update(render_mapping_context(context))

    def _show_candidate_context(self, context: CandidateContext) -> None:
        current = self.current()
        if current is not None and current.id == context.candidate.id:
            self.query_one("#review-context", Static).update(render_candidate_context(context))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            if parameters == ("edit",) and isinstance(
                self.current(), StoredCandidate | StoredMapping
            ):
                return None  # a candidate or a mapping is accepted as proposed, or rejected
            return bool(self.drafts) or None
        return True

    def action_decide(self, verdict: Verdict) -> None:
        if self.rg.refuse_write("deciding on a draft"):
            return
        draft = self.current()
        if draft is None:
            self.notify("There is no draft to decide on.", severity="warning")
            return

        def decided(decision: Decided | None) -> None:
            if decision is None:
                return
            self.app.notify(decision.message, title="Decision recorded", markup=False)
            self.rg.data_changed()

        kind = (
            "candidate"
            if isinstance(draft, StoredCandidate)
            else "mapping"
            if isinstance(draft, StoredMapping)
            else "draft"
        )
        self.app.push_screen(DecisionDialog(draft.id, verdict, kind=kind), decided)
