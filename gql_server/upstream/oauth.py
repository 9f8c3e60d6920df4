"""The server-held OAuth credential: access tokens refreshed ahead of expiry, never in a race.

One refresh at a time: per process (an asyncio lock) and across the processes sharing the
vault (its `exclusive` lock: an flock for a file, a lock in Redis for a fleet). Before asking
Factorial, the vault is read again under that lock: whoever refreshed first stored the new
pair there, and everyone else adopts it instead of spending the refresh token it replaced
(Factorial revokes it on use). The new pair is stored before it is used, so no restart or
other process can be left holding a dead refresh token.

A refused refresh token is remembered, and every request acting with it fails UNAUTHENTICATED
saying what to do, until new tokens appear in the vault (`gql-server oauth login`, or a pair
written to Redis): the vault is read again at most once a second meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import httpx

from ..fleet import StoreDown
from .errors import UpstreamUnauthenticated, UpstreamUnavailable
from .token_endpoint import GrantRefused, request_tokens
from .token_pair import LOGIN_SEED, TokenPair, seed_mark

logger = logging.getLogger("gql_server.upstream.oauth")

RECHECK_SECONDS = 1.0
# After a failed refresh, the still valid token is used this long before the next try, so
# that requests do not queue behind a failing token endpoint one at a time.
RETRY_SECONDS = 5.0
FIX = (
    "store new tokens with `gql-server oauth login` (or set a new "
    "FACTORIAL_OAUTH_REFRESH_TOKEN); the server resumes as soon as they are stored"
)


class TokenVault(Protocol):
    """Where the pair lives between refreshes, for every process and across restarts."""

    async def load(self) -> bytes | None: ...

    async def save(self, data: bytes) -> None: ...

    def exclusive(self) -> AbstractAsyncContextManager[None]: ...


class Sealer(Protocol):
    """Encryption at rest of what goes into the vault (or none)."""

    def seal(self, data: bytes) -> bytes: ...

    def open(self, data: bytes) -> bytes: ...


class PlainText:
    def seal(self, data: bytes) -> bytes:
        return data

    def open(self, data: bytes) -> bytes:
        return data


class OAuthTokens:
    """Access tokens for one OAuth client, from `token_url` (Factorial's `/oauth/token`).

    `refresh_token` is the configured first one; a pair in `vault` descending from it (or
    stored later by `gql-server oauth login`) wins over it. `attach` the shared httpx client
    before the first call.
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str | None,
        vault: TokenVault,
        sealer: Sealer | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self._seed_token = refresh_token
        self._seed = seed_mark(refresh_token)
        self.vault = vault
        self.sealer: Sealer = sealer or PlainText()
        self._clock = clock
        self._http: httpx.AsyncClient | None = None
        self._pair: TokenPair | None = None
        self._lock = asyncio.Lock()
        self._refused_token: str | None = None
        self._checked_at = float("-inf")
        self._retry_at = float("-inf")
        self.refusal: str | None = None
        """Why the server-held credential cannot work now, or None."""

    def attach(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def start(self) -> None:
        """Read the vault once at start-up, so that /readyz tells a server that holds no
        tokens at all before a request fails for it."""
        async with self._lock:
            with contextlib.suppress(StoreDown, OSError):
                await self._adopt_stored(stale=None, force=True)
            if self._pair is None and self._seed_token is None:
                self._refuse(None, "the server holds no OAuth tokens yet")

    async def access_token(self) -> str:
        """A token with more than its refresh margin left, refreshed first if need be."""
        pair = self._pair
        if pair is not None and self.refusal is None:
            now = self._clock()
            if pair.usable(now) or (now < self._retry_at and pair.alive(now)):
                return pair.access_token
        async with self._lock:
            return await self._current(stale=None)

    async def rejected(self, token: str) -> None:
        """Factorial answered 401 to `token`: refresh, unless that happened meanwhile."""
        async with self._lock:
            await self._current(stale=token)

    async def check(self) -> str | None:
        """The refusal still in force after looking at the vault again (for /readyz)."""
        if self.refusal is None:
            return None
        async with self._lock:
            with contextlib.suppress(StoreDown, OSError):
                await self._adopt_stored(stale=None, force=True)
        return self.refusal

    async def _current(self, stale: str | None) -> str:
        pair = self._pair
        if pair is not None and self.refusal is None and self._good(pair, stale):
            return pair.access_token
        try:
            adopted = await self._adopt_stored(stale, force=stale is not None)
            if adopted is not None:
                return adopted
            if self.refusal is not None:
                raise UpstreamUnauthenticated(self.refusal)
            async with self.vault.exclusive():
                # Under the lock: whoever held it before may have refreshed already.
                adopted = await self._adopt_stored(stale, force=True)
                if adopted is not None:
                    return adopted
                return await self._refresh()
        except (StoreDown, OSError, UpstreamUnavailable) as error:
            # Redis down, the state directory unusable, or Factorial's token endpoint failing:
            # a token that has not expired still works; refreshing is tried again shortly.
            pair = self._pair
            if pair is not None and pair.alive(self._clock()) and pair.access_token != stale:
                self._retry_at = self._clock() + RETRY_SECONDS
                return pair.access_token
            if isinstance(error, UpstreamUnavailable):
                raise
            raise UpstreamUnavailable(
                "The store of the server's OAuth tokens cannot be reached.",
                cause="token store down",
            ) from None

    def _good(self, pair: TokenPair, stale: str | None) -> bool:
        return pair.access_token != stale and pair.usable(self._clock())

    async def _adopt_stored(self, stale: str | None, *, force: bool) -> str | None:
        """Take the vault's pair when it is another than ours; its access token when usable."""
        now = self._clock()
        if self.refusal is not None and not force and now - self._checked_at < RECHECK_SECONDS:
            return None
        self._checked_at = now
        raw = await self.vault.load()
        stored = self._decode(raw) if raw is not None else None
        if stored is not None and self._seed and stored.seed not in (self._seed, LOGIN_SEED):
            stored = None  # the operator set a newer first refresh token than the vault's
        if stored is not None and (
            self._pair is None or stored.refresh_token != self._pair.refresh_token
        ):
            self._pair = stored
            if stored.refresh_token != self._refused_token and self.refusal is not None:
                self.refusal = None
                self._refused_token = None
                logger.warning("new OAuth tokens were stored: the server-held credential works")
        pair = self._pair
        if pair is not None and self.refusal is None and self._good(pair, stale):
            return pair.access_token
        return None

    def _decode(self, raw: bytes) -> TokenPair | None:
        try:
            return TokenPair.decode(self.sealer.open(raw))
        except ValueError:
            logger.warning(
                "the stored OAuth tokens cannot be read (encrypted with another GQL_STATE_KEY, "
                "or with one while none is set); ignoring them"
            )
            return None

    async def _refresh(self) -> str:
        refresh_token = self._pair.refresh_token if self._pair is not None else self._seed_token
        if refresh_token is None:
            self._refuse(None, "the server has no OAuth refresh token yet")
            raise UpstreamUnauthenticated(self.refusal)
        if self._http is None:
            raise RuntimeError("OAuthTokens.attach(http) was not called")
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        try:
            pair = await request_tokens(self._http, self.token_url, form, self._seed)
        except GrantRefused as refused:
            self._refuse(refresh_token, f"Factorial refused the server's OAuth tokens ({refused})")
            raise UpstreamUnauthenticated(self.refusal) from None
        # Stored before use: the refresh token just spent is dead, this one is the only one.
        await self.vault.save(self.sealer.seal(pair.encode()))
        self._pair = pair
        logger.info("OAuth access token refreshed; it expires in %d s", pair.lifetime)
        return pair.access_token

    def _refuse(self, refresh_token: str | None, what: str) -> None:
        self._refused_token = refresh_token
        self._checked_at = self._clock()
        self.refusal = f"{what}: {FIX}."
        logger.error("%s", self.refusal)
