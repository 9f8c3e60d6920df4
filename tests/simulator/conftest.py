"""Fixtures for the simulator tests: a small known store, a simulator and an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gql_server.simulator import Simulator, SimulatorStore

from .support import API_KEY, BASE_URL, small_store


@pytest.fixture
def store() -> SimulatorStore:
    return small_store()


@pytest.fixture
def sim(store: SimulatorStore) -> Simulator:
    return Simulator(store)


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=sim.app)
    headers = {"x-api-key": API_KEY}
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers) as c:
        yield c
