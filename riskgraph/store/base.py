"""The one store interface that every backend implements.

Terms are pyoxigraph terms (NamedNode, Literal, BlankNode, Quad) in every backend:
the remote backend parses endpoint answers with pyoxigraph's own parsers.

Revisions
---------
The register has a revision (``rg:revision`` on the meta graph, in the meta graph) that every
``commit`` moves on by one. Every entity written by a commit gets a stamp in the meta graph: its
``rg:revision`` is the register revision of that commit, with ``dcterms:modified`` (when) and
``dc:contributor`` (who, and which command). A removed entity keeps its stamp as a tombstone. A
writer that read an entity at stamp N puts ``{entity IRI: N}`` in ``ChangeSet.preconditions``;
``commit`` then writes only if no one changed the entity since, and raises ``ConflictError``
otherwise (optimistic concurrency: nothing is lost silently, nobody holds a lock while editing).
The check and the write are atomic: the embedded store is written under the register's writer
lock, a shared endpoint under a short write lease (``Store.exclusive``).
"""

from __future__ import annotations

import abc
import getpass
import socket
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from riskgraph.errors import RiskgraphError
from riskgraph.store import fingerprint
from riskgraph.store.failpoints import crash_point
from riskgraph.vocab import DCTERMS, META_GRAPH, REGISTER_GRAPH, RG, XSD

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Bindings = Mapping[str, Term]


def term_value(term: Term | None) -> str | None:
    """A result term's lexical value (IRI, blank node ID or literal text); None when unbound."""
    return term.value if term is not None else None


class StoreError(RiskgraphError):
    """A store could not do what was asked; the message is meant for a person. Exit code 3."""


class RegisterLockedError(StoreError):
    """Another process is writing to the register."""


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened read-only."""


DOCTOR_HINT = (
    "Run 'riskgraph doctor' to see what is wrong, and 'riskgraph doctor --repair' to restore "
    "the last good version"
)


class StoreDamagedError(StoreError):
    """The register's store is missing or damaged; nothing was read or written."""


@dataclass(frozen=True)
class Stamp:
    """The revision stamp of an entity (or of the register, subject = the meta graph)."""

    revision: int = 0
    """The register revision that last wrote it; 0 when it has never been stamped."""
    modified: str | None = None
    """When (ISO 8601, UTC)."""
    contributor: str | None = None
    """Who and with what, e.g. ``alice@laptop (riskgraph edit)``."""
    quads: tuple[ox.Quad, ...] = ()
    """The stamp's quads as stored (what a new stamp replaces)."""


@dataclass(frozen=True)
class Conflict:
    """An entity whose stamp is not the one a writer expected."""

    subject: str
    """The entity's IRI."""
    expected: int
    """The revision the writer read (0: it had no stamp)."""
    found: Stamp
    """The stamp the store holds now."""

    @property
    def name(self) -> str:
        """The entity's ID (the IRI's last segment), or 'the register'."""
        if self.subject == META_GRAPH:
            return "the register"
        return self.subject.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def describe(self) -> str:
        who = f" by {self.found.contributor}" if self.found.contributor else ""
        when = f" on {self.found.modified}" if self.found.modified else ""
        read = f"revision {self.expected}" if self.expected else "before it was first stamped"
        return (
            f"{self.name} was changed{who}{when} (register revision {self.found.revision}) "
            f"after it was read ({read})"
        )


class ConflictError(StoreError):
    """An entity changed since it was read (its revision stamp moved on); nothing was written."""

    def __init__(self, conflicts: list[Conflict], message: str | None = None) -> None:
        self.conflicts = conflicts
        if message is None:
            lines = "; ".join(c.describe() for c in conflicts) or "the register changed"
            message = (
                f"{lines}. Nothing was written: load the current version, redo the change "
                "and save again"
            )
        super().__init__(message)


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
    """Quads to remove and to add, applied together as one transaction.

    ``preconditions`` maps subject IRIs to the revision stamp the writer read (0: no stamp);
    ``Store.apply_if_current`` (which ``commit`` uses) writes only while all of them still hold.
    """

    remove: list[ox.Quad] = field(default_factory=list)
    add: list[ox.Quad] = field(default_factory=list)
    preconditions: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.remove or self.add)


