"""Rates per credential held by two clients (two processes) sharing one Redis, and alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from gql_server.fleet import Rate, RateGovernor, SharedStore
from gql_server.simulator import Fault, Simulator, WriteLimit
from gql_server.upstream import (
    SCHEMAS,
    ClientOptions,
    Credential,
    FactorialClient,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamSession,
)
from gql_server.upstream.throttle import RateLimits

from ..gateway import build_store
from ..redis_server import RedisServer

KEY = Credential("api_key", "CANARY-THROTTLE-KEY")
OTHER = Credential("bearer", "CANARY-THROTTLE-TOKEN")
# Two writes at once, then one every 3.16 s: a 2-second deadline fits no third one.
SLOW = Rate(20, 60.0)
POSTS = "POST custom_resources/schemas"


@pytest.fixture
def sim() -> Simulator:
    return Simulator(build_store(schemas=2))


class Fleet:
    """Clients of one simulator, each with its own store on one Redis (or on none)."""

    def __init__(self, sim: Simulator, stack: AsyncExitStack, url: str | None) -> None:
        self.sim, self.stack, self.url = sim, stack, url
        self.stores: list[SharedStore] = []

    async def client(self, rates: RateLimits, fleet_size: int = 1) -> FactorialClient:
        http = await self.stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=self.sim.app))
        )
        store = SharedStore(self.url, timeout=0.5, retry_after=0.0)
        self.stores.append(store)
        self.stack.push_async_callback(store.close)
        return FactorialClient(
            http,
            base_url="http://factorial.test",
            api_version="2026-10-01",
            options=ClientOptions(rates=rates),
            governor=RateGovernor(store, fleet_size=fleet_size),
        )


@pytest.fixture
async def fleet(sim: Simulator, redis_server: RedisServer) -> AsyncIterator[Fleet]:
    async with AsyncExitStack() as stack:
        yield Fleet(sim, stack, redis_server.url)


async def create(client: FactorialClient, credential: Credential, seconds: float) -> str:
    """ "ok", or the code of the error the write failed with."""
    session = UpstreamSession(client, credential, deadline=time.monotonic() + seconds)
    try:
        await session.create(SCHEMAS, {"name": "x", "company_id": 1, "hidden": False})
    except UpstreamError as error:
        return error.code
    return "ok"


async def read(client: FactorialClient, credential: Credential, seconds: float) -> str:
    """ "ok", or the code of the error the read failed with."""
    session = UpstreamSession(client, credential, deadline=time.monotonic() + seconds)
    try:
        await session.list_page(SCHEMAS)
    except UpstreamError as error:
        return error.code
    return "ok"


async def test_two_processes_never_exceed_the_write_rate_together(fleet: Fleet) -> None:
    one, two = [await fleet.client(RateLimits(write=SLOW)) for _ in range(2)]
    outcomes = await asyncio.gather(*(create(c, KEY, 2.0) for c in (one, two) * 3))
    assert sorted(outcomes) == ["RATE_LIMITED"] * 4 + ["ok"] * 2
    assert fleet.sim.calls[POSTS] == 2


async def test_writes_wait_for_their_slots_when_the_deadline_allows(fleet: Fleet) -> None:
    # 5/second: one write every 0.2 s, shared by both clients.
    one, two = [await fleet.client(RateLimits(write=Rate(5, 1.0))) for _ in range(2)]
    started = time.monotonic()
    outcomes = await asyncio.gather(*(create(c, KEY, 30.0) for c in (one, two) * 4))
    elapsed = time.monotonic() - started
    assert outcomes == ["ok"] * 8
    assert fleet.sim.calls[POSTS] == 8
    # Eight writes at 5/second cannot all be made in less than 7 intervals.
    assert elapsed >= 7 * 0.2 - 0.05


async def test_three_processes_at_the_rate_never_meet_factorials_429(fleet: Fleet) -> None:
    # The simulator refuses a sixth write of one credential within 0.9 s, as Factorial refuses
    # past its limit (a window a little shorter than the rate's, for arrival jitter).
    fleet.sim.write_limit = WriteLimit(5, 0.9)
    clients = [await fleet.client(RateLimits(write=Rate(5, 1.0))) for _ in range(3)]
    outcomes = await asyncio.gather(*(create(c, KEY, 30.0) for c in clients * 5))
    assert outcomes == ["ok"] * 15
    assert fleet.sim.calls[POSTS] == 15
    assert fleet.sim.write_limit.refused == 0 and fleet.sim.write_limit.peak <= 5


async def test_a_write_past_the_deadline_fails_at_once_without_a_call(fleet: Fleet) -> None:
    client = await fleet.client(RateLimits(write=SLOW))
    assert [await create(client, KEY, 2.0) for _ in range(2)] == ["ok", "ok"]
    session = UpstreamSession(client, KEY, deadline=time.monotonic() + 2.0)
    started = time.monotonic()
    with pytest.raises(UpstreamRateLimited) as refused:
        await session.create(SCHEMAS, {"name": "x", "company_id": 1, "hidden": False})
    assert time.monotonic() - started < 1.0  # not the 3 s wait, nor the 2 s deadline
    assert 2.0 < (refused.value.retry_after or 0) <= SLOW.interval
    assert fleet.sim.calls[POSTS] == 2
    assert session.stats.calls == 0


async def test_credentials_do_not_share_a_rate(fleet: Fleet) -> None:
    client = await fleet.client(RateLimits(write=SLOW))
    assert [await create(client, KEY, 1.0) for _ in range(3)] == ["ok", "ok", "RATE_LIMITED"]
    assert [await create(client, OTHER, 1.0) for _ in range(3)] == ["ok", "ok", "RATE_LIMITED"]
    assert fleet.sim.calls[POSTS] == 4


async def test_a_429_with_retry_after_pauses_the_credential_on_every_process(
    fleet: Fleet,
) -> None:
    one, two = [await fleet.client(RateLimits(write=SLOW)) for _ in range(2)]
    fleet.sim.inject(Fault(status=429, retry_after="30", method="POST", times=1))
    assert await create(one, KEY, 5.0) == "RATE_LIMITED"
    assert fleet.sim.calls[POSTS] == 1
    session = UpstreamSession(two, KEY, deadline=time.monotonic() + 5.0)
    with pytest.raises(UpstreamRateLimited) as refused:
        await session.create(SCHEMAS, {"name": "x", "company_id": 1, "hidden": False})
    assert 25.0 < (refused.value.retry_after or 0) <= 30.0
    assert fleet.sim.calls[POSTS] == 1
    # Another credential goes on.
    assert await create(two, OTHER, 5.0) == "ok"


async def test_reads_under_no_rate_cost_no_redis_call(fleet: Fleet) -> None:
    client = await fleet.client(RateLimits(write=SLOW, read=None))
    store = fleet.stores[0]
    assert store.redis is not None
    # The pause is read in the background, at most once a second per credential.
    before = (await store.redis.info("stats"))["total_commands_processed"]
    started = time.monotonic()
    for _ in range(20):
        await UpstreamSession(client, KEY).list_page(SCHEMAS)
    await asyncio.sleep(0.1)  # let the background read finish, if one started
    after = (await store.redis.info("stats"))["total_commands_processed"]
    assert fleet.sim.calls["GET custom_resources/schemas"] == 20
    # INFO itself counts once; then one pause read a second at most, not one a read.
    assert after - before <= 2 + (time.monotonic() - started)


async def test_reads_under_a_rate_are_held_to_it(fleet: Fleet) -> None:
    client = await fleet.client(RateLimits(write=None, read=SLOW))
    assert [await read(client, KEY, 1.0) for _ in range(3)] == ["ok", "ok", "RATE_LIMITED"]
    assert fleet.sim.calls["GET custom_resources/schemas"] == 2
    # Writes are off here: as many as asked go.
    assert [await create(client, KEY, 1.0) for _ in range(3)] == ["ok"] * 3


async def test_redis_down_each_process_keeps_its_share_then_shares_again(
    fleet: Fleet, redis_server: RedisServer
) -> None:
    one, two = [await fleet.client(RateLimits(write=SLOW), fleet_size=2) for _ in range(2)]
    redis_server.stop()
    # 20/minute over 2 processes: one write each, then one every 6 s each.
    assert [await create(c, KEY, 2.0) for c in (one, one, two, two)] == [
        "ok",
        "RATE_LIMITED",
        "ok",
        "RATE_LIMITED",
    ]
    assert fleet.sim.calls[POSTS] == 2
    redis_server.start()
    # Shared again: the fleet's two writes at once, then no more for either.
    assert [await create(c, KEY, 2.0) for c in (one, two, one, two)] == [
        "ok",
        "ok",
        "RATE_LIMITED",
        "RATE_LIMITED",
    ]
    assert fleet.sim.calls[POSTS] == 4


async def test_redis_keys_name_fingerprints_never_secrets(
    fleet: Fleet, redis_server: RedisServer
) -> None:
    one, two = [await fleet.client(RateLimits(write=SLOW, read=SLOW)) for _ in range(2)]
    fleet.sim.inject(Fault(status=429, retry_after="30", method="POST", times=1))
    for client in (one, two):
        for credential in (KEY, OTHER):
            await create(client, credential, 1.0)
            await read(client, credential, 1.0)
    store = fleet.stores[0]
    assert store.redis is not None
    keys = [key.decode() async for key in store.redis.scan_iter("*")]
    # KEY's reads were refused during its pause: a refusal reserves nothing, so keeps no key.
    assert sorted(keys) == sorted(
        [
            f"gql:pause:{KEY.fingerprint}",
            f"gql:rate:{KEY.fingerprint}:write",
            f"gql:rate:{OTHER.fingerprint}:write",
            f"gql:rate:{OTHER.fingerprint}:read",
        ]
    )
    values = [await store.redis.get(key) for key in keys]
    everything = " ".join(keys) + " ".join(repr(v) for v in values)
    assert "CANARY" not in everything
