"""Crosswalks: how two frameworks meet, through mappings that keep their provenance.

A framework is a loaded library (``finos-aigf``), a taxonomy inside one (``owasp-llm-2.0`` of
AI Atlas Nexus), ``iso42001`` (riskgraph's ISO/IEC 42001 catalogue: clauses and Annex A) or
``iso42001-annex-a`` (its Annex A controls only), or ``register`` (the register's risks and
controls). Edges are the mapping records of every loaded library and of the register, and
``rgl:mitigates`` (a control addresses a risk). A chain of edges gives a derived mapping that
names every mapping it came through, with a predicate composed along the chain.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.errors import UserError
from riskgraph.library.catalogue import loaded_libraries, select_rows, term_text
from riskgraph.library.model import (
    LIBRARY_GRAPH_PREFIX,
    PREDICATE_NAMES,
    RGL,
    Mapping,
    library_graph,
)
from riskgraph.library.rdf import read_mapping
from riskgraph.store.base import Store
from riskgraph.vocab import ISO42001_GRAPH, ISO42001_SCHEME, REGISTER_GRAPH, RG

MITIGATES = "mitigates"
"""Pseudo-predicate of an edge from a control to a risk it addresses (``rgl:mitigates``)."""
INVERSE = {
    "broadMatch": "narrowMatch",
    "narrowMatch": "broadMatch",
    "mitigates": "mitigatedBy",
    "mitigatedBy": "mitigates",
}
DEFAULT_HOPS = 5
"""Enough for OWASP LLM01 -> FINOS reference -> FINOS risk -> mitigation -> reference -> Annex A."""
REGISTER_PREDICATES = {
    RG + "mitigates": MITIGATES,
    RG + "addresses": "relatedMatch",
    RGL + "adoptedFrom": "exactMatch",
}
"""Register links that count as edges: a control mitigates a risk, a control addresses an Annex A
control or clause, an adopted entity is derived from its library concept."""
SPECIAL_FRAMEWORKS = ("iso42001", "iso42001-annex-a", "register")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    predicate: str
    """As read from source to target (inverted when the record runs the other way)."""
    record: Mapping | None
    """The mapping record (filled in for the edges of the chains found), or None for an
    rgl:mitigates edge and a register link made without a record."""
    key: tuple[str, str, str] | None = None
    """(subject, predicate, object) of the asserted mapping triple, for finding its record."""

    def describe(self, labels: dict[str, str]) -> str:
        how = (
            f"{self.record.justification}, {self.record.author or 'unknown author'}"
            if self.record is not None
            else "the library's own link"
        )
        ident = f" [{self.record.mapping_id}]" if self.record is not None else ""
        if self.record is None and self.predicate not in (MITIGATES, "mitigatedBy"):
            how = "a register link"
        return f"-{self.predicate} ({how}){ident}-> {labels.get(self.target, self.target)}"


@dataclass
class Path:
    start: str
    edges: list[Edge]

    @property
    def end(self) -> str:
        return self.edges[-1].target if self.edges else self.start

    @property
    def predicate(self) -> str:
        return compose([e.predicate for e in self.edges])

    def as_mapping(self, labels: dict[str, str]) -> Mapping:
        """The chain as one derived mapping that names the mappings it came through."""
        records = [e.record for e in self.edges]
        first = records[0] if len(records) == 1 else None
        if first is not None and (first.subject, first.object) == (self.start, self.end):
            return first
        known = [r.confidence for r in records if r is not None and r.confidence is not None]
        confidence = math.prod(known) if known and len(known) == len(records) else None
        return Mapping(
            subject=self.start,
            predicate=self.predicate,
            object=self.end,
            justification="derived",
            author="riskgraph crosswalk",
            date=clock.today().isoformat(),
            confidence=round(confidence, 4) if confidence is not None else None,
            comment=" ".join(e.describe(labels) for e in self.edges),
            derived_via=tuple(
                r.mapping_id if r is not None else f"{e.predicate}:{e.source}>{e.target}"
                for r, e in zip(records, self.edges, strict=True)
            ),
            subject_label=labels.get(self.start, ""),
            object_label=labels.get(self.end, ""),
        )


def compose(predicates: list[str]) -> str:
    """The SKOS predicate a chain of predicates amounts to (conservatively)."""
    kinds = set(predicates)
    if not kinds:
        return "exactMatch"
    if kinds & {"relatedMatch", MITIGATES, "mitigatedBy"}:
        return "relatedMatch"
    if kinds <= {"exactMatch"}:
        return "exactMatch"
    if kinds <= {"exactMatch", "closeMatch"}:
        return "closeMatch"
    if "broadMatch" in kinds and "narrowMatch" in kinds:
        return "relatedMatch"
    return "broadMatch" if "broadMatch" in kinds else "narrowMatch"


@dataclass
class MappingGraph:
    """Every mapping of the loaded libraries and the register, as an undirected graph."""

    edges: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, edge: Edge) -> None:
        self.edges[edge.source].append(edge)
        inverse = INVERSE.get(edge.predicate, edge.predicate)
        self.edges[edge.target].append(
            Edge(edge.target, edge.source, inverse, edge.record, edge.key)
        )


def read_mappings(store: Store, graphs: list[str] | None = None) -> list[Mapping]:
    """The mapping records of the given graphs (default: every library and the register)."""
    if graphs is None:
        graphs = [library_graph(n) for n in loaded_libraries(store)] + [REGISTER_GRAPH]
    out: list[Mapping] = []
    for graph in graphs:
        rows = select_rows(
            store,
            "SELECT ?m ?p ?o WHERE { GRAPH ?g { ?m a rgl:Mapping ; ?p ?o } }",
            {"g": ox.NamedNode(graph)},
        )
        out.extend(_records(rows).values())
    return sorted(out, key=lambda m: m.mapping_id)


def _records(rows: list[dict]) -> dict[str, Mapping]:
    """Mapping records from (?m ?p ?o) rows, by record IRI."""
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        props[term_text(row["m"])][term_text(row["p"])].append(row["o"])
    out = {}
    for record, values in props.items():
        try:
            out[record] = read_mapping(values, f"<{record}>")
        except UserError:
            continue
    return out


def _attach_records(store: Store, paths: list[Path]) -> None:
    """Fill in the mapping records of the recorded edges of ``paths`` (read only for those)."""
    keys = {e.key for p in paths for e in p.edges if e.key is not None and e.record is None}
    if not keys:
        return
    found: dict[tuple[str, str, str], Mapping] = {}
    pairs = sorted({(k[0], k[2]) for k in keys})
    for start in range(0, len(pairs), 400):
        values = " ".join(
            f"({ox.NamedNode(a)} {ox.NamedNode(b)})" for a, b in pairs[start : start + 400]
        )
        rows = select_rows(
            store,
            f"SELECT ?m ?p ?o WHERE {{ VALUES (?s ?t) {{ {values} }} "
            "?m rgl:mappingSubject ?s ; rgl:mappingObject ?t ; a rgl:Mapping ; ?p ?o }",
        )
        for record in sorted(_records(rows).values(), key=lambda m: m.mapping_id):
            found.setdefault((record.subject, record.predicate, record.object), record)
    for path in paths:
        path.edges = [
            replace(e, record=found.get(e.key)) if e.key is not None else e for e in path.edges
        ]


def mapping_graph(store: Store) -> MappingGraph:
    """Edges from the asserted mapping triples and rgl:mitigates of every loaded library, and
    the register's links; records are read later, only for the chains found."""
    graph = MappingGraph()
    libraries = {library_graph(n) for n in loaded_libraries(store)}
    for row in select_rows(
        store,
        "SELECT ?g ?s ?p ?o WHERE { VALUES ?p { skos:exactMatch skos:closeMatch skos:broadMatch "
        "skos:narrowMatch skos:relatedMatch rgl:mitigates } GRAPH ?g { ?s ?p ?o } }",
    ):
        g = term_text(row["g"])
        if g not in libraries and g != REGISTER_GRAPH:
            continue
        s, p, o = term_text(row["s"]), term_text(row["p"]), term_text(row["o"])
        if p == RGL + "mitigates":
            graph.add(Edge(s, o, MITIGATES, None))
            continue
        name = PREDICATE_NAMES[p]
        graph.add(Edge(s, o, name, None, (s, name, o)))
    for row in select_rows(
        store,
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o . ?s dcterms:identifier ?id . "
        "VALUES ?p { rg:mitigates rg:addresses rgl:adoptedFrom } } }",
        {"g": ox.NamedNode(REGISTER_GRAPH)},
    ):
        s, p, o = term_text(row["s"]), term_text(row["p"]), term_text(row["o"])
        graph.add(Edge(s, o, REGISTER_PREDICATES[p], None))
    for row in select_rows(
        store,
        "SELECT ?c ?label WHERE { { ?c skos:prefLabel ?label } UNION "
        "{ ?c dcterms:title ?label . ?c dcterms:identifier ?id } }",
    ):
        graph.labels.setdefault(term_text(row["c"]), term_text(row["label"]))
    return graph


