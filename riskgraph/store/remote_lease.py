"""A short write lease on a shared SPARQL endpoint, so that a check and a write are atomic.

Why not a guarded update? ``DELETE {…} INSERT {…} WHERE { <expected stamps> }`` is atomic only
where the server isolates updates from each other. Fuseki (TDB2) and Neptune do; Oxigraph 0.5
evaluates the WHERE clause on a snapshot and does not check it again when it writes, so two
such updates sent at the same moment can both pass their guard (measured: lost revisions and
doubled values under four concurrent writers). The lease needs less from the server: only
that a request that has been answered is seen by every request sent after it.

The protocol (announce, then look):

1. insert a claim ``<urn:riskgraph:write-claim:UUID>`` in the meta graph, stamped with the
   server's ``NOW()`` and who is writing;
2. read every claim. If ours is the only live one, the lease is ours. Otherwise withdraw ours
   and try again after a random, growing pause.

Two writers cannot both win: each inserts before it looks, so whichever looks last sees the
other's claim. They can both lose, and then retry at random times. A claim left behind by a
process that died stops counting after ``LEASE_SECONDS`` of server time, and is removed by the
next writer that sees it. The lease is held only while a commit checks and writes, never while
a person edits: editing is optimistic (revision stamps).
"""

from __future__ import annotations

import random
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox

from riskgraph.store.base import CONTRIBUTOR, RegisterLockedError, contributor
from riskgraph.vocab import DCTERMS, META_GRAPH

if TYPE_CHECKING:
    from riskgraph.store.remote import RemoteStore

CLAIM_PREFIX = "urn:riskgraph:write-claim:"
LEASE_SECONDS = 300.0
"""A claim older than this (server time) is taken to be left by a process that died."""
WAIT_SECONDS = 60.0
"""How long a writer waits for another writer's lease before giving up."""
FIRST_PAUSE = 0.01
LONGEST_PAUSE = 0.5

_META = ox.NamedNode(META_GRAPH)
_CREATED = ox.NamedNode(DCTERMS + "created")
_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$")


@dataclass(frozen=True)
class Claim:
    iri: str
    created: datetime | None
    holder: str | None


def is_claim(subject: ox.NamedNode | ox.BlankNode | ox.Triple) -> bool:
    """True for the subject of a write claim (bookkeeping that is never copied)."""
    return isinstance(subject, ox.NamedNode) and subject.value.startswith(CLAIM_PREFIX)


def acquire(store: RemoteStore) -> ox.NamedNode:
    """Wait for the lease and return our claim; RegisterLockedError after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = FIRST_PAUSE
    while True:
        claim = ox.NamedNode(CLAIM_PREFIX + uuid.uuid4().hex)
        who = ox.Literal(contributor())
        store.update(
            f"INSERT {{ GRAPH {_META} {{ {claim} {_CREATED} ?now ; {CONTRIBUTOR} {who} }} }} "
            "WHERE { BIND(NOW() AS ?now) }",
            keeps_hash=True,
        )
        others, stale, seen = _claims(store, claim.value)
        for old in stale:
            _withdraw(store, ox.NamedNode(old.iri))
        if seen and not others:
            return claim
        _withdraw(store, claim)
        if time.monotonic() >= deadline:
            holder = next((c for c in others if c.holder), None)
            who_holds = holder.holder if holder else "another riskgraph process"
            since = f" since {holder.created:%H:%M:%S} UTC" if holder and holder.created else ""
            raise RegisterLockedError(
                f"the register on {store.endpoint.update_url} is being written by {who_holds}"
                f"{since}; try again when it has finished (a writer that died is forgotten "
                f"after {LEASE_SECONDS / 60:g} minutes)"
            )
        time.sleep(random.uniform(pause / 2, pause))
        pause = min(pause * 2, LONGEST_PAUSE)


def release(store: RemoteStore, claim: ox.NamedNode) -> None:
    _withdraw(store, claim)


def _withdraw(store: RemoteStore, claim: ox.NamedNode) -> None:
    store.update(f"DELETE WHERE {{ GRAPH {_META} {{ {claim} ?p ?o }} }}", keeps_hash=True)


def _claims(store: RemoteStore, mine: str) -> tuple[list[Claim], list[Claim], bool]:
    """Other live claims, stale claims, and whether ours is there."""
    result = store.select(
        f"SELECT ?c ?t ?who (NOW() AS ?now) WHERE {{ GRAPH {_META} {{ ?c {_CREATED} ?t . "
        f"OPTIONAL {{ ?c {CONTRIBUTOR} ?who }} }} "
        f'FILTER(STRSTARTS(STR(?c), "{CLAIM_PREFIX}")) }}',
        union_default_graph=False,
    )
    others: list[Claim] = []
    stale: list[Claim] = []
    seen = False
    for row in result.rows:
        subject, created, holder, now = row["c"], row["t"], row["who"], row["now"]
        if not isinstance(subject, ox.NamedNode):
            continue
        if subject.value == mine:
            seen = True
            continue
        when = _server_time(created)
        claim = Claim(subject.value, when, holder.value if holder is not None else None)
        server_now = _server_time(now)
        age = (server_now - when).total_seconds() if when and server_now else 0.0
        (stale if age > LEASE_SECONDS else others).append(claim)
    return others, stale, seen


def _server_time(term: object) -> datetime | None:
    """An xsd:dateTime from the server (any precision, UTC when it has no time zone)."""
    if not isinstance(term, ox.Literal):
        return None
    match = _TIME.match(term.value)
    if match is None:
        return None
    seconds, fraction, zone = match.groups()
    text = seconds + (f".{fraction[:6]:0<6}" if fraction else "")
    parsed = datetime.fromisoformat(text + ("+00:00" if zone in (None, "Z") else zone))
    return parsed.astimezone(UTC)