class Store(abc.ABC):
    """A quad store holding a register's named graphs (see ``riskgraph.vocab``)."""

    read_only: bool = False

    @property
    def evaluates_oxigraph_extensions(self) -> bool:
        """Whether queries may use Oxigraph's SPARQL extensions (``LATERAL``): the store is
        Oxigraph, embedded or a server known to be one."""
        return False

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

    def select(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        union_default_graph: bool = True,
    ) -> SelectResult:
        """``query`` for a SELECT: its rows, or StoreError when the answer is of another form."""
        return _expect(
            self.query(sparql, bindings, union_default_graph=union_default_graph), SelectResult
        )

    def construct(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        union_default_graph: bool = True,
    ) -> GraphResult:
        """``query`` for a CONSTRUCT or DESCRIBE: its triples, or StoreError otherwise."""
        return _expect(
            self.query(sparql, bindings, union_default_graph=union_default_graph), GraphResult
        )

    @abc.abstractmethod
    def quads(self, graph: str | None = None, subject: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph and/or one subject IRI."""

    @abc.abstractmethod
    def apply(self, changes: ChangeSet) -> None:
        """Remove then add quads, all or nothing."""

    def exclusive(self) -> AbstractContextManager[None]:
        """While this is held, no other riskgraph writer writes to the store, so a check and a
        write made inside it are atomic. The default holds nothing: the embedded store is only
        written under the register's writer lock. A shared store takes a lease of its own."""
        return nullcontext()

    def apply_addition(self, add: list[ox.Quad], old_stamps: list[ox.Quad]) -> None:
        """Add quads and remove the stamps they replace: one ``apply``, all or nothing."""
        self.apply(ChangeSet(remove=old_stamps, add=add))

    def apply_if_current(self, changes: ChangeSet) -> None:
        """``apply`` if every precondition holds, else raise ConflictError and write nothing."""
        with self.exclusive():
            check_preconditions(self, changes.preconditions)
            self.apply(ChangeSet(changes.remove, changes.add))

    @abc.abstractmethod
    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the content of one named graph, all or nothing."""

    @abc.abstractmethod
    def update(self, sparql: str, *, keeps_hash: bool = False) -> None:
        """Run a SPARQL update as one transaction (internal use; users never reach this).

        Unless ``keeps_hash`` (an update of bookkeeping only), the same transaction removes the
        maintained register hash (see ``riskgraph.store.fingerprint``)."""

    def invalidate_hash(self) -> None:
        """Remove the maintained register hash, before a write that does not maintain it."""
        self.update(fingerprint.INVALIDATE, keeps_hash=True)

    def present(self, quads: Collection[ox.Quad]) -> set[ox.Quad]:
        """Those of ``quads`` (without blank nodes) that the store holds."""
        found: set[ox.Quad] = set()
        wanted = set(quads)
        keys = {(q.graph_name, q.subject) for q in wanted}
        if len(keys) > STAMPS_BY_QUERY:  # many subjects: one read per graph, not per subject
            for name in {g.value for g, _ in keys if isinstance(g, ox.NamedNode)}:
                found.update(q for q in self.quads(name) if q in wanted)
            return found
        for graph, subject in keys:
            if isinstance(graph, ox.NamedNode) and isinstance(subject, ox.NamedNode):
                found.update(q for q in self.quads(graph.value, subject.value) if q in wanted)
        return found

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


_Answer = TypeVar("_Answer", SelectResult, AskResult, GraphResult)


def _expect(result: QueryResult, form: type[_Answer]) -> _Answer:
    if not isinstance(result, form):
        raise StoreError(
            f"the store answered with {type(result).__name__} where {form.__name__} was expected"
        )
    return result


REVISION = ox.NamedNode(RG + "revision")
MODIFIED = ox.NamedNode(DCTERMS + "modified")
CONTRIBUTOR = ox.NamedNode("http://purl.org/dc/elements/1.1/contributor")
STAMP_PREDICATES = (REVISION, MODIFIED, CONTRIBUTOR)
_META = ox.NamedNode(META_GRAPH)
_IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
_INTEGER = ox.NamedNode(XSD + "integer")
_DATE_TIME = ox.NamedNode(XSD + "dateTime")

STAMPS_BY_QUERY = 256
"""Up to this many subjects, stamps are read with one query naming them; above, all at once."""


def read_revision(store: Store) -> int:
    """The register's revision: it increases by one with every committed change."""
    result = store.select(
        "SELECT (MAX(?r) AS ?rev) WHERE { GRAPH ?g { ?g ?p ?r } }",
        {"g": _META, "p": REVISION},
        union_default_graph=False,
    )
    for row in result.rows:
        value = row["rev"]
        return int(value.value) if isinstance(value, ox.Literal) else 0
    return 0


def read_stamps(store: Store, subjects: Collection[str]) -> dict[str, Stamp]:
    """The stamps of ``subjects`` (IRIs); a subject that has none maps to ``Stamp()``."""
    wanted = set(subjects)
    found: dict[str, list[ox.Quad]] = {s: [] for s in wanted}
    if not wanted:
        return {}
    if len(wanted) <= STAMPS_BY_QUERY:
        values = " ".join(str(ox.NamedNode(s)) for s in sorted(wanted))
        predicates = " ".join(str(p) for p in STAMP_PREDICATES)
        result = store.select(
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {predicates} }} "
            f"GRAPH {_META} {{ ?s ?p ?o }} }}",
            union_default_graph=False,
        )
        for row in result.rows:
            s, p, o = row["s"], row["p"], row["o"]
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None:
                found[s.value].append(ox.Quad(s, p, o, _META))
    else:
        for quad in store.quads(META_GRAPH):
            subject = quad.subject
            if (
                isinstance(subject, ox.NamedNode)
                and subject.value in found
                and quad.predicate in STAMP_PREDICATES
            ):
                found[subject.value].append(quad)
    return {s: _stamp(quads) for s, quads in found.items()}


