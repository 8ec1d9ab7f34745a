"""The typed networkx view of a register: the risk chain from AI systems to ISO/IEC 42001.

Nodes are keyed by register ID (``SYS-CHATBOT``, ``R-001``) or catalogue reference (``A.6.2.4``,
``6.1.3``, ``C.3.4``); the two never collide (an ID cannot look like a reference). Each node has
a ``kind`` (:class:`NodeKind`) and a ``title``; risks also carry their levels, controls and
treatments their status. Each edge runs as its RDF triple does (subject -> object) and carries
its ``relation`` (:class:`Relation`). People, stakeholders, findings and the other entities that
are not on the risk chain stay out of the graph; their IDs are kept in ``outside`` so that a
lookup can say what they are.

``graph_build.build_graph`` fills it from a store; ``graph_cache.load_graph`` caches it per
register revision. The analyses (``trace``, ``impact``, ``rank``, ``graph_clusters``) are pure
functions of a :class:`RegisterGraph`, safe to call from a worker thread.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum

import networkx as nx
from pydantic import BaseModel, ConfigDict

from riskgraph.config import LEVEL_NAMES
from riskgraph.errors import UserError
from riskgraph.ids import IdKey, natural_key


class NodeKind(StrEnum):
    SYSTEM = "system"
    MODEL = "model"
    DATASET = "dataset"
    SERVICE = "service"
    SUPPLIER = "supplier"
    RISK = "risk"
    SOURCE = "source"
    CONTROL = "control"
    TREATMENT = "treatment"
    EVIDENCE = "evidence"
    CLAUSE = "clause"
    ANNEX_A_OBJECTIVE = "annex-a-objective"
    ANNEX_A = "annex-a"
    ANNEX_C_GROUP = "annex-c-group"
    ANNEX_C_OBJECTIVE = "annex-c-objective"
    ANNEX_C = "annex-c"

    @property
    def label(self) -> str:
        return _KIND_LABELS.get(self, self.value)


_KIND_LABELS = {
    NodeKind.SYSTEM: "AI system",
    NodeKind.SERVICE: "third-party service",
    NodeKind.SOURCE: "risk source",
    NodeKind.CLAUSE: "clause",
    NodeKind.ANNEX_A_OBJECTIVE: "Annex A objective",
    NodeKind.ANNEX_A: "Annex A control",
    NodeKind.ANNEX_C_GROUP: "Annex C group",
    NodeKind.ANNEX_C_OBJECTIVE: "Annex C objective",
    NodeKind.ANNEX_C: "Annex C risk source",
}

COMPONENT_KINDS = frozenset({NodeKind.MODEL, NodeKind.DATASET, NodeKind.SERVICE})
DEPENDENCY_KINDS = COMPONENT_KINDS | {NodeKind.SUPPLIER}
CATALOGUE_KINDS = frozenset(
    {
        NodeKind.CLAUSE,
        NodeKind.ANNEX_A_OBJECTIVE,
        NodeKind.ANNEX_A,
        NodeKind.ANNEX_C_GROUP,
        NodeKind.ANNEX_C_OBJECTIVE,
        NodeKind.ANNEX_C,
    }
)
KIND_ORDER = {kind: i for i, kind in enumerate(NodeKind)}
"""Display order of kinds: along the chain from systems to the standard."""


class Relation(StrEnum):
    """Edge relations: the local names of the RDF predicates (skos:broader for the catalogue)."""

    DEPENDS_ON = "dependsOn"
    PROVIDED_BY = "providedBy"
    AFFECTS = "affects"
    HAS_RISK_SOURCE = "hasRiskSource"
    MITIGATES = "mitigates"
    ADDRESSES = "addresses"
    TREATS = "treats"
    USES_CONTROL = "usesControl"
    SUPPORTS = "supports"
    BROADER = "broader"


DEPENDENCY_RELATIONS = frozenset({Relation.DEPENDS_ON, Relation.PROVIDED_BY})

IN_EFFECT = frozenset({"implemented", "verified"})
"""Control statuses that count as a control in place (planned and retired ones do not)."""


def level_rank(name: str | None) -> int:
    """Rank of a DPV level name (1 extremely-low ... 7 extremely-high); 0 for None."""
    return LEVEL_NAMES.index(name) + 1 if name else 0


def node_order(kind: NodeKind, node_id: str) -> tuple[int, IdKey]:
    return KIND_ORDER[kind], natural_key(node_id)


class NodeRef(BaseModel):
    """A node as results name it: ID, kind and title."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: NodeKind
    title: str


