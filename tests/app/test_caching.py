"""The read cache each configuration builds, and the start-up line that says so."""

from __future__ import annotations

import logging

import pytest

from gql_server.app.caching import describe_cache, read_cache
from gql_server.config import Settings
from gql_server.fleet import SharedStore
from gql_server.fleet.cache import LocalCache
from gql_server.fleet.shared_cache import SharedCache

from ..gateway import build_store, open_gateway

REDIS = "redis://127.0.0.1:1/0"


async def test_off_in_this_process_or_in_redis() -> None:
    alone, fleet = SharedStore(None), SharedStore(REDIS)
    try:
        assert read_cache(Settings(), alone) is None
        local = read_cache(Settings(gql_cache_ttl=5, gql_cache_max_mb=2), alone)
        assert isinstance(local, LocalCache) and local.max_bytes == 2 * 1024 * 1024
        shared = read_cache(Settings(gql_cache_ttl=5, gql_cache_stale=9), fleet)
        assert isinstance(shared, SharedCache)
        assert (shared.fresh_seconds, shared.stale_seconds) == (5, 9)
    finally:
        await fleet.close()


def test_the_start_up_line_says_whether_the_cache_is_on_and_shared() -> None:
    assert "off" in describe_cache(Settings())
    local = describe_cache(Settings(gql_cache_ttl=5, gql_cache_stale=30))
    assert "on" in local and "5 s" in local and "30 s" in local and "in this process" in local
    assert "seen here only after" not in local
    workers = describe_cache(Settings(gql_cache_ttl=5, gql_fleet_size=3))
    assert "another process is seen here only after GQL_CACHE_TTL" in workers
    shared = describe_cache(Settings(gql_cache_ttl=5, gql_redis_url=REDIS))
    assert "shared by the fleet through Redis" in shared
    assert "127.0.0.1" not in shared  # the URL may hold a password: never logged


async def test_the_server_logs_it_at_start(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="gql_server.app")
    async with open_gateway(build_store(), gql_cache_ttl=5):
        pass
    assert any(r.getMessage().startswith("read cache: on") for r in caplog.records)
