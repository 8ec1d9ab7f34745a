"""Concurrent edits on both backends: different entities both land; the second edit of the same
entity is refused with ConflictError and nothing is lost. Two clients are two Register objects
on one register (or, further down, two processes)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import pytest
from remote_support import SERVER_KINDS

from riskgraph.config import EndpointSettings
from riskgraph.model.entities import Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store import remote_lease
from riskgraph.store.base import (
    CONTRIBUTOR,
    REVISION,
    ChangeSet,
    ConflictError,
    RegisterLockedError,
    commit,
    read_revision,
)
from riskgraph.store.remote import RemoteStore
from riskgraph.store.remote_http import SparqlEndpoint
from riskgraph.store.remote_lease import CLAIM_PREFIX, is_claim
from riskgraph.vocab import DCTERMS, META_GRAPH, REGISTER_GRAPH, XSD

BASE = "https://riskgraph.example/register/"


def _risk(entity_id: str, description: str = "") -> Risk:
    return Risk(
        id=entity_id, title=f"Risk {entity_id}", likelihood=2, severity=3, description=description
    )


@pytest.fixture(params=["embedded", *SERVER_KINDS])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A register holding R-A and R-B, on disk or on each server."""
    endpoint: EndpointSettings | None = None
    if request.param != "embedded":
        server = request.getfixturevalue(f"{request.param}_server")
        server.clear()
        endpoint = server.settings()
    register = init_register(tmp_path / "register", endpoint=endpoint)
    with register.writer() as store:
        commit(store, Repository(store, BASE).plan_upsert([_risk("R-A"), _risk("R-B")]).changes)
    return tmp_path / "register"


def _read(register: Register, entity_id: str) -> tuple[Risk, int]:
    """What an editor (the TUI, say) shows: the entity and the revision it read."""
    with register.reader() as store:
        found = Repository(store, register.base_iri).get_with_revision(entity_id)
    assert found is not None
    entity, revision = found
    assert isinstance(entity, Risk)
    return entity, revision


def _save(register: Register, entity: Risk, revision: int) -> int:
    with register.writer() as store:
        plan = Repository(store, register.base_iri).plan_upsert([entity], {entity.id: revision})
        return commit(store, plan.changes)


def _description(register: Register, entity_id: str) -> str | None:
    with register.reader() as store:
        entity = Repository(store, register.base_iri).get(entity_id)
    return entity.description if entity else None


def test_edits_of_different_risks_both_land(folder: Path) -> None:
    alice, bob = Register.open(folder), Register.open(folder)
    a, a_rev = _read(alice, "R-A")
    b, b_rev = _read(bob, "R-B")
    _save(alice, a.model_copy(update={"description": "alice"}), a_rev)
    _save(bob, b.model_copy(update={"description": "bob"}), b_rev)
    assert _description(alice, "R-A") == "alice"
    assert _description(alice, "R-B") == "bob"


def test_the_second_edit_of_the_same_risk_is_told_of_the_conflict(folder: Path) -> None:
    alice, bob = Register.open(folder), Register.open(folder)
    a, read_at = _read(alice, "R-A")
    b, same = _read(bob, "R-A")
    assert read_at == same > 0
    landed = _save(alice, a.model_copy(update={"description": "alice"}), read_at)
    with pytest.raises(ConflictError) as caught:
        _save(bob, b.model_copy(update={"description": "bob"}), same)
    conflict = caught.value.conflicts[0]
    assert conflict.name == "R-A" and conflict.expected == read_at
    assert conflict.found.revision == landed
    assert conflict.found.contributor and "@" in conflict.found.contributor
    message = str(caught.value)
    assert "R-A was changed by" in message and f"register revision {landed}" in message
    assert "Nothing was written" in message
    assert _description(bob, "R-A") == "alice"
    with bob.reader() as store:
        assert read_revision(store) == landed


def test_after_a_conflict_the_editor_reloads_and_saves(folder: Path) -> None:
    alice, bob = Register.open(folder), Register.open(folder)
    a, read_at = _read(alice, "R-A")
    b, stale = _read(bob, "R-A")
    _save(alice, a.model_copy(update={"description": "alice"}), read_at)
    with pytest.raises(ConflictError):
        _save(bob, b.model_copy(update={"description": "bob"}), stale)
    fresh, now = _read(bob, "R-A")
    assert now > read_at and fresh.description == "alice"
    _save(bob, fresh.model_copy(update={"description": "alice, then bob"}), now)
    assert _description(alice, "R-A") == "alice, then bob"


