"""Mapping drafts of agents on the review screen: the link it would write beside both ends; a
named person accepts it (the same write as 'riskgraph library link') or rejects it with a
reason."""

from __future__ import annotations

import pytest
from conftest import make_app
from textual.widgets import Input, Select
from tui_helpers import SIZE, settle, text_of

from riskgraph.assistant.mappings import StoredMapping, load_mapping_drafts, store_agent_mapping
from riskgraph.library.crosswalk import read_mappings
from riskgraph.model.entities import DraftStatus
from riskgraph.register import Register
from riskgraph.tui.review.decision import DecisionDialog
from riskgraph.tui.review.review import ReviewScreen
from riskgraph.vocab import ISO42001, REGISTER_GRAPH

WIDEST = (220, 60)


def propose(register: Register, entity: str, concept: str, why: str) -> str:
    stored = store_agent_mapping(
        register, {"entity": entity, "concept": concept, "why": why}, client="test-agent 1.0"
    )
    return str(stored["draft"])


def drafts(register: Register) -> dict[str, StoredMapping]:
    with register.reader() as store:
        return {d.id: d for d in load_mapping_drafts(store, register.base_iri)}


@pytest.mark.parametrize("size", [SIZE, WIDEST], ids=["80x24", "220x60"])
async def test_accept_one_mapping_and_reject_another(
    writable: Register, size: tuple[int, int]
) -> None:
    first = propose(writable, "C-004", "A.6.2.6", "Drift [bold]monitoring[/] is operation.")
    second = propose(writable, "R-001", "A.5.4", "Impact on individuals.")
    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        current = screen.current()
        assert isinstance(current, StoredMapping) and current.id == first
        shown = text_of(app, "#review-draft")
        assert "C-004 closeMatch A.6.2.6" in shown and "[bold]monitoring[/]" in shown
        assert "test-agent 1.0" in shown
        context = text_of(app, "#review-context")
        assert "C-004" in context and "A.6.2.6" in context
        assert screen.check_action("decide", ("edit",)) is None
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        dialog.query_one("#reviewer", Select).value = "P-LCHEN"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        dialog.query_one("#reviewer", Select).value = "P-HBECK"
        dialog.query_one("#reason", Input).value = "A.5.4 is about assessment, not this risk."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.drafts == []
    decided = drafts(writable)
    assert decided[first].status is DraftStatus.ACCEPTED and decided[first].reviewer == "P-LCHEN"
    assert decided[second].status is DraftStatus.REJECTED and decided[second].reason
    with writable.reader() as store:
        links = {
            (m.subject.removeprefix(writable.base_iri), m.predicate, m.object, m.author)
            for m in read_mappings(store, [REGISTER_GRAPH])
        }
    assert ("C-004", "closeMatch", ISO42001 + "A.6.2.6", "P-LCHEN") in links
    assert not any(s == "R-001" and o == ISO42001 + "A.5.4" for s, _p, o, _a in links)
