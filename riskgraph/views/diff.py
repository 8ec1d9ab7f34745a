"""What changed in the register between two states: entity by entity, field by field.

An entity is a subject of the register graph with a ``dcterms:identifier`` (its ID). Two states
are compared as sets of register-graph triples: an entity only in the later state is *added*, one
only in the earlier state *removed*, one in both with different triples *changed*. A field is a
predicate, shown by its compact name (``rg:likelihood``, ``dcterms:title``); its values are shown
as text: a literal by its value, a register entity by its ID, an ISO/IEC 42001 item by its
reference, any other IRI by its compact name. Values of a field are sorted in the one ID order.

The JSON layout (``RegisterDiff.as_json``) is documented in docs/snapshots.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pyoxigraph as ox

from riskgraph.ids import natural_key
from riskgraph.results.terms import compact_iri
from riskgraph.views.nodes import IDENTIFIER, TYPE, kind_of, short_key
from riskgraph.vocab import PREFIXES

Change = Literal["added", "removed", "changed"]
DIFF_JSON_VERSION = 1


@dataclass(frozen=True)
class FieldChange:
    field: str
    """The predicate's compact name, e.g. ``rg:likelihood``."""
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def change(self) -> Change:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"


@dataclass(frozen=True)
class EntityChange:
    id: str
    iri: str
    kind: str
    """What the entity is, in words ('risk', 'control'); '' when it has no riskgraph type."""
    change: Change
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RegisterDiff:
    before: str
    """What the earlier state is: a snapshot's name."""
    after: str
    """What the later state is: a snapshot's name, or ``now``."""
    entities: tuple[EntityChange, ...]

    @property
    def is_empty(self) -> bool:
        return not self.entities

    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for entity in self.entities:
            counts[entity.change] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        """The diff as plain data (layout in docs/snapshots.md)."""
        return {
            "diff_version": DIFF_JSON_VERSION,
            "before": self.before,
            "after": self.after,
            "summary": self.counts(),
            "entities": [
                {
                    "id": entity.id,
                    "iri": entity.iri,
                    "kind": entity.kind,
                    "change": entity.change,
                    "fields": [
                        {
                            "field": field.field,
                            "change": field.change,
                            "before": list(field.before),
                            "after": list(field.after),
                        }
                        for field in entity.fields
                    ],
                }
                for entity in self.entities
            ],
        }

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """One row per changed field: id, kind, entity change, field, before, after."""
        return [
            (
                entity.id,
                entity.kind,
                entity.change,
                field.field,
                "; ".join(field.before),
                "; ".join(field.after),
            )
            for entity in self.entities
            for field in entity.fields
        ]


Triples = dict[str, dict[str, set[ox.NamedNode | ox.Literal | ox.BlankNode]]]


def _by_subject(quads: Iterable[ox.Quad]) -> Triples:
    subjects: Triples = defaultdict(lambda: defaultdict(set))
    for quad in quads:
        if isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.object, ox.Triple):
            subjects[quad.subject.value][quad.predicate.value].add(quad.object)
    return subjects


def _identifier(fields: dict[str, set[Any]]) -> str | None:
    values = sorted(term.value for term in fields.get(IDENTIFIER, ()))
    return values[0] if values else None


def diff_register(
    before: Iterable[ox.Quad],
    after: Iterable[ox.Quad],
    *,
    base_iri: str,
    before_name: str,
    after_name: str,
) -> RegisterDiff:
    """Compare two states of the register graph (quads of that graph; the graph name is ignored)."""
    old, new = _by_subject(before), _by_subject(after)
    ids: dict[str, str] = {}
    for triples in (old, new):
        for iri, fields in triples.items():
            if (identifier := _identifier(fields)) is not None:
                ids.setdefault(iri, identifier)

    def text(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
        if isinstance(term, ox.NamedNode):
            return ids.get(term.value) or short_key(term.value, base_iri)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return term.value

    def values(terms: set[Any]) -> tuple[str, ...]:
        return tuple(sorted({text(term) for term in terms}, key=natural_key))

    entities: list[EntityChange] = []
    for iri in set(old) | set(new):
        was, now = old.get(iri, {}), new.get(iri, {})
        if _identifier(was) is None and _identifier(now) is None:
            continue  # not an entity
        changes = [
            FieldChange(
                compact_iri(predicate, PREFIXES), values(was.get(predicate, set())), now_values
            )
            for predicate in set(was) | set(now)
            if was.get(predicate, set()) != now.get(predicate, set())
            for now_values in [values(now.get(predicate, set()))]
        ]
        if not changes:
            continue
        change: Change = "added" if not was else "removed" if not now else "changed"
        types = {term.value for term in (now or was).get(TYPE, ())}
        entities.append(
            EntityChange(
                id=ids[iri],
                iri=iri,
                kind=kind_of(types),
                change=change,
                fields=tuple(sorted(changes, key=lambda f: f.field)),
            )
        )
    entities.sort(key=lambda e: natural_key(e.id))
    return RegisterDiff(before_name, after_name, tuple(entities))
