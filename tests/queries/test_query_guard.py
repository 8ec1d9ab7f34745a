"""Only read-only queries run: updates and SERVICE are refused however they are written."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.queries import UnsafeQueryError, check_read_only, run_query
from riskgraph.store.base import SelectResult, Store

REMOTE = "<http://localhost:1/sparql> { ?a ?b ?c }"

P = "PREFIX : <http://localhost:1/> PREFIX ex: <http://localhost:1/> "

REFUSED = {
    "insert data": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "delete insert": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "with": "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "load": "LOAD <http://example.org/data.ttl>",
    "clear": "CLEAR ALL",
    "create": "CREATE GRAPH <http://e/g>",
    "drop": "DROP ALL",
    "copy": "COPY DEFAULT TO <http://e/g>",
    "move": "MOVE <http://e/a> TO <http://e/b>",
    "add": "ADD <http://e/a> TO <http://e/b>",
    "update after a query": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "update after prefixes": "PREFIX a: <http://e/>\n# note\nclear all",
    "service": "SELECT * WHERE { SERVICE " + REMOTE + " }",
    "service silent": "SELECT * WHERE { SERVICE SILENT " + REMOTE + " }",
    "service lower case": "select * where { service " + REMOTE + " }",
    "service mixed case": "SELECT * WHERE { SeRvIcE " + REMOTE + " }",
    "service comment between": "SELECT * WHERE { SERVICE # hidden?\n " + REMOTE + " }",
    "service no spaces": "SELECT * WHERE{SERVICE<http://localhost:1/>{?a ?b ?c}}",
    "service variable": "SELECT * WHERE { ?s ?p ?e SERVICE ?e { ?a ?b ?c } }",
    "service in exists": "ASK { FILTER EXISTS { SERVICE " + REMOTE + " } }",
    "service in subquery": "SELECT * WHERE { { SELECT * WHERE { SERVICE " + REMOTE + " } } }",
    "service after a number": "SELECT * WHERE { ?s ?p 1.SERVICE " + REMOTE + " }",
    "service after true": "SELECT * WHERE { ?s ?p true.SERVICE " + REMOTE + " }",
    "service after a variable": "SELECT * WHERE { ?s ?p ?o.SERVICE " + REMOTE + " }",
    "service after a language tag": 'SELECT * WHERE { ?s ?p "a"@en.SERVICE ' + REMOTE + " }",
    # '<2)SERVICE#>' looks like an IRI, but after an operand in an expression '<' is less-than.
    "service hidden in a fake IRI": (
        "SELECT * WHERE { ?s ?p ?o FILTER(1<2)SERVICE#>\n<http://localhost:1/>{?a ?b ?c} }"
    ),
    "construct with service": "CONSTRUCT WHERE { SERVICE " + REMOTE + " }",
    # The store's parser matches keywords without a word boundary (issue 19).
    "service then a prefixed name": P + "SELECT ?x WHERE { SERVICE:x { ?s ?p ?x } }",
    "service lower case then a prefixed name": P + "SELECT ?x WHERE { service:x { ?s ?p ?x } }",
    "service glued to a prefix": P + "SELECT ?x WHERE { SERVICEex:y { ?s ?p ?x } }",
    "service glued to an IRI": "SELECT * WHERE { service<http://localhost:1/>{?a ?b ?c} }",
    "service glued to a variable": "SELECT * WHERE { BIND(<http://x> AS ?e) SERVICE?e {?a ?b ?c} }",
    "service silent then a prefixed name": P + "SELECT * WHERE { SERVICE SILENT:x { ?a ?b ?c } }",
    "service and silent glued": P + "SELECT * WHERE { SERVICESILENT:x { ?a ?b ?c } }",
    "service comment then a prefixed name": P + "SELECT * WHERE { SERVICE#c\n:x { ?a ?b ?c } }",
    "service as a declared prefix opening a group": (
        "PREFIX service: <http://localhost:1/> SELECT * WHERE { service:x { ?a ?b ?c } }"
    ),
    "service escaped": "SELECT * WHERE { \\u0053ERVICE " + REMOTE + " }",
    "service escaped at the end": "SELECT * WHERE { SERVIC\\u0045 " + REMOTE + " }",
    "service escaped long form": "SELECT * WHERE { \\U00000053ERVICE " + REMOTE + " }",
    "service in optional": P + "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE:x { ?a ?b ?c } } }",
    "service in union": P + "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE:x { ?a ?b ?c } } }",
    "service in minus": P + "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE:x { ?s ?b ?c } } }",
    "service in not exists": P + "ASK { ?s ?p ?o FILTER NOT EXISTS { SERVICE:x { ?a ?b ?c } } }",
    "service in a nested subquery": (
        P + "SELECT * WHERE { { SELECT * WHERE { { SELECT * WHERE { SERVICE:x {?a ?b ?c} } } } } }"
    ),
    "service in describe": P + "DESCRIBE ?a WHERE { SERVICE:x { ?a ?b ?c } }",
    "load glued to an IRI": "load<http://localhost:1/data.ttl>",
    "load then a prefixed name": "PREFIX : <http://localhost:1/> LOAD:x",
    "a prefixed name before the form": "PREFIX : <http://e/> :x SELECT * WHERE { ?s ?p ?o }",
    "nested too deep": "SELECT * WHERE " + "{" * 101 + " ?s ?p ?o " + "}" * 101,
    "nested too deep in an expression": (
        "ASK { ?s ?p ?o FILTER(" + "(" * 120 + "?o" + ")" * 120 + ") }"
    ),
    "not a query": "HELLO WORLD",
    "empty": "# only a comment\n",
}

ALLOWED = {
    "service in a string": 'SELECT * WHERE { ?s ?p "SERVICE <http://x> { }" }',
    "update words in long strings": (
        "SELECT * WHERE { ?s ?p '''DROP ALL''' , \"\"\"LOAD\n<x>\"\"\" }"
    ),
    "service in an IRI": "SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }",
    "service in an IRI in an expression": "ASK { ?s ?p ?o FILTER(?o = <http://e/DROP>) }",
    "service in a variable": "SELECT ?service ?drop WHERE { ?service ?drop ?insert }",
    "service in a prefixed name": "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:SERVICE ex:drop }",
    "service as a prefix": "PREFIX service: <http://e/> SELECT * WHERE { ?s service:x ?o }",
    "service in a comment": "# SERVICE <http://x> { } and DROP ALL\nSELECT * WHERE { ?s ?p ?o }",
    "escaped quote in a string": r'SELECT * WHERE { ?s ?p "a \" SERVICE" }',
    "less-than before an IRI": (
        "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 || ?o = <http://e/SERVICE>) }"
    ),
    "describe": "DESCRIBE <http://e/a>",
    "service as a prefix naming a graph": (
        "PREFIX service: <http://e/> SELECT * WHERE { GRAPH service:g { ?s ?p ?o } }"
    ),
    "a class named ...Service (parsed, no SERVICE pattern)": (
        "PREFIX rg: <https://w3id.org/riskgraph#>\n"
        "SELECT ?c WHERE { ?c a rg:ThirdPartyService OPTIONAL { ?c rg:providedBy ?s } }"
    ),
    "nested 100 deep": "SELECT * WHERE " + "{" * 99 + " ?s ?p ?o " + "}" * 99,
    "brackets in strings do not count": 'SELECT * WHERE { ?s ?p "' + "{(" * 500 + '" }',
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
}


@pytest.mark.parametrize("sparql", REFUSED.values(), ids=REFUSED.keys())
def test_updates_and_service_are_refused_before_running(register: Store, sparql: str) -> None:
    before = register.count()
    with pytest.raises(UnsafeQueryError) as caught:
        run_query(register, sparql)
    assert register.count() == before
    assert "expected a read-only query" in str(caught.value)


def test_the_error_names_the_keyword_and_line() -> None:
    with pytest.raises(UnsafeQueryError) as caught:
        check_read_only("SELECT *\nWHERE {\n  service <http://x> { } }", "queries/q.rq")
    assert caught.value.location.file == "queries/q.rq"
    assert caught.value.location.line == 3
    assert caught.value.value == "service"
    assert "SERVICE (a call to another SPARQL endpoint) is not allowed" in str(caught.value)


@pytest.mark.parametrize("sparql", ALLOWED.values(), ids=ALLOWED.keys())
def test_keywords_inside_literals_iris_and_names_are_not_keywords(
    register: Store, sparql: str
) -> None:
    assert check_read_only(sparql, "q") in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    with run_query(register, sparql) as run:  # and the store agrees it is a valid query
        if isinstance(run.result, SelectResult):
            list(run.result.rows)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with 500 and remembers that it came."""

    hits: list[str]

    def do_POST(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1: its base URL and the requests it received."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", hits
    server.shutdown()
    server.server_close()


SERVICE_ATTACKS = {name: text for name, text in REFUSED.items() if "localhost:1" in text}


def test_the_listener_sees_an_unguarded_service_call(listener: tuple[str, list[str]]) -> None:
    """The attack is real: handed to the store directly, ``SERVICE:x`` makes an HTTP request."""
    url, hits = listener
    sparql = f"PREFIX : <{url}> SELECT ?x WHERE {{ SERVICE:x {{ ?s ?p ?x }} }}"
    with pytest.raises(OSError):
        list(ox.Store().query(sparql))
    assert hits


@pytest.mark.parametrize("sparql", SERVICE_ATTACKS.values(), ids=SERVICE_ATTACKS.keys())
def test_no_spelling_of_service_reaches_the_network(
    register: Store, listener: tuple[str, list[str]], sparql: str
) -> None:
    url, hits = listener
    with pytest.raises(UnsafeQueryError):
        run_query(register, sparql.replace("http://localhost:1/", url))
    assert hits == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_service_in_the_cli_and_in_a_shared_gap_rule_calls_nobody(
    tmp_path: Path, listener: tuple[str, list[str]]
) -> None:
    """``query run -e`` and a ``.rq`` tagged gaps in the register's queries/ folder (which
    ``gaps`` and ``report`` run) are refused with a message; the listener gets no request."""
    url, hits = listener
    folder = tmp_path / "reg"
    assert _cli("init", str(folder), cwd=tmp_path).returncode == 0
    attack = f"PREFIX : <{url}> SELECT ?x WHERE {{ SERVICE:x {{ ?s ?p ?x }} }}"
    done = _cli("query", "run", "-e", attack, cwd=folder)
    assert done.returncode == 2, done.stderr
    assert "SERVICE" in done.stderr and "Traceback" not in done.stderr

    (folder / "queries" / "calls-out.rq").write_text(
        "# title: Calls out\n# description: A shared rule that calls another server.\n"
        f"# tags: gaps\n{attack}\n",
        encoding="utf-8",
    )
    for command in (["gaps"], ["report", "-o", str(tmp_path / "report.html")]):
        done = _cli(*command, cwd=folder)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "calls-out.rq" in done.stderr and "SERVICE" in done.stderr
        assert "Traceback" not in done.stderr
    assert hits == []
