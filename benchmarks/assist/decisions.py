"""What people decided on a register's drafts, read from its PROV-O records.

For treatment drafts and risk candidates alike: how many were decided, the share accepted, and
how far the accepted text is from the drafted text (normalised Levenshtein distance, 0 = taken
as drafted, 1 = nothing kept): the statement for a treatment draft (``rg:acceptedStatement`` of
the review), the title for a risk candidate (``rg:acceptedTitle``).
"""

from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Any

import pyoxigraph as ox
from rapidfuzz.distance import Levenshtein

from riskgraph.register import Register
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, PROV, RG

KINDS = {
    "treatment drafts": (RG + "TreatmentDraft", RG + "statement", RG + "acceptedStatement"),
    "risk candidates": (RG + "RiskCandidate", DCTERMS + "title", RG + "acceptedTitle"),
}


def decisions(path: Path) -> dict[str, Any]:
    register = Register.open(path)
    out: dict[str, Any] = {}
    with register.reader() as store:
        for name, (cls, drafted_p, accepted_p) in KINDS.items():
            rows = store.select(
                "SELECT ?d ?status ?drafted ?accepted WHERE { GRAPH ?g { ?d a ?cls ; "
                "?statusP ?status . OPTIONAL { ?d ?draftedP ?drafted } OPTIONAL { ?review "
                "?used ?d ; ?acceptedP ?accepted } } }",
                {
                    "g": ox.NamedNode(DRAFTS_GRAPH),
                    "cls": ox.NamedNode(cls),
                    "statusP": ox.NamedNode(RG + "status"),
                    "draftedP": ox.NamedNode(drafted_p),
                    "used": ox.NamedNode(PROV + "used"),
                    "acceptedP": ox.NamedNode(accepted_p),
                },
            ).rows
            statuses: dict[str, str] = {}
            distances = []
            for row in rows:
                draft, status = row["d"], row["status"]
                if draft is None or status is None:
                    continue
                statuses[draft.value] = status.value.rsplit("#", 1)[-1]
                drafted, accepted = row["drafted"], row["accepted"]
                if status.value == RG + "Accepted" and drafted is not None and accepted is not None:
                    distances.append(Levenshtein.normalized_distance(drafted.value, accepted.value))
            accepted_n = sum(1 for s in statuses.values() if s == "Accepted")
            rejected_n = sum(1 for s in statuses.values() if s == "Dismissed")
            decided = accepted_n + rejected_n
            out[name] = {
                "drafts": len(statuses),
                "decided": decided,
                "accepted": accepted_n,
                "rejected": rejected_n,
                "acceptance_rate": round(accepted_n / decided, 4) if decided else None,
                "mean_edit_distance": round(mean(distances), 4) if distances else None,
            }
    return out
