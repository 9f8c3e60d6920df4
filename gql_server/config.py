"""Settings: every knob of the server, read from the environment or passed in by tests."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BASE_URL = "https://api.factorialhr.com"
DEFAULT_API_VERSION = "2026-10-01"


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
    factorial_api_version: str = Field(default=DEFAULT_API_VERSION, pattern=r"^\d{4}-\d{2}-\d{2}$")
    factorial_api_key: SecretStr | None = None
    factorial_access_token: SecretStr | None = None
    gql_demo: bool | None = Field(
        default=None,
        description="Serve the built-in simulator's demo data. Unset: on when no upstream "
        "and no credential are configured.",
    )
    gql_demo_resources: int = Field(default=40, ge=0, le=100_000)

    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    upstream_timeout: float = Field(default=10.0, gt=0)
    upstream_max_connections: int = Field(default=50, ge=1)
    upstream_page_size: int = Field(default=100, ge=1, le=100)

    gql_report_cost: bool = Field(
        default=True, description="Add extensions.upstream (the price of a query) to responses."
    )
    gql_cost_budget: int = Field(
        default=1000,
        ge=1,
        description="Most upstream calls one operation may be estimated to need before it runs.",
    )
    gql_cost_assumed_size: int = Field(
        default=1000,
        ge=1,
        description="Collection size assumed by cost estimates until a real size is seen.",
    )
    gql_graphiql: bool = True
    gql_introspection: bool = True

    @property
    def demo(self) -> bool:
        """Whether this process serves the in-process simulator instead of a real upstream."""
        if self.gql_demo is not None:
            return self.gql_demo
        return (
            self.factorial_base_url is None
            and self.factorial_api_key is None
            and self.factorial_access_token is None
        )

    @property
    def base_url(self) -> str:
        """The upstream base URL without a trailing slash."""
        return (self.factorial_base_url or DEFAULT_BASE_URL).rstrip("/")
