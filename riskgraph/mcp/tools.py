"""What each MCP tool does, as plain functions over a register: JSON in, JSON out.

The functions call the same core as the CLI and the TUI; they hold no rule of their own. Each
runs in one worker thread from start to end, so pyoxigraph results are read in the thread that
ran the query. Errors for the agent are ``UserError``s with the core's own message.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from riskgraph import clock
from riskgraph.errors import UserError
from riskgraph.register import Register

MAX_ROWS = 1000
"""Most rows a query tool returns, whatever the agent asks: agents get a bounded answer."""


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data (dataclasses, pydantic models, enums, dates, tuples)."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def list_queries(register: Register) -> list[dict[str, Any]]:
    """The stored queries: built-in ones and the register's own, with their parameters."""
    from riskgraph.queries import load_library

    library = load_library(register.queries_dir)
    return [
        {
            "name": query.name,
            "title": query.title,
            "description": query.description,
            "tags": list(query.tags),
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type.value,
                    "required": p.required,
                    "default": p.default,
                    "description": p.description,
                }
                for p in query.parameters
            ],
        }
        for query in library.queries.values()
    ]


def run_stored_query(
    register: Register, name: str, parameters: Mapping[str, str], limit: int
) -> dict[str, Any]:
    """Run one stored query by name with bound parameters; rows as display strings."""
    from riskgraph.analysis.gaps import display_value
    from riskgraph.queries import load_library, run_query
    from riskgraph.store.base import AskResult, SelectResult

    if not 1 <= limit <= MAX_ROWS:
        raise UserError(f"limit must be between 1 and {MAX_ROWS} (got {limit})")
    library = load_library(register.queries_dir)
    query = library.get(name)
    with register.reader() as store:
        run = run_query(
            store,
            query,
            dict(parameters),
            base_iri=register.base_iri,
            limit=limit,
        )
        with run:
            result = run.result
            if isinstance(result, AskResult):
                return {"query": name, "answer": result.value}
            if not isinstance(result, SelectResult):
                raise UserError(
                    f"stored query {name!r} returns a graph; agents can run SELECT and ASK "
                    "queries (export graphs with 'riskgraph query run')"
                )
            rows = [
                {v: display_value(row.get(v), register.base_iri) for v in result.variables}
                for row in result.rows
            ]
            return {
                "query": name,
                "columns": list(result.variables),
                "rows": rows,
                "truncated": run.truncated,
            }


def gaps(register: Register, system: str | None) -> dict[str, Any]:
    """The gap report (the same JSON as ``riskgraph gaps --format json``)."""
    from riskgraph.analysis.gaps import run_gaps

    with register.reader() as store:
        report = run_gaps(register, store, system=system)
    return report.to_json()


def readiness(register: Register) -> dict[str, Any]:
    """Certification readiness per stage (the same JSON as ``riskgraph readiness -f json``)."""
    from riskgraph.analysis.readiness import readiness as build

    with register.reader() as store:
        report = build(register, store, today=clock.today())
    return report.to_json()


def show(register: Register, entity_id: str) -> dict[str, Any]:
    """One entity or catalogue item in detail, with its links both ways."""
    from riskgraph.views.detail import entity_detail

    with register.reader() as store:
        return _plain(entity_detail(register, store, entity_id))


def trace(register: Register, ref: str) -> dict[str, Any]:
    """System to risks to controls to Annex A and clauses (or back down from a catalogue item)."""
    from riskgraph.analysis.graph_cache import load_graph
    from riskgraph.analysis.trace import trace as trace_of

    return trace_of(load_graph(register), ref).model_dump(mode="json")


def impact(register: Register, refs: list[str]) -> dict[str, Any]:
    """What fails with these components or controls: exposed systems, risks, coverage lost."""
    from riskgraph.analysis.graph_cache import load_graph
    from riskgraph.analysis.impact import impact as impact_of

    if not refs:
        raise UserError("name at least one component, supplier or control ID")
    return impact_of(load_graph(register), refs).model_dump(mode="json")


def search(register: Register, text: str, limit: int) -> dict[str, Any]:
    """Entities whose ID, title or description contains ``text`` (stored query
    ``search-entities``)."""
    if not text.strip():
        raise UserError("search text is empty; give a word or an ID to look for")
    return run_stored_query(register, "search-entities", {"text": text}, limit)


def soa(register: Register) -> dict[str, Any]:
    """The Statement of Applicability: one row per Annex A control."""
    from riskgraph.analysis.soa import statement_of_applicability

    with register.reader() as store:
        statement = statement_of_applicability(register, store, today=clock.today())
    rows = [
        {
            "ref": row.ref,
            "heading": row.heading,
            "objective": row.objective_ref,
            "applicable": row.applicable,
            "decided": row.decided,
            "justification": row.justification,
            "status": row.status.value,
            "controls": [c.id for c in row.controls],
            "risks": [r.id for r in row.risks],
            "evidence": [e.id for e in row.evidence],
        }
        for row in statement.rows
    ]
    return {
        "register": statement.register_name,
        "register_sha256": statement.register_sha256,
        "today": statement.today.isoformat(),
        "rows": rows,
    }


MAX_HOPS = 6
"""Longest chain of mappings an agent may ask coverage to follow (each hop widens the search)."""


def framework_coverage(
    register: Register, framework: str, by: str, max_hops: int | None
) -> dict[str, Any]:
    """Which concepts of ``framework`` the register (or a loaded library) addresses, directly
    or through crosswalks, and which not: the read model of ``riskgraph coverage``."""
    from collections import Counter

    from riskgraph.library.coverage import COVERAGE_HOPS, coverage

    hops = COVERAGE_HOPS if max_hops is None else max_hops
    if not 1 <= hops <= MAX_HOPS:
        raise UserError(f"max_hops must be between 1 and {MAX_HOPS} (got {hops})")
    with register.reader() as store:
        rows = coverage(store, framework, by, max_hops=hops)
    return {
        "framework": framework,
        "by": by,
        "max_hops": hops,
        "counts": dict(Counter(row.status for row in rows)),
        "concepts": [_plain(row) for row in rows],
    }


def ontology_turtle() -> str:
    """The riskgraph ontology, as shipped."""
    from riskgraph.resources import ontology_file

    return ontology_file("riskgraph.ttl").read_text(encoding="utf-8")


def stored_query_text(register: Register, name: str) -> str:
    """A stored query's file text, header included."""
    from riskgraph.queries import load_library

    return load_library(register.queries_dir).get(name).sparql


def snapshots(register: Register) -> dict[str, Any]:
    """The register's snapshots, oldest first: the read model of ``riskgraph snapshot list``."""
    from riskgraph.snapshots import list_snapshots

    return {"snapshots": [info.model_dump(mode="json") for info in list_snapshots(register)]}


def diff(register: Register, before: str, after: str) -> dict[str, Any]:
    """What changed between two snapshots, or a snapshot and now: the JSON of ``riskgraph
    diff`` (docs/snapshots.md)."""
    from riskgraph.snapshots import diff_snapshots

    return diff_snapshots(register, before, after).as_json()
