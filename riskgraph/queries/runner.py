"""Run stored or ad-hoc queries safely: read-only, parameters bound as values, limited in rows,
in time and (for query text from users) in memory.

Where a query runs
------------------
Query text from users (ad hoc, or a ``.rq`` in a register's ``queries/`` folder) on a register
on disk runs in a child process capped in memory (``isolation``): when its time is up, or the
caller has the rows it wants, the child is killed, so nothing runs on and no query can take the
machine's memory. Built-in queries and in-memory stores run in a worker thread of this process,
as described next; a remote store evaluates queries on the server, and its answer is streamed
(never held whole) through the same worker.

Time limit in a worker thread
-----------------------------
pyoxigraph cannot cancel a query, so the query is evaluated in a worker thread. The worker
calls ``Store.query`` and reads the answer itself (rows are consumed in the thread that called
``query``, as the Store interface asks) and hands each row to the caller through a small bounded
queue. The caller waits on that queue with what is left of its time budget:

* the budget counts the time the caller spends waiting for the store; time it spends on rows it
  already holds (writing a file, drawing a table) does not count;
* when the budget runs out, before the first row or between two rows, the caller stops waiting
  at once, tells the worker to stop and raises ``QueryTimeoutError``;
* the worker checks that signal before it hands over each row, so a query whose rows come out
  as they are found (joins, filters, OPTIONAL, UNION: most queries) stops within one row.

The limit of this design: while pyoxigraph computes something it must finish before it can give
the next row (ORDER BY, GROUP BY and aggregates, DISTINCT, or a join whose filter rejects almost
everything), the worker is inside pyoxigraph and cannot be interrupted. The caller still returns
on time, but that evaluation runs on in the background (pyoxigraph releases the GIL, so the
program stays responsive) until pyoxigraph finishes it; then the worker ends without handing
anything over. So that runaway queries cannot pile up, at most ``MAX_BACKGROUND_EVALUATIONS``
may be left running; while that many are, new queries are refused with a message saying so
(``background_evaluations()`` reports the number). This is why query text from users runs in a
child process instead whenever the store allows it.

The worker uses the store from its own thread, so ``Store.query`` must be callable from any
thread (pyoxigraph stores and httpx clients are).
"""

from __future__ import annotations

import queue
import re
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from riskgraph import clock
from riskgraph.errors import InputError, Location, UserError
from riskgraph.queries.header import parse_ad_hoc
from riskgraph.queries.isolation import (
    DEFAULT_MEMORY_LIMIT,
    ChildEvaluation,
    QueryMemoryError,
)
from riskgraph.queries.isolation import available as isolation_available
from riskgraph.queries.model import QuerySource, StoredQuery
from riskgraph.queries.params import ParamValue, bind_parameters
from riskgraph.sparql.guard import check_read_only, form_token, has_dataset_clause
from riskgraph.store.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Store,
    StoreError,
    Term,
)
from riskgraph.store.binding import bind
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import DEFAULT_BASE_IRI

DEFAULT_ROW_LIMIT = 10_000
"""Rows returned for display unless the caller asks otherwise (exporters pass ``None``)."""
DEFAULT_TIME_LIMIT = 60.0
"""Seconds a query may keep the caller waiting."""
MAX_TIME_LIMIT = 86_400.0
"""The longest time limit accepted (larger numbers overflow the clocks that wait)."""
COUNT_TIME_LIMIT = 5.0
"""Seconds that counting the rows a display left out may take; after that the count is skipped
(the rows shown stand, the total is unknown)."""
MAX_BACKGROUND_EVALUATIONS = 2
"""Timed-out evaluations that may still be running before new queries are refused."""
COUNT_VARIABLE = "riskgraph_row_count"

_QUEUE_SIZE = 16
"""Items (the head, chunks of rows, the end) a worker may have waiting for its reader."""
_FIRST_CHUNK = 1
_LARGEST_CHUNK = 1024
"""A worker hands rows over in chunks that double from ``_FIRST_CHUNK`` (the first row is
passed on at once) up to ``_LARGEST_CHUNK``: one hand-over per row cost as much as the query
itself on large answers (two thread switches a row)."""
_HAND_OVER_POLL = 0.05
_POSITION = re.compile(r"\bat (\d+):(\d+)")

T = TypeVar("T")


class QueryTimeoutError(UserError):
    """The query took longer than its time limit and was stopped."""


@dataclass(frozen=True)
class _Head:
    form: Literal["select", "graph", "ask"]
    variables: list[str] = field(default_factory=list)
    answer: bool = False


