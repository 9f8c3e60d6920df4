"""Factorial's write limit per credential: past it, 429 with Retry-After, and nothing written."""

from __future__ import annotations

import httpx

from gql_server.simulator import Simulator, SimulatorStore, WriteLimit

from .support import API_KEY, BASE_URL, url

BODY = {"name": "Parking spots", "company_id": 9, "hidden": False}


async def test_writes_past_the_limit_answer_429_per_credential(store: SimulatorStore) -> None:
    now = [100.0]
    sim = Simulator(store)
    sim.write_limit = WriteLimit(2, 60.0, clock=lambda: now[0])
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        key = {"x-api-key": API_KEY}
        other = {"x-api-key": "another-key"}
        schemas = len(store.schemas)
        assert [
            (await client.post(url("schemas"), json=BODY, headers=key)).status_code
            for _ in range(2)
        ] == [201, 201]
        refused = await client.post(url("schemas"), json=BODY, headers=key)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert len(store.schemas) == schemas + 2
        # Reads are not writes; another credential has a window of its own.
        assert (await client.get(url("schemas"), headers=key)).status_code == 200
        assert (await client.post(url("schemas"), json=BODY, headers=other)).status_code == 201
        now[0] += 60.0
        assert (await client.post(url("schemas"), json=BODY, headers=key)).status_code == 201
    assert (sim.write_limit.refused, sim.write_limit.peak) == (1, 2)
