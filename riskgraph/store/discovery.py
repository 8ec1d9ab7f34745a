"""Find a SPARQL server's query, update and Graph Store URLs from the address a user knows.

Users know their server's address (``http://host:7878``, ``http://host:3030/ds``), not its
protocol layout. Each known layout says where a server of that kind keeps its three endpoints,
relative to a base URL; ``discover`` tries the layouts with harmless requests (``ASK {}`` for
queries, an empty update, which changes nothing, for updates, ``HEAD`` on the default graph for
the Graph Store) and reports what it found and everything it tried. A ``server_kind`` names the
layout instead of probing for it; explicit URLs always win (the caller keeps them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from riskgraph.config import EndpointSettings, redact_urls
from riskgraph.errors import UserError
from riskgraph.store.base import StoreError

ASK_PROBE = "ASK {}"
PROBE_GRAPH = "urn:x-riskgraph:probe"
"""A graph no register uses, named in a HEAD request where the default graph cannot be."""
EMPTY_UPDATE = ""
"""A request with no operations: valid SPARQL 1.1 Update that changes nothing."""


@dataclass(frozen=True)
class Layout:
    """Where a server of one kind keeps its endpoints, as paths below a base URL."""

    kind: str
    query: str
    update: str | None
    store: str | None
    """Graph Store Protocol path; None where the server has none (bulk copies use updates)."""
    query_suffixes: tuple[str, ...] = ()
    """Path endings of a query URL of this kind, so that a pasted query URL finds its base."""
    max_update_quads: int | None = None
    """Most quads the server takes in one update request (None: no known limit)."""


LAYOUTS: dict[str, Layout] = {
    "oxigraph": Layout("oxigraph", "/query", "/update", "/store", ("/query",)),
    "fuseki": Layout("fuseki", "/query", "/update", "/data", ("/query", "/sparql")),
    "virtuoso": Layout(
        "virtuoso", "/sparql", "/sparql", "/sparql-graph-crud", ("/sparql",), max_update_quads=500
    ),
    "graphdb": Layout("graphdb", "", "/statements", "/rdf-graphs/service"),
    "neptune": Layout("neptune", "/sparql", "/sparql", None, ("/sparql",)),
}
"""The layouts riskgraph knows. Fuseki's base is the dataset URL (``http://host:3030/ds``),
GraphDB's the repository URL (``http://host:7200/repositories/REPO``)."""

PROBE_ORDER = ("oxigraph", "fuseki", "virtuoso", "graphdb", "neptune")


@dataclass(frozen=True)
class Found:
    """What discovery found, and every request it made on the way."""

    kind: str
    query_url: str
    update_url: str | None
    store_url: str | None
    tried: tuple[str, ...] = ()

    def describe(self) -> str:
        return "\n".join(
            [
                f"found a {self.kind} layout:",
                f"  query:       {self.query_url}",
                f"  update:      {self.update_url or '(none answered: read-only)'}",
                f"  graph store: {self.store_url or '(none: bulk copies use updates)'}",
            ]
        )


Probe = Callable[[str, str], bool]
"""``probe(request_kind, url)``: True when the server answered the harmless request there;
``request_kind`` is ``query``, ``update`` or ``store``."""


