"""A GET made once for as many callers as can share it: answered from the read cache, joined
to an identical one in flight (in this process, then on the fleet's other processes), or made.

Callers share only with the same credential. With the read cache on, an in-flight call is
named by the ticket its read began under too (the collection's generation), so a read begun
after a write never joins a call begun before it, here or in the fleet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ..fleet import Flights
from ..fleet.cache import Ticket
from .cached_reads import MISSING, CachedReads
from .credentials import Credential
from .fleet_get import fleet_get
from .stats import UpstreamStats


class Send(Protocol):
    """The client's call of one GET, retried as its policy allows."""

    def __call__(
        self,
        method: str,
        path: str,
        credential: Credential | None,
        stats: UpstreamStats,
        *,
        query: str = "",
        deadline: float | None = None,
    ) -> Awaitable[Any]: ...


class SharedGets:
    """The GETs of one client: `send` makes a call, `flights` joins the fleet's (None: this
    process alone), `cache` is the read cache (None: off); a stale entry's refresh gets
    `refresh_seconds` of its own."""

    def __init__(
        self,
        send: Send,
        *,
        flights: Flights | None,
        cache: CachedReads | None,
        refresh_seconds: float,
    ) -> None:
        self.send = send
        self.flights = flights
        self.cache = cache
        self.refresh_seconds = refresh_seconds
        self._in_flight: dict[tuple[str, str, str, str], asyncio.Future[Any]] = {}
        self._waiting: dict[tuple[str, str, str, str], int] = {}  # callers of each call

    async def get(
        self,
        path: str,
        query: str,
        credential: Credential,
        stats: UpstreamStats,
        deadline: float | None,
        parse: Callable[[Any], Any] | None,
        fresh: bool,
    ) -> Any:
        """See `FactorialClient.get_shared`."""
        cache = self.cache
        if cache is None:
            return await self._joined(path, query, credential, stats, deadline, parse, None)
        found, body = await cache.lookup(credential.fingerprint, path, query, fresh=fresh)
        if body is MISSING:
            ticket = found.ticket
            return await self._joined(path, query, credential, stats, deadline, parse, ticket)
        stats.cache_hit(stale=found.stale)
        if found.lock is not None:
            until = time.monotonic() + self.refresh_seconds
            cache.refresh(
                credential.fingerprint,
                path,
                query,
                found.lock,
                # Billed to no request: stats of its own.
                lambda: self._joined(
                    path, query, credential, UpstreamStats(), until, None, found.ticket
                ),
            )
        return body if parse is None else parse(body)

    async def _joined(
        self,
        path: str,
        query: str,
        credential: Credential,
        stats: UpstreamStats,
        deadline: float | None,
        parse: Callable[[Any], Any] | None,
        ticket: Ticket | None,
    ) -> Any:
        """The GET joined to an identical one in flight in this process under the same
        ticket, or made."""
        token = "" if self.cache is None else self.cache.token(ticket)
        key = (credential.fingerprint, path, query, token)
        shared = self._in_flight.get(key)
        if shared is None:
            shared = asyncio.ensure_future(
                self._get(path, query, credential, stats, deadline, parse, ticket, token)
            )
            self._in_flight[key] = shared
            shared.add_done_callback(lambda done: self._landed(key, done))
            return await self._wait_for(key, shared)
        stats.shared_started()
        try:
            return await self._wait_for(key, shared)
        finally:
            stats.shared_finished()

    async def _wait_for(self, key: tuple[str, str, str, str], shared: asyncio.Future[Any]) -> Any:
        """The call's answer. Shielded: one caller giving up must not cancel the call for the
        others; but when the last one gives up (its client gone), the call is cancelled, as
        nobody here waits for it (a fleet's waiters then call themselves, as after a failed
        call)."""
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            return await asyncio.shield(shared)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                shared.cancel()  # nothing once it is done

    async def close(self) -> None:
        """Cancel the calls still in flight: at shutdown, once requests have finished, only
        background refreshes can own one."""
        calls = list(self._in_flight.values())
        for call in calls:
            call.cancel()
        await asyncio.gather(*calls, return_exceptions=True)

    def _landed(self, key: tuple[str, str, str, str], done: asyncio.Future[Any]) -> None:
        """The call is over: later reads make their own. Its failure is its callers' to
        raise; taken here too, so that a call every caller gave up on (a refresh cancelled
        at shutdown) is not reported as an error nobody retrieved."""
        self._in_flight.pop(key, None)
        if not done.cancelled():
            done.exception()

    async def _get(
        self,
        path: str,
        query: str,
        credential: Credential,
        stats: UpstreamStats,
        deadline: float | None,
        parse: Callable[[Any], Any] | None,
        ticket: Ticket | None,
        token: str,
    ) -> Any:
        """One process's call of a GET, joined to the fleet's identical one if any. The
        process that made the call stores its answer (once it parsed) under its ticket."""
        made = False

        async def call() -> Any:
            nonlocal made
            made = True
            return await self.send("GET", path, credential, stats, query=query, deadline=deadline)

        fingerprint = credential.fingerprint
        body = await fleet_get(self.flights, fingerprint, path, query, stats, deadline, call, token)
        result = body if parse is None else parse(body)
        if made and ticket is not None and self.cache is not None:
            await self.cache.store(ticket, fingerprint, path, query, body)
        return result
