"""The review schedule: which risks, controls, treatments and AI systems are due or overdue for
review, by owner (docs/certification.md, "Review cadence").

An item's next review date is its stored ``review_due`` (recording a review sets it: see
``riskgraph.editing.records.review_moves``); an item with none falls due its review interval
after its ``last_reviewed`` (computed); an item with neither has no date and is counted as
unscheduled. The interval is the item's own ``review_interval``, else the register's
``review.<kind>_days``. Catalogue risks not adopted, rejected treatments, retired controls and
retired AI systems have no cadence.

One read model for every face: ``riskgraph due`` (table, JSON, CSV, Markdown), the TUI's due
screen and its dashboard's review panel.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.editing.records import next_review, review_interval
from riskgraph.errors import InputError, Location
from riskgraph.ids import natural_key
from riskgraph.model.entities import Person
from riskgraph.model.rdf import IdResolver
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.results.formulas import neutralise
from riskgraph.results.tabular import markdown_cell
from riskgraph.store.base import Store, Term
from riskgraph.vocab import REGISTER_GRAPH, sparql_prefix_block

NO_OWNER = "(no owner)"
"""How the schedule names the group of items nobody owns."""
DAYS_PER_UNIT = {"d": 1, "w": 7}
_WITHIN = re.compile(r"^\s*(\d{1,4})\s*([dw]?)\s*$", re.IGNORECASE)
CSV_COLUMNS = (
    "owner",
    "owner_name",
    "kind",
    "id",
    "title",
    "next_review",
    "status",
    "days",
    "last_reviewed",
    "interval_days",
    "date_source",
)


def parse_within(text: str | None) -> int:
    """A look-ahead as days: ``30``, ``30d`` or ``4w``; None: 0 (only what is due by today)."""
    if text is None:
        return 0
    match = _WITHIN.match(text)
    if match is None:
        raise InputError(
            "not a duration",
            location=Location(column="within"),
            value=text,
            expected="a number of days or weeks, e.g. 30d, 4w or 30",
        )
    return int(match.group(1)) * DAYS_PER_UNIT[(match.group(2) or "d").lower()]


@dataclass(frozen=True)
class DueEntry:
    """One item whose next review falls on or before the schedule's horizon."""

    iri: str
    id: str
    kind: str
    title: str
    owner: str | None
    owner_name: str | None
    next_review: date
    last_reviewed: date | None
    interval_days: int
    stored: bool
    """True when ``next_review`` is the item's stored review date, False when computed."""

    def days(self, today: date) -> int:
        """Days from today to the review: negative when overdue."""
        return (self.next_review - today).days

    def status(self, today: date) -> str:
        """'overdue', 'due today' or 'due'."""
        days = self.days(today)
        return "overdue" if days < 0 else "due today" if days == 0 else "due"

    def state(self, today: date) -> str:
        """'12 d late', 'today', 'in 5 d'."""
        days = self.days(today)
        if days < 0:
            return f"{-days} d late"
        return "today" if days == 0 else f"in {days} d"

    def record(self, today: date) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "owner_name": self.owner_name,
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "next_review": self.next_review.isoformat(),
            "status": self.status(today),
            "days": self.days(today),
            "last_reviewed": self.last_reviewed.isoformat() if self.last_reviewed else None,
            "interval_days": self.interval_days,
            "date_source": "stored" if self.stored else "computed",
        }


@dataclass(frozen=True)
class OwnerGroup:
    owner: str | None
    name: str | None
    entries: list[DueEntry]

    @property
    def heading(self) -> str:
        if self.owner is None:
            return NO_OWNER
        return f"{self.owner} ({self.name})" if self.name else self.owner


