"""The read cache in the fleet's Redis: ages on Redis's clock, one refresh lock for the fleet,
generations every process sees, and what an outage leaves behind; then three gateway
processes on one Redis, as a client sees them: answers, upstream calls, and keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from gql_server.fleet import SharedStore
from gql_server.fleet.shared_cache import SharedCache
from gql_server.simulator import Simulator, SimulatorStore
from gql_server.upstream import Credential, UpstreamSession
from gql_server.upstream.custom_fields import CELLS

from ..gateway import API_KEY, Gateway, build_store, open_gateway
from ..graphql.test_table import laptop_schema, slug_of, table_store
from ..redis_server import RedisServer
from ..upstream.test_cached_reads import HeldAnswers
from .test_cache import ROW_1, check_entries_of_several_groups, fill


@pytest.fixture
async def shared(redis_server: RedisServer) -> AsyncIterator[SharedCache]:
    store = SharedStore(redis_server.url, timeout=0.3, retry_after=0.2)
    cache = SharedCache(store, fresh_seconds=0.3, stale_seconds=0.6, refresh_seconds=5)
    try:
        yield cache
    finally:
        await cache.close()
        await store.close()


async def test_in_redis_an_entry_ages_on_redis_clock(shared: SharedCache) -> None:
    await fill(shared, ("rows",), "a", b'{"id":123456789012345678901234567890}')
    assert (await shared.lookup(("rows",), "a", read=True)).value == (
        b'{"id":123456789012345678901234567890}'
    )
    await asyncio.sleep(0.35)
    first, second = await asyncio.gather(
        shared.lookup(("rows",), "a", read=True), shared.lookup(("rows",), "a", read=True)
    )
    assert first.stale and second.stale
    assert [first.lock is None, second.lock is None].count(False) == 1
    await asyncio.sleep(0.65)
    assert (await shared.lookup(("rows",), "a", read=True)).value is None


async def test_in_redis_a_bump_expires_the_group_for_every_process(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    other_store = SharedStore(redis_server.url)
    other = SharedCache(other_store, fresh_seconds=5)
    try:
        begun = await other.lookup(("rows",), "late", read=True)
        await fill(shared, ("rows",), "a", b"1")
        await fill(shared, ("cells",), "b", b"2")
        assert (await other.lookup(("rows",), "a", read=True)).value == b"1"
        assert await other.bump(["rows"])
        assert (await shared.lookup(("rows",), "a", read=True)).value is None
        assert (await shared.lookup(("cells",), "b", read=True)).value == b"2"
        # Begun before the bump, stored after it: never served.
        assert begun.ticket is not None
        await other.store(("rows",), "late", begun.ticket, b"stale")
        assert (await shared.lookup(("rows",), "late", read=True)).value is None
    finally:
        await other_store.close()


async def test_a_bump_redis_missed_is_paid_with_a_new_epoch(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    await fill(shared, ("rows",), "a", b"1")
    await fill(shared, ("cells",), "b", b"2")
    redis_server.pause()
    try:
        assert not await shared.bump(["rows"])
        # Owed: nothing is read or stored by this process meanwhile.
        assert (await shared.lookup(("cells",), "b", read=True)).ticket is None
    finally:
        redis_server.resume()
    await asyncio.wait_for(shared.settle(), 5)
    # Every entry of every group went with the epoch, not only the group written.
    assert (await shared.lookup(("rows",), "a", read=True)).value is None
    assert (await shared.lookup(("cells",), "b", read=True)).value is None
    await fill(shared, ("cells",), "b", b"3")
    assert (await shared.lookup(("cells",), "b", read=True)).value == b"3"


async def test_a_lost_generation_never_matches_an_old_entry(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    async def lose(*keys: str) -> None:
        await shared.redis_store.call(lambda redis: redis.delete(*keys))

    await shared.bump(["rows"])
    await fill(shared, ("rows",), "a", b"1")
    # Redis evicts (or loses) the generation: the entry must not be served under another.
    await lose("gql:cache:generation:rows")
    assert (await shared.lookup(("rows",), "a", read=True)).value is None
    # Nor when the entry was stored before the group's first bump: a lost generation is
    # never the one an entry was stored under, even the first.
    await fill(shared, ROW_1, "b", b"2")
    begun = await shared.lookup(ROW_1, "late", read=True)
    assert begun.ticket is not None
    await shared.bump(["cells#row:1"])
    await lose("gql:cache:generation:cells#row:1")
    assert (await shared.lookup(ROW_1, "b", read=True)).value is None
    await shared.store(ROW_1, "late", begun.ticket, b"before the write")
    assert (await shared.lookup(ROW_1, "late", read=True)).value is None
    # The epoch likewise.
    await fill(shared, ("rows",), "c", b"3")
    await lose("gql:cache:epoch")
    assert (await shared.lookup(("rows",), "c", read=True)).value is None


async def test_in_redis_an_entry_of_several_groups_goes_with_any_of_them(
    shared: SharedCache,
) -> None:
    await check_entries_of_several_groups(shared)


async def test_in_redis_a_lookup_is_one_round_trip_whatever_its_groups(
    shared: SharedCache,
) -> None:
    calls = 0
    call = shared.redis_store.call

    async def counted(operation: Any) -> Any:
        nonlocal calls
        calls += 1
        return await call(operation)

    shared.redis_store.call = counted  # type: ignore[method-assign]
    found = await shared.lookup(("cells", "cells#row:1", "cells#row:2"), "a", read=True)
    assert found.ticket is not None and found.ticket.generation.count(",") == 2
    assert calls == 1


async def test_in_redis_generations_go_with_the_entries_stored_under_them(
    shared: SharedCache,
) -> None:
    """Groups may be as fine as one row: their keys must not outlive what they guard."""

    async def ttl(key: str) -> int:
        left: int = await shared.redis_store.call(lambda redis: redis.pttl(key))
        return left

    life = 900  # fresh 0.3 s + stale 0.6 s
    await shared.bump(["cells#row:9"])
    assert 0 < await ttl("gql:cache:generation:cells#row:9") <= life
    await fill(shared, ("cells", "cells#row:8"), "a", b"1")
    for key in ("epoch", "generation:cells", "generation:cells#row:8", "entry:a"):
        assert 0 < await ttl(f"gql:cache:{key}") <= life, key
    await asyncio.sleep(0.5)
    await fill(shared, ("cells", "cells#row:7"), "b", b"2")  # extends what it shares only
    assert await ttl("gql:cache:generation:cells") > life - 100
    assert await ttl("gql:cache:generation:cells#row:8") < life - 400
    await asyncio.sleep(0.5)
    gone = ("generation:cells#row:9", "generation:cells#row:8", "entry:a")
    for key in gone:
        assert await ttl(f"gql:cache:{key}") == -2, key  # no such key
    assert (await shared.lookup(("cells", "cells#row:7"), "b", read=True)).value == b"2"


# -- three gateway processes on one Redis -----------------------------------------------------

SCHEMAS = "{ schemas(first: 50) { nodes { id name } } }"
COLUMNS = "query($id: ID!) { schema(id: $id) { fields { id label options { label } } } }"
ROWS = """query($employee: ID!) { resources(employeeIds: [$employee]) { nodes { id schemaId
  values { nodes { id cells { fieldId raw } } } } } }"""
CREATE_SCHEMA = "mutation($input: CreateSchemaInput!) { createSchema(input: $input) { id } }"
CREATE_VALUE = "mutation($input: CreateValueInput!) { createValue(input: $input) { id } }"
UPDATE_CELL = "mutation($input: UpdateCellInput!) { updateCell(input: $input) { raw } }"
CREATE_FIELD = "mutation($input: CreateFieldInput!) { createField(input: $input) { id slug } }"
CREATE_OPTION = "mutation($input: CreateOptionInput!) { createOption(input: $input) { id } }"
DELETE_FIELD = "mutation($input: DeleteFieldInput!) { deleteField(input: $input) { id } }"


@asynccontextmanager
async def three_gateways(
    sim: Simulator, redis_url: str, **settings: Any
) -> AsyncIterator[tuple[Gateway, Gateway, Gateway]]:
    """Three gateway apps, as three processes of a fleet: each its own client and store."""
    options = {"gql_redis_url": redis_url, "gql_cache_ttl": 60, **settings}
    async with (
        open_gateway(sim, **options) as one,
        open_gateway(sim, **options) as two,
        open_gateway(sim, **options) as three,
    ):
        yield one, two, three


def price(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    upstream: dict[str, Any] = body["extensions"]["upstream"]
    return upstream


def names(body: dict[str, Any]) -> list[str]:
    return [node["name"] for node in body["data"]["schemas"]["nodes"]]


def client_of(gateway: Gateway) -> Any:
    assert gateway.app is not None
    return gateway.app.state.client


async def test_a_query_answered_on_one_process_is_a_hit_on_the_others(
    redis_server: RedisServer,
) -> None:
    sim = Simulator(build_store(schemas=2, resources=6, values_per_resource=2, employees=3))
    nested = "{ schemas { nodes { name resources { nodes { values { nodes { id } } } } } } }"
    async with three_gateways(sim, redis_server.url) as (one, two, three):
        first = await one.query(nested)
        made = price(first)["calls"]
        calls = dict(sim.calls)
        for other in (two, three):
            body = await other.query(nested)
            assert body["data"] == first["data"]
            assert (price(body)["calls"], price(body)["cacheHits"]) == (0, made)
        assert dict(sim.calls) == calls


async def test_every_mutation_on_one_process_is_read_on_another(
    redis_server: RedisServer,
) -> None:
    store = table_store(rows_per_resource=1, employees=2)
    laptops = laptop_schema(store)
    sim = Simulator(store)
    async with three_gateways(sim, redis_server.url) as (one, two, three):

        async def read(query: str, **variables: str) -> dict[str, Any]:
            body = await three.query(query, variables)
            price(body)
            return body

        async def hit(query: str, **variables: str) -> None:
            assert price(await three.query(query, variables))["calls"] == 0, query

        def cells(body: dict[str, Any]) -> dict[str, dict[str, str]]:
            return {
                row["id"]: {cell["fieldId"]: cell["raw"] for cell in row["cells"]}
                for resource in body["data"]["resources"]["nodes"]
                for row in resource["values"]["nodes"]
            }

        def columns(body: dict[str, Any]) -> dict[str, list[str]]:
            fields = body["data"]["schema"]["fields"]
            return {f["label"]: [o["label"] for o in f["options"]] for f in fields}

        # Every read cached on the third process (the first asking fills the cache for all).
        for gateway in (one, three):
            await gateway.query(SCHEMAS)
            await gateway.query(COLUMNS, {"id": laptops})
            await gateway.query(ROWS, {"employee": "5000"})
        await hit(SCHEMAS)
        await hit(COLUMNS, id=laptops)
        await hit(ROWS, employee="5000")

        created = {"input": {"name": "Parking", "companyId": "1", "hidden": False}}
        await two.data(CREATE_SCHEMA, created)
        assert "Parking" in names(await read(SCHEMAS))
        await hit(ROWS, employee="5000")  # rows, resources and cells were not written

        model = slug_of(store, "Model")
        first_cell = [{"slug": model, "value": {"text": "Framework 13"}}]
        row_input = {"schemaId": laptops, "employeeId": "5000", "cells": first_cell}
        row = (await two.data(CREATE_VALUE, {"input": row_input}))["createValue"]["id"]
        rows = cells(await read(ROWS, employee="5000"))
        assert "Framework 13" in rows[row].values()
        await hit(SCHEMAS)

        change = {"valueId": row, "slug": model, "value": {"text": "Framework 16"}}
        await two.data(UPDATE_CELL, {"input": change})
        assert "Framework 16" in cells(await read(ROWS, employee="5000"))[row].values()
        await hit(SCHEMAS)
        await hit(COLUMNS, id=laptops)  # a cell leaves the columns cached

        column = {"schemaId": laptops, "label": "Dock", "type": "SINGLE_CHOICE", "options": ["A"]}
        dock = (await two.data(CREATE_FIELD, {"input": column}))["createField"]
        assert columns(await read(COLUMNS, id=laptops))["Dock"] == ["A"]
        await hit(SCHEMAS)

        await two.data(CREATE_OPTION, {"input": {"fieldId": dock["id"], "label": "B"}})
        assert columns(await read(COLUMNS, id=laptops))["Dock"] == ["A", "B"]

        gone = {"schemaId": laptops, "slug": model}
        await two.data(DELETE_FIELD, {"input": gone})
        assert "Model" not in columns(await read(COLUMNS, id=laptops))
        assert "Framework 16" not in cells(await read(ROWS, employee="5000"))[row].values()
        await hit(SCHEMAS)


ROW = "query($id: ID!) { value(id: $id) { id cells { id fieldId raw } } }"


def laptop_rows(store: SimulatorStore) -> list[str]:
    """The rows of the Laptops table, each with a cell of every column."""
    laptops = int(laptop_schema(store))
    return [
        str(v.id)
        for v in store.values.values()
        if store.resources[v.resource_id].schema_id == laptops
    ]


def cells_read(sim: Simulator, since: int) -> list[str]:
    """The rows whose cells were read from Factorial since call `since` (`instance_id`), and
    `*` for each other read of cells."""
    read = []
    for call in sim.call_log[since:]:
        if call.method == "GET" and call.route.startswith(CELLS.path):
            rows = [v for k, v in call.params if k == "instance_id"]
            read.append(rows[0] if rows else "*")
    return read


def raw_cells(body: dict[str, Any]) -> dict[str, str]:
    return {cell["fieldId"]: cell["raw"] for cell in body["data"]["value"]["cells"]}


async def test_a_cell_written_on_one_process_expires_that_rows_cells_only(
    redis_server: RedisServer,
) -> None:
    store = table_store(rows_per_resource=2, employees=2)
    sim = Simulator(store)
    row_a, row_b, *others = laptop_rows(store)
    model = slug_of(store, "Model")
    async with three_gateways(sim, redis_server.url) as (one, two, three):
        for row in (row_a, row_b, *others):
            await one.query(ROW, {"id": row})
        for row in (row_a, row_b):
            assert price(await three.query(ROW, {"id": row}))["calls"] == 0

        since = len(sim.call_log)
        change = {"valueId": row_a, "slug": model, "value": {"text": "Framework 16"}}
        assert (await two.data(UPDATE_CELL, {"input": change}))["updateCell"]
        after = await three.query(ROW, {"id": row_a})
        assert "Framework 16" in raw_cells(after).values()
        assert price(after)["calls"] == 1  # its cells; the row itself was still cached
        # Every other row's cells are still answered from the cache, on every process.
        for gateway in (one, two, three):
            for row in (row_b, *others):
                assert price(await gateway.query(ROW, {"id": row}))["calls"] == 0, row
        # The PUT asked for no more: only row A's cells were read again.
        assert cells_read(sim, since) == [row_a, row_a]  # the mutation's own read, and ours


async def test_a_new_row_expires_its_table_and_its_own_cells_only(
    redis_server: RedisServer,
) -> None:
    store = table_store(rows_per_resource=2, employees=2)
    laptops = laptop_schema(store)
    sim = Simulator(store)
    rows = laptop_rows(store)
    async with three_gateways(sim, redis_server.url) as (one, two, three):
        await one.query(ROWS, {"employee": "5000"})
        for row in rows:
            await one.query(ROW, {"id": row})
        assert price(await three.query(ROWS, {"employee": "5000"}))["calls"] == 0

        cells = [
            {"slug": slug_of(store, "Model"), "value": {"text": "Framework 13"}},
            {"slug": slug_of(store, "Kind"), "value": {"choice": "Laptop"}},  # POSTed alone
        ]
        row_input = {"schemaId": laptops, "employeeId": "5000", "cells": cells}
        created = await two.data(CREATE_VALUE, {"input": row_input})
        new_row = created["createValue"]["id"]
        since, calls = len(sim.call_log), dict(sim.calls)
        body = await three.query(ROWS, {"employee": "5000"})
        price(body)
        assert new_row in {
            v["id"] for r in body["data"]["resources"]["nodes"] for v in r["values"]["nodes"]
        }
        # The table is read again (its resources and rows), and the new row's cells: the
        # cells of the rows that were there are still answered from the cache.
        assert sim.calls["GET custom_resources/values"] > calls["GET custom_resources/values"]
        assert cells_read(sim, since) == [new_row]
        for row in rows:
            # Rows by id are read again (every row went with the new one), not their cells.
            assert price(await three.query(ROW, {"id": row}))["calls"] == 1, row
        assert cells_read(sim, since) == [new_row]


async def test_a_column_deleted_expires_every_rows_cells(redis_server: RedisServer) -> None:
    store = table_store(rows_per_resource=2, employees=2)
    sim = Simulator(store)
    rows = laptop_rows(store)
    async with three_gateways(sim, redis_server.url) as (one, two, three):
        for row in rows:
            await one.query(ROW, {"id": row})
        gone = {"schemaId": laptop_schema(store), "slug": slug_of(store, "Model")}
        await two.data(DELETE_FIELD, {"input": gone})
        since = len(sim.call_log)
        for row in rows:
            after = await three.query(ROW, {"id": row})
            assert "Framework 13" not in raw_cells(after).values()
            assert price(after)["calls"] == 1, row
        assert sorted(cells_read(sim, since)) == sorted(rows)


async def test_reads_of_cells_not_of_one_row_go_with_any_cell_write(
    redis_server: RedisServer,
) -> None:
    """No query of the schema reads cells but by row; a client of the package may (by ids, by
    id): those reads go with every cell written, whichever its row."""
    store = table_store(rows_per_resource=2, employees=2)
    sim = Simulator(store)
    row_a, row_b, *_ = laptop_rows(store)
    of_b = [str(c.id) for c in store.cells if str(c.valuable_id) == row_b]
    model = slug_of(store, "Model")
    async with three_gateways(sim, redis_server.url) as (one, two, three):

        async def by_ids(gateway: Gateway) -> int:
            session = UpstreamSession(client_of(gateway), Credential("api_key", API_KEY))
            listed = await session.list_page(CELLS, ids=of_b)
            assert sorted(c.id for c in listed.records) == sorted(of_b)
            assert await session.get(CELLS, of_b[0]) is not None
            return session.stats.calls

        assert await by_ids(one) == 2
        assert await by_ids(three) == 0
        await three.query(ROW, {"id": row_b})
        change = {"valueId": row_a, "slug": model, "value": {"text": "Framework 16"}}
        await two.data(UPDATE_CELL, {"input": change})
        assert await by_ids(three) == 2  # row B's cells by id, though row A was written...
        assert price(await three.query(ROW, {"id": row_b}))["calls"] == 0  # ...by row: kept


async def test_a_cell_write_that_names_no_row_expires_every_rows_cells(
    redis_server: RedisServer,
) -> None:
    store = table_store(rows_per_resource=2, employees=2)
    sim = Simulator(store)
    rows = laptop_rows(store)
    cell = next(c for c in store.cells if str(c.valuable_id) == rows[0])
    async with three_gateways(sim, redis_server.url) as (one, two, three):
        for row in rows:
            await one.query(ROW, {"id": row})
        session = UpstreamSession(client_of(two), Credential("api_key", API_KEY))
        await session.update(CELLS, str(cell.id), {"value": "no row named"})  # no `rows`
        since = len(sim.call_log)
        for row in rows:
            assert price(await three.query(ROW, {"id": row}))["calls"] == 1, row
        assert sorted(cells_read(sim, since)) == sorted(rows)


async def test_a_read_begun_before_a_write_is_neither_joined_nor_served_after_it(
    redis_server: RedisServer,
) -> None:
    store = build_store(schemas=2)
    held: list[HeldAnswers] = []

    def hold(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        held.append(HeldAnswers(inner))
        return held[-1]

    sim = Simulator(store)
    options = {"gql_redis_url": redis_server.url, "gql_cache_ttl": 60}
    async with (
        open_gateway(sim, upstream=hold, **options) as one,
        open_gateway(sim, **options) as two,
        open_gateway(sim, **options) as three,
    ):
        before = names(await one.query(SCHEMAS, headers={"cache-control": "no-cache"}))
        await client_of(one).flights.settle()  # its flight is over: the next one calls
        hand = held[0]
        hand.hold = "custom_resources/schemas"
        racing = asyncio.create_task(one.query(SCHEMAS, headers={"cache-control": "no-cache"}))
        await hand.holding.wait()  # Factorial answered process one before the write
        created = {"input": {"name": "Parking", "companyId": "1", "hidden": False}}
        await two.data(CREATE_SCHEMA, created)
        # Process one's call is still on its way: process three must not wait for it.
        after = await asyncio.wait_for(three.query(SCHEMAS), 3)
        assert names(after) == [*before, "Parking"]
        hand.release.set()
        assert names(await racing) == before
        await client_of(one).flights.settle()
        for gateway in (one, two, three):
            body = await gateway.query(SCHEMAS)
            assert names(body) == [*before, "Parking"]
            assert price(body)["calls"] == 0


async def test_a_stale_entry_is_refreshed_once_for_the_whole_fleet(
    redis_server: RedisServer,
) -> None:
    store = build_store(schemas=2)
    sim = Simulator(store)
    async with three_gateways(
        sim, redis_server.url, gql_cache_ttl=0.3, gql_cache_stale=30
    ) as gateways:
        before = names(await gateways[0].query(SCHEMAS))
        store.add_schema(name="Made in Factorial's own UI")
        await asyncio.sleep(0.35)
        sim.reset_calls()
        sim.latency = 0.2  # answers do not wait for the refresh
        bodies = await asyncio.gather(*(gw.query(SCHEMAS) for gw in gateways * 3))
        for body in bodies:
            assert names(body) == before
            assert (price(body)["calls"], price(body)["cacheStale"]) == (0, 1)
        for gateway in gateways:
            await client_of(gateway).cache.settle()
        assert sim.calls == {"GET custom_resources/schemas": 1}
        for gateway in gateways:
            body = await gateway.query(SCHEMAS)
            assert names(body) == [*before, "Made in Factorial's own UI"]
            assert (price(body)["calls"], price(body)["cacheStale"]) == (0, 0)


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
async def test_redis_trouble_fails_open_and_leaves_no_entry_older_than_a_write(
    redis_server: RedisServer, outage: str
) -> None:
    store = build_store(schemas=2)
    sim = Simulator(store)
    async with three_gateways(sim, redis_server.url, gql_redis_timeout=0.1) as (one, two, three):
        before = names(await one.query(SCHEMAS))
        assert price(await two.query(SCHEMAS))["calls"] == 0
        if outage == "stopped":
            redis_server.stop()
        else:
            redis_server.pause()
        try:
            for gateway in (one, one, three):
                body = await gateway.query(SCHEMAS)
                assert names(body) == before and price(body)["calls"] == 1  # failed open
            created = {"input": {"name": "Parking", "companyId": "1", "hidden": False}}
            assert (await two.data(CREATE_SCHEMA, created))["createSchema"]["id"]
        finally:
            if outage == "stopped":
                redis_server.start()
            else:
                redis_server.resume()
        await asyncio.wait_for(client_of(two).cache.cache.settle(), 5)
        await asyncio.sleep(1.1)  # past the stores' pause after a failure: Redis is asked again
        for gateway in (one, two, three):
            body = await gateway.query(SCHEMAS)
            assert names(body) == [*before, "Parking"]
        # And the cache serves again.
        assert price(await three.query(SCHEMAS))["calls"] == 0


async def test_tenants_with_the_same_ids_share_no_entry_and_keys_hold_no_secret(
    redis_server: RedisServer,
) -> None:
    secrets = {f"canary-key-{name}-4711": name for name in ("alpha", "beta", "gamma")}
    stores = {secret: build_store(schemas=3, name_prefix=n) for secret, n in secrets.items()}
    sim = Simulator(build_store(schemas=3, name_prefix="default"), tenants=stores)
    async with three_gateways(sim, redis_server.url, factorial_api_key=None) as gateways:
        for round_, gateway in enumerate(gateways):
            for secret, tenant in secrets.items():
                body = await gateway.query(SCHEMAS, headers={"x-api-key": secret})
                assert [n.split()[0] for n in names(body)] == [tenant] * 3
                assert price(body)["calls"] == (1 if round_ == 0 else 0)
        reader = SharedStore(redis_server.url)
        try:
            keys: list[bytes] = await reader.call(lambda redis: redis.keys("*"))
        finally:
            await reader.close()
    assert sim.calls["GET custom_resources/schemas"] == len(secrets)
    entries = [key for key in keys if key.startswith(b"gql:cache:entry:")]
    assert len(entries) == len(secrets)
    for secret in secrets:
        assert all(secret.encode() not in key for key in keys)
        fingerprint = Credential("api_key", secret).fingerprint.encode()
        assert sum(fingerprint in key for key in entries) == 1


async def test_a_bump_is_tried_again_at_once_before_it_is_owed(
    redis_server: RedisServer, shared: SharedCache
) -> None:
    # Redis slow for a moment (frozen 0.4 s, past one attempt's 0.3 s timeout): the write's
    # invalidation is made all the same, before the write answers, and nothing is owed.
    await fill(shared, ("rows",), "a", b"1")
    redis_server.pause()
    asyncio.get_running_loop().call_later(0.4, redis_server.resume)
    try:
        assert await shared.bump(["rows"])
    finally:
        redis_server.resume()
    assert (await shared.lookup(("rows",), "a", read=True)).value is None
    assert (await shared.lookup(("cells",), "b", read=True)).ticket is not None
