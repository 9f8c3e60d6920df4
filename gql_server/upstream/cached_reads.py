"""The shared read cache as the client uses it (`fleet/cache.py` keeps the entries).

An entry is one GET's answer for one credential: named by the credential's fingerprint, the
collection, and a digest of the upstream URL with its query (ids are in queries: digested, as
fleet_get.flight_name does). Its groups are its collection's, and for cells the row it reads
(invalidation.groups_of), whose generations every credential shares: one company's data is
reachable with several credentials (a user's token, the server's key), and a write through
any of them must expire what the others read. Entries stay per credential, so no caller is
ever answered from another's.

A stale entry is answered at once and refreshed in the background by the one caller of the
fleet that got its lock: with the same credential, under the rate governor, within a deadline
of its own, billed to no request. A refresh that Factorial refuses because the record or the
credential's access is gone drops the entry; any other failure leaves it to be served stale
until it expires, and is logged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import msgspec

from ..fleet.cache import Lookup, ReadCache, Ticket
from .errors import UpstreamError
from .invalidation import changed_by, collection_of, groups_of
from .observer import CallObserver, route_of

logger = logging.getLogger("gql_server.upstream")

# msgspec both ways, as the exchange decodes: integers past 64 bits stay exact.
_ENCODE = msgspec.json.Encoder()
_DECODE = msgspec.json.Decoder()
# Refusals that say the entry must not be served any longer: the credential is refused, may
# no longer read it, or it is gone.
_GONE = frozenset({401, 403, 404, 410})
MISSING: Any = object()
"""The body of a lookup that found nothing to serve."""


class CachedReads:
    """The client's side of the read cache: lookups, stores, invalidations and refreshes."""

    def __init__(self, cache: ReadCache, *, root: str, observer: CallObserver) -> None:
        self.cache = cache
        self.root = root
        self.observer = observer
        self.local_writes = 0
        """Writes this process made: names in-flight calls while the cache cannot say."""
        self._refreshes: set[asyncio.Task[None]] = set()

    def name(self, fingerprint: str, path: str, query: str) -> str:
        """The entry of one GET for one credential; the root names Factorial and its API
        version, so that replicas configured otherwise never share an answer."""
        digest = hashlib.sha256(f"{self.root}{path}?{query}".encode()).hexdigest()[:32]
        return f"{fingerprint}:{collection_of(path)}:{digest}"

    def token(self, ticket: Ticket | None) -> str:
        """What in-flight calls are named by beside their path: the ticket, so that a read
        begun after a write never joins a call begun before it."""
        return ticket.token if ticket is not None else f"~{self.local_writes}"

    async def lookup(
        self, fingerprint: str, path: str, query: str, *, fresh: bool
    ) -> tuple[Lookup, Any]:
        """The cache's entry for this GET (not read when the caller asks for `fresh` data),
        with the ticket its answer is to be stored under, and the entry's body (MISSING when
        there is nothing to serve)."""
        name = self.name(fingerprint, path, query)
        found = await self.cache.lookup(groups_of(path, query), name, read=not fresh)
        body = MISSING
        if found.value is not None:
            with contextlib.suppress(msgspec.DecodeError):
                body = _DECODE.decode(found.value)
        if found.ticket is None:
            outcome = "unavailable"
        elif fresh:
            outcome = "bypass"
        elif body is MISSING:
            outcome = "miss"
        else:
            outcome = "stale" if found.stale else "hit"
        self.observer.cache_lookup(outcome)
        return found, body

    async def store(
        self, ticket: Ticket, fingerprint: str, path: str, query: str, body: Any
    ) -> None:
        """Keep a successful answer under the ticket its read began with."""
        if body is None:
            return
        name = self.name(fingerprint, path, query)
        await self.cache.store(groups_of(path, query), name, ticket, _ENCODE.encode(body))

    async def invalidate(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        answer: Any = None,
        rows: Iterable[str] = (),
    ) -> None:
        """A write was made or tried: expire every cached read it may have changed (see
        `invalidation.changed_by` for `body`, `answer` and `rows`)."""
        self.local_writes += 1
        groups = changed_by(method, path, body=body, answer=answer, rows=rows)
        done = await self.cache.bump(groups)
        self.observer.cache_invalidated("done" if done else "owed")

    def refresh(
        self, fingerprint: str, path: str, query: str, lock: str, run: Callable[[], Awaitable[Any]]
    ) -> None:
        """Bring a stale entry up to date in the background: `run` reads and stores it."""
        name = self.name(fingerprint, path, query)
        task = asyncio.ensure_future(self._refresh(name, lock, route_of(path), run))
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    async def _refresh(
        self, name: str, lock: str, route: str, run: Callable[[], Awaitable[Any]]
    ) -> None:
        outcome = "failed"
        try:
            await run()
        except UpstreamError as error:
            if error.status in _GONE:
                await self.cache.drop(name)
                await self.cache.release(name, lock)
            logger.info(
                "refresh of a cached GET %s failed (%s): %s",
                route,
                error.code,
                "dropped" if error.status in _GONE else "served stale until it expires",
                extra={"route": route, "code": error.code, "status": error.status},
            )
        except Exception:
            logger.exception("refresh of a cached GET %s failed", route)
        else:
            outcome = "done"
            await self.cache.release(name, lock)
        self.observer.cache_refreshed(outcome)

    async def settle(self) -> None:
        """Wait for the refreshes under way (tests)."""
        while self._refreshes:
            await asyncio.gather(*self._refreshes, return_exceptions=True)

    async def close(self) -> None:
        """Cancel the refreshes under way and the cache's own background work (shutdown)."""
        for task in list(self._refreshes):
            task.cancel()
        for task in list(self._refreshes):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.cache.close()
