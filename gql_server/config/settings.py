"""Settings: every knob of the server, read from the environment or passed in by tests."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..fleet import Rate, parse_rate
from ..upstream.sealing import check_key
from .errors import ConfigError

DEFAULT_BASE_URL = "https://api.factorialhr.com"
DEFAULT_API_VERSION = "2026-10-01"
DEFAULT_GRAPHIQL_ASSETS_URL = "https://unpkg.com"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Settings(BaseSettings):
    """Configuration of one gateway process.

    Field names map to environment variables of the same name in upper case
    (`factorial_base_url` <- `FACTORIAL_BASE_URL`). No instance exists at import time:
    `create_app(Settings())` reads the environment once, tests pass values directly.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    factorial_base_url: str | None = Field(
        default=None, description="Upstream base URL; unset means Factorial itself."
    )
    factorial_api_version: str = Field(
        default=DEFAULT_API_VERSION, description="Dated API version in the path, YYYY-MM-DD."
    )
    factorial_api_key: SecretStr | None = None
    factorial_access_token: SecretStr | None = None
    factorial_oauth_client_id: str | None = Field(
        default=None, description="OAuth application whose tokens the server holds and refreshes."
    )
    factorial_oauth_client_secret: SecretStr | None = None
    factorial_oauth_refresh_token: SecretStr | None = Field(
        default=None,
        description="First refresh token; the rotated ones are stored (GQL_STATE_DIR or Redis).",
    )
    gql_state_key: SecretStr | None = Field(
        default=None, description="Fernet key the stored OAuth tokens are encrypted with."
    )
    gql_state_dir: Path | None = Field(
        default=None,
        description="Directory of the server's OAuth tokens without Redis. Unset: "
        "$XDG_STATE_HOME/gql-server (~/.local/state/gql-server).",
    )
    gql_demo: bool | None = Field(
        default=None,
        description="Serve the built-in simulator's demo data. Unset: on when no upstream "
        "and no credential are configured.",
    )
    gql_demo_resources: int = Field(default=40, ge=0, le=100_000)

    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    upstream_timeout: float = Field(default=10.0, gt=0)
    upstream_max_connections: int = Field(default=50, ge=1)
    upstream_max_concurrency_per_credential: int = Field(
        default=25, ge=1, description="Calls in flight at once for one credential."
    )
    upstream_max_queue_wait: float = Field(
        default=2.0, gt=0, description="Seconds a call may wait for a free slot before failing."
    )
    upstream_max_response_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    upstream_retries: int = Field(default=2, ge=0, le=5, description="Retries of a failed GET.")
    upstream_breaker_threshold: int = Field(
        default=5, ge=1, description="Consecutive upstream failures that open the breaker."
    )
    upstream_breaker_cooldown: float = Field(
        default=5.0, gt=0, description="Seconds the breaker stays open before a probe."
    )
    upstream_rate_post: str = Field(
        default="200/minute",
        description="Writes (POST, PUT, DELETE) per credential, for the whole fleet: "
        "N/second, N/minute, N/hour, or off.",
    )
    upstream_rate_get: str = Field(
        default="off", description="Reads (GET) per credential, for the whole fleet, or off."
    )
    gql_request_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds one request may spend on Factorial, retries included.",
    )
    gql_shutdown_timeout: float = Field(
        default=20.0, ge=0, description="Seconds in-flight requests get to finish at shutdown."
    )
    gql_log_format: Literal["json", "text"] | None = Field(
        default=None, description="Log lines as JSON objects or text; unset: text in demo mode."
    )
    gql_log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="The least severe log lines written (ours and uvicorn's)."
    )
    gql_metrics: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")

    gql_report_cost: bool = Field(
        default=True, description="Add extensions.upstream (the price of a query) to responses."
    )
    gql_cost_budget: int = Field(
        default=5000,
        ge=1,
        description="Most upstream calls one operation may be estimated to need before it runs.",
    )
    gql_cost_assumed_size: int = Field(
        default=1000,
        ge=1,
        description="Collection size assumed by cost estimates until a real size is seen.",
    )

    # Production posture: each of these is on unless GQL_PRODUCTION is set; a value set
    # explicitly wins either way.
    gql_production: bool = Field(
        default=False, description="Production defaults: no GraphiQL, introspection, suggestions."
    )
    gql_graphiql: bool | None = None
    gql_introspection: bool | None = None
    gql_field_suggestions: bool | None = Field(
        default=None, description='"Did you mean …?" in validation errors.'
    )
    gql_graphiql_assets_url: str = Field(
        default=DEFAULT_GRAPHIQL_ASSETS_URL,
        description="Where GraphiQL's page loads React and GraphiQL from (unpkg's layout).",
    )
    gql_graphiql_assets_dir: Path | None = Field(
        default=None,
        description="Serve GraphiQL's assets from this directory (unpkg's layout) instead.",
    )

    # Operation limits, checked before validation and before any upstream call.
    gql_max_document_length: int = Field(default=65_536, ge=1)
    gql_max_tokens: int = Field(default=2_000, ge=1)
    gql_max_depth: int = Field(default=12, ge=1)
    gql_max_fields: int = Field(default=500, ge=1)
    gql_max_aliases: int = Field(default=30, ge=0)
    gql_max_directives: int = Field(default=50, ge=0)
    gql_max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    gql_max_batch_size: int = Field(
        default=0, ge=0, description="Operations in one array-batched POST; 0 turns batching off."
    )

    # Cross-site protection of a server-held credential.
    gql_csrf_prevention: bool | None = Field(
        default=None,
        description="Refuse requests a browser could send cross-site without a preflight. "
        "Unset: on when a server-held credential is configured.",
    )
    gql_allowed_hosts: Annotated[list[str], NoDecode] | None = Field(
        default=None,
        description="Host names /graphql answers to (comma-separated; `*` any). Unset: "
        "localhost only when a server-held credential is configured, else any.",
    )
    gql_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed to call /graphql from a browser."
    )
    gql_cors_allow_credentials: bool = False

    # Persisted queries.
    gql_persisted_queries: Literal["automatic", "registered", "off"] = "automatic"
    gql_persisted_query_manifest: Path | None = Field(
        default=None, description="Apollo persisted query manifest of registered operations."
    )
    gql_apq_cache_size: int = Field(default=1000, ge=1)
    gql_apq_shared_ttl: int = Field(
        default=86_400,
        ge=1,
        description="Seconds an automatic persisted query stays in the fleet's Redis.",
    )

    # Idempotent mutations (the Idempotency-Key header).
    gql_idempotency_ttl: int = Field(
        default=86_400,
        ge=1,
        description="Seconds a mutation's Idempotency-Key is remembered, with its answer.",
    )

    # The read cache shared across requests (README, Caching).
    gql_cache_ttl: float = Field(
        default=0.0,
        ge=0,
        description="Seconds an upstream GET's answer is served to later requests with the "
        "same credential; 0 turns the read cache off.",
    )
    gql_cache_stale: float = Field(
        default=0.0,
        ge=0,
        description="Seconds more an expired answer is served at once while one refresh runs.",
    )
    gql_cache_max_mb: int = Field(
        default=64,
        ge=1,
        description="Megabytes the read cache keeps in each process (without GQL_REDIS_URL).",
    )

    # A fleet of processes sharing state through Redis.
    gql_redis_url: SecretStr | None = Field(
        default=None,
        description="Redis that every process of a fleet shares state through; unset, each "
        "process keeps its own.",
    )
    gql_redis_timeout: float = Field(
        default=0.25, gt=0, le=5, description="Seconds one Redis operation may take."
    )
    gql_fleet_size: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="Processes in the fleet: each takes this share of the upstream rates "
        "while Redis is down.",
    )

    @field_validator("gql_log_level", "gql_log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("factorial_api_version")
    @classmethod
    def _real_date(cls, value: str) -> str:
        if not (_DATE.fullmatch(value) and _is_date(value)):
            raise ValueError("should be a date written YYYY-MM-DD, such as 2026-10-01")
        return value

    @field_validator("upstream_rate_post", "upstream_rate_get")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        parse_rate(value)
        return value.strip()

    @field_validator("gql_state_key")
    @classmethod
    def _a_fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_key(value.get_secret_value())
        return value

    @field_validator("gql_graphiql_assets_dir")
    @classmethod
    def _existing_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            what = "is not a directory" if value.exists() else "does not exist"
            raise ValueError(f"{value} {what}")
        return value

    @field_validator("gql_allowed_hosts", "gql_cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _check_posture(self) -> Settings:
        if self.gql_cors_allow_credentials and "*" in self.gql_cors_origins:
            raise ConfigError.of(
                "GQL_CORS_ORIGINS",
                "* cannot be combined with GQL_CORS_ALLOW_CREDENTIALS: "
                "name the origins that may send credentials",
            )
        if (self.factorial_oauth_client_id is None) != (self.factorial_oauth_client_secret is None):
            present, missing = (
                ("FACTORIAL_OAUTH_CLIENT_ID", "FACTORIAL_OAUTH_CLIENT_SECRET")
                if self.factorial_oauth_client_id is not None
                else ("FACTORIAL_OAUTH_CLIENT_SECRET", "FACTORIAL_OAUTH_CLIENT_ID")
            )
            raise ConfigError.of(missing, f"{present} is set: set {missing} too")
        if self.gql_cache_stale > 0 and self.gql_cache_ttl == 0:
            raise ConfigError.of(
                "GQL_CACHE_STALE",
                "stale answers are those past GQL_CACHE_TTL, which is 0 (the read cache is "
                "off): set GQL_CACHE_TTL too",
            )
        if self.gql_persisted_queries == "registered" and self.gql_persisted_query_manifest is None:
            raise ConfigError.of(
                "GQL_PERSISTED_QUERY_MANIFEST",
                "GQL_PERSISTED_QUERIES=registered needs a manifest of the registered operations",
            )
        return self

    @property
    def log_format(self) -> Literal["json", "text"]:
        if self.gql_log_format is not None:
            return self.gql_log_format
        return "text" if self.demo else "json"

    @property
    def demo(self) -> bool:
        """Whether this process serves the in-process simulator instead of a real upstream."""
        if self.gql_demo is not None:
            return self.gql_demo
        return (
            self.factorial_base_url is None
            and self.factorial_api_key is None
            and self.factorial_access_token is None
            and self.factorial_oauth_client_id is None
        )

    @property
    def rate_post(self) -> Rate | None:
        """UPSTREAM_RATE_POST as a rate; None when off."""
        return parse_rate(self.upstream_rate_post)

    @property
    def rate_get(self) -> Rate | None:
        """UPSTREAM_RATE_GET as a rate; None when off."""
        return parse_rate(self.upstream_rate_get)

    @property
    def base_url(self) -> str:
        """The upstream base URL without a trailing slash."""
        return (self.factorial_base_url or DEFAULT_BASE_URL).rstrip("/")

    @property
    def server_credential_configured(self) -> bool:
        """Whether a real credential is held by the server (the demo's is not one)."""
        return (
            self.factorial_api_key is not None
            or self.factorial_access_token is not None
            or self.factorial_oauth_client_id is not None
        )

    @property
    def state_dir(self) -> Path:
        """Where a single process keeps its OAuth tokens."""
        if self.gql_state_dir is not None:
            return self.gql_state_dir
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(base) / "gql-server"

    @property
    def graphiql_enabled(self) -> bool:
        return _unless_production(self.gql_graphiql, self.gql_production)

    @property
    def introspection_enabled(self) -> bool:
        return _unless_production(self.gql_introspection, self.gql_production)

    @property
    def field_suggestions_enabled(self) -> bool:
        return _unless_production(self.gql_field_suggestions, self.gql_production)

    @property
    def csrf_prevention_enabled(self) -> bool:
        if self.gql_csrf_prevention is not None:
            return self.gql_csrf_prevention
        return self.server_credential_configured

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """Host names requests to /graphql may name; `("*",)` for any."""
        if self.gql_allowed_hosts is not None:
            return tuple(self.gql_allowed_hosts)
        return LOCAL_HOSTS if self.server_credential_configured else ("*",)


def _unless_production(explicit: bool | None, production: bool) -> bool:
    return (not production) if explicit is None else explicit


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True
