"""What the library browser reads, in worker threads: plain data from the library core."""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.library.bundled import read_bundled
from riskgraph.library.catalogue import (
    ConceptRow,
    LibraryInfo,
    concepts,
    linked_to,
    list_libraries,
    loaded_libraries,
)
from riskgraph.library.crosswalk import concept_mappings
from riskgraph.library.model import Mapping
from riskgraph.register import Register

CONCEPT_LIMIT = 2000
"""Rows the concept table shows at most (filter to narrow)."""


@dataclass(frozen=True)
class ConceptDetail:
    concept: ConceptRow
    loaded: bool
    mappings: list[Mapping]
    labels: dict[str, str]
    """Labels of the concepts at the other end of the mappings, where known."""
    linked_from: list[str]
    """Register IDs that adopted or link to this concept (loaded libraries only)."""


def load_libraries(register: Register) -> list[LibraryInfo]:
    with register.reader() as store:
        return list_libraries(store)


def load_concepts(register: Register, name: str, text: str | None) -> list[ConceptRow]:
    """Concepts of a library: from the register when it is loaded, else from the bundled file."""
    with register.reader() as store:
        if name in loaded_libraries(store):
            return concepts(store, name, text=text or None, limit=CONCEPT_LIMIT)
    library = read_bundled(name)
    needle = (text or "").lower()
    rows = [
        ConceptRow(
            c.iri,
            name,
            c.notation,
            c.label,
            c.kind,
            c.definition,
            c.broader[0] if c.broader else None,
        )
        for c in sorted(library.concepts, key=lambda c: c.notation)
        if not needle or any(needle in v.lower() for v in (c.notation, c.label, c.definition))
    ]
    return rows[:CONCEPT_LIMIT]


def load_detail(register: Register, row: ConceptRow) -> ConceptDetail:
    with register.reader() as store:
        loaded = row.library in loaded_libraries(store)
        if loaded:
            mappings = concept_mappings(store, row.iri)
            linked = linked_to(store, row.iri)
            others = {m.object if m.subject == row.iri else m.subject for m in mappings}
            labels = {c.iri: c.label for c in concepts(store) if c.iri in others}
        else:
            library = read_bundled(row.library)
            mappings = [m for m in library.mappings if row.iri in (m.subject, m.object)]
            linked = []
            labels = {c.iri: c.label for c in library.concepts}
    return ConceptDetail(row, loaded, mappings, labels, linked)
