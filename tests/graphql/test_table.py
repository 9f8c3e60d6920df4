"""The table's data: columns, typed cells, owners; writing rows and cells; minimum calls."""

from __future__ import annotations

import math
from typing import Any

import pytest

from gql_server.simulator import SimulatorStore

from ..gateway import Gateway, open_gateway

TYPES = [
    ("Model", "text", "MacBook Air"),
    ("Notes", "long_text", "Scratch on the lid.\nOtherwise fine."),
    ("Bought", "date", "2025-03-14"),
    ("Condition", "rating", "4"),
    ("Encrypted", "checkbox", "true"),
    ("Kind", "single_choice", "laptop"),
    ("Extras", "multiple_choice", "dock,mouse"),
    ("Price", "money", "129900"),
    ("Screen", "cents", "1330"),
]


def table_store(rows_per_resource: int = 2, employees: int = 3) -> SimulatorStore:
    """One schema with a column of every type (positions reversed), rows with every cell."""
    store = SimulatorStore()
    schema = store.add_schema(name="Laptops")
    other = store.add_schema(name="Certifications")
    fields = {}
    for position, (label, kind, _) in enumerate(reversed(TYPES)):
        options: tuple[str, ...] = ()
        if kind == "single_choice":
            options = ("Laptop", "Desktop")
        if kind == "multiple_choice":
            options = ("Dock", "Mouse", "Keyboard")
        field = store.add_field(
            label=label,
            field_type=kind,
            position=position,
            required=label == "Model",
            options=options,
            min_value=1 if kind == "rating" else None,
            max_value=5 if kind == "rating" else None,
        )
        store.add_resource_field(schema_id=schema.id, field_id=field.id)
        fields[label] = field
    cert = store.add_field(label="Title", field_type="text", position=0)
    store.add_resource_field(schema_id=other.id, field_id=cert.id)
    for e in range(employees):
        store.add_employee(
            id=5000 + e, first_name=f"Ada{e}", last_name="Lovelace", email=f"ada{e}@example.com"
        )
        resource = store.add_resource(schema_id=schema.id, attachable_id=5000 + e)
        for _ in range(rows_per_resource):
            row = store.add_value(resource_id=resource.id)
            for label, _, text in TYPES:
                store.add_cell(value_id=row.id, field_id=fields[label].id, value=text)
        certs = store.add_resource(schema_id=other.id, attachable_id=5000 + e)
        row = store.add_value(resource_id=certs.id)
        store.add_cell(value_id=row.id, field_id=cert.id, value=f"Cert {e}")
    team = store.add_resource(schema_id=other.id, attachable_type="Team", attachable_id=77)
    store.add_value(resource_id=team.id)
    return store


@pytest.fixture
def store() -> SimulatorStore:
    return table_store()


CELL = """ id fieldId raw text date number cents boolean
  choice { label value } choices { label } field { label type } """


async def test_columns_in_position_order_with_types_and_options(gateway: Gateway) -> None:
    data = await gateway.data(
        "{ schemas(first: 1) { nodes { fields { label type required position slug "
        "minValue maxValue options { label value active } } } } }"
    )
    fields = data["schemas"]["nodes"][0]["fields"]
    assert [f["label"] for f in fields] == [label for label, _, _ in reversed(TYPES)]
    assert [f["type"] for f in fields] == [k.upper() for _, k, _ in reversed(TYPES)]
    by_label = {f["label"]: f for f in fields}
    assert by_label["Model"]["required"] is True
    assert [o["label"] for o in by_label["Kind"]["options"]] == ["Laptop", "Desktop"]
    assert len(by_label["Extras"]["options"]) == 3
    assert by_label["Model"]["options"] == []
    assert (by_label["Condition"]["minValue"], by_label["Condition"]["maxValue"]) == (1, 5)


