"""Fixtures for the remote backend. Every test that asks for ``server`` (or for ``endpoint`` or
``remote_example``, which use it) runs once against ``oxigraph serve`` and once against Virtuoso
Open Source. Each server is started once per test session on 127.0.0.1 and emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from remote_support import (
    SERVER_KINDS,
    OxigraphServer,
    Server,
    VirtuosoServer,
    free_port,
    virtuoso_missing,
)

from riskgraph.config import EndpointSettings
from riskgraph.register import Register, init_register


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real ``oxigraph serve`` process on 127.0.0.1 at a free port, killed at the end."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A real Virtuoso on 127.0.0.1 at free ports (skipped where it is not installed, except
    in CI), stopped at the end."""
    if reason := virtuoso_missing():
        pytest.skip(reason)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> Server:
    """Each server in turn, emptied of riskgraph's graphs."""
    found: Server = request.getfixturevalue(f"{request.param}_server")
    found.clear()
    return found


@pytest.fixture
def endpoint(server: Server) -> EndpointSettings:
    """Settings for the (emptied) server, with its Graph Store URL."""
    return server.settings()


@pytest.fixture
def remote_example(tmp_path: Path, endpoint: EndpointSettings) -> Register:
    """A register folder pointing to the endpoint, holding the Harbourline example."""
    return init_register(tmp_path / "remote", with_example=True, endpoint=endpoint)


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
