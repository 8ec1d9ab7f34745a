"""Chat-completion calls through the openai SDK: structured-output format with a fallback to JSON
mode, and retries with backoff on 429, 5xx and timeouts (honouring Retry-After)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import openai

from riskgraph.assistant.endpoint import Endpoint, scrub
from riskgraph.assistant.protocol import (
    ChatAnswer,
    Message,
    ModelCallError,
    Usage,
    request_params,
)

MAX_WAIT_SECONDS = 300.0
"""The longest a Retry-After is honoured; an endpoint that asks for more ends the attempt."""


class FormatSupport:
    """Whether the endpoint accepts json_schema response formats; learnt once per run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._structured = True

    @property
    def structured(self) -> bool:
        with self._lock:
            return self._structured

    def refused(self) -> None:
        with self._lock:
            self._structured = False


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The wait an endpoint asked for: retry-after-ms, or Retry-After in seconds or as a date."""
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _retryable_status(status: int) -> bool:
    return status in (408, 429) or status >= 500


class ChatClient:
    """One endpoint, shared by the threads of a run (the SDK client is thread-safe)."""

    def __init__(
        self,
        endpoint: Endpoint,
        schema: dict[str, Any],
        *,
        backoff_base: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.schema = schema
        self.backoff_base = backoff_base
        self.formats = FormatSupport()
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=endpoint.api_key.get_secret_value(),
            base_url=endpoint.base_url,
            timeout=endpoint.timeout_seconds,
            max_retries=0,  # retries are ours: configurable backoff, Retry-After, clear messages
        )

    def close(self) -> None:
        self._client.close()

    def complete(self, messages: list[Message]) -> ChatAnswer:
        """One answer; tries json_schema first and falls back to JSON mode when refused (400)."""
        if self.formats.structured:
            try:
                return self._complete(messages, structured=True)
            except openai.BadRequestError:
                self.formats.refused()
        return self._complete(messages, structured=False)

    def _complete(self, messages: list[Message], *, structured: bool) -> ChatAnswer:
        params = request_params(
            self.endpoint.model,
            self.endpoint.temperature,
            messages,
            self.schema,
            structured=structured,
        )
        completion = self._with_retries(params, structured=structured)
        try:
            choice = completion.choices[0]
            content = choice.message.content
            refusal = getattr(choice.message, "refusal", None)
        except (AttributeError, IndexError, TypeError):
            raise ModelCallError(
                f"{self.endpoint.host} answered with something that is not a chat completion"
            ) from None
        if refusal:
            raise ModelCallError(f"the model refused: {scrub(str(refusal), self.endpoint)[:500]}")
        usage = completion.usage
        return ChatAnswer(
            content=content or "",
            model=completion.model or self.endpoint.model,
            usage=Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
            if usage
            else Usage(unreported_calls=1),
            finish_reason=choice.finish_reason,
            response_format="json_schema" if structured else "json_object",
        )

    def _with_retries(self, params: dict[str, Any], *, structured: bool) -> Any:
        attempts = self.endpoint.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                return self._client.chat.completions.create(**params)
            except openai.BadRequestError as exc:
                if structured:
                    raise  # the caller falls back to JSON mode
                raise ModelCallError(self._describe(exc)) from None
            except openai.APIStatusError as exc:
                if last or not _retryable_status(exc.status_code):
                    raise ModelCallError(self._describe(exc)) from None
                delay = retry_after_seconds(exc.response.headers)
                if delay is not None and delay > MAX_WAIT_SECONDS:
                    raise ModelCallError(
                        f"{self.endpoint.host} asked to wait {delay:.0f} s before retrying; "
                        "try again later"
                    ) from None
                self._sleep(delay if delay is not None else self._backoff(attempt))
            except openai.APITimeoutError:
                if last:
                    raise ModelCallError(
                        f"{self.endpoint.host} did not answer within "
                        f"{self.endpoint.timeout_seconds:g} s ({attempts} attempts)"
                    ) from None
                self._sleep(self._backoff(attempt))
            except openai.APIConnectionError:
                raise ModelCallError(
                    f"cannot connect to {self.endpoint.display_url}; is the endpoint running?"
                ) from None
            except (openai.APIError, ValueError):
                raise ModelCallError(
                    f"{self.endpoint.host} answered with something that is not a chat completion"
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: base, 2 x base, 4 x base ... (each +0-25 %)."""
        return self.backoff_base * (2**attempt) * (1 + random.random() / 4)

    def _describe(self, exc: openai.APIStatusError) -> str:
        host = self.endpoint.host
        if exc.status_code == 401:
            return f"{host} refused the API key (401); check OPENAI_API_KEY"
        if exc.status_code == 404:
            return f"{host} has no model {self.endpoint.model!r} or no chat API here (404)"
        message = scrub(str(getattr(exc, "message", "") or exc), self.endpoint)
        return f"{host} answered {exc.status_code}: {message[:500]}"
