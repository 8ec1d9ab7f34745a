"""HTTP to a SPARQL 1.1 endpoint: one httpx client, authentication, errors for people, streams.

Secrets never touch the disk: the password (basic auth) comes from $RISKGRAPH_ENDPOINT_PASSWORD
and the token (bearer auth) from $RISKGRAPH_ENDPOINT_TOKEN. Error messages name the endpoint
and show a short excerpt of what it answered, never a credential.
"""

from __future__ import annotations

import io
import os
import random
import re
import time
import weakref
from collections.abc import Generator, Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from riskgraph import __version__
from riskgraph.config import EndpointSettings, redact_urls
from riskgraph.errors import UserError
from riskgraph.store.base import StoreError

PASSWORD_ENV = "RISKGRAPH_ENDPOINT_PASSWORD"
TOKEN_ENV = "RISKGRAPH_ENDPOINT_TOKEN"
EXCERPT_CHARS = 300
"""How much of an error answer a message quotes."""
DEADLOCK_ATTEMPTS = 6
"""How often a request the server rolled back as a deadlock is sent before the error stands."""
DEADLOCK_PAUSE = 0.05
"""The first pause (seconds) before a rolled-back request is sent again; it doubles each time."""
_DEADLOCK = re.compile(r"\b40001\b|SR172|deadlock", re.IGNORECASE)
"""SQLSTATE 40001 (serialization failure), Virtuoso's "SR172 Transaction deadlocked": the server
rolled the request back whole, so sending it again is safe and is what the server asks for."""

T = TypeVar("T")


def auth_for(settings: EndpointSettings) -> httpx.Auth | None:
    if settings.auth == "basic":
        if not settings.username:
            raise UserError(
                "[endpoint] auth = 'basic' needs a username in register.toml "
                "(riskgraph init --username NAME)"
            )
        password = os.environ.get(PASSWORD_ENV)
        if not password:
            raise UserError(f"[endpoint] auth = 'basic': set the password in ${PASSWORD_ENV}")
        return httpx.BasicAuth(settings.username, password)
    if settings.auth == "bearer":
        token = os.environ.get(TOKEN_ENV)
        if not token:
            raise UserError(f"[endpoint] auth = 'bearer': set the token in ${TOKEN_ENV}")
        return _Bearer(token)
    return None


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class SparqlEndpoint:
    """The query, update and Graph Store URLs of one endpoint, and a client shared by threads."""

    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        self.query_url = settings.query_url
        self.update_url = settings.update_url or settings.query_url
        self.store_url = settings.store_url
        self._client = httpx.Client(
            auth=auth_for(settings),
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": f"riskgraph/{__version__}"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def open(
        self,
        method: str,
        url: str,
        *,
        accept: str | None = None,
        params: dict[str, str] | None = None,
        form: list[tuple[str, str]] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        content_type: str | None = None,
        missing_ok: bool = False,
    ) -> httpx.Response | None:
        """Send a request and return the open (streaming) response; the caller closes it.

        Errors become StoreError. With ``missing_ok`` a 404 gives None (a graph that is not there).
        A request the server rolled back as a deadlock (Virtuoso does, under concurrent writers)
        is sent again after a short random pause, unless its body was a stream.
        """
        headers = {}
        if accept:
            headers["Accept"] = accept
        if content_type:
            headers["Content-Type"] = content_type
        body: Any = content
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form).encode("ascii")
        resendable = body is None or isinstance(body, bytes)  # not a stream
        pause, attempt = DEADLOCK_PAUSE, 1
        while True:
            response = self._send(method, url, params, headers, body)
            if missing_ok and response.status_code == 404:
                response.close()
                return None
            if response.status_code < 300:
                return response
            text = _answer_text(response)
            if (
                response.status_code >= 500
                and _DEADLOCK.search(text)
                and resendable
                and attempt < DEADLOCK_ATTEMPTS
            ):
                time.sleep(random.uniform(pause / 2, pause))
                pause, attempt = pause * 2, attempt + 1
                continue
            raise _status_error(response, url, text)

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, str] | None,
        headers: dict[str, str],
        body: Any,
    ) -> httpx.Response:
        request = self._client.build_request(
            method, url, params=params, headers=headers, content=body
        )
        try:
            return self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise StoreError(
                f"the SPARQL endpoint {url} did not answer within "
                f"{self.settings.timeout_seconds:g} s (timeout_seconds in [endpoint] of "
                "register.toml)"
            ) from None
        except httpx.HTTPError as exc:
            raise StoreError(
                redact_urls(
                    f"cannot reach the SPARQL endpoint {url}: {exc}; is the server running and "
                    "the URL right?"
                )
            ) from None

    def send(self, method: str, url: str, **kwargs: Any) -> None:
        """Send a request whose answer carries no data (an update, a PUT)."""
        response = self.open(method, url, **kwargs)
        if response is not None:
            try:
                response.read()
            except httpx.HTTPError as exc:
                raise StoreError(f"the SPARQL endpoint {url} broke off its answer: {exc}") from None
            finally:
                response.close()


