"""Designing a table from GraphQL: columns added and deleted, options added, all checked first."""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.simulator import SimulatorStore

from ..gateway import Gateway, open_gateway

CREATE_SCHEMA = """mutation($input: CreateSchemaInput!) { createSchema(input: $input) { id } }"""
CREATE_FIELD = """mutation($input: CreateFieldInput!) { createField(input: $input) {
  id label type required position slug minValue maxValue options { label value active } } }"""
CREATE_OPTION = """mutation($input: CreateOptionInput!) { createOption(input: $input) {
  id label value active } }"""
DELETE_FIELD = """mutation($input: DeleteFieldInput!) { deleteField(input: $input) {
  id label type } }"""
CREATE_VALUE = """mutation($input: CreateValueInput!) { createValue(input: $input) {
  id cells { field { label } text number choice { label } } } }"""
COLUMNS = """query($id: ID!) { schema(id: $id) { fields { id label type options { label } } } }"""


@pytest.fixture
def store() -> SimulatorStore:
    store = SimulatorStore()
    store.add_employee(id=5000, first_name="Ada", last_name="Lovelace", email="ada@example.com")
    return store


async def new_table(gateway: Gateway) -> str:
    data = await gateway.data(
        CREATE_SCHEMA, {"input": {"name": "Laptops", "companyId": "1", "hidden": False}}
    )
    table: str = data["createSchema"]["id"]
    return table


async def add_column(gateway: Gateway, **members: Any) -> dict[str, Any]:
    data = await gateway.data(CREATE_FIELD, {"input": members})
    column: dict[str, Any] = data["createField"]
    return column


def posts(gateway: Gateway) -> dict[str, int]:
    return {k: n for k, n in gateway.sim.calls.items() if not k.startswith("GET")}


async def test_an_empty_table_gets_columns_then_rows(gateway: Gateway) -> None:
    table = await new_table(gateway)
    model = await add_column(gateway, schemaId=table, label="Model", type="TEXT", required=True)
    assert model["label"] == "Model" and model["type"] == "TEXT" and model["required"] is True
    assert model["slug"]  # Factorial makes one from the label
    rating = await add_column(
        gateway, schemaId=table, label="Condition", type="RATING", minValue=1, maxValue=10
    )
    assert (rating["minValue"], rating["maxValue"]) == (1, 10)
    kind = await add_column(
        gateway, schemaId=table, label="Kind", type="SINGLE_CHOICE", options=["Laptop", "Desktop"]
    )
    assert [o["label"] for o in kind["options"]] == ["Laptop", "Desktop"]

    data = await gateway.data(COLUMNS, {"id": table})
    assert [(f["label"], f["type"]) for f in data["schema"]["fields"]] == [
        ("Model", "TEXT"),
        ("Condition", "RATING"),
        ("Kind", "SINGLE_CHOICE"),
    ]
    cells = [
        {"slug": model["slug"], "value": {"text": "ThinkPad X1"}},
        {"slug": rating["slug"], "value": {"number": 9}},
        {"slug": kind["slug"], "value": {"choice": "Laptop"}},
    ]
    data = await gateway.data(
        CREATE_VALUE, {"input": {"schemaId": table, "employeeId": "5000", "cells": cells}}
    )
    row = {c["field"]["label"]: c for c in data["createValue"]["cells"]}
    assert row["Model"]["text"] == "ThinkPad X1"
    assert row["Condition"]["number"] == 9
    assert row["Kind"]["choice"] == {"label": "Laptop"}


async def test_create_field_costs_one_post_and_its_reads(gateway: Gateway) -> None:
    table = await new_table(gateway)
    gateway.sim.reset_calls()
    body = await gateway.query(
        CREATE_FIELD, {"input": {"schemaId": table, "label": "Serial", "type": "TEXT"}}
    )
    assert "errors" not in body
    assert gateway.sim.calls == {
        "GET custom_resources/schemas": 1,
        "GET custom_fields/resource_fields": 1,
        "POST custom_fields/resource_fields": 1,
        "GET custom_fields/fields": 1,
    }
    upstream = body["extensions"]["upstream"]
    assert upstream["calls"] == 4
    assert upstream["estimated"] >= upstream["calls"]


async def test_options_are_added_to_choice_columns_only(gateway: Gateway) -> None:
    table = await new_table(gateway)
    kind = await add_column(
        gateway, schemaId=table, label="Kind", type="MULTIPLE_CHOICE", options=["Dock"]
    )
    data = await gateway.data(CREATE_OPTION, {"input": {"fieldId": kind["id"], "label": "Mouse"}})
    assert data["createOption"]["label"] == "Mouse" and data["createOption"]["active"] is True
    data = await gateway.data(COLUMNS, {"id": table})
    assert [o["label"] for o in data["schema"]["fields"][0]["options"]] == ["Dock", "Mouse"]

    text = await add_column(gateway, schemaId=table, label="Notes", type="LONG_TEXT")
    gateway.sim.reset_calls()
    cases = [
        ({"fieldId": text["id"], "label": "x"}, "BAD_USER_INPUT", "input.fieldId"),
        ({"fieldId": kind["id"], "label": " mouse "}, "BAD_USER_INPUT", "input.label"),
        ({"fieldId": kind["id"], "label": "  "}, "BAD_USER_INPUT", "input.label"),
        ({"fieldId": "987654", "label": "x"}, "NOT_FOUND", "input.fieldId"),
    ]
    for members, code, field in cases:
        body = await gateway.query(CREATE_OPTION, {"input": members})
        assert body["errors"][0]["extensions"] == {"code": code, "field": field}, members
    assert posts(gateway) == {}


