"""Certification readiness: per stage of the ISO/IEC 42001 journey, what the register shows as
done and what is missing, each criterion with the data it looked at (the read model of
``riskgraph readiness``). Read in a worker; nothing here writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from riskgraph.analysis.readiness import Readiness, Stage
from riskgraph.tui.data.certification import load_readiness
from riskgraph.tui.text import plain
from riskgraph.tui.workers import in_background

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp

STATE_STYLES = {"done": "bold green", "in progress": "bold yellow", "not started": "bold red"}


def stage_table(stage: Stage) -> Table:
    """One stage as a table; every value is text, never markup."""
    title = Text.assemble(
        plain(stage.title, "bold"), ": ", plain(str(stage.state), STATE_STYLES[str(stage.state)])
    )
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("criterion", ratio=2)
    table.add_column("met", no_wrap=True)
    table.add_column("the register shows", ratio=3)
    table.add_column("missing", ratio=3)
    table.add_column("looked at", ratio=3)
    for criterion in stage.criteria:
        table.add_row(
            plain(criterion.name),
            plain("yes", "green") if criterion.met else plain("no", "red"),
            plain(criterion.shows),
            plain(", ".join(criterion.missing)),
            plain(criterion.looked_at, "dim"),
        )
    return table


class ReadinessScreen(Screen[None]):
    CSS_PATH = "readiness.tcss"
    AUTO_FOCUS = "#readiness-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close readiness", key_display="esc", id="readiness.close"),
        Binding("w", "trust_report", "Write trust report", id="readiness.trust-report"),
    ]

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(
            Static("reading the register…", id="readiness-head"), id="readiness-scroll"
        )
        scroll.border_title = "Certification readiness"
        yield scroll
        yield Footer(compact=True)

    def on_mount(self) -> None:
        register, today = self.rg.register, self.rg.today
        in_background(self, lambda: load_readiness(register, today), self.show, name="readiness")

    def show(self, report: Readiness) -> None:
        done = sum(1 for stage in report.stages if stage.state == "done")
        self.query_one("#readiness-head", Static).update(
            plain(
                f"{report.register_name} · judged on {report.today.isoformat()} · "
                f"{done} of {len(report.stages)} stages done"
            )
        )
        scroll = self.query_one("#readiness-scroll", VerticalScroll)
        scroll.remove_children(".readiness-stage")
        scroll.mount_all(
            Static(stage_table(stage), classes="readiness-stage", id=f"stage-{stage.key}")
            for stage in report.stages
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def action_trust_report(self) -> None:
        self.rg.action_trust_report()
