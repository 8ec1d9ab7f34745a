"""What a reader hands on: candidate entities with their source places, plus RDF extras."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from pydantic import ValidationError

from riskgraph.errors import Location
from riskgraph.io.problems import Problems, at, control_character_errors, validation_errors
from riskgraph.model.entities import Entity
from riskgraph.model.rdf import FieldSpec

if TYPE_CHECKING:
    from riskgraph.io.tables import Sheet

ColumnOf = Callable[[str], str | None]
"""Maps a model field to the column, key or predicate it came from (for error messages)."""


@dataclass
class Candidate:
    """An entity read from a file: valid on its own; references not yet checked."""

    entity: Entity
    record: int
    """Number of the source record (row, item or subject), the key of its problems."""
    where: Location
    column_of: ColumnOf

    @property
    def id(self) -> str:
        return self.entity.id

    @property
    def kind(self) -> str:
        return self.entity.kind


@dataclass
class Loaded:
    """A new entity already sent to a bulk load (``riskgraph.store.bulk``): what the checks
    against the register still need of it, not the entity itself."""

    id: str
    kind: str
    record: int
    where: Location
    column_of: ColumnOf
    links: list[tuple[FieldSpec, str]]
    """The links the register alone does not resolve (to IDs it does not hold, or to
    catalogue items it lacks): field and target."""


Take = Callable[[Candidate], "Candidate | Loaded"]
"""What an import does with each valid record as it is read (see ``ReadResult.accept``)."""


@dataclass
class ReadResult:
    """Everything a reader found in one file."""

    file: str
    candidates: list[Candidate | Loaded] = field(default_factory=list)
    """Every valid record, in file order."""
    problems: Problems = field(default_factory=Problems)
    extras: dict[int, list[ox.Quad]] = field(default_factory=dict)
    """RDF import: triples about a candidate that the model does not own, kept as they are."""
    loose: list[ox.Quad] = field(default_factory=list)
    """RDF import: triples about things that are not register entities, kept as they are."""
    notes: list[str] = field(default_factory=list)
    records: int = 0
    """Records read (rows, items or subjects), bad ones included."""
    ids_seen: dict[str, list[tuple[int, Location]]] = field(default_factory=dict)
    """Every ID a record carries, valid record or not: for duplicate and reference checks."""
    filtered: int = 0
    """Rows left out on purpose (a mapping's ``include`` filter, blank rows)."""
    take: Take | None = None
    """Streaming: called with each valid record as it is read; what it returns is kept."""

    def accept(self, candidate: Candidate) -> None:
        self.candidates.append(candidate if self.take is None else self.take(candidate))

    def data_rows(
        self, sheet: Sheet, header: int, keep: Callable[[list[str]], bool] | None = None
    ) -> Iterator[tuple[int, int, list[str], Location]]:
        """The rows below the header row (an index in ``sheet.preview``) as record number, row
        number, cells and place; blank rows, and rows ``keep`` refuses, are counted as filtered."""
        for number, cells in sheet.rows_after(header):
            if not any(cells) or (keep is not None and not keep(cells)):
                self.filtered += 1
                continue
            record = self.records
            self.records += 1
            yield record, number, cells, sheet.where(number)

    def saw_id(self, entity_id: object, record: int, where: Location) -> None:
        if isinstance(entity_id, str) and entity_id.strip():
            self.ids_seen.setdefault(entity_id.strip(), []).append((record, where))


def validate_record(
    cls: type[Entity],
    data: dict[str, object],
    *,
    record: int,
    where: Location,
    column_of: ColumnOf,
    result: ReadResult,
    known_bad: set[str] | None = None,
) -> None:
    """Validate one record against its model; add a Candidate or the record's problems.

    ``known_bad`` fields already have a problem reported (and were left out of ``data``), so
    the model's complaints about them are not repeated."""
    result.saw_id(data.get("id"), record, at(where, column_of("id")))
    controls = list(control_character_errors(data, where, column_of))
    if controls:
        result.problems.extend(record, [error for _, error in controls])
        known_bad = (known_bad or set()) | {name for name, _ in controls}
        data = {name: value for name, value in data.items() if name not in known_bad}
    try:
        entity = cls.model_validate(data)
    except ValidationError as exc:
        errors = validation_errors(exc, cls, where, column_of, skip=known_bad or set())
        result.problems.extend(record, errors)
        if not errors:
            result.problems.bad_records.add(record)
        return
    if known_bad:
        result.problems.bad_records.add(record)
        return
    result.accept(Candidate(entity, record, where, column_of))


@dataclass(frozen=True)
class Defaults:
    """Register settings that fill blanks in imported records."""

    matrix: str = "5x5"
    """The register's risk matrix, for risks that do not name one."""
