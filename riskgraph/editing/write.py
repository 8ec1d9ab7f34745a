"""Prepare additions and edits: IDs, validation, link checks, then one plan for one commit.

Everything here reads the store and raises InputError(s) before anything is written; the caller
commits the returned plan in one transaction (all entities or none).
Part of the core: the CLI imports it only when an entity command runs; the TUI uses it too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from riskgraph.editing.input import Changes, Origin, build, combine, normalise, split_list
from riskgraph.editing.links import KnownTargets, link_errors
from riskgraph.editing.schema import fields_of, with_article
from riskgraph.errors import InputError, InputErrors, UserError
from riskgraph.model.entities import Entity, Risk
from riskgraph.model.repository import Plan, Repository


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


def next_id(prefix: str, taken: Iterable[str]) -> str:
    """The next free ID with this prefix: R-042 after R-041, keeping the widest zero padding."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    numbers = [m.group(1) for entity_id in taken if (m := pattern.match(entity_id))]
    width = max((len(n) for n in numbers), default=3)
    following = max((int(n) for n in numbers), default=0) + 1
    return f"{prefix}{following:0{width}d}"


def prepare_additions(repo: Repository, drafts: list[Draft], *, default_matrix: str) -> Prepared:
    """New entities from ``drafts``; refuses IDs that exist, and links to nothing."""
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
                    f"{entity_id} already exists ({with_article(kind)}); change it with "
                    f"'riskgraph edit {entity_id}'",
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
    for entity, origin in zip(entities, origins, strict=True):
        errors.extend(link_errors(entity, origin, known))
    if errors:
        raise combine(errors)
    return Prepared(repo.plan_upsert(entities), entities)


def prepare_edits(repo: Repository, edits: list[tuple[str, Draft]]) -> Prepared:
    """Apply changes to existing entities: set, clear, add to or remove from lists."""
    known = KnownTargets.load(repo.store)
    errors: list[InputError] = []
    entities: list[Entity] = []
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
            new = build(draft.cls, data, draft.origin)
        except UserError as exc:
            errors.extend(_flatten(exc))
            continue
        entities.append(new)
        errors.extend(link_errors(new, draft.origin, known, before=old))
    if errors:
        raise combine(errors)
    return Prepared(repo.plan_upsert(entities), entities)


def apply_changes(old: Entity, changes: Changes, origin: Origin) -> dict[str, object]:
    """The old entity's data with ``changes`` applied (values are validated afterwards)."""
    cls = type(old)
    fields = fields_of(cls)
    data: dict[str, object] = old.model_dump()
    for name in changes.clear:
        if fields[name].required:
            raise origin.error("is required and cannot be cleared", field=name)
        data[name] = cls.model_fields[name].get_default(call_default_factory=True)
    for name, value in changes.values.items():
        if name == "id" and value != old.id:
            raise origin.error(
                "cannot be changed; add a new entity and remove the old one",
                field="id",
                value=value,
            )
        data[name] = value
    for name, values in changes.add.items():
        current = _as_list(data.get(name))
        data[name] = current + [v for v in values if v not in current]
    for name, values in changes.remove.items():
        current = _as_list(data.get(name))
        missing = [v for v in values if v not in current]
        if missing:
            raise origin.error(
                f"does not contain {', '.join(map(str, missing))}",
                field=name,
                expected="one of " + (", ".join(map(str, current)) or "(the list is empty)"),
            )
        data[name] = [v for v in current if v not in values]
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
    hint = f"did you mean {', '.join(close)}?" if close else "find IDs with 'riskgraph list KIND'"
    return origin.error(f"no entity with ID {entity_id!r} in the register; {hint}")
