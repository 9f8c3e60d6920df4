"""`python -m bench`: run the suites, write results.json, RESULTS.md and plots.

Every size, latency and duration is a flag; `--quick` picks small defaults (about 2 minutes),
the defaults without it run the full suite (about 10 minutes on two shared cores).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from .load import LoadPlan, run_load
from .memory import MemoryPlan
from .overhead import OverheadPlan, run_overhead
from .report import write

SUITES = ("a", "b", "c", "d", "e", "f", "g", "profile")
RESULTS = Path(__file__).resolve().parent / "results"

FULL: dict[str, Any] = {
    "sizes": "20,200,1000",
    "latencies": "0,5,20,100",
    "jitter": 10.0,
    "jittered": "20",
    "jittered_sizes": "20,200",
    "seconds": 20.0,
    "rounds": 5,
    "engine_resources": 100,
    "engine_batch": 50,
    "engine_rounds": 15,
    "load_rates": "25,50,100",
    "load_clients": 50,
    "load_seconds": 8.0,
    "load_repeats": 3,
    "memory_sizes": "20,200,1000",
    "memory_warmup": 1000,
    "memory_requests": 10_000,
    "profile_resources": 200,
    "profile_requests": 20,
    "fleet_seconds": 6.0,
    "fleet_repeats": 3,
    "fleet_wrk_seconds": 10.0,
    "cache_seconds": 10.0,
    "cache_rounds": 5,
    "cache_dashboard_seconds": 12.0,
    "cache_repeats": 2,
    "incremental_seconds": 20.0,
    "incremental_rounds": 5,
}
QUICK: dict[str, Any] = {
    **FULL,
    "sizes": "20,200",
    "latencies": "0,20",
    "jittered_sizes": "20",
    "seconds": 4.0,
    "rounds": 3,
    "engine_resources": 50,
    "engine_batch": 20,
    "engine_rounds": 3,
    "load_rates": "25,50",
    "load_clients": 20,
    "load_seconds": 2.5,
    "load_repeats": 2,
    "memory_sizes": "20,200",
    "memory_warmup": 300,
    "memory_requests": 2000,
    "profile_requests": 5,
    "fleet_seconds": 3.0,
    "fleet_repeats": 2,
    "fleet_wrk_seconds": 5.0,
    "cache_seconds": 4.0,
    "cache_rounds": 3,
    "cache_dashboard_seconds": 6.0,
    "cache_repeats": 2,
    "incremental_seconds": 6.0,
    "incremental_rounds": 3,
}


def _numbers(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part.strip())


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in _numbers(text))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes and short runs (~2 min)")
    p.add_argument("--only", default=",".join(SUITES), help="suites to run: a,b,c,d,e,f,g,profile")
    p.add_argument("--out", type=Path, help="results directory (default bench/results[/quick])")
    a = p.add_argument_group("(a) overhead")
    a.add_argument("--sizes", help="resources, comma-separated")
    a.add_argument("--latencies", help="fixed upstream latencies in ms")
    a.add_argument("--jitter", type=float, help="jitter (ms, uniform) of the jittered points")
    a.add_argument("--jittered", help="latencies also run with jitter")
    a.add_argument("--jittered-sizes", help="sizes also run with jitter")
    a.add_argument("--seconds", type=float, help="seconds per point (both sides together)")
    a.add_argument("--rounds", type=int, help="rounds per point (each gives one ratio)")
    a.add_argument("--values", type=int, default=3, help="values (rows) per resource")
    a.add_argument("--per-schema", type=int, default=50, help="resources per schema")
    b = p.add_argument_group("(b) engine")
    b.add_argument("--engine-resources", type=int)
    b.add_argument("--engine-batch", type=int, help="small-query requests per batch (nested: /5)")
    b.add_argument("--engine-rounds", type=int)
    c = p.add_argument_group("(c) load")
    c.add_argument("--load-rates", help="offered rates, requests/s")
    c.add_argument("--load-clients", type=int, help="concurrent clients of the closed loop")
    c.add_argument("--load-seconds", type=float)
    c.add_argument("--load-repeats", type=int)
    c.add_argument("--load-latency", type=float, default=50.0, help="upstream latency, ms")
    c.add_argument("--load-jitter", type=float, default=0.0, help="upstream jitter, ms")
    c.add_argument("--load-resources", type=int, default=20)
    d = p.add_argument_group("(d) memory")
    d.add_argument("--memory-sizes")
    d.add_argument("--memory-warmup", type=int)
    d.add_argument("--memory-requests", type=int)
    d.add_argument("--memory-resources", type=int, default=20, help="data of the growth run")
    e = p.add_argument_group("(e) fleet")
    e.add_argument("--fleet-clients", type=int, default=30, help="clients of the closed loop")
    e.add_argument("--fleet-seconds", type=float, help="seconds per closed-loop run")
    e.add_argument("--fleet-repeats", type=int, help="runs per side, alternating")
    e.add_argument("--fleet-latency", type=float, default=20.0, help="upstream latency, ms")
    e.add_argument("--fleet-resources", type=int, default=20)
    e.add_argument("--fleet-burst", type=int, default=60, help="createSchema mutations at once")
    e.add_argument(
        "--fleet-post-rate",
        type=int,
        default=20,
        help="POSTs a second: the gateways' UPSTREAM_RATE_POST and the simulator's 429 limit",
    )
    e.add_argument("--fleet-wrk-seconds", type=float, help="seconds of each measured wrk run")
    e.add_argument("--fleet-wrk-connections", type=int, default=32)
    f = p.add_argument_group("(f) shared read cache")
    f.add_argument("--cache-seconds", type=float, help="seconds of the cached-query rounds")
    f.add_argument("--cache-rounds", type=int, help="rounds of the cached query")
    f.add_argument("--cache-latency", type=float, default=20.0, help="upstream latency, ms")
    f.add_argument("--cache-dashboards", type=int, default=24, help="dashboards at once")
    f.add_argument("--cache-dashboard-seconds", type=float, help="seconds of each load run")
    f.add_argument("--cache-repeats", type=int, help="load runs per side, alternating")
    f.add_argument("--cache-ttl", type=float, default=5.0, help="GQL_CACHE_TTL of the load")
    f.add_argument("--cache-stale", type=float, default=5.0, help="GQL_CACHE_STALE of the load")
    g = p.add_argument_group("(g) incremental delivery")
    g.add_argument("--incremental-rows", type=int, default=100, help="rows of the table")
    g.add_argument("--incremental-columns", type=int, default=6, help="columns of the table")
    g.add_argument("--incremental-latency", type=float, default=20.0, help="upstream ms")
    g.add_argument("--incremental-seconds", type=float, help="seconds of all rounds")
    g.add_argument("--incremental-rounds", type=int)
    pr = p.add_argument_group("profiles")
    pr.add_argument("--profile-resources", type=int)
    pr.add_argument("--profile-requests", type=int)
    return p


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    suites = {s.strip() for s in args.only.split(",")}
    out: Path = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - started:6.0f}s] {line}", flush=True)

    results: dict[str, Any] = {
        "run": {
            "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "mode": "quick" if args.quick else "full",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
            "arguments": {k: str(v) for k, v in vars(args).items()},
        }
    }
    steps: list[tuple[str, str, Callable[[], Any]]] = [
        (
            "a",
            "overhead",
            lambda: _run(
                run_overhead(
                    OverheadPlan(
                        sizes=_ints(args.sizes),
                        latencies_ms=_numbers(args.latencies),
                        jitter_ms=args.jitter,
                        jittered_latencies_ms=_numbers(args.jittered),
                        jittered_sizes=_ints(args.jittered_sizes),
                        seconds_per_point=args.seconds,
                        rounds=args.rounds,
                        values=args.values,
                        per_schema=args.per_schema,
                    ),
                    log,
                )
            ),
        ),
        (
            "b",
            "engine",
            lambda: _run(_engine(args, log)),
        ),
        (
            "c",
            "load",
            lambda: _run(
                run_load(
                    LoadPlan(
                        resources=args.load_resources,
                        latency_ms=args.load_latency,
                        jitter_ms=args.load_jitter,
                        rates=_numbers(args.load_rates),
                        concurrency=args.load_clients,
                        seconds=args.load_seconds,
                        repeats=args.load_repeats,
                    ),
                    log,
                )
            ),
        ),
        (
            "d",
            "memory",
            lambda: _memory(
                MemoryPlan(
                    sizes=_ints(args.memory_sizes),
                    warmup=args.memory_warmup,
                    requests=args.memory_requests,
                    growth_resources=args.memory_resources,
                ),
                log,
            ),
        ),
        (
            "e",
            "fleet",
            lambda: _run(_fleet(args, log)),
        ),
        (
            "f",
            "cache",
            lambda: _run(_cache(args, log)),
        ),
        (
            "g",
            "incremental",
            lambda: _run(_incremental(args, log)),
        ),
        (
            "profile",
            "profiles",
            lambda: _run(_profiles(args.profile_resources, args.profile_requests, out, log)),
        ),
    ]
    for suite, key, step in steps:
        if suite in suites:
            results[key] = step()
            results["run"]["seconds"] = time.monotonic() - started
            write(results, out)  # after every suite: a late failure keeps the earlier ones
    log(f"wrote {out / 'RESULTS.md'}")


# Suites (b), (d) and the profiles need the bench extra (Ariadne, pyinstrument), (e) needs
# Debian's wrk and redis-server, (f) redis-server: imported only when they run, so that (a)
# and (c) work with the gateway's own dependencies.


def _engine(args: argparse.Namespace, log: Callable[[str], None]) -> Coroutine[Any, Any, Any]:
    from .engine import EnginePlan, run_engine

    plan = EnginePlan(
        nested_resources=args.engine_resources,
        per_schema=args.per_schema,
        values=args.values,
        batch=args.engine_batch,
        rounds=args.engine_rounds,
    )
    return run_engine(plan, log)


def _fleet(args: argparse.Namespace, log: Callable[[str], None]) -> Coroutine[Any, Any, Any]:
    from .fleet import FleetPlan, run_fleet

    plan = FleetPlan(
        resources=args.fleet_resources,
        latency_ms=args.fleet_latency,
        clients=args.fleet_clients,
        seconds=args.fleet_seconds,
        repeats=args.fleet_repeats,
        burst=args.fleet_burst,
        post_rate=args.fleet_post_rate,
        wrk_seconds=args.fleet_wrk_seconds,
        wrk_connections=args.fleet_wrk_connections,
    )
    return run_fleet(plan, log)


def _cache(args: argparse.Namespace, log: Callable[[str], None]) -> Coroutine[Any, Any, Any]:
    from .cache import CachePlan, run_cache

    plan = CachePlan(
        latency_ms=args.cache_latency,
        ttl=args.cache_ttl,
        stale=args.cache_stale,
        seconds=args.cache_seconds,
        rounds=args.cache_rounds,
        dashboards=args.cache_dashboards,
        dashboard_seconds=args.cache_dashboard_seconds,
        repeats=args.cache_repeats,
    )
    return run_cache(plan, log)


def _incremental(args: argparse.Namespace, log: Callable[[str], None]) -> Coroutine[Any, Any, Any]:
    from .incremental import IncrementalPlan, run_incremental

    plan = IncrementalPlan(
        rows=args.incremental_rows,
        columns=args.incremental_columns,
        latency_ms=args.incremental_latency,
        seconds=args.incremental_seconds,
        rounds=args.incremental_rounds,
    )
    return run_incremental(plan, log)


def _memory(plan: MemoryPlan, log: Callable[[str], None]) -> dict[str, Any]:
    from .memory import run_growth, run_peaks

    return {"peaks": _run(run_peaks(plan, log)), "growth": _run(run_growth(plan, log))}


def _profiles(
    resources: int, requests: int, out: Path, log: Callable[[str], None]
) -> Coroutine[Any, Any, Any]:
    from .profiles import run_profiles

    return run_profiles(resources, requests, out, log)
