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


async def test_reading_a_page_holds_little_beyond_what_it_decodes() -> None:
    """Decoding an upstream body needs no buffer of its own (orjson's parser held ~15x the
    body): the peak of one exchange stays within a few times the body and its objects."""
    import json
    import tracemalloc

    from gql_server.simulator import Simulator
    from gql_server.upstream.exchange import exchange

    sim = Simulator(build_store(resources=100, values_per_resource=1))
    url = "http://factorial.test/api/2026-10-01/resources/custom_resources/resources?limit=100"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app)) as http:
        request = http.build_request("GET", url, headers={"x-api-key": "k"})
        await exchange(http, request, seconds=5, max_bytes=10**7)  # warm-up
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            request = http.build_request("GET", url, headers={"x-api-key": "k"})
            _, decoded = await exchange(http, request, seconds=5, max_bytes=10**7)
            kept, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    body = len(json.dumps(decoded, separators=(",", ":")))
    assert len(decoded["data"]) == 100
    # What the decoded page itself costs, plus the body and the transport's own buffers.
    assert peak - before < (kept - before) + 5 * body, (peak - before, kept - before, body)
