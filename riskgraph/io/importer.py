"""``riskgraph import``: read a file, check it, then upsert it in one transaction (or not at all).

Order of work: parse -> map -> validate against the models -> check IDs and links against the
register -> plan the upsert -> one commit. The writer lock is held from the start, so a second
writer is refused at once. The plan is made on a read view, beside other readers; the store is held
exclusively only for the commit, which refuses a plan made on an older revision.

A large import into a register folder streams (``riskgraph.io.streaming``): its new entities go
to a staged bulk load while the file is read, and the commit switches that copy in with the rest.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from riskgraph.errors import InputError, InputErrors, Location, UserError
from riskgraph.io.checks import RegisterState, check_against_register, load_state
from riskgraph.io.formats import IMPORT_FORMATS, DataFormat, format_for
from riskgraph.io.mapped_import import read_mapped
from riskgraph.io.mapping import Mapping, load_mapping
from riskgraph.io.rdf_import import read_rdf
from riskgraph.io.record_rules import check_records, review_moves
from riskgraph.io.records import Candidate, Defaults, ReadResult, Take
from riskgraph.io.shape_checks import check_import_shapes
from riskgraph.io.streaming import Streamer
from riskgraph.io.structured import looks_like_json_ld, read_structured
from riskgraph.io.template_import import read_template_csv, read_template_xlsx
from riskgraph.model.repository import Plan, Repository
from riskgraph.progress import NO_PROGRESS, Progress
from riskgraph.register import Register
from riskgraph.store.base import Store, StoreError, commit, read_revision
from riskgraph.validation import Issue


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
    shape_notes: list[Issue] = field(default_factory=list)
    """Warnings of the shapes on the imported entities (they do not stop it; the shapes of
    notes are not run at import: `validate` reports those)."""

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
        result = read.run(progress, None)
        with register.reader() as store:
            state = load_state(store)
            return _planned(
                store, register, path, fmt, result, state, skip, progress, None, dry_run=True
            )
    with register.write_session():
        # Read and plan beside readers; hold the store exclusively only for the commit.
        with register.reader() as store:
            planned_on = read_revision(store)
            state = load_state(store)
            streamer = Streamer.for_store(store, register.base_iri, state) if read.streams else None
            try:
                with _without_cycle_collection():
                    result = read.run(progress, streamer.take if streamer else None)
                    report = _planned(
                        store, register, path, fmt, result, state, skip, progress, streamer
                    )
            except BaseException:
                if streamer is not None:
                    streamer.discard()
                raise
        loading = streamer is not None and streamer.load is not None
        if not (report.plan.changes or loading):
            return report
        with register.writer() as store, store.exclusive():
            if (now := read_revision(store)) != planned_on:
                if streamer is not None:
                    streamer.discard()
                raise StoreError(
                    f"the register changed while the import was being planned (revision "
                    f"{planned_on} -> {now}); nothing was written, run the import again"
                )
            triples = len(report.plan.changes.add) + (streamer.quads if streamer else 0)
            progress.phase(f"writing {triples} triples", total=None)
            if streamer is not None and streamer.load is not None:
                report.revision = streamer.commit(store, report.plan.changes)
            else:
                report.revision = commit(store, report.plan.changes)
    return report


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading a large file makes millions of small objects that form no reference cycles;
    Python's cycle collector would scan the ones kept alive again and again, a cost that grows
    with the square of the rows. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    run: Callable[[Progress, Take | None], ReadResult]
    skip_bad_rows: bool = False
    """The mapping asks for bad rows to be skipped."""
    streams: bool = True
    """The reader hands on each record as it reads it (see ``ReadResult.take``)."""


def _reader(path: Path, fmt: DataFormat, options: ImportOptions, register: Register) -> _Reader:
    defaults = Defaults(matrix=register.config.risk.matrix)
    if options.mapping is not None:
        mapping: Mapping = load_mapping(options.mapping)
        if options.kind is not None:
            raise UserError("give a kind or a mapping, not both: the mapping names the kind")
        return _Reader(
            lambda p, take: read_mapped(path, fmt, mapping, defaults, p, take),
            skip_bad_rows=mapping.on_bad_row == "skip",
        )
    if fmt is DataFormat.CSV:
        return _Reader(lambda p, take: read_template_csv(path, options.kind, defaults, p, take))
    if fmt is DataFormat.XLSX:
        return _Reader(lambda p, take: read_template_xlsx(path, options.kind, defaults, p, take))
    if fmt in (DataFormat.YAML, DataFormat.JSON):
        return _Reader(lambda p, take: read_structured(path, fmt, defaults, p, take))
    # RDF: triples about an entity may come anywhere in the file, so it is read whole.
    return _Reader(lambda p, _take: read_rdf(path, fmt, register.base_iri, p), streams=False)


def _sorted_errors(errors: list[InputError]) -> list[InputError]:
    return sorted(errors, key=lambda e: e.location.row or e.location.line or 0)


def _planned(
    store: Store,
    register: Register,
    path: Path,
    fmt: DataFormat,
    result: ReadResult,
    state: RegisterState,
    skip: bool,
    progress: Progress,
    streamer: Streamer | None,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Check the records against the register and plan the change; with ``streamer``, new
    entities are already in its bulk load (those of records found bad are taken out)."""
    progress.phase("checking IDs and links", total=None)
    check_against_register(result, state, skip_bad=skip)
    problems = result.problems
    repo = Repository(store, register.base_iri)
    valid = [
        c
        for c in result.candidates
        if isinstance(c, Candidate) and c.record not in problems.bad_records
    ]
    check_records(repo, register.config, valid, state.kinds, problems)
    notes: list[Issue] = []
    if skip or not problems:  # the shapes run on records the checks above found good
        progress.phase("checking the shapes", total=None)
        checked = [c for c in result.candidates if c.record not in problems.bad_records]
        notes = check_import_shapes(
            store,
            register.base_iri,
            checked,
            problems,
            loaded_quads=streamer.quads_about if streamer is not None else None,
        )
    if problems and not skip:
        raise InputErrors(_sorted_errors(problems.errors))
    good = [c for c in result.candidates if c.record not in problems.bad_records]
    loaded = [c.id for c in good if streamer is not None and streamer.loaded(c)]
    if streamer is not None:
        bad = [c for c in result.candidates if c.record in problems.bad_records]
        streamer.drop([c.id for c in bad if streamer.loaded(c)])
    planned = [
        c for c in good if isinstance(c, Candidate) and not (streamer and streamer.loaded(c))
    ]
    progress.phase(f"planning {len(good)} entities", total=None)
    moved = review_moves(repo, register.config, planned, state.kinds)
    plan = repo.plan_upsert(c.entity for c in planned) if planned or streamer is None else Plan()
    if moved is not None:
        plan.changes.remove.extend(moved.plan.changes.remove)
        plan.changes.add.extend(moved.plan.changes.add)
        plan.changes.preconditions.update(moved.plan.changes.preconditions)
        plan.changed.update(moved.plan.changed)
    plan.added[:0] = loaded
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
        shape_notes=notes,
    )
