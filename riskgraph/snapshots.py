"""Snapshots: named, hashed, read-only copies of the register's content, and diffs between them.

A snapshot ``NAME`` is two files in the register folder:

- ``snapshots/NAME.nq.gz``: the register, drafts and catalogue graphs (the graphs the register
  hash covers, ``riskgraph.results.manifest.hashed_graphs``) as sorted, distinct N-Quads lines,
  gzip-compressed (deterministic: no file name or time in the gzip header);
- ``snapshots/NAME.json``: name, creation time, register revision, register hash and riskgraph
  version.

Reading a snapshot recomputes the register hash of its quads and refuses a file whose hash is not
the one recorded, so a snapshot that was edited after it was taken is detected. Snapshots are
never changed once written; a name is taken once.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from riskgraph import __version__
from riskgraph.errors import InputError, Location, UserError
from riskgraph.register import SNAPSHOT_DIR, Register, install_system_graphs
from riskgraph.results.manifest import hashed_graphs, hashed_lines, register_hash
from riskgraph.store.base import read_revision
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.views.diff import RegisterDiff, diff_register
from riskgraph.vocab import REGISTER_GRAPH

DATA_SUFFIX = ".nq.gz"
SIDECAR_SUFFIX = ".json"
SNAPSHOT_VERSION = 1
NOW = "now"
"""The name that stands for the register as it is, in a diff; no snapshot can take it."""
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$")
SLUG_RULE = (
    "a simple slug: 1 to 64 lowercase letters, digits, '.', '_' or '-', starting and ending "
    f"with a letter or digit, not {NOW!r}"
)


class SnapshotInfo(BaseModel):
    """The sidecar of a snapshot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    snapshot_version: int = SNAPSHOT_VERSION
    name: str
    created_at: datetime
    revision: int = Field(ge=0)
    register_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    riskgraph_version: str
    quads: int = Field(ge=0)


class UnknownSnapshotError(UserError):
    pass


@dataclass(frozen=True)
class _Quads:
    """Quads read from a snapshot, shaped for ``register_hash``."""

    by_graph: dict[str, list[ox.Quad]]

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph is None:
            for quads in self.by_graph.values():
                yield from quads
        else:
            yield from self.by_graph.get(graph, ())

    def graph_names(self) -> list[str]:
        return sorted(self.by_graph)


def check_name(name: str) -> str:
    """``name`` when it is a simple slug, else an InputError."""
    if not _SLUG.match(name) or name == NOW:
        raise InputError(
            "not a valid snapshot name",
            value=name,
            expected=SLUG_RULE,
        )
    return name


def snapshot_dir(register: Register) -> Path:
    if register.folder is None:
        raise UserError("this register has no folder, so it cannot keep snapshots")
    return register.folder / SNAPSHOT_DIR


def _paths(register: Register, name: str) -> tuple[Path, Path]:
    folder = snapshot_dir(register)
    return folder / (name + DATA_SUFFIX), folder / (name + SIDECAR_SUFFIX)


def _taken(name: str, sidecar: Path) -> UserError:
    return UserError(
        f"a snapshot named {name!r} already exists ({sidecar}); snapshots are never "
        "overwritten, choose another name"
    )


def _write_new(target: Path, data: bytes, name: str, sidecar: Path) -> None:
    """Write ``target`` completely, read-only, and only if no file has that name yet (a hard
    link does not replace a file, so of two writers racing for one name, one is refused)."""
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix="." + target.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o444)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise _taken(name, sidecar) from None
    finally:
        Path(temp).unlink(missing_ok=True)


def create_snapshot(register: Register, name: str, *, now: datetime | None = None) -> SnapshotInfo:
    """Freeze the register's content under ``name``; a name already taken is refused."""
    check_name(name)
    data_path, sidecar = _paths(register, name)
    if data_path.exists() or sidecar.exists():
        raise _taken(name, sidecar)
    with register.reader() as store:
        # one read: the file and its hash are computed from the same quads
        frozen = _Quads({graph: list(store.quads(graph)) for graph in hashed_graphs(store)})
        revision = read_revision(store)
    lines = hashed_lines(frozen)
    digest = register_hash(frozen)
    info = SnapshotInfo(
        name=name,
        created_at=(now or datetime.now(UTC)).astimezone(UTC),
        revision=revision,
        register_sha256=digest,
        riskgraph_version=__version__,
        quads=len(lines),
    )
    data_path.parent.mkdir(parents=True, exist_ok=True)
    compressed = gzip.compress(b"".join(lines), compresslevel=9, mtime=0)
    _write_new(data_path, compressed, name, sidecar)
    try:
        sidecar_text = info.model_dump_json(indent=2) + "\n"
        _write_new(sidecar, sidecar_text.encode("utf-8"), name, sidecar)
    except BaseException:
        data_path.unlink(missing_ok=True)
        raise
    return info


