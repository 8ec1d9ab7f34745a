"""A register's configuration: ``register.toml`` in the register folder.

Any field can be overridden from the environment: ``RISKGRAPH_<SECTION>__<FIELD>``, for example
``RISKGRAPH_RISK__APPETITE=low``. Secrets (API keys, endpoint passwords) are never written to the
file by riskgraph; put them in the environment.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from riskgraph.errors import InputError, Location
from riskgraph.vocab import DEFAULT_BASE_IRI

CONFIG_FILE = "register.toml"

LEVEL_NAMES = (
    "extremely-low",
    "very-low",
    "low",
    "moderate",
    "high",
    "very-high",
    "extremely-high",
)
"""DPV risk levels in rank order (rank = index + 1)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RiskSettings(_Section):
    matrix: Literal["3x3", "5x5", "7x7"] = "5x5"
    """The DPV risk matrix new risks are scored on."""

    appetite: Literal[
        "extremely-low", "very-low", "low", "moderate", "high", "very-high", "extremely-high"
    ] = "moderate"
    """The highest risk level the organisation accepts without treatment. Risks above it are
    'above appetite' and need an approved treatment."""

    @property
    def appetite_rank(self) -> int:
        return LEVEL_NAMES.index(self.appetite) + 1


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]*@")


def redact_urls(text: str) -> str:
    """``text`` with the user name and password of every URL in it replaced by ``***``."""
    return _USERINFO.sub(r"\1***@", text)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its user name and password, and those two (None where absent)."""
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
    except ValueError:
        return redact_urls(url), None, None
    if "@" not in parts.netloc:
        return url, None, None
    netloc = parts.netloc.rpartition("@")[2]
    return (
        urlunsplit(parts._replace(netloc=netloc)),
        unquote(username) if username else None,
        unquote(password) if password is not None else None,
    )


class EndpointSettings(_Section):
    query_url: str
    """SPARQL 1.1 Query endpoint, e.g. http://localhost:7878/query."""

    update_url: str | None = None
    """SPARQL 1.1 Update endpoint; defaults to the query URL."""

    store_url: str | None = None
    """Graph Store Protocol endpoint, used for bulk transfers when present."""

    auth: Literal["none", "basic", "bearer"] = "none"
    """How to authenticate to the endpoint."""

    username: str | None = None
    """User name for basic auth. The password comes from RISKGRAPH_ENDPOINT_PASSWORD."""

    timeout_seconds: float = 60.0
    """HTTP timeout for one request."""

    server_kind: str | None = None
    """The server's layout as found by discovery (oxigraph, fuseki, virtuoso, graphdb,
    neptune); None when the URLs were given by hand."""

    max_update_quads: int | None = Field(default=None, ge=1)
    """Most quads one update request may carry; larger changes are sent in several requests
    under the write lease (Virtuoso refuses very large updates). None: no limit."""

    @field_validator("query_url", "update_url", "store_url", mode="before")
    @classmethod
    def _without_credentials(cls, url: object) -> object:
        """A user name or password in a URL is dropped: it is never kept, written or shown."""
        return split_credentials(url)[0] if isinstance(url, str) else url


class ReviewSettings(_Section):
    """How often each kind of item is reviewed, in days (an item's own rg:reviewInterval wins).
    Shared: they live with the register (riskgraph.shared_settings)."""

    risk_days: int = Field(default=365, ge=1, le=3660)
    control_days: int = Field(default=365, ge=1, le=3660)
    treatment_days: int = Field(default=180, ge=1, le=3660)
    system_days: int = Field(default=365, ge=1, le=3660)

    def days_for(self, kind: str) -> int:
        """The interval for an entity kind: risk, control, treatment or system."""
        days: int = getattr(self, f"{kind}_days")
        return days


class AcceptanceSettings(_Section):
    """Who may accept a risk (shared: it lives with the register)."""

    authority_role: str | None = None
    """The ID of the role (rg:Role) a person must hold to sign a risk acceptance. Unset: no one
    can accept risks until the register names the role."""


class QuerySettings(_Section):
    timeout_seconds: float = 60.0
    """Longest a query may run before it is stopped."""

    display_limit: int = Field(default=1000, ge=1)
    """Rows shown on screen; exports with -o always write every row."""


