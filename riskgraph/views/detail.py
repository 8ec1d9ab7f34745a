"""One node in detail: what it is, its fields, its risk levels against the appetite, and every
link out of it and into it with the kind and title of the other end.

The same read model serves ``riskgraph show`` (text, JSON, YAML) and the TUI's detail pane, for
register entities (``R-017``) and catalogue items (``6.1.2``, ``A.6.2.4``, ``C.3.4``) alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.editing.input import FLAGS
from riskgraph.editing.schema import ontology
from riskgraph.editing.write import missing_entity
from riskgraph.ids import natural_key
from riskgraph.model.entities import Entity, Risk, RiskAcceptance
from riskgraph.model.fields import catalogue_iri, is_catalogue_ref
from riskgraph.model.rdf import entity_class_for, field_specs
from riskgraph.model.repository import Repository
from riskgraph.model.risk_hash import risk_hash
from riskgraph.register import Register
from riskgraph.scoring import Level, above_appetite, all_levels, current_level, matrix_by_iri
from riskgraph.store.base import Store, Term
from riskgraph.views.nodes import NAMING, NodeInfo, describe, describe_all
from riskgraph.vocab import META_GRAPH, ONTOLOGY_GRAPH, PREFIXES, RDF, RG, SKOS

VALUE_LINKS = {RG + "status", RG + "option", RG + "riskMatrix"}
"""Links to value sets (statuses, options, matrices): shown as fields, not as neighbours."""
LEVEL_LINKS = {RG + "inherentLevel", RG + "residualLevel"}
HIDDEN = {RDF + "type", SKOS + "inScheme", SKOS + "topConceptOf"}
"""Links that say nothing a person would follow."""
INVERSE_NAMES = {SKOS + "broader": "narrower"}
"""Incoming links that read better under a name of their own."""


@dataclass(frozen=True)
class Link:
    """One link of the node, out of it (``outgoing``) or into it."""

    via: str
    """The field that holds the link: the node's own field for outgoing links, the other node's
    for incoming ones; for properties outside the model, the prefixed predicate."""
    relation: str
    """The relation in words ('mitigates'); for incoming links, as the other node says it."""
    outgoing: bool
    node: NodeInfo
    """The other end."""

    @property
    def arrow(self) -> str:
        return "→" if self.outgoing else "←"

    def to_dict(self) -> dict[str, str]:
        return {
            "via": self.via,
            "id": self.node.key,
            "kind": self.node.kind,
            "title": self.node.title,
        }


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class RiskLevels:
    """A risk's levels and where its current level stands against the appetite."""

    matrix: str
    inherent: Level | None
    residual: Level | None
    current: Level
    """Residual where scored, else inherent (``riskgraph.scoring.current_level``)."""
    appetite: str
    above_appetite: bool
    """Whether the current level ranks above the appetite."""

    @property
    def verdict(self) -> str:
        """'current level above appetite' or 'current level within appetite'."""
        return f"current level {'above' if self.above_appetite else 'within'} appetite"

    def to_dict(self) -> dict[str, object]:
        return {
            "matrix": self.matrix,
            "inherent": self.inherent.name if self.inherent else None,
            "residual": self.residual.name if self.residual else None,
            "current": self.current.name,
            "appetite": self.appetite,
            "above_appetite": self.above_appetite,
        }

    def fields(self) -> list[Field]:
        """The levels as rows of fields, for screens that list fields."""
        rows = [Field("inherent level", self.inherent.label)] if self.inherent else []
        if self.residual:
            rows.append(Field("residual level", self.residual.label))
        rows.append(Field("current level", self.current.label))
        rows.append(Field("appetite", f"{self.appetite} ({self.verdict})"))
        return rows


CHANGED_SINCE_ACCEPTED = "changed since accepted"
"""What every face says of a risk edited after its latest acceptance was signed."""


@dataclass(frozen=True)
class AcceptanceState:
    """A risk's latest acceptance and whether the risk has changed since it was signed (its
    current hash, ``riskgraph.model.risk_hash``, differs from the one the acceptance holds)."""

    acceptance: str
    """The acceptance's ID."""
    risk: str
    accepted_on: str
    expires: str | None
    changed: bool

    @property
    def text(self) -> str:
        until = f", until {self.expires}" if self.expires else ""
        if self.changed:
            return (
                f"{CHANGED_SINCE_ACCEPTED}: {self.acceptance} (signed {self.accepted_on}{until}) "
                f"holds the hash of {self.risk} as it stood then; {self.risk} has been edited since"
            )
        return f"accepted by {self.acceptance} (signed {self.accepted_on}{until}); unchanged since"

    def to_dict(self) -> dict[str, object]:
        return {
            "acceptance": self.acceptance,
            "risk": self.risk,
            "accepted_on": self.accepted_on,
            "expires": self.expires,
            "changed_since_accepted": self.changed,
        }


