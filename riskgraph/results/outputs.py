"""The one registry of output formats: for every document riskgraph writes, the formats it can
be written in, their file extensions, and the one rule that picks a format.

The rule, the same for every document and every face:

- a format asked for by name must be one of the document's formats (aliases allowed);
- a file name's extension must belong to one of them: ``report -o report.pdf`` is refused, with
  the formats that are supported, instead of writing HTML into a ``.pdf``;
- both given, they must agree: an extension of another format is refused (``-f csv -o soa.xlsx``);
  a file without an extension, or with one no format claims (``-f tsv -o ids.out``), takes the
  named format;
- neither given: the document's default.

Query results have their writers in ``riskgraph.results.registry`` (their formats also depend on
the kind of result); ``QUERY_RESULTS`` below lists the same formats, built from that registry.
Messages here name documents, formats and files, never the options of one face.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from riskgraph.errors import InputError, Location
from riskgraph.results.registry import FORMATS


@dataclass(frozen=True)
class OutputFormat:
    name: str
    extensions: tuple[str, ...] = ()
    """File extensions without the dot, the usual one first; none: shown on a terminal only."""
    binary: bool = False
    """True when the output is not text (it needs a file, not a terminal)."""
    aliases: tuple[str, ...] = ()
    """Other names accepted for it (``markdown`` for ``md``)."""

    def named(self, name: str) -> bool:
        return name == self.name or name in self.aliases


@dataclass(frozen=True)
class Document:
    """Something riskgraph writes, and the formats it can be written in."""

    title: str
    """What it is, for messages: "the Statement of Applicability"."""
    formats: tuple[OutputFormat, ...]
    default: str
    """The format when neither a name nor a file extension says."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(fmt.name for fmt in self.formats)

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple("." + ext for fmt in self.formats for ext in fmt.extensions)

    def format(self, name: str) -> OutputFormat:
        """The format called ``name`` (any case, aliases allowed), or an InputError."""
        wanted = name.strip().lower().removeprefix(".")
        for fmt in self.formats:
            if fmt.named(wanted) or wanted in fmt.extensions:
                return fmt
        raise InputError(
            f"{self.title} cannot be written as {name!r}",
            value=name,
            expected="one of " + ", ".join(self.names),
        )

    def for_file(self, path: str | PurePath) -> OutputFormat | None:
        """The format a file name's extension asks for; None when it has no extension."""
        extension = PurePath(path).suffix.lower().removeprefix(".")
        if not extension:
            return None
        for fmt in self.formats:
            if extension in fmt.extensions:
                return fmt
        raise InputError(
            f"{self.title} cannot be written as a .{extension} file: none of its formats has "
            "that extension",
            location=Location(file=str(path)),
            expected="a file ending in " + ", ".join(self.extensions) + self._by_name(),
        )

    def choose(self, name: str | None, path: str | PurePath | None) -> OutputFormat:
        """The format asked for by ``name`` and the file ``path`` (either may be None)."""
        named = self.format(name) if name is not None else None
        extension = PurePath(path).suffix.lower().removeprefix(".") if path is not None else ""
        claimed = {ext for fmt in self.formats for ext in fmt.extensions}
        if named is not None and extension in claimed and extension not in named.extensions:
            raise InputError(
                f"a .{extension} file does not hold {self.title} as {named.name}",
                location=Location(file=str(path)),
                expected="a file ending in "
                + (", ".join("." + e for e in named.extensions) or "(none: a terminal)")
                + f" for {named.name}",
            )
        by_file = self.for_file(path) if path is not None and named is None else None
        return named or by_file or self.format(self.default)

    def _by_name(self) -> str:
        terminal = [fmt.name for fmt in self.formats if not fmt.extensions]
        return f" ({', '.join(terminal)}: a terminal only)" if terminal else ""


XLSX = OutputFormat("xlsx", ("xlsx",), binary=True)
CSV = OutputFormat("csv", ("csv",))
MARKDOWN = OutputFormat("md", ("md", "markdown"), aliases=("markdown",))
HTML = OutputFormat("html", ("html", "htm"))
JSON = OutputFormat("json", ("json",))
YAML = OutputFormat("yaml", ("yaml", "yml"))
TABLE = OutputFormat("table", ("txt",), aliases=("txt",))

SOA = Document("the Statement of Applicability", (XLSX, CSV, MARKDOWN, HTML), default="md")
REPORT = Document("the audit report", (HTML,), default="html")
"""HTML only: for a PDF, print the page from a browser."""
GAPS = Document("the gap report", (TABLE, JSON, CSV, MARKDOWN), default="table")
GRAPH = Document(
    "the register graph",
    (
        OutputFormat("graphml", ("graphml",)),
        OutputFormat("gexf", ("gexf",)),
        OutputFormat("dot", ("dot", "gv")),
    ),
    default="graphml",
)
ENTITY = Document(
    "an entity", (OutputFormat("text", (), aliases=("table",)), JSON, YAML), default="text"
)
LISTING = Document("a listing", (OutputFormat("table", ()), JSON, YAML, CSV), default="table")
ANALYSIS = Document("an analysis", (OutputFormat("text", ()), JSON), default="text")
DIFF = Document("a register diff", (OutputFormat("table", ()), JSON), default="table")
READINESS = Document("the readiness report", (TABLE, JSON, MARKDOWN), default="table")
TRUST_REPORT = Document("the trust report", (HTML,), default="html")
"""A public page for customers: HTML only, like the audit report."""
DUE = Document("the review schedule", (TABLE, JSON, CSV, MARKDOWN), default="table")


QUERY_RESULTS = Document(
    "query results",
    tuple(OutputFormat(f.name, f.extensions, f.binary) for f in FORMATS),
    default="table",
)

DOCUMENTS: dict[str, Document] = {
    "query": QUERY_RESULTS,
    "soa": SOA,
    "report": REPORT,
    "gaps": GAPS,
    "graph": GRAPH,
    "show": ENTITY,
    "list": LISTING,
    "analysis": ANALYSIS,
    "diff": DIFF,
    "readiness": READINESS,
    "trust-report": TRUST_REPORT,
    "due": DUE,
}
"""Every document riskgraph writes, by the command that writes it."""
