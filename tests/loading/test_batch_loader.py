"""The batch loader: a load() made after other awaits still joins its level's batch."""

from __future__ import annotations

import asyncio

from gql_server.loading.batch_loader import BatchLoader


async def test_batches_stay_whole_when_resolvers_await_before_loading() -> None:
    """A resolver that awaits before its load() still joins its level's batch."""
    calls: list[list[str]] = []

    async def load(keys: list[str]) -> list[str]:
        calls.append(keys)
        return [k.upper() for k in keys]

    loader: BatchLoader[str] = BatchLoader(load)

    async def resolver(key: str, awaits: int) -> str:
        for _ in range(awaits):
            await asyncio.sleep(0)
        result: str = await loader.load(key)
        return result

    results = await asyncio.gather(*(resolver(f"k{i}", i % 4) for i in range(40)))
    assert results == [f"K{i}" for i in range(40)]
    assert len(calls) == 1
    assert sorted(calls[0]) == sorted(f"k{i}" for i in range(40))
