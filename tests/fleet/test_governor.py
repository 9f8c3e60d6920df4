"""The rate governor on a real Redis: one schedule for every process, pauses, fallbacks."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from gql_server.fleet import Rate, RateExceeded, RateGovernor, SharedStore

from ..redis_server import RedisServer

# Two calls at once, then one every 60/19 = 3.16 s: far apart on any machine.
SLOW = Rate(20, 60.0)


@pytest.fixture
async def stores(redis_server: RedisServer) -> AsyncIterator[list[SharedStore]]:
    """Two processes' stores on one Redis; each probes again at once after a failure."""
    opened = [SharedStore(redis_server.url, timeout=0.5, retry_after=0.0) for _ in range(2)]
    yield opened
    for store in opened:
        await store.close()


async def test_two_processes_share_one_schedule(stores: list[SharedStore]) -> None:
    one, two = (RateGovernor(store, fleet_size=2) for store in stores)
    waits = [
        await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=60.0)
        for governor in (one, two, one, two, one)
    ]
    assert waits[:2] == [0.0, 0.0]
    # Each waiter is given its own slot, one interval after the last one given.
    gaps = [later - earlier for earlier, later in itertools.pairwise(waits[1:])]
    assert all(SLOW.interval - 1.0 < gap <= SLOW.interval + 1e-3 for gap in gaps), gaps
    assert waits[2] > SLOW.interval - 1.0


async def test_a_slot_past_max_wait_is_refused_and_not_taken(stores: list[SharedStore]) -> None:
    one, two = (RateGovernor(store) for store in stores)
    for governor in (one, two):
        assert await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0) == 0.0
    for governor in (one, two, one, two):
        with pytest.raises(RateExceeded) as refused:
            await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0)
        assert SLOW.interval - 1.0 < refused.value.retry_after <= SLOW.interval
    # Four refusals later, the next slot is still the first one after the burst.
    assert await two.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=60.0) <= SLOW.interval


async def test_keys_have_their_own_schedules(stores: list[SharedStore]) -> None:
    governor = RateGovernor(stores[0])
    for key in ("a", "a", "b", "b"):
        assert await governor.admit(f"gql:rate:{key}", "gql:pause:x", SLOW, max_wait=0.0) == 0.0


async def test_a_pause_holds_every_process_back(stores: list[SharedStore]) -> None:
    one, two = (RateGovernor(store, pause_refresh=0.0) for store in stores)
    await one.pause("gql:pause:a", 30.0)
    with pytest.raises(RateExceeded) as refused:
        await two.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=5.0)
    assert 25.0 < refused.value.retry_after <= 30.0
    # A call under no rate learns of the pause in the background, without waiting on Redis.
    refusal: RateExceeded | None = None
    for _ in range(200):
        try:
            await two.admit("gql:rate:r", "gql:pause:a", None, max_wait=5.0)
        except RateExceeded as error:
            refusal = error
            break
        await asyncio.sleep(0.01)
    assert refusal is not None, "the pause never reached the other process's reads"
    assert 25.0 < refusal.retry_after <= 30.0
    # A shorter pause does not cut a longer one short; other keys are not paused.
    await two.pause("gql:pause:a", 1.0)
    with pytest.raises(RateExceeded):
        await one.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=5.0)
    assert await one.admit("gql:rate:b", "gql:pause:b", SLOW, max_wait=5.0) == 0.0


async def test_while_redis_is_down_each_process_takes_its_share(
    redis_server: RedisServer, stores: list[SharedStore]
) -> None:
    one, two = (RateGovernor(store, fleet_size=2) for store in stores)
    redis_server.stop()
    # 20/minute shared by 2: 10/minute each, one call then one every 6 s, per process.
    for governor in (one, two):
        assert await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0) == 0.0
        with pytest.raises(RateExceeded) as refused:
            await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0)
        assert 5.0 < refused.value.retry_after <= 6.1  # 6 s, and the margin
    assert not stores[0].up
    redis_server.start()
    # Back on the shared schedule (empty: the restarted Redis kept nothing).
    assert await one.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0) == 0.0
    assert await two.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0) == 0.0
    with pytest.raises(RateExceeded):
        await one.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=1.0)
    assert stores[0].up and stores[1].up


async def test_without_redis_one_process_keeps_the_whole_rate() -> None:
    governor = RateGovernor(SharedStore(None))
    assert await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=0.0) == 0.0
    assert await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=0.0) == 0.0
    with pytest.raises(RateExceeded):
        await governor.admit("gql:rate:a", "gql:pause:a", SLOW, max_wait=0.0)
    await governor.pause("gql:pause:a", 10.0)
    with pytest.raises(RateExceeded):
        await governor.admit("gql:rate:r", "gql:pause:a", None, max_wait=5.0)
