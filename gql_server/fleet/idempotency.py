"""Idempotency records: one per name, bound to a request digest, answered at most once.

A record is named by its caller (never with a secret in the name) and holds the digest of the
request that created it, the progress its writes made so far (opaque bytes), and once done, the
answer (opaque bytes). `begin` decides in one step what a request with that name may do: lead
(no record, or one whose holder is gone: then with the progress it left), wait (its holder
runs), replay (the answer), or nothing (the record belongs to another request body). Only the
holder of a record's lock may note progress or finish it; a holder that dies leaves the lock to
expire, and the next request with the name resumes from the progress noted.

`SharedRecords` keeps them in the fleet's Redis (so a retry is recognised on any process);
`LocalRecords` in this process, bounded, for a gateway without Redis.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from .store import SharedStore

ClaimState = Literal["lead", "wait", "done", "reused"]
DEFAULT_MAX_LOCAL_RECORDS = 10_000


@dataclass(frozen=True, slots=True)
class Claim:
    """What `begin` allows: with `lead`, `value` is the progress left by a holder that is gone
    (None: start afresh); with `done`, the answer."""

    state: ClaimState
    value: bytes | None = None


class IdempotencyRecords(Protocol):
    """Where records live; every method may raise StoreDown."""

    async def begin(self, name: str, digest: str, token: str) -> Claim: ...

    async def note(self, name: str, token: str, progress: bytes) -> None: ...

    async def finish(self, name: str, token: str, answer: bytes | None) -> None:
        """Store the answer, or with None, let the next request run again (the record is
        forgotten unless progress was noted, which the next request resumes from)."""


# KEYS: record, lock; ARGV: digest, token, lock ms, record seconds.
_BEGIN = """
local digest = redis.call('HGET', KEYS[1], 'digest')
if not digest then
  redis.call('HSET', KEYS[1], 'digest', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return {'lead', false}
end
if digest ~= ARGV[1] then return {'reused', false} end
local answer = redis.call('HGET', KEYS[1], 'answer')
if answer then return {'done', answer} end
if redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') then
  return {'lead', redis.call('HGET', KEYS[1], 'progress')}
end
return {'wait', false}
"""

# A holder whose lock expired still notes and finishes, unless another took the lock over.
# KEYS: record, lock; ARGV: token, progress.
_NOTE = """
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[2])
return 1
"""

# KEYS: record, lock; ARGV: token, '1' with an answer or '0', answer.
_FINISH = """
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return 0 end
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[1], 'answer', ARGV[3])
elseif redis.call('HEXISTS', KEYS[1], 'progress') == 0 then
  redis.call('DEL', KEYS[1])
end
redis.call('DEL', KEYS[2])
return 1
"""


class SharedRecords:
    """Records in the fleet's Redis: a hash (digest, progress, answer) expiring after
    `record_seconds`, and a lock held for at most `lock_seconds` by the request running it."""

    def __init__(self, store: SharedStore, *, record_seconds: int, lock_seconds: float) -> None:
        assert store.redis is not None, "SharedRecords needs a configured Redis"
        self.store = store
        self.record_seconds = record_seconds
        self.lock_ms = max(1, round(lock_seconds * 1000))
        self._begin: Any = store.redis.register_script(_BEGIN)
        self._note: Any = store.redis.register_script(_NOTE)
        self._finish: Any = store.redis.register_script(_FINISH)

    def _keys(self, name: str) -> list[str]:
        record = self.store.key("idempotency", name)
        return [record, record + ":lock"]

    async def begin(self, name: str, digest: str, token: str) -> Claim:
        keys, args = self._keys(name), [digest, token, self.lock_ms, self.record_seconds]
        state, value = await self.store.call(
            lambda redis: self._begin(keys=keys, args=args, client=redis)
        )
        name_of = state.decode() if isinstance(state, bytes) else str(state)
        return Claim(
            cast("ClaimState", name_of), bytes(value) if isinstance(value, bytes) else None
        )

    async def note(self, name: str, token: str, progress: bytes) -> None:
        keys, args = self._keys(name), [token, progress]
        await self.store.call(lambda redis: self._note(keys=keys, args=args, client=redis))

    async def finish(self, name: str, token: str, answer: bytes | None) -> None:
        keys = self._keys(name)
        args = [token, "0" if answer is None else "1", answer or b""]
        await self.store.call(lambda redis: self._finish(keys=keys, args=args, client=redis))


@dataclass(slots=True)
class _Record:
    digest: str
    expires: float
    holder: str | None = None
    held_until: float = 0.0
    progress: bytes | None = None
    answer: bytes | None = None


class LocalRecords:
    """Records in this process, the oldest dropped beyond `max_records`: what one process can
    promise alone (a retry that reaches another process is not recognised)."""

    def __init__(
        self,
        *,
        record_seconds: float,
        lock_seconds: float,
        max_records: int = DEFAULT_MAX_LOCAL_RECORDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.record_seconds = record_seconds
        self.lock_seconds = lock_seconds
        self.max_records = max_records
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    async def begin(self, name: str, digest: str, token: str) -> Claim:
        now = self._clock()
        record = self._records.get(name)
        if record is None or record.expires <= now:
            self._records.pop(name, None)
            self._records[name] = _Record(digest, now + self.record_seconds, token)
            self._records[name].held_until = now + self.lock_seconds
            while len(self._records) > self.max_records:
                self._records.popitem(last=False)
            return Claim("lead")
        if record.digest != digest:
            return Claim("reused")
        if record.answer is not None:
            return Claim("done", record.answer)
        if record.holder is not None and record.held_until > now:
            return Claim("wait")
        record.holder, record.held_until = token, now + self.lock_seconds
        return Claim("lead", record.progress)

    def _held(self, name: str, token: str) -> _Record | None:
        record = self._records.get(name)
        if record is None or record.holder != token:
            return None
        return record

    async def note(self, name: str, token: str, progress: bytes) -> None:
        record = self._held(name, token)
        if record is not None:
            record.progress = progress

    async def finish(self, name: str, token: str, answer: bytes | None) -> None:
        record = self._held(name, token)
        if record is None:
            return
        record.holder = None
        if answer is not None:
            record.answer = answer
        elif record.progress is None:
            del self._records[name]
