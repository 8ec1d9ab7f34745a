"""The prompt-injection corpus (tests/assistant/data/injection_corpus.json), run in CI.

For every case, against the loopback chat-completions server: drafting changes nothing in the
register graph (only the drafts graph gains a pending draft), no draft or treatment becomes
approved without a named person, register text reaches the model only inside the data block,
and model text is stored as data, flagged where it needs a second look."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from assist_helpers import good_draft, make_endpoint, register_quads
from chat_server import ChatServer, json_answer

from riskgraph.assistant.batch import plan_run, run_plan
from riskgraph.assistant.records import load_drafts
from riskgraph.model.entities import DraftStatus, Evidence, Treatment, TreatmentStatus
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import commit

CORPUS = json.loads((Path(__file__).parent / "data" / "injection_corpus.json").read_text())


def plant(reg: Register, case: dict[str, Any]) -> None:
    with reg.writer() as store:
        repo = Repository(store, reg.base_iri)
        if case["entity"] == "EV-INJ":
            entity: Any = Evidence(id="EV-INJ", title=case["text"], supports=["C-002"])
        else:
            found = repo.get(case["entity"])
            assert found is not None
            entity = found.model_copy(update={case["field"]: case["text"]})
        commit(store, repo.plan_upsert([entity]).changes)


def approved_without_person(reg: Register) -> list[str]:
    with reg.reader() as store:
        repo = Repository(store, reg.base_iri)
        people = {p.id for p in repo.all()[0] if p.kind == "person"}
        treatments = [t for t in repo.all(Treatment)[0] if isinstance(t, Treatment)]
    return [
        t.id
        for t in treatments
        if t.status is TreatmentStatus.APPROVED and t.approved_by not in people
    ]


def strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in strings(v)]
    if isinstance(node, list):
        return [t for v in node for t in strings(v)]
    return []


def check_nothing_else_changed(reg: Register, before: set[ox.Quad]) -> None:
    assert register_quads(reg) == before  # the register graph is exactly as it was
    with reg.reader() as store:
        drafts = load_drafts(store, reg.base_iri)
    assert all(d.status is DraftStatus.PENDING for d in drafts)
    assert approved_without_person(reg) == []


@pytest.mark.parametrize("case", CORPUS["register"], ids=lambda c: c["name"])
def test_register_text_is_data(
    register: Register, chat_server: ChatServer, case: dict[str, Any]
) -> None:
    plant(register, case)
    before = register_quads(register)
    chat_server.script(*(json_answer(good_draft()) for _ in range(3)))
    run_plan(
        register,
        plan_run(register, ["R-INJECT", "R-BIAS", "R-DRIFT"]),
        make_endpoint(chat_server, max_concurrency=1),
        backoff_base=0.001,
    )
    check_nothing_else_changed(register, before)
    blocks = [
        json.loads(
            r.body["messages"][1]["content"]
            .split("<register_data>")[1]
            .split("</register_data>")[0]
        )
        for r in chat_server.requests
    ]
    sent = any(case["text"] in text for b in blocks for text in strings(b))
    assert sent == (case["entity"] != "EV-INJ")  # inside the data block, as data
    for request in chat_server.requests:
        system, user = request.body["messages"]
        wire = json.dumps(case["text"], ensure_ascii=False)[1:-1]
        assert case["text"] not in system["content"] and wire not in system["content"]
        outside = user["content"].split("<register_data>")[0]
        outside += user["content"].split("</register_data>")[-1]
        assert case["text"][:20] not in outside
        # the block cannot be closed from inside: exactly one opening and one closing tag
        assert user["content"].count("</register_data>") == 1
        if case["entity"] == "EV-INJ":  # evidence is never sent to the model at all
            assert "evil.example/collect" not in json.dumps(request.body)


@pytest.mark.parametrize("case", CORPUS["answer"], ids=lambda c: c["name"])
def test_model_answers_are_data(
    register: Register, chat_server: ChatServer, case: dict[str, Any]
) -> None:
    before = register_quads(register)
    hostile = good_draft(**case["answer"])
    chat_server.script(json_answer(hostile), json_answer(hostile))
    summary = run_plan(
        register,
        plan_run(register, ["R-BIAS"]),
        make_endpoint(chat_server),
        backoff_base=0.001,
    )
    check_nothing_else_changed(register, before)
    with register.reader() as store:
        drafts = load_drafts(store, register.base_iri)
    if case["outcome"] == "failed":
        assert summary.failed and drafts == []
    else:
        (draft,) = drafts
        assert any(f.startswith(case["flag"]) for f in draft.flags), draft.flags
