"""Evaluate one query in a child process that is capped in memory and can be killed.

pyoxigraph can neither interrupt a query that is busy before its first row (ORDER BY, GROUP BY,
a large join) nor survive running out of memory (the allocator aborts the whole process). A
query text somebody else wrote (ad hoc, or a ``.rq`` in a register's ``queries/`` folder) is
therefore evaluated in a child process:

* the child opens the register's store read-only on its own (a store cannot be handed over),
  caps its address space with ``RLIMIT_AS`` and sends the answer back in batches over a pipe;
  the pipe's buffer holds it back while the caller is busy with rows it already has;
* when the time budget runs out, or the caller has the rows it wants, the child is killed: the
  evaluation stops at once, it does not run on in the background;
* when the child runs out of memory it dies (or reports a ``MemoryError``), and the caller gets
  a ``QueryMemoryError`` that says so; the caller's own process is never at risk.

Children are forked from a small server process started once (``multiprocessing``'s
"forkserver"), so each query costs a fork and a read-only open of the store (about 60 ms on the
example register), not a new interpreter. Built-in queries, which are ours and are measured in
``benchmarks/``, and in-memory stores (which live in the caller's memory) keep the in-process
evaluation of ``runner``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from riskgraph.errors import UserError

DEFAULT_MEMORY_LIMIT = 2 * 1024**3
"""Bytes of address space a query's child process may use (pyoxigraph and the store included;
about 0.5 GB of it is taken before the query starts)."""

_BATCH = 256
_PRELOAD = ["pyoxigraph", "riskgraph.queries.isolation"]
_context_lock = threading.Lock()
_context: Any = None


def available() -> bool:
    """True where child processes can be forked from a server (Linux, macOS; not Windows)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


class QueryMemoryError(UserError):
    """The query needed more memory than it may use and was stopped."""


def _forkserver() -> Any:
    """The forkserver context, its server running. It is started here, with the process's real
    standard error: multiprocessing hands ``sys.stderr`` to its helper processes, and a stand-in
    without a file descriptor (the TUI's, a test runner's) would make starting them fail."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            with contextlib.redirect_stderr(_real_stderr()):
                multiprocessing.forkserver.ensure_running()
            _context = context
        return _context


def _real_stderr() -> Any:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None and stream.fileno() >= 0:
                return stream
        except (OSError, ValueError, AttributeError):
            continue
    return open(os.devnull, "w")  # lives as long as the helper processes


class ChildEvaluation:
    """One query evaluated by a child process; its answer comes back message by message.

    Messages: ``("head", form, variables, answer)``, ``("rows", [row, ...])``, ``("end",)``,
    ``("error", exception)`` and ``("memory",)``. A row is a tuple of terms (in the order of
    the variables) for SELECT, a triple for CONSTRUCT and DESCRIBE.
    """

    def __init__(
        self,
        folder: Path,
        sparql: str,
        bindings: Mapping[str, Any],
        *,
        memory_limit: int,
    ) -> None:
        self.memory_limit = memory_limit
        context = _forkserver()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child_main,
            args=(send, str(folder), sparql, dict(bindings), memory_limit),
            name="riskgraph-query",
            daemon=True,
        )
        self._process.start()
        send.close()

    def receive(self, timeout: float | None) -> tuple[Any, ...] | None:
        """The next message; None when ``timeout`` seconds passed without one.

        A child that died without a word becomes ``("memory",)`` when it was aborted (the
        allocator's way to fail) and ``("crashed", signal)`` otherwise."""
        if not self._receive.poll(timeout):
            return None
        try:
            message: tuple[Any, ...] = self._receive.recv()
            return message
        except (EOFError, OSError):
            self._process.join(5)
            code = self._process.exitcode
            # Rust aborts when an allocation fails; the kernel's OOM killer sends SIGKILL.
            if code in (-signal.SIGABRT, -signal.SIGKILL):
                return ("memory",)
            return ("crashed", code)

    def stop(self) -> None:
        """Kill the child (if it still runs) and release the pipe."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join(5)
        self._receive.close()


def _child_main(
    send: Connection, folder: str, sparql: str, bindings: dict[str, Any], memory_limit: int
) -> None:
    """The child: cap memory, open the store read-only, evaluate, send the answer in batches."""
    import resource  # POSIX only, like the forkserver that runs this

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the allocator's last words are not for the user's terminal
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        import pyoxigraph as ox

        from riskgraph.store.binding import bind

        store = ox.Store.read_only(folder)
        text = bind(sparql, bindings) if bindings else sparql
        raw = store.query(text, use_default_graph_as_union=True)
        if isinstance(raw, ox.QueryBoolean):
            send.send(("head", "ask", [], bool(raw)))
            return
        if isinstance(raw, ox.QuerySolutions):
            variables = [v.value for v in raw.variables]
            send.send(("head", "select", variables, False))
            rows: Any = (tuple(solution[name] for name in variables) for solution in raw)
        else:
            send.send(("head", "graph", [], False))
            rows = iter(raw)
        batch: list[Any] = []
        started = time.monotonic()
        for row in rows:
            batch.append(row)
            # Send often at first (the caller may want only a few rows), then in full batches.
            if len(batch) >= _BATCH or time.monotonic() - started < 0.2:
                send.send(("rows", batch))
                batch = []
        if batch:
            send.send(("rows", batch))
        send.send(("end",))
    except MemoryError:
        send.send(("memory",))
    except Exception as exc:  # every failure goes back to the caller as data
        try:
            send.send(("error", exc))
        except Exception:  # an exception that cannot be pickled
            send.send(("error", RuntimeError(str(exc))))
    finally:
        send.close()
