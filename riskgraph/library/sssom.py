"""SSSOM TSV: read and write mapping sets (https://mapping-commons.github.io/sssom/).

A file is an optional metadata block (lines starting with ``#``, YAML once the ``#`` is taken
off), then a tab-separated table with a header row. Identifiers are CURIEs expanded with the
``curie_map`` of the metadata (plus the built-in prefixes ``skos``, ``semapv``, ``owl``,
``rdfs``). riskgraph reads and writes these columns:

- required: ``subject_id``, ``predicate_id``, ``object_id``, ``mapping_justification``;
- optional: ``subject_label``, ``object_label``, ``author_label``, ``mapping_date``,
  ``confidence``, ``comment``, ``record_id``;
- ``derived_via``: an extension slot (declared in ``extension_definitions``) listing, with
  ``|`` between them, the record IDs of the mappings a derived mapping came through.

Other standard columns are accepted and ignored; an unknown column that is not declared as an
extension is an error, as are unknown predicates and justifications, bad dates and confidences
outside 0 to 1. The writer puts the licence and attribution of every library the mappings come
from in the metadata (``license``, ``mapping_set_description``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from riskgraph.errors import InputError, InputErrors, Location
from riskgraph.library.model import JUSTIFICATIONS, PREDICATES, SEMAPV, Mapping
from riskgraph.vocab import OWL, RDFS, SKOS

BUILT_IN_PREFIXES = {"skos": SKOS, "semapv": SEMAPV, "owl": OWL, "rdfs": RDFS}
DERIVED_VIA_PROPERTY = "https://w3id.org/riskgraph/library#derivedVia"
COLUMNS = (
    "record_id",
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "mapping_date",
    "confidence",
    "comment",
    "derived_via",
)
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
STANDARD_COLUMNS = set(COLUMNS[:-1]) | {
    "subject_category",
    "subject_type",
    "subject_source",
    "subject_source_version",
    "subject_match_field",
    "subject_preprocessing",
    "predicate_label",
    "predicate_modifier",
    "predicate_type",
    "object_category",
    "object_type",
    "object_source",
    "object_source_version",
    "object_match_field",
    "object_preprocessing",
    "author_id",
    "reviewer_id",
    "reviewer_label",
    "creator_id",
    "creator_label",
    "license",
    "mapping_tool",
    "mapping_tool_version",
    "mapping_provider",
    "issue_tracker_item",
    "confidence",
    "curation_rule",
    "curation_rule_text",
    "match_string",
    "semantic_similarity_score",
    "semantic_similarity_measure",
    "see_also",
    "other",
    "publication_date",
    "mapping_cardinality",
    "similarity_score",
    "similarity_measure",
}
_PREDICATE_BY_IRI = {iri: name for name, iri in PREDICATES.items()}
_JUSTIFICATION_BY_IRI = {iri: name for name, iri in JUSTIFICATIONS.items()}
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class MappingSet:
    mappings: list[Mapping]
    metadata: dict[str, Any] = field(default_factory=dict)


def _expand(value: str, prefixes: dict[str, str], where: Location, column: str) -> str:
    text = value.strip()
    if text.startswith(("http://", "https://")):
        return text
    match = _CURIE.match(text)
    if match and match.group(1) in prefixes:
        return prefixes[match.group(1)] + match.group(2)
    raise InputError(
        "not a CURIE with a known prefix or a full IRI",
        location=Location(where.file, line=where.line, column=column),
        value=value,
        expected="PREFIX:ID with PREFIX in the curie_map, or http(s)://...",
    )


def read_sssom(text: str, file: str = "<sssom>") -> MappingSet:
    """Parse SSSOM TSV text; raises InputErrors naming line and column of every bad value."""
    lines = text.splitlines(keepends=True)
    meta_lines: list[str] = []
    first = 0
    while first < len(lines) and lines[first].startswith("#"):
        meta_lines.append(lines[first][1:])
        first += 1
    metadata: dict[str, Any] = {}
    if meta_lines:
        try:
            loaded = yaml.safe_load("".join(meta_lines))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(
                f"the metadata block is not valid YAML: {getattr(exc, 'problem', exc)}",
                location=Location(file, line=mark.line + 1 if mark is not None else None),
            ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise InputError(
                "the metadata block is not a mapping of keys to values",
                location=Location(file, line=1),
            )
        metadata = loaded or {}
    curie_map = metadata.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        raise InputError(
            "curie_map is not a mapping of prefixes to IRIs",
            location=Location(file, column="curie_map"),
        )
    prefixes = {**BUILT_IN_PREFIXES, **{str(k): str(v) for k, v in curie_map.items()}}
    extensions = {
        str(e.get("slot_name"))
        for e in metadata.get("extension_definitions") or []
        if isinstance(e, dict)
    }
    body = "".join(lines[first:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    rows = list(reader)
    if not rows:
        raise InputError(
            "the file has no header row",
            location=Location(file, line=first + 1),
            expected="a tab-separated header with " + ", ".join(REQUIRED),
        )
    header = [h.strip() for h in rows[0]]
    header_line = first + 1
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in STANDARD_COLUMNS and c not in extensions]
    if missing or unknown:
        problem = "; ".join(
            part
            for part in (
                f"missing column(s) {', '.join(missing)}" if missing else "",
                f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        raise InputError(
            problem,
            location=Location(file, line=header_line),
            expected="SSSOM columns, with " + ", ".join(REQUIRED),
        )
    errors: list[InputError] = []
    mappings: list[Mapping] = []
    for offset, row in enumerate(rows[1:], 1):
        line = header_line + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(
                InputError(
                    f"the row has {len(row)} fields but the header has {len(header)}",
                    location=Location(file, line=line),
                )
            )
            continue
        values = dict(zip(header, row, strict=True))
        try:
            mappings.append(_mapping(values, prefixes, Location(file, line=line), extensions))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise InputErrors(errors)
    return MappingSet(mappings, metadata)


def _mapping(
    values: dict[str, str], prefixes: dict[str, str], where: Location, extensions: set[str]
) -> Mapping:
    def at(column: str) -> Location:
        return Location(where.file, line=where.line, column=column)

    subject = _expand(values["subject_id"], prefixes, where, "subject_id")
    obj = _expand(values["object_id"], prefixes, where, "object_id")
    predicate_iri = _expand(values["predicate_id"], prefixes, where, "predicate_id")
    predicate = _PREDICATE_BY_IRI.get(predicate_iri)
    if predicate is None:
        raise InputError(
            "unsupported mapping predicate",
            location=at("predicate_id"),
            value=values["predicate_id"],
            expected="skos:exactMatch, closeMatch, broadMatch, narrowMatch or relatedMatch",
        )
    justification_iri = _expand(
        values["mapping_justification"], prefixes, where, "mapping_justification"
    )
    justification = _JUSTIFICATION_BY_IRI.get(justification_iri)
    if justification is None:
        raise InputError(
            "unsupported mapping justification",
            location=at("mapping_justification"),
            value=values["mapping_justification"],
            expected=", ".join(
                f"semapv:{iri.removeprefix(SEMAPV)}" for iri in JUSTIFICATIONS.values()
            ),
        )
    day = values.get("mapping_date", "").strip()
    if day and not _DATE.match(day):
        raise InputError(
            "not a date", location=at("mapping_date"), value=day, expected="YYYY-MM-DD"
        )
    confidence_text = values.get("confidence", "").strip()
    confidence = None
    if confidence_text:
        try:
            confidence = float(confidence_text)
        except ValueError:
            confidence = -1.0
        if not 0.0 <= confidence <= 1.0:
            raise InputError(
                "not a confidence",
                location=at("confidence"),
                value=confidence_text,
                expected="a number from 0 to 1",
            )
    via = values.get("derived_via", "").strip() if "derived_via" in extensions else ""
    mapping = Mapping(
        subject=subject,
        predicate=predicate,
        object=obj,
        justification=justification,
        author=values.get("author_label", "").strip(),
        date=day,
        confidence=confidence,
        comment=values.get("comment", "").strip(),
        derived_via=tuple(v.strip() for v in via.split("|") if v.strip()),
        subject_label=values.get("subject_label", "").strip(),
        object_label=values.get("object_label", "").strip(),
    )
    return mapping


def _clean(text: str) -> str:
    """A cell value: tabs and line breaks would break the table, so they become spaces."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def _prefixes(iris: Iterable[str], known: dict[str, str]) -> dict[str, str]:
    """A CURIE prefix for every namespace used (a known prefix where one fits)."""
    out: dict[str, str] = {}
    by_namespace = {ns: p for p, ns in known.items()}
    for iri in sorted(set(iris)):
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        namespace = iri[:cut]
        if namespace in by_namespace:
            out[by_namespace[namespace]] = namespace
            continue
        stem = re.sub(r"[^A-Za-z0-9]+", "_", namespace.rstrip("/#").rsplit("/", 1)[-1]) or "ns"
        stem = stem if stem[0].isalpha() else "ns_" + stem
        name, n = stem, 1
        while name in out or name in known:
            n += 1
            name = f"{stem}{n}"
        out[name] = namespace
        by_namespace[namespace] = name
    return out


