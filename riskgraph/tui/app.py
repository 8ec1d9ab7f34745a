"""The riskgraph TUI: five screens (modes) over one register, and the keys that work everywhere.

The app holds what the screens share: the register, the day dates are judged on, the explorer's
history, the undo stack of this session's saves, and ``data_version``, which moves on after
every write so that each screen reloads what it shows when it is next displayed.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from riskgraph import clock
from riskgraph.register import Register
from riskgraph.tui.commands import ActionCommands, EntityCommands
from riskgraph.tui.data.editing import EDITABLE, Change, Choices, load_choices, undo
from riskgraph.tui.keys import check_keymap
from riskgraph.tui.messages import EditEntity, IdentifyRisks, OpenNode, RegisterChanged
from riskgraph.tui.navigation import History
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.text import visible
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.assistant.candidates import IdentifyOutcome
    from riskgraph.snapshots import SnapshotInfo

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class RiskgraphApp(App[None]):
    TITLE = "riskgraph"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {ActionCommands, EntityCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 - typed by App
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('dashboard')", "Dashboard", show=False, id="app.mode.dashboard"),
        Binding("2", "switch_mode('browse')", "Browse", show=False, id="app.mode.browse"),
        Binding("3", "switch_mode('explore')", "Explore", show=False, id="app.mode.explore"),
        Binding("4", "switch_mode('query')", "Query", show=False, id="app.mode.query"),
        Binding("5", "switch_mode('review')", "Review", show=False, id="app.mode.review"),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help"),
        Binding("n", "new", "New", id="app.new"),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", key_display="^t", id="app.toggle-theme"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),
        Binding("l", "libraries", "Libraries", show=False, id="app.libraries"),
        Binding("c", "readiness", "Certification readiness", show=False, id="app.readiness"),
        Binding("o", "snapshots", "Open snapshot", show=False, id="app.snapshots"),
        Binding("D", "diff", "Changes", show=False, id="app.diff"),
        Binding("R", "due", "Reviews due", show=False, id="app.due"),
    ]

    def __init__(
        self, register: Register, *, today: date | None = None, snapshot: Register | None = None
    ) -> None:
        super().__init__()
        self.live = register
        """The register itself: what snapshots belong to and what the diff screen compares."""
        self.register = snapshot or register
        """What the screens show: the register, or a snapshot of it opened read-only."""
        self.today = clock.day_or_today(today)
        """The day reviews and expiry are judged on (fixed in tests)."""
        self.history = History()
        self.changes: list[Change] = []
        """This session's saves, newest last: what undo reverses."""
        self.data_version = 0
        self._choices: tuple[int, Choices] | None = None
        self._choices_lock = threading.Lock()
        self._themes = {True: DARK_THEME, False: LIGHT_THEME}
        """The last dark and the last light theme used, for the toggle."""
        self.title = f"riskgraph · {self.register.display_name}"
        self.keymap = check_keymap(register.config.keys, register.folder)
        """The key map of the register's [keys] (binding ID -> keys), checked."""
        self.set_keymap(self.keymap)

    def on_mount(self) -> None:
        from riskgraph.tui.browser.browser import BrowserScreen
        from riskgraph.tui.dashboard.dashboard import DashboardScreen
        from riskgraph.tui.detail.explore import ExploreScreen
        from riskgraph.tui.query.console import QueryScreen
        from riskgraph.tui.review.review import ReviewScreen

        for name, screen in (
            ("dashboard", DashboardScreen),
            ("browse", BrowserScreen),
            ("explore", ExploreScreen),
            ("query", QueryScreen),
            ("review", ReviewScreen),
        ):
            self.add_mode(name, screen)
        self.switch_mode("dashboard")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications carry IDs, titles, file names and error messages: text, never markup
        (``markup`` is accepted for Textual's callers and ignored)."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A key of [keys] took the key of another action there: say which one lost it."""
        lost = ", ".join(sorted(f"{b.id or b.action} ({b.key})" for b in clashed_bindings))
        self.notify(
            f"The key map in register.toml gives keys of other actions away: {lost}",
            title="Key map",
            severity="warning",
        )

    # --- theme ------------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        found = self.get_theme(theme)
        if found is not None:
            self._themes[found.dark] = theme

    def action_toggle_theme(self) -> None:
        """Switch between the last dark and the last light theme of this session."""
        current = self.get_theme(self.theme)
        self.theme = self._themes[not (current.dark if current else True)]

    # --- navigation -------------------------------------------------------------------------

    def on_open_node(self, message: OpenNode) -> None:
        self.open_node(message.iri)

    def open_node(self, iri: str) -> None:
        """Show ``iri`` in the explorer, as a new step of its history."""
        from riskgraph.tui.detail.explore import ExploreScreen

        self.history.visit(iri)
        if isinstance(self.screen, ExploreScreen):
            self.screen.show_current()
        else:
            self.switch_mode("explore")

    def show_query(self, name: str) -> None:
        """Open a stored query (e.g. a gap rule) in the query console and run it."""
        from riskgraph.tui.query.console import QueryScreen

        async def show() -> None:
            await self.switch_mode("query")
            if isinstance(self.screen, QueryScreen):
                await self.screen.open_query(name, run=True)

        self.call_later(show)

    def show_draft(self, draft_id: str) -> None:
        """Open the review screen on one draft."""
        from riskgraph.tui.review.review import ReviewScreen

        async def show() -> None:
            await self.switch_mode("review")
            if isinstance(self.screen, ReviewScreen):
                self.screen.select_draft(draft_id)

        self.call_later(show)

    def on_identify_risks(self, message: IdentifyRisks) -> None:
        self.identify(message.system_id)

    def identify(self, system_id: str) -> None:
        """Identify candidate risks of an AI system (as 'riskgraph assist identify' does), then
        open the review screen on the first candidate."""
        from riskgraph.tui.review.identify import IdentifyDialog

        if self.refuse_write(f"identifying risks of {system_id} (it stores candidates)"):
            return

        def done(outcome: IdentifyOutcome | None) -> None:
            if outcome is None:
                return
            self.data_changed()
            if not outcome.draft_ids:
                self.notify(
                    f"No candidates for {outcome.system_id}: no library risk concept shares a "
                    "word with what the register says about the system (or every one is "
                    "already linked, pending or rejected). Describe the system or load more "
                    "libraries.",
                    title="Identification",
                    severity="warning",
                    markup=False,
                )
                return
            self.notify(
                f"{len(outcome.draft_ids)} candidate(s) for {outcome.system_id} wait for review "
                f"({'offline ranker' if outcome.method == 'baseline' else 'language model'}).",
                title="Identification",
                markup=False,
            )
            self.show_draft(outcome.draft_ids[0])

        self.push_screen(IdentifyDialog(system_id), done)

    def action_libraries(self) -> None:
        """Browse the risk and control libraries (bundled and loaded) and their mappings."""
        from riskgraph.tui.library.library_screen import LibraryScreen

        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen())

    def action_readiness(self) -> None:
        """Certification readiness per stage of the ISO/IEC 42001 journey."""
        from riskgraph.tui.readiness.readiness import ReadinessScreen

        if not isinstance(self.screen, ReadinessScreen):
            self.push_screen(ReadinessScreen())

    def action_trust_report(self) -> None:
        """Write the public trust report to a file the user names."""
        from pathlib import Path

        from riskgraph.results.outputs import TRUST_REPORT
        from riskgraph.tui.data.certification import save_trust_report
        from riskgraph.tui.export.export_dialog import DocumentDialog

        register, today = self.register, self.today

        def write(path: Path) -> str:
            report = save_trust_report(register, path, today)
            return f"the trust report ({len(report.systems)} public AI systems) to {path}"

        self.push_screen(DocumentDialog(TRUST_REPORT, "trust.html", write))

    def action_due(self) -> None:
        """The review schedule: what is due or overdue for review, by owner."""
        from riskgraph.tui.due.due_screen import DueScreen

        if not isinstance(self.screen, DueScreen):
            self.push_screen(DueScreen())

    def action_help(self) -> None:
        from riskgraph.tui.help.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- snapshots --------------------------------------------------------------------------

    def refuse_write(self, what: str) -> bool:
        """True (and say why) when what is shown is a read-only snapshot, so ``what`` (a
        write) cannot be done."""
        if self.register.frozen is None:
            return False
        self.notify(
            f"{self.register.frozen} is open read-only: {what} is not possible here. "
            "Open the register itself (key o) to change it.",
            title="Read-only snapshot",
            severity="warning",
        )
        return True

    def action_snapshots(self) -> None:
        """Choose what to show: the register itself, or one of its snapshots, read-only."""
        from riskgraph.tui.data.snapshots import load_snapshot_list
        from riskgraph.tui.snapshots.picker import SnapshotPicker

        live = self.live

        def listed(infos: list[SnapshotInfo]) -> None:
            shown = next((i.name for i in infos if self._shows(i.name)), None)
            self.push_screen(SnapshotPicker(infos, shown), self.open_snapshot)

        in_background(self, lambda: load_snapshot_list(live), listed, name="snapshot-list")

    def _shows(self, name: str) -> bool:
        return self.register.frozen == f"snapshot {name!r}"

    def open_snapshot(self, name: str | None) -> None:
        """Show snapshot ``name`` read-only, or the register itself for ``now``."""
        from riskgraph.snapshots import NOW
        from riskgraph.tui.data.snapshots import open_frozen

        if name is None:
            return
        if name == NOW:
            if self.register is not self.live:
                self._show(self.live)
                self.notify("Showing the register itself.", title="Register")
            return
        live = self.live

        def opened(frozen: Register) -> None:
            self._show(frozen)
            self.notify(
                f"Showing snapshot {name}, read-only. Key o goes back to the register.",
                title="Snapshot",
            )

        in_background(self, lambda: open_frozen(live, name), opened, name="snapshot-open")

    def _show(self, register: Register) -> None:
        self.register = register
        self.title = f"riskgraph · {register.display_name}"
        self.history = History()
        self._choices = None
        self.data_changed()

    def action_diff(self) -> None:
        """Compare two snapshots, or a snapshot and now, entity by entity."""
        from riskgraph.tui.data.snapshots import load_snapshot_list
        from riskgraph.tui.snapshots.diff_screen import DiffScreen

        live = self.live

        def listed(infos: list[SnapshotInfo]) -> None:
            if not infos:
                self.notify(
                    "This register has no snapshots yet to compare: take one with "
                    "riskgraph snapshot create NAME.",
                    title="Changes",
                    severity="warning",
                )
                return
            shown = next((i.name for i in infos if self._shows(i.name)), None)
            self.push_screen(DiffScreen(infos, shown or infos[-1].name))

        in_background(self, lambda: load_snapshot_list(live), listed, name="snapshot-list")

    # --- editing ----------------------------------------------------------------------------

    def on_edit_entity(self, message: EditEntity) -> None:
        self.edit(message.entity_id)

    def edit(self, entity_id: str) -> None:
        from riskgraph.tui.editor.form import EditorScreen

        if self.refuse_write(f"editing {entity_id}"):
            return
        self.push_screen(EditorScreen.for_entity(entity_id))

    def action_new(self) -> None:
        from riskgraph.tui.editor.kind_picker import KindPicker

        if self.refuse_write("adding an entity"):
            return

        def chosen(kind: str | None) -> None:
            if kind:
                self.new(kind)

        self.push_screen(KindPicker(list(EDITABLE)), chosen)

    def new(self, kind: str) -> None:
        from riskgraph.tui.editor.form import EditorScreen

        if self.refuse_write(f"adding a {kind}"):
            return
        self.push_screen(EditorScreen.for_new(kind))

    def saved(self, change: Change) -> None:
        """A form saved ``change``: remember it for undo and refresh every screen."""
        self.changes.append(change)
        self.notify(f"Saved: {change.describe()} (revision {change.revision})", title="Saved")
        self.data_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (
            "new",
            "undo",
            "libraries",
            "readiness",
            "snapshots",
            "diff",
        ) and not isinstance(self.screen, RegisterScreen):
            return False  # not over a form or a dialog
        if action == "undo":
            return bool(self.changes) or self.register.frozen is not None or None
        return True

    def action_undo(self) -> None:
        if self.refuse_write("undo"):
            return
        if not self.changes:
            self.notify("Nothing to undo in this session.", severity="warning")
            return
        change = self.changes[-1]

        def done(revision: int) -> None:
            self.changes.remove(change)
            if change.created:
                self.history.forget(change.iri)
            self.notify(f"Undone: {change.describe()} (revision {revision})", title="Undo")
            self.data_changed()

        def failed(exc: BaseException) -> None:
            self.notify(
                f"Could not undo {change.describe()}: {describe_error(exc)}",
                title="Undo refused",
                severity="error",
            )

        in_background(self, lambda: undo(self.register, change), done, name="undo", failed=failed)

    # --- data -------------------------------------------------------------------------------

    def data_changed(self) -> None:
        """The register was written: every screen reloads when it is next shown."""
        self.data_version += 1
        self.refresh_bindings()
        self.screen.post_message(RegisterChanged())

    def link_choices(self) -> Choices:
        """Everything a link may point to, read once per data version. Called from worker
        threads (forms, the palette), hence the lock."""
        with self._choices_lock:
            version = self.data_version
            if self._choices is None or self._choices[0] != version:
                self._choices = (version, load_choices(self.register))
            return self._choices[1]

    def action_reload(self) -> None:
        """Read the register again (e.g. after a change from the command line)."""
        self.data_changed()
        self.notify("Reloaded from the register.")
