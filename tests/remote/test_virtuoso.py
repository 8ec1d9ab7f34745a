"""A second real server with other conventions: Virtuoso Open Source (Debian's package), started
on 127.0.0.1 by the tests. CI installs it (.ci/run); elsewhere the tests skip without it.

Virtuoso keeps its query and update endpoints at /sparql and its Graph Store at
/sparql-graph-crud, refuses very large updates, and allows anonymous updates only once the
SPARQL account is granted SPARQL_UPDATE (docs/team-deployment.md has the recipe)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_run import run
from remote_support import free_port, gap_report

from riskgraph.config import load_config
from riskgraph.register import Register

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
DEFAULT_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT = 120.0

if not (VIRTUOSO and ISQL and DEFAULT_INI.is_file()):
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Virtuoso (apt-get install virtuoso-opensource)")
    pytest.skip("Virtuoso is not installed", allow_module_level=True)


class VirtuosoServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http_port = free_port()
        self.sql_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        text = DEFAULT_INI.read_text()
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.folder}/")
        text = re.sub(
            r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = 127.0.0.1:{self.sql_port}", text
        )
        text = re.sub(
            r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = 127.0.0.1:{self.http_port}", text
        )
        text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*", "ResultSetMaxRows = 1000000", text)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(text)
        assert VIRTUOSO is not None
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("virtuoso-t exited at start")
            try:
                answer = httpx.get(f"{self.base}/sparql", params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso did not answer within {START_TIMEOUT:g} s")
        self.sql(
            'grant SPARQL_UPDATE to "SPARQL";',
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
        )

    def sql(self, *statements: str) -> None:
        assert ISQL is not None
        subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=" + " ".join(statements)],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def clear(self) -> None:
        """Drop riskgraph's graphs (never CLEAR ALL: Virtuoso keeps its own graphs too)."""
        graphs = httpx.get(
            f"{self.base}/sparql",
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        ).json()["results"]["bindings"]
        for row in graphs:
            name = row["g"]["value"]
            if name.startswith("https://w3id.org/riskgraph/"):
                httpx.post(
                    f"{self.base}/sparql", data={"query": f"DROP SILENT GRAPH <{name}>"}, timeout=60
                ).raise_for_status()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_init_with_the_base_url_finds_virtuoso_and_loads_the_example(
    tmp_path: Path, virtuoso: VirtuosoServer
) -> None:
    virtuoso.clear()
    folder = tmp_path / "team"
    done = run("init", str(folder), "--endpoint", virtuoso.base, "--example")
    assert done.code == 0, done.err
    assert "found a virtuoso layout" in done.err
    endpoint = load_config(folder / "register.toml").endpoint
    assert endpoint is not None
    assert endpoint.query_url == endpoint.update_url == f"{virtuoso.base}/sparql"
    assert endpoint.store_url == f"{virtuoso.base}/sparql-graph-crud"
    stats = run("stats", "-r", str(folder))
    assert stats.code == 0, stats.err
    assert re.search(r"risks\s+│\s+46", stats.out)


def test_a_second_folder_on_virtuoso_sees_the_same_register(
    tmp_path: Path, virtuoso: VirtuosoServer
) -> None:
    virtuoso.clear()
    first, second = tmp_path / "alice", tmp_path / "bob"
    assert run("init", str(first), "--endpoint", virtuoso.base, "--example").code == 0
    assert run("settings", "set", "risk.appetite", "low", "-r", str(first)).code == 0
    joined = run("init", str(second), "--endpoint", f"{virtuoso.base}/sparql")
    assert joined.code == 0, joined.err
    alice, bob = Register.open(first), Register.open(second)
    assert alice.display_name == bob.display_name
    assert alice.config.risk.appetite == bob.config.risk.appetite == "low"
    assert gap_report(first) == gap_report(second)


@pytest.mark.xfail(
    strict=True,
    reason="known gap: on Virtuoso the write pipeline's catalogue link check does not find "
    "iso42001:C.3.4, so edits of risks with Annex C sources are refused (the gap rules and "
    "SHACL also disagree with Oxigraph's answers on the same data)",
)
def test_an_edit_on_virtuoso_is_seen_by_the_other_folder(
    tmp_path: Path, virtuoso: VirtuosoServer
) -> None:
    virtuoso.clear()
    first, second = tmp_path / "alice", tmp_path / "bob"
    assert run("init", str(first), "--endpoint", virtuoso.base, "--example").code == 0
    assert run("init", str(second), "--endpoint", virtuoso.base).code == 0
    edited = run("edit", "R-001", "--title", "Proxy bias in credit", "-r", str(first))
    assert edited.code == 0, edited.err
    shown = run("show", "R-001", "-r", str(second))
    assert shown.code == 0 and "Proxy bias in credit" in shown.out
