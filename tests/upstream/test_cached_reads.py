"""The read cache seen from a client of one gateway process (no Redis): what is answered
without a call, for how long, to whom, and what a request or a write makes fresh."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
import pytest

from gql_server.simulator import Fault, Simulator, SimulatorStore

from ..gateway import Gateway, build_store, open_gateway
from ..graphql.test_table import laptop_schema, slug_of, table_store

SCHEMAS = "{ schemas(first: 50) { nodes { id name } } }"
NESTED = """{ schemas { nodes { id name resources { nodes { id attachableId
  values { nodes { id resource { id schema { name } } } } } } } } }"""
SCHEMA = "query($id: ID!) { schema(id: $id) { id name } }"
CREATE_SCHEMA = """mutation($input: CreateSchemaInput!) { createSchema(input: $input) { id } }"""
CREATE_FIELD = """mutation($input: CreateFieldInput!) { createField(input: $input) { id } }"""
TENANTS = ("alpha", "beta", "gamma")


def upstream(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    price: dict[str, Any] = body["extensions"]["upstream"]
    return price


def names(body: dict[str, Any]) -> list[str]:
    return [node["name"] for node in body["data"]["schemas"]["nodes"]]


async def metric(gateway: Gateway, name: str, **labels: str) -> float:
    """One sample of the gateway's /metrics (0 when it has not been counted yet)."""
    text = (await gateway.http.get("/metrics")).text
    shown = ",".join(f'{k}="{v}"' for k, v in labels.items())
    sample = re.escape(name + (f"{{{shown}}}" if shown else "")) + r" (\S+)"
    found = re.search(r"^" + sample + "$", text, re.M)
    return float(found.group(1)) if found else 0.0


async def test_the_cache_is_off_by_default(store: SimulatorStore) -> None:
    async with open_gateway(store) as gw:
        for _ in range(3):
            price = upstream(await gw.query(SCHEMAS))
            assert (price["calls"], price["cacheHits"]) == (1, 0)
        assert gw.sim.calls["GET custom_resources/schemas"] == 3
        assert await metric(gw, "gql_cache_lookups_total", outcome="hit") == 0


async def test_a_repeated_query_is_answered_without_a_call(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_cache_ttl=30) as gw:
        first = await gw.query(NESTED)
        made = upstream(first)["calls"]
        assert made >= 3 and upstream(first)["cacheHits"] == 0
        calls = gw.sim.total_calls
        second = await gw.query(NESTED)
        assert second["data"] == first["data"]
        assert gw.sim.total_calls == calls
        price = upstream(second)
        assert (price["calls"], price["cacheHits"], price["cacheStale"]) == (0, made, 0)
        assert await metric(gw, "gql_cache_lookups_total", outcome="miss") == made
        assert await metric(gw, "gql_cache_lookups_total", outcome="hit") == made
        assert await metric(gw, "gql_cache_bytes") > 0


async def test_entries_expire_after_the_ttl(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_cache_ttl=0.3) as gw:
        await gw.query(SCHEMAS)
        assert upstream(await gw.query(SCHEMAS))["calls"] == 0
        await asyncio.sleep(0.35)
        assert upstream(await gw.query(SCHEMAS))["calls"] == 1
        assert gw.sim.calls["GET custom_resources/schemas"] == 2


@pytest.mark.parametrize(
    "fresh",
    [
        {"cache-control": "no-cache"},
        {"cache-control": "private, max-age=0"},
        {"pragma": "no-cache"},
    ],
)
async def test_asking_for_fresh_data_reads_factorial_and_keeps_the_answer(
    store: SimulatorStore, fresh: dict[str, str]
) -> None:
    async with open_gateway(store, gql_cache_ttl=30) as gw:
        before = names(await gw.query(SCHEMAS))
        store.add_schema(name="Made in Factorial's own UI")  # no write of ours: not seen...
        cached = await gw.query(SCHEMAS)
        assert names(cached) == before and upstream(cached)["calls"] == 0
        asked = await gw.query(SCHEMAS, headers=fresh)  # ...until asked for
        assert names(asked) == [*before, "Made in Factorial's own UI"]
        assert (upstream(asked)["calls"], upstream(asked)["cacheHits"]) == (1, 0)
        after = await gw.query(SCHEMAS)  # and the fresh answer serves the next request
        assert names(after) == names(asked) and upstream(after)["calls"] == 0
        assert await metric(gw, "gql_cache_lookups_total", outcome="bypass") == 1