class RegisterGraph:
    """A register as a typed ``networkx.DiGraph``, with the lookups the analyses share.

    Treat it as read-only: it is cached and shared between callers (and threads).
    """

    def __init__(
        self,
        graph: nx.DiGraph,
        *,
        revision: int,
        outside: dict[str, str] | None = None,
        dangling: int = 0,
    ) -> None:
        self.nx = graph
        self.revision = revision
        self.outside = outside or {}
        """IDs of register entities not in the graph (people, findings ...) -> their kind."""
        self.dangling = dangling
        """Links that point at nothing in the graph (broken references), left out."""
        self._by_kind: dict[NodeKind, list[str]] = {kind: [] for kind in NodeKind}
        for node, kind in graph.nodes(data="kind"):
            self._by_kind[kind].append(node)
        for nodes in self._by_kind.values():
            nodes.sort(key=natural_key)

    def __contains__(self, node: object) -> bool:
        return node in self.nx

    def __repr__(self) -> str:
        return (
            f"RegisterGraph(revision={self.revision}, nodes={self.nx.number_of_nodes()}, "
            f"edges={self.nx.number_of_edges()})"
        )

    # Attributes ---------------------------------------------------------------------------

    def kind(self, node: str) -> NodeKind:
        kind: NodeKind = self.nx.nodes[node]["kind"]
        return kind

    def title(self, node: str) -> str:
        title: str = self.nx.nodes[node]["title"]
        return title

    def attr(self, node: str, name: str) -> str | None:
        """An optional text attribute: level, residual, status, option, expires, stage."""
        value = self.nx.nodes[node].get(name)
        return None if value is None else str(value)

    def level(self, node: str) -> str | None:
        """Inherent level name of a risk (e.g. 'high')."""
        return self.attr(node, "level")

    def residual(self, node: str) -> str | None:
        """Residual level name of a risk, when it is scored."""
        return self.attr(node, "residual")

    def status(self, node: str) -> str | None:
        return self.attr(node, "status")

    def applicable(self, node: str) -> bool:
        """False for an Annex A control the Statement of Applicability excludes."""
        return bool(self.nx.nodes[node].get("applicable", True))

    def in_effect(self, node: str) -> bool:
        """True for a control that is implemented or verified."""
        return self.status(node) in IN_EFFECT

    def ref(self, node: str) -> NodeRef:
        return NodeRef(id=node, kind=self.kind(node), title=self.title(node))

    # Structure ----------------------------------------------------------------------------

    def nodes_of(self, *kinds: NodeKind) -> list[str]:
        """Nodes of these kinds, in natural ID order within each kind."""
        return [node for kind in kinds for node in self._by_kind[kind]]

    def out(self, node: str, relation: Relation) -> list[str]:
        """Objects of ``node``'s links of this relation (node -relation-> x)."""
        return [x for x, data in self.nx.succ[node].items() if data["relation"] == relation]

    def into(self, node: str, relation: Relation) -> list[str]:
        """Subjects of links of this relation that point at ``node`` (x -relation-> node)."""
        return [x for x, data in self.nx.pred[node].items() if data["relation"] == relation]

    def sorted(self, nodes: Iterable[str]) -> list[str]:
        """Nodes in display order: by kind along the chain, then natural ID order."""
        return sorted(nodes, key=lambda n: node_order(self.kind(n), n))

    # Lookup -------------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The node for an ID or catalogue reference (case-insensitive), or a UserError that
        says what the ID is when it is outside the graph, or suggests close matches."""
        text = ref.strip()
        node = self._find(text)
        if node is None:
            raise UserError(self._unknown_message(text))
        return node

    def _find(self, text: str) -> str | None:
        if text in self.nx:
            return text
        folded = text.casefold()
        matches = [n for n in self._candidates() if n.casefold() == folded]
        if len(matches) == 1 and matches[0] in self.nx:
            return matches[0]
        return None

    def _candidates(self) -> list[str]:
        return [*self.nx.nodes, *self.outside]

    def _unknown_message(self, text: str) -> str:
        folded = text.casefold()
        for other, kind in self.outside.items():
            if other.casefold() == folded:
                return (
                    f"{other} is {with_article(kind)}; the analytics graph holds AI systems, "
                    "components, suppliers, risks, risk sources, controls, treatments, "
                    "evidence and ISO/IEC 42001 references"
                )
        close = difflib.get_close_matches(text, self._candidates(), n=5, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(text.upper(), self._candidates(), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return (
            f"no entity or ISO/IEC 42001 reference {text!r} in the register{hint} "
            "(IDs look like SYS-CHATBOT or C-012; references like A.6.2.4 or 6.1.3)"
        )


def with_article(noun: str) -> str:
    """'a risk', 'an AI system'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
