"""The embedded backend: a pyoxigraph store on disk (the default) or in memory (tests)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from riskgraph.sparql.text import change_update
from riskgraph.store import fingerprint
from riskgraph.store.base import (
    DOCTOR_HINT,
    AskResult,
    Bindings,
    ChangeSet,
    GraphResult,
    QueryResult,
    ReadOnlyStoreError,
    SelectResult,
    Store,
    StoreDamagedError,
    StoreError,
    Term,
)
from riskgraph.store.binding import bind
from riskgraph.store.versions import (
    abandon_staged,
    check_store,
    drop_version,
    finish_staged,
    is_versioned,
    refresh_last_good,
    stage_copy,
)

STAGED_WRITE_THRESHOLD = 20_000
"""Quads in one change from which a versioned register stages the write instead of running
one big transaction (several times faster for imports, and just as all-or-nothing)."""


def _rows(solutions: ox.QuerySolutions, variables: list[str]) -> Iterator[dict[str, Term | None]]:
    for solution in solutions:
        yield {name: solution[name] for name in variables}


def to_query_result(raw: object) -> QueryResult:
    """Wrap a pyoxigraph query answer in the store-neutral result types."""
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        return SelectResult(variables, _rows(raw, variables))
    if isinstance(raw, ox.QueryBoolean):
        return AskResult(bool(raw))
    if isinstance(raw, ox.QueryTriples):
        return GraphResult(iter(raw))
    raise StoreError(f"unexpected query answer of type {type(raw).__name__}")


def _has_blank_nodes(quads: list[ox.Quad]) -> bool:
    return any(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads
    )


class EmbeddedStore(Store):
    """pyoxigraph store. ``path=None`` keeps everything in memory.

    The store is opened on the resolved folder: RocksDB keeps using the path it was given, so an
    instance opened through the ``store`` link would follow the link to a newer version.
    """

    def __init__(
        self, path: Path | None = None, *, read_only: bool = False, create: bool = False
    ) -> None:
        """Open the store at ``path``; only with ``create`` (``init``) may it not exist yet."""
        self.path = path
        self.read_only = read_only
        self._changed = False
        if path is None:
            self._store: ox.Store | None = ox.Store()
            return
        folder = path.resolve() if create else check_store(path, path.parent)
        try:
            if read_only:
                self._store = ox.Store.read_only(str(folder))
            else:
                self._store = ox.Store(str(folder))
        except RuntimeError as exc:  # RocksDB reports damage (Corruption: ...) this way
            raise StoreDamagedError(
                f"the store of the register at {path.parent} is damaged ({exc}); nothing was "
                "changed. " + DOCTOR_HINT
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from None

    @property
    def evaluates_oxigraph_extensions(self) -> bool:
        return True

    @property
    def raw(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed")
        return self._store

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        union_default_graph: bool = True,
    ) -> QueryResult:
        raw = self.raw.query(
            bind(sparql, bindings) if bindings else sparql,
            use_default_graph_as_union=union_default_graph,
        )
        return to_query_result(raw)

    def quads(self, graph: str | None = None, subject: str | None = None) -> Iterator[ox.Quad]:
        graph_node = ox.NamedNode(graph) if graph else None
        subject_node = ox.NamedNode(subject) if subject else None
        return iter(self.raw.quads_for_pattern(subject_node, None, None, graph_node))

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError("this register was opened read-only")

    def apply(self, changes: ChangeSet) -> None:
        """All or nothing: one transaction, or for a large change on a versioned register folder,
        a staged copy switched in atomically (see ``riskgraph.store.versions``). A write that
        fails (a full disk) writes nothing and raises StoreError."""
        self._check_writable()
        if not changes:
            return
        size = len(changes.remove) + len(changes.add)
        versioned = self.path is not None and is_versioned(self.path)
        staged = size >= STAGED_WRITE_THRESHOLD and versioned
        in_one = staged or bool(changes.remove) or not _has_blank_nodes(changes.add)
        changes = self._unless_maintained(changes, in_one=in_one)
        with self._writing():
            if staged and self.path is not None:
                self._staged(self.path, changes)
            elif not changes.remove:
                self.raw.extend(changes.add)  # one transaction
            else:
                self.raw.update(change_update(changes.remove, changes.add))  # one transaction

    def apply_addition(self, add: list[ox.Quad], old_stamps: list[ox.Quad]) -> None:
        """One change, all or nothing (a staged write when large). Only quads with blank nodes,
        which SPARQL Update text cannot remove or add alongside, take two transactions: an
        atomic extend, then the old stamps go; stamps are read as their maximum, so a crash
        between the two leaves the register as after the change, with a spare old stamp."""
        staged = (
            len(add) + len(old_stamps) >= STAGED_WRITE_THRESHOLD
            and self.path is not None
            and is_versioned(self.path)
        )
        if not old_stamps or staged or not _has_blank_nodes(add):
            self.apply(ChangeSet(remove=old_stamps, add=add))
            return
        self.apply(ChangeSet(add=add))
        self.apply(ChangeSet(remove=old_stamps))

    def apply_staged(self, changes: ChangeSet) -> None:
        """Apply a change that may hold blank nodes on both sides (a whole register copied in):
        a staged write on a versioned register folder, whatever its size; elsewhere (memory)
        quad by quad."""
        self._check_writable()
        changes = self._unless_maintained(changes, in_one=True)
        with self._writing():
            if self.path is not None and is_versioned(self.path):
                self._staged(self.path, changes)
                return
            for quad in changes.remove:
                self.raw.remove(quad)
            self.raw.extend(changes.add)

    def _staged(self, link: Path, changes: ChangeSet) -> None:
        self._switch_to(link, stage_copy(self.raw, link), changes)

    def commit_staged(self, new: Path, changes: ChangeSet) -> None:
        """Finish a staged copy that was filled elsewhere (a bulk load, ``riskgraph.store.bulk``)
        with ``changes`` and switch the register to it, all or nothing."""
        self._check_writable()
        if self.path is None or not is_versioned(self.path):
            raise StoreError("a staged write needs a register folder with store versions")
        with self._writing():
            self._switch_to(self.path, new, changes)

    def _switch_to(self, link: Path, new: Path, changes: ChangeSet) -> None:
        old = link.resolve()
        try:
            finish_staged(new, link, changes.remove, changes.add)
        except BaseException:
            if link.resolve() == old:  # the switch was not made: drop the unfinished copy
                abandon_staged(new)
            raise
        self._store = None
        drop_version(old)
        self._store = ox.Store(str(link.resolve()))

    @contextmanager
    def _writing(self) -> Iterator[None]:
        self._changed = True
        try:
            yield
        except (OSError, RuntimeError) as exc:
            where = f"the register at {self.path.parent}" if self.path else "the store"
            raise StoreError(
                f"could not write {where}: {exc}; nothing was written (is the disk full?)"
            ) from None

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        self._check_writable()
        new = list(quads)
        old = list(self.quads(graph))
        self.apply(ChangeSet(remove=old, add=new))

    def update(self, sparql: str, *, keeps_hash: bool = False) -> None:
        self._check_writable()
        with self._writing():
            self.raw.update(sparql if keeps_hash else f"{sparql} ;\n{fingerprint.INVALIDATE}")

    def _unless_maintained(self, changes: ChangeSet, *, in_one: bool) -> ChangeSet:
        """A change to the hashed graphs that does not carry the new register hash (one not
        made by ``commit``) removes the maintained one: in the same transaction when ``in_one``,
        else in one of its own first."""
        if fingerprint.carries_hash(changes.add) or not (
            fingerprint.touches_hashed(changes.remove) or fingerprint.touches_hashed(changes.add)
        ):
            return changes
        removed = set(changes.remove)
        held = [quad for quad in fingerprint.hash_quads(self) if quad not in removed]
        if not held:
            return changes
        if in_one:
            return ChangeSet([*changes.remove, *held], changes.add, changes.preconditions)
        self.invalidate_hash()
        return changes

    def present(self, quads: Collection[ox.Quad]) -> set[ox.Quad]:
        raw = self.raw
        return {quad for quad in quads if quad in raw}

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self.raw)
        return super().count(graph)

    def close(self) -> None:
        """Close the store; after a write session that changed it, keep a last good copy."""
        if self._store is not None and not self.read_only and self.path is not None:
            try:
                self._store.flush()
            except (OSError, RuntimeError):  # a full disk: the commits are in the write-ahead log
                self._store = None
                return
            if self._changed and is_versioned(self.path):
                refresh_last_good(self._store, self.path)
        self._store = None
