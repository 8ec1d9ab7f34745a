"""The embedded store: atomic change sets, revisions, graphs kept apart, locks between processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.register import STORE_DIR, Register, init_register
from riskgraph.store.base import (
    ChangeSet,
    RegisterLockedError,
    StoreDamagedError,
    StoreError,
    commit,
    read_revision,
)
from riskgraph.store.locking import access_lock, writer_lock
from riskgraph.store.versions import VERSIONS_DIR
from riskgraph.vocab import ISO42001_GRAPH, ONTOLOGY_GRAPH, REGISTER_GRAPH

REG = ox.NamedNode(REGISTER_GRAPH)


def _quad(s: str, o: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://e/{s}"), ox.NamedNode("http://e/p"), ox.Literal(o), REG)


def test_commit_moves_the_revision_on_and_keeps_one_stamp(memory_register: Register) -> None:
    with memory_register.writer() as store:
        assert read_revision(store) == 0
        assert commit(store, ChangeSet(add=[_quad("a", "1")])) == 1
        assert commit(store, ChangeSet(add=[_quad("b", "1")])) == 2
        assert commit(store, ChangeSet(remove=[_quad("a", "1")], add=[_quad("a", "2")])) == 3
        assert read_revision(store) == 3
        meta = list(store.quads("https://w3id.org/riskgraph/graph/meta"))
        # one revision stamp, and the register hash that commit keeps
        assert sorted(q.predicate.value.rsplit("#", 1)[-1] for q in meta) == [
            "registerHash",
            "revision",
        ]


def test_a_failing_change_set_writes_nothing(memory_register: Register) -> None:
    with memory_register.writer() as store:
        commit(store, ChangeSet(add=[_quad("a", "1")]))
        before = sorted(map(str, store.quads()))
        blank = ox.Quad(ox.BlankNode(), ox.NamedNode("http://e/p"), ox.Literal("x"), REG)
        with pytest.raises(ValueError):
            commit(store, ChangeSet(remove=[_quad("a", "1")], add=[blank]))
        assert sorted(map(str, store.quads())) == before


def test_system_graphs_are_separate_from_register_data(memory_register: Register) -> None:
    with memory_register.reader() as store:
        assert store.count(ONTOLOGY_GRAPH) > 400
        assert store.count(ISO42001_GRAPH) > 600
        assert store.count(REGISTER_GRAPH) == 0


def test_on_disk_register_survives_reopening(disk_register: Register) -> None:
    disk_register.commit(ChangeSet(add=[_quad("a", "1")]))
    again = Register.open(disk_register.folder)  # type: ignore[arg-type]
    with again.reader() as store:
        assert store.count(REGISTER_GRAPH) == 1
        assert read_revision(store) == 1


_HOLD_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from riskgraph.store.locking import writer_lock
    with writer_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(30)
    """
)


def test_second_writer_is_told_which_process_holds_the_register(
    disk_register: Register,
) -> None:
    folder = disk_register.folder
    assert folder is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(RegisterLockedError, match=f"process {holder.pid}"),
            writer_lock(folder),
        ):
            pass
        # Readers are not blocked by a writer that is preparing its change.
        with disk_register.reader() as store:
            assert store.count(ONTOLOGY_GRAPH) > 0
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with the process, even when it was killed.
    with writer_lock(folder):
        pass


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    from riskgraph.errors import UserError

    with pytest.raises(UserError, match="not empty"):
        init_register(tmp_path)


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``riskgraph ARGS -r FOLDER`` as the console script runs it, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args, "-r", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _remove_link(folder: Path) -> None:
    (folder / STORE_DIR).unlink()


def _empty_version(folder: Path) -> None:
    version = (folder / STORE_DIR).resolve()
    shutil.rmtree(version)
    version.mkdir()


def _remove_versions(folder: Path) -> None:
    shutil.rmtree(folder / VERSIONS_DIR)


