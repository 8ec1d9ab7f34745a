"""Reviews, risk acceptances, control test plans and control tests in the terminal UI's forms:
the same write pipeline as 'riskgraph review', 'accept-risk' and 'add' (a review moves its item's
dates, an acceptance needs the authority role and gets the risk's hash, a closed test cannot
change), at a small and a wide size."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import make_app
from textual.widgets import OptionList, Static
from tui_helpers import settle

from riskgraph.model.entities import (
    ControlTest,
    ControlTestPlan,
    Entity,
    Review,
    Risk,
    RiskAcceptance,
)
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.tui.editor.fields import FieldRow
from riskgraph.tui.editor.form import EditorScreen

SMALL_AND_WIDE = [(80, 24), (220, 60)]


def entity(register: Register, entity_id: str) -> Entity | None:
    with register.reader() as store:
        return Repository(store, register.base_iri).get(entity_id)


def row(screen: EditorScreen, name: str) -> FieldRow:
    return screen.query_one(f"#row-{name}", FieldRow)


async def new_form(pilot, kind: str) -> EditorScreen:  # type: ignore[no-untyped-def]
    await pilot.press("n")
    await settle(pilot)
    kinds = pilot.app.screen.query_one("#kinds", OptionList)
    ids = [kinds.get_option_at_index(i).id for i in range(kinds.option_count)]
    assert {"review", "acceptance", "testplan", "test"} <= set(ids)
    kinds.highlighted = ids.index(kind)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EditorScreen)
    return pilot.app.screen


def shown(screen: EditorScreen) -> str:
    return " ".join(str(w.render()) for w in screen.query(Static))


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_a_review_saved_in_the_form_moves_the_risks_dates(
    writable: Register, size: tuple[int, int]
) -> None:
    before = entity(writable, "R-001")
    assert isinstance(before, Risk)
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "review")
        row(form, "title").set_value("Quarterly review of R-001")
        row(form, "item").set_value("R-001")
        row(form, "reviewed_by").set_value("P-AOKAFOR")
        row(form, "reviewed_on").set_value("2026-11-20")
        row(form, "outcome").set_value("confirmed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form, shown(form)
    reviews = [
        e
        for e in _all(writable, Review)
        if isinstance(e, Review) and e.item == "R-001" and e.reviewed_on == date(2026, 11, 20)
    ]
    assert len(reviews) == 1
    after = entity(writable, "R-001")
    assert isinstance(after, Risk) and after.last_reviewed == date(2026, 11, 20)
    assert after.review_due is not None and after.review_due > date(2026, 11, 20)
    assert after.review_due != before.review_due


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_an_acceptance_needs_the_authority_role_and_gets_the_risk_hash(
    writable: Register, size: tuple[int, int]
) -> None:
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "acceptance")
        accept_id = row(form, "id").value()
        assert "risk_hash" not in {r.id for r in form.query(FieldRow)}
        row(form, "title").set_value("Acceptance of R-002")
        row(form, "risk").set_value("R-002")
        row(form, "accepted_by").set_value("P-LCHEN")
        row(form, "accepted_on").set_value("2026-11-20")
        row(form, "justification").set_value("Residual risk accepted until the vendor fix ships.")
        row(form, "expires").set_value("2027-05-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form, "refused: P-LCHEN does not hold the authority role"
        assert "expected a person with the role ROLE-TOP-MGMT" in shown(form)
        assert entity(writable, str(accept_id)) is None
        row(form, "accepted_by").set_value("P-AOKAFOR")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form, shown(form)
    created = entity(writable, str(accept_id))
    assert isinstance(created, RiskAcceptance) and created.accepted_by == "P-AOKAFOR"
    assert created.risk_hash is not None and len(created.risk_hash) == 64


async def test_a_test_plan_and_a_closed_test_from_the_forms(writable: Register) -> None:
    app = make_app(writable)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "testplan")
        plan_id = str(row(form, "id").value())
        row(form, "title").set_value("Yearly walkthrough of C-030")
        row(form, "control").set_value("C-030")
        row(form, "method").set_value("Walkthrough with the control owner and a sample of records.")
        row(form, "frequency").set_value("365")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form, shown(form)
        form = await new_form(pilot, "test")
        test_id = str(row(form, "id").value())
        row(form, "title").set_value("Walkthrough of C-030, November 2026")
        row(form, "control").set_value("C-030")
        row(form, "plan").set_value(plan_id)
        row(form, "tested_on").set_value("2026-11-21")
        row(form, "tester").set_value("P-LCHEN")
        row(form, "result").set_value("passed")
        row(form, "closed").set_value(True)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form, shown(form)
    plan = entity(writable, plan_id)
    assert isinstance(plan, ControlTestPlan) and plan.frequency == 365
    test = entity(writable, test_id)
    assert isinstance(test, ControlTest) and test.closed and test.plan == plan_id


def _all(register: Register, cls: type[Entity]) -> list[Entity]:
    with register.reader() as store:
        return list(Repository(store, register.base_iri).all(cls)[0])


def test_intervals_are_typed_in_and_scores_are_chosen() -> None:
    """A review interval or a test frequency (days, up to ten years) is typed in; a score on a
    risk matrix is chosen from the matrix's scores."""
    from riskgraph.tui.data.editing import form_fields

    risk = {f.name: f.widget for f in form_fields(Risk)}
    assert risk["likelihood"] == "score" and risk["severity"] == "score"
    assert risk["review_interval"] == "text"
    assert {f.name: f.widget for f in form_fields(ControlTestPlan)}["frequency"] == "text"
