"""The Mutation root: tables, rows and cells, each input checked before anything is written."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import strawberry

from ..upstream import SCHEMAS, VALUES, SchemaRecord, UpstreamSession, ValueRecord
from .context import Info
from .errors import BadUserInput
from .inputs import checked_text, wire_id
from .table import Cell, Field, FieldOption
from .table_design import create_field, create_option, delete_field
from .table_writes import (
    CellInput,
    CellValueInput,
    NotFound,
    check_cell_shapes,
    check_required,
    in_input,
    in_list,
    plan_cells,
    require_employee,
    require_table,
    upsert_cell,
    write_cells,
)
from .types import CustomResourcesValue, Schema

MAX_NAME_LENGTH = 255
MAX_VALUE_LENGTH = 65_535


@strawberry.input(description="A new custom table definition.")
class CreateSchemaInput:
    name: str
    company_id: strawberry.ID
    hidden: bool = False
    position: int | None = None


@strawberry.input(
    description="A new row of an employee's table: its cells, checked against the table's "
    "columns before anything is written. (`fieldId` with a raw `value` instead of `cells` "
    "writes one cell exactly as Factorial's own POST does, unchecked.)"
)
class CreateValueInput:
    schema_id: strawberry.ID
    employee_id: strawberry.ID
    cells: list[CellInput] | None = None
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resource (owner's table) to add the row to."
    )
    field_id: strawberry.ID | None = None
    value: str | None = None


@strawberry.input(description="A new value for one cell of a row.")
class UpdateCellInput:
    value_id: strawberry.ID
    value: CellValueInput
    field_id: strawberry.ID | None = None
    slug: str | None = None


def schema_body(session: UpstreamSession, data: CreateSchemaInput) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": checked_text(data.name, "input.name", MAX_NAME_LENGTH).strip(),
        "company_id": wire_id(session, data.company_id, "input.companyId"),
        "hidden": data.hidden,
    }
    if data.position is not None:
        if data.position < 0:
            raise BadUserInput("`input.position` must not be negative.", "input.position")
        body["position"] = data.position
    return body


def value_body(
    session: UpstreamSession, data: CreateValueInput, field_id: str, value: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schema_id": wire_id(session, data.schema_id, "input.schemaId"),
        "employee_id": wire_id(session, data.employee_id, "input.employeeId"),
        "field_id": wire_id(session, field_id, "input.fieldId"),
        "value": checked_text(value, "input.value", MAX_VALUE_LENGTH, allow_blank=True),
    }
    if data.resource_id is not None:
        body["custom_resource_id"] = wire_id(session, data.resource_id, "input.resourceId")
    return body


@strawberry.type
class Mutation:
    create_field: Field | None = strawberry.mutation(
        resolver=create_field,
        description="Add a column to a table (checked before anything is written).",
    )
    create_option: FieldOption | None = strawberry.mutation(
        resolver=create_option, description="Add a choice to a single or multiple choice column."
    )
    delete_field: Field | None = strawberry.mutation(
        resolver=delete_field,
        description="Delete a column of a table, with its cells; answers the column as it was.",
    )

    @strawberry.mutation(description="Create a custom table definition.")
    async def create_schema(self, info: Info, input: CreateSchemaInput) -> Schema | None:
        context = info.context
        body = schema_body(context.session, input)
        record: SchemaRecord = await context.session.create(SCHEMAS, body)
        context.loaders.prime_schemas([record])
        return cast("Schema", record)

    @strawberry.mutation(description="Add a row, with its cells, to an employee's table.")
    async def create_value(
        self, info: Info, input: CreateValueInput
    ) -> CustomResourcesValue | None:
        context = info.context
        session = context.session
        if input.cells is None:
            if input.field_id is None or input.value is None:
                raise BadUserInput("Give `input.cells` (or `fieldId` with `value`).", "input.cells")
            body = value_body(session, input, input.field_id, input.value)
            record: ValueRecord = await session.create(VALUES, body)
            context.loaders.prime_values([record])
            return cast("CustomResourcesValue", record)
        schema_id = str(wire_id(session, input.schema_id, "input.schemaId"))
        employee_id = str(wire_id(session, input.employee_id, "input.employeeId"))
        check_cell_shapes(input.cells, in_list("input.cells"), "input.cells")
        # One round: the table and the employee are looked up together.
        await asyncio.gather(
            require_table(context, schema_id), require_employee(context, employee_id)
        )
        planned = await plan_cells(context, schema_id, input.cells, in_list("input.cells"))
        check_required(planned, await context.loaders.table.columns_of(schema_id), "input.cells")
        slot = str(info.path.key)
        journal = context.journal
        earlier = journal.resumed(slot) if journal is not None else None
        if earlier is not None:
            # A retry of a request that created the row: only the cells it lacks are written.
            found = await context.loaders.values.load(earlier.row_id)
            if found is None:
                raise NotFound("The row an earlier attempt created is gone.", field="input")
            row: ValueRecord = found
            rest = [c for c in planned if c.field.id not in earlier.written]
        else:
            first, rest = planned[0], planned[1:]
            row = await session.create(
                VALUES, value_body(session, input, first.field.id, first.text)
            )
            context.loaders.prime_values([row])
            if journal is not None:
                await journal.row_created(slot, row.id, [first.field.id])
        await write_cells(context, row.id, rest, slot)
        return cast("CustomResourcesValue", row)

    @strawberry.mutation(description="Set one cell of a row (created if the row lacks it).")
    async def update_cell(self, info: Info, input: UpdateCellInput) -> Cell | None:
        context = info.context
        value_id = str(wire_id(context.session, input.value_id, "input.valueId"))
        cell = CellInput(value=input.value, field_id=input.field_id, slug=input.slug)
        check_cell_shapes([cell], in_input("input"), "input")
        row = await context.loaders.values.load(value_id)
        resource = await context.loaders.resources.load(row.resource_id) if row else None
        if row is None or resource is None or resource.schema_id is None:
            raise NotFound("There is no such row.", field="input.valueId")
        [planned] = await plan_cells(context, resource.schema_id, [cell], in_input("input"))
        return cast("Cell", await upsert_cell(context, row.id, planned))
