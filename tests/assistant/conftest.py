"""Fixtures for the assistant: a scripted chat-completions server and a small real register."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from assist_helpers import register_entities
from chat_server import ChatServer

from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import commit


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_ambient_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests configure endpoints themselves; a developer's own settings must not leak in."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RISKGRAPH_REGISTER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    reg = init_register(tmp_path / "register", name="Assistant test register")
    with reg.writer() as store:
        plan = Repository(store, reg.base_iri).plan_upsert(register_entities())
        commit(store, plan.changes)
    return reg
