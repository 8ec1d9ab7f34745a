"""Issue 14's first Done-when, for every AI system of the example register with the FINOS and
AI Atlas Nexus libraries loaded, through the command line: 'assist identify' returns grounded
candidates offline (the BM25 baseline) and through a loopback chat-completions server (real
HTTP, real openai SDK); accepting one of each creates a risk, 'validate' passes, and the
provenance is complete (who made the candidate, with which prompt and request, who accepted it,
what the risk derives from and which concepts it matches)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from assist_helpers import API_KEY
from chat_server import ChatServer, Step, json_answer

from riskgraph.assistant.candidates import StoredCandidate, load_candidate, load_candidates
from riskgraph.assistant.identify import RISK_IDENTIFICATION
from riskgraph.assistant.prompts import PromptTemplate
from riskgraph.library.catalogue import load
from riskgraph.model.entities import DraftStatus, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register
from riskgraph.vocab import DRAFTS_GRAPH, PROV, REGISTER_GRAPH
from tests.cli_run import run

SYSTEMS = (
    "SYS-CREDIT",
    "SYS-CV",
    "SYS-CHATBOT",
    "SYS-FRAUD",
    "SYS-TRIAGE",
    "SYS-DEMAND",
    "SYS-CODE",
    "SYS-DRAFTING",
)
INVENTED = "finos-aigf:ri-999"
SKOS_CLOSE_MATCH = "http://www.w3.org/2004/02/skos/core#closeMatch"
REVIEWER = "P-DMURPHY"


@pytest.fixture(scope="module")
def prepared_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("every-system") / "harbourline"
    reg = init_register(folder, with_example=True)
    load(reg, ["finos-aigf", "ai-atlas-nexus"])
    return folder


@pytest.fixture
def example(prepared_example: Path, tmp_path: Path) -> Iterator[Register]:
    folder = tmp_path / "harbourline"
    shutil.copytree(prepared_example, folder)
    yield Register.open(folder)


def reverse_shortlist(body: dict) -> Step:
    """A plausible model: the shortlist reversed, plus an ID no loaded library has."""
    user = body["messages"][1]["content"]
    block = user.split("<register_data>")[1].split("</register_data>")[0]
    refs = [item["ref"] for item in json.loads(block)["shortlist"]]
    return json_answer(
        {
            "candidates": [
                {
                    "concepts": [ref, INVENTED] if n == 0 else [ref],
                    "title": f"Risk drawn from {ref}",
                    "description": "As the concept describes, for this system.",
                    "why": "The system's description and purpose match the concept.",
                    "likelihood": 3,
                    "severity": 4,
                }
                for n, ref in enumerate(reversed(refs))
            ]
        }
    )


@pytest.fixture
def model_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatServer]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RISKGRAPH_REGISTER"):
        monkeypatch.delenv(name, raising=False)
    server = ChatServer(responder=reverse_shortlist).start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    yield server
    server.stop()


def library_concepts(reg: Register) -> set[str]:
    with reg.reader() as store:
        rows = store.select(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a <http://www.w3.org/2004/02/skos/core#"
            "Concept> } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/riskgraph/graph/catalogue/"
            "library/')) }"
        ).rows
    return {r["c"].value for r in rows if r["c"] is not None}


def candidates_of(reg: Register, system: str, method: str) -> list[StoredCandidate]:
    with reg.reader() as store:
        found = load_candidates(store, reg.base_iri)
    return [c for c in found if c.system_id == system and c.method == method]


def check_accepted(reg: Register, candidate: StoredCandidate, system: str) -> None:
    """The risk exists, affects the system, derives from the candidate and matches its concepts;
    the review names the person and what it generated."""
    with reg.reader() as store:
        done = load_candidate(store, reg.base_iri, candidate.id)
        assert done.status is DraftStatus.ACCEPTED and done.reviewer and done.risk_id
        assert done.reviewer.endswith(REVIEWER)
        risk = Repository(store, reg.base_iri).get(done.risk_id)
        assert isinstance(risk, Risk) and risk.affects == [system]
        node = reg.base_iri + done.risk_id
        facts = {(q.predicate.value, q.object.value) for q in store.quads(REGISTER_GRAPH, node)}
        assert (PROV + "wasDerivedFrom", candidate.iri) in facts
        assert candidate.concepts
        for concept in candidate.concepts:
            assert (SKOS_CLOSE_MATCH, concept) in facts
        review = {
            (q.predicate.value, q.object.value)
            for q in store.quads(DRAFTS_GRAPH, subject=candidate.iri + "/review")
        }
        assert (PROV + "wasAssociatedWith", reg.base_iri + REVIEWER) in review
        assert (PROV + "generated", node) in review


@pytest.mark.parametrize("system", SYSTEMS)
def test_identify_offline_and_through_the_model_then_accept_and_validate(
    example: Register, model_server: ChatServer, system: str
) -> None:
    folder = str(example.folder)
    known = library_concepts(example)

    offline = run("assist", "identify", system, "--offline", "--limit", "2", "-r", folder)
    assert offline.code == 0, offline.err
    assert model_server.requests == []  # offline means offline
    baseline = candidates_of(example, system, "baseline")
    assert len(baseline) == 2
    for candidate in baseline:
        assert candidate.concepts and set(candidate.concepts) <= known, candidate
        assert candidate.maker and candidate.created and candidate.rationale

    through_model = run("assist", "identify", system, "--limit", "2", "-r", folder)
    assert through_model.code == 0, through_model.err
    (request,) = model_server.requests
    llm = candidates_of(example, system, "llm")
    assert len(llm) == 2
    template = PromptTemplate.load(*RISK_IDENTIFICATION)
    for candidate in llm:
        assert candidate.concepts and set(candidate.concepts) <= known, candidate
        assert candidate.maker == "test-model-2026" and candidate.endpoint_host == model_server.host
        assert candidate.template == "risk-identification/v1"
        assert candidate.template_hash == template.sha256
        assert candidate.request_hash == hashlib.sha256(request.raw).hexdigest()
        assert candidate.prompt_tokens == 100 and candidate.created
    # the ID no library has is flagged and never linked
    flagged = [c for c in llm if INVENTED in c.references]
    assert len(flagged) == 1
    assert any(INVENTED in flag for flag in flagged[0].flags)
    assert all(not c.endswith("ri-999") for c in flagged[0].concepts)

    for candidate in (baseline[0], flagged[0]):
        accepted = run("assist", "accept", candidate.id, "--by", REVIEWER, "-r", folder)
        assert accepted.code == 0, accepted.err
        check_accepted(example, candidate, system)
    validated = run("validate", "-r", folder)
    assert validated.code == 0, validated.out + validated.err
