"""The simulator over HTTP: versions, filters, pagination, errors, auth, tenants, call counts."""

from __future__ import annotations

import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from gql_server.simulator import Simulator, SimulatorStore, build_demo_store

from .support import API_KEY, BASE_URL, NEW, OLD, small_store, url

HUGE = 18_000_000_000_000_001  # beyond 2**53


def client_for(sim: Simulator, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=sim.app)
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


def ids_of(response: httpx.Response) -> list[object]:
    return [record["id"] for record in response.json()["data"]]


# Versions and ids


async def test_ids_are_integers_up_to_2026_04_01(client: httpx.AsyncClient) -> None:
    response = await client.get(url("values", version=OLD))
    assert response.status_code == 200
    assert response.json()["data"][0] == {"id": 7, "resource_id": 3, "attachable_id": 42}


async def test_ids_are_strings_from_2026_07_01(client: httpx.AsyncClient) -> None:
    for version in ("2026-07-01", NEW, "2027-01-01"):
        response = await client.get(url("resources", 3, version=version))
        record = response.json()
        assert record["id"] == "3"
        assert record["schema_id"] == "1"
        assert record["attachable_id"] == "42"
        assert record["company_id"] == "9"


async def test_huge_ids_come_back_exact() -> None:
    sim = Simulator(small_store(id_start=HUGE))
    async with client_for(sim, **{"x-api-key": API_KEY}) as client:
        new = await client.get(url("schemas", HUGE))
        old = await client.get(url("schemas", HUGE, version=OLD))
    assert new.json()["id"] == str(HUGE)
    assert f'"id":{HUGE},' in old.text  # an exact JSON integer, not a float
    assert old.json()["id"] == HUGE


async def test_unknown_version_is_404(client: httpx.AsyncClient) -> None:
    for version in ("v1", "2026-13-01", "latest"):
        response = await client.get(url("schemas", version=version))
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "missing_resource"


# Records


async def test_records_carry_the_spec_fields(client: httpx.AsyncClient) -> None:
    schemas = (await client.get(url("schemas", version=OLD))).json()["data"]
    assert schemas == [
        {"id": 1, "name": "Laptops", "company_id": 9, "hidden": False, "position": 1},
        {"id": 2, "name": "Certifications", "company_id": 9, "hidden": True},
    ]
    resource = (await client.get(url("resources", 6, version=OLD))).json()
    assert resource["attachable_type"] == "Team"
    assert resource["name"] == "Laptops"
    assert resource["created_at"].endswith("+00:00")


async def test_sdk_fields_can_be_switched_off(store: SimulatorStore) -> None:
    sim = Simulator(store, sdk_fields=False)
    async with client_for(sim, **{"x-api-key": API_KEY}) as client:
        record = (await client.get(url("resources", 3))).json()
    assert record == {
        "id": "3",
        "schema_id": "1",
        "attachable_type": "Employee",
        "attachable_id": "42",
    }


async def test_get_by_id_is_the_bare_record_or_404(client: httpx.AsyncClient) -> None:
    assert (await client.get(url("values", 9))).json() == {
        "id": "9",
        "resource_id": "4",
        "attachable_id": "42",
    }
    for collection, missing in (
        ("schemas", 3),
        ("resources", 1),
        ("values", 999),
        ("values", "abc"),
    ):
        response = await client.get(url(collection, missing))
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "missing_resource"


# Filters


@pytest.mark.parametrize(
    ("collection", "query", "expected"),
    [
        ("schemas", "ids[]=2", ["2"]),
        ("schemas", "ids[]=1&ids[]=2&ids[]=3", ["1", "2"]),
        ("resources", "ids[]=6&ids[]=3", ["3", "6"]),
        ("resources", "employee_ids[]=42", ["3", "4"]),
        ("resources", "employee_ids[]=42&employee_ids[]=7", ["3", "4", "5"]),
        ("resources", "employee_ids[]=3", []),  # team 3 is not an employee
        ("resources", "employee_ids[]=42&ids[]=4&ids[]=5", ["4"]),
        ("values", "employee_ids[]=42", ["7", "8", "9"]),
        ("values", "ids[]=10&employee_ids[]=7", ["10"]),
        ("values", "ids[]=abc", []),
        ("values", "ids[]=", []),
        ("values", "ids[]=abc&ids[]=11", ["11"]),
        ("values", "ids=7&resource_id=3&foo=bar", ["7", "8", "9", "10", "11"]),  # ignored
    ],
)
async def test_filters(
    client: httpx.AsyncClient, collection: str, query: str, expected: list[str]
) -> None:
    response = await client.get(f"{url(collection)}?{query}")
    assert response.status_code == 200
    assert ids_of(response) == expected
    assert response.json()["meta"]["total"] == len(expected)


