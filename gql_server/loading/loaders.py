"""Every dataloader of a request, built in one place by `create_loaders`.

Each loader turns the keys of one level of a query into the fewest upstream calls: by-id
lookups go out as `ids[]` batches of at most 100, values of employee-owned resources as one
`employee_ids[]` read per 100 employees, and the links with no upstream filter (values of other
owners, resources of a schema) as one read of the whole collection per request, which then
serves every later level too. Everything read is primed into the by-id loaders, so a record
seen once in a request is never fetched again.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import TypeVar, cast

from ..upstream import (
    RESOURCES,
    SCHEMAS,
    VALUES,
    ResourceRecord,
    SchemaRecord,
    UpstreamSession,
    ValueRecord,
    fetch_all,
)
from .batch_loader import BatchLoader
from .lookups import Once, by_ids, chunked
from .table_loaders import TableLoaders

R = TypeVar("R")
T = TypeVar("T")


class Loaders:
    """The loaders of one request; never shared between requests or callers.

    Each loader is made on first use: most queries touch one or two of them, and a request
    should not pay for the others.
    """

    def __init__(self, session: UpstreamSession) -> None:
        self.session = session
        self._owners: dict[str, str | None] = {}
        self.resources_by_schema: Once[dict[str, list[ResourceRecord]]] = Once(
            self._load_resources_by_schema
        )
        self.values_by_resource: Once[dict[str, list[ValueRecord]]] = Once(
            self._load_values_by_resource
        )

    @cached_property
    def table(self) -> TableLoaders:
        return TableLoaders(self.session)

    @cached_property
    def schemas(self) -> BatchLoader[SchemaRecord | None]:
        return BatchLoader(by_ids(self.session, SCHEMAS))

    @cached_property
    def resources(self) -> BatchLoader[ResourceRecord | None]:
        return BatchLoader(by_ids(self.session, RESOURCES))

    @cached_property
    def values(self) -> BatchLoader[ValueRecord | None]:
        return BatchLoader(by_ids(self.session, VALUES))

    @cached_property
    def values_by_employee(self) -> BatchLoader[list[ValueRecord]]:
        return BatchLoader(self._load_values_by_employee)

    @cached_property
    def rows_of_resources(self) -> BatchLoader[list[ValueRecord]]:
        return BatchLoader(self._load_rows_of_resources)

    # -- priming ----------------------------------------------------------------------------

    def prime_schemas(self, records: Sequence[SchemaRecord]) -> None:
        self.schemas.prime_many(records, _id_of)

    def prime_resources(self, records: Sequence[ResourceRecord]) -> None:
        self.resources.prime_many(records, _id_of)

    def prime_values(self, records: Sequence[ValueRecord]) -> None:
        self.values.prime_many(records, _id_of)

    def close(self) -> None:
        """Forget everything read: the request is answered.

        Loaders, their batch functions and the tasks they share refer to each other, so
        without this what a request read would wait for the cycle collector instead of being
        freed as soon as the response is built.
        """
        for value in list(vars(self).values()):
            if isinstance(value, BatchLoader):
                value.clear_all()
        self._owners.clear()
        self.resources_by_schema.reset()
        self.values_by_resource.reset()
        if "table" in vars(self):
            self.table.close()

    # -- batch functions --------------------------------------------------------------------

    async def _load_values_by_employee(
        self, employee_ids: list[str]
    ) -> list[list[ValueRecord] | BaseException]:
        batches = chunked(employee_ids)
        results = await asyncio.gather(
            *(fetch_all(self.session, VALUES, employee_ids=batch) for batch in batches),
            return_exceptions=True,
        )
        by_employee: dict[str, list[ValueRecord] | BaseException] = {}
        for batch, result in zip(batches, results, strict=True):
            if isinstance(result, BaseException):
                by_employee.update(dict.fromkeys(batch, result))
                continue
            self.prime_values(result)
            grouped: dict[str, list[ValueRecord]] = {e: [] for e in batch}
            unowned: list[ValueRecord] = []
            for record in result:
                owner = grouped.get(record.attachable_id or "")
                (owner if owner is not None else unowned).append(record)
            # A row that does not name its employee is offered to every employee of the batch;
            # callers keep only rows of their own resource, so the answer stays exact.
            for employee, rows in grouped.items():
                by_employee[employee] = rows + unowned if unowned else rows
        return [by_employee[key] for key in employee_ids]

    async def _load_resources_by_schema(self) -> dict[str, list[ResourceRecord]]:
        records = await fetch_all(self.session, RESOURCES)
        self.prime_resources(records)
        grouped: defaultdict[str, list[ResourceRecord]] = defaultdict(list)
        for record in records:
            if record.schema_id is not None:
                grouped[record.schema_id].append(record)
        return dict(grouped)

    async def _load_values_by_resource(self) -> dict[str, list[ValueRecord]]:
        records = await fetch_all(self.session, VALUES)
        self.prime_values(records)
        grouped: defaultdict[str, list[ValueRecord]] = defaultdict(list)
        for record in records:
            grouped[record.resource_id].append(record)
        return dict(grouped)

    async def _load_rows_of_resources(
        self, resource_ids: list[str]
    ) -> list[list[ValueRecord] | BaseException]:
        owners = [self._owners[r] for r in resource_ids]
        return await self._rows_by_cheapest_route(resource_ids, owners, self._employee_rows)

    async def _employee_rows(self, employees: list[str]) -> list[list[ValueRecord] | BaseException]:
        return await asyncio.gather(
            *(self.values_by_employee.load(e) for e in employees), return_exceptions=True
        )

    async def _rows_by_cheapest_route(
        self,
        resource_ids: list[str],
        owners: list[str | None],
        rows_of_employees: Callable[
            [list[str]], Awaitable[Sequence[list[ValueRecord] | BaseException]]
        ],
    ) -> list[list[ValueRecord] | BaseException]:
        """The rows of a level's resources, by the cheapest route the level allows.

        When any resource of the level has a non-employee owner, the whole values collection is
        read anyway, and then it serves every resource of the level; so does a collection
        already read earlier in the request. Otherwise the rows come by employee, 100
        employees a call.
        """
        if None in owners or self.values_by_resource.started:
            try:
                groups = await self.values_by_resource.get()
            except Exception as error:
                return [error] * len(resource_ids)
            return [groups.get(r, []) for r in resource_ids]
        employees = list(dict.fromkeys(cast("list[str]", owners)))
        by_employee = dict(zip(employees, await rows_of_employees(employees), strict=True))
        answers: list[list[ValueRecord] | BaseException] = []
        for resource_id, owner in zip(resource_ids, owners, strict=True):
            rows = by_employee[cast("str", owner)]
            if isinstance(rows, BaseException) or all(r.resource_id == resource_id for r in rows):
                answers.append(rows)  # an employee's rows, all of this one resource: as they are
            else:
                answers.append([row for row in rows if row.resource_id == resource_id])
        return answers

    # -- links ------------------------------------------------------------------------------

    async def rows_of(
        self, resources: Sequence[ResourceRecord]
    ) -> list[list[ValueRecord] | BaseException]:
        """The rows of each of a level's resources at once (a batch resolver's form of
        `values_of`): the same upstream calls, without a future per resource and employee."""
        return await self._rows_by_cheapest_route(
            [r.id for r in resources],
            [r.employee_id for r in resources],
            self._load_values_by_employee,
        )

    def values_of(self, resource: ResourceRecord) -> Awaitable[list[ValueRecord]]:
        """The rows of one resource, at one shared upstream round per query level."""
        self._owners[resource.id] = resource.employee_id
        return self.rows_of_resources.load(resource.id)

    def resources_of(self, schema_id: str) -> Awaitable[list[ResourceRecord]]:
        """The resources attached to one schema (one read of the collection per request)."""
        return _group_of(self.resources_by_schema.get(), schema_id)


async def _group_of(groups: Awaitable[dict[str, list[T]]], key: str) -> list[T]:
    return (await groups).get(key, [])


def _id_of(record: SchemaRecord | ResourceRecord | ValueRecord) -> str:
    return record.id


def create_loaders(session: UpstreamSession) -> Loaders:
    """The loaders of a new request; call once per request, never share."""
    return Loaders(session)
