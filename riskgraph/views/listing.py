"""Rows for 'riskgraph list': one record per entity, the columns shown per kind, and the
``--where`` filters and ``--sort`` order over those records.

Imported by the entity commands when they run, never at CLI start-up, so it may import the core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from riskgraph.config import RegisterConfig
from riskgraph.editing.schema import fields_of, with_article
from riskgraph.errors import InputError
from riskgraph.model.entities import Entity, Risk
from riskgraph.scoring import level_by_name

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
        row["above_appetite"] = entity.current_level.rank > config.risk.appetite_rank
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
            "--where needs a column, an operator and a value",
            value=text,
            expected="e.g. status=implemented, likelihood>=4, title~drift, owner!=P-001",
        )
    name, op, value = match.groups()
    column = _column(name, cls, "--where")
    fields = fields_of(cls)
    if op in _ORDERING and column in fields and fields[column].many:
        raise InputError(f"--where: {column} is a list; use = (contains), != or ~", value=text)
    if column in LEVEL_COLUMNS and op != "~" and value:
        _level_rank(value)
    return Condition(column, op, value)


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
    lowered = value.strip().lower()
    return "true" if lowered in ("true", "yes", "1", "y") else "false"


def _level_rank(name: str) -> int:
    try:
        return level_by_name(name.strip().lower()).rank
    except ValueError:
        raise InputError(
            "--where: unknown risk level",
            value=name,
            expected="extremely-low, very-low, low, moderate, high, very-high or extremely-high",
        ) from None


def sort_key(column: str) -> Callable[[Record], tuple[int, int | str]]:
    """Empty values last; levels by rank; lists by their text."""

    def key(row: Record) -> tuple[int, int | str]:
        value = row.get(column)
        if value is None or value == [] or value == "":
            return (1, "")
        if column in LEVEL_COLUMNS:
            return (0, _level_rank(str(value)))
        if isinstance(value, bool | int):
            return (0, int(value))
        if isinstance(value, list):
            return (0, ", ".join(map(str, value)).lower())
        return (0, str(value).lower())

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
        column = _column(sort.removeprefix("-"), cls, "--sort")
        key = sort_key(column)
        filled = [row for row in chosen if key(row)[0] == 0]
        empty = [row for row in chosen if key(row)[0] == 1]
        chosen = sorted(filled, key=key, reverse=descending) + empty
    return chosen[:limit] if limit is not None else chosen
