"""Fixtures shared by the gateway tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gql_server.simulator import SimulatorStore

from .gateway import Gateway, build_store, open_gateway
from .redis_server import RedisServer, running_redis


@pytest.fixture(autouse=True)
def user_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A cache directory of the test's own: the server serves GraphiQL's assets from the
    user's cache when `gql-server graphiql-assets` put them there, so a developer's real one
    must not change what a test sees."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("npm_config_registry", raising=False)
    return cache


@pytest.fixture
def store() -> SimulatorStore:
    return build_store(schemas=2, resources=6, values_per_resource=2, employees=3)


@pytest.fixture
async def gateway(store: SimulatorStore) -> AsyncIterator[Gateway]:
    async with open_gateway(store) as gw:
        yield gw


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server of this test's own (skips, or fails in CI, without one)."""
    with running_redis(tmp_path) as server:
        yield server
