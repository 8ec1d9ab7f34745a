"""Check an export against its manifest: rerun the recorded query on the register as it is now,
compare result fingerprints, the exported file's hash and, for exports that keep RDF terms, the
rows that are gone or new. Every face calls ``verify_export`` (the CLI's ``verify``, the TUI's
query console); each prints the ``Verification`` in its own way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from riskgraph.analysis.gaps import display_value
from riskgraph.errors import InputError, UserError
from riskgraph.queries import ParamValue, load_library, parse_ad_hoc, run_query
from riskgraph.register import Register
from riskgraph.results import (
    ExportManifest,
    decode_parameters,
    output_sha256,
    read_manifest,
    register_hash,
    sidecar_path,
)
from riskgraph.results.digest import canonical_term, digesting
from riskgraph.results.manifest import MANIFEST_SUFFIX
from riskgraph.results.tabular import restored_term
from riskgraph.store.base import GraphResult, QueryResult, SelectResult, Term

if TYPE_CHECKING:
    from pyoxigraph import QuerySolution

    from riskgraph.results.terms import AnyTerm


DIFF_ROW_LIMIT = 100_000
"""verify lists changed rows only for results up to this size (it holds them in memory)."""
ROWS_LISTED = 10
"""Changed rows shown, each way."""
_DIFFABLE_FORMATS = {"json": "JSON", "xml": "XML", "tsv": "TSV", "sparql_tsv": "TSV"}
"""Export formats that keep RDF terms, so the exported rows can be read back and compared."""
_NEUTRALISED_FORMATS = {"tsv"}
"""Of those, the ones whose formula-like literals carry a leading quote, taken off on reading."""


@dataclass
class Verification:
    """What verify found: the manifest's record against the rerun and the file on disk."""

    manifest_file: str
    """Where the manifest was read: the sidecar, or the workbook's sheet."""
    manifest: ExportManifest
    register_sha256: str
    result_sha256: str
    row_count: int
    output: Path
    output_sha256: str | None
    """None when the exported file is not there."""
    gone: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    compared_rows: bool = False
    """True when the exported rows were read back and compared one by one."""
    notes: list[str] = field(default_factory=list)

    @property
    def register_changed(self) -> bool:
        return self.register_sha256 != self.manifest.register_sha256

    @property
    def result_matches(self) -> bool:
        return self.result_sha256 == self.manifest.result_sha256

    @property
    def output_matches(self) -> bool | None:
        if self.output_sha256 is None:
            return None
        return self.output_sha256 == self.manifest.output_sha256

    @property
    def matches(self) -> bool:
        return self.result_matches and self.output_matches is not False

    def describe(self, rows_listed: int = ROWS_LISTED) -> list[str]:
        """What was found, line by line, as every face shows it."""
        manifest = self.manifest
        lines: list[str] = []
        what = f"stored query {manifest.query_name!r}" if manifest.query_name else "an ad-hoc query"
        exported = manifest.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"manifest: {self.manifest_file} ({what}, exported {exported})")
        lines += [f"note: {note}" for note in self.notes]
        changed = "changed since the export (its SHA-256 differs)"
        lines.append(
            f"register: {changed if self.register_changed else 'unchanged since the export'}"
        )
        unit = "triples" if manifest.result_kind.value == "graph" else "rows"
        if self.result_matches:
            lines.append(f"result:   matches ({self.row_count} {unit})")
        else:
            lines.append(
                f"result:   differs: {manifest.row_count} {unit} at export, {self.row_count} now"
            )
            if self.compared_rows:
                lines += _listed("gone since the export", self.gone, rows_listed)
                lines += _listed("new since the export", self.new, rows_listed)
        if self.output_matches is None:
            lines.append(f"file:     {self.output} is not there; only the result was checked")
        elif self.output_matches:
            lines.append(f"file:     {self.output} is unchanged since the export")
        else:
            lines.append(f"file:     {self.output} was modified after the export")
        return lines


def _listed(label: str, rows: list[str], limit: int) -> list[str]:
    if not rows:
        return []
    lines = [f"  {len(rows)} row(s) {label}:", *(f"    {row}" for row in rows[:limit])]
    if len(rows) > limit:
        lines.append(f"    ... and {len(rows) - limit} more")
    return lines


def verify_export(path: Path, reg: Register, timeout: float | None = None) -> Verification:
    """Rerun the query of the export at ``path`` (its manifest, the exported file, or an XLSX
    export) and compare; ``timeout`` defaults to the register's query time limit."""
    manifest = read_manifest(path)
    output = path.with_name(path.name.removesuffix(MANIFEST_SUFFIX))
    found = output_sha256(output) if output.is_file() else None
    params, bindings = _manifest_parameters(manifest, path)
    query = parse_ad_hoc(manifest.query, path=f"{path} (the manifest's query)")
    notes = _stored_query_notes(reg, manifest)
    time_limit = timeout if timeout is not None else reg.config.queries.timeout_seconds
    with reg.reader() as store:
        current = register_hash(store)
        with run_query(
            store, query, params, base_iri=reg.base_iri, limit=None, time_limit=time_limit
        ) as run:
            if dict(run.bindings) != bindings:
                raise UserError(
                    f"{path}: the manifest's parameters do not match what its query declares"
                )
            fed, digest = digesting(run.result)
            rows = _rerun_rows(fed, manifest)
            result_sha256 = digest.hexdigest()
    outcome = Verification(
        _manifest_location(path),
        manifest,
        current,
        result_sha256,
        digest.count,
        output,
        found,
        notes=notes,
    )
    if rows is not None and not outcome.result_matches and outcome.output_matches:
        _compare_rows(outcome, rows, reg.base_iri)
    return outcome


