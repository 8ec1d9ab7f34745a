"""What the model must answer, the JSON Schema sent for one risk, and how an answer that fits
that schema becomes a draft.

Two models:

* ``ModelAnswer`` is what the model writes. Each action is one of two closed objects, joined by
  ``anyOf``: ``{description, existing_control}`` or ``{description, new_control}``. Unknown keys
  are refused (``extra="forbid"``), so a model talked into adding ``"status": "approved"``
  produces an invalid answer, not a field. The schema sent for a risk (``schema_for_risk``)
  bounds the residual scores by that risk's matrix and lists the control IDs the prompt offered.
* ``TreatmentDraft`` is the clean draft that is grounded and stored. ``normalise`` turns any
  answer that fits the sent schema into one: text is scrubbed of control characters and
  terminal escapes, text that is too long is truncated, empty text gets a placeholder, and
  every such change is a flag for the reviewer. An answer that fits the schema is never refused.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

TEXT_LIMIT = 4000
"""Longest statement, rationale or action description kept; longer text is cut and flagged."""
SHORT_LIMIT = 300
"""Longest title or assumption kept."""
MAX_ACTIONS = 10
MAX_ASSUMPTIONS = 10
MAX_ANNEX_A = 8
EMPTY_TEXT = "(left empty by the model)"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_LIMIT)
]
ControlId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
"""Any text: grounding links it only when it is a control of the register, else flags it."""
Score = Annotated[int, Field(ge=1, le=7)]

OPTIONS = ("mitigate", "avoid", "transfer", "accept")

# flags about the text itself (grounding flags are in grounding.py)
TRUNCATED = "truncated"
EMPTY = "empty-text"
SCRUBBED = "scrubbed-characters"
SECRET = "secret-removed"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- what the model answers -------------------------------------------------------------------


class AnswerNewControl(_Strict):
    title: str = Field(description="Short name of the new control.")
    annex_a: list[str] = Field(
        max_length=MAX_ANNEX_A,
        description="Annex A reference controls it addresses, e.g. A.6.2.4.",
    )


class UseExistingControl(_Strict):
    """An action carried out by a control that is already in the register."""

    description: str = Field(description="What to do, in one or two sentences.")
    existing_control: str = Field(
        description="ID of an existing control offered in the register data."
    )


class CreateNewControl(_Strict):
    """An action that needs a control the register does not have yet."""

    description: str = Field(description="What to do, in one or two sentences.")
    new_control: AnswerNewControl = Field(description="The control to create.")


class ModelAnswer(_Strict):
    """A draft treatment for one risk."""

    # The docstrings and field descriptions are sent to the model as part of the schema.

    option: Literal["mitigate", "avoid", "transfer", "accept"] = Field(
        description="How the treatment answers the risk."
    )
    statement: str = Field(description="What will be done, by which role, checked how.")
    actions: list[UseExistingControl | CreateNewControl] = Field(
        max_length=MAX_ACTIONS, description="The concrete actions."
    )
    expected_residual_likelihood: int = Field(
        ge=1, le=7, description="Likelihood once the actions are in place, on the risk's matrix."
    )
    expected_residual_severity: int = Field(
        ge=1, le=7, description="Severity once the actions are in place, on the risk's matrix."
    )
    rationale: str = Field(description="Why this option and these actions fit the risk.")
    assumptions: list[str] = Field(
        max_length=MAX_ASSUMPTIONS,
        description="What must hold for the expected residual scores.",
    )


# --- the clean draft ----------------------------------------------------------------------------


class _Clean(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewControl(_Clean):
    title: ShortText
    annex_a: list[str] = Field(max_length=MAX_ANNEX_A)


class ProposedAction(_Clean):
    description: Text
    existing_control: ControlId | None = None
    new_control: NewControl | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ProposedAction:
        if (self.existing_control is None) == (self.new_control is None):
            raise ValueError("give exactly one of existing_control and new_control")
        return self


class TreatmentDraft(_Clean):
    """A draft as it is grounded and stored."""

    option: Literal["mitigate", "avoid", "transfer", "accept"]
    statement: Text
    actions: list[ProposedAction] = Field(max_length=MAX_ACTIONS)
    expected_residual_likelihood: Score
    expected_residual_severity: Score
    rationale: Text
    assumptions: list[ShortText] = Field(max_length=MAX_ASSUMPTIONS)


# --- the schema sent --------------------------------------------------------------------------

_DROPPED_KEYWORDS = {"title", "default", "minLength", "maxLength", "pattern"}
"""Keywords that strict structured-output endpoints refuse or that small servers choke on."""


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the form strict structured outputs accept: every property
    required, no additional properties, none of ``_DROPPED_KEYWORDS``, and no ``$ref``
    (definitions are inlined, which every server and generator understands)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    return _strict(_inline(schema, defs))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, defs)
    return {key: _inline(value, defs) for key, value in node.items()}


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED_KEYWORDS:
            continue
        if key == "properties":
            out[key] = {name: _strict(sub) for name, sub in value.items()}
        else:
            out[key] = _strict(value)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out


def schema_for_risk(
    base: dict[str, Any], matrix_size: int, control_ids: list[str]
) -> dict[str, Any]:
    """The template's schema for one risk: residual scores from 1 to the risk's matrix size, and
    ``existing_control`` one of the controls the prompt offered (the kind of action is left out
    when it offered none)."""
    schema = copy.deepcopy(base)
    props = schema["properties"]
    for name in ("expected_residual_likelihood", "expected_residual_severity"):
        props[name]["minimum"] = 1
        props[name]["maximum"] = matrix_size
    kinds = props["actions"]["items"]["anyOf"]
    kept = []
    for kind in kinds:
        if "existing_control" in kind.get("properties", {}):
            if not control_ids:
                continue
            kind["properties"]["existing_control"]["enum"] = list(control_ids)
        kept.append(kind)
    props["actions"]["items"]["anyOf"] = kept
    return schema


# --- from an answer to a clean draft ------------------------------------------------------------

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?")
_SECRET = re.compile(
    r"\b(?:sk-[A-Za-z0-9_\-]{16,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|ghp_[A-Za-z0-9]{30,}"
    r"|xox[abp]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16})\b"
    r"|\bBearer\s+[A-Za-z0-9._\-]{20,}"
)


def clean_text(text: str, *, multiline: bool) -> tuple[str, bool]:
    """(text without terminal escapes, control, format or surrogate characters; whether any
    were removed). Single-line text also loses its line breaks."""
    cleaned = _ESCAPE_SEQUENCE.sub("", text)
    kept: list[str] = []
    for char in cleaned:
        if char in "\n\t" and multiline:
            kept.append(char)
        elif char in "\n\r\t\v\f\u2028\u2029" and not multiline:
            kept.append(" ")
        elif (
            char == "\r" or char in _BIDI or unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn")
        ):
            continue
        else:
            kept.append(char)
    result = "".join(kept)
    if not multiline:
        result = " ".join(result.split())
    return result, result != text and result != " ".join(text.split())


@dataclass
class _Normaliser:
    secrets: tuple[str, ...]
    flags: list[str]

    def text(self, value: str, where: str, limit: int, *, multiline: bool = True) -> str:
        value, scrubbed = clean_text(value, multiline=multiline)
        value = value.strip()
        if scrubbed:
            self.flags.append(
                f"{SCRUBBED} {where}: control characters or terminal escapes were removed"
            )
        for secret in self.secrets:
            if secret and secret in value:
                value = value.replace(secret, "[secret removed]")
                self.flags.append(f"{SECRET} {where}: the answer contained the API key; removed")
        if _SECRET.search(value):
            value = _SECRET.sub("[secret removed]", value)
            self.flags.append(f"{SECRET} {where}: text that looks like a credential was removed")
        if not value:
            self.flags.append(
                f"{EMPTY} {where}: the model left it empty; write it before accepting"
            )
            return EMPTY_TEXT
        if len(value) > limit:
            self.flags.append(
                f"{TRUNCATED} {where}: {len(value)} characters, cut to {limit}; check the end"
            )
            value = value[: limit - 1].rstrip() + "…"
        return value


def normalise(
    answer: ModelAnswer, secrets: tuple[str, ...] = ()
) -> tuple[TreatmentDraft, list[str]]:
    """A clean draft from any answer that fits the schema, and the flags for what was changed."""
    flags: list[str] = []
    n = _Normaliser(secrets, flags)
    actions: list[dict[str, Any]] = []
    for number, action in enumerate(answer.actions, start=1):
        where = f"action-{number}"
        description = n.text(action.description, where, TEXT_LIMIT)
        if isinstance(action, UseExistingControl):
            control = n.text(action.existing_control, f"{where}.control", 80, multiline=False)
            actions.append({"description": description, "existing_control": control})
        else:
            title = n.text(action.new_control.title, f"{where}.title", SHORT_LIMIT, multiline=False)
            annex_a = [
                n.text(ref, f"{where}.annex_a", 40, multiline=False)
                for ref in action.new_control.annex_a
            ]
            actions.append(
                {"description": description, "new_control": {"title": title, "annex_a": annex_a}}
            )
    draft = TreatmentDraft.model_validate(
        {
            "option": answer.option,
            "statement": n.text(answer.statement, "statement", TEXT_LIMIT),
            "actions": actions,
            "expected_residual_likelihood": answer.expected_residual_likelihood,
            "expected_residual_severity": answer.expected_residual_severity,
            "rationale": n.text(answer.rationale, "rationale", TEXT_LIMIT),
            "assumptions": [
                n.text(a, f"assumption-{i}", SHORT_LIMIT, multiline=False)
                for i, a in enumerate(answer.assumptions, start=1)
            ],
        }
    )
    return draft, list(dict.fromkeys(flags))


def legacy_actions(data: Any) -> Any:
    """Answers in the older form name both kinds in every action, one of them null; drop the
    null key so that such an answer reads as the closed kind it means."""
    if isinstance(data, dict) and isinstance(data.get("actions"), list):
        data = {
            **data,
            "actions": [
                {k: v for k, v in a.items() if not (k in _KIND_KEYS and v is None)}
                if isinstance(a, dict)
                else a
                for a in data["actions"]
            ],
        }
    return data


_KIND_KEYS = ("existing_control", "new_control")