async def test_the_cache_of_a_process_stays_within_its_megabytes(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_cache_ttl=30, gql_cache_max_mb=1) as gw:
        # Answers of 300 kB each: four of them do not fit in a megabyte.
        gw.sim.inject(Fault(route="custom_resources/schemas", body="huge", huge_bytes=300_000))
        for first in range(1, 7):
            await gw.query(f"{{ schemas(first: {first}) {{ nodes {{ id }} }} }}")
            held = await metric(gw, "gql_cache_bytes")
            assert 0 < held <= 1024 * 1024
        # The latest answers are kept, the oldest went first.
        assert upstream(await gw.query("{ schemas(first: 6) { nodes { id } } }"))["calls"] == 0
        assert upstream(await gw.query("{ schemas(first: 1) { nodes { id } } }"))["calls"] == 1


async def test_credentials_never_see_each_others_entries() -> None:
    stores = {name: build_store(schemas=3, name_prefix=name) for name in TENANTS}
    sim = Simulator(build_store(schemas=3, name_prefix="default"), tenants=stores)
    async with open_gateway(sim, factorial_api_key=None, gql_cache_ttl=30) as gw:
        for round_ in range(3):
            for tenant in TENANTS:
                body = await gw.query(SCHEMAS, headers={"x-api-key": tenant})
                # The same ids in every tenant; the names tell whose data it is.
                assert [n.split()[0] for n in names(body)] == [tenant] * 3
                assert upstream(body)["calls"] == (1 if round_ == 0 else 0)
    assert sim.calls["GET custom_resources/schemas"] == len(TENANTS)


async def test_a_mutation_reads_what_factorial_holds_now() -> None:
    store = table_store()
    async with open_gateway(store, gql_cache_ttl=30) as gw:
        made_elsewhere = store.add_schema(name="Parking")
        del store.schemas[made_elsewhere.id]
        table = str(made_elsewhere.id)
        assert (await gw.data(SCHEMA, {"id": table}))["schema"] is None
        store.schemas[made_elsewhere.id] = made_elsewhere  # created in Factorial's UI
        # Queries see it after the TTL (or when asking for fresh data)...
        assert (await gw.data(SCHEMA, {"id": table}))["schema"] is None
        # ...but a mutation looks the table up as it is, not as a query cached it.
        column = {"schemaId": table, "label": "Spot", "type": "TEXT"}
        body = await gw.query(CREATE_FIELD, {"input": column})
        assert "errors" not in body, body["errors"]
        assert upstream(body)["cacheHits"] == 0


