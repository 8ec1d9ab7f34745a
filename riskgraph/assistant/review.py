"""A person's decision on a draft. Accepting makes an approved rg:Treatment (and any new planned
controls) in the register, derived from the draft; rejecting records why. Either way the draft
is marked and the decision is recorded in PROV, in one transaction.

Both write through the register's one write pipeline (``riskgraph.editing.write``): the
treatment and the controls are checked as any added entity is (model, rules, link targets,
derivation, SHACL), the decision's provenance goes into the same transaction, and the write has
its undo log entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from riskgraph.assistant.context import RegisterSnapshot
from riskgraph.assistant.grounding import UNVERIFIED_CONTROL, flag_code
from riskgraph.assistant.records import (
    StoredAction,
    StoredDraft,
    check_pending,
    check_reason,
    decision_quads,
    load_draft,
)
from riskgraph.assistant.schema import EMPTY_TEXT, clean_text
from riskgraph.editing.input import TYPED, Changes, Origin
from riskgraph.editing.write import Draft, Prepared, next_id, prepare_additions, run_planned
from riskgraph.errors import InputError, Location, UserError
from riskgraph.model.entities import (
    Control,
    ControlStatus,
    DraftStatus,
    Treatment,
    TreatmentOption,
    TreatmentStatus,
)
from riskgraph.model.fields import ID_EXPECTED, ID_PATTERN, CatalogueRef, EntityId
from riskgraph.model.repository import Plan, Repository
from riskgraph.nesting import load_yaml
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet


def _multiline(value: object) -> object:
    return clean_text(value, multiline=True)[0] if isinstance(value, str) else value


def _one_line(value: object) -> object:
    return clean_text(value, multiline=False)[0] if isinstance(value, str) else value


# Text that reaches the register carries no control characters or terminal escapes, and titles
# are one line, whoever wrote them (the model or the reviewer's editor).
Text = Annotated[
    str, BeforeValidator(_multiline), StringConstraints(strip_whitespace=True, min_length=1)
]
Title = Annotated[
    str,
    BeforeValidator(_one_line),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReviewedNewControl(_Form):
    title: Title
    annex_a: list[CatalogueRef] = Field(default_factory=list)


class ReviewedAction(_Form):
    description: Text
    control: EntityId | None = None
    new_control: ReviewedNewControl | None = None
    unverified_control: str | None = None
    """Shown for a control the model named that is not in the register; must be resolved."""


class ReviewedTreatment(_Form):
    """The treatment a reviewer accepts: the draft as it stands, or as they edited it."""

    title: Title
    option: TreatmentOption
    statement: Text
    owner: EntityId | None = None
    due_date: date | None = None
    actions: list[ReviewedAction] = Field(default_factory=list)


def reviewed_from_draft(draft: StoredDraft, snapshot: RegisterSnapshot) -> ReviewedTreatment:
    risk = snapshot.risk(draft.risk_id)
    option = draft.option or TreatmentOption.MITIGATE
    return ReviewedTreatment(
        title=f"{option.value.capitalize()}: {risk.title}"[:500],
        option=option,
        statement=draft.statement,
        owner=risk.owner,
        actions=[
            ReviewedAction(
                description=a.description,
                control=a.control_id,
                new_control=ReviewedNewControl(title=a.new_control_title, annex_a=list(a.annex_a))
                if a.new_control_title
                else None,
                unverified_control=_unverified_control(a),
            )
            for a in draft.actions
        ],
    )


def _unverified_control(action: StoredAction) -> str | None:
    """The control an action named that grounding could not find, if any."""
    for note in action.notes:
        code = flag_code(note)
        if code is not None and code[0] == UNVERIFIED_CONTROL:
            return code[1]
    return None


# --- the YAML a reviewer edits ---------------------------------------------------------------


def _comment(text: str) -> str:
    """One comment line; anything that could end the comment is flattened."""
    return "# " + " ".join(text.split())


def to_yaml(draft: StoredDraft, reviewed: ReviewedTreatment) -> str:
    header = [
        f"Draft {draft.id} for risk {draft.risk_id}, by {draft.model or 'a language model'}.",
        "Edit, save and close to accept it as an approved treatment; save an empty file to cancel.",
        "option: mitigate, avoid, transfer or accept.",
        "Each action names an existing control (control: C-ID) or proposes a new one",
        "(new_control: {title, annex_a: [A.x.y]}); a new control is created as planned.",
        "An action with unverified_control names a control that is not in the register:",
        "replace it with control or new_control, or delete the action.",
    ]
    if draft.flags:
        header.append("Flags from grounding:")
        header += [f"  - {f}" for f in draft.flags]
    if draft.expected_likelihood and draft.expected_severity:
        header.append(
            f"The model expects residual likelihood {draft.expected_likelihood} "
            f"and severity {draft.expected_severity}."
        )
    body = yaml.safe_dump(
        _plain(reviewed.model_dump(mode="json")), sort_keys=False, allow_unicode=True, width=96
    )
    return "\n".join(_comment(line) for line in header) + "\n\n" + body


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional keys so the file stays short."""
    actions = [{k: v for k, v in a.items() if v is not None} for a in data["actions"]]
    return {**data, "actions": actions}


