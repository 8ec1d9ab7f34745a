"""Run register work in a thread and hand the result (or the error) back to the UI thread.

Screens never touch the store from the UI thread: they call ``in_background`` with a function
from ``riskgraph.tui.data``, which opens the register itself in the worker thread and returns
plain data. A newer job of the same name cancels the older one; a cancelled job's result is
dropped. Errors are never raised into Textual: they reach ``failed`` (by default a notification).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from riskgraph.errors import RiskgraphError

T = TypeVar("T")


def describe_error(exc: BaseException) -> str:
    """An error as a person should read it; unexpected ones keep their type name."""
    if isinstance(exc, RiskgraphError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def in_background(
    node: DOMNode,
    job: Callable[[], T],
    done: Callable[[T], object],
    *,
    name: str,
    failed: Callable[[BaseException], object] | None = None,
    exclusive: bool = True,
) -> Worker[None]:
    """Run ``job`` in a thread worker; call ``done(result)`` or ``failed(error)`` on the UI
    thread, unless the worker was cancelled meanwhile."""

    def report_error(exc: BaseException) -> None:
        node.app.notify(describe_error(exc), title="Something went wrong", severity="error")

    def work() -> None:
        worker = get_current_worker()
        try:
            result = job()
        except Exception as exc:  # shown to the user, never raised into the app
            if not worker.is_cancelled:
                _deliver(node, failed or report_error, exc)
            return
        if not worker.is_cancelled:
            _deliver(node, done, result)

    return node.run_worker(
        work, name=name, group=name, thread=True, exclusive=exclusive, exit_on_error=False
    )


def _deliver(node: DOMNode, callback: Callable[[T], object], value: T) -> None:
    with suppress(RuntimeError):  # the app has closed meanwhile: nobody is left to tell
        node.app.call_from_thread(callback, value)
