"""RDF serialisations for CONSTRUCT/DESCRIBE triples, written by pyoxigraph as they stream in."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO, cast

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, Writer, expect_graph
from riskgraph.store.base import QueryResult

_GRAPH = frozenset({ResultKind.GRAPH})


class _Counter:
    def __init__(self, triples: Iterator[ox.Triple]) -> None:
        self._triples = triples
        self.count = 0

    def __iter__(self) -> Iterator[ox.Triple]:
        for triple in self._triples:
            self.count += 1
            yield triple


# In UTF-8 these bytes only ever encode themselves, so they can be found without decoding.
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


class _XmlGuard(io.RawIOBase):
    """Fixes what pyoxigraph's RDF/XML writer leaves raw: a CR (which XML parsers would turn
    into LF) becomes ``&#13;``; characters XML 1.0 cannot carry at all are refused."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        chunk = bytes(data)
        if bad := _NOT_XML_BYTES.search(chunk):
            raise UserError(
                f"a value holds the character {bad.group().decode('utf-8')!r}, which XML 1.0 "
                "cannot represent; export as Turtle, N-Triples or JSON-LD instead"
            )
        self._target.write(chunk.replace(b"\r", b"&#13;"))
        return len(chunk)

    def flush(self) -> None:
        self._target.flush()


def _rdf_writer(rdf_format: ox.RdfFormat, *, with_prefixes: bool) -> Writer:
    def write(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
        triples = _Counter(expect_graph(result).triples)
        prefixes = dict(options.prefixes) if with_prefixes else None
        if rdf_format == ox.RdfFormat.RDF_XML:
            out = cast(BinaryIO, _XmlGuard(out))
        ox.serialize(iter(triples), out, rdf_format, prefixes=prefixes)
        return triples.count

    write.__doc__ = f"Triples as {rdf_format.name}."
    return write


TURTLE = ExportFormat(
    name="turtle",
    label="Turtle",
    extensions=("ttl",),
    media_type="text/turtle",
    kinds=_GRAPH,
    writer=_rdf_writer(ox.RdfFormat.TURTLE, with_prefixes=True),
)
NTRIPLES = ExportFormat(
    name="ntriples",
    label="N-Triples",
    extensions=("nt",),
    media_type="application/n-triples",
    kinds=_GRAPH,
    writer=_rdf_writer(ox.RdfFormat.N_TRIPLES, with_prefixes=False),
)
JSONLD = ExportFormat(
    name="jsonld",
    label="JSON-LD",
    extensions=("jsonld", "json"),
    media_type="application/ld+json",
    kinds=_GRAPH,
    writer=_rdf_writer(ox.RdfFormat.JSON_LD, with_prefixes=True),
)
RDFXML = ExportFormat(
    name="rdfxml",
    label="RDF/XML",
    extensions=("rdf", "owl", "xml"),
    media_type="application/rdf+xml",
    kinds=_GRAPH,
    writer=_rdf_writer(ox.RdfFormat.RDF_XML, with_prefixes=True),
)