def _read_info(sidecar: Path) -> SnapshotInfo:
    try:
        info = SnapshotInfo.model_validate_json(sidecar.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            "not a snapshot sidecar: " + first["msg"],
            location=Location(file=str(sidecar), column=".".join(map(str, first["loc"])) or None),
            expected=f"the JSON written by snapshot create (version {SNAPSHOT_VERSION})",
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the snapshot sidecar: {exc.strerror}",
            location=Location(file=str(sidecar)),
        ) from None
    if info.snapshot_version != SNAPSHOT_VERSION:
        raise InputError(
            "unknown snapshot version",
            location=Location(file=str(sidecar), column="snapshot_version"),
            value=info.snapshot_version,
            expected=str(SNAPSHOT_VERSION),
        )
    return info


def list_snapshots(register: Register) -> list[SnapshotInfo]:
    """Every snapshot of the register, oldest first."""
    folder = snapshot_dir(register)
    if not folder.is_dir():
        return []
    infos = [_read_info(path) for path in folder.glob("*" + SIDECAR_SUFFIX)]
    return sorted(infos, key=lambda info: (info.created_at, info.name))


def _unknown(register: Register, name: str) -> UnknownSnapshotError:
    names = [info.name for info in list_snapshots(register)]
    existing = ", ".join(names) if names else "none yet"
    return UnknownSnapshotError(f"no snapshot named {name!r}; the snapshots are: {existing}")


@dataclass(frozen=True)
class Snapshot:
    info: SnapshotInfo
    quads: _Quads


def load_snapshot(register: Register, name: str) -> Snapshot:
    """A snapshot's content, after checking its hash against the one recorded when it was taken."""
    if not _SLUG.match(name):
        raise _unknown(register, name)
    data_path, sidecar = _paths(register, name)
    if not sidecar.is_file():
        raise _unknown(register, name)
    info = _read_info(sidecar)
    if info.name != name:
        raise InputError(
            "the snapshot sidecar names another snapshot",
            location=Location(file=str(sidecar), column="name"),
            value=info.name,
            expected=repr(name),
        )
    location = Location(file=str(data_path))
    try:
        text = gzip.decompress(data_path.read_bytes())
        parsed = list(ox.parse(text, ox.RdfFormat.N_QUADS))
    except FileNotFoundError:
        raise InputError(
            "the snapshot's data file is missing", location=location, expected="the N-Quads file"
        ) from None
    except (OSError, EOFError, gzip.BadGzipFile, SyntaxError, ValueError) as exc:
        raise InputError(
            f"the snapshot's data file is damaged: {exc}",
            location=location,
            expected="gzip-compressed N-Quads as written by snapshot create",
        ) from None
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in parsed:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(graph, []).append(quad)
    quads = _Quads(by_graph)
    found = register_hash(quads)
    if found != info.register_sha256 or len(parsed) != info.quads:
        raise InputError(
            "the snapshot was changed after it was taken: its content does not have the "
            "register hash and quad count recorded in its sidecar",
            location=location,
            value=f"{found}, {len(parsed)} quads",
            expected=f"{info.register_sha256}, {info.quads} quads",
        )
    return Snapshot(info, quads)


def open_snapshot(register: Register, name: str) -> Register:
    """Snapshot ``name`` of ``register`` as a register of its own, in memory and read-only: every
    read works as on the register (same settings and folder, so stored queries and snapshots
    are found), every write is refused. Its name says which snapshot it is."""
    snapshot = load_snapshot(register, name)
    config = register.config.model_copy(deep=True)
    config.general.name = f"{register.display_name} · snapshot {name} (read-only)"
    store = EmbeddedStore()
    install_system_graphs(store)
    for graph, quads in snapshot.quads.by_graph.items():
        if graph:
            store.replace_graph(graph, quads)
    return Register(config, register.folder, store, frozen=f"snapshot {name!r}")


def diff_snapshots(register: Register, before: str, after: str = NOW) -> RegisterDiff:
    """What changed in the register graph from snapshot ``before`` to snapshot ``after`` (or
    to the register as it is now, ``after = "now"``)."""
    old = load_snapshot(register, before)
    if after == NOW:
        with register.reader() as store:
            current = list(store.quads(REGISTER_GRAPH))
    else:
        current = list(load_snapshot(register, after).quads.quads(REGISTER_GRAPH))
    return diff_register(
        old.quads.quads(REGISTER_GRAPH),
        current,
        base_iri=register.base_iri,
        before_name=before,
        after_name=after,
    )
