"""The three Factorial types as GraphQL objects, resolved straight from upstream records.

Resolvers return the upstream records themselves; leaf fields are read from them by attribute,
without a resolver call. Each link computes its keys from the parent and calls its loader
before awaiting anything, so every parent of a level joins the same batch. Queries resolve
the links by their batch forms below (one call per level, `batched.py`); the per-object
methods serve graphql-core's executor (mutations).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry

from ..loading.context import Context
from ..upstream import ResourceRecord, SchemaRecord, ValueRecord
from .batched import batched, load_each
from .connection import Connection
from .context import Info
from .one_cell import cells_by_column
from .paging import Window
from .table import Cell, Employee, Field, load_employee

# -- batch forms of the link resolvers (see batched.py): the same loader calls, all parents
# of a level at once.


async def _resources_of_schemas(
    schemas: list[SchemaRecord],
    context: Context,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> list[Any]:
    window = Window.parse(first, after, last, before)
    groups = await context.loaders.resources_by_schema.get()
    return [window.apply(groups.get(schema.id, [])) for schema in schemas]


async def _values_of_resources(
    resources: list[ResourceRecord],
    context: Context,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> list[Any]:
    window = Window.parse(first, after, last, before)
    answers: list[Any] = []
    for rows in await context.loaders.rows_of(resources):
        if isinstance(rows, BaseException) and not isinstance(rows, Exception):
            raise rows  # cancellation: not a field error
        answers.append(rows if isinstance(rows, Exception) else window.apply(rows))
    return answers


async def _schemas_of_resources(resources: list[ResourceRecord], context: Context) -> list[Any]:
    return await load_each(context.loaders.schemas, [r.schema_id for r in resources])


async def _resources_of_values(values: list[ValueRecord], context: Context) -> list[Any]:
    return await load_each(context.loaders.resources, [v.resource_id for v in values])


async def _cells_of_values(values: list[ValueRecord], context: Context) -> list[Any]:
    return await load_each(context.loaders.table.cells, [v.id for v in values])


@strawberry.type(name="Schema", description="A custom table definition on the employee profile.")
class Schema:
    id: strawberry.ID
    name: str
    company_id: strawberry.ID | None
    hidden: bool
    position: int | None

    @strawberry.field(description="The resources (owners' copies) of this table.")
    @batched(_resources_of_schemas)
    async def resources(
        self,
        root: strawberry.Parent[SchemaRecord],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Resource] | None:
        window = Window.parse(first, after, last, before)
        rows = await info.context.loaders.resources_of(root.id)
        return cast("Connection[Resource]", window.apply(rows))

    @strawberry.field(description="The table's columns, in position order.")
    async def fields(self, root: strawberry.Parent[SchemaRecord], info: Info) -> list[Field] | None:
        return cast("list[Field]", await info.context.loaders.table.columns_of(root.id))


@strawberry.type(name="Resource", description="A custom table attached to one owner.")
class Resource:
    id: strawberry.ID
    schema_id: strawberry.ID | None
    attachable_type: str | None
    attachable_id: strawberry.ID | None
    name: str | None = strawberry.field(
        description="Sent by some Factorial versions (the community SDK's shape)."
    )
    company_id: strawberry.ID | None
    created_at: datetime | None
    updated_at: datetime | None

    @strawberry.field(description="The table definition this resource instantiates.")
    @batched(_schemas_of_resources)
    async def schema(self, root: strawberry.Parent[ResourceRecord], info: Info) -> Schema | None:
        if root.schema_id is None:
            return None
        return cast("Schema | None", await info.context.loaders.schemas.load(root.schema_id))

    @strawberry.field(description="The owning employee (null when the owner is not one).")
    async def attachable(
        self, root: strawberry.Parent[ResourceRecord], info: Info
    ) -> Employee | None:
        return await load_employee(info, root.employee_id)

    @strawberry.field(description="The rows of this table.")
    @batched(_values_of_resources)
    async def values(
        self,
        root: strawberry.Parent[ResourceRecord],
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CustomResourcesValue] | None:
        window = Window.parse(first, after, last, before)
        rows = await info.context.loaders.values_of(root)
        return cast("Connection[CustomResourcesValue]", window.apply(rows))


@strawberry.type(name="CustomResourcesValue", description="One row of a custom table.")
class CustomResourcesValue:
    id: strawberry.ID
    resource_id: strawberry.ID
    attachable_id: strawberry.ID | None

    @strawberry.field(description="The row's cells, one per filled column.")
    @batched(_cells_of_values)
    async def cells(self, root: strawberry.Parent[ValueRecord], info: Info) -> list[Cell] | None:
        return cast("list[Cell]", await info.context.loaders.table.cells.load(root.id))

    @strawberry.field(description="One cell of the row, by its column's id or slug.")
    @batched(cells_by_column)
    async def cell(
        self,
        root: strawberry.Parent[ValueRecord],
        info: Info,
        field_id: strawberry.ID | None = None,
        slug: str | None = None,
    ) -> Cell | None:
        [found] = await cells_by_column([root], info.context, field_id, slug)
        if isinstance(found, Exception):
            raise found
        return cast("Cell | None", found)

    @strawberry.field(description="The employee the row belongs to (null for other owners).")
    async def attachable(self, root: strawberry.Parent[ValueRecord], info: Info) -> Employee | None:
        resource = await info.context.loaders.resources.load(root.resource_id)
        return await load_employee(info, resource.employee_id if resource else None)

    @strawberry.field(description="The resource this row belongs to.")
    @batched(_resources_of_values)
    async def resource(self, root: strawberry.Parent[ValueRecord], info: Info) -> Resource | None:
        record = await info.context.loaders.resources.load(root.resource_id)
        return cast("Resource | None", record)
