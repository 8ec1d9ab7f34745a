"""A real Oxigraph server for the remote tests, and small helpers shared by them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from riskgraph.config import EndpointSettings

START_TIMEOUT = 30.0
"""Seconds the server may take to answer its first request (the machine may be busy)."""


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
