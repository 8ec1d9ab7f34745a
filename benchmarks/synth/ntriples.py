"""N-Triples / N-Quads term formatting and a line-by-line writer that counts what it writes."""

from __future__ import annotations

import datetime as dt
from typing import Literal, TextIO

from riskgraph.vocab import XSD

Format = Literal["nt", "nq"]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    return f"<{value}>"


def string(value: str) -> str:
    """A plain (xsd:string) literal."""
    return f'"{value.translate(_ESCAPES)}"'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def date(value: dt.date) -> str:
    return f'"{value.isoformat()}"^^<{XSD}date>'


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


def any_uri(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"^^<{XSD}anyURI>'


class TripleSink:
    """Writes one statement per line; in N-Quads every statement goes into ``graph``."""

    def __init__(self, out: TextIO, fmt: Format = "nt", graph: str | None = None) -> None:
        if fmt == "nq" and not graph:
            raise ValueError("N-Quads output needs a graph IRI")
        self._write = out.write
        self._end = f" <{graph}> .\n" if fmt == "nq" else " .\n"
        self.count = 0

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Write one statement; all three terms are already formatted (see the helpers above)."""
        self._write(f"{subject} {predicate} {obj}{self._end}")
        self.count += 1
