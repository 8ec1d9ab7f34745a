"""``riskgraph export``: the register as RDF or in the spreadsheet template layout."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from riskgraph.errors import UserError
from riskgraph.io.formats import EXPORT_FORMATS, DataFormat, format_for
from riskgraph.io.rdf_export import write_rdf
from riskgraph.io.table_export import write_csv, write_xlsx
from riskgraph.io.template import kind_named
from riskgraph.model.entities import ENTITY_TYPES
from riskgraph.model.repository import Repository
from riskgraph.progress import NO_PROGRESS, Progress
from riskgraph.register import Register


@dataclass(frozen=True)
class ExportOptions:
    format: str | None = None
    """Format name; default: from the extension of ``output``."""
    output: Path | None = None
    """File to write; None writes to the stream given to ``export_register``."""
    kind: str | None = None
    """CSV (required) and XLSX (optional): the kind of entity to write."""
    everything: bool = False
    """RDF: every graph (ontology, catalogue, ...), not only the register graph."""


@dataclass(frozen=True)
class ExportReport:
    format: DataFormat
    count: int
    """Triples (RDF) or entities (CSV/XLSX) written."""
    output: Path | None


def export_format(options: ExportOptions) -> DataFormat:
    fmt = format_for(options.output, options.format, allowed=EXPORT_FORMATS, purpose="export")
    if options.everything and not fmt.is_rdf:
        raise UserError(
            "all graphs go in RDF formats only; CSV and XLSX hold register entities only"
        )
    if options.kind is not None and not fmt.is_table:
        raise UserError("a kind is for CSV and XLSX; RDF exports hold every kind")
    if fmt is DataFormat.CSV and options.kind is None:
        raise UserError(
            "a CSV file holds one kind of entity: give the kind (e.g. risk), "
            "or export XLSX, which has a sheet for each kind"
        )
    return fmt


def export_register(
    register: Register,
    options: ExportOptions,
    stream: BinaryIO | None = None,
    progress: Progress = NO_PROGRESS,
) -> ExportReport:
    """Write the export to ``options.output`` (replaced only once complete) or to ``stream``."""
    fmt = export_format(options)
    with register.reader() as store, _target(options.output, stream) as out:
        if fmt.is_rdf:
            count = write_rdf(
                store,
                fmt,
                out,
                base_iri=register.base_iri,
                everything=options.everything,
                progress=progress,
            )
        else:
            repository = Repository(store, register.base_iri)
            if fmt is DataFormat.CSV:
                count = write_csv(repository, kind_named(options.kind or ""), out, progress)
            else:
                kinds = [kind_named(options.kind)] if options.kind else list(ENTITY_TYPES)
                count = write_xlsx(repository, kinds, out, progress)
    return ExportReport(fmt, count, options.output)


@contextmanager
def _target(path: Path | None, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    """The output stream; a file is written next to its final name and renamed at the end."""
    if path is None:
        if stream is None:
            raise UserError("no output: give -o FILE")
        yield stream
        stream.flush()
        return
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name to export to")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("wb") as handle:
            yield handle
        os.replace(partial, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
