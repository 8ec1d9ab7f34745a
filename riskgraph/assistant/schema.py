"""What the model must answer: a ``TreatmentDraft``, and the JSON Schema sent to the endpoint.

The parser accepts only this schema: unknown keys are refused (``extra="forbid"``), so a model
that was talked into adding e.g. ``"status": "approved"`` produces an invalid answer, not a field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from riskgraph.model.fields import ID_PATTERN

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ControlId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ID_PATTERN)]
Score = Annotated[int, Field(ge=1, le=7)]

OPTIONS = ("mitigate", "avoid", "transfer", "accept")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewControl(_Strict):
    title: ShortText = Field(description="Short name of the new control.")
    annex_a: list[str] = Field(
        max_length=8,
        description="Annex A reference controls it addresses, e.g. A.6.2.4.",
    )


class ProposedAction(_Strict):
    description: Text = Field(description="What to do, in one or two sentences.")
    existing_control: ControlId | None = Field(
        description="ID of an existing control from the register data, or null."
    )
    new_control: NewControl | None = Field(
        description="A control to create, or null when an existing control is named."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> ProposedAction:
        if (self.existing_control is None) == (self.new_control is None):
            raise ValueError("give exactly one of existing_control and new_control")
        return self


class TreatmentDraft(_Strict):
    """A draft treatment for one risk."""

    # The docstring and field descriptions are sent to the model as part of the schema.

    option: Literal["mitigate", "avoid", "transfer", "accept"] = Field(
        description="How the treatment answers the risk."
    )
    statement: Text = Field(description="What will be done, by which role, checked how.")
    actions: list[ProposedAction] = Field(max_length=10, description="The concrete actions.")
    expected_residual_likelihood: Score = Field(
        description="Likelihood once the actions are in place, on the risk's matrix."
    )
    expected_residual_severity: Score = Field(
        description="Severity once the actions are in place, on the risk's matrix."
    )
    rationale: Text = Field(description="Why this option and these actions fit the risk.")
    assumptions: list[ShortText] = Field(
        max_length=10, description="What must hold for the expected residual scores."
    )


_DROPPED_KEYWORDS = {"title", "default", "minLength", "maxLength", "pattern"}
"""Keywords that strict structured-output endpoints refuse or that small servers choke on.
The pydantic model still enforces them when the answer is parsed."""


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the form strict structured outputs accept: every property
    required, no additional properties, and none of ``_DROPPED_KEYWORDS``."""
    return _strict(model.model_json_schema())


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED_KEYWORDS:
            continue
        if key in ("properties", "$defs"):
            out[key] = {name: _strict(sub) for name, sub in value.items()}
        else:
            out[key] = _strict(value)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    return out
