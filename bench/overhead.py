"""Suite (a): the gateway's latency over the upstream, against the direct client.

For each data size the simulator and the gateway run in their own processes; this process
alternates one gateway request (over HTTP, response decoded) and one direct-client call
(`direct_client.DirectClient.nested`, same upstream calls, same `data`), swapping which goes
first every pair, in `rounds` rounds per upstream latency. Each round gives a p50 and p99 per
side; a point reports the median and range of the per-round ratios, and pooled percentiles.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import processes
from .data import Shape
from .direct_client import DirectClient, open_http
from .http1 import HTTPConnection, get_json
from .queries import NESTED
from .stats import Spread, percentile


@dataclass(frozen=True, slots=True)
class OverheadPlan:
    sizes: tuple[int, ...] = (20, 200, 1000)
    latencies_ms: tuple[float, ...] = (0, 5, 20, 100)
    jitter_ms: float = 10.0
    jittered_latencies_ms: tuple[float, ...] = (20,)
    jittered_sizes: tuple[int, ...] = (20, 200)
    seconds_per_point: float = 20.0
    rounds: int = 5
    values: int = 3
    per_schema: int = 50


@dataclass(slots=True)
class Samples:
    gateway: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)


async def _timed(call: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def _check_equal(
    gateway: Callable[[], Awaitable[dict[str, Any]]],
    direct: Callable[[], Awaitable[dict[str, Any]]],
    simulator_port: int,
) -> dict[str, Any]:
    """Both sides answer the same data with the same upstream calls; the calls of one request."""
    await get_json(simulator_port, "/_bench/calls")
    answer = await gateway()
    gateway_calls = await get_json(simulator_port, "/_bench/calls")
    expected = await direct()
    direct_calls = await get_json(simulator_port, "/_bench/calls")
    if "errors" in answer or answer.get("data") != expected:
        raise RuntimeError(f"gateway and direct client disagree: {str(answer)[:500]}")
    if gateway_calls != direct_calls:
        raise RuntimeError(f"different upstream calls: {gateway_calls} vs {direct_calls}")
    assert isinstance(gateway_calls, dict)
    calls: dict[str, Any] = gateway_calls["calls"]
    return calls


def summarize(rounds: list[Samples]) -> dict[str, Any]:
    """Per-round ratios (median and range over rounds) and pooled percentiles."""
    usable = [r for r in rounds if r.gateway and r.direct]

    def per_round(side: str, q: float) -> list[float]:
        return [percentile(getattr(r, side), q) for r in usable]

    g50, d50 = per_round("gateway", 50), per_round("direct", 50)
    g99, d99 = per_round("gateway", 99), per_round("direct", 99)
    pooled_g = [s for r in usable for s in r.gateway]
    pooled_d = [s for r in usable for s in r.direct]
    return {
        "samples": {"gateway": len(pooled_g), "direct": len(pooled_d)},
        "p50_ratio": Spread.of([g / d for g, d in zip(g50, d50, strict=True)]).as_dict(),
        "p99_ratio": Spread.of([g / d for g, d in zip(g99, d99, strict=True)]).as_dict(),
        "added_p50_ms": Spread.of([g - d for g, d in zip(g50, d50, strict=True)]).as_dict(),
        "gateway_tail": Spread.of([h / m for h, m in zip(g99, g50, strict=True)]).as_dict(),
        "direct_tail": Spread.of([h / m for h, m in zip(d99, d50, strict=True)]).as_dict(),
        "gateway_ms": {"p50": percentile(pooled_g, 50), "p99": percentile(pooled_g, 99)},
        "direct_ms": {"p50": percentile(pooled_d, 50), "p99": percentile(pooled_d, 99)},
    }


async def _measure_point(
    gateway: Callable[[], Awaitable[object]],
    direct: Callable[[], Awaitable[object]],
    seconds: float,
    rounds: int,
) -> list[Samples]:
    for _ in range(3):  # warm-up: connections, caches, first-use imports
        await gateway()
        await direct()
    results = []
    for _ in range(rounds):
        samples = Samples()
        deadline = time.perf_counter() + seconds / rounds
        pair = 0
        while pair < 6 or time.perf_counter() < deadline:
            if pair % 2 == 0:
                samples.gateway.append(await _timed(gateway))
                samples.direct.append(await _timed(direct))
            else:
                samples.direct.append(await _timed(direct))
                samples.gateway.append(await _timed(gateway))
            pair += 1
        results.append(samples)
    return results


def nested_query(connection: HTTPConnection) -> Callable[[], Awaitable[dict[str, Any]]]:
    """The nested query over `connection`: its answer, or an error if it has any."""
    body = orjson.dumps({"query": NESTED})

    async def via_gateway() -> dict[str, Any]:
        status, raw = await connection.request("POST", "/graphql", body)
        answer: dict[str, Any] = orjson.loads(raw)
        if status != 200 or "errors" in answer:
            raise RuntimeError(f"gateway answered {status}: {raw[:300]!r}")
        return answer

    return via_gateway


async def run_overhead(plan: OverheadPlan, log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Every (size, latency) point of the plan, fixed latencies first, then jittered ones."""
    points: list[dict[str, Any]] = []
    for size in plan.sizes:
        shape = Shape(size, plan.per_schema, plan.values)
        settings = [(lat, 0.0) for lat in plan.latencies_ms]
        if size in plan.jittered_sizes and plan.jitter_ms > 0:
            settings += [(lat, plan.jitter_ms) for lat in plan.jittered_latencies_ms]
        with processes.simulator(shape) as sim, processes.gateway(sim) as gw:
            connection = HTTPConnection(gw.port)
            via_gateway = nested_query(connection)

            async with open_http() as http:
                client = DirectClient(http, sim.url, processes.API_KEY)
                calls = await _check_equal(via_gateway, client.nested, sim.port)
                for latency, jitter in settings:
                    await get_json(
                        sim.port, f"/_bench/latency?latency={latency / 1000}&jitter={jitter / 1000}"
                    )
                    rounds = await _measure_point(
                        via_gateway, client.nested, plan.seconds_per_point, plan.rounds
                    )
                    point = {
                        "resources": size,
                        "latency_ms": latency,
                        "jitter_ms": jitter,
                        "upstream_calls": sum(calls.values()),
                        **summarize(rounds),
                    }
                    points.append(point)
                    log(
                        f"(a) {size:>5} resources, {latency:>5.0f}+{jitter:.0f} ms: p50 ratio "
                        f"{Spread(**point['p50_ratio']).text()}, "
                        f"added {Spread(**point['added_p50_ms']).text(1)} ms"
                    )
            await connection.close()
    return points
