"""Three gateway processes on one simulator and one Redis, under load, through an outage."""

from __future__ import annotations

import json

from ..redis_server import RedisServer
from .harness import API_KEY, Load, Running, running_fleet, wait_until

QUERY = {"query": "{ schemas(first: 10) { totalCount nodes { id name } } }"}


def redis_up_everywhere(gateways: list[Running], up: float) -> bool:
    return all(g.metric("gql_redis_up") == up for g in gateways)


def test_a_fleet_serves_through_a_redis_outage_and_shares_again_after(
    redis_server: RedisServer,
) -> None:
    # A generous timeout: on a busy machine a slow ping must not count as an outage.
    with running_fleet(redis_server.url, size=3, GQL_REDIS_TIMEOUT="1") as fleet:
        gateways = fleet.gateways
        assert redis_up_everywhere(gateways, 1.0)
        with Load(gateways, QUERY, clients=6, limit=1500) as load:
            load.wait_for(100)
            redis_server.stop()
            wait_until(lambda: redis_up_everywhere(gateways, 0.0), what="gql_redis_up 0")
            answered = load.tally.answered
            load.wait_for(answered + 100)  # served while Redis is down
            redis_server.start()
            wait_until(lambda: redis_up_everywhere(gateways, 1.0), what="gql_redis_up 1")
            answered = load.tally.answered
            load.wait_for(answered + 100)
        tally = load.tally
        assert tally.failures == []
        assert set(tally.statuses) == {200}, tally.statuses
        assert tally.answered >= 300 and tally.without_data == 0
        for gateway in gateways:
            output = gateway.output()
            messages = [
                json.loads(line)["message"] for line in output.splitlines() if line.startswith("{")
            ]
            assert sum(m.startswith("Redis failed") for m in messages) == 1, gateway.name
            assert sum(m.startswith("Redis is back") for m in messages) == 1, gateway.name
            assert any(m.startswith("fleet: sharing") for m in messages)
            assert API_KEY not in output
