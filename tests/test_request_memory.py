"""What a request read is freed when its response is built, not at the next cycle collection.

Loaders, their batch functions, shared tasks and httpx's responses refer to each other: left
alone, a request's records live on in reference cycles until the collector runs, so the
memory a busy server holds grows with its request rate. With the collector off, no record of
an answered request may remain.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import httpx
import pytest

from gql_server.upstream import ResourceRecord, SchemaRecord, ValueRecord

from .gateway import build_store, open_gateway

NESTED = "{ schemas { nodes { id resources { nodes { id values { nodes { id } } } } } } }"


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _alive(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is kind)


@pytest.mark.usefixtures("no_collector")
async def test_records_and_responses_are_freed_with_the_request() -> None:
    store = build_store(schemas=2, resources=40, values_per_resource=2)
    async with open_gateway(store) as gateway:
        await gateway.data(NESTED)  # warm-up: caches that live with the app
        before = {k: _alive(k) for k in (SchemaRecord, ResourceRecord, ValueRecord)}
        responses = _alive(httpx.Response)
        data = await gateway.data(NESTED)
        assert len(data["schemas"]["nodes"]) == 2
        assert {k: _alive(k) for k in before} == before
        # The gateway's own upstream responses are gone; only the test client's one is left.
        assert _alive(httpx.Response) <= responses + 1
