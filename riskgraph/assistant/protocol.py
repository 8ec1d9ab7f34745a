"""The chat-completions request and answer as riskgraph sees them, without the SDK: what
--dry-run prints is built here, and importing this never loads openai."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from riskgraph.errors import RiskgraphError

Message = dict[str, str]

SCHEMA_NAME = "treatment_draft"


class ModelCallError(RiskgraphError):
    """A call failed for good (after retries); the message is meant for a person."""


class CancelledError(ModelCallError):
    """The run was stopped (Ctrl-C): nothing more is sent."""

    def __init__(self) -> None:
        super().__init__("stopped before an answer arrived")


def strip_fence(text: str) -> str:
    """A model's answer without one Markdown code fence around it: some servers wrap JSON in
    one even in JSON mode."""
    text = text.strip()
    if text.startswith("```") and text.endswith("```"):
        text = text[3:-3]
        tag, newline, rest = text.partition("\n")
        if newline and (tag.strip().isalpha() or not tag.strip()):
            text = rest  # a language tag alone on the fence's line: ```json, ```sparql, or none
        else:
            text = text.removeprefix("json")
        text = text.strip()
    return text


MAX_TOKENS_PER_CALL = 100_000_000
"""Token counts above this (or negative, or not whole numbers) are not believed."""


def token_count(value: object) -> int | None:
    """A token count as an endpoint reported it, or None when it is not a sane count."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_TOKENS_PER_CALL else None


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    unreported_calls: int = 0
    """Calls whose answer gave no token counts (some local servers)."""

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.unreported_calls += other.unreported_calls

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class ChatAnswer:
    content: str
    model: str
    """The model as the endpoint reported it (may be more specific than the one requested)."""
    usage: Usage
    finish_reason: str | None
    response_format: str
    """json_schema or json_object."""
    secret_removed: bool = False
    """The answer contained the API key, which was removed before parsing."""
    request_sha256: str | None = None
    """SHA-256 of the exact request body bytes sent for this answer."""


def response_format(
    schema: dict[str, Any], structured: bool, name: str = SCHEMA_NAME
) -> dict[str, Any]:
    if structured:
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }
    return {"type": "json_object"}


def request_params(
    model: str,
    temperature: float,
    messages: list[Message],
    schema: dict[str, Any],
    *,
    structured: bool = True,
    schema_name: str = SCHEMA_NAME,
) -> dict[str, Any]:
    """The request body of one chat-completion call: what --dry-run prints and what is sent."""
    return {
        "model": model,
        "messages": messages,
        "temperature": temperature,
        "response_format": response_format(schema, structured, schema_name),
    }