def read_stamp_revisions(store: Store, subjects: Collection[str] | None = None) -> dict[str, int]:
    """Subject IRI -> stamped revision (0 when unstamped), for ``subjects`` or every stamp.

    Lighter than ``read_stamps``: one query for the revisions alone.
    """
    wanted = None if subjects is None else set(subjects)
    if wanted is not None and len(wanted) <= STAMPS_BY_QUERY:
        values = " ".join(str(ox.NamedNode(s)) for s in sorted(wanted))
        restrict = f"VALUES ?s {{ {values} }} "
    else:
        restrict = ""
    result = store.select(
        f"SELECT ?s ?r WHERE {{ {restrict}GRAPH {_META} {{ ?s {REVISION} ?r }} }}",
        union_default_graph=False,
    )
    found: dict[str, int] = dict.fromkeys(wanted, 0) if wanted is not None else {}
    for row in result.rows:
        s, r = row["s"], row["r"]
        if not (isinstance(s, ox.NamedNode) and isinstance(r, ox.Literal)):
            continue
        if wanted is not None and s.value not in wanted:
            continue
        if r.value.isdigit():
            found[s.value] = max(found.get(s.value, 0), int(r.value))
    return found


def _stamp(quads: list[ox.Quad]) -> Stamp:
    if not quads:
        return Stamp()

    def values(predicate: ox.NamedNode) -> list[str]:
        return sorted(
            q.object.value
            for q in quads
            if q.predicate == predicate and isinstance(q.object, ox.Literal)
        )

    revisions = [int(v) for v in values(REVISION) if v.lstrip("-").isdigit()]
    modified, contributors = values(MODIFIED), values(CONTRIBUTOR)
    return Stamp(
        max(revisions, default=0),
        modified[-1] if modified else None,
        contributors[-1] if contributors else None,
        tuple(quads),
    )


def check_preconditions(store: Store, preconditions: Mapping[str, int]) -> None:
    """Raise ConflictError naming every subject whose stamp is not the expected one."""
    if preconditions:
        check_against(read_stamps(store, preconditions), preconditions)


def check_against(stamps: Mapping[str, Stamp], preconditions: Mapping[str, int]) -> None:
    """Raise ConflictError naming every subject whose stamp in ``stamps`` is not the expected
    one (``stamps`` must hold every subject of ``preconditions``)."""
    conflicts = [
        Conflict(subject, expected, stamps[subject])
        for subject, expected in preconditions.items()
        if stamps[subject].revision != expected
    ]
    if conflicts:
        raise ConflictError(conflicts)