async def test_every_cell_type_reads_typed(gateway: Gateway, store: SimulatorStore) -> None:
    row = next(iter(store.values))
    data = await gateway.data(
        f"query($v: ID!) {{ value(id: $v) {{ cells {{ {CELL} }} }} }}", {"v": str(row)}
    )
    cells = {c["field"]["label"]: c for c in data["value"]["cells"]}
    assert cells["Model"]["text"] == "MacBook Air"
    assert cells["Notes"]["text"].startswith("Scratch")
    assert cells["Bought"]["date"] == "2025-03-14"
    assert cells["Condition"]["number"] == 4
    assert cells["Encrypted"]["boolean"] is True
    assert cells["Kind"]["choice"] == {"label": "Laptop", "value": "laptop"}
    assert [c["label"] for c in cells["Extras"]["choices"]] == ["Dock", "Mouse"]
    assert cells["Price"]["cents"] == 129900
    assert cells["Screen"]["cents"] == 1330
    # A typed member is null for a column of another type; raw is always the stored text.
    assert cells["Model"]["number"] is None
    assert cells["Condition"]["text"] is None
    assert cells["Price"]["raw"] == "129900"


async def test_one_cell_by_field_id_or_slug(gateway: Gateway, store: SimulatorStore) -> None:
    row = next(iter(store.values))
    field = next(f for f in store.fields.values() if f.label_text == "Condition")
    data = await gateway.data(
        "query($v: ID!, $f: ID!, $s: String!) { value(id: $v) { "
        "a: cell(fieldId: $f) { number } b: cell(slug: $s) { number } } }",
        {"v": str(row), "f": str(field.id), "s": field.slug},
    )
    assert data["value"] == {"a": {"number": 4}, "b": {"number": 4}}
    body = await gateway.query(f'{{ value(id: "{row}") {{ cell {{ id }} }} }}')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_column_the_table_lacks_is_an_error_an_empty_cell_is_null(
    gateway: Gateway, store: SimulatorStore
) -> None:
    row = next(iter(store.values))
    notes = next(f for f in store.fields.values() if f.label_text == "Notes")
    store.cells[:] = [c for c in store.cells if (c.valuable_id, c.field_id) != (row, notes.id)]
    body = await gateway.query(
        "query($v: ID!, $s: String!, $f: ID!) { value(id: $v) { "
        'empty: cell(slug: $s) { raw } byId: cell(fieldId: $f) { raw } typo: cell(slug: "modle") '
        '{ raw } other: cell(fieldId: "999999") { raw } } }',
        {"v": str(row), "s": notes.slug, "f": str(notes.id)},
    )
    assert body["data"]["value"] == {"empty": None, "byId": None, "typo": None, "other": None}
    errors = {e["path"][-1]: e["extensions"] for e in body["errors"]}
    assert errors == {
        "typo": {"code": "BAD_USER_INPUT", "field": "slug"},
        "other": {"code": "BAD_USER_INPUT", "field": "fieldId"},
    }


async def test_owners_are_employees_batched_by_id(gateway: Gateway) -> None:
    data = await gateway.data(
        "{ resources { nodes { attachableType attachable { id fullName email } "
        "values { nodes { attachable { firstName } } } } } }"
    )
    for node in data["resources"]["nodes"]:
        if node["attachableType"] == "Team":
            assert node["attachable"] is None
            assert all(v["attachable"] is None for v in node["values"]["nodes"])
        else:
            assert node["attachable"]["email"].startswith("ada")
            first = node["attachable"]["fullName"].split()[0]
            assert all(v["attachable"]["firstName"] == first for v in node["values"]["nodes"])
    assert gateway.sim.calls["GET employees/employees"] == 1


def pages(n: int) -> int:
    return max(1, math.ceil(n / 100))


async def test_an_employee_table_renders_at_the_minimum_number_of_calls() -> None:
    store = table_store(rows_per_resource=7, employees=3)
    employee = "5001"
    query = """query($e: ID!) { resources(employeeIds: [$e]) { nodes {
        attachable { fullName }
        schema { name fields { id label type options { label } } }
        values { nodes { id cells { fieldId text date number cents boolean
          choice { label } choices { label } } } } } } }"""
    async with open_gateway(store) as gw:
        data = await gw.data(query, {"e": employee})
        resources = [r for r in store.resources.values() if r.attachable_id == 5001]
        rows = [v for v in store.values.values() if v.resource_id in {r.id for r in resources}]
        got_rows = [v for r in data["resources"]["nodes"] for v in r["values"]["nodes"]]
        assert len(got_rows) == len(rows) == 8
        assert all(len(v["cells"]) in (1, 9) for v in got_rows)
        schemas = {r.schema_id for r in resources}
        columns = {rf.field_id for rf in store.resource_fields.values() if rf.schema_id in schemas}
        expected = {
            "GET custom_resources/resources": 1,
            "GET employees/employees": 1,
            "GET custom_resources/schemas": 1,
            "GET custom_fields/resource_fields": len(schemas),  # one per schema, one round
            "GET custom_fields/fields": pages(len(columns)),
            "GET custom_fields/options": 1,
            "GET custom_resources/values": 1,  # by employee
            "GET custom_fields/values": len(rows),  # one per row, concurrently
        }
        assert gw.sim.calls == expected


