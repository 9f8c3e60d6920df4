"""`cell(fieldId:)` and `cell(slug:)` for every row of a level at once.

A row's cell is found among the row's cells; by slug, through their columns' definitions. A
row without one is checked against its table, so that a column the table does not have is
BAD_USER_INPUT rather than an empty cell. Done row by row, each row's next step would wait
for its own cells call and go out as a batch of its own, as many as the calls happened to
finish apart; here each step is one batch for the whole level: the rows' cells, then (by
slug) their columns, then the rows' resources and the tables' columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..loading.context import Context
from ..upstream import ValueRecord
from ..upstream.custom_fields import CellRecord, FieldRecord
from .batched import load_each, settle
from .errors import BadUserInput


async def cells_by_column(
    rows: Sequence[ValueRecord],
    context: Context,
    field_id: str | None = None,
    slug: str | None = None,
) -> list[Any]:
    """Each row's cell in the column named by `field_id` or `slug` (exactly one), None when
    the row has none, or the error of that row."""
    if (field_id is None) == (slug is None):
        raise BadUserInput("Give exactly one of `fieldId` and `slug`.", "fieldId")
    table = context.loaders.table
    cells_of = await load_each(table.cells, [row.id for row in rows])
    matches: Callable[[FieldRecord], bool]
    if field_id is not None:
        wanted, argument = str(field_id).strip(), "fieldId"
        matches = lambda f: f.id == wanted  # noqa: E731
        found = [_first(cells, lambda c: c.field_id == wanted) for cells in cells_of]
    else:
        argument = "slug"
        matches = lambda f: f.slug == slug  # noqa: E731
        ids = sorted({c.field_id for cells in cells_of if isinstance(cells, list) for c in cells})
        loaded = await load_each(table.fields, ids)
        columns = dict(zip(ids, loaded, strict=True))

        def by_slug(cell: CellRecord) -> bool:
            column = columns.get(cell.field_id)
            return isinstance(column, FieldRecord) and column.slug == slug

        found = [_first(cells, by_slug) for cells in cells_of]
    unfound = [i for i, cell in enumerate(found) if cell is None]
    checks = await _check_columns(context, [rows[i] for i in unfound], argument, matches)
    for i, problem in zip(unfound, checks, strict=True):
        found[i] = problem
    return found


def _first(cells: object, wanted: Callable[[CellRecord], bool]) -> Any:
    """The first wanted cell of a row's cells; the row's error as it is; None without one."""
    if isinstance(cells, Exception):
        return cells
    if not isinstance(cells, list):
        return None
    return next((c for c in cells if wanted(c)), None)


async def _check_columns(
    context: Context,
    rows: Sequence[ValueRecord],
    argument: str,
    matches: Callable[[FieldRecord], bool],
) -> list[Exception | None]:
    """For each row, BAD_USER_INPUT naming `argument` unless it names a column of the row's
    table (a typo in `cell(slug:)` must not read as an empty cell); None when it does, or
    when the row's table is unknown."""
    if not rows:
        return []
    loaders = context.loaders
    resources = await load_each(loaders.resources, [row.resource_id for row in rows])
    schema_ids = sorted(
        {r.schema_id for r in resources if not isinstance(r, Exception) and r and r.schema_id}
    )
    tables = dict(
        zip(
            schema_ids,
            await settle([loaders.table.columns_of(s) for s in schema_ids]),
            strict=True,
        )
    )
    problems: list[Exception | None] = []
    for resource in resources:
        if isinstance(resource, Exception):
            problems.append(resource)
            continue
        if resource is None or resource.schema_id is None:
            problems.append(None)
            continue
        columns = tables[resource.schema_id]
        if isinstance(columns, Exception):
            problems.append(columns)
        elif any(matches(f) for f in columns):
            problems.append(None)
        else:
            problems.append(
                BadUserInput(f"`{argument}` is not a column of this row's table.", argument)
            )
    return problems