def members(store: Store, framework: str) -> dict[str, str]:
    """Concept IRI -> notation of the concepts of a framework (see the module docstring)."""
    loaded = loaded_libraries(store)
    if framework in ("iso42001", "iso42001-annex-a"):
        annex = " ?c a rg:AnnexAControl ." if framework == "iso42001-annex-a" else ""
        rows = select_rows(
            store,
            f"SELECT ?c ?n WHERE {{ GRAPH ?g {{ ?c skos:inScheme ?s ; skos:notation ?n .{annex} "
            "} }",
            {"g": ox.NamedNode(ISO42001_GRAPH), "s": ox.NamedNode(ISO42001_SCHEME)},
        )
    elif framework == "register":
        rows = select_rows(
            store,
            "SELECT ?c ?n WHERE { GRAPH ?g { ?c dcterms:identifier ?n . "
            "{ ?c a rg:Risk } UNION { ?c a rg:Control } } }",
            {"g": ox.NamedNode(REGISTER_GRAPH)},
        )
    elif framework in loaded:
        rows = select_rows(
            store,
            "SELECT ?c ?n WHERE { GRAPH ?g { ?c a skos:Concept ; skos:notation ?n . "
            "FILTER NOT EXISTS { ?c a rgl:Term } } }",
            {"g": ox.NamedNode(library_graph(framework))},
        )
    else:
        schemes = select_rows(
            store,
            "SELECT ?g ?s WHERE { GRAPH ?g { ?s a skos:ConceptScheme ; rgl:key ?k } }",
            {"k": ox.Literal(framework)},
        )
        found = [r for r in schemes if term_text(r["g"]).startswith(LIBRARY_GRAPH_PREFIX)]
        if not found:
            raise UserError(
                f"unknown framework {framework!r}; expected a loaded library "
                f"({', '.join(loaded) or 'none loaded'}), a taxonomy inside one, or one of "
                f"{', '.join(SPECIAL_FRAMEWORKS)}"
            )
        rows = select_rows(
            store,
            "SELECT ?c ?n WHERE { GRAPH ?g { ?c skos:inScheme ?s ; skos:notation ?n } }",
            {"g": found[0]["g"], "s": found[0]["s"]},
        )
    return {term_text(r["c"]): term_text(r["n"]) for r in rows}


