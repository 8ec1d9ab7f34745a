"""Build the typed graph of a register from a store in four bulk queries (plus the revision).

1. the ISO/IEC 42001 catalogue: notation, type, heading and broader item;
2. every register entity: IRI, ID, types and title;
3. every link and attribute the graph uses, as (subject, predicate, object) rows;
4. the scores of the risks whose levels are not stored (imported data), to compute them.

The number of queries does not depend on the size of the register.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from riskgraph.analysis.graph import NodeKind, RegisterGraph, Relation
from riskgraph.model.rdf import entity_class_for
from riskgraph.scoring import all_levels, matrix, matrix_by_iri
from riskgraph.store.base import Store, Term, read_revision, term_value
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, REGISTER_GRAPH, RG, SKOS

ENTITY_KINDS: dict[str, NodeKind] = {
    RG + "AISystem": NodeKind.SYSTEM,
    RG + "Model": NodeKind.MODEL,
    RG + "Dataset": NodeKind.DATASET,
    RG + "ThirdPartyService": NodeKind.SERVICE,
    RG + "Supplier": NodeKind.SUPPLIER,
    RG + "Risk": NodeKind.RISK,
    RG + "RiskSource": NodeKind.SOURCE,
    RG + "Control": NodeKind.CONTROL,
    RG + "Treatment": NodeKind.TREATMENT,
    RG + "Evidence": NodeKind.EVIDENCE,
    RG + "Component": NodeKind.MODEL,  # an untyped component loads as a model, as in the model
}
"""rdf:type -> kind of register entities in the graph, most specific first."""

CATALOGUE_KINDS: dict[str, NodeKind] = {
    RG + "Clause": NodeKind.CLAUSE,
    RG + "AnnexAObjective": NodeKind.ANNEX_A_OBJECTIVE,
    RG + "AnnexAControl": NodeKind.ANNEX_A,
    RG + "AnnexCGroup": NodeKind.ANNEX_C_GROUP,
    RG + "AnnexCObjective": NodeKind.ANNEX_C_OBJECTIVE,
    RG + "AnnexCRiskSource": NodeKind.ANNEX_C,
}

LINKS: dict[str, Relation] = {
    RG + "dependsOn": Relation.DEPENDS_ON,
    RG + "providedBy": Relation.PROVIDED_BY,
    RG + "affects": Relation.AFFECTS,
    RG + "hasRiskSource": Relation.HAS_RISK_SOURCE,
    RG + "mitigates": Relation.MITIGATES,
    RG + "addresses": Relation.ADDRESSES,
    RG + "treats": Relation.TREATS,
    RG + "usesControl": Relation.USES_CONTROL,
    RG + "supports": Relation.SUPPORTS,
}

_TEXT_ATTRIBUTES = {
    RG + "status": "status",
    RG + "option": "option",
    RG + "expires": "expires",
    RG + "lifecycleStage": "stage",
}
_SCORES = {
    RG + "likelihood": "likelihood",
    RG + "severity": "severity",
    RG + "residualLikelihood": "residual_likelihood",
    RG + "residualSeverity": "residual_severity",
}
_LEVELS = {RG + "inherentLevel": "level", RG + "residualLevel": "residual"}
_MATRIX = RG + "riskMatrix"
_SOA_ANNEX = RG + "annexAControl"
_SOA_APPLICABLE = RG + "applicable"
_PREDICATES = [*LINKS, *_TEXT_ATTRIBUTES, *_LEVELS, _SOA_ANNEX, _SOA_APPLICABLE]

_ENTITIES_QUERY = f"""
SELECT ?s ?id ?type ?title WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?s <{DCTERMS}identifier> ?id ; a ?type .
    OPTIONAL {{ ?s <{DCTERMS}title> ?title }}
  }}
}}"""
_PROPERTIES_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{ ?s ?p ?o }}
  VALUES ?p {{ {" ".join(f"<{p}>" for p in _PREDICATES)} }}
}}"""
_UNLEVELLED_SCORES_QUERY = f"""
SELECT ?s ?p ?o WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?s a <{RG}Risk> .
    FILTER (NOT EXISTS {{ ?s <{RG}inherentLevel> ?level }}
      || (EXISTS {{ ?s <{RG}residualLikelihood> ?rl }}
          && NOT EXISTS {{ ?s <{RG}residualLevel> ?rv }}))
    ?s ?p ?o .
  }}
  VALUES ?p {{ {" ".join(f"<{p}>" for p in [*_SCORES, _MATRIX])} }}
}}"""
_CATALOGUE_QUERY = f"""
SELECT ?c ?notation ?type ?label ?broader WHERE {{
  GRAPH <{ISO42001_GRAPH}> {{
    ?c <{SKOS}notation> ?notation ; a ?type .
    OPTIONAL {{ ?c <{SKOS}prefLabel> ?label }}
    OPTIONAL {{ ?c <{SKOS}broader> ?broader }}
  }}
}}"""


