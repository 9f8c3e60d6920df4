"""The client acting for one caller during one request, with that request's response cache."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar, cast

from .client import MAX_PAGE_SIZE, FactorialClient
from .credentials import Credential
from .errors import UpstreamNotFound
from .page import Page, decode_page
from .records import Collection
from .stats import UpstreamStats
from .urls import Params, encode_query

R = TypeVar("R")
T = TypeVar("T")

_SHORT_KEY = 96


def _list_key(path: str, query: str) -> str | bytes:
    """A list call's key in the request's cache: the call itself, or a 128-bit digest of it.

    A filtered call's query names up to a hundred ids (a kilobyte); the cache keeps its key
    until the request ends, so a long one is kept as 16 bytes instead.
    """
    key = f"{path}?{query}"
    if len(key) <= _SHORT_KEY:
        return key
    return hashlib.blake2b(key.encode(), digest_size=16).digest()


@dataclass(slots=True)
class UpstreamSession:
    """Reads and writes for one caller during one request.

    Every GET is remembered for the rest of the request: asking the same question twice (two
    aliases of one field, say) costs one upstream call, and the repeat counts as `cached`. A
    list call is remembered as its decoded page, so its JSON body is freed as soon as it is
    decoded.
    """

    client: FactorialClient
    credential: Credential | None
    stats: UpstreamStats = field(default_factory=UpstreamStats)
    deadline: float | None = None
    """A `time.monotonic()` instant after which no call or retry starts."""
    fresh: bool = False
    """Read nothing from the read cache shared across requests (what is read is still stored
    there): the caller asked for fresh data, or is a mutation that must see what is."""
    writes: int = 0
    """Writes begun (POST, PUT, DELETE), whether or not they succeeded: after a failure,
    whether Factorial may have changed anything."""
    _responses: dict[str | bytes, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    def close(self) -> None:
        """Forget the request's responses: it is answered, or its client has gone (a part
        still to send after the first, incremental delivery). A call still pending is
        cancelled for this request; one shared with other requests goes on for them
        (`FactorialClient.get_shared`)."""
        for pending in self._responses.values():
            pending.cancel()
        self._responses.clear()

    def _remembered(self, key: str | bytes, compute: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        """The answer to `key` for this request: computed once, shared by every asker."""
        cached = self._responses.get(key)
        if cached is not None:
            self.stats.cached += 1
            return cast("asyncio.Future[T]", cached)
        future = asyncio.ensure_future(compute())
        self._responses[key] = future
        return future

    async def _get_page(self, collection: Collection[R], query: str) -> Page[R]:
        page: Page[R] = await self.client.get_shared(
            collection.path,
            query,
            self.credential,
            self.stats,
            self.deadline,
            parse=partial(decode_page, decode=collection.decode),
            fresh=self.fresh,
        )
        return page

    async def list_page(
        self,
        collection: Collection[R],
        *,
        ids: Iterable[str] = (),
        employee_ids: Iterable[str] = (),
        filters: Iterable[tuple[str, str]] = (),
        limit: int = MAX_PAGE_SIZE,
        after: str | None = None,
        before: str | None = None,
        page: int | None = None,
    ) -> Page[R]:
        """One list call with the upstream's own filters and pagination.

        `filters` are further query parameters as (name, value) pairs, repeated names kept:
        `[("schema_ids[]", "1"), ("schema_ids[]", "2")]`.
        """
        params: Params = [("ids[]", i) for i in ids]
        params += [("employee_ids[]", e) for e in employee_ids]
        params += list(filters)
        filtered = bool(params)
        params.append(("limit", str(max(1, min(limit, MAX_PAGE_SIZE)))))
        if after is not None:
            params.append(("after_id", after))
        if before is not None:
            params.append(("before_id", before))
        if page is not None:
            params.append(("page", str(page)))
        # Encoded once: the query string is the URL's query, the key of the calls shared
        # between requests, and (itself or its digest) this request's cache key.
        query = encode_query(params)
        result = await self._remembered(
            _list_key(collection.path, query), lambda: self._get_page(collection, query)
        )
        if not filtered and result.total is not None and self.credential is not None:
            self.client.sizes.record(self.credential.fingerprint, collection.path, result.total)
        return result

    async def get(self, collection: Collection[R], record_id: str) -> R | None:
        """One record by id, or None when Factorial has no such record."""
        path = f"{collection.path}/{record_id}"
        try:
            body = await self._remembered(
                path,
                lambda: self.client.get_shared(
                    path, "", self.credential, self.stats, self.deadline, fresh=self.fresh
                ),
            )
        except UpstreamNotFound:
            return None
        return collection.decode(body)

    async def create(self, collection: Collection[R], fields: Mapping[str, Any]) -> R:
        """POST a new record; never retried, since Factorial's writes are not idempotent."""
        return collection.decode(await self._write("POST", collection.path, fields))

    async def update(
        self,
        collection: Collection[R],
        record_id: str,
        fields: Mapping[str, Any],
        *,
        rows: Iterable[str] = (),
    ) -> R:
        """PUT changes to one record; never retried, like every write. A cell's PUT names
        the cell, not its row: `rows` are the rows it changes, so that the read cache expires
        their cells only (without them, every row's)."""
        body = await self._write("PUT", f"{collection.path}/{record_id}", fields, rows)
        return collection.decode(body)

    async def delete(self, collection: Collection[Any], record_id: str) -> None:
        """DELETE one record; never retried, like every write. Whatever body Factorial sends
        back (the record, or nothing) is not needed."""
        await self._write("DELETE", f"{collection.path}/{record_id}")

    async def _write(
        self,
        method: str,
        path: str,
        fields: Mapping[str, Any] | None = None,
        rows: Iterable[str] = (),
    ) -> Any:
        """Every write of the server: made once, then (whatever its outcome) announced to the
        read cache, which expires what it may have changed before the caller goes on."""
        self.writes += 1
        answer = None
        try:
            answer = await self.client.send(
                method, path, self.credential, self.stats, body=fields, deadline=self.deadline
            )
            return answer
        finally:
            await self.client.wrote(method, path, body=fields, answer=answer, rows=rows)

    def known_size(self, collection: Collection[Any]) -> int | None:
        """The whole collection's size last seen with this credential, if any."""
        if self.credential is None:
            return None
        return self.client.sizes.get(self.credential.fingerprint, collection.path)
