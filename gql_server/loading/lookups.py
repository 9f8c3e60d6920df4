"""Batch functions that read Factorial by key, shared by every loader of a request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from ..upstream import Collection, UpstreamSession, fetch_all
from .batch_loader import BatchFunction

R = TypeVar("R")
T = TypeVar("T")

BATCH_SIZE = 100


def chunked(keys: Sequence[str], size: int = BATCH_SIZE) -> list[Sequence[str]]:
    """Keys in upstream-sized batches, duplicates removed, order kept."""
    unique = list(dict.fromkeys(keys))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


class Once(Generic[T]):
    """An awaitable computed at most once per request, shared by everyone who awaits it."""

    def __init__(self, compute: Callable[[], Awaitable[T]]) -> None:
        self._compute = compute
        self._task: asyncio.Future[T] | None = None

    @property
    def started(self) -> bool:
        return self._task is not None

    def reset(self) -> None:
        """Forget the computed value (the next `get` computes it again)."""
        self._task = None

    def get(self) -> asyncio.Future[T]:
        if self._task is None:
            self._task = asyncio.ensure_future(self._compute())
        return self._task


def by_ids(session: UpstreamSession, collection: Collection[R]) -> BatchFunction[R | None]:
    """Records by id, `ids[]` batches of at most 100; an absent id is None."""

    async def load(keys: list[str]) -> list[R | BaseException | None]:
        batches = chunked(keys)
        results = await asyncio.gather(
            *(fetch_all(session, collection, ids=batch) for batch in batches),
            return_exceptions=True,
        )
        found: dict[str, R | BaseException] = {}
        for batch, result in zip(batches, results, strict=True):
            if isinstance(result, BaseException):
                # Only the keys of the failed batch fail; the others still resolve.
                found.update(dict.fromkeys(batch, result))
                continue
            for record in result:
                found[str(getattr(record, "id"))] = record  # noqa: B009
        return [found.get(key) for key in keys]

    return load
