"""The Query root: one record by id, and the three filtered lists."""

from __future__ import annotations

from typing import cast

import strawberry

from ..upstream import RESOURCES, SCHEMAS, VALUES
from .connection import Connection, check_ids
from .context import Info
from .listing import list_connection
from .types import CustomResourcesValue, Resource, Schema


def _check_id(value: strawberry.ID) -> str:
    return check_ids([value], "id")[0]


@strawberry.type
class Query:
    @strawberry.field(description="One schema by id; null when it does not exist.")
    async def schema(self, info: Info, id: strawberry.ID) -> Schema | None:
        return cast("Schema | None", await info.context.loaders.schemas.load(_check_id(id)))

    @strawberry.field(description="One resource by id; null when it does not exist.")
    async def resource(self, info: Info, id: strawberry.ID) -> Resource | None:
        record = await info.context.loaders.resources.load(_check_id(id))
        return cast("Resource | None", record)

    @strawberry.field(description="One value (table row) by id; null when it does not exist.")
    async def value(self, info: Info, id: strawberry.ID) -> CustomResourcesValue | None:
        record = await info.context.loaders.values.load(_check_id(id))
        return cast("CustomResourcesValue | None", record)

    @strawberry.field(description="Schemas, optionally only those with the given ids.")
    async def schemas(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Schema] | None:
        context = info.context
        connection = await list_connection(
            context.session,
            SCHEMAS,
            context.loaders.prime_schemas,
            ids=check_ids(ids, "ids"),
            employee_ids=(),
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return cast("Connection[Schema]", connection)

    @strawberry.field(description="Resources, filtered by id and/or owning employee.")
    async def resources(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        employee_ids: list[strawberry.ID] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Resource] | None:
        context = info.context
        connection = await list_connection(
            context.session,
            RESOURCES,
            context.loaders.prime_resources,
            ids=check_ids(ids, "ids"),
            employee_ids=check_ids(employee_ids, "employeeIds"),
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return cast("Connection[Resource]", connection)

    @strawberry.field(description="Values (table rows), filtered by id and/or employee.")
    async def values(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        employee_ids: list[strawberry.ID] | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CustomResourcesValue] | None:
        context = info.context
        connection = await list_connection(
            context.session,
            VALUES,
            context.loaders.prime_values,
            ids=check_ids(ids, "ids"),
            employee_ids=check_ids(employee_ids, "employeeIds"),
            first=first,
            after=after,
            last=last,
            before=before,
        )
        return cast("Connection[CustomResourcesValue]", connection)
