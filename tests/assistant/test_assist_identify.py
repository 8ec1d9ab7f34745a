"""Risk identification on the example register with libraries loaded: the offline baseline, the
model path through a real loopback server, grounding, acceptance with provenance, rejection,
and the intake questionnaire."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from assist_helpers import make_endpoint, register_quads
from chat_server import ChatServer, json_answer

from riskgraph.assistant.candidates import (
    accept_candidate,
    identify,
    load_candidate,
    load_candidates,
    reject_candidate,
)
from riskgraph.assistant.identify import RISK_IDENTIFICATION, ref_of
from riskgraph.assistant.intake import read_answers, save_intake
from riskgraph.assistant.prompts import PromptTemplate
from riskgraph.errors import InputError, UserError
from riskgraph.library.catalogue import load
from riskgraph.model.entities import DraftStatus, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register
from riskgraph.validation import validate_store
from riskgraph.vocab import DRAFTS_GRAPH, PROV, REGISTER_GRAPH, RG
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


@pytest.fixture(scope="module")
def prepared_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("identify") / "harbourline"
    reg = init_register(folder, with_example=True)
    load(reg, ["finos-aigf", "ai-atlas-nexus"])
    return folder


@pytest.fixture
def example(prepared_example: Path, tmp_path: Path) -> Iterator[Register]:
    folder = tmp_path / "harbourline"
    shutil.copytree(prepared_example, folder)
    yield Register.open(folder)


def _library_concepts(reg: Register) -> set[str]:
    with reg.reader() as store:
        rows = store.select(
            "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?c a <http://www.w3.org/2004/02/skos/core#"
            "Concept> } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/riskgraph/graph/catalogue/"
            "library/')) }"
        ).rows
    return {r["c"].value for r in rows if r["c"] is not None}


def test_every_example_system_gets_grounded_candidates_offline(example: Register) -> None:
    before = register_quads(example)
    known = _library_concepts(example)
    for system in SYSTEMS:
        outcome = identify(example, system, limit=3)
        assert outcome.method == "baseline"
        assert len(outcome.draft_ids) == 3, system
        for candidate in outcome.candidates:
            assert candidate.concepts and {c.iri for c in candidate.concepts} <= known
            assert candidate.why and 1 <= candidate.likelihood <= 5 and candidate.score
    # proposing changes nothing in the register itself: candidates are drafts
    assert register_quads(example) == before
    with example.reader() as store:
        stored = load_candidates(store, example.base_iri)
    assert len(stored) == 3 * len(SYSTEMS)
    assert {c.status for c in stored} == {DraftStatus.PENDING}
    assert all(c.method == "baseline" and c.maker and c.created for c in stored)


def test_accepting_creates_a_valid_linked_risk_with_provenance(example: Register) -> None:
    (first, *_rest) = identify(example, "SYS-CREDIT", limit=2).draft_ids
    accepted = accept_candidate(example, first, person_id="P-DMURPHY", severity=5)
    risk = accepted.risk
    assert risk.affects == ["SYS-CREDIT"] and risk.severity == 5 and risk.owner == "P-DMURPHY"
    with example.reader() as store:
        assert validate_store(store).conforms
        stored = Repository(store, example.base_iri).get(risk.id)
        assert isinstance(stored, Risk) and stored.title == risk.title
        risk_node = ox.NamedNode(example.base_iri + risk.id)
        triples = {
            (q.predicate.value, q.object.value)
            for q in store.quads(REGISTER_GRAPH, subject=risk_node.value)
        }
        candidate = load_candidate(store, example.base_iri, first)
        assert (PROV + "wasDerivedFrom", candidate.iri) in triples
        for concept in candidate.concepts:
            assert ("http://www.w3.org/2004/02/skos/core#closeMatch", concept) in triples
        review = {
            (q.predicate.value, q.object.value)
            for q in store.quads(DRAFTS_GRAPH, subject=candidate.iri + "/review")
        }
        assert (PROV + "wasAssociatedWith", example.base_iri + "P-DMURPHY") in review
        assert (PROV + "generated", risk_node.value) in review
        assert (RG + "acceptedTitle", risk.title) in review
    assert candidate.status is DraftStatus.ACCEPTED and candidate.risk_id == risk.id
    with pytest.raises(UserError, match="already accepted"):
        accept_candidate(example, first, person_id="P-DMURPHY")
    # the undo log has the write: undo removes the risk again
    shown = run("undo", "--register", str(example.folder))
    assert shown.code == 0, shown.err
    with example.reader() as store:
        assert Repository(store, example.base_iri).get(risk.id) is None
        assert load_candidate(store, example.base_iri, first).status is DraftStatus.PENDING


def test_only_a_person_decides(example: Register) -> None:
    (first,) = identify(example, "SYS-CV", limit=1).draft_ids
    for who in ("SYS-CV", "P-NOBODY"):
        with pytest.raises(InputError):
            accept_candidate(example, first, person_id=who)
        with pytest.raises(InputError):
            reject_candidate(example, first, person_id=who, reason="no")
    with pytest.raises(InputError, match="needs a reason"):
        reject_candidate(example, first, person_id="P-SPATEL", reason="  ")


def test_a_rejected_concept_is_not_proposed_again(example: Register) -> None:
    first_run = identify(example, "SYS-CHATBOT", limit=2)
    rejected = first_run.candidates[0].concepts[0].iri
    reject_candidate(example, first_run.draft_ids[0], person_id="P-JLINDQVIST", reason="covered")
    accept_candidate(example, first_run.draft_ids[1], person_id="P-JLINDQVIST")
    accepted = first_run.candidates[1].concepts[0].iri
    later = identify(example, "SYS-CHATBOT", limit=5)
    proposed = {c.iri for cand in later.candidates for c in cand.concepts}
    assert rejected not in proposed and accepted not in proposed
    assert later.left_out[rejected].startswith(f"rejected in {first_run.draft_ids[0]}: covered")
    assert later.left_out[accepted].startswith("already linked from R-")


def test_identification_needs_a_loaded_library_and_an_ai_system(tmp_path: Path) -> None:
    reg = init_register(tmp_path / "bare", with_example=True)
    with pytest.raises(UserError, match="no library is loaded"):
        identify(reg, "SYS-CREDIT")
    load(reg, ["finos-aigf"])
    with pytest.raises(UserError, match="no AI system with ID 'SYS-NOPE'"):
        identify(reg, "SYS-NOPE")
    with pytest.raises(UserError, match="R-001 is risk, not an AI system"):
        identify(reg, "R-001")


# --- through the model -----------------------------------------------------------------------


def _shortlist(request_body: dict) -> list[dict]:
    user = request_body["messages"][1]["content"]
    block = user.split("<register_data>")[1].split("</register_data>")[0]
    return json.loads(block)["shortlist"]


def test_the_model_reranks_the_shortlist_and_invented_ids_are_never_linked(
    example: Register, chat_server: ChatServer
) -> None:
    reject_candidate(
        example,
        identify(example, "SYS-CREDIT", limit=1).draft_ids[0],
        person_id="P-DMURPHY",
        reason="we record this under R-001",
    )

    # answer with the shortlist's second concept, an invented ID and an outside concept
    def answer_for(shortlist: list[str]) -> dict:
        return {
            "candidates": [
                {
                    "concepts": [shortlist[1], "finos-aigf:ri-999"],
                    "title": "Scorecard \x1b[31mdeclines\x1b[0m thin-file applicants",
                    "description": "Applicants with short credit histories are declined.",
                    "why": "The system scores consumer credit applications.",
                    "likelihood": 4,
                    "severity": 9,
                },
                {
                    "concepts": ["mitre-atlas:AML.T0051"],
                    "title": "Invented",
                    "description": "Nothing in the shortlist.",
                    "why": "None.",
                    "likelihood": 1,
                    "severity": 1,
                },
            ]
        }

    endpoint = make_endpoint(chat_server)
    from riskgraph.assistant.candidates import _prepare

    with example.reader() as store:
        ident = _prepare(store, example, "SYS-CREDIT", 15)
    chat_server.script(json_answer(answer_for([ref_of(r.concept) for r in ident.shortlist])))
    before = register_quads(example)
    outcome = identify(example, "SYS-CREDIT", endpoint=endpoint, limit=5)
    assert register_quads(example) == before
    (request,) = chat_server.requests
    body = request.body
    assert body["response_format"]["json_schema"]["name"] == "risk_candidates"
    refs = [item["ref"] for item in _shortlist(body)]
    item_schema = body["response_format"]["json_schema"]["schema"]["properties"]["candidates"][
        "items"
    ]
    assert item_schema["properties"]["concepts"]["items"]["enum"] == refs
    assert item_schema["properties"]["severity"]["maximum"] == 5
    user = body["messages"][1]["content"]
    assert "we record this under R-001" in user  # the rejection reason goes to the model
    first, second = outcome.candidates
    assert [c.ref for c in first.citations] == [refs[1], "finos-aigf:ri-999"]
    assert [c.iri for c in first.concepts] == [ident.shortlist[1].concept.iri]
    assert first.severity == 5 and "\x1b" not in first.title
    assert any(f.startswith("unknown-concept finos-aigf:ri-999") for f in first.flags)
    assert any(f.startswith("score-clamped severity") for f in first.flags)
    assert second.concepts == [] and any(f.startswith("no-concept") for f in second.flags)
    with example.reader() as store:
        stored = {c.id: c for c in load_candidates(store, example.base_iri)}
    kept = stored[outcome.draft_ids[0]]
    template = PromptTemplate.load(*RISK_IDENTIFICATION)
    assert kept.method == "llm" and kept.maker == "test-model-2026"
    assert kept.template == "risk-identification/v1" and kept.template_hash == template.sha256
    assert kept.request_hash == hashlib.sha256(request.raw).hexdigest()
    assert kept.prompt_tokens == 100 and kept.endpoint_host == chat_server.host
    assert "finos-aigf:ri-999" in kept.references and len(kept.concepts) == 1
    # accepting links only the grounded concept
    accepted = accept_candidate(example, kept.id, person_id="P-DMURPHY")
    assert accepted.links == kept.concepts
    with example.reader() as store:
        assert validate_store(store).conforms


# --- intake ----------------------------------------------------------------------------------


def test_intake_answers_are_stored_through_the_pipeline_and_read_by_identify(
    example: Register, tmp_path: Path, chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = tmp_path / "intake.yaml"
    answers.write_text(
        "decisions: Declines consumer loans automatically.\n"
        "personal_data: Bureau records and bank transactions of applicants.\n",
        encoding="utf-8",
    )
    shown = run(
        "assist", "intake", "SYS-CREDIT", "--answers", str(answers), "-r", str(example.folder)
    )
    assert shown.code == 0, shown.err
    with example.reader() as store:
        assert read_answers(store, example.base_iri + "SYS-CREDIT") == {
            "decisions": "Declines consumer loans automatically.",
            "personal_data": "Bureau records and bank transactions of applicants.",
        }
        assert validate_store(store).conforms
    bad = tmp_path / "bad.yaml"
    bad.write_text("favourite_colour: blue\n", encoding="utf-8")
    refused = run(
        "assist", "intake", "SYS-CREDIT", "--answers", str(bad), "-r", str(example.folder)
    )
    assert refused.code == 2
    assert "bad.yaml" in refused.err and "favourite_colour" in refused.err
    assert "decisions" in refused.err  # names what was expected
    # clearing one answer keeps the other
    save_intake(example, "SYS-CREDIT", {"decisions": ""})
    with example.reader() as store:
        assert list(read_answers(store, example.base_iri + "SYS-CREDIT")) == ["personal_data"]
    dry = run("assist", "identify", "SYS-CREDIT", "--dry-run", "-r", str(example.folder))
    assert dry.code == 2  # no endpoint configured
    monkeypatch.setenv("OPENAI_BASE_URL", chat_server.url)
    dry = run("assist", "identify", "SYS-CREDIT", "--dry-run", "-r", str(example.folder))
    assert dry.code == 0, dry.err
    assert "Bureau records and bank transactions" in dry.out and chat_server.requests == []


def test_the_cli_proposes_reviews_accepts_and_rejects(example: Register) -> None:
    folder = str(example.folder)
    proposed = run("assist", "identify", "SYS-FRAUD", "--limit", "2", "-r", folder)
    assert proposed.code == 0, proposed.err
    assert "D-SYS-FRAUD-1" in proposed.out and "D-SYS-FRAUD-2" in proposed.out
    listed = run("assist", "review", "--system", "SYS-FRAUD", "-r", folder)
    assert "2 pending risk candidate(s)" in listed.out
    shown = run("assist", "show", "D-SYS-FRAUD-1", "-r", folder)
    assert "BM25" in shown.out and "baseline" in shown.out
    edit = run("assist", "accept", "D-SYS-FRAUD-1", "--by", "P-MSANTOS", "--edit", "-r", folder)
    assert edit.code == 2 and "--title" in edit.err
    off = run(
        "assist", "accept", "D-SYS-FRAUD-1", "--by", "P-MSANTOS", "--likelihood", "9", "-r", folder
    )
    assert off.code == 2 and "likelihood" in off.err and "1 to 5" in off.err
    ok = run(
        "assist",
        "accept",
        "D-SYS-FRAUD-1",
        "--by",
        "P-MSANTOS",
        "--title",
        "Fraud model bias",
        "-r",
        folder,
    )
    assert ok.code == 0, ok.err
    assert "risk R-" in ok.out
    no = run(
        "assist", "reject", "D-SYS-FRAUD-2", "--by", "P-MSANTOS", "--reason", "n/a", "-r", folder
    )
    assert no.code == 0, no.err
    done = run("assist", "review", "--status", "all", "--system", "SYS-FRAUD", "-r", folder)
    assert "accepted" in done.out and "rejected" in done.out
    assert run("validate", "-r", folder).code == 0


def test_the_docs_list_the_intake_questions_as_asked() -> None:
    from riskgraph.assistant.intake import QUESTIONS

    doc = (Path(__file__).parents[2] / "docs" / "assistant.md").read_text(encoding="utf-8")
    for question in QUESTIONS:
        assert f"| `{question.key}` | {question.text} |" in doc
