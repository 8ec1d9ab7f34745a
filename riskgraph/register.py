"""Find, create and open a register: a folder with ``register.toml`` and the store.

With the embedded backend (the default) the store sits in the folder, behind a writer lock. With
the ``sparql`` backend the folder holds only ``register.toml`` and ``queries/``; the graphs live
on a shared SPARQL endpoint, which serialises updates itself, so there is no local lock and
concurrent edits are caught by revision stamps (see ``riskgraph.store.base``).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from riskgraph.config import (
    CONFIG_FILE,
    EndpointSettings,
    RegisterConfig,
    base_iri_problem,
    load_config,
    save_config,
)
from riskgraph.errors import InputError, Location, UserError
from riskgraph.resources import example_register, example_snapshots, ontology_file
from riskgraph.store.base import ChangeSet, ReadOnlyStoreError, Store, StoreError, commit
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.store.locking import access_lock, writer_lock
from riskgraph.store.versions import create_versioned, discard_stale_versions
from riskgraph.vocab import ISO42001_GRAPH, ONTOLOGY_GRAPH, REGISTER_GRAPH

if TYPE_CHECKING:
    from riskgraph.store.remote_http import SparqlEndpoint

ENV_VAR = "RISKGRAPH_REGISTER"
STORE_DIR = "store"
QUERIES_DIR = "queries"
SNAPSHOT_DIR = "snapshots"
"""The register folder's folder of snapshots (``riskgraph.snapshots``)."""

SYSTEM_GRAPHS: dict[str, tuple[str, ...]] = {
    ONTOLOGY_GRAPH: ("riskgraph.ttl", "matrices.ttl", "ai-act.ttl"),
    ISO42001_GRAPH: ("iso42001.ttl",),
}
"""Named graphs riskgraph owns, and the ontology files that fill them."""


class RegisterNotFoundError(UserError):
    pass


