"""Forms: edit and save, checks that stop a save with the error at the field, pickers for
links, creating an entity, and undo."""

from __future__ import annotations

from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from tui_helpers import SIZE, settle

from riskgraph.model.entities import Control, Entity, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.scoring import matrix
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.editor.fields import FieldRow, LinkButton
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.editor.link_picker import LinkPicker
from riskgraph.vocab import REGISTER_GRAPH, RG


def entity(register: Register, entity_id: str) -> Entity | None:
    with register.reader() as store:
        return Repository(store, register.base_iri).get(entity_id)


def stored_level(register: Register, entity_id: str) -> str:
    with register.reader() as store:
        quads = store.quads(REGISTER_GRAPH, subject=register.base_iri + entity_id)
        return next(str(q.object) for q in quads if q.predicate.value == RG + "inherentLevel")


def register_quads(register: Register) -> set[object]:
    with register.reader() as store:
        return set(store.quads(REGISTER_GRAPH))


def row(screen: EditorScreen, name: str) -> FieldRow:
    return screen.query_one(f"#row-{name}", FieldRow)


def error_at(screen: EditorScreen, name: str) -> str:
    return str(screen.query_one(f"#error-{name}", Static).render())


async def open_form(pilot: Pilot[None], app: RiskgraphApp, entity_id: str) -> EditorScreen:
    app.open_node(app.register.base_iri + entity_id)
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, EditorScreen)
    return app.screen


async def test_edit_save_and_undo(writable: Register) -> None:
    before = entity(writable, "R-001")
    assert isinstance(before, Risk)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "R-001")
        title = row(form, "title").input
        assert isinstance(title, Input) and title.value == before.title
        title.value = "Proxy discrimination in credit and card decisions"
        row(form, "severity").set_value(5)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
        saved = entity(writable, "R-001")
        assert isinstance(saved, Risk)
        assert saved.title == "Proxy discrimination in credit and card decisions"
        assert saved.severity == 5
        level = matrix("5x5").level(saved.likelihood, 5)
        assert stored_level(writable, "R-001") == f"<{level.iri}>"
        assert saved.affects == before.affects and saved.sources == before.sources
        assert len(app.changes) == 1
        await pilot.press("u")
        await settle(pilot)
        assert entity(writable, "R-001") == before
        assert app.changes == []


async def test_model_errors_show_at_their_fields_and_nothing_is_written(
    writable: Register,
) -> None:
    quads = register_quads(writable)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "R-001")
        row(form, "review_due").set_value("2027-02-30")
        row(form, "last_reviewed").set_value("2026-13-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "not a valid date" in error_at(form, "review_due")
        assert "not a valid date" in error_at(form, "last_reviewed")
        assert error_at(form, "title") == ""
        assert row(form, "review_due").has_class("-invalid")
        assert "2 problem(s)" in str(form.query_one("#form-status", Static).render())
        assert "nothing was written" in str(form.query_one("#form-status", Static).render())
        # fixed fields lose their errors; the next problem shows at its own field
        row(form, "review_due").set_value("2027-02-28")
        row(form, "last_reviewed").set_value("2026-11-01")
        row(form, "residual_severity").set_value(None)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_at(form, "review_due") == "" and error_at(form, "last_reviewed") == ""
        assert "residual_likelihood and residual_severity" in error_at(form, "residual_likelihood")
    assert register_quads(writable) == quads


async def test_shapes_errors_show_at_their_fields(writable: Register) -> None:
    quads = register_quads(writable)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "R-002")
        affects = row(form, "affects").input
        assert isinstance(affects, LinkButton) and affects.keys
        affects.focus()
        await pilot.press("delete")  # a risk must affect an AI system (SHACL, not the model)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "affects no AI system" in error_at(form, "affects")
    assert register_quads(writable) == quads


async def test_core_rules_show_at_their_fields(writable: Register) -> None:
    """The residual rule of the core pipeline (the same as the CLI's) stops the save."""
    quads = register_quads(writable)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "R-001")
        row(form, "residual_likelihood").set_value(5)
        row(form, "residual_severity").set_value(5)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        message = error_at(form, "residual_likelihood")
        assert "above the inherent level" in message and "controls cannot raise" in message
        assert "--" not in message
    assert register_quads(writable) == quads


