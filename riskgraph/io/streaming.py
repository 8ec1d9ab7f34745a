"""Streaming import: new entities go to a bulk load as they are read, not into one big plan.

A reader hands each valid record to ``Streamer.take`` as soon as it has validated it. Records
that update an entity already in the register stay as they are (they are planned as any edit).
New entities are held back until they add up to ``STREAM_FROM_QUADS`` quads: a small import
stays one ordinary transaction. Past that, a bulk load (``riskgraph.store.bulk``) is started, and
from then on each new entity's quads go straight into it, in bounded batches; the import keeps
only what its checks against the register and the file still need (``Loaded``: ID, kind, where,
and the links the register alone does not resolve). Memory no longer grows with the quads of the
file, and all-or-nothing holds: nothing is visible until ``commit`` switches the staged copy in.
"""

from __future__ import annotations

from collections.abc import Collection

import pyoxigraph as ox

from riskgraph.io.checks import RegisterState, unresolved_links
from riskgraph.io.record_rules import RECORD_KINDS
from riskgraph.io.records import Candidate, Loaded
from riskgraph.model.rdf import entity_iri, to_quads
from riskgraph.store.base import ChangeSet, Store
from riskgraph.store.bulk import BulkLoad, possible
from riskgraph.store.embedded import STAGED_WRITE_THRESHOLD
from riskgraph.vocab import REGISTER_GRAPH

STREAM_FROM_QUADS = STAGED_WRITE_THRESHOLD
"""New entities' quads from which an import streams into a bulk load (the size from which a
write is staged anyway)."""


class Streamer:
    """The ``take`` of an import's reader (see ``ReadResult.accept``)."""

    def __init__(self, store: Store, base_iri: str, state: RegisterState) -> None:
        self.store = store
        self.base_iri = base_iri
        self.state = state
        self.load: BulkLoad | None = None
        self._pending: list[Candidate] = []
        self._pending_quads = 0
        self._loaded_records: set[int] = set()
        """Records held back before the load started, then loaded (they stay Candidates)."""

    @staticmethod
    def for_store(store: Store, base_iri: str, state: RegisterState) -> Streamer | None:
        """A streamer for imports into ``store``, or None when it cannot take a bulk load."""
        return Streamer(store, base_iri, state) if possible(store) else None

    def take(self, candidate: Candidate) -> Candidate | Loaded:
        entity = candidate.entity
        if entity.id in self.state.kinds or self._has_quads(entity.id):
            return candidate  # an update: planned with the rest of the change
        if isinstance(entity, RECORD_KINDS):
            return candidate  # completed by the record rules: planned with the rest
        if self.load is None:
            self._pending.append(candidate)
            self._pending_quads += len(to_quads(entity, self.base_iri))
            if self._pending_quads < STREAM_FROM_QUADS:
                return candidate
            self._start()
            return candidate
        self.load.add(entity_iri(self.base_iri, entity.id), to_quads(entity, self.base_iri))
        return Loaded(
            entity.id,
            entity.kind,
            candidate.record,
            candidate.where,
            candidate.column_of,
            unresolved_links(entity, self.state),
        )

    def loaded(self, candidate: Candidate | Loaded) -> bool:
        """Whether the record's entity is in the bulk load."""
        return isinstance(candidate, Loaded) or candidate.record in self._loaded_records

    def drop(self, entity_ids: Collection[str]) -> None:
        """Take entities of records found bad after all out of the load."""
        if self.load is not None:
            self.load.drop(entity_iri(self.base_iri, i) for i in entity_ids)

    def quads_about(self, iri: str) -> list[ox.Quad]:
        """A loaded entity's quads, read back from the staged copy (for the shape check)."""
        return self.load.quads_about(iri) if self.load is not None else []

    @property
    def quads(self) -> int:
        return self.load.quads if self.load is not None else 0

    def commit(self, store: Store, changes: ChangeSet) -> int:
        if self.load is None:
            raise RuntimeError("nothing was loaded")
        return self.load.commit(store, changes)

    def discard(self) -> None:
        if self.load is not None:
            self.load.discard()

    def _start(self) -> None:
        self.load = BulkLoad(self.store)
        for pending in self._pending:
            entity = pending.entity
            self.load.add(entity_iri(self.base_iri, entity.id), to_quads(entity, self.base_iri))
            self._loaded_records.add(pending.record)
        self._pending = []

    def _has_quads(self, entity_id: str) -> bool:
        """Whether the register graph already says something about the entity's IRI (without
        naming it as an entity): then it is planned, not loaded."""
        iri = entity_iri(self.base_iri, entity_id)
        return next(iter(self.store.quads(REGISTER_GRAPH, subject=iri)), None) is not None
