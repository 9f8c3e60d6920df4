"""One answer for an identical call in flight on several processes, handed over through Redis.

A flight is named by its caller (never with a secret in the name). The first process to
`board` it takes its lock (a token, with a short life) and makes the call; the others become
waiters and poll for the answer the holder `land`s. A holder that dies leaves its lock to
expire, upon which one waiter takes the lock and makes the call itself. A failed call is not
handed over: the holder lands a failure mark, and each waiter makes its own call.

Waiters poll rather than subscribe or block: every operation then stays one short command
within the store's timeout, no connection is held across a wait, no notification can be
missed (the answer is a key, read whenever), and the holder's death shows in the same read
(no lock, no answer). Only waiters poll, and each saves an upstream call. The holder writes
the answer only when a waiter registered, so a call nobody else wanted costs two small
commands and no body.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .store import SharedStore, StoreDown

LOCK_TAKEN, WAITING, ANSWERED = 1, 0, 2
FAILED = b"-"
SUCCEEDED = b"+"
DEFAULT_ANSWER_SECONDS = 2.0
DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024
FIRST_POLL = 0.005
LONGEST_POLL = 0.025

# KEYS: lock, waiters[, answer of the awaited holder]; ARGV: token, lock ms, register (1/0).
# The answer first: a holder lands its answer and drops its lock in one step, so "no lock"
# read after "no answer" means that no answer is coming.
_BOARD = """
if KEYS[3] then
  local answer = redis.call('GET', KEYS[3])
  if answer then return {2, answer} end
end
local holder = redis.call('GET', KEYS[1])
if holder then
  if ARGV[3] == '1' then
    redis.call('INCR', KEYS[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
  end
  return {0, holder}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, ARGV[1]}
"""

# KEYS: lock, waiters; ARGV: token. Whether anyone waits; if not, the lock is dropped (only by
# its holder), and a later caller makes a call of its own.
_FINISH = """
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: lock, waiters, answer; ARGV: token, answer, answer ms.
_LAND = """
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
"""


@dataclass(slots=True)
class Seat:
    """A process's place on one flight: leading it (it makes the call and must `land`), or
    waiting on `holder`'s answer."""

    lock: str
    waiters: str
    token: str
    holder: str
    leading: bool

    def answer_key(self, holder: str) -> str:
        return f"{self.lock}:{holder}"


class Flights:
    """Identical calls in flight across the fleet, by name, over one `SharedStore`.

    `lock_seconds` is how long a holder may take before a waiter makes the call itself: a
    little above one call's timeout. It is not renewed: a call outliving it (retries) costs
    one more call, never a wrong answer, and a dead holder holds the others up no longer.
    """

    def __init__(
        self,
        store: SharedStore,
        *,
        lock_seconds: float,
        answer_seconds: float = DEFAULT_ANSWER_SECONDS,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.store = store
        self.lock_ms = max(1, round(lock_seconds * 1000))
        self.answer_ms = max(1, round(answer_seconds * 1000))
        self.max_answer_bytes = max_answer_bytes
        self._landings: set[asyncio.Task[None]] = set()
        self._board: Any = None
        self._finish: Any = None
        self._land: Any = None
        if store.redis is not None:
            self._board = store.redis.register_script(_BOARD)
            self._finish = store.redis.register_script(_FINISH)
            self._land = store.redis.register_script(_LAND)

    async def board(self, *name: str) -> Seat:
        """Lead the flight `name`, or wait on its holder (one round trip); StoreDown when
        Redis cannot say, and the caller makes its call alone."""
        lock = self.store.key("flight", *name)
        token = secrets.token_hex(8)
        seat = Seat(lock, lock + ":waiters", token, token, leading=False)
        state, holder = await self._take(seat, None, register=True)
        seat.leading = state == LOCK_TAKEN
        seat.holder = holder.decode() if isinstance(holder, bytes) else str(holder)
        return seat

    async def wait(self, seat: Seat, until: float | None) -> bytes | None:
        """The holder's answer; None when this process must make the call itself: the holder
        failed or died (then `seat.leading` may say this process now holds the lock and must
        `land`), Redis failed, or `until` (a `time.monotonic()` instant) passed."""
        delay = FIRST_POLL
        while True:
            if until is not None and time.monotonic() + delay >= until:
                return None
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_POLL)
            try:
                state, value = await self._take(seat, seat.holder, register=False)
            except StoreDown:
                return None
            if state == ANSWERED:
                answer = bytes(value)
                return answer[1:] if answer.startswith(SUCCEEDED) else None
            if state == LOCK_TAKEN:
                seat.leading = True
                return None
            seat.holder = value.decode() if isinstance(value, bytes) else str(value)

    def land(self, seat: Seat, answer: Callable[[], bytes] | None) -> None:
        """Hand the answer (None: the call failed) to the waiters and drop the lock, in the
        background: the caller has its answer already. `answer` is only called when someone
        waits for it."""
        if not seat.leading:
            return
        task = asyncio.ensure_future(self._landing(seat, answer))
        self._landings.add(task)
        task.add_done_callback(self._landings.discard)

    async def _landing(self, seat: Seat, answer: Callable[[], bytes] | None) -> None:
        with contextlib.suppress(StoreDown):
            keys = [seat.lock, seat.waiters]
            value = FAILED
            if answer is not None:
                waited = await self.store.call(
                    lambda redis: self._finish(keys=keys, args=[seat.token], client=redis)
                )
                if not waited:
                    return
                body = answer()
                # Too big to hand over within the store's timeout: the waiters call themselves.
                if len(body) < self.max_answer_bytes:
                    value = SUCCEEDED + body
            keys.append(seat.answer_key(seat.token))
            args = [seat.token, value, self.answer_ms]
            await self.store.call(lambda redis: self._land(keys=keys, args=args, client=redis))

    async def _take(self, seat: Seat, awaited: str | None, *, register: bool) -> tuple[int, Any]:
        keys = [seat.lock, seat.waiters]
        if awaited is not None:
            keys.append(seat.answer_key(awaited))
        args = [seat.token, self.lock_ms, "1" if register else "0"]
        state, value = await self.store.call(
            lambda redis: self._board(keys=keys, args=args, client=redis)
        )
        return int(state), value

    async def settle(self) -> None:
        """Wait for the landings under way (tests, and a clean shutdown)."""
        while self._landings:
            await asyncio.gather(*self._landings, return_exceptions=True)
