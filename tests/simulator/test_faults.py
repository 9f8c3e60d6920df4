"""Fault injection: each kind, matching, times, rate, and that faults only touch /api/."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gql_server.simulator import Fault, Simulator, SimulatorStore
from tests.live_server import serve

from .support import API_KEY, BASE_URL, url

VALUES = url("values")


async def test_status_fault_answers_with_the_documented_body(
    client: httpx.AsyncClient, sim: Simulator
) -> None:
    sim.inject(Fault(status=503))
    response = await client.get(VALUES)
    assert response.status_code == 503
    assert response.json() == {
        "errors": [{"code": "service_unreachable", "message": "Service unavailable", "field": None}]
    }
    assert sim.call_log[-1].status == 503


async def test_rate_limit_with_retry_after(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(status=429, retry_after="2", times=1))
    limited = await client.get(VALUES)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2"
    assert limited.json()["errors"][0]["code"] == "too_many_requests"
    assert (await client.get(VALUES)).status_code == 200


async def test_error_body_is_sent_raw(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(route="schemas", status=502, error_body='{"message": "CANARY"}'))
    sim.inject(Fault(status=500, error_body="CANARY upstream stack trace"))
    text = await client.get(VALUES)
    assert (text.status_code, text.text) == (500, "CANARY upstream stack trace")
    assert text.headers["content-type"].startswith("text/plain")
    as_json = await client.get(url("schemas"))
    assert (as_json.status_code, as_json.json()) == (502, {"message": "CANARY"})


async def test_status_fault_does_not_write(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(method="POST", status=500))
    body = {"name": "X", "company_id": 1, "hidden": False}
    assert (await client.post(url("schemas"), json=body)).status_code == 500
    assert len(sim.store.schemas) == 2


async def test_mangling_fault_still_writes(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(method="POST", body="empty"))
    body = {"name": "X", "company_id": 1, "hidden": False}
    response = await client.post(url("schemas"), json=body)
    assert (response.status_code, response.content) == (200, b"")
    assert len(sim.store.schemas) == 3


async def test_malformed_body(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(body="malformed"))
    response = await client.get(VALUES)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_truncated_body(client: httpx.AsyncClient, sim: Simulator) -> None:
    full = (await client.get(VALUES)).content
    sim.inject(Fault(body="truncated"))
    response = await client.get(VALUES)
    assert response.content == full[: len(full) // 2]
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_html_body(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(status=502, body="html"))
    response = await client.get(VALUES)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


async def test_huge_body_is_valid_json(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(body="huge", huge_bytes=2_000_000))
    response = await client.get(VALUES)
    assert 2_000_000 <= len(response.content) < 2_100_000
    body = response.json()
    assert [v["id"] for v in body["data"]] == ["7", "8", "9", "10", "11"]
    assert body["meta"]["total"] == 5


async def test_huge_defaults_to_20_mb(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(body="huge"))
    response = await client.get(VALUES)
    assert len(response.content) >= 20_000_000


async def test_empty_body(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(body="empty"))
    response = await client.get(VALUES)
    assert (response.status_code, response.content) == (200, b"")


async def test_drip_streams_the_real_body_slowly(client: httpx.AsyncClient, sim: Simulator) -> None:
    full = (await client.get(VALUES)).content
    sim.inject(Fault(drip=0.05))
    start = time.monotonic()
    response = await client.get(VALUES)
    assert time.monotonic() - start >= 0.2
    assert response.content == full


async def test_set_cookie_on_a_normal_response(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(set_cookie=True))
    response = await client.get(VALUES)
    assert response.status_code == 200
    assert "set-cookie" in response.headers
    assert len(response.json()["data"]) == 5


async def test_latency_delays_the_answer(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(latency=0.2, times=1))
    start = time.monotonic()
    assert (await client.get(VALUES)).status_code == 200
    assert time.monotonic() - start >= 0.2


async def test_times_limits_the_fault(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(status=500, times=2))
    statuses = [(await client.get(VALUES)).status_code for _ in range(4)]
    assert statuses == [500, 500, 200, 200]


async def test_rate_is_seeded(store: SimulatorStore) -> None:
    async def statuses(seed: int) -> list[int]:
        sim = Simulator(store, seed=seed)
        sim.inject(Fault(status=500, rate=0.5))
        transport = httpx.ASGITransport(app=sim.app)
        headers = {"x-api-key": API_KEY}
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
            return [(await c.get(VALUES)).status_code for _ in range(40)]

    first = await statuses(1)
    assert first == await statuses(1)
    assert 5 < first.count(500) < 35


async def test_route_method_and_credential_filters(
    client: httpx.AsyncClient, sim: Simulator
) -> None:
    sim.inject(Fault(route="custom_resources/values/{id}", status=404))
    sim.inject(Fault(route="schemas", method="post", status=409))
    sim.inject(Fault(credential="other-key", status=403))
    assert (await client.get(url("values", 7))).status_code == 404
    assert (await client.get(VALUES)).status_code == 200
    assert (await client.get(url("schemas"))).status_code == 200
    assert (await client.post(url("schemas"), json={})).status_code == 409
    other = await client.get(VALUES, headers={"x-api-key": "other-key"})
    assert other.status_code == 403


async def test_first_match_wins_and_clear(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(route="values", status=502))
    sim.inject(Fault(status=500))
    assert (await client.get(VALUES)).status_code == 502
    assert (await client.get(url("schemas"))).status_code == 500
    sim.clear_faults()
    assert (await client.get(VALUES)).status_code == 200


async def test_faulted_calls_are_counted(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(status=429, times=1))
    await client.get(VALUES)
    await client.get(VALUES)
    assert sim.calls["GET custom_resources/values"] == 2
    assert [r.status for r in sim.call_log] == [429, 200]


async def test_faults_only_touch_api_routes(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.inject(Fault(status=500))
    assert (await client.get("/")).status_code == 200
    assert (await client.get("/elsewhere")).status_code == 404


def test_fault_repr_hides_the_credential() -> None:
    assert "secret-canary" not in repr(Fault(credential="secret-canary"))


# On a real port: what a client's timeouts see


async def test_latency_fault_times_a_client_out_on_a_real_port(sim: Simulator) -> None:
    sim.inject(Fault(latency=1.0, times=1))
    with serve(sim.app) as base:
        async with httpx.AsyncClient(base_url=base, headers={"x-api-key": API_KEY}) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(VALUES, timeout=0.2)
            assert (await client.get(VALUES)).status_code == 200


async def test_drip_sends_headers_first_on_a_real_port(sim: Simulator) -> None:
    sim.inject(Fault(drip=0.1))
    with serve(sim.app) as base:
        async with httpx.AsyncClient(base_url=base, headers={"x-api-key": API_KEY}) as client:
            start = time.monotonic()
            async with client.stream("GET", VALUES) as response:
                headers_after = time.monotonic() - start
                chunks = [chunk async for chunk in response.aiter_raw()]
            total = time.monotonic() - start
    assert response.status_code == 200
    assert headers_after < 0.1
    assert total >= 0.45
    assert len(chunks) >= 3
    assert len(json.loads(b"".join(chunks))["data"]) == 5
