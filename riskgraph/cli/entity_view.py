"""Everything 'riskgraph show' tells about one entity: its fields, its risk levels, and its links
in both directions with the kind and title of the other end.

Imported by the entity commands when they run, never at CLI start-up, so it may import the core.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.editing.schema import ontology
from riskgraph.model.entities import Entity, Risk
from riskgraph.model.rdf import entity_class_for, entity_iri, field_specs
from riskgraph.model.repository import Repository
from riskgraph.scoring import above_appetite
from riskgraph.vocab import DCTERMS, ISO42001, PREFIXES, RDF, REGISTER_GRAPH, RG, SKOS

NOT_LINKS = {RDF + "type", RG + "riskMatrix", RG + "inherentLevel", RG + "residualLevel"}
"""Object properties shown as fields or levels rather than as links."""


@dataclass(frozen=True)
class Link:
    via: str
    """The field (or, for properties outside the model, the prefixed predicate)."""
    id: str
    kind: str
    title: str


@dataclass(frozen=True)
class RiskLevels:
    matrix: str
    inherent: str
    residual: str | None
    current: str
    appetite: str
    above_appetite: bool


@dataclass
class EntityView:
    entity: Entity
    levels: RiskLevels | None
    links_to: list[Link]
    linked_from: list[Link]

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.entity.kind,
            "id": self.entity.id,
            "fields": self.entity.model_dump(mode="json"),
            "levels": asdict(self.levels) if self.levels else None,
            "links_to": [asdict(link) for link in self.links_to],
            "linked_from": [asdict(link) for link in self.linked_from],
        }


def risk_levels(risk: Risk, config: RegisterConfig) -> RiskLevels:
    residual = risk.residual_level
    return RiskLevels(
        matrix=risk.matrix,
        inherent=risk.inherent_level.name,
        residual=residual.name if residual else None,
        current=risk.current_level.name,
        appetite=config.risk.appetite,
        above_appetite=above_appetite(risk.current_level, config.risk.appetite_rank),
    )


def view(repo: Repository, entity: Entity, config: RegisterConfig) -> EntityView:
    iri = ox.NamedNode(repo.iri_of(entity.id) or entity_iri(repo.base_iri, entity.id))
    levels = risk_levels(entity, config) if isinstance(entity, Risk) else None
    return EntityView(entity, levels, _links_to(repo, entity, iri), _linked_from(repo, iri))


def _rows(repo: Repository, sparql: str, bindings: dict[str, ox.NamedNode]) -> list[dict]:
    result = repo.store.select(sparql, bindings)
    return list(result.rows)


_TARGETS = """
SELECT ?p ?o ?t ?title ?label WHERE {
  GRAPH ?g { ?s ?p ?o . FILTER(isIRI(?o)) }
  OPTIONAL { ?o a ?t }
  OPTIONAL { ?o ?titlep ?title }
  OPTIONAL { ?o ?labelp ?label }
}"""

_REFERRERS = """
SELECT ?r ?p ?t ?title WHERE {
  GRAPH ?g { ?r ?p ?o . ?r a ?t . OPTIONAL { ?r ?titlep ?title } }
}"""


def _links_to(repo: Repository, entity: Entity, iri: ox.NamedNode) -> list[Link]:
    rows = _rows(
        repo,
        _TARGETS,
        {
            "s": iri,
            "g": ox.NamedNode(REGISTER_GRAPH),
            "titlep": ox.NamedNode(DCTERMS + "title"),
            "labelp": ox.NamedNode(SKOS + "prefLabel"),
        },
    )
    names = {spec.predicate: spec.name for spec in field_specs(type(entity))}
    concept_fields = {
        spec.predicate for spec in field_specs(type(entity)) if spec.kind == "concept"
    }
    skipped = NOT_LINKS | concept_fields
    return _links(repo, rows, "o", names, skipped)


def _linked_from(repo: Repository, iri: ox.NamedNode) -> list[Link]:
    rows = _rows(
        repo,
        _REFERRERS,
        {"o": iri, "g": ox.NamedNode(REGISTER_GRAPH), "titlep": ox.NamedNode(DCTERMS + "title")},
    )
    return _links(repo, rows, "r", None, set())


def _links(
    repo: Repository,
    rows: list[dict],
    other: str,
    names: dict[str, str] | None,
    skipped: set[str],
) -> list[Link]:
    """One Link per (predicate, other end), from rows that may repeat for several types."""
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    titles: dict[str, str] = {}
    for row in rows:
        predicate, target = row["p"].value, row[other].value
        if predicate in skipped:
            continue
        target_types = types[(predicate, target)]
        if row["t"] is not None:
            target_types.add(row["t"].value)
        for key in ("title", "label"):
            if row.get(key) is not None:
                titles.setdefault(target, row[key].value)
    resolve = repo.resolver()
    links = []
    for (predicate, target), target_types in types.items():
        via = _field_name(predicate, target_types if names is None else None, names)
        links.append(
            Link(via, resolve(target), _kind(target, target_types), titles.get(target, ""))
        )
    return sorted(links, key=lambda link: (link.via, link.id))


def _field_name(predicate: str, source_types: set[str] | None, names: dict[str, str] | None) -> str:
    """The field that holds ``predicate``: in our own class, or in the class of the referrer."""
    if names is None and source_types is not None:
        cls = entity_class_for(source_types)
        names = {spec.predicate: spec.name for spec in field_specs(cls)} if cls else {}
    if names and predicate in names:
        return names[predicate]
    return _compact(predicate)


def _kind(iri: str, types: set[str]) -> str:
    cls = entity_class_for(types)
    if cls is not None:
        return cls.kind
    ours = sorted(t for t in types if t.startswith(RG))
    if ours:
        return ontology().label(ours[0])
    return "catalogue item" if iri.startswith(ISO42001) else ""


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return iri
