"""Endpoint: what each simulated collection reads, renders and writes; ENDPOINTS has them all."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import field_writes, writes
from .employee_queries import select_employees
from .employee_records import render_employee
from .field_queries import select_cells, select_fields, select_options, select_resource_fields
from .field_records import render_cell, render_field, render_option, render_resource_field
from .queries import MultiParams, select_resources, select_schemas, select_values
from .records import ApiVersion, Record, render_resource, render_schema, render_value
from .routing import COLLECTIONS
from .rows import CellRow, ResourceRow
from .store import SimulatorStore


@dataclass(frozen=True, slots=True)
class Scope:
    """The store a request reads (its tenant's), how records are written for it, and the day
    it is (for employees' `active`)."""

    store: SimulatorStore
    version: ApiVersion
    sdk_fields: bool
    today: datetime.date


Body = Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One collection: `find` a row by id, `select` rows for a list, `render` one; the writes
    it has (None when it has not) take the store and a JSON object body."""

    noun: str
    find: Callable[[SimulatorStore, int], Any]
    select: Callable[[Scope, MultiParams], Sequence[Any]]
    render: Callable[[Scope, Any], Record]
    create: Callable[[SimulatorStore, Body], Any] | None = None
    update: Callable[[SimulatorStore, Any, Body], Any] | None = None
    delete: Callable[[SimulatorStore, Any], Any] | None = None

    def methods(self, *, record: bool) -> tuple[str, ...]:
        """The HTTP methods of the list path, or of the record path when `record`."""
        if not record:
            return ("GET", "POST") if self.create is not None else ("GET",)
        extra = (("PUT",) if self.update else ()) + (("DELETE",) if self.delete else ())
        return ("GET", *extra)


def _render_resource(scope: Scope, row: ResourceRow) -> Record:
    schema_name = scope.store.schema_name(row.schema_id)
    return render_resource(row, scope.version, schema_name=schema_name, sdk_fields=scope.sdk_fields)


def _render_cell(scope: Scope, row: CellRow) -> Record:
    field = scope.store.fields.get(row.field_id)
    options = {o.value: o for o in scope.store.field_options(row.field_id)}
    return render_cell(row, scope.version, field, options)


ENDPOINTS: Mapping[str, Endpoint] = {
    "custom_resources/schemas": Endpoint(
        noun="schema",
        find=lambda store, i: store.schemas.get(i),
        select=lambda scope, params: select_schemas(scope.store, params),
        render=lambda scope, row: render_schema(row, scope.version),
        create=writes.create_schema,
    ),
    "custom_resources/resources": Endpoint(
        noun="resource",
        find=lambda store, i: store.resources.get(i),
        select=lambda scope, params: select_resources(scope.store, params),
        render=_render_resource,
    ),
    "custom_resources/values": Endpoint(
        noun="value",
        find=lambda store, i: store.values.get(i),
        select=lambda scope, params: select_values(scope.store, params),
        render=lambda scope, row: render_value(row, scope.version),
        create=writes.create_value,
    ),
    "custom_fields/fields": Endpoint(
        noun="field",
        find=lambda store, i: store.fields.get(i),
        select=lambda scope, params: select_fields(scope.store, params),
        render=lambda scope, row: render_field(row, scope.version),
        create=field_writes.create_field,
        delete=field_writes.delete_field,
    ),
    "custom_fields/options": Endpoint(
        noun="option",
        find=lambda store, i: store.options.get(i),
        select=lambda scope, params: select_options(scope.store, params),
        render=lambda scope, row: render_option(row, scope.version),
        create=field_writes.create_option,
    ),
    "custom_fields/resource_fields": Endpoint(
        noun="resource field",
        find=lambda store, i: store.resource_fields.get(i),
        select=lambda scope, params: select_resource_fields(scope.store, params),
        render=lambda scope, row: render_resource_field(row, scope.version),
        create=field_writes.create_resource_field,
    ),
    "custom_fields/values": Endpoint(
        noun="custom field value",
        find=lambda store, i: store.cell(i),
        select=lambda scope, params: select_cells(scope.store, params),
        render=_render_cell,
        create=field_writes.create_cell,
        update=field_writes.update_cell,
    ),
    "employees/employees": Endpoint(
        noun="employee",
        find=lambda store, i: store.employees.get(i),
        select=lambda scope, params: select_employees(scope.store, params, scope.today),
        render=lambda scope, row: render_employee(row, scope.version, scope.today),
    ),
}
assert set(ENDPOINTS) == set(COLLECTIONS), "every routed collection has an endpoint"
