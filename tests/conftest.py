"""Fixtures shared by the gateway tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gql_server.simulator import SimulatorStore

from .gateway import Gateway, build_store, open_gateway


@pytest.fixture
def store() -> SimulatorStore:
    return build_store(schemas=2, resources=6, values_per_resource=2, employees=3)


@pytest.fixture
async def gateway(store: SimulatorStore) -> AsyncIterator[Gateway]:
    async with open_gateway(store) as gw:
        yield gw
