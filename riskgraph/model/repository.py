"""Read and plan changes to entities in a store, in bulk (a few queries, not one per entity).

Revisions: every plan carries, for each entity it writes, the revision stamp its change is based
on (``ChangeSet.preconditions``), so that ``commit`` refuses it with ``ConflictError`` when
someone else changed the entity in the meantime. That stamp is, in order of preference: the one
the caller passes in ``expected_revisions`` (e.g. the TUI, read when it showed the entity), the
one this repository saw when ``get`` first read the entity, or the current one. Stamps are always
read before the content they guard, so a change slipping in between is seen as a conflict, never
lost.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from pydantic import ValidationError

from riskgraph.errors import UserError
from riskgraph.ids import natural_key
from riskgraph.model.entities import ENTITY_TYPES, Entity
from riskgraph.model.rdf import (
    IdResolver,
    entity_class_for,
    entity_iri,
    from_properties,
    group_by_subject,
    known_predicates,
    rdf_types_for,
    to_quads,
)
from riskgraph.store.base import ChangeSet, Store, read_stamp_revisions
from riskgraph.vocab import DCTERMS, REGISTER_GRAPH

_IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
_REGISTER = ox.NamedNode(REGISTER_GRAPH)


@dataclass(frozen=True)
class LoadProblem:
    """An entity in the store that does not fit its model (e.g. imported with a field missing)."""

    entity_id: str
    kind: str
    message: str


@dataclass
class Plan:
    """What a write will do, for --dry-run and for the all-or-nothing commit."""

    changes: ChangeSet = field(default_factory=ChangeSet)
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # id -> field change lines
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} to add, {len(self.changed)} to change, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} to remove"
        )


def _select(
    store: Store, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
):
    result = store.select(sparql, bindings)
    return result.rows


class Repository:
    """Entities of one register, read through a Store."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base_iri = base_iri
        self._ids: dict[str, str] | None = None
        self._iris: dict[str, str] | None = None
        """ID -> IRI, the reverse of ``ids()`` (the first IRI where two hold one ID)."""
        self._first_read: dict[str, int] = {}
        """Entity IRI -> the revision stamp seen when ``get`` first read it."""

    def ids(self) -> dict[str, str]:
        """IRI -> ID of every entity in the register graph."""
        if self._ids is None:
            rows = _select(
                self.store,
                "SELECT ?s ?id WHERE { GRAPH ?g { ?s ?p ?id } }",
                {"g": _REGISTER, "p": _IDENTIFIER},
            )
            self._ids = {row["s"].value: row["id"].value for row in rows if row["s"] and row["id"]}
        return self._ids

    def iri_of(self, entity_id: str) -> str | None:
        if self._iris is None:
            iris: dict[str, str] = {}
            for iri, known in self.ids().items():
                iris.setdefault(known, iri)
            self._iris = iris
        return self._iris.get(entity_id)

    def resolver(self) -> IdResolver:
        return IdResolver(self.base_iri, self.ids())

    def _properties(self, subjects_query: str, bindings: dict) -> dict[str, dict[str, list]]:
        rows = _select(self.store, subjects_query, bindings)
        return group_by_subject((r["s"], r["p"], r["o"]) for r in rows)

    def all(self, cls: type[Entity] | None = None) -> tuple[list[Entity], list[LoadProblem]]:
        """Every entity (of one class), sorted by ID, and the ones that could not be read."""
        classes = [cls] if cls else list(ENTITY_TYPES)
        type_values = " ".join(f"<{t}>" for c in classes for t in rdf_types_for(c))
        props = self._properties(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s a ?type . ?s ?p ?o } "
            f"VALUES ?type {{ {type_values} }} }}",
            {"g": _REGISTER},
        )
        return self._build(props)

    def revisions(self, entity_ids: Iterable[str] | None = None) -> dict[str, int]:
        """ID -> current revision stamp (0: never stamped) of these entities (default: all)."""
        by_iri = self.ids()
        if entity_ids is None:
            iris: Collection[str] = list(by_iri)
        else:
            iri_of = {entity_id: iri for iri, entity_id in by_iri.items()}
            iris = [iri_of[i] for i in entity_ids if i in iri_of]
        stamps = read_stamp_revisions(self.store, iris)
        return {by_iri[iri]: stamps.get(iri, 0) for iri in iris}

    def revision_of(self, entity_id: str) -> int:
        """The current stamp of an ID, also when no entity has it now (a removed entity keeps
        its stamp); 0 when it was never stamped. A form for a new entity reads it when it opens
        and passes it back, so that saving fails if someone took the ID in the meantime."""
        iri = self._iri_for(entity_id)
        return read_stamp_revisions(self.store, [iri]).get(iri, 0)

    def get_with_revision(self, entity_id: str) -> tuple[Entity, int] | None:
        """The entity and the revision stamp it was read at; pass the stamp back as
        ``expected_revisions`` when saving a change to it."""
        entity = self.get(entity_id)
        iri = self.iri_of(entity_id)
        if entity is None or iri is None:
            return None
        return entity, self._first_read[iri]

    def _note_revisions(self, iris: Collection[str]) -> None:
        """Remember the stamps of entities about to be read (first read wins)."""
        unseen = [iri for iri in iris if iri not in self._first_read]
        if unseen:
            self._first_read.update(read_stamp_revisions(self.store, unseen))

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this ID, or None. Raises UserError when it cannot be read."""
        if (iri := self.iri_of(entity_id)) is not None:
            self._note_revisions([iri])
        props = self._properties(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?idp ?id . ?s ?p ?o } }",
            {"g": _REGISTER, "idp": _IDENTIFIER, "id": ox.Literal(entity_id)},
        )
        entities, problems = self._build(props)
        if problems:
            raise UserError(
                f"{entity_id} is in the register but cannot be read: {problems[0].message}"
            )
        return entities[0] if entities else None

    def _build(self, props: dict[str, dict[str, list]]) -> tuple[list[Entity], list[LoadProblem]]:
        resolver = self.resolver()
        entities: list[Entity] = []
        problems: list[LoadProblem] = []
        for iri, p in props.items():
            cls = entity_class_for(t.value for t in p.get(RDF_TYPE_IRI, []))
            if cls is None:
                continue
            try:
                entities.append(from_properties(cls, p, resolver))
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(x) for x in err["loc"]) or "entity"
                problems.append(LoadProblem(resolver(iri), cls.kind, f"{where}: {err['msg']}"))
        entities.sort(key=lambda e: natural_key(e.id))
        return entities, problems

    def _expected(
        self, iris: Collection[str], expected_revisions: Mapping[str, int] | None
    ) -> dict[str, int]:
        """IRI -> the stamp a write to it is based on (see the module docstring)."""
        given = {
            self._iri_for(entity_id): revision
            for entity_id, revision in (expected_revisions or {}).items()
        }
        unknown = [iri for iri in iris if iri not in given and iri not in self._first_read]
        current = read_stamp_revisions(self.store, unknown) if unknown else {}
        return {
            iri: given[iri] if iri in given else self._first_read.get(iri, current.get(iri, 0))
            for iri in iris
        }

    def _iri_for(self, entity_id: str) -> str:
        return self.iri_of(entity_id) or entity_iri(self.base_iri, entity_id)

    def plan_upsert(
        self, entities: Iterable[Entity], expected_revisions: Mapping[str, int] | None = None
    ) -> Plan:
        """Add new entities and replace the model-owned properties of existing ones.

        ``expected_revisions`` (ID -> revision stamp) are the stamps the changes are based on,
        as ``get_with_revision`` or ``revisions`` gave them; ``commit`` refuses the plan with
        ConflictError if any of those entities has changed since.
        """
        plan = Plan()
        incoming = list(entities)
        iri_by_id = {entity_id: iri for iri, entity_id in self.ids().items()}
        expected = self._expected(
            [iri_by_id.get(e.id) or entity_iri(self.base_iri, e.id) for e in incoming],
            expected_revisions,
        )
        existing = self._existing([e.id for e in incoming if e.id in iri_by_id])
        for entity in incoming:
            new_quads = to_quads(entity, self.base_iri)
            existing_iri = iri_by_id.get(entity.id)
            if existing_iri is None:
                plan.added.append(entity.id)
                plan.changes.add.extend(new_quads)
                new_iri = entity_iri(self.base_iri, entity.id)
                plan.changes.preconditions[new_iri] = expected[new_iri]
                continue
            old = existing.get(entity.id)
            if old == entity and existing_iri == entity_iri(self.base_iri, entity.id):
                plan.unchanged.append(entity.id)
                continue
            if old is not None and type(old) is not type(entity):
                raise UserError(
                    f"{entity.id} is already a {old.kind}; it cannot become a {entity.kind}"
                )
            owned = known_predicates(type(entity))
            plan.changes.remove.extend(
                q
                for q in self.store.quads(REGISTER_GRAPH, subject=existing_iri)
                if q.predicate.value in owned
            )
            plan.changes.add.extend(new_quads)
            plan.changes.preconditions[existing_iri] = expected[existing_iri]
            plan.changed[entity.id] = describe_changes(old, entity)
        return plan

    def _existing(self, entity_ids: list[str]) -> dict[str, Entity]:
        """The stored entities with these IDs that can be read: one by one for a few (an edit),
        all at once for many (an import)."""
        if len(entity_ids) > 20:
            wanted = set(entity_ids)
            return {e.id: e for e in self.all()[0] if e.id in wanted}
        found: dict[str, Entity] = {}
        for entity_id in entity_ids:
            try:
                entity = self.get(entity_id)
            except UserError:
                entity = None
            if entity is not None:
                found[entity_id] = entity
        return found

    def referrers(self, iri: str) -> list[str]:
        rows = _select(
            self.store,
            "SELECT DISTINCT ?id WHERE { GRAPH ?g { ?s ?p ?o . ?s ?idp ?id } }",
            {"g": _REGISTER, "o": ox.NamedNode(iri), "idp": _IDENTIFIER},
        )
        return sorted((r["id"].value for r in rows if r["id"]), key=natural_key)

    def plan_remove(
        self, entity_ids: Iterable[str], expected_revisions: Mapping[str, int] | None = None
    ) -> Plan:
        """Remove entities; refuses while other entities still link to them.

        ``expected_revisions`` works as in ``plan_upsert``.
        """
        plan = Plan()
        ids = list(entity_ids)
        known = [iri for entity_id in ids if (iri := self.iri_of(entity_id)) is not None]
        expected = self._expected(known, expected_revisions)
        for entity_id in ids:
            iri = self.iri_of(entity_id)
            if iri is None:
                raise UserError(f"no entity with ID {entity_id!r} in the register")
            others = [r for r in self.referrers(iri) if r not in ids]
            if others:
                raise UserError(
                    f"{entity_id} is still referred to by {', '.join(others[:10])}"
                    + (" and more" if len(others) > 10 else "")
                    + "; remove or edit those links first"
                )
            plan.changes.remove.extend(self.store.quads(REGISTER_GRAPH, subject=iri))
            plan.changes.preconditions[iri] = expected[iri]
            plan.removed.append(entity_id)
        return plan


RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def describe_changes(old: Entity | None, new: Entity) -> list[str]:
    """Human lines for a dry run or an import: 'likelihood: 3 -> 4', 'owner: (empty) -> P-LCHEN',
    'affects: SYS-CREDIT -> SYS-CREDIT, SYS-CV' (field names as the input files spell them)."""
    if old is None:
        return []
    before = old.model_dump(mode="json")
    after = new.model_dump(mode="json")
    return [
        f"{name}: {_shown(before.get(name))} -> {_shown(after.get(name))}"
        for name in after
        if before.get(name) != after.get(name)
    ]


def _shown(value: object) -> str:
    """A field's value as people read it: no Python None, quotes or list brackets."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    return str(value)