async def test_nested_schema_to_cells_at_the_minimum_number_of_calls() -> None:
    store = table_store(rows_per_resource=3, employees=4)
    async with open_gateway(store) as gw:
        data = await gw.data(
            "{ schemas { nodes { fields { label } resources { nodes { values { nodes "
            "{ cells { field { label } raw } } } } } } } }"
        )
        rows = sum(
            len(r["values"]["nodes"])
            for s in data["schemas"]["nodes"]
            for r in s["resources"]["nodes"]
        )
        assert rows == len(store.values)
        assert gw.sim.calls == {
            "GET custom_resources/schemas": 1,
            "GET custom_fields/resource_fields": len(store.schemas),
            "GET custom_fields/fields": 1,
            "GET custom_resources/resources": 1,
            "GET custom_resources/values": 1,  # a team owner: the whole collection, once
            "GET custom_fields/values": len(store.values),
        }


def laptop_schema(store: SimulatorStore) -> str:
    return str(next(s.id for s in store.schemas.values() if s.name == "Laptops"))


def slug_of(store: SimulatorStore, label: str) -> str:
    slug = next(f.slug for f in store.fields.values() if f.label_text == label)
    assert slug is not None
    return slug


CREATE = """mutation($input: CreateValueInput!) { createValue(input: $input) {
  id resourceId cells { field { label } raw } } }"""


async def test_create_a_whole_row_from_its_cells(gateway: Gateway, store: SimulatorStore) -> None:
    cells = [
        {"slug": slug_of(store, "Model"), "value": {"text": "ThinkPad X1"}},
        {"slug": slug_of(store, "Bought"), "value": {"date": "2026-01-02"}},
        {"slug": slug_of(store, "Condition"), "value": {"number": 5}},
        {"slug": slug_of(store, "Encrypted"), "value": {"boolean": False}},
        {"slug": slug_of(store, "Kind"), "value": {"choice": "Desktop"}},
        {"slug": slug_of(store, "Extras"), "value": {"choices": ["Keyboard", "dock"]}},
        {"slug": slug_of(store, "Price"), "value": {"cents": 99900}},
    ]
    data = await gateway.data(
        CREATE, {"input": {"schemaId": laptop_schema(store), "employeeId": "5000", "cells": cells}}
    )
    created = data["createValue"]
    got = {c["field"]["label"]: c["raw"] for c in created["cells"]}
    assert got == {
        "Model": "ThinkPad X1",
        "Bought": "2026-01-02",
        "Condition": "5",
        "Encrypted": "false",
        "Kind": "desktop",
        "Extras": "keyboard,dock",
        "Price": "99900",
    }
    stored = [c for c in store.cells if c.valuable_id == int(created["id"])]
    assert len(stored) == 7
    assert gateway.sim.calls["POST custom_resources/values"] == 1
    assert gateway.sim.calls["POST custom_fields/values"] == 6


def bad(store: SimulatorStore, label: str, value: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"slug": slug_of(store, "Model"), "value": {"text": "ok"}}
    if label == "Model":
        return [{"slug": slug_of(store, "Model"), "value": value}]
    return [base, {"slug": slug_of(store, label), "value": value}]


