"""Reading and checking the credential of a request: `x-api-key` or a Bearer token."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Literal

CredentialKind = Literal["api_key", "bearer"]


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential as presented; the secret never appears in its repr."""

    kind: CredentialKind
    secret: str = field(repr=False)


def read_credential(headers: Mapping[str, str]) -> Credential | None:
    """The request's credential: a non-empty `x-api-key` first, else `Authorization: Bearer`."""
    api_key = headers.get("x-api-key", "").strip()
    if api_key:
        return Credential("api_key", api_key)
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        return Credential("bearer", token)
    return None


def is_accepted(
    credential: Credential | None,
    *,
    api_keys: Set[str] | None,
    access_tokens: Set[str] | None,
) -> bool:
    """Whether `credential` opens the API; a None set accepts any non-empty secret of its kind."""
    if credential is None:
        return False
    allowed = api_keys if credential.kind == "api_key" else access_tokens
    return allowed is None or credential.secret in allowed