@dataclass(frozen=True)
class DueSchedule:
    today: date
    within_days: int
    entries: list[DueEntry]
    """Most urgent first (date, then ID)."""
    unscheduled: list[str] = field(default_factory=list)
    """IDs of items with no review date and no last review."""
    owner: str | None = None
    """The owner the schedule is limited to, as given."""

    @property
    def horizon(self) -> date:
        return self.today + timedelta(days=self.within_days)

    @property
    def overdue(self) -> int:
        return sum(1 for entry in self.entries if entry.next_review < self.today)

    @property
    def due(self) -> int:
        """Due today or within the look-ahead, not overdue."""
        return len(self.entries) - self.overdue

    def by_owner(self) -> list[OwnerGroup]:
        """Groups by owner ID (unowned items last), each most urgent first."""
        groups: dict[str | None, list[DueEntry]] = {}
        for entry in self.entries:
            groups.setdefault(entry.owner, []).append(entry)
        order = sorted(
            groups, key=lambda owner: (owner is None, natural_key(owner) if owner else ())
        )
        return [OwnerGroup(o, groups[o][0].owner_name, groups[o]) for o in order]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "within_days": self.within_days,
            "horizon": self.horizon.isoformat(),
            "owner": self.owner,
            "summary": {
                "overdue": self.overdue,
                "due": self.due,
                "unscheduled": len(self.unscheduled),
            },
            "owners": [
                {
                    "owner": group.owner,
                    "name": group.name,
                    "items": [entry.record(self.today) for entry in group.entries],
                }
                for group in self.by_owner()
            ],
            "unscheduled": list(self.unscheduled),
        }


def load_due(
    register: Register, today: date, *, within_days: int = 0, owner: str | None = None
) -> DueSchedule:
    """``read_due`` on the register, for faces that load in a worker (the terminal UI)."""
    with register.reader() as store:
        return read_due(
            store, register.base_iri, register.config, today, within_days=within_days, owner=owner
        )


_SCHEDULE_QUERY = f"""{sparql_prefix_block()}
SELECT ?item ?kind ?id ?title ?owner ?owner_id ?owner_name ?due ?last ?own_days
WHERE {{
  GRAPH ?g {{
    {{
      ?item a rg:Risk .
      MINUS {{ ?item a rg:CatalogueRisk }}
      BIND("risk" AS ?kind)
    }} UNION {{
      ?item a rg:Treatment .
      MINUS {{ ?item rg:status rg:Rejected }}
      BIND("treatment" AS ?kind)
    }} UNION {{
      ?item a rg:Control .
      MINUS {{ ?item rg:status rg:Retired }}
      BIND("control" AS ?kind)
    }} UNION {{
      ?item a rg:AISystem .
      MINUS {{ ?item rg:lifecycleStage "retired" }}
      BIND("system" AS ?kind)
    }}
    ?item dcterms:identifier ?id .
    OPTIONAL {{ ?item dcterms:title ?title }}
    OPTIONAL {{
      ?item rg:owner ?owner .
      OPTIONAL {{ ?owner dcterms:identifier ?owner_id }}
      OPTIONAL {{ ?owner dcterms:title ?owner_name }}
    }}
    OPTIONAL {{ ?item rg:reviewDue ?due }}
    OPTIONAL {{ ?item rg:lastReviewed ?last }}
    OPTIONAL {{ ?item rg:reviewInterval ?own_days }}
  }}
}}
"""
"""What the schedule needs of every item with a review cadence (catalogue risks not adopted,
rejected treatments, retired controls and retired AI systems have none), in one query: reading
every item as a whole entity took 12 s for the 62,000 items of the benchmark's size L."""


@dataclass(frozen=True)
class _Scheduled:
    """The schedule's projection of one item: what ``next_review`` and the entry read."""

    iri: str
    kind: str
    id: str
    title: str
    owner: str | None
    owner_name: str | None
    review_due: date | None
    last_reviewed: date | None
    review_interval: int | None


def read_due(
    store: Store,
    base_iri: str,
    config: RegisterConfig,
    today: date,
    *,
    within_days: int = 0,
    owner: str | None = None,
) -> DueSchedule:
    """Items whose next review is on or before ``today + within_days``; ``owner`` (a person's
    ID) limits them to that owner's items and must name a person in the register."""
    if owner is not None:
        owner = owner.strip()
        if not isinstance(Repository(store, base_iri).get(owner), Person):
            raise InputError(
                "no person with this ID in the register",
                location=Location(column="owner"),
                value=owner,
                expected="the ID of a person, e.g. P-001",
            )
    horizon = today + timedelta(days=within_days)
    entries: list[DueEntry] = []
    unscheduled: list[str] = []
    for item in _scheduled_items(store, base_iri):
        if owner is not None and item.owner != owner:
            continue
        when, stored = next_review(item, config.review)
        if when is None:
            unscheduled.append(item.id)
            continue
        if when > horizon:
            continue
        entries.append(
            DueEntry(
                iri=item.iri,
                id=item.id,
                kind=item.kind,
                title=item.title,
                owner=item.owner,
                owner_name=item.owner_name,
                next_review=when,
                last_reviewed=item.last_reviewed,
                interval_days=review_interval(item, config.review),
                stored=stored,
            )
        )
    entries.sort(key=lambda e: (e.next_review, natural_key(e.id)))
    return DueSchedule(
        today=today,
        within_days=within_days,
        entries=entries,
        unscheduled=sorted(unscheduled, key=natural_key),
        owner=owner,
    )


