"""Risk identification from the TUI: key i (or the palette) on an AI system runs the same core
function as 'riskgraph assist identify' in a worker, stores the candidates as pending drafts and
opens the review screen on them, where a named person accepts or rejects each."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static
from tui_helpers import SIZE, settle, text_of

from riskgraph.assistant.candidates import StoredCandidate, load_candidates
from riskgraph.library.catalogue import load
from riskgraph.model.entities import DraftStatus, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.browser.browser import BrowserScreen
from riskgraph.tui.commands import app_actions
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.review.decision import DecisionDialog
from riskgraph.tui.review.identify import IdentifyDialog
from riskgraph.tui.review.review import ReviewScreen
from riskgraph.validation import validate_store
from tests.assistant.chat_server import ChatServer, Step, json_answer

WIDEST = (220, 60)


@pytest.fixture(autouse=True)
def _no_ambient_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline unless a test configures the loopback server: a developer's settings stay out."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def with_libraries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("identify") / "example"
    load(init_register(folder, with_example=True), ["finos-aigf", "ai-atlas-nexus"])
    return folder


@pytest.fixture
def register(with_libraries: Path, tmp_path: Path) -> Iterator[Register]:
    folder = tmp_path / "register"
    shutil.copytree(with_libraries, folder)
    yield Register.open(folder)


def candidates(register: Register, system_id: str) -> list[StoredCandidate]:
    with register.reader() as store:
        return [c for c in load_candidates(store, register.base_iri) if c.system_id == system_id]


def risks_of(register: Register, system_id: str) -> dict[str, Risk]:
    with register.reader() as store:
        risks, _ = Repository(store, register.base_iri).all(Risk)
    return {r.id: r for r in risks if isinstance(r, Risk) and system_id in r.affects}


async def select_system(pilot: Pilot[None], app: RiskgraphApp, system_id: str) -> BrowserScreen:
    await pilot.press("2")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BrowserScreen) and screen.tab == "systems"
    ids = [row.cells[0] for row in screen.shown_rows]
    screen.query_one("#listing", DataTable).move_cursor(row=ids.index(system_id))
    await pilot.pause()
    return screen


async def decide(
    pilot: Pilot[None], app: RiskgraphApp, key: str, person: str, reason: str | None = None
) -> None:
    await pilot.press(key)
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, DecisionDialog)
    dialog.query_one("#reviewer", Select).value = person
    if reason is not None:
        dialog.query_one("#reason", Input).value = reason
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.mark.parametrize("size", [SIZE, WIDEST], ids=["80x24", "220x60"])
async def test_identify_offline_from_the_browser_then_accept_and_reject(
    register: Register, size: tuple[int, int]
) -> None:
    before = risks_of(register, "SYS-CREDIT")
    app = make_app(register)
    async with app.run_test(size=size) as pilot:
        await select_system(pilot, app, "SYS-CREDIT")
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        stored = candidates(register, "SYS-CREDIT")
        assert stored and all(c.status is DraftStatus.PENDING for c in stored)
        assert {c.method for c in stored} == {"baseline"}
        first = screen.current()
        assert isinstance(first, StoredCandidate) and first.id == stored[0].id
        shown = text_of(app, "#review-draft")
        assert f"Risk candidate {first.id}" in shown and "SYS-CREDIT" in shown
        assert "offline ranker (BM25)" in shown and "cites" in shown
        assert (first.concepts and "finos-aigf:" in shown) or "ai-atlas-nexus:" in shown
        context = text_of(app, "#review-context")
        assert "Current risks of the system" in context and "R-001" in context
        listed = screen.query_one("#review-drafts", DataTable)
        assert listed.row_count == len(stored)
        assert screen.check_action("decide", ("edit",)) is None  # accepted as proposed

        await decide(pilot, app, "a", "P-DMURPHY")
        assert isinstance(app.screen, ReviewScreen)
        second = app.screen.current()
        assert isinstance(second, StoredCandidate) and second.id != first.id
        await decide(pilot, app, "r", "P-LCHEN", reason="Covered by R-001 already.")
        assert isinstance(app.screen, ReviewScreen)
    decided = {c.id: c for c in candidates(register, "SYS-CREDIT")}
    assert decided[first.id].status is DraftStatus.ACCEPTED
    assert decided[first.id].reviewer == "P-DMURPHY"
    assert decided[second.id].status is DraftStatus.REJECTED
    assert decided[second.id].reason == "Covered by R-001 already."
    (new,) = set(risks_of(register, "SYS-CREDIT")) - set(before)
    assert decided[first.id].risk_id == new
    with register.reader() as store:
        report = validate_store(store)
    assert report.conforms, report


def _answer_with_the_shortlist(body: dict[str, Any]) -> Step:
    schema = body["response_format"]["json_schema"]["schema"]
    refs = schema["properties"]["candidates"]["items"]["properties"]["concepts"]["items"]["enum"]
    return json_answer(
        {
            "candidates": [
                {
                    "concepts": [refs[1]],
                    "title": "Chatbot gives [bold]wrong[/] answers on refunds",
                    "description": "Customers act on invented refund rules.",
                    "why": "The assistant answers customer questions in natural language.",
                    "likelihood": 3,
                    "severity": 3,
                }
            ]
        }
    )


async def test_identify_through_the_model_from_the_explorer(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ChatServer(_answer_with_the_shortlist).start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        app = make_app(register)
        async with app.run_test(size=WIDEST) as pilot:
            await settle(pilot)
            app.open_node(register.base_iri + "SYS-CHATBOT")
            await settle(pilot)
            assert isinstance(app.screen, ExploreScreen)
            await pilot.press("i")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            current = screen.current()
            assert isinstance(current, StoredCandidate) and current.method == "llm"
            shown = text_of(app, "#review-draft")
            assert "Chatbot gives [bold]wrong[/] answers" in shown  # text, never markup
            assert "language model" in shown
        assert len(server.requests) == 1
    finally:
        server.stop()
    (stored,) = candidates(register, "SYS-CHATBOT")
    assert stored.status is DraftStatus.PENDING and stored.endpoint_host == server.host


async def test_the_action_is_offered_on_ai_systems_only(register: Register) -> None:
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        screen = await select_system(pilot, app, "SYS-CV")
        assert "Identify risks" in [name for name, _help, _run in app_actions(app)]
        await pilot.press("t", "t")  # the Risks tab
        await settle(pilot)
        assert screen.tab == "risks"
        assert "Identify risks" not in [name for name, _help, _run in app_actions(app)]
        await pilot.press("i")
        await settle(pilot)
        assert app.screen is screen
        app.open_node(register.base_iri + "R-001")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        assert app.screen.check_action("identify", ()) is False
    assert candidates(register, "SYS-CV") == []


async def test_the_palette_entry_runs_identification(register: Register) -> None:
    app = make_app(register)
    async with app.run_test(size=SIZE) as pilot:
        await select_system(pilot, app, "SYS-FRAUD")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Identify risks")
        await pilot.pause(0.5)  # the palette searches as you type, in its own workers
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert candidates(register, "SYS-FRAUD")


async def test_a_failure_is_shown_in_the_dialog(example: Register) -> None:
    """The example without libraries: nothing to cite, which the dialog says; esc closes it."""
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        browser = await select_system(pilot, app, "SYS-CREDIT")
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, IdentifyDialog)
        status = str(dialog.query_one("#identify-status", Static).render())
        assert "librar" in status
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is browser