class AssistantSettings(_Section):
    base_url: str | None = None
    """OpenAI-compatible endpoint; falls back to OPENAI_BASE_URL. Unset: the assistant is off."""

    model: str = "gpt-4o-mini"
    """Model name sent to the endpoint."""

    api_key: SecretStr | None = None
    """Prefer OPENAI_API_KEY in the environment; a key here is read but never written back."""

    max_concurrency: int = Field(default=4, ge=1, le=32)
    """Drafts requested at the same time."""

    timeout_seconds: float = Field(default=60.0, gt=0)
    """Timeout for one model call."""

    max_retries: int = Field(default=3, ge=0, le=10)
    """Retries after a 429, a 5xx or a timeout, with exponential backoff."""

    backoff_seconds: float = Field(default=1.0, gt=0, le=60)
    """Base of the exponential backoff between retries (doubled on each retry)."""

    redact_fields: list[str] = Field(default_factory=list)
    """Context fields never sent to the model, e.g. ["owner", "description"]."""

    temperature: float = Field(default=0.2, ge=0, le=2)
    """Sampling temperature."""


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_IRIS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def base_iri_problem(value: str) -> str | None:
    """Why ``value`` cannot be a base IRI (None when it can): it must be an absolute IRI, with a
    scheme and without spaces or the characters IRIs exclude (RFC 3987)."""
    if not _SCHEME.match(value):
        return "is not an absolute IRI (it has no scheme such as https:)"
    if bad := _NOT_IN_IRIS.search(value):
        return f"is not an IRI: it holds {bad.group()!r}, which IRIs cannot hold"
    return None


class RegisterSettings(_Section):
    name: str = "AI risk register"
    """Display name of the register."""

    base_iri: str = DEFAULT_BASE_IRI
    """Base of entity IRIs: an entity with ID R-001 gets base_iri + 'R-001'."""

    @field_validator("base_iri")
    @classmethod
    def _an_absolute_iri(cls, value: str) -> str:
        problem = base_iri_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    backend: Literal["embedded", "sparql"] = "embedded"
    """'embedded' keeps the register in the folder; 'sparql' uses [endpoint]."""


class RegisterConfig(BaseSettings):
    """Everything in register.toml."""

    model_config = SettingsConfigDict(
        env_prefix="RISKGRAPH_", env_nested_delimiter="__", extra="forbid"
    )

    general: RegisterSettings = Field(default_factory=RegisterSettings)
    """Name, base IRI and backend (section [general])."""

    risk: RiskSettings = Field(default_factory=RiskSettings)
    """Risk matrix and appetite."""

    queries: QuerySettings = Field(default_factory=QuerySettings)
    """Limits that protect users from runaway queries."""

    review: ReviewSettings = Field(default_factory=ReviewSettings)
    """Review intervals per kind of item (section [review])."""

    acceptance: AcceptanceSettings = Field(default_factory=AcceptanceSettings)
    """Who may sign a risk acceptance (section [acceptance])."""

    endpoint: EndpointSettings | None = None
    """The shared SPARQL endpoint, for the 'sparql' backend."""

    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    """The optional LLM drafting assistant."""

    keys: dict[str, str] | None = None
    """The terminal UI's key map (section [keys]): action ID = keys, e.g. ``"browse.edit" =
    "f4"`` or ``"query.run" = "f5,ctrl+r"`` (several keys separated by commas). The app's help
    (``?``) lists every action ID with its keys; an ID the app does not have is an error."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file, which arrives as init arguments.
        return (env_settings, init_settings)


def load_config(path: Path) -> RegisterConfig:
    """Read ``register.toml``; errors name the file, the field, the value and what was expected."""
    try:
        data: dict[str, Any] = tomllib.loads(_config_text(path))
    except FileNotFoundError:
        raise InputError("register config not found", location=Location(file=str(path))) from None
    except IsADirectoryError:
        raise InputError(
            "is a folder, not the register's config file", location=Location(file=str(path))
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot be read: {exc.strerror or exc}", location=Location(file=str(path))
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", location=Location(file=str(path))) from None
    try:
        return RegisterConfig(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(
            first["msg"],
            location=Location(file=str(path), column=field),
            value=first.get("input"),
            expected="a valid value (see docs/configuration.md)",
        ) from None


def _config_text(path: Path) -> str:
    """The text of register.toml: UTF-8 (TOML's encoding), or UTF-16 with a byte order mark as
    some Windows editors save it. Anything else is refused, naming the first bad byte."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_text(path, raw, exc, "UTF-16") from None
    if (nul := raw.find(b"\x00")) >= 0:
        raise InputError(
            "is not UTF-8 text: it holds NUL bytes (it looks like UTF-16 without a byte order "
            "mark)",
            location=Location(file=str(path), line=raw.count(b"\n", 0, nul) + 1),
            expected="the file saved as UTF-8",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_text(path, raw, exc, "UTF-8") from None


def _not_text(path: Path, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> InputError:
    return InputError(
        f"is not {encoding} text: byte {raw[exc.start]:#04x} cannot be decoded",
        location=Location(file=str(path), line=raw.count(b"\n", 0, exc.start) + 1),
        expected="the file saved as UTF-8",
    )


def save_config(config: RegisterConfig, path: Path) -> None:
    """Write ``register.toml``, never including secrets."""
    data = config.model_dump(mode="json", exclude_none=True)
    data.get("assistant", {}).pop("api_key", None)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
