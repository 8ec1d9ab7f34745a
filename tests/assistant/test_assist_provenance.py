"""Approval provenance cannot be forged with the ordinary CLI (issue 13, item 3).

A treatment derived from a draft must come from an accepted draft of the same risk whose review
made it, and keep the statement and approver that review accepted. The editing commands refuse
anything else before writing, and SHACL ('riskgraph validate') reports it in any register.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from assist_helpers import good_draft
from typer.testing import CliRunner

from riskgraph.assistant.batch import plan_run, store_draft
from riskgraph.assistant.drafting import DraftAnswer
from riskgraph.assistant.endpoint import Endpoint
from riskgraph.assistant.protocol import Usage
from riskgraph.assistant.records import draft_iri
from riskgraph.assistant.review import accept_draft, reject_draft
from riskgraph.assistant.schema import TreatmentDraft
from riskgraph.cli import app
from riskgraph.errors import InputError
from riskgraph.model.entities import Treatment, TreatmentStatus
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import commit

runner = CliRunner()
ENDPOINT = Endpoint(
    base_url="http://127.0.0.1:9/v1",
    model="scripted",
    temperature=0.0,
    timeout_seconds=1.0,
    max_retries=0,
    max_concurrency=1,
)


def stored_draft(reg: Register, risk_id: str) -> str:
    plan = plan_run(reg, [risk_id])
    now = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    answer = DraftAnswer(
        risk_id=risk_id,
        draft=TreatmentDraft.model_validate(good_draft()),
        model="scripted",
        usage=Usage(10, 5),
        started=now,
        ended=now,
        repaired=False,
        response_format="json_schema",
    )
    outcome = store_draft(reg, plan, answer, ENDPOINT)
    assert outcome.draft_id is not None
    return outcome.draft_id


def cli(reg: Register, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args, "--register", str(reg.folder)])


def refused(result, why: str) -> bool:  # type: ignore[no-untyped-def]
    """The command stopped with an error for people (exit 2 in the CLI) that says ``why``."""
    return isinstance(result.exception, InputError) and why in str(result.exception)


def treatment(reg: Register, treatment_id: str) -> Treatment:
    with reg.reader() as store:
        found = Repository(store, reg.base_iri).get(treatment_id)
    assert isinstance(found, Treatment)
    return found


@pytest.fixture
def accepted(register: Register) -> tuple[Register, str, str]:
    """R-BIAS has an accepted draft (made treatment T-002, approved by P-RISK)."""
    draft_id = stored_draft(register, "R-BIAS")
    decision = accept_draft(register, draft_id, person_id="P-RISK")
    assert decision.treatment_id is not None
    return register, draft_id, decision.treatment_id


def add_derived(reg: Register, risk: str, derived_from: str):  # type: ignore[no-untyped-def]
    return cli(
        reg,
        "add",
        "treatment",
        "--title",
        "Forged",
        "--risk",
        risk,
        "--option",
        "mitigate",
        "--statement",
        "Do it.",
        "--status",
        "approved",
        "--approved-by",
        "P-CEO",
        "--approved-on",
        "2026-11-22",
        "--derived-from",
        derived_from,
    )


def test_an_accepted_draft_validates(accepted: tuple[Register, str, str]) -> None:
    reg, _draft_id, _treatment_id = accepted
    result = cli(reg, "validate")
    assert "DerivedFromAcceptedDraft" not in result.stdout
    assert "DerivedApprovalAsReviewed" not in result.stdout


@pytest.mark.parametrize("which", ["rejected", "pending", "other-risk", "accepted", "outside"])
def test_add_treatment_derived_from_anything_but_its_own_review_is_refused(
    accepted: tuple[Register, str, str], which: str
) -> None:
    reg, accepted_id, _treatment_id = accepted
    rejected = stored_draft(reg, "R-BIAS")
    reject_draft(reg, rejected, person_id="P-RISK", reason="too vague")
    pending = stored_draft(reg, "R-BIAS")
    other = stored_draft(reg, "R-DRIFT")
    accept_draft(reg, other, person_id="P-RISK")
    targets = {
        "rejected": ("R-BIAS", draft_iri(reg.base_iri, rejected), "not accepted"),
        "pending": ("R-BIAS", draft_iri(reg.base_iri, pending), "not accepted"),
        "other-risk": ("R-BIAS", draft_iri(reg.base_iri, other), "a draft for R-DRIFT"),
        # the accepted draft of this very risk, but its review made another treatment
        "accepted": ("R-BIAS", draft_iri(reg.base_iri, accepted_id), "whose acceptance made"),
        "outside": ("R-BIAS", "https://evil.example/drafts/D-1", "not a draft"),
    }
    risk, iri, why = targets[which]
    before = cli(reg, "list", "treatments").stdout
    result = add_derived(reg, risk, iri)
    assert refused(result, why), result.exception
    assert cli(reg, "list", "treatments").stdout == before


def test_changing_an_accepted_statement_needs_a_new_approval(
    accepted: tuple[Register, str, str],
) -> None:
    reg, _draft_id, treatment_id = accepted
    result = cli(reg, "edit", treatment_id, "--statement", "Do nothing at all.")
    assert refused(result, "needs a new approval")
    assert treatment(reg, treatment_id).statement != "Do nothing at all."
    result = cli(reg, "edit", treatment_id, "--approved-by", "P-CEO")
    assert refused(result, "needs a new approval")
    assert treatment(reg, treatment_id).approved_by == "P-RISK"
    # taking it out of Approved is allowed: then it claims no approval any more
    result = cli(
        reg, "edit", treatment_id, "--statement", "Do nothing at all.", "--status", "proposed"
    )
    assert result.exit_code == 0, result.output
    changed = treatment(reg, treatment_id)
    assert changed.status is TreatmentStatus.PROPOSED
    # approving the changed text again while still claiming the draft's approval is refused
    result = cli(reg, "edit", treatment_id, "--status", "approved")
    assert refused(result, "needs a new approval")


def test_validate_reports_a_forgery_written_around_the_cli(
    accepted: tuple[Register, str, str],
) -> None:
    """Any write path that skips the editing check (an import, a SPARQL update) is still caught
    by the SHACL shapes."""
    reg, _draft_id, treatment_id = accepted
    current = treatment(reg, treatment_id)
    with reg.writer() as store:
        repo = Repository(store, reg.base_iri)
        forged = current.model_copy(update={"statement": "Approved: ship it."})
        commit(store, repo.plan_upsert([forged]).changes)
    result = cli(reg, "validate")
    assert result.exit_code == 1
    assert "DerivedApprovalAsReviewed" in result.stdout or "reviewer accepted" in result.stdout
