"""The read cache in the fleet's Redis: ages on Redis's clock, one refresh lock for the fleet,
generations every process sees, and what an outage leaves behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from gql_server.fleet import SharedStore
from gql_server.fleet.shared_cache import SharedCache

from ..redis_server import RedisServer
from .test_cache import fill


@pytest.fixture
async def shared(redis_server: RedisServer) -> AsyncIterator[SharedCache]:
    store = SharedStore(redis_server.url, timeout=0.3, retry_after=0.2)
    cache = SharedCache(store, fresh_seconds=0.3, stale_seconds=0.6, refresh_seconds=5)
    try:
        yield cache
    finally:
        await cache.close()
        await store.close()


async def test_in_redis_an_entry_ages_on_redis_clock(shared: SharedCache) -> None:
    await fill(shared, "rows", "a", b'{"id":123456789012345678901234567890}')
    assert (await shared.lookup("rows", "a", read=True)).value == (
        b'{"id":123456789012345678901234567890}'
    )
    await asyncio.sleep(0.35)
    first, second = await asyncio.gather(
        shared.lookup("rows", "a", read=True), shared.lookup("rows", "a", read=True)
    )
    assert first.stale and second.stale
    assert [first.lock is None, second.lock is None].count(False) == 1
    await asyncio.sleep(0.65)
    assert (await shared.lookup("rows", "a", read=True)).value is None


async def test_in_redis_a_bump_expires_the_group_for_every_process(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    other_store = SharedStore(redis_server.url)
    other = SharedCache(other_store, fresh_seconds=5)
    try:
        begun = await other.lookup("rows", "late", read=True)
        await fill(shared, "rows", "a", b"1")
        await fill(shared, "cells", "b", b"2")
        assert (await other.lookup("rows", "a", read=True)).value == b"1"
        assert await other.bump(["rows"])
        assert (await shared.lookup("rows", "a", read=True)).value is None
        assert (await shared.lookup("cells", "b", read=True)).value == b"2"
        # Begun before the bump, stored after it: never served.
        assert begun.ticket is not None
        await other.store("rows", "late", begun.ticket, b"stale")
        assert (await shared.lookup("rows", "late", read=True)).value is None
    finally:
        await other_store.close()


async def test_a_bump_redis_missed_is_paid_with_a_new_epoch(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    await fill(shared, "rows", "a", b"1")
    await fill(shared, "cells", "b", b"2")
    redis_server.pause()
    try:
        assert not await shared.bump(["rows"])
        # Owed: nothing is read or stored by this process meanwhile.
        assert (await shared.lookup("cells", "b", read=True)).ticket is None
    finally:
        redis_server.resume()
    await asyncio.wait_for(shared.settle(), 5)
    # Every entry of every group went with the epoch, not only the group written.
    assert (await shared.lookup("rows", "a", read=True)).value is None
    assert (await shared.lookup("cells", "b", read=True)).value is None
    await fill(shared, "cells", "b", b"3")
    assert (await shared.lookup("cells", "b", read=True)).value == b"3"


async def test_a_lost_generation_never_matches_an_old_entry(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    await shared.bump(["rows"])
    await fill(shared, "rows", "a", b"1")
    # Redis evicts (or loses) the generation: the entry must not be served under another.
    await shared.redis_store.call(lambda redis: redis.delete("gql:cache:generation:rows"))
    assert (await shared.lookup("rows", "a", read=True)).value is None
