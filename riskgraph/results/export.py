"""Export a result to a file together with its audit manifest."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, cast

import riskgraph
from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, kind_of
from riskgraph.results.digest import ResultDigest, digesting
from riskgraph.results.manifest import (
    ExportManifest,
    OutputHashScope,
    encode_parameters,
    manifest_fields,
    write_sidecar,
)
from riskgraph.results.registry import format_for_path, get_format, write_result
from riskgraph.results.streams import HashingWriter, atomic_output
from riskgraph.store.base import Bindings, QueryResult, SelectResult
from riskgraph.vocab import PREFIXES


def export_to_file(
    result: QueryResult,
    path: str | Path,
    *,
    query: str,
    register_sha256: str,
    fmt: ExportFormat | str | None = None,
    parameters: Bindings | None = None,
    query_name: str | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> ExportManifest:
    """Write ``result`` to ``path`` and its manifest beside it (or inside, for XLSX).

    ``fmt`` defaults to the one the file extension names. ``register_sha256`` is
    ``manifest.register_hash(store)`` of the store the query ran on. The file appears only once
    complete; the manifest is returned.
    """
    path = Path(path)
    kind = kind_of(result)
    export_format = _resolve(fmt, path, kind)
    fed, digest = digesting(result)

    def manifest_for(count: int, output_sha256: str, scope: OutputHashScope) -> ExportManifest:
        return ExportManifest(
            created_at=datetime.now(UTC),
            riskgraph_version=riskgraph.__version__,
            query=query,
            query_name=query_name,
            parameters=encode_parameters(parameters),
            register_sha256=register_sha256,
            result_kind=kind,
            variables=result.variables if isinstance(result, SelectResult) else [],
            row_count=count,
            result_sha256=_complete(digest, count),
            output_format=export_format.name,
            output_sha256=output_sha256,
            output_sha256_scope=scope,
        )

    options = WriteOptions(prefixes=dict(prefixes or PREFIXES))
    with atomic_output(path) as out:
        if export_format.embeds_manifest:
            embedded: list[ExportManifest] = []

            def sheet(count: int, cells_sha256: str) -> list[tuple[str, str | None]]:
                embedded.append(manifest_for(count, cells_sha256, OutputHashScope.SHEET_CELLS))
                return manifest_fields(embedded[0])

            options = WriteOptions(prefixes=options.prefixes, manifest_sheet=sheet)
            write_result(fed, export_format, out, options=options)
            manifest = embedded[0]
        else:
            hashing = HashingWriter(out)
            count = write_result(fed, export_format, cast(BinaryIO, hashing), options=options)
            manifest = manifest_for(count, hashing.hexdigest(), OutputHashScope.FILE_BYTES)
    if not export_format.embeds_manifest:
        write_sidecar(manifest, path)
    return manifest


def _resolve(fmt: ExportFormat | str | None, path: Path, kind: ResultKind) -> ExportFormat:
    if fmt is None:
        return format_for_path(path, kind)
    return get_format(fmt) if isinstance(fmt, str) else fmt


def _complete(digest: ResultDigest, written: int) -> str:
    """The result fingerprint, once the writer has consumed every row it fed."""
    if digest.count != written:
        raise RuntimeError(f"the writer wrote {written} rows but read {digest.count}")
    return digest.hexdigest()
