"""A read cache of opaque values, invalidated by generations: the in-process one, and its shape.

An entry is a value (bytes) under a name its caller chooses (never after a secret), stored
with the `Ticket` its read began under: the generations of the groups it belongs to, joined (a
caller bumps a group's generation when something in it may have changed, so a bump of any of
an entry's groups expires it), and the cache's epoch (bumped when an invalidation could not be
made, so that every entry goes at once). A name always comes with the same groups. A lookup
answers the value only when the ticket it was stored under is still the current one, so a
read that began before a bump is never served after it, however late it was stored.

An entry younger than `fresh_seconds` is a hit; one younger than `fresh_seconds +
stale_seconds` is stale: still answered, and the first lookup to find it so gets the refresh
lock (`Lookup.lock`), which its holder gives back with `release` once a new value is stored
(a failed refresh leaves the lock to expire, so a failing upstream is asked again only after
`refresh_seconds`).

`LocalCache` keeps entries in this process, bounded by bytes, least recently used first out;
`SharedCache` (shared_cache.py) keeps them in the fleet's Redis.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024
"""Larger values are not kept: in Redis, one must fit a command within the store's timeout."""
ENTRY_OVERHEAD = 200
"""Bytes an in-process entry costs beside its value and name: its record and the LRU's links."""
DEFAULT_MAX_GROUPS = 100_000
"""Groups whose generation an in-process cache remembers before it starts over (see
`LocalCache`): groups may be as fine as one record, and a process may bump many over its life."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """The epoch and the generations of an entry's groups (joined) a read began under."""

    epoch: str
    generation: str

    @property
    def token(self) -> str:
        """A short text that differs between tickets, for naming work begun under one."""
        return f"{self.epoch}.{self.generation}"


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the cache holds for a name: `value` when servable (`stale` when past its fresh
    time, and `lock` when this caller is to refresh it). `ticket` is what an answer read now
    is to be stored under; None when the cache cannot be used now (nothing is read or
    stored)."""

    ticket: Ticket | None
    value: bytes | None = None
    stale: bool = False
    lock: str | None = None


UNAVAILABLE = Lookup(None)


class ReadCache(Protocol):
    """Where entries live. No method raises: trouble with the store is a miss, a skipped
    store, or (for `bump`) an invalidation owed until the store is back."""

    fresh_seconds: float
    stale_seconds: float

    async def lookup(self, groups: tuple[str, ...], name: str, *, read: bool) -> Lookup:
        """The entry `name` (of `groups`), and the ticket to store under; with `read` false,
        only the ticket (the caller wants a fresh answer, to be stored for others)."""

    async def store(self, groups: tuple[str, ...], name: str, ticket: Ticket, value: bytes) -> None:
        """Keep `value`, unless the ticket is no longer current (a bump of one of `groups`
        came since)."""

    async def bump(self, groups: Iterable[str]) -> bool:
        """Expire every entry of `groups`; False when it could not be done now (then the
        cache is not used by this process until everything has been expired instead)."""

    async def drop(self, name: str) -> None:
        """Forget one entry (its refresh found it gone, or no longer readable)."""

    async def release(self, name: str, lock: str) -> None:
        """Give back a refresh lock once the refreshed value is stored."""

    async def close(self) -> None:
        """Stop background work (at shutdown)."""


@dataclass(slots=True)
class _Entry:
    ticket: Ticket
    stored_at: float
    value: bytes
    size: int


class LocalCache:
    """Entries of this process, at most `max_bytes` of them (values, names, and a fixed
    overhead each), the least recently used dropped first. Generations are counters: one
    process, so a bump is never lost. A group never bumped is at 0 and takes no memory; once
    `max_groups` groups have been bumped, the cache starts over (every entry dropped, every
    generation forgotten, and the epoch moved on so that no ticket given before is current):
    a counter cannot be forgotten alone, or it would come back to a value old entries and
    reads under way were stored under."""

    def __init__(
        self,
        *,
        fresh_seconds: float,
        stale_seconds: float = 0.0,
        max_bytes: int,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
        refresh_seconds: float = 30.0,
        max_groups: int = DEFAULT_MAX_GROUPS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fresh_seconds = fresh_seconds
        self.stale_seconds = stale_seconds
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.refresh_seconds = refresh_seconds
        self.max_groups = max_groups
        self._clock = clock
        self._epoch = 0
        self._generations: dict[str, int] = {}
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._refreshing: dict[str, tuple[str, float]] = {}
        self._locks = itertools.count(1)
        self.bytes = 0
        """Bytes the entries take now, as counted against `max_bytes`."""

    def __len__(self) -> int:
        return len(self._entries)

    def _ticket(self, groups: tuple[str, ...]) -> Ticket:
        generations = self._generations
        return Ticket(str(self._epoch), ",".join(str(generations.get(g, 0)) for g in groups))

    async def lookup(self, groups: tuple[str, ...], name: str, *, read: bool) -> Lookup:
        ticket = self._ticket(groups)
        entry = self._entries.get(name) if read else None
        if entry is None:
            return Lookup(ticket)
        now = self._clock()
        age = now - entry.stored_at
        if entry.ticket != ticket or age >= self.fresh_seconds + self.stale_seconds:
            self._forget(name)
            return Lookup(ticket)
        self._entries.move_to_end(name)
        if age < self.fresh_seconds:
            return Lookup(ticket, entry.value)
        return Lookup(ticket, entry.value, stale=True, lock=self._take_lock(name, now))

    def _take_lock(self, name: str, now: float) -> str | None:
        held = self._refreshing.get(name)
        if held is not None and held[1] > now:
            return None
        if len(self._refreshing) >= 4096:
            self._refreshing = {k: v for k, v in self._refreshing.items() if v[1] > now}
        lock = str(next(self._locks))
        self._refreshing[name] = (lock, now + self.refresh_seconds)
        return lock

    async def store(self, groups: tuple[str, ...], name: str, ticket: Ticket, value: bytes) -> None:
        size = len(value) + len(name) + ENTRY_OVERHEAD
        if ticket != self._ticket(groups) or size > self.max_entry_bytes:
            return
        self._forget(name)
        self._entries[name] = _Entry(ticket, self._clock(), value, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._forget(oldest)

    def _forget(self, name: str) -> None:
        entry = self._entries.pop(name, None)
        if entry is not None:
            self.bytes -= entry.size

    async def bump(self, groups: Iterable[str]) -> bool:
        generations = self._generations
        for group in groups:
            generations[group] = generations.get(group, 0) + 1
        if len(generations) > self.max_groups:
            self._start_over()
        return True

    def _start_over(self) -> None:
        """Forget every generation: expires every entry, and every ticket given before."""
        self._epoch += 1
        self._generations.clear()
        self._entries.clear()
        self.bytes = 0

    async def drop(self, name: str) -> None:
        self._forget(name)

    async def release(self, name: str, lock: str) -> None:
        held = self._refreshing.get(name)
        if held is not None and held[0] == lock:
            del self._refreshing[name]

    async def close(self) -> None:
        return None
