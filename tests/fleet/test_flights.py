"""Identical GETs in flight on several processes are made once, through a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest

from gql_server.fleet import Flights, SharedStore
from gql_server.simulator import Fault, Simulator
from gql_server.upstream import SCHEMAS, Credential, FactorialClient, UpstreamSession
from gql_server.upstream.errors import UpstreamNotFound

from ..gateway import Gateway, build_store, open_gateway
from ..redis_server import RedisServer

QUERY = "{ schemas { nodes { id resources { totalCount } } } }"
DISTINCT_URLS = 2  # the schemas page and the resources collection
SCHEMAS_ROUTE = "GET custom_resources/schemas"
KEY = Credential("api_key", "k")


@asynccontextmanager
async def two_gateways(sim: Simulator, redis_url: str) -> AsyncIterator[tuple[Gateway, Gateway]]:
    """Two gateway apps (two processes of a fleet, each with its own client and store) over
    one simulator and one Redis."""
    async with (
        open_gateway(sim, gql_redis_url=redis_url) as one,
        open_gateway(sim, gql_redis_url=redis_url) as two,
    ):
        yield one, two


async def reached(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait until `condition` holds (a generous bound only against a hung test)."""
    for _ in range(2000):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition was never reached")


def sim_called(sim: Simulator) -> Callable[[], Awaitable[bool]]:
    async def called() -> bool:
        return sim.total_calls > 0

    return called


def answered(body: dict[str, Any]) -> list[Any]:
    assert "errors" not in body, body["errors"]
    nodes: list[Any] = body["data"]["schemas"]["nodes"]
    return nodes


async def test_the_same_query_on_two_processes_makes_each_call_once(
    redis_server: RedisServer,
) -> None:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.5  # every call is still in flight when the other process asks for it
    async with two_gateways(sim, redis_server.url) as (one, two):
        bodies = await asyncio.gather(one.query(QUERY), two.query(QUERY))
    assert answered(bodies[0]) == answered(bodies[1])
    assert answered(bodies[0])[0]["resources"]["totalCount"] == 10
    assert sim.calls == {SCHEMAS_ROUTE: 1, "GET custom_resources/resources": 1}
    prices = [body["extensions"]["upstream"] for body in bodies]
    # One process made each call, the other was handed its answer and counts it shared.
    assert sum(p["calls"] for p in prices) == DISTINCT_URLS
    assert sum(p["cached"] for p in prices) == DISTINCT_URLS


async def test_without_redis_two_processes_call_twice() -> None:
    """The control: the sharing above is the fleet's doing."""
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.2
    async with open_gateway(sim) as one, open_gateway(sim) as two:
        await asyncio.gather(one.query(QUERY), two.query(QUERY))
    assert sim.total_calls == 2 * DISTINCT_URLS


async def test_different_credentials_never_share_across_processes(
    redis_server: RedisServer,
) -> None:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.3
    async with two_gateways(sim, redis_server.url) as (one, two):
        bodies = await asyncio.gather(
            one.query(QUERY, headers={"x-api-key": "key-one"}),
            two.query(QUERY, headers={"x-api-key": "key-two"}),
        )
    assert answered(bodies[0]) == answered(bodies[1])
    assert sim.total_calls == 2 * DISTINCT_URLS
    assert [b["extensions"]["upstream"]["cached"] for b in bodies] == [0, 0]


async def test_keys_name_no_secret(redis_server: RedisServer) -> None:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.3
    secret = "canary-secret-4711"
    async with two_gateways(sim, redis_server.url) as (one, two):
        reader = SharedStore(redis_server.url)
        query = asyncio.gather(
            one.query(QUERY, headers={"x-api-key": secret}),
            two.query(QUERY, headers={"x-api-key": secret}),
        )
        task = asyncio.ensure_future(query)
        keys: list[bytes] = []
        while not keys and not task.done():
            keys = await reader.call(lambda redis: redis.keys("gql:flight:*"))
            await asyncio.sleep(0.01)
        await task
        await reader.close()
    assert keys
    fingerprint = Credential("api_key", secret).fingerprint
    assert all(fingerprint.encode() in key and secret.encode() not in key for key in keys)


@asynccontextmanager
async def fleet_clients(
    sim: Simulator, redis_url: str, count: int, lock_seconds: float = 5.0
) -> AsyncIterator[list[FactorialClient]]:
    """`count` upstream clients, each with its own store, as `count` processes have."""
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(count):
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app))
            )
            store = SharedStore(redis_url)
            stack.push_async_callback(store.close)
            flights = Flights(store, lock_seconds=lock_seconds)
            stack.push_async_callback(flights.settle)
            clients.append(
                FactorialClient(
                    http,
                    base_url="http://factorial.test",
                    api_version="2026-10-01",
                    flights=flights,
                )
            )
        yield clients


async def flight_keys(redis_url: str) -> list[bytes]:
    store = SharedStore(redis_url)
    try:
        keys: list[bytes] = await store.call(lambda redis: redis.keys("gql:flight:*"))
        return keys
    finally:
        await store.close()


def held_locks(keys: list[bytes]) -> list[bytes]:
    """The locks among a flight's keys (`gql:flight:<fingerprint>:<digest>`), without its
    waiters and answers (one more part)."""
    return [k for k in keys if k.count(b":") == 3]


