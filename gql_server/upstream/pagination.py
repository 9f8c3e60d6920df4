"""Reading a whole filtered collection: the one pagination helper.

After the first page tells the total, the other pages are fetched concurrently with `page=`
(offset pagination, which Factorial serves beside its cursors). An upstream that turns out not
to honour `page=` (a page repeats records) is read by cursors instead, and remembered as such.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

from .client import MAX_PAGE_SIZE
from .errors import UpstreamBadResponse
from .page import Page
from .records import Collection
from .session import UpstreamSession

R = TypeVar("R")

# A safety stop for an upstream whose cursors never end (10,000 pages = 1,000,000 records).
MAX_PAGES = 10_000


def record_id(record: object) -> str:
    return str(getattr(record, "id"))  # noqa: B009 - every record type has an id


def next_cursor(page: Page[R]) -> str | None:
    """The cursor of the page after this one; the last record's id when meta has none."""
    if not page.has_next_page or not page.records:
        return None
    if page.end_cursor is not None:
        return page.end_cursor
    return record_id(page.records[-1])


async def iter_pages(
    session: UpstreamSession,
    collection: Collection[R],
    *,
    ids: Sequence[str] = (),
    employee_ids: Sequence[str] = (),
    filters: Sequence[tuple[str, str]] = (),
    after: str | None = None,
) -> AsyncIterator[Page[R]]:
    """Every page of a list from `after` on, following `end_cursor` as `after_id`."""
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page = await session.list_page(
            collection,
            ids=ids,
            employee_ids=employee_ids,
            filters=filters,
            limit=MAX_PAGE_SIZE,
            after=after,
        )
        yield page
        after = next_cursor(page)
        if after is None:
            return
        if after in seen:
            raise UpstreamBadResponse("Factorial repeated a pagination cursor.")
        seen.add(after)
    raise UpstreamBadResponse("Factorial's pagination did not end.")


async def _remaining_by_offset(
    session: UpstreamSession,
    collection: Collection[R],
    first: Page[R],
    ids: Sequence[str],
    employee_ids: Sequence[str],
    filters: Sequence[tuple[str, str]],
) -> list[R] | None:
    """The pages after the first, fetched at once; None if the upstream ignored `page=`."""
    size = len(first.records)
    if first.total is None or size == 0 or not session.client.offset_pages:
        return None
    count = math.ceil(first.total / size)
    if count > MAX_PAGES:
        raise UpstreamBadResponse("Factorial's collection is larger than this server reads.")
    pages = await asyncio.gather(
        *(
            session.list_page(
                collection,
                ids=ids,
                employee_ids=employee_ids,
                filters=filters,
                limit=size,
                page=number,
            )
            for number in range(2, count + 1)
        )
    )
    seen = {record_id(r) for r in first.records}
    records: list[R] = []
    for page in pages:
        for record in page.records:
            key = record_id(record)
            if key in seen:
                session.client.offset_pages = False
                return None
            seen.add(key)
            records.append(record)
    return records


async def fetch_all(
    session: UpstreamSession,
    collection: Collection[R],
    *,
    ids: Sequence[str] = (),
    employee_ids: Sequence[str] = (),
    filters: Sequence[tuple[str, str]] = (),
) -> list[R]:
    """All records of a list with the given filters."""
    first = await session.list_page(
        collection, ids=ids, employee_ids=employee_ids, filters=filters, limit=MAX_PAGE_SIZE
    )
    records = list(first.records)
    after = next_cursor(first)
    if after is None:
        return records
    rest = await _remaining_by_offset(session, collection, first, ids, employee_ids, filters)
    if rest is not None:
        return records + rest
    async for page in iter_pages(
        session, collection, ids=ids, employee_ids=employee_ids, filters=filters, after=after
    ):
        records.extend(page.records)
    return records