def _answer_text(response: httpx.Response) -> str:
    """The body of an error answer, read whole; the response is closed."""
    try:
        return response.read().decode("utf-8", "replace")
    except httpx.HTTPError:
        return ""
    finally:
        response.close()


def _status_error(response: httpx.Response, url: str, text: str) -> StoreError:
    excerpt = re.sub(r"\s+", " ", text).strip()
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[:EXCERPT_CHARS] + "…"
    status = f"{response.status_code} {response.reason_phrase}".strip()
    message = f"the SPARQL endpoint {url} answered {status}"
    if excerpt:
        message += f": {excerpt}"
    if response.status_code in (401, 403):
        message += (
            f"; check auth and username in [endpoint] of register.toml and ${PASSWORD_ENV} or "
            f"${TOKEN_ENV}"
        )
    elif 300 <= response.status_code < 400 and "location" in response.headers:
        message += f"; it redirects to {response.headers['location']}: use that URL"
    return StoreError(redact_urls(message))


class ResponseReader(io.RawIOBase):
    """A streaming response body as a binary file, for pyoxigraph's parsers.

    A transport error while reading is kept in ``error`` and reported as end of data
    (pyoxigraph then reports truncated input, which ``Streamed`` turns into StoreError).
    """

    def __init__(
        self, response: httpx.Response, rewrite: tuple[bytes, bytes] | None = None
    ) -> None:
        self._chunks: Iterator[bytes] = response.iter_bytes()
        if rewrite is not None:
            self._chunks = _replaced(self._chunks, *rewrite)
        self._pending = b""
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                self.error = exc
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _replaced(chunks: Iterator[bytes], old: bytes, new: bytes) -> Iterator[bytes]:
    """The stream with every ``old`` replaced by ``new``, also where ``old`` spans two chunks."""
    held = b""
    for chunk in chunks:
        text = held + chunk
        done: list[bytes] = []
        start = 0
        while (found := text.find(old, start)) >= 0:
            done += [text[start:found], new]
            start = found + len(old)
        rest, held = text[start:], b""
        for size in range(len(old) - 1, 0, -1):  # a tail that may begin an ``old`` cut in two
            if rest.endswith(old[:size]):
                rest, held = rest[:-size], rest[-size:]
                break
        if out := b"".join([*done, rest]):
            yield out
    if held:
        yield held


PARSE_ERRORS = (SyntaxError, ValueError, OSError)
"""What pyoxigraph's parsers raise on a bad or truncated answer."""


class Body:
    """The body of an open response, read as a stream by a parser."""

    def __init__(
        self, response: httpx.Response, url: str, *, rewrite: tuple[bytes, bytes] | None = None
    ) -> None:
        self.response = response
        self.url = url
        self.reader = ResponseReader(response, rewrite)
        self.file = io.BufferedReader(self.reader, buffer_size=1 << 16)

    def error(self, exc: Exception) -> StoreError:
        """A parse error, or the transport error behind it, for people."""
        self.response.close()
        cause = self.reader.error or exc
        return StoreError(
            redact_urls(f"the answer of the SPARQL endpoint {self.url} could not be read: {cause}")
        )


class Streamed(Iterator[T]):
    """Items parsed from a response body; the response is closed at the end, on error, or when
    this iterator is dropped unread."""

    def __init__(self, body: Body, items: Iterator[T]) -> None:
        self._body = body
        self._items = items
        self._close = weakref.finalize(self, body.response.close)

    def __iter__(self) -> Streamed[T]:
        return self

    def __next__(self) -> T:
        try:
            return next(self._items)
        except StopIteration:
            self._close()
            raise
        except PARSE_ERRORS as exc:
            self._close()
            raise self._body.error(exc) from None

    def close(self) -> None:
        self._close()
