"""An OAuth token pair as Factorial hands it out, and as it is stored between processes."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

# Refresh this long before expiry at most; for short lifetimes, a quarter of the lifetime.
LONGEST_MARGIN = 300.0
# The mark of a pair a person stored (`gql-server oauth login`): newer than any configured
# first refresh token, whatever the environment of the command that stored it.
LOGIN_SEED = "login"


def seed_mark(refresh_token: str | None) -> str:
    """A non-secret mark of the configured first refresh token: a stored pair that carries
    another mark predates a new one set by the operator."""
    if not refresh_token:
        return ""
    return hashlib.sha256(f"seed:{refresh_token}".encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An access token, its expiry (epoch seconds) and the refresh token that replaces it."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    lifetime: float
    seed: str = ""

    @classmethod
    def from_answer(cls, body: Any, seed: str, now: float | None = None) -> TokenPair:
        """A pair from the token endpoint's JSON answer; ValueError when it is not one.

        `expires_in` counts from `created_at` (the issuer's clock) when it is sent."""
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        access, refresh = body.get("access_token"), body.get("refresh_token")
        expires_in, created_at = body.get("expires_in"), body.get("created_at")
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            raise ValueError("no access_token or refresh_token")
        if not isinstance(expires_in, int | float) or expires_in <= 0:
            raise ValueError("no expires_in")
        start = created_at if isinstance(created_at, int | float) else None
        if start is None:
            start = time.time() if now is None else now
        return cls(access, refresh, float(start) + expires_in, float(expires_in), seed)

    @property
    def margin(self) -> float:
        """How long before expiry the pair is refreshed."""
        return min(LONGEST_MARGIN, self.lifetime / 4)

    def usable(self, now: float) -> bool:
        """Whether the access token has more than the margin left."""
        return now < self.expires_at - self.margin

    def alive(self, now: float) -> bool:
        """Whether the access token has not expired yet (within the margin or not)."""
        return now < self.expires_at

    def encode(self) -> bytes:
        return orjson.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "lifetime": self.lifetime,
                "seed": self.seed,
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> TokenPair:
        """A stored pair; ValueError when the bytes are not one."""
        try:
            body = orjson.loads(data)
            return cls(
                str(body["access_token"]),
                str(body["refresh_token"]),
                float(body["expires_at"]),
                float(body["lifetime"]),
                str(body.get("seed", "")),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise ValueError("not a stored token pair") from None