def _manifest_location(path: Path) -> str:
    """Where ``read_manifest`` found the manifest of ``path``."""
    if path.name.endswith(MANIFEST_SUFFIX):
        return str(path)
    if sidecar_path(path).exists():
        return str(sidecar_path(path))
    return f"{path} (its 'manifest' sheet)"


def _manifest_parameters(
    manifest: ExportManifest, path: Path
) -> tuple[dict[str, ParamValue], dict[str, Term]]:
    """The parameters as the runner takes them, and the terms they must bind to."""
    try:
        bindings = decode_parameters(manifest.parameters)
    except InputError as exc:
        raise UserError(f"{path}: {exc}") from None
    params: dict[str, ParamValue] = {}
    for name, term in bindings.items():
        if isinstance(term, ox.BlankNode):
            raise UserError(f"{path}: parameter {name!r} is a blank node, which cannot be bound")
        params[name] = term if isinstance(term, ox.NamedNode) else term.value
    return params, dict(bindings)


def _stored_query_notes(reg: Register, manifest: ExportManifest) -> list[str]:

    name = manifest.query_name
    if name is None:
        return []
    library = load_library(reg.queries_dir)
    if name in library and library.get(name).sparql != manifest.query:
        return [
            f"the stored query {name!r} has changed since the export; "
            "verify reran the text recorded in the manifest"
        ]
    return []


def _rerun_rows(result: QueryResult, manifest: ExportManifest) -> Counter[str] | None:
    """Consume the rerun; keep its rows (canonical text) when they can be compared."""
    if isinstance(result, GraphResult):
        for _ in result.triples:
            pass
        return None
    if not isinstance(result, SelectResult):
        return None
    kept: Counter[str] | None = Counter() if _diffable(manifest) else None
    for count, row in enumerate(result.rows, start=1):
        if kept is None:
            continue
        if count > 2 * DIFF_ROW_LIMIT:
            kept = None  # too many to hold; the digest still sees every row
            continue
        kept[_row_key([row.get(v) for v in manifest.variables])] += 1
    return kept


def _diffable(manifest: ExportManifest) -> bool:
    return (
        manifest.output_format in _DIFFABLE_FORMATS
        and manifest.result_kind.value == "select"
        and manifest.row_count <= DIFF_ROW_LIMIT
    )


def _compare_rows(outcome: Verification, now: Counter[str], base_iri: str) -> None:
    """Read the exported rows back and list those that are gone or new."""
    manifest = outcome.manifest
    fmt = getattr(ox.QueryResultsFormat, _DIFFABLE_FORMATS[manifest.output_format])
    try:
        solutions = ox.parse_query_results(path=str(outcome.output), format=fmt)
    except (SyntaxError, ValueError, OSError):
        return
    if not isinstance(solutions, ox.QuerySolutions):
        return
    then: Counter[str] = Counter()
    restore = manifest.output_format in _NEUTRALISED_FORMATS
    for solution in solutions:
        values = [_solution_value(solution, v) for v in manifest.variables]
        if restore:
            values = [restored_term(v) if isinstance(v, ox.Literal) else v for v in values]
        then[_row_key(values)] += 1
    outcome.gone = [_row_display(key, manifest.variables, base_iri) for key in then - now]
    outcome.new = [_row_display(key, manifest.variables, base_iri) for key in now - then]
    outcome.compared_rows = True


def _solution_value(solution: QuerySolution, name: str) -> AnyTerm | None:
    try:
        value: AnyTerm | None = solution[name]
    except (KeyError, IndexError):
        return None
    return value


def _row_key(terms: list[AnyTerm | None]) -> str:
    """A row as text that is the same in the export and the rerun (blank nodes as ``_:``)."""
    return "\t".join(canonical_term(term) for term in terms)


def _row_display(key: str, variables: list[str], base_iri: str) -> str:
    """A row key as ``var=value`` pairs, IRIs shortened as in gap reports."""
    parts = []
    for name, text in zip(variables, key.split("\t"), strict=True):
        if text:
            parts.append(f"{name}={_cell_display(text, base_iri)}")
    return ", ".join(parts) or "(all unbound)"


def _cell_display(text: str, base_iri: str) -> str:

    if text == "_:":
        return "(blank node)"
    try:
        triple = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, StopIteration):
        return text
    term = triple.object
    if isinstance(term, ox.Triple):
        return text
    return display_value(term, base_iri) or ""
