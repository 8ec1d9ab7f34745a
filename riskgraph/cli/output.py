"""Console output shared by the commands: one place for colours, errors and progress."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from rich.console import Console

from riskgraph.errors import (
    InputError,
    InputErrors,
    Location,
    RiskgraphError,
    UnlessSet,
    UserError,
)

if TYPE_CHECKING:
    from riskgraph.results.outputs import Document, OutputFormat

console = Console()
err_console = Console(stderr=True)

R = TypeVar("R")

FILE_TABLE_WIDTH = 120
"""Width of the table form of a report when it is written to a file."""


def fail(message: str, *, code: int = 2) -> NoReturn:
    err_console.print("[bold red]error:[/] ", end="", highlight=False)
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


def explain(exc: RiskgraphError, outcome: str | None = None) -> str:
    """The CLI's wording of an error: every problem of an ``InputErrors`` on its own line, then
    what they mean for the command (``outcome``, e.g. "nothing was imported")."""
    if isinstance(exc, InputErrors):
        head = f"{len(exc.errors)} problem(s)" + (f"; {outcome}" if outcome else "") + ":"
        return "\n".join([head, *(f"  - {error.render()}" for error in exc.errors)])
    return str(exc)


def fail_on(exc: RiskgraphError, outcome: str | None = None) -> NoReturn:
    """The one place the CLI turns an error of the core into a message and an exit code."""
    fail(explain(exc, outcome), code=exc.exit_code)


def pick_format(document: Document, name: str | None, output: Path | None) -> OutputFormat:
    """``document.choose``, with a wrong format name pinned on the --format option."""
    try:
        return document.choose(name, output)
    except InputError as exc:
        if exc.location.file is not None:
            raise
        raise InputError(
            exc.problem,
            location=Location(column="--format"),
            value=exc.value,
            expected=exc.expected,
        ) from None


def table_text(draw: Callable[[Console], None]) -> str:
    """What ``draw`` prints, as plain text ``FILE_TABLE_WIDTH`` wide: a report's table form in a
    file or a pipe."""
    import io

    buffer = io.StringIO()
    draw(Console(file=buffer, width=FILE_TABLE_WIDTH, no_color=True))
    return buffer.getvalue()


def emit_report(
    report: R,
    chosen: str,
    output: Path | None,
    *,
    draw: Callable[[R, Console], None],
    forms: Mapping[str, Callable[[R], str]],
    wrote: str,
) -> None:
    """A text report in the format ``chosen`` (a name from the format registry): the table form
    (``draw``) on the terminal, another form (``forms[chosen]``) on stdout, or either written to
    ``output`` in one piece, ``wrote`` then said on stderr."""
    if output is None and chosen == "table":
        draw(report, console)
        return
    if chosen == "table":
        body = table_text(lambda target: draw(report, target))
    else:
        body = forms[chosen](report)
    if output is None:
        sys.stdout.write(body)
        sys.stdout.flush()
        return
    from riskgraph.results.streams import atomic_output

    with atomic_output(output) as handle:
        handle.write(body.encode("utf-8"))
    err_console.print(wrote, markup=False, highlight=False)


def success(message: str) -> None:
    console.print(f"[green]✓[/] {message}", highlight=False)


@contextmanager
def options_named(options: Mapping[str, str]) -> Iterator[None]:
    """The core's errors about a field (``Location.column``, or the field that lifts an
    ``UnlessSet`` refusal), pinned on the option of this command that gives it: the core names
    fields, the CLI names its own options."""
    try:
        yield
    except UnlessSet as exc:
        option = options.get(exc.field)
        if option is None:
            raise
        raise UserError(exc.worded(f"with {option}")) from None
    except InputError as exc:
        option = options.get(exc.location.column or "")
        if option is None or exc.location.file is not None:
            raise
        raise InputError(
            exc.problem, location=Location(column=option), value=exc.value, expected=exc.expected
        ) from None
