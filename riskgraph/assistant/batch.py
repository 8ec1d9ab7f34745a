"""Drafting for many risks: choose the risks, prepare every request, call the model with bounded
concurrency, and store each draft as it arrives (one transaction per draft).

The register's writer lock is taken before the first call and held for the run, so nothing is
paid for that cannot be stored. The calls run on daemon threads: a stopped run (Ctrl-C) returns
at once with the drafts already stored, sends nothing more, and stores nothing that arrives
after the stop."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    risk_schema,
)
from riskgraph.assistant.endpoint import Endpoint
from riskgraph.assistant.grounding import ground
from riskgraph.assistant.prompts import TREATMENT_DRAFT, PromptTemplate
from riskgraph.assistant.protocol import CancelledError, Message, Usage
from riskgraph.assistant.records import draft_quads, load_drafts, next_draft_id
from riskgraph.config import CONFIG_FILE, LEVEL_NAMES
from riskgraph.model.entities import DraftStatus, TreatmentStatus
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, commit

if TYPE_CHECKING:
    from riskgraph.assistant.chat import SentRequest, WaitReporter

ANSWERED = (TreatmentStatus.APPROVED, TreatmentStatus.PROPOSED)
"""Treatment statuses that count as an answer to a risk, for --untreated."""


@dataclass(frozen=True)
class PreparedRequest:
    context: DraftContext
    messages: list[Message]
    schema: dict[str, Any]
    """The response schema sent for this risk (bounded by its matrix and offered controls)."""

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
        drafts = load_drafts(store, register.base_iri)
    pending = {d.risk_id for d in drafts if d.status is DraftStatus.PENDING}
    rejections: dict[str, list[tuple[str, str]]] = {}
    for d in drafts:
        if d.status is DraftStatus.REJECTED and d.reason:
            rejections.setdefault(d.risk_id, []).append((d.id, d.reason))
    if risk_ids is None:
        skip = () if include_drafted else pending
        risk_ids = untreated_risks(snapshot, min_level=min_level, skip=skip)
    contexts = [
        build_context(snapshot, risk_id, rejections.get(risk_id, [])[-5:])
        for risk_id in dict.fromkeys(risk_ids)
    ]
    requests = []
    for c in contexts:
        schema = risk_schema(template, c)
        messages = build_messages(template, c, settings.redact_fields, schema)
        requests.append(PreparedRequest(c, messages, schema))
    return Plan(snapshot, template, requests)


def dry_run_requests(plan: Plan, endpoint: Endpoint) -> list[tuple[str, SentRequest]]:
    """(risk ID, request) for every request: the exact bytes and headers the SDK would send
    first, recorded by the transport without opening a connection."""
    from riskgraph.assistant.chat import ChatClient

    client = ChatClient(endpoint, dry_run=True)
    try:
        return [(r.risk_id, client.capture(r.messages, r.schema)) for r in plan.requests]
    finally:
        client.close()


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
    stopped: bool = False
    """The run was stopped (Ctrl-C) before every risk was asked."""

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
    request = next((r for r in plan.requests if r.risk_id == answer.risk_id), None)
    offered = request.context.offered_controls if request else None
    grounded = ground(answer.draft, plan.snapshot, offered=offered, risk_id=answer.risk_id)
    notes = (*answer.flags, *grounded.notes)
    grounded = grounded.with_notes(notes)
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


_DONE = object()


def _take(
    item: object,
    summary: RunSummary,
    register: Register,
    plan: Plan,
    endpoint: Endpoint,
    on_outcome: Callable[[DraftOutcome], None] | None,
) -> None:
    """Store an answer, or record a failure, as it comes from a worker."""
    if isinstance(item, DraftAnswer):
        outcome = store_draft(register, plan, item, endpoint)
    elif isinstance(item, CancelledError):
        return
    elif isinstance(item, DraftFailedError):
        outcome = DraftOutcome(item.risk_id, item.usage, error=str(item))
    elif isinstance(item, BaseException):
        raise item
    else:  # pragma: no cover - workers hand over nothing else
        return
    summary.outcomes.append(outcome)
    if on_outcome is not None:
        on_outcome(outcome)


def run_plan(
    register: Register,
    plan: Plan,
    endpoint: Endpoint,
    *,
    backoff_base: float = 1.0,
    on_outcome: Callable[[DraftOutcome], None] | None = None,
    on_wait: WaitReporter | None = None,
    stop: threading.Event | None = None,
) -> RunSummary:
    """Ask for every draft, at most ``endpoint.max_concurrency`` at a time. Drafts are stored
    from this thread as they arrive. Setting ``stop`` (or Ctrl-C here) ends the run at once:
    what is stored stays, nothing more is sent or stored."""
    from riskgraph.assistant.chat import ChatClient  # the openai SDK loads only to call a model

    summary = RunSummary()
    stop = stop or threading.Event()
    redacted = tuple(register.config.assistant.redact_fields)
    with register.write_session():  # refused now, before any call, if another writer is busy
        client = ChatClient(endpoint, backoff_base=backoff_base, stop=stop, on_wait=on_wait)
        todo: queue.Queue[PreparedRequest] = queue.Queue()
        for r in plan.requests:
            todo.put(r)
        results: queue.Queue[object] = queue.Queue()

        def work() -> None:
            while not stop.is_set():
                try:
                    r = todo.get_nowait()
                except queue.Empty:
                    break
                result: object
                try:
                    result = request_draft(client, r.context, r.messages, r.schema, redacted)
                except BaseException as exc:  # handed to the main thread
                    result = exc
                if not stop.is_set():  # what arrives after a stop is not kept
                    results.put(result)
            results.put(_DONE)

        workers = min(endpoint.max_concurrency, len(plan.requests))
        for number in range(workers):
            threading.Thread(target=work, name=f"draft-{number}", daemon=True).start()
        running = workers
        try:
            try:
                while running and not stop.is_set():
                    try:
                        item = results.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    if item is _DONE:
                        running -= 1
                        continue
                    _take(item, summary, register, plan, endpoint, on_outcome)
            except KeyboardInterrupt:
                stop.set()
            if stop.is_set():
                summary.stopped = True
                # answers that had arrived before the stop are paid for: store them too
                while True:
                    try:
                        item = results.get_nowait()
                    except queue.Empty:
                        break
                    if isinstance(item, DraftAnswer):
                        _take(item, summary, register, plan, endpoint, on_outcome)
        finally:
            stop.set()  # whatever happens, the workers send nothing more
            client.close()
    return summary
