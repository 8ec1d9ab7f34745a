"""Risk identification for one AI system, from the TUI: the same core function as
``riskgraph assist identify`` (the configured model if there is one, else the offline ranker),
run in a thread worker while the dialog shows what runs. The candidates are stored as pending
drafts; the app then opens the review screen on them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar, Static

from riskgraph.assistant.candidates import IdentifyOutcome
from riskgraph.assistant.display import plain
from riskgraph.tui.data.review import IdentifyPlan, plan_identify, run_identify
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


class IdentifyDialog(ModalScreen[IdentifyOutcome | None]):
    CSS_PATH = "identify.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", key_display="esc"),
    ]

    def __init__(self, system_id: str) -> None:
        super().__init__()
        self.system_id = system_id
        self.running = False
        self.outcome: IdentifyOutcome | None = None

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="identify-box"):
            yield Label(plain(f"Identify risks of {self.system_id}"), id="identify-title")
            yield Static(Text("reading the system…", style="dim"), id="identify-how")
            yield ProgressBar(total=None, show_eta=False, id="identify-progress")
            yield Static("", id="identify-status")

    def on_mount(self) -> None:
        register, system_id = self.rg.register, self.system_id
        in_background(
            self,
            lambda: plan_identify(register, system_id),
            self._planned,
            name="identify-plan",
            failed=self._failed,
        )

    def _planned(self, plan: IdentifyPlan) -> None:
        how = Text()
        how.append_text(plain(f"{plan.system_id}  {plan.system_title}", style="bold"))
        how.append("\n")
        how.append_text(plain(f"proposing candidate risks {plan.how}"))
        self.query_one("#identify-how", Static).update(how)
        self.query_one("#identify-status", Static).update(
            Text(
                "The candidates are stored as pending drafts; nothing enters the register "
                "until a named person accepts one.",
                style="dim",
            )
        )
        self.running = True
        register, system_id = self.rg.register, self.system_id
        in_background(
            self,
            lambda: run_identify(register, system_id),
            self._done,
            name="identify-run",
            failed=self._failed,
        )

    def _done(self, outcome: IdentifyOutcome) -> None:
        self.running = False
        self.outcome = outcome
        self.dismiss(outcome)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.query_one("#identify-progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#identify-status", Static).update(
            Text(describe_error(exc) + "\n(esc closes)", style="bold red")
        )

    def action_close(self) -> None:
        if self.running:
            self.notify(
                "Identification is running; its candidates will be stored when it ends.",
                severity="warning",
            )
            return
        self.dismiss(None)
