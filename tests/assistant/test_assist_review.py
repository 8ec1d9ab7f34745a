"""A person's decision: accept makes an approved, derived treatment; reject records why."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from assist_helpers import good_draft, make_endpoint, register_quads
from chat_server import ChatServer, json_answer

from riskgraph.assistant.batch import plan_run, run_plan
from riskgraph.assistant.records import StoredDraft, load_draft, review_iri
from riskgraph.assistant.review import (
    ReviewedAction,
    accept_draft,
    parse_yaml,
    prepare_review,
    reject_draft,
    to_yaml,
)
from riskgraph.editing import undo as undo_log
from riskgraph.editing.write import next_id
from riskgraph.errors import InputError, UserError
from riskgraph.model.entities import (
    Control,
    ControlStatus,
    DraftStatus,
    Treatment,
    TreatmentOption,
    TreatmentStatus,
)
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.resources import ontology_file
from riskgraph.vocab import DRAFTS_GRAPH, PROV, RDFS

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def make_draft(reg: Register, server: ChatServer, answer: dict | None = None) -> StoredDraft:
    server.script(json_answer(answer or good_draft()))
    summary = run_plan(reg, plan_run(reg, ["R-BIAS"]), make_endpoint(server), backoff_base=0.001)
    (outcome,) = summary.drafted
    assert outcome.draft_id is not None
    return current(reg, outcome.draft_id)


def current(reg: Register, draft_id: str) -> StoredDraft:
    with reg.reader() as store:
        return load_draft(store, reg.base_iri, draft_id)


def entity(reg: Register, entity_id: str):  # type: ignore[no-untyped-def]
    with reg.reader() as store:
        return Repository(store, reg.base_iri).get(entity_id)


def review_triples(reg: Register, draft_id: str) -> dict[str, list[str]]:
    with reg.reader() as store:
        quads = list(store.quads(DRAFTS_GRAPH, subject=review_iri(reg.base_iri, draft_id)))
    found: dict[str, list[str]] = {}
    for q in quads:
        if isinstance(q.object, ox.NamedNode | ox.Literal):
            found.setdefault(q.predicate.value, []).append(q.object.value)
    return found


def test_accepting_makes_an_approved_treatment_derived_from_the_draft(
    register: Register, chat_server: ChatServer
) -> None:
    draft = make_draft(register, chat_server)
    decision = accept_draft(register, draft.id, person_id="P-RISK", now=NOW)

    assert decision.treatment_id == "T-002" and decision.new_controls == ("C-003",)
    treatment = entity(register, "T-002")
    assert isinstance(treatment, Treatment)
    assert treatment.status is TreatmentStatus.APPROVED
    assert treatment.approved_by == "P-RISK" and treatment.approved_on == NOW.date()
    assert treatment.derived_from == draft.iri
    assert treatment.risk == "R-BIAS" and treatment.option is TreatmentOption.MITIGATE
    assert treatment.statement == draft.statement
    assert treatment.uses_controls == ["C-002", "C-003"]
    assert treatment.owner == "P-RISK"  # the risk's owner, by default
    control = entity(register, "C-003")
    assert isinstance(control, Control)
    assert control.status is ControlStatus.PLANNED
    assert control.mitigates == ["R-BIAS"] and control.addresses == ["A.6.2.4"]

    after = current(register, draft.id)
    assert after.status is DraftStatus.ACCEPTED
    assert after.reviewer == "P-RISK" and after.treatment_id == "T-002"
    review = review_triples(register, draft.id)
    assert review[PROV + "used"] == [draft.iri]
    assert review[PROV + "wasAssociatedWith"] == [register.base_iri + "P-RISK"]
    assert review[PROV + "generated"] == [register.base_iri + "T-002"]


@pytest.mark.skipif(not ontology_file("shapes.ttl").exists(), reason="no SHACL shapes yet")
def test_the_accepted_result_passes_the_shacl_shapes(
    register: Register, chat_server: ChatServer
) -> None:
    from riskgraph.validation import validate_store

    draft = make_draft(register, chat_server)
    accept_draft(register, draft.id, person_id="P-RISK", now=NOW)
    with register.reader() as store:
        report = validate_store(store)
    assert report.conforms, [i for i in report.by_severity("Violation")]


def drafts_quads(reg: Register) -> list[str]:
    with reg.reader() as store:
        return sorted(str(q) for q in store.quads(DRAFTS_GRAPH))


def test_accepting_writes_through_the_pipeline_with_an_undo_entry(
    register: Register, chat_server: ChatServer
) -> None:
    """The treatment, its new control and the decision are one write of the pipeline: one undo
    log entry, and undoing it restores the register and the pending draft."""
    draft = make_draft(register, chat_server)
    before, drafts_before = register_quads(register), drafts_quads(register)
    accept_draft(register, draft.id, person_id="P-RISK", now=NOW)
    with register.reader() as store:
        newest = undo_log.history(store)[0]
    assert newest.description == f"accept draft {draft.id} (T-002, C-003)"

    with register.writer() as store:
        undo_log.undo(store)
    assert register_quads(register) == before
    assert drafts_quads(register) == drafts_before
    assert current(register, draft.id).status is DraftStatus.PENDING
    accept_draft(register, draft.id, person_id="P-RISK", now=NOW)  # and it can be accepted again
    assert current(register, draft.id).status is DraftStatus.ACCEPTED


def test_rejecting_has_an_undo_entry(register: Register, chat_server: ChatServer) -> None:
    draft = make_draft(register, chat_server)
    reject_draft(register, draft.id, person_id="P-CEO", reason="covered", now=NOW)
    with register.writer() as store:
        assert undo_log.history(store)[0].description == f"reject draft {draft.id}"
        undo_log.undo(store)
    assert current(register, draft.id).status is DraftStatus.PENDING


@pytest.mark.parametrize("bad", ["T 2!", "T-" + "1" * 80])
def test_a_treatment_id_that_is_no_id_is_refused(
    register: Register, chat_server: ChatServer, bad: str
) -> None:
    """A field error naming the ID (it was an uncaught error), and nothing is written."""
    draft = make_draft(register, chat_server)
    before, drafts_before = register_quads(register), drafts_quads(register)
    with pytest.raises(InputError) as refused:
        accept_draft(register, draft.id, person_id="P-RISK", treatment_id=bad, now=NOW)
    assert str(refused.value) == (
        f"column 'treatment_id': this ID is not well formed (got {bad!r}); expected an ID: a "
        "letter, then letters, digits, '.', '-' or '_' (80 characters at most)"
    )
    assert register_quads(register) == before
    assert drafts_quads(register) == drafts_before


def test_rejecting_records_the_reason_and_the_reviewer(
    register: Register, chat_server: ChatServer
) -> None:
    draft = make_draft(register, chat_server)
    before = register_quads(register)
    reject_draft(register, draft.id, person_id="P-CEO", reason="C-002 already covers it", now=NOW)

    after = current(register, draft.id)
    assert after.status is DraftStatus.REJECTED
    assert after.reason == "C-002 already covers it" and after.reviewer == "P-CEO"
    assert review_triples(register, draft.id)[RDFS + "label"] == [f"rejection of draft {draft.id}"]
    assert register_quads(register) == before


@pytest.mark.parametrize(
    ("person", "problem"),
    [("STK-APPL", "is not a person"), ("P-NOBODY", "is not in the register")],
)
def test_only_a_person_in_the_register_can_decide(
    register: Register, chat_server: ChatServer, person: str, problem: str
) -> None:
    draft = make_draft(register, chat_server)
    with pytest.raises(InputError, match=problem):
        accept_draft(register, draft.id, person_id=person, now=NOW)
    with pytest.raises(InputError, match=problem):
        reject_draft(register, draft.id, person_id=person, reason="no", now=NOW)
    assert current(register, draft.id).status is DraftStatus.PENDING


def test_a_decided_draft_cannot_be_decided_again(
    register: Register, chat_server: ChatServer
) -> None:
    draft = make_draft(register, chat_server)
    reject_draft(register, draft.id, person_id="P-CEO", reason="not now", now=NOW)
    with pytest.raises(UserError, match="already rejected by P-CEO"):
        accept_draft(register, draft.id, person_id="P-RISK", now=NOW)
    with pytest.raises(UserError, match="already rejected"):
        prepare_review(register, draft.id, "P-RISK")


def test_a_rejection_needs_a_reason(register: Register, chat_server: ChatServer) -> None:
    draft = make_draft(register, chat_server)
    with pytest.raises(InputError, match="needs a reason"):
        reject_draft(register, draft.id, person_id="P-CEO", reason="  ", now=NOW)


def test_a_draft_with_an_unverified_control_needs_an_edit(
    register: Register, chat_server: ChatServer
) -> None:
    invented = good_draft(
        actions=[
            {
                "description": "Use the ethics board.",
                "existing_control": "C-999",
                "new_control": None,
            }
        ]
    )
    draft = make_draft(register, chat_server, invented)
    with pytest.raises(UserError, match=r"C-999.*edit it before accepting"):
        accept_draft(register, draft.id, person_id="P-RISK", now=NOW)

    _, reviewed = prepare_review(register, draft.id, "P-RISK")
    assert reviewed.actions[0].unverified_control == "C-999"
    text = to_yaml(draft, reviewed)
    with pytest.raises(InputError, match="still names a control"):
        parse_yaml(text, "edit.yaml")

    reviewed.actions[0] = ReviewedAction(description="Use drift monitoring.", control="C-001")
    edited = parse_yaml(to_yaml(draft, reviewed), "edit.yaml")
    decision = accept_draft(register, draft.id, person_id="P-RISK", reviewed=edited, now=NOW)
    treatment = entity(register, decision.treatment_id or "")
    assert isinstance(treatment, Treatment) and treatment.uses_controls == ["C-001"]
    assert review_triples(register, draft.id)[RDFS + "comment"] == [
        "the reviewer edited the draft first"
    ]


def test_edited_ids_are_grounded_again(register: Register, chat_server: ChatServer) -> None:
    draft = make_draft(register, chat_server)
    _, reviewed = prepare_review(register, draft.id, "P-RISK")
    reviewed.actions[0] = ReviewedAction(description="Use it.", control="C-404")
    with pytest.raises(InputError) as caught:
        accept_draft(register, draft.id, person_id="P-RISK", reviewed=reviewed, source="e.yaml")
    message = str(caught.value)
    assert "e.yaml" in message and "actions[0].control" in message and "C-404" in message
    assert current(register, draft.id).status is DraftStatus.PENDING


def test_yaml_mistakes_name_the_line_or_the_field() -> None:
    with pytest.raises(InputError, match=r"e.yaml, line 2"):
        parse_yaml("title: x\noption: a: b\n", "e.yaml")
    with pytest.raises(InputError, match=r"column 'option'.*'maybe'"):
        parse_yaml("title: x\noption: maybe\nstatement: s\n", "e.yaml")
    with pytest.raises(InputError, match=r"column 'approved_by'"):
        parse_yaml("title: x\noption: accept\nstatement: s\napproved_by: P-CEO\n", "e.yaml")
    with pytest.raises(InputError, match=r"actions\[0\]"):
        parse_yaml(
            "title: x\noption: mitigate\nstatement: s\nactions:\n  - description: d\n", "e.yaml"
        )
    assert parse_yaml("# only comments\n", "e.yaml") is None


def test_model_text_cannot_break_out_of_the_yaml_comments(
    register: Register, chat_server: ChatServer
) -> None:
    sneaky = good_draft(
        actions=[
            {
                "description": "d",
                "existing_control": None,
                "new_control": {"title": "t", "annex_a": ["A.1\nowner: P-CEO"]},
            }
        ]
    )
    draft = make_draft(register, chat_server, sneaky)
    _, reviewed = prepare_review(register, draft.id, "P-RISK")
    edited = parse_yaml(to_yaml(draft, reviewed), "e.yaml")
    assert edited is not None and edited.owner == "P-RISK"


def test_next_id_continues_the_numbering() -> None:
    assert next_id("T-", ["T-001", "T-009", "R-100"]) == "T-010"
    assert next_id("T-", []) == "T-001"
    assert next_id("C-", ["C-7", "C-0008", "C-0009"]) == "C-0010"
