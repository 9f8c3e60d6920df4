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

    @property
    def met(self) -> bool:
        return self.measured.median <= self.limit

    def row(self) -> str:
        m = self.measured
        value = f"{m.text()}{'' if self.unit == 'x' else ' ' + self.unit}"
        if self.met:
            verdict = "met"
        elif self.unit == "x":
            verdict = f"**missed** by {m.median / self.limit - 1:.0%}"
        else:
            verdict = f"**missed** by {m.median - self.limit:.1f} {self.unit}"
        limit = f"<= {self.limit:g}{self.unit if self.unit == 'x' else ' ' + self.unit}"
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
    return found
