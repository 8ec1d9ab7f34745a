"""The remote backend: a register on any SPARQL 1.1 endpoint (Query, Update, Graph Store).

Queries and updates are POSTed as HTML forms (``query=`` / ``update=``), the form every SPARQL
1.1 server accepts. Answers are parsed by pyoxigraph as they stream in, so terms are pyoxigraph
terms and large answers are never held whole; the calling thread reads them.

The union default graph
-----------------------
riskgraph queries expect the default graph to be the union of the register's named graphs
(riskgraph's own, under ``RISKGRAPH_GRAPHS``; other graphs on a shared server are not part of
the register). Servers differ
(Oxigraph has ``--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph``, GraphDB and Neptune
do it by default, others not at all), so the backend does not rely on any of them: a query run
with ``union_default_graph`` names its dataset in the protocol, with a ``default-graph-uri`` and
a ``named-graph-uri`` parameter for each named graph of the store. That is the SPARQL 1.1
Protocol's own way to choose a dataset, so it means the same on every conforming server, and the
query text is not rewritten. A query with its own FROM clauses keeps its dataset.

An Oxigraph server evaluates a dataset of several default graphs about twice as slowly as its
own union of all named graphs (the ``union-default-graph`` URL parameter). When the server holds
only the register's graphs the two are the same dataset, so there the backend asks for
Oxigraph's union. It checks that before every such query with one cheap ASK, because a push
fills staging graphs beside the register while others read (and a shared server may hold other
data); as soon as any other graph is there, queries name their dataset again.

Writes
------
``apply`` is one SPARQL Update request (``DELETE DATA ; INSERT DATA``), atomic on every
conforming server. A commit (``riskgraph.store.base.commit``) checks revision stamps and writes
inside ``exclusive()``, a short write lease (``remote_lease``) that makes the check and the
write atomic even on servers that do not isolate concurrent updates. ``replace_graph`` uses a
Graph Store Protocol PUT when a store URL is configured, otherwise one update.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import httpx
import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.sparql.text import change_update
from riskgraph.store import fingerprint
from riskgraph.store.base import (
    AskResult,
    Bindings,
    ChangeSet,
    GraphResult,
    QueryResult,
    ReadOnlyStoreError,
    SelectResult,
    Store,
    StoreError,
    Term,
)
from riskgraph.store.binding import bind
from riskgraph.store.remote_http import PARSE_ERRORS, Body, SparqlEndpoint, Streamed

QUERY_ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
    "application/sparql-results+xml;q=0.7, application/rdf+xml;q=0.5"
)
"""Results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE; the server picks by query form."""
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
PUT_BATCH = 20_000
"""Quads serialised at a time into a streamed Graph Store PUT body."""
LOAD_CHUNK = 20_000
"""Quads per ``INSERT DATA`` request when a graph is loaded without the Graph Store Protocol."""

_ALL_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
_GRAPHS_WITH_TRIPLES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
RISKGRAPH_GRAPHS = "https://w3id.org/riskgraph/graph/"
"""Every graph riskgraph writes has an IRI under this prefix."""
STAGING_GRAPHS = "https://w3id.org/riskgraph/staging/"
"""Graphs a push fills before it switches them in at once; never part of a register."""
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_FOREIGN_GRAPH = f'ASK {{ GRAPH ?g {{ }} FILTER(!STRSTARTS(STR(?g), "{RISKGRAPH_GRAPHS}")) }}'
"""Is there a named graph that is not the register's (Oxigraph lists empty graphs too)?"""
_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_REGISTER_QUADS = (
    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{RISKGRAPH_GRAPHS}")) }}'
)


