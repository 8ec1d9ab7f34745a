"""``riskgraph import``: read a file, check it, then upsert it in one transaction (or not at all).

Order of work: parse -> map -> validate against the models -> check IDs and links against the
register -> plan the upsert -> one commit. The writer lock is held from the start, so a second
writer is refused at once. The plan is made on a read view, beside other readers; the store is held
exclusively only for the commit, which refuses a plan made on an older revision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from riskgraph.errors import InputError, InputErrors, Location, UserError
from riskgraph.io.checks import check_against_register, load_state
from riskgraph.io.formats import IMPORT_FORMATS, DataFormat, format_for
from riskgraph.io.mapped_import import read_mapped
from riskgraph.io.mapping import Mapping, load_mapping
from riskgraph.io.rdf_import import read_rdf
from riskgraph.io.records import Defaults, ReadResult
from riskgraph.io.structured import looks_like_json_ld, read_structured
from riskgraph.io.template_import import read_template_csv, read_template_xlsx
from riskgraph.model.repository import Plan, Repository
from riskgraph.progress import NO_PROGRESS, Progress
from riskgraph.register import Register
from riskgraph.store.base import Store, StoreError, commit, read_revision


@dataclass(frozen=True)
class ImportOptions:
    format: str | None = None
    """Format name; default: from the file extension."""
    kind: str | None = None
    """CSV/XLSX template: the kind of rows when the file does not say."""
    mapping: Path | None = None
    """CSV/XLSX: a mapping file for spreadsheets not in the template layout."""
    dry_run: bool = False
    skip_bad_rows: bool = False


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    file: str
    format: DataFormat
    plan: Plan
    read: ReadResult
    skipped: list[InputError] = field(default_factory=list)
    """Problems of the bad records that were left out (--skip-bad-rows)."""
    extra_triples: int = 0
    """Triples kept as they are (RDF import): predicates and subjects the models do not own."""
    dry_run: bool = False
    revision: int | None = None
    """The register's revision after the commit; None when nothing was written."""

    @property
    def bad_records(self) -> int:
        return len(self.read.problems.bad_records)


def import_file(
    register: Register,
    path: Path,
    options: ImportOptions = ImportOptions(),
    progress: Progress = NO_PROGRESS,
) -> ImportReport:
    """Import ``path`` into ``register``: all of it, or (on any error) nothing."""
    fmt = _format(path, options)
    read = _reader(path, fmt, options, register)
    skip = options.skip_bad_rows or read.skip_bad_rows
    if options.dry_run:
        result = read.run(progress)
        with register.reader() as store:
            return _planned(store, register, path, fmt, result, skip, progress, dry_run=True)
    with register.write_session():
        result = read.run(progress)
        # Plan beside readers; hold the store exclusively only for the commit.
        with register.reader() as store:
            planned_on = read_revision(store)
            report = _planned(store, register, path, fmt, result, skip, progress, dry_run=False)
        if report.plan.changes:
            with register.writer() as store, store.exclusive():
                if (now := read_revision(store)) != planned_on:
                    raise StoreError(
                        f"the register changed while the import was being planned (revision "
                        f"{planned_on} -> {now}); nothing was written, run the import again"
                    )
                progress.phase(f"writing {len(report.plan.changes.add)} triples", total=None)
                report.revision = commit(store, report.plan.changes)
    return report


def _format(path: Path, options: ImportOptions) -> DataFormat:
    if not path.is_file():
        raise InputError("no such file", location=Location(str(path)))
    fmt = format_for(path, options.format, allowed=IMPORT_FORMATS, purpose="import")
    if fmt is DataFormat.JSON and not options.format and looks_like_json_ld(path):
        return DataFormat.JSON_LD
    if options.mapping is not None and not fmt.is_table:
        raise UserError(f"a mapping is for CSV and XLSX files; {path.name} is {fmt.value}")
    if options.kind is not None and not fmt.is_table:
        raise UserError(
            f"a kind is for CSV and XLSX files; {fmt.value} files name the kind of each entity"
        )
    return fmt


@dataclass
class _Reader:
    run: Callable[[Progress], ReadResult]
    skip_bad_rows: bool = False
    """The mapping asks for bad rows to be skipped."""


def _reader(path: Path, fmt: DataFormat, options: ImportOptions, register: Register) -> _Reader:
    defaults = Defaults(matrix=register.config.risk.matrix)
    if options.mapping is not None:
        mapping: Mapping = load_mapping(options.mapping)
        if options.kind is not None:
            raise UserError("give a kind or a mapping, not both: the mapping names the kind")
        return _Reader(
            lambda p: read_mapped(path, fmt, mapping, defaults, p),
            skip_bad_rows=mapping.on_bad_row == "skip",
        )
    if fmt is DataFormat.CSV:
        return _Reader(lambda p: read_template_csv(path, options.kind, defaults, p))
    if fmt is DataFormat.XLSX:
        return _Reader(lambda p: read_template_xlsx(path, options.kind, defaults, p))
    if fmt in (DataFormat.YAML, DataFormat.JSON):
        return _Reader(lambda p: read_structured(path, fmt, defaults, p))
    return _Reader(lambda p: read_rdf(path, fmt, register.base_iri, p))


def _sorted_errors(errors: list[InputError]) -> list[InputError]:
    return sorted(errors, key=lambda e: e.location.row or e.location.line or 0)


def _planned(
    store: Store,
    register: Register,
    path: Path,
    fmt: DataFormat,
    result: ReadResult,
    skip: bool,
    progress: Progress,
    *,
    dry_run: bool,
) -> ImportReport:
    progress.phase("checking IDs and links", total=None)
    check_against_register(result, load_state(store), skip_bad=skip)
    problems = result.problems
    if problems and not skip:
        raise InputErrors(_sorted_errors(problems.errors))
    good = [c for c in result.candidates if c.record not in problems.bad_records]
    progress.phase(f"planning {len(good)} entities", total=None)
    plan = Repository(store, register.base_iri).plan_upsert(c.entity for c in good)
    extras: list[ox.Quad] = [q for c in good for q in result.extras.get(c.record, [])]
    extras.extend(result.loose)
    plan.changes.add.extend(extras)
    return ImportReport(
        file=str(path),
        format=fmt,
        plan=plan,
        read=result,
        skipped=_sorted_errors(problems.errors),
        extra_triples=len(extras),
        dry_run=dry_run,
    )
