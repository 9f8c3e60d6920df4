"""Suite (d): memory per request and memory over time.

- Peak allocation of one request (tracemalloc, this process), relative to the bytes of its
  response: the gateway's ASGI app over `inmemory.MemoryTransport` (its whole upstream path
  runs, from recorded bytes), beside the direct client and the two ASGI baselines of suite
  (b), plain graphql-core and Ariadne, over the same transport and upstream client.
- Growth: the resident memory (VmRSS) of a gateway server process after `requests` mixed
  requests, relative to after a warm-up of the same mix.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from gql_server.upstream import FactorialClient

from . import asgi_call, processes
from .data import Shape
from .direct_client import DirectClient
from .http1 import HTTPConnection
from .inmemory import API_VERSION, BASE_URL, CREDENTIAL, MemoryTransport, Recording
from .inprocess import gateway_settings, running_gateway
from .queries import BY_ID, INVALID, NESTED, SMALL, VALUES_OF


@dataclass(frozen=True, slots=True)
class MemoryPlan:
    sizes: tuple[int, ...] = (20, 200, 1000)
    warmup: int = 1000
    requests: int = 10_000
    clients: int = 8
    growth_resources: int = 20


async def peak_bytes(request: Callable[[], Awaitable[int]], repeats: int = 5) -> tuple[int, int]:
    """The median peak of traced memory above the level before a request, and its output size."""
    size = 0
    for _ in range(2):
        size = await request()
    peaks = []
    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(repeats):
            gc.collect()
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            await request()
            peaks.append(tracemalloc.get_traced_memory()[1] - before)
    finally:
        tracemalloc.stop()
    return int(statistics.median(peaks)), size


async def run_peaks(plan: MemoryPlan, log: Callable[[str], None]) -> list[dict[str, Any]]:
    points = []
    for size in plan.sizes:
        recording = Recording(Shape(size))
        transport = MemoryTransport(recording)
        async with running_gateway(gateway_settings(), transport=transport) as app:
            for name, query in (("small", SMALL), ("nested", NESTED)):
                body = orjson.dumps({"query": query})

                async def gateway(body: bytes = body) -> int:
                    status, raw = await asgi_call.post(app, body)
                    assert status == 200 and b'"errors"' not in raw, raw[:300]
                    return len(raw)

                peak, response = await peak_bytes(gateway)
                point: dict[str, Any] = {
                    "query": name,
                    "resources": size,
                    "response_bytes": response,
                    "gateway_peak_bytes": peak,
                    "gateway_peak_per_response_byte": peak / response,
                }
                if name == "nested":
                    async with httpx.AsyncClient(transport=MemoryTransport(recording)) as http:
                        client = DirectClient(http, BASE_URL, CREDENTIAL.secret)

                        async def direct(client: DirectClient = client) -> int:
                            return len(orjson.dumps({"data": await client.nested()}))

                        direct_peak, direct_size = await peak_bytes(direct)
                        point["baselines"] = await _baseline_peaks(http, body)
                    point["direct_peak_bytes"] = direct_peak
                    point["direct_peak_per_response_byte"] = direct_peak / direct_size
                    point["peak_ratio_to_direct"] = peak / direct_peak
                points.append(point)
                log(
                    f"(d) {name:>6} at {size:>5} resources: peak {peak / 1024:.0f} KiB = "
                    f"{peak / response:.1f}x the {response / 1024:.1f} KiB response"
                )
        await recording.aclose()
    return points


async def _baseline_peaks(http: httpx.AsyncClient, body: bytes) -> dict[str, Any]:
    """Peak per response byte of suite (b)'s ASGI baselines, over the same upstream path."""
    from . import baselines  # Ariadne comes with the bench extra; the CLI imports this module

    client = FactorialClient(http, base_url=BASE_URL, api_version=API_VERSION)
    peaks = {}
    for name, app in (
        ("graphql-core", baselines.core_app(client)),
        ("ariadne", baselines.ariadne_app(client)),
    ):

        async def request(app: asgi_call.ASGIApp = app) -> int:
            status, raw = await asgi_call.post(app, body)
            assert status == 200 and b'"errors"' not in raw, raw[:300]
            return len(raw)

        peak, size = await peak_bytes(request)
        peaks[name] = {"peak_bytes": peak, "peak_per_response_byte": peak / size}
    return peaks


def mixed_requests(resources: int, seed: int = 0) -> list[bytes]:
    """A deterministic mix: nested, small, by-id, filtered lists, invalid and one-off documents."""
    rng = random.Random(seed)
    bodies = []
    for i in range(500):
        kind = i % 10
        if kind in (0, 1):
            document: dict[str, Any] = {"query": NESTED}
        elif kind in (2, 3):
            document = {"query": SMALL}
        elif kind in (4, 5, 6):
            # Ids past the last ones exist nowhere: absent records are part of the mix.
            document = {"query": BY_ID, "variables": {"id": str(rng.randrange(1, resources * 6))}}
        elif kind == 7:
            employees = [str(1000 + rng.randrange(resources)) for _ in range(rng.randint(1, 5))]
            document = {"query": VALUES_OF, "variables": {"e": employees}}
        elif kind == 8:
            document = {"query": INVALID}
        else:
            # A new document text each time (an alias): exercises the bounded document cache.
            document = {
                "query": f"{{ s{rng.randrange(5000)}: schemas(first: 1) {{ nodes {{ id }} }} }}"
            }
        bodies.append(orjson.dumps(document))
    return bodies


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _send(port: int, bodies: list[bytes], count: int, clients: int) -> int:
    sent = 0
    failures = 0

    async def client() -> None:
        nonlocal sent, failures
        connection = HTTPConnection(port)
        while sent < count:
            body = bodies[sent % len(bodies)]
            sent += 1
            status, _ = await connection.request("POST", "/graphql", body)
            failures += status >= 500
        await connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return failures


async def run_growth(plan: MemoryPlan, log: Callable[[str], None]) -> dict[str, Any]:
    bodies = mixed_requests(plan.growth_resources)
    with (
        processes.simulator(Shape(plan.growth_resources)) as sim,
        processes.gateway(sim) as gateway,
    ):
        failures = await _send(gateway.port, bodies, plan.warmup, plan.clients)
        after_warmup = rss_kib(gateway.pid)
        trace = [(0, after_warmup)]
        step = max(1, plan.requests // 10)
        for done in range(step, plan.requests + 1, step):
            failures += await _send(gateway.port, bodies, step, plan.clients)
            trace.append((done, rss_kib(gateway.pid)))
            await HTTPConnection(sim.port).request("GET", "/_bench/calls")
    after = trace[-1][1]
    growth = (after - after_warmup) / after_warmup
    log(
        f"(d) RSS {after_warmup / 1024:.1f} MiB after {plan.warmup} warm-up requests, "
        f"{after / 1024:.1f} MiB after {plan.requests} more: {growth:+.1%}"
    )
    return {
        "warmup_requests": plan.warmup,
        "requests": plan.requests,
        "rss_after_warmup_kib": after_warmup,
        "rss_after_kib": after,
        "growth": growth,
        "trace": trace,
        "server_errors": failures,
    }