def _scheduled_items(store: Store, base_iri: str) -> list[_Scheduled]:
    """Every item with a review cadence, once each. An item whose review dates or interval
    cannot be read (not a date, not a whole number) is left out, as the entity's own reading
    leaves it out; where a property has several values the smallest counts."""
    resolve = IdResolver(base_iri)
    rows: dict[str, list[dict[str, Term | None]]] = {}
    for row in store.select(_SCHEDULE_QUERY, {"g": ox.NamedNode(REGISTER_GRAPH)}).rows:
        item = row["item"]
        if isinstance(item, ox.NamedNode):
            rows.setdefault(item.value, []).append(row)
    items = []
    for iri, found in rows.items():
        try:
            due = min(map(date.fromisoformat, _values(found, "due")), default=None)
            last = min(map(date.fromisoformat, _values(found, "last")), default=None)
            own = min(map(int, _values(found, "own_days")), default=None)
        except ValueError:
            continue
        owner_iri = min(_values(found, "owner"), default=None)
        items.append(
            _Scheduled(
                iri=iri,
                kind=min(_values(found, "kind"), default=""),
                id=min(_values(found, "id"), default=""),
                title=min(_values(found, "title"), default=""),
                owner=min(_values(found, "owner_id"), default=None)
                or (resolve(owner_iri) if owner_iri else None),
                owner_name=min(_values(found, "owner_name"), default=None) or None,
                review_due=due,
                last_reviewed=last,
                review_interval=own,
            )
        )
    return items


def _values(rows: list[dict[str, Term | None]], name: str) -> list[str]:
    """The values one variable took in an item's rows (several when a property is repeated)."""
    return [term.value for row in rows if (term := row[name]) is not None]


def due_csv(schedule: DueSchedule) -> str:
    """One row per item, owners in order; cells a spreadsheet would run are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for group in schedule.by_owner():
        for entry in group.entries:
            record = entry.record(schedule.today)
            writer.writerow([neutralise(_cell(record[column])) for column in CSV_COLUMNS])
    return out.getvalue()


def due_json(schedule: DueSchedule) -> str:
    return json.dumps(schedule.to_json(), indent=2, ensure_ascii=False) + "\n"


MARKDOWN_COLUMNS = ("kind", "id", "title", "next_review", "status", "last_reviewed")


def due_markdown(schedule: DueSchedule) -> str:
    """A heading per owner with a table of their items."""
    lines = [
        "# Reviews due",
        "",
        f"Today {schedule.today.isoformat()}, looking ahead {schedule.within_days} day(s) "
        f"(to {schedule.horizon.isoformat()}): {schedule.overdue} overdue, {schedule.due} due, "
        f"{len(schedule.unscheduled)} with no review date.",
        "",
    ]
    if not schedule.entries:
        lines += ["_none_", ""]
    for group in schedule.by_owner():
        lines += [f"## {_prose(group.heading)}", ""]
        lines.append("| " + " | ".join(MARKDOWN_COLUMNS) + " |")
        lines.append("|" + "---|" * len(MARKDOWN_COLUMNS))
        for entry in group.entries:
            record = entry.record(schedule.today)
            cells = (markdown_cell(_cell(record[column])) for column in MARKDOWN_COLUMNS)
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


_PROSE_ESCAPES = {ord(c): "\\" + c for c in "\\`*_[]<>|#"}


def _prose(text: str) -> str:
    """A heading's text: one line, with what would start markup there escaped."""
    return " ".join(text.split()).translate(_PROSE_ESCAPES)


def _cell(value: object) -> str:
    return "" if value is None else str(value)
