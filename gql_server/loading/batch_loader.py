"""A dataloader whose batches survive resolvers that await before they load.

aiodataloader dispatches a batch one event-loop turn after its first key. A resolver that
awaits anything first (a cached future, `asyncio.sleep(0)`, a permission check) loads a turn
later and lands in a second batch: one more upstream call per such resolver. Here the dispatch
waits until whole turns of the loop pass with no new key, so every key a level produces in the
same burst of work goes out together. A turn costs microseconds; an upstream call, tens of
milliseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

from aiodataloader import DataLoader, Loader, dispatch_queue

V = TypeVar("V")

BatchFunction = Callable[[list[str]], Awaitable[Sequence[V | BaseException]]]

# Whole loop turns without a new key before a batch goes out.
QUIET_TURNS = 2
# Turns to wait at most for a queue that keeps growing, so a dispatch cannot starve.
MAX_SETTLE_TURNS = 64


class BatchLoader(DataLoader[str, V], Generic[V]):
    """`DataLoader` keyed by string ids, dispatching once its queue has settled.

    The batch function returns one value or exception per key, in key order; an exception
    fails only its own keys. A request primes every record it reads and loads few of them
    again, so primed records are kept as the lists they came in and indexed by key only when a
    load first needs them; an indexed value becomes a future only when it is loaded.
    """

    def __init__(self, batch_load_fn: BatchFunction[V]) -> None:
        async def load(keys: list[str]) -> list[V]:
            return cast("list[V]", list(await batch_load_fn(keys)))

        super().__init__(
            cast("Callable[[list[str]], Coroutine[Any, Any, list[V]]]", load),
            get_cache_key=str,
        )
        self._primed: dict[str, V] = {}
        self._unindexed: list[tuple[Iterable[V], Callable[[Any], str]]] = []

    def _index(self) -> None:
        """Fold the primed lists into the index, in the order they were primed."""
        cache = self._cache
        primed = self._primed
        for records, key_of in self._unindexed:
            for record in records:
                key = key_of(record)
                if key not in cache:
                    primed.setdefault(key, record)
        self._unindexed.clear()

    def load(self, key: str) -> asyncio.Future[V]:
        if key is not None:
            cache_key = str(key)
            if self._unindexed and cache_key not in self._cache:
                self._index()
            if cache_key not in self._cache and cache_key in self._primed:
                value = self._primed.pop(cache_key)
                future: asyncio.Future[V] = self.loop.create_future()
                if isinstance(value, Exception):
                    future.set_exception(value)
                else:
                    future.set_result(value)
                self._cache[cache_key] = future
                return future
        return super().load(key)

    def prime(self, key: str, value: V) -> BatchLoader[V]:
        """Remember `value` for `key` unless the key is known already (the first value wins)."""
        if self._unindexed:
            self._index()
        cache_key = str(key)
        if cache_key not in self._cache:
            self._primed.setdefault(cache_key, value)
        return self

    def prime_many(self, records: Iterable[V], key_of: Callable[[Any], str]) -> BatchLoader[V]:
        """`prime` each record under `key_of(record)`, indexed only when a load needs it."""
        self._unindexed.append((records, key_of))
        return self

    def clear(self, key: str) -> BatchLoader[V]:
        if self._unindexed:
            self._index()
        self._primed.pop(str(key), None)
        super().clear(key)
        return self

    def clear_all(self) -> BatchLoader[V]:
        self._unindexed.clear()
        self._primed.clear()
        super().clear_all()
        return self

    def do_resolve_reject(self, key: str, future: asyncio.Future[V]) -> None:
        self._queue.append(Loader(key=key, future=future))
        if len(self._queue) == 1:
            # The first check only marks the queue's size: the turn in which the first key
            # arrived is not a whole turn, and keys may still follow within it.
            self.loop.call_soon(self._dispatch_when_settled, -1, 0, 0)

    def _dispatch_when_settled(self, seen: int, quiet: int, turns: int) -> None:
        queued = len(self._queue)
        if not queued:
            return
        quiet = quiet + 1 if queued == seen else 0
        if quiet < QUIET_TURNS and turns < MAX_SETTLE_TURNS:
            self.loop.call_soon(self._dispatch_when_settled, queued, quiet, turns + 1)
            return
        dispatch_queue(self)
