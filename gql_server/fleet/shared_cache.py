"""The read cache in the fleet's Redis: one round trip a lookup, ages on Redis's own clock.

Keys (parts are names and digests, never secrets):

    gql:cache:epoch                the epoch (a random token)
    gql:cache:generation:<group>   the group's generation (a random token likewise)
    gql:cache:entry:<name>         a hash: e (epoch), g (the generations of its groups, joined
                                   by commas), t (stored at, ms of Redis's clock), v (the
                                   value); expires fresh + stale
    gql:cache:entry:<name>:refresh the refresh lock of a stale entry (SET NX PX)

The epoch and the generations are versions: random tokens, not counters, and a version lost
with Redis (a restart, an eviction, its expiry) is replaced by a new token at the next lookup
that needs it, so it never comes back to a value an old entry, or a read under way, was stored
under. Being lost thus only expires entries, which lets versions expire: each lives as long as
the longest-lived entry stored under it (a store extends it to the entry's life), so groups as
fine as one record leave no key behind once their entries are gone. The ticket is kept in the
entry rather than in its key, so that a bump leaves no dead copies of large answers behind
until they expire: the lookup that finds one deletes it.

When a bump cannot reach Redis, the process owes it: it reads and stores nothing here (every
lookup is UNAVAILABLE) until it has replaced the epoch, which expires every entry of every
group at once. A background task tries that every `store.retry_after` seconds until Redis
answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from .cache import DEFAULT_MAX_ENTRY_BYTES, UNAVAILABLE, Lookup, Ticket
from .store import SharedStore, StoreDown

logger = logging.getLogger("gql_server.fleet")

BUMP_ATTEMPTS = 3
BUMP_PAUSE = 0.05
"""A bump is tried this many times, pausing this many seconds times the attempt between."""

# Milliseconds of Redis's clock, as a Lua number (exact below 2^53).
_NOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
"""

# KEYS: entry, refresh lock, then the versions: epoch, the generation of each group.
# ARGV: read ('1' or '0'), fresh ms, stale ms, lock token, lock ms, new version, life ms.
# Returns {epoch, generations joined[, value, stale (0/1), lock taken (0/1)]}. A version
# missing is made (ARGV[6]), so that the ticket given can be stored under.
_LOOKUP = (
    """
local versions = {}
for i = 3, #KEYS do
  local version = redis.call('GET', KEYS[i])
  if not version then
    version = ARGV[6]
    redis.call('SET', KEYS[i], version, 'PX', ARGV[7])
  end
  versions[#versions + 1] = version
end
local epoch = versions[1]
local generation = table.concat(versions, ',', 2)
if ARGV[1] ~= '1' then return {epoch, generation} end
local entry = redis.call('HMGET', KEYS[1], 'e', 'g', 't', 'v')
if not entry[4] then return {epoch, generation} end
if entry[1] ~= epoch or entry[2] ~= generation then
  redis.call('DEL', KEYS[1])
  return {epoch, generation}
end
"""
    + _NOW
    + """
local age = now - tonumber(entry[3])
local fresh = tonumber(ARGV[2])
if age < fresh then return {epoch, generation, entry[4], 0, 0} end
if age >= fresh + tonumber(ARGV[3]) then return {epoch, generation} end
local locked = 0
if redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[5]) then locked = 1 end
return {epoch, generation, entry[4], 1, locked}
"""
)

# KEYS: entry, then the versions as for a lookup. ARGV: epoch, generations joined, value,
# life ms. Stored only under the current ticket: a read that began before a bump (or before
# a version was lost) is dropped here. Each version then lives at least as long as the entry.
_STORE = (
    """
local versions = {}
for i = 2, #KEYS do versions[#versions + 1] = redis.call('GET', KEYS[i]) or '' end
if versions[1] ~= ARGV[1] then return 0 end
if table.concat(versions, ',', 2) ~= ARGV[2] then return 0 end
"""
    + _NOW
    + """
redis.call('HSET', KEYS[1], 'e', ARGV[1], 'g', ARGV[2], 't', string.format('%.0f', now),
  'v', ARGV[3])
local life = tonumber(ARGV[4])
redis.call('PEXPIRE', KEYS[1], life)
for i = 2, #KEYS do
  if redis.call('PTTL', KEYS[i]) < life then redis.call('PEXPIRE', KEYS[i], life) end
end
return 1
"""
)

# KEYS: the generations of the groups bumped. ARGV: the new token, life ms (entries stored
# under it extend it).
_BUMP = """
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
return #KEYS
"""

# KEYS: lock; ARGV: token. Deleted only by its holder.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _text(raw: Any) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


