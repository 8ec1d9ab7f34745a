"""The hash a risk acceptance keeps of the risk it accepted (docs/certification.md).

Definition: take the risk's own triples in the register graph (the risk as subject), leave out
the review bookkeeping (``rg:lastReviewed``, ``rg:reviewDue``: recording a review does not change
what was accepted), write each as ``<predicate> object`` in pyoxigraph's N-Triples form, sort the
lines, join them with newlines and take the SHA-256 of the UTF-8 text, as 64 hex digits. The
subject is left out so that the hash names what the risk says, not where it lives.

Any later change to the risk (a score, a link, its title) changes the hash, so an acceptance
whose stored ``rg:riskHash`` differs from the risk's current hash is "changed since accepted".
"""

from __future__ import annotations

import hashlib

from riskgraph.store.base import Store
from riskgraph.vocab import REGISTER_GRAPH, RG

NOT_HASHED = frozenset({RG + "lastReviewed", RG + "reviewDue"})
"""Predicates a review moves; they are not part of what was accepted."""


def risk_hash(store: Store, risk_iri: str) -> str | None:
    """The hash of the risk as it stands now; None when the register holds no such subject."""
    lines = sorted(
        f"{quad.predicate} {quad.object}"
        for quad in store.quads(REGISTER_GRAPH, subject=risk_iri)
        if quad.predicate.value not in NOT_HASHED
    )
    if not lines:
        return None
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