def find_register(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """The register folder: the one given, else $RISKGRAPH_REGISTER, else the nearest above cwd.

    Messages name no option of a face; each face adds how to point at a register in its words."""
    if explicit is not None:
        return _checked(explicit, "the folder given")
    if env := os.environ.get(ENV_VAR):
        return _checked(Path(env), f"from ${ENV_VAR}")
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise RegisterNotFoundError(
        f"no register found in {start} or any folder above it, and ${ENV_VAR} is not set"
    )


def _checked(path: Path, source: str) -> Path:
    if not (path / CONFIG_FILE).is_file():
        raise RegisterNotFoundError(f"{path} ({source}) is not a register: it has no {CONFIG_FILE}")
    return path.resolve()


def read_rdf_file(path: Path, graph: str) -> list[ox.Quad]:
    """Parse an RDF file into quads of ``graph`` (format from the file extension)."""
    target = ox.NamedNode(graph)
    return [
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
    ]


def system_graph_quads() -> dict[str, list[ox.Quad]]:
    return {
        graph: [q for name in files for q in read_rdf_file(ontology_file(name), graph)]
        for graph, files in SYSTEM_GRAPHS.items()
    }


def install_system_graphs(store: Store) -> None:
    """Load (or refresh) the ontology and catalogues; the register graph is not touched."""
    for graph, quads in system_graph_quads().items():
        store.replace_graph(graph, quads)


@dataclass
class Register:
    """An opened register. Use ``reader()`` for queries and ``writer()`` for changes."""

    config: RegisterConfig
    folder: Path | None = None
    _memory: EmbeddedStore | None = field(default=None, repr=False)
    _endpoint: SparqlEndpoint | None = field(default=None, repr=False, compare=False)
    _endpoint_lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False
    )
    _in_write_session: bool = field(default=False, repr=False, compare=False)

    setting_notes: list[str] = field(default_factory=list, repr=False, compare=False)
    """Local settings overruled by the shared register's own (see riskgraph.shared_settings)."""
    frozen: str | None = field(default=None, compare=False)
    """What this read-only copy is (e.g. "snapshot 'audit-2026'"), or None for a register that
    can be written. A frozen register refuses every write (``writer``, ``write_session``)."""

    @classmethod
    def open(cls, folder: Path) -> Register:
        register = cls(load_config(folder / CONFIG_FILE), folder)
        if register.is_remote:
            register.adopt_shared_settings()
        return register

    def adopt_shared_settings(self) -> None:
        """Use the settings stored with a shared register; note every local value overruled."""
        from riskgraph.shared_settings import adopt, read_shared

        with self.reader() as store:
            shared = read_shared(store)
        self.setting_notes = adopt(self.config, shared)

    @classmethod
    def in_memory(cls, config: RegisterConfig | None = None) -> Register:
        """A register with no folder, for tests and scratch work. System graphs are loaded."""
        register = cls(config or RegisterConfig(), None, EmbeddedStore())
        with register.writer() as store:
            install_system_graphs(store)
        return register

    @property
    def base_iri(self) -> str:
        return self.config.general.base_iri

    @property
    def queries_dir(self) -> Path | None:
        return self.folder / QUERIES_DIR if self.folder else None

    @property
    def display_name(self) -> str:
        return self.config.general.name

    @property
    def is_remote(self) -> bool:
        """True when the register lives on a SPARQL endpoint (backend ``sparql``)."""
        return self._memory is None and self.config.general.backend == "sparql"

    def endpoint(self) -> SparqlEndpoint:
        """The register's SPARQL endpoint, connected once and shared by every store opened."""
        settings = self.config.endpoint
        if settings is None:
            where = f" in {self.folder / CONFIG_FILE}" if self.folder else ""
            raise UserError(
                f"backend = 'sparql' but there is no [endpoint] section{where}; add one with "
                "query_url (see docs/team-deployment.md)"
            )
        with self._endpoint_lock:
            if self._endpoint is None:
                from riskgraph.store.remote_http import SparqlEndpoint

                self._endpoint = SparqlEndpoint(settings)
            return self._endpoint

    def _local_folder(self) -> Path:
        """The folder of a register kept on disk."""
        if self.folder is None:
            raise StoreError("this register has no folder, no endpoint and no in-memory store")
        return self.folder

    def _remote_store(self, *, read_only: bool) -> Store:
        from riskgraph.store.remote import RemoteStore

        return RemoteStore(self.endpoint(), read_only=read_only)

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A read-only view of the register; many readers can work while a writer works."""
        if self._memory is not None:
            yield self._memory
            return
        if self.is_remote:
            yield self._remote_store(read_only=True)
            return
        folder = self._local_folder()
        with access_lock(folder, exclusive=False):
            store = EmbeddedStore(folder / STORE_DIR, read_only=True)
            try:
                yield store
            finally:
                store.close()

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The register open for writing. Embedded: one writer at a time, the second is refused
        (inside this register's own ``write_session`` the lock is already held). Remote: no lock;
        conflicting edits are refused by their revision stamps instead."""
        self._refuse_if_frozen()
        if self._memory is not None:
            yield self._memory
            return
        if self.is_remote:
            yield self._remote_store(read_only=False)
            return
        folder = self._local_folder()
        with self._writer_lock(), access_lock(folder, exclusive=True):
            discard_stale_versions(folder / STORE_DIR)
            store = EmbeddedStore(folder / STORE_DIR)
            try:
                yield store
            finally:
                store.close()

    def _refuse_if_frozen(self) -> None:
        if self.frozen is not None:
            raise ReadOnlyStoreError(
                f"{self.frozen} is open read-only: nothing in it can be added, changed, removed "
                "or undone"
            )

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        if self._in_write_session:
            yield
            return
        with writer_lock(self._local_folder()):
            yield

    @contextmanager
    def write_session(self) -> Iterator[None]:
        """Hold the writer lock across a long job (e.g. an import being parsed), so that a second
        writer is refused early; the store itself is opened only to commit, with ``writer()``."""
        self._refuse_if_frozen()
        if self._memory is not None or self.folder is None or self.is_remote:
            yield
            return
        with writer_lock(self.folder):
            self._in_write_session = True
            try:
                yield
            finally:
                self._in_write_session = False

    def commit(self, changes: ChangeSet) -> int:
        """Apply a change set atomically and return the new revision."""
        with self.writer() as store:
            return commit(store, changes)


