"""The real servers of the remote tests (``oxigraph serve`` and Virtuoso Open Source, both on
127.0.0.1 at free ports), and small helpers shared by the tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from riskgraph.config import EndpointSettings


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for the tests' scripted HTTP servers: no access log, one helper to
    answer with a status, a body and its length."""

    def answer(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


START_TIMEOUT = 30.0
"""Seconds the server may take to answer its first request (the machine may be busy)."""
VIRTUOSO_START_TIMEOUT = 120.0
"""Virtuoso creates its database at first start, which takes longer."""
RISKGRAPH_GRAPHS = "https://w3id.org/riskgraph/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the test extras: next to this Python, else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is missing: pip install -e '.[test]'")
    return found


@dataclass
class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1 at a free port, with its data in ``location``."""

    location: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    kind = "oxigraph"
    update_path = "/update"
    store_path = "/store"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, *, with_store: bool = True, timeout: float = 30.0) -> EndpointSettings:
        """Endpoint settings for this server; without the Graph Store URL on request."""
        return EndpointSettings(
            query_url=f"{self.base}/query",
            update_url=f"{self.base}/update",
            store_url=f"{self.base}/store" if with_store else None,
            timeout_seconds=timeout,
            server_kind=self.kind,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph serve exited at start: {error}")
            try:
                httpx.post(f"{self.base}/query", data={"query": "ASK {}"}, timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not answer within {START_TIMEOUT:g} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.process = None

    def clear(self) -> None:
        """Remove every graph, so each test starts from an empty endpoint."""
        response = httpx.post(f"{self.base}/update", data={"update": "DROP ALL"}, timeout=30.0)
        response.raise_for_status()


VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_GRANTS = (
    'grant SPARQL_UPDATE to "SPARQL";',
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
)
"""What the tests run in isql once Virtuoso answers; docs/team-deployment.md's recipe runs the
same (tests/remote/test_virtuoso_recipe.py keeps them equal)."""
VIRTUOSO_INI_SETTINGS = {"ResultSetMaxRows": "1000000"}
"""What the tests change in the packaged virtuoso.ini, besides the ports and the database
folder."""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here (None when it can). CI must have it (.ci/run)."""
    if VIRTUOSO and ISQL and VIRTUOSO_INI.is_file():
        return None
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Virtuoso (apt-get install virtuoso-opensource)")
    return "Virtuoso is not installed (apt-get install virtuoso-opensource)"


class VirtuosoServer:
    """Virtuoso Open Source (Debian's package) on 127.0.0.1 at free ports, its database in
    ``folder``. Query and update endpoints are both /sparql, the Graph Store /sparql-graph-crud;
    it refuses very large updates, and allows anonymous updates once the SPARQL account is
    granted SPARQL_UPDATE (the recipe of docs/team-deployment.md)."""

    kind = "virtuoso"
    update_path = "/sparql"
    store_path = "/sparql-graph-crud"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.sql_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, *, with_store: bool = True, timeout: float = 30.0) -> EndpointSettings:
        from riskgraph.store.discovery import LAYOUTS

        return EndpointSettings(
            query_url=f"{self.base}/sparql",
            update_url=f"{self.base}/sparql",
            store_url=f"{self.base}/sparql-graph-crud" if with_store else None,
            timeout_seconds=timeout,
            server_kind=self.kind,
            max_update_quads=LAYOUTS[self.kind].max_update_quads,
        )

    def start(self) -> None:
        assert VIRTUOSO is not None
        text = VIRTUOSO_INI.read_text()
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.folder}/")
        text = re.sub(
            r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = 127.0.0.1:{self.sql_port}", text
        )
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = 127.0.0.1:{self.port}", text)
        for key, value in VIRTUOSO_INI_SETTINGS.items():
            text = re.sub(rf"(?m)^{key}\s*=.*", f"{key} = {value}", text)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(text)
        self.process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + VIRTUOSO_START_TIMEOUT
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
            raise RuntimeError(f"Virtuoso did not answer within {VIRTUOSO_START_TIMEOUT:g} s")
        self.sql(*VIRTUOSO_GRANTS)

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
        drops = [
            f"DROP SILENT GRAPH <{row['g']['value']}>"
            for row in graphs
            if row["g"]["value"].startswith(RISKGRAPH_GRAPHS)
        ]
        if drops:
            httpx.post(
                f"{self.base}/sparql", data={"query": " ; ".join(drops)}, timeout=60
            ).raise_for_status()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


Server = OxigraphServer | VirtuosoServer
SERVER_KINDS = ("oxigraph", "virtuoso")
"""Every remote test runs against each of these (see conftest.py)."""


def same_quads(left: Iterable[ox.Quad], right: Iterable[ox.Quad]) -> bool:
    """True when both hold the same named graphs and each pair is isomorphic (the same up to
    blank node labels; without blank nodes, the very same quads)."""

    def by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
        graphs: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            graphs[str(quad.graph_name)].append(quad.triple)
        return graphs

    mine, theirs = by_graph(left), by_graph(right)
    if mine.keys() != theirs.keys():
        return False
    return all(_isomorphic(mine[name], theirs[name]) for name in mine)


def _isomorphic(left: list[ox.Triple], right: list[ox.Triple]) -> bool:
    if len(left) != len(right):
        return False
    if not any(_has_blank(t) for t in (*left, *right)):
        return set(left) == set(right)
    return isomorphic(_rdflib(left), _rdflib(right))


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


def gap_report(folder: Path, today: str = "2026-11-01") -> dict:
    """The register's gap report as JSON, less its generation time (for comparing folders)."""
    import json

    from cli_run import run

    done = run("gaps", "--format", "json", "--today", today, "-r", str(folder))
    assert done.code == 0, done.err
    report = json.loads(done.out)
    report.pop("generated_at", None)
    return report
