"""Chat-completion calls through the openai SDK: a strict json_schema response format with a
fallback to JSON mode for that request alone, retries with backoff on 429, 5xx, timeouts and
dropped connections (honouring Retry-After), a deadline for every attempt, and a stop switch.

The SDK talks through ``GuardedTransport``, an httpx transport around the ordinary one. It
* records the exact bytes and headers of each request (their SHA-256 goes into provenance, and
  ``--dry-run`` prints them without sending),
* ends an attempt whose answer is still arriving at its deadline (a server that trickles a few
  bytes at a time cannot hold a call past ``timeout_seconds``),
* refuses to send anything once the run is stopped, and stops reading an answer that is arriving.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2 as httpx  # the HTTP client the openai SDK is built on
import openai

from riskgraph.assistant.endpoint import NO_KEY, Endpoint, scrub
from riskgraph.assistant.protocol import (
    SCHEMA_NAME,
    CancelledError,
    ChatAnswer,
    Message,
    ModelCallError,
    Usage,
    request_params,
    token_count,
)

MAX_WAIT_SECONDS = 300.0
"""The longest a Retry-After is honoured; an endpoint that asks for more ends the attempt."""

WaitReporter = Callable[[str, float, str], None]
"""(risk ID, seconds, why): told before the client waits to retry."""


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


# --- the transport ----------------------------------------------------------------------------


class _Stopped(Exception):
    """Raised inside the transport when the run was stopped."""


class _Captured(Exception):
    """Raised inside the transport in dry-run mode, after the request was recorded."""


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def shown(self, label: str, url: str | None = None) -> str:
        """The request as --dry-run prints it: a heading, the headers (the key masked) and the
        body byte for byte."""
        lines = [f"=== {label}: {self.method} {url or self.url}"]
        for name, value in self.headers:
            if name.lower() == "authorization":
                value = value.split(" ", 1)[0] + " ***"
            lines.append(f"{name}: {value}")
        return "\n".join([*lines, "", self.body.decode("utf-8")])


class _CallState(threading.local):
    deadline: float | None = None
    last: SentRequest | None = None


class _GuardedStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, check: Callable[[], None]) -> None:
        self._inner = inner
        self._check = check

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._check()
            yield chunk

    def close(self) -> None:
        self._inner.close()


class GuardedTransport(httpx.BaseTransport):
    def __init__(self, stop: threading.Event, *, dry_run: bool = False) -> None:
        self._inner = httpx.HTTPTransport()
        self._stop = stop
        self._dry_run = dry_run
        self.state = _CallState()

    def _check(self) -> None:
        if self._stop.is_set():
            raise _Stopped()
        deadline = self.state.deadline
        if deadline is not None and time.monotonic() > deadline:
            raise httpx.ReadTimeout("the answer did not arrive before the deadline")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        self.state.last = SentRequest(
            request.method, str(request.url), list(request.headers.multi_items()), body
        )
        if self._dry_run:
            raise _Captured()
        self._check()
        response = self._inner.handle_request(request)
        stream = response.stream
        if not isinstance(stream, httpx.SyncByteStream):  # pragma: no cover - httpx always sync
            return response
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_GuardedStream(stream, self._check),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


# --- the client -------------------------------------------------------------------------------


class ChatClient:
    """One endpoint, shared by the threads of a run (the SDK client is thread-safe)."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        backoff_base: float = 1.0,
        stop: threading.Event | None = None,
        on_wait: WaitReporter | None = None,
        dry_run: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self.backoff_base = backoff_base
        self.stop = stop or threading.Event()
        self.on_wait = on_wait
        self.transport = GuardedTransport(self.stop, dry_run=dry_run)
        self._client = openai.OpenAI(
            api_key=endpoint.api_key.get_secret_value(),
            base_url=endpoint.base_url,
            timeout=endpoint.timeout_seconds,
            max_retries=0,  # retries are ours: configurable backoff, Retry-After, clear messages
            http_client=httpx.Client(transport=self.transport),
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        key = self.endpoint.api_key.get_secret_value()
        return (key,) if key and key != NO_KEY else ()

    def close(self) -> None:
        self._client.close()

    def capture(
        self, messages: list[Message], schema: dict[str, Any], schema_name: str = SCHEMA_NAME
    ) -> SentRequest:
        """The exact request the first attempt would send, recorded by the transport in
        dry-run mode: nothing leaves the machine."""
        params = request_params(
            self.endpoint.model,
            self.endpoint.temperature,
            messages,
            schema,
            structured=True,
            schema_name=schema_name,
        )
        with contextlib.suppress(openai.APIConnectionError, _Captured):
            self._client.chat.completions.create(**params)
        captured = self.transport.state.last
        if captured is None:  # pragma: no cover - the transport always records first
            raise ModelCallError("the request could not be built")
        return captured

    def complete(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        risk_id: str,
        *,
        schema_name: str = SCHEMA_NAME,
    ) -> ChatAnswer:
        """One answer. Tries json_schema first; an endpoint that refuses it (400 or 422) gets
        JSON mode for this request only. ``risk_id`` names what the call is for in messages."""
        try:
            return self._complete(messages, schema, risk_id, structured=True, name=schema_name)
        except _FormatRefused:
            return self._complete(messages, schema, risk_id, structured=False, name=schema_name)

    def _complete(
        self,
        messages: list[Message],
        schema: dict[str, Any],
        risk_id: str,
        *,
        structured: bool,
        name: str = SCHEMA_NAME,
    ) -> ChatAnswer:
        params = request_params(
            self.endpoint.model,
            self.endpoint.temperature,
            messages,
            schema,
            structured=structured,
            schema_name=name,
        )
        completion, sent = self._with_retries(params, risk_id, structured=structured)
        host = self.endpoint.host
        error = _extra(completion, "error")
        if error is not None:
            text = error.get("message") if isinstance(error, dict) else error
            raise ModelCallError(
                f"{host} answered 200 but with an error: {scrub(str(text), self.endpoint)[:500]}"
            )
        try:
            choice = completion.choices[0]
            message = choice.message
        except (AttributeError, IndexError, TypeError):
            raise ModelCallError(
                f"{host} answered with something that is not a chat completion"
            ) from None
        content = getattr(message, "content", None)
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise ModelCallError(f"the model refused: {scrub(str(refusal), self.endpoint)[:500]}")
        if not content and getattr(message, "tool_calls", None):
            raise ModelCallError(
                f"the model at {host} answered with a tool call instead of the JSON draft; "
                "riskgraph offers no tools: use a model or server setting that answers in text"
            )
        content = str(content or "")
        cleaned = scrub(content, self.endpoint)
        return ChatAnswer(
            content=cleaned,
            model=str(getattr(completion, "model", None) or self.endpoint.model),
            usage=_usage(getattr(completion, "usage", None)),
            finish_reason=getattr(choice, "finish_reason", None),
            response_format="json_schema" if structured else "json_object",
            secret_removed=cleaned != content,
            request_sha256=sent.sha256 if sent else None,
        )

    def _wait(self, risk_id: str, seconds: float, why: str) -> None:
        if self.on_wait is not None:
            self.on_wait(risk_id, seconds, why)
        if self.stop.wait(seconds):
            raise CancelledError()

    def _with_retries(
        self, params: dict[str, Any], risk_id: str, *, structured: bool
    ) -> tuple[Any, SentRequest | None]:
        attempts = self.endpoint.max_retries + 1
        host = self.endpoint.host
        for attempt in range(attempts):
            last = attempt == attempts - 1
            if self.stop.is_set():
                raise CancelledError()
            timeout = self.endpoint.timeout_seconds
            self.transport.state.deadline = time.monotonic() + timeout
            self.transport.state.last = None
            try:
                completion = self._client.chat.completions.create(**params, timeout=timeout)
                return completion, self.transport.state.last
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                if structured:
                    raise _FormatRefused() from None  # JSON mode for this request only
                raise ModelCallError(self._describe(exc)) from None
            except openai.APIStatusError as exc:
                if last or not _retryable_status(exc.status_code):
                    raise ModelCallError(self._describe(exc)) from None
                delay = retry_after_seconds(exc.response.headers)
                if delay is not None and delay > MAX_WAIT_SECONDS:
                    raise ModelCallError(
                        f"{host} asked to wait {delay:.0f} s before retrying; try again later"
                    ) from None
                if delay is not None:
                    self._wait(risk_id, delay, f"{host} answered {exc.status_code}, Retry-After")
                else:
                    self._wait(
                        risk_id, self._backoff(attempt), f"{host} answered {exc.status_code}"
                    )
            except _Stopped:
                raise CancelledError() from None
            except openai.APITimeoutError:
                if self.stop.is_set():
                    raise CancelledError() from None
                if last:
                    raise ModelCallError(
                        f"{host} did not answer within {timeout:g} s ({attempts} attempts)"
                    ) from None
                self._wait(risk_id, self._backoff(attempt), f"{host} did not answer in time")
            except openai.APIConnectionError as exc:
                cause = exc.__cause__
                if isinstance(cause, _Stopped) or self.stop.is_set():
                    raise CancelledError() from None
                if isinstance(cause, httpx.ConnectError):
                    raise ModelCallError(
                        f"cannot connect to {self.endpoint.display_url}; is the endpoint running?"
                    ) from None
                if last:
                    raise ModelCallError(
                        f"the connection to {host} dropped before the answer was complete "
                        f"({attempts} attempts)"
                    ) from None
                self._wait(risk_id, self._backoff(attempt), f"the connection to {host} dropped")
            except (openai.APIError, ValueError):
                raise ModelCallError(
                    f"{host} answered with something that is not a chat completion"
                ) from None
            finally:
                self.transport.state.deadline = None
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


class _FormatRefused(Exception):
    """The endpoint refused the json_schema response format for this request."""


def _extra(model: Any, name: str) -> Any:
    extra = getattr(model, "model_extra", None) or {}
    return extra.get(name) if isinstance(extra, dict) else None


def _usage(usage: Any) -> Usage:
    """Token counts as reported; a call whose counts are missing or not sane counts as one
    without counts (never a crash, never a negative or absurd number stored)."""
    if usage is None:
        return Usage(unreported_calls=1)
    prompt = token_count(getattr(usage, "prompt_tokens", None))
    completion = token_count(getattr(usage, "completion_tokens", None))
    if prompt is None or completion is None:
        return Usage(unreported_calls=1)
    return Usage(prompt, completion)
