"""What a request read is freed when its response is built, not at the next cycle collection.

Loaders, their batch functions, shared tasks and httpx's responses refer to each other: left
alone, a request's records live on in reference cycles until the collector runs, so the
memory a busy server holds grows with its request rate. With the collector off, no record of
an answered request may remain.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from collections.abc import Iterator

import httpx
import pytest

import gql_server.upstream.records
from gql_server.upstream.records import decode_value

from .gateway import build_store, open_gateway

RECORDS_FILE = gql_server.upstream.records.__file__
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


def _records_held(snapshot: tracemalloc.Snapshot) -> int:
    """Blocks allocated where records are made, still held. Records are kept out of the
    collector (records.py), so they are counted by where they were allocated instead."""
    made_here = [tracemalloc.Filter(True, RECORDS_FILE)]
    return sum(stat.count for stat in snapshot.filter_traces(made_here).statistics("filename"))


@pytest.mark.usefixtures("no_collector")
async def test_records_and_responses_are_freed_with_the_request() -> None:
    store = build_store(schemas=2, resources=40, values_per_resource=2)
    async with open_gateway(store) as gateway:
        await gateway.data(NESTED)  # warm-up: caches that live with the app
        responses = _alive(httpx.Response)
        tracemalloc.start()
        try:
            data = await gateway.data(NESTED)
            made = gateway.sim.total_calls
            # One turn of the event loop: the last finished future of a request is dropped by
            # the loop's next step, not by the collector.
            await asyncio.sleep(0)
            held = _records_held(tracemalloc.take_snapshot())
        finally:
            tracemalloc.stop()
        assert len(data["schemas"]["nodes"]) == 2
        assert made > 0
        assert held == 0
        # The gateway's own upstream responses are gone; only the test client's one is left.
        assert _alive(httpx.Response) <= responses + 1


def test_records_held_counts_records_that_are_kept() -> None:
    """The counter above is not blind: records made and kept are counted."""
    tracemalloc.start()
    try:
        kept = [
            decode_value({"id": str(n), "resource_id": "1", "attachable_id": "2"})
            for n in range(10)
        ]
        held = _records_held(tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
    assert len(kept) == 10 and held >= 10


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
