"""Mapping files: how the columns of someone else's spreadsheet become riskgraph fields.

A mapping is YAML, validated by ``Mapping``. See docs/import-export.md for the full format and
examples/mappings/ for mappings of real datasets.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from riskgraph.errors import InputError, InputErrors, Location, UserError
from riskgraph.io.tables import HEADER_SEARCH_ROWS
from riskgraph.io.template import kind_named, required_fields
from riskgraph.io.yaml_lines import line_of, load_yaml
from riskgraph.model.entities import Entity

Scalar = str | int | float | bool | date
ROW_PLACEHOLDER = "_row"
"""``{_row}`` in a template stands for the row number (unless a column has that name)."""
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


class FieldRule(BaseModel):
    """Where one field's value comes from: a column, a template or a constant value."""

    model_config = ConfigDict(extra="forbid")

    column: str | list[str] | None = None
    """A column name; or a list of names, of which the first non-blank one is used."""
    template: str | list[str] | None = None
    """Text with {Column} placeholders, e.g. 'MIT-{Ev_ID}'; or a list tried in order (the first
    whose placeholders are all filled is used). {_row} is the row number."""
    value: Scalar | list[Scalar] | None = None
    """A constant for every row."""
    default: Scalar | list[Scalar] | None = None
    """Used when the column or template gives nothing."""
    map: dict[str, Scalar | None] | None = None
    """Value map, e.g. {'Very high': 5}; keys match ignoring case and surrounding spaces.
    Mapping to null (~) leaves the field blank."""
    pattern: str | None = None
    """A regular expression that every value must match (searched, Python syntax); with
    ``replace``, each match is replaced, e.g. pattern '-', replace '.': 'A-6-2-3' -> 'A.6.2.3'.
    Applied before ``map``."""
    replace: str | None = None
    """The replacement for ``pattern`` (``\\1`` names a group)."""
    unmapped: Literal["error", "keep", "blank"] = "error"
    """What a value missing from ``map`` (or not matching ``pattern``) does: a bad row (error),
    passes as it is, or blank."""
    split: str | None = None
    """Separator of multiple values in one cell (list fields default to ';')."""
    slug: bool = False
    """Turn characters not allowed in IDs into '-', e.g. 'FDIC – 3' -> 'FDIC-3'."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"column": data} if isinstance(data, str) else data

    @field_validator("column", "template")
    @classmethod
    def _not_an_empty_list(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and not value:
            raise ValueError("an empty list names nothing; give at least one")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> FieldRule:
        given = [n for n in ("column", "template", "value") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of column, template or value"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    @model_validator(mode="after")
    def _valid_pattern(self) -> FieldRule:
        if self.replace is not None and self.pattern is None:
            raise ValueError("replace needs a pattern")
        if self.pattern is not None:
            try:
                compiled = re.compile(self.pattern)
                if self.replace is not None:
                    compiled.sub(self.replace, "")
            except re.error as exc:
                raise ValueError(
                    f"pattern or replace is not a valid regular expression: {exc}"
                ) from None
        return self

    @property
    def columns(self) -> list[str]:
        """Every column this rule reads."""
        if self.column is not None:
            return [self.column] if isinstance(self.column, str) else list(self.column)
        names = [p for t in self.templates for p in placeholders(t)]
        return [n for n in dict.fromkeys(names) if n != ROW_PLACEHOLDER]

    @property
    def templates(self) -> list[str]:
        if self.template is None:
            return []
        return [self.template] if isinstance(self.template, str) else list(self.template)


class Mapping(BaseModel):
    """A mapping file: one target kind, the sheet layout, and one rule per field."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    """The kind every row becomes, e.g. risk or system."""
    description: str | None = None
    source: str | None = None
    """Where the data comes from and its licence, for the record."""
    sheet: str | None = None
    """XLSX: the sheet to read (default: the first)."""
    header_row: int | Literal["auto"] = "auto"
    """The header's row number (1-based), or auto: the first row holding every mapped column."""
    encoding: str = "utf-8-sig"
    """CSV: the text encoding (utf-8-sig also reads UTF-8 with or without a byte-order mark)."""
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    """CSV: the field separator."""
    include: dict[str, list[str]] = Field(default_factory=dict)
    """Import only rows whose column holds one of the values; other rows are left out."""
    on_bad_row: Literal["fail", "skip"] = "fail"
    """fail: any bad row stops the import; skip: good rows land, bad ones are reported."""
    fields: dict[str, FieldRule]

    @field_validator("header_row")
    @classmethod
    def _header_in_reach(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 1 <= value <= HEADER_SEARCH_ROWS:
            raise ValueError(f"header_row must be from 1 to {HEADER_SEARCH_ROWS}, or auto")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            info = codecs.lookup(value)
        except LookupError:
            raise ValueError(f"{value!r} is not a text encoding Python knows") from None
        if not getattr(info, "_is_text_encoding", True):  # rot13, bz2_codec, base64 ...
            raise ValueError(f"{value!r} is a codec for bytes or text, not a text encoding")
        return value

    @property
    def target(self) -> type[Entity]:
        return kind_named(self.kind)

    @property
    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        names = [c for rule in self.fields.values() for c in rule.columns] + list(self.include)
        return list(dict.fromkeys(names))


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every error names the file, line and key."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the mapping file: {exc}", location=Location(file)) from None
    data = load_yaml(text, file)
    if not isinstance(data, dict):
        raise InputError(
            "a mapping file is a YAML mapping with kind and fields",
            location=Location(file),
            expected="see examples/mappings/ and docs/import-export.md",
        )
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, InputError] = {}
        for err in exc.errors(include_url=False):
            steps = [step for step in err["loc"] if not _is_type_tag(step)]
            key = ".".join(str(step) for step in steps)
            errors.setdefault(key, _mapping_error(file, data, steps, err))
        raise InputErrors(list(errors.values())) from None
    _check_fields(mapping, file, data)
    return mapping


_TYPE_TAGS = {"str", "int", "float", "bool", "date"}


def _is_type_tag(step: object) -> bool:
    """pydantic puts the tried type of a union into error paths (str, list[str], ...)."""
    return isinstance(step, str) and (step in _TYPE_TAGS or "[" in step)


def _mapping_error(file: str, data: Any, path: list[Any], err: Any) -> InputError:
    key = ".".join(str(p) for p in path)
    value = None if err["type"] == "missing" else err.get("input")
    return InputError(
        str(err["msg"]).removeprefix("Value error, "),
        location=Location(file, line=line_of(data, path), column=key or None),
        value=value if not isinstance(value, dict) else None,
        expected="see docs/import-export.md, 'Mapping files'",
    )


def _check_fields(mapping: Mapping, file: str, data: Any) -> None:
    try:
        cls = mapping.target
    except UserError as exc:
        raise InputError(
            str(exc), location=Location(file, line=line_of(data, ["kind"]), column="kind")
        ) from None
    errors = []
    for name in mapping.fields:
        if name not in cls.model_fields:
            errors.append(
                InputError(
                    f"{name!r} is not a field of a {cls.kind}",
                    location=Location(file, line=line_of(data, ["fields", name]), column="fields"),
                    expected=", ".join(cls.model_fields),
                )
            )
    for name in required_fields(cls):
        if name not in mapping.fields:
            errors.append(
                InputError(
                    f"every {cls.kind} needs {name}, and the mapping gives it no rule",
                    location=Location(file, line=line_of(data, ["fields"]), column="fields"),
                    expected=f"a rule for {name}: a column, a template, or a constant 'value:'",
                )
            )
    if errors:
        raise InputErrors(errors)
