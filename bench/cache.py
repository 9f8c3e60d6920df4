"""Suite (f): the shared read cache. A repeated nested query against the direct client, and
upstream calls per request under a dashboard-like load with the cache on and off.

(i) As suite (a), one gateway request and one direct-client call alternate, but the gateway
keeps upstream answers for `ttl` seconds (`GQL_CACHE_TTL`): once in its own memory, once in
Redis (`GQL_REDIS_URL`), as a fleet deploys it. The direct client has no cache: it is what an
application pays without the gateway, every time.

(ii) Dashboards: each client loads a page of four queries at once (the nested table, the
schema list, a resource by id, the rows of a few employees), waits a second or so, and loads
it again; one page in `write_every` also creates a schema, which invalidates the schema lists
of every replica. Three gateways share one Redis; the same load runs with the cache off and
on, alternating, and the simulator counts the calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import processes
from .data import Shape
from .direct_client import DirectClient, open_http
from .http1 import HTTPConnection, get_json
from .load import Pool
from .overhead import _check_equal, _measure_point, nested_query, summarize
from .queries import BY_ID, NESTED, SMALL, VALUES_OF
from .stats import Spread, percentile

REPLICAS = 3
WARMUP_PAIRS = 3
"""The pairs `overhead._measure_point` sends before it measures: counted upstream too."""


@dataclass(frozen=True, slots=True)
class CachePlan:
    resources: int = 20
    latency_ms: float = 20.0
    repeat_ttl: float = 3600.0
    """(i): long enough that the measured query never misses."""
    ttl: float = 5.0
    stale: float = 5.0
    seconds: float = 10.0
    rounds: int = 5
    dashboards: int = 24
    think_seconds: float = 1.0
    dashboard_seconds: float = 12.0
    repeats: int = 2
    write_every: int = 20


@dataclass(slots=True)
class Tally:
    requests: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    latencies_ms: list[float] = field(default_factory=list)


async def _overhead(plan: CachePlan, log: Callable[[str], None]) -> dict[str, Any]:
    shape = Shape(plan.resources)
    results: dict[str, Any] = {}
    with processes.simulator(shape) as sim, processes.redis() as redis:
        sides = {
            "in-process": {"GQL_CACHE_TTL": str(plan.repeat_ttl)},
            "redis": {
                "GQL_CACHE_TTL": str(plan.repeat_ttl),
                "GQL_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            },
        }
        for side, env in sides.items():
            with processes.gateway(sim, {"GQL_LOG_LEVEL": "warning", **env}) as gw:
                connection = HTTPConnection(gw.port)
                via_gateway = nested_query(connection)

                async with open_http() as http:
                    client = DirectClient(http, sim.url, processes.API_KEY)
                    # The first request fills the cache with the direct client's own calls.
                    calls = await _check_equal(via_gateway, client.nested, sim.port)
                    await get_json(sim.port, f"/_bench/latency?latency={plan.latency_ms / 1000}")
                    rounds = await _measure_point(
                        via_gateway, client.nested, plan.seconds, plan.rounds
                    )
                    counted = await get_json(sim.port, "/_bench/calls")
                    await get_json(sim.port, "/_bench/latency?latency=0")
                await connection.close()
            assert isinstance(counted, dict)
            gateway_requests = sum(len(r.gateway) for r in rounds)
            point = {
                "store": side,
                "resources": plan.resources,
                "latency_ms": plan.latency_ms,
                "cold_upstream_calls": sum(calls.values()),
                # Both sides' calls while measuring: the direct client's alone when all hit.
                "measured_upstream_calls": sum(counted["calls"].values()),
                "measured_direct_calls": (sum(len(r.direct) for r in rounds) + WARMUP_PAIRS)
                * sum(calls.values()),
                "gateway_requests": gateway_requests,
                **summarize(rounds),
            }
            results[side] = point
            log(
                f"(f) cached nested query ({side}), {plan.latency_ms:g} ms: p50 vs direct "
                f"x{Spread(**point['p50_ratio']).text(3)}"
            )
    return results


def _pages(resource_ids: list[str], employees: list[str], seed: int) -> Iterator[list[bytes]]:
    """The dashboard's page loads, endlessly: the same four queries, other ids each time."""
    rng = random.Random(seed)
    while True:
        ids = rng.sample(employees, min(3, len(employees)))
        yield [
            orjson.dumps({"query": NESTED}),
            orjson.dumps({"query": SMALL}),
            orjson.dumps({"query": BY_ID, "variables": {"id": rng.choice(resource_ids)}}),
            orjson.dumps({"query": VALUES_OF, "variables": {"e": ids}}),
        ]