# Pagination


async def walk(client: httpx.AsyncClient, collection: str, limit: int) -> list[object]:
    seen: list[object] = []
    params: dict[str, str | int] = {"limit": limit}
    while True:
        body = (await client.get(url(collection), params=params)).json()
        seen.extend(record["id"] for record in body["data"])
        if not body["meta"]["has_next_page"]:
            return seen
        params["after_id"] = body["meta"]["end_cursor"]


async def test_cursor_walk_visits_every_record_once() -> None:
    store = build_demo_store(resources=250)
    sim = Simulator(store)
    async with client_for(sim, **{"x-api-key": API_KEY}) as client:
        seen = await walk(client, "values", 33)
        first = (await client.get(url("values"), params={"limit": 33})).json()["meta"]
    assert seen == [str(i) for i in sorted(store.values)]
    assert len(seen) > 100
    assert first["total"] == len(store.values)
    assert first["limit"] == 33
    assert first["has_previous_page"] is False
    assert sim.calls["GET custom_resources/values"] == -(-len(seen) // 33) + 1


async def test_before_id_pages_backwards(client: httpx.AsyncClient) -> None:
    last = (await client.get(url("values"), params={"after_id": "9"})).json()
    assert ids_of_json(last) == ["10", "11"]
    before = await client.get(
        url("values"), params={"before_id": last["meta"]["start_cursor"], "limit": 2}
    )
    assert ids_of(before) == ["8", "9"]
    assert before.json()["meta"]["has_previous_page"] is True
    assert before.json()["meta"]["has_next_page"] is True


def ids_of_json(body: dict[str, list[dict[str, object]]]) -> list[object]:
    return [record["id"] for record in body["data"]]


async def test_page_pagination(client: httpx.AsyncClient) -> None:
    pages = [
        (await client.get(url("values", version=OLD), params={"page": n, "limit": 2})).json()
        for n in (1, 2, 3, 4)
    ]
    assert [ids_of_json(p) for p in pages] == [[7, 8], [9, 10], [11], []]
    assert all(p["meta"]["total"] == 5 and p["meta"]["limit"] == 2 for p in pages)
    assert [p["meta"]["has_next_page"] for p in pages] == [True, True, False, False]


async def test_limit_is_clamped_to_100() -> None:
    sim = Simulator(build_demo_store(resources=150, values_per_resource=1))
    async with client_for(sim, **{"x-api-key": API_KEY}) as client:
        big = (await client.get(url("resources"), params={"limit": 500})).json()
        junk = (await client.get(url("resources"), params={"limit": "lots"})).json()
    assert len(big["data"]) == 100
    assert big["meta"]["limit"] == 100
    assert big["meta"]["total"] == 150
    assert len(junk["data"]) == 100


async def test_bad_cursor_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(url("values"), params={"after_id": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "malformed_request", "message": "Invalid pagination cursor", "field": "after_id"}
    ]


# Routing


async def test_other_paths_and_methods(client: httpx.AsyncClient) -> None:
    for path in ("/nope", "/api/2026-10-01/resources/teams/teams", url("fields")):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "missing_resource"
    for method, path in (
        ("POST", url("resources")),
        ("PUT", url("values", 7)),
        ("DELETE", url("schemas")),
    ):
        response = await client.request(method, path)
        assert response.status_code == 405
        assert response.json()["errors"][0]["code"] == "malformed_request"
    root = await client.get("/")
    assert root.status_code == 200
    assert "endpoints" in root.json()


# Auth


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": ""}, {"authorization": "Bearer "}, {"authorization": "Basic dXNlcjpwdw=="}],
)
async def test_missing_credentials_are_401(store: SimulatorStore, headers: dict[str, str]) -> None:
    async with client_for(Simulator(store), **headers) as client:
        response = await client.get(url("schemas"))
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {"code": "unauthorized", "message": "Invalid or missing credentials", "field": None}
        ]
    }


