"""Updating a library to a new version: what changed, and which register links it touches.

Concepts are compared by IRI (the publisher's ID inside the library's namespace): a concept only
in the new version is **added**, one only in the loaded version **removed**, one whose label
changed **renamed**, one whose definition, kind or grouping changed **changed**. Mappings are
compared by their stable IDs. Register entities that adopted or link to a removed, renamed or
changed concept are listed, so that someone checks them before (or after) the update.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.library.catalogue import PREFIXES, library_in_store
from riskgraph.library.model import Concept, Library
from riskgraph.store.base import Store
from riskgraph.vocab import REGISTER_GRAPH


@dataclass(frozen=True)
class Renamed:
    iri: str
    notation: str
    old_label: str
    new_label: str


@dataclass(frozen=True)
class AffectedLink:
    entity_id: str
    predicate: str
    concept: str
    notation: str
    change: str
    """removed, renamed or changed."""


@dataclass
class LibraryDiff:
    name: str
    old_version: str
    new_version: str
    added: list[Concept] = field(default_factory=list)
    removed: list[Concept] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    changed: list[Concept] = field(default_factory=list)
    mappings_added: int = 0
    mappings_removed: int = 0
    affected: list[AffectedLink] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.changed
            or self.mappings_added
            or self.mappings_removed
        )


def diff_libraries(old: Library, new: Library) -> LibraryDiff:
    if old.name != new.name:
        raise UserError(f"cannot compare library {old.name} with library {new.name}")
    before, after = old.by_iri(), new.by_iri()
    result = LibraryDiff(old.name, old.meta.version, new.meta.version)
    result.added = [after[i] for i in sorted(after.keys() - before.keys())]
    result.removed = [before[i] for i in sorted(before.keys() - after.keys())]
    for iri in sorted(before.keys() & after.keys()):
        a, b = before[iri], after[iri]
        if a.label != b.label:
            result.renamed.append(Renamed(iri, b.notation, a.label, b.label))
        elif (a.definition, a.kind, sorted(a.broader), sorted(a.mitigates)) != (
            b.definition,
            b.kind,
            sorted(b.broader),
            sorted(b.mitigates),
        ):
            result.changed.append(b)
    old_ids = {m.mapping_id for m in old.mappings}
    new_ids = {m.mapping_id for m in new.mappings}
    result.mappings_added = len(new_ids - old_ids)
    result.mappings_removed = len(old_ids - new_ids)
    return result


def affected_links(store: Store, diff: LibraryDiff) -> list[AffectedLink]:
    """Register entities whose links point to removed, renamed or changed concepts."""
    touched = {c.iri: (c.notation, "removed") for c in diff.removed}
    touched.update({r.iri: (r.notation, "renamed") for r in diff.renamed})
    touched.update({c.iri: (c.notation, "changed") for c in diff.changed})
    if not touched:
        return []
    values = " ".join(str(ox.NamedNode(i)) for i in sorted(touched))
    rows = store.select(
        PREFIXES + f"SELECT DISTINCT ?id ?p ?c WHERE {{ VALUES ?c {{ {values} }} "
        "GRAPH ?g { ?e ?p ?c ; dcterms:identifier ?id } }",
        {"g": ox.NamedNode(REGISTER_GRAPH)},
    ).rows
    out = []
    for row in rows:
        iri = getattr(row["c"], "value", "")
        notation, change = touched[iri]
        out.append(
            AffectedLink(
                getattr(row["id"], "value", ""),
                getattr(row["p"], "value", ""),
                iri,
                notation,
                change,
            )
        )
    return sorted(out, key=lambda a: (a.entity_id, a.notation))


def plan_update(store: Store, new: Library) -> LibraryDiff:
    """Compare the loaded library with ``new`` and find the register links the update touches."""
    old = library_in_store(store, new.name)
    if old is None:
        raise UserError(
            f"library {new.name} is not loaded; load it with 'riskgraph library load {new.name}'"
        )
    diff = diff_libraries(old, new)
    diff.affected = affected_links(store, diff)
    return diff
