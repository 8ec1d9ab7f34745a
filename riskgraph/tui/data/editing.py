"""The terminal UI's forms over the core write pipeline: which widget each field gets, the link
choices a picker offers, and the translation of form values into the core's drafts and of the
core's problems into messages at their fields.

Nothing here decides what is valid: checks, link targets, SHACL, the save and undo are the core's
(``riskgraph.editing``), the same the CLI uses, so both accept and refuse the same inputs with the
same messages.

Concurrency: the form remembers the revision stamp the entity had when it opened, and the save
passes it to the core as the expected revision, so ``commit`` refuses the save
(``ConflictError``) if someone changed the entity meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from riskgraph.config import RegisterConfig
from riskgraph.editing import undo as undo_log
from riskgraph.editing.input import TYPED, Changes, FieldError
from riskgraph.editing.links import KnownTargets, LinkTarget, link_target
from riskgraph.editing.rules import score_range
from riskgraph.editing.schema import FieldInfo, fields_of, ontology
from riskgraph.editing.write import (
    Draft,
    Prepared,
    next_id,
    prepare_additions,
    prepare_edits,
    prepare_removal,
    run_write,
)
from riskgraph.errors import InputError, InputErrors, UserError
from riskgraph.ids import natural_key
from riskgraph.model.entities import (
    Audit,
    Control,
    ControlTest,
    ControlTestPlan,
    Entity,
    Evidence,
    Incident,
    ManagementReview,
    Review,
    Risk,
    RiskAcceptance,
    Treatment,
)
from riskgraph.model.rdf import entity_iri
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.scoring import MATRIX_NAMES
from riskgraph.store.base import Store
from riskgraph.views.nodes import kind_of
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, REGISTER_GRAPH, SKOS

EDITABLE: dict[str, type[Entity]] = {
    cls.kind: cls
    for cls in (
        Risk,
        Control,
        Treatment,
        Evidence,
        Review,
        RiskAcceptance,
        ControlTestPlan,
        ControlTest,
        Incident,
        Audit,
        ManagementReview,
    )
}
"""The kinds the TUI's forms create and edit."""
LONG_TEXT = {
    "description",
    "statement",
    "reason",
    "input_notes",
    "decisions",
    "actions",
    "notes",
    "justification",
    "method",
}
HIDDEN_FIELDS = {"derived_from", "catalogue_entry", "risk_hash"}
"""Fields the forms do not show (set by the assistant, by an import of a risk library, or by the
write pipeline: an acceptance's risk hash): kept as they are when an entity is edited."""
GENERAL = "_form"
"""Key of errors that belong to no single field."""

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


_LARGEST_SCORE = max(score_range(name)[1] for name in MATRIX_NAMES)
"""Integer fields up to this bound are scores on a risk matrix (a choice of the matrix's scores);
larger ones (review intervals, test frequencies in days) are typed in."""


def form_fields(cls: type[Entity]) -> list[FormField]:
    """The form of one kind, in the model's field order."""
    return [_form_field(info) for info in fields_of(cls).values() if info.name not in HIDDEN_FIELDS]


def _form_field(info: FieldInfo) -> FormField:
    widget: Widget
    if info.is_link:
        widget = "links" if info.many else "link"
    elif info.choices:
        widget = "choice"
    elif info.value_kind == "integer" and info.bounds and info.bounds[1] <= _LARGEST_SCORE:
        widget = "score"
    elif info.value_kind == "date":
        widget = "date"
    elif info.name in LONG_TEXT:
        widget = "long"
    else:
        widget = "text"
    target = link_target(info)
    return FormField(
        name=info.name,
        label=info.name.replace("_", " "),
        widget=widget,
        required=info.required,
        choices=info.choices,
        description=info.description,
        target=target.entity_class if info.is_link else None,
        catalogue_kinds=target.catalogue_classes if info.is_link else (),
        catalogue=target.catalogue,
        entities=target.entities,
    )


class FormErrors(UserError):
    """What is wrong with a form: messages by field name (``GENERAL`` for the form as a whole).
    ``problems`` are the core's own errors, worded as the CLI shows them."""

    def __init__(
        self, errors: Mapping[str, list[str]], problems: Iterable[InputError] = ()
    ) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items() if messages}
        self.problems = list(problems)
        lines = [f"{name}: {m}" for name, messages in self.errors.items() for m in messages]
        super().__init__("; ".join(lines))

    @classmethod
    def from_core(cls, exc: InputError | InputErrors) -> FormErrors:
        problems = list(exc.errors) if isinstance(exc, InputErrors) else [exc]
        errors: dict[str, list[str]] = {}
        for problem in problems:
            if isinstance(problem, FieldError) and problem.field:
                errors.setdefault(problem.field, []).append(problem.at_field())
            else:
                errors.setdefault(GENERAL, []).append(problem.render())
        return cls(errors, problems)


@dataclass(frozen=True)
class Checked:
    entity: Entity
    warnings: list[str] = field(default_factory=list)
    """SHACL warnings and notes about this entity; they do not stop a save."""


@dataclass(frozen=True)
class Editing:
    """An entity opened in a form, as it was read, and its stamp."""

    entity: Entity
    revision: int
    """The entity's revision stamp when it was read (0: never stamped)."""


