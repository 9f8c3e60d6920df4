"""Every BAD_USER_INPUT names its field, graphql-core's own input errors included."""

from __future__ import annotations

from typing import Any

import pytest

from ..gateway import Gateway

SCHEMA = "mutation($i: CreateSchemaInput!) { createSchema(input: $i) { id } }"
FIELD = "mutation($i: CreateFieldInput!) { createField(input: $i) { id } }"
VALUE = "mutation($i: CreateValueInput!) { createValue(input: $i) { id } }"

WRITTEN: list[tuple[str, str]] = [
    ('{ schemas(first: "x") { totalCount } }', "first"),
    ("{ resources(employeeIds: [1.5]) { totalCount } }", "employeeIds[0]"),
    (
        'mutation { createSchema(input: {name: "a", companyId: "1", position: "x"}) { id } }',
        "input.position",
    ),
    ('mutation { createSchema(input: {name: "a"}) { id } }', "input.companyId"),
    ('mutation { createSchema(input: {name: "a", companyId: "1", nope: 1}) { id } }', "input.nope"),
    ("mutation { createSchema { id } }", "input"),
    (
        'mutation { createValue(input: {schemaId: "1", employeeId: "2", cells: [{slug: "a", '
        'value: {number: "x"}}]}) { id } }',
        "input.cells[0].value.number",
    ),
]


@pytest.mark.parametrize(("query", "field"), WRITTEN)
async def test_values_written_in_the_document(gateway: Gateway, query: str, field: str) -> None:
    body = await gateway.query(query)
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert body["extensions"]["upstream"]["calls"] == 0
    assert gateway.sim.calls == {}


VARIABLES: list[tuple[str, dict[str, Any], str]] = [
    ("query($n: Int) { schemas(first: $n) { totalCount } }", {"n": "x"}, "$n"),
    ("query($n: Int!) { schemas(first: $n) { totalCount } }", {}, "$n"),
    (SCHEMA, {"i": {"name": "a", "companyId": "1", "position": "x"}}, "$i.position"),
    (SCHEMA, {"i": {"name": "a"}}, "$i.companyId"),
    (SCHEMA, {"i": {"name": "a", "companyId": "1", "bogus": 1}}, "$i.bogus"),
    (FIELD, {"i": {"schemaId": "1", "label": "a", "type": "NOPE"}}, "$i.type"),
    (
        VALUE,
        {"i": {"schemaId": "1", "employeeId": "2", "cells": [{"slug": "a", "value": 3}]}},
        "$i.cells[0].value",
    ),
]


@pytest.mark.parametrize(("query", "variables", "field"), VARIABLES)
async def test_variables_that_do_not_coerce(
    gateway: Gateway, query: str, variables: dict[str, Any], field: str
) -> None:
    body = await gateway.query(query, variables)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert body["extensions"]["upstream"]["calls"] == 0
    assert gateway.sim.calls == {}


async def test_other_validation_errors_name_no_field(gateway: Gateway) -> None:
    body = await gateway.query("{ nope }")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
