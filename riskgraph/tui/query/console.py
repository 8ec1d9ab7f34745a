"""The query console: pick a stored query, write SPARQL or ask a question in plain language
(a language model drafts the query into the editor), fill in the parameters, run it, read the
first rows, and export all of them.

A drafted query is text in the editor like any other: the person reads it and runs it with the
run action, through the read-only guard. Asking, running and exporting happen in workers.
Cancelling stops waiting at once and drops the rows; the store finishes or abandons the
evaluation on its own (see ``riskgraph.tui.data.query``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Select, Static, TextArea
from textual.worker import Worker, get_current_worker

from riskgraph.queries import StoredQuery
from riskgraph.results.headings import heading
from riskgraph.tui.data.query import (
    Library,
    QueryCancelled,
    ResultTable,
    draft_from_question,
    load_queries,
    parameters_of,
    record_asked_run,
    resolve,
    run_for_display,
)
from riskgraph.tui.query.params_form import ParamsForm
from riskgraph.tui.query.sparql_area import SparqlArea
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.text import cell, plain
from riskgraph.tui.widgets.columns import column_widths
from riskgraph.tui.workers import describe_error, in_background

if TYPE_CHECKING:
    from riskgraph.assistant.ask import DraftedQuery

STARTER = """\
# Write SPARQL here, or pick a stored query (ctrl+o). Run with ctrl+enter.
PREFIX rg: <https://w3id.org/riskgraph#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?risk ?id ?title WHERE {
  ?risk a rg:Risk ; dcterms:identifier ?id ; dcterms:title ?title .
}
ORDER BY ?id
"""
PARAMS_DELAY = 0.4
"""Seconds of quiet typing before the parameter form follows the header."""


class QueryScreen(RegisterScreen):
    MODE = "query"
    AUTO_FOCUS = "#editor"
    CSS_PATH = "console.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+enter,ctrl+j,f5",
            "run",
            "Run",
            key_display="^enter",
            priority=True,
            id="query.run",
        ),
        Binding("escape", "cancel", "Cancel", key_display="esc", priority=True, id="query.cancel"),
        Binding("ctrl+e", "export", "Export", key_display="^e", priority=True, id="query.export"),
        Binding(
            "ctrl+o",
            "pick_query",
            "Stored queries",
            key_display="^o",
            priority=True,
            id="query.pick-query",
        ),
        Binding(
            "ctrl+g",
            "ask",
            "Ask",
            key_display="^g",
            priority=True,
            id="query.ask",
        ),
        Binding(
            "ctrl+l",
            "focus_results",
            "Results",
            key_display="^l",
            show=False,
            id="query.focus-results",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library = Library([])
        self.stored: StoredQuery | None = None
        self.result: ResultTable | None = None
        self.running: Worker[None] | None = None
        self.asking: Worker[None] | None = None
        self.drafted: DraftedQuery | None = None
        """The query the model drafted last, while the editor holds its text unchanged."""
        self._params_timer: Timer | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="query-bar"):
            yield Select[str]([], prompt="stored queries (ctrl+o)", id="stored", compact=True)
            yield Input(placeholder="ask a question (ctrl+g)", id="ask", compact=True)
        yield ParamsForm(id="params")
        yield SparqlArea(STARTER, id="editor")
        yield Static(
            Text("ctrl+enter runs the query", style="dim"), id="query-status", markup=False
        )
        yield DataTable(id="results", zebra_stripes=True)

    def reload(self) -> None:
        register = self.rg.register
        in_background(self, lambda: load_queries(register), self._show_library, name="library")

    def _show_library(self, library: Library) -> None:
        self.library = library
        select = self.query_one("#stored", Select)
        with self.prevent(Select.Changed):
            select.set_options((plain(f"{q.name} · {q.title}"), q.name) for q in library.queries)
            if self.stored is not None and self.stored.name in self.names():
                select.value = self.stored.name
        for name, problem in library.problems.items():
            self.notify(problem, title=f"Stored query {name} cannot be used", severity="warning")

    def names(self) -> list[str]:
        return [q.name for q in self.library.queries]

    # --- choosing a query -------------------------------------------------------------------

    @on(Select.Changed, "#stored")
    async def _stored_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            await self.load_stored(event.value)

    async def load_stored(self, name: str) -> None:
        """Put a stored query in the editor and its parameters in the form."""
        query = next((q for q in self.library.queries if q.name == name), None)
        if query is None:
            self.notify(f"There is no stored query called {name!r}.", severity="error")
            return
        self.stored = query
        select = self.query_one("#stored", Select)
        if select.value != name:
            with self.prevent(Select.Changed):
                select.value = name
        self.query_one("#editor", SparqlArea).load_text(query.sparql)
        await self.query_one("#params", ParamsForm).show(query.parameters)
        self._status(plain(query.description or query.title, style="dim"))

    async def open_query(self, name: str, *, run: bool = False) -> None:
        """Show a stored query (e.g. a gap rule from the dashboard), and run it if asked."""
        if not self.library.queries:
            self.library = load_queries(self.rg.register)
            self._show_library(self.library)
        await self.load_stored(name)
        if run:
            self.action_run()

    @on(TextArea.Changed, "#editor")
    def _text_changed(self, _event: TextArea.Changed) -> None:
        if self._params_timer is not None:
            self._params_timer.stop()
        self._params_timer = self.set_timer(PARAMS_DELAY, self._follow_header)

    async def _follow_header(self) -> None:
        text = self.query_one("#editor", SparqlArea).text
        await self.query_one("#params", ParamsForm).show(parameters_of(text))

    def action_pick_query(self) -> None:
        select = self.query_one("#stored", Select)
        select.focus()
        select.expanded = True

    # --- asking in plain language -------------------------------------------------------------

    def action_ask(self) -> None:
        self.query_one("#ask", Input).focus()

    @on(Input.Submitted, "#ask")
    def _ask_submitted(self, event: Input.Submitted) -> None:
        if self.rg.refuse_write("asking the model (each question goes into the audit trail)"):
            return
        question = event.value.strip()
        if not question:
            self._status(Text("type a question first", style="yellow"))
            return
        register = self.rg.register
        self._status(plain(f"asking the model: {question} (esc to stop waiting)", style="italic"))
        self.asking = in_background(
            self,
            lambda: draft_from_question(register, question),
            self._show_draft,
            name="query-ask",
            failed=self._ask_failed,
        )
        self.refresh_bindings()

    def _show_draft(self, drafted: DraftedQuery) -> None:
        """The drafted query in the editor, for the person to read; nothing runs yet."""
        self.asking = None
        self.stored = None
        self.drafted = drafted
        select = self.query_one("#stored", Select)
        with self.prevent(Select.Changed):
            select.clear()
        editor = self.query_one("#editor", SparqlArea)
        editor.load_text(drafted.query.sparql)
        editor.focus()
        note = drafted.answer.explanation or "the model drafted this query"
        flags = "".join(f" ! {flag}." for flag in drafted.flags)
        self._status(
            plain(f"{note}{flags} Read it, then ctrl+enter runs it (read-only).", style="green")
        )
        self.refresh_bindings()

    def _ask_failed(self, exc: BaseException) -> None:
        self.asking = None
        self._status(Text(describe_error(exc), style="red"))
        self.refresh_bindings()

    # --- running ----------------------------------------------------------------------------

    def action_run(self) -> None:
        text = self.query_one("#editor", SparqlArea).text
        try:
            query = resolve(text, self.stored)
        except Exception as exc:  # a header that does not parse: shown, never raised
            self._status(Text(describe_error(exc), style="red"))
            return
        params = self.query_one("#params", ParamsForm).values()
        app = self.rg
        register, today = app.register, app.today
        limit = register.config.queries.display_limit
        drafted = self.drafted if self.drafted and text == self.drafted.query.sparql else None

        def job() -> ResultTable:
            worker = get_current_worker()
            try:
                result = run_for_display(
                    register,
                    query,
                    params,
                    today=today,
                    limit=limit,
                    stopped=lambda: worker.is_cancelled,
                )
            except QueryCancelled:
                raise
            except Exception as exc:
                if drafted is not None:
                    record_asked_run(register, drafted, ran=False, outcome=f"error: {exc}")
                raise
            if drafted is not None:
                record_asked_run(register, drafted, ran=True, outcome="ok")
            return result

        self._status(Text("running… (esc to stop waiting)", style="italic"))
        self.running = in_background(
            self, job, self._show_result, name="query-run", failed=self._run_failed
        )
        self.refresh_bindings()

    def _show_result(self, result: ResultTable) -> None:
        self.running = None
        self.result = result
        table = self.query_one("#results", DataTable)
        table.clear(columns=True)
        headers = self.headers(result.columns)
        widths = column_widths(headers, result.rows)
        for column, header, width in zip(result.columns, headers, widths, strict=True):
            table.add_column(plain(header), key=column, width=width)
        table.add_rows([cell(value) for value in row] for row in result.rows)
        self._status(Text(result.summary(), style="green"))
        self.refresh_bindings()

    def headers(self, variables: list[str]) -> list[str]:
        """A stored query's columns get headings people read (``owner_id`` -> 'Owner'); the
        user's own query keeps its variable names."""
        stored = self.stored
        if stored is not None and self.query_one("#editor", SparqlArea).text == stored.sparql:
            return [heading(v) for v in variables]
        return list(variables)

    def _run_failed(self, exc: BaseException) -> None:
        self.running = None
        if not isinstance(exc, QueryCancelled):
            self._status(Text(describe_error(exc), style="red"))
        self.refresh_bindings()

    def action_cancel(self) -> None:
        """Stop waiting for the running query and drop its rows, or for the model's draft."""
        if self.asking is not None:
            self.asking.cancel()
            self.asking = None
            self._status(Text("stopped waiting for the model's draft", style="yellow"))
            self.refresh_bindings()
            return
        if self.running is not None:
            self.running.cancel()
            self.running = None
            self._status(
                Text(
                    "cancelled: the rows are dropped; the store stops the evaluation as soon "
                    "as it can (at the latest at the time limit)",
                    style="yellow",
                )
            )
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running is not None or self.asking is not None
        if action == "export":
            return self.result is not None or None
        return True

    def _status(self, text: Text) -> None:
        self.query_one("#query-status", Static).update(text)

    def action_focus_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    # --- exporting --------------------------------------------------------------------------

    def action_export(self) -> None:
        from riskgraph.tui.export.export_dialog import ExportDialog, ExportRequest

        if self.result is None:
            self.notify("Run a query first: the export writes all of its rows.", severity="warning")
            return
        text = self.query_one("#editor", SparqlArea).text
        try:
            query = resolve(text, self.stored)
        except Exception as exc:
            self._status(Text(describe_error(exc), style="red"))
            return
        request = ExportRequest(
            query=query,
            params=self.query_one("#params", ParamsForm).values(),
            kind=self.result.kind,
        )
        self.app.push_screen(ExportDialog(request))
