"""Only read-only queries run: updates and SERVICE are refused however they are written."""

from __future__ import annotations

import pytest

from riskgraph.queries import UnsafeQueryError, check_read_only, run_query
from riskgraph.store.base import SelectResult, Store

REMOTE = "<http://localhost:1/sparql> { ?a ?b ?c }"

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
