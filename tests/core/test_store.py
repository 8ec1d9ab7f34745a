"""The embedded store: atomic change sets, revisions, graphs kept apart, locks between processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    commit,
    read_revision,
)
from riskgraph.store.locking import writer_lock
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
        stamps = [q for q in store.quads("https://w3id.org/riskgraph/graph/meta")]
        assert len(stamps) == 1


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
