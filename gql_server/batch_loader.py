"""A dataloader whose batches survive resolvers that await before they load.

aiodataloader dispatches a batch one event-loop turn after its first key. A resolver that
awaits anything first (a cached future, `asyncio.sleep(0)`, a permission check) loads a turn
later and lands in a second batch: one more upstream call per such resolver. Here the dispatch
waits until a whole turn passes with no new key, so every key a level produces in the same
burst of work goes out together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Generic, TypeVar, cast

from aiodataloader import DataLoader, Loader, dispatch_queue

V = TypeVar("V")

BatchFunction = Callable[[list[str]], Awaitable[Sequence[V | BaseException]]]

# Turns to wait at most for a queue that keeps growing, so a dispatch cannot starve.
MAX_SETTLE_TURNS = 64


class BatchLoader(DataLoader[str, V], Generic[V]):
    """`DataLoader` keyed by string ids, dispatching once its queue has settled.

    The batch function returns one value or exception per key, in key order; an exception
    fails only its own keys.
    """

    def __init__(self, batch_load_fn: BatchFunction[V]) -> None:
        async def load(keys: list[str]) -> list[V]:
            return cast("list[V]", list(await batch_load_fn(keys)))

        super().__init__(
            cast("Callable[[list[str]], Coroutine[Any, Any, list[V]]]", load),
            get_cache_key=str,
        )

    def do_resolve_reject(self, key: str, future: asyncio.Future[V]) -> None:
        self._queue.append(Loader(key=key, future=future))
        if len(self._queue) == 1:
            self.loop.call_soon(self._dispatch_when_settled, 1, 0)

    def _dispatch_when_settled(self, seen: int, turns: int) -> None:
        queued = len(self._queue)
        if queued and queued != seen and turns < MAX_SETTLE_TURNS:
            self.loop.call_soon(self._dispatch_when_settled, queued, turns + 1)
            return
        if queued:
            dispatch_queue(self)
