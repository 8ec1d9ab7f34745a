"""A large risk spreadsheet in the layout of riskgraph's risk template, for import benchmarks.

Links are IDs of entities that the register of the same size has at any seed: systems
(``AIS-…``), people holding the risk-owner role (``PER-…``) and risk sources (``RS-…``)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable
from typing import TextIO

from . import ids, scoring
from .lexicon import RISK_SOURCES, RISK_THEMES
from .profile import SYSTEMS_PER_UNIT, Profile
from .register import DEFAULT_AS_OF, DEFAULT_SEED
from .roster import people_with_role

RISK_CSV_COLUMNS = (
    "id",
    "title",
    "description",
    "affects",
    "owner",
    "likelihood",
    "severity",
    "residual_likelihood",
    "residual_severity",
    "risk_sources",
    "category",
    "review_due",
)
"""The risk template header. It is still being designed: change it here only."""
MULTI_VALUE_SEPARATOR = ";"


def write_risk_csv(
    out: TextIO,
    rows: int,
    profile: Profile,
    *,
    seed: int = DEFAULT_SEED,
    as_of: dt.date = DEFAULT_AS_OF,
) -> None:
    """Write a header and ``rows`` risks; ``out`` must be opened with ``newline=""``."""
    rng = random.Random(seed)
    owners = people_with_role(profile, "Risk owner")
    writer = csv.writer(out)
    writer.writerow(RISK_CSV_COLUMNS)
    for number in range(1, rows + 1):
        row = _row(rng, number, profile, owners, as_of)
        writer.writerow(row[column] for column in RISK_CSV_COLUMNS)


def _row(
    rng: random.Random, number: int, profile: Profile, owners: list[int], as_of: dt.date
) -> dict[str, str]:
    theme = RISK_THEMES[rng.randrange(len(RISK_THEMES))]
    systems = _affected_systems(rng, profile)
    inherent = scoring.inherent(rng)
    residual = scoring.reduced(rng, inherent) if rng.random() < 0.75 else None
    sources = rng.sample(range(1, len(RISK_SOURCES) + 1), rng.randint(1, 2))
    review_due = as_of + dt.timedelta(days=rng.randint(-60, 365))
    first_system = ids.ident(ids.SYSTEM, systems[0])
    return {
        "id": ids.ident(ids.CSV_RISK, number),
        "title": f"{theme.title} in {first_system}",
        "description": theme.description if rng.random() < 0.4 else "",
        "affects": _join(ids.ident(ids.SYSTEM, s) for s in systems),
        "owner": ids.ident(ids.PERSON, rng.choice(owners)) if rng.random() < 0.97 else "",
        "likelihood": str(inherent.likelihood),
        "severity": str(inherent.severity),
        "residual_likelihood": str(residual.likelihood) if residual is not None else "",
        "residual_severity": str(residual.severity) if residual is not None else "",
        "risk_sources": _join(ids.ident(ids.RISK_SOURCE, s) for s in sources),
        "category": theme.category,
        "review_due": review_due.isoformat() if rng.random() < 0.95 else "",
    }


def _affected_systems(rng: random.Random, profile: Profile) -> list[int]:
    """One system; some risks also affect up to three more systems of the same unit."""
    first = rng.randint(1, profile.systems)
    if rng.random() >= 0.12:
        return [first]
    unit_start = (first - 1) // SYSTEMS_PER_UNIT * SYSTEMS_PER_UNIT + 1
    unit = range(unit_start, min(profile.systems, unit_start + SYSTEMS_PER_UNIT - 1) + 1)
    others = [n for n in unit if n != first]
    return [first, *rng.sample(others, min(len(others), rng.randint(1, 3)))]


def _join(values: Iterable[str]) -> str:
    return MULTI_VALUE_SEPARATOR.join(values)
