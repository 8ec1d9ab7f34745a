"""Treatment drafts proposed by an agent over MCP: pending, grounded, with their provenance.

An agent's draft is held to the same rules as the assistant's: it must fit the same schema, it is
grounded against the register (controls that do not exist are flagged and not linked; Annex A
references outside the catalogue are dropped), it is stored in the drafts graph as
``rg:PendingReview``, and it counts for nothing until a named person accepts it with
``riskgraph assist review`` / ``accept``. The provenance names the agent (the MCP client as it
introduced itself) as a ``prov:SoftwareAgent``, never as a person.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from pydantic import ValidationError

from riskgraph.assistant.context import RegisterSnapshot
from riskgraph.assistant.grounding import ground
from riskgraph.assistant.records import draft_iri, next_draft_id
from riskgraph.assistant.schema import TreatmentDraft
from riskgraph.errors import UserError
from riskgraph.model.entities import DraftStatus, TreatmentOption
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, ISO42001, PROV, RDF, RDFS, RG, XSD

_G = ox.NamedNode(DRAFTS_GRAPH)
_A = ox.NamedNode(RDF + "type")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _when(moment: datetime) -> ox.Literal:
    return ox.Literal(moment.isoformat(), datatype=_n(XSD + "dateTime"))


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


def parse_draft(answer: dict[str, Any]) -> TreatmentDraft:
    """The agent's draft checked against the assistant's schema, or a clear error."""
    try:
        return TreatmentDraft.model_validate(answer)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'draft'}: {e['msg']}" for e in exc.errors()
        )
        raise UserError(f"the draft does not fit the treatment draft schema: {problems}") from None


def store_agent_draft(
    register: Register, risk_id: str, answer: dict[str, Any], *, client: str
) -> dict[str, Any]:
    """Ground and store an agent's treatment draft for ``risk_id``; return its ID and flags."""
    draft = parse_draft(answer)
    with register.reader() as store:
        snapshot = RegisterSnapshot.load(store, register.config)
    risk = snapshot.risk(risk_id)
    size = risk_matrix_size(snapshot, risk_id)
    for name in ("expected_residual_likelihood", "expected_residual_severity"):
        value = getattr(draft, name)
        if value > size:
            raise UserError(
                f"{name} is {value}, but risk {risk_id} is scored on a {size}x{size} matrix "
                f"(1 to {size})"
            )
    grounded = ground(draft, snapshot)
    now = datetime.now(UTC)
    with register.writer() as store:
        draft_id = next_draft_id(store, risk.id)
        quads = _quads(register.base_iri, draft_id, risk.id, grounded, client, answer, now)
        commit(store, ChangeSet(add=quads))
    return {
        "draft": draft_id,
        "risk": risk.id,
        "status": "pending review",
        "flags": grounded.flags,
        "next": f"a person reviews it: riskgraph assist review {draft_id}",
    }


def risk_matrix_size(snapshot: RegisterSnapshot, risk_id: str) -> int:
    """The side of the matrix the risk is scored on (the register's default when it has none)."""
    from riskgraph.scoring import matrix

    return matrix(snapshot.risk(risk_id).matrix).size


def _quads(
    base_iri: str,
    draft_id: str,
    risk_id: str,
    grounded: Any,
    client: str,
    answer: dict[str, Any],
    now: datetime,
) -> list[ox.Quad]:
    content: TreatmentDraft = grounded.draft
    draft = _n(draft_iri(base_iri, draft_id))
    activity = _n(draft.value + "/drafting")
    agent = _n(f"{base_iri}agent/mcp/{quote(client, safe='')}")
    request_hash = hashlib.sha256(
        json.dumps(answer, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    risk = _n(base_iri + risk_id)
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (draft, _A, _n(RG + "TreatmentDraft")),
        (draft, _n(DCTERMS + "identifier"), ox.Literal(draft_id)),
        (draft, _n(RG + "treats"), risk),
        (draft, _n(RG + "option"), _n(TreatmentOption(content.option).iri)),
        (draft, _n(RG + "statement"), ox.Literal(content.statement)),
        (draft, _n(RG + "expectedResidualLikelihood"), _int(content.expected_residual_likelihood)),
        (draft, _n(RG + "expectedResidualSeverity"), _int(content.expected_residual_severity)),
        (draft, _n(RG + "rationale"), ox.Literal(content.rationale)),
        (draft, _n(RG + "status"), _n(DraftStatus.PENDING.iri)),
        (draft, _n(PROV + "wasGeneratedBy"), activity),
        (draft, _n(PROV + "wasAttributedTo"), agent),
        (draft, _n(PROV + "generatedAtTime"), _when(now)),
        (activity, _A, _n(RG + "DraftingActivity")),
        (activity, _n(PROV + "startedAtTime"), _when(now)),
        (activity, _n(PROV + "endedAtTime"), _when(now)),
        (activity, _n(PROV + "used"), risk),
        (activity, _n(PROV + "wasAssociatedWith"), agent),
        (activity, _n(RG + "endpointHost"), ox.Literal("mcp")),
        (activity, _n(RG + "requestHash"), ox.Literal(request_hash)),
        (activity, _n(RDFS + "comment"), ox.Literal(f"proposed over MCP by {client}")),
        (agent, _A, _n(PROV + "SoftwareAgent")),
        (agent, _A, _n(RG + "McpClient")),
        (agent, _n(DCTERMS + "title"), ox.Literal(f"MCP client {client}")),
    ]
    triples += [(draft, _n(RG + "assumption"), ox.Literal(a)) for a in content.assumptions]
    triples += [(draft, _n(RG + "groundingFlag"), ox.Literal(n)) for n in grounded.notes]
    for number, action in enumerate(grounded.actions, start=1):
        node = _n(f"{draft.value}/action/{number}")
        triples += [
            (draft, _n(RG + "hasAction"), node),
            (node, _A, _n(RG + "ProposedAction")),
            (node, _n(DCTERMS + "description"), ox.Literal(action.description)),
        ]
        if action.control_id is not None:
            triples.append((node, _n(RG + "usesControl"), _n(base_iri + action.control_id)))
        if action.new_control_title is not None:
            triples.append((node, _n(DCTERMS + "title"), ox.Literal(action.new_control_title)))
        triples += [(node, _n(RG + "proposesAnnexA"), _n(ISO42001 + a)) for a in action.annex_a]
        triples += [(node, _n(RG + "groundingFlag"), ox.Literal(n)) for n in action.notes]
    return [ox.Quad(s, p, o, _G) for s, p, o in triples]
