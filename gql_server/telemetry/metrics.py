"""Prometheus metrics of one app: requests, errors by code, upstream calls and holds, breaker,
the read cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """The app's own registry (never the global one, so apps and tests never mix counts).

    It is the upstream client's `CallObserver` and the endpoint's request observer.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "gql_requests",
            "GraphQL requests answered, by HTTP status.",
            ["status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "gql_request_duration_seconds",
            "Time to answer a GraphQL request.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "gql_errors",
            "Errors in GraphQL responses, by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self.upstream_calls = Counter(
            "gql_upstream_calls",
            "Calls made to Factorial, by route and outcome (HTTP status or error code).",
            ["method", "route", "outcome"],
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            "gql_upstream_duration_seconds",
            "Time of one call to Factorial.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.retries = Counter(
            "gql_upstream_retries",
            "Calls to Factorial tried again.",
            ["route"],
            registry=self.registry,
        )
        self.held = Counter(
            "gql_upstream_rate_limited",
            "Calls to Factorial the rate governor held back: delayed for their slot, or "
            "refused (RATE_LIMITED) because it came after the request's deadline.",
            ["method", "route", "outcome"],
            registry=self.registry,
        )
        self.breaker = Gauge(
            "gql_upstream_breaker_state",
            "Circuit breaker: 0 closed, 1 half open, 2 open.",
            registry=self.registry,
        )
        self.cache_lookups = Counter(
            "gql_cache_lookups",
            "GETs the read cache was asked for: hit, stale (answered, refreshed in the "
            "background), miss, bypass (the request asked for fresh data, or is a mutation), "
            "unavailable (Redis failed, or this process owes an invalidation).",
            ["outcome"],
            registry=self.registry,
        )
        self.cache_invalidations = Counter(
            "gql_cache_invalidations",
            "Writes that expired what they may have changed from the read cache: done, or "
            "owed (Redis failed; the process reads around the cache until it is back).",
            ["outcome"],
            registry=self.registry,
        )
        self.cache_refreshes = Counter(
            "gql_cache_refreshes",
            "Background refreshes of stale read cache entries, by outcome (done, failed).",
            ["outcome"],
            registry=self.registry,
        )
        self.cache_bytes = Gauge(
            "gql_cache_bytes",
            "Bytes the in-process read cache holds (0 with Redis, or with the cache off).",
            registry=self.registry,
        )
        self._calls: dict[tuple[str, str, str], Any] = {}
        self._latency: dict[str, Any] = {}
        self._statuses: dict[int, Any] = {}
        self._lookups: dict[str, Any] = {}

    def watch_breaker(self, state: Callable[[], str]) -> None:
        """Read the breaker's state at every scrape."""
        self.breaker.set_function(lambda: BREAKER_STATES.get(state(), 0))

    def watch_redis(self, up: Callable[[], bool]) -> None:
        """Read whether Redis answers at every scrape."""
        # Made here, not with the others: without Redis there is no sample at all, rather
        # than a 0 that reads as an outage.
        redis_up = Gauge(
            "gql_redis_up",
            "1 while the fleet's Redis answers, 0 while it does not (each process then keeps "
            "its own state); absent without GQL_REDIS_URL.",
            registry=self.registry,
        )
        redis_up.set_function(lambda: 1.0 if up() else 0.0)

    def watch_cache_bytes(self, size: Callable[[], int]) -> None:
        """Read the in-process read cache's size at every scrape."""
        self.cache_bytes.set_function(lambda: float(size()))

    # -- the upstream client's observer -----------------------------------------------------

    def call_finished(self, method: str, route: str, outcome: str, seconds: float) -> None:
        # Label children are looked up once: a label lookup costs more than the increment.
        key = (method, route, outcome)
        calls = self._calls.get(key)
        if calls is None:
            calls = self._calls[key] = self.upstream_calls.labels(method, route, outcome)
        latency = self._latency.get(route)
        if latency is None:
            latency = self._latency[route] = self.upstream_seconds.labels(route)
        calls.inc()
        latency.observe(seconds)

    def retried(self, method: str, route: str) -> None:
        self.retries.labels(route).inc()

    def rate_limited(self, method: str, route: str, outcome: str) -> None:
        self.held.labels(method, route, outcome).inc()

    def cache_lookup(self, outcome: str) -> None:
        lookups = self._lookups.get(outcome)
        if lookups is None:
            lookups = self._lookups[outcome] = self.cache_lookups.labels(outcome)
        lookups.inc()

    def cache_invalidated(self, outcome: str) -> None:
        self.cache_invalidations.labels(outcome).inc()

    def cache_refreshed(self, outcome: str) -> None:
        self.cache_refreshes.labels(outcome).inc()

    # -- the endpoint's observer ------------------------------------------------------------

    def request_finished(self, status: int, codes: Iterable[str], seconds: float) -> None:
        requests = self._statuses.get(status)
        if requests is None:
            requests = self._statuses[status] = self.requests.labels(str(status))
        requests.inc()
        self.request_seconds.observe(seconds)
        for code in codes:
            self.errors.labels(code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
