"""Top-level connections, paged through the upstream's own cursors.

An edge's cursor is its record's id (`Cursor(id, 0)`), and Factorial's `after_id` and
`before_id` take ids: any edge's cursor resumes in one call in either direction, and a record
has the same cursor whichever page, page size or direction reached it. A cursor that carries a
skip (`Cursor(position, n)`) still resumes forwards, re-reading the rows it skips.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..upstream import MAX_PAGE_SIZE, Collection, UpstreamSession, next_cursor
from ..upstream.pagination import record_id
from .backward import read_before
from .connection import Connection, Cursor, build_connection
from .errors import BadUserInput
from .paging import PageRequest

R = TypeVar("R")


def _id_cursors(rows: Sequence[object]) -> Callable[[int], Cursor]:
    """The cursors of `rows`, made only when a query selects one."""
    return lambda i: Cursor(record_id(rows[i]), 0)


async def list_connection(
    session: UpstreamSession,
    collection: Collection[R],
    prime: Callable[[Sequence[R]], None],
    *,
    ids: Sequence[str],
    employee_ids: Sequence[str],
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[R]:
    """One page of a filtered list, reading no more upstream rows than the page needs.

    Arguments are checked before the first upstream call; rows read are primed into the
    by-id loaders.
    """
    request = PageRequest.parse(first, after, last, before)
    if not request.backward:
        return await _forward(session, collection, prime, request, ids, employee_ids)
    cursor = request.cursor
    if request.anchored and (cursor.after is None or cursor.skip != 0):
        raise BadUserInput("`before` is not a cursor of this list.", "before")
    tail = await read_before(
        session,
        collection,
        ids=ids,
        employee_ids=employee_ids,
        size=request.size,
        before=cursor.after,
    )
    prime(tail.rows)
    return build_connection(
        tail.rows,
        _id_cursors(tail.rows),
        # Relay allows true when a `before` cursor was given: its own record follows the page.
        has_next_page=request.anchored,
        has_previous_page=tail.has_previous_page,
        total_count=tail.total,
    )


async def _forward(
    session: UpstreamSession,
    collection: Collection[R],
    prime: Callable[[Sequence[R]], None],
    request: PageRequest,
    ids: Sequence[str],
    employee_ids: Sequence[str],
) -> Connection[R]:
    cursor = request.cursor
    wanted = cursor.skip + request.size
    rows: list[R] = []
    upstream_after = cursor.after
    total: int | None = None
    more = False
    while True:
        page = await session.list_page(
            collection,
            ids=ids,
            employee_ids=employee_ids,
            limit=max(1, min(MAX_PAGE_SIZE, wanted - len(rows))),
            after=upstream_after,
        )
        if total is None:
            total = page.total
        rows.extend(page.records)
        following = next_cursor(page)
        more = following is not None
        if not more or len(rows) >= wanted:
            break
        upstream_after = following
    prime(rows)
    if total is None and not more:
        total = len(rows) if cursor.after is None else None
    page_rows = rows[cursor.skip : wanted]
    return build_connection(
        page_rows,
        _id_cursors(page_rows),
        has_next_page=len(rows) > wanted or more,
        has_previous_page=cursor.after is not None or cursor.skip > 0,
        total_count=total,
    )
