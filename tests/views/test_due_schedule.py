"""The review schedule (``riskgraph.views.due``) reads a projection of the items in one query;
it must list exactly what the cadence rules give when every item is read as a whole entity
(``Repository.all`` with ``next_review`` and ``review_interval``), on the example and on a
register whose review dates come from every origin (stored, computed from the last review with
the item's own or the register's interval; retired, rejected and catalogue items)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from review_data import with_computed_reviews

from riskgraph.editing.records import REVIEWED, next_review, review_interval
from riskgraph.model.entities import AISystem, Control, Entity, Person, Risk, Treatment
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.views.due import read_due
from riskgraph.vocab import REGISTER_GRAPH, RG, XSD


@pytest.fixture(scope="module", params=["example", "computed-reviews"])
def register(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Register:
    folder: Path = tmp_path_factory.mktemp(request.param) / "register"
    register = init_register(folder, with_example=True)
    if request.param == "computed-reviews":
        with_computed_reviews(register)
    return register


def _has_cadence(entity: Entity) -> bool:
    if isinstance(entity, Risk):
        return not entity.catalogue_entry
    if isinstance(entity, AISystem):
        return entity.lifecycle_stage != "retired"
    if isinstance(entity, Treatment | Control):
        return str(entity.status) not in ("rejected", "retired")
    return True


def _from_entities(register: Register, today: date, within: int, owner: str | None) -> Any:
    """The schedule as the cadence rules give it over whole entities."""
    horizon = today + timedelta(days=within)
    entries, unscheduled = [], []
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        for cls in REVIEWED:
            for entity in repo.all(cls)[0]:
                item_owner = getattr(entity, "owner", None)
                if not _has_cadence(entity) or (owner is not None and item_owner != owner):
                    continue
                when, stored = next_review(entity, register.config.review)
                if when is None:
                    unscheduled.append(entity.id)
                elif when <= horizon:
                    person = repo.get(item_owner) if item_owner else None
                    entries.append(
                        (
                            when,
                            entity.id,
                            entity.kind,
                            entity.title,
                            item_owner,
                            person.title if person else None,
                            getattr(entity, "last_reviewed", None),
                            review_interval(entity, register.config.review),
                            stored,
                            repo.iri_of(entity.id),
                        )
                    )
    return sorted(entries), sorted(unscheduled)


def _from_schedule(register: Register, today: date, within: int, owner: str | None) -> Any:
    with register.reader() as store:
        schedule = read_due(
            store, register.base_iri, register.config, today, within_days=within, owner=owner
        )
    entries = [
        (
            e.next_review,
            e.id,
            e.kind,
            e.title,
            e.owner,
            e.owner_name,
            e.last_reviewed,
            e.interval_days,
            e.stored,
            e.iri,
        )
        for e in schedule.entries
    ]
    return sorted(entries), sorted(schedule.unscheduled)


@pytest.mark.parametrize("today", [date(2025, 6, 30), date(2026, 11, 1), date(2028, 1, 1)])
@pytest.mark.parametrize("within", [0, 30, 400])
def test_the_schedule_lists_what_the_entities_give(
    register: Register, today: date, within: int
) -> None:
    expected = _from_entities(register, today, within, None)
    if today.year == 2028:
        assert expected[0], "the data should have items due"
    assert _from_schedule(register, today, within, None) == expected


def test_an_owner_s_schedule_lists_what_the_entities_give(register: Register) -> None:
    owners = {e[4] for e in _from_entities(register, date(2028, 1, 1), 0, None)[0] if e[4]}
    with register.reader() as store:  # --owner takes a person (organisations own items too)
        repo = Repository(store, register.base_iri)
        owners = {o for o in owners if isinstance(repo.get(o), Person)}
    assert owners
    for owner in sorted(owners):
        expected = _from_entities(register, date(2028, 1, 1), 0, owner)
        assert _from_schedule(register, date(2028, 1, 1), 0, owner) == expected


def test_a_repeated_property_counts_by_its_smallest_value(tmp_path: Path) -> None:
    """Two intervals on one item (data written by another tool): the smaller, as a number."""
    register = init_register(tmp_path / "register", with_example=True)
    graph = ox.NamedNode(REGISTER_GRAPH)
    with register.writer() as store:
        iri = Repository(store, register.base_iri).iri_of("R-001")
        assert iri is not None
        item = ox.NamedNode(iri)
        due = [q for q in store.quads(REGISTER_GRAPH, iri) if q.predicate.value == RG + "reviewDue"]
        last = ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date"))
        add = [ox.Quad(item, ox.NamedNode(RG + "lastReviewed"), last, graph)] + [
            ox.Quad(
                item,
                ox.NamedNode(RG + "reviewInterval"),
                ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")),
                graph,
            )
            for n in (100, 20)
        ]
        remove = due + [
            q for q in store.quads(REGISTER_GRAPH, iri) if q.predicate.value == RG + "lastReviewed"
        ]
        commit(store, ChangeSet(add=add, remove=remove))
    with register.reader() as store:
        schedule = read_due(store, register.base_iri, register.config, date(2021, 1, 1))
    entry = next(e for e in schedule.entries if e.id == "R-001")
    assert (entry.interval_days, entry.next_review) == (20, date(2020, 1, 21))
