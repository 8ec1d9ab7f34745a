"""What an export format is: its name, what it accepts and the function that writes it."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from riskgraph.errors import UserError
from riskgraph.store.base import AskResult, GraphResult, QueryResult, SelectResult
from riskgraph.vocab import PREFIXES


class ResultKind(enum.StrEnum):
    """The three shapes a SPARQL query answer can take."""

    SELECT = "select"
    GRAPH = "graph"
    ASK = "ask"

    @property
    def description(self) -> str:
        return _KIND_DESCRIPTIONS[self]


_KIND_DESCRIPTIONS = {
    ResultKind.SELECT: "SELECT rows",
    ResultKind.GRAPH: "CONSTRUCT/DESCRIBE triples",
    ResultKind.ASK: "an ASK answer",
}


def kind_of(result: QueryResult) -> ResultKind:
    if isinstance(result, SelectResult):
        return ResultKind.SELECT
    if isinstance(result, GraphResult):
        return ResultKind.GRAPH
    if isinstance(result, AskResult):
        return ResultKind.ASK
    raise TypeError(f"not a query result: {type(result).__name__}")


ManifestSheet = Callable[[int, str], Sequence[tuple[str, str | None]]]
"""Called by a workbook writer after the rows: (row count, cell hash) -> manifest fields."""


@dataclass(frozen=True)
class WriteOptions:
    """Settings a writer may use; each writer ignores those that do not concern it."""

    prefixes: Mapping[str, str] = field(default_factory=lambda: dict(PREFIXES))
    """Prefixes for RDF serialisations and for compact IRIs in human-readable tables."""
    width: int | None = None
    """Console width for the terminal table (None: detect)."""
    manifest_sheet: ManifestSheet | None = None
    """For formats that embed the manifest (XLSX): builds it once the rows are written."""


Writer = Callable[[QueryResult, BinaryIO, WriteOptions], int]
"""Writes a result to a binary stream and returns how many rows (or triples) it wrote."""


@dataclass(frozen=True)
class ExportFormat:
    name: str
    """Short name used on the command line, e.g. ``csv``."""
    label: str
    """Name for menus, e.g. "CSV (comma-separated)"."""
    extensions: tuple[str, ...]
    """File extensions without the dot; the first is the one to use when saving."""
    media_type: str
    kinds: frozenset[ResultKind]
    writer: Writer
    binary: bool = False
    """True when the output is not text (it cannot go to a terminal or a text stream)."""
    embeds_manifest: bool = False
    """True when the audit manifest goes inside the file rather than in a sidecar."""

    @property
    def extension(self) -> str:
        return self.extensions[0]

    def accepts(self, kind: ResultKind) -> bool:
        return kind in self.kinds


def expect_select(result: QueryResult) -> SelectResult:
    if not isinstance(result, SelectResult):
        raise UserError(f"this format writes SELECT rows, not {kind_of(result).description}")
    return result


def expect_graph(result: QueryResult) -> GraphResult:
    if not isinstance(result, GraphResult):
        raise UserError(
            f"this format writes CONSTRUCT/DESCRIBE triples, not {kind_of(result).description}"
        )
    return result


def expect_ask(result: QueryResult) -> AskResult:
    if not isinstance(result, AskResult):
        raise UserError(f"this format writes an ASK answer, not {kind_of(result).description}")
    return result
