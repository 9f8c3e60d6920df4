"""Issue 6's targets, checked against a results document: met or missed, and by how much."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .stats import Spread


@dataclass(frozen=True, slots=True)
class Verdict:
    target: str
    limit: float
    measured: Spread
    unit: str = "x"
    at_least: bool = False  # the limit is a floor (a speed-up), not a ceiling

    @property
    def met(self) -> bool:
        if self.at_least:
            return self.measured.median >= self.limit
        return self.measured.median <= self.limit

    def row(self) -> str:
        m = self.measured
        value = f"{m.text()}{'' if self.unit == 'x' else ' ' + self.unit}"
        if self.met:
            verdict = "met"
        elif self.unit == "x":
            verdict = f"**missed** by {abs(m.median / self.limit - 1):.0%}"
        else:
            verdict = f"**missed** by {abs(m.median - self.limit):.1f} {self.unit}"
        sign = ">=" if self.at_least else "<="
        limit = f"{sign} {self.limit:g}{self.unit if self.unit == 'x' else ' ' + self.unit}"
        return f"| {self.target} | {limit} | {value} | {verdict} |"


def _point(points: list[dict[str, Any]], resources: int, latency: float) -> dict[str, Any] | None:
    for point in points:
        if (
            point["resources"] == resources
            and point["latency_ms"] == latency
            and not point["jitter_ms"]
        ):
            return point
    return None


def verdicts(results: dict[str, Any]) -> list[Verdict]:
    found: list[Verdict] = []
    overhead = results.get("overhead") or []
    for resources, limit in ((20, 1.08), (200, 1.20)):
        point = _point(overhead, resources, 20)
        if point:
            found.append(
                Verdict(
                    f"(a) p50 vs direct, 20 ms, {resources} resources",
                    limit,
                    Spread(**point["p50_ratio"]),
                )
            )
    point = _point(overhead, 20, 0)
    if point:
        found.append(
            Verdict(
                "(a) added p50, no latency, 20 resources",
                4.0,
                Spread(**point["added_p50_ms"]),
                "ms",
            )
        )
    for point in overhead:
        if point["latency_ms"] in (20,) and point["resources"] in (20, 200):
            jitter = f" +-{point['jitter_ms']:g}" if point["jitter_ms"] else ""
            found.append(
                Verdict(
                    f"(a) gateway p99/p50, {point['latency_ms']:g}{jitter} ms, "
                    f"{point['resources']} resources",
                    1.5,
                    Spread(**point["gateway_tail"]),
                )
            )
    engine = results.get("engine") or {}
    for query, limit in (("small", 1.6), ("nested", 1.3)):
        outcome = engine.get(f"{query}/asgi")
        if outcome:
            found.append(
                Verdict(
                    f"(b) {query} query CPU vs graphql-core (ASGI)",
                    limit,
                    Spread(**outcome["ratio"]["graphql-core"]),
                )
            )
    memory = results.get("memory") or {}
    for peak in memory.get("peaks", []):
        if peak["query"] == "nested":
            ratio = peak["gateway_peak_per_response_byte"]
            found.append(
                Verdict(
                    f"(d) peak allocation / response bytes, {peak['resources']} resources",
                    20.0,
                    Spread(ratio, ratio, ratio, 1),
                )
            )
    growth = memory.get("growth")
    if growth:
        percent = growth["growth"] * 100
        found.append(
            Verdict(
                f"(d) RSS growth after {growth['requests']} mixed requests",
                3.0,
                Spread(percent, percent, percent, 1),
                "%",
            )
        )
    found += _fleet_verdicts(results.get("fleet") or {})
    for store, point in ((results.get("cache") or {}).get("overhead") or {}).items():
        found.append(
            Verdict(
                f"(f) repeated nested query, cache on ({store}), p50 vs direct, "
                f"{point['latency_ms']:g} ms",
                0.2,
                Spread(**point["p50_ratio"]),
            )
        )
    incremental = results.get("incremental")
    if incremental:
        found.append(
            Verdict(
                f"(g) first part over the whole answer, employee table of "
                f"{incremental['rows']} rows, {incremental['latency_ms']:g} ms",
                0.5,
                Spread(**incremental["first_over_plain"]),
            )
        )
    return found


def _fleet_verdicts(fleet: dict[str, Any]) -> list[Verdict]:
    found = []
    if "calls" in fleet:
        found.append(
            Verdict(
                "(e) upstream calls/request, 3 processes over 1 (target: equal)",
                1.1,
                Spread(**fleet["calls"]["ratio"]),
            )
        )
    burst = fleet.get("burst")
    if burst:
        peak = burst.get("peak_posts_per_second")
        if peak is not None:
            found.append(
                Verdict(
                    "(e) most upstream POSTs in a second, one credential, burst on 3 processes",
                    float(burst["configured_rate_per_second"]),
                    Spread(float(peak), float(peak), float(peak), 1),
                    "POSTs",
                )
            )
        refused = float(burst["upstream_429"])
        found.append(
            Verdict(
                "(e) upstream 429s under the burst",
                0,
                Spread(refused, refused, refused, 1),
                "answers",
            )
        )
    if "workers" in fleet:
        found.append(
            Verdict(
                "(e) req/s with --workers 2 over 1, CPU-bound (wrk)",
                1.5,
                Spread(**fleet["workers"]["ratio"]),
                at_least=True,
            )
        )
    return found
