"""A fingerprint of a query result that does not depend on the output format or the row order.

``riskgraph verify`` reruns a query and compares fingerprints, so the fingerprint must not change
when the same rows come back in another order (no ORDER BY, ties in ORDER BY, another backend),
and it must be computed while the rows stream past, without keeping them.

Each row is encoded canonically (N-Triples terms in variable order, tab-separated, unbound as
nothing, every blank node as ``_:`` because labels differ from run to run) and hashed with
SHAKE-256 to 4096 bits; the row hashes are added modulo 2^4096. Addition makes the sum
independent of order; the 4096-bit width keeps the known generalised-birthday attacks on such
sums (Wagner, 2002) at about 2^128 work. The fingerprint is the SHA-256 of the kind, the
variables, the row count and that sum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from riskgraph.results.base import ResultKind
from riskgraph.results.terms import AnyTerm, ntriples
from riskgraph.store.base import AskResult, GraphResult, QueryResult, SelectResult, Term

_SUM_BYTES = 512
_SUM_MODULUS = 1 << (8 * _SUM_BYTES)
_SCHEME = b"riskgraph-result-digest/1\n"


def canonical_term(term: AnyTerm | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Triple):
        parts = (term.subject, term.predicate, term.object)
        return "<<( " + " ".join(canonical_term(part) for part in parts) + " )>>"
    return ntriples(term)


class ResultDigest:
    """Accumulates the fingerprint of one result, row by row, in any order."""

    def __init__(self, kind: ResultKind, variables: Sequence[str] = ()) -> None:
        self.kind = kind
        self.variables = list(variables)
        self.count = 0
        self._sum = 0

    def add(self, terms: Sequence[AnyTerm | None]) -> None:
        line = "\t".join(canonical_term(term) for term in terms).encode("utf-8")
        self._sum += int.from_bytes(hashlib.shake_256(line).digest(_SUM_BYTES), "little")
        self.count += 1

    def hexdigest(self) -> str:
        digest = hashlib.sha256(_SCHEME)
        header = "\n".join([self.kind.value, "\t".join(self.variables), str(self.count)])
        digest.update(header.encode("utf-8") + b"\n")
        digest.update((self._sum % _SUM_MODULUS).to_bytes(_SUM_BYTES, "little"))
        return digest.hexdigest()


def digesting(result: QueryResult) -> tuple[QueryResult, ResultDigest]:
    """The same result, whose rows feed a digest as a writer consumes them, and the digest.

    The digest is complete once the writer has consumed every row.
    """
    if isinstance(result, SelectResult):
        digest = ResultDigest(ResultKind.SELECT, result.variables)
        return SelectResult(result.variables, _feed_rows(result, digest)), digest
    if isinstance(result, GraphResult):
        digest = ResultDigest(ResultKind.GRAPH, ["subject", "predicate", "object"])
        return GraphResult(_feed_triples(result, digest)), digest
    if isinstance(result, AskResult):
        digest = ResultDigest(ResultKind.ASK)
        digest.add([ox.Literal("true" if result.value else "false")])
        return result, digest
    raise TypeError(f"not a query result: {type(result).__name__}")


def _feed_rows(result: SelectResult, digest: ResultDigest) -> Iterator[dict[str, Term | None]]:
    for row in result.rows:
        digest.add([row.get(name) for name in result.variables])
        yield row


def _feed_triples(result: GraphResult, digest: ResultDigest) -> Iterator[ox.Triple]:
    for triple in result.triples:
        digest.add([triple.subject, triple.predicate, triple.object])
        yield triple


def result_sha256(result: QueryResult) -> str:
    """The fingerprint of a whole result (consumes it)."""
    fed, digest = digesting(result)
    if isinstance(fed, SelectResult):
        for _ in fed.rows:
            pass
    elif isinstance(fed, GraphResult):
        for _ in fed.triples:
            pass
    return digest.hexdigest()