def test_an_edit_after_a_removal_is_a_conflict(folder: Path) -> None:
    alice, bob = Register.open(folder), Register.open(folder)
    a, read_at = _read(alice, "R-A")
    with bob.writer() as store:
        commit(store, Repository(store, BASE).plan_remove(["R-A"]).changes)
    with pytest.raises(ConflictError, match="R-A was changed"):
        _save(alice, a.model_copy(update={"description": "too late"}), read_at)
    assert _description(alice, "R-A") is None


def test_two_adds_of_the_same_new_id_conflict(folder: Path) -> None:
    alice, bob = Register.open(folder), Register.open(folder)
    with alice.reader() as store:
        alice_plan = Repository(store, BASE).plan_upsert([_risk("R-NEW", "alice")])
    with bob.reader() as store:
        bob_plan = Repository(store, BASE).plan_upsert([_risk("R-NEW", "bob")])
    with alice.writer() as store:
        commit(store, alice_plan.changes)
    with bob.writer() as store, pytest.raises(ConflictError, match="R-NEW"):
        commit(store, bob_plan.changes)
    assert _description(alice, "R-NEW") == "alice"


def test_a_form_for_a_new_entity_guards_its_id(folder: Path) -> None:
    """A new-entity form reads the ID's stamp when it opens: an ID freed by a removal can be
    used again, an ID someone took in the meantime is a conflict."""
    alice, bob = Register.open(folder), Register.open(folder)
    with bob.writer() as store:
        commit(store, Repository(store, BASE).plan_remove(["R-B"]).changes)
    with alice.reader() as store:
        repo = Repository(store, BASE)
        freed, fresh = repo.revision_of("R-B"), repo.revision_of("R-NEW")
    assert freed > 0 and fresh == 0
    _save(alice, _risk("R-B", "again"), freed)
    _save(bob, _risk("R-NEW", "bob"), 0)
    with pytest.raises(ConflictError, match="R-NEW"):
        _save(alice, _risk("R-NEW", "alice"), fresh)
    assert _description(alice, "R-B") == "again"
    assert _description(alice, "R-NEW") == "bob"


def test_a_repository_guards_what_its_get_read(folder: Path) -> None:
    """The CLI edit reads with ``get`` and plans with the same repository: the revision that
    ``get`` saw guards the write, even when someone commits in between."""
    alice, bob = Register.open(folder), Register.open(folder)
    b, b_rev = _read(bob, "R-A")
    with alice.writer() as store:
        repo = Repository(store, BASE)
        entity = repo.get("R-A")
        assert entity is not None
        if alice.is_remote:  # the embedded writer holds the lock, so bob cannot get in
            _save(bob, b.model_copy(update={"description": "bob"}), b_rev)
            plan = repo.plan_upsert([entity.model_copy(update={"description": "alice"})])
            with pytest.raises(ConflictError):
                commit(store, plan.changes)
            return
        plan = repo.plan_upsert([entity.model_copy(update={"description": "alice"})])
        commit(store, plan.changes)
    assert _description(alice, "R-A") == "alice"


def test_stamps_live_in_the_meta_graph_and_tombstones_stay(folder: Path) -> None:
    register = Register.open(folder)
    with register.writer() as store:
        commit(store, Repository(store, BASE).plan_remove(["R-B"]).changes)
    with register.reader() as store:
        revisions = Repository(store, BASE).revisions()
        assert set(revisions) == {"R-A"}
        stamped = {str(q.subject) for q in store.quads(META_GRAPH)}
        assert {f"<{BASE}R-A>", f"<{BASE}R-B>"} <= stamped  # R-B's stamp is its tombstone
        assert not [q for q in store.quads(REGISTER_GRAPH) if q.predicate == REVISION]


# --- two processes ------------------------------------------------------------------------------

