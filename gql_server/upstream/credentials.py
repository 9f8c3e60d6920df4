"""Credentials: who a call to Factorial acts as, without ever printing the secret."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

CredentialKind = Literal["api_key", "bearer"]


class AccessTokens(Protocol):
    """Access tokens that change over time (the server-held OAuth credential)."""

    async def access_token(self) -> str: ...

    async def rejected(self, token: str) -> None:
        """Factorial answered 401 to `token`."""


@dataclass(frozen=True, slots=True)
class Credential:
    """An API key (`x-api-key`) or an OAuth access token (`Authorization: Bearer`).

    The secret is excluded from `repr` and equality is by fingerprint, so a credential can be
    used as (part of) a cache key and logged without leaking.
    """

    kind: CredentialKind
    secret: str = field(repr=False, compare=False)
    fingerprint: str = field(init=False, repr=False)
    tokens: AccessTokens | None = field(default=None, repr=False, compare=False)
    """Set for a refreshed OAuth credential: the Bearer token is asked of it on each call,
    and `secret` only names the credential (its fingerprint stays the same across tokens)."""

    def __post_init__(self) -> None:
        digest = hashlib.sha256(f"{self.kind}:{self.secret}".encode()).hexdigest()[:24]
        object.__setattr__(self, "fingerprint", digest)

    @classmethod
    def refreshed(cls, name: str, tokens: AccessTokens) -> Credential:
        """An OAuth credential whose access token `tokens` keeps fresh; `name` is no secret."""
        return cls("bearer", f"oauth:{name}", tokens)

    async def current_headers(self) -> dict[str, str]:
        """The headers that authenticate a call now (a refreshed token's latest)."""
        if self.tokens is None:
            return self.headers()
        return {"authorization": f"Bearer {await self.tokens.access_token()}"}

    def headers(self) -> dict[str, str]:
        """The request headers that authenticate a call."""
        if self.kind == "api_key":
            return {"x-api-key": self.secret}
        return {"authorization": f"Bearer {self.secret}"}

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Credential | None:
        """The credential an incoming request carries, if any.

        `Authorization: Bearer` wins over `x-api-key` when both are present; blank values count
        as absent.
        """
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return cls("bearer", token.strip())
        api_key = headers.get("x-api-key", "").strip()
        if api_key:
            return cls("api_key", api_key)
        return None

    def __repr__(self) -> str:
        return f"Credential(kind={self.kind!r}, fingerprint={self.fingerprint[:8]!r})"

    __str__ = __repr__
