"""The one registry of query-result export formats, shared by the CLI and the TUI.

    fmt = get_format("csv")                      # or format_for_path("report.xlsx", kind)
    write_result(result, fmt, sys.stdout)        # returns the rows written
    export_to_file(result, "report.xlsx", query=text, register_sha256=register_hash(store))

Heavy libraries (openpyxl, rich) are imported only when their format is written.
"""

from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, kind_of
from riskgraph.results.digest import ResultDigest, result_sha256
from riskgraph.results.export import export_to_file
from riskgraph.results.manifest import (
    ExportManifest,
    OutputHashScope,
    decode_parameters,
    encode_parameters,
    output_sha256,
    read_manifest,
    register_hash,
    register_hash_full,
    sidecar_path,
)
from riskgraph.results.registry import (
    FORMATS,
    all_formats,
    format_for_path,
    formats_for,
    get_format,
    write_result,
)

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportManifest",
    "OutputHashScope",
    "ResultDigest",
    "ResultKind",
    "WriteOptions",
    "all_formats",
    "decode_parameters",
    "encode_parameters",
    "export_to_file",
    "format_for_path",
    "formats_for",
    "get_format",
    "kind_of",
    "output_sha256",
    "read_manifest",
    "register_hash",
    "register_hash_full",
    "result_sha256",
    "sidecar_path",
    "write_result",
]
