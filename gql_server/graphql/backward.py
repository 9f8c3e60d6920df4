"""Top-level lists read backwards (`last`, `before`) through Factorial's `before_id`.

Factorial does not document whether `before_id` with `limit` answers the last `limit` records
before the cursor or the first ones. Nothing is assumed; the answers tell:

- an answer shorter than `limit` holds every record before the cursor either way;
- a full answer with `has_previous_page` proves "the last ones" (the first ones start the list);
- a full answer without it is checked with one more call, `after_id` its last record and
  `before_id` the cursor: a record in between proves "the first ones".

What is proven is kept on the client, so the check is made at most until then (against the
simulator, which answers the last ones, it is never needed once a full page had a page before
it). Answering the first ones, a page before a cursor is read forwards from the list's start:
one call per 100 records before the cursor.

`last` without `before` asks for the end of the list, which no cursor names. The first page
(100 records) gives `meta.total`: a list that fits in it is answered from it alone; otherwise
one offset page (`page=`, of a size between `last` and 100 chosen so that it holds the last
`last` records) or, when no size does, two pages of 100 fetched together. So 1 call, or 2 or 3.
An upstream that ignores `page=` (found out as `upstream/pagination.py` does) is read forwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..upstream import MAX_PAGE_SIZE, Collection, Page, UpstreamSession
from ..upstream.errors import UpstreamBadResponse
from ..upstream.pagination import MAX_PAGES, record_id

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Tail(Generic[R]):
    """The last rows asked for, whether rows come before them, and the list's total."""

    rows: list[R]
    has_previous_page: bool
    total: int | None


def _last(records: Sequence[R], size: int) -> list[R]:
    return list(records[max(0, len(records) - size) :]) if size else []


@dataclass(frozen=True, slots=True)
class _Reader(Generic[R]):
    """List calls on one filtered list."""

    session: UpstreamSession
    collection: Collection[R]
    ids: Sequence[str]
    employee_ids: Sequence[str]

    def page(
        self,
        limit: int,
        *,
        after: str | None = None,
        before: str | None = None,
        number: int | None = None,
    ) -> Awaitable[Page[R]]:
        return self.session.list_page(
            self.collection,
            ids=self.ids,
            employee_ids=self.employee_ids,
            limit=limit,
            after=after,
            before=before,
            page=number,
        )

    async def forwards(self, before: str | None, keep: int) -> tuple[list[R], int]:
        """The last `keep` records before `before` (None: the list's end), read forwards from
        the start, and how many records there are before it."""
        kept: list[R] = []
        count = 0
        after: str | None = None
        for _ in range(MAX_PAGES):
            page = await self.page(MAX_PAGE_SIZE, after=after, before=before)
            records = page.records
            count += len(records)
            kept = _last([*kept, *records], keep)
            if len(records) < MAX_PAGE_SIZE or (before is None and not page.has_next_page):
                return kept, count
            after = record_id(records[-1])
        raise UpstreamBadResponse("Factorial's pagination did not end.")


async def read_before(
    session: UpstreamSession,
    collection: Collection[R],
    *,
    ids: Sequence[str],
    employee_ids: Sequence[str],
    size: int,
    before: str | None,
) -> Tail[R]:
    """The last `size` records before the record id `before` (None: of the whole list)."""
    reader = _Reader(session, collection, ids, employee_ids)
    if before is None:
        return await _read_end(reader, size)
    client = session.client
    limit = max(1, size)
    page = await reader.page(limit, before=before)
    records = page.records
    full = len(records) >= limit
    if full and page.has_previous_page and client.before_takes_last is None:
        client.before_takes_last = True
    elif full and client.before_takes_last is None:
        between = await reader.page(1, after=record_id(records[-1]), before=before)
        if between.records:
            client.before_takes_last = False
    if full and client.before_takes_last is False:
        kept, count = await reader.forwards(before, limit)
        return Tail(_last(kept, size), count > size, page.total)
    return Tail(_last(records, size), len(records) > size or page.has_previous_page, page.total)


async def _read_end(reader: _Reader[R], size: int) -> Tail[R]:
    first = await reader.page(MAX_PAGE_SIZE)
    total = first.total
    if not first.has_next_page:
        count = len(first.records)
        return Tail(_last(first.records, size), count > size, count if total is None else total)
    want = max(1, size)
    if total is not None and total >= want and reader.session.client.offset_pages:
        found = await _offset_tail(reader, first, total, want)
        if found is not None:
            return Tail(_last(found, size), total > size, total)
    kept, count = await reader.forwards(None, want)
    return Tail(_last(kept, size), count > size, count if total is None else total)


async def _numbered(reader: _Reader[R], first: Page[R], limit: int, number: int) -> Page[R]:
    """Offset page `number`; page 1 of 100 is the first page, already read."""
    if number == 1 and limit == MAX_PAGE_SIZE:
        return first
    return await reader.page(limit, number=number)


async def _offset_tail(reader: _Reader[R], first: Page[R], total: int, want: int) -> list[R] | None:
    """The last `want` of `total` records by offset pages, checked against the first page;
    None if the upstream ignored `page=` (then remembered) or the list changed meanwhile."""
    start = total - want
    sizes = range(MAX_PAGE_SIZE, want - 1, -1)
    limit = next((n for n in sizes if start // n == (total - 1) // n), MAX_PAGE_SIZE)
    numbers = sorted({start // limit + 1, (total - 1) // limit + 1})
    pages = await asyncio.gather(*(_numbered(reader, first, limit, n) for n in numbers))
    known = [record_id(r) for r in first.records]
    seen = set(known)
    offset = (numbers[0] - 1) * limit
    records: list[R] = []
    for page in pages:
        for record in page.records:
            key = record_id(record)
            expected = known[offset] if offset < len(known) else None
            if key != expected and (expected is not None or key in seen):
                reader.session.client.offset_pages = False
                return None
            seen.add(key)
            records.append(record)
            offset += 1
    return records[-want:] if offset == total else None
