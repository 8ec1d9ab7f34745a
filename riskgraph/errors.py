"""Errors meant for people, under one root: ``RiskgraphError``.

Every error the core raises for a person to read derives from ``RiskgraphError``; anything else
that escapes is a bug. Each face turns the root into its own words in one place: the CLI in
``riskgraph.cli.output.fail_on`` (message on stderr, ``exit_code``), the TUI in
``riskgraph.tui.workers.describe_error`` (a notification). Messages name fields and values, never
the flags or keys of one face.

Exit codes: 1 the check found problems (validation, gaps), 2 the input is wrong (``UserError``),
3 the work could not be done (store, endpoint, model service: ``RiskgraphError`` itself).
"""

from __future__ import annotations

from dataclasses import dataclass


class RiskgraphError(Exception):
    """The root of every error meant for a person; the message is written for them."""

    exit_code = 3


class UserError(RiskgraphError):
    """A mistake in what the user gave us (a file, a value, a name). Exit code 2."""

    exit_code = 2


@dataclass
class Location:
    """Where a bad value sits: file, then line or row, then column or field."""

    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


class UnlessSet(UserError):
    """A refusal that setting one field lifts (``replace``, ``force``). The message ends
    "..., or load it with replace set"; a face rewords the field with ``worded`` (the CLI:
    "with --replace")."""

    def __init__(self, reason: str, *, field: str, action: str) -> None:
        self.reason = reason
        self.field = field
        self.action = action
        super().__init__(self.worded(f"with {field} set"))

    def worded(self, how: str) -> str:
        """The message with the field said as ``how`` (e.g. "with --replace")."""
        return f"{self.reason}, or {self.action} {how}"


class InputError(UserError):
    """One bad value: names where it is, what it is and what was expected."""

    def __init__(
        self,
        problem: str,
        *,
        location: Location | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.problem = problem
        self.location = location or Location()
        self.value = value
        self.expected = expected
        super().__init__(self.render())

    def render(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.problem}" if where else self.problem
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


class InputErrors(UserError):
    """Several bad values found in one pass, so the user can fix them all at once."""

    def __init__(self, errors: list[InputError], *, limit: int = 50) -> None:
        self.errors = errors
        shown = [e.render() for e in errors[:limit]]
        more = len(errors) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more")
        super().__init__(f"{len(errors)} problem(s):\n" + "\n".join(f"  - {s}" for s in shown))
