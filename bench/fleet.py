"""Suite (e): a fleet. Upstream calls per request on 1 and on 3 processes, POSTs per credential
from 3 processes under a burst, and requests per second with 2 workers against 1.

(i) and (ii) run gateways as `gql-server serve` on the bench simulator; the 3 processes share
one redis-server (GQL_REDIS_URL), the single one runs as today, on its own. Calls and their
statuses are counted at the simulator. (iii) runs `serve --workers N` on demo data (the
upstream inside each worker: the load is bound by the gateway's CPU) under wrk, a client that
costs little CPU itself, so that the cores go to the workers; 1 and 2 workers alternate.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from . import processes
from .data import Shape
from .http1 import HTTPConnection, get_json
from .load import closed_loop
from .queries import NESTED, SMALL
from .stats import Spread

REPLICAS = 3


@dataclass(frozen=True, slots=True)
class FleetPlan:
    resources: int = 20
    latency_ms: float = 20.0
    clients: int = 30
    seconds: float = 5.0
    repeats: int = 2
    burst: int = 60
    # UPSTREAM_RATE_POST of the gateways, and the write limit the simulator enforces with
    # 429s, as Factorial does: per second, so that a burst shows the governor in seconds.
    post_rate: int = 20
    wrk_seconds: float = 10.0
    wrk_connections: int = 32


async def _counted(sim: processes.Server) -> dict[str, Any]:
    """The simulator's counts since the last read, which resets them."""
    counted = await get_json(sim.port, "/_bench/calls")
    assert isinstance(counted, dict)
    return counted


@contextlib.contextmanager
def _gateways(sim: processes.Server, count: int, env: dict[str, str]) -> Iterator[list[int]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(processes.gateway(sim, env)).port for _ in range(count)]


async def _calls_per_request(
    plan: FleetPlan, sim: processes.Server, sides: dict[str, list[int]], log: Callable[[str], None]
) -> dict[str, Any]:
    body = orjson.dumps({"query": NESTED})
    runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for ports in sides.values():  # warm-up: documents parsed, connections open
        await closed_loop(ports, body, 4, 1.0)
    for repeat in range(plan.repeats):
        order = list(sides) if repeat % 2 == 0 else list(reversed(sides))
        for side in order:
            await _counted(sim)
            run = await closed_loop(sides[side], body, plan.clients, plan.seconds)
            calls = sum((await _counted(sim))["calls"].values())
            summary = run.summary()
            summary["upstream_calls_per_request"] = calls / max(1, summary["requests"])
            runs[side].append(summary)
    one, three = runs["1 process"], runs[f"{REPLICAS} processes"]
    ratio = Spread.of(
        [
            t["upstream_calls_per_request"] / o["upstream_calls_per_request"]
            for o, t in zip(one, three, strict=True)
            if o["upstream_calls_per_request"]
        ]
    )
    log(f"(e) calls/request, {REPLICAS} processes over 1: x{ratio.text()}")
    return {"runs": runs, "ratio": ratio.as_dict()}


