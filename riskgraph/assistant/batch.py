"""Drafting for many risks: choose the risks, prepare every request, call the model with bounded
concurrency, and store each draft as it arrives (one transaction per draft)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from riskgraph.assistant.context import (
    DraftContext,
    RegisterSnapshot,
    build_context,
    check_redactions,
)
from riskgraph.assistant.drafting import (
    DraftAnswer,
    DraftFailedError,
    build_messages,
    request_draft,
)
from riskgraph.assistant.endpoint import Endpoint
from riskgraph.assistant.grounding import ground
from riskgraph.assistant.prompts import TREATMENT_DRAFT, PromptTemplate
from riskgraph.assistant.protocol import Message, Usage, request_params
from riskgraph.assistant.records import draft_quads, load_drafts, next_draft_id
from riskgraph.config import CONFIG_FILE, LEVEL_NAMES
from riskgraph.model.entities import DraftStatus, TreatmentStatus
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, commit

ANSWERED = (TreatmentStatus.APPROVED, TreatmentStatus.PROPOSED)
"""Treatment statuses that count as an answer to a risk, for --untreated."""


@dataclass(frozen=True)
class PreparedRequest:
    context: DraftContext
    messages: list[Message]

    @property
    def risk_id(self) -> str:
        return self.context.risk_id


@dataclass
class Plan:
    """What a run will ask for: the snapshot it was built from and one request per risk."""

    snapshot: RegisterSnapshot
    template: PromptTemplate
    requests: list[PreparedRequest]


def untreated_risks(
    snapshot: RegisterSnapshot,
    *,
    min_level: str | None,
    skip: Collection[str] = (),
) -> list[str]:
    """Risks with no approved or proposed treatment, at ``min_level`` or above (default: above
    the register's appetite), highest level first. Risks in ``skip`` are left out."""
    threshold = (
        LEVEL_NAMES.index(min_level) + 1 if min_level else snapshot.config.risk.appetite_rank + 1
    )
    answered = {t.risk for t in snapshot.treatments.values() if t.status in ANSWERED}
    chosen = [
        risk
        for risk in snapshot.risks.values()
        if risk.id not in answered and risk.id not in skip and risk.current_level.rank >= threshold
    ]
    chosen.sort(key=lambda r: (-r.current_level.rank, r.id))
    return [r.id for r in chosen]


def plan_run(
    register: Register,
    risk_ids: list[str] | None,
    *,
    min_level: str | None = None,
    include_drafted: bool = False,
    template: PromptTemplate | None = None,
) -> Plan:
    """Read the register once and prepare the messages for each risk (``None``: untreated)."""
    settings = register.config.assistant
    config_file = str(register.folder / CONFIG_FILE) if register.folder else CONFIG_FILE
    check_redactions(settings.redact_fields, config_file)
    template = template or PromptTemplate.load(*TREATMENT_DRAFT)
    with register.reader() as store:
        snapshot = RegisterSnapshot.load(store, register.config)
        pending = {
            d.risk_id
            for d in load_drafts(store, register.base_iri)
            if d.status is DraftStatus.PENDING
        }
    if risk_ids is None:
        skip = () if include_drafted else pending
        risk_ids = untreated_risks(snapshot, min_level=min_level, skip=skip)
    contexts = [build_context(snapshot, risk_id) for risk_id in dict.fromkeys(risk_ids)]
    requests = [
        PreparedRequest(c, build_messages(template, c, settings.redact_fields)) for c in contexts
    ]
    return Plan(snapshot, template, requests)


def dry_run_bodies(plan: Plan, model: str, temperature: float) -> list[tuple[str, dict[str, Any]]]:
    """(risk ID, request body) for every request: exactly what the first call would send."""
    schema = plan.template.response_schema
    return [
        (r.risk_id, request_params(model, temperature, r.messages, schema)) for r in plan.requests
    ]


@dataclass
class DraftOutcome:
    risk_id: str
    usage: Usage
    draft_id: str | None = None
    flags: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class RunSummary:
    outcomes: list[DraftOutcome] = field(default_factory=list)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for outcome in self.outcomes:
            total.add(outcome.usage)
        return total

    @property
    def drafted(self) -> list[DraftOutcome]:
        return [o for o in self.outcomes if o.draft_id]

    @property
    def failed(self) -> list[DraftOutcome]:
        return [o for o in self.outcomes if o.error]


def store_draft(
    register: Register, plan: Plan, answer: DraftAnswer, endpoint: Endpoint
) -> DraftOutcome:
    """Ground a draft against the snapshot and store it, pending, in the drafts graph."""
    grounded = ground(answer.draft, plan.snapshot)
    with register.writer() as store:
        draft_id = next_draft_id(store, answer.risk_id)
        quads = draft_quads(
            base_iri=register.base_iri,
            draft_id=draft_id,
            answer=answer,
            grounded=grounded,
            template=plan.template,
            endpoint_host=endpoint.host,
        )
        commit(store, ChangeSet(add=quads))
    return DraftOutcome(answer.risk_id, answer.usage, draft_id, grounded.flags)


def run_plan(
    register: Register,
    plan: Plan,
    endpoint: Endpoint,
    *,
    backoff_base: float = 1.0,
    on_outcome: Callable[[DraftOutcome], None] | None = None,
) -> RunSummary:
    """Ask for every draft, at most ``endpoint.max_concurrency`` at a time. Drafts are stored
    from this thread as they arrive, so an interrupted run keeps what it has."""
    from riskgraph.assistant.chat import ChatClient  # the openai SDK loads only to call a model

    summary = RunSummary()
    client = ChatClient(endpoint, plan.template.response_schema, backoff_base=backoff_base)
    executor = ThreadPoolExecutor(max_workers=endpoint.max_concurrency)
    try:
        futures: dict[Future[DraftAnswer], PreparedRequest] = {
            executor.submit(request_draft, client, r.context, r.messages): r for r in plan.requests
        }
        for future in as_completed(futures):
            request = futures[future]
            try:
                outcome = store_draft(register, plan, future.result(), endpoint)
            except DraftFailedError as exc:
                outcome = DraftOutcome(request.risk_id, exc.usage, error=str(exc))
            summary.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        client.close()
    return summary