async def test_a_column_is_deleted_by_id_or_slug_with_its_cells(
    gateway: Gateway, store: SimulatorStore
) -> None:
    table = await new_table(gateway)
    model = await add_column(gateway, schemaId=table, label="Model", type="TEXT")
    notes = await add_column(gateway, schemaId=table, label="Notes", type="LONG_TEXT")
    cells = [
        {"slug": model["slug"], "value": {"text": "X1"}},
        {"slug": notes["slug"], "value": {"text": "dent"}},
    ]
    await gateway.data(
        CREATE_VALUE, {"input": {"schemaId": table, "employeeId": "5000", "cells": cells}}
    )
    data = await gateway.data(DELETE_FIELD, {"input": {"schemaId": table, "slug": notes["slug"]}})
    assert data["deleteField"] == {"id": notes["id"], "label": "Notes", "type": "LONG_TEXT"}
    assert int(notes["id"]) not in store.fields
    assert all(cell.field_id != int(notes["id"]) for cell in store.cells)
    data = await gateway.data(COLUMNS, {"id": table})
    assert [f["label"] for f in data["schema"]["fields"]] == ["Model"]

    data = await gateway.data(DELETE_FIELD, {"input": {"schemaId": table, "fieldId": model["id"]}})
    assert data["deleteField"]["label"] == "Model"
    assert gateway.sim.calls["DELETE custom_fields/fields/{id}"] == 2


async def test_delete_refuses_what_is_not_a_column_of_the_table(gateway: Gateway) -> None:
    table = await new_table(gateway)
    other = await new_table(gateway)
    elsewhere = await add_column(gateway, schemaId=other, label="Model", type="TEXT")
    gateway.sim.reset_calls()
    cases = [
        ({"schemaId": table, "fieldId": elsewhere["id"]}, "NOT_FOUND", "input.fieldId"),
        ({"schemaId": table, "slug": "model"}, "NOT_FOUND", "input.slug"),
        ({"schemaId": "424242", "fieldId": elsewhere["id"]}, "NOT_FOUND", "input.schemaId"),
        ({"schemaId": table}, "BAD_USER_INPUT", "input"),
        ({"schemaId": table, "fieldId": "1", "slug": "x"}, "BAD_USER_INPUT", "input"),
        ({"schemaId": table, "fieldId": "not an id"}, "BAD_USER_INPUT", "input.fieldId"),
    ]
    for members, code, field in cases:
        body = await gateway.query(DELETE_FIELD, {"input": members})
        assert body["errors"][0]["extensions"] == {"code": code, "field": field}, members
    assert posts(gateway) == {}


BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"label": " ", "type": "TEXT"}, "input.label"),
    ({"label": "x" * 256, "type": "TEXT"}, "input.label"),
    ({"label": "Model", "type": "OTHER"}, "input.type"),
    ({"label": "Model", "type": "TEXT", "position": -1}, "input.position"),
    ({"label": "Model", "type": "TEXT", "minValue": 1}, "input.minValue"),
    ({"label": "Model", "type": "RATING", "minValue": 5, "maxValue": 1}, "input.maxValue"),
    ({"label": "Model", "type": "DATE", "options": ["a"]}, "input.options"),
    ({"label": "Kind", "type": "SINGLE_CHOICE", "options": ["a", " A "]}, "input.options[1]"),
    ({"label": "Kind", "type": "SINGLE_CHOICE", "options": [""]}, "input.options[0]"),
    ({"label": "Kind", "type": "SINGLE_CHOICE", "options": ["o"] * 101}, "input.options"),
]


@pytest.mark.parametrize(("members", "field"), BAD_FIELDS)
async def test_bad_columns_are_refused_before_any_call(
    gateway: Gateway, members: dict[str, Any], field: str
) -> None:
    body = await gateway.query(CREATE_FIELD, {"input": {"schemaId": "1", **members}})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert gateway.sim.calls == {}


async def test_a_column_needs_a_table_and_a_free_label(gateway: Gateway) -> None:
    table = await new_table(gateway)
    await add_column(gateway, schemaId=table, label="Model", type="TEXT")
    gateway.sim.reset_calls()
    body = await gateway.query(
        CREATE_FIELD, {"input": {"schemaId": "424242", "label": "Model", "type": "TEXT"}}
    )
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "input.schemaId"}
    body = await gateway.query(
        CREATE_FIELD, {"input": {"schemaId": table, "label": "model", "type": "TEXT"}}
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.label"}
    assert posts(gateway) == {}


async def test_string_id_versions_design_tables_too() -> None:
    store = SimulatorStore()
    async with open_gateway(store, factorial_api_version="2026-10-01") as gateway:
        table = await new_table(gateway)
        column = await add_column(gateway, schemaId=table, label="Model", type="TEXT")
        assert column["label"] == "Model"
    async with open_gateway(store, factorial_api_version="2026-04-01") as gateway:
        data = await gateway.data(COLUMNS, {"id": table})
        assert [f["label"] for f in data["schema"]["fields"]] == ["Model"]
