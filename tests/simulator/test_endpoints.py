"""Every collection answers the same way: methods, auth, tenants, call counts and faults."""

from __future__ import annotations

import json

import httpx
import pytest

from gql_server.simulator import Fault, Simulator, SimulatorStore
from gql_server.simulator.endpoints import ENDPOINTS
from gql_server.simulator.routing import COLLECTIONS, resolve

from .support import API_KEY, BASE_URL, api_url, table_store


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


def client_for(sim: Simulator, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=sim.app)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


def test_every_collection_has_an_endpoint() -> None:
    assert set(ENDPOINTS) == set(COLLECTIONS)


R = "/api/2026-10-01/resources/"


@pytest.mark.parametrize(
    ("path", "key", "collection", "record_id"),
    [
        (R + "custom_fields/values", "custom_fields/values", "custom_fields/values", None),
        (R + "custom_fields/values/9/", "custom_fields/values/{id}", "custom_fields/values", "9"),
        (R + "employees/employees/7", "employees/employees/{id}", "employees/employees", "7"),
        (R + "employees/employees/invite/x", "employees/employees/{id}/x", None, None),
        (R + "custom_fields/groups", "custom_fields/groups", None, None),
        ("/api/latest/resources/custom_fields/fields", "custom_fields/fields", None, None),
    ],
)
def test_resolve(path: str, key: str, collection: str | None, record_id: str | None) -> None:
    target = resolve(path)
    assert (target.key, target.collection, target.record_id) == (key, collection, record_id)


@pytest.mark.parametrize(
    ("collection", "list_methods", "record_methods"),
    [
        ("custom_fields/fields", "GET, POST", "GET, DELETE"),
        ("custom_fields/options", "GET, POST", "GET"),
        ("custom_fields/resource_fields", "GET, POST", "GET"),
        ("custom_fields/values", "GET, POST", "GET, PUT"),
        ("employees/employees", "GET", "GET"),
    ],
)
async def test_methods(
    client: httpx.AsyncClient, collection: str, list_methods: str, record_methods: str
) -> None:
    for path, allowed in (
        (api_url(collection), list_methods),
        (api_url(collection, 1), record_methods),
    ):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            response = await client.request(method, path, json={})
            if method in allowed:
                assert response.status_code != 405, (method, path)
            else:
                assert response.status_code == 405, (method, path)
                assert response.headers["allow"] == allowed


@pytest.mark.parametrize(
    "collection", ["custom_fields/fields", "custom_fields/values", "employees/employees"]
)
async def test_credentials_are_checked(store: SimulatorStore, collection: str) -> None:
    sim = Simulator(store, api_keys={"good-key"})
    async with client_for(sim, **{"x-api-key": "bad-key"}) as client:
        listed = await client.get(api_url(collection))
        written = await client.post(api_url("custom_fields/values"), json={})
    assert listed.status_code == written.status_code == 401
    assert listed.json()["errors"][0]["code"] == "unauthorized"
    async with client_for(sim, **{"x-api-key": "good-key"}) as client:
        assert (await client.get(api_url(collection))).status_code == 200


async def test_tenants_never_mix(store: SimulatorStore) -> None:
    other = SimulatorStore(id_start=500, company_id=2)
    other.add_field(label="Tenant B only")
    other.add_employee(first_name="Bea", last_name="Solé")
    sim = Simulator(store, tenants={"key-b": other})
    async with client_for(sim, **{"x-api-key": "key-b"}) as b:
        b_fields = (await b.get(api_url("custom_fields/fields"))).json()["data"]
        b_people = (await b.get(api_url("employees/employees"))).json()["data"]
        b_cells = (await b.get(api_url("custom_fields/values"))).json()["data"]
    async with client_for(sim, **{"x-api-key": "key-a"}) as a:
        a_fields = (await a.get(api_url("custom_fields/fields"))).json()["data"]
    assert [f["label_text"] for f in b_fields] == ["Tenant B only"]
    assert [p["full_name"] for p in b_people] == ["Bea Solé"]
    assert b_cells == []
    assert len(a_fields) == 5


async def test_call_counter_keys(client: httpx.AsyncClient, sim: Simulator) -> None:
    await client.get(api_url("custom_fields/values"), params={"instance_id": "7"})
    await client.get(api_url("custom_fields/values", 26))
    await client.put(api_url("custom_fields/values", 26), json={"value": "Air"})
    await client.get(api_url("custom_fields/resource_fields"), params={"schema_ids[]": "1"})
    await client.get(api_url("custom_fields/fields", 12))
    await client.delete(api_url("custom_fields/fields", 999))
    await client.get(api_url("employees/employees"), params={"ids[]": "42"})
    await client.get(api_url("employees/employees", 42))
    assert sim.calls == {
        "GET custom_fields/values": 1,
        "GET custom_fields/values/{id}": 1,
        "PUT custom_fields/values/{id}": 1,
        "GET custom_fields/resource_fields": 1,
        "GET custom_fields/fields/{id}": 1,
        "DELETE custom_fields/fields/{id}": 1,
        "GET employees/employees": 1,
        "GET employees/employees/{id}": 1,
    }
    assert [r.status for r in sim.call_log] == [200, 200, 200, 200, 200, 404, 200, 200]
    assert sim.call_log[0].params == [("instance_id", "7")]


async def test_faults_apply(
    client: httpx.AsyncClient, sim: Simulator, store: SimulatorStore
) -> None:
    sim.inject(Fault(route="custom_fields/values", method="PUT", status=503, times=1))
    sim.inject(Fault(route="employees/employees", status=429, retry_after="1", times=1))
    sim.inject(Fault(route="custom_fields/fields", body="truncated", times=1))
    refused = await client.put(api_url("custom_fields/values", 26), json={"value": "Air"})
    assert refused.status_code == 503
    assert store.cells[0].value == "MacBook Pro"  # nothing happened upstream
    limited = await client.get(api_url("employees/employees"))
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    cut = await client.get(api_url("custom_fields/fields"))
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        cut.json()
    assert (
        await client.put(api_url("custom_fields/values", 26), json={"value": "Air"})
    ).status_code == 200
    assert (await client.get(api_url("employees/employees"))).status_code == 200


async def test_root_lists_every_collection(client: httpx.AsyncClient) -> None:
    endpoints = (await client.get("/")).json()["endpoints"]
    assert "/api/{version}/resources/custom_fields/values[/{id}]" in endpoints
    assert "/api/{version}/resources/employees/employees[/{id}]" in endpoints
    assert len(endpoints) == len(COLLECTIONS)


async def test_unknown_api_key_header_spelling_is_401() -> None:
    sim = Simulator(table_store())
    async with client_for(sim, authorization=f"Token {API_KEY}") as client:
        assert (await client.get(api_url("custom_fields/values"))).status_code == 401
