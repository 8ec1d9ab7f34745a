"""Listings: one record per entity, the columns shown per kind, and the filters (``--where``
in the CLI) and sort order over those records.

A filter on a field with a fixed set of values (a status, an option, a level, a yes/no field, a
whole number, a date) checks the value it is given: an unknown value is an error naming the
field, the value and what the field takes, never an empty listing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from riskgraph.config import LEVEL_NAMES, RegisterConfig
from riskgraph.editing.schema import FieldInfo, fields_of, with_article
from riskgraph.errors import InputError, Location
from riskgraph.ids import IdKey, natural_key
from riskgraph.model.entities import Entity, Risk
from riskgraph.scoring import above_appetite, level_by_name

Record = dict[str, object]

LEVEL_COLUMNS = ("inherent_level", "residual_level", "current_level")
RISK_COLUMNS = (*LEVEL_COLUMNS, "above_appetite")
"""Computed columns of risks, usable in --where and --sort and written to CSV."""

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "system": ("id", "title", "lifecycle_stage", "owner", "review_due"),
    "component": ("id", "title", "component_type", "version", "provided_by", "owner"),
    "supplier": ("id", "title", "owner"),
    "person": ("id", "title", "email", "roles", "member_of"),
    "consequence": ("id", "title", "stakeholders"),
    "risk": ("id", "title", "inherent_level", "residual_level", "owner", "affects"),
    "control": ("id", "title", "status", "owner", "addresses"),
    "treatment": ("id", "risk", "option", "status", "approved_by", "due_date"),
    "assessment": ("id", "title", "system", "assessor", "assessed_on"),
    "evidence": ("id", "title", "supports", "issued", "expires"),
    "finding": ("id", "title", "finding_type", "status", "grade", "concerns"),
    "action": ("id", "title", "finding", "status", "due_date", "owner"),
    "soa": ("id", "annex_a", "applicable", "justification", "decided_by"),
    "incident": ("id", "title", "occurred_on", "status", "nonconformity", "realised_risks"),
    "audit": ("id", "title", "audit_kind", "starts_on", "ends_on", "auditors"),
    "management-review": ("id", "title", "held_on", "attendees"),
}
"""The columns of the terminal table per kind; other kinds show id and title."""

HEADERS = {
    "inherent_level": "level",
    "residual_level": "residual",
    "affects": "systems",
    "addresses": "annex A",
    "lifecycle_stage": "stage",
    "component_type": "type",
    "finding_type": "type",
}


def record(entity: Entity, config: RegisterConfig) -> Record:
    """The entity's fields as JSON values, after its kind, plus computed columns for risks."""
    row: Record = {"kind": entity.kind, **entity.model_dump(mode="json")}
    if isinstance(entity, Risk):
        residual = entity.residual_level
        row["inherent_level"] = entity.inherent_level.name
        row["residual_level"] = residual.name if residual else None
        row["current_level"] = entity.current_level.name
        row["above_appetite"] = above_appetite(entity.current_level, config.risk.appetite_rank)
    return row


def columns_of(cls: type[Entity]) -> list[str]:
    """Every column a record of this kind has."""
    computed = list(RISK_COLUMNS) if cls is Risk else []
    return [*fields_of(cls), *computed]


def table_columns(cls: type[Entity]) -> tuple[str, ...]:
    return TABLE_COLUMNS.get(cls.kind, ("id", "title"))


def _column(name: str, cls: type[Entity], option: str) -> str:
    column = name.strip().replace("-", "_")
    if column not in columns_of(cls):
        raise InputError(
            f"{option}: {with_article(cls.kind)} has no column {name!r}",
            expected="one of " + ", ".join(columns_of(cls)),
        )
    return column


_CONDITION = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*(!=|>=|<=|=|~|>|<)\s*(.*?)\s*$")
_ORDERING = (">", "<", ">=", "<=")


@dataclass(frozen=True)
class Condition:
    """One --where filter: column, operator (= != ~ < <= > >=) and the value typed by the user."""

    column: str
    op: str
    value: str

    def matches(self, row: Record) -> bool:
        actual = row.get(self.column)
        if isinstance(actual, list):
            return self._matches_list([str(v) for v in actual])
        if self.op == "~":
            return self.value.lower() in _text(actual).lower()
        compared = _compare(self.column, actual, self.value)
        return {
            "=": compared == 0,
            "!=": compared != 0,
            ">": compared is not None and compared > 0,
            "<": compared is not None and compared < 0,
            ">=": compared is not None and compared >= 0,
            "<=": compared is not None and compared <= 0,
        }[self.op]

    def _matches_list(self, items: list[str]) -> bool:
        wanted = self.value.lower()
        if self.op == "~":
            return any(wanted in item.lower() for item in items)
        found = wanted in (item.lower() for item in items)
        return found if self.op == "=" else not found


