"""One draft: render the prompt for a risk, ask the model, parse the answer strictly, and give
the model one chance to repair an answer that does not fit the schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from riskgraph.assistant.context import DraftContext, redact
from riskgraph.assistant.prompts import PromptTemplate, data_block_json
from riskgraph.assistant.protocol import ChatAnswer, Message, ModelCallError, Usage
from riskgraph.assistant.schema import TreatmentDraft
from riskgraph.errors import RiskgraphError

if TYPE_CHECKING:
    from riskgraph.assistant.chat import ChatClient

MAX_ERRORS_SENT_BACK = 20

REPAIR_REQUEST = """\
Your answer could not be used:
{errors}

Answer again with only the corrected JSON object. It must match the JSON Schema given before:
no other keys, no text around it."""


def build_messages(
    template: PromptTemplate, context: DraftContext, redact_fields: list[str]
) -> list[Message]:
    """System and user messages for one risk. Register text goes only into the data block."""
    user = template.render_user(
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


def _strip_fence(text: str) -> str:
    """Some servers wrap JSON in a Markdown code fence even in JSON mode; unwrap one."""
    text = text.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text[3:-3]
        text = text.removeprefix("json").strip()
    return text


def parse_answer(answer: ChatAnswer, matrix_size: int) -> TreatmentDraft:
    """The answer as a TreatmentDraft, or InvalidAnswerError listing what is wrong."""
    if answer.finish_reason == "length":
        raise InvalidAnswerError(["the answer was cut off (too long); answer more briefly"])
    try:
        data: Any = json.loads(_strip_fence(answer.content))
    except json.JSONDecodeError as exc:
        raise InvalidAnswerError([f"not valid JSON: {exc}"]) from None
    try:
        draft = TreatmentDraft.model_validate(data)
    except ValidationError as exc:
        raise InvalidAnswerError(
            [
                f"{'.'.join(str(p) for p in err['loc']) or 'answer'}: {err['msg']}"
                for err in exc.errors()[:MAX_ERRORS_SENT_BACK]
            ]
        ) from None
    off_matrix = [
        f"{name}: must be from 1 to {matrix_size} on this risk's matrix, not {value}"
        for name, value in (
            ("expected_residual_likelihood", draft.expected_residual_likelihood),
            ("expected_residual_severity", draft.expected_residual_severity),
        )
        if value > matrix_size
    ]
    if off_matrix:
        raise InvalidAnswerError(off_matrix)
    return draft


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


class DraftFailedError(RiskgraphError):
    """No usable draft for a risk; ``usage`` still counts the tokens spent."""

    def __init__(self, risk_id: str, message: str, usage: Usage) -> None:
        self.risk_id = risk_id
        self.usage = usage
        super().__init__(message)


def request_draft(
    client: ChatClient, context: DraftContext, messages: list[Message]
) -> DraftAnswer:
    """Ask for a draft; one repair round if the answer does not parse. Raises DraftFailedError."""
    started = datetime.now(UTC)
    usage = Usage()
    conversation = list(messages)
    repaired = False
    try:
        answer = client.complete(conversation)
        usage.add(answer.usage)
        try:
            draft = parse_answer(answer, context.matrix_size)
        except InvalidAnswerError as first:
            repaired = True
            conversation += [
                {"role": "assistant", "content": answer.content},
                {"role": "user", "content": REPAIR_REQUEST.format(errors=_bullets(first.errors))},
            ]
            answer = client.complete(conversation)
            usage.add(answer.usage)
            try:
                draft = parse_answer(answer, context.matrix_size)
            except InvalidAnswerError as second:
                raise DraftFailedError(
                    context.risk_id,
                    "the model's answer did not fit the schema, even after one repair: "
                    + "; ".join(second.errors[:5]),
                    usage,
                ) from None
    except ModelCallError as exc:
        raise DraftFailedError(context.risk_id, str(exc), usage) from None
    return DraftAnswer(
        risk_id=context.risk_id,
        draft=draft,
        model=answer.model,
        usage=usage,
        started=started,
        ended=datetime.now(UTC),
        repaired=repaired,
        response_format=answer.response_format,
    )


def _bullets(errors: list[str]) -> str:
    return "\n".join(f"- {e}" for e in errors)