async def _post_burst(
    plan: FleetPlan, sim: processes.Server, ports: list[int], log: Callable[[str], None]
) -> dict[str, Any]:
    await _counted(sim)
    await get_json(sim.port, f"/_bench/write-limit?count={plan.post_rate}&seconds=1")
    outcomes: dict[str, int] = {}

    async def create(i: int) -> None:
        mutation = (
            f'mutation {{ createSchema(input: {{name: "Burst {i}", companyId: "1"}}) {{ id }} }}'
        )
        connection = HTTPConnection(ports[i % len(ports)])
        try:
            status, raw = await connection.post_json("/graphql", {"query": mutation})
        finally:
            await connection.close()
        answer = orjson.loads(raw)
        codes = [e.get("extensions", {}).get("code", "?") for e in answer.get("errors") or []]
        key = f"{status} {','.join(codes) or 'ok'}"
        outcomes[key] = outcomes.get(key, 0) + 1

    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(create(i) for i in range(plan.burst))), 120)
    elapsed = time.perf_counter() - started
    counted = await _counted(sim)
    await get_json(sim.port, "/_bench/write-limit?count=0")
    posts = sum(n for key, n in counted["calls"].items() if key.startswith("POST "))
    result = {
        "mutations": plan.burst,
        "processes": len(ports),
        "seconds": elapsed,
        "upstream_posts": posts,
        "configured_rate_per_second": plan.post_rate,
        # The most POSTs the simulator saw from the credential in any one-second window.
        "peak_posts_per_second": counted.get("write_peak"),
        "upstream_429": counted["statuses"].get("429", 0),
        "answers": outcomes,
    }
    log(
        f"(e) burst of {plan.burst} createSchema on {len(ports)} processes at "
        f"{plan.post_rate}/second: {posts} POSTs in {elapsed:.1f} s, at most "
        f"{result['peak_posts_per_second']} in a second, {result['upstream_429']} answered 429"
    )
    return result


def _wrk(port: int, script: str, seconds: float, connections: int) -> dict[str, float]:
    completed = subprocess.run(
        [
            *("wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "-s", script),
            f"http://127.0.0.1:{port}/graphql",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = completed.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": float(sum(int(n) for n in errors.groups())) if errors else 0.0,
    }


async def _ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        connection = HTTPConnection(port)
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            status, _ = await connection.request("GET", "/readyz")
            if status == 200:
                await connection.close()
                return
        await connection.close()
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the gateway on {port} was not ready in 30 s")


async def _workers(plan: FleetPlan, log: Callable[[str], None]) -> dict[str, Any]:
    runs: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    body = orjson.dumps({"query": SMALL}).decode()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {orjson.dumps(body).decode()}\n"
        )
        script.flush()
        for repeat in range(plan.repeats):
            for workers in (1, 2) if repeat % 2 == 0 else (2, 1):
                with processes.demo_gateway(workers) as gateway:
                    await _ready(gateway.port)
                    # Every worker started, its documents parsed, before the measured run.
                    _wrk(gateway.port, script.name, 3, plan.wrk_connections)
                    runs[workers].append(
                        _wrk(gateway.port, script.name, plan.wrk_seconds, plan.wrk_connections)
                    )
    ratio = Spread.of([t["rps"] / o["rps"] for o, t in zip(runs[1], runs[2], strict=True)])
    one = Spread.of([r["rps"] for r in runs[1]])
    two = Spread.of([r["rps"] for r in runs[2]])
    log(f"(e) wrk: {two.median:.0f} vs {one.median:.0f} req/s, 2 workers over 1 x{ratio.text()}")
    return {
        "query": "small",
        "connections": plan.wrk_connections,
        "seconds": plan.wrk_seconds,
        "runs": {str(k): v for k, v in runs.items()},
        "ratio": ratio.as_dict(),
    }


async def run_fleet(plan: FleetPlan, log: Callable[[str], None]) -> dict[str, Any]:
    shape = Shape(plan.resources)
    results: dict[str, Any] = {"resources": plan.resources, "latency_ms": plan.latency_ms}
    base = {"GQL_LOG_LEVEL": "warning"}
    base["UPSTREAM_RATE_POST"] = f"{plan.post_rate}/second"
    with processes.redis() as redis, processes.simulator(shape) as sim:
        shared = {
            **base,
            "GQL_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "GQL_FLEET_SIZE": str(REPLICAS),
        }
        with _gateways(sim, 1, base) as one, _gateways(sim, REPLICAS, shared) as three:
            await get_json(sim.port, f"/_bench/latency?latency={plan.latency_ms / 1000}")
            sides = {"1 process": one, f"{REPLICAS} processes": three}
            results["calls"] = await _calls_per_request(plan, sim, sides, log)
            await get_json(sim.port, "/_bench/latency?latency=0")
            results["burst"] = await _post_burst(plan, sim, three, log)
    results["workers"] = await _workers(plan, log)
    return results
