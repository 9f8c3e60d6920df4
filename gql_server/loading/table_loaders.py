"""The loaders of a table's columns, cells and owners, per request.

Minimum calls the upstream allows: columns one call per schema (a column record does not say
its schema, so several schemas cannot share a call), all in one concurrent round; column
definitions by `ids[]` and their options by `field_ids[]`, 100 a call; cells one call per row
(`instance_id` takes a single row), concurrently within the concurrency caps; employees by
`ids[]`, 100 a call.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from functools import cached_property

from ..upstream import UpstreamSession, fetch_all
from ..upstream.custom_fields import (
    CELLS,
    COLUMNS,
    EMPLOYEES,
    FIELDS,
    OPTIONS,
    VALUE_TYPE,
    CellRecord,
    EmployeeRecord,
    FieldRecord,
    OptionRecord,
)
from .batch_loader import BatchLoader
from .lookups import by_ids, chunked


def _position(field: FieldRecord, order: int) -> tuple[int, int]:
    return (field.position if field.position is not None else 1_000_000, order)


class TableLoaders:
    """Columns, options, cells and employees for one request."""

    def __init__(self, session: UpstreamSession) -> None:
        self.session = session

    def close(self) -> None:
        """Forget everything read (see `Loaders.close`)."""
        for value in list(vars(self).values()):
            if isinstance(value, BatchLoader):
                value.clear_all()

    # Made on first use, like the loaders of `Loaders`.

    @cached_property
    def fields(self) -> BatchLoader[FieldRecord | None]:
        return BatchLoader(by_ids(self.session, FIELDS))

    @cached_property
    def employees(self) -> BatchLoader[EmployeeRecord | None]:
        return BatchLoader(by_ids(self.session, EMPLOYEES))

    @cached_property
    def column_ids(self) -> BatchLoader[list[str]]:
        return BatchLoader(self._load_column_ids)

    @cached_property
    def options(self) -> BatchLoader[list[OptionRecord]]:
        return BatchLoader(self._load_options)

    @cached_property
    def cells(self) -> BatchLoader[list[CellRecord]]:
        return BatchLoader(self._load_cells)

    async def _load_column_ids(self, schema_ids: list[str]) -> list[list[str] | BaseException]:
        results = await asyncio.gather(
            *(
                fetch_all(self.session, COLUMNS, filters=[("schema_ids[]", schema_id)])
                for schema_id in schema_ids
            ),
            return_exceptions=True,
        )
        return [
            r if isinstance(r, BaseException) else list(dict.fromkeys(c.field_id for c in r))
            for r in results
        ]

    async def _load_options(self, field_ids: list[str]) -> list[list[OptionRecord] | BaseException]:
        batches = chunked(field_ids)
        results = await asyncio.gather(
            *(
                fetch_all(self.session, OPTIONS, filters=[("field_ids[]", f) for f in batch])
                for batch in batches
            ),
            return_exceptions=True,
        )
        by_field: dict[str, list[OptionRecord] | BaseException] = {}
        for batch, result in zip(batches, results, strict=True):
            if isinstance(result, BaseException):
                by_field.update(dict.fromkeys(batch, result))
                continue
            grouped: defaultdict[str, list[OptionRecord]] = defaultdict(list)
            for option in result:
                grouped[option.field_id or ""].append(option)
            for field_id in batch:
                by_field[field_id] = grouped.get(field_id, [])
        return [by_field[f] for f in field_ids]

    async def _load_cells(self, row_ids: list[str]) -> list[list[CellRecord] | BaseException]:
        results = await asyncio.gather(
            *(
                fetch_all(self.session, CELLS, filters=[("instance_id", row_id)])
                for row_id in row_ids
            ),
            return_exceptions=True,
        )
        answers: list[list[CellRecord] | BaseException] = []
        for row_id, result in zip(row_ids, results, strict=True):
            if isinstance(result, BaseException):
                answers.append(result)
                continue
            # `instance_id` matches any record with that id (an employee may share it): keep
            # only the cells of table rows, and of this row.
            answers.append(
                [
                    cell
                    for cell in result
                    if cell.valuable_type in (VALUE_TYPE, None)
                    and cell.valuable_id in (row_id, None)
                ]
            )
        return answers

    async def columns_of(self, schema_id: str) -> list[FieldRecord]:
        """The schema's columns in position order (fields that no longer exist left out)."""
        field_ids = await self.column_ids.load(schema_id)
        fields = await self.fields.load_many(field_ids)
        present = [(f, i) for i, f in enumerate(fields) if f is not None]
        return [f for f, _ in sorted(present, key=lambda pair: _position(*pair))]
