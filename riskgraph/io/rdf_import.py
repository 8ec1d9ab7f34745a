"""Read RDF files (Turtle, TriG, JSON-LD, N-Triples, N-Quads) into register candidates.

- Every triple goes into the register graph; triples in named graphs too (noted), except in
  riskgraph's own graphs (ontology, catalogues, meta, drafts), which are refused.
- Blank nodes are skolemised: IRIs under the register base + ``.well-known/genid/``, derived
  from the file's content so that importing the same file twice gives the same IRIs.
- A subject typed with a riskgraph class is an entity: it must fit its model. Its IRI becomes
  base IRI + its dcterms:identifier. Predicates the model does not own are kept as they are.
- Subjects in riskgraph's own namespaces (ontology, catalogue, matrices) are refused.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
from pydantic import ValidationError

from riskgraph.errors import InputError, InputErrors, Location, UserError
from riskgraph.io.formats import DataFormat
from riskgraph.io.problems import at, validation_errors
from riskgraph.io.records import Candidate, ReadResult
from riskgraph.model.entities import Entity
from riskgraph.model.fields import ID_PATTERN
from riskgraph.model.rdf import (
    RDF_TYPE,
    IdResolver,
    entity_class_for,
    field_specs,
    from_properties,
    known_predicates,
)
from riskgraph.model.text import CONTROL_EXPECTED, control_character
from riskgraph.nesting import check_json_nesting
from riskgraph.progress import CountingReader, Progress
from riskgraph.vocab import (
    CATALOGUE_GRAPH_PREFIX,
    DCTERMS,
    DRAFTS_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    REGISTER_GRAPH,
    RISK,
)

GENID = ".well-known/genid/"
OWN_NAMESPACES = ("https://w3id.org/riskgraph", RISK)
"""Subjects here belong to riskgraph's ontology, catalogue and matrices, not to a register."""
_OWN_GRAPHS = (ONTOLOGY_GRAPH, META_GRAPH, DRAFTS_GRAPH)
_IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
_REGISTER = ox.NamedNode(REGISTER_GRAPH)
_VALID_ID = re.compile(ID_PATTERN)

MAX_CONTROL_ERRORS = 50
"""Control characters reported at most per file (the file is refused at the first)."""

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Subject, ox.NamedNode, Object]


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return f"<{iri}>"


def read_rdf(path: Path, fmt: DataFormat, base_iri: str, progress: Progress) -> ReadResult:
    file = str(path)
    result = ReadResult(file)
    digest = hashlib.sha256()
    quads = _parse(path, fmt, base_iri, progress, digest)
    progress.phase(f"checking {len(quads)} triples", total=None)
    triples = _register_triples(quads, file, result)
    triples = _skolemised(triples, base_iri + GENID, digest.hexdigest())
    _read_subjects(triples, base_iri, result)
    return result


def _parse(
    path: Path, fmt: DataFormat, base_iri: str, progress: Progress, digest: hashlib._Hash
) -> list[ox.Quad]:
    rdf_format = fmt.rdf_format
    if rdf_format is None:
        raise UserError(f"{fmt.value} is not an RDF format")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", location=Location(str(path))
        ) from None
    if fmt is DataFormat.JSON_LD:  # pyoxigraph's JSON-LD parser crashes on deep nesting
        with handle:
            check_json_nesting(handle.read(), str(path))
        handle = path.open("rb")
    progress.phase(f"reading {path.name}", total=path.stat().st_size)
    with io.BufferedReader(CountingReader(handle, progress, digest)) as stream:
        try:
            return list(ox.parse(stream, format=rdf_format, base_iri=base_iri))
        except SyntaxError as exc:
            raise _syntax_error(exc, str(path), rdf_format) from None
        except (ValueError, OSError) as exc:
            raise InputError(
                f"not valid {rdf_format.name}: {exc}", location=Location(str(path))
            ) from None


