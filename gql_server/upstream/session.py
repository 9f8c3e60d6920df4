"""The client acting for one caller during one request, with that request's response cache."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from .client import MAX_PAGE_SIZE, FactorialClient, Params
from .credentials import Credential
from .errors import UpstreamNotFound
from .page import Page, decode_page
from .records import Collection
from .stats import UpstreamStats

R = TypeVar("R")


@dataclass(slots=True)
class UpstreamSession:
    """Reads and writes for one caller during one request.

    Every GET is remembered for the rest of the request: asking the same question twice (two
    aliases of one field, say) costs one upstream call, and the repeat counts as `cached`.
    """

    client: FactorialClient
    credential: Credential | None
    stats: UpstreamStats = field(default_factory=UpstreamStats)
    deadline: float | None = None
    """A `time.monotonic()` instant after which no call or retry starts."""
    _responses: dict[str, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    async def get_json(self, path: str, params: Params) -> Any:
        """The decoded body of a GET, at most one upstream call per distinct URL a request."""
        key = f"{path}?{httpx.QueryParams(params)}"
        cached = self._responses.get(key)
        if cached is not None:
            self.stats.cached += 1
            return await cached
        future = asyncio.ensure_future(
            self.client.get_shared(path, params, self.credential, self.stats, self.deadline)
        )
        self._responses[key] = future
        return await future

    async def list_page(
        self,
        collection: Collection[R],
        *,
        ids: Iterable[str] = (),
        employee_ids: Iterable[str] = (),
        filters: Iterable[tuple[str, str]] = (),
        limit: int = MAX_PAGE_SIZE,
        after: str | None = None,
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
        if page is not None:
            params.append(("page", str(page)))
        result = decode_page(await self.get_json(collection.path, params), collection.decode)
        if not filtered and result.total is not None and self.credential is not None:
            self.client.sizes.record(self.credential.fingerprint, collection.path, result.total)
        return result

    async def get(self, collection: Collection[R], record_id: str) -> R | None:
        """One record by id, or None when Factorial has no such record."""
        try:
            body = await self.get_json(f"{collection.path}/{record_id}", [])
        except UpstreamNotFound:
            return None
        return collection.decode(body)

    async def create(self, collection: Collection[R], fields: Mapping[str, Any]) -> R:
        """POST a new record; never retried, since Factorial's writes are not idempotent."""
        body = await self.client.send(
            "POST",
            collection.path,
            self.credential,
            self.stats,
            body=fields,
            deadline=self.deadline,
        )
        return collection.decode(body)

    async def update(
        self, collection: Collection[R], record_id: str, fields: Mapping[str, Any]
    ) -> R:
        """PUT changes to one record; never retried, like every write."""
        body = await self.client.send(
            "PUT",
            f"{collection.path}/{record_id}",
            self.credential,
            self.stats,
            body=fields,
            deadline=self.deadline,
        )
        return collection.decode(body)

    def known_size(self, collection: Collection[Any]) -> int | None:
        """The whole collection's size last seen with this credential, if any."""
        if self.credential is None:
            return None
        return self.client.sizes.get(self.credential.fingerprint, collection.path)
