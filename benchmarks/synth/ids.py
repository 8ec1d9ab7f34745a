"""Entity IDs. Pools numbered by index (systems, people, sources) keep their IDs at every seed."""

from __future__ import annotations

SYSTEM = "AIS"
MODEL = "MDL"
DATASET = "DS"
SERVICE = "SVC"
SUPPLIER = "SUP"
PERSON = "PER"
TEAM = "ORG"
ROLE = "ROLE"
STAKEHOLDER = "STK"
RISK_SOURCE = "RS"
CONSEQUENCE = "CON"
RISK = "R"
CONTROL = "CTL"
TREATMENT = "TR"
IMPACT_ASSESSMENT = "IA"
EVIDENCE = "EV"
FINDING = "AF"
CORRECTIVE_ACTION = "CA"
APPLICABILITY = "SOA"
CSV_RISK = "RCSV"
"""Prefix of risks in a generated CSV, so importing one never overwrites a register risk."""


def ident(prefix: str, number: int) -> str:
    """``ident("R", 17)`` is ``R-000017``; numbers start at 1."""
    return f"{prefix}-{number:06d}"


class Counter:
    """Hands out consecutive IDs per prefix."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        number = self._last.get(prefix, 0) + 1
        self._last[prefix] = number
        return ident(prefix, number)