def write_sssom(mappings: Iterable[Mapping], metadata: dict[str, Any]) -> str:
    """SSSOM TSV text for the mappings; ``metadata`` goes in the header block (mapping_set_id,
    license, mapping_set_description ...), with the curie_map and extension definitions added."""
    rows = sorted(mappings, key=lambda m: (m.subject, m.predicate, m.object, m.justification))
    iris = [i for m in rows for i in (m.subject, m.object)]
    prefixes = _prefixes(
        iris,
        {
            "iso42001": "https://w3id.org/riskgraph/iso42001/",
            "rglib": "https://w3id.org/riskgraph/library/",
        },
    )

    def curie(iri: str) -> str:
        best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len)
        name = next(p for p, ns in prefixes.items() if ns == best)
        return f"{name}:{iri[len(best) :]}"

    meta = dict(metadata)
    meta["curie_map"] = {**BUILT_IN_PREFIXES, **prefixes}
    meta["extension_definitions"] = [
        {
            "slot_name": "derived_via",
            "property": DERIVED_VIA_PROPERTY,
            "type_hint": "http://www.w3.org/2001/XMLSchema#string",
        }
    ]
    block = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    out.write("".join(f"#{line}\n" for line in block.splitlines()))
    out.write("\t".join(COLUMNS) + "\n")
    for m in rows:
        cells = [
            m.mapping_id,
            curie(m.subject),
            _clean(m.subject_label),
            f"skos:{m.predicate}",
            curie(m.object),
            _clean(m.object_label),
            f"semapv:{JUSTIFICATIONS[m.justification].removeprefix(SEMAPV)}",
            _clean(m.author),
            m.date,
            format(m.confidence, "g") if m.confidence is not None else "",
            _clean(m.comment),
            "|".join(m.derived_via),
        ]
        out.write("\t".join(cells) + "\n")
    return out.getvalue()
