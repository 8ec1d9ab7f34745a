"""The audit manifest of an export: what was asked, of which register, and what came out.

A manifest lets ``riskgraph verify`` rerun the query and compare: ``register_sha256`` says whether
the register still holds the same content, ``result_sha256`` (see ``digest``) whether the rerun
gives the same rows whatever the format and row order, and ``output_sha256`` whether the exported
file is the one that was written. Most formats get a sidecar ``<output>.manifest.json``; XLSX
workbooks carry it as a "manifest" sheet.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from riskgraph.errors import InputError, Location, UserError
from riskgraph.results.base import ResultKind
from riskgraph.results.spreadsheet import MANIFEST_SHEET, read_sheet_fields, xlsx_cells_sha256
from riskgraph.results.streams import atomic_output, file_sha256
from riskgraph.results.terms import ntriples
from riskgraph.store import fingerprint
from riskgraph.store.base import Bindings, Store, Term
from riskgraph.store.fingerprint import QuadSource, hashed_graphs

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_VERSION = 1
_SHA256 = r"^[0-9a-f]{64}$"


class OutputHashScope(enum.StrEnum):
    """What ``output_sha256`` covers."""

    FILE_BYTES = "file-bytes"
    """Every byte of the output file (what ``sha256sum`` prints)."""
    SHEET_CELLS = "sheet-cells"
    """The cell values of the workbook's results sheet (see ``spreadsheet.xlsx_cells_sha256``)."""


class ExportManifest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    manifest_version: int = MANIFEST_VERSION
    created_at: datetime
    """When the export was written, in UTC."""
    riskgraph_version: str
    query: str
    """The query text exactly as it was run."""
    query_name: str | None = None
    """The stored query's name when it came from the library."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """Bound parameters: variable name -> term in N-Triples syntax."""
    register_sha256: str = Field(pattern=_SHA256)
    result_kind: ResultKind
    variables: list[str] = Field(default_factory=list)
    row_count: int = Field(ge=0)
    """Rows for SELECT, triples for CONSTRUCT/DESCRIBE, 1 for ASK."""
    result_sha256: str = Field(pattern=_SHA256)
    """Fingerprint of the result itself, independent of format and row order."""
    output_format: str
    output_sha256: str = Field(pattern=_SHA256)
    output_sha256_scope: OutputHashScope

    @field_validator("created_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone")
        return value.astimezone(UTC)

    @field_validator("manifest_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != MANIFEST_VERSION:
            raise ValueError(f"this riskgraph reads manifest version {MANIFEST_VERSION}")
        return value


def encode_parameters(bindings: Bindings | None) -> dict[str, str]:
    return {name: ntriples(term) for name, term in (bindings or {}).items()}


def decode_parameters(parameters: Mapping[str, str]) -> dict[str, Term]:
    """The bindings back from their N-Triples form, to rerun the query."""
    decoded: dict[str, Term] = {}
    for name, text in parameters.items():
        try:
            triples = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise InputError(
                "the parameter is not an RDF term in N-Triples syntax",
                location=Location(column=name),
                value=text,
                expected='an IRI like <https://…>, a literal like "R-001" or "3"^^<…#integer>',
            ) from exc
        term = triples[0].object
        if isinstance(term, ox.Triple):
            raise InputError(
                "a triple term cannot be a query parameter",
                location=Location(column=name),
                value=text,
            )
        decoded[name] = term
    return decoded


# --- register fingerprint -------------------------------------------------------------------


def register_hash(store: QuadSource) -> str:
    """The register hash (see ``riskgraph.store.fingerprint``): the value ``commit`` maintains
    when it is current, else computed from every quad of the hashed graphs."""
    if isinstance(store, Store):
        cached = fingerprint.cached_hash(store)
        if cached is not None:
            return cached
    return fingerprint.full_hash(store)


register_hash_full = fingerprint.full_hash
"""The register hash computed from the content (its definition), never from the kept value."""


def hashed_lines(store: QuadSource) -> list[bytes]:
    """The sorted, distinct N-Quads lines (UTF-8) of the graphs the register hash covers."""
    lines: set[bytes] = set()
    for graph in hashed_graphs(store):
        suffix = f" <{graph}> .\n"
        for quad in store.quads(graph):
            terms = (quad.subject, quad.predicate, quad.object)
            lines.add((" ".join(ntriples(term) for term in terms) + suffix).encode("utf-8"))
    return sorted(lines)


# --- reading and writing --------------------------------------------------------------------


def sidecar_path(output: str | Path) -> Path:
    output = Path(output)
    return output.with_name(output.name + MANIFEST_SUFFIX)


def write_sidecar(manifest: ExportManifest, output: str | Path) -> Path:
    """Write ``<output>.manifest.json`` (atomically) and return its path."""
    target = sidecar_path(output)
    text = manifest.model_dump_json(indent=2) + "\n"
    with atomic_output(target) as handle:
        handle.write(text.encode("utf-8"))
    return target


# Fields stored as JSON in the manifest sheet; the others are plain text.
_JSON_SHEET_FIELDS = frozenset({"manifest_version", "parameters", "variables", "row_count"})


def manifest_fields(manifest: ExportManifest) -> list[tuple[str, str | None]]:
    """The manifest as field/value pairs for a worksheet."""
    fields: list[tuple[str, str | None]] = []
    for key, value in manifest.model_dump(mode="json").items():
        if key in _JSON_SHEET_FIELDS:
            fields.append((key, json.dumps(value, ensure_ascii=False)))
        else:
            fields.append((key, value))
    return fields


def read_manifest(path: str | Path) -> ExportManifest:
    """The manifest of an export: give the output file (sidecar or XLSX) or the sidecar itself."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the exported file or its manifest")
    if path.name.endswith(MANIFEST_SUFFIX):
        return _read_sidecar(path)
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if _is_xlsx(path):
        return _read_sheet(path)
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        raise UserError(f"{path}: no manifest found; expected {sidecar.name} next to it")
    return _read_sidecar(sidecar)


def output_sha256(path: str | Path) -> str:
    """The output hash as a manifest records it: cell values for XLSX, file bytes otherwise."""
    path = Path(path)
    return xlsx_cells_sha256(path) if _is_xlsx(path) else file_sha256(str(path))


def _is_xlsx(path: Path) -> bool:
    if path.suffix.lower() == ".xlsx":
        return True
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _read_sidecar(path: Path) -> ExportManifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such manifest file") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a JSON manifest ({exc})", location=Location(file=str(path))) from exc
    return _validated(data, path)


def _read_sheet(path: Path) -> ExportManifest:
    try:
        fields = read_sheet_fields(path, MANIFEST_SHEET)
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the workbook ({exc})") from exc
    data: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _JSON_SHEET_FIELDS and value is not None:
            try:
                data[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InputError(
                    "the value is not JSON",
                    location=Location(file=f"{path} (sheet {MANIFEST_SHEET!r})", column=key),
                    value=value,
                ) from exc
        else:
            data[key] = value
    return _validated(data, path)


def _validated(data: object, path: Path) -> ExportManifest:
    try:
        return ExportManifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'manifest'}: {error['msg']}"
            for error in exc.errors()
        )
        raise UserError(f"{path}: not a valid export manifest: {problems}") from exc
