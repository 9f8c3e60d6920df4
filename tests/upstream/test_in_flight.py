"""Concurrent requests asking the same thing with the same credential share one upstream call."""

from __future__ import annotations

import asyncio

import httpx

from gql_server.simulator import Simulator
from gql_server.upstream import SCHEMAS, Credential, FactorialClient, UpstreamSession

from ..gateway import build_store, open_gateway, until

QUERY = "{ schemas { nodes { id resources { totalCount } } } }"
DISTINCT_URLS = 2  # the schemas page and the resources collection


async def run_concurrently(credentials: list[str]) -> tuple[Simulator, list[dict[str, int]]]:
    sim = Simulator(build_store(schemas=2, resources=20))
    sim.latency = 0.2  # long enough for every request to be in flight at once
    async with open_gateway(sim) as gw:
        bodies = await asyncio.gather(
            *(gw.query(QUERY, headers={"x-api-key": key}) for key in credentials)
        )
    for body in bodies:
        assert "errors" not in body
        assert body["data"]["schemas"]["nodes"][0]["resources"]["totalCount"] == 10
    return sim, [body["extensions"]["upstream"] for body in bodies]


async def test_fifty_identical_queries_with_one_credential_make_one_call_per_url() -> None:
    sim, prices = await run_concurrently(["same-key"] * 50)
    assert sim.total_calls == DISTINCT_URLS
    assert sim.calls == {"GET custom_resources/schemas": 1, "GET custom_resources/resources": 1}
    # The bill adds up: calls made plus calls joined equal what every request needed.
    assert sum(p["calls"] for p in prices) == DISTINCT_URLS
    assert sum(p["calls"] + p["cached"] for p in prices) == 50 * DISTINCT_URLS


async def test_fifty_credentials_never_share() -> None:
    sim, prices = await run_concurrently([f"key-{i}" for i in range(50)])
    assert sim.total_calls == 50 * DISTINCT_URLS
    assert all(p == {**p, "calls": DISTINCT_URLS, "cached": 0} for p in prices)
    assert sorted(c.credential_kind for c in sim.call_log) == ["api_key"] * 100


async def test_a_shared_call_is_decoded_once_for_all_who_joined_it() -> None:
    """The page is parsed in the shared call, as soon as its body is decoded: every joiner
    gets the same page, and no body waits in JSON form for its callers to run."""
    sim = Simulator(build_store(schemas=3))
    sim.latency = 0.05
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app)) as http:
        client = FactorialClient(http, base_url="http://factorial.test", api_version="2026-10-01")
        key = Credential("api_key", "k")
        sessions = [UpstreamSession(client, key) for _ in range(5)]
        pages = await asyncio.gather(*(s.list_page(SCHEMAS) for s in sessions))
    assert sim.total_calls == 1
    assert all(page is pages[0] for page in pages)
    assert [r.name for r in pages[0].records] == ["Table 0", "Table 1", "Table 2"]


async def test_a_shared_call_goes_on_while_one_caller_waits_and_stops_with_the_last() -> None:
    """A caller giving up (its client gone) leaves the call to the others; when the last
    one gives up, the call stops: nobody would read its answer."""
    sim = Simulator(build_store(schemas=3))
    sim.latency = 30
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app)) as http:
        client = FactorialClient(http, base_url="http://factorial.test", api_version="2026-10-01")
        key = Credential("api_key", "k")
        before = asyncio.all_tasks()
        first, second = (
            asyncio.ensure_future(UpstreamSession(client, key).list_page(SCHEMAS)) for _ in range(2)
        )
        await until(lambda: sim.total_calls > 0)
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)
        for _ in range(5):
            await asyncio.sleep(0)
        assert not second.done()
        running = {t.get_coro().__qualname__ for t in asyncio.all_tasks() - before}
        assert "SharedGets._get" in running
        second.cancel()
        await asyncio.gather(second, return_exceptions=True)
        for _ in range(5):
            await asyncio.sleep(0)
        assert asyncio.all_tasks() - before == set()
    assert sim.total_calls == 1
