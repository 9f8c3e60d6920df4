"""Idempotent mutations: retries with an Idempotency-Key write at most once, on any process."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gql_server.fleet.idempotency import LocalRecords
from gql_server.http.idempotency import Idempotency, IdempotencyKeyInUse, Lease
from gql_server.simulator import Fault, Simulator, SimulatorStore

from ..gateway import Gateway, open_gateway
from ..graphql.test_table import laptop_schema, slug_of, table_store
from ..redis_server import RedisServer

CREATE = """mutation($input: CreateValueInput!) { createValue(input: $input) {
  id cells { field { label } raw } } }"""
QUERY = "{ schemas(first: 1) { nodes { id } } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def row_input(store: SimulatorStore, model: str = "ThinkPad") -> dict[str, Any]:
    cells = [
        {"slug": slug_of(store, "Model"), "value": {"text": model}},
        {"slug": slug_of(store, "Condition"), "value": {"number": 4}},
        {"slug": slug_of(store, "Notes"), "value": {"text": "new"}},
    ]
    return {"input": {"schemaId": laptop_schema(store), "employeeId": "5000", "cells": cells}}


def keyed(key: str, **more: str) -> dict[str, str]:
    return {"idempotency-key": key, **more}


def posts(sim: Simulator) -> dict[str, int]:
    return {k: v for k, v in sim.calls.items() if k.startswith("POST")}


def cells_of(store: SimulatorStore, row_id: str) -> dict[int, str]:
    return {c.field_id: c.value for c in store.cells if c.valuable_id == int(row_id)}


async def test_a_retry_on_another_process_gets_the_first_answer(
    redis_server: RedisServer,
) -> None:
    store = table_store()
    sim = Simulator(store)
    rows = len(store.values)
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        first = await one.post(CREATE, row_input(store), keyed("order-1"))
        again = await two.post(CREATE, row_input(store), keyed('"order-1"'))
    assert first.status_code == again.status_code == 200
    assert "errors" not in first.json()
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert posts(sim) == {"POST custom_resources/values": 1, "POST custom_fields/values": 2}
    assert len(store.values) == rows + 1


async def test_the_same_key_with_another_body_is_refused_before_any_call(
    redis_server: RedisServer,
) -> None:
    store = table_store()
    sim = Simulator(store)
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        assert (await one.post(CREATE, row_input(store), keyed("k"))).status_code == 200
        calls = dict(sim.calls)
        other = await two.post(CREATE, row_input(store, "Other"), keyed("k"))
        strict = await two.post(
            CREATE, row_input(store, "Other"), keyed("k", accept=GRAPHQL_RESPONSE)
        )
    assert other.status_code == 200
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "data" not in other.json()
    assert strict.status_code == 422
    assert strict.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert dict(sim.calls) == calls


async def test_concurrent_retries_wait_for_the_first(redis_server: RedisServer) -> None:
    store = table_store()
    sim = Simulator(store)
    # The row's POST is slow, so that the retries arrive while it runs.
    sim.inject(Fault(route="custom_resources/values", method="POST", latency=0.3))
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        answers = await asyncio.gather(
            one.post(CREATE, row_input(store), keyed("same")),
            two.post(CREATE, row_input(store), keyed("same")),
            two.post(CREATE, row_input(store), keyed("same")),
        )
    bodies = [a.json() for a in answers]
    assert "errors" not in bodies[0]
    assert bodies[1] == bodies[0] and bodies[2] == bodies[0]
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 2
    assert posts(sim) == {"POST custom_resources/values": 1, "POST custom_fields/values": 2}


async def test_keys_of_different_credentials_do_not_collide(redis_server: RedisServer) -> None:
    store = table_store()
    async with open_gateway(store, gql_redis_url=redis_server.url) as gw:
        one = await gw.post(CREATE, row_input(store), keyed("shared", **{"x-api-key": "a"}))
        two = await gw.post(CREATE, row_input(store, "B"), keyed("shared", **{"x-api-key": "b"}))
        sim = gw.sim
    assert "errors" not in one.json() and "errors" not in two.json()
    assert one.json()["data"] != two.json()["data"]
    assert sim.calls["POST custom_resources/values"] == 2


async def retry_after_a_failed_cell(gw: Gateway, again: Gateway, store: SimulatorStore) -> None:
    rows = len(store.values)
    gw.sim.inject(Fault(route="custom_fields/values", method="POST", status=500, times=1))
    failed = (await gw.post(CREATE, row_input(store), keyed("row-7"))).json()
    error = failed["errors"][0]
    assert failed["data"] == {"createValue": None}
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    row_id = error["extensions"]["valueId"]
    [missing] = error["extensions"]["failedFieldIds"]
    assert posts(gw.sim) == {"POST custom_resources/values": 1, "POST custom_fields/values": 2}
    assert int(missing) not in cells_of(store, row_id)

    retried = await again.post(CREATE, row_input(store), keyed("row-7"))
    body = retried.json()
    assert "errors" not in body
    assert body["data"]["createValue"]["id"] == row_id
    labels = {c["field"]["label"]: c["raw"] for c in body["data"]["createValue"]["cells"]}
    assert labels == {"Model": "ThinkPad", "Condition": "4", "Notes": "new"}
    # One row, and one more cell: the one that failed.
    assert posts(gw.sim) == {"POST custom_resources/values": 1, "POST custom_fields/values": 3}
    assert len(store.values) == rows + 1
    assert len(cells_of(store, row_id)) == 3
    replay = await again.post(CREATE, row_input(store), keyed("row-7"))
    assert replay.json() == body
    assert replay.headers["idempotent-replayed"] == "true"


async def test_a_retry_writes_only_the_missing_cells_to_the_same_row(
    redis_server: RedisServer,
) -> None:
    store = table_store()
    sim = Simulator(store)
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        await retry_after_a_failed_cell(one, two, store)


async def test_a_single_process_keeps_its_records_itself() -> None:
    store = table_store()
    async with open_gateway(store) as gw:
        await retry_after_a_failed_cell(gw, gw, store)


async def test_a_failure_before_any_write_lets_the_retry_run() -> None:
    store = table_store()
    async with open_gateway(store) as gw:
        gw.sim.inject(Fault(route="custom_resources/schemas", method="GET", status=503))
        failed = (await gw.post(CREATE, row_input(store), keyed("k"))).json()
        assert failed["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert not posts(gw.sim)
        gw.sim.clear_faults()
        body = (await gw.post(CREATE, row_input(store), keyed("k"))).json()
        assert "errors" not in body
        assert gw.sim.calls["POST custom_resources/values"] == 1


async def test_without_the_header_nothing_changes() -> None:
    store = table_store()
    rows = len(store.values)
    async with open_gateway(store) as gw:
        one = await gw.post(CREATE, row_input(store))
        two = await gw.post(CREATE, row_input(store))
        assert "idempotent-replayed" not in two.headers
        assert one.json()["data"] != two.json()["data"]
        assert gw.sim.calls["POST custom_resources/values"] == 2
    assert len(store.values) == rows + 2


async def test_redis_down_refuses_keyed_mutations_before_any_write(
    redis_server: RedisServer,
) -> None:
    store = table_store()
    rows = len(store.values)
    async with open_gateway(store, gql_redis_url=redis_server.url) as gw:
        redis_server.stop()
        refused = await gw.post(CREATE, row_input(store), keyed("k", accept=GRAPHQL_RESPONSE))
        assert refused.status_code == 503
        assert refused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_UNAVAILABLE"
        assert not posts(gw.sim)
        # Without a key, and for queries, Redis is not needed.
        plain = await gw.post(CREATE, row_input(store))
        assert "errors" not in plain.json()
        assert "errors" not in (await gw.post(QUERY, headers=keyed("k"))).json()
    assert len(store.values) == rows + 1


async def test_keys_are_checked_and_ignored_on_queries() -> None:
    store = table_store()
    async with open_gateway(store, gql_max_batch_size=5) as gw:
        for bad in ("", "x" * 256, "a b", "a,b", '"unclosed'):
            answer = await gw.post(CREATE, row_input(store), keyed(bad))
            assert answer.status_code == 400, bad
            assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        batch = await gw.http.post("/graphql", json=[{"query": QUERY}], headers=keyed("batch-key"))
        assert batch.status_code == 400
        assert not posts(gw.sim)
        first = await gw.post(QUERY, headers=keyed("q"))
        again = await gw.post(QUERY, headers=keyed("q"))
        assert "idempotent-replayed" not in again.headers
        assert again.json()["data"] == first.json()["data"]
        assert gw.sim.calls["GET custom_resources/schemas"] == 2


async def test_a_wait_is_bounded_then_answered_in_use() -> None:
    records = LocalRecords(record_seconds=60, lock_seconds=60)
    idempotency = Idempotency(records, wait_seconds=0)
    lease = await idempotency.claim("fp:k", "digest")
    assert isinstance(lease, Lease)
    with pytest.raises(IdempotencyKeyInUse):
        await idempotency.claim("fp:k", "digest")
    await lease.finish(b"answer")
    assert await idempotency.claim("fp:k", "digest") == b"answer"


async def test_three_replicas_retry_a_half_written_row_concurrently(
    redis_server: RedisServer,
) -> None:
    store = table_store()
    sim = Simulator(store)
    rows = len(store.values)
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
        open_gateway(sim, gql_redis_url=redis_server.url) as three,
    ):
        sim.inject(Fault(route="custom_fields/values", method="POST", status=500, times=1))
        failed = (await one.post(CREATE, row_input(store), keyed("fleet-row"))).json()
        row_id = failed["errors"][0]["extensions"]["valueId"]
        # The retries land on the other replicas at once, while the resumed write is slow.
        sim.inject(Fault(route="custom_fields/values", method="POST", latency=0.3))
        answers = await asyncio.gather(
            two.post(CREATE, row_input(store), keyed("fleet-row")),
            three.post(CREATE, row_input(store), keyed("fleet-row")),
        )
    bodies = [a.json() for a in answers]
    assert bodies[0] == bodies[1]
    assert "errors" not in bodies[0]
    assert bodies[0]["data"]["createValue"]["id"] == row_id
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 1
    assert posts(sim) == {"POST custom_resources/values": 1, "POST custom_fields/values": 3}
    assert len(store.values) == rows + 1
    assert len(cells_of(store, row_id)) == 3
