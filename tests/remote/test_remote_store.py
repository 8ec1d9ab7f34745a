"""RemoteStore against a real Oxigraph server: the same answers as the embedded store, writes in
one request, the Graph Store Protocol, and errors that name the endpoint."""

from __future__ import annotations

import base64
import itertools
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from remote_support import QuietHandler, Server, same_quads

from riskgraph.config import EndpointSettings
from riskgraph.queries import load_library, run_query
from riskgraph.register import Register, init_register
from riskgraph.store.base import (
    MODIFIED,
    AskResult,
    ChangeSet,
    GraphResult,
    QueryResult,
    ReadOnlyStoreError,
    SelectResult,
    StoreError,
)
from riskgraph.store.remote import STAGING_GRAPHS, RemoteStore
from riskgraph.store.remote_http import SparqlEndpoint
from riskgraph.validation import validate_store
from riskgraph.vocab import (
    DRAFTS_GRAPH,
    ISO42001_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTER_GRAPH,
    SETTINGS_GRAPH,
)

REG = ox.NamedNode(REGISTER_GRAPH)
P = ox.NamedNode("http://e/p")


def _quad(s: str, o: str, graph: str = REGISTER_GRAPH) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://e/{s}"), P, ox.Literal(o), ox.NamedNode(graph))


def _when(quad: ox.Quad) -> bool:
    """A revision stamp's time (two registers made one after the other differ in it)."""
    return quad.predicate == MODIFIED


def _answer(result: QueryResult) -> object:
    """A query answer in a form two backends can be compared on (rows as a multiset)."""
    if isinstance(result, AskResult):
        return result.value
    if isinstance(result, SelectResult):
        rows = Counter(
            tuple(str(row[v]) if row[v] is not None else None for v in result.variables)
            for row in result.rows
        )
        return result.variables, rows
    assert isinstance(result, GraphResult)
    return Counter(str(t) for t in result.triples)


@pytest.fixture
def embedded_example(tmp_path: Path) -> Register:
    return init_register(tmp_path / "embedded", with_example=True)


@pytest.fixture
def store(endpoint: EndpointSettings) -> Iterator[RemoteStore]:
    connection = SparqlEndpoint(endpoint)
    yield RemoteStore(connection)
    connection.close()


def test_the_register_folder_holds_only_its_config_and_queries(remote_example: Register) -> None:
    assert remote_example.folder is not None
    assert sorted(p.name for p in remote_example.folder.iterdir()) == ["queries", "register.toml"]
    text = (remote_example.folder / "register.toml").read_text()
    assert 'backend = "sparql"' in text and "query_url" in text


def test_every_library_query_answers_as_on_the_embedded_store(
    remote_example: Register, embedded_example: Register
) -> None:
    library = load_library(None)
    compared = 0
    with remote_example.reader() as remote, embedded_example.reader() as embedded:
        for query in library.queries.values():
            if any(p.required for p in query.parameters):
                continue
            answers = []
            for store in (remote, embedded):
                with run_query(store, query, today=date(2026, 11, 1), limit=None) as run:
                    answers.append(_answer(run.result))
            assert answers[0] == answers[1], query.name
            compared += 1
    assert compared >= 10


def test_bindings_are_values_with_the_embedded_semantics(
    store: RemoteStore, memory_register: Register
) -> None:
    tricky = ox.Literal('a "quoted"\nline } with } braces')
    data = [_quad("a", tricky.value), _quad("b", "plain")]
    store.apply(ChangeSet(add=data))
    with memory_register.writer() as embedded:
        embedded.apply(ChangeSet(add=data))
        for backend in (store, embedded):
            result = backend.query("SELECT ?s WHERE { ?s ?p ?o }", {"o": tricky, "p": P})
            assert _answer(result) == (["s"], Counter({("<http://e/a>",): 1}))