@dataclass
class Detail:
    node: NodeInfo
    fields: list[Field]
    """The node's literal and value-set fields in words, the model's order first, then the
    levels of a risk (``RiskLevels.fields``)."""
    levels: RiskLevels | None
    links: list[Link]
    editable: bool = False
    """True for the kinds the caller can edit (the TUI's forms)."""
    entity: Entity | None = field(default=None)
    """The register entity as the model reads it, when asked for and the node is one."""
    acceptance: AcceptanceState | None = None
    """For a risk, its latest acceptance; for an acceptance, itself: whether the risk has
    changed since it was signed (also among ``fields``, as "acceptance")."""

    @property
    def kind(self) -> str:
        """The entity kind as commands name it ('system'), else the node's kind in words."""
        return self.entity.kind if self.entity is not None else self.node.kind

    def outgoing(self) -> list[Link]:
        return [link for link in self.links if link.outgoing]

    def incoming(self) -> list[Link]:
        return [link for link in self.links if not link.outgoing]

    def to_dict(self) -> dict[str, object]:
        """The JSON/YAML form of ``riskgraph show``."""
        if self.entity is not None:
            values: dict[str, object] = self.entity.model_dump(mode="json")
        else:
            values = {f.name: f.value for f in self.fields}
        return {
            "kind": self.kind,
            "id": self.node.key,
            "fields": values,
            "levels": self.levels.to_dict() if self.levels else None,
            "acceptance": self.acceptance.to_dict() if self.acceptance else None,
            "links_to": [link.to_dict() for link in self.outgoing()],
            "linked_from": [link.to_dict() for link in self.incoming()],
        }


def find_node(store: Store, base_iri: str, key: str) -> str | None:
    """The IRI of a register ID or of an ISO/IEC 42001 reference the store holds, else None."""
    key = key.strip()
    if (iri := Repository(store, base_iri).iri_of(key)) is not None:
        return iri
    if is_catalogue_ref(key):
        found = store.query("ASK { ?node a ?type }", {"node": ox.NamedNode(catalogue_iri(key))})
        if getattr(found, "value", False):
            return catalogue_iri(key)
    return None


def open_detail(store: Store, base_iri: str, key: str, config: RegisterConfig) -> Detail:
    """The detail of a register ID or an ISO/IEC 42001 reference, with the register entity read
    through the model; an unknown key is an InputError with the closest IDs."""
    iri = find_node(store, base_iri, key)
    if iri is None:
        raise missing_entity(Repository(store, base_iri), key.strip(), FLAGS)
    return read_detail(store, base_iri, iri, config, with_entity=True)


def entity_detail(register: Register, store: Store, key: str) -> dict[str, object]:
    """``open_detail`` as JSON-ready data: what ``riskgraph show KEY --format json`` prints."""
    return open_detail(store, register.base_iri, key, register.config).to_dict()


def relation_name(predicate: str) -> str:
    """A predicate in words: its ontology label, else its local name split into words."""
    onto = ontology()
    if predicate in onto.labels:
        return onto.labels[predicate]
    local = predicate.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return _CAMEL.sub(" ", local).lower()


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def load_detail(register: Register, iri: str, editable_kinds: frozenset[str]) -> Detail:
    """Everything a detail screen shows about ``iri``."""
    with register.reader() as store:
        return read_detail(
            store, register.base_iri, iri, register.config, editable_kinds=editable_kinds
        )


def read_detail(
    store: Store,
    base_iri: str,
    iri: str,
    config: RegisterConfig,
    *,
    editable_kinds: frozenset[str] = frozenset(),
    with_entity: bool = False,
) -> Detail:
    """The detail of ``iri``; ``with_entity`` also reads a register entity through the model."""
    node = describe(store, iri, base_iri)
    cls = entity_class_for(node.types)
    own_fields = {spec.predicate: spec.name for spec in field_specs(cls)} if cls else {}
    value_links = VALUE_LINKS | {
        spec.predicate for spec in (field_specs(cls) if cls else ()) if spec.kind == "concept"
    }
    links: list[tuple[str, bool, str]] = []
    levels: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for quad in store.quads(None, subject=iri):
        if _skipped_graph(quad) or quad.predicate.value in HIDDEN | NAMING:
            continue
        predicate, obj = quad.predicate.value, quad.object
        if isinstance(obj, ox.NamedNode) and predicate in LEVEL_LINKS:
            levels[predicate] = obj.value
        elif isinstance(obj, ox.NamedNode) and predicate in value_links:
            values.setdefault(predicate, []).append(_value_name(store, obj.value, base_iri))
        elif isinstance(obj, ox.NamedNode):
            links.append((predicate, True, obj.value))
        elif isinstance(obj, ox.Literal):
            values.setdefault(predicate, []).append(obj.value)
    for quad in _quads_to(store, iri):
        subject = quad.subject
        hidden = _skipped_graph(quad) or quad.predicate.value in HIDDEN
        if isinstance(subject, ox.NamedNode) and not hidden:
            links.append((quad.predicate.value, False, subject.value))
    infos = describe_all(store, (other for _, _, other in links), base_iri)
    resolved = {
        _link(predicate, outgoing, infos[other], own_fields) for predicate, outgoing, other in links
    }
    ordered = sorted(
        resolved, key=lambda link: (not link.outgoing, link.relation, natural_key(link.node.key))
    )
    risk_levels = _risk_levels(levels, values.get(RG + "riskMatrix"), config)
    entity = None
    if with_entity and cls is not None:
        entity = Repository(store, base_iri).get(node.key)
    level_fields = risk_levels.fields() if risk_levels else []
    accepted = acceptance_state(store, base_iri, iri, cls)
    accepted_fields = [Field("acceptance", accepted.text)] if accepted else []
    return Detail(
        node,
        _ordered_fields(cls, values) + level_fields + accepted_fields,
        risk_levels,
        ordered,
        editable=cls is not None and cls.kind in editable_kinds,
        entity=entity,
        acceptance=accepted,
    )


