"""Suite (g): incremental delivery. How soon the first part of an employee table arrives, with
its rows' cells deferred, against the whole answer.

The simulator holds one employee's table of `rows` rows and `columns` text columns, a cell in
each; Factorial answers a row's cells one call per row, so the rows are known one round of
calls before their cells. This process alternates the query with `... @defer { cells }`,
asked as Apollo Client 4 asks (`Accept: multipart/mixed;deferSpec=20220824`), and the same
query without the directive, swapping which goes first every pair. For the deferred one it
notes when the first part has arrived whole and when the last has; for the plain one, when
its answer has. Each round gives medians; the ratios are per round.

Before measuring, the parts merged must equal the plain answer, with the same upstream calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from . import processes
from .data import Shape
from .http1 import get_json
from .multipart import merge_parts, read_parts
from .stats import Spread, percentile

EMPLOYEE = "1000"
ACCEPT = "multipart/mixed;deferSpec=20220824, application/json"
TABLE = """query EmployeeTable($employee: ID!) {
  resources(employeeIds: [$employee]) { nodes { id schema { name fields { id label type } }
    values(first: 100) { totalCount nodes { id %s } } } }
}"""
CELLS = "cells { fieldId text }"
DEFERRED = TABLE % f"... @defer {{ {CELLS} }}"
PLAIN = TABLE % CELLS


@dataclass(frozen=True, slots=True)
class IncrementalPlan:
    rows: int = 100
    columns: int = 6
    latency_ms: float = 20.0
    seconds: float = 20.0
    rounds: int = 5


@dataclass(slots=True)
class Samples:
    first: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)


class Client:
    """The two requests over one keep-alive httpx client."""

    def __init__(self, http: httpx.AsyncClient, port: int) -> None:
        self.http = http
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.variables = {"employee": EMPLOYEE}

    async def deferred(self) -> tuple[float, float, list[dict[str, Any]]]:
        """Milliseconds to the first part, to the last, and the parts."""
        started = time.perf_counter()
        first = 0.0
        parts: list[dict[str, Any]] = []
        body = {"query": DEFERRED, "variables": self.variables}
        async with self.http.stream(
            "POST", self.url, json=body, headers={"accept": ACCEPT}
        ) as response:
            if response.status_code != 200:
                raise RuntimeError(f"gateway answered {response.status_code}")
            async for part in read_parts(response):
                if not parts:
                    first = (time.perf_counter() - started) * 1000
                parts.append(part)
        whole = (time.perf_counter() - started) * 1000
        if not parts or parts[-1].get("hasNext") is not False:
            raise RuntimeError(f"the multipart answer ended early: {parts[-1:]}")
        return first, whole, parts

    async def plain(self) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        response = await self.http.post(
            self.url,
            json={"query": PLAIN, "variables": self.variables},
            headers={"accept": "application/json"},
        )
        answer: dict[str, Any] = orjson.loads(response.content)
        if response.status_code != 200 or "errors" in answer:
            raise RuntimeError(f"gateway answered {response.status_code}: {response.text[:300]}")
        return (time.perf_counter() - started) * 1000, answer


async def _check(client: Client, simulator_port: int) -> dict[str, Any]:
    """The parts merged are the plain answer, for the same upstream calls."""
    await get_json(simulator_port, "/_bench/calls")
    _, _, parts = await client.deferred()
    deferred_calls = await get_json(simulator_port, "/_bench/calls")
    _, answer = await client.plain()
    plain_calls = await get_json(simulator_port, "/_bench/calls")
    if any("errors" in part for part in parts):
        raise RuntimeError(f"errors in the parts: {str(parts)[:500]}")
    if merge_parts(parts) != answer["data"]:
        raise RuntimeError("the parts merged differ from the plain answer")
    assert isinstance(deferred_calls, dict) and isinstance(plain_calls, dict)
    if deferred_calls["calls"] != plain_calls["calls"]:
        raise RuntimeError(f"calls differ: {deferred_calls['calls']} vs {plain_calls['calls']}")
    rows = answer["data"]["resources"]["nodes"][0]["values"]["totalCount"]
    return {"parts": len(parts), "rows": rows, "upstream_calls": plain_calls["calls"]}


async def _round(client: Client, seconds: float) -> Samples:
    samples = Samples()
    deadline = time.perf_counter() + seconds
    pair = 0
    while pair < 6 or time.perf_counter() < deadline:
        for kind in ("deferred", "plain") if pair % 2 == 0 else ("plain", "deferred"):
            if kind == "deferred":
                first, whole, parts = await client.deferred()
                samples.first.append(first)
                samples.whole.append(whole)
                samples.parts.append(len(parts))
            else:
                samples.plain.append((await client.plain())[0])
        pair += 1
    return samples


async def run_incremental(plan: IncrementalPlan, log: Callable[[str], None]) -> dict[str, Any]:
    shape = Shape(1, per_schema=1, values=plan.rows, columns=plan.columns)
    with processes.simulator(shape) as sim, processes.gateway(sim) as gw:
        async with httpx.AsyncClient(timeout=30) as http:
            client = Client(http, gw.port)
            checked = await _check(client, sim.port)
            await get_json(sim.port, f"/_bench/latency?latency={plan.latency_ms / 1000}")
            for _ in range(3):  # warm-up
                await client.deferred()
                await client.plain()
            rounds = [await _round(client, plan.seconds / plan.rounds) for _ in range(plan.rounds)]
    first = [percentile(r.first, 50) for r in rounds]
    whole = [percentile(r.whole, 50) for r in rounds]
    plain = [percentile(r.plain, 50) for r in rounds]
    result = {
        "rows": checked["rows"],
        "columns": plan.columns,
        "latency_ms": plan.latency_ms,
        "parts": checked["parts"],
        "upstream_calls": checked["upstream_calls"],
        "samples": sum(len(r.first) for r in rounds),
        "first_ms": Spread.of(first).as_dict(),
        "whole_ms": Spread.of(whole).as_dict(),
        "plain_ms": Spread.of(plain).as_dict(),
        "first_over_plain": Spread.of([f / p for f, p in zip(first, plain, strict=True)]).as_dict(),
        "first_over_whole": Spread.of([f / w for f, w in zip(first, whole, strict=True)]).as_dict(),
        "whole_over_plain": Spread.of([w / p for w, p in zip(whole, plain, strict=True)]).as_dict(),
    }
    log(
        f"(g) {checked['rows']} rows, {plan.latency_ms:g} ms: first part "
        f"{Spread(**result['first_ms']).median:.1f} ms, whole "
        f"{Spread(**result['whole_ms']).median:.1f} ms, plain "
        f"{Spread(**result['plain_ms']).median:.1f} ms; first over plain "
        f"x{Spread(**result['first_over_plain']).text()}"
    )
    return result
