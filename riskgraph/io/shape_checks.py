"""SHACL on what an import adds or changes, before anything is written.

The import runs the write pipeline's shape check (``riskgraph.editing.shapes.shape_issues``) on
its entities, in batches of ``SHAPE_BATCH`` entities (memory stays bounded). Each batch is
checked with the register as context, plus the entities of the same file that the batch links
to (new ones are not in the register yet). Streamed entities are read back from the staged bulk
load, before it is switched in. A violation makes its record bad (the import is refused, or with
skipping of bad rows the record is left out); warnings are reported, not refused; the shapes
whose findings are notes are not run (``riskgraph validate`` reports those).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyoxigraph as ox

from riskgraph.editing.shapes import field_of_path, shape_issues
from riskgraph.errors import InputError
from riskgraph.io.problems import Problems, at
from riskgraph.io.records import Candidate, Loaded
from riskgraph.model.entities import ENTITY_TYPES
from riskgraph.model.rdf import entity_iri, to_quads
from riskgraph.store.base import Store
from riskgraph.validation import Issue

SHAPE_BATCH = 5_000
"""Entities checked together: one run of the shapes per batch."""
SHAPE_SEVERITIES = ("Violation", "Warning")
"""The shapes an import runs: violations refuse a record, warnings are reported; notes (such
as "risk has no treatment yet" on every new risk) are left to ``riskgraph validate``."""

QuadsOf = Callable[[Candidate | Loaded], list[ox.Quad]]


def check_import_shapes(
    store: Store,
    base_iri: str,
    records: Sequence[Candidate | Loaded],
    problems: Problems,
    *,
    loaded_quads: Callable[[str], list[ox.Quad]] | None = None,
) -> list[Issue]:
    """Run the shapes on ``records`` (the valid records of one file) as they would be written;
    add each violation to ``problems`` under its record (file, row or line, field, value and the
    shape's message). ``loaded_quads`` reads a streamed entity's quads back (by IRI). Returns the
    warnings."""

    def quads_of(record: Candidate | Loaded) -> list[ox.Quad]:
        if isinstance(record, Candidate):
            return to_quads(record.entity, base_iri)
        if loaded_quads is None:
            return []
        return loaded_quads(entity_iri(base_iri, record.id))

    by_iri = {entity_iri(base_iri, r.id): r for r in records}
    notes: list[Issue] = []
    for start in range(0, len(records), SHAPE_BATCH):
        batch = records[start : start + SHAPE_BATCH]
        written = {entity_iri(base_iri, r.id) for r in batch}
        quads = [q for r in batch for q in quads_of(r)]
        linked = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
        for iri in sorted(linked - written):
            other = by_iri.get(iri)
            if other is not None:  # in the same file: its quads as they will be written
                quads.extend(quads_of(other))
        by_id = {r.id: r for r in batch}
        for issue in shape_issues(store, written, quads, severities=SHAPE_SEVERITIES):
            record = by_id.get(issue.focus)
            if record is None:
                continue
            if issue.severity != "Violation":
                notes.append(issue)
                continue
            problems.add(record.record, _error(record, issue))
    return notes


def _error(record: Candidate | Loaded, issue: Issue) -> InputError:
    cls = next((c for c in ENTITY_TYPES if c.kind == record.kind), None)
    field = field_of_path(cls, issue.path) if cls is not None else None
    column = record.column_of(field) if field else None
    return InputError(
        f"{record.id}: {issue.message}",
        location=at(record.where, column or field),
        value=issue.value,
    )
