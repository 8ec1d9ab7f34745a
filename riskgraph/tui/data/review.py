"""Draft review through the assistant's API: the pending drafts, each beside the current
treatments of its risk, and a named person's decision (accept, edit then accept, reject); the
pending risk candidates, each beside the current risks of its AI system (accept, reject); and
risk identification for an AI system, which makes those candidates; and the pending mapping
drafts of agents, each beside the entity and the concept it would link (accept, reject)."""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.assistant.candidates import (
    IdentifyOutcome,
    StoredCandidate,
    accept_candidate,
    identify,
    is_candidate,
    load_candidates,
    reject_candidate,
)
from riskgraph.assistant.context import RegisterSnapshot
from riskgraph.assistant.mappings import (
    StoredMapping,
    accept_mapping_draft,
    is_mapping_draft,
    load_mapping_drafts,
    reject_mapping_draft,
)
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
from riskgraph.model.entities import AISystem, DraftStatus, Person, Risk, Treatment
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


# --- risk candidates -------------------------------------------------------------------------

Pending = StoredDraft | StoredCandidate | StoredMapping
"""What waits for a person on the review screen: a treatment draft, a risk candidate or a
mapping draft."""


def load_pending_reviews(register: Register) -> list[Pending]:
    """Treatment drafts, then risk candidates, then mapping drafts, waiting for a person's
    decision."""
    with register.reader() as store:
        drafts = load_drafts(store, register.base_iri)
        candidates = load_candidates(store, register.base_iri)
        mappings = load_mapping_drafts(store, register.base_iri)
    return [
        *(d for d in drafts if d.status is DraftStatus.PENDING),
        *(c for c in candidates if c.status is DraftStatus.PENDING),
        *(m for m in mappings if m.status is DraftStatus.PENDING),
    ]


@dataclass(frozen=True)
class MappingContext:
    """A mapping draft with both ends as the register and the libraries hold them now."""

    draft: StoredMapping
    entity_title: str | None
    """None when the entity is no longer in the register."""
    target_label: str | None
    target_definition: str


def load_mapping_context(register: Register, draft: StoredMapping) -> MappingContext:
    from riskgraph.library.catalogue import mapping_target

    with register.reader() as store:
        entity = Repository(store, register.base_iri).get(draft.entity_id)
        try:
            target = mapping_target(store, draft.target_iri)
        except UserError:
            target = None
    return MappingContext(
        draft,
        entity.title if entity is not None else None,
        target.label if target is not None else None,
        target.definition if target is not None else "",
    )


@dataclass(frozen=True)
class CandidateContext:
    """A risk candidate with what a reviewer compares it to: its system's current risks."""

    candidate: StoredCandidate
    system: AISystem | None
    risks: list[Risk]


def load_candidate_context(register: Register, candidate: StoredCandidate) -> CandidateContext:
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        system = repo.get(candidate.system_id)
        risks, _problems = repo.all(Risk)
    mine = [r for r in risks if isinstance(r, Risk) and candidate.system_id in r.affects]
    mine.sort(key=lambda r: r.id)
    return CandidateContext(candidate, system if isinstance(system, AISystem) else None, mine)


@dataclass(frozen=True)
class Decided:
    """A decision recorded, as the review screen reports it."""

    draft_id: str
    message: str


def decide_accept(
    register: Register, draft_id: str, person_id: str, edited: str | None = None
) -> Decided:
    """Accept a treatment draft (as drafted or as edited), a risk candidate or a mapping draft
    (as proposed)."""
    with register.reader() as store:
        candidate = is_candidate(store, register.base_iri, draft_id)
        mapping = is_mapping_draft(store, register.base_iri, draft_id)
    if mapping:
        if edited is not None:
            raise UserError(f"{draft_id} is a mapping draft: accept it as proposed or reject it")
        draft, made = accept_mapping_draft(register, draft_id, person_id=person_id)
        return Decided(
            draft_id,
            f"{draft_id} accepted: {draft.entity_id} {made.predicate} {draft.target} "
            f"(mapping {made.mapping_id}).",
        )
    if candidate:
        if edited is not None:
            raise UserError(f"{draft_id} is a risk candidate: accept it as proposed or reject it")
        accepted = accept_candidate(register, draft_id, person_id=person_id)
        return Decided(
            draft_id,
            f"{draft_id} accepted as risk {accepted.risk.id} of {accepted.candidate.system_id}, "
            f"linked to {len(accepted.links)} library concept(s).",
        )
    decision = accept(register, draft_id, person_id, edited)
    created = (
        f" and new planned control(s) {', '.join(decision.new_controls)}"
        if decision.new_controls
        else ""
    )
    return Decided(draft_id, f"{draft_id} accepted as {decision.treatment_id}{created}.")


def decide_reject(register: Register, draft_id: str, person_id: str, reason: str) -> Decided:
    """Reject a treatment draft, a risk candidate or a mapping draft, with the reason."""
    with register.reader() as store:
        candidate = is_candidate(store, register.base_iri, draft_id)
        mapping = is_mapping_draft(store, register.base_iri, draft_id)
    if mapping:
        reject_mapping_draft(register, draft_id, person_id=person_id, reason=reason)
        return Decided(draft_id, f"{draft_id} rejected; the reason is kept with the draft.")
    if candidate:
        reject_candidate(register, draft_id, person_id=person_id, reason=reason)
        return Decided(
            draft_id,
            f"{draft_id} rejected; later identification runs leave its concepts out.",
        )
    reject(register, draft_id, person_id, reason)
    return Decided(draft_id, f"{draft_id} rejected; the reason is kept with the draft.")


# --- risk identification -----------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifyPlan:
    """How identification will run for a system: offline, or with the configured model."""

    system_id: str
    system_title: str
    how: str
    """In words, for the progress dialog."""
    offline: bool


def plan_identify(register: Register, system_id: str) -> IdentifyPlan:
    """The system (it must be one) and whether the configured model or the offline ranker
    will propose the candidates, as ``riskgraph assist identify`` decides."""
    from riskgraph.assistant.endpoint import resolve_endpoint

    with register.reader() as store:
        system = Repository(store, register.base_iri).get(system_id)
    if not isinstance(system, AISystem):
        raise UserError(f"{system_id} is not an AI system; identification runs for AI systems")
    endpoint = resolve_endpoint(register.config.assistant, config_file=_config_file(register))
    how = (
        f"with {endpoint.model} at {endpoint.host}, reranking the offline ranker's shortlist"
        if endpoint
        else "offline (BM25 over the loaded libraries)"
    )
    return IdentifyPlan(system.id, system.title, how, endpoint is None)


def run_identify(register: Register, system_id: str) -> IdentifyOutcome:
    """Identify risks of the system and store the candidates as pending drafts: the core
    function ``riskgraph assist identify`` runs, with the configured model if there is one."""
    from riskgraph.assistant.endpoint import resolve_endpoint

    endpoint = resolve_endpoint(register.config.assistant, config_file=_config_file(register))
    return identify(register, system_id, endpoint=endpoint)


def _config_file(register: Register) -> str:
    from riskgraph.config import CONFIG_FILE

    return str(register.folder / CONFIG_FILE) if register.folder else CONFIG_FILE
