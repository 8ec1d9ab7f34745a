"""Create and edit risks, controls, treatments and evidence: the form's fields, the checks that
run before a save, the save itself as one transaction, and undo.

Checks, in order: the pydantic model (every field error at once), the ID (new entities only),
the links (targets exist and are of the right class), then the SHACL shapes for this entity.
Errors come back per field, so the form can show each at its field.

Concurrency: the form remembers the revision stamp the entity had when it opened, and the save
passes it to ``Repository.plan_upsert``, so ``commit`` refuses the save (``ConflictError``) if
someone changed the entity meanwhile. A save keeps the entity's quads from before and after the
change (``Change``); undo writes the "before" quads back as another transaction, on condition
that the entity still carries the stamp of that save.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox
from pydantic import ValidationError

from riskgraph.editing.input import Origin
from riskgraph.editing.links import KnownTargets, link_errors
from riskgraph.editing.schema import FieldInfo, fields_of, ontology
from riskgraph.editing.write import next_id
from riskgraph.errors import UserError
from riskgraph.ids import natural_key
from riskgraph.model.entities import Control, Entity, Evidence, Risk, Treatment
from riskgraph.model.rdf import entity_iri, field_specs, to_quads
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, Store, commit, read_stamp_revisions
from riskgraph.tui.data.nodes import kind_of
from riskgraph.validation import validate_quads
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, ONTOLOGY_GRAPH, REGISTER_GRAPH, RG, SKOS

EDITABLE: dict[str, type[Entity]] = {cls.kind: cls for cls in (Risk, Control, Treatment, Evidence)}
"""The kinds the TUI's forms create and edit."""
LONG_TEXT = {"description", "statement", "reason"}
HIDDEN_FIELDS = {"derived_from"}
"""Fields set by the assistant, never typed: kept as they are when an entity is edited."""
GENERAL = "_form"
"""Key of errors that belong to no single field."""

CLAUSES_AND_ANNEX_A = (RG + "Clause", RG + "AnnexAControl")
LINK_TARGETS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "supports": (RG + "Control", CLAUSES_AND_ANNEX_A),
    "addresses": (None, CLAUSES_AND_ANNEX_A),
    "sources": (RG + "RiskSource", (RG + "AnnexCRiskSource",)),
}
"""Link fields whose targets the shapes restrict beyond the ontology's range: field -> (class of
register entities, catalogue classes). Evidence supports controls, clauses and Annex A controls;
controls address clauses and Annex A controls (not objectives or Annex C); risk sources of the
catalogue are the Annex C ones."""

