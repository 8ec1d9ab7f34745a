"""What every main screen shares: the mode bar on top, the footer below, and reloading its data
when the register has changed since it last loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from riskgraph.tui.messages import RegisterChanged
from riskgraph.tui.widgets.mode_bar import ModeBar
from riskgraph.tui.widgets.snapshot_banner import SnapshotBanner

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


class RegisterScreen(Screen[None]):
    """A main screen (one per mode). Subclasses compose ``body`` and implement ``reload``."""

    MODE = ""

    def __init__(self) -> None:
        super().__init__()
        self.loaded_version = -1

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        yield ModeBar(self.MODE, self.rg.register.display_name)
        yield SnapshotBanner()
        yield from self.body()
        yield Footer(compact=True)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.refresh_if_stale()

    def on_screen_resume(self) -> None:
        self.refresh_if_stale()

    def on_register_changed(self, _message: RegisterChanged) -> None:
        self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self.loaded_version != self.rg.data_version:
            self.loaded_version = self.rg.data_version
            register = self.rg.register  # the register, or a snapshot of it
            for bar in self.query(ModeBar):
                bar.show_name(register.display_name)
            for banner in self.query(SnapshotBanner):
                banner.show_frozen(register.frozen)
            self.reload()

    def reload(self) -> None:
        """Load (again) what the screen shows, in workers."""
