"""Export every row of the current query: a format from the export registry, a path, and
whether to write the audit manifest. The query runs again, without a row limit, in a worker.

``DocumentDialog`` is the same dialog for a document of one format (the trust report): a file
name, checked against the document's formats in the output registry, and a writer run in a
worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from riskgraph.errors import RiskgraphError
from riskgraph.queries import StoredQuery
from riskgraph.results import ExportFormat, ResultKind, formats_for, get_format
from riskgraph.results.outputs import Document
from riskgraph.tui.data.query import Exported, export_all, verify
from riskgraph.tui.text import plain
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.analysis.verify import Verification
    from riskgraph.tui.app import RiskgraphApp


R = TypeVar("R")


@dataclass(frozen=True)
class ExportRequest:
    query: StoredQuery
    params: dict[str, str]
    kind: ResultKind


def default_path(request: ExportRequest, fmt: ExportFormat) -> str:
    stem = request.query.name if request.query.name != "ad-hoc" else "query"
    return f"{stem}.{fmt.extension}"


class _FileDialog(ModalScreen[R]):
    """What the export dialogs share: a path box, an error line, go and cancel buttons."""

    CSS_PATH = "export_dialog.tcss"

    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#export-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_export()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        self.query_one("#export-go", Button).disabled = False
        self._error(describe_error(exc))

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(plain(message, style="red"))


class ExportDialog(_FileDialog[Exported | None]):
    CSS_PATH = "export_dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="esc", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", key_display="^s", id="export.export"),
        Binding("ctrl+k", "verify", "Verify file", key_display="^k", id="export.verify"),
    ]

    def __init__(self, request: ExportRequest) -> None:
        super().__init__()
        self.request = request
        self.formats = formats_for(request.kind)

    def compose(self) -> ComposeResult:
        first = self.formats[0]
        with Vertical(id="export-box"):
            yield Label(plain(f"Export every row of {self.request.query.name}"), id="export-title")
            yield Label("Format")
            yield Select[str](
                [(f"{f.label} (.{f.extension})", f.name) for f in self.formats],
                value=first.name,
                allow_blank=False,
                id="export-format",
            )
            yield Label("File")
            yield Input(default_path(self.request, first), id="export-path")
            yield Checkbox(
                "Write the audit manifest (query, parameters, hashes)", True, id="export-manifest"
            )
            yield Static("", id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-go", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def fmt(self) -> ExportFormat:
        value = self.query_one("#export-format", Select).value
        return get_format(value) if isinstance(value, str) else self.formats[0]

    @on(Select.Changed, "#export-format")
    def _format_changed(self, _event: Select.Changed) -> None:
        """Follow the format with the file's extension."""
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value or default_path(self.request, self.fmt()))
        path_input.value = str(path.with_suffix("." + self.fmt().extension))
        embeds = self.fmt().embeds_manifest
        manifest = self.query_one("#export-manifest", Checkbox)
        manifest.label = (
            "Write the audit manifest (inside the workbook)"
            if embeds
            else "Write the audit manifest (query, parameters, hashes)"
        )

    def action_export(self) -> None:
        app = cast("RiskgraphApp", self.app)
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("Give the file to write.")
            return
        path = Path(raw).expanduser()
        fmt = self.fmt()
        manifest = self.query_one("#export-manifest", Checkbox).value
        request, register, today = self.request, app.register, app.today
        self.query_one("#export-go", Button).disabled = True
        self.query_one("#export-error", Static).update(Text("exporting…", style="italic"))
        in_background(
            self,
            lambda: export_all(
                register,
                request.query,
                request.params,
                today=today,
                path=path,
                fmt=fmt,
                manifest=manifest,
            ),
            self._done,
            name="export",
            failed=self._failed,
        )

    def action_verify(self) -> None:
        """Check the file in the path box (an earlier export) against the register, as
        ``riskgraph verify`` does; the outcome is a notification."""
        app = cast("RiskgraphApp", self.app)
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("Give the exported file (or its manifest) to verify.")
            return
        path, register = Path(raw).expanduser(), app.register
        in_background(
            self,
            lambda: verify(register, path),
            self._verified,
            name="verify",
            failed=self._error_of,
        )

    def _verified(self, outcome: Verification) -> None:
        self.app.notify(
            "\n".join(outcome.describe()),
            markup=False,
            title="The export still matches" if outcome.matches else "The export no longer matches",
            severity="information" if outcome.matches else "error",
            timeout=30,
        )

    def _error_of(self, exc: BaseException) -> None:
        self._error(describe_error(exc))

    def _done(self, exported: Exported) -> None:
        sidecar = f" and its manifest {exported.manifest}" if exported.manifest else ""
        self.app.notify(
            f"Wrote {exported.rows:,} rows as {exported.format} to {exported.path}{sidecar}.",
            title="Exported",
        )
        self.dismiss(exported)


class DocumentDialog(_FileDialog[str | None]):
    """Write one document (e.g. the trust report) to a file the user names: ``write(path)``
    runs in a worker and returns what to say it wrote."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="esc", id="document.cancel"),
        Binding("ctrl+s", "export", "Write", key_display="^s", id="document.write"),
    ]

    def __init__(self, document: Document, default: str, write: Callable[[Path], str]) -> None:
        super().__init__()
        self.document = document
        self.default = default
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(plain(f"Write {self.document.title}"), id="export-title")
            yield Label("File (" + ", ".join(self.document.extensions) + ")")
            yield Input(self.default, id="export-path")
            yield Static("", id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Write", variant="primary", id="export-go", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)

    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("Give the file to write.")
            return
        path = Path(raw).expanduser()
        try:
            self.document.choose(None, path)
        except RiskgraphError as exc:
            self._error(describe_error(exc))
            return
        self.query_one("#export-go", Button).disabled = True
        self.query_one("#export-error", Static).update(Text("writing…", style="italic"))
        write = self.write
        in_background(self, lambda: write(path), self._done, name="document", failed=self._failed)

    def _done(self, what: str) -> None:
        self.app.notify(f"Wrote {what}.", title="Written")
        self.dismiss(what)
