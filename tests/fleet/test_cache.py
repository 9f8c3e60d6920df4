"""The read cache's entries in this process: hits, expiry, generations, stale entries and
their one refresh lock, and the byte bound."""

from __future__ import annotations

import pytest

from gql_server.fleet.cache import ENTRY_OVERHEAD, LocalCache, ReadCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def local(clock: Clock, **options: float) -> LocalCache:
    settings: dict[str, float] = {"fresh_seconds": 10, "stale_seconds": 5, "max_bytes": 10_000}
    settings.update(options)
    return LocalCache(
        fresh_seconds=settings["fresh_seconds"],
        stale_seconds=settings["stale_seconds"],
        max_bytes=int(settings["max_bytes"]),
        refresh_seconds=30,
        clock=clock,
    )


async def fill(cache: ReadCache, group: str, name: str, value: bytes) -> None:
    found = await cache.lookup(group, name, read=True)
    assert found.value is None and found.ticket is not None
    await cache.store(group, name, found.ticket, value)


async def test_an_entry_is_a_hit_then_stale_with_one_lock_then_gone(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, "rows", "a", b"[1]")
    clock.now += 9.9
    hit = await cache.lookup("rows", "a", read=True)
    assert (hit.value, hit.stale, hit.lock) == (b"[1]", False, None)
    clock.now += 0.2
    first = await cache.lookup("rows", "a", read=True)
    second = await cache.lookup("rows", "a", read=True)
    assert first.value == second.value == b"[1]"
    assert first.stale and second.stale
    assert first.lock is not None and second.lock is None  # one refresh
    await cache.release("a", first.lock)
    assert (await cache.lookup("rows", "a", read=True)).lock is not None  # free again
    clock.now += 5
    assert (await cache.lookup("rows", "a", read=True)).value is None


async def test_a_bump_expires_its_group_only(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, "rows", "a", b"1")
    await fill(cache, "cells", "b", b"2")
    assert await cache.bump(["rows"])
    assert (await cache.lookup("rows", "a", read=True)).value is None
    assert (await cache.lookup("cells", "b", read=True)).value == b"2"


async def test_a_read_begun_before_a_bump_is_not_stored(clock: Clock) -> None:
    cache = local(clock)
    begun = await cache.lookup("rows", "a", read=True)
    assert begun.ticket is not None
    await cache.bump(["rows"])
    await cache.store("rows", "a", begun.ticket, b"before the write")
    assert (await cache.lookup("rows", "a", read=True)).value is None


async def test_without_read_only_the_ticket_is_given(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, "rows", "a", b"old")
    fresh = await cache.lookup("rows", "a", read=False)
    assert fresh.value is None and fresh.ticket is not None
    await cache.store("rows", "a", fresh.ticket, b"new")
    assert (await cache.lookup("rows", "a", read=True)).value == b"new"


async def test_the_local_cache_stays_within_its_bytes(clock: Clock) -> None:
    cache = local(clock, max_bytes=5_000)
    value = b"x" * 800
    for i in range(50):
        await fill(cache, "rows", f"entry-{i}", value)
        assert cache.bytes <= 5_000
    kept = len(cache)
    assert 0 < kept < 50
    assert cache.bytes == kept * (len(value) + len("entry-00") + ENTRY_OVERHEAD)
    # The least recently used went first.
    assert (await cache.lookup("rows", "entry-49", read=True)).value == value
    assert (await cache.lookup("rows", "entry-0", read=True)).value is None
    # A value larger than the whole bound is not kept at all.
    await fill(cache, "rows", "huge", b"y" * 6_000)
    assert (await cache.lookup("rows", "huge", read=True)).value is None
    assert cache.bytes <= 5_000


async def test_a_recently_read_entry_outlives_older_ones(clock: Clock) -> None:
    size = 100 + len("e0") + ENTRY_OVERHEAD
    cache = local(clock, max_bytes=3 * size)
    for name in ("e0", "e1", "e2"):
        await fill(cache, "rows", name, b"v" * 100)
    await cache.lookup("rows", "e0", read=True)  # used: now the newest
    await fill(cache, "rows", "e3", b"v" * 100)
    assert (await cache.lookup("rows", "e0", read=True)).value is not None
    assert (await cache.lookup("rows", "e1", read=True)).value is None
