"""The file formats riskgraph imports and exports, and how a format is chosen."""

from __future__ import annotations

import enum
from pathlib import Path

import pyoxigraph as ox

from riskgraph.errors import UserError


class DataFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    YAML = "yaml"
    JSON = "json"
    TURTLE = "ttl"
    TRIG = "trig"
    JSON_LD = "jsonld"
    N_TRIPLES = "nt"
    N_QUADS = "nq"

    @property
    def rdf_format(self) -> ox.RdfFormat | None:
        """The pyoxigraph format for RDF formats, else None."""
        return _RDF_FORMATS.get(self)

    @property
    def is_rdf(self) -> bool:
        return self in _RDF_FORMATS

    @property
    def is_table(self) -> bool:
        return self in (DataFormat.CSV, DataFormat.XLSX)

    @property
    def holds_datasets(self) -> bool:
        """True when named graphs survive (TriG, N-Quads, JSON-LD)."""
        return self in (DataFormat.TRIG, DataFormat.N_QUADS, DataFormat.JSON_LD)

    @property
    def binary(self) -> bool:
        return self is DataFormat.XLSX


_RDF_FORMATS = {
    DataFormat.TURTLE: ox.RdfFormat.TURTLE,
    DataFormat.TRIG: ox.RdfFormat.TRIG,
    DataFormat.JSON_LD: ox.RdfFormat.JSON_LD,
    DataFormat.N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    DataFormat.N_QUADS: ox.RdfFormat.N_QUADS,
}

_ALIASES: dict[str, DataFormat] = {
    "csv": DataFormat.CSV,
    "xlsx": DataFormat.XLSX,
    "xlsm": DataFormat.XLSX,
    "yaml": DataFormat.YAML,
    "yml": DataFormat.YAML,
    "json": DataFormat.JSON,
    "ttl": DataFormat.TURTLE,
    "turtle": DataFormat.TURTLE,
    "trig": DataFormat.TRIG,
    "jsonld": DataFormat.JSON_LD,
    "json-ld": DataFormat.JSON_LD,
    "nt": DataFormat.N_TRIPLES,
    "ntriples": DataFormat.N_TRIPLES,
    "n-triples": DataFormat.N_TRIPLES,
    "nq": DataFormat.N_QUADS,
    "nquads": DataFormat.N_QUADS,
    "n-quads": DataFormat.N_QUADS,
}

IMPORT_FORMATS = tuple(DataFormat)
EXPORT_FORMATS = tuple(f for f in DataFormat if f not in (DataFormat.YAML, DataFormat.JSON))


def _names(formats: tuple[DataFormat, ...]) -> str:
    return ", ".join(f.value for f in formats)


def parse_format(name: str, *, allowed: tuple[DataFormat, ...], option: str) -> DataFormat:
    """A format from its name or alias (``--format``), or a UserError listing the choices."""
    found = _ALIASES.get(name.strip().lower().lstrip("."))
    if found is None or found not in allowed:
        raise UserError(
            f"{option} {name!r} is not a format riskgraph knows here; "
            f"expected one of {_names(allowed)}"
        )
    return found


def format_for(
    path: Path | None,
    explicit: str | None,
    *,
    allowed: tuple[DataFormat, ...],
    purpose: str,
) -> DataFormat:
    """The format named by ``--format``, else the one the file extension implies."""
    if explicit:
        return parse_format(explicit, allowed=allowed, option="format")
    if path is not None and path.suffix:
        found = _ALIASES.get(path.suffix[1:].lower())
        if found is not None and found in allowed:
            return found
    where = f"{path.name} has no extension riskgraph knows" if path else "no file was given"
    raise UserError(
        f"cannot tell which format to {purpose}: {where}; name the format, one of {_names(allowed)}"
    )
