"""All or nothing: a bad last row, a second writer, and a process killed mid-import."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from io_support import REPO, content, every_kind, fill

from riskgraph.errors import InputErrors
from riskgraph.io.importer import import_file
from riskgraph.register import Register, init_register
from riskgraph.store.base import RegisterLockedError, read_revision
from riskgraph.store.locking import ACCESS_LOCK, WRITER_LOCK
from riskgraph.vocab import DCTERMS, META_GRAPH, REGISTER_GRAPH

GOOD_RISK = "R-{n},Risk {n},2,3,SYS-1"
BAD_LAST = {
    "risks.csv": (
        "# riskgraph template: risk v1\nid,title,likelihood,severity,affects\n"
        "{rows}\nR-LAST,Bad,9,1,SYS-1\n",
        GOOD_RISK,
    ),
    "risks.yaml": (
        "risks:\n{rows}\n  - {{id: R-LAST, title: Bad, likelihood: 9, severity: 1}}\n",
        "  - {{id: R-{n}, title: Risk {n}, likelihood: 2, severity: 3, affects: [SYS-1]}}",
    ),
    "risks.ttl": (
        "@prefix rg: <https://w3id.org/riskgraph#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n{rows}\n"
        '<R-LAST> a rg:Risk ; dcterms:identifier "R-LAST" ; dcterms:title "Bad" ;'
        " rg:likelihood 9 ; rg:severity 1 .\n",
        '<R-{n}> a rg:Risk ; dcterms:identifier "R-{n}" ; dcterms:title "Risk {n}" ;'
        " rg:likelihood 2 ; rg:severity 3 ; rg:affects <SYS-1> .",
    ),
}


@pytest.fixture
def on_disk(tmp_path: Path) -> Register:
    register = init_register(tmp_path / "register")
    fill(register, every_kind())
    return register


@pytest.mark.parametrize("name", sorted(BAD_LAST))
def test_an_import_whose_last_row_is_bad_changes_nothing(
    on_disk: Register, tmp_path: Path, name: str
) -> None:
    template, row = BAD_LAST[name]
    path = tmp_path / name
    path.write_text(template.format(rows="\n".join(row.format(n=n) for n in range(200))))
    before = content(on_disk)
    with pytest.raises(InputErrors) as caught:
        import_file(on_disk, path)
    assert len(caught.value.errors) == 1 and caught.value.errors[0].value in ("9", 9)
    assert content(on_disk) == before


def test_a_second_writer_is_refused_at_once(on_disk: Register, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(
        "# riskgraph template: risk v1\nid,title,likelihood,severity,affects\nR-9,x,1,1,SYS-1\n"
    )
    before = content(on_disk)
    with on_disk.write_session(), pytest.raises(RegisterLockedError, match="being written"):
        import_file(Register.open(on_disk.folder), path)  # type: ignore[arg-type]
    assert content(on_disk) == before
    assert import_file(on_disk, path).plan.added == ["R-9"]


# --- SIGKILL in the middle of a large import ------------------------------------------------

ROWS = 20_000


def _big_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["# riskgraph template: risk v1"])
        writer.writerow(
            ["id", "title", "description", "likelihood", "severity", "category", "affects"]
        )
        for n in range(ROWS):
            writer.writerow(
                [
                    f"BIG-{n:06d}",
                    f"Bulk risk {n}",
                    "Generated for the kill test",
                    n % 5 + 1,
                    (n * 3) % 5 + 1,
                    "bulk",
                    "SYS-1",
                ]
            )
    return path


def _holds_writer_lock(folder: Path, pid: int) -> bool:
    try:
        return json.loads((folder / WRITER_LOCK).read_text() or "{}").get("pid") == pid
    except ValueError:
        return False


def _store_open_for_writing(folder: Path, pid: int) -> bool:
    """True while another process holds the exclusive access lock (it has the store open)."""
    with (folder / ACCESS_LOCK).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline, "the import never reached the phase to kill it in"
        time.sleep(0.005)


def _imported_big_risks(register: Register) -> int:
    with register.reader() as store:
        return sum(
            1
            for q in store.quads(REGISTER_GRAPH)
            if q.predicate.value == DCTERMS + "identifier" and q.object.value.startswith("BIG-")
        )


@pytest.mark.parametrize(
    ("phase", "reached", "delay"),
    [
        ("reading the file", _holds_writer_lock, 0.2),
        ("planning and writing", _store_open_for_writing, 0.3),
        ("late in writing", _store_open_for_writing, 1.5),
    ],
)
def test_sigkill_mid_import_leaves_the_register_as_it_was(
    on_disk: Register,
    tmp_path: Path,
    phase: str,
    reached: Callable[[Path, int], bool],
    delay: float,
) -> None:
    """Killed before its commit, an import leaves the register exactly as it was.

    The late kill may land after the commit (the atomic switch of the store) while the process
    still runs (dropping the old store version, the trail, exit), or after it ended; then the
    import must be there in full (never a part of it). The outcome is judged by the register's
    content, not by whether the process was still running.
    """
    folder = on_disk.folder
    assert folder is not None
    big = _big_csv(tmp_path / "big.csv")
    before = content(on_disk)
    with on_disk.reader() as store:
        revision = read_revision(store)
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    process = subprocess.Popen(
        [sys.executable, "-m", "riskgraph", "import", str(big), "-r", str(folder)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: reached(folder, process.pid), process)
        time.sleep(delay)
        finished_first = process.poll() is not None
        assert not finished_first or delay > 1, f"the import finished before the kill ({phase})"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()

    reopened = Register.open(folder)
    imported = _imported_big_risks(reopened)
    with reopened.reader() as store:
        now = read_revision(store)
    if imported == 0:  # killed before the commit: nothing changed, not even bookkeeping
        assert process.returncode == -signal.SIGKILL
        assert content(reopened) == before
        assert now == revision
    else:  # the commit landed first: the whole import, and everything that was there
        assert delay > 1, f"the import committed before the kill ({phase})"
        assert imported == ROWS, f"a part of the import is in the register: {imported} of {ROWS}"
        kept = {q for q in before if q.graph_name != ox.NamedNode(META_GRAPH)}
        assert kept <= content(reopened)
        assert now == revision + 1
    stats = subprocess.run(
        [sys.executable, "-m", "riskgraph", "stats", "-r", str(folder)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert stats.returncode == 0, stats.stderr
    small = tmp_path / "small.csv"
    small.write_text(
        "# riskgraph template: risk v1\nid,title,likelihood,severity,affects\nR-9,x,1,1,SYS-1\n"
    )
    assert import_file(reopened, small).plan.added == ["R-9"]  # the locks went with the process
