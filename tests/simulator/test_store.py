"""SimulatorStore: id allocation, defaults and lookups."""

from __future__ import annotations

import pytest

from gql_server.simulator import SimulatorStore

from .support import small_store


def test_ids_come_from_one_sequence_starting_at_id_start() -> None:
    store = SimulatorStore(id_start=18_000_000_000_000_001)
    schema = store.add_schema(name="Laptops")
    resource = store.add_resource(schema_id=schema.id, attachable_id=5)
    value = store.add_value(resource_id=resource.id)
    assert (schema.id, resource.id, value.id) == (
        18_000_000_000_000_001,
        18_000_000_000_000_002,
        18_000_000_000_000_003,
    )


def test_collections_are_readable_by_id() -> None:
    store = small_store()
    assert [s.name for s in store.schemas.values()] == ["Laptops", "Certifications"]
    assert sorted(store.resources) == [3, 4, 5, 6]
    assert sorted(store.values) == [7, 8, 9, 10, 11]


def test_schema_defaults_to_the_store_company() -> None:
    store = SimulatorStore(company_id=77)
    assert store.add_schema(name="A").company_id == 77
    assert store.add_schema(name="B", company_id=5).company_id == 5


def test_resource_defaults() -> None:
    store = SimulatorStore(company_id=3)
    schema = store.add_schema(name="Laptops")
    first = store.add_resource(schema_id=schema.id, attachable_id=42)
    second = store.add_resource(schema_id=schema.id, attachable_id=43)
    assert first.attachable_type == "Employee"
    assert first.company_id == 3
    assert first.created_at.tzinfo is not None
    assert first.updated_at == first.created_at
    assert second.created_at > first.created_at


def test_value_attachable_id_defaults_to_the_resource_owner() -> None:
    store = SimulatorStore()
    schema = store.add_schema(name="Laptops")
    resource = store.add_resource(schema_id=schema.id, attachable_type="Team", attachable_id=9)
    assert store.add_value(resource_id=resource.id).attachable_id == 9
    assert store.add_value(resource_id=resource.id, attachable_id=11).attachable_id == 11


def test_unknown_parents_are_rejected() -> None:
    store = SimulatorStore()
    with pytest.raises(KeyError):
        store.add_resource(schema_id=99, attachable_id=1)
    with pytest.raises(KeyError):
        store.add_value(resource_id=99)


def test_find_employee_resource_ignores_other_owner_types() -> None:
    store = small_store()
    assert store.find_employee_resource(schema_id=1, employee_id=42) is store.resources[3]
    assert store.find_employee_resource(schema_id=1, employee_id=3) is None  # team 3
    assert store.find_employee_resource(schema_id=2, employee_id=7) is None


def test_add_cell_records_a_custom_fields_value() -> None:
    store = small_store()
    cell = store.add_cell(value_id=7, field_id=500, value="MacBook")
    assert store.cells == [cell]
    assert (cell.valuable_type, cell.valuable_id, cell.field_id, cell.value) == (
        "CustomResources::Value",
        7,
        500,
        "MacBook",
    )
