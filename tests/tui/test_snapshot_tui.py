"""Snapshots in the TUI: a snapshot opened read-only (every screen browses, every write is
refused with a message, the title says which snapshot), the picker, and the diff screen over the
two snapshots shipped with the example, at 80x24 and 220x60."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import run
from conftest import make_app
from textual.widgets import DataTable, Input, Select
from tui_helpers import settle, store_pending_draft

from riskgraph.register import Register
from riskgraph.snapshots import open_snapshot
from riskgraph.store.base import ChangeSet, ReadOnlyStoreError
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.browser.browser import BrowserScreen
from riskgraph.tui.commands import app_actions
from riskgraph.tui.dashboard.dashboard import DashboardScreen
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.editor.kind_picker import KindPicker
from riskgraph.tui.query.console import QueryScreen
from riskgraph.tui.review.review import ReviewScreen
from riskgraph.tui.snapshots.diff_screen import DiffScreen
from riskgraph.tui.snapshots.picker import SnapshotPicker
from riskgraph.tui.widgets.mode_bar import ModeBar
from riskgraph.tui.widgets.snapshot_banner import SnapshotBanner

MARCH = "2026-03-internal-audit"
SEPTEMBER = "2026-09-certification-audit"
SIZES = [(80, 24), (220, 60)]
SIZE_IDS = ["80x24", "220x60"]


def last_note(app: RiskgraphApp) -> tuple[str, str]:
    note = list(app._notifications)[-1]
    return note.title, note.message


def rows(app: RiskgraphApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@pytest.fixture
def with_draft(writable: Register) -> Register:
    store_pending_draft(writable, "R-008", statement="Test the vendor model for bias.")
    return writable


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_a_snapshot_opens_read_only_and_refuses_every_write(
    with_draft: Register, size: tuple[int, int]
) -> None:
    # a draft taken into the snapshot, so that deciding on it can be tried
    from riskgraph.snapshots import create_snapshot

    create_snapshot(with_draft, "with-draft")
    frozen = open_snapshot(with_draft, MARCH)
    app = RiskgraphApp(with_draft, snapshot=frozen)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "snapshot 2026-03-internal-audit (read-only)" in app.title
        assert isinstance(app.screen, DashboardScreen)
        assert MARCH in str(app.screen.query_one(ModeBar).render())
        banner = app.screen.query_one(SnapshotBanner)
        assert banner.display and f"Read-only: snapshot '{MARCH}'" in str(banner.render())

        # browsing works on the snapshot's content: R-045 came after March, R-001 was there
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        app.open_node(frozen.base_iri + "R-001")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, QueryScreen)
        ask = app.screen.query_one("#ask", Input)
        ask.value = "Which risks have no owner?"
        ask.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert (
            "asking the model (each question goes into the audit trail) is not possible"
            in (last_note(app)[1])
        )

        # every write is refused with a message saying why
        for attempt in ("n", "u"):
            await app.switch_mode("dashboard")  # keys typed in the console are text
            await settle(pilot)
            await pilot.press(attempt)
            await settle(pilot)
            assert not isinstance(app.screen, KindPicker | EditorScreen)
            title, message = last_note(app)
            assert title == "Read-only snapshot"
            assert "snapshot '2026-03-internal-audit' is open read-only" in message
        await app.switch_mode("explore")
        await settle(pilot)
        await pilot.press("e")  # edit the entity in the explorer
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
        assert "editing R-001 is not possible" in last_note(app)[1]
        app.new("risk")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
        app.identify("SYS-CREDIT")  # key i on the Systems tab: it would store candidates
        await settle(pilot)
        assert (
            "identifying risks of SYS-CREDIT (it stores candidates) is not possible"
            in (last_note(app)[1])
        )

    # deciding on a draft, in a snapshot that holds one
    app = RiskgraphApp(with_draft, snapshot=open_snapshot(with_draft, "with-draft"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen), "no decision dialog opens"
        assert "deciding on a draft is not possible" in last_note(app)[1]

    # and the core refuses too, whatever face asks
    with pytest.raises(ReadOnlyStoreError, match="open read-only"):
        frozen.commit(ChangeSet())


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_picker_switches_between_snapshots_and_the_register(
    example: Register, size: tuple[int, int]
) -> None:
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, SnapshotPicker)
        assert [info.name for info in picker.infos] == [MARCH, SEPTEMBER]
        picker.dismiss(SEPTEMBER)
        await settle(pilot)
        assert app.register.frozen == f"snapshot {SEPTEMBER!r}"
        assert SEPTEMBER in app.title and "read-only" in app.title
        assert SEPTEMBER in str(app.screen.query_one(ModeBar).render())
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, SnapshotPicker)
        app.screen.dismiss("now")
        await settle(pilot)
        assert app.register is app.live and app.register.frozen is None
        assert not app.screen.query_one(SnapshotBanner).display
        assert "snapshot" not in app.title


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_the_diff_screen_browses_changes_entity_by_entity_field_by_field(
    example: Register, size: tuple[int, int]
) -> None:
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert (screen.before, screen.after) == (SEPTEMBER, "now")  # the latest snapshot
        entities = {row[0]: row[2] for row in rows(app, "#diff-entities")}
        assert entities["R-046"] == "added" and entities["R-001"] == "changed"

        screen.query_one("#diff-before", Select).value = MARCH
        await settle(pilot)
        screen.query_one("#diff-after", Select).value = SEPTEMBER
        await settle(pilot)
        assert screen.diff is not None and (screen.diff.before, screen.diff.after) == (
            MARCH,
            SEPTEMBER,
        )
        listed = [row[0] for row in rows(app, "#diff-entities")]
        assert listed == [entity.id for entity in screen.diff.entities]
        assert "R-045" in listed and "T-028" in listed

        # moving down the entities shows each one's fields
        table = screen.query_one("#diff-entities", DataTable)
        table.focus()
        table.move_cursor(row=listed.index("T-028"))
        await settle(pilot)
        fields = {row[0]: row[1:] for row in rows(app, "#diff-fields")}
        assert fields["rg:status"] == ["changed", "rg:Proposed", "rg:Approved"]
        assert fields["rg:approvedOn"] == ["added", "", "2026-03-31"]

        await pilot.press("s")  # the other way round: T-028 loses its approval
        await settle(pilot)
        assert (screen.before, screen.after) == (SEPTEMBER, MARCH)
        assert {row[0]: row[2] for row in rows(app, "#diff-entities")}["R-045"] == "removed"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_the_palette_offers_snapshots_and_changes(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZES[0]) as pilot:
        await settle(pilot)
        actions = {name: callback for name, _help, callback in app_actions(app)}
        assert "Open snapshot" in actions
        actions["Changes between snapshots"]()
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)


def test_the_cli_refuses_an_unknown_snapshot_before_the_app_starts(
    example_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    refused = run("tui", "--snapshot", "nope", "-r", str(example_folder))
    assert refused.code == 2
    assert "no snapshot named 'nope'" in refused.err and MARCH in refused.err
    assert "Traceback" not in refused.err
