"""The Statement of Applicability (ISO/IEC 42001, 6.1.3): one row per Annex A control.

Each row says whether the Annex A control applies and why, how far it is implemented, which of
the register's controls implement it, which risks those controls mitigate and which evidence
shows them in place. IDs and short headings come from the catalogue only.

The rules, in one place:

* **Applicability.** An Annex A control is excluded when an applicability statement for it says
  ``rg:applicable false`` (the same rule as the ``annex-a-controls-not-implemented`` gap query);
  otherwise it applies. With no statement at all it applies, and the row shows that no decision
  is recorded.
* **Implementation status**, from the controls that address it (``rg:addresses``):
  ``excluded`` when not applicable; else ``implemented`` when at least one is implemented or
  verified; else ``planned`` when at least one is planned (a control with no status counts as
  planned, the model's default); else ``not implemented`` (no control, or only retired ones).
* **Related risks** are those mitigated by the non-retired controls that address it.
* **Evidence** supports one of those non-retired controls, or the Annex A control itself; it is
  expired when its expiry date is before ``today`` (evidence expiring today is still current).

Everything is read with four bulk queries, whatever the size of the register.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

import pyoxigraph as ox

from riskgraph import __version__
from riskgraph.ids import natural_key
from riskgraph.register import Register
from riskgraph.results.manifest import register_hash
from riskgraph.store.base import Store, Term, term_value
from riskgraph.vocab import RG, sparql_prefix_block


class ImplementationStatus(enum.StrEnum):
    IMPLEMENTED = "implemented"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not implemented"
    EXCLUDED = "excluded"


STATUS_ORDER: tuple[ImplementationStatus, ...] = tuple(ImplementationStatus)
"""Statuses in the order summaries and charts show them."""

_IN_PLACE = frozenset({"implemented", "verified"})
_RETIRED = "retired"
_PLANNED = "planned"


@dataclass(frozen=True)
class ImplementingControl:
    id: str
    title: str | None
    status: str
    """planned, implemented, verified or retired (lower case, as in the ontology)."""

    @property
    def counts(self) -> bool:
        """Whether the control takes part in the SoA (retired controls do not)."""
        return self.status != _RETIRED


@dataclass(frozen=True)
class RelatedRisk:
    id: str
    title: str | None


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    title: str | None
    issued: date | None
    expires: date | None
    expired: bool


@dataclass(frozen=True)
class Decision:
    """An applicability statement about one Annex A control."""

    statement_id: str | None
    applicable: bool
    justification: str | None
    decided_by: str | None
    decided_on: date | None


@dataclass(frozen=True)
class SoaRow:
    ref: str
    """The Annex A control's reference ID, e.g. A.6.2.4."""
    heading: str
    objective_ref: str
    objective_heading: str
    decisions: tuple[Decision, ...]
    controls: tuple[ImplementingControl, ...]
    risks: tuple[RelatedRisk, ...]
    evidence: tuple[EvidenceItem, ...]

    @property
    def applicable(self) -> bool:
        return all(d.applicable for d in self.decisions)

    @property
    def decided(self) -> bool:
        return bool(self.decisions)

    @property
    def justification(self) -> str | None:
        texts = [d.justification for d in self._governing() if d.justification]
        return " / ".join(texts) or None

    @property
    def statement_ids(self) -> list[str]:
        return [d.statement_id for d in self._governing() if d.statement_id]

    @property
    def decided_by(self) -> list[str]:
        return sorted({d.decided_by for d in self._governing() if d.decided_by})

    @property
    def decided_on(self) -> date | None:
        return max((d.decided_on for d in self._governing() if d.decided_on), default=None)

    @property
    def status(self) -> ImplementationStatus:
        if not self.applicable:
            return ImplementationStatus.EXCLUDED
        statuses = {c.status for c in self.controls}
        if statuses & _IN_PLACE:
            return ImplementationStatus.IMPLEMENTED
        if _PLANNED in statuses:
            return ImplementationStatus.PLANNED
        return ImplementationStatus.NOT_IMPLEMENTED

    @property
    def expired_evidence(self) -> list[EvidenceItem]:
        return [e for e in self.evidence if e.expired]

    def _governing(self) -> list[Decision]:
        """The statements that decide the row: the exclusions if any, else all of them."""
        excluding = [d for d in self.decisions if not d.applicable]
        return excluding or list(self.decisions)


@dataclass(frozen=True)
class Objective:
    ref: str
    heading: str
    rows: tuple[SoaRow, ...]

    def count(self, status: ImplementationStatus) -> int:
        return sum(1 for row in self.rows if row.status is status)


