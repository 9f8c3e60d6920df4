"""Reading a whole filtered collection, page by page: the one pagination helper."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TypeVar

from .client import MAX_PAGE_SIZE, UpstreamSession
from .errors import UpstreamBadResponse
from .page import Page
from .records import Collection

R = TypeVar("R")

# A safety stop for an upstream whose cursors never end (10,000 pages = 1,000,000 records).
MAX_PAGES = 10_000


def next_cursor(page: Page[R]) -> str | None:
    """The cursor of the page after this one; the last record's id when meta has none."""
    if not page.has_next_page or not page.records:
        return None
    if page.end_cursor is not None:
        return page.end_cursor
    last = page.records[-1]
    return str(getattr(last, "id"))  # noqa: B009 - every record type has an id


async def iter_pages(
    session: UpstreamSession,
    collection: Collection[R],
    *,
    ids: Sequence[str] = (),
    employee_ids: Sequence[str] = (),
) -> AsyncIterator[Page[R]]:
    """Every page of a list, following `end_cursor` as `after_id`."""
    after: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page = await session.list_page(
            collection, ids=ids, employee_ids=employee_ids, limit=MAX_PAGE_SIZE, after=after
        )
        yield page
        after = next_cursor(page)
        if after is None:
            return
        if after in seen:
            raise UpstreamBadResponse("Factorial repeated a pagination cursor.")
        seen.add(after)
    raise UpstreamBadResponse("Factorial's pagination did not end.")


async def fetch_all(
    session: UpstreamSession,
    collection: Collection[R],
    *,
    ids: Sequence[str] = (),
    employee_ids: Sequence[str] = (),
) -> list[R]:
    """All records of a list with the given filters."""
    records: list[R] = []
    async for page in iter_pages(session, collection, ids=ids, employee_ids=employee_ids):
        records.extend(page.records)
    return records