async def test_a_dead_holders_lock_expires_and_the_waiter_calls_itself(
    redis_server: RedisServer,
) -> None:
    sim = Simulator(build_store(schemas=3))
    sim.latency = 0.2
    async with fleet_clients(sim, redis_server.url, 1) as (client,):
        assert client.flights is not None
        store = client.flights.store
        # An uncontended call shows the flight's lock name (a digest: the test cannot guess it).
        first = asyncio.ensure_future(UpstreamSession(client, KEY).list_page(SCHEMAS))
        locks: list[bytes] = []

        async def locked() -> bool:
            locks[:] = held_locks(await flight_keys(redis_server.url))
            return bool(locks)

        await reached(locked)
        await first
        await client.flights.settle()
        # A holder that died mid-call: its lock stays behind, and no answer ever comes.
        await store.call(lambda redis: redis.set(locks[0], b"dead-holder", px=1500))
        session = UpstreamSession(client, KEY)
        waiter = asyncio.ensure_future(session.list_page(SCHEMAS))
        waiters = locks[0] + b":waiters"

        async def registered() -> bool:
            return await store.call(lambda redis: redis.get(waiters)) == b"1"

        await reached(registered)
        assert sim.calls[SCHEMAS_ROUTE] == 1  # waiting on the lock, not calling
        page = await waiter
    assert [r.name for r in page.records] == ["Table 0", "Table 1", "Table 2"]
    assert sim.calls[SCHEMAS_ROUTE] == 2
    assert (session.stats.calls, session.stats.cached) == (1, 0)


async def test_a_failed_call_is_not_handed_over(redis_server: RedisServer) -> None:
    """The holder's 404 is its own: the waiter makes its own call, which succeeds."""
    sim = Simulator(build_store(schemas=3))
    sim.latency = 0.3
    sim.inject(Fault(route="custom_resources/schemas", status=404, times=1))
    async with fleet_clients(sim, redis_server.url, 2) as (one, two):
        holder = asyncio.ensure_future(UpstreamSession(one, KEY).list_page(SCHEMAS))
        await reached(sim_called(sim))
        waiter = UpstreamSession(two, KEY)
        page = await waiter.list_page(SCHEMAS)
        with pytest.raises(UpstreamNotFound):
            await holder
    assert [r.name for r in page.records] == ["Table 0", "Table 1", "Table 2"]
    assert sim.calls[SCHEMAS_ROUTE] == 2
    assert (waiter.stats.calls, waiter.stats.cached) == (1, 0)


async def test_many_processes_share_one_call(redis_server: RedisServer) -> None:
    sim = Simulator(build_store(schemas=3))
    sim.latency = 0.5
    async with fleet_clients(sim, redis_server.url, 4) as clients:
        sessions = [UpstreamSession(c, KEY) for c in clients for _ in range(3)]
        pages = await asyncio.gather(*(s.list_page(SCHEMAS) for s in sessions))
    assert sim.calls[SCHEMAS_ROUTE] == 1
    assert all([r.id for r in p.records] == [r.id for r in pages[0].records] for p in pages)
    assert sum(s.stats.calls for s in sessions) == 1
    assert sum(s.stats.cached for s in sessions) == len(sessions) - 1
    # Nothing is left behind: the lock dropped, the answer short-lived.
    assert not held_locks(await flight_keys(redis_server.url))


async def test_redis_stopped_mid_flight_still_answers_right(redis_server: RedisServer) -> None:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.4
    async with two_gateways(sim, redis_server.url) as (one, two):
        expected = answered(await one.query(QUERY))
        sim.reset_calls()
        task = asyncio.ensure_future(asyncio.gather(one.query(QUERY), two.query(QUERY)))
        await reached(sim_called(sim))
        await asyncio.to_thread(redis_server.stop)
        bodies = await task
        assert [answered(b) for b in bodies] == [expected, expected]
        # Down: each process serves on its own, with its own calls.
        sim.reset_calls()
        bodies = await asyncio.gather(one.query(QUERY), two.query(QUERY))
        assert [answered(b) for b in bodies] == [expected, expected]
        assert sim.total_calls == 2 * DISTINCT_URLS
        # Back: sharing resumes once each process has seen Redis again.
        await asyncio.to_thread(redis_server.start)
        for gw in (one, two):

            async def redis_up(gw: Gateway = gw) -> bool:
                return b"gql_redis_up 1.0" in (await gw.http.get("/metrics")).content

            await reached(redis_up)
        sim.reset_calls()
        bodies = await asyncio.gather(one.query(QUERY), two.query(QUERY))
        assert [answered(b) for b in bodies] == [expected, expected]
        assert sim.total_calls == DISTINCT_URLS


async def test_a_frozen_redis_costs_calls_not_answers(redis_server: RedisServer) -> None:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.4
    settings = {"gql_redis_url": redis_server.url, "gql_redis_timeout": 0.1}
    try:
        async with open_gateway(sim, **settings) as one, open_gateway(sim, **settings) as two:
            expected = answered(await one.query(QUERY))
            task = asyncio.ensure_future(asyncio.gather(one.query(QUERY), two.query(QUERY)))
            sim.reset_calls()
            await reached(sim_called(sim))
            redis_server.pause()  # holder and waiter both lose Redis mid-flight
            bodies = await task
            assert [answered(b) for b in bodies] == [expected, expected]
            # Nothing could be handed over: each process made every call itself.
            assert sim.total_calls == 2 * DISTINCT_URLS
    finally:
        redis_server.resume()
