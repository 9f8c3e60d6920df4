"""Redis as the fleet's shared store: short timeouts, one warning when it goes, and back.

`SharedStore(None)` is the single process: nothing is shared and every caller uses its
in-process fallback. With a URL, `call` runs one operation on Redis within `timeout` seconds,
or raises `StoreDown`, upon which the caller falls back. After a failure Redis is not asked
again for `retry_after` seconds (so a dead Redis costs no request a timeout), then the next
call probes it; the first success after a failure logs that sharing resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

logger = logging.getLogger("gql_server.fleet")

T = TypeVar("T")

DEFAULT_TIMEOUT = 0.25
MAX_CONNECTIONS = 64
"""Connections to Redis a process opens at most; operations beyond them wait for one (within
the timeout) instead of failing: a level of a few hundred rows looks each row up at once."""
DEFAULT_RETRY_AFTER = 1.0
KEY_PREFIX = "gql:"


class StoreDown(Exception):
    """Redis is not configured, down or too slow: use the in-process fallback."""


class SharedStore:
    """The fleet's Redis, or none; `up` says whether the last operation reached it."""

    def __init__(
        self,
        url: str | None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry_after: float = DEFAULT_RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.retry_after = retry_after
        self._clock = clock
        self._down_since: float | None = None
        self.redis: Redis | None = None
        if url is not None:
            pool = BlockingConnectionPool.from_url(
                url,
                max_connections=MAX_CONNECTIONS,
                timeout=timeout,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=30,
                decode_responses=False,
            )
            self.redis = Redis.from_pool(pool)

    @property
    def shared(self) -> bool:
        """Whether a Redis is configured at all."""
        return self.redis is not None

    @property
    def up(self) -> bool:
        """Configured and reached by the last operation."""
        return self.redis is not None and self._down_since is None

    def key(self, *parts: str) -> str:
        """A key of this project's namespace; parts are never secrets (fingerprints, hashes)."""
        return KEY_PREFIX + ":".join(parts)

    async def call(self, operation: Callable[[Redis], Awaitable[T]], *, probe: bool = False) -> T:
        """`operation` on Redis within the timeout, or StoreDown. With `probe`, Redis is asked
        even within `retry_after` of a failure (an operation worth a second try at once)."""
        redis = self.redis
        if redis is None:
            raise StoreDown("no shared store is configured")
        down_since = self._down_since
        if down_since is not None and not probe and self._clock() - down_since < self.retry_after:
            raise StoreDown("the shared store is down")
        try:
            async with asyncio.timeout(self.timeout):
                result = await operation(redis)
        except (RedisError, OSError, TimeoutError) as error:
            self._went_down(error)
            raise StoreDown("the shared store failed") from None
        if self._down_since is not None:
            self._down_since = None
            logger.warning("Redis is back: sharing state with the fleet again")
        return result

    def _went_down(self, error: BaseException) -> None:
        if self._down_since is None:
            # One warning per outage, not one per call: the fallbacks say the rest.
            logger.warning(
                "Redis failed (%s): each process keeps serving on its own state until it is back",
                type(error).__name__,
            )
        self._down_since = self._clock()

    async def watch(self, interval: float = 1.0) -> None:
        """Ping Redis every `interval` seconds, so that `up` (and /metrics) follows it even
        while no request needs it, and sharing resumes as soon as it is back. Runs until
        cancelled."""
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(StoreDown):
                await self.call(lambda redis: redis.ping())

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
