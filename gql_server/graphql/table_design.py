"""Designing a table from GraphQL: columns added and deleted, options added to choice columns.

Each input is checked whole before anything is written: first what needs no upstream data
(types, bounds, options, labels), then what the table already has (it exists, the label is
free, the column belongs to it). Factorial's writes are `POST custom_fields/resource_fields`,
`POST custom_fields/options` and `DELETE custom_fields/fields/{id}`; none is retried.
"""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry

from ..upstream.cell_values import CHOICE_TYPES
from ..upstream.custom_fields import COLUMNS, FIELDS, OPTIONS, FieldRecord, OptionRecord
from .context import Info
from .errors import BadUserInput
from .inputs import checked_text, wire_id
from .table import Field, FieldOption, FieldType
from .table_writes import NotFound, require_table

MAX_LABEL_LENGTH = 255
MAX_OPTIONS = 100


@strawberry.enum(description="Who may see, or edit, a column's cells on an employee's profile.")
class FieldAccess(Enum):
    EVERYBODY = "everybody"
    LEGAL_ENTITY = "legal_entity"
    OWNED = "owned"
    REPORTEES = "reportees"
    TEAM_LEADER = "team_leader"


@strawberry.input(description="A new column of a table.")
class CreateFieldInput:
    schema_id: strawberry.ID
    label: str
    type: FieldType = strawberry.field(description="Any type but OTHER.")
    required: bool = False
    position: int | None = None
    min_value: int | None = strawberry.field(
        default=None, description="The lowest rating (ratings only; Factorial's default is 1)."
    )
    max_value: int | None = strawberry.field(
        default=None, description="The highest rating (ratings only; Factorial's default is 5)."
    )
    options: list[str] | None = strawberry.field(
        default=None, description="The choices' labels, in order (choice columns only)."
    )
    visible_to: FieldAccess = FieldAccess.EVERYBODY
    editable_by: FieldAccess = FieldAccess.EVERYBODY
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="The company; the table's own when not given."
    )


@strawberry.input(description="A new choice of a single or multiple choice column.")
class CreateOptionInput:
    field_id: strawberry.ID
    label: str
    active: bool = True


@strawberry.input(description="A column to delete, with its cells: by `fieldId` or `slug`.")
class DeleteFieldInput:
    schema_id: strawberry.ID
    field_id: strawberry.ID | None = None
    slug: str | None = None


def _label(value: str, field: str) -> str:
    return checked_text(value, field, MAX_LABEL_LENGTH).strip()


def _check_field_shape(data: CreateFieldInput) -> list[str]:
    """The checks that need no upstream data; the options' labels, cleaned."""
    _label(data.label, "input.label")
    if data.type is FieldType.OTHER:
        raise BadUserInput("`input.type` must be a concrete column type, not OTHER.", "input.type")
    if data.position is not None and data.position < 0:
        raise BadUserInput("`input.position` must not be negative.", "input.position")
    is_rating = data.type is FieldType.RATING
    for name, bound in (("minValue", data.min_value), ("maxValue", data.max_value)):
        if bound is not None and not is_rating:
            raise BadUserInput(f"`input.{name}` only applies to RATING columns.", f"input.{name}")
    low, high = data.min_value, data.max_value
    if low is not None and high is not None and low > high:
        raise BadUserInput("`input.maxValue` must not be below `input.minValue`.", "input.maxValue")
    if data.options is None:
        return []
    if data.type.value not in CHOICE_TYPES:
        raise BadUserInput("`input.options` only applies to choice columns.", "input.options")
    if len(data.options) > MAX_OPTIONS:
        raise BadUserInput(f"`input.options` takes at most {MAX_OPTIONS}.", "input.options")
    labels: list[str] = []
    for i, option in enumerate(data.options):
        label = _label(option, f"input.options[{i}]")
        if label.casefold() in (known.casefold() for known in labels):
            raise BadUserInput(f"`input.options[{i}]` repeats an option.", f"input.options[{i}]")
        labels.append(label)
    return labels