def entity_subjects(changes: ChangeSet) -> set[str]:
    """Register entities a change set writes: subjects of its ``dcterms:identifier`` quads in
    the register graph (an edit rewrites the identifier, a removal removes it), and the subjects
    of its preconditions."""
    subjects = set(changes.preconditions)
    for quad in (*changes.remove, *changes.add):
        if (
            quad.predicate == _IDENTIFIER
            and isinstance(quad.subject, ox.NamedNode)
            and isinstance(quad.graph_name, ox.NamedNode)
            and quad.graph_name.value == REGISTER_GRAPH
        ):
            subjects.add(quad.subject.value)
    return subjects


def commit(store: Store, changes: ChangeSet) -> int:
    """Apply ``changes`` and move the revision on, in one transaction. Returns the new revision.

    Every entity written gets a new stamp. ``changes.preconditions`` are checked first: when an
    entity changed since it was read, ConflictError and nothing is written. Checking and writing
    happen inside ``store.exclusive()`` (the embedded store: under the caller's writer lock).

    A pure addition goes through ``apply_addition``, which a store may make cheaper.
    """
    with store.exclusive():
        stamped, old_stamps, new_revision = with_stamps(store, changes)
        if not changes.remove:
            store.apply_addition(stamped.add, old_stamps)
        else:
            store.apply(stamped)
    crash_point("commit:applied")
    return new_revision


def with_stamps(
    store: Store,
    changes: ChangeSet,
    *,
    loaded: Collection[str] = (),
    loaded_change: int | None = 0,
) -> tuple[ChangeSet, list[ox.Quad], int]:
    """``changes`` with new stamps for the register and its entities (and the old stamps they
    replace); raises ConflictError when the caller's preconditions fail.

    ``loaded`` are entities a bulk load writes beside ``changes`` (``riskgraph.store.bulk``),
    and ``loaded_change`` what they add to the register hash (None: not known)."""
    entities = entity_subjects(changes) | set(loaded)
    stamps = read_stamps(store, {META_GRAPH, *entities})
    check_against(stamps, changes.preconditions)
    new_revision = stamps[META_GRAPH].revision + 1
    revision = ox.Literal(str(new_revision), datatype=_INTEGER)
    old = [q for stamp in stamps.values() for q in stamp.quads]
    new = [ox.Quad(_META, REVISION, revision, _META)]
    old_hash = fingerprint.hash_quads(store)
    old.extend(old_hash)
    new.extend(
        _maintained_hash(store, changes, old_hash, stamps[META_GRAPH].revision, loaded_change)
    )
    if entities:
        when = ox.Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=_DATE_TIME)
        who = ox.Literal(contributor())
        for subject in sorted(entities):
            node = ox.NamedNode(subject)
            new.append(ox.Quad(node, REVISION, revision, _META))
            new.append(ox.Quad(node, MODIFIED, when, _META))
            new.append(ox.Quad(node, CONTRIBUTOR, who, _META))
    return ChangeSet([*changes.remove, *old], [*changes.add, *new]), old, new_revision


def _maintained_hash(
    store: Store,
    changes: ChangeSet,
    held: list[ox.Quad],
    revision: int,
    extra: int | None = 0,
) -> list[ox.Quad]:
    """The register hash after ``changes`` (plus ``extra``, the change of a bulk load), as the
    quad that keeps it (none when it cannot be told cheaply: the store then holds no maintained
    value and readers compute it in full)."""
    change = fingerprint.delta(store, changes.remove, changes.add)
    if change is None or extra is None:
        return []
    change += extra
    value = fingerprint.stored_value(held, revision)
    before = int(value, 16) if value is not None else int(fingerprint.full_hash(store), 16)
    return [fingerprint.hash_quad(revision + 1, fingerprint.as_hex(before + change))]


def contributor() -> str:
    """Who is writing: user@host and the command, e.g. ``alice@laptop (riskgraph edit)``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    command = " ".join([program, *sys.argv[1:2]])
    return f"{user}@{socket.gethostname()} ({command})"