@dataclass(frozen=True)
class StatementOfApplicability:
    register_name: str
    register_sha256: str
    generated_at: datetime
    today: date
    """The day evidence expiry is judged on."""
    riskgraph_version: str
    rows: tuple[SoaRow, ...] = field(default=())

    def objectives(self) -> list[Objective]:
        """The rows under their objectives, both in catalogue order."""
        grouped: dict[str, list[SoaRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.objective_ref].append(row)
        return [
            Objective(ref, rows[0].objective_heading, tuple(rows)) for ref, rows in grouped.items()
        ]

    def counts(self) -> dict[ImplementationStatus, int]:
        """Rows by implementation status, every status present (0 when none)."""
        return {s: sum(1 for row in self.rows if row.status is s) for s in STATUS_ORDER}

    @property
    def applicable_count(self) -> int:
        return sum(1 for row in self.rows if row.applicable)


# --- reading the register -------------------------------------------------------------------

_PREFIXES = sparql_prefix_block()
_ENGLISH = 'FILTER(LANG(?{0}) = "" || LANGMATCHES(LANG(?{0}), "en"))'

_ANNEX_A_QUERY = f"""{_PREFIXES}
SELECT ?annex ?ref ?heading ?objective_ref ?objective_heading ?statement ?statement_id
       ?applicable ?justification ?decided_by ?decided_on
WHERE {{
  ?annex a rg:AnnexAControl ;
      skos:notation ?ref ;
      skos:prefLabel ?heading ;
      skos:broader ?objective .
  ?objective skos:notation ?objective_ref ;
      skos:prefLabel ?objective_heading .
  {_ENGLISH.format("heading")}
  {_ENGLISH.format("objective_heading")}
  OPTIONAL {{
    ?statement a rg:ApplicabilityStatement ;
        rg:annexAControl ?annex .
    OPTIONAL {{ ?statement dcterms:identifier ?statement_id }}
    OPTIONAL {{ ?statement rg:applicable ?applicable }}
    OPTIONAL {{ ?statement rg:justification ?justification }}
    OPTIONAL {{ ?statement rg:decidedBy/dcterms:identifier ?decided_by }}
    OPTIONAL {{ ?statement rg:decidedOn ?decided_on }}
  }}
}}
"""

_CONTROLS_QUERY = f"""{_PREFIXES}
SELECT ?annex ?control ?id ?title ?status
WHERE {{
  ?control a rg:Control ;
      rg:addresses ?annex ;
      dcterms:identifier ?id .
  ?annex a rg:AnnexAControl .
  OPTIONAL {{ ?control dcterms:title ?title }}
  OPTIONAL {{ ?control rg:status ?status }}
}}
"""

_RISKS_QUERY = f"""{_PREFIXES}
SELECT DISTINCT ?control ?id ?title
WHERE {{
  ?control a rg:Control ;
      rg:addresses ?annex ;
      rg:mitigates ?risk .
  ?annex a rg:AnnexAControl .
  ?risk dcterms:identifier ?id .
  OPTIONAL {{ ?risk dcterms:title ?title }}
}}
"""

_EVIDENCE_QUERY = f"""{_PREFIXES}
SELECT DISTINCT ?target ?id ?title ?issued ?expires
WHERE {{
  {{
    ?target a rg:Control ;
        rg:addresses ?annex .
    ?annex a rg:AnnexAControl .
  }} UNION {{
    ?target a rg:AnnexAControl .
  }}
  ?evidence a rg:Evidence ;
      rg:supports ?target ;
      dcterms:identifier ?id .
  OPTIONAL {{ ?evidence dcterms:title ?title }}
  OPTIONAL {{ ?evidence dcterms:issued ?issued }}
  OPTIONAL {{ ?evidence rg:expires ?expires }}
}}
"""


def statement_of_applicability(
    register: Register, store: Store, *, today: date, generated_at: datetime | None = None
) -> StatementOfApplicability:
    """The Statement of Applicability of ``register`` (read through ``store``), stamped with the
    register's fingerprint, the time (now, unless given) and the riskgraph version."""
    return build_soa(
        store,
        register_name=register.display_name,
        register_sha256=register_hash(store),
        today=today,
        generated_at=generated_at or datetime.now(UTC),
        riskgraph_version=__version__,
    )


def build_soa(
    store: Store,
    *,
    register_name: str,
    register_sha256: str,
    today: date,
    generated_at: datetime,
    riskgraph_version: str,
) -> StatementOfApplicability:
    """The Statement of Applicability of the register in ``store``, judged on ``today``."""
    annex = _annex_a_controls(store)
    controls = _controls(store)
    risks = _risks(store)
    evidence = _evidence(store, today)
    rows = []
    for iri, item in annex.items():
        addressing = sorted(controls.get(iri, {}).items(), key=lambda kv: natural_key(kv[1].id))
        counting = [control_iri for control_iri, c in addressing if c.counts]
        related = _merge((risks.get(c, []) for c in counting), key=lambda r: r.id)
        supporting = _merge(
            [*(evidence.get(c, []) for c in counting), evidence.get(iri, [])], key=lambda e: e.id
        )
        decisions = sorted(item.decisions, key=lambda d: natural_key(d.statement_id or ""))
        rows.append(
            SoaRow(
                ref=item.ref,
                heading=item.heading,
                objective_ref=item.objective_ref,
                objective_heading=item.objective_heading,
                decisions=tuple(decisions),
                controls=tuple(c for _, c in addressing),
                risks=tuple(related),
                evidence=tuple(supporting),
            )
        )
    rows.sort(key=lambda row: natural_key(row.ref))
    return StatementOfApplicability(
        register_name=register_name,
        register_sha256=register_sha256,
        generated_at=generated_at,
        today=today,
        riskgraph_version=riskgraph_version,
        rows=tuple(rows),
    )


@dataclass
class _AnnexA:
    """An Annex A control from the catalogue and the statements made about it."""

    ref: str
    heading: str
    objective_ref: str
    objective_heading: str
    decisions: list[Decision] = field(default_factory=list)


def _annex_a_controls(store: Store) -> dict[str, _AnnexA]:
    """Annex A control IRI -> its catalogue entry and applicability statements."""
    found: dict[str, _AnnexA] = {}
    seen_statements: set[tuple[str, str]] = set()
    for row in store.select(_ANNEX_A_QUERY).rows:
        iri = term_value(row["annex"])
        if iri is None:
            continue
        item = found.setdefault(
            iri,
            _AnnexA(
                ref=term_value(row["ref"]) or iri,
                heading=term_value(row["heading"]) or "",
                objective_ref=term_value(row["objective_ref"]) or "",
                objective_heading=term_value(row["objective_heading"]) or "",
            ),
        )
        statement = term_value(row["statement"])
        if statement is None or (iri, statement) in seen_statements:
            continue
        seen_statements.add((iri, statement))
        item.decisions.append(
            Decision(
                statement_id=term_value(row["statement_id"]),
                applicable=_boolean(row["applicable"]),
                justification=term_value(row["justification"]),
                decided_by=term_value(row["decided_by"]),
                decided_on=_date(row["decided_on"]),
            )
        )
    return found


def _controls(store: Store) -> dict[str, dict[str, ImplementingControl]]:
    """Annex A control IRI -> control IRI -> the control."""
    found: dict[str, dict[str, ImplementingControl]] = defaultdict(dict)
    for row in store.select(_CONTROLS_QUERY).rows:
        annex, control = term_value(row["annex"]), term_value(row["control"])
        if annex is None or control is None:
            continue
        status = _status(row["status"])
        known = found[annex].get(control)
        if known is not None and _STATUS_RANK[known.status] >= _STATUS_RANK[status]:
            continue
        found[annex][control] = ImplementingControl(
            id=term_value(row["id"]) or control, title=term_value(row["title"]), status=status
        )
    return found


def _risks(store: Store) -> dict[str, list[RelatedRisk]]:
    """Control IRI -> risks it mitigates."""
    found: dict[str, list[RelatedRisk]] = defaultdict(list)
    for row in store.select(_RISKS_QUERY).rows:
        control = term_value(row["control"])
        if control is None:
            continue
        found[control].append(
            RelatedRisk(id=term_value(row["id"]) or "", title=term_value(row["title"]))
        )
    return found


def _evidence(store: Store, today: date) -> dict[str, list[EvidenceItem]]:
    """Control or Annex A control IRI -> evidence supporting it."""
    found: dict[str, list[EvidenceItem]] = defaultdict(list)
    for row in store.select(_EVIDENCE_QUERY).rows:
        target = term_value(row["target"])
        if target is None:
            continue
        expires = _date(row["expires"])
        found[target].append(
            EvidenceItem(
                id=term_value(row["id"]) or "",
                title=term_value(row["title"]),
                issued=_date(row["issued"]),
                expires=expires,
                expired=expires is not None and expires < today,
            )
        )
    return found


# --- helpers --------------------------------------------------------------------------------

_Item = TypeVar("_Item")

_STATUS_RANK = {_RETIRED: 0, _PLANNED: 1, "implemented": 2, "verified": 3}
"""When a control carries two statuses (bad data), the most advanced one is shown."""


def _merge(groups: Iterable[list[_Item]], key: Callable[[_Item], str]) -> list[_Item]:
    """The items of ``groups``, once each by ``key``, in natural ID order."""
    by_key: dict[str, _Item] = {}
    for group in groups:
        for item in group:
            by_key.setdefault(key(item), item)
    return [by_key[k] for k in sorted(by_key, key=natural_key)]


def _boolean(term: Term | None) -> bool:
    """A statement's rg:applicable; absent means applicable (the model's default)."""
    if term is None:
        return True
    return term.value.strip().lower() not in {"false", "0"}


def _date(term: Term | None) -> date | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return date.fromisoformat(term.value.strip()[:10])
    except ValueError:
        return None


def _status(term: Term | None) -> str:
    """A control's status as a lower-case name; no status counts as planned."""
    if term is None:
        return _PLANNED
    name = term.value.removeprefix(RG).lower()
    return name if name in _STATUS_RANK else _PLANNED
