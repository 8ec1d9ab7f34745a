"""The store of a register opened for writing inside ``Register.write_session()``.

``Register.writer()`` takes the writer lock itself, so it cannot be used while the same process
holds that lock through ``write_session()`` (flock treats the second open as another writer).
Until Register offers that, this opens the store the way ``writer()`` does, minus the writer
lock, which the caller already holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from riskgraph.register import STORE_DIR, Register
from riskgraph.store.base import Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.store.locking import access_lock


@contextmanager
def session_writer(register: Register) -> Iterator[Store]:
    """The register's store for writing; call only inside ``register.write_session()``."""
    if register.folder is None:
        with register.writer() as store:
            yield store
        return
    with access_lock(register.folder, exclusive=True):
        store = EmbeddedStore(register.folder / STORE_DIR)
        try:
            yield store
        finally:
            store.close()
