"""The data the benchmarks run on, built once per size and kept in a work folder.

For each size: the synthetic register as N-Quads (``benchmarks.synth``), a register folder
holding it (base IRI of the generator, system graphs installed, bulk-loaded, revision 1), the
whole store as one N-Quads file (for rdflib and the raw loads), and an Oxigraph server folder
loaded from that file. Each item is rebuilt only when it is missing.

The runner builds them in a child process (``python -m benchmarks.bench_data --prepare SIZE`` or
``--server SIZE``): Linux carries a process's peak memory over into the processes it starts, so
loading a large store in the runner itself would show up as every later measurement's peak.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from benchmarks.synth.profile import profile_for
from benchmarks.synth.register import DEFAULT_AS_OF, DEFAULT_BASE, write_register
from benchmarks.synth.risk_csv import write_risk_csv
from riskgraph.config import EndpointSettings
from riskgraph.register import STORE_DIR, Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.embedded import EmbeddedStore

DEFAULT_WORK = Path(tempfile.gettempdir()) / "riskgraph-bench"
TODAY = DEFAULT_AS_OF
"""Gap rules judge dates as on the generator's as-of day, so the gaps are the same every run."""
MAPPING = Path(__file__).resolve().parent / "risks-csv.mapping.yaml"
"""How ``riskgraph import`` reads the generator's risk CSV (its header is not the template's)."""
_DONE = ".complete"


def _complete(path: Path) -> bool:
    return (path.parent / (path.name + _DONE)).exists()


def _mark_complete(path: Path) -> None:
    (path.parent / (path.name + _DONE)).touch()


def synth_nquads(size: str, work: Path) -> Path:
    """The synthetic register of ``size`` as N-Quads in the register graph."""
    path = work / f"synth-{size}.nq"
    if not _complete(path):
        work.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            write_register(out, profile_for(size), fmt="nq")
        _mark_complete(path)
    return path


def register_folder(size: str, work: Path) -> Path:
    """A register folder (embedded) holding the synthetic register of ``size``."""
    folder = work / f"register-{size}"
    if not _complete(folder):
        data = synth_nquads(size, work)
        shutil.rmtree(folder, ignore_errors=True)
        register = init_register(folder, name=f"synthetic register {size}", base_iri=DEFAULT_BASE)
        with register.writer() as store:
            assert isinstance(store, EmbeddedStore)
            store.raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
            commit(store, ChangeSet())
        _mark_complete(folder)
    return folder


def store_path(size: str, work: Path) -> Path:
    return register_folder(size, work) / STORE_DIR


def whole_store_nquads(size: str, work: Path) -> Path:
    """Every graph of the register folder's store as one N-Quads file."""
    path = work / f"store-{size}.nq"
    if not _complete(path):
        store = ox.Store.read_only(str(store_path(size, work)))
        store.dump(output=str(path), format=ox.RdfFormat.N_QUADS)
        _mark_complete(path)
    return path


def risk_csv(rows: int, size: str, work: Path) -> Path:
    """The generator's risk spreadsheet with ``rows`` rows, linked to a register of ``size``."""
    path = work / f"risks-{size}-{rows}.csv"
    if not _complete(path):
        with path.open("w", encoding="utf-8", newline="") as out:
            write_risk_csv(out, rows, profile_for(size))
        _mark_complete(path)
    return path


def server_folder(size: str, work: Path) -> Path:
    """An Oxigraph server's data folder holding the same store, loaded with ``oxigraph load``."""
    folder = work / f"server-{size}"
    if not _complete(folder):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [
                oxigraph_command(),
                "load",
                "--location",
                str(folder),
                "--file",
                str(whole_store_nquads(size, work)),
            ],
            check=True,
            capture_output=True,
        )
        _mark_complete(folder)
    return folder


def oxigraph_command() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph server is missing: pip install oxigraph")
    return found


@dataclass
class Server:
    """``oxigraph serve`` on a copy-free data folder, on 127.0.0.1 at a free port."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> EndpointSettings:
        return EndpointSettings(
            query_url=f"{self.base}/query",
            update_url=f"{self.base}/update",
            store_url=f"{self.base}/store",
            timeout_seconds=600,
            server_kind="oxigraph",  # as discovery (``riskgraph init --endpoint``) records it
        )

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory (VmHWM), in MB."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(folder: Path) -> Server:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [oxigraph_command(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(process, port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {process.returncode}")
        try:
            httpx.post(f"{server.base}/query", data={"query": "ASK {}"}, timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("oxigraph serve did not start within 60 s")


def remote_register(settings: EndpointSettings, size: str) -> Register:
    """A register on the endpoint, configured as ``riskgraph init --endpoint`` would."""
    from riskgraph.config import RegisterConfig

    config = RegisterConfig()
    config.general.name = f"synthetic register {size}"
    config.general.base_iri = DEFAULT_BASE
    config.general.backend = "sparql"
    config.endpoint = settings
    return Register(config)


def prepare(size: str, work: Path) -> dict[str, Any]:
    """The synthetic register of ``size`` and its register folder, built when missing: the
    seconds each took (None when cached) and the triples it has."""
    data: dict[str, Any] = {}
    started = time.perf_counter()
    cached = _complete(work / f"synth-{size}.nq")
    nquads = synth_nquads(size, work)
    data["generate_s"] = None if cached else time.perf_counter() - started
    cached = _complete(work / f"register-{size}")
    started = time.perf_counter()
    register_folder(size, work)
    data["load_s"] = None if cached else time.perf_counter() - started
    with nquads.open("rb") as lines:
        data["triples"] = sum(1 for _ in lines)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the benchmark data of one size.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--prepare", metavar="SIZE", help="the register folder")
    what.add_argument("--server", metavar="SIZE", help="the Oxigraph server's data folder")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.prepare:
        result = prepare(args.prepare, args.work)
    else:
        result = {"folder": str(server_folder(args.server, args.work))}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