_EDITOR = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from riskgraph.model.repository import Repository
    from riskgraph.register import Register
    from riskgraph.store.base import ConflictError, RegisterLockedError, commit

    folder, me, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    register = Register.open(folder)
    commits = conflicts = 0

    def append(entity_id, token):
        global commits, conflicts
        while True:
            try:
                with register.writer() as store:
                    repo = Repository(store, register.base_iri)
                    entity, revision = repo.get_with_revision(entity_id)
                    words = [w for w in (entity.description or "").split() if w]
                    new = entity.model_copy(update={"description": " ".join([*words, token])})
                    commit(store, repo.plan_upsert([new], {entity_id: revision}).changes)
                    commits += 1
                    return
            except ConflictError:
                conflicts += 1
            except RegisterLockedError:
                time.sleep(0.01)

    for i in range(rounds):
        append("R-" + me, f"{me}{i}")
        append("R-SHARED", f"{me}{i}")
    print(json.dumps({"commits": commits, "conflicts": conflicts}))
    """
)


def test_two_processes_editing_at_once_lose_nothing(folder: Path) -> None:
    register = Register.open(folder)
    with register.writer() as store:
        repo = Repository(store, BASE)
        commit(store, repo.plan_upsert([_risk("R-X"), _risk("R-Y"), _risk("R-SHARED")]).changes)
        start = read_revision(store)
    rounds = 6
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", _EDITOR, str(folder), name, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("X", "Y")
    ]
    outcomes = []
    for editor in editors:
        out, err = editor.communicate(timeout=120)
        assert editor.returncode == 0, err
        outcomes.append(json.loads(out))
    tokens = sorted(f"{name}{i}" for name in ("X", "Y") for i in range(rounds))
    assert sorted((_description(register, "R-SHARED") or "").split()) == tokens  # none twice
    for name in ("X", "Y"):
        assert _description(register, f"R-{name}") == " ".join(f"{name}{i}" for i in range(rounds))
    with register.reader() as store:
        assert read_revision(store) == start + sum(o["commits"] for o in outcomes)
    assert sum(o["commits"] for o in outcomes) == 4 * rounds


# --- the write lease on a shared endpoint -------------------------------------------------------


def test_many_threads_committing_at_once_keep_the_revisions_exact(
    tmp_path: Path, endpoint: EndpointSettings
) -> None:
    """Oxigraph does not isolate concurrent updates; the write lease makes commits serial."""
    register = init_register(tmp_path / "register", endpoint=endpoint)
    writers, rounds = 4, 5
    with register.writer() as store:
        start = commit(store, Repository(store, BASE).plan_upsert([_risk("R-SHARED")]).changes)
    failures: list[BaseException] = []

    def work(name: str) -> None:
        try:
            client = Register.open(tmp_path / "register")
            for i in range(rounds):
                while True:
                    entity, revision = _read(client, "R-SHARED")
                    words = (entity.description or "").split()
                    new = entity.model_copy(
                        update={"description": " ".join([*words, f"{name}{i}"])}
                    )
                    try:
                        _save(client, new, revision)
                        break
                    except ConflictError:
                        continue
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{n}-",)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    expected = sorted(f"w{n}-{i}" for n in range(writers) for i in range(rounds))
    assert sorted((_description(register, "R-SHARED") or "").split()) == expected
    with register.reader() as store:
        assert read_revision(store) == start + writers * rounds
        assert not [q for q in store.quads(META_GRAPH) if is_claim(q.subject)]


def _claim(endpoint: EndpointSettings, created: datetime) -> None:
    """A write claim as another riskgraph process leaves it, made at ``created``."""
    when = ox.Literal(created.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    quads = [
        ox.Quad(ox.NamedNode(CLAIM_PREFIX + "other"), predicate, value, ox.NamedNode(META_GRAPH))
        for predicate, value in [
            (ox.NamedNode(DCTERMS + "created"), when),
            (CONTRIBUTOR, ox.Literal("ben@desk (riskgraph import)")),
        ]
    ]
    RemoteStore(SparqlEndpoint(endpoint)).apply(ChangeSet(add=quads))


def test_a_writer_waits_for_a_live_lease_and_names_its_holder(
    tmp_path: Path, endpoint: EndpointSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = init_register(tmp_path / "register", endpoint=endpoint)
    _claim(endpoint, datetime.now(UTC))
    monkeypatch.setattr(remote_lease, "WAIT_SECONDS", 0.3)
    with register.writer() as store, pytest.raises(RegisterLockedError) as caught:
        commit(store, Repository(store, BASE).plan_upsert([_risk("R-NEW")]).changes)
    assert "ben@desk (riskgraph import)" in str(caught.value)
    assert _description(register, "R-NEW") is None


def test_a_lease_left_by_a_dead_writer_expires(tmp_path: Path, endpoint: EndpointSettings) -> None:
    register = init_register(tmp_path / "register", endpoint=endpoint)
    _claim(endpoint, datetime.now(UTC) - timedelta(hours=1))
    with register.writer() as store:
        commit(store, Repository(store, BASE).plan_upsert([_risk("R-NEW", "landed")]).changes)
        assert not [q for q in store.quads(META_GRAPH) if is_claim(q.subject)]
    assert _description(register, "R-NEW") == "landed"
