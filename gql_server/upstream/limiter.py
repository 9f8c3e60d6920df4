"""Caps on concurrent upstream calls, overall and per credential."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from .errors import UpstreamShed


class ConcurrencyLimiter:
    """At most `total` calls in flight, and at most `per_credential` for any one credential.

    A call that cannot start within `max_wait` seconds fails with UPSTREAM_UNAVAILABLE instead
    of queueing without end behind a slow upstream or a greedy caller.
    """

    def __init__(self, total: int = 50, per_credential: int = 10, max_wait: float = 2.0) -> None:
        self.per_credential = per_credential
        self.max_wait = max_wait
        self._total = asyncio.Semaphore(total)
        self._by_credential: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def slot(self, fingerprint: str) -> AsyncIterator[None]:
        semaphore, users = self._by_credential.get(
            fingerprint, (asyncio.Semaphore(self.per_credential), 0)
        )
        self._by_credential[fingerprint] = (semaphore, users + 1)
        try:
            async with asyncio.timeout(self.max_wait):
                await semaphore.acquire()
                try:
                    await self._total.acquire()
                except BaseException:
                    semaphore.release()
                    raise
        except TimeoutError:
            self._leave(fingerprint)
            raise UpstreamShed("Too many calls to Factorial are waiting.") from None
        except BaseException:
            self._leave(fingerprint)
            raise
        try:
            yield
        finally:
            self._total.release()
            semaphore.release()
            self._leave(fingerprint)

    def _leave(self, fingerprint: str) -> None:
        semaphore, users = self._by_credential[fingerprint]
        if users <= 1:
            # Forget idle credentials, so the table does not grow with every caller ever seen.
            del self._by_credential[fingerprint]
        else:
            self._by_credential[fingerprint] = (semaphore, users - 1)
