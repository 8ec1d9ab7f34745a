"""Property tests: no text a model returns for ``riskgraph ask`` gets past the read-only guard
as anything but a read-only query, and an update dressed up in any way is refused."""

from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from riskgraph.assistant.ask import check_answer, parse_answer
from riskgraph.errors import RiskgraphError
from riskgraph.sparql.guard import QUERY_FORMS, UPDATE_KEYWORDS
from riskgraph.sparql.tokens import Kind, tokenize

FRAGMENTS = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    "insert { ?s ?p 'x' } where { ?s ?p ?o }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://evil.example/x.ttl>",
    "DROP ALL",
    "clear default",
    "SERVICE <http://evil.example/sparql> { ?s ?p ?o }",
    "service<urn:s>{}",
    "\\u0049NSERT",
    "\\u0053ERVICE",
    "PREFIX p: <urn:p:>\n",
    "BASE <urn:b>\n",
    "# a comment\n",
    "#",
    ";",
    "{",
    "}",
    '"',
    "'",
    '"""',
    "\n",
    " ",
    "?s",
    "p:x",
    "FILTER(true)",
    "```sparql\n",
    "```",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=12).map(
    "".join
)

SAFE_LEADS = st.lists(
    st.sampled_from(
        [
            "",
            " ",
            "\n",
            "# SELECT * WHERE { ?s ?p ?o }\n",
            "PREFIX rg: <https://w3id.org/riskgraph#>\n",
            "BASE <urn:b>\n",
            "SELECT * WHERE { ?s ?p ?o } ;\n",
            'SELECT ?x WHERE { BIND("}" AS ?x) } ;\n',
            "/* */ ",
        ]
    ),
    max_size=4,
).map("".join)
WRITES = st.sampled_from([*sorted(UPDATE_KEYWORDS), "SERVICE"]).flatmap(
    lambda word: st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True)
        )
    )
)
REST = st.sampled_from(
    [
        " DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        " WHERE { ?s ?p ?o }",
        " <http://evil.example/sparql> { ?s ?p ?o }",
        " ALL",
        " GRAPH <urn:g>",
        " DEFAULT TO <urn:g>",
    ]
)


def _store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, wrapped=st.booleans())
@example(text="SELECT * WHERE { ?s ?p ?o }", wrapped=True)  # the accepting path runs every time
@example(text="# DROP ALL\nASK { ?s ?p ?o }", wrapped=False)
def test_no_model_text_gets_an_update_past_the_guard(text: str, wrapped: bool) -> None:
    content = json.dumps({"sparql": text, "explanation": "", "parameters": []}) if wrapped else text
    try:
        drafted = check_answer("a question", parse_answer(content))
    except RiskgraphError:
        return  # refused or not a query: nothing runs
    assert drafted.form in QUERY_FORMS
    words = {t.text.upper() for t in tokenize(drafted.query.sparql) if t.kind is Kind.WORD}
    assert not words & UPDATE_KEYWORDS
    assert not any(w.startswith("SERVICE") for w in words)
    store = _store()
    result = store.query(drafted.query.sparql)
    if hasattr(result, "__iter__"):
        for _ in zip(range(50), result, strict=False):
            pass
    assert len(store) == 1


@settings(max_examples=300, deadline=None)
@given(lead=SAFE_LEADS, word=WRITES, rest=REST, wrapped=st.booleans())
def test_an_update_or_service_in_any_dress_is_refused(
    lead: str, word: str, rest: str, wrapped: bool
) -> None:
    sparql = lead + word + rest
    content = (
        json.dumps({"sparql": sparql, "explanation": "", "parameters": []}) if wrapped else sparql
    )
    refused = False
    try:
        check_answer("a question", parse_answer(content))
    except RiskgraphError:
        refused = True
    assert refused, sparql