@dataclass
class Crosswalk:
    source: str
    target: str
    source_members: dict[str, str]
    target_members: dict[str, str]
    paths: dict[str, list[Path]]
    """Source concept IRI -> the shortest paths to concepts of the target."""
    labels: dict[str, str]

    @property
    def unmatched(self) -> list[str]:
        """Concepts of the source with no counterpart in the target, by notation."""
        return sorted(
            (c for c in self.source_members if not self.paths.get(c)),
            key=lambda c: self.source_members[c],
        )

    def mappings(self) -> list[Mapping]:
        return [p.as_mapping(self.labels) for paths in self.paths.values() for p in paths]


def crosswalk(
    store: Store,
    source: str,
    target: str,
    *,
    max_hops: int = DEFAULT_HOPS,
    graph: MappingGraph | None = None,
) -> Crosswalk:
    """For each concept of ``source``, the concepts of ``target`` it reaches through chains of
    up to ``max_hops`` mappings, each by its shortest chain; chains stop at the first concept of
    the target they meet and never pass through another concept of the source."""
    if max_hops < 1:
        raise UserError(f"max_hops must be at least 1 (got {max_hops})")
    source_members = members(store, source)
    target_members = members(store, target)
    graph = graph or mapping_graph(store)
    paths = reach(store, source_members, target_members, max_hops=max_hops, graph=graph)
    return Crosswalk(source, target, source_members, target_members, paths, graph.labels)


def reach(
    store: Store,
    starts: dict[str, str],
    goals: dict[str, str],
    *,
    max_hops: int = DEFAULT_HOPS,
    graph: MappingGraph | None = None,
) -> dict[str, list[Path]]:
    """For each concept IRI of ``starts``, the shortest chains (with their mapping records) to
    the concepts of ``goals`` it reaches, as ``crosswalk`` finds them for two frameworks."""
    if max_hops < 1:
        raise UserError(f"max_hops must be at least 1 (got {max_hops})")
    graph = graph or mapping_graph(store)
    paths: dict[str, list[Path]] = {}
    for start in starts:
        paths[start] = _shortest_paths(graph, start, starts, goals, max_hops)
    _attach_records(store, [p for found in paths.values() for p in found])
    return paths


def _shortest_paths(
    graph: MappingGraph,
    start: str,
    avoid: dict[str, str],
    goals: dict[str, str],
    max_hops: int,
) -> list[Path]:
    found: list[Path] = []
    queue: deque[tuple[str, list[Edge]]] = deque([(start, [])])
    seen: set[str] = {start}
    while queue:
        node, edges = queue.popleft()
        if len(edges) >= max_hops:
            continue
        for edge in graph.edges.get(node, ()):
            nxt = edge.target
            if nxt in seen:
                continue
            seen.add(nxt)
            chain = [*edges, edge]
            if nxt in goals:
                found.append(Path(start, chain))
            elif nxt not in avoid:
                queue.append((nxt, chain))
    # One path per target concept: the first found (shortest, in a stable order).
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(path.end, path)
    return [unique[k] for k in sorted(unique)]


def concept_mappings(store: Store, iri: str) -> list[Mapping]:
    """Every mapping record (in any loaded library or the register) with ``iri`` at either end."""
    node = ox.NamedNode(iri)
    rows = select_rows(
        store,
        "SELECT ?m ?p ?o WHERE { { ?m rgl:mappingSubject ?c } UNION { ?m rgl:mappingObject ?c } "
        "?m a rgl:Mapping ; ?p ?o }",
        {"c": node},
    )
    return sorted(_records(rows).values(), key=lambda m: (m.predicate, m.object, m.subject))
