"""Upstream rate limits through the gateway: waits in extensions, refusals, metrics."""

from __future__ import annotations

from gql_server.simulator import SimulatorStore

from .gateway import open_gateway
from .redis_server import RedisServer

TWO_SCHEMAS = """
mutation {
  a: createSchema(input: {name: "A", companyId: "1"}) { id }
  b: createSchema(input: {name: "B", companyId: "1"}) { id }
}
"""
POSTS = "POST custom_resources/schemas"


async def test_a_write_that_waited_for_its_slot_reports_the_wait(
    store: SimulatorStore, redis_server: RedisServer
) -> None:
    # One write a second: the second mutation waits about a second for its slot.
    async with open_gateway(
        store, gql_redis_url=redis_server.url, upstream_rate_post="1/second"
    ) as gateway:
        body = await gateway.query(TWO_SCHEMAS)
        assert "errors" not in body, body["errors"]
        assert set(body["data"]) == {"a", "b"}
        assert gateway.sim.calls[POSTS] == 2
        assert body["extensions"]["upstream"]["calls"] == 2
        assert body["extensions"]["upstream"]["waitMs"] >= 500
        metrics = (await gateway.http.get("/metrics")).text
    delayed = 'gql_upstream_rate_limited_total{method="POST",outcome="delayed",'
    assert f'{delayed}route="custom_resources/schemas"}} 1.0' in metrics


async def test_a_write_whose_slot_is_past_the_deadline_is_rate_limited(
    store: SimulatorStore,
) -> None:
    # Without Redis the one process keeps the whole rate on its own.
    async with open_gateway(store, upstream_rate_post="1/minute", gql_request_timeout=5) as gateway:
        body = await gateway.query(TWO_SCHEMAS)
        metrics = (await gateway.http.get("/metrics")).text
    assert body["data"]["a"] is not None and body["data"]["b"] is None
    [error] = body["errors"]
    assert error["path"] == ["b"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 55 < error["extensions"]["retryAfter"] <= 61  # the minute, and the margin
    assert gateway.sim.calls[POSTS] == 1
    assert body["extensions"]["upstream"]["calls"] == 1
    assert 'outcome="refused",route="custom_resources/schemas"} 1.0' in metrics


async def test_reads_are_not_limited_by_default(store: SimulatorStore) -> None:
    async with open_gateway(store, upstream_rate_post="1/minute") as gateway:
        for _ in range(5):
            await gateway.data("{ schemas(first: 10) { nodes { name } } }")
        assert gateway.sim.calls["GET custom_resources/schemas"] == 5
