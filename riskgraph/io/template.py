"""riskgraph's spreadsheet template: one sheet (or CSV file) per entity kind.

Layout of a sheet, top to bottom:

1. a marker row whose first cell reads ``# riskgraph template: risk v1`` (kind and version);
2. the header row: the model's field names (``id``, ``title``, ``description``, ...);
3. one row per entity. Lists are joined with ``; ``; dates are ISO dates (2026-03-31).

Banner rows may sit above the marker and header; both are looked for in the first rows.
"""

from __future__ import annotations

import re
import typing
from datetime import date
from enum import Enum
from functools import cache

from riskgraph.errors import UserError
from riskgraph.model.entities import ENTITY_TYPES, Entity

TEMPLATE_VERSION = 1
LIST_SEPARATOR = ";"
LIST_JOINER = "; "
_MARKER = re.compile(r"^#\s*riskgraph template:\s*([A-Za-z_-]+)\s+v(\d+)\s*$", re.IGNORECASE)

Cell = str | int | bool | date | None


def marker(cls: type[Entity]) -> str:
    return f"# riskgraph template: {cls.kind} v{TEMPLATE_VERSION}"


def parse_marker(text: str) -> tuple[str, int] | None:
    """(kind name, version) of a marker cell, or None when the text is not a marker."""
    found = _MARKER.match(text)
    return (found.group(1), int(found.group(2))) if found else None


def kind_names() -> str:
    return ", ".join(cls.kind for cls in ENTITY_TYPES)


def kind_named(name: str) -> type[Entity]:
    """The entity class for a kind name or its plural (``risk`` or ``risks``)."""
    wanted = name.strip().lower()
    for cls in ENTITY_TYPES:
        if wanted in (cls.kind, cls.plural):
            return cls
    raise UserError(f"{name!r} is not a kind of entity; expected one of {kind_names()}")


@cache
def columns(cls: type[Entity]) -> tuple[str, ...]:
    """The template's columns for a kind: every field of the model, in declaration order."""
    return tuple(cls.model_fields)


@cache
def list_fields(cls: type[Entity]) -> frozenset[str]:
    return frozenset(
        name
        for name, info in cls.model_fields.items()
        if typing.get_origin(info.annotation) is list
    )


@cache
def required_fields(cls: type[Entity]) -> tuple[str, ...]:
    return tuple(name for name, info in cls.model_fields.items() if info.is_required())


def normalise_header(text: str) -> str:
    """Header cells match field names loosely: 'Residual likelihood' is residual_likelihood."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def cells(entity: Entity) -> list[Cell]:
    """An entity's row in the template, as typed cells (a writer turns them into text)."""
    row: list[Cell] = []
    for name in columns(type(entity)):
        value = getattr(entity, name)
        if isinstance(value, list):
            row.append(LIST_JOINER.join(_scalar_text(v) for v in value) or None)
        elif isinstance(value, Enum):
            row.append(str(value.value))
        else:
            row.append(value)
    return row


def _scalar_text(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


def cell_as_text(value: Cell) -> str:
    """A cell as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
