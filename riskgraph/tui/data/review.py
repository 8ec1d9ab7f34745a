"""Draft review through the assistant's API: the pending drafts, each beside the current
treatments of its risk, and a named person's decision (accept, edit then accept, reject)."""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.assistant.context import RegisterSnapshot
from riskgraph.assistant.records import StoredDraft, load_draft, load_drafts
from riskgraph.assistant.review import (
    Decision,
    accept_draft,
    parse_yaml,
    reject_draft,
    reviewed_from_draft,
    to_yaml,
)
from riskgraph.errors import UserError
from riskgraph.model.entities import DraftStatus, Person, Risk, Treatment
from riskgraph.model.repository import Repository
from riskgraph.register import Register

EDITED_SOURCE = "the edited draft"
"""How errors name the text a reviewer edited in the review dialog."""


@dataclass(frozen=True)
class DraftContext:
    """A draft with what a reviewer compares it to."""

    draft: StoredDraft
    risk: Risk | None
    treatments: list[Treatment]
    """The risk's treatments in the register now, approved first."""


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str


def load_pending(register: Register) -> list[StoredDraft]:
    """Drafts waiting for a person's decision."""
    with register.reader() as store:
        drafts = load_drafts(store, register.base_iri)
    return [d for d in drafts if d.status is DraftStatus.PENDING]


_ORDER = {"approved": 0, "proposed": 1, "draft": 2, "rejected": 3}


def load_context(register: Register, draft: StoredDraft) -> DraftContext:
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        risk = repo.get(draft.risk_id)
        treatments, _problems = repo.all(Treatment)
    mine = [t for t in treatments if isinstance(t, Treatment) and t.risk == draft.risk_id]
    mine.sort(key=lambda t: (_ORDER.get(t.status.value, 9), t.id))
    return DraftContext(draft, risk if isinstance(risk, Risk) else None, mine)


def load_reviewers(register: Register) -> list[Reviewer]:
    """The people in the register: only a person (rg:Person) may decide on a draft."""
    with register.reader() as store:
        people, _problems = Repository(store, register.base_iri).all(Person)
    return [Reviewer(p.id, p.title) for p in people]


def editable_text(register: Register, draft_id: str) -> str:
    """The draft as the YAML a reviewer edits: its treatment as it would be accepted."""
    with register.reader() as store:
        snapshot = RegisterSnapshot.load(store, register.config)
        draft = load_draft(store, register.base_iri, draft_id)
    return to_yaml(draft, reviewed_from_draft(draft, snapshot))


def accept(
    register: Register, draft_id: str, person_id: str, edited: str | None = None
) -> Decision:
    """Accept the draft as drafted, or as edited in ``edited`` (the YAML of ``editable_text``)."""
    if edited is None:
        return accept_draft(register, draft_id, person_id=person_id)
    reviewed = parse_yaml(edited, EDITED_SOURCE)
    if reviewed is None:
        raise UserError("the edited draft is empty; nothing was accepted")
    return accept_draft(
        register, draft_id, person_id=person_id, reviewed=reviewed, source=EDITED_SOURCE
    )


def reject(register: Register, draft_id: str, person_id: str, reason: str) -> Decision:
    return reject_draft(register, draft_id, person_id=person_id, reason=reason)
