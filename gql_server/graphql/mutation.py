"""The Mutation root: the two writes Factorial has, each input checked before any call."""

from __future__ import annotations

import re
from typing import Any, cast

import strawberry

from ..upstream import SCHEMAS, VALUES, SchemaRecord, UpstreamSession, ValueRecord
from .context import Info
from .errors import BadUserInput
from .types import CustomResourcesValue, Schema

_ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_NAME_LENGTH = 255
MAX_VALUE_LENGTH = 65_535


@strawberry.input(description="A new custom table definition.")
class CreateSchemaInput:
    name: str
    company_id: strawberry.ID
    hidden: bool = False
    position: int | None = None


@strawberry.input(description="A new row, created with the value of one of its fields.")
class CreateValueInput:
    schema_id: strawberry.ID
    employee_id: strawberry.ID
    field_id: strawberry.ID
    value: str
    resource_id: strawberry.ID | None = strawberry.field(
        default=None, description="The resource (owner's table) to add the row to."
    )


def wire_id(session: UpstreamSession, value: str, field: str) -> int | str:
    """An id as this API version's JSON carries it, or BAD_USER_INPUT naming the field."""
    text = str(value).strip()
    encoded = session.client.encode_id(text) if _ID_SHAPE.match(text) else None
    if encoded is None:
        raise BadUserInput(f"`{field}` is not a valid id.", field)
    return encoded


def checked_text(value: str, field: str, limit: int, *, allow_blank: bool = False) -> str:
    if not allow_blank and not value.strip():
        raise BadUserInput(f"`{field}` must not be blank.", field)
    if len(value) > limit:
        raise BadUserInput(f"`{field}` is longer than {limit} characters.", field)
    return value


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


def value_body(session: UpstreamSession, data: CreateValueInput) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schema_id": wire_id(session, data.schema_id, "input.schemaId"),
        "employee_id": wire_id(session, data.employee_id, "input.employeeId"),
        "field_id": wire_id(session, data.field_id, "input.fieldId"),
        "value": checked_text(data.value, "input.value", MAX_VALUE_LENGTH, allow_blank=True),
    }
    if data.resource_id is not None:
        body["custom_resource_id"] = wire_id(session, data.resource_id, "input.resourceId")
    return body


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a custom table definition.")
    async def create_schema(self, info: Info, input: CreateSchemaInput) -> Schema | None:
        context = info.context
        body = schema_body(context.session, input)
        record: SchemaRecord = await context.session.create(SCHEMAS, body)
        context.loaders.prime_schemas([record])
        return cast("Schema", record)

    @strawberry.mutation(description="Add a row to an employee's custom table.")
    async def create_value(
        self, info: Info, input: CreateValueInput
    ) -> CustomResourcesValue | None:
        context = info.context
        body = value_body(context.session, input)
        record: ValueRecord = await context.session.create(VALUES, body)
        context.loaders.prime_values([record])
        return cast("CustomResourcesValue", record)
