"""How a model field maps to RDF. Each entity field carries one ``Rdf`` marker in its type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints

from riskgraph.vocab import ISO42001, RG

ValueKind = Literal[
    "text",
    "integer",
    "boolean",
    "date",
    "uri",
    "iri",
    "ref",
    "catalogue",
    "either",
    "concept",
    "vair",
]


@dataclass(frozen=True)
class Rdf:
    """The predicate of a field and how its values become terms.

    kind:
      text, integer, boolean, date, uri: literals of the matching XSD datatype (uri: xsd:anyURI);
      iri: a plain IRI (e.g. a link to a draft);
      ref: an entity ID in the register (IRI = base IRI + ID);
      catalogue: an ISO/IEC 42001 reference such as A.6.2.4 or 6.1.3;
      either: a catalogue reference when it looks like one, otherwise an entity ID;
      concept: an enum member mapped to an IRI in the rg: namespace (see ``ConceptEnum``);
      vair: a VAIR term by its local name (e.g. AssessingCreditworthiness for vair:...).
    """

    predicate: str
    kind: ValueKind = "text"


ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]{0,79}$"
ID_EXPECTED = "an ID: a letter, then letters, digits, '.', '-' or '_' (80 characters at most)"
CATALOGUE_PATTERN = re.compile(r"^(?:[AC]\.)?\d+(?:\.\d+)*$")


def _not_a_catalogue_ref(value: str) -> str:
    if CATALOGUE_PATTERN.match(value):
        raise ValueError(f"{value!r} looks like an ISO/IEC 42001 reference and cannot be an ID")
    return value


EntityId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=ID_PATTERN),
    AfterValidator(_not_a_catalogue_ref),
]
"""An entity ID: starts with a letter; letters, digits, '.', '-' and '_'; at most 80 characters."""

CatalogueRef = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=CATALOGUE_PATTERN.pattern)
]
"""An ISO/IEC 42001 reference, e.g. 6.1.3 (clause), A.6.2.4 (Annex A) or C.3.4 (Annex C)."""

Ref = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=rf"{ID_PATTERN}|{CATALOGUE_PATTERN.pattern}"),
]
"""An entity ID or a catalogue reference."""


def _unique_sorted(values: list[str]) -> list[str]:
    return sorted(dict.fromkeys(values))


IdSet = Annotated[list[EntityId], AfterValidator(_unique_sorted)]
"""Links to entities. RDF links have no order, so they are kept sorted and without repeats."""
RefSet = Annotated[list[Ref], AfterValidator(_unique_sorted)]
CatalogueSet = Annotated[list[CatalogueRef], AfterValidator(_unique_sorted)]
TermSet = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]],
    AfterValidator(_unique_sorted),
]
"""Vocabulary terms by local name (VAIR), kept sorted and without repeats."""
SORTED = AfterValidator(_unique_sorted)
"""For lists of enum members: sorted, without repeats (RDF links have no order)."""


def is_catalogue_ref(value: str) -> bool:
    return bool(CATALOGUE_PATTERN.match(value))


def catalogue_iri(ref: str) -> str:
    return ISO42001 + ref


class ConceptEnum(StrEnum):
    """An enum whose members are rg: individuals; the value is the skos:notation."""

    @property
    def concept_name(self) -> str:
        """Local name of the rg: individual: 'draft' -> Draft, unless overridden."""
        return CONCEPT_NAMES.get((type(self).__name__, self.value), self.value.title())

    @property
    def iri(self) -> str:
        return RG + self.concept_name

    @classmethod
    def from_iri(cls, iri: str) -> ConceptEnum:
        for member in cls:
            if member.iri == iri:
                return member
        raise ValueError(f"{iri} is not a {cls.__name__}")


CONCEPT_NAMES: dict[tuple[str, str], str] = {
    ("DraftStatus", "pending"): "PendingReview",
    ("DraftStatus", "rejected"): "Dismissed",
    ("ReviewOutcome", "confirmed"): "ReviewConfirmed",
    ("ReviewOutcome", "updated"): "ReviewUpdated",
    ("ReviewOutcome", "escalated"): "ReviewEscalated",
    ("ControlTestResult", "passed"): "TestPassed",
    ("ControlTestResult", "failed"): "TestFailed",
    ("ControlTestResult", "inconclusive"): "TestInconclusive",
    ("IncidentSeverity", "minor"): "IncidentMinor",
    ("IncidentSeverity", "moderate"): "IncidentModerate",
    ("IncidentSeverity", "serious"): "IncidentSerious",
    ("IncidentSeverity", "critical"): "IncidentCritical",
    ("AuditKind", "internal"): "InternalAudit",
    ("AuditKind", "certification"): "CertificationAudit",
    ("AuditKind", "surveillance"): "SurveillanceAudit",
}
"""Enum values whose rg: individual is not simply the capitalised value."""