def _rows(store: Store, sparql: str) -> list[dict[str, Term | None]]:
    result = store.select(sparql)
    return list(result.rows)


@dataclass
class _Draft:
    """Nodes, edges and loose facts gathered from the rows before the graph is made."""

    node_of_iri: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, NodeKind] = field(default_factory=dict)
    attrs: dict[str, dict[str, object]] = field(default_factory=lambda: defaultdict(dict))
    edges: dict[tuple[str, str], Relation] = field(default_factory=dict)
    outside: dict[str, str] = field(default_factory=dict)
    dangling: int = 0


def build_graph(store: Store) -> RegisterGraph:
    """The typed graph of the register in ``store``."""
    draft = _Draft()
    _add_catalogue(draft, _rows(store, _CATALOGUE_QUERY))
    _add_entities(draft, _rows(store, _ENTITIES_QUERY))
    _add_properties(draft, _rows(store, _PROPERTIES_QUERY))
    _add_missing_levels(draft, _rows(store, _UNLEVELLED_SCORES_QUERY))
    graph: nx.DiGraph = nx.DiGraph()
    for node in sorted(draft.kinds):
        attrs = draft.attrs.get(node, {})
        attrs.setdefault("title", node)
        graph.add_node(node, kind=draft.kinds[node], **attrs)
    graph.add_edges_from(
        (s, o, {"relation": relation}) for (s, o), relation in sorted(draft.edges.items())
    )
    return RegisterGraph(
        graph, revision=read_revision(store), outside=draft.outside, dangling=draft.dangling
    )


def _add_catalogue(draft: _Draft, rows: list[dict[str, Term | None]]) -> None:
    broader: list[tuple[str, str]] = []
    for row in rows:
        iri, notation, rdf_type = (
            term_value(row["c"]),
            term_value(row["notation"]),
            term_value(row["type"]),
        )
        kind = CATALOGUE_KINDS.get(rdf_type or "")
        if iri is None or notation is None or kind is None:
            continue
        draft.node_of_iri[iri] = notation
        draft.kinds[notation] = kind
        if (label := term_value(row["label"])) is not None:
            draft.attrs[notation]["title"] = label
        if (parent := term_value(row["broader"])) is not None:
            broader.append((notation, parent))
    for notation, parent_iri in broader:
        parent = draft.node_of_iri.get(parent_iri)
        if parent is not None:
            draft.edges[(notation, parent)] = Relation.BROADER


def _add_entities(draft: _Draft, rows: list[dict[str, Term | None]]) -> None:
    types: dict[str, set[str]] = defaultdict(set)
    ids: dict[str, str] = {}
    titles: dict[str, str] = {}
    for row in rows:
        iri, entity_id = term_value(row["s"]), term_value(row["id"])
        if iri is None or entity_id is None:
            continue
        ids.setdefault(iri, entity_id)
        types[iri].add(term_value(row["type"]) or "")
        if (title := term_value(row["title"])) is not None:
            titles.setdefault(iri, title)
    for iri in sorted(ids):
        entity_id = ids[iri]
        if entity_id in draft.kinds or entity_id in draft.outside:
            continue  # a second IRI with the same ID: the register is broken, keep the first
        kind = next((k for t, k in ENTITY_KINDS.items() if t in types[iri]), None)
        if kind is None:
            cls = entity_class_for(types[iri])
            draft.outside[entity_id] = cls.kind if cls is not None else "entity"
            draft.node_of_iri[iri] = entity_id  # for SoA statements, which are outside
            continue
        draft.node_of_iri[iri] = entity_id
        draft.kinds[entity_id] = kind
        if iri in titles:
            draft.attrs[entity_id]["title"] = titles[iri]


