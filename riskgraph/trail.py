"""The register's audit trail of calls made by agents (the MCP face, and questions asked of the
model with ``riskgraph ask`` from the CLI and the TUI), kept in its own graph.

Every call an agent makes, read or write, is recorded as a ``prov:Activity`` of type
``rg:ToolCall`` in ``AUDIT_GRAPH``: which tool, with which arguments (as JSON text), for which
client, when, and whether it succeeded. The trail is bookkeeping, like the revision stamps: it is
written without moving the register's revision, so that reading through an agent does not make
every cached analysis stale, and it is not part of the register hash.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.vocab import AUDIT_GRAPH, PROV, RDF, RG, XSD

_A = ox.NamedNode(RDF + "type")
_MAX_ARGUMENTS = 20_000
"""Longest argument text kept; longer is cut and marked, so a huge call cannot bloat the trail."""


@dataclass(frozen=True)
class ToolCall:
    """One recorded call."""

    iri: str
    tool: str
    client: str
    face: str
    arguments: str
    outcome: str
    at: datetime


def arguments_text(arguments: Mapping[str, Any]) -> str:
    """The arguments as canonical JSON (sorted keys), cut to a bounded length."""
    text = json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > _MAX_ARGUMENTS:
        text = text[:_MAX_ARGUMENTS] + f"... [cut: {len(text)} characters in all]"
    return text


def call_quads(
    *,
    face: str,
    tool: str,
    client: str,
    arguments: Mapping[str, Any],
    outcome: str,
    at: datetime | None = None,
) -> list[ox.Quad]:
    """The quads that record one call."""
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    node = ox.NamedNode(f"urn:uuid:{uuid.uuid4()}")
    graph = ox.NamedNode(AUDIT_GRAPH)
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (node, _A, ox.NamedNode(RG + "ToolCall")),
        (node, _A, ox.NamedNode(PROV + "Activity")),
        (node, ox.NamedNode(RG + "face"), ox.Literal(face)),
        (node, ox.NamedNode(RG + "tool"), ox.Literal(tool)),
        (node, ox.NamedNode(RG + "client"), ox.Literal(client)),
        (node, ox.NamedNode(RG + "arguments"), ox.Literal(arguments_text(arguments))),
        (node, ox.NamedNode(RG + "outcome"), ox.Literal(outcome)),
        (
            node,
            ox.NamedNode(PROV + "startedAtTime"),
            ox.Literal(moment.isoformat(), datatype=ox.NamedNode(XSD + "dateTime")),
        ),
    ]
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def record_call(store: Store, quads: list[ox.Quad]) -> None:
    """Append one call to the trail (no revision change: the trail is not register content)."""
    with store.exclusive():
        store.apply(ChangeSet(add=quads))


_CALLS = """
SELECT ?call ?tool ?client ?face ?arguments ?outcome ?at WHERE {
  GRAPH ?g {
    ?call a rg:ToolCall ; rg:tool ?tool ; rg:client ?client ; rg:face ?face ;
          rg:arguments ?arguments ; rg:outcome ?outcome ; prov:startedAtTime ?at .
  }
}
ORDER BY ?at
"""


def read_calls(store: Store) -> Iterator[ToolCall]:
    """Every recorded call, oldest first."""
    sparql = f"PREFIX rg: <{RG}>\nPREFIX prov: <{PROV}>\n" + _CALLS
    result = store.query(sparql, {"g": ox.NamedNode(AUDIT_GRAPH)}, union_default_graph=False)
    if not isinstance(result, SelectResult):
        raise TypeError("the audit trail query must be a SELECT")
    for row in result.rows:
        yield ToolCall(
            iri=_text(row, "call"),
            tool=_text(row, "tool"),
            client=_text(row, "client"),
            face=_text(row, "face"),
            arguments=_text(row, "arguments"),
            outcome=_text(row, "outcome"),
            at=datetime.fromisoformat(_text(row, "at")),
        )


def _text(row: Mapping[str, Any], name: str) -> str:
    term = row.get(name)
    return term.value if term is not None and not isinstance(term, ox.BlankNode) else ""
