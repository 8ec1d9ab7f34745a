"""Fixtures for the remote backend: one Oxigraph server per test session, emptied per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from remote_support import OxigraphServer, free_port

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


@pytest.fixture
def endpoint(oxigraph_server: OxigraphServer) -> EndpointSettings:
    """Settings for the (emptied) server, with its Graph Store URL."""
    oxigraph_server.clear()
    return oxigraph_server.settings()


@pytest.fixture
def remote_example(tmp_path: Path, endpoint: EndpointSettings) -> Register:
    """A register folder pointing to the endpoint, holding the Harbourline example."""
    return init_register(tmp_path / "remote", with_example=True, endpoint=endpoint)


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