class SharedCache:
    """Entries in the fleet's Redis, for `fresh_seconds` then `stale_seconds` more; a
    refresh lock lives `refresh_seconds`."""

    def __init__(
        self,
        store: SharedStore,
        *,
        fresh_seconds: float,
        stale_seconds: float = 0.0,
        refresh_seconds: float = 30.0,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    ) -> None:
        assert store.redis is not None, "SharedCache needs a configured Redis"
        self.redis_store = store
        self.fresh_seconds = fresh_seconds
        self.stale_seconds = stale_seconds
        self.max_entry_bytes = max_entry_bytes
        self._fresh_ms = max(1, round(fresh_seconds * 1000))
        self._stale_ms = max(0, round(stale_seconds * 1000))
        self._lock_ms = max(1, round(refresh_seconds * 1000))
        self._life_ms = self._fresh_ms + self._stale_ms
        self._epoch_key = store.key("cache", "epoch")
        self._lookup: Any = store.redis.register_script(_LOOKUP)
        self._put: Any = store.redis.register_script(_STORE)
        self._bump: Any = store.redis.register_script(_BUMP)
        self._release: Any = store.redis.register_script(_RELEASE)
        # Bumps that failed, and how many of them the last epoch replaced covers: one that
        # fails while the epoch is being replaced is owed still.
        self._debts = 0
        self._paid = 0
        self._payer: asyncio.Task[None] | None = None

    @property
    def _owed(self) -> bool:
        """Whether an invalidation is owed: this process does not use the cache until paid."""
        return self._paid < self._debts

    def _generation_key(self, group: str) -> str:
        return self.redis_store.key("cache", "generation", group)

    def _versions(self, groups: tuple[str, ...]) -> list[str]:
        """The keys of a ticket: the epoch, then each group's generation, in order."""
        return [self._epoch_key, *(self._generation_key(g) for g in groups)]

    async def lookup(self, groups: tuple[str, ...], name: str, *, read: bool) -> Lookup:
        if self._owed and not await self._pay():
            return UNAVAILABLE
        entry = self.redis_store.key("cache", "entry", name)
        refresh = self.redis_store.key("cache", "entry", name, "refresh")
        keys = [entry, refresh, *self._versions(groups)]
        args = ["1" if read else "0", self._fresh_ms, self._stale_ms]
        args += [secrets.token_hex(8), self._lock_ms, secrets.token_hex(8), self._life_ms]
        try:
            answer = await self.redis_store.call(
                lambda redis: self._lookup(keys=keys, args=args, client=redis)
            )
        except StoreDown:
            return UNAVAILABLE
        ticket = Ticket(_text(answer[0]), _text(answer[1]))
        if len(answer) < 5:
            return Lookup(ticket)
        stale = int(answer[3]) == 1
        lock = str(args[3]) if int(answer[4]) == 1 else None
        return Lookup(ticket, bytes(answer[2]), stale=stale, lock=lock)

    async def store(self, groups: tuple[str, ...], name: str, ticket: Ticket, value: bytes) -> None:
        if self._owed or len(value) > self.max_entry_bytes:
            return
        keys = [self.redis_store.key("cache", "entry", name), *self._versions(groups)]
        args = [ticket.epoch, ticket.generation, value, self._life_ms]
        with contextlib.suppress(StoreDown):
            await self.redis_store.call(lambda redis: self._put(keys=keys, args=args, client=redis))

    async def bump(self, groups: Iterable[str]) -> bool:
        keys = [self._generation_key(g) for g in groups]
        args = [secrets.token_hex(8), self._life_ms]
        # Tried again at once before it is owed: a Redis slow for a moment (a busy host) must
        # not leave the other processes answering from entries the write changed.
        for attempt in range(BUMP_ATTEMPTS if not self._owed else 0):
            if attempt:
                await asyncio.sleep(BUMP_PAUSE * attempt)
            try:
                await self.redis_store.call(
                    lambda redis: self._bump(keys=keys, args=args, client=redis),
                    probe=attempt > 0,
                )
            except StoreDown:
                continue
            return True
        self._owe()
        return False

    def _owe(self) -> None:
        if not self._owed:
            logger.warning(
                "The read cache could not be invalidated (Redis failed): this process reads "
                "around it until Redis is back and every entry has been expired"
            )
        self._debts += 1
        if self._payer is None or self._payer.done():
            self._payer = asyncio.ensure_future(self._pay_when_back())

    async def _pay(self) -> bool:
        """Replace the epoch, expiring every entry of the fleet; False while Redis fails."""
        token, covered = secrets.token_hex(8), self._debts
        try:
            await self.redis_store.call(
                lambda redis: redis.set(self._epoch_key, token, px=self._life_ms)
            )
        except StoreDown:
            return False
        if covered > self._paid:
            self._paid = covered
            logger.warning("The read cache is in use again: every entry stored before was expired")
        return not self._owed

    async def _pay_when_back(self) -> None:
        while self._owed:
            if await self._pay():
                return
            # Polled, not notified: Redis being back is only known by asking it.
            await asyncio.sleep(self.redis_store.retry_after)

    async def settle(self) -> None:
        """Wait until an owed invalidation is paid (tests)."""
        if self._payer is not None:
            await self._payer

    async def drop(self, name: str) -> None:
        key = self.redis_store.key("cache", "entry", name)
        with contextlib.suppress(StoreDown):
            await self.redis_store.call(lambda redis: redis.delete(key))

    async def release(self, name: str, lock: str) -> None:
        key = self.redis_store.key("cache", "entry", name, "refresh")
        with contextlib.suppress(StoreDown):
            await self.redis_store.call(
                lambda redis: self._release(keys=[key], args=[lock], client=redis)
            )

    async def close(self) -> None:
        if self._payer is not None:
            self._payer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._payer
