"""Suite (c): throughput and latency under load, the gateway against the direct server.

Both servers are one uvicorn worker in their own process over the same simulator (upstream
latency 50 ms by default); `direct_server` answers the nested query with the direct client.
Open loop: requests start at a fixed rate whatever the answers do, and latency is counted from
when a request was due, so a server falling behind shows in p99 (no coordinated omission).
Closed loop: `concurrency` clients each send the same query back to back. Runs alternate
gateway and direct (ABAB), repeated; each repeat gives one ratio.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from . import processes
from .data import Shape
from .http1 import HTTPConnection, get_json
from .queries import NESTED
from .stats import Spread, percentile

MAX_IN_FLIGHT = 512


@dataclass(frozen=True, slots=True)
class LoadPlan:
    resources: int = 20
    latency_ms: float = 50.0
    jitter_ms: float = 0.0
    rates: tuple[float, ...] = (25, 50, 100)
    concurrency: int = 50
    seconds: float = 8.0
    repeats: int = 3


@dataclass(slots=True)
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    def summary(self) -> dict[str, float]:
        done = len(self.latencies_ms)
        return {
            "requests": done,
            "errors": self.errors,
            "rps": done / self.elapsed if self.elapsed else 0.0,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p99_ms": percentile(self.latencies_ms, 99),
        }


# Seconds a connection may stay idle before it is closed rather than reused: below uvicorn's
# keep-alive timeout (5 s), which closes it on the server's side, as httpx's expiry does.
IDLE_SECONDS = 4.0


class Pool:
    """Idle keep-alive connections to one port, opened on demand."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[HTTPConnection] = []
        self._idle_since: dict[int, float] = {}

    async def _connection(self) -> HTTPConnection:
        now = time.perf_counter()
        while self.idle:
            connection = self.idle.pop()
            if now - self._idle_since.pop(id(connection), now) < IDLE_SECONDS:
                return connection
            await connection.close()
        return HTTPConnection(self.port)

    async def post(self, body: bytes) -> bool:
        return await self.failure(body) is None

    async def failure(self, body: bytes) -> str | None:
        """POST `body`; None when answered 200 without errors, else what went wrong: the
        status and the error codes, or the connection's failure."""
        connection = await self._connection()
        try:
            status, raw = await connection.request("POST", "/graphql", body)
        except (OSError, asyncio.IncompleteReadError) as error:
            await connection.close()
            return type(error).__name__
        self.idle.append(connection)
        self._idle_since[id(connection)] = time.perf_counter()
        if status == 200 and b'"errors"' not in raw:
            return None
        errors = orjson.loads(raw).get("errors") or []
        codes = ",".join(sorted({str(e.get("extensions", {}).get("code")) for e in errors}))
        return f"{status} {codes}".strip()

    async def close(self) -> None:
        for connection in self.idle:
            await connection.close()
        self.idle.clear()
        self._idle_since.clear()


async def open_loop(port: int, body: bytes, rate: float, seconds: float) -> Run:
    pool, run = Pool(port), Run()
    in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def one(due: float) -> None:
        async with in_flight:
            ok = await pool.post(body)
        if ok:
            run.latencies_ms.append((time.perf_counter() - due) * 1000)
        else:
            run.errors += 1

    started = time.perf_counter()
    tasks = []
    for i in range(int(rate * seconds)):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    # Stops by itself: what has not answered within a grace period counts as an error.
    _, pending = await asyncio.wait(tasks, timeout=seconds + 30)
    for task in pending:
        task.cancel()
    run.errors += len(pending)
    run.elapsed = time.perf_counter() - started
    await pool.close()
    return run


async def closed_loop(ports: list[int], body: bytes, clients: int, seconds: float) -> Run:
    """`clients` closed-loop clients, client i on ports[i % len(ports)]."""
    run = Run()
    deadline = time.perf_counter() + seconds

    async def client(port: int) -> None:
        pool = Pool(port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if await pool.post(body):
                run.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                run.errors += 1
        await pool.close()

    started = time.perf_counter()
    tasks = (client(ports[i % len(ports)]) for i in range(clients))
    await asyncio.wait_for(asyncio.gather(*tasks), seconds + 60)
    run.elapsed = time.perf_counter() - started
    return run


def _ratios(gateway: list[dict[str, float]], direct: list[dict[str, float]]) -> dict[str, Any]:
    def spread(key: str) -> dict[str, float | int]:
        pairs = zip(gateway, direct, strict=True)
        return Spread.of([g[key] / d[key] for g, d in pairs if d[key]]).as_dict()

    return {"rps": spread("rps"), "p50": spread("p50_ms"), "p99": spread("p99_ms")}


async def run_load(plan: LoadPlan, log: Callable[[str], None]) -> list[dict[str, Any]]:
    body = orjson.dumps({"query": NESTED})
    scenarios: list[tuple[str, float]] = [("rate", r) for r in plan.rates]
    scenarios.append(("clients", float(plan.concurrency)))
    runs: dict[tuple[str, float], dict[str, list[dict[str, float]]]] = {
        s: {"gateway": [], "direct": []} for s in scenarios
    }
    shape = Shape(plan.resources)
    with (
        processes.simulator(shape) as sim,
        processes.gateway(sim) as gateway,
        processes.direct_server(sim) as direct,
    ):
        ports = {"gateway": gateway.port, "direct": direct.port}
        latency = f"latency={plan.latency_ms / 1000}&jitter={plan.jitter_ms / 1000}"
        await get_json(sim.port, f"/_bench/latency?{latency}")
        for port in ports.values():  # warm-up
            await closed_loop([port], body, 4, 1.0)
        for repeat in range(plan.repeats):
            for kind, amount in scenarios:
                order = ["gateway", "direct"] if repeat % 2 == 0 else ["direct", "gateway"]
                for side in order:
                    if kind == "rate":
                        run = await open_loop(ports[side], body, amount, plan.seconds)
                    else:
                        run = await closed_loop([ports[side]], body, int(amount), plan.seconds)
                    summary = run.summary()
                    # Read (and reset, which keeps the simulator's log small) its call count.
                    counted = await get_json(sim.port, "/_bench/calls")
                    assert isinstance(counted, dict)
                    calls = sum(counted["calls"].values())
                    summary["upstream_calls_per_request"] = calls / max(1, summary["requests"])
                    runs[(kind, amount)][side].append(summary)
    results = []
    for (kind, amount), sides in runs.items():
        point: dict[str, Any] = {
            "scenario": kind,
            "rate" if kind == "rate" else "clients": amount,
            "latency_ms": plan.latency_ms,
            "resources": plan.resources,
            "gateway": sides["gateway"],
            "direct": sides["direct"],
            "ratio": _ratios(sides["gateway"], sides["direct"]),
        }
        results.append(point)
        g = Spread.of([r["rps"] for r in sides["gateway"]])
        d = Spread.of([r["rps"] for r in sides["direct"]])
        p50, p99 = Spread(**point["ratio"]["p50"]), Spread(**point["ratio"]["p99"])
        log(
            f"(c) {kind} {amount:g}: rps {g.median:.1f} vs {d.median:.1f}; "
            f"p50 x{p50.text()}, p99 x{p99.text()}"
        )
    return results