async def _dashboards(
    plan: CachePlan, ports: list[int], resource_ids: list[str], employees: list[str], run: int
) -> Tally:
    tally = Tally()
    deadline = time.perf_counter() + plan.dashboard_seconds
    written = 0

    async def dashboard(index: int) -> None:
        nonlocal written
        pool = Pool(ports[index % len(ports)])
        rng = random.Random(index)
        # Dashboards open at different moments, as people do.
        await asyncio.sleep(rng.uniform(0, plan.think_seconds))
        for page in _pages(resource_ids, employees, seed=run * 1000 + index):
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            tally.pages += 1
            if tally.pages % plan.write_every == 0:
                written += 1
                name = f"Dashboard note {run}-{written}"
                page = [
                    *page,
                    orjson.dumps(
                        {
                            "query": "mutation($n: String!) { createSchema(input: "
                            '{name: $n, companyId: "1"}) { id } }',
                            "variables": {"n": name},
                        }
                    ),
                ]
            outcomes = await asyncio.gather(*(pool.failure(body) for body in page))
            tally.requests += len(page)
            for failure in outcomes:
                if failure is not None:
                    tally.errors[failure] = tally.errors.get(failure, 0) + 1
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * plan.think_seconds)
        await pool.close()

    await asyncio.wait_for(
        asyncio.gather(*(dashboard(i) for i in range(plan.dashboards))),
        plan.dashboard_seconds + 60,
    )
    return tally


@contextlib.contextmanager
def _fleet(sim: processes.Server, env: dict[str, str]) -> Iterator[list[int]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(processes.gateway(sim, env)).port for _ in range(REPLICAS)]


async def _ids(port: int) -> tuple[list[str], list[str]]:
    connection = HTTPConnection(port)
    query = "{ resources(first: 100) { nodes { id attachableId } } }"
    _, raw = await connection.post_json("/graphql", {"query": query})
    await connection.close()
    nodes = orjson.loads(raw)["data"]["resources"]["nodes"]
    return [n["id"] for n in nodes], sorted({n["attachableId"] for n in nodes})


async def _load(plan: CachePlan, log: Callable[[str], None]) -> dict[str, Any]:
    shape = Shape(plan.resources)
    runs: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
    with processes.redis() as redis, processes.simulator(shape) as sim:
        base = {
            "GQL_LOG_LEVEL": "warning",
            "GQL_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "GQL_FLEET_SIZE": str(REPLICAS),
        }
        cached = {**base, "GQL_CACHE_TTL": str(plan.ttl), "GQL_CACHE_STALE": str(plan.stale)}
        with _fleet(sim, base) as off, _fleet(sim, cached) as on:
            resource_ids, employees = await _ids(off[0])
            await get_json(sim.port, f"/_bench/latency?latency={plan.latency_ms / 1000}")
            sides = {"off": off, "on": on}
            for repeat in range(plan.repeats):
                for side in ("off", "on") if repeat % 2 == 0 else ("on", "off"):
                    await get_json(sim.port, "/_bench/calls")
                    tally = await _dashboards(plan, sides[side], resource_ids, employees, repeat)
                    counted = await get_json(sim.port, "/_bench/calls")
                    assert isinstance(counted, dict)
                    calls = sum(counted["calls"].values())
                    runs[side].append(
                        {
                            "requests": tally.requests,
                            "pages": tally.pages,
                            "errors": tally.errors,
                            "upstream_calls": calls,
                            "upstream_calls_per_request": calls / max(1, tally.requests),
                            "page_p50_ms": percentile(tally.latencies_ms, 50),
                        }
                    )
    ratio = Spread.of(
        [
            on["upstream_calls_per_request"] / off["upstream_calls_per_request"]
            for off, on in zip(runs["off"], runs["on"], strict=True)
            if off["upstream_calls_per_request"]
        ]
    )
    log(f"(f) dashboards: upstream calls/request, cache on over off x{ratio.text(3)}")
    return {
        "dashboards": plan.dashboards,
        "think_seconds": plan.think_seconds,
        "seconds": plan.dashboard_seconds,
        "ttl": plan.ttl,
        "stale": plan.stale,
        "write_every_pages": plan.write_every,
        "latency_ms": plan.latency_ms,
        "runs": runs,
        "ratio": ratio.as_dict(),
    }


async def run_cache(plan: CachePlan, log: Callable[[str], None]) -> dict[str, Any]:
    return {"overhead": await _overhead(plan, log), "dashboards": await _load(plan, log)}