class HeldAnswers(httpx.AsyncBaseTransport):
    """The simulator behind a hand: the next GET of `hold` is answered by the simulator at
    once (it reads the data as it is then) but handed over only once `release` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold: str | None = None
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.hold is not None and request.method == "GET" and self.hold in request.url.path:
            self.hold = None
            await response.aread()
            self.holding.set()
            await self.release.wait()
        return response


async def test_a_read_that_began_before_a_write_is_not_served_after_it(
    store: SimulatorStore,
) -> None:
    held: list[HeldAnswers] = []

    def hold(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        held.append(HeldAnswers(inner))
        return held[0]

    async with open_gateway(store, upstream=hold, gql_cache_ttl=30) as gw:
        hand = held[0]
        before = names(await gw.query(SCHEMAS, headers={"cache-control": "no-cache"}))
        hand.hold = "custom_resources/schemas"
        racing = asyncio.create_task(gw.query(SCHEMAS, headers={"cache-control": "no-cache"}))
        await hand.holding.wait()  # Factorial has answered it, without the new table
        created = {"input": {"name": "New table", "companyId": "1", "hidden": False}}
        await gw.data(CREATE_SCHEMA, created)
        # Begun after the write, while the older read is still on its way: not joined to it.
        after = await asyncio.wait_for(gw.query(SCHEMAS), 5)
        assert names(after) == [*before, "New table"]
        hand.release.set()
        assert names(await racing) == before  # stored late, under the older generation...
        again = await gw.query(SCHEMAS)  # ...so never served after the write
        assert names(again) == [*before, "New table"]
        assert upstream(again)["calls"] == 0  # the later read's answer is the one kept


async def test_a_stale_entry_is_answered_at_once_and_refreshed_once(
    store: SimulatorStore,
) -> None:
    async with open_gateway(store, gql_cache_ttl=0.3, gql_cache_stale=30) as gw:
        before = names(await gw.query(SCHEMAS))
        store.add_schema(name="Made in Factorial's own UI")
        await asyncio.sleep(0.35)
        gw.sim.reset_calls()
        gw.sim.latency = 0.2  # the refresh takes a while: the answers do not wait for it
        bodies = await asyncio.gather(*(gw.query(SCHEMAS) for _ in range(3)))
        for body in bodies:
            assert names(body) == before
            price = upstream(body)
            assert (price["calls"], price["cacheHits"], price["cacheStale"]) == (0, 1, 1)
            assert price["waitMs"] < 100
        assert gw.app is not None
        cache = gw.app.state.client.cache
        await cache.settle()
        assert gw.sim.calls == {"GET custom_resources/schemas": 1}
        after = await gw.query(SCHEMAS)
        assert names(after) == [*before, "Made in Factorial's own UI"]
        assert (upstream(after)["calls"], upstream(after)["cacheStale"]) == (0, 0)
        assert await metric(gw, "gql_cache_refreshes_total", outcome="done") == 1


async def test_a_refresh_that_finds_the_record_gone_drops_it(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_cache_ttl=0.2, gql_cache_stale=30) as gw:
        schema = next(iter(store.schemas))
        one = f'{{ schemas(ids: ["{schema}"]) {{ nodes {{ id }} }} }}'
        await gw.query(one)
        # Factorial now refuses this credential: the refresh must not keep serving it.
        await asyncio.sleep(0.25)
        gw.sim.api_keys = {"another-key"}
        stale = await gw.query(one)
        assert upstream(stale)["cacheStale"] == 1
        assert gw.app is not None
        await gw.app.state.client.cache.settle()
        refused = await gw.query(one)
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_shutdown_does_not_wait_for_a_refresh_under_way(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_cache_ttl=0.2, gql_cache_stale=30) as gw:
        await gw.query(SCHEMAS)
        await asyncio.sleep(0.25)
        gw.sim.latency = 5  # the refresh would take this long
        assert upstream(await gw.query(SCHEMAS))["cacheStale"] == 1
        assert gw.app is not None
        cache = gw.app.state.client.cache
        started = time.monotonic()
    assert time.monotonic() - started < 2
    await asyncio.wait_for(cache.settle(), 0.1)  # nothing left running
    assert not gw.app.state.client.gets._in_flight


ROW = "query($id: ID!) { value(id: $id) { id cells { fieldId raw } } }"
UPDATE_CELL = "mutation($input: UpdateCellInput!) { updateCell(input: $input) { raw } }"
CREATE_VALUE = "mutation($input: CreateValueInput!) { createValue(input: $input) { id } }"


def laptop_rows(store: SimulatorStore) -> list[str]:
    laptops = int(laptop_schema(store))
    return [
        str(v.id)
        for v in store.values.values()
        if store.resources[v.resource_id].schema_id == laptops
    ]


def cells_read(gw: Gateway, since: int) -> list[str]:
    """The rows whose cells were read from Factorial since call `since`."""
    return [
        dict(call.params).get("instance_id", "*")
        for call in gw.sim.call_log[since:]
        if call.method == "GET" and call.route.startswith("custom_fields/values")
    ]


@pytest.mark.parametrize("answer", ["ok", "malformed"])
async def test_a_cell_write_expires_that_rows_cells_only(answer: str) -> None:
    """Without Redis as with it (tests/fleet/test_shared_cache.py): one row's cells go with
    a write of one of them, even one whose answer was lost (it wrote all the same)."""
    store = table_store(rows_per_resource=2, employees=2)
    row_a, *others = laptop_rows(store)
    async with open_gateway(store, gql_cache_ttl=30) as gw:
        for row in (row_a, *others):
            await gw.query(ROW, {"id": row})
        if answer == "malformed":
            gw.sim.inject(Fault(route="custom_fields/values", method="PUT", body="malformed"))
        change = {"valueId": row_a, "slug": slug_of(store, "Model"), "value": {"text": "New"}}
        body = await gw.query(UPDATE_CELL, {"input": change})
        assert ("errors" in body) == (answer == "malformed")
        since = len(gw.sim.call_log)
        after = await gw.query(ROW, {"id": row_a})
        assert "New" in {c["raw"] for c in after["data"]["value"]["cells"]}
        assert upstream(after)["calls"] == 1
        for row in others:
            assert upstream(await gw.query(ROW, {"id": row}))["calls"] == 0, row
        assert cells_read(gw, since) == [row_a]


async def test_a_new_row_whose_answer_is_lost_expires_every_rows_cells() -> None:
    store = table_store(rows_per_resource=2, employees=2)
    rows = laptop_rows(store)
    async with open_gateway(store, gql_cache_ttl=30) as gw:
        for row in rows:
            await gw.query(ROW, {"id": row})
        # Factorial made the row (and its first cell) but its answer cannot be read: the row
        # cannot be named, so no row's cells are trusted.
        gw.sim.inject(Fault(route="custom_resources/values", method="POST", body="malformed"))
        first = [{"slug": slug_of(store, "Model"), "value": {"text": "Lost"}}]
        row_input = {"schemaId": laptop_schema(store), "employeeId": "5000", "cells": first}
        assert "errors" in await gw.query(CREATE_VALUE, {"input": row_input})
        since = len(gw.sim.call_log)
        for row in rows:
            await gw.query(ROW, {"id": row})
        assert sorted(cells_read(gw, since)) == sorted(rows)