def _syntax_error(exc: SyntaxError, file: str, rdf_format: ox.RdfFormat) -> InputError:
    message = str(exc.msg if exc.msg else exc)
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    column = f" (column {exc.offset})" if exc.offset else ""
    return InputError(
        f"not valid {rdf_format.name}: {message}{column}",
        location=Location(file, line=exc.lineno),
    )


def _is_own_graph(iri: str) -> bool:
    return iri in _OWN_GRAPHS or iri.startswith(CATALOGUE_GRAPH_PREFIX)


def _register_triples(quads: list[ox.Quad], file: str, result: ReadResult) -> list[Triple]:
    """Triples bound for the register graph; riskgraph's own graphs are refused."""
    own: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    triples: list[Triple] = []
    controls: list[InputError] = []
    for quad in quads:
        for term in (quad.subject, quad.object):
            text = term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""
            code = control_character(text)
            if code is not None and len(controls) < MAX_CONTROL_ERRORS:
                controls.append(
                    InputError(
                        f"the text holds the control character {code}",
                        location=Location(
                            f"{file}, subject {quad.subject}", column=curie(quad.predicate.value)
                        ),
                        value=text,
                        expected=CONTROL_EXPECTED,
                    )
                )
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph != _REGISTER:
            if _is_own_graph(graph.value):
                own[graph.value] += 1
                continue
            moved[graph.value] += 1
        elif isinstance(graph, ox.BlankNode):
            moved["_:" + graph.value] += 1
        triples.append((quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]
    if controls:
        raise InputErrors(controls)
    if own:
        raise InputErrors(
            [
                InputError(
                    f"the file holds {count} triple(s) in riskgraph's own graph <{graph}>, "
                    "which imports never change",
                    location=Location(file),
                    expected="register data only (export the register graph alone, or drop "
                    "that graph)",
                )
                for graph, count in own.items()
            ]
        )
    if moved:
        result.notes.append(
            f"{sum(moved.values())} triple(s) from named graphs "
            f"{', '.join(sorted(moved))} were put in the register graph"
        )
    return triples


def _skolemised(triples: list[Triple], genid: str, seed: str) -> list[Triple]:
    """Blank nodes replaced by IRIs that depend only on the file's bytes and their order."""
    names: dict[str, ox.NamedNode] = {}

    def skolem(node: ox.BlankNode) -> ox.NamedNode:
        iri = names.get(node.value)
        if iri is None:
            token = hashlib.sha256(f"{seed}:{len(names)}".encode()).hexdigest()[:32]
            iri = names[node.value] = ox.NamedNode(genid + token)
        return iri

    out: list[Triple] = []
    for s, p, o in triples:
        if isinstance(s, ox.BlankNode):
            s = skolem(s)
        if isinstance(o, ox.BlankNode):
            o = skolem(o)
        out.append((s, p, o))
    return out


def _read_subjects(triples: list[Triple], base_iri: str, result: ReadResult) -> None:
    by_subject: dict[Subject, list[tuple[ox.NamedNode, Object]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    renames = _entity_iris(by_subject, base_iri)
    if renames:
        result.notes.append(
            f"{len(renames)} entity IRI(s) were moved onto the register's base IRI "
            f"({base_iri} + ID)"
        )
        by_subject = _renamed(by_subject, renames)
    resolver = IdResolver(base_iri)
    for subject, pairs in by_subject.items():
        iri = subject.value
        where = Location(f"{result.file}, subject <{iri}>")
        if iri.startswith(OWN_NAMESPACES):
            record = result.records
            result.records += 1
            result.problems.add(
                record,
                InputError(
                    "the subject belongs to riskgraph's own ontology, catalogue or matrices, "
                    "which imports never change",
                    location=where,
                    expected="subjects of your own register",
                ),
            )
            continue
        types = {o.value for p, o in pairs if p == RDF_TYPE and isinstance(o, ox.NamedNode)}
        cls = entity_class_for(types)
        if cls is None:
            result.loose.extend(ox.Quad(subject, p, o, _REGISTER) for p, o in pairs)
            continue
        record = result.records
        result.records += 1
        _read_entity(cls, subject, pairs, where, record, resolver, result)


def _entity_iris(
    by_subject: dict[Subject, list[tuple[ox.NamedNode, Object]]], base_iri: str
) -> dict[Subject, ox.NamedNode]:
    """Entities whose IRI is not base IRI + ID, and the IRI they get (one claimant per IRI)."""
    claims: dict[str, list[Subject]] = defaultdict(list)
    for subject, pairs in by_subject.items():
        types = {o.value for p, o in pairs if p == RDF_TYPE and isinstance(o, ox.NamedNode)}
        ids = [o.value for p, o in pairs if p == _IDENTIFIER and isinstance(o, ox.Literal)]
        if entity_class_for(types) is None or len(ids) != 1 or not _VALID_ID.match(ids[0]):
            continue
        claims[base_iri + ids[0].strip()].append(subject)
    return {
        subjects[0]: ox.NamedNode(iri)
        for iri, subjects in claims.items()
        if len(subjects) == 1 and subjects[0].value != iri
    }


def _renamed(
    by_subject: dict[Subject, list[tuple[ox.NamedNode, Object]]],
    renames: dict[Subject, ox.NamedNode],
) -> dict[Subject, list[tuple[ox.NamedNode, Object]]]:
    out: dict[Subject, list[tuple[ox.NamedNode, Object]]] = defaultdict(list)
    for subject, pairs in by_subject.items():
        target = renames.get(subject, subject)
        out[target].extend(
            (p, renames.get(o, o) if not isinstance(o, ox.Literal) else o) for p, o in pairs
        )
    return out


def _read_entity(
    cls: type[Entity],
    subject: Subject,
    pairs: list[tuple[ox.NamedNode, Object]],
    where: Location,
    record: int,
    resolver: IdResolver,
    result: ReadResult,
) -> None:
    for p, o in pairs:
        if p == _IDENTIFIER and isinstance(o, ox.Literal):
            result.saw_id(o.value, record, at(where, curie(DCTERMS + "identifier")))
    specs = {spec.predicate: spec for spec in field_specs(cls)}
    labels = {spec.name: curie(spec.predicate) for spec in field_specs(cls)}
    labels["id"] = curie(DCTERMS + "identifier")
    props: dict[str, list[ox.NamedNode | ox.Literal]] = defaultdict(list)
    problems: list[InputError] = []
    owned = known_predicates(cls)
    for p, o in pairs:
        if p.value not in owned:
            continue
        if not isinstance(o, ox.NamedNode | ox.Literal):
            problems.append(
                InputError(
                    "the value is not an IRI or a literal",
                    location=at(where, curie(p.value)),
                    value=str(o),
                    expected="an IRI or a literal",
                )
            )
            continue
        if o not in props[p.value]:
            props[p.value].append(o)
    for predicate, values in props.items():
        spec = specs.get(predicate)
        if spec is not None and not spec.many and len(values) > 1:
            problems.append(
                InputError(
                    f"{spec.name} has {len(values)} values",
                    location=at(where, curie(predicate)),
                    value=", ".join(v.value for v in values),
                    expected="exactly one value",
                )
            )
    if problems:
        result.problems.extend(record, problems)
        return
    try:
        entity = from_properties(cls, props, resolver)
    except ValidationError as exc:
        result.problems.extend(record, validation_errors(exc, cls, where, labels.get))
        return
    except ValueError as exc:  # a concept IRI that is not a member of its enum
        result.problems.add(
            record,
            InputError(str(exc), location=where, expected="a value from the riskgraph ontology"),
        )
        return
    result.candidates.append(Candidate(entity, record, where, labels.get))
    model_types = set(entity.rdf_types())
    result.extras[record] = [
        ox.Quad(subject, p, o, _REGISTER)
        for p, o in pairs
        if p.value not in owned or (p == RDF_TYPE and o.value not in model_types)
    ]