@pytest.mark.parametrize(
    ("label", "value", "field"),
    [
        ("Condition", {"number": 9}, "input.cells[1].value"),
        ("Condition", {"text": "4"}, "input.cells[1].value"),
        ("Kind", {"choice": "Spaceship"}, "input.cells[1].value"),
        ("Extras", {"choices": ["Dock", "Dock"]}, "input.cells[1].value"),
        ("Model", {"text": "  "}, "input.cells[0].value"),
        ("Bought", {"date": "2026-01-01", "text": "x"}, "input.cells[1].value"),
    ],
)
async def test_bad_cells_are_refused_before_anything_is_written(
    gateway: Gateway, store: SimulatorStore, label: str, value: dict[str, Any], field: str
) -> None:
    body = await gateway.query(
        CREATE,
        {
            "input": {
                "schemaId": laptop_schema(store),
                "employeeId": "5000",
                "cells": bad(store, label, value),
            }
        },
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert not any(k.startswith("POST") for k in gateway.sim.calls)


async def test_unknown_and_missing_required_columns_are_refused(
    gateway: Gateway, store: SimulatorStore
) -> None:
    schema = laptop_schema(store)
    cases = [
        ([{"slug": "nope", "value": {"text": "x"}}], "input.cells[0].slug"),
        ([{"fieldId": "999999", "value": {"text": "x"}}], "input.cells[0].fieldId"),
        ([{"slug": slug_of(store, "Notes"), "value": {"text": "x"}}], "input.cells"),
        ([], "input.cells"),
        ([{"value": {"text": "x"}}], "input.cells[0]"),
    ]
    for cells, field in cases:
        body = await gateway.query(
            CREATE, {"input": {"schemaId": schema, "employeeId": "5000", "cells": cells}}
        )
        assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert not any(k.startswith("POST") for k in gateway.sim.calls)


async def test_no_such_table_or_employee_is_named_before_anything_is_written(
    gateway: Gateway, store: SimulatorStore
) -> None:
    cells = [{"slug": slug_of(store, "Model"), "value": {"text": "X1"}}]
    cases = [
        ({"schemaId": "424242", "employeeId": "5000"}, "input.schemaId"),
        ({"schemaId": laptop_schema(store), "employeeId": "4242"}, "input.employeeId"),
    ]
    resources = len(store.resources)
    for ids, field in cases:
        body = await gateway.query(CREATE, {"input": {**ids, "cells": cells}})
        assert body["data"] == {"createValue": None}
        assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": field}
    assert not any(k.startswith("POST") for k in gateway.sim.calls)
    assert len(store.resources) == resources
    # The raw form is Factorial's own POST: Factorial (here the simulator) refuses the employee.
    raw = {"schemaId": laptop_schema(store), "employeeId": "4242", "fieldId": "1", "value": "x"}
    body = await gateway.query(CREATE, {"input": raw})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(store.resources) == resources


UPDATE = """mutation($input: UpdateCellInput!) { updateCell(input: $input) {
  id raw field { label } } }"""


async def test_update_a_cell_in_place_or_add_it(gateway: Gateway, store: SimulatorStore) -> None:
    row = next(iter(store.values))
    data = await gateway.data(
        UPDATE,
        {
            "input": {
                "valueId": str(row),
                "slug": slug_of(store, "Condition"),
                "value": {"number": 2},
            }
        },
    )
    assert data["updateCell"]["raw"] == "2"
    assert gateway.sim.calls["PUT custom_fields/values/{id}"] == 1
    condition = next(f.id for f in store.fields.values() if f.label_text == "Condition")
    stored = [c for c in store.cells if c.valuable_id == row and c.field_id == condition]
    assert [c.value for c in stored] == ["2"]

    # A row without the cell gets it created.
    fresh = await gateway.data(
        CREATE,
        {
            "input": {
                "schemaId": laptop_schema(store),
                "employeeId": "5000",
                "cells": [{"slug": slug_of(store, "Model"), "value": {"text": "X"}}],
            }
        },
    )
    new_row = fresh["createValue"]["id"]
    data = await gateway.data(
        UPDATE,
        {
            "input": {
                "valueId": new_row,
                "slug": slug_of(store, "Notes"),
                "value": {"text": "new note"},
            }
        },
    )
    assert data["updateCell"] == {**data["updateCell"], "raw": "new note"}
    assert gateway.sim.calls["POST custom_fields/values"] == 1


async def test_update_refuses_bad_values_and_unknown_rows(
    gateway: Gateway, store: SimulatorStore
) -> None:
    row = next(iter(store.values))
    body = await gateway.query(
        UPDATE,
        {
            "input": {
                "valueId": str(row),
                "slug": slug_of(store, "Kind"),
                "value": {"choice": "Boat"},
            }
        },
    )
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.value",
    }
    body = await gateway.query(
        UPDATE, {"input": {"valueId": "424242", "slug": "x", "value": {"text": "x"}}}
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not any(k.startswith(("POST", "PUT")) for k in gateway.sim.calls)
