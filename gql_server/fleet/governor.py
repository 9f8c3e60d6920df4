"""Rates and pauses per key, decided atomically in Redis for the fleet, else per process.

`RateGovernor.admit` says how long a call must wait for its slot, reserving the slot, or
refuses it (`RateExceeded`) when the wait would not fit the caller's `max_wait`, reserving
nothing. In Redis one Lua script decides on Redis's own clock, so processes whose clocks
disagree still share one schedule; waiters get distinct slots, so they do not all wake at
once. `pause` holds a key's calls back for a while, on every process.

While Redis is down (`StoreDown`), or when none is configured, each process runs the same GCRA
on its own clock at its share of the rate (`rate / fleet_size`): together the fleet still
keeps the rate, only less fully used. Calls with no rate do not touch Redis on their way: they
check the pauses this process knows, which a background read refreshes at most once per
`pause_refresh` seconds per key.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from .rates import LocalBuckets, Rate
from .store import SharedStore, StoreDown

# KEYS: the bucket (its tat, in microseconds of Redis's clock), the pause.
# ARGV: interval, tolerance, most wait (microseconds).
# Returns {1 if the slot is taken else 0, wait in microseconds, pause left in milliseconds}.
ADMIT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local paused = math.max(redis.call('PTTL', KEYS[2]), 0)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local go = math.max(now, tat - tolerance, now + paused * 1000)
local wait = go - now
if wait > max_wait then
  return {0, wait, paused}
end
local next_tat = math.max(tat, go) + interval
local ttl = math.ceil((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', ttl)
return {1, wait, paused}
"""

# KEYS: the pause. ARGV: its length in milliseconds; a longer pause already set is kept.
PAUSE = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
"""

MAX_WAIT = 86_400.0
"""Seconds a caller without a deadline may be told to wait, at most."""


class RateExceeded(Exception):
    """The call's slot would come too late; nothing was reserved."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"the rate allows the next call in {retry_after:.3f} s")
        self.retry_after = retry_after


class RateGovernor:
    """Admission of calls by key, shared through `store` when it is up."""

    MAX_PAUSES = 4096

    def __init__(
        self,
        store: SharedStore,
        *,
        fleet_size: int = 1,
        pause_refresh: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.fleet_size = fleet_size
        self.pause_refresh = pause_refresh
        self._clock = clock
        self._local = LocalBuckets()
        self._paused_until: dict[str, float] = {}
        self._pause_read_at: dict[str, float] = {}
        self._reads: set[asyncio.Task[None]] = set()
        self._admit: Any = None
        self._pause: Any = None
        if store.redis is not None:
            # EVALSHA; redis-py loads the script again if Redis lost it (a restart).
            self._admit = store.redis.register_script(ADMIT)
            self._pause = store.redis.register_script(PAUSE)

    async def admit(self, bucket: str, pause: str, rate: Rate | None, max_wait: float) -> float:
        """Seconds to wait before the call may go (its slot is then taken), or RateExceeded.

        `bucket` names the rate's state, `pause` the pause that also holds the call back;
        with no `rate`, only the pause does.
        """
        max_wait = min(max_wait, MAX_WAIT)
        if rate is None:
            return self._paused_wait(pause, max_wait)
        if self._admit is not None:
            script = self._admit
            args = [_micros(rate.interval), _micros(rate.tolerance), _micros(max_wait)]
            try:
                taken, wait, paused = await self.store.call(
                    lambda redis: script(keys=[bucket, pause], args=args, client=redis)
                )
            except StoreDown:
                pass
            else:
                self._note_pause(pause, paused / 1000)
                if not taken:
                    raise RateExceeded(wait / 1_000_000)
                return float(wait / 1_000_000)
        now = self._clock()
        not_before = self._paused_until.get(pause, now)
        share = rate.share(self.fleet_size)
        wait = self._local.admit(bucket, share, now, not_before, max_wait)
        if wait > max_wait:
            raise RateExceeded(wait)
        return wait

    async def pause(self, pause: str, seconds: float) -> None:
        """Hold back every call under `pause` for `seconds`, on every process that shares."""
        self._note_pause(pause, seconds)
        if self._pause is not None:
            script = self._pause
            args = [max(1, round(seconds * 1000))]
            with contextlib.suppress(StoreDown):
                await self.store.call(lambda redis: script(keys=[pause], args=args, client=redis))

    def _paused_wait(self, pause: str, max_wait: float) -> float:
        now = self._clock()
        if self.store.shared and now - self._pause_read_at.get(pause, -float("inf")) >= (
            self.pause_refresh
        ):
            self._pause_read_at[pause] = now
            self._prune(self._pause_read_at, now - self.pause_refresh)
            task = asyncio.create_task(self._read_pause(pause))
            self._reads.add(task)
            task.add_done_callback(self._reads.discard)
        until = self._paused_until.get(pause)
        if until is None or until <= now:
            return 0.0
        wait = until - now
        if wait > max_wait:
            raise RateExceeded(wait)
        return wait

    async def _read_pause(self, pause: str) -> None:
        with contextlib.suppress(StoreDown):
            left = await self.store.call(lambda redis: redis.pttl(pause))
            self._note_pause(pause, max(int(left), 0) / 1000)

    def _note_pause(self, pause: str, seconds: float) -> None:
        now = self._clock()
        if seconds <= 0:
            self._paused_until.pop(pause, None)
            return
        until = now + seconds
        if until > self._paused_until.get(pause, 0.0):
            self._prune(self._paused_until, now)
            self._paused_until[pause] = until

    def _prune(self, table: dict[str, float], horizon: float) -> None:
        if len(table) >= self.MAX_PAUSES:
            for key in [key for key, at in table.items() if at <= horizon]:
                del table[key]


def _micros(seconds: float) -> int:
    return round(seconds * 1_000_000)
