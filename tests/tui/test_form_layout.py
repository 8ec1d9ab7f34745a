"""Every field of every form shows its input, at every terminal size: a region of non-zero size
that is on screen once scrolled to, and really drawn there (the widget under its centre is the
input). A form that clips its inputs lets the user type blind into a field they cannot see."""

from __future__ import annotations

import pytest
from conftest import make_app
from textual.geometry import Offset
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static
from tui_helpers import SIZE_IDS, SIZES, settle

from riskgraph.model.entities import Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.editor.fields import FieldRow
from riskgraph.tui.editor.form import EditorScreen


def drawn_at_centre(app: RiskgraphApp, widget: Widget) -> bool:
    region = widget.region
    width, height = app.size
    if region.width <= 0 or region.height <= 0:
        return False
    centre = Offset(region.x + region.width // 2, region.y + region.height // 2)
    if not (0 <= centre.x < width and 0 <= centre.y < height):
        return False
    under, _ = app.screen.get_widget_at(*centre)
    return under is widget or widget in under.ancestors


async def assert_every_field_visible(pilot: Pilot[None], form: EditorScreen) -> None:
    app = pilot.app
    assert isinstance(app, RiskgraphApp)
    rows = list(form.query(FieldRow))
    assert rows
    for row in rows:
        row.scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        name = row.form_field.name
        assert drawn_at_centre(app, row.input), f"input of {name!r} not visible at {app.size}"
        error = form.query_one(f"#error-{name}")
        if error.display:
            assert drawn_at_centre(app, error), f"error of {name!r} not visible at {app.size}"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_edit_form_inputs_and_errors_are_visible(
    example: Register, size: tuple[int, int]
) -> None:
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        app.edit("R-001")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        await assert_every_field_visible(pilot, form)
        # with an error under every field, each input and each error still shows
        form.show_errors({r.form_field.name: ["a problem"] for r in form.query(FieldRow)})
        await pilot.pause()
        await assert_every_field_visible(pilot, form)


@pytest.mark.parametrize("kind", ["control", "treatment", "evidence"])
async def test_create_forms_inputs_are_visible_wide(example: Register, kind: str) -> None:
    app = make_app(example)
    async with app.run_test(size=(160, 48)) as pilot:
        app.new(kind)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        await assert_every_field_visible(pilot, form)


async def test_typing_into_a_wide_form_edits_the_field_the_user_sees(writable: Register) -> None:
    app = make_app(writable)
    async with app.run_test(size=(160, 48)) as pilot:
        app.edit("R-001")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        title = form.query_one("#field-title", Input)
        await pilot.click(title)
        await pilot.press("end", *" (reviewed)", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
    with writable.reader() as store:
        saved = Repository(store, writable.base_iri).get("R-001")
    assert isinstance(saved, Risk) and saved.title.endswith(" (reviewed)")


@pytest.mark.parametrize("kind", ["treatment", "control"])
async def test_a_new_form_with_a_required_choice_opens_completely(
    example: Register, kind: str
) -> None:
    """A required choice has no value on a new entity: its row keeps the first choice, and the
    rest of the form is still filled in (setting it blank raised and cut the opening short)."""
    app = make_app(example)
    async with app.run_test(size=(120, 36)) as pilot:
        app.new(kind)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditorScreen)
        assert "required" in str(form.query_one("#form-status", Static).content)
        assert form.focused is not None
        assert not [w for w in app.workers if w.state.name == "ERROR"]
        for row in form.rows():
            if row.form_field.widget == "choice" and not row.blank_allowed:
                assert row.value() == row.form_field.choices[0], row.form_field.name
