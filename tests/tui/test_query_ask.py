"""The query console's Ask input: a question drafts a query into the editor through a worker
(against a real loopback chat-completions server); the person reads it and runs it with the run
action, through the read-only guard. At the smallest size and a wide one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from tui_helpers import settle, text_of

from riskgraph.register import Register
from riskgraph.trail import read_calls
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.query.console import STARTER, QueryScreen
from riskgraph.tui.query.params_form import ParamsForm
from riskgraph.tui.query.sparql_area import SparqlArea
from tests.assistant.chat_server import ChatServer, completion, json_answer

SIZES = [(80, 24), (220, 60)]
FOUNDATION = """SELECT DISTINCT ?id ?title WHERE {
  ?model dcterms:identifier "MOD-FOUNDATION" .
  ?system a rg:AISystem ; rg:dependsOn+ ?model ; dcterms:identifier ?id ; dcterms:title ?title .
}
ORDER BY ?id"""
OF_A_SYSTEM = """SELECT ?id WHERE {
  ?risk a rg:Risk ; dcterms:identifier ?id ; rg:affects ?system .
}
ORDER BY ?id"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    for name in ("OPENAI_API_KEY", "RISKGRAPH_REGISTER"):
        monkeypatch.delenv(name, raising=False)
    chat = ChatServer().start()
    monkeypatch.setenv("OPENAI_BASE_URL", chat.url)
    monkeypatch.setattr("riskgraph.tui.data.query.SLOW_SECONDS", float("inf"))
    yield chat
    chat.stop()


async def ask(pilot: Pilot[None], app: RiskgraphApp, question: str) -> QueryScreen:
    await pilot.press("4")
    await settle(pilot)
    console = app.screen
    assert isinstance(console, QueryScreen)
    await pilot.press("ctrl+g")
    box = console.query_one("#ask", Input)
    assert box.has_focus
    box.value = question
    await pilot.press("enter")
    await settle(pilot)
    return console


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_ask_drafts_into_the_editor_and_the_person_runs_it(
    writable: Register, server: ChatServer, size: tuple[int, int]
) -> None:
    server.script(
        json_answer(
            {"sparql": FOUNDATION, "explanation": "Systems that rely on it.", "parameters": []}
        )
    )
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        question = "which systems would a failing foundation model expose?"
        console = await ask(pilot, app, question)
        (request,) = server.requests
        assert question in request.body["messages"][1]["content"]
        editor = console.query_one("#editor", SparqlArea)
        assert editor.text.startswith(f"# title: Asked: {question}\n")
        assert FOUNDATION in editor.text
        assert "Systems that rely on it." in text_of(app, "#query-status")
        # nothing ran yet: the person reads the query first
        assert console.query_one("#results", DataTable).row_count == 0
        with writable.reader() as store:
            (drafted,) = list(read_calls(store))
        assert drafted.face == "tui" and json.loads(drafted.arguments)["ran"] is False
        await pilot.press("ctrl+enter")
        await settle(pilot)
        table = console.query_one("#results", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "SYS-CHATBOT",
            "SYS-CODE",
            "SYS-DRAFTING",
        ]
        assert text_of(app, "#query-status") == "showing 3 rows"
    with writable.reader() as store:
        calls = list(read_calls(store))
    assert [json.loads(c.arguments)["ran"] for c in calls] == [False, True]
    assert calls[-1].outcome == "ok"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_drafted_parameter_shows_in_the_form(
    writable: Register, server: ChatServer, size: tuple[int, int]
) -> None:
    declared = [{"name": "system", "type": "iri", "default": "SYS-CV", "description": "System"}]
    server.script(json_answer({"sparql": OF_A_SYSTEM, "explanation": "", "parameters": declared}))
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        console = await ask(pilot, app, "risks of the CV system?")
        await pilot.pause(0.6)
        await settle(pilot)
        form = console.query_one("#params", ParamsForm)
        assert [p.name for p in form.parameters] == ["system"]
        assert "SYS-CV" not in OF_A_SYSTEM
        await pilot.press("ctrl+enter")
        await settle(pilot)
        table = console.query_one("#results", DataTable)
        ids = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert "R-006" in ids and "R-001" not in ids


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_writing_answer_is_refused_and_the_editor_keeps_its_text(
    writable: Register, server: ChatServer, size: tuple[int, int]
) -> None:
    server.script(completion("DROP GRAPH <https://w3id.org/riskgraph/graph/register>"))
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        console = await ask(pilot, app, "[bold]drop[/bold] everything")
        status = text_of(app, "#query-status")
        assert "DROP is an update operation" in status
        assert console.query_one("#editor", SparqlArea).text == STARTER
        assert console.query_one("#results", DataTable).row_count == 0
    with writable.reader() as store:
        (call,) = list(read_calls(store))
        assert store.count("https://w3id.org/riskgraph/graph/register") > 0
    assert call.outcome.startswith("refused:")
    assert json.loads(call.arguments)["question"] == "[bold]drop[/bold] everything"


async def test_without_an_endpoint_the_console_says_how_to_configure(
    writable: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    app = make_app(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "anything?")
        assert "OPENAI_API_KEY" in text_of(app, "#query-status")
