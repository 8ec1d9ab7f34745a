"""Checks that need the register: duplicate IDs, kinds already taken, references that exist."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from riskgraph.errors import InputError, Location
from riskgraph.io.problems import at
from riskgraph.io.records import Candidate, Loaded, ReadResult
from riskgraph.model.entities import Entity
from riskgraph.model.fields import is_catalogue_ref
from riskgraph.model.rdf import FieldSpec, entity_class_for, field_specs
from riskgraph.store.base import Store
from riskgraph.vocab import DCTERMS, ISO42001, ISO42001_GRAPH, REGISTER_GRAPH, SKOS


@dataclass(frozen=True)
class RegisterState:
    """What an import is checked against: the IDs already in the register and the catalogue."""

    kinds: dict[str, str]
    """ID -> kind of every entity in the register."""
    catalogue: frozenset[str]
    """Every ISO/IEC 42001 reference (clauses, Annex A, Annex C)."""


def load_state(store: Store) -> RegisterState:
    """Two bulk queries, whatever the size of the import."""
    rows = store.select(
        "SELECT ?id ?type WHERE { GRAPH ?g { ?s ?idp ?id . ?s a ?type } }",
        {"g": ox.NamedNode(REGISTER_GRAPH), "idp": ox.NamedNode(DCTERMS + "identifier")},
    )
    kinds: dict[str, str] = {}
    for row in rows.rows:
        entity_id, rdf_type = row["id"], row["type"]
        if entity_id is None or rdf_type is None:
            continue
        cls = entity_class_for([rdf_type.value])
        if cls is not None:
            kinds[entity_id.value] = cls.kind
        else:
            kinds.setdefault(entity_id.value, "")
    concepts = store.select(
        "SELECT ?c WHERE { GRAPH ?g { ?c a ?concept } }",
        {"g": ox.NamedNode(ISO42001_GRAPH), "concept": ox.NamedNode(SKOS + "Concept")},
    )
    catalogue = frozenset(
        row["c"].value.removeprefix(ISO42001)
        for row in concepts.rows
        if row["c"] is not None and row["c"].value.startswith(ISO42001)
    )
    return RegisterState(kinds, catalogue)


@cache
def _link_specs(cls: type[Entity]) -> tuple[FieldSpec, ...]:
    return tuple(s for s in field_specs(cls) if s.kind in ("ref", "either", "catalogue"))


def entity_links(entity: Entity) -> list[tuple[FieldSpec, str]]:
    """Every link of ``entity``: the field and the ID or catalogue reference it names."""
    links = []
    for spec in _link_specs(type(entity)):
        value = getattr(entity, spec.name)
        for ref in value if isinstance(value, list) else [value]:
            if ref is not None:
                links.append((spec, str(ref)))
    return links


def _is_catalogue(spec: FieldSpec, ref: str) -> bool:
    return spec.kind == "catalogue" or (spec.kind == "either" and is_catalogue_ref(ref))


def unresolved_links(entity: Entity, state: RegisterState) -> list[tuple[FieldSpec, str]]:
    """The links of ``entity`` that the register alone does not resolve."""
    return [
        (spec, ref)
        for spec, ref in entity_links(entity)
        if (ref not in state.catalogue if _is_catalogue(spec, ref) else ref not in state.kinds)
    ]


def _links(candidate: Candidate | Loaded) -> list[tuple[FieldSpec, str]]:
    if isinstance(candidate, Loaded):
        return candidate.links
    return entity_links(candidate.entity)


def _where_text(where: Location) -> str:
    if where.row is not None:
        return f"row {where.row}"
    if where.line is not None:
        return f"line {where.line}"
    return where.file or "elsewhere"


def check_against_register(result: ReadResult, state: RegisterState, *, skip_bad: bool) -> None:
    """Add problems for duplicate IDs, kind clashes and links to nothing.

    With ``skip_bad`` the bad records will be left out, so links to them are problems too
    (repeated until nothing changes); without it, links to IDs anywhere in the file are fine.
    """
    problems = result.problems
    for entity_id, seen in result.ids_seen.items():
        if len(seen) < 2:
            continue
        for record, where in seen:
            others = ", ".join(_where_text(w) for r, w in seen if r != record)
            problems.add(
                record,
                InputError(
                    f"ID {entity_id} appears {len(seen)} times in this file (also {others})",
                    location=where,
                    value=entity_id,
                    expected="each ID once per import",
                ),
            )
    for candidate in result.candidates:
        taken = state.kinds.get(candidate.id)
        if taken is not None and taken != candidate.kind:
            what = f"a {taken}" if taken else "something that is not a register entity"
            problems.add(
                candidate.record,
                InputError(
                    f"{candidate.id} is already {what} in the register; "
                    f"it cannot become a {candidate.kind}",
                    location=at(candidate.where, candidate.column_of("id")),
                    value=candidate.id,
                    expected="an ID that is new or of the same kind",
                ),
            )
    while True:
        good = {c.id for c in result.candidates if c.record not in problems.bad_records}
        in_file = good if skip_bad else set(result.ids_seen)
        found_more = False
        for candidate in result.candidates:
            if candidate.record in problems.bad_records:
                continue
            for error in _dangling_links(candidate, state, in_file, result):
                problems.add(candidate.record, error)
                found_more = True
        if not (skip_bad and found_more):
            return


def _dangling_links(
    candidate: Candidate | Loaded, state: RegisterState, in_file: set[str], result: ReadResult
) -> list[InputError]:
    errors = []
    for spec, ref in _links(candidate):
        where = at(candidate.where, candidate.column_of(spec.name))
        if _is_catalogue(spec, ref):
            if ref not in state.catalogue:
                errors.append(
                    InputError(
                        f"{spec.name} names an ISO/IEC 42001 reference that is not in "
                        "the catalogue",
                        location=where,
                        value=ref,
                        expected="a clause, Annex A control or Annex C item such as A.6.2.4",
                    )
                )
        elif ref not in state.kinds and ref not in in_file:
            skipped = ref in result.ids_seen
            problem = (
                f"{spec.name} links to {ref}, which is in a bad row of this file"
                if skipped
                else f"{spec.name} links to {ref}, which is neither in the register nor in "
                "this file"
            )
            errors.append(
                InputError(
                    problem,
                    location=where,
                    value=ref,
                    expected="the ID of an existing entity or of one imported with it",
                )
            )
    return errors