_FIELD_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def parse_yaml(text: str, source: str) -> ReviewedTreatment | None:
    """The edited treatment, or None when the file is empty (the reviewer cancelled)."""
    data = load_yaml(text, source)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InputError(
            "the file must hold one mapping", location=Location(file=source), expected="key: value"
        )
    try:
        reviewed = ReviewedTreatment.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = _FIELD_INDEX.sub(r"[\1]", ".".join(str(p) for p in err["loc"]))
        raise InputError(
            err["msg"], location=Location(file=source, column=field), value=err.get("input")
        ) from None
    for number, action in enumerate(reviewed.actions):
        where = Location(file=source, column=f"actions[{number}]")
        if action.unverified_control is not None:
            raise InputError(
                "this action still names a control that is not in the register",
                location=where,
                value=action.unverified_control,
                expected="an existing control (control: C-ID), a new_control, or no action",
            )
        if (action.control is None) == (action.new_control is None):
            raise InputError(
                "an action needs exactly one of control and new_control", location=where
            )
    return reviewed


# --- planning the decision -------------------------------------------------------------------

_ENTITY_ID = re.compile(ID_PATTERN)


class NeedsEdit(UserError):
    """The draft cannot be accepted as it stands: a person must edit it first."""


@dataclass(frozen=True)
class Decision:
    changes: ChangeSet
    """Everything the decision writes: the entities and the provenance (drafts graph)."""
    treatment_id: str | None = None
    new_controls: tuple[str, ...] = ()
    entities: tuple[Draft, ...] = ()
    """The treatment and new controls to add, as field values for the write pipeline."""


def _check_pending(draft: StoredDraft) -> None:
    check_pending(draft.id, draft.status, draft.reviewer, "draft", "drafts")


def check_reviewer(snapshot: RegisterSnapshot, person_id: str) -> None:
    """Only a person in the register can decide on a draft."""
    if person_id not in snapshot.people:
        what = "is not a person" if person_id in snapshot.all_ids else "is not in the register"
        raise InputError(
            f"the reviewer {what}",
            location=Location(column="reviewer"),
            value=person_id,
            expected="the ID of a person (rg:Person) in the register, e.g. P-001",
        )