async def test_create_with_pickers_then_undo_removes_it(writable: Register) -> None:
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot)
        kinds = app.screen.query_one("#kinds", OptionList)
        kinds.highlighted = [kinds.get_option_at_index(i).id for i in range(4)].index("control")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        editor: EditorScreen = form
        new_id = row(form, "id").value()
        assert new_id == "C-047"
        row(form, "title").set_value("Monthly drift review of credit models")
        row(form, "status").set_value("implemented")
        mitigates = row(form, "mitigates").input
        mitigates.focus()
        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, LinkPicker)
        assert all(c.kind == "risk" for c in picker.choices)
        await pilot.press(*"R-003")
        await settle(pilot)
        await pilot.press("enter", "enter", "ctrl+s")  # to the list, tick the first, done
        await settle(pilot)
        assert app.screen is editor
        assert isinstance(mitigates, LinkButton) and mitigates.keys == ["R-003"]
        row(editor, "addresses").set_value(["A.6.2.6"])
        owner = editor.query_one("#field-owner", LinkButton)
        owner.focus()
        await pilot.press("enter", *"Lena", "enter", "enter")  # single: enter picks
        await settle(pilot)
        assert owner.keys == ["P-LCHEN"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = entity(writable, "C-047")
        assert isinstance(created, Control)
        assert created.mitigates == ["R-003"] and created.owner == "P-LCHEN"
        assert created.status.value == "implemented" and created.addresses == ["A.6.2.6"]
        assert app.history.current == writable.base_iri + "C-047"
        await pilot.press("u")
        await settle(pilot)
        assert entity(writable, "C-047") is None
        assert app.history.current != writable.base_iri + "C-047"
        # the ID is free again, though it keeps its history: a new C-047 can be saved
        app.new("control")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, EditorScreen) and row(again, "id").value() == "C-047"
        row(again, "title").set_value("Quarterly drift review")
        row(again, "mitigates").set_value(["R-003"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        recreated = entity(writable, "C-047")
        assert isinstance(recreated, Control) and recreated.title == "Quarterly drift review"


async def test_a_locked_register_is_reported_with_its_holder(writable: Register) -> None:
    from riskgraph.store.locking import writer_lock

    quads = register_quads(writable)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "T-001")
        row(form, "statement").set_value("Test and remove proxy effects every quarter.")
        assert writable.folder is not None
        with writer_lock(writable.folder):
            await pilot.press("ctrl+s")
            await settle(pilot)
        status = str(form.query_one("#form-status", Static).render())
        assert app.screen is form and "is being written by process" in status
    assert register_quads(writable) == quads


def test_form_fields_of_a_risk() -> None:
    from riskgraph.tui.data.editing import form_fields

    fields = {f.name: f for f in form_fields(Risk)}
    assert fields["likelihood"].widget == "score" and fields["likelihood"].required
    assert fields["affects"].widget == "links" and fields["owner"].widget == "link"
    assert fields["matrix"].choices == ("3x3", "5x5", "7x7")


def offered(form: EditorScreen, name: str) -> list[str]:
    select = row(form, name).input
    assert isinstance(select, Select)
    return [str(value) for _prompt, value in select._options if isinstance(value, str)]


async def test_score_pickers_offer_the_risks_own_matrix(writable: Register) -> None:
    quads = register_quads(writable)
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "R-001")
        assert row(form, "matrix").value() == "5x5"
        for name in ("likelihood", "severity", "residual_likelihood", "residual_severity"):
            assert offered(form, name) == ["1", "2", "3", "4", "5"], name
        before = row(form, "severity").value()
        assert isinstance(before, int) and before > 3
        row(form, "matrix").set_value("3x3")
        await settle(pilot)
        assert offered(form, "severity") == ["1", "2", "3"]
        assert row(form, "severity").value() is None  # emptied, and the field says why
        assert f"{before} is not on the 3x3 matrix: choose from 1 to 3" in error_at(
            form, "severity"
        )
        row(form, "matrix").set_value("7x7")
        await settle(pilot)
        assert offered(form, "likelihood") == [str(n) for n in range(1, 8)]
        await pilot.press("ctrl+s")  # the emptied severity stops the save
        await settle(pilot)
        assert app.screen is form and error_at(form, "severity")
    assert register_quads(writable) == quads