def _add_properties(draft: _Draft, rows: list[dict[str, Term | None]]) -> None:
    soa: dict[str, dict[str, str]] = defaultdict(dict)
    levels = all_levels()
    for row in rows:
        s, p, o = row["s"], row["p"], row["o"]
        if s is None or p is None or o is None:
            continue
        node = draft.node_of_iri.get(s.value)
        if node is None:
            continue
        predicate = p.value
        if predicate in LINKS:
            _add_link(draft, node, LINKS[predicate], o)
        elif node not in draft.kinds:  # outside the graph: only SoA statements matter
            if predicate in (_SOA_ANNEX, _SOA_APPLICABLE):
                soa[node][predicate] = o.value
        elif predicate in _TEXT_ATTRIBUTES:
            draft.attrs[node][_TEXT_ATTRIBUTES[predicate]] = _text(o)
        elif predicate in _LEVELS and o.value in levels:
            draft.attrs[node][_LEVELS[predicate]] = levels[o.value].name
    _apply_applicability(draft, soa)


def _text(term: Term) -> str:
    """Literal values as they are; rg: individuals (rg:Implemented) as lower-case local names."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(RG):
        return term.value.removeprefix(RG).lower()
    return term.value


def _add_link(draft: _Draft, node: str, relation: Relation, obj: Term) -> None:
    if node not in draft.kinds:
        return  # a link of an entity outside the graph
    target = draft.node_of_iri.get(obj.value)
    if target is None:
        draft.dangling += 1  # points at nothing the register holds; SHACL validation reports it
        return
    if target not in draft.kinds:
        return  # a register entity outside the graph, e.g. evidence of an audit
    key = (node, target)
    # rg:providedBy is a sub-property of rg:dependsOn: when both link a pair, keep the specific.
    if draft.edges.get(key) is not Relation.PROVIDED_BY:
        draft.edges[key] = relation


def _add_missing_levels(draft: _Draft, rows: list[dict[str, Term | None]]) -> None:
    """Risks imported without stored levels get them from their scores, as the model does."""
    scores: dict[str, dict[str, int]] = defaultdict(dict)
    matrices: dict[str, str] = {}
    for row in rows:
        s, p, o = row["s"], row["p"], row["o"]
        node = draft.node_of_iri.get(s.value) if s is not None else None
        if node is None or p is None or o is None:
            continue
        if p.value in _SCORES and isinstance(o, ox.Literal) and o.value.isdigit():
            scores[node][_SCORES[p.value]] = int(o.value)
        elif p.value == _MATRIX:
            matrices[node] = o.value
    for node, found in scores.items():
        attrs = draft.attrs[node]
        try:
            grid = matrix_by_iri(matrices[node]) if node in matrices else matrix("5x5")
            for level, likelihood, severity in (
                ("level", "likelihood", "severity"),
                ("residual", "residual_likelihood", "residual_severity"),
            ):
                if level not in attrs and likelihood in found and severity in found:
                    attrs[level] = grid.level(found[likelihood], found[severity]).name
        except ValueError:
            continue  # an unknown matrix or scores off it: SHACL validation reports these


def _apply_applicability(draft: _Draft, soa: dict[str, dict[str, str]]) -> None:
    for statement in soa.values():
        annex = draft.node_of_iri.get(statement.get(_SOA_ANNEX, ""))
        if annex is not None and _SOA_APPLICABLE in statement:
            draft.attrs[annex]["applicable"] = statement[_SOA_APPLICABLE] in ("true", "1")