def parse_condition(text: str, cls: type[Entity]) -> Condition:
    match = _CONDITION.match(text)
    if match is None:
        raise InputError(
            "a filter needs a column, an operator and a value",
            value=text,
            expected="e.g. status=implemented, likelihood>=4, title~drift, owner!=P-001",
        )
    name, op, value = match.groups()
    column = _column(name, cls, "filter")
    fields = fields_of(cls)
    if op in _ORDERING and column in fields and fields[column].many:
        raise InputError(f"filter: {column} is a list; use = (contains), != or ~", value=text)
    if op != "~" and value.strip():
        _check_value(column, value, cls)
    return Condition(column, op, value)


BOOLEAN_COLUMNS = ("above_appetite",)
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")


def _check_value(column: str, value: str, cls: type[Entity]) -> None:
    """Refuse a value the column can never hold (a typo in a status, a level, a number ...)."""
    if column in LEVEL_COLUMNS:
        _level_rank(value, column)
        return
    info: FieldInfo | None = fields_of(cls).get(column)
    typed = value.strip().lower()
    if info is not None and info.choices:
        if typed not in info.choices:
            raise _unknown(column, value, "one of " + ", ".join(info.choices))
    elif column in BOOLEAN_COLUMNS or (info is not None and info.value_kind == "boolean"):
        if typed not in _TRUE + _FALSE:
            raise _unknown(column, value, "true or false (also yes/no)")
    elif info is not None and info.value_kind == "integer":
        if not re.fullmatch(r"-?\d+", typed):
            bounds = f" from {info.bounds[0]} to {info.bounds[1]}" if info.bounds else ""
            raise _unknown(column, value, "a whole number" + bounds)
    elif info is not None and info.value_kind == "date":
        try:
            date.fromisoformat(typed)
        except ValueError:
            raise _unknown(column, value, "a date as YYYY-MM-DD") from None


def _unknown(column: str, value: str, expected: str) -> InputError:
    return InputError(
        "unknown value",
        location=Location(column=column),
        value=value,
        expected=expected,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _compare(column: str, actual: object, wanted: str) -> int | None:
    """-1, 0 or 1 comparing a record value with the typed value; None when they cannot compare
    (the field is empty and something was asked for)."""
    if actual is None or actual == "":
        return 0 if wanted == "" else None
    if column in LEVEL_COLUMNS:
        return _sign(_level_rank(str(actual)) - _level_rank(wanted))
    if isinstance(actual, bool):
        return 0 if _text(actual) == _boolean_text(wanted) else 1
    if isinstance(actual, int) and re.fullmatch(r"-?\d+", wanted.strip()):
        return _sign(actual - int(wanted))
    a, b = _text(actual).lower(), wanted.lower()
    return (a > b) - (a < b)


def _sign(number: int) -> int:
    return (number > 0) - (number < 0)


def _boolean_text(value: str) -> str:
    return "true" if value.strip().lower() in _TRUE else "false"


def text_key(text: str) -> IdKey:
    """How every listing orders text (IDs, titles, names): ID order, ignoring case."""
    return natural_key(text.lower())


def level_rank(text: str) -> int | None:
    """The rank of a level given by name ('very-high') or label ('very high'), else None."""
    try:
        return level_by_name(text.strip().lower().replace(" ", "-")).rank
    except ValueError:
        return None


def _level_rank(name: str, column: str | None = None) -> int:
    rank = level_rank(name)
    if rank is None:
        raise InputError(
            "unknown risk level",
            location=Location(column=column) if column else None,
            value=name,
            expected="one of " + ", ".join(LEVEL_NAMES),
        )
    return rank


def sort_key(column: str) -> Callable[[Record], tuple[int, object]]:
    """Empty values last; levels by rank; numbers by value; text (IDs, titles, lists) in ID order
    (``riskgraph.ids.natural_key``: R-9 before R-10), ignoring case."""

    def key(row: Record) -> tuple[int, object]:
        value = row.get(column)
        if value is None or value == [] or value == "":
            return (1, "")
        if column in LEVEL_COLUMNS:
            return (0, _level_rank(str(value)))
        if isinstance(value, bool | int):
            return (0, int(value))
        if isinstance(value, list):
            return (0, text_key(", ".join(map(str, value))))
        return (0, text_key(str(value)))

    return key


def select(
    rows: list[Record],
    cls: type[Entity],
    *,
    where: list[str],
    sort: str | None,
    limit: int | None,
) -> list[Record]:
    """Filter, order and cut the records of one kind."""
    conditions = [parse_condition(text, cls) for text in where]
    chosen = [row for row in rows if all(c.matches(row) for c in conditions)]
    if sort:
        descending = sort.startswith("-")
        column = _column(sort.removeprefix("-"), cls, "sort")
        key = sort_key(column)
        filled = [row for row in chosen if key(row)[0] == 0]
        empty = [row for row in chosen if key(row)[0] == 1]
        chosen = sorted(filled, key=key, reverse=descending) + empty
    return chosen[:limit] if limit is not None else chosen
