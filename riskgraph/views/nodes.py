"""How any node of the graph is named on screen: its key (ID or reference), kind and title."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.editing.schema import ontology
from riskgraph.model.rdf import entity_class_for
from riskgraph.results.terms import compact_iri
from riskgraph.store.base import Store
from riskgraph.vocab import DCTERMS, ISO42001, PREFIXES, RDF, RDFS, RG, SKOS

TYPE = RDF + "type"
IDENTIFIER = DCTERMS + "identifier"
TITLE = DCTERMS + "title"
NAMING = {TYPE, IDENTIFIER, TITLE, SKOS + "prefLabel", SKOS + "notation", RDFS + "label"}
"""Predicates that say what a node is called and what it is."""


@dataclass(frozen=True)
class NodeInfo:
    """A node as people see it: ``R-017 · risk · Discriminatory loan decisions``."""

    iri: str
    key: str
    """The register ID, the ISO/IEC 42001 reference, or a prefixed name."""
    kind: str
    """What it is, in words: 'risk', 'Annex A control', 'model' ('' when unknown)."""
    title: str
    types: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.key}  {self.title}" if self.title else self.key


def short_key(iri: str, base_iri: str) -> str:
    """The key of an IRI when the store says nothing about it."""
    if iri.startswith(base_iri) and len(iri) > len(base_iri):
        return iri[len(base_iri) :]
    if iri.startswith(ISO42001) and len(iri) > len(ISO42001):
        return iri[len(ISO42001) :]
    return compact_iri(iri, PREFIXES)


def kind_of(types: Iterable[str]) -> str:
    """The most specific riskgraph class among ``types``, in words."""
    known = set(types)
    cls = entity_class_for(known)
    onto = ontology()
    ours = [t for t in known if t.startswith(RG)]
    if ours:
        most_specific = max(ours, key=lambda t: (len(onto.superclasses.get(t, ())), t))
        return onto.label(most_specific)
    return cls.kind if cls is not None else ""


def describe(store: Store, iri: str, base_iri: str) -> NodeInfo:
    """What ``iri`` is called and what it is, from its naming quads in every graph."""
    values: dict[str, list[str]] = {}
    for quad in store.quads(None, subject=iri):
        predicate = quad.predicate.value
        if predicate in NAMING and isinstance(quad.object, ox.NamedNode | ox.Literal):
            values.setdefault(predicate, []).append(quad.object.value)
    types = tuple(sorted(values.get(TYPE, [])))
    key = _first(values, IDENTIFIER, SKOS + "notation") or short_key(iri, base_iri)
    title = _first(values, TITLE, SKOS + "prefLabel", RDFS + "label") or ""
    return NodeInfo(iri, key, kind_of(types), title, types)


def describe_all(store: Store, iris: Iterable[str], base_iri: str) -> dict[str, NodeInfo]:
    return {iri: describe(store, iri, base_iri) for iri in dict.fromkeys(iris)}


def _first(values: dict[str, list[str]], *predicates: str) -> str | None:
    for predicate in predicates:
        if found := values.get(predicate):
            return min(found)
    return None
