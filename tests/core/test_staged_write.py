"""Large writes to an on-disk register are staged on a copy and switched in atomically."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox

from riskgraph.register import STORE_DIR, Register, init_register
from riskgraph.store.base import ChangeSet, read_revision
from riskgraph.store.embedded import STAGED_WRITE_THRESHOLD
from riskgraph.store.versions import LAST_GOOD, VERSIONS_DIR
from riskgraph.vocab import REGISTER_GRAPH

REG = ox.NamedNode(REGISTER_GRAPH)


def _quads(n: int, value: str = "v") -> list[ox.Quad]:
    p = ox.NamedNode("http://e/p")
    return [
        ox.Quad(ox.NamedNode(f"http://e/s{i}"), p, ox.Literal(f"{value}{i}"), REG) for i in range(n)
    ]


def _versions(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / VERSIONS_DIR).iterdir())


def test_large_write_lands_on_a_new_version(disk_register: Register) -> None:
    folder = disk_register.folder
    assert folder is not None
    before = (folder / STORE_DIR).resolve().name
    n = STAGED_WRITE_THRESHOLD + 10
    revision = disk_register.commit(ChangeSet(add=_quads(n)))
    assert (folder / STORE_DIR).resolve().name == str(int(before) + 1)
    assert _versions(folder) == [str(int(before) + 1), LAST_GOOD]
    with disk_register.reader() as store:
        assert store.count(REGISTER_GRAPH) == n
        assert read_revision(store) == revision
    # The last good copy (what doctor --repair restores) holds the same.
    copy = ox.Store.read_only(str(folder / VERSIONS_DIR / LAST_GOOD))
    assert sorted(map(str, copy)) == sorted(map(str, ox.Store.read_only(str(folder / STORE_DIR))))


def test_large_write_with_removals(disk_register: Register) -> None:
    n = STAGED_WRITE_THRESHOLD
    disk_register.commit(ChangeSet(add=_quads(n, "old")))
    disk_register.commit(ChangeSet(remove=_quads(n, "old"), add=_quads(n, "new")))
    with disk_register.reader() as store:
        values = {q.object.value for q in store.quads(REGISTER_GRAPH)}
    assert len(values) == n and all(v.startswith("new") for v in values)


_WRITE_FOREVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import pyoxigraph as ox
    from riskgraph.register import Register
    from riskgraph.store.base import ChangeSet
    g = ox.NamedNode("https://w3id.org/riskgraph/graph/register")
    p = ox.NamedNode("http://e/p")
    quads = [ox.Quad(ox.NamedNode(f"http://e/s{i}"), p, ox.Literal(str(i)), g)
             for i in range(3_000_000)]
    print("writing", flush=True)
    Register.open(Path(sys.argv[1])).commit(ChangeSet(add=quads))
    print("done", flush=True)
    """
)


def test_sigkill_during_a_staged_write_keeps_the_old_content(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    folder = register.folder
    assert folder is not None
    with register.reader() as store:
        before = sorted(map(str, store.quads()))
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITE_FOREVER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    # Wait until the staged copy exists, so the kill lands in the middle of the bulk load.
    deadline = time.monotonic() + 60
    while "2" not in _versions(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "2" in _versions(folder), "the staged copy never appeared"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    again = Register.open(folder)
    with again.reader() as store:
        assert sorted(map(str, store.quads())) == before
    with again.writer():
        pass  # a writer tidies the unfinished copy away
    assert _versions(folder) == ["1", LAST_GOOD]
