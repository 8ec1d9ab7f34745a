"""Where drafts are requested: an OpenAI-compatible endpoint from the register config or the
environment. The API key is held only here, in memory; it is never printed, stored or exported."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import SecretStr

from riskgraph.config import AssistantSettings
from riskgraph.errors import InputError, Location, UserError

OPENAI_URL = "https://api.openai.com/v1"
NO_KEY = "no-key"
"""Sent as the bearer token to endpoints that need none (a local Ollama, vLLM or llama.cpp)."""

HOW_TO_CONFIGURE = """\
The drafting assistant has no model endpoint; every other riskgraph feature works without one.
Configure it in one of two ways:
  - environment: OPENAI_API_KEY for OpenAI itself, plus OPENAI_BASE_URL for any other
    OpenAI-compatible endpoint (Azure OpenAI, Ollama, vLLM, llama.cpp server);
  - register.toml, in the assistant section: base_url = "http://localhost:11434/v1" and
    model = "llama3.1"; a key, if the endpoint needs one, still goes in OPENAI_API_KEY.
See docs/assistant.md."""


class AssistantNotConfiguredError(UserError):
    """No endpoint: the assistant is off."""

    def __init__(self) -> None:
        super().__init__(HOW_TO_CONFIGURE)


@dataclass(frozen=True)
class Endpoint:
    """A resolved endpoint and the call settings that go with it."""

    base_url: str
    model: str
    temperature: float
    timeout_seconds: float
    max_retries: int
    max_concurrency: int
    api_key: SecretStr = field(repr=False, default=SecretStr(NO_KEY))

    def __repr__(self) -> str:  # never the key, nor credentials inside the URL
        return f"Endpoint({self.display_url!r}, model={self.model!r})"

    @property
    def host(self) -> str:
        """Host (and port) only: what provenance records. Never credentials, paths or queries."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        return f"{host}:{parts.port}" if parts.port else host

    @property
    def display_url(self) -> str:
        """The base URL without user name, password, query or fragment, for messages."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{self.host}{parts.path}".rstrip("/")

    @property
    def chat_url(self) -> str:
        return self.display_url + "/chat/completions"


def _checked_url(url: str, source: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            "not an endpoint URL",
            location=Location(file=source),
            value=_without_credentials(url),
            expected="an http(s) URL such as http://localhost:11434/v1",
        )
    return url


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.password or parts.username:
        return url.replace(parts.netloc, parts.hostname or "", 1)
    return url


def resolve_endpoint(
    settings: AssistantSettings,
    environ: Mapping[str, str] | None = None,
    config_file: str = "register.toml",
) -> Endpoint | None:
    """The configured endpoint, or None when the assistant is off (no base URL and no key).

    The base URL comes from [assistant] base_url, else OPENAI_BASE_URL, else OpenAI's own when
    a key is set. The key comes from [assistant] api_key, else OPENAI_API_KEY.
    """
    env = os.environ if environ is None else environ
    key = settings.api_key.get_secret_value() if settings.api_key else env.get("OPENAI_API_KEY")
    if settings.base_url:
        base_url = _checked_url(settings.base_url, f"{config_file} [assistant] base_url")
    elif env.get("OPENAI_BASE_URL"):
        base_url = _checked_url(env["OPENAI_BASE_URL"], "$OPENAI_BASE_URL")
    elif key:
        base_url = OPENAI_URL
    else:
        return None
    return Endpoint(
        base_url=base_url.rstrip("/"),
        model=settings.model,
        temperature=settings.temperature,
        timeout_seconds=settings.timeout_seconds,
        max_retries=settings.max_retries,
        max_concurrency=settings.max_concurrency,
        api_key=SecretStr(key or NO_KEY),
    )


def require_endpoint(
    settings: AssistantSettings, environ: Mapping[str, str] | None = None, config_file: str = ""
) -> Endpoint:
    endpoint = resolve_endpoint(settings, environ, config_file or "register.toml")
    if endpoint is None:
        raise AssistantNotConfiguredError()
    return endpoint


def scrub(text: str, endpoint: Endpoint) -> str:
    """``text`` with the API key removed, for messages that quote an endpoint's answer."""
    key = endpoint.api_key.get_secret_value()
    if key and key != NO_KEY:
        text = text.replace(key, "***")
    return text