def test_union_default_graph_means_the_union_of_the_named_graphs(
    store: RemoteStore, server: Server
) -> None:
    store.apply(ChangeSet(add=[_quad("a", "1"), _quad("b", "2", DRAFTS_GRAPH)]))
    union = store.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert _answer(union) == (["s"], Counter({("<http://e/a>",): 1, ("<http://e/b>",): 1}))
    if server.kind == "oxigraph":  # without a dataset, each server has its own default graph
        plain = store.query("SELECT ?s WHERE { ?s ?p ?o }", union_default_graph=False)
        assert _answer(plain) == (["s"], Counter())
    named = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert _answer(named) == (
        ["g"],
        Counter({(f"<{REGISTER_GRAPH}>",): 1, (f"<{DRAFTS_GRAPH}>",): 1}),
    )
    own_dataset = store.query(f"SELECT ?s FROM <{DRAFTS_GRAPH}> WHERE {{ ?s ?p ?o }}")
    assert _answer(own_dataset) == (["s"], Counter({("<http://e/b>",): 1}))


def test_graphs_beside_the_register_stay_out_of_its_default_graph(
    store: RemoteStore, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Oxigraph the server's own union stands for the register's graphs only while no other
    graph is there: a push's staging graph or another application's data turns it off."""
    sent: list[dict[str, str] | None] = []
    real_open = store.endpoint.open

    def recording(method: str, url: str, **kwargs: object) -> object:
        if any(k == "query" and "?s ?p ?o" in v for k, v in kwargs.get("form") or []):  # type: ignore[attr-defined]
            sent.append(kwargs.get("params"))  # type: ignore[arg-type]
        return real_open(method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store.endpoint, "open", recording)
    store.apply(ChangeSet(add=[_quad("a", "1"), _quad("b", "2", DRAFTS_GRAPH)]))
    register_only = (["s"], Counter({("<http://e/a>",): 1, ("<http://e/b>",): 1}))
    assert _answer(store.query("SELECT ?s WHERE { ?s ?p ?o }")) == register_only
    union = {"union-default-graph": ""}
    assert sent[-1] == (union if server.kind == "oxigraph" else None)
    for other in (STAGING_GRAPHS + "register", "http://other.example/data"):
        store.apply(ChangeSet(add=[_quad("c", "3", other)]))
        assert _answer(store.query("SELECT ?s WHERE { ?s ?p ?o }")) == register_only
        assert sent[-1] is None
        store.update(f"DROP SILENT GRAPH <{other}>", keeps_hash=True)
    assert _answer(store.query("SELECT ?s WHERE { ?s ?p ?o }")) == register_only
    assert sent[-1] == (union if server.kind == "oxigraph" else None)


@pytest.mark.parametrize("with_store", [True, False], ids=["graph-store", "sparql-only"])
def test_quads_match_the_embedded_store(
    server: Server,
    remote_example: Register,
    embedded_example: Register,
    with_store: bool,
) -> None:
    connection = SparqlEndpoint(server.settings(with_store=with_store))
    remote = RemoteStore(connection, read_only=True)
    risk = embedded_example.base_iri + "R-001"
    with embedded_example.reader() as embedded:
        for graph, subject in [
            (REGISTER_GRAPH, None),
            (ONTOLOGY_GRAPH, None),
            (None, risk),
            (REGISTER_GRAPH, risk),
            (DRAFTS_GRAPH, None),
        ]:
            mine = [q for q in remote.quads(graph, subject) if not _when(q)]
            theirs = [q for q in embedded.quads(graph, subject) if not _when(q)]
            assert same_quads(mine, theirs), (graph, subject)
        # a shared register also keeps its settings with it (riskgraph.shared_settings)
        assert [g for g in remote.graph_names() if g != SETTINGS_GRAPH] == embedded.graph_names()
        assert remote.count(REGISTER_GRAPH) == embedded.count(REGISTER_GRAPH) > 1000
        assert remote.count() - remote.count(SETTINGS_GRAPH) == embedded.count()
    connection.close()


def test_validation_reports_the_same_on_both_backends(
    remote_example: Register, embedded_example: Register
) -> None:
    with remote_example.reader() as remote, embedded_example.reader() as embedded:
        assert validate_store(remote).counts() == validate_store(embedded).counts()


def test_apply_removes_and_adds_in_one_request(store: RemoteStore) -> None:
    store.apply(ChangeSet(add=[_quad("a", "1"), _quad("b", "1")]))
    store.apply(ChangeSet(remove=[_quad("a", "1")], add=[_quad("a", "2")]))
    assert sorted(str(q) for q in store.quads(REGISTER_GRAPH)) == sorted(
        str(q) for q in [_quad("a", "2"), _quad("b", "1")]
    )
    blank = ox.Quad(ox.BlankNode(), P, ox.Literal("x"), REG)
    with pytest.raises(ValueError, match="blank nodes"):
        store.apply(ChangeSet(remove=[_quad("b", "1")], add=[blank]))
    assert store.count(REGISTER_GRAPH) == 2


@pytest.mark.parametrize("with_store", [True, False], ids=["graph-store-put", "update"])
def test_replace_graph_replaces_one_graph_only(
    server: Server, endpoint: EndpointSettings, with_store: bool
) -> None:
    remote = RemoteStore(SparqlEndpoint(server.settings(with_store=with_store)))
    remote.apply(ChangeSet(add=[_quad("a", "1"), _quad("keep", "1", DRAFTS_GRAPH)]))
    many = [_quad(f"n{i}", str(i)) for i in range(25_000)]  # more than one streamed batch
    remote.replace_graph(REGISTER_GRAPH, many)
    assert remote.count(REGISTER_GRAPH) == 25_000
    assert [str(q) for q in remote.quads(DRAFTS_GRAPH)] == [str(_quad("keep", "1", DRAFTS_GRAPH))]
    remote.replace_graph(REGISTER_GRAPH, [])
    assert remote.count(REGISTER_GRAPH) == 0
    assert list(remote.quads(REGISTER_GRAPH)) == []


def test_a_reader_cannot_write(remote_example: Register) -> None:
    with remote_example.reader() as store, pytest.raises(ReadOnlyStoreError):
        store.apply(ChangeSet(add=[_quad("a", "1")]))


def test_answers_are_read_in_the_calling_thread_of_a_worker(store: RemoteStore) -> None:
    store.apply(ChangeSet(add=[_quad(f"s{i}", str(i)) for i in range(2000)]))
    counts: list[int] = []

    def work() -> None:
        result = store.query("SELECT ?s WHERE { ?s ?p ?o }")
        assert isinstance(result, SelectResult)
        counts.append(sum(1 for _ in result.rows))

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert counts == [2000] * 4


def test_an_unread_answer_releases_its_connection(store: RemoteStore) -> None:
    store.apply(ChangeSet(add=[_quad(f"s{i}", str(i)) for i in range(5000)]))
    for _ in range(30):  # more than the client's connection pool would hold if they leaked
        result = store.query("SELECT ?s WHERE { ?s ?p ?o }")
        assert isinstance(result, SelectResult)
        next(result.rows)
    assert store.count(REGISTER_GRAPH) == 5000


# --- errors for people --------------------------------------------------------------------------


def test_a_bad_query_names_the_endpoint_the_status_and_the_reason(store: RemoteStore) -> None:
    with pytest.raises(StoreError) as caught:
        store.query("SELECT ?s WHERE { ?s ?p }")
    message = str(caught.value)
    assert store.endpoint.query_url in message and "400" in message
    assert len(message) < 600


def test_a_wrong_path_is_reported_with_the_status(server: Server) -> None:
    wrong = EndpointSettings(query_url=f"{server.base}/nope")
    with pytest.raises(StoreError, match=r"/nope answered 404"):
        RemoteStore(SparqlEndpoint(wrong)).graph_names()


def test_a_server_that_is_not_there_is_reported() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = EndpointSettings(query_url=f"http://127.0.0.1:{port}/query")
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        RemoteStore(SparqlEndpoint(settings)).graph_names()


def test_a_silent_server_times_out_after_the_configured_time() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = EndpointSettings(query_url=f"http://127.0.0.1:{port}/query", timeout_seconds=0.3)
        with pytest.raises(StoreError, match=r"did not answer within 0.3 s"):
            RemoteStore(SparqlEndpoint(settings)).query("ASK {}", union_default_graph=False)


def test_init_against_an_endpoint_twice_installs_the_catalogue_once(
    tmp_path: Path, endpoint: EndpointSettings
) -> None:
    first = init_register(tmp_path / "alice", endpoint=endpoint)
    with first.writer() as store:
        store.apply(ChangeSet(add=[_quad("marker", "kept", ISO42001_GRAPH)]))
    second = init_register(tmp_path / "bob", endpoint=endpoint)
    with second.reader() as store:
        assert _quad("marker", "kept", ISO42001_GRAPH) in set(store.quads(ISO42001_GRAPH))


def test_example_is_refused_on_an_endpoint_that_holds_a_register(
    tmp_path: Path, remote_example: Register, endpoint: EndpointSettings
) -> None:
    from riskgraph.errors import UserError

    with pytest.raises(UserError, match="already holds a register"):
        init_register(tmp_path / "again", with_example=True, endpoint=endpoint)
    assert not (tmp_path / "again").exists()


# --- authentication -----------------------------------------------------------------------------


class _Gatekeeper(QuietHandler):
    """Answers ASK with true when the Authorization header is the expected one, else 401."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server: _GateServer = self.server  # type: ignore[assignment]
        server.seen.append(self.headers.get("Authorization"))
        if self.headers.get("Authorization") == server.expected:
            body, status, kind = b'{"head":{},"boolean":true}', 200, "sparql-results+json"
        else:
            body, status, kind = b"credentials wrong or missing", 401, "plain"
        self.answer(status, body, f"application/{kind}")


class _GateServer(ThreadingHTTPServer):
    expected: str | None = None
    seen: list[str | None]


@pytest.fixture
def gate() -> Iterator[_GateServer]:
    server = _GateServer(("127.0.0.1", 0), _Gatekeeper)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _ask(gate: _GateServer, **settings: object) -> bool:
    url = f"http://127.0.0.1:{gate.server_address[1]}/query"
    store = RemoteStore(SparqlEndpoint(EndpointSettings(query_url=url, **settings)))  # type: ignore[arg-type]
    answer = store.query("ASK {}", union_default_graph=False)
    return isinstance(answer, AskResult) and answer.value


def test_basic_auth_sends_the_password_from_the_environment(
    gate: _GateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_PASSWORD", "pa:ss wörd")
    gate.expected = "Basic " + base64.b64encode("ana:pa:ss wörd".encode()).decode()
    assert _ask(gate, auth="basic", username="ana")


def test_bearer_auth_sends_the_token_from_the_environment(
    gate: _GateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_TOKEN", "tok-123")
    gate.expected = "Bearer tok-123"
    assert _ask(gate, auth="bearer")


def test_a_refused_login_says_what_to_check_and_never_shows_the_secret(
    gate: _GateServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_PASSWORD", "wrong-secret")
    gate.expected = "Basic something-else"
    with pytest.raises(StoreError) as caught:
        _ask(gate, auth="basic", username="ana")
    message = str(caught.value)
    assert "401" in message and "credentials wrong or missing" in message
    assert "RISKGRAPH_ENDPOINT_PASSWORD" in message and "wrong-secret" not in message
    assert gate.seen and gate.seen[-1] is not None


def test_auth_without_its_secret_is_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from riskgraph.errors import UserError

    monkeypatch.delenv("RISKGRAPH_ENDPOINT_TOKEN", raising=False)
    with pytest.raises(UserError, match=r"\$RISKGRAPH_ENDPOINT_TOKEN"):
        SparqlEndpoint(EndpointSettings(query_url="http://127.0.0.1:9/query", auth="bearer"))


# --- a server that rolls a request back as a deadlock -------------------------------------------

_VIRTUOSO_DEADLOCK = (
    b"Virtuoso 40001 Error SR172: Transaction deadlocked\n\nSPARQL query:\nINSERT DATA { }"
)


class _Deadlocker(QuietHandler):
    """Answers each POST with the next scripted status and body (Virtuoso's deadlock words)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server: _ScriptServer = self.server  # type: ignore[assignment]
        status, body = server.script.pop(0) if server.script else (204, b"")
        server.requests += 1
        self.answer(status, body)


class _ScriptServer(ThreadingHTTPServer):
    script: list[tuple[int, bytes]]
    requests: int


@pytest.fixture
def scripted() -> Iterator[_ScriptServer]:
    server = _ScriptServer(("127.0.0.1", 0), _Deadlocker)
    server.script, server.requests = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _update(server: _ScriptServer) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    store = RemoteStore(SparqlEndpoint(EndpointSettings(query_url=url)))
    store.update("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }")


def test_a_request_rolled_back_as_a_deadlock_is_sent_again(scripted: _ScriptServer) -> None:
    scripted.script = [(500, _VIRTUOSO_DEADLOCK), (500, _VIRTUOSO_DEADLOCK)]
    _update(scripted)
    assert scripted.requests == 3


def test_a_deadlock_that_persists_is_reported_after_the_last_attempt(
    scripted: _ScriptServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from riskgraph.store import remote_http

    monkeypatch.setattr(remote_http, "DEADLOCK_PAUSE", 0.001)
    scripted.script = [(500, _VIRTUOSO_DEADLOCK)] * remote_http.DEADLOCK_ATTEMPTS
    with pytest.raises(StoreError, match=r"500.*SR172: Transaction deadlocked"):
        _update(scripted)
    assert scripted.requests == remote_http.DEADLOCK_ATTEMPTS


def test_any_other_server_error_is_reported_at_once(scripted: _ScriptServer) -> None:
    scripted.script = [(500, b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error")]
    with pytest.raises(StoreError, match="37000"):
        _update(scripted)
    assert scripted.requests == 1


def test_an_import_planned_on_an_old_revision_is_refused(
    remote_example: Register, tmp_path: Path
) -> None:
    from riskgraph.io.importer import ImportOptions, import_file
    from riskgraph.store.base import commit, read_revision

    rows = tmp_path / "people.csv"
    rows.write_text("id,title\nP-901,Alice\n", encoding="utf-8")
    teammate = Register.open(remote_example.folder)  # type: ignore[arg-type]
    with remote_example.reader() as store:
        before = read_revision(store)

    class TeammateCommitsMeanwhile:
        def phase(self, description: str, total: float | None = None) -> None:
            if description.startswith("planning"):
                with teammate.writer() as store:
                    subject = ox.NamedNode("https://example.org/x")
                    quad = ox.Quad(
                        subject, subject, ox.Literal("between"), ox.NamedNode(REGISTER_GRAPH)
                    )
                    commit(store, ChangeSet(add=[quad]))

        def advance(self, amount: float = 1) -> None:
            pass

    with pytest.raises(StoreError, match=r"changed while the import was being planned"):
        import_file(remote_example, rows, ImportOptions(kind="person"), TeammateCommitsMeanwhile())
    with remote_example.reader() as store:
        assert read_revision(store) == before + 1  # the teammate's commit only
        assert not list(store.quads(REGISTER_GRAPH, remote_example.base_iri + "P-901"))


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from([b'"type": "bnode", "value": "nodeID://', b"nodeID://", b'"', b"b1", b"x"]),
        max_size=30,
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_a_rewrite_of_a_streamed_answer_finds_text_cut_across_chunks(
    pieces: list[bytes], cuts: list[int]
) -> None:
    """Virtuoso's blank node labels are rewritten as the answer streams in, wherever the
    chunks of the answer happen to be cut."""
    from riskgraph.store.remote_http import _replaced

    old, new = b'"type": "bnode", "value": "nodeID://', b'"type": "bnode", "value": "'
    data = b"".join(pieces)
    bounds = sorted({c for c in cuts if c < len(data)} | {0, len(data)})
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    assert b"".join(_replaced(iter(chunks), old, new)) == data.replace(old, new)
