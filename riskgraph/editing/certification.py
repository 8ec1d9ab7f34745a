"""Recording a review and signing a risk acceptance: the writes behind ``riskgraph review`` and
``riskgraph accept-risk`` (and any face that offers them). Both are additions through the one
write pipeline (``prepare_additions``), so they are checked, refused and undone exactly like
``add review`` and ``add acceptance``; this module only fills in what a person need not type
(the title, today's date). See docs/certification.md.
"""

from __future__ import annotations

from riskgraph import clock
from riskgraph.config import RegisterConfig
from riskgraph.editing.input import TYPED, Changes
from riskgraph.editing.records import REVIEWED
from riskgraph.editing.schema import with_article
from riskgraph.editing.write import Draft, Prepared, missing_entity, prepare_additions
from riskgraph.model.entities import Review, RiskAcceptance
from riskgraph.model.repository import Repository


def prepare_review(
    repo: Repository,
    config: RegisterConfig,
    *,
    item: str,
    by: str,
    outcome: str,
    notes: str | None = None,
    on: str | None = None,
) -> Prepared:
    """A new review of ``item`` by ``by`` (a person), on ``on`` (default today); it moves the
    item's next review date (``records.review_moves``)."""
    item = item.strip()
    found = repo.get(item)
    if found is None:
        raise missing_entity(repo, item, TYPED)
    if not isinstance(found, REVIEWED):
        raise TYPED.error(
            f"{item} is {with_article(found.kind)}; only risks, controls, treatments and AI "
            "systems have reviews",
            field="item",
            value=item,
            expected="the ID of a risk, control, treatment or AI system",
            about_field=False,
        )
    day = on if on is not None else clock.today().isoformat()
    values: dict[str, object] = {
        "title": f"Review of {item} on {day}",
        "item": item,
        "reviewed_by": by,
        "reviewed_on": day,
        "outcome": outcome,
    }
    if notes:
        values["notes"] = notes
    return _add(repo, config, Draft(Review, Changes(values=values), TYPED))


def prepare_acceptance(
    repo: Repository,
    config: RegisterConfig,
    *,
    risk: str,
    by: str,
    justification: str | None,
    expires: str | None,
    treatment: str | None = None,
    on: str | None = None,
) -> Prepared:
    """A new acceptance of ``risk`` signed by ``by`` on ``on`` (default today). The pipeline
    refuses it without the authority role, a justification or an expiry, and records the risk's
    hash."""
    risk = risk.strip()
    day = on if on is not None else clock.today().isoformat()
    values: dict[str, object] = {
        "title": f"Acceptance of {risk} on {day}",
        "risk": risk,
        "accepted_by": by,
        "accepted_on": day,
    }
    for name, value in (
        ("justification", justification),
        ("expires", expires),
        ("treatment", treatment),
    ):
        if value is not None:
            values[name] = value
    return _add(repo, config, Draft(RiskAcceptance, Changes(values=values), TYPED))


def _add(repo: Repository, config: RegisterConfig, draft: Draft) -> Prepared:
    return prepare_additions(
        repo,
        [draft],
        default_matrix=config.risk.matrix,
        authority_role=config.acceptance.authority_role,
        review_settings=config.review,
    )
