"""The two writes, `POST schemas` and `POST values`: body validation and record creation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .records import parse_id
from .responses import ApiError
from .rows import SchemaRow, ValueRow
from .store import EMPLOYEE, SimulatorStore


class WriteRejected(Exception):
    """A body that fails validation; `errors` names each offending field."""

    def __init__(self, errors: list[ApiError]) -> None:
        super().__init__("validation failed")
        self.errors = errors


def coerce_id(value: object) -> int | None:
    """An id sent as a JSON integer or a string of digits (any API version), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    return parse_id(value) if isinstance(value, str) else None


def _required_id(body: Mapping[str, Any], name: str, errors: list[ApiError]) -> int | None:
    if body.get(name) is None:
        errors.append(ApiError(f"{name} is required", name))
        return None
    parsed = coerce_id(body[name])
    if parsed is None:
        errors.append(ApiError(f"{name} must be an id", name))
    return parsed


def create_schema(store: SimulatorStore, body: Mapping[str, Any]) -> SchemaRow:
    """Create a schema from `name`, `company_id`, `hidden` and an optional `position`."""
    errors: list[ApiError] = []
    name = body.get("name")
    if name is None:
        errors.append(ApiError("name is required", "name"))
    elif not isinstance(name, str) or not name.strip():
        errors.append(ApiError("name must be a non-empty string", "name"))
    company_id = _required_id(body, "company_id", errors)
    hidden = body.get("hidden")
    if hidden is None:
        errors.append(ApiError("hidden is required", "hidden"))
    elif not isinstance(hidden, bool):
        errors.append(ApiError("hidden must be a boolean", "hidden"))
    position = body.get("position")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
        errors.append(ApiError("position must be an integer", "position"))
    if errors or not isinstance(name, str) or not isinstance(hidden, bool):
        raise WriteRejected(errors)
    return store.add_schema(name=name, hidden=hidden, position=position, company_id=company_id)


def create_value(store: SimulatorStore, body: Mapping[str, Any]) -> ValueRow:
    """Create a value row and record its cell.

    The owning resource is `custom_resource_id` when given (it must belong to `schema_id`),
    else the employee's resource of that schema, created when there is none yet.
    """
    errors: list[ApiError] = []
    schema_id = _required_id(body, "schema_id", errors)
    employee_id = _required_id(body, "employee_id", errors)
    field_id = _required_id(body, "field_id", errors)
    value = body.get("value")
    if value is None:
        errors.append(ApiError("value is required", "value"))
    elif not isinstance(value, str):
        errors.append(ApiError("value must be a string", "value"))
    resource_id: int | None = None
    if body.get("custom_resource_id") is not None:
        resource_id = coerce_id(body["custom_resource_id"])
        if resource_id is None:
            errors.append(ApiError("custom_resource_id must be an id", "custom_resource_id"))
    if schema_id is not None and schema_id not in store.schemas:
        errors.append(ApiError("schema_id does not exist", "schema_id"))
    elif resource_id is not None:
        resource = store.resources.get(resource_id)
        if resource is None or resource.schema_id != schema_id:
            errors.append(
                ApiError(
                    "custom_resource_id is not a resource of this schema", "custom_resource_id"
                )
            )
    if errors or schema_id is None or employee_id is None or field_id is None:
        raise WriteRejected(errors)
    if not isinstance(value, str):
        raise WriteRejected(errors)
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
