"""Listing filters refuse values a field can never hold, for every field with a fixed set."""

from __future__ import annotations

import pytest

from riskgraph.config import LEVEL_NAMES
from riskgraph.editing.schema import fields_of
from riskgraph.errors import InputError
from riskgraph.model.entities import ENTITY_TYPES, Entity, Risk
from riskgraph.views.listing import LEVEL_COLUMNS, parse_condition, select

ENUM_FIELDS = [
    pytest.param(cls, info.name, info.choices, id=f"{cls.kind}.{info.name}")
    for cls in ENTITY_TYPES
    for info in fields_of(cls).values()
    if info.choices
]


def test_the_enum_fields_are_found() -> None:
    names = {param.id for param in ENUM_FIELDS}
    assert {"control.status", "treatment.status", "treatment.option", "finding.grade"} <= names


@pytest.mark.parametrize(("cls", "field", "choices"), ENUM_FIELDS)
def test_an_unknown_enum_value_names_field_value_and_choices(
    cls: type[Entity], field: str, choices: tuple[str, ...]
) -> None:
    # A list field (EU AI Act roles) takes no ordering: '>=' is refused for that first.
    ops = ("=", "!=") if fields_of(cls)[field].many else ("=", "!=", ">=")
    for op in ops:
        with pytest.raises(InputError) as caught:
            select([], cls, where=[f"{field}{op}{choices[0]}x"], sort=None, limit=None)
        message = str(caught.value)
        assert repr(field) in message and repr(f"{choices[0]}x") in message
        assert "one of " + ", ".join(choices) in message


@pytest.mark.parametrize(("cls", "field", "choices"), ENUM_FIELDS)
def test_every_enum_value_is_accepted_in_any_case(
    cls: type[Entity], field: str, choices: tuple[str, ...]
) -> None:
    for choice in choices:
        rows = [{"id": "X-1", field: choice}, {"id": "X-2", field: None}]
        for typed in (choice, choice.upper()):
            chosen = select(rows, cls, where=[f"{field}={typed}"], sort=None, limit=None)
            assert [row["id"] for row in chosen] == ["X-1"]


@pytest.mark.parametrize("column", LEVEL_COLUMNS)
def test_level_columns_take_level_names_only(column: str) -> None:
    for name in LEVEL_NAMES:
        parse_condition(f"{column}>={name}", Risk)
    with pytest.raises(InputError, match="unknown risk level") as caught:
        parse_condition(f"{column}=severe", Risk)
    assert repr(column) in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "condition", "expected"),
    [
        ("soa", "applicable=maybe", "true or false"),
        ("risk", "above_appetite=perhaps", "true or false"),
        ("risk", "likelihood>=x", "a whole number from 1 to"),
        ("treatment", "due_date<2026-13-01", "a date as YYYY-MM-DD"),
    ],
)
def test_booleans_numbers_and_dates_are_checked(kind: str, condition: str, expected: str) -> None:
    cls = next(cls for cls in ENTITY_TYPES if cls.kind == kind)
    with pytest.raises(InputError, match="unknown value") as caught:
        parse_condition(condition, cls)
    assert expected in str(caught.value)


def test_contains_and_empty_values_are_not_checked() -> None:
    control = next(cls for cls in ENTITY_TYPES if cls.kind == "control")
    rows = [{"id": "C-1", "status": "implemented"}, {"id": "C-2", "status": None}]
    assert [r["id"] for r in select(rows, control, where=["status~impl"], sort=None, limit=None)]
    assert select(rows, control, where=["status="], sort=None, limit=None) == [rows[1]]


def test_sorting_puts_ids_and_numbered_text_in_id_order() -> None:
    risk_rows: list[dict[str, object]] = [
        {"id": i, "owner": o} for i, o in (("R-10", "P-2"), ("R-9", None), ("R-100", "P-10"))
    ]
    by_id = select(risk_rows, Risk, where=[], sort="id", limit=None)
    assert [row["id"] for row in by_id] == ["R-9", "R-10", "R-100"]
    by_owner = select(risk_rows, Risk, where=[], sort="-owner", limit=None)
    assert [row["owner"] for row in by_owner] == ["P-10", "P-2", None]  # empty last