_ACCEPTANCES = f"""
PREFIX rg: <{RG}>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?acceptance ?id ?risk ?risk_id ?hash ?on ?expires WHERE {{
  ?acceptance a rg:RiskAcceptance ;
      dcterms:identifier ?id ;
      rg:acceptedRisk ?risk ;
      rg:riskHash ?hash ;
      rg:acceptedOn ?on .
  ?risk dcterms:identifier ?risk_id .
  OPTIONAL {{ ?acceptance rg:acceptanceExpires ?expires }}
  FILTER(?acceptance = ?node || ?risk = ?node)
}}
ORDER BY DESC(?on) DESC(?id)"""


def _text_of(term: Term | None) -> str:
    return term.value if term is not None else ""


def acceptance_state(
    store: Store, base_iri: str, iri: str, cls: type[Entity] | None
) -> AcceptanceState | None:
    """A risk's latest acceptance, or an acceptance itself, with whether the risk changed since
    it was signed; None for other nodes and for risks never accepted."""
    if cls not in (Risk, RiskAcceptance):
        return None
    rows = store.select(_ACCEPTANCES, {"node": ox.NamedNode(iri)}).rows
    for row in rows:
        risk, recorded = row.get("risk"), row.get("hash")
        if risk is None or recorded is None:
            continue
        expires = row.get("expires")
        return AcceptanceState(
            acceptance=_text_of(row.get("id")),
            risk=_text_of(row.get("risk_id")),
            accepted_on=_text_of(row.get("on")),
            expires=expires.value if expires is not None else None,
            changed=risk_hash(store, risk.value) != recorded.value,
        )
    return None


def _link(predicate: str, outgoing: bool, other: NodeInfo, own_fields: dict[str, str]) -> Link:
    if outgoing:
        via = own_fields.get(predicate)
        relation = relation_name(predicate)
    else:
        referrer = entity_class_for(other.types)
        names = {spec.predicate: spec.name for spec in field_specs(referrer)} if referrer else {}
        via = names.get(predicate)
        relation = INVERSE_NAMES.get(predicate) or relation_name(predicate)
    return Link(via or _compact(predicate), relation, outgoing, other)


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return iri


def _value_name(store: Store, iri: str, base_iri: str) -> str:
    """A status, option or matrix by the word people use for it ('approved', '5x5')."""
    try:
        return matrix_by_iri(iri).name
    except ValueError:
        return describe(store, iri, base_iri).key


def _skipped_graph(quad: ox.Quad) -> bool:
    graph = quad.graph_name
    return isinstance(graph, ox.NamedNode) and graph.value in (ONTOLOGY_GRAPH, META_GRAPH)


def _quads_to(store: Store, iri: str) -> list[ox.Quad]:
    """Quads whose object is ``iri``, in every named graph."""
    result = store.select(
        "SELECT ?g ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"o": ox.NamedNode(iri)},
        union_default_graph=False,
    )
    target = ox.NamedNode(iri)
    return [
        ox.Quad(row["s"], row["p"], target, row["g"])
        for row in result.rows
        if isinstance(row["s"], ox.NamedNode)
        and isinstance(row["p"], ox.NamedNode)
        and isinstance(row["g"], ox.NamedNode)
    ]


def _ordered_fields(cls: type[Entity] | None, values: dict[str, list[str]]) -> list[Field]:
    """Literal and value-set fields: the model's order first, then anything else by name."""
    order = [spec.predicate for spec in field_specs(cls)] if cls else []
    known = [p for p in order if p in values]
    others = sorted((p for p in values if p not in order), key=relation_name)
    return [Field(relation_name(p), ", ".join(sorted(values[p]))) for p in known + others]


def _risk_levels(
    stored: dict[str, str], matrix_names: list[str] | None, config: RegisterConfig
) -> RiskLevels | None:
    """A risk's stored levels, its current level and where that stands against appetite."""
    known = all_levels()
    inherent = known.get(stored.get(RG + "inherentLevel", ""))
    residual = known.get(stored.get(RG + "residualLevel", ""))
    current = current_level(inherent, residual)
    if current is None:
        return None
    appetite = config.risk
    return RiskLevels(
        matrix=matrix_names[0] if matrix_names else appetite.matrix,
        inherent=inherent,
        residual=residual,
        current=current,
        appetite=appetite.appetite,
        above_appetite=above_appetite(current, appetite.appetite_rank),
    )
