"""SimulatorStore: id allocation, defaults and lookups."""

from __future__ import annotations

import datetime

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


def test_add_cell_takes_a_valuable_type_and_a_timestamp() -> None:
    store = small_store()
    first = store.add_cell(value_id=7, field_id=500, value="MacBook")
    when = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    own = store.add_cell(
        value_id=42, field_id=501, value="m", valuable_type="Employee", updated_at=when
    )
    assert (own.valuable_type, own.valuable_id, own.updated_at) == ("Employee", 42, when)
    assert first.updated_at.tzinfo is not None
    assert store.cells == [first, own]
    assert store.cell(own.id) is own
    assert store.cell(7) is None


def test_fields_options_and_columns() -> None:
    store = small_store()
    model = store.add_field(label="Model", position=1, required=True)
    system = store.add_field(label="OS", field_type="single_choice", options=("macOS", "Linux"))
    again = store.add_field(label="Model")
    store.add_resource_field(schema_id=1, field_id=system.id)
    store.add_resource_field(schema_id=1, field_id=model.id)
    assert (model.field_type, model.company_id, model.slug) == ("text", 9, "model")
    assert again.slug == "model_2"
    assert model.identifier != again.identifier
    assert len(model.identifier) == 40
    assert [(o.label, o.value, o.is_active) for o in store.field_options(system.id)] == [
        ("macOS", "macos", True),
        ("Linux", "linux", True),
    ]
    assert store.schema_field_ids(1) == [system.id, model.id]
    assert store.schema_field_ids(2) == []
    with pytest.raises(KeyError):
        store.add_resource_field(schema_id=99, field_id=model.id)
    with pytest.raises(KeyError):
        store.add_resource_field(schema_id=1, field_id=99)
    with pytest.raises(KeyError):
        store.add_option(field_id=99, label="X")


def test_delete_field_takes_its_options_columns_and_cells() -> None:
    store = small_store()
    system = store.add_field(label="OS", field_type="single_choice", options=("macOS",))
    model = store.add_field(label="Model")
    store.add_resource_field(schema_id=1, field_id=system.id)
    kept_column = store.add_resource_field(schema_id=1, field_id=model.id)
    options, columns = store.options, store.resource_fields
    gone = store.add_cell(value_id=7, field_id=system.id, value="macos")
    kept = store.add_cell(value_id=7, field_id=model.id, value="MBP")
    assert store.delete_field(system.id) is system
    assert options is store.options and columns is store.resource_fields  # changed in place
    assert list(store.options) == []
    assert list(store.resource_fields.values()) == [kept_column]
    assert store.cells == [kept]
    assert store.cell(gone.id) is None
    with pytest.raises(KeyError):
        store.delete_field(system.id)


def test_update_cell_moves_updated_at_forward() -> None:
    store = small_store()
    ahead = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    cell = store.add_cell(value_id=7, field_id=5, value="a", updated_at=ahead)
    store.update_cell(cell, "b")
    assert cell.value == "b"
    assert cell.updated_at > ahead


def test_add_employee() -> None:
    store = SimulatorStore(id_start=10, company_id=4)
    ana = store.add_employee(first_name="Ana", last_name="García", email="ana@example.com")
    marc = store.add_employee(id=7, access_id=70, first_name="Marc", last_name="Puig")
    assert (ana.id, ana.access_id, ana.company_id, ana.full_name) == (10, 11, 4, "Ana García")
    assert ana.updated_at == ana.created_at
    assert (marc.id, marc.access_id) == (7, 70)
    assert store.employees == {10: ana, 7: marc}
    today = datetime.date(2025, 6, 1)
    assert ana.is_active(today)
    ana.terminated_on = datetime.date(2025, 6, 1)
    assert not ana.is_active(today)
    ana.terminated_on = datetime.date(2025, 6, 2)
    assert ana.is_active(today)
