"""One draft: render the prompt for a risk, ask the model, parse the answer, and give the model
one chance to repair an answer that does not fit the schema.

An answer that fits the schema sent for the risk is always usable: ``schema.normalise`` cleans,
truncates and flags instead of refusing. Only answers outside the schema (broken JSON, unknown
keys, scores off the risk's matrix) go back for repair."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from riskgraph.assistant.context import DraftContext, redact
from riskgraph.assistant.prompts import PromptTemplate, data_block_json
from riskgraph.assistant.protocol import (
    CancelledError,
    ChatAnswer,
    Message,
    ModelCallError,
    Usage,
    strip_fence,
)
from riskgraph.assistant.schema import (
    ModelAnswer,
    TreatmentDraft,
    legacy_actions,
    normalise,
    schema_for_risk,
)
from riskgraph.errors import RiskgraphError

if TYPE_CHECKING:
    from riskgraph.assistant.chat import ChatClient

MAX_ERRORS_SENT_BACK = 20
REPAIR_QUOTE_LIMIT = 4000
"""The most of a failed answer quoted back in the repair request: a huge answer is not re-sent."""

REPAIR_REQUEST = """\
Your answer could not be used:
{errors}

Answer again with only the corrected JSON object. It must match the JSON Schema given before:
no other keys, no text around it."""


def risk_schema(template: PromptTemplate, context: DraftContext) -> dict[str, Any]:
    """The schema sent for this risk: the template's, bounded by the risk's matrix and the
    controls the prompt offers."""
    return schema_for_risk(template.response_schema, context.matrix_size, context.offered_controls)


def build_messages(
    template: PromptTemplate,
    context: DraftContext,
    redact_fields: list[str],
    schema: dict[str, Any] | None = None,
) -> list[Message]:
    """System and user messages for one risk. Register text goes only into the data block."""
    user = template.render_user(
        schema=schema or risk_schema(template, context),
        risk_id=context.risk_id,
        matrix_size=context.matrix_size,
        appetite=context.appetite,
        data_json=data_block_json(redact(context.data, redact_fields)),
    )
    return [{"role": "system", "content": template.system}, {"role": "user", "content": user}]


class InvalidAnswerError(RiskgraphError):
    """The model's answer does not fit the schema (the model gets one chance to repair it)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _location(loc: tuple[Any, ...]) -> str:
    # pydantic names the union member tried ('UseExistingControl'); people need the path only
    parts = [str(p) for p in loc if not (isinstance(p, str) and p[:1].isupper())]
    return ".".join(parts) or "answer"


def parse_answer(
    answer: ChatAnswer, matrix_size: int, secrets: tuple[str, ...] = ()
) -> tuple[TreatmentDraft, list[str]]:
    """The answer as a clean draft and the flags for what cleaning changed, or
    InvalidAnswerError listing what is wrong. An answer cut off at the length limit is used
    when what arrived is complete JSON that fits."""
    cut_off = answer.finish_reason == "length"
    try:
        data: Any = json.loads(strip_fence(answer.content))
    except json.JSONDecodeError as exc:
        if cut_off:
            raise InvalidAnswerError(
                ["the answer was cut off at the length limit; answer more briefly"]
            ) from None
        raise InvalidAnswerError([f"not valid JSON: {exc}"]) from None
    try:
        parsed = ModelAnswer.model_validate(legacy_actions(data))
    except ValidationError as exc:
        raise InvalidAnswerError(
            [
                f"{_location(err['loc'])}: {err['msg']}"
                for err in exc.errors()[:MAX_ERRORS_SENT_BACK]
            ]
        ) from None
    off_matrix = [
        f"{name}: must be from 1 to {matrix_size} on this risk's matrix, not {value}"
        for name, value in (
            ("expected_residual_likelihood", parsed.expected_residual_likelihood),
            ("expected_residual_severity", parsed.expected_residual_severity),
        )
        if value > matrix_size
    ]
    if off_matrix:
        raise InvalidAnswerError(off_matrix)
    draft, flags = normalise(parsed, secrets)
    if cut_off:
        flags.append(
            "cut-off answer: the endpoint stopped at its length limit; the JSON was complete"
        )
    return draft, flags


@dataclass(frozen=True)
class DraftAnswer:
    """A draft as the model answered it, with what it cost and how it was obtained."""

    risk_id: str
    draft: TreatmentDraft
    model: str
    usage: Usage
    started: datetime
    ended: datetime
    repaired: bool
    response_format: str
    flags: tuple[str, ...] = ()
    """What cleaning the answer changed (truncated, scrubbed, secrets removed)."""
    request_sha256: str | None = None
    """SHA-256 of the exact bytes of the request body that produced the answer."""
    requested_model: str | None = None
    temperature: float | None = None
    redacted_fields: tuple[str, ...] = field(default=())


class DraftFailedError(RiskgraphError):
    """No usable draft for a risk; ``usage`` still counts the tokens spent."""

    def __init__(self, risk_id: str, message: str, usage: Usage) -> None:
        self.risk_id = risk_id
        self.usage = usage
        super().__init__(message)


def _quoted(content: str) -> str:
    """The failed answer as quoted back: a long one only by its start."""
    if len(content) <= REPAIR_QUOTE_LIMIT:
        return content
    return (
        content[:REPAIR_QUOTE_LIMIT]
        + f"\n[... {len(content) - REPAIR_QUOTE_LIMIT} more characters not repeated]"
    )


def request_draft(
    client: ChatClient,
    context: DraftContext,
    messages: list[Message],
    schema: dict[str, Any],
    redact_fields: tuple[str, ...] = (),
) -> DraftAnswer:
    """Ask for a draft; one repair round if the answer does not parse. Raises DraftFailedError."""
    started = datetime.now(UTC)
    usage = Usage()
    conversation = list(messages)
    repaired = False
    secrets = client.secrets
    try:
        answer = client.complete(conversation, schema, context.risk_id)
        usage.add(answer.usage)
        try:
            draft, flags = parse_answer(answer, context.matrix_size, secrets)
        except InvalidAnswerError as first:
            repaired = True
            conversation += [
                {"role": "assistant", "content": _quoted(answer.content)},
                {"role": "user", "content": REPAIR_REQUEST.format(errors=_bullets(first.errors))},
            ]
            answer = client.complete(conversation, schema, context.risk_id)
            usage.add(answer.usage)
            try:
                draft, flags = parse_answer(answer, context.matrix_size, secrets)
            except InvalidAnswerError as second:
                raise DraftFailedError(
                    context.risk_id,
                    "the model's answer did not fit the schema, even after one repair: "
                    + "; ".join(second.errors[:5]),
                    usage,
                ) from None
    except CancelledError:
        raise
    except ModelCallError as exc:
        raise DraftFailedError(context.risk_id, str(exc), usage) from None
    if answer.secret_removed:
        flags.insert(0, "secret-removed answer: the answer contained the API key; removed")
    return DraftAnswer(
        risk_id=context.risk_id,
        draft=draft,
        model=answer.model,
        usage=usage,
        started=started,
        ended=datetime.now(UTC),
        repaired=repaired,
        response_format=answer.response_format,
        flags=tuple(flags),
        request_sha256=answer.request_sha256,
        requested_model=client.endpoint.model,
        temperature=client.endpoint.temperature,
        redacted_fields=redact_fields,
    )


def _bullets(errors: list[str]) -> str:
    return "\n".join(f"- {e}" for e in errors)