class RemoteStore(Store):
    """A register's graphs on a SPARQL endpoint. Cheap to create: the endpoint (and its HTTP
    connections) is shared, and closing the store leaves it open."""

    def __init__(self, endpoint: SparqlEndpoint, *, read_only: bool = False) -> None:
        self.endpoint = endpoint
        self.read_only = read_only
        self._graphs: list[str] | None = None
        self._lease = threading.local()

    @property
    def evaluates_oxigraph_extensions(self) -> bool:
        """An Oxigraph server (as discovery found it, or as its kind was named) does."""
        return self.endpoint.settings.server_kind == "oxigraph"

    # --- reading -----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        union_default_graph: bool = True,
    ) -> QueryResult:
        text = bind(sparql, bindings) if bindings else sparql
        form = [("query", text)]
        params: dict[str, str] | None = None
        if union_default_graph and not _names_its_dataset(text):
            if self._server_union_is_the_register():
                params = {"union-default-graph": ""}
            else:
                graphs = self.graph_names()
                form += [("default-graph-uri", g) for g in graphs]
                form += [("named-graph-uri", g) for g in graphs]
        url = self.endpoint.query_url
        accept = GRAPH_ACCEPT if _form(text) in ("CONSTRUCT", "DESCRIBE") else QUERY_ACCEPT
        response = self.endpoint.open("POST", url, accept=accept, form=form, params=params)
        if response is None:
            raise StoreError(f"the SPARQL endpoint {url} gave no answer to a query")
        return _parse_answer(Body(response, url, rewrite=_virtuoso_blank_nodes(response)))

    def _server_union_is_the_register(self) -> bool:
        """On an Oxigraph server: True when every named graph there is one of the register's,
        so that the server's union of all named graphs is the register's dataset."""
        if not self.evaluates_oxigraph_extensions:
            return False
        result = self.query(_FOREIGN_GRAPH, union_default_graph=False)
        return isinstance(result, AskResult) and not result.value

    def quads(self, graph: str | None = None, subject: str | None = None) -> Iterator[ox.Quad]:
        """Quads of one graph, or of the register's graphs (``graph_names``)."""
        if graph is not None and subject is None:
            return self._graph_quads(graph)
        if graph is None and subject is None:
            return (q for name in self.graph_names() for q in self._graph_quads(name))
        bindings: dict[str, Term] = {}
        if graph is not None:
            bindings["g"] = ox.NamedNode(graph)
        if subject is not None:
            bindings["s"] = ox.NamedNode(subject)
        query = _QUADS if graph is not None else _REGISTER_QUADS
        result = self.select(query, bindings, union_default_graph=False)
        return (
            ox.Quad(row["s"], row["p"], row["o"], row["g"])  # type: ignore[arg-type]
            for row in result.rows
        )

    def _graph_quads(self, graph: str) -> Iterator[ox.Quad]:
        """One named graph: Graph Store GET when there is a store URL, else CONSTRUCT."""
        name = ox.NamedNode(graph)
        if self.endpoint.store_url is None:
            result = self.construct(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                {"g": name},
                union_default_graph=False,
            )
            return (ox.Quad(t.subject, t.predicate, t.object, name) for t in result.triples)
        url = self.endpoint.store_url
        response = self.endpoint.open(
            "GET", url, params={"graph": graph}, accept=GRAPH_ACCEPT, missing_ok=True
        )
        if response is None:
            return iter(())
        body = Body(response, url)
        parsed = _parse_rdf(body)
        return Streamed(body, (ox.Quad(q.subject, q.predicate, q.object, name) for q in parsed))

    def graph_names(self) -> list[str]:
        """The register's graphs: riskgraph's own named graphs (a shared server may hold other
        data, and Virtuoso its system graphs), without the staging graphs of a push."""
        if self._graphs is None:
            self._graphs = [g for g in self.all_graph_names() if g.startswith(RISKGRAPH_GRAPHS)]
        return list(self._graphs)

    def all_graph_names(self) -> list[str]:
        names = self._names(_ALL_GRAPHS)
        # Virtuoso answers GRAPH ?g {} with nothing: ask for the graphs that hold triples (an
        # empty store answers that at once too).
        return names or self._names(_GRAPHS_WITH_TRIPLES)

    def _names(self, query: str) -> list[str]:
        result = self.select(query, union_default_graph=False)
        return sorted(row["g"].value for row in result.rows if isinstance(row["g"], ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        """Triples in one graph, or in the register's graphs (``graph_names``)."""
        if graph is None:
            return sum(self.count(name) for name in self.graph_names())
        bindings = {"g": ox.NamedNode(graph)}
        result = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            bindings,
            union_default_graph=False,
        )
        for row in result.rows:
            value = row["n"]
            return int(value.value) if isinstance(value, ox.Literal) else 0
        return 0

    # --- writing -----------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError("this register was opened read-only")

    def update(self, sparql: str, *, keeps_hash: bool = False) -> None:
        self._check_writable()
        self._graphs = None
        if not keeps_hash:
            sparql = f"{sparql} ;\n{fingerprint.INVALIDATE}"
        self.endpoint.send("POST", self.endpoint.update_url, form=[("update", sparql)])

    def apply(self, changes: ChangeSet) -> None:
        if changes.preconditions:
            self.apply_if_current(changes)
        elif changes:
            maintained = fingerprint.leaves_hash(changes.remove, changes.add)
            limit = self.endpoint.settings.max_update_quads
            if limit is None or len(changes.remove) + len(changes.add) <= limit:
                self.update(change_update(changes.remove, changes.add), keeps_hash=maintained)
                return
            # A server that refuses large updates (Virtuoso) gets the change in pieces, under
            # the write lease so that no other riskgraph writer sees it half done. Every piece
            # but the last removes the kept register hash; the last adds the new one.
            remove = changes.remove
            add = [q for q in changes.add if q.predicate != fingerprint.HASH_PREDICATE]
            new_hash = [q for q in changes.add if q.predicate == fingerprint.HASH_PREDICATE]
            pieces = [
                *(([], remove[i : i + limit]) for i in range(0, len(remove), limit)),
                *((add[i : i + limit], []) for i in range(0, len(add), limit)),
            ]
            adding, removing = pieces[-1]
            pieces[-1] = (adding + new_hash, removing)
            with self.exclusive():
                for number, (adding, removing) in enumerate(pieces, 1):
                    last = number == len(pieces)
                    self.update(change_update(removing, adding), keeps_hash=last and maintained)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the endpoint's write lease (see ``remote_lease``); reentrant in one thread."""
        self._check_writable()
        from riskgraph.store import remote_lease

        depth = getattr(self._lease, "depth", 0)
        if depth:
            self._lease.depth = depth + 1
            try:
                yield
            finally:
                self._lease.depth = depth
            return
        claim = remote_lease.acquire(self)
        self._lease.depth = 1
        try:
            yield
        finally:
            self._lease.depth = 0
            remote_lease.release(self, claim)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace one named graph in one request: a Graph Store PUT when there is a store URL,
        else ``DROP`` and ``INSERT DATA`` in one update."""
        self._check_writable()
        if self.endpoint.store_url is not None:
            self.invalidate_hash()
            self._put(graph, quads, None)
            return
        name = ox.NamedNode(graph)
        content = list(quads)
        limit = self.endpoint.settings.max_update_quads
        if limit is not None and len(content) > limit:
            # A server that refuses large updates (Virtuoso) gets the graph in pieces, under
            # the write lease (blank nodes all in one piece, so that each stays one node).
            with self.exclusive():
                self.load_graph(graph, content)
            return
        operations = [f"DROP SILENT GRAPH {name}"]
        if content:
            operations.append(insert_data(name, content))
        self.update(" ;\n".join(operations))

    def load_graph(
        self,
        graph: str,
        quads: Iterable[ox.Quad],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Replace one named graph with a large amount of data, telling ``progress`` how many
        quads have been sent. With a store URL this is one Graph Store PUT (atomic); without,
        ``DROP`` then ``INSERT DATA`` in chunks of ``LOAD_CHUNK`` quads, or of the server's
        ``max_update_quads`` (not atomic: after a failure the graph is partly loaded). Quads with
        blank nodes go in the last chunk, all together, so that each blank node stays one node."""
        self._check_writable()
        if self.endpoint.store_url is not None:
            self.invalidate_hash()
            self._put(graph, quads, progress)
            return
        name = ox.NamedNode(graph)
        self.update(f"DROP SILENT GRAPH {name}")
        size = min(LOAD_CHUNK, self.endpoint.settings.max_update_quads or LOAD_CHUNK)
        chunk: list[ox.Quad] = []
        with_blanks: list[ox.Quad] = []
        for quad in quads:
            (with_blanks if _has_blank(quad) else chunk).append(quad)
            if len(chunk) >= size:
                self._insert(name, chunk, progress)
                chunk = []
        for rest in (chunk, with_blanks):
            if rest:
                self._insert(name, rest, progress)

    def _insert(
        self, graph: ox.NamedNode, quads: list[ox.Quad], progress: Callable[[int], None] | None
    ) -> None:
        self.update(insert_data(graph, quads))
        if progress is not None:
            progress(len(quads))

    def _put(
        self, graph: str, quads: Iterable[ox.Quad], progress: Callable[[int], None] | None
    ) -> None:
        if self.endpoint.store_url is None:
            raise StoreError("this endpoint has no Graph Store URL to send graphs to")
        self._graphs = None
        # The body is spooled to a temporary file and sent with its length: a chunked request
        # body (no Content-Length) is answered "201 Created" by Virtuoso, which stores nothing.
        with tempfile.TemporaryFile(prefix="riskgraph-put-") as body:
            for batch in _ntriples(quads, progress):
                body.write(batch)
            body.seek(0)
            self.endpoint.send(
                "PUT",
                self.endpoint.store_url,
                params={"graph": graph},
                content=body,
                content_type="application/n-triples",
            )


def insert_data(graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> str:
    """An update adding the quads' triples to ``graph``. Blank nodes are allowed (unlike in
    ``riskgraph.sparql.text``): within one request a label is one node, new in the store. With
    blank nodes it is ``INSERT {…} WHERE {}`` (one solution, so one new node per label), which
    means the same as ``INSERT DATA`` and which Virtuoso accepts (it refuses blank nodes in
    ``INSERT DATA``)."""
    lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if "_:" in lines and any(_has_blank(q) for q in quads):
        return f"INSERT {{ GRAPH {graph} {{\n{lines}\n}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}"


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _ntriples(quads: Iterable[ox.Quad], progress: Callable[[int], None] | None) -> Iterator[bytes]:
    """A streamed N-Triples body, serialised a batch at a time by pyoxigraph."""
    batch: list[ox.Triple] = []
    for quad in quads:
        batch.append(quad.triple)
        if len(batch) >= PUT_BATCH:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            if progress is not None:
                progress(len(batch))
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
        if progress is not None:
            progress(len(batch))


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _parse_answer(body: Body) -> QueryResult:
    media = _media_type(body.response)
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    if results_format is None:
        return GraphResult(Streamed(body, (q.triple for q in _parse_rdf(body))))
    try:
        parsed = ox.parse_query_results(body.file, results_format)
    except PARSE_ERRORS as exc:
        raise body.error(exc) from None
    if isinstance(parsed, ox.QueryBoolean):
        body.response.close()
        return AskResult(bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = ({name: solution[name] for name in variables} for solution in parsed)
    if results_format == ox.QueryResultsFormat.JSON and _is_virtuoso(body.response):
        rows = (_with_boolean_words(row) for row in rows)
    return SelectResult(variables, Streamed(body, rows))


def _is_virtuoso(response: httpx.Response) -> bool:
    return response.headers.get("server", "").lower().startswith("virtuoso")


_BOOLEAN_WORDS = {
    "1": ox.Literal("true", datatype=XSD_BOOLEAN),
    "0": ox.Literal("false", datatype=XSD_BOOLEAN),
}


def _with_boolean_words(row: dict[str, Term | None]) -> dict[str, Term | None]:
    """Virtuoso's JSON results write stored booleans as "1" and "0" (its XML results and RDF
    answers say true and false): give them back their lexical form, as stored."""
    for name, term in row.items():
        if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN:
            row[name] = _BOOLEAN_WORDS.get(term.value, term)
    return row


def _parse_rdf(body: Body) -> Iterator[ox.Quad]:
    """The parser over an RDF answer (wrap it in ``Streamed``)."""
    media = _media_type(body.response)
    rdf_format = ox.RdfFormat.from_media_type(media) if media else None
    if rdf_format is None:
        body.response.close()
        raise StoreError(
            f"the SPARQL endpoint {body.url} answered in a format riskgraph cannot read "
            f"({media or 'no content type'})"
        )
    try:
        return ox.parse(body.file, rdf_format)
    except PARSE_ERRORS as exc:
        raise body.error(exc) from None


def _form(sparql: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE), or "" when the text cannot be read.
    Some servers (Virtuoso) answer a CONSTRUCT with SPARQL results when those are accepted."""
    from riskgraph.sparql.guard import form_token

    try:
        return form_token(sparql, "query").text.upper()
    except UserError:  # not a query we can read: the endpoint will say why
        return ""


def _virtuoso_blank_nodes(response: httpx.Response) -> tuple[bytes, bytes] | None:
    """Virtuoso labels blank nodes in SPARQL JSON results "nodeID://b10024", which is no blank
    node label; the rewrite (applied as the answer streams in) takes the prefix off."""
    if _is_virtuoso(response) and _media_type(response) == "application/sparql-results+json":
        return (b'"type": "bnode", "value": "nodeID://', b'"type": "bnode", "value": "')
    return None


def _names_its_dataset(sparql: str) -> bool:
    """True when the query has FROM / FROM NAMED (then its own dataset is kept)."""
    from riskgraph.sparql.guard import has_dataset_clause

    try:
        return has_dataset_clause(sparql, "query")
    except UserError:  # not a query we can read: the endpoint will say why
        return False
