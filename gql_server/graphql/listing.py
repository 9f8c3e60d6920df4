"""Top-level connections, paged through the upstream's own cursors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..upstream import MAX_PAGE_SIZE, Collection, UpstreamSession, next_cursor
from .connection import Connection, Cursor, build_connection, check_first

R = TypeVar("R")


async def list_connection(
    session: UpstreamSession,
    collection: Collection[R],
    prime: Callable[[Sequence[R]], None],
    *,
    ids: Sequence[str],
    employee_ids: Sequence[str],
    first: int | None,
    after: str | None,
) -> Connection[R]:
    """One page of a filtered list, reading no more upstream rows than the page needs.

    Arguments are checked before the first upstream call; rows read are primed into the
    by-id loaders.
    """
    size = check_first(first)
    cursor = Cursor.decode(after)
    wanted = cursor.skip + size
    rows: list[R] = []
    cursors: list[Cursor] = []
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
        last = len(page.records) - 1
        for i, record in enumerate(page.records):
            end_of_page = i == last and page.end_cursor is not None
            cursors.append(
                Cursor(page.end_cursor, 0) if end_of_page else Cursor(upstream_after, i + 1)
            )
            rows.append(record)
        following = next_cursor(page)
        more = following is not None
        if not more or len(rows) >= wanted:
            break
        upstream_after = following
    prime(rows)
    end = cursor.skip + size
    if total is None and not more:
        total = len(rows) if cursor.after is None else None
    skip = cursor.skip
    return build_connection(
        rows[skip:end],
        lambda i: cursors[skip + i],
        has_next_page=len(rows) > end or more,
        has_previous_page=cursor.after is not None or cursor.skip > 0,
        total_count=total,
    )
