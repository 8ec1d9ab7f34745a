"""The one write pipeline of the register: every face (CLI add/edit/remove, the terminal UI's
forms) writes through it, so all accept and refuse the same inputs with the same messages.

    parse (``editing.input``)  ->  model and domain checks (``editing.rules``)
    ->  link targets (``editing.links``)  ->  SHACL on the affected entities (``editing.shapes``)
    ->  one transaction, with its undo log entry (``commit_write``, ``editing.undo``)

``prepare_*`` read the store and raise InputError(s) naming fields before anything is written;
``commit_write`` commits the plan in one transaction (all entities or none).
Part of the core: the CLI imports it only when an entity command runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from riskgraph.config import ReviewSettings
from riskgraph.editing import records, undo
from riskgraph.editing.derivation import derivation_errors, staged_view
from riskgraph.editing.input import Changes, Origin, build, combine, normalise, split_list
from riskgraph.editing.links import KnownTargets, link_errors
from riskgraph.editing.rules import domain_errors
from riskgraph.editing.schema import fields_of, with_article
from riskgraph.editing.shapes import check_shapes
from riskgraph.errors import InputError, InputErrors, UserError
from riskgraph.model.entities import Entity, Review, Risk, RiskAcceptance
from riskgraph.model.repository import Plan, Repository
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, Store, commit
from riskgraph.validation import Issue

T = TypeVar("T")


@dataclass
class Draft:
    """One entity to add or edit, as given, with where it came from."""

    cls: type[Entity]
    changes: Changes
    origin: Origin


@dataclass
class Prepared:
    """A write ready to commit, and the entities it writes (for the report)."""

    plan: Plan
    entities: list[Entity]
    description: str = ""
    """What the write does, in a few words ('add risk R-043'), for the undo log."""
    notes: list[Issue] = field(default_factory=list)
    """SHACL warnings and notes about the written entities; they do not stop the write."""


@dataclass(frozen=True)
class Committed:
    """A committed write: the register's new revision and the write's undo log entry."""

    revision: int
    entry: str


def commit_write(store: Store, prepared: Prepared) -> Committed | None:
    """Commit a prepared write and its undo log entry as one transaction; None when the write
    changes nothing."""
    if not prepared.plan.changes:
        return None
    changes, entry = undo.record(store, prepared.plan.changes, prepared.description)
    return Committed(commit(store, changes), entry)


def run_write(
    register: Register,
    prepare: Callable[[Repository], Prepared],
    *,
    dry_run: bool = False,
) -> tuple[Prepared, Committed | None]:
    """The whole pipeline for one write from a face: open the register for writing, prepare
    (``prepare_additions``, ``prepare_edits`` or ``prepare_removal``), commit unless a dry run."""
    with register.writer() as store:
        prepared = prepare(Repository(store, register.base_iri))
        return prepared, None if dry_run else commit_write(store, prepared)


def run_planned(
    register: Register, prepare: Callable[[Repository], tuple[T, Prepared]]
) -> tuple[T, Prepared]:
    """``run_write`` for a prepare step that also returns what it planned (an adoption, a
    mapping, an assistant's decision): that, and the prepared write, once committed."""
    planned: list[T] = []

    def step(repo: Repository) -> Prepared:
        result, prepared = prepare(repo)
        planned.append(result)
        return prepared

    prepared, _ = run_write(register, step)
    return planned[-1], prepared


def _checked(
    repo: Repository,
    entities: list[Entity],
    origins: list[Origin],
    errors: list[InputError],
    known: KnownTargets,
    *,
    before: Mapping[str, Entity] | None = None,
    authority_role: str | None = None,
    staged: ChangeSet | None = None,
) -> list[Issue]:
    """Domain rules, link targets and SHACL for entities whose model passed; raises every
    problem found (shapes run only when all else passed). Returns the SHACL notes.
    ``staged``: drafts-graph quads written in the same transaction, seen as written."""
    derived = (
        repo.store if staged is None else staged_view(repo.store, repo.base_iri, staged, entities)
    )
    for entity, origin in zip(entities, origins, strict=True):
        errors.extend(domain_errors(entity, origin))
        old = before.get(entity.id) if before else None
        errors.extend(records.edit_errors(old, origin))
        if before is None and isinstance(entity, RiskAcceptance):
            errors.extend(
                records.acceptance_errors(
                    repo.store, repo.base_iri, entity, origin, authority_role, batch=entities
                )
            )
        errors.extend(link_errors(entity, origin, known, before=old))
        errors.extend(derivation_errors(derived, entity, origin, before=old))
    if errors:
        raise combine(errors)
    outcome = check_shapes(
        repo.store,
        repo.base_iri,
        entities,
        {entity.id: origin for entity, origin in zip(entities, origins, strict=True)},
        staged=staged,
    )
    if outcome.violations:
        raise combine(list(outcome.violations))
    return outcome.notes


def _describe(verb: str, entities: list[Entity] | list[str], kinds: Mapping[str, str]) -> str:
    ids = [e.id if isinstance(e, Entity) else e for e in entities]
    if len(ids) == 1:
        kind = kinds.get(ids[0])
        return f"{verb} {kind} {ids[0]}" if kind else f"{verb} {ids[0]}"
    shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    return f"{verb} {len(ids)} entities ({shown})"


def next_id(prefix: str, taken: Iterable[str]) -> str:
    """The next free ID with this prefix: R-042 after R-041, keeping the widest zero padding."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [m.group(1) for entity_id in taken if (m := pattern.match(entity_id))]
    width = max((len(n) for n in numbers), default=3)
    following = max((int(n) for n in numbers), default=0) + 1
    return f"{prefix}{following:0{width}d}"


def prepare_additions(
    repo: Repository,
    drafts: list[Draft],
    *,
    default_matrix: str,
    expected_revisions: Mapping[str, int] | None = None,
    authority_role: str | None = None,
    staged: ChangeSet | None = None,
    description: str | None = None,
    review_settings: ReviewSettings | None = None,
) -> Prepared:
    """New entities from ``drafts``; refuses IDs that exist, links to nothing and anything the
    rules or the shapes refuse. ``authority_role`` is the register's
    ``acceptance.authority_role``: the role a person must hold to sign a risk acceptance (None:
    no one can). ``review_settings`` are the register's review intervals: a new review moves
    its item's next review date by them (``records.review_moves``; None: the defaults).

    ``staged`` holds drafts-graph quads to write in the same transaction (accepting an
    assistant's draft records the decision and its provenance with the treatment); the checks
    see them as written. ``description`` replaces the undo log's default ('add risk R-043')."""
    known = KnownTargets.load(repo.store)
    errors: list[InputError] = []
    given: set[str] = set()
    for draft in drafts:
        entity_id = draft.changes.values.get("id")
        if not isinstance(entity_id, str):
            continue
        entity_id = entity_id.strip()
        if entity_id in known.entities:
            kind = known.kind_of(entity_id) or "entity"
            errors.append(
                draft.origin.error(
                    f"{entity_id} is already used by {with_article(kind)} in the register; "
                    "choose another ID, or edit that entity",
                    field="id",
                    about_field=False,
                )
            )
        elif entity_id in given:
            errors.append(
                draft.origin.error(
                    f"{entity_id} appears twice in the input", field="id", about_field=False
                )
            )
        given.add(entity_id)
    taken = set(known.entities) | given
    entities: list[Entity] = []
    origins: list[Origin] = []
    for draft in drafts:
        data = dict(draft.changes.values)
        if "id" not in data:
            data["id"] = next_id(draft.cls.id_prefix, taken)
            taken.add(str(data["id"]))
        if draft.cls is Risk and "matrix" not in data:
            data["matrix"] = default_matrix
        try:
            entities.append(build(draft.cls, data, draft.origin))
            origins.append(draft.origin)
        except UserError as exc:
            errors.extend(_flatten(exc))
    known.include(entities)
    notes = _checked(
        repo, entities, origins, errors, known, authority_role=authority_role, staged=staged
    )
    plan = repo.plan_upsert(entities, expected_revisions)
    if staged is not None:
        plan.changes.remove.extend(staged.remove)
        plan.changes.add.extend(staged.add)
    reviews = [entity for entity in entities if isinstance(entity, Review)]
    if moves := records.review_moves(repo, reviews, review_settings or ReviewSettings()):
        moved = prepare_edits(
            repo,
            [(item_id, Draft(cls, changes, Origin())) for cls, item_id, changes in moves],
            expected_revisions=expected_revisions,
        )
        plan.changes.remove.extend(moved.plan.changes.remove)
        plan.changes.add.extend(moved.plan.changes.add)
        plan.changes.preconditions.update(moved.plan.changes.preconditions)
        plan.changed.update(moved.plan.changed)
        notes.extend(moved.notes)
    kinds = {e.id: e.kind for e in entities}
    return Prepared(plan, entities, description or _describe("add", entities, kinds), notes)


def prepare_edits(
    repo: Repository,
    edits: list[tuple[str, Draft]],
    *,
    expected_revisions: Mapping[str, int] | None = None,
) -> Prepared:
    """Apply changes to existing entities: set, clear, add to or remove from lists."""
    known = KnownTargets.load(repo.store)
    errors: list[InputError] = []
    entities: list[Entity] = []
    origins: list[Origin] = []
    before: dict[str, Entity] = {}
    seen: set[str] = set()
    for entity_id, draft in edits:
        if entity_id in seen:
            errors.append(draft.origin.error(f"{entity_id} is edited twice in the input"))
            continue
        seen.add(entity_id)
        old = repo.get(entity_id)
        if old is None:
            errors.append(missing_entity(repo, entity_id, draft.origin))
            continue
        if type(old) is not draft.cls:
            errors.append(
                draft.origin.error(
                    f"{entity_id} is {with_article(old.kind)}, not {with_article(draft.cls.kind)}",
                    field="kind",
                    about_field=False,
                )
            )
            continue
        try:
            data = apply_changes(old, draft.changes, draft.origin)
            new = build(draft.cls, data, draft.origin, fallback=old.model_dump())
        except UserError as exc:
            errors.extend(_flatten(exc))
            continue
        entities.append(new)
        origins.append(draft.origin)
        before[new.id] = old
    notes = _checked(repo, entities, origins, errors, known, before=before)
    plan = repo.plan_upsert(entities, expected_revisions)
    kinds = {e.id: e.kind for e in entities}
    return Prepared(plan, entities, _describe("edit", entities, kinds), notes)


def prepare_removal(
    repo: Repository,
    entity_ids: list[str],
    *,
    expected_revisions: Mapping[str, int] | None = None,
) -> Prepared:
    """Remove entities; refused while other entities still link to them."""
    ids = list(dict.fromkeys(entity_ids))
    for entity_id in ids:
        if repo.iri_of(entity_id) is None:
            raise missing_entity(repo, entity_id, Origin())
    entities = [e for entity_id in ids if (e := _readable(repo, entity_id)) is not None]
    if locked := records.removal_errors(entities):
        raise combine(list(locked))
    plan = repo.plan_remove(ids, expected_revisions)
    kinds = {e.id: e.kind for e in entities}
    return Prepared(plan, entities, _describe("remove", ids, kinds))


def _readable(repo: Repository, entity_id: str) -> Entity | None:
    try:
        return repo.get(entity_id)
    except UserError:
        return None


def apply_changes(old: Entity, changes: Changes, origin: Origin) -> dict[str, object]:
    """The old entity's data with ``changes`` applied (values are validated afterwards)."""
    cls = type(old)
    fields = fields_of(cls)
    data: dict[str, object] = old.model_dump()
    errors: list[InputError] = []
    for name in changes.clear:
        if fields[name].required:
            errors.append(origin.error("is required", field=name))
            continue
        data[name] = cls.model_fields[name].get_default(call_default_factory=True)
    for name, value in changes.values.items():
        if name == "id" and value != old.id:
            errors.append(
                origin.error(
                    "cannot be changed; add a new entity and remove the old one",
                    field="id",
                    value=value,
                )
            )
            continue
        data[name] = value
    for name, values in changes.add.items():
        current = _as_list(data.get(name))
        data[name] = current + [v for v in values if v not in current]
    for name, values in changes.remove.items():
        current = _as_list(data.get(name))
        missing = [v for v in values if v not in current]
        if missing:
            errors.append(
                origin.error(
                    f"does not contain {', '.join(map(str, missing))}",
                    field=name,
                    expected="one of " + (", ".join(map(str, current)) or "(the list is empty)"),
                )
            )
            continue
        data[name] = [v for v in current if v not in values]
    if errors:
        raise combine(errors)
    return normalise(cls, data)


def _as_list(value: object) -> list[object]:
    return list(split_list(value)) if value is not None else []


def _flatten(exc: UserError) -> list[InputError]:
    """The single problems inside an error, to report them with the others; other errors
    (not about one value) go on up."""
    if isinstance(exc, InputErrors):
        return list(exc.errors)
    if isinstance(exc, InputError):
        return [exc]
    raise exc


def existing_class(repo: Repository, entity_id: str, origin: Origin) -> type[Entity]:
    """The class of an entity in the register; an error when there is none with that ID."""
    entity = repo.get(entity_id)
    if entity is None:
        raise missing_entity(repo, entity_id, origin)
    return type(entity)


def missing_entity(repo: Repository, entity_id: str, origin: Origin) -> InputError:
    """'No such ID', with the closest IDs in the register as suggestions."""
    close = difflib.get_close_matches(entity_id, list(repo.ids().values()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return origin.error(f"no entity with ID {entity_id!r} in the register{hint}")