def _strip(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def candidates(url: str, kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, base URL) pairs to try, in order: first the layouts whose query path the URL ends
    with (a pasted query URL), less that ending; then every layout with the URL as its base."""
    plain = _strip(url)
    by_suffix = [
        (kind, plain[: -len(suffix)])
        for kind in kinds
        for suffix in LAYOUTS[kind].query_suffixes
        if plain.endswith(suffix)
    ]
    as_given = [(kind, plain) for kind in kinds]
    return list(dict.fromkeys([*by_suffix, *as_given]))


def discover(url: str, *, server_kind: str | None = None, probe: Probe | None = None) -> Found:
    """The endpoints of the server at ``url``. ``server_kind`` limits the search to that
    layout. Raises UserError naming every URL tried when no query endpoint answers."""
    if server_kind is not None and server_kind not in LAYOUTS:
        raise UserError(
            f"unknown server kind {server_kind!r}; expected one of {', '.join(PROBE_ORDER)}"
        )
    if urlsplit(url).scheme not in ("http", "https"):
        raise UserError(f"endpoint {redact_urls(url)!r} is not an http(s) URL")
    send = probe or http_probe()
    answers: dict[tuple[str, str], bool] = {}

    def check(request: str, target: str) -> bool:
        if (request, target) not in answers:
            answers[request, target] = send(request, target)
        return answers[request, target]

    kinds: Iterable[str] = (server_kind,) if server_kind else PROBE_ORDER
    tried: list[str] = []
    best: tuple[int, Found] | None = None
    for kind, base in candidates(url, kinds):
        layout = LAYOUTS[kind]
        query_url = base + layout.query
        tried.append(f"{kind}: ASK {{}} at {query_url}")
        if not check("query", query_url):
            continue
        update_url = None if layout.update is None else base + layout.update
        if update_url is not None:
            tried.append(f"{kind}: empty update at {update_url}")
            if not check("update", update_url):
                update_url = None
        store_url = None if layout.store is None else base + layout.store
        if store_url is not None:
            tried.append(f"{kind}: HEAD of the default graph at {store_url}")
            if not check("store", store_url):
                store_url = None
        # Layouts can share a query path (Oxigraph's and Fuseki's /query): the one whose update
        # and Graph Store endpoints answer too is the server's; the first such wins.
        missing = (layout.update is not None and update_url is None) + (
            layout.store is not None and store_url is None
        )
        if best is None or missing < best[0]:
            best = (missing, Found(kind, query_url, update_url, store_url))
        if missing == 0:
            break
    if best is not None:
        found = best[1]
        return Found(found.kind, found.query_url, found.update_url, found.store_url, tuple(tried))
    raise UserError(
        f"no SPARQL endpoint answered at {redact_urls(url)}; tried:\n  "
        + "\n  ".join(redact_urls(t) for t in dict.fromkeys(tried))
        + "\nname the server kind (server_kind), or give the URLs yourself (query_url, "
        "update_url, store_url)"
    )


def http_probe(timeout: float = 5.0, auth: httpx.Auth | None = None) -> Probe:
    """A probe that sends the harmless requests over HTTP."""
    client = httpx.Client(timeout=timeout, follow_redirects=False, auth=auth)

    def probe(kind: str, url: str) -> bool:
        try:
            return answered(kind, url)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise StoreError(
                redact_urls(
                    f"cannot reach the SPARQL endpoint {url}: {exc}; is the server running and "
                    "the URL right?"
                )
            ) from None
        except httpx.HTTPError:
            return False

    def answered(kind: str, url: str) -> bool:
        answer = _send(kind, url)
        if answer.status_code in (401, 403):
            raise StoreError(
                redact_urls(
                    f"the SPARQL endpoint {url} answered {answer.status_code} "
                    f"{answer.reason_phrase}: check the user name, and the password in "
                    "$RISKGRAPH_ENDPOINT_PASSWORD or the token in $RISKGRAPH_ENDPOINT_TOKEN"
                )
            )
        if kind == "query":
            return answer.status_code == 200 and '"boolean"' in answer.text
        if kind == "update":
            return answer.status_code in (200, 204)
        # 405/501: the path is served but HEAD is not (Virtuoso); 404: nothing there.
        return answer.status_code in (200, 204, 405, 501)

    def _send(kind: str, url: str) -> httpx.Response:
        if kind == "query":
            return client.get(
                url + "?" + urlencode({"query": ASK_PROBE}),
                headers={"Accept": "application/sparql-results+json"},
            )
        if kind == "update":
            return client.post(
                url,
                content=EMPTY_UPDATE.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
        answer = client.head(url + "?default")
        if answer.status_code in (404, 500):  # Virtuoso: HEAD of the default graph fails
            answer = client.head(url + "?" + urlencode({"graph": PROBE_GRAPH}))
        return answer

    return probe


def resolve(settings: EndpointSettings, *, server_kind: str | None = None) -> Found | None:
    """Fill in the update and Graph Store URLs of ``settings`` that the user did not give.

    Explicit URLs win. With an update URL given, nothing is probed and None is returned (a
    ``server_kind`` then only records the server's kind and its limits, such as Virtuoso's
    largest update). Otherwise the server is probed (with the settings' own authentication) and
    the found URLs are written into ``settings``, a Graph Store URL the user gave kept: a query
    URL is no update URL on most servers (Oxigraph, Fuseki, GraphDB), so a missing update URL
    is always looked for.
    """
    if settings.update_url is not None:
        if server_kind is not None:
            layout = LAYOUTS.get(server_kind)
            if layout is None:
                raise UserError(
                    f"unknown server kind {server_kind!r}; expected one of {', '.join(PROBE_ORDER)}"
                )
            settings.server_kind = layout.kind
            settings.max_update_quads = layout.max_update_quads
        return None
    from riskgraph.store.remote_http import auth_for

    found = discover(
        settings.query_url,
        server_kind=server_kind,
        probe=http_probe(timeout=min(settings.timeout_seconds, 10.0), auth=auth_for(settings)),
    )
    if settings.store_url is not None:
        found = replace(found, store_url=settings.store_url)
    settings.query_url = found.query_url
    settings.update_url = found.update_url or found.query_url
    settings.store_url = found.store_url
    settings.server_kind = found.kind
    settings.max_update_quads = LAYOUTS[found.kind].max_update_quads
    return found