async def create_field(info: Info, input: CreateFieldInput) -> Field:
    """POST the column after checking the input and the table; the new column, read back."""
    context = info.context
    session = context.session
    options = _check_field_shape(input)
    schema_id = str(wire_id(session, input.schema_id, "input.schemaId"))
    company = wire_id(session, input.company_id, "input.companyId") if input.company_id else None
    schema = await require_table(context, schema_id)
    label = _label(input.label, "input.label")
    columns = await context.loaders.table.columns_of(schema_id)
    if any(column.label.casefold() == label.casefold() for column in columns):
        raise BadUserInput(f"The table already has a column labelled {label!r}.", "input.label")
    if company is None:
        if schema.company_id is None:
            raise BadUserInput(
                "The table names no company: give `input.companyId`.", "input.companyId"
            )
        company = session.client.encode_id(schema.company_id) or schema.company_id
    body: dict[str, object] = {
        "schema_id": wire_id(session, schema_id, "input.schemaId"),
        "company_id": company,
        "field_type": input.type.value,
        "label": label,
        "required": input.required,
        "visible": input.visible_to.value,
        "editable": input.editable_by.value,
    }
    for key, value in (
        ("position", input.position),
        ("min_value", input.min_value),
        ("max_value", input.max_value),
    ):
        if value is not None:
            body[key] = value
    if options:
        body["options"] = options
    column = await session.create(COLUMNS, body)
    table = context.loaders.table
    table.column_ids.clear(schema_id)
    created: FieldRecord | None = await table.fields.load(column.field_id)
    if created is None:
        raise NotFound("The column was created but could not be read back.", field="input")
    return cast("Field", created)


async def create_option(info: Info, input: CreateOptionInput) -> FieldOption:
    """POST a new choice of a choice column, after checking the column and its labels."""
    context = info.context
    label = _label(input.label, "input.label")
    field_id = str(wire_id(context.session, input.field_id, "input.fieldId"))
    table = context.loaders.table
    field: FieldRecord | None = await table.fields.load(field_id)
    if field is None:
        raise NotFound("There is no such column.", field="input.fieldId")
    if field.field_type not in CHOICE_TYPES:
        raise BadUserInput("`input.fieldId` is not a choice column.", "input.fieldId")
    existing: list[OptionRecord] = await table.options.load(field_id)
    if any(option.label.casefold() == label.casefold() for option in existing):
        raise BadUserInput(f"The column already has an option labelled {label!r}.", "input.label")
    body = {
        "field_id": wire_id(context.session, field_id, "input.fieldId"),
        "label": label,
        "is_active": input.active,
    }
    option = await context.session.create(OPTIONS, body)
    table.options.clear(field_id)
    return cast("FieldOption", option)


async def delete_field(info: Info, input: DeleteFieldInput) -> Field:
    """DELETE a column of the table (never a field that is not one of its columns); the
    column as it was."""
    context = info.context
    if (input.field_id is None) == (input.slug is None):
        raise BadUserInput("`input` needs exactly one of `fieldId` and `slug`.", "input")
    schema_id = str(wire_id(context.session, input.schema_id, "input.schemaId"))
    if input.field_id is not None:
        wire_id(context.session, input.field_id, "input.fieldId")
    await require_table(context, schema_id)
    table = context.loaders.table
    columns = await table.columns_of(schema_id)
    if input.field_id is not None:
        where, key = "input.fieldId", str(input.field_id).strip()
        column = next((c for c in columns if c.id == key), None)
    else:
        where, key = "input.slug", input.slug or ""
        column = next((c for c in columns if c.slug == key), None)
    if column is None:
        raise NotFound(f"`{where}` is not a column of this table.", field=where)
    await context.session.delete(FIELDS, column.id)
    # Forgotten by this request too: a later step of the same operation sees it gone.
    table.column_ids.clear(schema_id)
    table.fields.clear(column.id)
    return cast("Field", column)
