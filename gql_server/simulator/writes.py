"""The custom resources writes, `POST schemas` and `POST values`: validation and creation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bodies import BodyReader, WriteRejected, coerce_id
from .field_types import check_cell_value
from .rows import SchemaRow, ValueRow
from .store import EMPLOYEE, SimulatorStore

__all__ = ["WriteRejected", "coerce_id", "create_schema", "create_value"]


def create_schema(store: SimulatorStore, body: Mapping[str, Any]) -> SchemaRow:
    """Create a schema from `name`, `company_id`, `hidden` and an optional `position`."""
    read = BodyReader(body)
    name = read.text("name", blank=False)
    company_id = read.id("company_id")
    hidden = read.flag("hidden", required=True)
    position = read.integer("position")
    read.check()
    assert name is not None and hidden is not None
    return store.add_schema(name=name, hidden=hidden, position=position, company_id=company_id)


def _check_field(
    store: SimulatorStore, read: BodyReader, schema_id: int, field_id: int, value: str
) -> None:
    """A field the store knows must be a column of the schema and take the value.

    Unknown fields pass: this endpoint has always taken any `field_id` (the doc is silent).
    """
    field = store.fields.get(field_id)
    if field is None:
        return
    if field_id not in store.schema_field_ids(schema_id):
        read.fail("field_id", "field_id is not a column of this schema")
        return
    problem = check_cell_value(field, store.field_options(field_id), value)
    if problem is not None:
        read.fail("value", problem)


def create_value(store: SimulatorStore, body: Mapping[str, Any]) -> ValueRow:
    """Create a value row and its cell (a `custom_fields/values` record of the new row).

    The employee must exist, as in Factorial. The owning resource is `custom_resource_id`
    when given (it must belong to `schema_id`), else the employee's resource of that schema,
    created when there is none yet.
    """
    read = BodyReader(body)
    schema_id = read.id("schema_id")
    employee_id = read.id("employee_id")
    field_id = read.id("field_id")
    value = read.text("value")
    resource_id = read.id("custom_resource_id", required=False)
    if employee_id is not None and employee_id not in store.employees:
        read.fail("employee_id", "employee_id does not exist")
    if schema_id is not None and schema_id not in store.schemas:
        read.fail("schema_id", "schema_id does not exist")
    elif resource_id is not None:
        resource = store.resources.get(resource_id)
        if resource is None or resource.schema_id != schema_id:
            read.fail("custom_resource_id", "custom_resource_id is not a resource of this schema")
    if schema_id in store.schemas and field_id is not None and value is not None:
        _check_field(store, read, schema_id, field_id, value)
    read.check()
    assert schema_id is not None and employee_id is not None
    assert field_id is not None and value is not None
    if resource_id is None:
        owned = store.find_employee_resource(schema_id=schema_id, employee_id=employee_id)
        if owned is None:
            owned = store.add_resource(
                schema_id=schema_id, attachable_type=EMPLOYEE, attachable_id=employee_id
            )
        resource_id = owned.id
    row = store.add_value(resource_id=resource_id)
    store.add_cell(value_id=row.id, field_id=field_id, value=value)
    return row
