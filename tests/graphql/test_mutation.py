"""Mutations: inputs are checked before any upstream call; good ones create records."""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.simulator import Fault, SimulatorStore

from ..gateway import Gateway, build_store, open_gateway

CREATE_SCHEMA = """
mutation($input: CreateSchemaInput!) {
  createSchema(input: $input) { id name companyId hidden position }
}
"""
CREATE_VALUE = """
mutation($input: CreateValueInput!) {
  createValue(input: $input) { id resourceId attachableId resource { id schemaId } }
}
"""


async def test_create_schema(gateway: Gateway, store: SimulatorStore) -> None:
    data = await gateway.data(
        CREATE_SCHEMA, {"input": {"name": "Bikes", "companyId": "9", "position": 3}}
    )
    created = data["createSchema"]
    row = store.schemas[int(created["id"])]
    assert (row.name, row.hidden, row.position) == ("Bikes", False, 3)
    assert created == {
        "id": str(row.id),
        "name": "Bikes",
        "companyId": "9",
        "hidden": False,
        "position": 3,
    }
    assert gateway.sim.calls == {"POST custom_resources/schemas": 1}


async def test_create_value_then_read_its_resource(gateway: Gateway, store: SimulatorStore) -> None:
    resource = next(iter(store.resources.values()))
    data = await gateway.data(
        CREATE_VALUE,
        {
            "input": {
                "schemaId": str(resource.schema_id),
                "employeeId": str(resource.attachable_id),
                "fieldId": "77",
                "value": "MacBook Air",
                "resourceId": str(resource.id),
            }
        },
    )
    created = data["createValue"]
    assert created["resourceId"] == str(resource.id)
    assert created["resource"] == {"id": str(resource.id), "schemaId": str(resource.schema_id)}
    assert int(created["id"]) in store.values
    assert [(c.field_id, c.value) for c in store.cells] == [(77, "MacBook Air")]


GOOD_VALUE = {"schemaId": "1", "employeeId": "1000", "fieldId": "5", "value": "x"}


@pytest.mark.parametrize(
    ("mutation", "payload", "field"),
    [
        (CREATE_SCHEMA, {"name": "  ", "companyId": "9"}, "input.name"),
        (CREATE_SCHEMA, {"name": "x" * 256, "companyId": "9"}, "input.name"),
        (CREATE_SCHEMA, {"name": "ok", "companyId": "9 9"}, "input.companyId"),
        (CREATE_SCHEMA, {"name": "ok", "companyId": "9", "position": -1}, "input.position"),
        (CREATE_SCHEMA, {"companyId": "9"}, "name"),
        (CREATE_SCHEMA, {"name": 5, "companyId": "9"}, "name"),
        (CREATE_VALUE, {**GOOD_VALUE, "schemaId": ""}, "input.schemaId"),
        (CREATE_VALUE, {**GOOD_VALUE, "resourceId": "a/b"}, "input.resourceId"),
        (CREATE_VALUE, {k: v for k, v in GOOD_VALUE.items() if k != "fieldId"}, "fieldId"),
        (CREATE_VALUE, {**GOOD_VALUE, "value": None}, "value"),
    ],
)
async def test_bad_input_is_refused_naming_the_field_with_no_upstream_call(
    gateway: Gateway, mutation: str, payload: dict[str, Any], field: str
) -> None:
    body = await gateway.query(mutation, {"input": payload})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert field in error["message"]
    if field.startswith("input."):
        assert error["extensions"]["field"] == field
    assert gateway.sim.total_calls == 0


async def test_integer_id_versions_refuse_non_numeric_ids_before_calling() -> None:
    async with open_gateway(build_store(), factorial_api_version="2026-04-01") as gw:
        body = await gw.query(CREATE_SCHEMA, {"input": {"name": "ok", "companyId": "abc"}})
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "input.companyId",
        }
        assert gw.sim.total_calls == 0
        data = await gw.data(CREATE_SCHEMA, {"input": {"name": "ok", "companyId": "9"}})
        assert data["createSchema"]["companyId"] == "9"


async def test_upstream_rejection_becomes_bad_user_input(gateway: Gateway) -> None:
    body = await gateway.query(CREATE_VALUE, {"input": {**GOOD_VALUE, "schemaId": "424242"}})
    assert body["data"] == {"createValue": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["createValue"]


async def test_a_failed_post_is_never_retried() -> None:
    store = build_store()
    async with open_gateway(store) as gw:
        gw.sim.inject(Fault(route="custom_resources/schemas", method="POST", status=503))
        body = await gw.query(CREATE_SCHEMA, {"input": {"name": "ok", "companyId": "9"}})
        assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert gw.sim.calls == {"POST custom_resources/schemas": 1}
        assert len(store.schemas) == 1
