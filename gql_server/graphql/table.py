"""A table's columns, cells and owners as GraphQL types."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import cast

import strawberry

from ..upstream.cell_values import (
    CENTS_TYPES,
    TEXT_TYPES,
    cell_boolean,
    cell_choices,
    cell_date,
    cell_integer,
    cell_text,
)
from ..upstream.custom_fields import CellRecord, EmployeeRecord, FieldRecord, OptionRecord
from .context import Info


@strawberry.enum(description="The kind of value a column holds.")
class FieldType(Enum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    RATING = "rating"
    CHECKBOX = "checkbox"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    MONEY = "money"
    CENTS = "cents"
    OTHER = "other"


def field_type_of(field: FieldRecord) -> FieldType:
    try:
        return FieldType(field.field_type)
    except ValueError:
        return FieldType.OTHER


@strawberry.type(name="FieldOption", description="One choice of a choice column.")
class FieldOption:
    id: strawberry.ID
    label: str
    value: str
    active: bool


@strawberry.type(name="Field", description="A column of a custom table.")
class Field:
    id: strawberry.ID
    label: str
    position: int | None
    required: bool
    slug: str | None
    min_value: int | None = strawberry.field(description="The lowest rating, for ratings.")
    max_value: int | None = strawberry.field(description="The highest rating, for ratings.")

    @strawberry.field(description="The kind of value the column holds.")
    def type(self, root: strawberry.Parent[FieldRecord]) -> FieldType:
        return field_type_of(root)

    @strawberry.field(description="The choices of a choice column (empty for other columns).")
    async def options(self, root: strawberry.Parent[FieldRecord], info: Info) -> list[FieldOption]:
        if root.field_type not in ("single_choice", "multiple_choice"):
            return []
        options = await info.context.loaders.table.options.load(root.id)
        return cast("list[FieldOption]", options)


async def _field(info: Info, cell: CellRecord) -> FieldRecord | None:
    record: FieldRecord | None = await info.context.loaders.table.fields.load(cell.field_id)
    return record


@strawberry.type(name="Cell", description="One cell of a row: a column's value.")
class Cell:
    id: strawberry.ID
    field_id: strawberry.ID
    updated_at: datetime | None

    @strawberry.field(description="The column this cell belongs to.")
    async def field(self, root: strawberry.Parent[CellRecord], info: Info) -> Field | None:
        return cast("Field | None", await _field(info, root))

    @strawberry.field(description="The value as Factorial stores it, as text.")
    def raw(self, root: strawberry.Parent[CellRecord]) -> str | None:
        return cell_text(root)

    @strawberry.field(description="The value of a text or long text column.")
    async def text(self, root: strawberry.Parent[CellRecord], info: Info) -> str | None:
        field = await _field(info, root)
        return cell_text(root) if field is not None and field.field_type in TEXT_TYPES else None

    @strawberry.field(description="The value of a date column.")
    async def date(self, root: strawberry.Parent[CellRecord], info: Info) -> date | None:
        field = await _field(info, root)
        return cell_date(root) if field is not None and field.field_type == "date" else None

    @strawberry.field(description="The value of a rating column.")
    async def number(self, root: strawberry.Parent[CellRecord], info: Info) -> int | None:
        field = await _field(info, root)
        return cell_integer(root) if field is not None and field.field_type == "rating" else None

    @strawberry.field(description="The amount of a money column, in cents.")
    async def cents(self, root: strawberry.Parent[CellRecord], info: Info) -> int | None:
        field = await _field(info, root)
        is_money = field is not None and field.field_type in CENTS_TYPES
        return cell_integer(root) if is_money else None

    @strawberry.field(description="The value of a checkbox column.")
    async def boolean(self, root: strawberry.Parent[CellRecord], info: Info) -> bool | None:
        field = await _field(info, root)
        return cell_boolean(root) if field is not None and field.field_type == "checkbox" else None

    @strawberry.field(description="The chosen option of a single choice column.")
    async def choice(self, root: strawberry.Parent[CellRecord], info: Info) -> FieldOption | None:
        field = await _field(info, root)
        if field is None or field.field_type != "single_choice":
            return None
        chosen = cell_choices(root, await info.context.loaders.table.options.load(field.id))
        return cast("FieldOption | None", chosen[0] if chosen else None)

    @strawberry.field(description="The chosen options of a multiple choice column.")
    async def choices(
        self, root: strawberry.Parent[CellRecord], info: Info
    ) -> list[FieldOption] | None:
        field = await _field(info, root)
        if field is None or field.field_type != "multiple_choice":
            return None
        options: list[OptionRecord] = await info.context.loaders.table.options.load(field.id)
        return cast("list[FieldOption]", cell_choices(root, options))


@strawberry.type(name="Employee", description="The basic facts of an employee.")
class Employee:
    id: strawberry.ID
    first_name: str | None
    last_name: str | None
    full_name: str | None
    preferred_name: str | None
    email: str | None
    active: bool | None
    terminated_on: date | None
    manager_id: strawberry.ID | None


async def load_employee(info: Info, employee_id: str | None) -> Employee | None:
    if employee_id is None:
        return None
    record: EmployeeRecord | None = await info.context.loaders.table.employees.load(employee_id)
    return cast("Employee | None", record)
