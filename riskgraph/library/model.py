"""Libraries as data: the in-memory shape of a library, its concepts and its mappings.

A library is a versioned, attributed SKOS concept scheme. Its concepts are typed (risk, control or
action, group, term, incident, evaluation), grouped with ``skos:broader`` and identified by
``skos:notation``. Mappings between concepts are first-class records with their provenance
(predicate, justification, author, date, confidence, and for derived mappings the chain they came
through), in the spirit of SSSOM. ``riskgraph.library.rdf`` maps these to and from RDF.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from riskgraph.errors import UserError
from riskgraph.vocab import CATALOGUE_GRAPH_PREFIX, SKOS

RGL = "https://w3id.org/riskgraph/library#"
"""Namespace of the library vocabulary (prefix ``rgl:``)."""
LIBRARY_BASE = "https://w3id.org/riskgraph/library/"
"""Library scheme IRIs are LIBRARY_BASE + name; concept IRIs LIBRARY_BASE + name + / + ID."""
LIBRARY_GRAPH_PREFIX = CATALOGUE_GRAPH_PREFIX + "library/"
"""Each loaded library lives in the named graph LIBRARY_GRAPH_PREFIX + name."""
SEMAPV = "https://w3id.org/semapv/vocab/"

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")

KINDS: dict[str, str] = {
    "risk": RGL + "Risk",
    "control": RGL + "Control",
    "group": RGL + "Group",
    "term": RGL + "Term",
    "incident": RGL + "Incident",
    "evaluation": RGL + "Evaluation",
}
"""Concept kinds: a risk, a control or action, a group of concepts, a classification term (a role,
a risk level), a recorded incident, an evaluation (benchmark)."""
KIND_OF_TYPE = {iri: kind for kind, iri in KINDS.items()}

PREDICATES: dict[str, str] = {
    "exactMatch": SKOS + "exactMatch",
    "closeMatch": SKOS + "closeMatch",
    "broadMatch": SKOS + "broadMatch",
    "narrowMatch": SKOS + "narrowMatch",
    "relatedMatch": SKOS + "relatedMatch",
}
PREDICATE_NAMES = {iri: name for name, iri in PREDICATES.items()}

JUSTIFICATIONS: dict[str, str] = {
    "manual": SEMAPV + "ManualMappingCuration",
    "llm": SEMAPV + "LLMBasedMatching",
    "similarity": SEMAPV + "SemanticSimilarityThresholdMatching",
    "lexical": SEMAPV + "LexicalMatching",
    "structural": SEMAPV + "StructuralMatching",
    "derived": SEMAPV + "MappingChaining",
    "unspecified": SEMAPV + "UnspecifiedMatching",
}
"""Short names of the SSSOM mapping justifications (semapv vocabulary) riskgraph uses."""
JUSTIFICATION_NAMES = {iri: name for name, iri in JUSTIFICATIONS.items()}


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise UserError(
            f"{name!r} is not a library name; expected lower-case letters, digits, '.' and '-' "
            "(e.g. finos-aigf)"
        )
    return name


def library_iri(name: str) -> str:
    return LIBRARY_BASE + name


def library_graph(name: str) -> str:
    return LIBRARY_GRAPH_PREFIX + name


def concept_iri(library: str, local_id: str) -> str:
    """The IRI of a library concept: the library IRI, '/', the ID made IRI-safe."""
    return f"{LIBRARY_BASE}{library}/{quote(local_id.strip().replace(' ', '-'), safe='./-_~')}"


@dataclass
class Scheme:
    """Who made a library (or a taxonomy inside it), under which licence, from where."""

    key: str
    title: str
    description: str = ""
    license: str = ""
    """Licence IRI (SPDX or the licence's own URL)."""
    license_name: str = ""
    attribution: str = ""
    """The attribution line the licence asks for (shown by ``library show`` and in exports)."""
    source: str = ""
    """Where the data came from (URL)."""
    publisher: str = ""
    version: str = ""
    note: str = ""
    """How riskgraph derived the data from the source (what CC BY asks to state)."""


@dataclass
class Concept:
    local_id: str
    notation: str
    label: str
    kind: str
    definition: str = ""
    broader: list[str] = field(default_factory=list)
    """IRIs of broader concepts (groups)."""
    schemes: list[str] = field(default_factory=list)
    """Keys of the taxonomies (sub-schemes) the concept belongs to, beside the library itself."""
    see_also: str = ""
    mitigates: list[str] = field(default_factory=list)
    """IRIs of risks this control or action addresses (as its source says)."""
    iri: str = ""


@dataclass(frozen=True)
class Mapping:
    """One crosswalk row: subject predicate object, with its provenance."""

    subject: str
    predicate: str
    """A key of PREDICATES."""
    object: str
    justification: str = "manual"
    """A key of JUSTIFICATIONS."""
    author: str = ""
    date: str = ""
    """ISO date (YYYY-MM-DD) or empty."""
    confidence: float | None = None
    comment: str = ""
    derived_via: tuple[str, ...] = ()
    """For a derived mapping, the IDs of the mappings it came through, in order."""
    subject_label: str = ""
    object_label: str = ""

    @property
    def mapping_id(self) -> str:
        """A stable ID from subject, predicate, object and justification."""
        key = "\t".join((self.subject, self.predicate, self.object, self.justification))
        return "m-" + hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class Library:
    name: str
    meta: Scheme
    taxonomies: list[Scheme] = field(default_factory=list)
    concepts: list[Concept] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return library_iri(self.name)

    def add(self, concept: Concept) -> Concept:
        if not concept.iri:
            concept.iri = concept_iri(self.name, concept.local_id)
        self.concepts.append(concept)
        return concept

    def by_iri(self) -> dict[str, Concept]:
        return {c.iri: c for c in self.concepts}
