"""Custom fields records: the official SDK's members, integer or string ids by version."""

from __future__ import annotations

import httpx
import pytest

from gql_server.simulator import Simulator, SimulatorStore
from gql_server.simulator.field_records import render_cell, render_field
from gql_server.simulator.records import ApiVersion
from gql_server.simulator.rows import CellRow, FieldRow, OptionRow, field_identifier

from .support import API_KEY, BASE_URL, OLD, api_url, at, table_store

HUGE = 18_000_000_000_000_001  # beyond 2**53
NEW_VERSION = ApiVersion("2026-10-01")


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


async def test_field_records(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    new = (await client.get(api_url("custom_fields/fields", 12))).json()
    old = (await client.get(api_url("custom_fields/fields", 13, version=OLD))).json()
    assert new == {
        "id": "12",
        "field_type": "text",
        "label_text": "Model",
        "position": 1,
        "required": True,
        "slug": "model",
    }
    assert old == {
        "id": 13,
        "field_type": "single_choice",
        "label_text": "OS",
        "position": 2,
        "required": False,
        "slug": "os",
    }
    unplaced = (await client.get(api_url("custom_fields/fields", 19))).json()
    assert "position" not in unplaced


async def test_option_and_column_records(client: httpx.AsyncClient) -> None:
    option = (await client.get(api_url("custom_fields/options", 16))).json()
    assert option == {
        "id": "16",
        "label": "Linux",
        "value": "linux",
        "is_active": False,
        "field_id": "13",
    }
    column = (await client.get(api_url("custom_fields/resource_fields", 25, version=OLD))).json()
    assert column == {"id": 25, "field_id": 18}  # no schema_id, as in the SDK


async def test_cell_records(client: httpx.AsyncClient, store: SimulatorStore) -> None:
    cells = (await client.get(api_url("custom_fields/values"), params={"instance_id": 7})).json()
    model, system, price = cells["data"][:3]
    assert model == {
        "id": "26",
        "custom_field_identifier": store.fields[12].identifier,
        "valuable_id": "7",
        "field_id": "12",
        "valuable_type": "CustomResources::Value",
        "value": "MacBook Pro",
        "label": "Model",
        "required": True,
        "updated_at": "2025-01-10T10:00:00+00:00",
    }
    assert (system["value"], system["single_choice_value"]) == ("macos", "macOS")
    assert (price["value"], price["cents_value"]) == ("129900", 129900)
    issued = (await client.get(api_url("custom_fields/values", 30, version=OLD))).json()
    assert (issued["id"], issued["valuable_id"], issued["field_id"]) == (30, 9, 18)
    assert (issued["value"], issued["date_value"]) == ("2024-05-01", "2024-05-01")
    shirt = (await client.get(api_url("custom_fields/values", 33))).json()
    assert (shirt["valuable_type"], shirt["valuable_id"]) == ("Employee", "42")


async def test_huge_ids_come_back_exact() -> None:
    store = table_store(id_start=HUGE)
    transport = httpx.ASGITransport(app=Simulator(store).app)
    headers = {"x-api-key": API_KEY}
    cell_id = HUGE + 25  # cell 26 with id_start=1
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
        new = await c.get(api_url("custom_fields/values", cell_id))
        old = await c.get(api_url("custom_fields/values", cell_id, version=OLD))
        columns = await c.get(
            api_url("custom_fields/resource_fields", version=OLD),
            params={"schema_ids[]": str(HUGE)},
        )
    assert new.json()["id"] == str(cell_id)
    assert new.json()["valuable_id"] == str(HUGE + 6)
    assert f'"id":{cell_id},' in old.text  # an exact JSON integer, not a float
    assert old.json()["field_id"] == HUGE + 11
    assert [c["field_id"] for c in columns.json()["data"]] == [HUGE + 11, HUGE + 12, HUGE + 16]


def test_optional_field_members_only_when_set() -> None:
    row = FieldRow(5, "rating", "Score", 1, "score", "x" * 40, min_value=1, max_value=10)
    row.legal_entity_id, row.legal_entity_name = 2**60, "Acme Spain SL"
    assert render_field(row, NEW_VERSION) == {
        "id": "5",
        "field_type": "rating",
        "label_text": "Score",
        "required": False,
        "min_value": 1,
        "max_value": 10,
        "legal_entity_name": "Acme Spain SL",
        "legal_entity_id": str(2**60),
        "slug": "score",
    }


def test_cell_of_an_unknown_field_still_parses() -> None:
    row = CellRow(9, 77, "P-12", 8, updated_at=at("2025-01-06T09:00"))
    record = render_cell(row, NEW_VERSION, None, {})
    assert record["custom_field_identifier"] == field_identifier(77)
    assert len(record["custom_field_identifier"]) == 40
    assert "label" not in record


def test_typed_members_need_a_readable_value() -> None:
    field = FieldRow(5, "single_choice", "OS", 1, "os", "x" * 40)
    options = {"macos": OptionRow(6, 5, "macOS", "macos")}
    when = at("2025-01-06T09:00")
    assert (
        render_cell(CellRow(9, 5, "macos", 8, updated_at=when), NEW_VERSION, field, options)[
            "single_choice_value"
        ]
        == "macOS"
    )
    gone = render_cell(CellRow(9, 5, "beos", 8, updated_at=when), NEW_VERSION, field, options)
    assert "single_choice_value" not in gone