@pytest.mark.parametrize("damage", [_remove_link, _empty_version, _remove_versions])
def test_a_missing_store_is_never_replaced_by_an_empty_one(
    disk_register: Register, damage: Callable[[Path], None]
) -> None:
    folder = disk_register.folder
    assert folder is not None
    disk_register.commit(ChangeSet(add=[_quad("a", "kept")]))
    damage(folder)
    before = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    for args in (("add", "person", "--title", "Alice"), ("stats",)):
        result = _cli(folder, *args)
        assert result.returncode == 3, result.stderr
        assert "Traceback" not in result.stderr
        assert "cannot be opened" in result.stderr and "riskgraph doctor" in result.stderr
    # Nothing was created in place of the store.
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == before
    with pytest.raises(StoreDamagedError), Register.open(folder).writer():
        pass


def _without_write_rights() -> list[str]:
    """A prefix that runs a command subject to file modes: root is, once it has lost the
    capabilities that let it ignore them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only to us")
    caps = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


@pytest.mark.parametrize("with_lock_file", [True, False])
def test_a_read_only_register_can_be_read_but_not_written(with_lock_file: bool) -> None:
    base = Path(tempfile.mkdtemp())
    folder = base / "register"
    try:
        init_register(folder, with_example=True)
        if not with_lock_file:
            (folder / "access.lock").unlink()
        for path in (folder, *folder.rglob("*")):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode & ~0o222)

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*_without_write_rights(), sys.executable, "-m", "riskgraph", *args, "-r", folder],
                capture_output=True,
                text=True,
                timeout=120,
            )

        stats = cli("stats")
        assert stats.returncode == 0, stats.stderr
        assert "Traceback" not in stats.stderr
        assert "R-001" in cli("list", "risk").stdout
        written = cli("add", "person", "--title", "Alice")
        assert written.returncode == 3 and "Traceback" not in written.stderr
        assert "read-only" in written.stderr
        assert (folder / "access.lock").exists() is with_lock_file
    finally:
        for path in (base, *base.rglob("*")):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o200)
        shutil.rmtree(base)


_HOLD_READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from riskgraph.store.locking import access_lock
    with access_lock(Path(sys.argv[1]), exclusive=False):
        print("reading", flush=True)
        time.sleep(30)
    """
)

_TRY_READ = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from riskgraph.store.base import StoreError
    from riskgraph.store.locking import access_lock
    try:
        with access_lock(Path(sys.argv[1]), exclusive=False, timeout=2):
            print("read")
    except StoreError as exc:
        print(exc)
    """
)


def test_a_waiting_writer_names_the_reader_it_waits_for(disk_register: Register) -> None:
    folder = disk_register.folder
    assert folder is not None
    reader = subprocess.Popen(
        [sys.executable, "-c", _HOLD_READER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        with (
            writer_lock(folder),
            pytest.raises(StoreError) as raised,
            access_lock(folder, exclusive=True, timeout=0.2),
        ):
            pass
        message = str(raised.value)
        assert f"being read by process {reader.pid}" in message
        assert f"process {os.getpid()}" not in message
    finally:
        reader.kill()
        reader.wait()


class _ReadWhilePlanning:
    """A progress sink that, when the import starts planning, has another process read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.answers: list[str] = []

    def phase(self, description: str, total: float | None = None) -> None:
        if description.startswith(("checking IDs", "planning")):
            child = subprocess.run(
                [sys.executable, "-c", _TRY_READ, str(self.folder)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            self.answers.append(child.stdout.strip() or child.stderr)

    def advance(self, amount: float = 1) -> None:
        pass


def test_readers_are_not_blocked_while_an_import_is_planned(
    disk_register: Register, tmp_path: Path
) -> None:
    from riskgraph.io.importer import import_file

    folder = disk_register.folder
    assert folder is not None
    rows = tmp_path / "people.csv"
    rows.write_text("id,title\nP-001,Alice\nP-002,Bob\n", encoding="utf-8")
    progress = _ReadWhilePlanning(folder)
    from riskgraph.io.importer import ImportOptions

    report = import_file(disk_register, rows, ImportOptions(kind="person"), progress)
    assert report.revision == 1
    assert progress.answers == ["read", "read"]
