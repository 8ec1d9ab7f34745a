"""Bulk loads: the new entities of a large import stream into a staged copy of the store.

An import of many rows does not build its whole change in memory. While it reads its file, the
quads of each new entity go, in bounded batches, into a private copy of the current store version
(``riskgraph.store.versions.stage_copy``) with pyoxigraph's bulk loader, which parses and writes
a batch in a thread of its own while the import reads the next one. When the whole file has been
read and checked, ``commit`` writes the rest of the change (updated entities, the revision stamps
of every entity written, the register hash) into the same copy and switches the register to it:
one atomic step, as for any staged write. A failed import, or one killed at any moment, leaves
the register as it was (the copy is thrown away, or removed by the next writer).

Only an embedded register folder with store versions can be loaded this way (``possible``);
elsewhere an import commits its change as one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import pyoxigraph as ox

from riskgraph.store import fingerprint
from riskgraph.store.base import ChangeSet, Store, StoreError, read_revision, with_stamps
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.store.failpoints import crash_point
from riskgraph.store.versions import abandon_staged, is_versioned, stage_copy
from riskgraph.vocab import REGISTER_GRAPH

BATCH_QUADS = 100_000
"""Quads gathered before a batch goes to the staged copy. At most two batches are held at once
(one being loaded, one being gathered): this bounds an import's memory."""
_NQUADS = ox.RdfFormat.N_QUADS


def possible(store: Store) -> bool:
    """Whether ``store`` can take a bulk load (an embedded register folder with versions)."""
    return isinstance(store, EmbeddedStore) and store.path is not None and is_versioned(store.path)


class BulkLoad:
    """New entities loaded into a staged copy of ``store`` (a read view is enough), to be
    committed with ``commit`` or thrown away with ``discard``."""

    def __init__(self, store: Store) -> None:
        if not isinstance(store, EmbeddedStore) or store.path is None or not possible(store):
            raise StoreError("a bulk load needs a register folder with store versions")
        self.revision = read_revision(store)
        """The register revision the copy was made at."""
        try:
            self._new: Path | None = stage_copy(store.raw, store.path, flush=not store.read_only)
            self._copy: ox.Store | None = ox.Store(str(self._new))
        except (OSError, RuntimeError) as exc:
            raise StoreError(f"cannot stage the import: {exc}; nothing was written") from None
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-load")
        self._loading: Future[None] | None = None
        self._batch: list[ox.Quad] = []
        self._subjects: set[str] = set()
        self._repeated: set[str] = set()
        """Subjects added twice (an ID twice in a file): the import must drop them."""
        self._change: int | None = 0
        """What the loaded quads add to the register hash (None: not known)."""
        self.quads = 0
        """Quads loaded so far (each entity's distinct quads)."""

    @property
    def subjects(self) -> Collection[str]:
        """The entities (IRIs) loaded."""
        return self._subjects

    def add(self, subject: str, quads: Iterable[ox.Quad]) -> None:
        """Load the quads of one new entity (``subject``, not yet in the register)."""
        if subject in self._subjects:
            self._repeated.add(subject)
        self._subjects.add(subject)
        distinct = set(quads)
        self._batch.extend(distinct)
        self.quads += len(distinct)
        if len(self._batch) >= BATCH_QUADS:
            self._flush()

    def drop(self, subjects: Iterable[str]) -> None:
        """Take entities out again (records an import skips after all)."""
        self._flush()
        self._wait()
        copy = self._open()
        graph = ox.NamedNode(REGISTER_GRAPH)
        for subject in subjects:
            if subject not in self._subjects:
                continue
            self._subjects.discard(subject)
            if subject in self._repeated:  # its lines were counted once per record
                self._repeated.discard(subject)
                self._change = None
            for quad in list(copy.quads_for_pattern(ox.NamedNode(subject), None, None, graph)):
                copy.remove(quad)
                self.quads -= 1
                if self._change is not None:
                    self._change -= fingerprint.line_digest(quad)

    def quads_about(self, subject: str) -> list[ox.Quad]:
        """The loaded quads of one entity (``subject``), as the staged copy holds them."""
        self._flush()
        self._wait()
        graph = ox.NamedNode(REGISTER_GRAPH)
        return list(self._open().quads_for_pattern(ox.NamedNode(subject), None, None, graph))

    def commit(self, store: Store, changes: ChangeSet) -> int:
        """Write ``changes`` and the loaded entities, with their stamps and the new register
        hash, as one change; ``store`` is the register open for writing, held exclusively.
        Returns the new revision."""
        if not isinstance(store, EmbeddedStore):
            raise StoreError("a bulk load commits to the embedded store it was staged from")
        with store.exclusive():
            if (now := read_revision(store)) != self.revision:
                self.discard()
                raise StoreError(
                    f"the register changed while the import was being loaded (revision "
                    f"{self.revision} -> {now}); nothing was written, run the import again"
                )
            if self._repeated:
                self.discard()
                raise StoreError("an entity was loaded twice; nothing was written")
            self._flush()
            self._wait()
            crash_point("bulk:loaded")
            new = self._close()
            if new is None:
                raise StoreError("the bulk load is already committed or discarded")
            stamped, _old, revision = with_stamps(
                store, changes, loaded=self._subjects, loaded_change=self._change
            )
            store.commit_staged(new, stamped)
        crash_point("commit:applied")
        return revision

    def discard(self) -> None:
        """Throw the staged copy away (nothing is written)."""
        self._batch = []
        loading, self._loading = self._loading, None
        if loading is not None:
            wait([loading])  # its error, if any, no longer matters
        new = self._close()
        if new is not None:
            abandon_staged(new)

    def _open(self) -> ox.Store:
        if self._copy is None:
            raise StoreError("the bulk load is already committed or discarded")
        return self._copy

    def _flush(self) -> None:
        """Hand the gathered batch to the loader thread (after the one before is in)."""
        if not self._batch:
            return
        data = ox.serialize(self._batch, format=_NQUADS) or b""
        self._batch = []
        self._wait()
        copy = self._open()
        self._loading = self._loader.submit(copy.bulk_load, data, _NQUADS)
        crash_point("bulk:batch")
        if self._change is not None:  # while the loader works
            self._change += fingerprint.digest_lines(data)

    def _wait(self) -> None:
        """Wait for the batch being loaded; a failed load throws the copy away."""
        loading, self._loading = self._loading, None
        if loading is None:
            return
        try:
            loading.result()
        except (OSError, RuntimeError, SyntaxError) as exc:
            self.discard()
            raise StoreError(f"could not stage the import: {exc}; nothing was written") from None

    def _close(self) -> Path | None:
        """Close the copy (the store may be reopened on it); its folder."""
        self._loader.shutdown(wait=True)
        if self._copy is not None:
            self._copy.flush()
        self._copy = None
        new, self._new = self._new, None
        return new
