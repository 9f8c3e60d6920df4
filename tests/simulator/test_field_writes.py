"""The custom fields writes over HTTP: bare records, 201/200, 422 naming each bad field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gql_server.simulator import SimulatorStore

from .support import OLD, api_url, table_store

CELLS = "custom_fields/values"
CELL: dict[str, Any] = {
    "field_id": "17",
    "valuable_type": "CustomResources::Value",
    "valuable_id": "8",
    "value": "99900",
}


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


def fields_of(response: httpx.Response) -> list[str | None]:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {"validation_failed"}
    return [e["field"] for e in errors]


# POST custom_fields/values and PUT custom_fields/values/{id}


async def test_create_a_cell_and_read_it_back(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    response = await client.post(api_url(CELLS), json=CELL)
    assert response.status_code == 201
    record = response.json()
    assert record["id"] == "38"
    assert (record["valuable_id"], record["field_id"], record["value"]) == ("8", "17", "99900")
    assert record["cents_value"] == 99900
    assert record["label"] == "Price"
    listed = await client.get(api_url(CELLS), params={"instance_id": "8"})
    assert [r["id"] for r in listed.json()["data"]] == ["29", "38"]
    assert listed.json()["data"][1] == record
    assert store.cell(38) is store.cells[-1]


async def test_create_with_integer_ids_on_an_old_version(client: httpx.AsyncClient) -> None:
    body = {**CELL, "field_id": 17, "valuable_id": 11, "value": "5000"}  # the team's laptop
    response = await client.post(api_url(CELLS, version=OLD), json=body)
    assert response.status_code == 201
    record = response.json()
    assert (record["id"], record["valuable_id"], record["field_id"]) == (38, 11, 17)


async def test_create_an_employee_profile_cell(client: httpx.AsyncClient) -> None:
    body = {"field_id": "19", "valuable_type": "Employee", "valuable_id": "99", "value": "s"}
    response = await client.post(api_url(CELLS), json=body)
    assert response.status_code == 201
    assert response.json()["single_choice_value"] == "S"
    missing = {**body, "valuable_id": "12345"}
    assert fields_of(await client.post(api_url(CELLS), json=missing)) == ["valuable_id"]


@pytest.mark.parametrize("missing", ["field_id", "valuable_type", "valuable_id", "value"])
async def test_cell_members_are_required(client: httpx.AsyncClient, missing: str) -> None:
    body = {k: v for k, v in CELL.items() if k != missing}
    assert fields_of(await client.post(api_url(CELLS), json=body)) == [missing]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"field_id": "999"}, ["field_id"]),
        ({"field_id": "x"}, ["field_id"]),
        ({"valuable_type": "Team"}, ["valuable_type"]),
        ({"valuable_id": "999"}, ["valuable_id"]),
        ({"value": 99900}, ["value"]),
        ({"value": "999.00"}, ["value"]),
        ({"field_id": "18", "value": "2025-01-01"}, ["field_id"]),  # not a laptop column
        ({"valuable_id": "7"}, ["field_id"]),  # row 7 already has a Price
        ({"field_id": "13", "value": "linux"}, ["value"]),  # an inactive option
        ({"field_id": "12", "value": ""}, ["field_id", "value"]),  # taken, and required
        ({"field_id": "999", "valuable_id": "999"}, ["field_id", "valuable_id"]),
    ],
)
async def test_cell_rejections(
    client: httpx.AsyncClient, store: SimulatorStore, change: dict[str, Any], fields: list[str]
) -> None:
    assert fields_of(await client.post(api_url(CELLS), json={**CELL, **change})) == fields
    assert len(store.cells) == 9


async def test_update_a_cell(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    before = store.cells[1].updated_at
    response = await client.put(api_url(CELLS, 27), json={"id": "27", "value": "windows"})
    assert response.status_code == 200
    record = response.json()
    assert (record["value"], record["single_choice_value"]) == ("windows", "Windows")
    assert record["updated_at"] > before.isoformat()
    assert (await client.get(api_url(CELLS, 27))).json() == record
    untouched = await client.put(api_url(CELLS, 27, version=OLD), json={})
    assert (untouched.status_code, untouched.json()["value"]) == (200, "windows")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"value": "beos"}, ["value"]),
        ({"value": None}, []),  # null means "not sent"
        ({"value": 3}, ["value"]),
        ({"id": "28", "value": "macos"}, ["id"]),
    ],
)
async def test_update_rejections(
    client: httpx.AsyncClient, store: SimulatorStore, body: dict[str, Any], fields: list[str]
) -> None:
    response = await client.put(api_url(CELLS, 27), json=body)
    if fields:
        assert fields_of(response) == fields
    assert store.cells[1].value == "macos"


async def test_update_needs_a_cell_and_a_body(client: httpx.AsyncClient) -> None:
    assert (await client.put(api_url(CELLS, 999), json={"value": "x"})).status_code == 404
    bad = await client.put(api_url(CELLS, 26), content=b"[1]")
    assert bad.status_code == 400


async def test_legacy_post_values_makes_a_readable_cell(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    body = {"schema_id": 1, "employee_id": 7, "field_id": 13, "value": "windows"}
    row = (await client.post(api_url("custom_resources/values"), json=body)).json()
    cells = (await client.get(api_url(CELLS), params={"instance_id": row["id"]})).json()["data"]
    assert [(c["field_id"], c["value"], c["single_choice_value"]) for c in cells] == [
        ("13", "windows", "Windows")
    ]
    assert cells[0]["valuable_type"] == "CustomResources::Value"
    wrong_schema = {**body, "field_id": 18}
    bad_value = {**body, "value": "beos"}
    assert fields_of(await client.post(api_url("custom_resources/values"), json=wrong_schema)) == [
        "field_id"
    ]
    assert fields_of(await client.post(api_url("custom_resources/values"), json=bad_value)) == [
        "value"
    ]


# POST fields, resource_fields, options and DELETE fields/{id}


async def test_create_a_field_with_options(
    client: httpx.AsyncClient, store: SimulatorStore
) -> None:
    body = {
        "company_id": "9",
        "field_type": "multiple_choice",
        "label": "Accessories",
        "options": ["Charger", "Mouse"],
        "position": 4,
        "editable": "owned",
    }
    response = await client.post(api_url("custom_fields/fields"), json=body)
    assert response.status_code == 201
    assert response.json() == {
        "id": "38",
        "field_type": "multiple_choice",
        "label_text": "Accessories",
        "position": 4,
        "required": False,
        "slug": "accessories",
    }
    options = await client.get(api_url("custom_fields/options"), params={"field_ids[]": "38"})
    assert [(o["label"], o["value"]) for o in options.json()["data"]] == [
        ("Charger", "charger"),
        ("Mouse", "mouse"),
    ]
    assert store.fields[38].editable == "owned"
    assert store.schema_field_ids(1) == [12, 13, 17]  # a field is no column by itself


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"field_type": "number"}, ["field_type"]),
        ({"company_id": None}, ["company_id"]),
        ({"label": "  "}, ["label"]),
        ({"options": ["A"]}, ["options"]),
        ({"min_value": 5, "max_value": 1}, ["max_value"]),
        ({"visible": "nobody"}, ["visible"]),
        ({"required": "yes"}, ["required"]),
    ],
)
async def test_field_rejections(
    client: httpx.AsyncClient, store: SimulatorStore, change: dict[str, Any], fields: list[str]
) -> None:
    body = {"company_id": 9, "field_type": "rating", "label": "Score", **change}
    assert fields_of(await client.post(api_url("custom_fields/fields"), json=body)) == fields
    assert len(store.fields) == 5


async def test_create_a_column(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    body = {
        "schema_id": "2",
        "company_id": "9",
        "field_type": "rating",
        "label": "Difficulty",
        "required": False,
        "editable": "everybody",
        "visible": "reportees",
        "min_value": 1,
        "max_value": 10,
    }
    response = await client.post(api_url("custom_fields/resource_fields"), json=body)
    assert response.status_code == 201
    assert response.json() == {"id": "39", "field_id": "38"}
    columns = await client.get(
        api_url("custom_fields/resource_fields"), params={"schema_ids[]": "2"}
    )
    assert [c["field_id"] for c in columns.json()["data"]] == ["18", "38"]
    field = (await client.get(api_url("custom_fields/fields", 38))).json()
    assert (field["min_value"], field["max_value"], field["label_text"]) == (1, 10, "Difficulty")
    cell = {**CELL, "field_id": "38", "valuable_id": "9", "value": "11"}
    assert fields_of(await client.post(api_url(CELLS), json=cell)) == ["value"]
    cell["value"] = "10"
    assert (await client.post(api_url(CELLS), json=cell)).status_code == 201


async def test_column_rejections(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    body = {"schema_id": "99", "company_id": "9", "field_type": "text", "label": "Room"}
    response = await client.post(api_url("custom_fields/resource_fields"), json=body)
    assert fields_of(response) == ["schema_id", "required", "editable", "visible"]
    assert (len(store.fields), len(store.resource_fields)) == (5, 4)


async def test_create_options(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    url = api_url("custom_fields/options", version=OLD)
    response = await client.post(url, json={"field_id": 13, "label": "Windows"})
    assert response.status_code == 201
    assert response.json() == {
        "id": 38,
        "label": "Windows",
        "value": "windows_2",  # values stay unique within the field
        "is_active": True,
        "field_id": 13,
    }
    hidden = await client.post(url, json={"field_id": 13, "label": "BeOS", "is_active": False})
    assert hidden.json()["is_active"] is False
    assert fields_of(await client.post(url, json={"field_id": 12, "label": "X"})) == ["field_id"]
    assert fields_of(await client.post(url, json={"field_id": 999, "label": "X"})) == ["field_id"]
    assert fields_of(await client.post(url, json={"field_id": 13})) == ["label"]


async def test_delete_a_field(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    response = await client.delete(api_url("custom_fields/fields", 13))
    assert response.status_code == 200
    assert response.json()["label_text"] == "OS"
    assert 13 not in store.fields
    assert store.field_options(13) == []
    assert store.schema_field_ids(1) == [12, 17]
    assert [c.id for c in store.cells if c.field_id == 13] == []
    assert store.cell(27) is None
    assert (await client.get(api_url(CELLS, 27))).status_code == 404
    again = await client.delete(api_url("custom_fields/fields", 13))
    assert again.status_code == 404
