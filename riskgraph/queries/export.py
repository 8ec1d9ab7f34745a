"""Query to file: run a query without a row limit and write every row to a file, with its audit
manifest (beside it, or inside an XLSX workbook). The one implementation behind every face: the
CLI's ``query run -o FILE``, the TUI's export dialog and any later face."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from riskgraph.queries.model import QuerySource, StoredQuery
from riskgraph.queries.params import ParamValue
from riskgraph.queries.runner import run_query
from riskgraph.results import (
    ExportFormat,
    ResultKind,
    export_to_file,
    kind_of,
    register_hash,
    sidecar_path,
    write_result,
)
from riskgraph.results.streams import atomic_output
from riskgraph.store.base import QueryResult, Store


@dataclass(frozen=True)
class QueryExport:
    """What an export wrote."""

    path: Path
    count: int
    """Rows (or triples) written."""
    format: ExportFormat
    kind: ResultKind
    manifest: Path | None
    """The sidecar manifest; None when it sits inside the file (XLSX) or was not written."""
    embedded: bool = False
    """True when the manifest is the workbook's 'manifest' sheet."""


def export_query(
    store: Store,
    query: StoredQuery,
    params: Mapping[str, ParamValue] | None,
    *,
    base_iri: str,
    today: date | None,
    path: Path,
    fmt: ExportFormat,
    time_limit: float,
    manifest: bool = True,
    track: Callable[[QueryResult], QueryResult] | None = None,
) -> QueryExport:
    """Write every row of ``query`` to ``path`` in ``fmt``, all or nothing, with its manifest
    unless ``manifest`` is False. ``track`` may wrap the result to watch rows go by."""
    register_sha256 = register_hash(store) if manifest else None
    with run_query(
        store, query, params, base_iri=base_iri, today=today, limit=None, time_limit=time_limit
    ) as run:
        result = track(run.result) if track is not None else run.result
        kind = kind_of(result)
        if register_sha256 is None:
            with atomic_output(path) as out:
                count = write_result(result, fmt, out)
            return QueryExport(path, count, fmt, kind, None)
        written = export_to_file(
            result,
            path,
            query=query.sparql,
            register_sha256=register_sha256,
            fmt=fmt,
            parameters=run.bindings,
            query_name=None if query.source is QuerySource.AD_HOC else query.name,
        )
    if fmt.embeds_manifest:
        return QueryExport(path, written.row_count, fmt, kind, None, embedded=True)
    return QueryExport(path, written.row_count, fmt, kind, sidecar_path(path))
