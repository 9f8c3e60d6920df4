"""Incremental answers over HTTP: negotiation, framing, parts sent as they are ready, clients
that accept no parts, refusals before any call, and a client that leaves."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import Counter

import pytest

from gql_server.http.increments import DEFER_20220824, INCREMENTAL_V02
from gql_server.http.multipart import incremental_format
from gql_server.simulator import Fault, SimulatorStore

from ..gateway import Gateway, open_gateway, until
from ..graphql.test_table import table_store
from ..multipart import StreamingCall, merge, read_parts, spec_of, strip_directives

CELLS = "custom_fields/values"  # one call per row
DEFERRED_CELLS = """query Rows { values(first: 12) { nodes { id
    ... @defer(label: "cells") { cells { raw field { label } } } } } }"""
APOLLO = (
    "multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9"
)
PREFLIGHT = {"content-type": "application/json"}


@pytest.fixture
def store() -> SimulatorStore:
    return table_store(rows_per_resource=3, employees=4)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("multipart/mixed;deferSpec=20220824, application/json", DEFER_20220824),
        ('multipart/mixed; deferSpec="20220824"', DEFER_20220824),
        ("multipart/mixed;incrementalSpec=v0.2,application/json;q=0.9", INCREMENTAL_V02),
        # GraphiQL's fetcher: a bare multipart/mixed gets the self-describing format.
        ("application/json, multipart/mixed", DEFER_20220824),
        ("Multipart/Mixed", DEFER_20220824),
        (
            "multipart/mixed;deferSpec=20220824;q=0.5, multipart/mixed;incrementalSpec=v0.2",
            INCREMENTAL_V02,
        ),
        ("multipart/mixed;incrementalSpec=v0.1", None),  # a format we do not write
        ("multipart/mixed;deferSpec=20230101", None),
        ("multipart/mixed;boundary=graphql;subscriptionSpec=1.0", None),  # subscriptions
        ("multipart/mixed;q=0", None),
        ("application/json", None),
        ("", None),
    ],
)
def test_the_format_is_the_one_accept_names(accept: str, expected: object) -> None:
    assert incremental_format(accept) is expected


async def test_the_body_is_framed_as_the_rfc_says(gateway: Gateway) -> None:
    response = await gateway.post(DEFERRED_CELLS, headers={"accept": APOLLO})
    assert response.status_code == 200
    content_type = response.headers["content-type"]
    assert content_type == 'multipart/mixed; boundary="-"; deferSpec=20220824'
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-request-id"]
    body = response.content
    assert body.startswith(b"\r\n---\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{")
    assert body.endswith(b"}\r\n-----\r\n")
    assert len(read_parts(body, content_type)) == 3


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json", ""])
async def test_a_client_that_accepts_no_parts_gets_one_whole_answer(
    gateway: Gateway, accept: str
) -> None:
    """The directives only ask; such a client gets everything in one ordinary response."""
    response = await gateway.post(DEFERRED_CELLS, headers={"accept": accept} if accept else {})
    assert response.status_code == 200
    assert not response.headers["content-type"].startswith("multipart")
    body = response.json()
    assert "hasNext" not in body
    rows = body["data"]["values"]["nodes"]
    assert len(rows) == 12 and all(row["cells"] for row in rows)
    calls = gateway.sim.total_calls
    assert body["extensions"]["upstream"]["calls"] == calls
    gateway.sim.reset_calls()
    plain = await gateway.query(strip_directives(DEFERRED_CELLS))
    assert plain["data"] == body["data"]
    assert gateway.sim.total_calls == calls


async def test_a_client_that_accepts_only_parts_gets_json_for_a_whole_answer(
    gateway: Gateway,
) -> None:
    only = {"accept": "multipart/mixed"}
    whole = await gateway.post("{ schemas { totalCount } }", headers=only)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/json"
    assert whole.json()["data"] == {"schemas": {"totalCount": 2}}
    parts = await gateway.post(DEFERRED_CELLS, headers=only)
    assert parts.headers["content-type"].startswith("multipart/mixed")


async def test_a_get_is_answered_in_parts_too(gateway: Gateway) -> None:
    response = await gateway.http.get(
        "/graphql",
        params={"query": DEFERRED_CELLS},
        headers={**PREFLIGHT, "accept": "multipart/mixed;incrementalSpec=v0.2"},
    )
    assert response.status_code == 200
    content_type = response.headers["content-type"]
    merged = merge(read_parts(response.content, content_type), spec_of(content_type))
    assert all(row["cells"] for row in merged["data"]["values"]["nodes"])


async def test_a_persisted_query_is_answered_in_parts(gateway: Gateway) -> None:
    digest = hashlib.sha256(DEFERRED_CELLS.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    headers = {"accept": APOLLO}
    first = await gateway.http.post(
        "/graphql", json={"query": DEFERRED_CELLS, "extensions": extensions}, headers=headers
    )
    assert first.headers["content-type"].startswith("multipart/mixed")
    again = await gateway.http.post("/graphql", json={"extensions": extensions}, headers=headers)
    assert again.status_code == 200
    content_type = again.headers["content-type"]
    parts = read_parts(again.content, content_type)
    assert (
        merge(parts, spec_of(content_type))["data"]
        == merge(read_parts(first.content, content_type), spec_of(content_type))["data"]
    )


async def test_a_batch_is_answered_whole(store: SimulatorStore) -> None:
    async with open_gateway(store, gql_max_batch_size=2) as gw:
        body = [{"query": DEFERRED_CELLS}, {"query": "{ schemas { totalCount } }"}]
        response = await gw.http.post("/graphql", json=body, headers={"accept": APOLLO})
    assert response.headers["content-type"].startswith("application/")
    rows, schemas = response.json()
    assert all(row["cells"] for row in rows["data"]["values"]["nodes"])
    assert schemas["data"] == {"schemas": {"totalCount": 2}}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ schemas { totalCount @stream } }", "non-list"),
        (
            '{ schemas { nodes { ... @defer(label: "a") { id }'
            ' ... @defer(label: "a") { name } } } }',
            "unique",
        ),
        ("{ values { nodes @stream(initialCount: -1) { id } } }", "0 or more"),
        (
            'mutation { ... @defer { createSchema(input: {name: "x", companyId: "1"}) { id } } }',
            "root mutation",
        ),
        (
            'mutation { createSchema(input: {name: "x", companyId: "1"})'
            " { id ... @defer { name } } }",
            "queries only",
        ),
        (
            'mutation($id: ID!) { createOption(input: {fieldId: $id, label: "x"}) { id'
            " ...Rest @defer } } fragment Rest on FieldOption { label }",
            "queries only",
        ),
    ],
)
async def test_invalid_uses_are_refused_before_any_call(
    gateway: Gateway, query: str, message: str
) -> None:
    response = await gateway.post(query, {"id": "1"}, headers={"accept": APOLLO})
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert message in error["message"]
    assert gateway.sim.total_calls == 0


async def test_a_query_over_the_budget_is_refused_deferred_parts_included(
    store: SimulatorStore,
) -> None:
    async with open_gateway(store, gql_cost_budget=5) as gw:
        response = await gw.post(DEFERRED_CELLS, headers={"accept": APOLLO})
        assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert gw.sim.total_calls == 0


async def test_the_first_part_is_sent_before_the_deferred_calls(gateway: Gateway) -> None:
    """The rows go out while no cell has been asked for: read the calls made at the moment
    the first part arrives."""
    gateway.sim.inject(Fault(route=CELLS, latency=0.05))
    call = StreamingCall(gateway.app, {"query": DEFERRED_CELLS}, {"accept": APOLLO})
    assert await call.start() == 200
    (first,), closed = await call.next_parts()
    assert not closed
    assert len(first["data"]["values"]["nodes"]) == 12
    assert gateway.sim.calls[f"GET {CELLS}"] == 0
    assert gateway.sim.total_calls == 1  # the rows
    parts, closed = await call.next_parts()
    while not closed:
        parts, closed = await call.next_parts()
    await call.task
    assert gateway.sim.calls[f"GET {CELLS}"] == 12
    merged = merge(parts, "deferSpec=20220824")
    assert all(row["cells"] for row in merged["data"]["values"]["nodes"])


async def test_a_client_that_leaves_stops_the_work(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    """After the first part the client goes away while the cells are slow: the response ends,
    nothing of the request keeps running (its upstream calls included: nobody else waits for
    them), no further call is made, and the request is logged once."""
    caplog.set_level(logging.INFO, logger="gql_server.access")
    gateway.sim.inject(Fault(route=CELLS, latency=30))
    before = asyncio.all_tasks()
    call = StreamingCall(gateway.app, {"query": DEFERRED_CELLS}, {"accept": APOLLO})
    await call.start()
    await call.next_parts()
    await until(lambda: gateway.sim.calls[f"GET {CELLS}"] > 0)  # the cells are being read
    await call.leave()
    sent = gateway.sim.total_calls
    for _ in range(5):
        await asyncio.sleep(0)
    assert asyncio.all_tasks() - before == set()
    await asyncio.sleep(0.05)
    assert gateway.sim.total_calls == sent
    (line,) = [r for r in caplog.records if r.name == "gql_server.access"]
    assert line.status == 200  # type: ignore[attr-defined]
    assert line.operation_name == "Rows"  # type: ignore[attr-defined]


async def test_the_request_is_logged_once_when_its_last_part_is_sent(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gql_server.access")
    gateway.sim.inject(Fault(route=CELLS, status=403, times=1))
    response = await gateway.post(DEFERRED_CELLS, headers={"accept": APOLLO})
    assert response.headers["content-type"].startswith("multipart/mixed")
    (line,) = [r for r in caplog.records if r.name == "gql_server.access"]
    # The rows, the cells of each of the 12 rows (one refused), and their columns.
    assert line.upstream_calls == gateway.sim.total_calls == 14  # type: ignore[attr-defined]
    assert line.error_codes == ["FORBIDDEN"]  # type: ignore[attr-defined]


async def test_the_deadline_holds_for_deferred_parts(store: SimulatorStore) -> None:
    """A deferred part still runs on the request's time: past it, its calls fail with
    UPSTREAM_TIMEOUT in that part, and the answer ends."""
    async with open_gateway(store, gql_request_timeout=0.5) as gw:
        gw.sim.inject(Fault(route=CELLS, latency=5))
        response = await gw.post(DEFERRED_CELLS, headers={"accept": APOLLO})
    parts = read_parts(response.content, response.headers["content-type"])
    assert "errors" not in parts[0]
    merged = merge(parts, "deferSpec=20220824")
    assert len(merged["errors"]) == 12
    assert {e["extensions"]["code"] for e in merged["errors"]} == {"UPSTREAM_TIMEOUT"}
    assert Counter(e["path"][-1] for e in merged["errors"]) == {"cells": 12}


def test_the_multipart_reader_refuses_a_body_left_open() -> None:
    part = b"\r\n---\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
    body = part + json.dumps({"data": {}, "hasNext": True}).encode() + b"\r\n---"
    with pytest.raises(AssertionError):
        read_parts(body, 'multipart/mixed; boundary="-"')
    assert read_parts(body + b"--\r\n", 'multipart/mixed; boundary="-"') == [
        {"data": {}, "hasNext": True}
    ]
