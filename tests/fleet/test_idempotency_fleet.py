"""Idempotent retries across three gateway processes on one Redis, while the upstream fails in
the middle of a row: the row is written once, its missing cell once, and every retry after
that gets the first complete answer.

The simulator runs as `gql-server simulate`, its faults armed over HTTP
(`/_simulator/faults`), its calls read back the same way.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from ..redis_server import RedisServer
from .harness import running_fleet

CREATE = """mutation($input: CreateValueInput!) { createValue(input: $input) {
  id cells { fieldId raw } } }"""
ROWS = """query($e: [ID!]) { values(employeeIds: $e) { nodes { id cells { fieldId raw } } } }"""
KEY = "onboarding-laptop-7"


def posts(simulator: str) -> dict[str, int]:
    calls = httpx.get(f"{simulator}/_simulator/calls", timeout=5).json()["calls"]
    return {k: v for k, v in calls.items() if k.startswith("POST ")}


def arm(simulator: str, **fault: Any) -> None:
    response = httpx.post(f"{simulator}/_simulator/faults", json=fault, timeout=5)
    assert response.status_code == 204, response.text


def test_retries_on_other_replicas_finish_a_half_written_row_once(
    redis_server: RedisServer,
) -> None:
    with (
        running_fleet(redis_server.url, size=3, resources=20) as fleet,
        httpx.Client(timeout=30) as http,
    ):
        sim = fleet.simulator.url
        one, two, three = (f"{g.url}/graphql" for g in fleet.gateways)
        # The first demo table: its required columns, and a long text one.
        table = http.post(
            one, json={"query": "{ schema(id: 1) { id fields { id required type } } }"}
        ).json()["data"]["schema"]
        required = [f["id"] for f in table["fields"] if f["required"]]
        optional = next(f["id"] for f in table["fields"] if f["type"] == "LONG_TEXT")
        cells = [{"fieldId": f, "value": {"text": f"value {f}"}} for f in required]
        cells.append({"fieldId": optional, "value": {"text": "keyboard sticks"}})
        employee = "1001"
        body = {
            "query": CREATE,
            "variables": {"input": {"schemaId": "1", "employeeId": employee, "cells": cells}},
        }
        before = http.post(one, json={"query": ROWS, "variables": {"e": [employee]}}).json()
        rows_before = {r["id"] for r in before["data"]["values"]["nodes"]}
        counted = posts(sim)

        # The row is written, then one of its other cells fails upstream.
        arm(sim, route="custom_fields/values", method="POST", status=500, times=1)
        failed = http.post(one, json=body, headers={"idempotency-key": KEY}).json()
        [error] = failed["errors"]
        row_id = error["extensions"]["valueId"]

        # Two retries at once on the other replicas, while the resumed cell write is slow.
        arm(sim, route="custom_fields/values", method="POST", latency=0.3, times=1)
        barrier = threading.Barrier(2)

        def retry(url: str) -> httpx.Response:
            barrier.wait()
            return http.post(url, json=body, headers={"idempotency-key": KEY})

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(retry, [two, three]))
        bodies = [a.json() for a in answers]
        assert bodies[0] == bodies[1]
        assert "errors" not in bodies[0]
        assert bodies[0]["data"]["createValue"]["id"] == row_id
        assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 1

        # Later, once more on the first replica: the stored answer, no write.
        again = http.post(one, json=body, headers={"idempotency-key": KEY})
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json() == bodies[0]

        # One row, and each of its cells written once (the failed POST wrote nothing).
        made = {k: v - counted.get(k, 0) for k, v in posts(sim).items()}
        assert made == {
            "POST custom_resources/values": 1,
            "POST custom_fields/values": len(cells) - 1 + 1,
        }
        after = http.post(two, json={"query": ROWS, "variables": {"e": [employee]}}).json()
        rows_after = {r["id"]: r for r in after["data"]["values"]["nodes"]}
        assert set(rows_after) == rows_before | {row_id}
        written = {c["fieldId"]: c["raw"] for c in rows_after[row_id]["cells"]}
        assert written == {c["fieldId"]: c["value"]["text"] for c in cells}
