"""The query console: stored queries with parameters, "showing N of M", export of every row,
cancelling, and SPARQL highlighting."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select
from tui_helpers import SIZE, settle, text_of

from riskgraph.register import Register
from riskgraph.results import ResultKind, formats_for, read_manifest
from riskgraph.store.locking import access_lock
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.export.export_dialog import ExportDialog
from riskgraph.tui.query.console import QueryScreen
from riskgraph.tui.query.params_form import ParamsForm
from riskgraph.tui.query.sparql_area import SparqlArea
from riskgraph.tui.query.sparql_highlight import sparql_highlights


async def open_console(pilot: Pilot[None], app: RiskgraphApp) -> QueryScreen:
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(app.screen, QueryScreen)
    return app.screen


async def test_stored_query_with_parameters_then_export_every_row(
    writable: Register, tmp_path: Path
) -> None:
    writable.config.queries.display_limit = 3
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        console.query_one("#stored", Select).value = "risks-by-system"
        await settle(pilot)
        form = console.query_one("#params", ParamsForm)
        assert [p.name for p in form.parameters] == ["system"]
        assert console.query_one("#editor", SparqlArea).text.startswith("# title:")
        console.query_one("#param-system", Input).value = "SYS-CREDIT"
        await pilot.press("ctrl+enter")
        await settle(pilot)
        table = console.query_one("#results", DataTable)
        assert table.row_count == 3
        assert text_of(app, "#query-status") == "showing 3 of 8 rows"
        assert {str(table.get_row_at(i)[0]) for i in range(3)} == {"SYS-CREDIT"}

        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        offered = [fmt.name for fmt in dialog.formats]
        assert offered == [fmt.name for fmt in formats_for(ResultKind.SELECT)]
        assert offered[:3] == ["csv", "tsv", "json"] and "xlsx" in offered
        target = tmp_path / "credit-risks.csv"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is console
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    assert {row["system_id"] for row in rows} == {"SYS-CREDIT"}
    manifest = read_manifest(target)
    assert manifest.row_count == 8 and manifest.query_name == "risks-by-system"
    assert "system" in manifest.parameters


async def test_the_parameter_form_follows_the_header_of_typed_text(
    example: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("riskgraph.tui.data.query.SLOW_SECONDS", float("inf"))  # a busy machine
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        editor = console.query_one("#editor", SparqlArea)
        editor.load_text(
            "# param: wanted (string) A word the title must hold\n"
            "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
            "SELECT ?id WHERE { ?r dcterms:identifier ?id ; dcterms:title ?t .\n"
            "  FILTER(CONTAINS(LCASE(?t), ?wanted)) } ORDER BY ?id\n"
        )
        await pilot.pause(0.6)
        await settle(pilot)
        assert [p.name for p in console.query_one("#params", ParamsForm).parameters] == ["wanted"]
        await pilot.press("ctrl+enter")
        await settle(pilot)
        assert "needs a value for 'wanted'" in text_of(app, "#query-status")
        console.query_one("#param-wanted", Input).value = "chatbot"
        await pilot.press("f5")
        await settle(pilot)
        table = console.query_one("#results", DataTable)
        assert table.row_count > 0
        assert text_of(app, "#query-status") == f"showing {table.row_count} rows"


async def test_cancel_stops_waiting_and_drops_the_rows(writable: Register) -> None:
    app = make_app(writable)
    assert writable.folder is not None
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        assert not console.check_action("cancel", ())
        with access_lock(writable.folder, exclusive=True):  # a writer has the store open
            await pilot.press("ctrl+enter")
            await pilot.pause(0.2)
            assert console.running is not None and "running" in text_of(app, "#query-status")
            await pilot.press("escape")
            await pilot.pause()
            assert console.running is None
            assert text_of(app, "#query-status").startswith("cancelled")
        await settle(pilot)
        assert console.query_one("#results", DataTable).row_count == 0
        assert text_of(app, "#query-status").startswith("cancelled")


async def test_syntax_errors_are_shown_in_words_at_the_users_position(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        console.query_one("#editor", SparqlArea).load_text("SELECT % WHERE { ?s ?p ?o }")
        await pilot.press("ctrl+enter")
        await settle(pilot)
        status = " ".join(text_of(app, "#query-status").split())
        # the same words as `riskgraph query run -e` (tests/queries/test_query_syntax.py)
        assert (
            "line 1, column 8: expected a variable, an expression in brackets or * after SELECT, "
            "found '%'" in status
        )
        assert "error at" not in status


async def test_the_console_adds_the_standard_prefixes(example: Register) -> None:
    readme = "SELECT ?risk ?title WHERE { ?risk a rg:Risk ; dcterms:title ?title }"
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        console.query_one("#editor", SparqlArea).load_text(readme)
        await pilot.press("ctrl+enter")
        await settle(pilot)
        assert console.query_one("#results", DataTable).row_count == 46
        assert text_of(app, "#query-status").startswith("showing 46")


async def test_a_gap_rule_shows_headings_not_variable_names(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        await console.open_query("risks-above-appetite-without-controls", run=True)
        await settle(pilot)
        table = console.query_one("#results", DataTable)
        labels = [str(column.label) for column in table.ordered_columns]
        assert "Owner" in labels and "Level (1 to 7)" in labels and "ID" in labels
        assert not any("_" in label for label in labels)
        # the user's own text keeps its variable names
        editor = console.query_one("#editor", SparqlArea)
        editor.load_text(
            "SELECT ?owner_id WHERE { ?r rg:owner ?o . ?o dcterms:identifier ?owner_id }"
        )
        await pilot.press("ctrl+enter")
        await settle(pilot)
        assert [str(c.label) for c in table.ordered_columns] == ["owner_id"]


def test_highlighting_marks_each_kind_of_token() -> None:
    text = (
        "# a comment\n"
        'PREFIX rg: <https://w3id.org/riskgraph#>\nSELECT ?r WHERE { ?r a rg:Risk ; rg:x "é" }'
    )
    lines = sparql_highlights(text)
    assert lines[0] == [(0, 11, "comment")]
    assert (0, 6, "keyword") in lines[1] and (11, 40, "link.uri") in lines[1]
    styles = {style for _start, _end, style in lines[2]}
    assert {"keyword", "variable", "type.builtin", "string"} <= styles
    start, end, _style = next(h for h in lines[2] if h[2] == "string")
    assert end is not None and end - start == len('"é"'.encode())  # bytes, as TextArea wants


async def test_the_editor_applies_the_highlights(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        console = await open_console(pilot, app)
        editor = console.query_one("#editor", SparqlArea)
        editor.load_text("SELECT ?x WHERE { ?x ?y ?z }")
        await pilot.pause()
        assert (0, 6, "keyword") in editor._highlights[0]