Widget = Literal["text", "long", "choice", "score", "date", "link", "links"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: Widget
    required: bool
    choices: tuple[str, ...]
    description: str
    target: str | None = None
    """For links to register entities: the class IRI they must be (None: any entity)."""
    catalogue_kinds: tuple[str, ...] = ()
    """For links to ISO/IEC 42001: the catalogue classes accepted (empty: any item)."""
    catalogue: bool = False
    """For links: whether ISO/IEC 42001 references are accepted."""
    entities: bool = True
    """For links: whether register entities are accepted."""


def form_fields(cls: type[Entity]) -> list[FormField]:
    """The form of one kind, in the model's field order."""
    return [_form_field(info) for info in fields_of(cls).values() if info.name not in HIDDEN_FIELDS]


def _form_field(info: FieldInfo) -> FormField:
    widget: Widget
    if info.is_link:
        widget = "links" if info.many else "link"
    elif info.choices:
        widget = "choice"
    elif info.value_kind == "integer" and info.bounds:
        widget = "score"
    elif info.value_kind == "date":
        widget = "date"
    elif info.name in LONG_TEXT:
        widget = "long"
    else:
        widget = "text"
    target = ontology().ranges.get(info.predicate or "") if info.is_link else None
    target, catalogue_kinds = LINK_TARGETS.get(info.name, (target, ()))
    return FormField(
        name=info.name,
        label=info.name.replace("_", " "),
        widget=widget,
        required=info.required,
        choices=info.choices,
        description=info.description,
        target=target,
        catalogue_kinds=catalogue_kinds,
        catalogue=info.value_kind in ("catalogue", "either"),
        entities=info.value_kind in ("ref", "either"),
    )


class FormErrors(UserError):
    """What is wrong with a form: messages by field name (``GENERAL`` for the form as a whole)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items() if messages}
        lines = [f"{name}: {m}" for name, messages in self.errors.items() for m in messages]
        super().__init__("; ".join(lines))


@dataclass(frozen=True)
class Checked:
    entity: Entity
    warnings: list[str] = field(default_factory=list)
    """SHACL warnings and notes about this entity; they do not stop a save."""


@dataclass(frozen=True)
class Editing:
    """An entity opened in a form, as it was read: its fields, its quads and its stamp."""

    entity: Entity
    before: frozenset[ox.Quad]
    revision: int
    """The entity's revision stamp when it was read (0: never stamped)."""


@dataclass(frozen=True)
class Change:
    """One saved change, with what undo needs to reverse it."""

    entity_id: str
    kind: str
    iri: str
    before: frozenset[ox.Quad]
    """The entity's register quads before the change (empty: it was created)."""
    after: frozenset[ox.Quad]
    revision: int
    """The register revision of the save, which is also the entity's stamp after it."""

    @property
    def created(self) -> bool:
        return not self.before

    def describe(self) -> str:
        return f"{'created' if self.created else 'edited'} {self.kind} {self.entity_id}"


@dataclass(frozen=True)
class Choice:
    """Something a link field may point to."""

    key: str
    title: str
    kind: str
    catalogue: bool = False
    """True for an ISO/IEC 42001 clause or control, False for a register entity."""


# --- opening --------------------------------------------------------------------------------


def subject_quads(store: Store, iri: str) -> frozenset[ox.Quad]:
    return frozenset(store.quads(REGISTER_GRAPH, subject=iri))


def open_for_edit(register: Register, entity_id: str) -> Editing:
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        found = repo.get_with_revision(entity_id)
        if found is None:
            raise UserError(f"no entity with ID {entity_id!r} in the register")
        entity, revision = found
        if entity.kind not in EDITABLE:
            raise UserError(
                f"{entity_id} is {entity.kind}; the forms edit "
                f"{', '.join(EDITABLE)} (use 'riskgraph edit' for the others)"
            )
        iri = repo.iri_of(entity_id) or entity_iri(register.base_iri, entity_id)
        return Editing(entity, subject_quads(store, iri), revision)


def new_values(register: Register, cls: type[Entity]) -> dict[str, object]:
    """Starting values of a new entity: the next free ID, and the register's matrix for risks."""
    with register.reader() as store:
        taken = Repository(store, register.base_iri).ids().values()
    values: dict[str, object] = {"id": next_id(cls.id_prefix, taken)}
    if cls is Risk:
        values["matrix"] = register.config.risk.matrix
    return values


Choices = tuple[dict[str, set[str]], list[Choice]]
"""Key -> rdf:types, and every choice sorted by key (what ``load_choices`` returns)."""


def load_choices(register: Register) -> Choices:
    """Everything a link may point to: (key -> rdf:types, choices sorted by key)."""
    with register.reader() as store:
        known = KnownTargets.load(store)
        titles = _titles(store)
    types: dict[str, set[str]] = {}
    choices: list[Choice] = []
    for catalogue, found in ((False, known.entities), (True, known.catalogue)):
        for key, kinds in found.items():
            types[key] = kinds
            choices.append(Choice(key, titles.get(key, ""), kind_of(kinds), catalogue))
    return types, sorted(choices, key=lambda c: (c.catalogue, natural_key(c.key)))


def choices_for(
    form_field: FormField, types: Mapping[str, set[str]], choices: Iterable[Choice]
) -> list[Choice]:
    """The choices a link field accepts: of its target class, register or catalogue as allowed."""
    onto = ontology()
    result = []
    for choice in choices:
        kinds = types.get(choice.key, set())
        if choice.catalogue:
            wanted = form_field.catalogue_kinds
            fits = form_field.catalogue and (not wanted or any(onto.is_a(kinds, k) for k in wanted))
        else:
            target = form_field.target
            fits = form_field.entities and (target is None or onto.is_a(kinds, target))
        if fits:
            result.append(choice)
    return result


def _titles(store: Store) -> dict[str, str]:
    titles: dict[str, str] = {}
    for graph, key_predicate, title_predicate in (
        (REGISTER_GRAPH, DCTERMS + "identifier", DCTERMS + "title"),
        (ISO42001_GRAPH, SKOS + "notation", SKOS + "prefLabel"),
    ):
        result = store.query(
            f"SELECT ?k ?t WHERE {{ GRAPH <{graph}> {{ ?s <{key_predicate}> ?k ; "
            f"<{title_predicate}> ?t }} }}"
        )
        for row in getattr(result, "rows", []):
            if row["k"] is not None and row["t"] is not None:
                titles.setdefault(row["k"].value, row["t"].value)
    return titles


# --- checking -------------------------------------------------------------------------------


def build(cls: type[Entity], values: Mapping[str, object], original: Entity | None) -> Entity:
    """The entity from the form's values (the original's hidden fields kept). Raises FormErrors
    with every field the model refuses.

    pydantic checks the fields first and runs the whole-entity rules (scores on the matrix,
    an approval's approver ...) only when every field passed; so when some fields fail, their
    old values (or none) stand in and the rules run again, to report all problems at once.
    """
    data: dict[str, object] = original.model_dump() if original is not None else {}
    data.update(values)
    data = {name: value for name, value in data.items() if value is not None and value != ""}
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        errors = _model_errors(cls, exc)
    stand_in = {name: value for name, value in data.items() if name not in errors}
    if original is not None:
        old = original.model_dump()
        stand_in.update({name: old[name] for name in errors if old.get(name) is not None})
    try:
        cls.model_validate(stand_in)
    except ValidationError as again:
        for name, messages in _model_errors(cls, again).items():
            if name not in errors:
                errors[name] = messages
    raise FormErrors(errors)


def _model_errors(cls: type[Entity], exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    names = [name for name in cls.model_fields if name not in HIDDEN_FIELDS]
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        loc = error["loc"]
        name = str(loc[0]) if loc else _field_named_in(message, names)
        if error["type"] == "missing":
            message = "is required"
        errors.setdefault(name, []).append(message)
    return errors


def _field_named_in(message: str, names: list[str]) -> str:
    """The field a whole-model error is about: the first field name it mentions."""
    found = [(message.find(name), name) for name in names if re.search(rf"\b{name}\b", message)]
    return min(found)[1] if found else GENERAL


def check(
    register: Register,
    cls: type[Entity],
    values: Mapping[str, object],
    *,
    original: Entity | None,
) -> Checked:
    """Every check before a save. Raises FormErrors; returns the entity and its warnings."""
    entity = build(cls, values, original)
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        if original is None and repo.iri_of(entity.id) is not None:
            raise FormErrors({"id": [f"{entity.id} is already used in the register"]})
        known = KnownTargets.load(store)
        known.include([entity])
        problems = link_errors(entity, Origin(source="form"), known, before=original)
        if problems:
            errors: dict[str, list[str]] = {}
            for problem in problems:
                name = problem.location.column or GENERAL
                text = problem.problem.removeprefix(name).strip()
                if problem.expected:
                    text += f"; expected {problem.expected}"
                errors.setdefault(name, []).append(text)
            raise FormErrors(errors)
        quads = _shapes_input(store, entity, register.base_iri)
    report = validate_quads(quads)
    mine = [issue for issue in report.issues if issue.focus == entity.id]
    violations: dict[str, list[str]] = {}
    for issue in mine:
        if issue.severity == "Violation":
            violations.setdefault(_field_of_path(cls, issue.path), []).append(issue.message)
    if violations:
        raise FormErrors(violations)
    return Checked(entity, [f"{i.severity}: {i.message}" for i in mine])


def _shapes_input(store: Store, entity: Entity, base_iri: str) -> list[ox.Quad]:
    """The entity as it would be saved, what it links to, what links to it (the linking quad and
    the linker's types), the ontology and the catalogue: what the shapes need about it."""
    iri = entity_iri(base_iri, entity.id)
    mine = to_quads(entity, base_iri)
    targets = {q.object.value for q in mine if isinstance(q.object, ox.NamedNode)}
    quads = [*mine]
    for target in targets:
        quads.extend(store.quads(REGISTER_GRAPH, subject=target))
    incoming = store.query(
        f"SELECT ?s ?p WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s ?p ?o }} }}",
        {"o": ox.NamedNode(iri)},
    )
    graph = ox.NamedNode(REGISTER_GRAPH)
    for row in getattr(incoming, "rows", []):
        subject, predicate = row["s"], row["p"]
        if isinstance(subject, ox.NamedNode) and isinstance(predicate, ox.NamedNode):
            quads.append(ox.Quad(subject, predicate, ox.NamedNode(iri), graph))
            quads.extend(
                q
                for q in store.quads(REGISTER_GRAPH, subject=subject.value)
                if q.predicate.value in _NAMING
            )
    for system_graph in (ONTOLOGY_GRAPH, ISO42001_GRAPH):
        quads.extend(store.quads(system_graph))
    return quads


_NAMING = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    DCTERMS + "identifier",
    DCTERMS + "title",
}


def _field_of_path(cls: type[Entity], path: str | None) -> str:
    """The form field of a SHACL result path such as 'rg:affects'."""
    if not path:
        return GENERAL
    predicate = RG + path.removeprefix("rg:") if path.startswith("rg:") else path
    for spec in field_specs(cls):
        if spec.predicate == predicate:
            return spec.name
    if predicate == RG + "riskMatrix":
        return "matrix"
    return GENERAL


# --- saving and undoing ---------------------------------------------------------------------


def save(register: Register, entity: Entity, opened: Editing | None) -> Change | None:
    """Write ``entity`` in one transaction; None when nothing changed. ``opened`` is how the
    entity was read when its form opened (None for a new entity): if it has changed since,
    ``commit`` raises ConflictError and nothing is written.

    A new entity's ID must still be free. Its expected stamp is the one the ID has now: an ID
    that was used before (and removed, e.g. by an undo) keeps its old stamp as a tombstone.
    """
    iri = entity_iri(register.base_iri, entity.id)
    with register.writer() as store:
        repo = Repository(store, register.base_iri)
        if opened is not None:
            expected = opened.revision
        elif repo.iri_of(entity.id) is not None:
            raise FormErrors({"id": [f"{entity.id} was taken meanwhile; choose another ID"]})
        else:
            expected = read_stamp_revisions(store, [iri]).get(iri, 0)
        plan = repo.plan_upsert([entity], {entity.id: expected})
        if not plan.changes:
            return None
        revision = commit(store, plan.changes)
        after = subject_quads(store, iri)
    before = opened.before if opened is not None else frozenset()
    return Change(entity.id, entity.kind, iri, before, after, revision)


def undo(register: Register, change: Change) -> int:
    """Put the entity back as it was before ``change``, in one transaction; the new revision.
    Refused (ConflictError) when the entity changed after ``change``."""
    with register.writer() as store:
        current = subject_quads(store, change.iri)
        if change.created:
            others = Repository(store, register.base_iri).referrers(change.iri)
            others = [o for o in others if o != change.entity_id]
            if others:
                raise UserError(
                    f"{change.entity_id} cannot be removed: {', '.join(others[:5])} "
                    "now link to it; remove those links first"
                )
        restore = ChangeSet(
            remove=list(current),
            add=list(change.before),
            preconditions={change.iri: change.revision},
        )
        return commit(store, restore)
