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


async def fill(cache: ReadCache, groups: tuple[str, ...], name: str, value: bytes) -> None:
    found = await cache.lookup(groups, name, read=True)
    assert found.value is None and found.ticket is not None
    await cache.store(groups, name, found.ticket, value)


async def test_an_entry_is_a_hit_then_stale_with_one_lock_then_gone(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, ("rows",), "a", b"[1]")
    clock.now += 9.9
    hit = await cache.lookup(("rows",), "a", read=True)
    assert (hit.value, hit.stale, hit.lock) == (b"[1]", False, None)
    clock.now += 0.2
    first = await cache.lookup(("rows",), "a", read=True)
    second = await cache.lookup(("rows",), "a", read=True)
    assert first.value == second.value == b"[1]"
    assert first.stale and second.stale
    assert first.lock is not None and second.lock is None  # one refresh
    await cache.release("a", first.lock)
    assert (await cache.lookup(("rows",), "a", read=True)).lock is not None  # free again
    clock.now += 5
    assert (await cache.lookup(("rows",), "a", read=True)).value is None


async def test_a_bump_expires_its_group_only(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, ("rows",), "a", b"1")
    await fill(cache, ("cells",), "b", b"2")
    assert await cache.bump(["rows"])
    assert (await cache.lookup(("rows",), "a", read=True)).value is None
    assert (await cache.lookup(("cells",), "b", read=True)).value == b"2"


async def test_a_read_begun_before_a_bump_is_not_stored(clock: Clock) -> None:
    cache = local(clock)
    begun = await cache.lookup(("rows",), "a", read=True)
    assert begun.ticket is not None
    await cache.bump(["rows"])
    await cache.store(("rows",), "a", begun.ticket, b"before the write")
    assert (await cache.lookup(("rows",), "a", read=True)).value is None


async def test_without_read_only_the_ticket_is_given(clock: Clock) -> None:
    cache = local(clock)
    await fill(cache, ("rows",), "a", b"old")
    fresh = await cache.lookup(("rows",), "a", read=False)
    assert fresh.value is None and fresh.ticket is not None
    await cache.store(("rows",), "a", fresh.ticket, b"new")
    assert (await cache.lookup(("rows",), "a", read=True)).value == b"new"


async def test_the_local_cache_stays_within_its_bytes(clock: Clock) -> None:
    cache = local(clock, max_bytes=5_000)
    value = b"x" * 800
    for i in range(50):
        await fill(cache, ("rows",), f"entry-{i}", value)
        assert cache.bytes <= 5_000
    kept = len(cache)
    assert 0 < kept < 50
    assert cache.bytes == kept * (len(value) + len("entry-00") + ENTRY_OVERHEAD)
    # The least recently used went first.
    assert (await cache.lookup(("rows",), "entry-49", read=True)).value == value
    assert (await cache.lookup(("rows",), "entry-0", read=True)).value is None
    # A value larger than the whole bound is not kept at all.
    await fill(cache, ("rows",), "huge", b"y" * 6_000)
    assert (await cache.lookup(("rows",), "huge", read=True)).value is None
    assert cache.bytes <= 5_000


async def test_a_recently_read_entry_outlives_older_ones(clock: Clock) -> None:
    size = 100 + len("e0") + ENTRY_OVERHEAD
    cache = local(clock, max_bytes=3 * size)
    for name in ("e0", "e1", "e2"):
        await fill(cache, ("rows",), name, b"v" * 100)
    await cache.lookup(("rows",), "e0", read=True)  # used: now the newest
    await fill(cache, ("rows",), "e3", b"v" * 100)
    assert (await cache.lookup(("rows",), "e0", read=True)).value is not None
    assert (await cache.lookup(("rows",), "e1", read=True)).value is None


ROW_1 = ("cells", "cells#row:1")
ROW_2 = ("cells", "cells#row:2")
LISTS = ("cells", "cells#lists")


async def check_entries_of_several_groups(cache: ReadCache) -> None:
    """An entry of several groups goes with a bump of any of them, and only then (both
    caches are held to it: the shared one in tests/fleet/test_shared_cache.py)."""
    await fill(cache, ROW_1, "one", b"1")
    await fill(cache, ROW_2, "two", b"2")
    await fill(cache, LISTS, "all", b"*")
    begun = await cache.lookup(ROW_1, "late", read=True)
    assert begun.ticket is not None
    assert await cache.bump(["cells#row:1", "cells#lists"])
    assert (await cache.lookup(ROW_1, "one", read=True)).value is None
    assert (await cache.lookup(LISTS, "all", read=True)).value is None
    assert (await cache.lookup(ROW_2, "two", read=True)).value == b"2"
    # A read of row 1 begun before the bump is not kept after it, though its other group
    # ("cells") was not bumped.
    await cache.store(ROW_1, "late", begun.ticket, b"before the write")
    assert (await cache.lookup(ROW_1, "late", read=True)).value is None
    await fill(cache, ROW_1, "one", b"1 again")
    assert await cache.bump(["cells"])  # the whole collection: every row's
    assert (await cache.lookup(ROW_1, "one", read=True)).value is None
    assert (await cache.lookup(ROW_2, "two", read=True)).value is None


async def test_an_entry_of_several_groups_goes_with_any_of_them(clock: Clock) -> None:
    await check_entries_of_several_groups(local(clock))


async def test_the_local_cache_starts_over_rather_than_remember_every_group(
    clock: Clock,
) -> None:
    cache = LocalCache(fresh_seconds=10, max_bytes=10_000, max_groups=3, clock=clock)
    await fill(cache, ("rows",), "a", b"1")
    begun = await cache.lookup(ROW_1, "late", read=True)
    assert begun.ticket is not None
    await cache.bump(["cells#row:1", "cells#row:2", "cells#row:3"])
    assert (await cache.lookup(("rows",), "a", read=True)).value == b"1"
    await cache.bump(["cells#row:4"])  # one group too many: every generation forgotten...
    assert len(cache._generations) == 0 and cache.bytes == 0
    # ...so every entry goes, and no read begun before can be kept after: row 1's generation
    # is back to its first value, but not the epoch.
    assert (await cache.lookup(("rows",), "a", read=True)).value is None
    await cache.store(ROW_1, "late", begun.ticket, b"before the write")
    assert (await cache.lookup(ROW_1, "late", read=True)).value is None
    await fill(cache, ROW_1, "late", b"after")
    assert (await cache.lookup(ROW_1, "late", read=True)).value == b"after"
