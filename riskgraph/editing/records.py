"""Rules for the certification records (docs/certification.md) that a write must keep.

- A closed control test record (``closed``) is immutable: the pipeline refuses to change or remove
  it. A correction is a new record that ``supersedes`` it.
- A risk acceptance is signed once: it cannot be changed or removed afterwards (a new decision is
  a new acceptance). Its signer must hold the role the register's settings name
  (``acceptance.authority_role``), and the pipeline stores the hash of the risk as it stands
  (``riskgraph.model.risk_hash``), so that a later change to the risk shows.
- A review moves the date of the next one: adding a review of a risk, control, treatment or AI
  system also sets that item's ``last_reviewed`` to the review's date and its ``review_due`` to
  that date plus the item's ``review_interval`` (else the register's ``review.<kind>_days``).
  A review dated before the item's last review is history: it moves nothing.

Part of the core: every face reaches these through ``editing.write``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

import pyoxigraph as ox

from riskgraph.config import ReviewSettings
from riskgraph.editing.input import Changes, FieldError, Origin
from riskgraph.model.entities import (
    AISystem,
    Control,
    ControlTest,
    Entity,
    Person,
    Review,
    Risk,
    RiskAcceptance,
    Treatment,
)
from riskgraph.model.rdf import entity_iri
from riskgraph.model.risk_hash import risk_hash
from riskgraph.store.base import AskResult, Store
from riskgraph.vocab import RG

AUTHORITY_SETTING = "acceptance.authority_role"


def immutable_reason(entity: Entity) -> str | None:
    """Why this stored record may not change (None when it may)."""
    if isinstance(entity, ControlTest) and entity.closed:
        return (
            f"{entity.id} is a closed test record and cannot change; record the correction as a "
            f"new test whose supersedes is {entity.id}"
        )
    if isinstance(entity, RiskAcceptance):
        return (
            f"{entity.id} is a signed risk acceptance and cannot change; record a new acceptance "
            "for the risk instead"
        )
    return None


def edit_errors(before: Entity | None, origin: Origin) -> list[FieldError]:
    """An edit of a record that may no longer change."""
    if before is None or (reason := immutable_reason(before)) is None:
        return []
    return [origin.error(reason, field="id", about_field=False)]


def acceptance_errors(
    store: Store,
    base_iri: str,
    acceptance: RiskAcceptance,
    origin: Origin,
    authority_role: str | None,
    *,
    batch: Iterable[Entity] = (),
) -> list[FieldError]:
    """A new acceptance: its signer's authority, and the risk hash (filled in when not given).
    ``batch`` is everything the same write adds: a signer added with it counts with the roles it
    is given there."""
    errors: list[FieldError] = []
    if not authority_role:
        errors.append(
            origin.error(
                "no one can sign a risk acceptance: the register's settings name no authority "
                f"role ({AUTHORITY_SETTING})",
                field="accepted_by",
                about_field=False,
                expected=f"the setting {AUTHORITY_SETTING} set to the ID of a role",
            )
        )
    elif not _holds_role(store, base_iri, acceptance.accepted_by, authority_role) and not any(
        isinstance(entity, Person)
        and entity.id == acceptance.accepted_by
        and authority_role in entity.roles
        for entity in batch
    ):
        errors.append(
            origin.error(
                f"{acceptance.accepted_by} does not hold the role {authority_role}, which the "
                f"register's settings ({AUTHORITY_SETTING}) require to accept a risk",
                field="accepted_by",
                value=acceptance.accepted_by,
                expected=f"a person with the role {authority_role}",
            )
        )
    current = risk_hash(store, entity_iri(base_iri, acceptance.risk))
    if current is None:
        return errors  # the link check reports a risk that does not exist
    if acceptance.risk_hash is None:
        acceptance.risk_hash = current
    elif acceptance.risk_hash != current:
        errors.append(
            origin.error(
                "is not the hash of the risk as it stands; leave it out and riskgraph fills it in",
                field="risk_hash",
                value=acceptance.risk_hash,
                expected=current,
            )
        )
    return errors


def removal_errors(entities: Iterable[Entity]) -> list[FieldError]:
    """Records that may not be removed."""
    return [
        Origin().error(reason, field="id", about_field=False)
        for entity in entities
        if (reason := immutable_reason(entity)) is not None
    ]


def _holds_role(store: Store, base_iri: str, person: str, role: str) -> bool:
    found = store.query(
        "ASK { ?person <" + RG + "hasRole> ?role }",
        {
            "person": ox.NamedNode(entity_iri(base_iri, person)),
            "role": ox.NamedNode(entity_iri(base_iri, role)),
        },
    )
    return isinstance(found, AskResult) and found.value


REVIEWED: tuple[type[Entity], ...] = (Risk, Control, Treatment, AISystem)
"""The kinds of item that have a review cadence (``review.<kind>_days``)."""


class Reviewable(Protocol):
    """What the review cadence reads of an item: an entity of a ``REVIEWED`` kind, or the
    review schedule's projection of one (``riskgraph.views.due``)."""

    @property
    def kind(self) -> str: ...


def review_interval(entity: Reviewable, settings: ReviewSettings) -> int:
    """Days between two reviews of ``entity``: its own interval, else its kind's setting."""
    own = getattr(entity, "review_interval", None)
    return int(own) if own else settings.days_for(entity.kind)


def next_review(entity: Reviewable, settings: ReviewSettings) -> tuple[date | None, bool]:
    """(the next review date of ``entity``, whether it is stored): its stored ``review_due``,
    else its last review plus its interval (computed), else None (never reviewed, no date)."""
    due = getattr(entity, "review_due", None)
    if due is not None:
        return due, True
    last = getattr(entity, "last_reviewed", None)
    if last is not None:
        return last + timedelta(days=review_interval(entity, settings)), False
    return None, False


class EntityLookup(Protocol):
    """What ``review_moves`` reads items through: a Repository, or an import's file first."""

    def get(self, entity_id: str) -> Entity | None: ...


def review_moves(
    repo: EntityLookup, reviews: Iterable[Review], settings: ReviewSettings
) -> list[tuple[type[Entity], str, Changes]]:
    """The edits that new ``reviews`` make to the items they review: (class, ID, changes).
    Items that do not exist or have no cadence are left to the link check and the shapes."""
    latest: dict[str, Review] = {}
    for review in reviews:
        seen = latest.get(review.item)
        if seen is None or review.reviewed_on >= seen.reviewed_on:
            latest[review.item] = review
    moves: list[tuple[type[Entity], str, Changes]] = []
    for item_id, review in latest.items():
        item = repo.get(item_id)
        if not isinstance(item, REVIEWED):
            continue
        last = getattr(item, "last_reviewed", None)
        if last is not None and review.reviewed_on < last:
            continue
        due = review.reviewed_on + timedelta(days=review_interval(item, settings))
        values: dict[str, object] = {
            "last_reviewed": review.reviewed_on.isoformat(),
            "review_due": due.isoformat(),
        }
        moves.append((type(item), item_id, Changes(values=values)))
    return moves