def _ground_reviewed(reviewed: ReviewedTreatment, snapshot: RegisterSnapshot, source: str) -> None:
    if reviewed.owner is not None and reviewed.owner not in snapshot.parties:
        raise InputError(
            "the owner is not a person or organisation in the register",
            location=Location(file=source, column="owner"),
            value=reviewed.owner,
            expected="the ID of a person or organisation",
        )
    for number, action in enumerate(reviewed.actions):
        if action.control is not None and action.control not in snapshot.controls:
            raise InputError(
                "no control with this ID in the register",
                location=Location(file=source, column=f"actions[{number}].control"),
                value=action.control,
                expected="the ID of an existing control, or a new_control instead",
            )
        for ref in action.new_control.annex_a if action.new_control else []:
            if ref not in snapshot.catalogue.annex_a:
                raise InputError(
                    "not an Annex A control of ISO/IEC 42001",
                    location=Location(file=source, column=f"actions[{number}].new_control.annex_a"),
                    value=ref,
                    expected="an Annex A control ID such as A.6.2.4",
                )


def plan_accept(
    snapshot: RegisterSnapshot,
    draft: StoredDraft,
    *,
    person_id: str,
    reviewed: ReviewedTreatment,
    edited: bool,
    now: datetime,
    source: str = "the draft",
    treatment_id: str | None = None,
) -> Decision:
    """What accepting ``draft`` writes: the treatment and new controls (as field values for the
    write pipeline, ``entities``) and the decision's provenance (``changes``)."""
    _check_pending(draft)
    check_reviewer(snapshot, person_id)
    risk = snapshot.risk(draft.risk_id)
    unresolved = [a.unverified_control for a in reviewed.actions if a.unverified_control]
    if unresolved:
        raise NeedsEdit(
            f"draft {draft.id} names controls that are not in the register "
            f"({', '.join(unresolved)}); edit it before accepting, and replace or delete those "
            "actions"
        )
    empty = [
        where
        for where, text in (
            ("statement", reviewed.statement),
            *((f"action {n}", a.description) for n, a in enumerate(reviewed.actions, start=1)),
            *(
                (f"action {n} title", a.new_control.title)
                for n, a in enumerate(reviewed.actions, start=1)
                if a.new_control
            ),
        )
        if text == EMPTY_TEXT
    ]
    if empty:
        raise NeedsEdit(
            f"draft {draft.id} has text the model left empty ({', '.join(empty)}); edit it "
            "before accepting, and write that text"
        )
    _ground_reviewed(reviewed, snapshot, source)
    base_iri = snapshot.config.general.base_iri
    if treatment_id is None:
        treatment_id = next_id("T-", snapshot.all_ids)
    elif not _ENTITY_ID.match(treatment_id):
        raise InputError(
            "this ID is not well formed",
            location=Location(column="treatment_id"),
            value=treatment_id,
            expected=ID_EXPECTED,
        )
    elif treatment_id in snapshot.all_ids:
        raise InputError(
            "this ID is already used in the register",
            location=Location(column="treatment_id"),
            value=treatment_id,
            expected="a new ID",
        )
    controls: list[dict[str, object]] = []
    uses: list[str] = []
    for action in reviewed.actions:
        if action.new_control is None:
            if action.control is None:
                raise UserError("a reviewed action names neither a control nor a new control")
            uses.append(action.control)
            continue
        control_id = next_id(
            "C-", {*snapshot.all_ids, treatment_id, *(str(c["id"]) for c in controls)}
        )
        uses.append(control_id)
        controls.append(
            {
                "id": control_id,
                "title": action.new_control.title,
                "description": action.description,
                "mitigates": [risk.id],
                "addresses": list(action.new_control.annex_a),
                "status": ControlStatus.PLANNED,
                "owner": reviewed.owner,
            }
        )
    treatment: dict[str, object] = {
        "id": treatment_id,
        "title": reviewed.title,
        "risk": risk.id,
        "option": reviewed.option,
        "statement": reviewed.statement,
        "status": TreatmentStatus.APPROVED,
        "approved_by": person_id,
        "approved_on": now.date(),
        "due_date": reviewed.due_date,
        "owner": reviewed.owner,
        "uses_controls": sorted(set(uses)),
        "derived_from": draft.iri,
    }
    origin = Origin(source=source) if source != "the draft" else TYPED
    remove, add = decision_quads(
        base_iri=base_iri,
        draft=draft,
        status=DraftStatus.ACCEPTED,
        person_id=person_id,
        when=now,
        treatment_id=treatment_id,
        accepted_statement=reviewed.statement,
        edited=edited,
    )
    entities = [
        Draft(Treatment, Changes(values=_given(treatment)), origin),
        *(Draft(Control, Changes(values=_given(c)), origin) for c in controls),
    ]
    return Decision(
        ChangeSet(remove=remove, add=add),
        treatment_id,
        tuple(str(c["id"]) for c in controls),
        tuple(entities),
    )


