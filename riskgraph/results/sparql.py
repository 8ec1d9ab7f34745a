"""The W3C SPARQL result formats that keep every term exact: JSON and XML, plus ASK as text."""

from __future__ import annotations

import json
import re
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.results.base import (
    ExportFormat,
    ResultKind,
    WriteOptions,
    expect_ask,
    expect_select,
)
from riskgraph.results.streams import text_writer
from riskgraph.results.terms import XSD_STRING
from riskgraph.store.base import AskResult, QueryResult, Term

SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ITS_NS = "http://www.w3.org/2005/11/its"


_json_string = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept as is


def json_term(term: Term) -> str:
    """SPARQL 1.1 Query Results JSON encoding of one term, as JSON text."""
    value = _json_string(term.value)
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + value + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + value + "}"
    if term.language:
        lang = ',"xml:lang":' + _json_string(term.language)
        if term.direction is not None:  # RDF 1.2 base direction, as SPARQL 1.2 writes it
            lang += ',"its:dir":' + _json_string(str(term.direction))
        return '{"type":"literal","value":' + value + lang + "}"
    if term.datatype.value != XSD_STRING:
        datatype = _json_string(term.datatype.value)
        return '{"type":"literal","value":' + value + ',"datatype":' + datatype + "}"
    return '{"type":"literal","value":' + value + "}"


def write_json(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL 1.1 Query Results JSON, one binding per line; unbound variables are left out."""
    if isinstance(result, AskResult):
        with text_writer(out) as text:
            text.write('{"head":{},"boolean":' + ("true" if result.value else "false") + "}\n")
        return 1
    select = expect_select(result)
    names = select.variables
    keys = [_json_string(name) + ":" for name in names]
    count = 0
    with text_writer(out) as text:
        text.write('{"head":{"vars":[' + ",".join(_json_string(n) for n in names) + "]}")
        text.write(',"results":{"bindings":[')
        for row in select.rows:
            fields = [
                key + json_term(term)
                for key, name in zip(keys, names, strict=True)
                if (term := row.get(name)) is not None
            ]
            text.write(("\n{" if count == 0 else ",\n{") + ",".join(fields) + "}")
            count += 1
        text.write("\n]}}\n")
    return count


# XML 1.0 cannot carry these at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def _xml_text(value: str, where: str) -> str:
    if bad := _NOT_XML.search(value):
        raise UserError(
            f"{where}: the value holds the character U+{ord(bad.group()):04X}, which XML 1.0 "
            "cannot represent; export as JSON or TSV instead"
        )
    return value.translate(_XML_TEXT_ESCAPES)


def _xml_attribute(value: str) -> str:
    return value.translate(_XML_ATTRIBUTE_ESCAPES)


def xml_term(term: Term, where: str) -> str:
    """SPARQL Query Results XML encoding of one term."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value, where)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value, where)}</bnode>"
    value = _xml_text(term.value, where)
    if term.language:
        lang = f'xml:lang="{_xml_attribute(term.language)}"'
        if term.direction is not None:  # RDF 1.2 base direction, as SPARQL 1.2 writes it
            lang += f' its:dir="{term.direction}" xmlns:its="{ITS_NS}" its:version="2.0"'
        return f"<literal {lang}>{value}</literal>"
    if term.datatype.value != XSD_STRING:
        return f'<literal datatype="{_xml_attribute(term.datatype.value)}">{value}</literal>'
    return f"<literal>{value}</literal>"


def _xml_prologue(text: TextIO) -> None:
    text.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    text.write(f'<sparql xmlns="{SPARQL_RESULTS_NS}">\n')


def write_xml(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL Query Results XML Format (second edition); unbound variables are left out."""
    if isinstance(result, AskResult):
        with text_writer(out) as text:
            _xml_prologue(text)
            text.write("  <head/>\n")
            text.write(f"  <boolean>{'true' if result.value else 'false'}</boolean>\n</sparql>\n")
        return 1
    select = expect_select(result)
    names = select.variables
    count = 0
    with text_writer(out) as text:
        _xml_prologue(text)
        text.write("  <head>\n")
        for name in names:
            text.write(f'    <variable name="{_xml_attribute(name)}"/>\n')
        text.write("  </head>\n  <results>\n")
        for row in select.rows:
            count += 1
            text.write("    <result>\n")
            for name in names:
                if (term := row.get(name)) is not None:
                    encoded = xml_term(term, f"row {count}, variable ?{name}")
                    text.write(
                        f'      <binding name="{_xml_attribute(name)}">{encoded}</binding>\n'
                    )
            text.write("    </result>\n")
        text.write("  </results>\n</sparql>\n")
    return count


def write_text(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """An ASK answer as the single word ``true`` or ``false``."""
    ask = expect_ask(result)
    with text_writer(out) as text:
        text.write("true\n" if ask.value else "false\n")
    return 1


JSON = ExportFormat(
    name="json",
    label="SPARQL JSON",
    extensions=("json", "srj"),
    media_type="application/sparql-results+json",
    kinds=frozenset({ResultKind.SELECT, ResultKind.ASK}),
    writer=write_json,
)
XML = ExportFormat(
    name="xml",
    label="SPARQL XML",
    extensions=("xml", "srx"),
    media_type="application/sparql-results+xml",
    kinds=frozenset({ResultKind.SELECT, ResultKind.ASK}),
    writer=write_xml,
)
TEXT = ExportFormat(
    name="text",
    label="Plain text (true/false)",
    extensions=("txt",),
    media_type="text/plain",
    kinds=frozenset({ResultKind.ASK}),
    writer=write_text,
)
