"""The typed graph of a register, built once per register revision and kept in memory.

The cache lives in this module, keyed on (register identity, revision):

- the identity of a register folder is its resolved path; an in-memory register is identified by
  its store object, and its entries are dropped when that store is garbage-collected;
- every committed change moves the revision on (``riskgraph.store.base.commit``), so the next
  ``load_graph`` after a change builds a new graph; reading the revision is one small query.

Why in memory and not a cache file in the register folder: the long-lived caller is the TUI, which
asks again and again in one process; a CLI command builds the graph once. A file would have to be
written by readers (who hold only a shared lock and may lack write access), and unpickling a file
from a shared folder runs whatever code it holds.

Thread-safe: the TUI may call ``load_graph`` from worker threads.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from riskgraph.analysis.graph import RegisterGraph
from riskgraph.analysis.graph_build import build_graph
from riskgraph.register import Register
from riskgraph.store.base import Store, read_revision

MAX_GRAPHS = 4
"""Graphs kept at once (e.g. a few registers open side by side); the least recently used goes."""

_cache: OrderedDict[tuple[str, int], RegisterGraph] = OrderedDict()
_lock = threading.Lock()
_watched_stores: set[str] = set()


def load_graph(register: Register) -> RegisterGraph:
    """The typed graph of ``register`` at its current revision, from the cache when it is there."""
    with register.reader() as store:
        identity = _identity(register, store)
        key = (identity, read_revision(store))
        with _lock:
            cached = _cache.get(key)
            if cached is not None:
                _cache.move_to_end(key)
                return cached
        graph = build_graph(store)
    with _lock:
        _cache[(identity, graph.revision)] = graph
        _cache.move_to_end((identity, graph.revision))
        while len(_cache) > MAX_GRAPHS:
            _cache.popitem(last=False)
    return graph


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _identity(register: Register, store: Store) -> str:
    if register.folder is not None:
        return f"folder:{register.folder.resolve()}"
    identity = f"memory:{id(store)}"
    with _lock:
        if identity not in _watched_stores:
            _watched_stores.add(identity)
            # id() values are reused after garbage collection: forget the store's graphs with it.
            weakref.finalize(store, _forget, identity)
    return identity


def _forget(identity: str) -> None:
    with _lock:
        _watched_stores.discard(identity)
        for key in [k for k in _cache if k[0] == identity]:
            del _cache[key]
