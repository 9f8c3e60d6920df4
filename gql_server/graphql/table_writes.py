"""Writing a table's cells: inputs checked against the schema's columns before any write."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import strawberry

from ..loading.context import Context
from ..upstream import SchemaRecord, UpstreamError, UpstreamForbidden
from ..upstream.cell_values import CHOICE_TYPES, CellValueError, TypedInput, encode_cell
from ..upstream.custom_fields import CELLS, VALUE_TYPE, CellRecord, FieldRecord
from .errors import BadUserInput, GatewayError

MAX_CELLS = 200


@strawberry.input(description="A cell's value: set exactly the member that fits the column.")
class CellValueInput:
    text: str | None = strawberry.field(default=None, description="Text and long text.")
    date: date | None = strawberry.field(default=None, description="Dates.")
    number: int | None = strawberry.field(default=None, description="Ratings.")
    cents: int | None = strawberry.field(default=None, description="Money, in cents.")
    boolean: bool | None = strawberry.field(default=None, description="Checkboxes.")
    choice: str | None = strawberry.field(
        default=None, description="Single choice: an option's id, value or label."
    )
    choices: list[str] | None = strawberry.field(
        default=None, description="Multiple choice: options' ids, values or labels."
    )

    def typed(self) -> TypedInput:
        return TypedInput(
            text=self.text,
            date=self.date,
            number=self.number,
            cents=self.cents,
            boolean=self.boolean,
            choice=self.choice,
            choices=tuple(self.choices) if self.choices is not None else None,
        )


@strawberry.input(description="A column (by id or slug) and its value.")
class CellInput:
    value: CellValueInput
    field_id: strawberry.ID | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedCell:
    field: FieldRecord
    text: str


class NotFound(GatewayError):
    code = "NOT_FOUND"


async def require_table(context: Context, schema_id: str) -> SchemaRecord:
    """The table `input.schemaId` names, or NOT_FOUND."""
    schema: SchemaRecord | None = await context.loaders.schemas.load(schema_id)
    if schema is None:
        raise NotFound("There is no such table.", field="input.schemaId")
    return schema


async def require_employee(context: Context, employee_id: str) -> None:
    """NOT_FOUND unless `input.employeeId` is an employee; a credential that may not read
    employees leaves the check to Factorial's own."""
    try:
        employee = await context.loaders.table.employees.load(employee_id)
    except UpstreamForbidden:
        return
    if employee is None:
        raise NotFound("There is no such employee.", field="input.employeeId")


Place = Callable[[int, str], str]
"""Where a cell's member sits in the mutation's input, for error messages: (index, member)."""


def in_list(where: str) -> Place:
    return lambda i, member: f"{where}[{i}]" + (f".{member}" if member else "")


def in_input(where: str) -> Place:
    return lambda _, member: f"{where}.{member}" if member else where


def check_cell_shapes(cells: list[CellInput], place: Place, where: str) -> None:
    """Checks that need no upstream data, made before anything is read."""
    if not cells:
        raise BadUserInput(f"`{where}` needs at least one cell.", where)
    if len(cells) > MAX_CELLS:
        raise BadUserInput(f"`{where}` takes at most {MAX_CELLS} cells.", where)
    seen: set[str] = set()
    for i, cell in enumerate(cells):
        here = place(i, "")
        if (cell.field_id is None) == (cell.slug is None):
            raise BadUserInput(f"`{here}` needs exactly one of `fieldId` and `slug`.", here)
        key = f"id:{cell.field_id}" if cell.field_id is not None else f"slug:{cell.slug}"
        if key in seen:
            raise BadUserInput(f"`{here}` names a column given twice.", here)
        seen.add(key)
        if len(cell.value.typed().members()) != 1:
            value = place(i, "value")
            raise BadUserInput(f"`{value}` needs exactly one member set.", value)


async def plan_cells(
    context: Context, schema_id: str, cells: list[CellInput], place: Place
) -> list[PlannedCell]:
    """Each cell matched to a column of the schema and encoded, or BAD_USER_INPUT saying why."""
    table = context.loaders.table
    columns = await table.columns_of(schema_id)
    by_id = {c.id: c for c in columns}
    by_slug = {c.slug: c for c in columns if c.slug}
    fields: list[FieldRecord] = []
    for i, cell in enumerate(cells):
        if cell.field_id is not None:
            field = by_id.get(str(cell.field_id).strip())
        else:
            field = by_slug.get(cell.slug or "")
        if field is None:
            name = place(i, "fieldId" if cell.field_id is not None else "slug")
            raise BadUserInput(f"`{name}` is not a column of this table.", name)
        fields.append(field)
    choice_ids = [f.id for f in fields if f.field_type in CHOICE_TYPES]
    options = dict(zip(choice_ids, await table.options.load_many(choice_ids), strict=True))
    planned = []
    for i, (cell, field) in enumerate(zip(cells, fields, strict=True)):
        try:
            text = encode_cell(field, options.get(field.id, []), cell.value.typed())
        except CellValueError as error:
            value = place(i, "value")
            raise BadUserInput(f"`{value}`: {error}", value) from None
        planned.append(PlannedCell(field, text))
    return planned


def check_required(
    columns_given: list[PlannedCell], columns: list[FieldRecord], where: str
) -> None:
    given = {p.field.id for p in columns_given}
    missing = [c.label for c in columns if c.required and c.id not in given]
    if missing:
        raise BadUserInput(f"`{where}` lacks required columns: {', '.join(missing)}.", where)


def cell_body(context: Context, field: FieldRecord, row_id: str, text: str) -> dict[str, Any]:
    client = context.session.client
    return {
        "field_id": client.encode_id(field.id) or field.id,
        "valuable_type": VALUE_TYPE,
        "valuable_id": client.encode_id(row_id) or row_id,
        "value": text,
    }


async def write_cells(
    context: Context, row_id: str, cells: list[PlannedCell], slot: str | None = None
) -> None:
    """POST the cells of a new row concurrently; never retried. Failures are reported together,
    with the new row's id, since the row itself exists by then. The cells written are noted in
    the request's idempotency record under `slot`, so that its retry writes only the others."""
    results = await asyncio.gather(
        *(
            context.session.create(CELLS, cell_body(context, c.field, row_id, c.text))
            for c in cells
        ),
        return_exceptions=True,
    )
    failed = [(c, r) for c, r in zip(cells, results, strict=True) if isinstance(r, BaseException)]
    if context.journal is not None and slot is not None:
        failed_ids = {c.field.id for c, _ in failed}
        written = [c.field.id for c in cells if c.field.id not in failed_ids]
        await context.journal.cells_written(slot, written, len(cells))
    if not failed:
        return
    first = failed[0][1]
    error = GatewayError(
        "The row was created, but some of its cells could not be written.",
        valueId=row_id,
        failedFieldIds=[c.field.id for c, _ in failed],
    )
    error.code = first.code if isinstance(first, UpstreamError) else "INTERNAL_SERVER_ERROR"
    raise error


async def upsert_cell(context: Context, row_id: str, cell: PlannedCell) -> CellRecord:
    """Change a row's cell for one column: PUT it when it exists, POST it when not."""
    existing = await context.loaders.table.cells.load(row_id)
    current = next((c for c in existing if c.field_id == cell.field.id), None)
    if current is not None:
        # The PUT names the cell only; it was read as one of this row's, so the read cache
        # can expire this row's cells rather than every row's.
        change = {"value": cell.text}
        return await context.session.update(CELLS, current.id, change, rows=(row_id,))
    return await context.session.create(CELLS, cell_body(context, cell.field, row_id, cell.text))