def _given(values: dict[str, object]) -> dict[str, object]:
    """The values set: an empty optional field is left out, as a form leaves it empty."""
    return {name: value for name, value in values.items() if value is not None}


def plan_reject(
    snapshot: RegisterSnapshot, draft: StoredDraft, *, person_id: str, reason: str, now: datetime
) -> Decision:
    _check_pending(draft)
    check_reviewer(snapshot, person_id)
    check_reason(reason)
    remove, add = decision_quads(
        base_iri=snapshot.config.general.base_iri,
        draft=draft,
        status=DraftStatus.REJECTED,
        person_id=person_id,
        when=now,
        reason=reason.strip(),
    )
    return Decision(ChangeSet(remove=remove, add=add))


# --- on a register: read, decide and commit in one writer session ------------------------------


def prepare_review(
    register: Register, draft_id: str, person_id: str
) -> tuple[StoredDraft, ReviewedTreatment]:
    """The pending draft and its treatment as a reviewer would accept it unchanged. Checks the
    draft and the reviewer first, so that nobody edits a draft they cannot accept."""
    with register.reader() as store:
        snapshot = RegisterSnapshot.load(store, register.config)
        draft = load_draft(store, register.base_iri, draft_id)
    _check_pending(draft)
    check_reviewer(snapshot, person_id)
    return draft, reviewed_from_draft(draft, snapshot)


def accept_draft(
    register: Register,
    draft_id: str,
    *,
    person_id: str,
    reviewed: ReviewedTreatment | None = None,
    source: str = "the draft",
    treatment_id: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """Accept a draft (as edited, when ``reviewed`` is given) through the write pipeline: the
    treatment, its new controls and the decision's provenance in one transaction."""

    def prepare(repo: Repository) -> tuple[Decision, Prepared]:
        snapshot = RegisterSnapshot.load(repo.store, register.config)
        draft = load_draft(repo.store, register.base_iri, draft_id)
        decision = plan_accept(
            snapshot,
            draft,
            person_id=person_id,
            reviewed=reviewed or reviewed_from_draft(draft, snapshot),
            edited=reviewed is not None,
            now=now or datetime.now(UTC),
            source=source,
            treatment_id=treatment_id,
        )
        made = ", ".join([str(decision.treatment_id), *decision.new_controls])
        return decision, prepare_additions(
            repo,
            list(decision.entities),
            default_matrix=register.config.risk.matrix,
            staged=decision.changes,
            description=f"accept draft {draft.id} ({made})",
        )

    decision, prepared = run_planned(register, prepare)
    return Decision(
        prepared.plan.changes, decision.treatment_id, decision.new_controls, decision.entities
    )


def reject_draft(
    register: Register,
    draft_id: str,
    *,
    person_id: str,
    reason: str,
    now: datetime | None = None,
) -> Decision:
    """Reject a draft: the decision is written with its undo log entry, in one transaction."""

    def prepare(repo: Repository) -> tuple[Decision, Prepared]:
        snapshot = RegisterSnapshot.load(repo.store, register.config)
        draft = load_draft(repo.store, register.base_iri, draft_id)
        decision = plan_reject(
            snapshot, draft, person_id=person_id, reason=reason, now=now or datetime.now(UTC)
        )
        return decision, Prepared(Plan(changes=decision.changes), [], f"reject draft {draft.id}")

    return run_planned(register, prepare)[0]
