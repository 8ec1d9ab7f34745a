"""Bad values found while importing: collected per record, turned into InputErrors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from pydantic import ValidationError

from riskgraph.errors import InputError, InputErrors, Location
from riskgraph.model.entities import GRADES, LIFECYCLE_STAGES, Entity
from riskgraph.model.fields import ID_EXPECTED
from riskgraph.model.rdf import FieldSpec, field_specs
from riskgraph.model.text import CONTROL_EXPECTED, control_character
from riskgraph.scoring import MATRIX_NAMES


@dataclass
class Problems:
    """Every problem of an import, and which records (rows, items, subjects) they make bad."""

    errors: list[InputError] = field(default_factory=list)
    bad_records: set[int] = field(default_factory=set)

    def add(self, record: int, error: InputError) -> None:
        self.errors.append(error)
        self.bad_records.add(record)

    def extend(self, record: int, errors: list[InputError]) -> None:
        for error in errors:
            self.add(record, error)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


def control_character_errors(
    data: dict[str, object], where: Location, column_of: Callable[[str], str | None]
) -> Iterator[tuple[str, InputError]]:
    """(field, error) for each field of ``data`` whose text holds a forbidden character."""
    for name, value in data.items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            code = control_character(text) if isinstance(text, str) else None
            if code is not None:
                yield (
                    name,
                    InputError(
                        f"the text holds the control character {code}",
                        location=at(where, column_of(name) or name),
                        value=text,
                        expected=CONTROL_EXPECTED,
                    ),
                )
                break


def at(where: Location, column: str | None) -> Location:
    """``where`` (file and row or line) narrowed to one column or field."""
    return Location(file=where.file, line=where.line, row=where.row, column=column)


_KIND_EXPECTED = {
    "text": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "date": "a date such as 2026-03-31",
    "uri": "a URL such as https://example.org/doc",
    "iri": "an IRI such as https://example.org/thing",
    "ref": "the ID of an entity in the register or in this import, such as R-001",
    "catalogue": "an ISO/IEC 42001 reference such as A.6.2.4 or 6.1.3",
    "either": "an entity ID or an ISO/IEC 42001 reference such as A.6.2.4",
    "vair": "a VAIR term such as AssessingCreditworthiness",
}
_SPECIAL_EXPECTED = {
    "id": ID_EXPECTED,
    "title": "text of 1 to 500 characters",
    "matrix": "one of " + ", ".join(MATRIX_NAMES),
    "component_type": "one of model, dataset, service",
    "finding_type": "one of finding, nonconformity",
    "lifecycle_stage": "one of " + ", ".join(LIFECYCLE_STAGES),
    "grade": "one of " + ", ".join(GRADES),
    "annex_a": "an Annex A control such as A.6.2.4",
}
_SCORES = ("likelihood", "severity", "residual_likelihood", "residual_severity")


@cache
def specs_by_name(cls: type[Entity]) -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in field_specs(cls)}


def expected_for(cls: type[Entity], name: str) -> str:
    """What a field accepts, in words, for error messages."""
    if name in _SCORES:
        return "a whole number from 1 to the size of the risk's matrix (1 to 5 on 5x5)"
    spec = specs_by_name(cls).get(name)
    if name in _SPECIAL_EXPECTED:
        text = _SPECIAL_EXPECTED[name]
    elif spec is None:
        return f"one of the fields of a {cls.kind}: {', '.join(cls.model_fields)}"
    elif spec.enum is not None:
        text = "one of " + ", ".join(member.value for member in spec.enum)
    else:
        text = _KIND_EXPECTED[spec.kind]
    if spec is not None and spec.many:
        return f"a list separated by ';' of {text}"
    return text


def validation_errors(
    exc: ValidationError,
    cls: type[Entity],
    where: Location,
    column_of: Callable[[str], str | None] = lambda name: name,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[InputError]:
    """pydantic's errors for one record, each naming its place, value and what was expected.
    Errors about the fields in ``skip`` are left out."""
    errors = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        name = str(loc[0]) if loc else _field_named_in(str(err["msg"]), cls)
        if name in skip:
            continue
        kind = err["type"]
        value = err.get("input")
        if kind == "missing":
            value = None
        elif not loc:  # a model-level check: show the value of the field it names, if any
            value = value.get(name) if isinstance(value, dict) and name else None
        if kind == "missing":
            problem = f"the {cls.kind} has no {name}, which is required"
        elif kind == "extra_forbidden":
            problem = f"{name!r} is not a field of a {cls.kind}"
        elif kind == "string_pattern_mismatch":
            problem = "not in the expected form"
        else:
            problem = str(err["msg"]).removeprefix("Value error, ")
        column = column_of(name) if name else None
        if kind == "extra_forbidden":
            expected = expected_for(cls, "")
        elif name:
            expected = expected_for(cls, name)
        else:
            expected = None
        errors.append(
            InputError(problem, location=at(where, column), value=value, expected=expected)
        )
    return errors


def _field_named_in(message: str, cls: type[Entity]) -> str | None:
    """The field a model-level check complains about, when its message starts with the name."""
    first = message.removeprefix("Value error, ").split(" ", 1)[0]
    return first if first in cls.model_fields else None
