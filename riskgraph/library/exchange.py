"""Libraries in and out of files: Turtle, SSSOM TSV, and the publishers' own folders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from riskgraph.errors import InputError, Location, UserError
from riskgraph.library.bundled import turtle
from riskgraph.library.crosswalk import Crosswalk
from riskgraph.library.model import Library, Scheme, check_name
from riskgraph.library.rdf import read_library
from riskgraph.library.sssom import read_sssom, write_sssom

SSSOM_SUFFIX = ".sssom.tsv"


def sssom_metadata(library: Library) -> dict[str, Any]:
    meta = library.meta
    return {
        "mapping_set_id": library.iri,
        "mapping_set_title": meta.title,
        "mapping_set_version": meta.version,
        "mapping_set_description": f"{meta.description} Attribution: {meta.attribution}".strip(),
        "license": meta.license,
        "publisher": meta.publisher,
    }


def export_library(library: Library, path: Path) -> int:
    """Write the library as Turtle (``.ttl``) or its mappings as SSSOM TSV (``.tsv``)."""
    try:
        if path.name.endswith(".tsv"):
            path.write_text(
                write_sssom(library.mappings, sssom_metadata(library)), encoding="utf-8"
            )
            return len(library.mappings)
        if path.suffix != ".ttl":
            raise UserError(f"{path}: unknown file type; expected .ttl or {SSSOM_SUFFIX}")
        data = turtle(library)
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    return sum(1 for _ in ox.parse(data, format=ox.RdfFormat.TURTLE))


def read_source(path: Path, *, name: str | None = None) -> Library:
    """A library from a file or folder, by what it is (see ``riskgraph library import``)."""
    from riskgraph.library.sources.finos import read_finos
    from riskgraph.library.sources.nexus import read_nexus

    if path.is_dir():
        if (path / "risk_atlas_data.yaml").is_file():
            return read_nexus(path)
        if (path / "knowledge_graph" / "risk_atlas_data.yaml").is_file():
            return read_nexus(path / "knowledge_graph")
        return read_finos(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file or folder")
    if path.name.endswith(".tsv"):
        return library_from_sssom(path, name)
    if path.suffix == ".ttl":
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"not valid Turtle: {exc}", location=Location(str(path))) from None
        library = read_library(triples, where=str(path))
        check_name(library.name)
        return library
    raise UserError(
        f"{path}: unknown source; expected a .ttl library, a {SSSOM_SUFFIX} mapping set, the "
        "FINOS framework folder or the AI Atlas Nexus knowledge_graph folder"
    )


def library_from_sssom(path: Path, name: str | None) -> Library:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", location=Location(str(path))) from None
    mapping_set = read_sssom(text, str(path))
    meta = mapping_set.metadata
    license_iri = str(meta.get("license") or "")
    if not license_iri.startswith(("http://", "https://")):
        raise InputError(
            "the mapping set has no licence",
            location=Location(str(path), column="license"),
            value=license_iri or None,
            expected="a 'license' IRI in the metadata block, as SSSOM requires",
        )
    set_id = str(meta.get("mapping_set_id") or "")
    default = re.sub(r"[^a-z0-9.-]+", "-", set_id.rstrip("/").rsplit("/", 1)[-1].lower())
    library_name = check_name(name or default.strip("-.") or path.name.split(".")[0].lower())
    return Library(
        library_name,
        Scheme(
            key=library_name,
            title=str(meta.get("mapping_set_title") or f"Mappings from {path.name}"),
            description=str(meta.get("mapping_set_description") or ""),
            license=license_iri,
            license_name=str(meta.get("license_name") or license_iri),
            attribution=str(
                meta.get("mapping_set_description")
                or meta.get("creator_label")
                or meta.get("publisher")
                or ""
            ),
            source=set_id if set_id.startswith(("http://", "https://")) else "",
            publisher=str(meta.get("publisher") or ""),
            version=str(meta.get("mapping_set_version") or ""),
        ),
        mappings=mapping_set.mappings,
    )


def crosswalk_json(walk: Crosswalk) -> str:
    links = []
    for start, paths in sorted(walk.paths.items(), key=lambda kv: walk.source_members[kv[0]]):
        for path in paths:
            links.append(
                {
                    "from": walk.source_members[start],
                    "from_iri": start,
                    "to": walk.target_members[path.end],
                    "to_iri": path.end,
                    "predicate": path.predicate,
                    "steps": [
                        {
                            "from": e.source,
                            "to": e.target,
                            "predicate": e.predicate,
                            "mapping_id": e.record.mapping_id if e.record else None,
                            "justification": e.record.justification if e.record else None,
                            "author": e.record.author if e.record else None,
                        }
                        for e in path.edges
                    ],
                }
            )
    return json.dumps(
        {
            "from": walk.source,
            "to": walk.target,
            "links": links,
            "no_counterpart": [
                {"notation": walk.source_members[i], "iri": i, "label": walk.labels.get(i, "")}
                for i in walk.unmatched
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def crosswalk_sssom(walk: Crosswalk) -> str:
    return write_sssom(
        walk.mappings(),
        {
            "mapping_set_id": f"https://w3id.org/riskgraph/crosswalk/{walk.source}/{walk.target}",
            "mapping_set_title": f"Crosswalk {walk.source} to {walk.target}",
            "mapping_set_description": "Derived by riskgraph from the mappings of the loaded "
            "libraries; each derived row names the mappings it came through. The licences "
            "and attribution of those libraries apply (riskgraph library show NAME).",
            "license": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    )
