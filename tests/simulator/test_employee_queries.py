"""employees/employees over HTTP: the record the SDK requires, every filter, pagination."""

from __future__ import annotations

import httpx
import pytest

from gql_server.simulator import Simulator, SimulatorStore, build_demo_store

from .support import API_KEY, BASE_URL, OLD, api_url, table_store

EMPLOYEES = "employees/employees"
HUGE = 18_000_000_000_000_001


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


def ids_of(response: httpx.Response) -> list[object]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["total"] == len(body["data"])
    return [record["id"] for record in body["data"]]


async def test_employee_record(client: httpx.AsyncClient) -> None:
    marc = (await client.get(api_url(EMPLOYEES, 7))).json()
    assert marc == {
        "id": "7",
        "access_id": "36",
        "first_name": "Marc",
        "last_name": "Puig",
        "full_name": "Marc Puig",
        "company_id": "9",
        "location_id": "500",
        "created_at": "2020-02-03T09:00:00+00:00",
        "updated_at": "2025-06-01T09:00:00+00:00",
        "is_terminating": False,
        "attendable": True,
        "active": True,
        "email": "marc@example.com",
        "company_identifier": "E7",
        "login_email": "marc@example.com",
        "legal_entity_id": "600",
        "manager_id": "42",
        "timeoff_manager_id": "42",
    }
    laura = (await client.get(api_url(EMPLOYEES, 99, version=OLD))).json()
    assert (laura["id"], laura["access_id"], laura["manager_id"]) == (99, 37, 42)
    assert (laura["active"], laura["terminated_on"]) == (False, "2024-03-31")


async def test_missing_employee_is_404(client: httpx.AsyncClient) -> None:
    for missing in (3, 1000, "ana"):
        response = await client.get(api_url(EMPLOYEES, missing))
        assert response.status_code == 404
        assert response.json()["errors"][0]["message"] == "Couldn't find the employee"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["7", "42", "99"]),
        ("ids[]=42&ids[]=3", ["42"]),
        ("access_ids[]=36&access_ids[]=37", ["7", "99"]),
        ("emails[]=ANA@example.com", ["42"]),
        ("full_text_name=puig%20marc", ["7"]),
        ("full_text_name=ar", ["7", "42", "99"]),
        ("name_starts_with=mar", ["7", "99"]),  # Marc, Martín
        ("name_starts_with=ana%20g", ["42"]),
        ("company_identifier=E99", ["99"]),
        ("legal_entity_ids[]=600", ["7", "42", "99"]),
        ("location_ids[]=501", ["99"]),
        ("team_ids[]=4", ["7", "99"]),
        ("team_ids[]=3&team_ids[]=5", ["7", "42"]),
        ("updated_at_gteq=2025-01-01", ["7", "42"]),
        ("updated_at_gteq=2025-01-01T23:00:00Z", ["7", "42"]),  # only the date counts
        ("updated_at_gteq=2025-01-02", ["7"]),
        ("only_active=true&only_managers=false", ["7", "42"]),  # as the SDK sends them
        ("only_active=false&only_managers=true", ["42"]),
        ("only_active=false&only_managers=false", ["7", "42", "99"]),
        ("team_ids[]=4&only_active=true", ["7"]),
        ("department=sales", ["7", "42", "99"]),  # unknown: ignored
    ],
)
async def test_filters(client: httpx.AsyncClient, query: str, expected: list[str]) -> None:
    assert ids_of(await client.get(f"{api_url(EMPLOYEES)}?{query}")) == expected


async def test_bad_updated_at_gteq_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get(api_url(EMPLOYEES), params={"updated_at_gteq": "yesterday"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (
        400,
        "updated_at_gteq",
    )


async def test_pages_of_a_demo_company() -> None:
    store = build_demo_store(resources=300, id_start=HUGE)
    transport = httpx.ASGITransport(app=Simulator(store).app)
    headers = {"x-api-key": API_KEY}
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
        first = (await c.get(api_url(EMPLOYEES), params={"limit": 1000})).json()
        second = (
            await c.get(api_url(EMPLOYEES), params={"after_id": first["meta"]["end_cursor"]})
        ).json()
        old = await c.get(api_url(EMPLOYEES, version=OLD), params={"page": 2})
    ids = [str(i) for i in sorted(store.employees)]
    assert len(ids) == 150
    assert [e["id"] for e in first["data"] + second["data"]] == ids
    assert first["meta"]["limit"] == 100
    assert [e["id"] for e in old.json()["data"]] == sorted(store.employees)[100:]
    assert f'"id":{HUGE + 1100},' in old.text  # exact beyond 2**53
