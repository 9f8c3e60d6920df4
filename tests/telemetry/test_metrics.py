"""What /metrics shows of the fleet's Redis: its state with GQL_REDIS_URL, nothing without."""

from __future__ import annotations

from gql_server.simulator import Simulator

from ..gateway import build_store, open_gateway
from ..redis_server import RedisServer


async def test_without_redis_there_is_no_redis_sample_to_alert_on() -> None:
    async with open_gateway(Simulator(build_store())) as gw:
        text = (await gw.http.get("/metrics")).text
    assert "gql_redis_up" not in text
    assert "gql_upstream_breaker_state 0.0" in text  # the other metrics are there


async def test_with_redis_its_state_is_sampled(redis_server: RedisServer) -> None:
    async with open_gateway(Simulator(build_store()), gql_redis_url=redis_server.url) as gw:
        text = (await gw.http.get("/metrics")).text
    assert "gql_redis_up 1.0" in text
