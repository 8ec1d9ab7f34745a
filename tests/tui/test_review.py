"""Draft review: the draft beside the risk's treatments, with its flags; accept, edit then
accept, or reject, by a person chosen in the dialog, through the assistant's API."""

from __future__ import annotations

from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea
from tui_helpers import SIZE, WIDE, settle, store_pending_draft, text_of

from riskgraph.assistant.records import load_draft
from riskgraph.model.entities import DraftStatus, Treatment, TreatmentStatus
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.review.decision import DecisionDialog
from riskgraph.tui.review.review import ReviewScreen


def draft_status(register: Register, draft_id: str) -> DraftStatus:
    with register.reader() as store:
        return load_draft(store, register.base_iri, draft_id).status


def treatments_of(register: Register, risk_id: str) -> list[Treatment]:
    with register.reader() as store:
        treatments, _ = Repository(store, register.base_iri).all(Treatment)
    return [t for t in treatments if isinstance(t, Treatment) and t.risk == risk_id]


async def open_review(pilot: Pilot[None], app: RiskgraphApp) -> ReviewScreen:
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def decide(pilot: Pilot[None], app: RiskgraphApp, key: str, person: str) -> DecisionDialog:
    await pilot.press(key)
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, DecisionDialog)
    dialog.query_one("#reviewer", Select).value = person
    return dialog


async def test_accept_a_draft_beside_the_current_treatments(writable: Register) -> None:
    draft_id = store_pending_draft(
        writable, "R-008", statement="Test the vendor model for bias; see C-999 for the method."
    )
    before = {t.id for t in treatments_of(writable, "R-008")}
    app = make_app(writable)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_review(pilot, app)
        shown = text_of(app, "#review-draft")
        assert draft_id in shown and "C-999" in shown and "⚑" in shown  # grounding flag
        context = text_of(app, "#review-context")
        assert "T-008" in context and "T-050" in context  # the risk's current treatments
        dialog = await decide(pilot, app, "a", "P-LCHEN")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert screen.drafts == []
    assert draft_status(writable, draft_id) is DraftStatus.ACCEPTED
    (new,) = [t for t in treatments_of(writable, "R-008") if t.id not in before]
    assert new.status is TreatmentStatus.APPROVED and new.approved_by == "P-LCHEN"
    assert "C-001" in new.uses_controls and new.derived_from is not None
    assert dialog.verdict == "accept"


async def test_edit_then_accept(writable: Register) -> None:
    draft_id = store_pending_draft(writable, "R-046", statement="Sandbox the agent's actions.")
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        dialog = await decide(pilot, app, "e", "P-AOKAFOR")
        await settle(pilot)
        editor = dialog.query_one("#edited", TextArea)
        assert "statement: Sandbox the agent's actions." in editor.text
        editor.load_text(
            editor.text.replace(
                "statement: Sandbox the agent's actions.",
                "statement: Run the agent in a sandbox and confirm each destructive action.",
            )
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    (treatment,) = treatments_of(writable, "R-046")
    assert treatment.statement == "Run the agent in a sandbox and confirm each destructive action."
    assert treatment.approved_by == "P-AOKAFOR"
    assert draft_status(writable, draft_id) is DraftStatus.ACCEPTED


async def test_reject_needs_a_person_and_a_reason(writable: Register) -> None:
    draft_id = store_pending_draft(writable, "R-014", statement="Ask customers how they feel.")
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        await pilot.press("ctrl+s")
        assert "only a named person" in str(dialog.query_one("#decision-error", Static).render())
        dialog.query_one("#reviewer", Select).value = "P-HBECK"
        await pilot.press("ctrl+s")
        assert "reason" in str(dialog.query_one("#decision-error", Static).render())
        dialog.query_one("#reason", Input).value = "T-014 is being reworked already."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert draft_status(writable, draft_id) is DraftStatus.REJECTED
    assert treatments_of(writable, "R-014")[0].id == "T-014"


async def test_the_dashboard_lists_pending_drafts_and_opens_one(writable: Register) -> None:
    first = store_pending_draft(writable, "R-008", statement="First draft.")
    second = store_pending_draft(writable, "R-014", statement="Second draft.")
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        current = screen.current()
        assert current is not None and current.id == second and first != second


MARKUP = "[/bold] [link=https://evil.example/steal]click to approve[/link] [bold red]x"
"""Rich markup a model (or a register author) might write: a closing tag with nothing open
crashes a markup parser; a link tag would make the text a clickable link."""


def _with_markup(register: Register) -> tuple[str, str]:
    """A person, a risk title and a treatment statement with markup in the register, and a
    pending draft whose statement holds markup and a terminal escape."""
    from riskgraph.store.base import commit

    with register.writer() as store:
        repo = Repository(store, register.base_iri)
        person = repo.get("P-LCHEN")
        risk = repo.get("R-008")
        treatment = repo.get("T-008")
        assert person is not None and risk is not None and treatment is not None
        changed = [
            person.model_copy(update={"title": f"Lee {MARKUP}"}),
            risk.model_copy(update={"title": f"Vendor bias {MARKUP}"}),
            treatment.model_copy(update={"statement": f"Register text {MARKUP}"}),
        ]
        commit(store, repo.plan_upsert(changed).changes)
    draft_id = store_pending_draft(register, "R-008", statement=f"Model text {MARKUP} \x1b[2J")
    return draft_id, MARKUP


async def test_model_and_register_text_is_shown_as_text_never_markup(writable: Register) -> None:
    draft_id, markup = _with_markup(writable)
    app = make_app(writable)
    async with app.run_test(size=WIDE) as pilot:
        await open_review(pilot, app)
        shown = text_of(app, "#review-draft")
        assert f"Model text {markup}" in shown  # literally, brackets and all
        assert "\x1b" not in shown
        context = text_of(app, "#review-context")
        assert f"Vendor bias {markup}" in context and f"Register text {markup}" in context
        # no link was made from the text
        static = app.screen.query_one("#review-draft", Static)
        rendered = static.render()
        spans = getattr(rendered, "spans", [])
        assert not any("link" in str(span.style) for span in spans)
        dialog = await decide(pilot, app, "a", "P-LCHEN")
        await settle(pilot)
        select = dialog.query_one("#reviewer", Select)
        labels = [str(prompt) for prompt, _ in select._options]
        assert any(f"Lee {markup}" in label for label in labels)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert app.return_code in (None, 0)
    assert draft_status(writable, draft_id) is DraftStatus.ACCEPTED