@dataclass(frozen=True)
class _Item:
    kind: Literal["head", "row", "rows", "end", "error"]
    value: Any = None
    """The head, a row, a list of rows (only between a worker and ``next_item``), an error."""


_background: set[threading.Thread] = set()
_background_lock = threading.Lock()


def background_evaluations() -> int:
    """Timed-out or abandoned evaluations that pyoxigraph is still finishing."""
    with _background_lock:
        _background.difference_update([t for t in _background if not t.is_alive()])
        return len(_background)


def _remember_if_running(thread: threading.Thread) -> None:
    with _background_lock:
        if thread.is_alive():
            _background.add(thread)


class _Evaluation:
    """One query evaluated by a worker thread; its answer comes back item by item."""

    def __init__(
        self,
        store: Store,
        sparql: str,
        bindings: Mapping[str, Term],
        time_limit: float | None,
        origin: str,
    ) -> None:
        self._store = store
        self._sparql = sparql
        self._bindings = dict(bindings)
        self._left = time_limit
        self._time_limit = time_limit
        self._origin = origin
        self._queue: queue.Queue[_Item] = queue.Queue(maxsize=_QUEUE_SIZE)
        self._pending: deque[Any] = deque()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="riskgraph-query", daemon=True)

    def start(self) -> _Head:
        running = background_evaluations()
        if running >= MAX_BACKGROUND_EVALUATIONS:
            raise UserError(
                f"{running} earlier queries that were stopped (most likely by the time limit) "
                "are still being finished in the background, because the store cannot interrupt "
                "them; try again when they are done, or restart riskgraph"
            )
        self._thread.start()
        head: _Head = self.next_item().value
        return head

    def next_item(self) -> _Item:
        """The next item, waiting at most for what is left of the time budget."""
        if self._pending:
            return _Item("row", self._pending.popleft())
        started = time.monotonic()
        try:
            item = self._queue.get(timeout=None if self._left is None else max(self._left, 0.0))
        except queue.Empty:
            self.cancel()
            raise _timeout_error(self._origin, self._time_limit) from None
        finally:
            if self._left is not None:
                self._left -= time.monotonic() - started
        if item.kind == "error":
            self.cancel()
            error = _translate(item.value, self._origin)
            if error is item.value:
                raise error
            raise error from item.value
        if item.kind == "rows":
            self._pending.extend(item.value)
            return _Item("row", self._pending.popleft())
        return item

    def cancel(self) -> None:
        """Ask the worker to stop; if it is still busy in the store, account for it."""
        self._stop.set()
        _remember_if_running(self._thread)

    def _work(self) -> None:
        try:
            result = self._store.query(self._sparql, self._bindings or None)
            if isinstance(result, AskResult):
                self._hand_over(_Item("head", _Head("ask", answer=result.value)))
                return
            items: Iterator[Any]
            if isinstance(result, SelectResult):
                head, items = _Head("select", list(result.variables)), result.rows
            else:
                head, items = _Head("graph"), result.triples
            if not self._hand_over(_Item("head", head)):
                return
            chunk: list[Any] = []
            size = _FIRST_CHUNK
            for value in items:
                chunk.append(value)
                if len(chunk) >= size:
                    if not self._hand_over(_Item("rows", chunk)):
                        return
                    chunk, size = [], min(size * 2, _LARGEST_CHUNK)
            if chunk and not self._hand_over(_Item("rows", chunk)):
                return
            self._hand_over(_Item("end"))
        except Exception as exc:
            self._hand_over(_Item("error", exc))

    def _hand_over(self, item: _Item) -> bool:
        """Queue ``item`` unless the caller has gone; False means stop working."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_HAND_OVER_POLL)
                return True
            except queue.Full:
                continue
        return False


def _timeout_error(origin: str, time_limit: float | None) -> QueryTimeoutError:
    return QueryTimeoutError(
        f"{origin}: the query ran longer than its time limit of {time_limit or 0:g} s and was "
        "stopped; make it more selective (more specific patterns, a LIMIT) or allow more time"
    )


class _IsolatedEvaluation:
    """One query evaluated in a child process (see ``isolation``), with the same interface as
    ``_Evaluation``: stopping it kills the child, so nothing runs on in the background."""

    def __init__(
        self,
        folder: Path,
        sparql: str,
        bindings: Mapping[str, Term],
        time_limit: float | None,
        origin: str,
        memory_limit: int,
    ) -> None:
        self._arguments = (folder, sparql, dict(bindings))
        self._memory_limit = memory_limit
        self._left = time_limit
        self._time_limit = time_limit
        self._origin = origin
        self._child: ChildEvaluation | None = None
        self._pending: deque[_Item] = deque()
        self._variables: list[str] | None = None

    def start(self) -> _Head:
        folder, sparql, bindings = self._arguments
        self._child = ChildEvaluation(folder, sparql, bindings, memory_limit=self._memory_limit)
        head: _Head = self.next_item().value
        return head

    def next_item(self) -> _Item:
        """The next item, waiting at most for what is left of the time budget."""
        if self._pending:
            return self._pending.popleft()
        if self._child is None:
            return _Item("end")
        started = time.monotonic()
        try:
            message = self._child.receive(None if self._left is None else max(self._left, 0.0))
        finally:
            if self._left is not None:
                self._left -= time.monotonic() - started
        if message is None:
            self.cancel()
            raise _timeout_error(self._origin, self._time_limit)
        kind = message[0]
        if kind == "head":
            _, form, variables, answer = message
            self._variables = variables if form == "select" else None
            if form == "ask":
                self.cancel()
            return _Item("head", _Head(form, variables, answer))
        if kind == "rows":
            names = self._variables
            for row in message[1]:
                value = dict(zip(names, row, strict=True)) if names is not None else row
                self._pending.append(_Item("row", value))
            return self._pending.popleft()
        self.cancel()
        if kind == "end":
            return _Item("end")
        if kind == "error":
            error = _translate(message[1], self._origin)
            if error is message[1]:
                raise error
            raise error from message[1]
        if kind == "memory":
            raise QueryMemoryError(
                f"{self._origin}: the query needed more memory than the "
                f"{self._memory_limit / 1024**3:g} GB it may use and was stopped; make it more "
                "selective (more specific patterns, fewer rows to sort or group, a LIMIT)"
            )
        raise UserError(
            f"{self._origin}: the process evaluating the query ended unexpectedly "
            f"(exit status {message[1]}); nothing was changed"
        )

    def cancel(self) -> None:
        """Stop the child at once; the rows not read yet are dropped."""
        if self._child is not None:
            self._child.stop()
            self._child = None


AnyEvaluation = _Evaluation | _IsolatedEvaluation


def _evaluation(
    store: Store,
    stored: StoredQuery,
    sparql: str,
    bindings: Mapping[str, Term],
    time_limit: float | None,
    memory_limit: int | None,
) -> AnyEvaluation:
    """A child process for query text from users on a store on disk; a thread otherwise."""
    if (
        memory_limit is not None
        and isolation_available()
        and stored.source is not QuerySource.BUILT_IN
        and isinstance(store, EmbeddedStore)
        and store.path is not None
    ):
        folder = store.path.resolve()
        return _IsolatedEvaluation(
            folder, sparql, bindings, time_limit, stored.origin, memory_limit
        )
    return _Evaluation(store, sparql, bindings, time_limit, stored.origin)


class LimitedStream(Iterator[T], Generic[T]):
    """Rows (or triples) from a worker, stopping at ``limit`` and noting whether more existed."""

    def __init__(self, evaluation: AnyEvaluation, limit: int | None) -> None:
        self._evaluation = evaluation
        self._limit = limit
        self.delivered = 0
        self.truncated = False
        """True when the store had more than ``limit`` rows (known once ``limit`` were read)."""
        self.finished = False
        self._release = weakref.finalize(self, evaluation.cancel)

    def __iter__(self) -> LimitedStream[T]:
        return self

    def __next__(self) -> T:
        if self.finished:
            raise StopIteration
        try:
            if self._limit is not None and self.delivered >= self._limit:
                self.truncated = self._evaluation.next_item().kind == "row"
                item = _Item("end")
            else:
                item = self._evaluation.next_item()
        except BaseException:
            self.close()
            raise
        if item.kind == "end":
            self.close()
            raise StopIteration
        self.delivered += 1
        value: T = item.value
        return value

    def close(self) -> None:
        """Stop the worker; the rows not read yet are dropped."""
        self.finished = True
        self._release()


@dataclass
class QueryRun:
    """A running query. Read ``result``; use ``with`` (or ``close``) to stop early."""

    query: StoredQuery
    bindings: dict[str, Term]
    result: QueryResult
    limit: int | None
    stream: LimitedStream[Any] | None = field(default=None, repr=False)

    @property
    def truncated(self) -> bool:
        """True when rows were held back by ``limit``; known once the rows have been read."""
        return self.stream is not None and self.stream.truncated

    @property
    def delivered(self) -> int:
        """Rows (or triples) handed out so far."""
        return self.stream.delivered if self.stream is not None else 0

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()

    def __enter__(self) -> QueryRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_stored_query(query: StoredQuery | str) -> StoredQuery:
    """A stored query as is; query text as an ad-hoc query (its header, if any, is read)."""
    return parse_ad_hoc(query) if isinstance(query, str) else query


def run_query(
    store: Store,
    query: StoredQuery | str,
    params: Mapping[str, ParamValue] | None = None,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    today: date | None = None,
    limit: int | None = DEFAULT_ROW_LIMIT,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
) -> QueryRun:
    """Check, bind and start ``query``; return once its first answer is in (or raise).

    ``params`` are parsed per declared type (IRIs resolve against ``base_iri``; 'today' is
    ``today``, by default the current date). ``limit=None`` returns every row; ``time_limit=None``
    waits as long as it takes. Query text from users (ad hoc or a register's own ``.rq``) on a
    store on disk runs in a child process capped at ``memory_limit`` bytes (see ``isolation``);
    ``memory_limit=None`` runs it in this process.
    """
    stored = as_stored_query(query)
    check_read_only(stored.sparql, stored.origin)
    _check_limits(limit, time_limit)
    bindings = bind_parameters(
        stored, params, base_iri=base_iri, today=clock.day_or_today(today), store=store
    )
    evaluation = _evaluation(store, stored, stored.sparql, bindings, time_limit, memory_limit)
    head = evaluation.start()
    if head.form == "ask":
        return QueryRun(stored, bindings, AskResult(head.answer), limit)
    stream: LimitedStream[Any] = LimitedStream(evaluation, limit)
    result: QueryResult = (
        SelectResult(head.variables, stream) if head.form == "select" else GraphResult(stream)
    )
    return QueryRun(stored, bindings, result, limit, stream)


def count_rows(
    store: Store,
    query: StoredQuery | str,
    params: Mapping[str, ParamValue] | None = None,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    today: date | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
) -> int:
    """How many rows a SELECT query has, counted by the store, not by fetching them.

    The query becomes ``SELECT (COUNT(*) AS ?n) WHERE { { query } }``. Its parameters are bound
    inside the subquery with ``riskgraph.store.binding.bind`` (terms serialised by pyoxigraph,
    never pasted): bound on the outer query they would not reach the subquery's filters.
    """
    stored = as_stored_query(query)
    form = check_read_only(stored.sparql, stored.origin)
    if form != "SELECT":
        raise UserError(f"{stored.origin}: only SELECT queries have rows to count ({form})")
    if has_dataset_clause(stored.sparql, stored.origin):
        raise UserError(f"{stored.origin}: rows of a query with FROM cannot be counted")
    _check_limits(None, time_limit)
    bindings = bind_parameters(
        stored, params, base_iri=base_iri, today=clock.day_or_today(today), store=store
    )
    try:
        inner = bind(stored.sparql, bindings)
    except ValueError as exc:
        raise UserError(f"{stored.origin}: {exc}") from None
    counting = _count_query(inner, stored.origin)
    check_read_only(counting, stored.origin)
    evaluation = _evaluation(store, stored, counting, {}, time_limit, memory_limit)
    evaluation.start()
    row = evaluation.next_item()
    evaluation.cancel()
    value = row.value.get(COUNT_VARIABLE) if row.kind == "row" else None
    return int(value.value) if value is not None else 0


def _count_query(sparql: str, origin: str) -> str:
    start = form_token(sparql, origin).offset
    prologue, body = sparql[:start], sparql[start:]
    return f"{prologue}SELECT (COUNT(*) AS ?{COUNT_VARIABLE}) WHERE {{\n{{\n{body}\n}}\n}}\n"


def _check_limits(limit: int | None, time_limit: float | None) -> None:
    if limit is not None and limit < 0:
        raise InputError("the row limit must be 0 or more", value=limit)
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT:
        raise InputError(
            f"the time limit must be more than 0 and at most {MAX_TIME_LIMIT:g} seconds",
            value=time_limit,
            expected="a number of seconds up to a day",
        )


def _translate(error: Exception, origin: str) -> Exception:
    """A store or parser error as an error for people; other exceptions are bugs, kept as is."""
    if isinstance(error, UserError):
        return error
    if isinstance(error, SyntaxError):
        position = _POSITION.search(str(error))
        line = int(position.group(1)) if position else None
        return InputError(
            f"the SPARQL is not valid: {error}", location=Location(file=origin, line=line)
        )
    if isinstance(error, StoreError | ValueError | OSError | RuntimeError):
        return UserError(f"{origin}: the query failed: {error}")
    return error
