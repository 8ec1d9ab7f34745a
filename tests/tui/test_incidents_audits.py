"""Incidents, audits and management reviews in the terminal UI: the new-entity list offers
them, and their forms save through the write pipeline (links picked, errors at the field), at a
small and a wide size."""

from __future__ import annotations

import pytest
from conftest import make_app
from textual.widgets import OptionList, Static
from tui_helpers import settle

from riskgraph.model.entities import Audit, Entity, Incident, ManagementReview
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.editor.fields import FieldRow, LinkButton
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.editor.link_picker import LinkPicker

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
    assert {"incident", "audit", "management-review"} <= set(ids)
    kinds.highlighted = ids.index(kind)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EditorScreen)
    return pilot.app.screen


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_new_incident_with_a_picked_risk(writable: Register, size: tuple[int, int]) -> None:
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "incident")
        assert row(form, "id").value() == "INC-003"
        row(form, "title").set_value("Chatbot refused to pass a distressed customer to a person")
        row(form, "occurred_on").set_value("2026-11-02")
        row(form, "systems").set_value(["SYS-CHATBOT"])
        row(form, "nonconformity").set_value(True)
        risks = row(form, "realised_risks").input
        risks.focus()
        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, LinkPicker)
        assert picker.choices and all(c.kind == "risk" for c in picker.choices)
        await pilot.press(*"R-014")
        await settle(pilot)
        await pilot.press("enter", "enter", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert isinstance(risks, LinkButton) and risks.keys == ["R-014"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = entity(writable, "INC-003")
        assert isinstance(created, Incident)
        assert created.realised_risks == ["R-014"] and created.systems == ["SYS-CHATBOT"]
        assert created.nonconformity is True and created.status.value == "open"


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_certification_audit_needs_its_body(
    writable: Register, size: tuple[int, int]
) -> None:
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "audit")
        assert row(form, "id").value() == "AUD-002"
        row(form, "title").set_value("Stage 2 certification audit")
        row(form, "audit_kind").set_value("certification")
        row(form, "starts_on").set_value("2026-12-07")
        row(form, "scope_clauses").set_value(["9.2", "10.2"])
        row(form, "scope_controls").set_value(["A.6.2.4"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form, "refused: a certification audit names its body"
        shown = " ".join(str(w.render()) for w in form.query(Static))
        assert "certification_body" in shown
        assert entity(writable, "AUD-002") is None
        row(form, "certification_body").set_value("Northgate Certification")
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = entity(writable, "AUD-002")
        assert isinstance(created, Audit)
        assert created.scope_clauses == ["10.2", "9.2"] and created.scope_controls == ["A.6.2.4"]


async def test_management_review_form_saves(writable: Register) -> None:
    app = make_app(writable)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await new_form(pilot, "management-review")
        assert row(form, "id").value() == "MR-002"
        row(form, "title").set_value("Management review, spring 2027")
        row(form, "held_on").set_value("2027-04-20")
        row(form, "attendees").set_value(["P-AOKAFOR", "P-LCHEN"])
        row(form, "inputs").set_value(["AUD-001", "INC-002"])
        row(form, "decisions").set_value("Approve the control test programme.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = entity(writable, "MR-002")
        assert isinstance(created, ManagementReview)
        assert created.inputs == ["AUD-001", "INC-002"]
        assert created.decisions == "Approve the control test programme."


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_explorer_shows_an_incident_and_edits_it(
    writable: Register, size: tuple[int, int]
) -> None:
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        app.open_node(writable.base_iri + "INC-002")
        await settle(pilot)
        explorer = app.screen
        assert isinstance(explorer, ExploreScreen) and explorer.detail is not None
        linked = {link.node.key for link in explorer.detail.links}
        assert {"SYS-FRAUD", "R-017", "R-021"} <= linked
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        row(form, "status").set_value("closed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        edited = entity(writable, "INC-002")
        assert isinstance(edited, Incident) and edited.status.value == "closed"
