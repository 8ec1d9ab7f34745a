"""What a stored query is: its header fields, its parameters and where it came from."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

PARAMETER_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
"""A parameter name is also the SPARQL variable it binds, so it follows SPARQL's rules (ASCII)."""


class ParamType(StrEnum):
    """The value types a parameter can declare."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    IRI = "iri"

    @property
    def expected(self) -> str:
        """What a valid value looks like, for error messages."""
        return _EXPECTED[self]


_EXPECTED = {
    ParamType.STRING: "any text",
    ParamType.INTEGER: "a whole number such as 30",
    ParamType.DECIMAL: "a number such as 2.5",
    ParamType.BOOLEAN: "true or false (also yes/no, 1/0)",
    ParamType.DATE: "a date as YYYY-MM-DD, or 'today'",
    ParamType.IRI: (
        "an entity ID (R-017), an ISO/IEC 42001 reference (A.6.2.4, 6.1.3), "
        "a prefixed name (rg:Approved) or a full IRI (https://...)"
    ),
}


class QuerySource(StrEnum):
    """Where a query came from."""

    BUILT_IN = "built-in"
    REGISTER = "register"
    AD_HOC = "ad hoc"


class QueryParameter(BaseModel):
    """One ``# param:`` line of a query header."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=PARAMETER_NAME_PATTERN)
    type: ParamType
    description: str = ""
    default: str | None = None
    """The default as written in the header, parsed when the query runs ('today' then too)."""
    optional: bool = False
    """True when the parameter may be left unbound (the query copes with the unbound variable)."""

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


class StoredQuery(BaseModel):
    """A SPARQL query with its header, ready to run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    """The file stem, e.g. ``controls-without-owner``; ad-hoc queries are called ``ad-hoc``."""
    title: str
    description: str = ""
    parameters: tuple[QueryParameter, ...] = ()
    tags: tuple[str, ...] = ()
    sparql: str
    """The whole text, header included, so that error line numbers match the file."""
    source: QuerySource
    path: str | None = None
    overrides_builtin: bool = False
    """True for a register query that replaces the built-in query of the same name."""

    @property
    def origin(self) -> str:
        """How to name the query in messages: its file, or its name."""
        if self.path:
            return self.path
        return "ad-hoc query" if self.source is QuerySource.AD_HOC else f"query {self.name!r}"

    def parameter(self, name: str) -> QueryParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def accepts(self, name: str) -> bool:
        """True when the query declares ``name`` (e.g. ``system``, for ``gaps --system``)."""
        return self.parameter(name) is not None