def init_register(
    folder: Path,
    *,
    name: str | None = None,
    base_iri: str | None = None,
    with_example: bool = False,
    endpoint: EndpointSettings | None = None,
) -> Register:
    """Create a register folder, load the ontology and catalogue, and optionally the example.

    With ``endpoint`` the register lives on that SPARQL endpoint: the folder gets only
    ``register.toml`` and ``queries/``, and the ontology and catalogue are installed on the
    endpoint unless they are there already (a teammate's register on the same endpoint).
    """
    if base_iri is not None and (problem := base_iri_problem(base_iri)):
        raise InputError(
            problem,
            location=Location(column="base_iri"),
            value=base_iri,
            expected="an absolute IRI such as https://acme.example/ai-register/",
        )
    if (folder / CONFIG_FILE).exists():
        raise UserError(f"{folder} already holds a register ({CONFIG_FILE} exists)")
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder} exists and is not empty; choose a new or empty folder")
    config = RegisterConfig()
    if with_example:
        config.general.name = "Harbourline Group AI risk register (example)"
        config.general.base_iri = "https://harbourline.example/ai-register/"
        config.acceptance.authority_role = "ROLE-TOP-MGMT"
    if name:
        config.general.name = name
    if base_iri:
        config.general.base_iri = base_iri
    if endpoint is not None:
        config.general.backend = "sparql"
        config.endpoint = endpoint
    register = Register(config, folder.resolve())
    if endpoint is not None:
        _set_up_endpoint(register, with_example=with_example)
    existed = folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / QUERIES_DIR).mkdir()
        if endpoint is None:
            create_versioned(folder / STORE_DIR)
            with register.writer() as store:
                install_system_graphs(store)
                if with_example:
                    commit(store, ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
            if with_example:
                _install_example_snapshots(folder / SNAPSHOT_DIR)
        save_config(config, folder / CONFIG_FILE)  # last: a folder with it is a whole register
    except (OSError, StoreError) as exc:
        _remove_unfinished(folder, existed)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UserError(f"cannot create a register in {folder}: {reason}") from None
    except BaseException:
        _remove_unfinished(folder, existed)
        raise
    return register


def _install_example_snapshots(target: Path) -> None:
    """Copy the snapshots shipped with the example (earlier states of it), read-only as
    ``riskgraph snapshot create`` writes them."""
    shipped = example_snapshots()
    if not shipped.is_dir():
        return
    target.mkdir()
    for source in sorted(shipped.iterdir()):
        if source.is_file() and not source.name.startswith("."):
            copy = target / source.name
            copy.write_bytes(source.read_bytes())
            copy.chmod(0o444)


def _remove_unfinished(folder: Path, existed: bool) -> None:
    """Take away what an interrupted ``init`` made (the folder was new or empty before)."""
    if not existed:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def _set_up_endpoint(register: Register, *, with_example: bool) -> None:
    """Install what the endpoint lacks: the ontology and catalogue, the shared settings, and the
    example if asked. A register already there keeps its settings: this folder adopts them."""
    from riskgraph.shared_settings import adopt, read_shared, write_shared

    with register.writer() as store:
        present = set(store.graph_names())
        for graph, quads in system_graph_quads().items():
            if graph not in present:
                store.replace_graph(graph, quads)
        shared = read_shared(store)
        if shared:
            register.setting_notes = adopt(register.config, shared)
        else:
            write_shared(store, register.config)
        if with_example:
            held = store.count(REGISTER_GRAPH)
            if held:
                raise UserError(
                    f"the endpoint {register.endpoint().query_url} already holds a register "
                    f"({held} triples); the example loads only into an empty one"
                )
            commit(store, ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
