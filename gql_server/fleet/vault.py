"""One value the whole fleet reads and replaces, with a lock its holder alone releases.

A value (opaque bytes: the caller seals secrets before they get here) under a key named by the
caller, never after a secret. `exclusive` is a lock in Redis with a token and a life: taken
with SET NX PX, released by compare-and-delete in Lua, so a holder that outlived its lock never
drops another's. A process waiting for the lock polls it (one short command a time, as
flights.py does); a holder that dies leaves the lock to expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any

from .store import SharedStore, StoreDown

POLL_SECONDS = 0.02

# KEYS: lock; ARGV: token. Deleted only by the process holding it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class SharedVault:
    """The value `name` in the fleet's Redis, and its lock of `lock_seconds`.

    Every operation raises StoreDown when Redis cannot answer; waiting for the lock gives up
    (StoreDown) after `lock_seconds` twice over, when even a dead holder's lock has expired.
    """

    def __init__(self, store: SharedStore, name: str, *, lock_seconds: float) -> None:
        self.store = store
        self.key = store.key("vault", name)
        self.lock_key = store.key("vault", name, "lock")
        self.lock_ms = max(1, round(lock_seconds * 1000))
        self._release: Any = None
        if store.redis is not None:
            self._release = store.redis.register_script(_RELEASE)

    async def load(self) -> bytes | None:
        value = await self.store.call(lambda redis: redis.get(self.key))
        return None if value is None else bytes(value, "utf-8") if isinstance(value, str) else value

    async def save(self, data: bytes) -> None:
        await self.store.call(lambda redis: redis.set(self.key, data))

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        token = secrets.token_hex(8)
        loop = asyncio.get_running_loop()
        give_up = loop.time() + 2 * self.lock_ms / 1000
        while not await self.store.call(
            lambda redis: redis.set(self.lock_key, token, nx=True, px=self.lock_ms)
        ):
            if loop.time() > give_up:
                raise StoreDown("the fleet's lock was not released")
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            with contextlib.suppress(StoreDown):
                await self.store.call(
                    lambda redis: self._release(keys=[self.lock_key], args=[token])
                )
