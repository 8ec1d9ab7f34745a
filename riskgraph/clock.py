"""The day dates are judged on: reviews overdue, evidence expired, 'today' in query parameters.

Every face takes it from here: the CLI's ``--today`` options, the TUI, the MCP server, the
reports and the gap rules. A day given by the user wins; otherwise it is the system date.
"""

from __future__ import annotations

from datetime import date

from riskgraph.errors import InputError


def today() -> date:
    """The system date: the default wherever a day may be given."""
    return date.today()


def parse_day(text: str, name: str = "today") -> date:
    """A day given as YYYY-MM-DD; ``name`` is what the face calls the field (e.g. '--today')."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{name} is not a date",
            value=text,
            expected="a date as YYYY-MM-DD, e.g. 2026-11-22",
        ) from None


def day_or_today(given: date | str | None, name: str = "today") -> date:
    """``given`` as a date (text is parsed), or ``today()`` when nothing was given."""
    if given is None:
        return today()
    return given if isinstance(given, date) else parse_day(given, name)
