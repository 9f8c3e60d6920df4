"""The simulator's control routes: calls counted and faults armed over HTTP, for tests that run
it in another process."""

from __future__ import annotations

import httpx

from gql_server.simulator import Simulator, build_demo_store

SCHEMAS = "/api/2026-10-01/resources/custom_resources/schemas"


async def test_a_fault_armed_over_http_answers_in_factorials_place_then_goes() -> None:
    sim = Simulator(build_demo_store(resources=4))
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
        armed = await http.post(
            "/_simulator/faults",
            json={"route": "custom_resources/schemas", "method": "GET", "status": 503, "times": 1},
        )
        assert armed.status_code == 204
        key = {"x-api-key": "k"}
        assert (await http.get(SCHEMAS, headers=key)).status_code == 503
        assert (await http.get(SCHEMAS, headers=key)).status_code == 200
        await http.post("/_simulator/faults", json={"route": "custom_resources/schemas"})
        assert (await http.delete("/_simulator/faults")).status_code == 204
        assert (await http.get(SCHEMAS, headers=key)).status_code == 200
        counted = (await http.get("/_simulator/calls")).json()["calls"]
    assert counted == {"GET custom_resources/schemas": 3}


async def test_a_fault_with_unknown_or_mistyped_fields_is_refused() -> None:
    sim = Simulator(build_demo_store(resources=4))
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
        for fields, problem in (
            ({"route": "x", "credential": "secret"}, "unknown field 'credential'"),
            ({"status": "500"}, "'status' should be int"),
            ({"times": True}, "'times' should be int"),
            ([1, 2], "send a JSON object"),
        ):
            refused = await http.post("/_simulator/faults", json=fields)
            assert refused.status_code == 400
            assert problem in refused.json()["error"]
        sent = await http.post(
            "/_simulator/faults", content=b"{", headers={"content-type": "application/json"}
        )
        assert sent.status_code == 400
        assert (await http.get(SCHEMAS, headers={"x-api-key": "k"})).status_code == 200
