"""POST schemas and POST values: 201 with the bare record, 400 and 422 with the field named."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gql_server.simulator import SimulatorStore

from .support import OLD, url

SCHEMA_BODY: dict[str, Any] = {"name": "Parking spots", "company_id": 9, "hidden": False}
VALUE_BODY: dict[str, Any] = {"schema_id": 1, "employee_id": 42, "field_id": 500, "value": "MBP"}


def fields_of(response: httpx.Response) -> list[str | None]:
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {"validation_failed"}
    return [e["field"] for e in errors]


async def test_create_schema(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    response = await client.post(url("schemas"), json={**SCHEMA_BODY, "position": 4})
    assert response.status_code == 201
    record = response.json()
    assert record == {
        "id": "12",
        "name": "Parking spots",
        "company_id": "9",
        "hidden": False,
        "position": 4,
    }
    assert store.schemas[12].name == "Parking spots"
    listed = await client.get(url("schemas"), params={"ids[]": "12"})
    assert listed.json()["data"] == [record]


async def test_create_schema_with_string_ids_on_an_old_version(client: httpx.AsyncClient) -> None:
    response = await client.post(
        url("schemas", version=OLD), json={**SCHEMA_BODY, "company_id": "9"}
    )
    assert response.status_code == 201
    assert response.json()["company_id"] == 9
    assert response.json()["id"] == 12


@pytest.mark.parametrize("missing", ["name", "company_id", "hidden"])
async def test_schema_fields_are_required(client: httpx.AsyncClient, missing: str) -> None:
    body = {k: v for k, v in SCHEMA_BODY.items() if k != missing}
    assert fields_of(await client.post(url("schemas"), json=body)) == [missing]


async def test_schema_field_types(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    body = {"name": " ", "company_id": "nine", "hidden": "no", "position": "1"}
    response = await client.post(url("schemas"), json=body)
    assert fields_of(response) == ["name", "company_id", "hidden", "position"]
    assert len(store.schemas) == 2


async def test_create_value_in_the_employees_resource(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    response = await client.post(url("values"), json=VALUE_BODY)
    assert response.status_code == 201
    assert response.json() == {"id": "12", "resource_id": "3", "attachable_id": "42"}
    again = await client.post(url("values"), json={**VALUE_BODY, "value": "Dell"})
    assert again.json()["id"] == "14"  # a new row each time (13 is the first cell)
    cells = [(c.valuable_type, c.valuable_id, c.field_id, c.value) for c in store.cells]
    assert cells == [
        ("CustomResources::Value", 12, 500, "MBP"),
        ("CustomResources::Value", 14, 500, "Dell"),
    ]


async def test_create_value_creates_the_resource_when_missing(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    body = {"schema_id": "2", "employee_id": "7", "field_id": "501", "value": ""}
    response = await client.post(url("values"), json=body)
    assert response.status_code == 201
    resource = store.resources[int(response.json()["resource_id"])]
    assert (resource.schema_id, resource.attachable_type, resource.attachable_id) == (
        2,
        "Employee",
        7,
    )
    listed = await client.get(url("resources"), params={"employee_ids[]": "7"})
    assert [r["id"] for r in listed.json()["data"]] == ["5", str(resource.id)]


async def test_create_value_in_a_given_resource(client: httpx.AsyncClient) -> None:
    body = {**VALUE_BODY, "custom_resource_id": 6}  # the team's Laptops
    response = await client.post(url("values", version=OLD), json=body)
    assert response.status_code == 201
    assert response.json() == {"id": 12, "resource_id": 6, "attachable_id": 3}


@pytest.mark.parametrize("missing", ["schema_id", "employee_id", "field_id", "value"])
async def test_value_fields_are_required(client: httpx.AsyncClient, missing: str) -> None:
    body = {k: v for k, v in VALUE_BODY.items() if k != missing}
    assert fields_of(await client.post(url("values"), json=body)) == [missing]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schema_id": 99}, "schema_id"),
        ({"schema_id": True}, "schema_id"),
        ({"employee_id": 4242}, "employee_id"),  # no such employee: no orphan resource
        ({"value": 5}, "value"),
        ({"custom_resource_id": 99}, "custom_resource_id"),
        ({"custom_resource_id": 4}, "custom_resource_id"),  # a Certifications resource
        ({"custom_resource_id": "x"}, "custom_resource_id"),
    ],
)
async def test_value_rejections(
    client: httpx.AsyncClient, store: SimulatorStore, change: dict[str, Any], field: str
) -> None:
    response = await client.post(url("values"), json={**VALUE_BODY, **change})
    assert fields_of(response) == [field]
    assert len(store.values) == 5
    assert len(store.resources) == 4
    assert store.cells == []


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"text"'])
async def test_malformed_bodies_are_400(client: httpx.AsyncClient, content: bytes) -> None:
    for collection in ("schemas", "values"):
        response = await client.post(
            url(collection), content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "malformed_request"


async def test_writes_need_credentials(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    response = await client.post(url("schemas"), json=SCHEMA_BODY, headers={"x-api-key": ""})
    assert response.status_code == 401
    assert len(store.schemas) == 2
