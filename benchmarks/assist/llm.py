"""The LLM path of the identification benchmark: the same rerank call as ``assist identify``.

For each case the baseline's shortlist goes to the model with the case's text as the system's
description. The LLM's ranking is the concepts it chose, in its order, followed by the rest of
the shortlist in the baseline's order (so that recall@k compares like with like).
"""

from __future__ import annotations

from typing import Any

from benchmarks.assist.identification import Case, Ranker
from riskgraph.assistant.identify import (
    DEFAULT_LIMIT,
    Identification,
    SystemProfile,
    ref_of,
    rerank,
)
from riskgraph.assistant.ranking import ConceptIndex

CANDIDATES = 10
"""Candidates asked of the model per case."""


def identification_for(case: Case, index: ConceptIndex, shortlist: int) -> Identification:
    profile = SystemProfile(
        system_id=case.id,
        owner=None,
        data={"system": {"id": case.id, "title": case.title, "description": case.text}},
    )
    return Identification(
        profile=profile,
        matrix_name="5x5",
        matrix_size=5,
        default_scores=(3, 3),
        scores_reason="",
        shortlist=index.rank(case.text, k=shortlist),
        libraries=sorted({c.library for c in index.concepts}),
        known={ref_of(c): c for c in index.concepts},
    )


def llm_ranker(
    endpoint_url: str, model: str | None, shortlist: int
) -> tuple[Ranker, dict[str, Any]]:
    from riskgraph.assistant.chat import ChatClient
    from riskgraph.assistant.endpoint import require_endpoint
    from riskgraph.assistant.identify import RISK_IDENTIFICATION
    from riskgraph.assistant.prompts import PromptTemplate
    from riskgraph.config import AssistantSettings

    settings = AssistantSettings(base_url=endpoint_url)
    if model:
        settings = settings.model_copy(update={"model": model})
    endpoint = require_endpoint(settings, config_file="--endpoint")
    client = ChatClient(endpoint)
    template = PromptTemplate.load(*RISK_IDENTIFICATION)
    info = {
        "model": endpoint.model,
        "host": endpoint.host,
        "template": template.label,
        "template_hash": template.sha256,
        "candidates": CANDIDATES,
    }

    def rank(case: Case, index: ConceptIndex) -> list[str]:
        ident = identification_for(case, index, shortlist)
        candidates, _run = rerank(client, template, ident, limit=max(CANDIDATES, DEFAULT_LIMIT))
        chosen = [c.iri for cand in candidates for c in cand.concepts]
        rest = [r.concept.iri for r in ident.shortlist]
        return list(dict.fromkeys([*chosen, *rest]))

    return rank, info
