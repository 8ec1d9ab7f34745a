"""The one store interface that every backend implements.

Terms are pyoxigraph terms (NamedNode, Literal, BlankNode, Quad) in every backend:
the remote backend parses endpoint answers with pyoxigraph's own parsers.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term]


class StoreError(Exception):
    """A store could not do what was asked; the message is meant for a person."""


class RegisterLockedError(StoreError):
    """Another process is writing to the register."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened read-only."""


class ConflictError(StoreError):
    """An entity changed since it was read (its revision stamp moved on)."""


@dataclass(frozen=True)
class SelectResult:
    """Variables and an iterator of rows; each row maps a variable to a term or None (unbound)."""

    variables: list[str]
    rows: Iterator[dict[str, Term | None]]


@dataclass(frozen=True)
class AskResult:
    value: bool


@dataclass(frozen=True)
class GraphResult:
    """Triples from CONSTRUCT or DESCRIBE."""

    triples: Iterator[ox.Triple]


QueryResult = SelectResult | AskResult | GraphResult


@dataclass
class ChangeSet:
    """Quads to remove and to add, applied together as one transaction."""

    remove: list[ox.Quad] = field(default_factory=list)
    add: list[ox.Quad] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.remove or self.add)


class Store(abc.ABC):
    """A quad store holding a register's named graphs (see ``riskgraph.vocab``)."""

    read_only: bool = False

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        union_default_graph: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query. ``bindings`` are substituted as values, never pasted into the text.

        With ``union_default_graph`` the default graph is the union of all named graphs.
        Results must be consumed in the thread that called ``query``.
        """

    @abc.abstractmethod
    def quads(self, graph: str | None = None, subject: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph and/or one subject IRI."""

    @abc.abstractmethod
    def apply(self, changes: ChangeSet) -> None:
        """Remove then add quads, all or nothing."""

    @abc.abstractmethod
    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the content of one named graph, all or nothing."""

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction (internal use; users never reach this)."""

    @abc.abstractmethod
    def graph_names(self) -> list[str]:
        """IRIs of the named graphs that hold data."""

    def count(self, graph: str | None = None) -> int:
        return sum(1 for _ in self.quads(graph))

    def close(self) -> None:  # noqa: B027 - optional for backends
        """Release the store; the default does nothing."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


REVISION = ox.NamedNode("https://w3id.org/riskgraph#revision")
_META = ox.NamedNode("https://w3id.org/riskgraph/graph/meta")


def read_revision(store: Store) -> int:
    """The register's revision: it increases by one with every committed change."""
    result = store.query(
        "SELECT (MAX(?r) AS ?rev) WHERE { GRAPH ?g { ?g ?p ?r } }",
        {"g": _META, "p": REVISION},
        union_default_graph=False,
    )
    assert isinstance(result, SelectResult)
    for row in result.rows:
        value = row["rev"]
        return int(value.value) if isinstance(value, ox.Literal) else 0
    return 0


def commit(store: Store, changes: ChangeSet) -> int:
    """Apply ``changes`` and move the revision on, in one transaction. Returns the new revision.

    A pure addition takes the fast path (one atomic extend, then the old stamp is removed);
    ``read_revision`` takes the maximum, so a crash between the two steps is harmless.
    """
    old = [
        q
        for q in store.quads(_META.value)
        if q.predicate == REVISION and isinstance(q.object, ox.Literal)
    ]
    current = max((int(q.object.value) for q in old if isinstance(q.object, ox.Literal)), default=0)
    new_rev = ox.Quad(_META, REVISION, ox.Literal(str(current + 1), datatype=_INTEGER), _META)
    if changes.remove:
        store.apply(ChangeSet(remove=[*changes.remove, *old], add=[*changes.add, new_rev]))
    else:
        store.apply(ChangeSet(add=[*changes.add, new_rev]))
        if old:
            store.apply(ChangeSet(remove=old))
    return current + 1


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
