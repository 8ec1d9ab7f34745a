"""The hash a risk acceptance keeps of the risk it accepted (docs/certification.md).

Definition: take the risk's own triples in the register graph (the risk as subject), leave out
the review bookkeeping (``rg:lastReviewed``, ``rg:reviewDue``: recording a review does not change
what was accepted), write each as one line ``PREDICATE-IRI <OBJECT-IRI>`` for a link or
``PREDICATE-IRI ENCODED^^DATATYPE@LANG`` for a literal (``ENCODED`` is SPARQL's
``ENCODE_FOR_URI`` of the lexical form, so no value can forge a line break), sort the lines, join
them with newlines and take the SHA-256 of that text, as 64 hex digits. The subject is left out
so that the hash names what the risk says, not where it lives.

The lines are one SPARQL pattern (``LINES``): ``risk_hash`` selects them here and sorts and
hashes them (Python's string order is SPARQL's: by code point); the gap rule
``accepted-risks-changed-since-acceptance`` builds the same lines for every acceptance, sorts
them in a sub-query, joins them with ``GROUP_CONCAT`` (the embedded store keeps the sub-query's
order) and takes ``SHA256``. A test checks that the two agree.

Any later change to the risk (a score, a link, its title) changes the hash, so an acceptance
whose stored ``rg:riskHash`` differs from the risk's current hash is "changed since accepted".
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from riskgraph.store.base import Store
from riskgraph.vocab import REGISTER_GRAPH, RG

NOT_HASHED = frozenset({RG + "lastReviewed", RG + "reviewDue"})
"""Predicates a review moves; they are not part of what was accepted."""

LINES = f"""
    GRAPH <{REGISTER_GRAPH}> {{ ?risk ?p ?o }}
    FILTER(?p NOT IN (<{RG}lastReviewed>, <{RG}reviewDue>) && !isBlank(?o))
    BIND(CONCAT(STR(?p), " ",
        IF(isIRI(?o), CONCAT("<", STR(?o), ">"),
           CONCAT(ENCODE_FOR_URI(STR(?o)), "^^", STR(DATATYPE(?o)), "@", LANG(?o)))) AS ?line)"""
"""One line per hashed triple of ``?risk``, bound to ``?line`` (a SPARQL group pattern body)."""

LINES_QUERY = f"SELECT ?line WHERE {{ {LINES}\n}}"


def risk_hash(store: Store, risk_iri: str) -> str | None:
    """The hash of the risk as it stands now; None when the register holds no such subject."""
    result = store.select(LINES_QUERY, {"risk": ox.NamedNode(risk_iri)})
    lines = sorted(line.value for row in result.rows if (line := row.get("line")) is not None)
    if not lines:
        return None
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