@dataclass(frozen=True)
class Change:
    """One saved change: what it was, and its entry in the register's undo log."""

    entity_id: str
    kind: str
    iri: str
    created: bool
    revision: int
    """The register revision of the save, which is also the entity's stamp after it."""
    entry: str | None
    """IRI of the save's entry in the undo log."""
    removed: bool = False

    def describe(self) -> str:
        verb = "removed" if self.removed else "created" if self.created else "edited"
        return f"{verb} {self.kind} {self.entity_id}"


@dataclass(frozen=True)
class Choice:
    """Something a link field may point to."""

    key: str
    title: str
    kind: str
    catalogue: bool = False
    """True for an ISO/IEC 42001 clause or control, False for a register entity."""


# --- opening --------------------------------------------------------------------------------


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
        return Editing(entity, revision)


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
    """The choices a link field accepts, by the core's link-target table."""
    onto = ontology()
    target = LinkTarget(
        form_field.target, form_field.catalogue_kinds, form_field.entities, form_field.catalogue
    )
    return [
        choice
        for choice in choices
        if target.accepts(types.get(choice.key, set()), catalogue=choice.catalogue, onto=onto)
    ]


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


# --- from form values to the core's drafts ----------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def form_changes(values: Mapping[str, object], original: Entity | None) -> Changes:
    """The changes a form's values make: every value given is set; on an edit, a field left
    empty that had a value is cleared."""
    changes = Changes()
    old = original.model_dump() if original is not None else {}
    for name, value in values.items():
        if name in HIDDEN_FIELDS:
            continue
        if not _empty(value):
            changes.values[name] = value
        elif original is not None and not _empty(old.get(name)):
            changes.clear.append(name)
    return changes


def entity_changes(entity: Entity, original: Entity | None) -> Changes:
    """The changes that turn ``original`` (None: nothing) into ``entity``."""
    new = entity.model_dump()
    old = original.model_dump() if original is not None else {}
    changes = Changes()
    for name, value in new.items():
        if original is not None and old.get(name) == value:
            continue
        if _empty(value):
            if original is not None and not _empty(old.get(name)):
                changes.clear.append(name)
        else:
            changes.values[name] = value
    return changes


def _prepare(
    repo: Repository,
    cls: type[Entity],
    changes: Changes,
    original: Entity | None,
    config: RegisterConfig,
    expected: Mapping[str, int] | None = None,
) -> Prepared:
    """The core pipeline for one form; its problems as FormErrors."""
    draft = Draft(cls, changes, TYPED)
    try:
        if original is None:
            return prepare_additions(
                repo,
                [draft],
                default_matrix=config.risk.matrix,
                expected_revisions=expected,
                authority_role=config.acceptance.authority_role,
                review_settings=config.review,
            )
        return prepare_edits(repo, [(original.id, draft)], expected_revisions=expected)
    except (InputError, InputErrors) as exc:
        raise FormErrors.from_core(exc) from None


# --- checking, saving and undoing -------------------------------------------------------------


def check(
    register: Register,
    cls: type[Entity],
    values: Mapping[str, object],
    *,
    original: Entity | None,
) -> Checked:
    """Every check of the core before a save. Raises FormErrors; returns the entity and its
    warnings."""
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        changes = form_changes(values, original)
        prepared = _prepare(repo, cls, changes, original, register.config)
    return Checked(prepared.entities[0], [f"{i.severity}: {i.message}" for i in prepared.notes])


def save(register: Register, entity: Entity, opened: Editing | None) -> Change | None:
    """Write ``entity`` through the core pipeline in one transaction; None when nothing
    changed. ``opened`` is how the entity was read when its form opened (None for a new
    entity): if it has changed since, ``commit`` raises ConflictError and nothing is written."""
    original = opened.entity if opened is not None else None
    expected = {entity.id: opened.revision} if opened is not None else None
    changes = entity_changes(entity, original)
    if original is not None and not changes:
        return None
    config = register.config
    _, committed = run_write(
        register,
        lambda repo: _prepare(repo, type(entity), changes, original, config, expected),
    )
    if committed is None:
        return None
    iri = entity_iri(register.base_iri, entity.id)
    return Change(
        entity.id, entity.kind, iri, original is None, committed.revision, committed.entry
    )


def remove(register: Register, entity_id: str) -> Change | None:
    """Remove an entity through the core pipeline (refused while others link to it)."""
    prepared, committed = run_write(register, lambda repo: prepare_removal(repo, [entity_id]))
    if committed is None:
        return None
    kind = prepared.entities[0].kind if prepared.entities else "entity"
    iri = entity_iri(register.base_iri, entity_id)
    return Change(entity_id, kind, iri, False, committed.revision, committed.entry, removed=True)


def undo(register: Register, change: Change) -> int:
    """Undo ``change`` through the core's undo log; the new revision. Refused when the entity
    changed after ``change``."""
    with register.writer() as store:
        entry = undo_log.entry_by_iri(store, change.entry) if change.entry else None
        if entry is None:
            raise UserError(f"{change.describe()} is no longer in the register's undo log")
        return undo_log.undo(store, entry).revision
