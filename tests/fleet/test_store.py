"""The fleet's Redis: operations within a timeout, fallbacks while it is down, one warning."""

from __future__ import annotations

import asyncio
import logging

import pytest

from gql_server.fleet import SharedStore, StoreDown
from gql_server.fleet.store import MAX_CONNECTIONS

from ..redis_server import RedisServer


async def test_without_a_url_nothing_is_shared() -> None:
    store = SharedStore(None)
    assert not store.shared and not store.up
    with pytest.raises(StoreDown):
        await store.call(lambda redis: redis.ping())


async def test_operations_reach_redis(redis_server: RedisServer) -> None:
    store = SharedStore(redis_server.url)
    try:
        await store.call(lambda redis: redis.set(store.key("t", "a"), b"1"))
        assert await store.call(lambda redis: redis.get("gql:t:a")) == b"1"
        assert store.up
    finally:
        await store.close()


async def test_an_outage_is_one_warning_then_back(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    now = [0.0]
    store = SharedStore(redis_server.url, timeout=0.2, retry_after=1.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="gql_server.fleet")
    try:
        await store.call(lambda redis: redis.ping())
        redis_server.stop()
        for _ in range(5):
            with pytest.raises(StoreDown):
                await store.call(lambda redis: redis.ping())
        assert not store.up
        # Within retry_after no call reaches for the dead Redis: no timeout to wait out.
        redis_server.start()
        with pytest.raises(StoreDown):
            await store.call(lambda redis: redis.ping())
        now[0] += 1.5
        assert await store.call(lambda redis: redis.ping())
        assert store.up
    finally:
        await store.close()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0].startswith("Redis failed") and messages[1].startswith("Redis is back")
    assert redis_server.url not in " ".join(messages)


async def test_a_slow_redis_times_out(redis_server: RedisServer) -> None:
    store = SharedStore(redis_server.url, timeout=0.1, retry_after=0.0)
    try:
        await store.call(lambda redis: redis.ping())
        redis_server.pause()
        with pytest.raises(StoreDown):
            await store.call(lambda redis: redis.ping())
        assert not store.up
        redis_server.resume()
        assert await store.call(lambda redis: redis.ping())
    finally:
        redis_server.resume()
        await store.close()


async def test_a_burst_beyond_the_pool_waits_for_connections_instead_of_failing(
    redis_server: RedisServer,
) -> None:
    # A level of a few hundred rows looks each row's cells up in the cache at once: more
    # operations than the pool has connections must queue for one, not count as an outage.
    store = SharedStore(redis_server.url, timeout=5.0)
    key = store.key("t", "burst")
    try:
        answers = await asyncio.gather(
            *(store.call(lambda redis: redis.incr(key)) for _ in range(4 * MAX_CONNECTIONS))
        )
        assert sorted(answers) == list(range(1, 4 * MAX_CONNECTIONS + 1))
        assert store.up
    finally:
        await store.close()