async def test_known_credentials_only(store: SimulatorStore) -> None:
    sim = Simulator(store, api_keys={"good-key"}, access_tokens={"good-token"})
    cases = [
        ({"x-api-key": "good-key"}, 200),
        ({"x-api-key": "bad-key-canary"}, 401),
        ({"authorization": "Bearer good-token"}, 200),
        ({"authorization": "bearer good-token"}, 200),
        ({"authorization": "Bearer good-key"}, 401),
        ({"authorization": "Bearer bad-token-canary"}, 401),
    ]
    for headers, status in cases:
        async with client_for(sim, **headers) as client:
            response = await client.get(url("schemas"))
        assert response.status_code == status, headers
        assert "canary" not in response.text
    assert [r.credential_kind for r in sim.call_log] == ["api_key"] * 2 + ["bearer"] * 4
    assert "canary" not in repr(sim.call_log)


async def test_tenants_never_mix(store: SimulatorStore) -> None:
    other = SimulatorStore(id_start=500, company_id=2)
    other.add_schema(name="Tenant B only")
    sim = Simulator(store, tenants={"key-b": other, "token-b": other})
    async with client_for(sim, **{"x-api-key": "key-b"}) as b_client:
        b_names = [s["name"] for s in (await b_client.get(url("schemas"))).json()["data"]]
        b_missing = await b_client.get(url("schemas", 1))
    async with client_for(sim, authorization="Bearer token-b") as b_bearer:
        b_bearer_names = [s["name"] for s in (await b_bearer.get(url("schemas"))).json()["data"]]
    async with client_for(sim, **{"x-api-key": "key-a"}) as a_client:
        a_names = [s["name"] for s in (await a_client.get(url("schemas"))).json()["data"]]
    assert b_names == b_bearer_names == ["Tenant B only"]
    assert b_missing.status_code == 404
    assert a_names == ["Laptops", "Certifications"]


# Call counts


async def test_call_counter_keys_and_log(client: httpx.AsyncClient, sim: Simulator) -> None:
    await client.get(url("values"), params=[("ids[]", "7"), ("ids[]", "8"), ("limit", "5")])
    await client.get(url("values", 7))
    await client.get(url("values", "999"))
    await client.post(url("schemas"), json={"name": "X", "company_id": 9, "hidden": False})
    await client.get(url("schemas"), headers={"x-api-key": ""})
    await client.get("/")
    await client.get("/elsewhere")
    assert sim.calls == {
        "GET custom_resources/values": 1,
        "GET custom_resources/values/{id}": 2,
        "POST custom_resources/schemas": 1,
        "GET custom_resources/schemas": 1,
    }
    assert sim.total_calls == 5
    first = sim.call_log[0]
    assert first.method == "GET"
    assert first.route == "custom_resources/values"
    assert first.path == "/api/2026-10-01/resources/custom_resources/values"
    assert first.params == [("ids[]", "7"), ("ids[]", "8"), ("limit", "5")]
    assert first.credential_kind == "api_key"
    assert [r.status for r in sim.call_log] == [200, 200, 404, 201, 401]
    assert sim.call_log[-1].credential_kind is None
    sim.reset_calls()
    assert sim.total_calls == 0
    assert sim.call_log == []


async def test_latency_and_jitter(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.latency = 0.1
    sim.jitter = 0.05
    start = time.monotonic()
    await client.get(url("schemas"))
    elapsed = time.monotonic() - start
    assert 0.1 <= elapsed < 1.0
    root_start = time.monotonic()
    await client.get("/")
    assert time.monotonic() - root_start < 0.1


async def test_works_mounted_under_a_prefix(sim: Simulator) -> None:
    outer = Starlette(routes=[Mount("/factorial", app=sim.app)])
    transport = httpx.ASGITransport(app=outer)
    headers = {"x-api-key": API_KEY}
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
        response = await c.get("/factorial" + url("schemas", 1))
    assert response.json()["name"] == "Laptops"
    assert sim.call_log[-1].route == "custom_resources/schemas/{id}"
