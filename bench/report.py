"""The results document: results.json, RESULTS.md and plots, written to one directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from .stats import Spread
from .targets import verdicts


def _s(raw: dict[str, Any], digits: int = 2) -> str:
    return Spread(**raw).text(digits)


def _overhead_table(points: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| resources | latency ms | calls | gateway p50 / p99 ms | direct p50 / p99 ms "
        "| p50 ratio | p99 ratio | added p50 ms | gateway p99/p50 | direct p99/p50 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        latency = f"{p['latency_ms']:g}" + (f" +-{p['jitter_ms']:g}" if p["jitter_ms"] else "")
        g, d = p["gateway_ms"], p["direct_ms"]
        lines.append(
            f"| {p['resources']} | {latency} | {p['upstream_calls']} "
            f"| {g['p50']:.1f} / {g['p99']:.1f} | {d['p50']:.1f} / {d['p99']:.1f} "
            f"| {_s(p['p50_ratio'])} | {_s(p['p99_ratio'])} | {_s(p['added_p50_ms'], 1)} "
            f"| {_s(p['gateway_tail'])} | {_s(p['direct_tail'])} |"
        )
    return lines


def _engine_table(engine: dict[str, Any]) -> list[str]:
    lines = [
        "| query / path | gateway CPU ms | graphql-core CPU ms | Ariadne CPU ms "
        "| gateway / graphql-core | gateway / Ariadne |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, outcome in engine.items():
        if "/" not in key:
            continue
        cpu, ratio = outcome["cpu_ms"], outcome["ratio"]
        lines.append(
            f"| {key} | {_s(cpu['gateway'], 3)} | {_s(cpu['graphql-core'], 3)} "
            f"| {_s(cpu['ariadne'], 3)} | {_s(ratio['graphql-core'])} | {_s(ratio['ariadne'])} |"
        )
    return lines


def _load_table(points: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| scenario | gateway rps | direct rps | gateway p50 / p99 ms | direct p50 / p99 ms "
        "| p50 ratio | p99 ratio | upstream calls/request (gateway, direct) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        name = f"{p['rate']:g} req/s" if p["scenario"] == "rate" else f"{p['clients']:g} clients"

        def med(side: str, key: str, p: dict[str, Any] = p) -> float:
            return Spread.of([run[key] for run in p[side]]).median

        lines.append(
            f"| {name} | {med('gateway', 'rps'):.1f} | {med('direct', 'rps'):.1f} "
            f"| {med('gateway', 'p50_ms'):.0f} / {med('gateway', 'p99_ms'):.0f} "
            f"| {med('direct', 'p50_ms'):.0f} / {med('direct', 'p99_ms'):.0f} "
            f"| {_s(p['ratio']['p50'])} | {_s(p['ratio']['p99'])} "
            f"| {med('gateway', 'upstream_calls_per_request'):.2f}, "
            f"{med('direct', 'upstream_calls_per_request'):.2f} |"
        )
    return lines


def _memory_tables(memory: dict[str, Any]) -> list[str]:
    lines = [
        "| query | resources | response KiB | gateway peak KiB | peak / response "
        "| direct client peak KiB | gateway / direct "
        "| peak / response: direct, graphql-core, Ariadne |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in memory.get("peaks", []):
        direct = p.get("direct_peak_bytes")
        direct_kib = "" if direct is None else f"{direct / 1024:.0f}"
        versus = "" if direct is None else f"{p['peak_ratio_to_direct']:.1f}"
        others = []
        if direct is not None:
            others.append(f"{p['direct_peak_per_response_byte']:.1f}")
        for baseline in p.get("baselines", {}).values():
            others.append(f"{baseline['peak_per_response_byte']:.1f}")
        lines.append(
            f"| {p['query']} | {p['resources']} | {p['response_bytes'] / 1024:.1f} "
            f"| {p['gateway_peak_bytes'] / 1024:.0f} | {p['gateway_peak_per_response_byte']:.1f} "
            f"| {direct_kib} | {versus} | {', '.join(others)} |"
        )
    growth = memory.get("growth")
    if growth:
        lines += [
            "",
            f"Gateway RSS: {growth['rss_after_warmup_kib'] / 1024:.1f} MiB after "
            f"{growth['warmup_requests']} warm-up requests, {growth['rss_after_kib'] / 1024:.1f} "
            f"MiB after {growth['requests']} more mixed requests: **{growth['growth']:+.1%}** "
            f"({growth['server_errors']} server errors).",
        ]
    return lines


def _fleet_tables(fleet: dict[str, Any]) -> list[str]:
    lines = []
    calls = fleet.get("calls")
    if calls:
        lines += [
            f"Upstream calls per request, the nested query ({fleet['resources']} resources, "
            f"{fleet['latency_ms']:g} ms upstream) from the same closed-loop clients, spread "
            "round-robin over the processes; the 3 share one Redis, the 1 runs as today:",
            "",
            "| processes | requests/s | calls/request | errors |",
            "|---|---:|---:|---:|",
        ]
        for side, runs in calls["runs"].items():
            rps = Spread.of([r["rps"] for r in runs])
            per = Spread.of([r["upstream_calls_per_request"] for r in runs])
            errors = sum(int(r["errors"]) for r in runs)
            lines.append(f"| {side} | {rps.text(1)} | {per.text()} | {errors} |")
        lines += ["", f"3 processes over 1: **{_s(calls['ratio'])}**", ""]
    burst = fleet.get("burst")
    if burst:
        answers = ", ".join(f"{k}: {n}" for k, n in sorted(burst["answers"].items()))
        lines += [
            f"A burst of {burst['mutations']} createSchema mutations at once over "
            f"{burst['processes']} processes sharing one Redis, one credential, "
            f"`UPSTREAM_RATE_POST={burst['configured_rate_per_second']}/second` and the "
            f"simulator refusing writes past that rate with 429 as Factorial does: "
            f"{burst['upstream_posts']} upstream POSTs in {burst['seconds']:.1f} s, at most "
            f"{burst['peak_posts_per_second']} in any second, {burst['upstream_429']} answered "
            f"429 by the upstream. Answers: {answers}.",
            "",
        ]
    workers = fleet.get("workers")
    if workers:
        lines += [
            f"wrk (`-t1 -c{workers['connections']}`, {workers['seconds']:g} s a run) posting "
            "the small query to `serve --workers N` on demo data (upstream in-process):",
            "",
            "| workers | requests/s | non-2xx | socket errors |",
            "|---|---:|---:|---:|",
        ]
        for count, runs in workers["runs"].items():
            rps = Spread.of([r["rps"] for r in runs])
            bad = sum(int(r["non_2xx"]) for r in runs)
            errors = sum(int(r["socket_errors"]) for r in runs)
            lines.append(f"| {count} | {rps.text(0)} | {bad} | {errors} |")
        lines += ["", f"2 workers over 1: **{_s(workers['ratio'])}**"]
    return lines


def _cache_tables(cache: dict[str, Any]) -> list[str]:
    lines = []
    overhead = cache.get("overhead") or {}
    if overhead:
        first = next(iter(overhead.values()))
        lines += [
            f"(i) The nested query ({first['resources']} resources, {first['latency_ms']:g} ms "
            "upstream) asked again and again, the gateway keeping upstream answers "
            "(`GQL_CACHE_TTL`) against the direct client, which has no cache; alternating "
            "requests, per-round ratios:",
            "",
            "| cache store | gateway p50 ms | direct p50 ms | p50 ratio | upstream calls "
            "while measured (the direct client's) |",
            "|---|---:|---:|---:|---|",
        ]
        for store, point in overhead.items():
            lines.append(
                f"| {store} | {point['gateway_ms']['p50']:.2f} | "
                f"{point['direct_ms']['p50']:.2f} | {_s(point['p50_ratio'], 3)} | "
                f"{point['measured_upstream_calls']} ({point['measured_direct_calls']}) |"
            )
        lines.append("")
    dashboards = cache.get("dashboards")
    if dashboards:
        lines += [
            f"(ii) {dashboards['dashboards']} dashboards on 3 gateways sharing one Redis, each "
            "loading a page of four queries (the nested table, the schema list, a resource by "
            f"id, the rows of three employees) about every {dashboards['think_seconds']:g} s "
            f"for {dashboards['seconds']:g} s, one page in {dashboards['write_every_pages']} "
            f"also creating a schema; {dashboards['latency_ms']:g} ms upstream; cache "
            f"`GQL_CACHE_TTL={dashboards['ttl']:g}`, `GQL_CACHE_STALE={dashboards['stale']:g}`:",
            "",
            "| cache | requests | upstream calls/request | page p50 ms | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for side, runs in dashboards["runs"].items():
            requests = sum(int(r["requests"]) for r in runs)
            per = Spread.of([r["upstream_calls_per_request"] for r in runs])
            page = Spread.of([r["page_p50_ms"] for r in runs])
            errors: dict[str, int] = {}
            for run in runs:
                for what, count in run["errors"].items():
                    errors[what] = errors.get(what, 0) + count
            shown = ", ".join(f"{n} {what}" for what, n in sorted(errors.items())) or "0"
            lines.append(f"| {side} | {requests} | {per.text(3)} | {page.text(1)} | {shown} |")
        lines += ["", f"Calls per request, cache on over off: **{_s(dashboards['ratio'], 3)}**"]
    return lines


def _incremental_lines(point: dict[str, Any]) -> list[str]:
    return [
        f"The employee-table query over {point['rows']} rows of {point['columns']} columns, "
        f"{point['latency_ms']:g} ms upstream ({sum(point['upstream_calls'].values())} upstream "
        "calls a request, one a row for its cells, the same with and without the directive), "
        "each row's cells in "
        "`... @defer`, read as Apollo Client 4 asks (`multipart/mixed;deferSpec=20220824`; "
        f"{point['parts']} parts), against the same query without `@defer`; "
        f"{point['samples']} requests of each, alternating:",
        "",
        "| measure | ms (median of round medians) |",
        "|---|---:|",
        f"| first part (the rows) | {_s(point['first_ms'], 1)} |",
        f"| last part (every cell) | {_s(point['whole_ms'], 1)} |",
        f"| plain answer | {_s(point['plain_ms'], 1)} |",
        "",
        f"First part over the plain answer: **{_s(point['first_over_plain'])}**; over the "
        f"last part: {_s(point['first_over_whole'])}; last part over the plain answer: "
        f"{_s(point['whole_over_plain'])}.",
    ]


def markdown(results: dict[str, Any]) -> str:
    run = results["run"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {run['started']} ({run['mode']}, {run['seconds']:.0f} s) on {run['machine']}. "
        "Every number is a ratio to a baseline measured in the same run, interleaved; "
        "`median (lowest-highest)` over repeated rounds. Command: "
        f"`{run['command']}`.",
        "",
        "## Targets",
        "",
        "| target | limit | measured | verdict |",
        "|---|---|---|---|",
        *(v.row() for v in verdicts(results)),
    ]
    if results.get("overhead"):
        lines += [
            "",
            "## (a) Overhead over the upstream: nested query vs the direct client",
            "",
            *_overhead_table(results["overhead"]),
            "",
            "![p50 ratio by upstream latency](overhead.png)",
        ]
    if results.get("engine"):
        shape = results["engine"]["shape"]
        lines += [
            "",
            f"## (b) Engine CPU per request (nested: {shape['resources']} resources, "
            f"{shape['values']} values each)",
            "",
            *_engine_table(results["engine"]),
        ]
    if results.get("load"):
        first = results["load"][0]
        lines += [
            "",
            f"## (c) Under load: {first['resources']} resources, upstream latency "
            f"{first['latency_ms']:g} ms, gateway vs direct server",
            "",
            *_load_table(results["load"]),
            "",
            "![latency under load](load.png)",
        ]
    if results.get("memory"):
        lines += ["", "## (d) Memory", "", *_memory_tables(results["memory"])]
    if results.get("fleet"):
        lines += ["", "## (e) Fleet", "", *_fleet_tables(results["fleet"])]
    if results.get("cache"):
        lines += ["", "## (f) Shared read cache", "", *_cache_tables(results["cache"])]
    if results.get("incremental"):
        point = results["incremental"]
        lines += ["", "## (g) Incremental delivery", "", *_incremental_lines(point)]
    if results.get("profiles"):
        lines += ["", "## Profiles", ""]
        for name, summary in results["profiles"].items():
            lines += [f"`profile-{name}.txt`:", "", "```", summary.strip(), "```", ""]
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], out: Path) -> None:
    try:
        import matplotlib
    except ImportError:  # the bench extra is not installed: tables only
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    overhead = [p for p in results.get("overhead") or [] if not p["jitter_ms"]]
    if overhead:
        figure, axis = plt.subplots(figsize=(6.5, 4))
        for size in sorted({p["resources"] for p in overhead}):
            points = sorted(
                (p for p in overhead if p["resources"] == size), key=lambda p: p["latency_ms"]
            )
            x = [max(p["latency_ms"], 1) for p in points]
            y = [p["p50_ratio"]["median"] for p in points]
            low = [p["p50_ratio"]["median"] - p["p50_ratio"]["low"] for p in points]
            high = [p["p50_ratio"]["high"] - p["p50_ratio"]["median"] for p in points]
            axis.errorbar(x, y, yerr=[low, high], marker="o", capsize=3, label=f"{size} resources")
        axis.axhline(1.08, color="green", linestyle=":", label="target 1.08 (20 res., 20 ms)")
        axis.axhline(1.20, color="orange", linestyle=":", label="target 1.20 (200 res., 20 ms)")
        axis.set_xscale("log")
        axis.set_xlabel("upstream latency, ms (0 drawn at 1)")
        axis.set_ylabel("gateway p50 / direct client p50")
        axis.set_title("(a) nested query: gateway over direct client")
        axis.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(out / "overhead.png", dpi=110)
        plt.close(figure)
    load = [p for p in results.get("load") or [] if p["scenario"] == "rate"]
    if load:
        figure, axis = plt.subplots(figsize=(6.5, 4))
        for side, color in (("gateway", "tab:blue"), ("direct", "tab:gray")):
            rates = [p["rate"] for p in load]
            for key, style in (("p50_ms", "-"), ("p99_ms", "--")):
                values = [Spread.of([r[key] for r in p[side]]).median for p in load]
                axis.plot(rates, values, style, marker="o", color=color, label=f"{side} {key[:3]}")
        axis.set_yscale("log")
        axis.set_xlabel("offered rate, requests/s")
        axis.set_ylabel("latency, ms")
        axis.set_title(f"(c) nested query under load, upstream {load[0]['latency_ms']:g} ms")
        axis.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(out / "load.png", dpi=110)
        plt.close(figure)


def write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    options = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
    (out / "results.json").write_bytes(orjson.dumps(results, option=options) + b"\n")
    (out / "RESULTS.md").write_text(markdown(results))
    plot(results, out)
